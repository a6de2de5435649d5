//! Every limit Casedesk puts on what it reads from outside (servers, mailboxes, files), in one place,
//! each with the reason for its number. Limits count bytes actually received, never what a server, a
//! header or a file says it will send.

use std::time::Duration;

/// A mail larger than this is recorded as too large and never parsed. CJ's case mails are a few KB;
/// 2 MiB holds a long reply thread with a small inline image, and keeps a chunk of 100 mails in memory
/// well under the app's budget.
pub const MAIL_MAX_MESSAGE_BYTES: u32 = 2 * 1024 * 1024;

/// The largest literal (`{N}` and the N bytes after it) an IMAP server may send. A body is fetched only
/// when its `RFC822.SIZE` is under [`MAIL_MAX_MESSAGE_BYTES`]; servers count sizes a little differently
/// (line ends, folding), so 1/8 more is allowed before the answer is called a lie and the connection
/// dropped. Checked on the announcement, before a byte of it is buffered.
pub const IMAP_MAX_LITERAL: u64 = MAIL_MAX_MESSAGE_BYTES as u64 + MAIL_MAX_MESSAGE_BYTES as u64 / 8;

/// The largest single IMAP response (every line and literal up to its last line end). A `FETCH` of
/// one body fits; so does a `SEARCH` answer of ~500,000 UIDs, far more than a look-back window holds.
/// An endless line ends here.
pub const IMAP_MAX_RESPONSE: u64 = 4 * 1024 * 1024;

/// The sizes (as the server announced them) of the bodies asked for in one `FETCH`: a chunk is cut
/// by bytes as well as by count, so 100 mails of 2 MB never arrive in one answer.
pub const IMAP_FETCH_BYTES: u64 = 8 * 1024 * 1024;

/// Everything one `FETCH` may bring, whatever its responses: the bodies asked for plus one response
/// of slack. A server that keeps sending (unasked-for responses, bodies larger than announced) is
/// cut off here.
pub const IMAP_FETCH_RECEIVED_MAX: u64 = IMAP_FETCH_BYTES + IMAP_MAX_RESPONSE;

/// How long an IMAP connection may stay silent while an answer is awaited. A slow link that keeps
/// sending is never cut; a stalled one is, in this long.
pub const IMAP_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The slowest transfer a `FETCH` is given time for on top of [`IMAP_COMMAND_BASE`]: 16 KiB/s, a
/// poor mobile link. 8 MiB thus has 60 s + 512 s.
pub const IMAP_MIN_BYTES_PER_SECOND: u64 = 16 * 1024;

/// The time any IMAP command has before the bytes it brings are counted.
pub const IMAP_COMMAND_BASE: Duration = Duration::from_secs(60);

/// A catalogue file larger than this is not read: CJ's own list is ~3 KB as JSON, a team's tuned one
/// with keywords and templates a few tens of KB.
pub const CATALOGUE_MAX_BYTES: usize = 1024 * 1024;

/// Reasons in one catalogue file: CJ's form offers about 20; 200 is ten times that.
pub const CATALOGUE_MAX_REASONS: usize = 200;

/// Sub reasons under one reason in a catalogue file: CJ's form offers at most about 10; 100 leaves a
/// team room and keeps a drop-down usable. (60,000 under one reason once took over 30 s to import,
/// with autosave waiting.) The largest file the limits allow, 200 × 100, imports in about 0.7 s (release, this machine).
pub const CATALOGUE_MAX_SUB_REASONS: usize = 100;

/// Secret findings listed per place (the subject, the description, each `.txt` attachment); the
/// rest are counted ("and 9,980 more") and redacted by kind or all at once. A log with a token on
/// every line once put 100,000 rows in the editor at every check.
pub const SECRET_FINDINGS_SHOWN_PER_PLACE: usize = 20;

/// The time a command that should bring `bytes` may take, at [`IMAP_MIN_BYTES_PER_SECOND`].
pub fn imap_command_time(bytes: u64) -> Duration {
    IMAP_COMMAND_BASE + Duration::from_secs(bytes / IMAP_MIN_BYTES_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_fits_a_response_and_a_fetch_a_few_bodies() {
        const { assert!(IMAP_MAX_LITERAL < IMAP_MAX_RESPONSE) };
        const { assert!(IMAP_FETCH_BYTES >= 2 * MAIL_MAX_MESSAGE_BYTES as u64) };
        assert_eq!(imap_command_time(8 * 1024 * 1024), Duration::from_secs(572));
    }
}
