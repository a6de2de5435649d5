//! A capture or a pasted screenshot too large for CJ as a PNG is not shrunk behind the user's back:
//! it is *offered* smaller, two ways, each with its figures, and the user chooses (or cancels).
//!
//! * **Full size as JPEG** (at [`super::JPEG_QUALITY`]): every pixel kept, text slightly soft.
//! * **PNG scaled** to the largest size that fits ([`super::fit`]), the factor shown.
//!
//! Either choice is already encoded when it is offered, so choosing writes it at once.

use image::DynamicImage;

use super::{encode, fit_from, Cleaned, Removed};
use crate::attachment::{Kind, MAX_ATTACHMENT_BYTES};
use crate::error::Result;

/// How a picture fits CJ's limit.
#[derive(Debug)]
pub enum Fitted {
    /// As a PNG at full size: ready to attach.
    Ready(Cleaned),
    /// Over the limit as a PNG: the ways it could still be sent.
    Over(Offer),
}

/// The two smaller versions of a picture that is over CJ's limit as a PNG.
#[derive(Debug)]
pub struct Offer {
    pub width: u32,
    pub height: u32,
    /// The PNG's size at full size, which is over the limit.
    pub png_bytes: u64,
    /// Full size as a JPEG, when that fits.
    pub jpeg: Option<Cleaned>,
    /// The PNG scaled down to fit (its `scale_percent` says by how much), when that can fit.
    pub scaled: Option<Cleaned>,
}

/// Which of an [`Offer`]'s versions the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Jpeg,
    Scaled,
}

impl Offer {
    /// The version chosen, if it was offered.
    pub fn take(self, choice: Choice) -> Option<Cleaned> {
        match choice {
            Choice::Jpeg => self.jpeg,
            Choice::Scaled => self.scaled,
        }
    }
}

/// Writes `image` as a PNG; over CJ's limit, makes both smaller versions instead. An error only
/// when neither fits (a picture no JPEG and no scaling brings under 10 MB) or encoding fails.
pub fn png_or_offer(
    name: &str,
    image: DynamicImage,
    icc: Option<&[u8]>,
    removed: Vec<Removed>,
) -> Result<Fitted> {
    let (width, height) = (image.width(), image.height());
    let png = encode(&image, Kind::Png, icc)?;
    if png.len() as u64 <= MAX_ATTACHMENT_BYTES {
        return Ok(Fitted::Ready(Cleaned {
            bytes: png,
            kind: Kind::Png,
            width,
            height,
            removed,
            scale_percent: 100,
        }));
    }
    let png_bytes = png.len() as u64;
    let jpeg = encode(&image, Kind::Jpeg, icc)?;
    let jpeg = (jpeg.len() as u64 <= MAX_ATTACHMENT_BYTES).then(|| Cleaned {
        bytes: jpeg,
        kind: Kind::Jpeg,
        width,
        height,
        removed: removed.clone(),
        scale_percent: 100,
    });
    let scaled = match fit_from(name, image, Kind::Png, icc, png) {
        Ok((small, bytes, scale_percent)) => Some(Cleaned {
            width: small.width(),
            height: small.height(),
            bytes,
            kind: Kind::Png,
            removed,
            scale_percent,
        }),
        Err(e) if jpeg.is_none() => return Err(e),
        Err(_) => None,
    };
    Ok(Fitted::Over(Offer {
        width,
        height,
        png_bytes,
        jpeg,
        scaled,
    }))
}
