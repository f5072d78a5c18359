//! The filters of the lists of sought persons, gallery entries and
//! visitors' reports (issue 15, item 7), read from a page's query like the
//! request and registration lists': a search in the text and by name in any
//! script (the matching index, cut to the reader's organisation), filters,
//! an order and a page of `PAGE_SIZE`.

use crate::requests::{
    PAGE_SIZE, STATUS_CODES, flag_filter, list_order, search_terms, to_review, unknown_code,
};
use crate::{Actor, App, AppResult, Collect};
use retrace_domain::{EntryStatus, ReportStatus};
use retrace_store::{EntryFilter, GalleryListFilter, ReportFilter, ReportState, SoughtFilter};
use serde::Deserialize;

/// The query of the list of sought persons.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SoughtQuery {
    /// Text in a name or the request's reference.
    #[serde(default)]
    pub q: String,
    /// A name in any script or spelling, searched by the matching index.
    #[serde(default)]
    pub name: String,
    /// The request's status code.
    #[serde(default)]
    pub status: String,
    /// `minor` or `at_risk`.
    #[serde(default)]
    pub flag: String,
    /// `1`: only persons with a candidate.
    #[serde(default)]
    pub candidates: String,
    /// `1`: only persons with a candidate to review.
    #[serde(default)]
    pub review: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<u32>,
}

/// The query of the staff lists of gallery entries and of the public's
/// reports.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct GalleryListQuery {
    /// Text in the reference or a name of the request's persons.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub name: String,
    /// Entries: `published` or `awaiting_approval`; reports: `handled`
    /// (any but new) or a report status code.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub flag: String,
    #[serde(default)]
    pub candidates: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<u32>,
}

/// `1` asks for lines with a candidate.
fn with_candidates(value: &str) -> AppResult<bool> {
    to_review(value).map_err(|_| unknown_code("candidates", value))
}

fn offset(page: Option<u32>) -> u32 {
    (page.unwrap_or(1).max(1) - 1).saturating_mul(PAGE_SIZE)
}

/// The store filter of the list of sought persons. A name search finds
/// only the actor's organisation's persons.
pub fn sought_filter(app: &App, actor: &Actor, query: &SoughtQuery) -> AppResult<SoughtFilter> {
    actor.require_reader()?;
    // Every filter that cannot be read is named at once.
    let mut errors = Collect::default();
    let terms = errors.take(search_terms(&query.q, &query.name))?;
    let status = errors.take(match query.status.trim() {
        "" => Ok(None),
        code if STATUS_CODES.contains(&code) => Ok(Some(code.to_owned())),
        code => Err(unknown_code("status", code)),
    })?;
    let flag = errors.take(flag_filter(&query.flag))?;
    let with_candidates = errors.take(with_candidates(&query.candidates))?;
    let to_review = errors.take(to_review(&query.review))?;
    let order = errors.take(list_order(&query.sort))?;
    errors.done(|| {
        let (text, name) = terms?;
        Some(SoughtFilter {
            text,
            only: name.map(|name| app.matching().search_names(actor.org(), name, 500)),
            status: status?,
            flag: flag?,
            with_candidates: with_candidates?,
            to_review: to_review?,
            order: order?,
            limit: PAGE_SIZE,
            offset: offset(query.page),
        })
    })
}

/// The store filter of a Trace the Face list, its state read by `state`
/// from a non-empty `status`.
fn gallery_filter<S>(
    app: &App,
    actor: &Actor,
    query: &GalleryListQuery,
    state: impl Fn(&str) -> Option<S>,
) -> AppResult<GalleryListFilter<S>> {
    actor.require_reader()?;
    // Every filter that cannot be read is named at once.
    let mut errors = Collect::default();
    let terms = errors.take(search_terms(&query.q, &query.name))?;
    let state = errors.take(match query.status.trim() {
        "" => Ok(None),
        code => state(code)
            .map(Some)
            .ok_or_else(|| unknown_code("status", code)),
    })?;
    let flag = errors.take(flag_filter(&query.flag))?;
    let with_candidates = errors.take(with_candidates(&query.candidates))?;
    let order = errors.take(list_order(&query.sort))?;
    errors.done(|| {
        let (text, name) = terms?;
        Some(GalleryListFilter {
            text,
            only: name.map(|name| app.matching().search_requests(actor.org(), name, 500)),
            state: state?,
            flag: flag?,
            with_candidates: with_candidates?,
            order: order?,
            limit: PAGE_SIZE,
            offset: offset(query.page),
        })
    })
}

/// The store filter of the staff list of gallery entries.
pub fn entry_filter(app: &App, actor: &Actor, query: &GalleryListQuery) -> AppResult<EntryFilter> {
    gallery_filter(app, actor, query, |code| EntryStatus::parse(code).ok())
}

/// The store filter of the list of the public's reports.
pub fn report_filter(
    app: &App,
    actor: &Actor,
    query: &GalleryListQuery,
) -> AppResult<ReportFilter> {
    gallery_filter(app, actor, query, |code| match code {
        "handled" => Some(ReportState::Handled),
        code => ReportStatus::parse(code).ok().map(ReportState::Is),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AppError;

    #[test]
    fn a_report_state_is_handled_or_a_status_and_unknown_codes_are_named() {
        assert!(with_candidates("1").unwrap_or(false));
        assert!(!with_candidates("").unwrap_or(true));
        match with_candidates("yes") {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "candidates"),
            other => panic!("{other:?}"),
        }
        assert_eq!(offset(None), 0);
        assert_eq!(offset(Some(0)), 0);
        assert_eq!(offset(Some(3)), 2 * PAGE_SIZE);
    }
}
