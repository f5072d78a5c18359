//! PDF written by hand, shared by the gallery poster and the filled
//! referral tools (see `docs/adr/0006-gallery-photos-and-posters.md` and
//! `docs/adr/0027-poster-text-and-confirmation.md`): text is shaped with
//! rustybuzz, split into bidirectional runs (`unicode-bidi`: Arabic joined
//! and laid out right to left, Latin words and digits inside it left to
//! right) and written as real text: each face used is embedded as a
//! Type0/CIDFontType2 font with `Identity-H`, subset to the glyphs drawn
//! (`subsetter`), the shaped glyph ids as character codes and a
//! `/ToUnicode` map from each glyph to the characters of the cluster it
//! came from. Each line is also a tagged paragraph carrying its text in
//! logical order as `/ActualText`, so readers search, copy and read aloud
//! Arabic in the order it was written. Fonts are read from Debian's
//! `fonts-noto-core` at run time.

use rustybuzz::ttf_parser::GlyphId;
use rustybuzz::{Direction, Face, UnicodeBuffer};
use std::collections::BTreeMap;
use std::fmt::Write;
use subsetter::GlyphRemapper;
use unicode_bidi::{BidiInfo, Level};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN: f32 = 40.0;

/// Where the fonts are looked for, first match wins.
const FONT_DIRS: [&str; 2] = [
    "/usr/share/fonts/truetype/noto",
    "/usr/local/share/fonts/noto",
];

/// The four faces, indexed by `face_index`: file and PostScript name.
const FACES: [(&str, &str); 4] = [
    ("NotoSans-Regular.ttf", "NotoSans-Regular"),
    ("NotoSans-Bold.ttf", "NotoSans-Bold"),
    ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Regular"),
    ("NotoNaskhArabic-Bold.ttf", "NotoNaskhArabic-Bold"),
];

pub struct Fonts {
    faces: [Vec<u8>; 4],
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

fn face_index(arabic: bool, bold: bool) -> usize {
    usize::from(arabic) * 2 + usize::from(bold)
}

impl Fonts {
    pub fn load() -> Result<Self, String> {
        Ok(Self {
            faces: [
                read_font(FACES[0].0)?,
                read_font(FACES[1].0)?,
                read_font(FACES[2].0)?,
                read_font(FACES[3].0)?,
            ],
        })
    }

    fn face(&self, index: usize) -> Result<Face<'_>, String> {
        let bytes = self.faces.get(index).ok_or("no such PDF font")?;
        Face::from_slice(bytes, 0).ok_or_else(|| "a PDF font cannot be read".to_owned())
    }
}

/// The glyphs one face has drawn so far: their ids in the subset, and the
/// characters each stands for.
#[derive(Default)]
struct Used {
    remapper: Option<GlyphRemapper>,
    /// Subset glyph id → the characters of the cluster it was drawn for.
    text: BTreeMap<u16, String>,
}

/// The text written into a document so far: which glyphs of which face,
/// and the tagged paragraphs (one per line) for the structure tree.
pub struct TextLayer<'f> {
    fonts: &'f Fonts,
    used: [Used; 4],
    /// Per page (by index in the page list given to `assemble`), how many
    /// marked paragraphs it holds, numbered 0.. in content order.
    marked: Vec<usize>,
}

impl<'f> TextLayer<'f> {
    pub fn new(fonts: &'f Fonts) -> Self {
        Self {
            fonts,
            used: Default::default(),
            marked: Vec::new(),
        }
    }

    /// The subset glyph id for `glyph` of face `face`, remembering the
    /// characters it stands for (the first cluster seen wins).
    fn glyph(&mut self, face: usize, glyph: GlyphId, text: Option<&str>) -> u16 {
        let Some(used) = self.used.get_mut(face) else {
            return 0;
        };
        let new = used
            .remapper
            .get_or_insert_with(GlyphRemapper::new)
            .remap(glyph.0);
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            used.text.entry(new).or_insert_with(|| text.to_owned());
        }
        new
    }

    /// The next marked-content id on page `page`.
    fn next_mcid(&mut self, page: usize) -> usize {
        if self.marked.len() <= page {
            self.marked.resize(page + 1, 0);
        }
        let slot = &mut self.marked[page];
        *slot += 1;
        *slot - 1
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

/// One shaped glyph: its id in the font, its place from the run's start in
/// points, and the characters of its cluster (for the first glyph drawn
/// of a cluster; `None` for the other glyphs of the same cluster).
struct Glyph {
    id: GlyphId,
    x: f32,
    y: f32,
    text: Option<String>,
}

/// One shaped run: its face, glyphs with their pen positions in points.
struct Run<'f> {
    face_index: usize,
    face: Face<'f>,
    scale: f32,
    glyphs: Vec<Glyph>,
    width: f32,
}

