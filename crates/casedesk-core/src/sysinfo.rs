//! "Insert system info": real values read from this machine, as text for a case description.

/// The facts CJ's team asks for when "browser or system information" is relevant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemInfo {
    pub os: String,
    pub os_version: String,
    pub architecture: String,
    pub locale: String,
    pub time_zone: String,
    pub app_version: String,
}

/// Linux: `/etc/os-release`, the kernel's release, `TZ` / `/etc/timezone` / `/etc/localtime`, and the
/// locale variables — what the desktop itself shows.
#[cfg(target_os = "linux")]
mod platform {
    fn read_trimmed(path: &str) -> Option<String> {
        std::fs::read_to_string(path)
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    }

    fn os_release_field(text: &str, key: &str) -> Option<String> {
        text.lines().find_map(|l| {
            l.strip_prefix(key)
                .and_then(|v| v.strip_prefix('='))
                .map(|v| v.trim_matches('"').to_owned())
        })
    }

    pub fn time_zone() -> String {
        if let Ok(tz) = std::env::var("TZ") {
            if !tz.trim().is_empty() {
                return tz.trim_start_matches(':').to_owned();
            }
        }
        if let Some(tz) = read_trimmed("/etc/timezone") {
            return tz;
        }
        if let Ok(target) = std::fs::read_link("/etc/localtime") {
            let s = target.to_string_lossy();
            if let Some((_, zone)) = s.split_once("zoneinfo/") {
                return zone.to_owned();
            }
        }
        "UTC".into()
    }

    pub fn locale() -> String {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_else(|| "C".into())
    }

    /// (name, version)
    pub fn os() -> (String, String) {
        let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        let os = os_release_field(&release, "PRETTY_NAME")
            .or_else(|| os_release_field(&release, "NAME"))
            .unwrap_or_else(|| std::env::consts::OS.to_owned());
        let kernel = read_trimmed("/proc/sys/kernel/osrelease").unwrap_or_default();
        let version = if kernel.is_empty() {
            std::env::consts::OS.into()
        } else {
            format!("{} {kernel}", std::env::consts::OS)
        };
        (os, version)
    }
}

/// Windows and macOS: the OS's own answers, through small well-kept crates — `os_info` (Windows:
/// `RtlGetVersion` and the registry's edition, so Windows 11 is not called 10; macOS: `sw_vers`),
/// `iana-time-zone` (Windows: the WinRT calendar's zone; macOS: CoreFoundation's) and `sys-locale`
/// (Windows: `GetUserDefaultLocaleName`; macOS: CFLocale). GUI apps on these systems get no `LANG`
/// or `TZ`, which is why the Linux way gave Windows "UTC".
#[cfg(not(target_os = "linux"))]
mod platform {
    pub fn time_zone() -> String {
        match iana_time_zone::get_timezone() {
            Ok(tz) if !tz.trim().is_empty() => tz,
            // Never a guess such as "UTC": a wrong zone misleads CJ's team about when things happened.
            _ => windows_zone_name()
                .or_else(|| std::env::var("TZ").ok().filter(|tz| !tz.trim().is_empty()))
                .unwrap_or_else(|| "unknown (the system did not say)".into()),
        }
    }

    /// Windows' own name for the zone ("W. Europe Standard Time"), for when the WinRT calendar behind
    /// `iana-time-zone` is not there (Windows Server Core, Wine).
    #[cfg(windows)]
    fn windows_zone_name() -> Option<String> {
        use windows_sys::Win32::System::Time::{
            GetDynamicTimeZoneInformation, DYNAMIC_TIME_ZONE_INFORMATION,
        };
        let mut info = DYNAMIC_TIME_ZONE_INFORMATION::default();
        // SAFETY: `info` is a valid, writable DYNAMIC_TIME_ZONE_INFORMATION for the call's duration.
        let id = unsafe { GetDynamicTimeZoneInformation(&mut info) };
        if id == u32::MAX {
            return None;
        }
        let key = &info.TimeZoneKeyName;
        let len = key.iter().position(|&c| c == 0).unwrap_or(key.len());
        Some(String::from_utf16_lossy(&key[..len])).filter(|k| !k.trim().is_empty())
    }

    #[cfg(not(windows))]
    fn windows_zone_name() -> Option<String> {
        None
    }

    pub fn locale() -> String {
        sys_locale::get_locale().unwrap_or_else(|| "unknown (the system did not say)".into())
    }

    /// (name, version)
    pub fn os() -> (String, String) {
        let info = os_info::get();
        let name = match info.edition() {
            Some(edition) if !edition.is_empty() => edition.to_owned(),
            _ => info.os_type().to_string(),
        };
        (name, format!("{} {}", info.os_type(), info.version()))
    }
}

impl SystemInfo {
    /// Reads the machine. `app_version` is the shell's version (the core does not know the bundle).
    pub fn read(app_version: &str) -> SystemInfo {
        let (os, os_version) = platform::os();
        SystemInfo {
            os,
            os_version,
            architecture: std::env::consts::ARCH.to_owned(),
            locale: platform::locale(),
            time_zone: platform::time_zone(),
            app_version: app_version.to_owned(),
        }
    }

    /// The block inserted into a description.
    pub fn as_text(&self) -> String {
        format!(
            "Operating system: {}\nOS version: {}\nArchitecture: {}\nLocale: {}\nTime zone: {}\nCasedesk version: {}\n",
            self.os, self.os_version, self.architecture, self.locale, self.time_zone, self.app_version
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_real_values() {
        let info = SystemInfo::read("1.2.3");
        // Shown with --nocapture: what this OS (or Wine) told us.
        eprintln!("{}", info.as_text());
        assert!(!info.os.is_empty());
        assert_eq!(info.architecture, std::env::consts::ARCH);
        assert!(
            !info.time_zone.is_empty() && !info.locale.is_empty() && !info.os_version.is_empty(),
            "every fact is read: {info:?}"
        );
        #[cfg(windows)]
        assert!(
            info.os_version.starts_with("Windows") && info.os.contains("Windows"),
            "Windows names itself, with a version: {info:?}"
        );
        #[cfg(windows)]
        assert!(
            !info.time_zone.starts_with("unknown"),
            "Windows always has a zone (the WinRT calendar's, else its own name): {info:?}"
        );
        #[cfg(target_os = "macos")]
        assert!(info.os_version.starts_with("Mac OS"), "{info:?}");
        let text = info.as_text();
        for label in [
            "Operating system:",
            "OS version:",
            "Architecture:",
            "Locale:",
            "Time zone:",
            "Casedesk version: 1.2.3",
        ] {
            assert!(text.contains(label), "system info lacks {label}");
        }
        assert!(
            crate::lint::description_checklist(&text)
                .iter()
                .any(|i| i.code == "environment" && i.met),
            "inserted system info must satisfy the checklist's environment item"
        );
    }
}
