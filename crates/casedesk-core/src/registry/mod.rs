//! The composition root: the one place that turns the preferences into the filer in use and the
//! status sources that run. It sits on the top floor (see ARCHITECTURE.md, "Floors") because it is
//! the only module that knows every filer, every source, the preferences and filing's outbox at once;
//! everything below it knows only its own floor and the ones beneath. A new filer is a module plus an
//! arm in [`filer`]; a new source a module plus a line in [`SOURCES`]. What the sources offer by hand is reached
//! through [`by_hand`]'s functions, which walk the same list.

use std::sync::Arc;

mod by_hand;

pub use by_hand::*;

use crate::error::Result;
use crate::filer::{cj_web, Filer, FilerKind, Filers, Registration};
use crate::preferences::Preferences;
use crate::rt::{self, Rt};
use crate::secrets::Secrets;
use crate::settings_form::SettingsForm;
use crate::source::by_hand::Registration as SourceRegistration;
use crate::source::mail::{self, MailAccount, MailAccounts, MailSource};
use crate::source::polling::PollingSource;
use crate::source::StatusSource;
use crate::store::Store;
use crate::submit::FilerOutbox;

/// Every filer, one line each, the default first. A new filer is its module and a line here.
pub const FILERS: &[Registration] = &[cj_web::REGISTRATION, rt::REGISTRATION];

/// A list of filers and what the registry does with it. The app's is [`FILERS`], through the free
/// functions below; a test registers one of its own with a list of its own.
#[derive(Clone, Copy)]
pub struct FilerList<'a>(pub &'a [Registration]);

