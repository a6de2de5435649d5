//! The crash breadcrumb: one mail that crashes the reader must not crash the app at every start.
//!
//! The release build aborts on a panic (see ARCHITECTURE.md, "Panics"). Before each mail of a sync is
//! parsed, its key (`uid:<folder>:<uidvalidity>:<uid>`) is written to `<data folder>/reading-mail`,
//! and the file is emptied when the chunk is read. A process that dies while reading leaves the key
//! there (the write sits in the OS's cache, which outlives the process); the next pass finds it,
//! records that mail as unreadable ("it stopped Casedesk while it was read") and skips it, so the next
//! crash never comes. The cost is one small overwrite of an open file per mail, no fsync.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const FILE: &str = "reading-mail";
/// A key is at most a folder name (200) and three numbers.
const KEY_MAX: u64 = 512;

/// The breadcrumb file for one data folder.
pub struct Crumb {
    path: PathBuf,
}

impl Crumb {
    pub fn in_dir(dir: &Path) -> Crumb {
        Crumb {
            path: dir.join(FILE),
        }
    }

    /// One mail account's breadcrumb (accounts read at the same time): the first account's is the
    /// single-account release's file, the others' add their id.
    pub fn for_account(dir: &Path, account: &str) -> Crumb {
        if account == super::account::FIRST_ID {
            return Crumb::in_dir(dir);
        }
        Crumb {
            path: dir.join(format!("{FILE}-{account}")),
        }
    }

    /// The key left by a read that never finished, and the file emptied (emptied, not removed: on
    /// Windows a file another handle still holds stays visible after removal).
    pub fn left_over(&self) -> Option<String> {
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .ok()?;
        let mut key = String::new();
        let read = (&mut f).take(KEY_MAX).read_to_string(&mut key);
        let _ = f.set_len(0);
        drop(f);
        read.ok()?;
        let key = key.trim().to_owned();
        key.starts_with("uid:").then_some(key)
    }

    /// Marks mails as being read, one after another, until the marker is dropped (which empties the
    /// file). Failing to write only loses the protection, never the read.
    pub fn reading(&self) -> Reading {
        Reading {
            file: std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(&self.path)
                .ok(),
        }
    }
}

/// The open breadcrumb while a chunk is read.
pub struct Reading {
    file: Option<std::fs::File>,
}

impl Reading {
    /// `key` is being read now.
    pub fn now(&mut self, key: &str) {
        if let Some(f) = self.file.as_mut() {
            let ok = f.seek(SeekFrom::Start(0)).is_ok()
                && f.write_all(key.as_bytes()).is_ok()
                && f.set_len(key.len() as u64).is_ok();
            if !ok {
                self.file = None;
            }
        }
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        if let Some(f) = self.file.as_mut() {
            let _ = f.set_len(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_read_leaves_nothing_and_an_unfinished_one_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let crumb = Crumb::in_dir(dir.path());
        {
            let mut r = crumb.reading();
            r.now("uid:INBOX:7:100");
            r.now("uid:INBOX:7:12");
        }
        assert_eq!(crumb.left_over(), None, "a finished chunk leaves no key");
        let mut r = crumb.reading();
        r.now("uid:INBOX:7:100");
        r.now("uid:INBOX:7:12");
        std::mem::forget(r); // the process died here
        assert_eq!(crumb.left_over().as_deref(), Some("uid:INBOX:7:12"));
        assert_eq!(crumb.left_over(), None, "taken once");
    }
}
