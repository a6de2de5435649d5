//! Mails as CJ's support desk (Salesforce's stock templates) and others send them, for tests and the
//! bench to place in a test mailbox. Dates are RFC 5322, from ms since the epoch.

/// `Tue, 18 Nov 2025 10:15:00 +0000` for a time in ms since the epoch.
pub fn rfc5322(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Now, in ms since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn mail(from: &str, subject: &str, ms: i64, message_id: &str, auth: &str, body: &str) -> Vec<u8> {
    format!(
        "Authentication-Results: mx.example.com; {auth}\r\nFrom: {from}\r\nTo: ana@example.com\r\nSubject: {subject}\r\nDate: {}\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        rfc5322(ms),
        body.replace('\n', "\r\n")
    )
    .into_bytes()
}

const PASS: &str =
    "spf=pass smtp.mailfrom=cj.com; dkim=pass header.d=cj.com; dmarc=pass header.from=cj.com";
const CJ: &str = "CJ Support <support@cj.com>";

/// The web form's auto-reply: `CJ Case # <n>:  <subject>`.
pub fn cj_created(number: &str, subject: &str, ms: i64) -> Vec<u8> {
    mail(
        CJ,
        &format!("CJ Case # {number}:  {subject}"),
        ms,
        &format!("created.{number}@sf.example"),
        PASS,
        &format!("Thank you for contacting CJ Support.\n\nCase #{number}: \"{subject}\" has been created.\n\nref:_00D1a2bC._500{number}:ref\n"),
    )
}

/// A status change: `The status of your case has been changed to <status>.`
pub fn cj_status(number: &str, subject: &str, status: &str, ms: i64) -> Vec<u8> {
    mail(
        CJ,
        &format!("Case {number}:  {subject}"),
        ms,
        &format!(
            "status.{}.{number}@sf.example",
            status.to_lowercase().replace(' ', "-")
        ),
        PASS,
        &format!("Hello,\n\nThe status of your case has been changed to {status}.\n\nCJ Support\n"),
    )
}

/// A reply from support: `Your case <n> has been updated.` with a comment.
pub fn cj_reply(number: &str, text: &str, ms: i64, tag: &str) -> Vec<u8> {
    mail(
        CJ,
        &format!("Your case {number} has been updated"),
        ms,
        &format!("reply.{tag}.{number}@sf.example"),
        PASS,
        &format!("Your case {number} has been updated.\n\nComment from CJ Support:\n{text}\n\n--\nCJ Support\n"),
    )
}

/// A status mail from a look-alike domain: must change nothing.
pub fn spoofed_status(number: &str, status: &str, ms: i64) -> Vec<u8> {
    mail(
        "CJ Support <support@cj.com.case-desk.example>",
        &format!("Case {number}:  {status}"),
        ms,
        &format!("spoof.{number}.{ms}@evil.example"),
        "spf=fail; dkim=none; dmarc=fail",
        &format!("The status of your case has been changed to {status}.\n"),
    )
}

/// A mail that is none of support's business (a newsletter, a colleague).
pub fn noise(i: usize, ms: i64) -> Vec<u8> {
    let from = match i % 3 {
        0 => "Newsletter <news@shop.example>",
        1 => "Colleague <bob@example.org>",
        _ => "Bank <alerts@bank.example>",
    };
    mail(
        from,
        &format!("Weekly update {i}"),
        ms,
        &format!("noise.{i}@example.org"),
        "spf=pass; dkim=pass; dmarc=pass",
        &format!("Hello,\n\nHere is update number {i}. Order 1234{i:04} shipped.\n"),
    )
}
