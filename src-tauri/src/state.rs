//! What every command reaches through `State`: the store (opened on a thread of its own, or why it
//! could not be), the secret store, the filer in use, and the follow loops of the status sources the
//! preferences turn on. It knows no filer or source by name: the core's registries build them.

use casedesk_core::filer::{Filer, Filers};
use casedesk_core::follow::{self, FollowConfig, Followers, StatusSink};
use casedesk_core::preferences::Preferences;
use casedesk_core::registry;
use casedesk_core::secrets::Secrets;
use casedesk_core::store::StatusChange;
use casedesk_core::store::{self, SharedStore};
use casedesk_core::{ErrorPayload, Store, SystemClock};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

/// The store, or why it could not be opened. Commands that need it wait until it is there.
#[derive(Default)]
struct StoreCell {
    slot: Mutex<Option<Result<SharedStore, ErrorPayload>>>,
    opened: Condvar,
}

impl StoreCell {
    fn set(&self, store: Result<SharedStore, ErrorPayload>) {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some(store);
        self.opened.notify_all();
    }

    fn get(&self) -> Result<SharedStore, ErrorPayload> {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(store) = slot.as_ref() {
                return store.clone();
            }
            slot = self.opened.wait(slot).unwrap_or_else(|p| p.into_inner());
        }
    }
}

pub struct AppState {
    store: StoreCell,
    /// A read-only connection for lists: it reads beside the writer (WAL), never waiting for it.
    reader: Mutex<Option<Store>>,
    /// `None` when no data folder could be found: nothing is written anywhere then.
    data_dir: Option<PathBuf>,
    secrets: Arc<dyn Secrets>,
    /// The filers the preferences build and the one in use, once built (after the store is handed
    /// out, off the start path).
    filers: RwLock<Option<Filers>>,
    filer_built: (Mutex<bool>, Condvar),
    followers: Mutex<Option<Followers>>,
    sink: Mutex<Option<Arc<dyn StatusSink>>>,
    /// Paths the user dropped on the window, as the shell saw the drop (not as the page says).
    grants: Mutex<Vec<(PathBuf, Instant)>>,
    /// The OAuth sign-in under way, if any (see `commands/oauth.rs`).
    pub(crate) sign_in: crate::commands::oauth::SignIn,
    /// A paste or capture offered smaller, waiting for the user's choice.
    pub(crate) offer: crate::commands::pictures::PendingOffer,
    /// The preferences' "Desktop notifications", kept here as they are saved so a notification
    /// reads no store.
    notifications: Arc<AtomicBool>,
}

/// How long a dropped path stays readable by an attach or an import.
const GRANT_TTL: Duration = Duration::from_secs(300);

impl AppState {
    /// A state whose store is opened now, with its filer (tests); a failure is kept and answered to
    /// every command.
    pub fn open(data_dir: PathBuf, secrets: Arc<dyn Secrets>) -> AppState {
        let state = AppState::new(Some(data_dir), secrets);
        if let Ok((_, prefs)) = state.open_store() {
            state.install_filer(&prefs);
        }
        state
    }

    /// A state whose store is not open yet: commands wait for [`AppState::open_store`].
    pub fn new(data_dir: Option<PathBuf>, secrets: Arc<dyn Secrets>) -> AppState {
        AppState {
            store: StoreCell::default(),
            reader: Mutex::new(None),
            data_dir,
            secrets,
            filers: RwLock::new(None),
            filer_built: (Mutex::new(false), Condvar::new()),
            followers: Mutex::new(None),
            sink: Mutex::new(None),
            grants: Mutex::new(Vec::new()),
            sign_in: Default::default(),
            offer: Default::default(),
            notifications: Arc::new(AtomicBool::new(true)),
        }
    }

    /// The user dropped `paths` on the window: attach and import may read them for a while.
    pub fn grant(&self, paths: &[PathBuf]) {
        let now = Instant::now();
        let mut grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        grants.retain(|(_, at)| now.duration_since(*at) < GRANT_TTL);
        grants.extend(paths.iter().take(1000).map(|p| (p.clone(), now)));
    }

    /// Refuses a path the user did not drop on this window: the page cannot name files for Casedesk
    /// to read (a compromised page asking for `~/.ssh/id_rsa` gets nothing).
    pub fn check_granted(&self, paths: &[String], field: &'static str) -> Result<(), ErrorPayload> {
        let now = Instant::now();
        let grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        for p in paths {
            let granted = grants.iter().any(|(g, at)| {
                g.as_os_str() == std::ffi::OsStr::new(p) && now.duration_since(*at) < GRANT_TTL
            });
            if !granted {
                return Err(ErrorPayload::from(casedesk_core::Error::field(
                    field,
                    casedesk_core::Code::PathNotGranted,
                    "Casedesk only reads files you pick in its file chooser or drop on its window.",
                )));
            }
        }
        Ok(())
    }

