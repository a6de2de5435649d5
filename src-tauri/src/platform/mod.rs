//! Platform code: one module per concern, each with the same interface on Linux, Windows and macOS,
//! and the OS-specific part behind `cfg` inside it. Nothing else in the shell has a `cfg` on the OS
//! (checked by `tests/invariants.rs`).

pub mod capture;
pub mod clipboard;
pub mod data_folder;
pub mod instance;
pub mod memory;
pub mod menu;
pub mod notifications;
pub mod opener;
pub mod secret_store;
pub mod webview;
pub mod window_list;
