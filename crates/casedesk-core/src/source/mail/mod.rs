//! The mail source: the user's own mailbox, where support sends the case number and every update.
//!
//! A pass reads each chosen folder read-only: per folder it remembers `UIDVALIDITY` and the last UID
//! read; the first pass (or one after `UIDVALIDITY` changed) searches the look-back window for the
//! allowed senders (`UID SEARCH SINCE … FROM …`), later passes only new UIDs. Sizes come first (for
//! all of them at once), so a mail over the cap is never fetched. Each mail is then parsed ([`parse`]), read against the rules
//! ([`rules`]) and applied to the store ([`apply`]), where a mail read before (by Message-ID, or a hash
//! when it has none) changes nothing — a chunk's mails in one transaction, with the folder's cursor,
//! on a blocking thread while the next chunk is fetched. Between
//! passes it waits in IMAP IDLE when the server has it (re-issued at most every 10 minutes), so a new
//! mail is read within a second; otherwise the follow loop polls at the interval.
//!
//! It never changes the mailbox: `EXAMINE`, `BODY.PEEK`, no flag, move or delete.

pub mod account;
pub mod accounts;
pub mod apply;
mod chunks;
pub mod crumb;
pub(crate) mod guard;
mod idle;
pub mod imap;
pub mod import;
mod login;
pub mod matching;
pub mod oauth;
pub mod parse;
mod pipeline;
pub mod presets;
pub mod rules;
pub mod settings;
pub mod settings_view;
pub mod sign_in;
mod state;
pub mod test_connection;

pub use account::MailAccount;
pub use accounts::MailAccounts;
pub use imap::uid_set;
pub use import::{import, read_eml_file, ImportResult, IMPORT_MAX_FILES};
pub use login::{credential, Credential};
pub use settings::{MailSettings, Security};
pub use state::{sync_state, SyncState};
pub use test_connection::{test_connection, TestReport};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

use self::apply::Announce;
use self::chunks::{byte_chunks, fetch_chunk, fetch_sizes, joined};
use self::imap::{imap_error, timed, ImapSession, COMMAND_TIMEOUT};
use self::rules::Rules;
use super::{StatusSource, SyncReport};
use crate::error::Result;
use crate::remote::{BoxFuture, RemoteError};
use crate::store::MailOutcome;
use crate::store::{self, SharedStore};

/// The mail source as the registry lists it: `.eml` files read by hand, the mailboxes' state on
/// the Cases view, their OAuth sign-in and their own part of Settings.
pub const REGISTRATION: super::by_hand::Registration = super::by_hand::Registration {
    key: accounts::KEY,
    import: Some(import::FILE_IMPORT),
    state: Some(state::view),
    sign_in: Some(sign_in::SIGN_IN),
    settings: Some(settings_view::SETTINGS),
    // The page's own module draws the mailboxes' form (accounts, presets, sign-in).
    form: None,
    check: Some(accounts::check),
    shown: Some(accounts::shown),
};

/// The name of the first account's source in logs and in `source_state` (others add `:<id>`).
pub const NAME: &str = "mail";
/// Mails larger than this are skipped (and recorded as such), never fetched whole.
pub const MAX_MESSAGE_BYTES: u32 = crate::limits::MAIL_MAX_MESSAGE_BYTES;
/// IDLE is re-issued at least this often: some providers drop idle connections after about 10 minutes.
pub const IDLE_REISSUE: Duration = Duration::from_secs(9 * 60);
/// Why a mail the breadcrumb named is not read.
pub(crate) const STOPPED_THE_APP: &str = "its last read stopped Casedesk; skipped";
/// UIDs whose bodies are fetched per command.
pub(crate) const CHUNK: usize = 100;
/// UIDs whose sizes are fetched per command.
const SIZE_CHUNK: usize = 1000;

