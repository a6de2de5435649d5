//! What an image file says beyond its pixels, read to tell the user what was removed.
//!
//! This is a description, not the removal: [`super::clean`] writes a new file from the pixels alone,
//! whatever this finds or misses. It walks only the block headers (JPEG segments up to the first scan,
//! PNG chunks to the end), each bounded by the bytes actually there, and parses EXIF with
//! kamadak-exif to tell a location from a camera model. No library lists both formats' blocks
//! (image and png expose EXIF, XMP, IPTC and profiles, but not comments, `tIME`, `acTL` or trailing
//! bytes), hence the two short walks here.

use serde::Serialize;

use crate::attachment::Kind;

/// One kind of information found in the original and absent from the file sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Removed {
    /// EXIF GPS position.
    Location,
    /// Camera or phone make, model, lens, serial number.
    Camera,
    /// Artist, copyright, camera owner.
    Owner,
    /// When the picture was taken or changed (EXIF dates, PNG `tIME`).
    DateTime,
    /// A small copy of the picture (EXIF or JFIF thumbnail), which would show it unredacted.
    Thumbnail,
    /// Other EXIF fields (software, exposure, orientation — the last applied to the pixels).
    OtherExif,
    /// An XMP packet (editing history, tool, often a location or an author).
    Xmp,
    /// IPTC / Photoshop data (captions, keywords, credits).
    Iptc,
    /// JPEG comments.
    Comment,
    /// PNG text chunks (`tEXt`, `iTXt`, `zTXt`): software, author, anything a tool wrote.
    Text,
    /// More pictures than the one shown: APNG frames, a JPEG's multi-picture (MPF) images.
    ExtraImages,
    /// Bytes after the end of the picture.
    TrailingData,
}

impl Removed {
    /// The words the attachment's note uses ("location, camera").
    pub fn label(self) -> &'static str {
        match self {
            Removed::Location => "location",
            Removed::Camera => "camera",
            Removed::Owner => "owner",
            Removed::DateTime => "date and time",
            Removed::Thumbnail => "thumbnail",
            Removed::OtherExif => "other EXIF",
            Removed::Xmp => "XMP",
            Removed::Iptc => "IPTC",
            Removed::Comment => "comment",
            Removed::Text => "text",
            Removed::ExtraImages => "extra images",
            Removed::TrailingData => "trailing data",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Removed::Location => "location",
            Removed::Camera => "camera",
            Removed::Owner => "owner",
            Removed::DateTime => "date_time",
            Removed::Thumbnail => "thumbnail",
            Removed::OtherExif => "other_exif",
            Removed::Xmp => "xmp",
            Removed::Iptc => "iptc",
            Removed::Comment => "comment",
            Removed::Text => "text",
            Removed::ExtraImages => "extra_images",
            Removed::TrailingData => "trailing_data",
        }
    }

    pub const ALL: [Removed; 12] = [
        Removed::Location,
        Removed::Camera,
        Removed::Owner,
        Removed::DateTime,
        Removed::Thumbnail,
        Removed::OtherExif,
        Removed::Xmp,
        Removed::Iptc,
        Removed::Comment,
        Removed::Text,
        Removed::ExtraImages,
        Removed::TrailingData,
    ];

    pub fn parse(key: &str) -> Option<Removed> {
        Removed::ALL.into_iter().find(|r| r.key() == key)
    }

    /// As stored: keys joined by commas.
    pub fn join(list: &[Removed]) -> String {
        list.iter().map(|r| r.key()).collect::<Vec<_>>().join(",")
    }

    pub fn split(stored: &str) -> Vec<Removed> {
        stored.split(',').filter_map(Removed::parse).collect()
    }
}

/// What `bytes` (a PNG or JPEG) carries beyond its pixels, sorted, each kind once.
pub fn found(bytes: &[u8], kind: Kind) -> Vec<Removed> {
    let mut out = Vec::new();
    match kind {
        Kind::Jpeg => jpeg(bytes, &mut out),
        Kind::Png => png(bytes, &mut out),
        Kind::Pdf | Kind::Txt => {}
    }
    out.sort();
    out.dedup();
    out
}

