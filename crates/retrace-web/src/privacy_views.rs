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
    pub error: Option<String>,
    pub done: Option<ErasedSummary>,
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
    pub error: Option<String>,
    pub saved: bool,
}
