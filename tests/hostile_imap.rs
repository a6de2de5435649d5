//! A scripted IMAP server on loopback that misbehaves on purpose (a real one cannot): huge literal
//! announcements, bodies larger than announced, endless lines, garbage, stalls, floods, a folder that
//! cannot be opened. It answers LOGIN, CAPABILITY, LIST (INBOX), EXAMINE (2 mails, UIDVALIDITY 7, UIDNEXT 3),
//! UID SEARCH, size and body FETCH, LOGOUT; every command line it hears is kept. Bounded: at most 20
//! connections, 50 commands each, 200 MB sent per flood.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Body {
    /// Real mails, as announced.
    Honest,
    /// `{536000000}` announced, then silence.
    HugeAnnouncement,
    /// RFC822.SIZE says 1,200; the body is announced and sent as 50 MB.
    Lies,
    /// The body never ends its line.
    EndlessLine,
    /// Bytes that are not IMAP.
    Garbage,
    /// Nothing at all after the command.
    Stall,
    /// Unasked-for FETCH responses without end.
    Flood,
    /// A folder with mail, none of it from support.
    NoSupportMail,
    /// Honest mail, but status texts whose first byte after a `[code]` is not ASCII (the greeting
    /// and an unasked `* OK [ALERT]`): imap-proto 0.17.0 sliced them mid-character and panicked.
    EightBitStatusText,
    /// An unasked `INTERNALDATE NIL` among the size answers: imap-proto 0.17.0 unwrapped it.
    NilInternalDate,
}

