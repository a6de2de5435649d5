//! "Insert system info": real values read from this machine, as text for a case description.

use std::path::Path;

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

fn time_zone() -> String {
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

fn locale() -> String {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "C".into())
}

impl SystemInfo {
    /// Reads the machine. `app_version` is the shell's version (the core does not know the bundle).
    pub fn read(app_version: &str) -> SystemInfo {
        let release = std::fs::read_to_string(Path::new("/etc/os-release")).unwrap_or_default();
        let os = os_release_field(&release, "PRETTY_NAME")
            .or_else(|| os_release_field(&release, "NAME"))
            .unwrap_or_else(|| std::env::consts::OS.to_owned());
        let kernel = read_trimmed("/proc/sys/kernel/osrelease").unwrap_or_default();
        SystemInfo {
            os,
            os_version: if kernel.is_empty() {
                std::env::consts::OS.into()
            } else {
                format!("{} {kernel}", std::env::consts::OS)
            },
            architecture: std::env::consts::ARCH.to_owned(),
            locale: locale(),
            time_zone: time_zone(),
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
        assert!(!info.os.is_empty());
        assert_eq!(info.architecture, std::env::consts::ARCH);
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
