//! Pages of issue 16 (retention, erasure, subject access): their templates.

use crate::page::Page;
use askama::Template;

/// What an erasure removed, as the confirmation page shows it.
pub struct ErasedSummary {
    pub persons: usize,
    pub request: bool,
    pub candidates: usize,
    pub files: usize,
}

/// The organisation administrator's erasure of a person: the confirmation
/// form, then what was erased.
#[derive(Template)]
#[template(path = "privacy_erase.html")]
pub struct ErasePage<'a> {
    pub page: &'a Page,
    pub id: String,
    /// The person's primary name, while there is still a person.
    pub name: String,
    pub enquirer: bool,
    /// The errors of a refused erasure.
    pub values: crate::form_values::FormValues,
    pub done: Option<ErasedSummary>,
}

/// A link to the subject-access PDF in one language.
pub struct PdfLink {
    pub code: &'static str,
    pub name: &'static str,
}

/// The organisation administrator's subject-access page: the person and
/// the links to the JSON and PDF downloads.
#[derive(Template)]
#[template(path = "subject_access.html")]
pub struct SubjectAccessPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub name: String,
    pub pdfs: Vec<PdfLink>,
}

/// One kind of record on the retention page.
pub struct RetentionRow {
    /// The kind's code (`closed_requests`), the form's `kind`.
    pub kind: &'static str,
    /// Its locale key (`retention-kind-closed-requests`).
    pub label: String,
    pub days: u32,
    pub min_days: u32,
    pub max_days: u32,
    pub default_days: u32,
}

/// The organisation administrator's retention periods, one form per kind.
#[derive(Template)]
#[template(path = "retention.html")]
pub struct RetentionPage<'a> {
    pub page: &'a Page,
    pub rows: Vec<RetentionRow>,
    /// The period typed in a refused row (`kind`, `days`) and its errors.
    pub values: crate::form_values::FormValues,
    pub saved: bool,
}

impl RetentionPage<'_> {
    /// The period control of a row: `days-{kind}`.
    pub fn control(&self, kind: &str) -> String {
        format!("days-{kind}")
    }
}