fn shape_run<'f>(fonts: &'f Fonts, text: &str, style: Style, rtl: bool) -> Result<Run<'f>, String> {
    let face_index = face_index(text.chars().any(is_arabic), style.bold);
    let face = fonts.face(face_index)?;
    let scale = style.size / face.units_per_em().max(1) as f32;
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    let output = rustybuzz::shape(&face, &[], buffer);
    // Clusters are byte offsets into `text`; each runs to the next one.
    let mut starts: Vec<usize> = output
        .glyph_infos()
        .iter()
        .map(|i| i.cluster as usize)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let cluster_text = |start: usize| {
        let end = starts
            .iter()
            .find(|s| **s > start)
            .copied()
            .unwrap_or(text.len());
        text.get(start..end).unwrap_or_default().to_owned()
    };
    let mut seen = std::collections::HashSet::new();
    let mut pen = 0.0f32;
    let mut glyphs = Vec::with_capacity(output.len());
    for (info, position) in output.glyph_infos().iter().zip(output.glyph_positions()) {
        let id = u16::try_from(info.glyph_id).unwrap_or(0);
        let cluster = info.cluster as usize;
        glyphs.push(Glyph {
            id: GlyphId(id),
            x: (pen + position.x_offset as f32) * scale,
            y: position.y_offset as f32 * scale,
            text: seen.insert(cluster).then(|| cluster_text(cluster)),
        });
        pen += position.x_advance as f32;
    }
    Ok(Run {
        face_index,
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

/// Writes one run's glyphs as a text object: the subset glyph ids as
/// two-byte codes in `TJ` arrays, the gaps between the font's own advances
/// and the shaped positions as adjustments, a new text matrix wherever a
/// glyph sits off the baseline (Arabic marks).
fn write_run(
    out: &mut String,
    layer: &mut TextLayer<'_>,
    run: &Run<'_>,
    size: f32,
    pen: f32,
    y: f32,
) {
    let _ = write!(out, "BT /F{} {size:.2} Tf ", run.face_index);
    let mut line: Option<(f32, f32)> = None; // (y of the open TJ array, where the next glyph would fall)
    for glyph in &run.glyphs {
        let gx = pen + glyph.x;
        let gy = y + glyph.y;
        let code = layer.glyph(run.face_index, glyph.id, glyph.text.as_deref());
        match line {
            Some((ly, next)) if (ly - gy).abs() < 0.005 => {
                let gap = gx - next;
                if gap.abs() > 0.005 {
                    let _ = write!(out, "{:.1}", -gap * 1000.0 / size);
                }
            }
            _ => {
                if line.is_some() {
                    out.push_str("] TJ ");
                }
                let _ = write!(out, "1 0 0 1 {gx:.2} {gy:.2} Tm [");
            }
        }
        let _ = write!(out, "<{code:04X}>");
        let advance = f32::from(run.face.glyph_hor_advance(glyph.id).unwrap_or(0));
        line = Some((gy, gx + advance * run.scale));
    }
    if line.is_some() {
        out.push_str("] TJ ");
    }
    out.push_str("ET\n");
}

/// Draws one line with its baseline at `y`, within `left`..`left + width`,
/// on page `page` (index in the page list given to `assemble`).
pub fn draw_line(
    out: &mut String,
    layer: &mut TextLayer<'_>,
    page: usize,
    line: &str,
    style: Style,
    column: Column,
    y: f32,
) -> Result<(), String> {
    let Column { left, width, align } = column;
    if line.trim().is_empty() {
        return Ok(());
    }
    let runs = shape_line(layer.fonts, line, style)?;
    let total: f32 = runs.iter().map(|r| r.width).sum();
    let mut pen = match (align, style.rtl) {
        (Align::Centre, _) => left + (width - total) / 2.0,
        (Align::Start, false) => left,
        (Align::Start, true) => left + width - total,
    };
    let mcid = layer.next_mcid(page);
    let _ = writeln!(
        out,
        "/P << /MCID {mcid} /ActualText {} >> BDC",
        utf16_hex(line)
    );
    for run in &runs {
        write_run(out, layer, run, style.size, pen, y);
        pen += run.width;
    }
    out.push_str("EMC\n");
    Ok(())
}

/// Draws `text` wrapped to `width` from baseline `y` on page `page`;
/// returns the baseline below the last line.
pub fn draw_text(
    out: &mut String,
    layer: &mut TextLayer<'_>,
    page: usize,
    text: &str,
    style: Style,
    column: Column,
    y: f32,
) -> Result<f32, String> {
    let mut baseline = y;
    for line in wrap(layer.fonts, text, style, column.width)? {
        draw_line(out, layer, page, &line, style, column, baseline)?;
        baseline -= style.size * 1.35;
    }
    Ok(baseline)
}

/// Text flowing down A4 pages within the margins, a new page when one is
/// full.
pub struct Flow<'f> {
    layer: TextLayer<'f>,
    pages: Vec<String>,
    y: f32,
}

impl<'f> Flow<'f> {
    pub fn new(fonts: &'f Fonts) -> Self {
        Self {
            layer: TextLayer::new(fonts),
            pages: vec![String::from("0 0 0 rg\n")],
            y: PAGE_H - MARGIN,
        }
    }

    /// A paragraph, wrapped, starting at the paragraph's own side.
    pub fn paragraph(&mut self, text: &str, style: Style) -> Result<(), String> {
        let width = PAGE_W - 2.0 * MARGIN;
        let line_height = style.size * 1.35;
        for line in wrap(self.layer.fonts, text, style, width)? {
            if self.y - line_height < MARGIN {
                self.pages.push(String::from("0 0 0 rg\n"));
                self.y = PAGE_H - MARGIN;
            }
            self.y -= style.size;
            let page = self.pages.len() - 1;
            let out = self.pages.last_mut().ok_or("no PDF page")?;
            let column = Column {
                left: MARGIN,
                width,
                align: Align::Start,
            };
            draw_line(out, &mut self.layer, page, &line, style, column, self.y)?;
            self.y -= line_height - style.size;
        }
        Ok(())
    }

    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    /// A filled horizontal bar, `fraction` of the text width long, from
    /// the line's start side (the right in right-to-left text), marked as
    /// an artifact: its value is written as text beside it.
    pub fn bar(&mut self, fraction: f32, rtl: bool) -> Result<(), String> {
        use std::fmt::Write as _;
        const HEIGHT: f32 = 7.0;
        let width = (PAGE_W - 2.0 * MARGIN) * fraction.clamp(0.0, 1.0);
        if self.y - HEIGHT - 4.0 < MARGIN {
            self.pages.push(String::from("0 0 0 rg\n"));
            self.y = PAGE_H - MARGIN;
        }
        self.y -= HEIGHT;
        let left = if rtl { PAGE_W - MARGIN - width } else { MARGIN };
        let out = self.pages.last_mut().ok_or("no PDF page")?;
        let _ = writeln!(
            out,
            "/Artifact BMC q 0.16 0.38 0.64 rg {left:.2} {:.2} {width:.2} {HEIGHT:.2} re f Q EMC",
            self.y
        );
        self.y -= 4.0;
        Ok(())
    }

    pub fn into_parts(self) -> (Vec<String>, TextLayer<'f>) {
        (self.pages, self.layer)
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

/// The numbered objects of a document, written in number order.
#[derive(Default)]
struct Objects {
    bodies: Vec<Vec<u8>>,
}

impl Objects {
    /// A number for an object written later with `set`.
    fn reserve(&mut self) -> usize {
        self.bodies.push(b"null".to_vec());
        self.bodies.len()
    }

    fn set(&mut self, number: usize, body: Vec<u8>) {
        if let Some(slot) = number.checked_sub(1).and_then(|i| self.bodies.get_mut(i)) {
            *slot = body;
        }
    }

    fn add(&mut self, body: Vec<u8>) -> usize {
        let number = self.reserve();
        self.set(number, body);
        number
    }
}

fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< /Length {}{extra} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

/// The `/ToUnicode` CMap: each subset glyph id to its characters.
fn to_unicode(text: &BTreeMap<u16, String>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<_> = text.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (glyph, chars) in chunk {
            let hex: String = chars.encode_utf16().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(cmap, "<{glyph:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

/// Embeds one face, subset to the glyphs drawn: the Type0 font (returned),
/// its CIDFontType2 descendant, the descriptor, the font file and the
/// `/ToUnicode` map.
fn embed_font(
    objects: &mut Objects,
    bytes: &[u8],
    name: &str,
    used: &Used,
    remapper: &GlyphRemapper,
) -> Result<usize, String> {
    use sha2::{Digest, Sha256};
    let face = Face::from_slice(bytes, 0).ok_or("a PDF font cannot be read")?;
    let subset = subsetter::subset(bytes, 0, remapper)
        .map_err(|e| format!("the PDF font {name} cannot be subset: {e}"))?;
    // The subset tag: six capitals derived from the subset itself.
    let tag: String = Sha256::digest(&subset)
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let base = format!("/{tag}+{name}");
    let per_unit = 1000.0 / face.units_per_em().max(1) as f32;
    let units = |v: f32| (v * per_unit).round() as i32;
    let widths: Vec<String> = remapper
        .remapped_gids()
        .map(|old| units(f32::from(face.glyph_hor_advance(GlyphId(old)).unwrap_or(0))).to_string())
        .collect();
    let bbox = face.global_bounding_box();
    let file = objects.add(stream(&format!(" /Length1 {}", subset.len()), &subset));
    let descriptor = objects.add(
        format!(
            "<< /Type /FontDescriptor /FontName {base} /Flags 4 \
             /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} \
             /CapHeight {} /StemV 80 /FontFile2 {file} 0 R >>",
            units(f32::from(bbox.x_min)),
            units(f32::from(bbox.y_min)),
            units(f32::from(bbox.x_max)),
            units(f32::from(bbox.y_max)),
            units(f32::from(face.ascender())),
            units(f32::from(face.descender())),
            units(f32::from(face.capital_height().unwrap_or(face.ascender()))),
        )
        .into_bytes(),
    );
    let cid_font = objects.add(
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont {base} \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor {descriptor} 0 R /CIDToGIDMap /Identity /W [0 [{}]] >>",
            widths.join(" ")
        )
        .into_bytes(),
    );
    let cmap = objects.add(stream("", to_unicode(&used.text).as_bytes()));
    Ok(objects.add(
        format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont {base} /Encoding /Identity-H \
             /DescendantFonts [{cid_font} 0 R] /ToUnicode {cmap} 0 R >>"
        )
        .into_bytes(),
    ))
}

/// Writes the objects and the cross-reference table: the catalog, the page
/// tree, each page with its content stream, the image, the subset fonts,
/// the structure tree (one paragraph per line of text) and the document
/// information.
pub fn assemble(
    pages: &[String],
    layer: &TextLayer<'_>,
    image: Option<&Jpeg<'_>>,
    meta: &Meta<'_>,
) -> Result<Vec<u8>, String> {
    let mut objects = Objects::default();
    let catalog = objects.reserve();
    let tree = objects.reserve();
    let struct_root = objects.reserve();
    let document = objects.reserve();
    let page_numbers: Vec<usize> = pages.iter().map(|_| objects.reserve()).collect();
    let mut font_refs = String::new();
    for (index, used) in layer.used.iter().enumerate() {
        let (Some(remapper), Some(bytes), Some((_, name))) = (
            used.remapper.as_ref(),
            layer.fonts.faces.get(index),
            FACES.get(index),
        ) else {
            continue;
        };
        let font = embed_font(&mut objects, bytes, name, used, remapper)?;
        let _ = write!(font_refs, "/F{index} {font} 0 R ");
    }
    let mut resources = format!("<< /Font << {font_refs}>>");
    if let Some(jpeg) = image {
        let photo = objects.add(stream(
            &format!(
                " /Type /XObject /Subtype /Image /Width {} /Height {} \
                 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode",
                jpeg.width, jpeg.height
            ),
            jpeg.bytes,
        ));
        let _ = write!(resources, " /XObject << /Photo {photo} 0 R >>");
    }
    resources.push_str(" >>");
    // The structure tree: each marked line a paragraph of the document.
    let mut paragraphs = Vec::new();
    let mut parent_tree = String::new();
    for (index, page) in page_numbers.iter().enumerate() {
        let count = layer.marked.get(index).copied().unwrap_or(0);
        let mut on_page = Vec::with_capacity(count);
        for mcid in 0..count {
            let p = objects.add(
                format!("<< /Type /StructElem /S /P /P {document} 0 R /Pg {page} 0 R /K {mcid} >>")
                    .into_bytes(),
            );
            on_page.push(format!("{p} 0 R"));
        }
        let _ = write!(parent_tree, "{index} [{}] ", on_page.join(" "));
        paragraphs.extend(on_page);
    }
    for (index, (page, content)) in page_numbers.iter().zip(pages).enumerate() {
        let contents = objects.add(stream("", content.as_bytes()));
        objects.set(
            *page,
            format!(
                "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources {resources} /Contents {contents} 0 R /StructParents {index} >>"
            )
            .into_bytes(),
        );
    }
    let lang: String = meta
        .lang
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let info = objects
        .add(format!("<< /Title {} /Producer (retrace) >>", utf16_hex(meta.title)).into_bytes());
    objects.set(
        catalog,
        format!(
            "<< /Type /Catalog /Pages {tree} 0 R /Lang ({lang}) /MarkInfo << /Marked true >> \
             /StructTreeRoot {struct_root} 0 R /ViewerPreferences << /DisplayDocTitle true >> >>"
        )
        .into_bytes(),
    );
    let kids: Vec<String> = page_numbers.iter().map(|n| format!("{n} 0 R")).collect();
    objects.set(
        tree,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.set(
        struct_root,
        format!(
            "<< /Type /StructTreeRoot /K [{document} 0 R] /ParentTree << /Nums [{parent_tree}] >> \
             /ParentTreeNextKey {} >>",
            pages.len()
        )
        .into_bytes(),
    );
    objects.set(
        document,
        format!(
            "<< /Type /StructElem /S /Document /P {struct_root} 0 R /K [{}] >>",
            paragraphs.join(" ")
        )
        .into_bytes(),
    );

    let mut pdf: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.bodies.len());
    for (index, body) in objects.bodies.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in &offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root {catalog} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    pdf.extend_from_slice(table.as_bytes());
    Ok(pdf)
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
    let (pages, layer) = flow.into_parts();
    assemble(&pages, &layer, None, &meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actual_text_is_utf16_hex() {
        assert_eq!(utf16_hex("Aé"), "<FEFF004100E9>");
    }

    #[test]
    fn arabic_line_is_right_aligned_and_mapped_to_its_characters() {
        let Ok(fonts) = Fonts::load() else {
            return; // fonts-noto-core not installed: nothing to draw with
        };
        let style = Style {
            size: 10.0,
            bold: false,
            rtl: true,
        };
        let mut layer = TextLayer::new(&fonts);
        let mut out = String::new();
        let column = Column {
            left: 40.0,
            width: 500.0,
            align: Align::Start,
        };
        draw_line(&mut out, &mut layer, 0, "مرحبا 2026", style, column, 700.0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(out.contains(&utf16_hex("مرحبا 2026")));
        assert!(out.contains("/P << /MCID 0 "));
        // The line starts far enough right for it to end at the right
        // margin; each face maps its glyphs back to the characters: the
        // letters in the Arabic face, the digits (their own run) in the
        // Latin one.
        let first_x = out
            .split("Tm")
            .next()
            .and_then(|s| s.split_whitespace().rev().nth(1))
            .and_then(|x| x.parse::<f32>().ok())
            .unwrap_or_default();
        assert!(first_x > 400.0 && first_x < 540.0, "{first_x}");
        let mapped = |arabic: bool| -> String {
            layer.used[face_index(arabic, false)]
                .text
                .values()
                .cloned()
                .collect()
        };
        for letter in ['م', 'ر', 'ح', 'ب', 'ا'] {
            assert!(
                mapped(true).contains(letter),
                "{letter} in {}",
                mapped(true)
            );
        }
        for digit in ['2', '0', '6'] {
            assert!(
                mapped(false).contains(digit),
                "{digit} in {}",
                mapped(false)
            );
        }
        let pdf = assemble(
            &[out],
            &layer,
            None,
            &Meta {
                title: "t",
                lang: "ar",
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        for marker in [
            "/CIDFontType2",
            "/Identity-H",
            "/ToUnicode",
            "/FontFile2",
            "/StructTreeRoot",
        ] {
            assert!(text.contains(marker), "{marker}");
        }
        // Subset: far smaller than the whole font file.
        let whole = fonts.faces[face_index(true, false)].len();
        assert!(pdf.len() * 10 < whole, "{} of {whole}", pdf.len());
    }
}
