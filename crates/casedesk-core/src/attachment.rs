//! Recognising an attachment by what it is, not what it is called.
//!
//! CJ accepts PNG, JPG, PDF and TXT up to "10 MB" per file; we enforce the stricter 10,000,000 bytes. The
//! kind is decided by content (signatures; TXT is valid UTF-8 with no NUL byte) and must agree with the
//! extension. Paths arrive over IPC and are treated as hostile: symlinks, directories, devices and FIFOs
//! are refused before anything is read, and the file opened must be the file inspected.

use serde::Serialize;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

pub const MAX_ATTACHMENT_BYTES: u64 = 10_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Png,
    Jpeg,
    Pdf,
    Txt,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Jpeg => "jpeg",
            Kind::Pdf => "pdf",
            Kind::Txt => "txt",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "png" => Some(Kind::Png),
            "jpeg" => Some(Kind::Jpeg),
            "pdf" => Some(Kind::Pdf),
            "txt" => Some(Kind::Txt),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Png => "PNG image",
            Kind::Jpeg => "JPEG image",
            Kind::Pdf => "PDF document",
            Kind::Txt => "text file",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Pdf => "application/pdf",
            Kind::Txt => "text/plain",
        }
    }

    /// The kind a file name claims, from its extension (case-insensitive).
    pub fn from_extension(name: &str) -> Option<Kind> {
        let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(Kind::Png),
            "jpg" | "jpeg" => Some(Kind::Jpeg),
            "pdf" => Some(Kind::Pdf),
            "txt" => Some(Kind::Txt),
            _ => None,
        }
    }
}

/// The extensions the file dialog filters on.
pub const ALLOWED_EXTENSIONS: [&str; 5] = ["png", "jpg", "jpeg", "pdf", "txt"];

/// The kind of a file's whole content, or `None` when it is none of the accepted kinds.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(PNG) {
        return Some(Kind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind::Jpeg);
    }
    if bytes.starts_with(b"%PDF-") {
        return Some(Kind::Pdf);
    }
    if !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        return Some(Kind::Txt);
    }
    None
}

/// A file that passed every check, read into memory (at most 10 MB), ready to be stored.
#[derive(Debug)]
pub struct Candidate {
    pub name: String,
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

/// The name shown for a file: its last path component, without control characters or bidi controls
/// (`report_\u{202E}gnp.exe` must not read "report_exe.png"), at most 255 chars.
pub fn display_name(path: &Path) -> String {
    let raw = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "unnamed".into());
    let clean: String = raw
        .chars()
        .filter(|c| !c.is_control() && !crate::text::is_bidi_control(*c))
        .take(255)
        .collect();
    if clean.is_empty() {
        "unnamed".into()
    } else {
        clean
    }
}

fn refuse(code: crate::Code, message: String) -> Error {
    Error::field("attachments", code, message)
}

/// Checks a path the user picked or dropped, reads it and decides its kind.
pub fn inspect(path: &Path) -> Result<Candidate> {
    let name = display_name(path);
    if !path.is_absolute() {
        return Err(refuse(
            crate::Code::FilePathInvalid,
            format!("{name}: the path must be absolute."),
        ));
    }
    if is_device_name(path) {
        return Err(refuse(
            crate::Code::FileNotRegular,
            format!("{name}: this name is a device on Windows, not a file."),
        ));
    }
    let (meta, inspected) = match identity::entry(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refuse(
                crate::Code::FileNotFound,
                format!("{name}: the file does not exist (was it moved or deleted?)."),
            ))
        }
        Err(_) => {
            return Err(refuse(
                crate::Code::FileUnreadable,
                format!("{name}: the file cannot be read."),
            ))
        }
    };
    let ft = meta.file_type();
    if ft.is_symlink() {
        return Err(refuse(
            crate::Code::FileIsSymlink,
            format!("{name}: this is a symbolic link; attach the file it points to instead."),
        ));
    }
    if ft.is_dir() {
        return Err(refuse(
            crate::Code::FileIsDirectory,
            format!("{name}: this is a folder; attach the files in it instead."),
        ));
    }
    if !ft.is_file() {
        return Err(refuse(
            crate::Code::FileNotRegular,
            format!("{name}: this is not a regular file."),
        ));
    }
    check_size(&name, meta.len())?;
    let claimed = Kind::from_extension(&name).ok_or_else(|| {
        refuse(
            crate::Code::FileExtensionUnsupported,
            format!("{name}: CJ accepts only PNG, JPG, PDF and TXT files."),
        )
    })?;
    let mut file = identity::open(path).map_err(|_| {
        refuse(
            crate::Code::FileUnreadable,
            format!("{name}: the file cannot be read (check its permissions)."),
        )
    })?;
    // The file opened must be the one inspected: a swap for a symlink or another file in between is refused.
    let opened = file.metadata()?;
    if !identity::same(&inspected, &file, &opened) || !opened.is_file() {
        return Err(refuse(
            crate::Code::FileChanged,
            format!("{name}: the file changed while it was being read; try again."),
        ));
    }
    let mut bytes = Vec::with_capacity(opened.len().min(MAX_ATTACHMENT_BYTES) as usize);
    (&mut file)
        .take(MAX_ATTACHMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| {
            refuse(
                crate::Code::FileUnreadable,
                format!("{name}: the file cannot be read."),
            )
        })?;
    check_size(&name, bytes.len() as u64)?;
    let actual = sniff(&bytes).ok_or_else(|| {
        refuse(
            crate::Code::FileContentUnsupported,
            format!("{name}: its content is not a PNG, JPG, PDF or plain UTF-8 text file, whatever its name says."),
        )
    })?;
    if actual != claimed {
        return Err(refuse(
            crate::Code::FileKindMismatch,
            format!(
                "{name}: the name says {} but the content is a {}.",
                claimed.label(),
                actual.label()
            ),
        ));
    }
    Ok(Candidate {
        name,
        kind: actual,
        bytes,
    })
}