    /// Opens and migrates the store, tidies it, and hands it to every waiting command; answers the
    /// store and the preferences. The keyring is not read here: a locked keyring (which waits for the
    /// user) must not keep the window from its drafts. The filer comes after ([`AppState::install_filer`]).
    pub fn open_store(&self) -> Result<(SharedStore, Preferences), ErrorPayload> {
        let Some(data_dir) = &self.data_dir else {
            let e = ErrorPayload {
                code: casedesk_core::Code::DataFolderUnknown,
                message: format!("Casedesk could not find a folder for its data ({}), so it will not save anything rather than save where the system deletes files. {}, or CASEDESK_DATA_DIR, and start it again.", crate::platform::data_folder::MISSING.0, crate::platform::data_folder::MISSING.1),
                field: None,
            };
            self.store.set(Err(e.clone()));
            return Err(e);
        };
        let store = Store::open(data_dir, Arc::new(SystemClock))
            .inspect(|s| match s.housekeeping() {
                Ok(h) => tracing::info!(?h, "start-up housekeeping"),
                Err(e) => tracing::warn!(error = %e, "start-up housekeeping failed"),
            })
            .map(|s| Arc::new(Mutex::new(s)))
            .map_err(|e| {
                tracing::error!(error = %e, dir = %data_dir.display(), "could not open the store");
                ErrorPayload::from(&e)
            });
        let opened = store.map(|store| {
            let prefs = store::lock(&store)
                .and_then(|s| Preferences::load(&s))
                .unwrap_or_default();
            match Store::open_reader(data_dir, Arc::new(SystemClock)) {
                Ok(r) => *self.reader.lock().unwrap_or_else(|p| p.into_inner()) = Some(r),
                Err(e) => {
                    tracing::warn!(error = %e, "no read-only connection; lists use the writer")
                }
            }
            (store, prefs)
        });
        self.store.set(
            opened
                .as_ref()
                .map(|(store, _)| store.clone())
                .map_err(Clone::clone),
        );
        opened
    }

    /// SQLite's quick check beside the open store. A damaged file is closed to every command from
    /// then on (what the user typed stays in the window) and the follow loops stop.
    pub fn verify_store(&self) -> Result<(), ErrorPayload> {
        let (Ok(_), Some(dir)) = (self.store.get(), &self.data_dir) else {
            return Ok(());
        };
        match Store::quick_check(dir) {
            Ok(()) => Ok(()),
            Err(e) if e.code() == "database_corrupt" => {
                let payload = ErrorPayload::from(&e);
                self.store.set(Err(payload.clone()));
                if let Ok(mut f) = self.followers.lock() {
                    f.take();
                }
                Err(payload)
            }
            Err(e) => {
                tracing::warn!(error = %e, "the database check could not run");
                Ok(())
            }
        }
    }

    /// The attachments folder of the open store (files are written there before their rows).
    pub fn blob_dir(&self) -> Result<PathBuf, ErrorPayload> {
        self.store.get()?;
        let dir = self.data_dir.as_ref().ok_or_else(|| ErrorPayload {
            code: casedesk_core::Code::DataFolderUnknown,
            message: "Casedesk has no data folder.".into(),
            field: None,
        })?;
        Ok(dir.join(casedesk_core::store::BLOB_DIR))
    }

    pub fn shared_store(&self) -> Result<SharedStore, ErrorPayload> {
        self.store.get()
    }

