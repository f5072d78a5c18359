//! PDF written by hand, shared by the gallery poster and the filled
//! referral tools (see `docs/adr/0006-gallery-photos-and-posters.md`):
//! text is shaped with rustybuzz, split into bidirectional runs
//! (`unicode-bidi`: Arabic joined and laid out right to left, Latin words
//! and digits inside it left to right) and drawn as the glyphs' vector
//! outlines, so no font file is embedded or subset. Each line carries its
//! text as `/ActualText`, so readers can search and copy it. Fonts are
//! read from Debian's `fonts-noto-core` at run time.

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Direction, Face, UnicodeBuffer};
use std::fmt::Write;
use unicode_bidi::{BidiInfo, Level};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN: f32 = 40.0;

/// Where the fonts are looked for, first match wins.
const FONT_DIRS: [&str; 2] = [
    "/usr/share/fonts/truetype/noto",
    "/usr/local/share/fonts/noto",
];

pub struct Fonts {
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
        "the PDF font {name} is missing: install the Debian package fonts-noto-core"
    ))
}

impl Fonts {
    pub fn load() -> Result<Self, String> {
        Ok(Self {
            latin: read_font("NotoSans-Regular.ttf")?,
            latin_bold: read_font("NotoSans-Bold.ttf")?,
            arabic: read_font("NotoNaskhArabic-Regular.ttf")?,
            arabic_bold: read_font("NotoNaskhArabic-Bold.ttf")?,
        })
    }

    fn face(&self, arabic: bool, bold: bool) -> Result<Face<'_>, String> {
        let bytes = match (arabic, bold) {
            (false, false) => &self.latin,
            (false, true) => &self.latin_bold,
            (true, false) => &self.arabic,
            (true, true) => &self.arabic_bold,
        };
        Face::from_slice(bytes, 0).ok_or_else(|| "a PDF font cannot be read".to_owned())
    }
}

/// How text is set: size in points, weight, and the paragraph direction.
#[derive(Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub rtl: bool,
}

/// Where lines go across the page: from `left`, `width` wide.
#[derive(Clone, Copy)]
pub struct Column {
    pub left: f32,
    pub width: f32,
    pub align: Align,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Centre,
    /// Left for a left-to-right paragraph, right for a right-to-left one.
    Start,
}

fn is_arabic(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
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
        self.curve_to(c1.0, c1.1, c2.0, c2.1, x, y);
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

/// One shaped run: its face, glyphs with their pen positions in points.
struct Run<'f> {
    face: Face<'f>,
    scale: f32,
    glyphs: Vec<(GlyphId, f32, f32)>,
    width: f32,
}

fn shape_run<'f>(fonts: &'f Fonts, text: &str, style: Style, rtl: bool) -> Result<Run<'f>, String> {
    let face = fonts.face(text.chars().any(is_arabic), style.bold)?;
    let scale = style.size / face.units_per_em().max(1) as f32;
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    let output = rustybuzz::shape(&face, &[], buffer);
    let mut pen = 0.0f32;
    let mut glyphs = Vec::with_capacity(output.len());
    for (info, position) in output.glyph_infos().iter().zip(output.glyph_positions()) {
        let id = u16::try_from(info.glyph_id).unwrap_or(0);
        glyphs.push((
            GlyphId(id),
            (pen + position.x_offset as f32) * scale,
            position.y_offset as f32 * scale,
        ));
        pen += position.x_advance as f32;
    }
    Ok(Run {
        face,
        scale,
        glyphs,
        width: pen * scale,
    })
}

/// One line shaped in visual order, left to right.
fn shape_line<'f>(fonts: &'f Fonts, line: &str, style: Style) -> Result<Vec<Run<'f>>, String> {
    let base = if style.rtl {
        Level::rtl()
    } else {
        Level::ltr()
    };
    let info = BidiInfo::new(line, Some(base));
    let mut runs = Vec::new();
    for paragraph in &info.paragraphs {
        let (levels, visual) = info.visual_runs(paragraph, paragraph.range.clone());
        for range in visual {
            let rtl = levels.get(range.start).is_some_and(|l| l.is_rtl());
            let text = line.get(range).unwrap_or_default();
            if !text.is_empty() {
                runs.push(shape_run(fonts, text, style, rtl)?);
            }
        }
    }
    Ok(runs)
}

fn line_width(fonts: &Fonts, line: &str, style: Style) -> Result<f32, String> {
    Ok(shape_line(fonts, line, style)?
        .iter()
        .map(|r| r.width)
        .sum())
}