fn jpeg(bytes: &[u8], out: &mut Vec<Removed>) {
    let mut at = 2; // after SOI
                    // Each step moves forward by at least 2 bytes: bounded by the input's length.
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            return; // start of scan or end of image: no more metadata segments before the pixels
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            at += 2;
            continue;
        }
        let len = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        if len < 2 {
            return;
        }
        let end = (at + 2 + len).min(bytes.len());
        let data = &bytes[at + 4..end];
        match marker {
            0xE0 if data.starts_with(b"JFXX\0") => out.push(Removed::Thumbnail),
            // A JFIF header's own thumbnail: its width and height bytes are not both zero.
            0xE0 if data.starts_with(b"JFIF\0")
                && data.len() >= 14
                && (data[12] != 0 || data[13] != 0) =>
            {
                out.push(Removed::Thumbnail)
            }
            0xE1 if data.starts_with(b"Exif\0\0") => exif(&data[6..], out),
            0xE1 if data.starts_with(b"http://ns.adobe.com/xap/1.0/") => out.push(Removed::Xmp),
            0xE1 if data.starts_with(b"http://ns.adobe.com/xmp/extension/") => {
                out.push(Removed::Xmp)
            }
            0xE2 if data.starts_with(b"MPF\0") => out.push(Removed::ExtraImages),
            0xED => out.push(Removed::Iptc),
            0xFE => out.push(Removed::Comment),
            _ => {}
        }
        at = end;
    }
}

fn png(bytes: &[u8], out: &mut Vec<Removed>) {
    let mut at = 8; // after the signature
    let mut ended = false;
    // Each step moves forward by at least 12 bytes: bounded by the input's length.
    while at + 8 <= bytes.len() {
        if ended {
            out.push(Removed::TrailingData);
            return;
        }
        let len =
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let ty = &bytes[at + 4..at + 8];
        let start = at + 8;
        let end = start.saturating_add(len).min(bytes.len());
        let data = &bytes[start..end];
        match ty {
            b"tEXt" | b"zTXt" | b"iTXt" => {
                let keyword = data.split(|b| *b == 0).next().unwrap_or_default();
                out.push(match keyword {
                    b"XML:com.adobe.xmp" => Removed::Xmp,
                    b"Raw profile type iptc" | b"Raw profile type 8bim" => Removed::Iptc,
                    b"Raw profile type exif" | b"Raw profile type APP1" => Removed::OtherExif,
                    b"Creation Time" => Removed::DateTime,
                    b"Author" | b"Copyright" => Removed::Owner,
                    _ => Removed::Text,
                });
            }
            b"eXIf" => exif(data, out),
            b"tIME" => out.push(Removed::DateTime),
            b"acTL" => out.push(Removed::ExtraImages),
            b"IEND" => ended = true,
            _ => {}
        }
        at = start.saturating_add(len).saturating_add(4); // data and CRC
    }
    if ended && at < bytes.len() {
        out.push(Removed::TrailingData);
    }
}

/// Sorts a TIFF-structured EXIF block's fields into what they reveal.
fn exif(tiff: &[u8], out: &mut Vec<Removed>) {
    use exif::{Context, In, Tag};
    let Ok(parsed) = exif::Reader::new().read_raw(tiff.to_vec()) else {
        out.push(Removed::OtherExif); // there, but not readable: still gone
        return;
    };
    for f in parsed.fields() {
        let what = if f.tag.context() == Context::Gps {
            Removed::Location
        } else if f.ifd_num == In::THUMBNAIL {
            Removed::Thumbnail
        } else {
            match f.tag {
                Tag::Make
                | Tag::Model
                | Tag::LensMake
                | Tag::LensModel
                | Tag::BodySerialNumber
                | Tag::LensSerialNumber => Removed::Camera,
                Tag::Artist | Tag::Copyright | Tag::CameraOwnerName => Removed::Owner,
                Tag::DateTime | Tag::DateTimeOriginal | Tag::DateTimeDigitized => Removed::DateTime,
                Tag::GPSInfoIFDPointer => Removed::Location,
                Tag::ExifIFDPointer | Tag::InteropIFDPointer => continue,
                _ => Removed::OtherExif,
            }
        };
        out.push(what);
    }
}
