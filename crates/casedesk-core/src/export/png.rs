//! PNG screenshots for the PDF. An opaque 8-bit PNG goes in as it is (its zlib data with the PNG
//! predictor); one with an alpha channel (most screenshots) is inflated, unfiltered and split into
//! colour and a soft mask (inflated with `miniz_oxide`, pure Rust; written uncompressed). 16-bit, interlaced and
//! palette-with-transparency PNGs are listed instead (rare for screenshots).

use super::pdf::Image;

/// At most this many pixels are decoded (a 4096 × 4096 screenshot).
const MAX_PIXELS: u64 = 4096 * 4096;

struct Header {
    width: u32,
    height: u32,
    color: u8,
    idat: Vec<u8>,
    palette: Option<String>,
}

fn header(bytes: &[u8]) -> Result<Header, &'static str> {
    if bytes.len() < 33 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return Err("not a PNG");
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let (width, height) = (be(&bytes[16..20]), be(&bytes[20..24]));
    let (depth, color, interlace) = (bytes[24], bytes[25], bytes[28]);
    if depth != 8 || interlace != 0 {
        return Err("its PNG is 16-bit or interlaced");
    }
    let mut h = Header {
        width,
        height,
        color,
        idat: Vec::new(),
        palette: None,
    };
    let mut i = 8usize;
    while i.checked_add(12).is_some_and(|end| end <= bytes.len()) {
        let len = be(&bytes[i..i + 4]) as usize;
        let kind = &bytes[i + 4..i + 8];
        let end = (i + 8).checked_add(len).ok_or("its PNG is cut off")?;
        let body = bytes.get(i + 8..end).ok_or("its PNG is cut off")?;
        match kind {
            b"IDAT" => h.idat.extend_from_slice(body),
            b"PLTE" => {
                // 1 to 256 entries of 3 bytes; anything else is not a palette.
                if len == 0 || !len.is_multiple_of(3) || len > 768 {
                    return Err("its PNG's palette is damaged");
                }
                let hex = hex::encode(body);
                h.palette = Some(format!("[/Indexed /DeviceRGB {} <{hex}>]", len / 3 - 1));
            }
            b"tRNS" => return Err("its PNG has a transparent palette"),
            b"IEND" => break,
            _ => {}
        }
        i = end.saturating_add(4);
    }
    if h.idat.is_empty() {
        return Err("its PNG is incomplete");
    }
    Ok(h)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// The raw pixels of the filtered scanlines in `data` (`bpp` bytes a pixel).
fn unfilter(data: &[u8], width: usize, height: usize, bpp: usize) -> Option<Vec<u8>> {
    let stride = width * bpp;
    let mut out = vec![0u8; stride * height];
    for y in 0..height {
        let line = data.get(y * (stride + 1)..(y + 1) * (stride + 1))?;
        let (filter, src) = (line[0], &line[1..]);
        let (done, rest) = out.split_at_mut(y * stride);
        let prior = if y == 0 {
            None
        } else {
            Some(&done[(y - 1) * stride..])
        };
        let row = &mut rest[..stride];
        for x in 0..stride {
            let a = if x >= bpp { row[x - bpp] } else { 0 };
            let b = prior.map_or(0, |p| p[x]);
            let c = if x >= bpp {
                prior.map_or(0, |p| p[x - bpp])
            } else {
                0
            };
            row[x] = src[x].wrapping_add(match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return None,
            });
        }
    }
    Some(out)
}

/// The fuzz target's way in (src/fuzzing.rs).
#[cfg(feature = "fuzzing")]
pub(crate) fn image_any(bytes: &[u8]) {
    let _ = image(bytes);
}

