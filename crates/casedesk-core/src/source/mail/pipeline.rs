//! A chunk's way from fetched bytes to the store: parsed and read against the rules on a blocking
//! thread (the breadcrumb naming each mail as it is read), then applied with the folder's cursor in one
//! transaction on another.

use super::account::uid_key;
use super::chunks::{apply_parsed, Fetched, Parsed};
use super::{apply::Announce, crumb, parse, MailSource};
use crate::error::Result;
use crate::store::{self, SharedStore};

impl MailSource {
    /// Parses and reads a fetched chunk's mails on a blocking thread.
    /// The breadcrumb names the mail being read ([`crumb`]); a mail a crashed read left there is
    /// skipped (`failed`).
    pub(super) fn parse_chunk(
        &self,
        fetched: Fetched,
        (folder, uid_validity): (&str, u32),
        data_dir: &std::path::Path,
    ) -> tokio::task::JoinHandle<Parsed> {
        let rules = self.rules.clone();
        let settings = self.settings.clone();
        let quarantine = self
            .quarantine
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let crumb = crumb::Crumb::for_account(data_dir, &self.account);
        let (account, folder) = (self.account.clone(), folder.to_owned());
        tokio::task::spawn_blocking(move || {
            let mut readings = Vec::with_capacity(fetched.bodies.len());
            let mut failed = Vec::new();
            let mut reading = crumb.reading();
            for (uid, bytes) in &fetched.bodies {
                let key = uid_key(&account, &folder, uid_validity, *uid);
                if quarantine.contains(&key) {
                    failed.push(*uid);
                    continue;
                }
                reading.now(&key);
                readings.push((*uid, parse::parse(bytes).map(|p| rules.read(&p, &settings))));
            }
            drop(reading);
            Parsed {
                max_uid: fetched.max_uid,
                too_large: fetched.too_large,
                readings,
                failed,
            }
        })
    }

    /// Applies a parsed chunk once it is parsed, on a blocking thread: its mails and the folder's
    /// cursor commit together.
    pub(super) fn store_chunk(
        &self,
        store: &SharedStore,
        (folder, uid_validity): (&str, u32),
        parsing: tokio::task::JoinHandle<Parsed>,
        announce: Announce,
    ) -> tokio::task::JoinHandle<Result<Vec<crate::store::StatusChange>>> {
        let rules = self.rules.clone();
        let (account, folder) = (self.account.clone(), folder.to_owned());
        let store = store.clone();
        tokio::spawn(async move {
            let parsed = parsing.await.map_err(|e| {
                crate::Error::invalid(
                    crate::Code::Internal,
                    format!("reading the mail failed: {e}"),
                )
            })?;
            store::on_store(&store, move |s| {
                s.in_transaction(|s| {
                    apply_parsed(
                        s,
                        &rules,
                        (&account, &folder, uid_validity),
                        &parsed,
                        announce,
                    )
                })
            })
            .await
        })
    }
}