/// Greedy wrapping on spaces, in logical order; explicit line breaks kept.
pub fn wrap(fonts: &Fonts, text: &str, style: Style, width: f32) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut current = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if !current.is_empty() && line_width(fonts, &candidate, style)? > width {
                lines.push(std::mem::replace(&mut current, word.to_owned()));
            } else {
                current = candidate;
            }
        }
        lines.push(current);
    }
    Ok(lines)
}

/// The text as a PDF UTF-16BE hex string.
fn utf16_hex(text: &str) -> String {
    let mut hex = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(hex, "{unit:04X}");
    }
    hex.push('>');
    hex
}

/// Draws one line with its baseline at `y`, within `left`..`left + width`.
pub fn draw_line(
    out: &mut String,
    fonts: &Fonts,
    line: &str,
    style: Style,
    column: Column,
    y: f32,
) -> Result<(), String> {
    let Column { left, width, align } = column;
    if line.trim().is_empty() {
        return Ok(());
    }
    let runs = shape_line(fonts, line, style)?;
    let total: f32 = runs.iter().map(|r| r.width).sum();
    let mut pen = match (align, style.rtl) {
        (Align::Centre, _) => left + (width - total) / 2.0,
        (Align::Start, false) => left,
        (Align::Start, true) => left + width - total,
    };
    let _ = writeln!(out, "/Span << /ActualText {} >> BDC", utf16_hex(line));
    for run in runs {
        for (glyph, x, dy) in &run.glyphs {
            let mut writer = PathWriter {
                out,
                scale: run.scale,
                x: pen + x,
                y: y + dy,
                last: (0.0, 0.0),
            };
            run.face.outline_glyph(*glyph, &mut writer);
        }
        pen += run.width;
    }
    out.push_str("f EMC\n");
    Ok(())
}

/// Draws `text` wrapped to `width` from baseline `y`; returns the baseline
/// below the last line.
pub fn draw_text(
    out: &mut String,
    fonts: &Fonts,
    text: &str,
    style: Style,
    column: Column,
    y: f32,
) -> Result<f32, String> {
    let mut baseline = y;
    for line in wrap(fonts, text, style, column.width)? {
        draw_line(out, fonts, &line, style, column, baseline)?;
        baseline -= style.size * 1.35;
    }
    Ok(baseline)
}

/// Text flowing down A4 pages within the margins, a new page when one is
/// full.
pub struct Flow<'f> {
    fonts: &'f Fonts,
    pages: Vec<String>,
    y: f32,
}

impl<'f> Flow<'f> {
    pub fn new(fonts: &'f Fonts) -> Self {
        Self {
            fonts,
            pages: vec![String::from("0 0 0 rg\n")],
            y: PAGE_H - MARGIN,
        }
    }

    /// A paragraph, wrapped, starting at the paragraph's own side.
    pub fn paragraph(&mut self, text: &str, style: Style) -> Result<(), String> {
        let width = PAGE_W - 2.0 * MARGIN;
        let line_height = style.size * 1.35;
        for line in wrap(self.fonts, text, style, width)? {
            if self.y - line_height < MARGIN {
                self.pages.push(String::from("0 0 0 rg\n"));
                self.y = PAGE_H - MARGIN;
            }
            self.y -= style.size;
            let out = self.pages.last_mut().ok_or("no PDF page")?;
            let column = Column {
                left: MARGIN,
                width,
                align: Align::Start,
            };
            draw_line(out, self.fonts, &line, style, column, self.y)?;
            self.y -= line_height - style.size;
        }
        Ok(())
    }

    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    pub fn into_pages(self) -> Vec<String> {
        self.pages
    }
}

/// A JPEG shown on the first page as the XObject `/Photo`.
pub struct Jpeg<'a> {
    pub bytes: &'a [u8],
    pub width: u16,
    pub height: u16,
}

impl<'a> Jpeg<'a> {
    /// Width and height from the SOF marker; `None` if not a JPEG.
    pub fn read(bytes: &'a [u8]) -> Option<Self> {
        let mut at = 2;
        while at + 9 < bytes.len() {
            if *bytes.get(at)? != 0xFF {
                return None;
            }
            let marker = *bytes.get(at + 1)?;
            let len = usize::from(*bytes.get(at + 2)?) << 8 | usize::from(*bytes.get(at + 3)?);
            if matches!(marker, 0xC0..=0xC2) {
                let height = u16::from(*bytes.get(at + 5)?) << 8 | u16::from(*bytes.get(at + 6)?);
                let width = u16::from(*bytes.get(at + 7)?) << 8 | u16::from(*bytes.get(at + 8)?);
                return Some(Self {
                    bytes,
                    width,
                    height,
                });
            }
            at += 2 + len;
        }
        None
    }
}

/// The document's title and language, for the reader's window and screen
/// readers.
pub struct Meta<'a> {
    pub title: &'a str,
    pub lang: &'a str,
}

