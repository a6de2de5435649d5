//! A sync pass's chunks: the sizes of the mails to read, a chunk's bodies under the cap, and a parsed
//! chunk applied to the store with the folder's cursor.

use super::account::uid_key;
use super::apply::{self, Announce, Applied};
use super::imap::{fetch_all, ImapSession};
use super::rules::{self, Rules};
use super::{CHUNK, MAX_MESSAGE_BYTES, SIZE_CHUNK};
use crate::error::Result;
use crate::limits::IMAP_FETCH_BYTES;
use crate::remote::RemoteError;
use crate::store::{MailOutcome, Store};

/// The sizes of the mails to read, so that a mail over the cap is never fetched: one command per
/// [`SIZE_CHUNK`] UIDs (a size is one short line; a command line stays well under servers' limits).
pub(super) async fn fetch_sizes(
    session: &mut ImapSession,
    uids: &[u32],
) -> std::result::Result<std::collections::HashMap<u32, Option<u32>>, RemoteError> {
    let mut sizes = std::collections::HashMap::with_capacity(uids.len());
    for chunk in uids.chunks(SIZE_CHUNK) {
        for (uid, size, _) in
            fetch_all(session, chunk, "(UID RFC822.SIZE)", 64 * chunk.len() as u64).await?
        {
            sizes.insert(uid, size);
        }
    }
    Ok(sizes)
}

/// The UIDs cut into chunks of at most [`CHUNK`] mails whose announced sizes add up to at most
/// [`IMAP_FETCH_BYTES`] (a mail over the cap is not fetched, so it costs nothing; a mail whose size is
/// unknown counts as the cap).
pub(super) fn byte_chunks<'a>(
    uids: &'a [u32],
    sizes: &std::collections::HashMap<u32, Option<u32>>,
) -> Vec<&'a [u32]> {
    let cost = |uid: &u32| -> u64 {
        match sizes.get(uid) {
            Some(Some(s)) if *s > MAX_MESSAGE_BYTES => 0,
            Some(Some(s)) => u64::from(*s),
            Some(None) => u64::from(MAX_MESSAGE_BYTES),
            None => 0,
        }
    };
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, uid) in uids.iter().enumerate() {
        let c = cost(uid);
        if i > start && (i - start >= CHUNK || bytes + c > IMAP_FETCH_BYTES) {
            out.push(&uids[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += c;
    }
    if start < uids.len() {
        out.push(&uids[start..]);
    }
    out
}

/// A chunk's bodies under the cap (a mail the size fetch did not return is gone). (A mail read
/// before is recognised by its key when it is applied; fetching headers first to skip it cost every
/// sync a second download for a case — a changed `UIDVALIDITY`, a copy in a second folder — that is
/// rare.)
pub(super) async fn fetch_chunk(
    session: &mut ImapSession,
    uids: &[u32],
    sizes: &std::collections::HashMap<u32, Option<u32>>,
    (account, folder, uid_validity): (&str, &str, u32),
) -> std::result::Result<Fetched, RemoteError> {
    let key = |uid: u32| (uid_key(account, folder, uid_validity, uid), uid);
    let mut want = Vec::new();
    let mut too_large = Vec::new();
    let mut expected = 0u64;
    for uid in uids {
        match sizes.get(uid) {
            Some(Some(size)) if *size > MAX_MESSAGE_BYTES => too_large.push(key(*uid)),
            Some(size) => {
                expected += u64::from(size.unwrap_or(MAX_MESSAGE_BYTES));
                want.push(*uid)
            }
            None => {}
        }
    }
    let mut bodies = Vec::new();
    if !want.is_empty() {
        for (uid, _, bytes) in fetch_all(session, &want, "(UID BODY.PEEK[])", expected).await? {
            // Larger than the server said (within the guard's slack): recorded, never parsed.
            if bytes.len() as u64 > u64::from(MAX_MESSAGE_BYTES) {
                too_large.push(key(uid));
            } else {
                bodies.push((uid, bytes));
            }
        }
    }
    Ok(Fetched {
        max_uid: uids.iter().copied().max().unwrap_or(0),
        too_large,
        bodies,
    })
}

/// What a chunk fetch brought: the bodies to read, and the mails too large to fetch.
pub(super) struct Fetched {
    pub(super) max_uid: u32,
    pub(super) too_large: Vec<(String, u32)>,
    pub(super) bodies: Vec<(u32, Vec<u8>)>,
}

/// A chunk read against the rules (`None`: not a mail), ready to apply.
pub(super) struct Parsed {
    pub(super) max_uid: u32,
    pub(super) too_large: Vec<(String, u32)>,
    pub(super) readings: Vec<(u32, Option<rules::Reading>)>,
    /// Mails whose last read stopped the app (the breadcrumb named them): recorded unreadable, never
    /// read again.
    pub(super) failed: Vec<u32>,
}

/// Applies a parsed chunk and advances the folder's cursor past it (inside the caller's transaction).
pub(super) fn apply_parsed(
    s: &Store,
    rules: &Rules,
    (account, folder, uid_validity): (&str, &str, u32),
    parsed: &Parsed,
    announce: Announce,
) -> Result<Vec<crate::store::StatusChange>> {
    let mut changes = Vec::new();
    for (key, uid) in &parsed.too_large {
        apply::record_unread(
            s,
            key,
            MailOutcome::TooLarge,
            "over 2 MB",
            Some((folder, *uid)),
        )?;
    }
    for (uid, reading) in &parsed.readings {
        match reading {
            Some(r) => {
                let Applied { changes: c, .. } =
                    apply::apply(s, r, rules, Some((folder, *uid)), announce)?;
                changes.extend(c);
            }
            None => apply::record_unread(
                s,
                &uid_key(account, folder, uid_validity, *uid),
                MailOutcome::Unreadable,
                "not a mail",
                Some((folder, *uid)),
            )?,
        }
    }
    for uid in &parsed.failed {
        apply::record_unread(
            s,
            &uid_key(account, folder, uid_validity, *uid),
            MailOutcome::Unreadable,
            super::STOPPED_THE_APP,
            Some((folder, *uid)),
        )?;
    }
    s.mail_folders()
        .advance(account, folder, uid_validity, parsed.max_uid)?;
    Ok(changes)
}

/// A blocking chunk's outcome as the follow loop's error.
pub(super) fn joined<T>(
    r: std::result::Result<Result<T>, tokio::task::JoinError>,
) -> std::result::Result<T, RemoteError> {
    r.map_err(|e| RemoteError::Config(format!("the store task failed: {e}")))?
        .map_err(|e| RemoteError::Config(format!("could not store the mail: {e}")))
}
