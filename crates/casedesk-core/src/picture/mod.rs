//! Images made ready to send: decoded, turned upright, redacted where the user said, and written
//! again from their pixels alone, so that nothing the file said about its author leaves.
//!
//! The guarantee comes from re-encoding, not from a list of what to drop: the file sent is made of
//! the decoded pixels (and the colour profile, so that the colours stay right), so no EXIF, XMP, IPTC,
//! comment, text chunk, embedded thumbnail, extra frame or trailing byte of the original can survive.
//! [`meta`] only reads what the original carried, to tell the user ("location, camera").
//!
//! Every decode is bounded: dimensions and decoder allocation are limited ([`limits`]) before any
//! pixel is read, and the input is at most 10 MB (it came through [`crate::attachment`]).

pub mod crop;
pub mod meta;
pub mod offer;
pub mod redact;

use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader};
use serde::Serialize;
use std::io::Cursor;

use crate::attachment::{Kind, MAX_ATTACHMENT_BYTES};
use crate::error::{Error, Result};
pub use crop::Area;
pub use meta::Removed;
pub use offer::{Choice, Fitted, Offer};
pub use redact::{Redaction, Style};

/// The widest and tallest image accepted: an 8K screen is 7,680 × 4,320; two side by side 15,360.
pub const MAX_SIDE: u32 = 16_384;
/// The most the decoder may hold at once: a 7,680 × 4,320 RGBA frame is 133 MB.
pub const MAX_DECODE_BYTES: u64 = 400 * 1024 * 1024;
/// The quality JPEGs are written again at: visually lossless for photos and screens alike.
pub const JPEG_QUALITY: u8 = 90;

/// The decoder's limits: checked against the file's header before a pixel is decoded.
pub fn limits() -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_DECODE_BYTES);
    l
}

/// An image written again from its pixels: what is stored and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub bytes: Vec<u8>,
    pub kind: Kind,
    pub width: u32,
    pub height: u32,
    /// What the original carried that the new file does not.
    pub removed: Vec<Removed>,
    /// Percent of the original size when it had to be scaled to fit CJ's 10 MB (100: not scaled).
    pub scale_percent: u32,
}

/// An image decoded and upright, with the colour profile it came with.
pub struct Decoded {
    pub image: DynamicImage,
    pub icc: Option<Vec<u8>>,
}

fn undecodable(name: &str) -> Error {
    Error::field(
        "attachments",
        crate::Code::ImageUndecodable,
        format!("{name}: the image cannot be read (it is damaged or not a picture)."),
    )
}

fn format_of(kind: Kind) -> Option<image::ImageFormat> {
    match kind {
        Kind::Png => Some(image::ImageFormat::Png),
        Kind::Jpeg => Some(image::ImageFormat::Jpeg),
        Kind::Pdf | Kind::Txt => None,
    }
}

/// Decodes `bytes` (of `kind`, already sniffed) within [`limits`] and applies its EXIF orientation.
pub fn decode(name: &str, bytes: &[u8], kind: Kind) -> Result<Decoded> {
    let format = format_of(kind).ok_or_else(|| undecodable(name))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| decode_error(name, e))?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(undecodable(name));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| decode_error(name, e))?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, icc })
}

fn decode_error(name: &str, e: image::ImageError) -> Error {
    match e {
        image::ImageError::Limits(_) => Error::field(
            "attachments",
            crate::Code::ImageTooBig,
            format!(
                "{name}: the picture is too large to open (at most {MAX_SIDE} × {MAX_SIDE} pixels)."
            ),
        ),
        _ => undecodable(name),
    }
}

