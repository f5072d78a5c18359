//! The poster as a one-page A4 PDF, written by hand (see
//! `docs/adr/0006-gallery-photos-and-posters.md`): the re-encoded JPEG embedded as is
//! (DCTDecode), the QR code as filled squares, and text shaped with
//! rustybuzz (Arabic joined and laid out right to left) and drawn as the
//! glyphs' vector outlines, so no font file is embedded or subset.
//! Fonts are read from Debian's `fonts-noto-core` at run time.

use super::poster::Poster;
use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Direction, Face, UnicodeBuffer};
use std::fmt::Write;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 40.0;

/// Where the fonts are looked for, first match wins.
const FONT_DIRS: [&str; 2] = [
    "/usr/share/fonts/truetype/noto",
    "/usr/local/share/fonts/noto",
];

struct Fonts {
    latin: Vec<u8>,
    latin_bold: Vec<u8>,
    arabic: Vec<u8>,
    arabic_bold: Vec<u8>,
}

fn read_font(name: &str) -> Result<Vec<u8>, String> {
    for dir in FONT_DIRS {
        if let Ok(bytes) = std::fs::read(std::path::Path::new(dir).join(name)) {
            return Ok(bytes);
        }
    }
    Err(format!(
        "the poster font {name} is missing: install the Debian package fonts-noto-core"
    ))
}

fn load_fonts() -> Result<Fonts, String> {
    Ok(Fonts {
        latin: read_font("NotoSans-Regular.ttf")?,
        latin_bold: read_font("NotoSans-Bold.ttf")?,
        arabic: read_font("NotoNaskhArabic-Regular.ttf")?,
        arabic_bold: read_font("NotoNaskhArabic-Bold.ttf")?,
    })
}

/// PDF path operators from a glyph outline, scaled and placed.
struct PathWriter<'a> {
    out: &'a mut String,
    scale: f32,
    x: f32,
    y: f32,
    last: (f32, f32),
}

impl PathWriter<'_> {
    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y + y * self.scale)
    }
}

impl OutlineBuilder for PathWriter<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (px, py) = self.point(x, y);
        let _ = write!(self.out, "{px:.2} {py:.2} m ");
        self.last = (x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (px, py) = self.point(x, y);
        let _ = write!(self.out, "{px:.2} {py:.2} l ");
        self.last = (x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        // A quadratic curve as the equivalent cubic.
        let (x0, y0) = self.last;
        let c1 = (x0 + 2.0 / 3.0 * (x1 - x0), y0 + 2.0 / 3.0 * (y1 - y0));
        let c2 = (x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y));
        let (ax, ay) = self.point(c1.0, c1.1);
        let (bx, by) = self.point(c2.0, c2.1);
        let (px, py) = self.point(x, y);
        let _ = write!(
            self.out,
            "{ax:.2} {ay:.2} {bx:.2} {by:.2} {px:.2} {py:.2} c "
        );
        self.last = (x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (ax, ay) = self.point(x1, y1);
        let (bx, by) = self.point(x2, y2);
        let (px, py) = self.point(x, y);
        let _ = write!(
            self.out,
            "{ax:.2} {ay:.2} {bx:.2} {by:.2} {px:.2} {py:.2} c "
        );
        self.last = (x, y);
    }
    fn close(&mut self) {
        self.out.push_str("h ");
    }
}

/// One shaped run: glyphs with their pen positions, in font units.
struct Shaped {
    glyphs: Vec<(GlyphId, f32, f32)>,
    width: f32,
}

fn shape(face: &Face<'_>, text: &str, rtl: bool) -> Shaped {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    let output = rustybuzz::shape(face, &[], buffer);
    let mut pen = 0.0f32;
    let mut glyphs = Vec::with_capacity(output.len());
    for (info, position) in output.glyph_infos().iter().zip(output.glyph_positions()) {
        let id = u16::try_from(info.glyph_id).unwrap_or(0);
        glyphs.push((
            GlyphId(id),
            pen + position.x_offset as f32,
            position.y_offset as f32,
        ));
        pen += position.x_advance as f32;
    }
    Shaped { glyphs, width: pen }
}

