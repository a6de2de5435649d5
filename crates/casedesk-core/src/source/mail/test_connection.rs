//! "Test connection": log in, check the folders, and read the look-back window without storing
//! anything, to show the user what Casedesk would count.

use serde::Serialize;

use super::apply::{MailResult, ResultKind};
use super::chunks::{byte_chunks, fetch_chunk, fetch_sizes};
use super::imap::{self, imap_error, timed, COMMAND_TIMEOUT};
use super::{parse, rules, Credential, MailSettings, MailSource};
use crate::remote::RemoteError;

/// What "Test connection" found: the folders, how many mails in the look-back window count, and what
/// was read from the last three (nothing is stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestReport {
    pub folders: Vec<String>,
    pub missing_folders: Vec<String>,
    pub idle: bool,
    pub candidates: usize,
    pub counted: usize,
    pub last: Vec<MailResult>,
    pub summary: String,
}

/// Logs in, checks the folders, and reads the look-back window without storing anything.
pub async fn test_connection(
    settings: &MailSettings,
    credential: Credential,
    now_ms: i64,
) -> std::result::Result<TestReport, RemoteError> {
    let source = MailSource::with_credential(settings.clone(), credential)
        .map_err(|e| RemoteError::Config(e.to_string()))?;
    let mut session = source.connected().await?;
    let folders = imap::list_folders(&mut session).await?;
    let missing: Vec<String> = settings
        .folder_list()
        .into_iter()
        .filter(|f| {
            !folders.iter().any(|g| {
                g == f || (f.eq_ignore_ascii_case("INBOX") && g.eq_ignore_ascii_case("INBOX"))
            })
        })
        .collect();
    let mut readings = Vec::new();
    let mut candidates = 0;
    let window = i64::from(settings.look_back_days) * 86_400_000;
    let query = format!(
        "{} {}",
        imap::since(now_ms - window),
        imap::from_criteria(&settings.sender_list())
    );
    for folder in settings
        .folder_list()
        .iter()
        .filter(|f| !missing.contains(f))
    {
        timed(COMMAND_TIMEOUT, "EXAMINE", async {
            session.examine(folder).await.map_err(imap_error)
        })
        .await?;
        let mut uids: Vec<u32> = timed(COMMAND_TIMEOUT, "SEARCH", async {
            session.uid_search(&query).await.map_err(imap_error)
        })
        .await?
        .into_iter()
        .collect();
        uids.sort_unstable();
        candidates += uids.len();
        // The same path as a sync: sizes first, chunks cut by bytes, bodies under the cap, each
        // chunk parsed on a blocking thread.
        let sizes = fetch_sizes(&mut session, &uids).await?;
        for chunk in byte_chunks(&uids, &sizes) {
            let fetched = fetch_chunk(
                &mut session,
                chunk,
                &sizes,
                (super::account::FIRST_ID, folder, 0),
            )
            .await?;
            let (rules, settings) = (source.rules.clone(), settings.clone());
            let read = tokio::task::spawn_blocking(move || {
                fetched
                    .bodies
                    .iter()
                    .filter_map(|(_, bytes)| parse::parse(bytes).map(|p| rules.read(&p, &settings)))
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| RemoteError::Malformed(format!("reading the mail failed: {e}")))?;
            readings.extend(read);
        }
    }
    let _ = timed(COMMAND_TIMEOUT, "LOGOUT", async {
        session.logout().await.map_err(imap_error)
    })
    .await;
    let counted: Vec<&rules::Reading> = readings.iter().filter(|r| r.ignored.is_none()).collect();
    let last: Vec<MailResult> = counted
        .iter()
        .rev()
        .take(3)
        .map(|r| MailResult {
            outcome: match r.kind {
                rules::MailKind::Reply => ResultKind::Reply,
                _ => ResultKind::Status,
            },
            case_number: r.case_number.clone(),
            status: r.status.clone(),
            kind: Some(r.kind),
            subject: r.subject.chars().take(255).collect(),
            detail: match (&r.case_number, &r.status) {
                (Some(n), Some(s)) => format!("Case {n}: {s}"),
                (Some(n), None) => format!("Case {n}: a reply"),
                (None, _) => "A reply on an earlier mail's case".into(),
            },
        })
        .collect();
    let summary = format!(
        "Connected. {} of {} mail{} from your senders in the last {} days count{}.{}",
        counted.len(),
        candidates,
        if candidates == 1 { "" } else { "s" },
        settings.look_back_days,
        if counted.len() == 1 { "s" } else { "" },
        if missing.is_empty() {
            String::new()
        } else {
            format!(" Not found on the server: {}.", missing.join(", "))
        }
    );
    Ok(TestReport {
        folders,
        missing_folders: missing,
        idle: source.uses_idle(),
        candidates,
        counted: counted.len(),
        last,
        summary,
    })
}
