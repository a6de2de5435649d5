//! Redaction applied to pixels: a solid box, or blocks so large that nothing under them can be read
//! back. Applied in Rust to whatever the page drew, so a redaction the page showed is one the file has.

use image::RgbaImage;
use serde::Deserialize;

use crate::error::{Error, Result};

/// At most this many areas in one save.
pub const MAX_REDACTIONS: usize = 500;
/// The smallest pixelation block, in pixels: a 12-pixel letter falls inside one block.
pub const MIN_BLOCK: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Style {
    /// Every pixel black.
    Solid,
    /// Each block replaced by its mean colour; blocks at least [`MIN_BLOCK`] and a tenth of the
    /// area's longer side, so an area shows at most ten blocks across.
    Pixelate,
}

/// An area, in the picture's own pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redaction {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub style: Style,
}

impl Redaction {
    /// The block side a pixelation uses for this area.
    pub fn block(&self) -> u32 {
        MIN_BLOCK.max(self.width.max(self.height).div_ceil(10))
    }
}

/// Replaces the pixels under each area (clipped to the picture; an area wholly outside it or empty is
/// refused, as a mistake the user should see).
pub fn apply(image: &mut RgbaImage, areas: &[Redaction]) -> Result<()> {
    if areas.len() > MAX_REDACTIONS {
        return Err(Error::field(
            "attachments",
            crate::Code::TooLarge,
            format!("At most {MAX_REDACTIONS} redactions in one picture."),
        ));
    }
    let (w, h) = image.dimensions();
    for a in areas {
        let x1 = a.x.saturating_add(a.width).min(w);
        let y1 = a.y.saturating_add(a.height).min(h);
        if a.x >= x1 || a.y >= y1 {
            return Err(Error::field(
                "attachments",
                crate::Code::InvalidArgument,
                "A redaction lies outside the picture.",
            ));
        }
        match a.style {
            Style::Solid => {
                for y in a.y..y1 {
                    for x in a.x..x1 {
                        image.put_pixel(x, y, image::Rgba([0, 0, 0, 255]));
                    }
                }
            }
            Style::Pixelate => {
                let b = a.block();
                let mut by = a.y;
                while by < y1 {
                    let ey = by.saturating_add(b).min(y1);
                    let mut bx = a.x;
                    while bx < x1 {
                        let ex = bx.saturating_add(b).min(x1);
                        fill_mean(image, bx, by, ex, ey);
                        bx = ex;
                    }
                    by = ey;
                }
            }
        }
    }
    Ok(())
}

/// Sets every pixel of the block to the block's mean colour, fully opaque (an alpha channel must
/// not keep a trace of what was there either).
fn fill_mean(image: &mut RgbaImage, x0: u32, y0: u32, x1: u32, y1: u32) {
    let mut sum = [0u64; 3];
    for y in y0..y1 {
        for x in x0..x1 {
            let p = image.get_pixel(x, y).0;
            for c in 0..3 {
                sum[c] += p[c] as u64;
            }
        }
    }
    let n = ((x1 - x0) as u64 * (y1 - y0) as u64).max(1);
    let mean = image::Rgba([
        (sum[0] / n) as u8,
        (sum[1] / n) as u8,
        (sum[2] / n) as u8,
        255,
    ]);
    for y in y0..y1 {
        for x in x0..x1 {
            image.put_pixel(x, y, mean);
        }
    }
}