/// Draws `text` centred on the page at baseline `y`, wrapped to `width`;
/// returns the baseline below the last line.
fn centred(
    out: &mut String,
    font: &[u8],
    text: &str,
    size: f32,
    rtl: bool,
    y: f32,
    width: f32,
) -> Result<f32, String> {
    let face = Face::from_slice(font, 0).ok_or("the poster font cannot be read")?;
    let scale = size / face.units_per_em() as f32;
    let line_height = size * 1.35;
    // Greedy wrapping on spaces, in logical order; each line is shaped whole.
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && shape(&face, &candidate, rtl).width * scale > width {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let mut baseline = y;
    for line in lines {
        let shaped = shape(&face, &line, rtl);
        let start = (PAGE_W - shaped.width * scale) / 2.0;
        for (glyph, x, dy) in shaped.glyphs {
            let mut writer = PathWriter {
                out,
                scale,
                x: start + x * scale,
                y: baseline + dy * scale,
                last: (0.0, 0.0),
            };
            face.outline_glyph(glyph, &mut writer);
        }
        out.push_str("f\n");
        baseline -= line_height;
    }
    Ok(baseline)
}

/// JPEG width and height from its SOF marker.
fn jpeg_size(jpeg: &[u8]) -> Option<(u16, u16)> {
    let mut at = 2;
    while at + 9 < jpeg.len() {
        if *jpeg.get(at)? != 0xFF {
            return None;
        }
        let marker = *jpeg.get(at + 1)?;
        let len = usize::from(*jpeg.get(at + 2)?) << 8 | usize::from(*jpeg.get(at + 3)?);
        if matches!(marker, 0xC0..=0xC2) {
            let h = u16::from(*jpeg.get(at + 5)?) << 8 | u16::from(*jpeg.get(at + 6)?);
            let w = u16::from(*jpeg.get(at + 7)?) << 8 | u16::from(*jpeg.get(at + 8)?);
            return Some((w, h));
        }
        at += 2 + len;
    }
    None
}

pub fn render(poster: &Poster, photo: &[u8]) -> Result<Vec<u8>, String> {
    let fonts = load_fonts()?;
    let (photo_w, photo_h) = jpeg_size(photo).ok_or("the stored photo is not a JPEG")?;
    let mut content = String::new();
    // The photo, 200 pt wide, centred at the top.
    let shown_w = 200.0f32;
    let shown_h = shown_w * f32::from(photo_h) / f32::from(photo_w.max(1));
    let top = PAGE_H - MARGIN;
    let _ = writeln!(
        content,
        "q {shown_w:.2} 0 0 {shown_h:.2} {:.2} {:.2} cm /Photo Do Q",
        (PAGE_W - shown_w) / 2.0,
        top - shown_h
    );
    content.push_str("0 0 0 rg\n");
    let width = PAGE_W - 2.0 * MARGIN;
    let mut y = top - shown_h - 30.0;
    for block in &poster.blocks {
        let rtl = block.dir == "rtl";
        let (regular, bold) = if rtl {
            (&fonts.arabic, &fonts.arabic_bold)
        } else {
            (&fonts.latin, &fonts.latin_bold)
        };
        y = centred(&mut content, bold, &block.title, 17.0, rtl, y, width)? + 2.0;
        y = centred(&mut content, bold, &block.looking_for, 14.0, rtl, y, width)?;
        y = centred(&mut content, regular, &block.call, 9.5, rtl, y, width)?;
        y -= 14.0;
    }
    // The QR code, 110 pt square with its quiet zone, above the reference.
    let size = poster.qr_modules.len().max(1) as f32;
    let qr_side = 110.0f32;
    let module = qr_side / (size + 8.0);
    let qr_x = (PAGE_W - qr_side) / 2.0;
    let qr_y = MARGIN + 50.0;
    for (row, modules) in poster.qr_modules.iter().enumerate() {
        for (col, dark) in modules.iter().enumerate() {
            if *dark {
                let _ = write!(
                    content,
                    "{:.3} {:.3} {module:.3} {module:.3} re ",
                    qr_x + (col as f32 + 4.0) * module,
                    qr_y + qr_side - (row as f32 + 5.0) * module
                );
            }
        }
    }
    content.push_str("f\n");
    centred(
        &mut content,
        &fonts.latin_bold,
        &poster.reference,
        20.0,
        false,
        MARGIN + 28.0,
        width,
    )?;
    centred(
        &mut content,
        &fonts.latin,
        &poster.url,
        8.0,
        false,
        MARGIN + 14.0,
        width,
    )?;
    Ok(assemble(content.as_bytes(), photo, photo_w, photo_h))
}

/// Writes the five objects and the cross-reference table.
fn assemble(content: &[u8], photo: &[u8], photo_w: u16, photo_h: u16) -> Vec<u8> {
    let mut pdf: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |pdf: &mut Vec<u8>, body: Vec<u8>| {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        pdf.extend_from_slice(&body);
        pdf.extend_from_slice(b"\nendobj\n");
    };
    object(&mut pdf, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    object(
        &mut pdf,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
    );
    object(
        &mut pdf,
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
             /Resources << /XObject << /Photo 5 0 R >> >> /Contents 4 0 R >>"
        )
        .into_bytes(),
    );
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    object(&mut pdf, stream);
    let mut image = format!(
        "<< /Type /XObject /Subtype /Image /Width {photo_w} /Height {photo_h} \
         /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
        photo.len()
    )
    .into_bytes();
    image.extend_from_slice(photo);
    image.extend_from_slice(b"\nendstream");
    object(&mut pdf, image);
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in &offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    pdf.extend_from_slice(table.as_bytes());
    pdf
}