impl<'a> FilerList<'a> {
    fn registration(self, kind: FilerKind) -> Option<&'a Registration> {
        self.0.iter().find(|r| r.kind == kind)
    }

    /// The filer cases go to: the one the preferences name when it is listed, else the first.
    fn in_use(self, prefs: &Preferences) -> &'a Registration {
        prefs
            .filer
            .and_then(|k| self.registration(k))
            .unwrap_or(&self.0[0])
    }

    /// The listed filer of this word (a word kept by a release with another filer is none).
    pub fn kind(self, word: &str) -> Option<FilerKind> {
        FilerKind::parse(word)
            .and_then(|k| self.registration(k))
            .map(|r| r.kind)
    }

    /// The filer the preferences name, with its credentials from `secrets` (read when used).
    pub fn filer(self, prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Result<Arc<dyn Filer>> {
        build(self.in_use(prefs), prefs, secrets)
    }

    /// Every filer whose settings are good enough to build, with the one the preferences name in
    /// use (the first listed, which needs nothing, when that one cannot be built).
    pub fn filers(self, prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Filers {
        let chosen = self.in_use(prefs).kind;
        let built = self
            .0
            .iter()
            .filter_map(|r| match build(r, prefs, secrets) {
                Ok(f) => Some(f),
                Err(e) => {
                    if r.kind == chosen {
                        tracing::warn!(error = %e, "the filer in use could not be set up");
                    }
                    None
                }
            })
            .collect();
        Filers::new(chosen, built).unwrap_or_else(|| {
            let default = &self.0[0];
            let filer = (default.build)(None, secrets).expect("the first filer needs no settings");
            Filers::new(default.kind, vec![filer]).expect("one filer")
        })
    }

    /// Every filer's settings form, in the list's order.
    pub fn forms(self) -> Vec<SettingsForm> {
        self.0.iter().map(|r| (r.form)()).collect()
    }

    /// The secret input `id` of a filer's form: its id and the secret store's name for it.
    pub fn secret(self, id: &str) -> Option<(&'static str, &'static str)> {
        self.0.iter().find_map(|r| (r.form)().secret(id))
    }

    /// Checks the preferences and every filer's settings slice, each by its own rules (a filer's
    /// only when it is the one in use, except what every save must keep well-formed). Fields are
    /// named as the settings form names them.
    pub fn validate(self, prefs: &Preferences) -> Result<()> {
        prefs.validate()?;
        if prefs.filer.is_some_and(|k| self.registration(k).is_none()) {
            return Err(crate::Error::field(
                "filer",
                crate::Code::FilerUnknown,
                "Choose where cases go.",
            ));
        }
        let chosen = self.in_use(prefs).kind;
        for r in self.0 {
            (r.check)(prefs.slice(r.key), chosen == r.kind)?;
        }
        Ok(())
    }

    /// The preferences with the filer in use named and every filer's slice filled in (its defaults
    /// where none is kept), so the settings form shows each filer's fields with their values.
    pub fn with_defaults(self, mut prefs: Preferences) -> Preferences {
        prefs.filer = Some(self.in_use(&prefs).kind);
        for r in self.0 {
            let slice = (r.defaults)(prefs.slice(r.key));
            prefs.slices.entry(r.key.to_owned()).or_insert(slice);
        }
        prefs
    }
}

fn build(
    r: &Registration,
    prefs: &Preferences,
    secrets: &Arc<dyn Secrets>,
) -> Result<Arc<dyn Filer>> {
    (r.build)(prefs.slice(r.key), secrets)
}

/// [`FilerList::kind`] of the app's filers.
pub fn filer_kind(word: &str) -> Option<FilerKind> {
    FilerList(FILERS).kind(word)
}

/// [`FilerList::filer`] of the app's filers.
pub fn filer(prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Result<Arc<dyn Filer>> {
    FilerList(FILERS).filer(prefs, secrets)
}

/// [`FilerList::filers`] of the app's filers.
pub fn filers(prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Filers {
    FilerList(FILERS).filers(prefs, secrets)
}

/// [`FilerList::forms`] of the app's filers.
pub fn filer_forms() -> Vec<SettingsForm> {
    FilerList(FILERS).forms()
}

/// [`FilerList::validate`] of the app's filers, and every source's slice by its own check.
pub fn validate(prefs: &Preferences) -> Result<()> {
    FilerList(FILERS).validate(prefs)?;
    for s in SOURCES {
        if let Some(check) = s.by_hand.check {
            check(prefs.slice(s.by_hand.key))?;
        }
    }
    Ok(())
}

/// Checks `prefs` as [`validate`] does, then stores them, with what the sources' settings changing
/// makes the store forget in the same transaction. Answers the mailboxes removed (the caller
/// forgets their secrets).
pub fn save(prefs: &Preferences, store: &Store) -> Result<Vec<MailAccount>> {
    validate(prefs)?;
    let old = Preferences::load(store)?;
    let old = MailAccounts::from_slice(old.slice(mail::accounts::KEY));
    let new = MailAccounts::from_slice(prefs.slice(mail::accounts::KEY));
    prefs.save_with(store, |s| new.saved_over(&old, s))?;
    Ok(new.removed_since(&old))
}

/// The mailboxes the preferences follow (the mail source's slice).
pub fn mail_accounts(prefs: &Preferences) -> MailAccounts {
    MailAccounts::from_slice(prefs.slice(mail::accounts::KEY))
}

/// [`FilerList::with_defaults`] of the app's filers, with every source's slice as it shows it (the
/// mailboxes' kept before slices, upgraded).
pub fn with_defaults(prefs: Preferences) -> Preferences {
    with_defaults_from(FILERS, SOURCES, prefs)
}

/// [`with_defaults`] over these lists (a test registers one of its own).
pub fn with_defaults_from(
    filers: &[Registration],
    sources: &[Source],
    prefs: Preferences,
) -> Preferences {
    let mut prefs = FilerList(filers).with_defaults(prefs);
    for s in sources {
        if let Some(shown) = s.by_hand.shown.and_then(|f| f(prefs.slice(s.by_hand.key))) {
            prefs.slices.insert(s.by_hand.key.to_owned(), shown);
        }
    }
    prefs
}

/// The forms of the sources that describe one, in the list's order.
pub fn source_forms() -> Vec<SettingsForm> {
    source_forms_from(SOURCES)
}

/// [`source_forms`] of this list.
pub fn source_forms_from(sources: &[Source]) -> Vec<SettingsForm> {
    sources
        .iter()
        .filter_map(|s| s.by_hand.form.map(|f| f()))
        .collect()
}

/// The secret input `id` of a filer's or a source's form: its id and the secret store's name.
pub fn form_secret(id: &str) -> Option<(&'static str, &'static str)> {
    FilerList(FILERS)
        .secret(id)
        .or_else(|| source_forms().iter().find_map(|f| f.secret(id)))
}

/// The RT client the preferences describe (shared by the RT filer and the RT status source).
pub fn rt_client(prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Result<Rt> {
    rt::client(prefs.slice(rt::KEY), secrets)
}

/// What registers a status source: the running sources its settings in the preferences turn on.
pub type SourceBuilder = fn(&Preferences, &Arc<dyn Secrets>) -> Vec<Arc<dyn StatusSource>>;

/// A status source as listed: the builder of its loops, and what it offers by hand (files it reads,
/// the state the Cases view shows), which the shell's generic commands reach through this list.
#[derive(Clone, Copy)]
pub struct Source {
    pub build: SourceBuilder,
    pub by_hand: SourceRegistration,
}

/// Every status source, one line each. A new source is its module and a line here.
pub const SOURCES: &[Source] = &[
    Source {
        build: rt_sources,
        by_hand: SourceRegistration::loops_only(rt::KEY),
    },
    Source {
        build: mail_sources,
        by_hand: mail::REGISTRATION,
    },
];

/// The sources the preferences turn on, with their credentials.
pub fn sources(prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Vec<Arc<dyn StatusSource>> {
    sources_from(SOURCES, prefs, secrets)
}

/// The sources `list` turns on, in its order (a test registers one of its own this way).
pub fn sources_from(
    list: &[Source],
    prefs: &Preferences,
    secrets: &Arc<dyn Secrets>,
) -> Vec<Arc<dyn StatusSource>> {
    list.iter()
        .flat_map(|s| (s.build)(prefs, secrets))
        .collect()
}

fn rt_sources(prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Vec<Arc<dyn StatusSource>> {
    rt_source(prefs, secrets).into_iter().collect()
}

fn mail_sources(prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Vec<Arc<dyn StatusSource>> {
    let routes = prefs.cj_routes();
    mail_accounts(prefs)
        .accounts
        .iter()
        .filter_map(|a| mail_source(a, &routes, secrets))
        .collect()
}

/// RT is polled when it is the filer in use; a pass first sends RT's outbox (the same server).
fn rt_source(prefs: &Preferences, secrets: &Arc<dyn Secrets>) -> Option<Arc<dyn StatusSource>> {
    if FilerList(FILERS).in_use(prefs).kind != rt::KIND {
        return None;
    }
    match rt_client(prefs, secrets) {
        Ok(rt) => {
            let rt = Arc::new(rt);
            Some(Arc::new(PollingSource::new(
                rt.clone(),
                Some(Arc::new(FilerOutbox(rt))),
            )))
        }
        Err(e) => {
            tracing::warn!(error = %e, "RT is not set up well enough to poll");
            None
        }
    }
}

/// Each mailbox is read, by a loop of its own, when it is on and its credential can be had.
fn mail_source(
    account: &MailAccount,
    routes: &crate::cj_routes::CjRoutes,
    secrets: &Arc<dyn Secrets>,
) -> Option<Arc<dyn StatusSource>> {
    if !account.settings.enabled {
        return None;
    }
    let built = mail::credential(&account.settings, &account.secrets(secrets))
        .and_then(|c| MailSource::for_account(account.clone(), c))
        .map(|s| s.with_cj_routes(routes.clone()));
    match built {
        Ok(s) => Some(Arc::new(s)),
        Err(e) => {
            tracing::warn!(account = %account.id, error = %e, "the mail settings cannot be used");
            None
        }
    }
}