    /// Runs `f` with the store, mapping every failure to the boundary's error shape.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> casedesk_core::Result<T>,
    ) -> Result<T, ErrorPayload> {
        let store = self.store.get()?;
        let guard = store::lock(&store).map_err(ErrorPayload::from)?;
        f(&guard).map_err(|e| {
            if matches!(
                e,
                casedesk_core::Error::Invalid { .. } | casedesk_core::Error::NotFound { .. }
            ) {
                return ErrorPayload::from(&e);
            }
            tracing::warn!(code = %e.code(), error = %e, "command failed");
            self.explain_storage_error(ErrorPayload::from(&e))
        })
    }

    /// Runs a read with the read-only connection (the writer when there is none), so a long write
    /// never holds up a list. Waits for the store to open; a damaged store answers its error.
    pub fn with_reader<T>(
        &self,
        f: impl FnOnce(&Store) -> casedesk_core::Result<T>,
    ) -> Result<T, ErrorPayload> {
        self.store.get()?;
        let reader = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        match reader.as_ref() {
            Some(r) => f(r).map_err(|e| ErrorPayload::from(&e)),
            None => {
                drop(reader);
                self.with_store(f)
            }
        }
    }

    /// SQLite reports a full or read-only disk as a bare I/O error once the file is open; a write probe
    /// in the data folder tells the user which it is.
    fn explain_storage_error(&self, payload: ErrorPayload) -> ErrorPayload {
        let Some(dir) = &self.data_dir else {
            return payload;
        };
        if payload.code == "disk_full" || payload.code == "read_only" {
            return payload;
        }
        let probe = dir.join(".write-probe");
        let result = std::fs::write(&probe, [0u8; 4096]);
        let _ = std::fs::remove_file(&probe);
        let kind = match result {
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => {
                std::io::ErrorKind::StorageFull
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                std::io::ErrorKind::ReadOnlyFilesystem
            }
            _ => return payload,
        };
        ErrorPayload::from(&casedesk_core::Error::Io(std::io::Error::from(kind)))
    }

    /// The data folder (`None` when none could be found).
    pub fn data_dir(&self) -> Option<&PathBuf> {
        self.data_dir.as_ref()
    }

    pub fn secrets(&self) -> &dyn Secrets {
        self.secrets.as_ref()
    }

    /// The secret store, to hand to a source that reads it later (an OAuth token source).
    pub fn secrets_arc(&self) -> &Arc<dyn Secrets> {
        &self.secrets
    }

    /// The filer in use (see [`AppState::current_filers`]).
    pub fn current_filer(&self) -> Arc<dyn Filer> {
        self.current_filers().in_use().clone()
    }

    /// The filers the preferences built and the one in use. Until they are built (right after start)
    /// this waits up to [`FILER_WAIT`], then answers what the default preferences build.
    pub fn current_filers(&self) -> Filers {
        let (built, cv) = &self.filer_built;
        let guard = built.lock().unwrap_or_else(|p| p.into_inner());
        let (_guard, waited) = cv
            .wait_timeout_while(guard, FILER_WAIT, |b| !*b)
            .unwrap_or_else(|p| p.into_inner());
        if waited.timed_out() {
            tracing::warn!("the filers are not ready yet; using the default settings' for now");
        }
        self.filers
            .read()
            .ok()
            .and_then(|p| p.clone())
            .unwrap_or_else(|| registry::filers(&Preferences::default(), self.secrets_arc()))
    }

    /// Builds the filers the preferences set up (their credentials are read when they are used).
    pub fn install_filer(&self, prefs: &Preferences) {
        let filers = registry::filers(prefs, self.secrets_arc());
        if let Ok(mut slot) = self.filers.write() {
            *slot = Some(filers);
        }
        let (built, cv) = &self.filer_built;
        *built.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
    }

    /// Puts the preferences to work: the filer, and a follow loop per status source they turn on.
    pub fn apply_preferences(&self, prefs: &Preferences) {
        self.notifications
            .store(prefs.notifications, Ordering::Relaxed);
        self.install_filer(prefs);
        // Built before the followers' lock is taken (the main thread's Check now, tray and close wait
        // on it); building reads no keyring (secrets are read when a pass uses them).
        let sources = registry::sources(prefs, &self.secrets);
        if let Some(f) = self.followers.lock().ok().as_ref().and_then(|g| g.as_ref()) {
            f.replace(sources, follow_config(prefs));
        }
    }

    /// Starts the follow loops (once the store is open): delivers what an earlier run left
    /// unnotified, then runs the sources the preferences turn on. Must run inside the async runtime.
    /// Whether desktop notifications are on, as last saved (shared with the status sink).
    pub fn notifications(&self) -> Arc<AtomicBool> {
        self.notifications.clone()
    }

    pub fn start_following(
        &self,
        store: SharedStore,
        sink: Arc<dyn StatusSink>,
        prefs: &Preferences,
    ) {
        self.notifications
            .store(prefs.notifications, Ordering::Relaxed);
        if let Ok(mut s) = self.sink.lock() {
            *s = Some(sink.clone());
        }
        let followers = Followers::start(store, sink, std::process::id() as u64);
        followers.replace(
            registry::sources(prefs, &self.secrets),
            follow_config(prefs),
        );
        if let Ok(mut f) = self.followers.lock() {
            *f = Some(followers);
        }
    }

    /// Whether a status source runs (then closing the window keeps Casedesk in the tray).
    pub fn following(&self) -> bool {
        self.followers
            .lock()
            .ok()
            .and_then(|g| g.as_ref().map(|f| f.count() > 0))
            .unwrap_or(false)
    }

    /// Hands a committed change to the sink (event, then notification) exactly once.
    pub fn deliver(&self, change: &StatusChange) {
        let sink = self.sink.lock().ok().and_then(|s| s.clone());
        if let (Some(sink), Ok(store)) = (sink, self.store.get()) {
            follow::deliver(&store, sink.as_ref(), change);
        }
    }

    pub fn check_now(&self) {
        if let Some(f) = self.followers.lock().ok().as_ref().and_then(|g| g.as_ref()) {
            f.check_now();
        }
    }
}

/// How long a command waits for the filer to be built at start.
const FILER_WAIT: Duration = Duration::from_secs(5);

/// The interval from preferences; `CASEDESK_POLL_INTERVAL_SECS` overrides it (for tests).
pub fn follow_config(prefs: &Preferences) -> FollowConfig {
    let secs = std::env::var("CASEDESK_POLL_INTERVAL_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|s| *s >= 1)
        .unwrap_or(prefs.poll_interval_secs);
    FollowConfig {
        interval: Duration::from_secs(secs),
        ..FollowConfig::default()
    }
}
