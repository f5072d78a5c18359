//! A filled referral tool as an A4 PDF: the tool's title, the referral and
//! when it was filled, then each field's label and value in the page's
//! language (Arabic right to left), written as real text by the shared
//! writer in `crate::pdf`.

use crate::pdf::{Flow, Fonts, Meta, Style, assemble};

pub struct ToolDocument {
    pub lang: &'static str,
    pub rtl: bool,
    pub title: String,
    /// "Referral 1a2b3c4d · 2026-12-03 08:00 UTC".
    pub subtitle: String,
    /// (label, value) in the tool's field order.
    pub rows: Vec<(String, String)>,
}

pub fn render(doc: &ToolDocument) -> Result<Vec<u8>, String> {
    let fonts = Fonts::load()?;
    let mut flow = Flow::new(&fonts);
    let style = |size: f32, bold: bool| Style {
        size,
        bold,
        rtl: doc.rtl,
    };
    flow.paragraph(&doc.title, style(16.0, true))?;
    flow.paragraph(&doc.subtitle, style(9.0, false))?;
    flow.space(12.0);
    for (label, value) in &doc.rows {
        flow.paragraph(label, style(10.0, true))?;
        flow.paragraph(value, style(10.5, false))?;
        flow.space(8.0);
    }
    let meta = Meta {
        title: &doc.title,
        lang: doc.lang,
    };
    let (pages, layer) = flow.into_parts();
    assemble(&pages, &layer, None, &meta)
}
