//! File names Casedesk writes (the attachments folder, exports) that are valid on every OS it runs on.
//!
//! One rule set for all three platforms, not one per OS: a folder copied from Linux to a USB stick or a
//! share a Windows colleague opens must still open there. Windows is the strictest: no `<>:"/\|?*` or
//! control characters, no trailing dot or space, no device names (`CON`, `NUL`, `COM1`… with any
//! extension), and names that differ only in case are one file (as on macOS's default volumes). This
//! module never touches the disk.

use std::collections::HashSet;

/// Windows' reserved device names. `CON.png` and `con.txt` are the console too.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// The longest name written, in characters. Windows' classic MAX_PATH is 260 for the whole path, and
/// Explorer still trips over longer ones: a short name leaves room for the data folder's own path.
pub const MAX_NAME_CHARS: usize = 100;

/// Whether Windows reads `name` (a last path component) as a device: its part before the first dot,
/// without trailing spaces, is a reserved name in any case. (`COM¹` and friends are reserved too.)
pub fn is_reserved_on_windows(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let stem = stem.replace(['¹', '²', '³'], "1");
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&stem))
}

/// `name` made valid on every OS: forbidden and control characters become `_`, trailing dots and
/// spaces go, a device name gets a `_` in front, and it is cut to [`MAX_NAME_CHARS`] keeping its
/// extension. Never empty.
pub fn portable(name: &str) -> String {
    let mut clean: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    clean = clean.trim_end_matches(['.', ' ']).to_owned();
    if clean.is_empty() {
        clean = "unnamed".into();
    }
    if is_reserved_on_windows(&clean) {
        clean.insert(0, '_');
    }
    if clean.chars().count() > MAX_NAME_CHARS {
        let ext = match clean.rfind('.') {
            Some(i) if clean.len() - i <= 10 && i > 0 => clean[i..].to_owned(),
            _ => String::new(),
        };
        let keep = MAX_NAME_CHARS - ext.chars().count();
        let stem: String = clean[..clean.len() - ext.len()]
            .chars()
            .take(keep)
            .collect();
        clean = format!("{}{ext}", stem.trim_end_matches(['.', ' ']));
    }
    clean
}

/// Hands out names for one folder so no two are the same file on a case-insensitive volume
/// (`Shot.png` and `shot.PNG`): a repeat becomes `2-Shot.png`, `3-Shot.png`….
#[derive(Default)]
pub struct FolderNames {
    taken: HashSet<String>,
}

impl FolderNames {
    /// A portable name for `wanted`, unique in this folder whatever the case.
    pub fn claim(&mut self, wanted: &str) -> String {
        let base = portable(wanted);
        let mut candidate = base.clone();
        let mut n = 1;
        while !self.taken.insert(candidate.to_lowercase()) {
            n += 1;
            candidate = portable(&format!("{n}-{base}"));
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_are_reserved_whatever_the_case_or_extension() {
        for name in [
            "CON",
            "con.png",
            "Nul.txt",
            "com1.pdf",
            "LPT9",
            "aux .txt",
            "COM¹.png",
        ] {
            assert!(
                is_reserved_on_windows(name),
                "{name} is a device on Windows"
            );
        }
        for name in [
            "console.png",
            "CONTRACT.pdf",
            "com10.txt",
            "nul-report.txt",
            "a.con",
        ] {
            assert!(!is_reserved_on_windows(name), "{name} is an ordinary name");
        }
    }

    #[test]
    fn portable_names_open_on_every_os() {
        assert_eq!(portable("CON.png"), "_CON.png");
        assert_eq!(portable("a<b>c:d\"e|f?g*h.txt"), "a_b_c_d_e_f_g_h.txt");
        assert_eq!(portable("dir/evil\\name.png"), "dir_evil_name.png");
        assert_eq!(portable("trailing. . "), "trailing");
        assert_eq!(portable("tab\there.txt"), "tab_here.txt");
        assert_eq!(portable(""), "unnamed");
        assert_eq!(portable("..."), "unnamed");
        let long = format!("{}.png", "x".repeat(300));
        let cut = portable(&long);
        assert_eq!(cut.chars().count(), MAX_NAME_CHARS, "cut to the limit");
        assert!(
            cut.ends_with(".png"),
            "the extension survives the cut: {cut}"
        );
        let wide = format!("{}.txt", "é".repeat(200));
        assert!(
            portable(&wide).ends_with(".txt"),
            "cut on characters, not bytes"
        );
    }

    #[test]
    fn names_differing_only_in_case_are_one_file() {
        let mut names = FolderNames::default();
        assert_eq!(names.claim("Shot.png"), "Shot.png");
        assert_eq!(names.claim("shot.PNG"), "2-shot.PNG");
        assert_eq!(names.claim("SHOT.png"), "3-SHOT.png");
        assert_eq!(names.claim("con"), "_con");
        assert_eq!(names.claim("CON"), "2-_CON");
    }
}
