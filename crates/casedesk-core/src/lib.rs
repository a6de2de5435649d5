//! Casedesk's domain, with no window in it.
//!
//! This crate owns what a support case draft is, how CJ's writing guidance is checked (the lint), how
//! attachments are recognised by their content and kept, and the SQLite store that holds it all. It must
//! never depend on Tauri, rfd or notify-rust: the shell (`src-tauri`) adapts it to a window, and a test
//! (`tests/invariants.rs`) fails if that boundary is crossed.
//!
//! The public surface is small on purpose: [`Store`] and the table handles it gives out, the validated
//! types in [`draft`], the checks in [`lint`], [`attachment`] sniffing, and the boundary [`Error`].

pub mod attachment;
pub mod clock;
pub mod draft;
pub mod drafting;
pub mod error;
pub mod filing;
pub mod lint;
pub mod poller;
pub mod preferences;
pub mod provider;
pub mod store;
pub mod sysinfo;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, ErrorPayload, Result};
pub use store::Store;