/// Writes `image` as `kind` (PNG losslessly, JPEG at [`JPEG_QUALITY`]), with its colour profile.
pub fn encode(image: &DynamicImage, kind: Kind, icc: Option<&[u8]>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let failed = |_: image::ImageError| {
        Error::invalid(
            crate::Code::ImageUndecodable,
            "The image could not be written.",
        )
    };
    match kind {
        Kind::Png => {
            let mut enc = image::codecs::png::PngEncoder::new(&mut out);
            if let Some(icc) = icc {
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            image.write_with_encoder(enc).map_err(failed)?;
        }
        Kind::Jpeg => {
            let mut enc =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            if let Some(icc) = icc {
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            // JPEG has no alpha and no 16-bit samples: what the encoder takes.
            let flat: DynamicImage = match image {
                DynamicImage::ImageLuma8(_) => image.clone(),
                DynamicImage::ImageLuma16(_)
                | DynamicImage::ImageLumaA8(_)
                | DynamicImage::ImageLumaA16(_) => DynamicImage::ImageLuma8(image.to_luma8()),
                DynamicImage::ImageRgb8(_) => image.clone(),
                _ => DynamicImage::ImageRgb8(image.to_rgb8()),
            };
            flat.write_with_encoder(enc).map_err(failed)?;
        }
        Kind::Pdf | Kind::Txt => {
            return Err(Error::invalid(
                crate::Code::ImageUndecodable,
                "Only PNG and JPEG are pictures.",
            ))
        }
    }
    Ok(out)
}

/// Makes a picked, dropped, pasted or captured image ready to send: decoded, upright, every block of
/// metadata gone; scaled down (the factor said) when the new file would pass CJ's 10,000,000 bytes.
pub fn clean(name: &str, bytes: &[u8], kind: Kind) -> Result<Cleaned> {
    let removed = meta::found(bytes, kind);
    let decoded = decode(name, bytes, kind)?;
    let (image, bytes, scale_percent) = fit(name, decoded.image, kind, decoded.icc.as_deref())?;
    Ok(Cleaned {
        width: image.width(),
        height: image.height(),
        bytes,
        kind,
        removed,
        scale_percent,
    })
}

/// Encodes `image`; when that passes CJ's limit, scales it down step by step (at most 8 tries, each
/// aimed by the last size) until it fits. Answers the image written, its bytes and the percent kept.
pub fn fit(
    name: &str,
    image: DynamicImage,
    kind: Kind,
    icc: Option<&[u8]>,
) -> Result<(DynamicImage, Vec<u8>, u32)> {
    let bytes = encode(&image, kind, icc)?;
    fit_from(name, image, kind, icc, bytes)
}

/// [`fit`] when `image` is already encoded as `bytes`.
pub(crate) fn fit_from(
    name: &str,
    image: DynamicImage,
    kind: Kind,
    icc: Option<&[u8]>,
    mut bytes: Vec<u8>,
) -> Result<(DynamicImage, Vec<u8>, u32)> {
    if bytes.len() as u64 <= MAX_ATTACHMENT_BYTES {
        return Ok((image, bytes, 100));
    }
    let (w0, h0) = (image.width() as f64, image.height() as f64);
    let mut scale = 1.0f64;
    for _ in 0..8 {
        // Bytes grow with the area: aim a little under the limit.
        let ratio = MAX_ATTACHMENT_BYTES as f64 / bytes.len() as f64;
        scale *= (ratio.sqrt() * 0.95).min(0.95);
        let (w, h) = (((w0 * scale) as u32).max(1), ((h0 * scale) as u32).max(1));
        let smaller = image.resize(w, h, image::imageops::FilterType::Triangle);
        bytes = encode(&smaller, kind, icc)?;
        if bytes.len() as u64 <= MAX_ATTACHMENT_BYTES {
            let percent = ((smaller.width() as f64 / w0) * 100.0).round() as u32;
            return Ok((smaller, bytes, percent.clamp(1, 99)));
        }
    }
    Err(Error::field(
        "attachments",
        crate::Code::FileTooLarge,
        format!("{name}: even scaled down, the picture is over CJ's 10 MB limit per file."),
    ))
}

/// What the annotation editor saves: the picture as drawn (every mark flattened into it by the page)
/// and the areas to redact, which are applied here, to the pixels, whatever the page drew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Marks {
    /// Boxes, arrows, texts and numbered markers drawn.
    pub annotations: u32,
    /// Areas blacked out or pixelated.
    pub redactions: u32,
}

/// Checks the editor's picture like any file (kind by content, bounded decode, the same size as the
/// version it was drawn on), applies the redactions to its pixels, keeps only `crop` when given (the
/// redactions are in the uncropped picture's pixels) and writes it again as `kind`.
pub fn annotated(
    name: &str,
    drawn: &[u8],
    (width, height): (u32, u32),
    redactions: &[Redaction],
    crop: Option<Area>,
    kind: Kind,
) -> Result<Cleaned> {
    let drawn_kind = crate::attachment::sniff(drawn)
        .filter(|k| matches!(k, Kind::Png | Kind::Jpeg))
        .ok_or_else(|| undecodable(name))?;
    let decoded = decode(name, drawn, drawn_kind)?;
    if decoded.image.width() != width || decoded.image.height() != height {
        return Err(Error::field(
            "attachments",
            crate::Code::ImageMismatch,
            format!(
                "{name}: the annotated picture is {} × {}, not {width} × {height} like the one it was drawn on.",
                decoded.image.width(),
                decoded.image.height()
            ),
        ));
    }
    let mut rgba = decoded.image.into_rgba8();
    redact::apply(&mut rgba, redactions)?;
    if let Some(area) = crop {
        rgba = crop::apply(&rgba, area)?;
    }
    let image = DynamicImage::ImageRgba8(rgba);
    let (image, bytes, scale_percent) = fit(name, image, kind, None)?;
    Ok(Cleaned {
        width: image.width(),
        height: image.height(),
        bytes,
        kind,
        removed: Vec::new(),
        scale_percent,
    })
}

/// An RGBA picture (a clipboard's or a screen capture's) as a PNG ready to attach.
pub fn from_rgba(name: &str, width: u32, height: u32, rgba: Vec<u8>) -> Result<Cleaned> {
    let image = rgba_image(name, width, height, rgba)?;
    let (image, bytes, scale_percent) = fit(name, image, Kind::Png, None)?;
    Ok(Cleaned {
        width: image.width(),
        height: image.height(),
        bytes,
        kind: Kind::Png,
        removed: Vec::new(),
        scale_percent,
    })
}

fn rgba_image(name: &str, width: u32, height: u32, rgba: Vec<u8>) -> Result<DynamicImage> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(Error::field(
            "attachments",
            crate::Code::ImageTooBig,
            format!(
                "{name}: the picture is {width} × {height} pixels, outside what can be attached."
            ),
        ));
    }
    let buf = image::RgbaImage::from_raw(width, height, rgba).ok_or_else(|| undecodable(name))?;
    Ok(without_opaque_alpha(DynamicImage::ImageRgba8(buf)))
}

/// A picture whose every pixel is opaque (a screen) as RGB: its PNG is a quarter smaller.
pub(crate) fn without_opaque_alpha(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageRgba8(buf) if buf.pixels().all(|p| p.0[3] == 255) => {
            DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(buf).into_rgb8())
        }
        other => other,
    }
}

/// [`from_rgba`], but over CJ's limit the two smaller versions are offered instead of one chosen.
pub fn from_rgba_offered(name: &str, width: u32, height: u32, rgba: Vec<u8>) -> Result<Fitted> {
    let image = rgba_image(name, width, height, rgba)?;
    offer::png_or_offer(name, image, None, Vec::new())
}

/// [`clean`], but a PNG over CJ's limit is offered smaller instead of scaled (a JPEG is scaled, as
/// [`clean`] does: no other version of it would be smaller).
pub fn clean_offered(name: &str, bytes: &[u8], kind: Kind) -> Result<Fitted> {
    if kind != Kind::Png {
        return clean(name, bytes, kind).map(Fitted::Ready);
    }
    let removed = meta::found(bytes, kind);
    let decoded = decode(name, bytes, kind)?;
    let image = without_opaque_alpha(decoded.image);
    offer::png_or_offer(name, image, decoded.icc.as_deref(), removed)
}
