//! A filled referral tool as an A4 PDF: the tool's title, the referral and
//! when it was filled, then each field's label and value in the page's
//! language (Arabic right to left), written as real text by the shared writer in
//! `crate::pdf`.

use crate::pdf::{LabelledDocument, Section, labelled_document};

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
    let section = Section {
        heading: None,
        rows: doc.rows.clone(),
    };
    labelled_document(&LabelledDocument {
        lang: doc.lang,
        rtl: doc.rtl,
        title: &doc.title,
        subtitle: &doc.subtitle,
        sections: std::slice::from_ref(&section),
    })
}
