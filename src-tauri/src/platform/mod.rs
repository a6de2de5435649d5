//! Platform code: one module per concern, each with the same interface on Linux, Windows and macOS,
//! and the OS-specific part behind `cfg` inside it. Nothing outside this folder has a `cfg` on the
//! OS (the shell's only other one is glibc's `malloc_trim` in `native.rs`).

pub mod clipboard;
pub mod instance;
pub mod menu;
pub mod notifications;
pub mod opener;
pub mod secret_store;
pub mod webview;
