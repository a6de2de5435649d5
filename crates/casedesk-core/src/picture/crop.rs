//! Keeping one rectangle of a picture: the editor's crop tool, a region chosen from a screen capture,
//! and one window cut out of the screen. Applied in Rust to the pixels, after the redactions (which are
//! given in the uncropped picture's pixels), so what is outside the rectangle is not in the file.

use image::RgbaImage;
use serde::Deserialize;

use crate::error::{Error, Result};

/// A rectangle, in the picture's own pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Area {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The smallest side kept: a crop narrower than this is a slip of the pointer, not a choice.
pub const MIN_SIDE: u32 = 8;

fn outside() -> Error {
    Error::field(
        "attachments",
        crate::Code::InvalidArgument,
        format!("The area to keep must lie on the picture and be at least {MIN_SIDE} × {MIN_SIDE} pixels."),
    )
}

/// `area` clipped to a `width` × `height` picture; refused when what is left is smaller than
/// [`MIN_SIDE`] either way (wholly outside, empty, or a sliver).
pub fn clip(area: Area, width: u32, height: u32) -> Result<Area> {
    let x1 = area.x.saturating_add(area.width).min(width);
    let y1 = area.y.saturating_add(area.height).min(height);
    if area.x >= x1 || area.y >= y1 || x1 - area.x < MIN_SIDE || y1 - area.y < MIN_SIDE {
        return Err(outside());
    }
    Ok(Area {
        x: area.x,
        y: area.y,
        width: x1 - area.x,
        height: y1 - area.y,
    })
}

/// The pixels of `area` (clipped) as a picture of their own.
pub fn apply(image: &RgbaImage, area: Area) -> Result<RgbaImage> {
    let a = clip(area, image.width(), image.height())?;
    Ok(image::imageops::crop_imm(image, a.x, a.y, a.width, a.height).to_image())
}

/// The same for tightly packed RGBA rows (a screen capture): answers the new width, height and rows.
pub fn rgba(width: u32, height: u32, rgba: &[u8], area: Area) -> Result<(u32, u32, Vec<u8>)> {
    let a = clip(area, width, height)?;
    let row = width as usize * 4;
    if rgba.len() != row * height as usize {
        return Err(outside());
    }
    let mut out = Vec::with_capacity(a.width as usize * a.height as usize * 4);
    for y in a.y..a.y + a.height {
        let start = y as usize * row + a.x as usize * 4;
        out.extend_from_slice(&rgba[start..start + a.width as usize * 4]);
    }
    Ok((a.width, a.height, out))
}