/// Whether the path's last component is one of Windows' device names (`CON.png` is the console
/// there). Refused on Windows only: elsewhere it is an ordinary file.
fn is_device_name(path: &Path) -> bool {
    cfg!(windows)
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(crate::file_name::is_reserved_on_windows)
}

/// "The file opened is the file inspected", per OS. On Unix the identity is the inode (`lstat` before,
/// `fstat` after). On Windows std has no stable file id, so both the inspection and the read go
/// through handles opened without following reparse points (symlinks, junctions), and their identity
/// is the volume serial number and file index (`GetFileInformationByHandle`, through `same-file`).
#[cfg(unix)]
mod identity {
    use std::fs::{File, Metadata};
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    pub struct Inspected {
        dev: u64,
        ino: u64,
    }

    pub fn entry(path: &Path) -> std::io::Result<(Metadata, Inspected)> {
        let meta = std::fs::symlink_metadata(path)?;
        let id = Inspected {
            dev: meta.dev(),
            ino: meta.ino(),
        };
        Ok((meta, id))
    }

    pub fn open(path: &Path) -> std::io::Result<File> {
        File::open(path)
    }

    pub fn same(inspected: &Inspected, _file: &File, opened: &Metadata) -> bool {
        opened.dev() == inspected.dev && opened.ino() == inspected.ino
    }
}

#[cfg(windows)]
mod identity {
    use std::fs::{File, Metadata, OpenOptions};
    use std::os::windows::fs::OpenOptionsExt;
    use std::path::Path;

    // winbase.h / winnt.h: open the link itself rather than its target; let a folder be opened (so
    // it is reported as one); only the attributes are asked for by the inspection.
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
    const FILE_READ_ATTRIBUTES: u32 = 0x0080;

    pub struct Inspected(same_file::Handle);

    pub fn entry(path: &Path) -> std::io::Result<(Metadata, Inspected)> {
        let probe = OpenOptions::new()
            .access_mode(FILE_READ_ATTRIBUTES)
            .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS)
            .open(path)?;
        let meta = probe.metadata()?;
        Ok((meta, Inspected(same_file::Handle::from_file(probe)?)))
    }

    pub fn open(path: &Path) -> std::io::Result<File> {
        OpenOptions::new()
            .read(true)
            .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
            .open(path)
    }

    pub fn same(inspected: &Inspected, file: &File, opened: &Metadata) -> bool {
        !opened.file_type().is_symlink()
            && file
                .try_clone()
                .and_then(same_file::Handle::from_file)
                .is_ok_and(|h| h == inspected.0)
    }
}

fn check_size(name: &str, len: u64) -> Result<()> {
    if len == 0 {
        return Err(refuse(
            crate::Code::FileEmpty,
            format!("{name}: the file is empty."),
        ));
    }
    if len > MAX_ATTACHMENT_BYTES {
        let mb = len as f64 / 1_000_000.0;
        return Err(refuse(
            crate::Code::FileTooLarge,
            format!("{name}: {mb:.1} MB is over CJ's 10 MB limit per file."),
        ));
    }
    Ok(())
}
