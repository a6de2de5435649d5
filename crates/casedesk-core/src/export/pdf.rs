//! A small PDF 1.4 writer for exports, made in Rust without a PDF library (the app stays under its
//! size target): A4 pages of Helvetica text (WinAnsi: characters outside Latin-1 print as `?`), and the
//! attachments' images on their own pages — JPEG as is (`DCTDecode`), PNG through [`super::png`]
//! (with a soft mask when it has transparency). An image that cannot be embedded is named with why.

use super::{utc, Document};
use crate::attachment::Kind;

const W: f64 = 595.0;
const H: f64 = 842.0;
const MARGIN: f64 = 50.0;
const SIZE: f64 = 10.0;
const LEADING: f64 = 13.0;
const WRAP: usize = 96;

/// An image as a PDF XObject: its dictionary entries and its data, and its transparency.
pub(super) struct Image {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) dict: String,
    pub(super) data: Vec<u8>,
    pub(super) smask: Option<Box<Image>>,
}

fn jpeg(bytes: &[u8]) -> Option<Image> {
    let mut i = 2;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            i += 1;
            continue;
        }
        let m = bytes[i + 1];
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC) {
            let height = u32::from(u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]));
            let width = u32::from(u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]));
            let space = match bytes[i + 9] {
                1 => "/DeviceGray",
                3 => "/DeviceRGB",
                4 => "/DeviceCMYK /Decode [1 0 1 0 1 0 1 0]",
                _ => return None,
            };
            return Some(Image {
                width,
                height,
                dict: format!("/ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode"),
                data: bytes.to_vec(),
                smask: None,
            });
        }
        i += 2 + len;
    }
    None
}

/// Text as a PDF string in WinAnsi (Latin-1 for the characters it shares; others as `?`).
fn pdf_string(s: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in s.chars() {
        let b = match c {
            '\t' => b' ',
            '‘' | '’' => b'\'',
            '“' | '”' => b'"',
            '–' | '—' => b'-',
            '…' => b'.',
            '›' => b'>',
            '→' => b'>',
            c if (' '..='~').contains(&c) => c as u8,
            c if ('\u{a0}'..='\u{ff}').contains(&c) => c as u32 as u8,
            _ => b'?',
        };
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        if chars.is_empty() {
            out.push(String::new());
            continue;
        }
        let mut start = 0;
        while start < chars.len() {
            let mut end = (start + width).min(chars.len());
            if end < chars.len() {
                if let Some(space) = chars[start..end].iter().rposition(|c| *c == ' ') {
                    if space > width / 2 {
                        end = start + space + 1;
                    }
                }
            }
            out.push(
                chars[start..end]
                    .iter()
                    .collect::<String>()
                    .trim_end()
                    .to_owned(),
            );
            start = end;
        }
    }
    out
}

/// A line of the text pages: font (1 regular, 2 bold), size, text.
type Line = (u8, f64, String);

fn lines(doc: &Document) -> Vec<Line> {
    let mut l: Vec<Line> = Vec::new();
    for t in wrap(&doc.title, 60) {
        l.push((2, 16.0, t));
    }
    l.push((1, SIZE, String::new()));
    for (k, v) in &doc.fields {
        for (i, t) in wrap(&format!("{k}: {v}"), WRAP).into_iter().enumerate() {
            l.push((if i == 0 { 2 } else { 1 }, SIZE, t));
        }
    }
    let section = |l: &mut Vec<Line>, title: &str| {
        l.push((1, SIZE, String::new()));
        l.push((2, 12.0, title.to_owned()));
    };
    if !doc.description.is_empty() {
        section(&mut l, "Description");
        l.extend(
            wrap(&doc.description, WRAP)
                .into_iter()
                .map(|t| (1, SIZE, t)),
        );
    }
    section(&mut l, "Attachments");
    if doc.attachments.is_empty() {
        l.push((1, SIZE, "None.".into()));
    }
    for a in &doc.attachments {
        let name = if a.redacted {
            format!("{} (redacted copy)", a.name)
        } else {
            a.name.clone()
        };
        l.push((
            1,
            SIZE,
            format!("{name} - {} - {} bytes", a.kind.label(), a.size),
        ));
        l.push((1, 8.0, format!("SHA-256 {}", a.sha256)));
    }
    if !doc.timeline.is_empty() {
        section(&mut l, "Timeline");
        for (at, what) in &doc.timeline {
            for (i, t) in wrap(what, WRAP - 22).into_iter().enumerate() {
                let prefix = if i == 0 { utc(*at) } else { String::new() };
                l.push((1, SIZE, format!("{prefix:<22}{t}")));
            }
        }
    }
    l
}

struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn object(&mut self, id: usize, body: &[u8]) {
        if self.offsets.len() < id {
            self.offsets.resize(id, 0);
        }
        self.offsets[id - 1] = self.out.len();
        self.out
            .extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn stream(&mut self, id: usize, dict: &str, data: &[u8]) {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.object(id, &body);
    }
}

