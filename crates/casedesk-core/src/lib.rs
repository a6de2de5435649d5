//! Casedesk's domain, with no window in it.
//!
//! This crate owns what a support case draft is, how CJ's writing guidance is checked (the lint), how
//! attachments are recognised by their content and kept, and the SQLite store that holds it all. It must
//! never depend on Tauri, rfd or notify-rust: the shell (`src-tauri`) adapts it to a window, and a test
//! (`tests/invariants.rs`) fails if that boundary is crossed.
//!
//! The public surface is small on purpose: [`Store`] and the table handles it gives out, the validated
//! types in [`draft`], the checks in [`lint`], [`attachment`] sniffing, filers ([`filer`]) and status
//! sources ([`source`]) each behind one trait with one registry, the follow loop ([`follow`]), and the
//! boundary [`Error`].

pub mod attachment;
pub mod case_view;
pub mod cj_account;
pub mod cj_routes;
pub mod clock;
pub mod draft;
pub mod editor;
pub mod error;
pub mod export;
pub mod file_name;
pub mod filer;
pub mod follow;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod kinds;
pub mod limits;
pub mod lint;
pub mod picture;
pub mod preferences;
pub mod registry;
pub mod remote;
pub mod rt;
pub mod screenshots;
pub mod search;
pub mod secret_scan;
pub mod secrets;
pub mod settings_form;
pub mod slice;
pub mod source;
pub mod store;
pub mod submit;
pub mod suggest;
pub mod sysinfo;
pub mod text;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Code, Error, ErrorPayload, Result};
pub use store::Store;