/// Writes the objects and the cross-reference table: the catalog, the page
/// tree, each page with its content stream, then the image and the
/// document information.
pub fn assemble(pages: &[String], image: Option<&Jpeg<'_>>, meta: &Meta<'_>) -> Vec<u8> {
    let mut pdf: Vec<u8> = b"%PDF-1.5\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |pdf: &mut Vec<u8>, body: Vec<u8>| {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        pdf.extend_from_slice(&body);
        pdf.extend_from_slice(b"\nendobj\n");
    };
    let count = pages.len();
    let image_number = 3 + 2 * count;
    let info_number = image_number + usize::from(image.is_some());
    let lang: String = meta
        .lang
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    object(
        &mut pdf,
        format!("<< /Type /Catalog /Pages 2 0 R /Lang ({lang}) >>").into_bytes(),
    );
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 3 + 2 * i)).collect();
    object(
        &mut pdf,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {count} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    let resources = if image.is_some() {
        format!("<< /XObject << /Photo {image_number} 0 R >> >>")
    } else {
        "<< >>".to_owned()
    };
    for (i, content) in pages.iter().enumerate() {
        object(
            &mut pdf,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources {resources} /Contents {} 0 R >>",
                4 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content.as_bytes());
        stream.extend_from_slice(b"\nendstream");
        object(&mut pdf, stream);
    }
    if let Some(jpeg) = image {
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} \
             /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            jpeg.width,
            jpeg.height,
            jpeg.bytes.len()
        )
        .into_bytes();
        body.extend_from_slice(jpeg.bytes);
        body.extend_from_slice(b"\nendstream");
        object(&mut pdf, body);
    }
    object(
        &mut pdf,
        format!("<< /Title {} /Producer (retrace) >>", utf16_hex(meta.title)).into_bytes(),
    );
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in &offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R /Info {info_number} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    pdf.extend_from_slice(table.as_bytes());
    pdf
}

/// A section of a [`LabelledDocument`]: an optional heading, then each
/// label in bold above its value.
pub struct Section {
    pub heading: Option<String>,
    pub rows: Vec<(String, String)>,
}

/// A title, a subtitle and sections of labelled values, in one language
/// (a filled referral tool, a subject-access export).
pub struct LabelledDocument<'a> {
    pub lang: &'a str,
    pub rtl: bool,
    pub title: &'a str,
    pub subtitle: &'a str,
    pub sections: &'a [Section],
}

/// Draws a [`LabelledDocument`] on as many A4 pages as it needs.
pub fn labelled_document(doc: &LabelledDocument<'_>) -> Result<Vec<u8>, String> {
    let fonts = Fonts::load()?;
    let mut flow = Flow::new(&fonts);
    let style = |size: f32, bold: bool| Style {
        size,
        bold,
        rtl: doc.rtl,
    };
    flow.paragraph(doc.title, style(16.0, true))?;
    flow.paragraph(doc.subtitle, style(9.0, false))?;
    flow.space(12.0);
    for section in doc.sections {
        if let Some(heading) = &section.heading {
            flow.space(6.0);
            flow.paragraph(heading, style(13.0, true))?;
            flow.space(4.0);
        }
        for (label, value) in &section.rows {
            flow.paragraph(label, style(10.0, true))?;
            flow.paragraph(value, style(10.5, false))?;
            flow.space(8.0);
        }
    }
    let meta = Meta {
        title: doc.title,
        lang: doc.lang,
    };
    Ok(assemble(&flow.into_pages(), None, &meta))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actual_text_is_utf16_hex() {
        assert_eq!(utf16_hex("Aé"), "<FEFF004100E9>");
    }

    #[test]
    fn arabic_line_is_right_aligned_and_searchable() {
        let Ok(fonts) = Fonts::load() else {
            return; // fonts-noto-core not installed: nothing to draw with
        };
        let style = Style {
            size: 10.0,
            bold: false,
            rtl: true,
        };
        let mut out = String::new();
        let column = Column {
            left: 40.0,
            width: 500.0,
            align: Align::Start,
        };
        draw_line(&mut out, &fonts, "مرحبا 2026", style, column, 700.0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(out.contains(&utf16_hex("مرحبا 2026")));
        // The rightmost point drawn is near the right margin.
        let max_x = out
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(3)
            .filter(|w| w[2] == "m" || w[2] == "l")
            .filter_map(|w| w[0].parse::<f32>().ok())
            .fold(0.0f32, f32::max);
        assert!(max_x > 520.0 && max_x <= 541.0, "{max_x}");
        let pdf = assemble(
            &[out],
            None,
            &Meta {
                title: "t",
                lang: "ar",
            },
        );
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF\n"));
    }
}