pub struct Server {
    pub port: u16,
    stop: Arc<AtomicBool>,
    /// Bytes sent by floods.
    pub sent: Arc<AtomicUsize>,
    /// Every command line the server received.
    pub heard: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// The two mails of the honest folder: a confirmation and a status change of case 11111111.
pub fn mails() -> Vec<Vec<u8>> {
    let now = crate::mails::now_ms();
    vec![
        crate::mails::cj_created("11111111", "Tracking link broken", now - 60_000),
        crate::mails::cj_status("11111111", "Tracking link broken", "Closed", now - 30_000),
    ]
}

/// Serves connections one after another with the given body behaviour; `bad_folder` answers NO to
/// EXAMINE of that folder.
pub fn serve(body: Body, bad_folder: Option<&'static str>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let heard = Arc::new(Mutex::new(Vec::new()));
    let (stop2, sent2, heard2) = (stop.clone(), sent.clone(), heard.clone());
    std::thread::spawn(move || {
        for conn in listener.incoming().take(20) {
            if stop2.load(Ordering::Relaxed) {
                break;
            }
            let Ok(conn) = conn else { continue };
            let (stop3, sent3, heard3) = (stop2.clone(), sent2.clone(), heard2.clone());
            std::thread::spawn(move || {
                let _ = session(conn, body, bad_folder, &stop3, &sent3, &heard3);
            });
        }
    });
    Server {
        port,
        stop,
        sent,
        heard,
    }
}

fn session(
    conn: TcpStream,
    body: Body,
    bad_folder: Option<&str>,
    stop: &AtomicBool,
    sent: &AtomicUsize,
    heard: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = conn.try_clone()?;
    let mut lines = BufReader::new(conn);
    if body == Body::EightBitStatusText {
        out.write_all(b"* OK [CAPABILITY IMAP4rev1]\xa0bereit\r\n")?;
    } else {
        out.write_all(b"* OK hostile IMAP ready\r\n")?;
    }
    let mails = mails();
    let mut line = String::new();
    for _ in 0..50 {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        heard.lock().unwrap().push(line.trim_end().to_owned());
        let (tag, command) = line.trim_end().split_once(' ').unwrap_or(("*", ""));
        let upper = command.to_ascii_uppercase();
        let ok = |out: &mut TcpStream| out.write_all(format!("{tag} OK done\r\n").as_bytes());
        if upper.starts_with("LOGIN") {
            ok(&mut out)?;
        } else if upper.starts_with("CAPABILITY") {
            out.write_all(b"* CAPABILITY IMAP4rev1\r\n")?;
            ok(&mut out)?;
        } else if upper.starts_with("LIST") {
            out.write_all(b"* LIST (\\HasNoChildren) \"/\" INBOX\r\n")?;
            ok(&mut out)?;
        } else if upper.starts_with("EXAMINE") {
            if bad_folder.is_some_and(|f| command.contains(f)) {
                out.write_all(format!("{tag} NO no such folder\r\n").as_bytes())?;
            } else {
                out.write_all(b"* 2 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 3] ok\r\n")?;
                out.write_all(format!("{tag} OK [READ-ONLY] done\r\n").as_bytes())?;
            }
        } else if upper.starts_with("UID SEARCH") && body == Body::NoSupportMail {
            out.write_all(b"* SEARCH\r\n")?;
            ok(&mut out)?;
        } else if upper.starts_with("UID SEARCH") {
            if body == Body::EightBitStatusText {
                out.write_all(b"* OK [ALERT]\xc3\xa9t\xc3\xa9 maintenance\r\n")?;
            }
            out.write_all(b"* SEARCH 1 2\r\n")?;
            ok(&mut out)?;
        } else if upper.starts_with("UID FETCH") && upper.contains("RFC822.SIZE") {
            if body == Body::NilInternalDate {
                out.write_all(b"* 1 FETCH (UID 1 INTERNALDATE NIL)\r\n")?;
            }
            for (i, m) in mails.iter().enumerate() {
                let honest = matches!(body, Body::Honest | Body::EightBitStatusText);
                let size = if honest { m.len() } else { 1200 };
                out.write_all(
                    format!("* {} FETCH (UID {} RFC822.SIZE {size})\r\n", i + 1, i + 1).as_bytes(),
                )?;
            }
            ok(&mut out)?;
        } else if upper.starts_with("UID FETCH") {
            match body {
                Body::Honest
                | Body::NoSupportMail
                | Body::EightBitStatusText
                | Body::NilInternalDate => {
                    for (i, m) in mails.iter().enumerate() {
                        out.write_all(
                            format!(
                                "* {} FETCH (UID {} BODY[] {{{}}}\r\n",
                                i + 1,
                                i + 1,
                                m.len()
                            )
                            .as_bytes(),
                        )?;
                        out.write_all(m)?;
                        out.write_all(b")\r\n")?;
                    }
                    ok(&mut out)?;
                }
                Body::HugeAnnouncement => {
                    out.write_all(b"* 1 FETCH (UID 1 BODY[] {536000000}\r\n")?;
                    std::thread::sleep(Duration::from_secs(5));
                }
                Body::Lies => {
                    out.write_all(b"* 1 FETCH (UID 1 BODY[] {50000000}\r\n")?;
                    flood(&mut out, stop, sent, b"x")?;
                }
                Body::EndlessLine => {
                    out.write_all(b"* 1 FETCH (UID 1 BODY[] \"")?;
                    flood(&mut out, stop, sent, b"a")?;
                }
                Body::Garbage => {
                    flood(&mut out, stop, sent, b"\x00\xff)(}{ garbage\r\n")?;
                }
                Body::Stall => std::thread::sleep(Duration::from_secs(10)),
                Body::Flood => {
                    for i in 0..u32::MAX {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let r = format!(
                            "* {i} FETCH (UID {} BODY[] {{8}}\r\nabcdefgh)\r\n",
                            i + 1000
                        );
                        out.write_all(r.as_bytes())?;
                        sent.fetch_add(r.len(), Ordering::Relaxed);
                    }
                }
            }
        } else if upper.starts_with("LOGOUT") {
            out.write_all(b"* BYE\r\n")?;
            ok(&mut out)?;
            return Ok(());
        } else {
            ok(&mut out)?;
        }
    }
    Ok(())
}

/// Writes `pattern` until the client goes away, at most 200 MB.
fn flood(
    out: &mut TcpStream,
    stop: &AtomicBool,
    sent: &AtomicUsize,
    pattern: &[u8],
) -> std::io::Result<()> {
    let block: Vec<u8> = pattern.iter().copied().cycle().take(64 * 1024).collect();
    for _ in 0..3200 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        out.write_all(&block)?;
        sent.fetch_add(block.len(), Ordering::Relaxed);
    }
    Ok(())
}
