//! Where the data folder is, per OS, in the words a user reads when none can be found. The folder
//! itself is Tauri's `app_data_dir` for the identifier (see `lib.rs`): `$XDG_DATA_HOME` on Linux,
//! `%APPDATA%` on Windows, `~/Library/Application Support` on macOS.

/// Why no data folder was found, and what to set, in the OS's own words.
#[cfg(windows)]
pub const MISSING: (&str, &str) = ("Windows gave no AppData folder", "Set APPDATA");
#[cfg(target_os = "macos")]
pub const MISSING: (&str, &str) = ("no home folder is set", "Set HOME");
#[cfg(not(any(windows, target_os = "macos")))]
pub const MISSING: (&str, &str) = (
    "no home or XDG data folder is set",
    "Set HOME or XDG_DATA_HOME",
);