pub struct MailSource {
    /// The account's id ([`account::FIRST_ID`] unless built for another) and its loop's name.
    account: String,
    name: String,
    settings: MailSettings,
    credential: Credential,
    pub(crate) rules: Arc<Rules>,
    session: tokio::sync::Mutex<Option<ImapSession>>,
    /// The server announced IDLE.
    idle: AtomicBool,
    /// Silence allowed while an answer is awaited.
    patience: Duration,
    /// Mails a crashed read left in the breadcrumb: skipped (and recorded unreadable).
    quarantine: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl MailSource {
    /// A source that logs in with a password.
    pub fn new(settings: MailSettings, password: String) -> Result<MailSource> {
        Self::with_credential(settings, Credential::Password(password))
    }

    pub fn with_credential(settings: MailSettings, credential: Credential) -> Result<MailSource> {
        settings.validate()?;
        Ok(MailSource {
            account: account::FIRST_ID.into(),
            name: NAME.into(),
            rules: Arc::new(Rules::compile(&settings)?),
            settings,
            credential,
            session: tokio::sync::Mutex::new(None),
            idle: AtomicBool::new(false),
            patience: crate::limits::IMAP_IDLE_TIMEOUT,
            quarantine: Default::default(),
        })
    }

    /// The source of one account: its cursors, breadcrumb and sync state are its own.
    pub fn for_account(account: MailAccount, credential: Credential) -> Result<MailSource> {
        account.validate()?;
        let mut source = Self::with_credential(account.settings.clone(), credential)?;
        source.name = account.source_name();
        source.account = account.id;
        Ok(source)
    }

    /// This source, telling which of the user's CJ accounts a mail names (a confirmation then lands
    /// only on a draft of that account).
    pub fn with_cj_routes(mut self, routes: crate::cj_routes::CjRoutes) -> MailSource {
        self.rules = Arc::new((*self.rules).clone().with_routes(routes));
        self
    }

    /// The silence allowed while an answer is awaited ([`crate::limits::IMAP_IDLE_TIMEOUT`] unless
    /// set; tests of stalling servers shorten it).
    pub fn with_patience(mut self, patience: Duration) -> MailSource {
        self.patience = patience;
        self
    }

    /// Whether the server offered IDLE when last connected.
    pub fn uses_idle(&self) -> bool {
        self.idle.load(Ordering::Relaxed)
    }

    pub(crate) async fn connected(&self) -> std::result::Result<ImapSession, RemoteError> {
        let mut session = self.login().await?;
        let caps = timed(COMMAND_TIMEOUT, "CAPABILITY", async {
            session.capabilities().await.map_err(imap_error)
        })
        .await?;
        self.idle.store(caps.has_str("IDLE"), Ordering::Relaxed);
        Ok(session)
    }

    /// One pass over every folder. The connection is kept for the next pass; a connection error drops
    /// it and ends the pass. A folder that cannot be opened is skipped and the others are read; the
    /// pass then answers that folder's error (what the others stored is delivered all the same: the
    /// follow loop delivers stored changes after a failed pass).
    pub async fn pass(&self, store: &SharedStore) -> std::result::Result<SyncReport, RemoteError> {
        let mut guard = self.session.lock().await;
        let mut session = match guard.take() {
            Some(s) => s,
            None => self.connected().await?,
        };
        let mut report = SyncReport {
            refreshed: true,
            ..Default::default()
        };
        let data_dir = self.take_crumb(store).await?;
        let mut folder_error = None;
        for folder in self.settings.folder_list() {
            match self
                .sync_folder(&mut session, store, &folder, &data_dir)
                .await
            {
                Ok((changes, read)) => {
                    report.changes.extend(changes);
                    report.checked += read;
                }
                Err(Skipped::Folder(e)) => {
                    tracing::info!(%folder, error = %e, "a folder was skipped");
                    folder_error.get_or_insert(e);
                }
                Err(Skipped::Connection(e)) => return Err(e),
            }
        }
        while session.unsolicited_responses.try_recv().is_ok() {}
        *guard = Some(session);
        match folder_error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// The data folder (for the breadcrumb), after taking in what a crashed read left there: that mail
    /// is recorded unreadable and skipped from now on.
    async fn take_crumb(
        &self,
        store: &SharedStore,
    ) -> std::result::Result<std::path::PathBuf, RemoteError> {
        let account = self.account.clone();
        let (dir, left) = store::on_store(store, move |s| {
            let dir = s.dir().to_owned();
            let left = crumb::Crumb::for_account(&dir, &account).left_over();
            if let Some(key) = &left {
                tracing::error!(%key, "the last read of this mail stopped Casedesk; it is skipped");
                apply::record_unread(s, key, MailOutcome::Unreadable, STOPPED_THE_APP, None)?;
            }
            Ok((dir, left))
        })
        .await
        .map_err(store_failed)?;
        if let Some(key) = left {
            self.quarantine
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key);
        }
        Ok(dir)
    }

    async fn sync_folder(
        &self,
        session: &mut ImapSession,
        store: &SharedStore,
        folder: &str,
        data_dir: &std::path::Path,
    ) -> std::result::Result<(Vec<crate::store::StatusChange>, usize), Skipped> {
        let mailbox = timed(COMMAND_TIMEOUT, "EXAMINE", async {
            session.examine(folder).await.map_err(imap_error)
        })
        .await
        .map_err(|e| match e {
            RemoteError::MailServer(m) => Skipped::Folder(RemoteError::Config(format!(
                "The folder “{folder}” cannot be opened: {m}"
            ))),
            other => Skipped::Connection(other),
        })?;
        self.read_folder(session, store, folder, mailbox, data_dir)
            .await
            .map_err(Skipped::Connection)
    }

    /// Reads an opened folder from its cursor.
    async fn read_folder(
        &self,
        session: &mut ImapSession,
        store: &SharedStore,
        folder: &str,
        mailbox: async_imap::types::Mailbox,
        data_dir: &std::path::Path,
    ) -> std::result::Result<(Vec<crate::store::StatusChange>, usize), RemoteError> {
        let uid_validity = mailbox.uid_validity.unwrap_or(0);
        let account = self.account.clone();
        let (cursor, now) = store::on_store(store, {
            let (account, folder) = (account.clone(), folder.to_owned());
            move |s| Ok((s.mail_folders().cursor(&account, &folder)?, s.now()))
        })
        .await
        .map_err(store_failed)?;
        let last = cursor
            .filter(|c| c.uid_validity == uid_validity)
            .map(|c| c.last_uid);
        if mailbox.exists == 0 {
            let folder = folder.to_owned();
            store::on_store(store, move |s| {
                s.mail_folders()
                    .advance(&account, &folder, uid_validity, last.unwrap_or(0))
            })
            .await
            .map_err(store_failed)?;
            return Ok((Vec::new(), 0));
        }
        let senders = imap::from_criteria(&self.settings.sender_list());
        let query = match last {
            Some(l) => format!("UID {}:* {senders}", l.saturating_add(1)),
            None => {
                let window = i64::from(self.settings.look_back_days) * 86_400_000;
                format!("{} {senders}", imap::since(now - window))
            }
        };
        let mut uids: Vec<u32> = timed(COMMAND_TIMEOUT, "SEARCH", async {
            session.uid_search(&query).await.map_err(imap_error)
        })
        .await?
        .into_iter()
        .filter(|u| last.is_none_or(|l| *u > l))
        .collect();
        uids.sort_unstable();
        let announce = if last.is_some() {
            Announce::All
        } else {
            Announce::CatchingUp
        };
        // A pipeline on blocking threads: chunk N is parsed as soon as it is fetched, while chunk N-1
        // is applied and chunk N+1 fetched. Chunks are applied in order (each waits for the one
        // before), each in one transaction with the folder's cursor.
        let mut changes = Vec::new();
        let mut read = 0;
        let mut storing: Option<tokio::task::JoinHandle<Result<Vec<crate::store::StatusChange>>>> =
            None;
        let sizes = fetch_sizes(session, &uids).await?;
        for chunk in byte_chunks(&uids, &sizes) {
            let fetched =
                fetch_chunk(session, chunk, &sizes, (&account, folder, uid_validity)).await?;
            read += fetched.bodies.len();
            let parsing = self.parse_chunk(fetched, (folder, uid_validity), data_dir);
            if let Some(previous) = storing.take() {
                changes.extend(joined(previous.await)?);
            }
            storing = Some(self.store_chunk(store, (folder, uid_validity), parsing, announce));
        }
        if let Some(previous) = storing.take() {
            changes.extend(joined(previous.await)?);
        }
        if uids.is_empty() {
            // Nothing matched. On a first read the cursor starts at the folder's end, so that the next
            // pass reads only what arrives after it — never the whole folder as news.
            let at = match last {
                Some(l) => l,
                None => folder_end(session, mailbox.uid_next).await?,
            };
            let folder = folder.to_owned();
            store::on_store(store, move |s| {
                s.mail_folders()
                    .advance(&account, &folder, uid_validity, at)
            })
            .await
            .map_err(store_failed)?;
        }
        Ok((changes, read))
    }
}

/// Why a folder was not read: it alone (the others are read), or the connection (the pass ends).
enum Skipped {
    Folder(RemoteError),
    Connection(RemoteError),
}

/// The highest UID in the open folder: `UIDNEXT` − 1 when the server said it, else asked for.
async fn folder_end(
    session: &mut ImapSession,
    uid_next: Option<u32>,
) -> std::result::Result<u32, RemoteError> {
    if let Some(next) = uid_next {
        return Ok(next.saturating_sub(1));
    }
    let found = timed(COMMAND_TIMEOUT, "SEARCH", async {
        session.uid_search("UID *").await.map_err(imap_error)
    })
    .await?;
    Ok(found.into_iter().max().unwrap_or(0))
}

/// The store's error as the follow loop's (store work runs through [`store::on_store`]).
fn store_failed(e: crate::Error) -> RemoteError {
    RemoteError::Config(format!("could not store the mail: {e}"))
}

impl StatusSource for MailSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn sync<'a>(
        &'a self,
        store: &'a SharedStore,
    ) -> BoxFuture<'a, std::result::Result<SyncReport, RemoteError>> {
        Box::pin(async move {
            let result = self.pass(store).await;
            let note = match &result {
                Ok(_) => None,
                Err(e) => Some((e.code().as_str(), e.to_string())),
            };
            let name = self.name.clone();
            let _ = store::on_store(store, move |s| match &note {
                None => s.source_states().synced(&name, None),
                Some((code, e)) => s.source_states().failed(&name, code, e),
            })
            .await;
            result
        })
    }

    fn wait_for_news<'a>(&'a self, max: Duration, wake: &'a Notify) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if !self.idle(max, wake).await {
                tokio::select! {
                    _ = tokio::time::sleep(max) => {}
                    _ = wake.notified() => {}
                }
            }
        })
    }
}
