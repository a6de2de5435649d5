//! A small tmpfs for a full or read-only data folder.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A small tmpfs of the test's own (for a full or read-only data folder). Needs root; unmounted on drop.
pub struct SmallDisk {
    pub path: PathBuf,
}

impl SmallDisk {
    /// `None` when this process may not mount (not root); the caller says it skipped.
    pub fn mount(path: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(path).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| SmallDisk {
            path: path.to_owned(),
        })
    }

    pub fn read_only(&self, ro: bool) {
        let opt = if ro { "remount,ro" } else { "remount,rw" };
        let ok = Command::new("mount")
            .args(["-o", opt])
            .arg(&self.path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mount -o {opt} failed");
    }

    /// Fills the disk with one file; returns its path (remove it to free the space).
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let p = self.path.join("filler.bin");
        let mut f = std::fs::File::create(&p).unwrap();
        let chunk = vec![0u8; 16 * 1024];
        for _ in 0..100_000 {
            if f.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = f.sync_all();
        p
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("mount")
            .args(["-o", "remount,rw"])
            .arg(&self.path)
            .status();
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}