/// The PNG as a PDF image (with a soft mask when it has an alpha channel).
pub(super) fn image(bytes: &[u8]) -> Result<Image, &'static str> {
    let h = header(bytes)?;
    let (width, height) = (h.width, h.height);
    let opaque = |space: String, colors: u8, data: Vec<u8>| {
        Image {
        width,
        height,
        dict: format!(
            "/ColorSpace {space} /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors {colors} /BitsPerComponent 8 /Columns {width} >>"
        ),
        data,
        smask: None,
    }
    };
    match h.color {
        0 => return Ok(opaque("/DeviceGray".into(), 1, h.idat)),
        2 => return Ok(opaque("/DeviceRGB".into(), 3, h.idat)),
        3 => {
            let space = h.palette.ok_or("its PNG has no palette")?;
            return Ok(opaque(space, 1, h.idat));
        }
        4 | 6 => {}
        _ => return Err("its PNG's colour type is unknown"),
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err("its PNG is too large to embed");
    }
    let (channels, space) = if h.color == 6 {
        (4, "/DeviceRGB")
    } else {
        (2, "/DeviceGray")
    };
    // Inflated up to what the header says the pixels need (one filter byte a row), never more: a
    // small file that inflates to gigabytes stops here.
    let expected = u64::from(height) * (1 + u64::from(width) * channels as u64);
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&h.idat, expected as usize)
        .map_err(|_| "its PNG data is damaged or larger than its size says")?;
    let pixels = unfilter(&raw, width as usize, height as usize, channels)
        .ok_or("its PNG data is damaged")?;
    let colour_bytes = channels - 1;
    let mut colour = Vec::with_capacity(pixels.len() / channels * colour_bytes);
    let mut alpha = Vec::with_capacity(pixels.len() / channels);
    for px in pixels.chunks_exact(channels) {
        colour.extend_from_slice(&px[..colour_bytes]);
        alpha.push(px[colour_bytes]);
    }
    // Written uncompressed: the deflater added ~20 KB to the app (measured) for smaller PDFs.
    let plain = |space: &str, data: Vec<u8>| Image {
        width,
        height,
        dict: format!("/ColorSpace {space} /BitsPerComponent 8"),
        data,
        smask: None,
    };
    let mut main = plain(space, colour);
    main.smask = Some(Box::new(plain("/DeviceGray", alpha)));
    Ok(main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_undone() {
        // Two rows of two grey+alpha pixels: "sub" then "up".
        let data = [1, 10, 20, 5, 5, 2, 1, 1, 1, 1];
        assert_eq!(
            unfilter(&data, 2, 2, 2).unwrap(),
            vec![10, 20, 15, 25, 11, 21, 16, 26]
        );
        assert_eq!(paeth(3, 5, 4), 4);
        assert_eq!(paeth(10, 2, 3), 10);
    }

    fn chunk(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut c = (body.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(body);
        c.extend_from_slice(&[0, 0, 0, 0]); // CRC: not checked here
        c
    }

    fn png(width: u32, height: u32, color: u8, extra: &[Vec<u8>]) -> Vec<u8> {
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, color, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        out.extend(chunk(b"IHDR", &ihdr));
        for c in extra {
            out.extend_from_slice(c);
        }
        out.extend(chunk(b"IEND", &[]));
        out
    }

    #[test]
    fn a_short_or_empty_palette_is_an_error_not_a_panic() {
        for body in [&b""[..], &b"\x01\x02"[..], &[7u8; 771][..]] {
            let bytes = png(1, 1, 3, &[chunk(b"PLTE", body), chunk(b"IDAT", b"x")]);
            assert_eq!(image(&bytes).err(), Some("its PNG's palette is damaged"));
        }
    }

    #[test]
    fn a_decompression_bomb_stops_at_the_size_the_header_gives() {
        // 1 × 1 RGBA needs 5 bytes; this IDAT inflates to 64 MiB of zeros.
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 64 << 20], 10);
        assert!(bomb.len() < 200_000);
        let bytes = png(1, 1, 6, &[chunk(b"IDAT", &bomb)]);
        assert_eq!(
            image(&bytes).err(),
            Some("its PNG data is damaged or larger than its size says")
        );
    }

    #[test]
    fn a_chunk_length_past_the_end_is_cut_off() {
        let mut bytes = png(1, 1, 6, &[]);
        let at = bytes.len() - 12;
        bytes.splice(at..at, [0xff, 0xff, 0xff, 0xf0, b'I', b'D', b'A', b'T']);
        assert_eq!(image(&bytes).err(), Some("its PNG is cut off"));
    }

    proptest::proptest! {
        /// Any bytes, and any mutation of a real PNG (an alpha one, the decoded kind), end in an image
        /// or an error — never a panic (`make fuzz` runs many more cases).
        #[test]
        fn no_bytes_make_the_decoder_panic(
            noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
            flips in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 0..16),
            cut in 0usize..4096,
        ) {
            let _ = image(&noise);
            let mut png = png(3, 2, 6, &[chunk(b"IDAT", &miniz_oxide::deflate::compress_to_vec_zlib(&[0u8; 2 * (1 + 3 * 4)], 6))]);
            for (at, b) in flips {
                let n = png.len();
                png[at % n] ^= b;
            }
            png.truncate(cut.max(8));
            let _ = image(&png);
        }
    }
}