/// The PDF for `doc`. Image files that cannot be read are listed as such.
pub fn write(doc: &Document) -> Vec<u8> {
    // Pages of text.
    let per_page = ((H - 2.0 * MARGIN) / LEADING) as usize;
    let text = lines(doc);
    let mut contents: Vec<Vec<u8>> = text
        .chunks(per_page.max(1))
        .map(|page| {
            let mut c = b"BT\n".to_vec();
            c.extend_from_slice(format!("{MARGIN} {} Td\n{LEADING} TL\n", H - MARGIN).as_bytes());
            for (font, size, t) in page {
                c.extend_from_slice(format!("/F{font} {size} Tf\n").as_bytes());
                c.extend_from_slice(&pdf_string(t));
                c.extend_from_slice(b" Tj T*\n");
            }
            c.extend_from_slice(b"ET");
            c
        })
        .collect();
    // A page per embeddable image.
    let mut images = Vec::new();
    for a in &doc.attachments {
        if !matches!(a.kind, Kind::Png | Kind::Jpeg) {
            continue;
        }
        let img = std::fs::read(&a.path)
            .map_err(|_| "its file could not be read")
            .and_then(|b| match a.kind {
                Kind::Jpeg => jpeg(&b).ok_or("its JPEG could not be read"),
                _ => super::png::image(&b),
            });
        let mut c = b"BT\n".to_vec();
        c.extend_from_slice(format!("/F2 12 Tf {MARGIN} {} Td ", H - MARGIN).as_bytes());
        c.extend_from_slice(&pdf_string(&a.name));
        c.extend_from_slice(b" Tj ET\n");
        match img {
            Ok(img) => {
                let (mw, mh) = (W - 2.0 * MARGIN, H - 2.0 * MARGIN - 30.0);
                let scale = (mw / f64::from(img.width.max(1)))
                    .min(mh / f64::from(img.height.max(1)))
                    .min(1.0);
                let (w, h) = (f64::from(img.width) * scale, f64::from(img.height) * scale);
                c.extend_from_slice(
                    format!(
                        "q {w:.2} 0 0 {h:.2} {MARGIN} {:.2} cm /Im{} Do Q",
                        H - MARGIN - 30.0 - h,
                        images.len()
                    )
                    .as_bytes(),
                );
                images.push(img);
            }
            Err(why) => {
                c.extend_from_slice(
                    format!("BT /F1 {SIZE} Tf {MARGIN} {} Td ", H - MARGIN - 20.0).as_bytes(),
                );
                c.extend_from_slice(&pdf_string(&format!("(not embedded: {why})")));
                c.extend_from_slice(b" Tj ET");
            }
        }
        contents.push(c);
    }
    // Objects: 1 catalog, 2 pages, 3 and 4 fonts, then per page a page and its content, then images.
    let mut w = Writer {
        out: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec(),
        offsets: Vec::new(),
    };
    let first_page = 5;
    let first_image = first_page + 2 * contents.len();
    // Each image's object id, and its mask's right after it.
    let mut ids = Vec::with_capacity(images.len());
    let mut next = first_image;
    for img in &images {
        ids.push(next);
        next += 1 + usize::from(img.smask.is_some());
    }
    let kids: Vec<String> = (0..contents.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    w.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    w.object(
        2,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            contents.len()
        )
        .as_bytes(),
    );
    w.object(
        3,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    );
    w.object(
        4,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    );
    let xobjects: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!("/Im{i} {id} 0 R"))
        .collect();
    for (i, c) in contents.iter().enumerate() {
        let page = first_page + 2 * i;
        w.object(
            page,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {W} {H}] /Contents {} 0 R /Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << {} >> >> >>",
                page + 1,
                xobjects.join(" ")
            )
            .as_bytes(),
        );
        w.stream(page + 1, "", c);
    }
    for (img, id) in images.iter().zip(&ids) {
        let mask = match &img.smask {
            Some(_) => format!(" /SMask {} 0 R", id + 1),
            None => String::new(),
        };
        let head = |img: &Image| {
            format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} {}",
                img.width, img.height, img.dict
            )
        };
        w.stream(*id, &format!("{}{mask}", head(img)), &img.data);
        if let Some(m) = &img.smask {
            w.stream(id + 1, &head(m), &m.data);
        }
    }
    let xref = w.out.len();
    let n = w.offsets.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", n + 1);
    for o in &w.offsets {
        tail.push_str(&format!("{o:010} 00000 n \n"));
    }
    tail.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        n + 1
    ));
    w.out.extend_from_slice(tail.as_bytes());
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_lines_wrap() {
        assert_eq!(pdf_string("a(b)\\ é ✓"), b"(a\\(b\\)\\\\ \xe9 ?)".to_vec());
        assert_eq!(wrap("one two three", 8), vec!["one two", "three"]);
    }
}
