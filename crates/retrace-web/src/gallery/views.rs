//! Trace the Face page templates. The public ones receive only public
//! fields: there is no field through which a name, place or date could
//! reach them.

use super::poster::Poster;
use crate::i18n::Lang;
use crate::page::Page;
use askama::Template;
use retrace_domain::Relationship;

/// "Looking for: brother, mother" in the page's language.
pub fn looking_for(lang: Lang, relationships: &[Relationship]) -> String {
    let separator = if lang == Lang::Ar { "، " } else { ", " };
    let names: Vec<String> = relationships
        .iter()
        .map(|r| {
            lang.t(&format!("relationship-{}", r.as_str().replace('_', "-")))
                .to_lowercase()
        })
        .collect();
    format!(
        "{} {}",
        lang.t("gallery-looking-for"),
        names.join(separator)
    )
}

pub struct GalleryCard {
    pub reference: String,
    pub looking_for: String,
    pub region: String,
    pub thumbnail: String,
}

#[derive(Template)]
#[template(path = "gallery.html")]
pub struct GalleryPage<'a> {
    pub page: &'a Page,
    pub cards: Vec<GalleryCard>,
    pub total: u64,
    pub relationship: &'static str,
    pub region: &'static str,
    pub relationships: Vec<(&'static str, String)>,
    pub regions: Vec<(&'static str, String)>,
    pub number: usize,
    pub pages: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "gallery_entry.html")]
pub struct GalleryEntryPage<'a> {
    pub page: &'a Page,
    /// The responsible organisation and its public contact lines.
    pub organisation: String,
    pub contact: Vec<String>,
    pub reference: String,
    pub looking_for: String,
    pub region: String,
    pub photo: String,
    pub stamp: String,
    pub languages: Vec<(&'static str, &'static str, bool)>,
    /// What was typed in the report form, and its errors.
    pub values: crate::form_values::FormValues,
}

#[derive(Template)]
#[template(path = "gallery_thanks.html")]
pub struct GalleryThanks<'a> {
    pub page: &'a Page,
}

#[derive(Template)]
#[template(path = "gallery_form.html")]
pub struct GalleryForm<'a> {
    pub page: &'a Page,
    pub request: String,
    pub relationships: Vec<(&'static str, String, bool)>,
    pub regions: Vec<(&'static str, String)>,
    pub region: String,
    /// The errors of a refused publication (the values are above: a
    /// file cannot be filled in again).
    pub values: crate::form_values::FormValues,
}

pub struct StaffEntryRow {
    pub id: String,
    pub reference: String,
    pub enquirer: String,
    pub looking_for: String,
    pub status: &'static str,
    pub line: crate::templates::LineFlags,
    pub created: String,
}

#[derive(Template)]
#[template(path = "gallery_staff.html")]
pub struct StaffGalleryPage<'a> {
    pub page: &'a Page,
    pub rows: Vec<StaffEntryRow>,
    pub total: u64,
    pub pager: crate::templates::Pager,
    pub values: crate::templates::FormValues,
}

#[derive(Template)]
#[template(path = "gallery_staff_entry.html")]
pub struct StaffEntryPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub request: String,
    pub reference: String,
    pub looking_for: String,
    pub region: String,
    pub status: &'static str,
    pub created: String,
    pub can_write: bool,
    pub can_approve: bool,
    pub public_link: Option<String>,
    pub languages: Vec<(&'static str, &'static str)>,
    /// The errors of a refused takedown (its box not ticked).
    pub values: crate::form_values::FormValues,
}

pub struct ReportRow {
    pub id: String,
    pub reference: String,
    pub enquirer: String,
    pub status: &'static str,
    pub line: crate::templates::LineFlags,
    pub received: String,
    pub language: String,
}

#[derive(Template)]
#[template(path = "gallery_reports.html")]
pub struct ReportsPage<'a> {
    pub page: &'a Page,
    pub rows: Vec<ReportRow>,
    pub total: u64,
    pub pager: crate::templates::Pager,
    pub values: crate::templates::FormValues,
    pub statuses: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "gallery_report.html")]
pub struct ReportPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub reference: String,
    pub request: String,
    pub entry: Option<String>,
    pub message: String,
    pub contact: String,
    pub language: String,
    pub status: &'static str,
    pub received: String,
    pub statuses: Vec<&'static str>,
    pub can_write: bool,
    /// The error of a refused status change.
    pub values: crate::form_values::FormValues,
}

#[derive(Template)]
#[template(path = "poster.html")]
pub struct PosterPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub poster: Poster,
}
