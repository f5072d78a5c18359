//! The lists of sought persons, of gallery entries and of visitors'
//! reports (issue 15, item 7): search, filters, an order ending on the id
//! and pages, with the candidate counts and protection flags of each line.
//! Like the request and registration lists, each is one filter written
//! once and read through a method that audits the read.

use crate::{
    AuditContext, CandidateCounts, FlagFilter, GalleryEntry, InformationReport, ListOrder,
    OrgScope, StoreResult, StoredPerson,
};
use async_trait::async_trait;
use retrace_domain::{
    CaseReference, EntryStatus, PersonId, ReportStatus, RequestId, RequestStatus,
};

/// Filters of the list of sought persons (of every request of the
/// organisation); all optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoughtFilter {
    /// Case-insensitive substring of a name of the person or of the
    /// reference of its request.
    pub text: Option<String>,
    /// Only these persons (the result of a name search by the matcher).
    pub only: Option<Vec<PersonId>>,
    /// The status code of the person's request (`open`, `closed`, …).
    pub status: Option<String>,
    /// Only persons so flagged.
    pub flag: Option<FlagFilter>,
    /// Only persons with at least one candidate.
    pub with_candidates: bool,
    /// Only persons with at least one candidate to review.
    pub to_review: bool,
    /// `Alphabetical` orders by name.
    pub order: ListOrder,
    pub limit: u32,
    pub offset: u32,
}

/// One line of the list of sought persons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoughtSummary {
    pub person: StoredPerson,
    pub request: RequestId,
    pub reference: CaseReference,
    pub status: RequestStatus,
    /// The person's candidates, on the organisation's side.
    pub candidates: CandidateCounts,
}

/// What a list line of the gallery or of the reports says of the request
/// behind it: its enquirer, flags and candidates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestLine {
    pub enquirer_name: String,
    /// Some person of the request is a minor / at risk.
    pub minor: bool,
    pub at_risk: bool,
    /// Candidates of the request's persons, on the organisation's side.
    pub candidates: CandidateCounts,
}

/// Filters of the staff lists of Trace the Face, by the state `S` of a
/// line: gallery entries (`EntryStatus`) and the public's reports
/// (`ReportState`). All optional, combined with AND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryListFilter<S> {
    /// Case-insensitive substring of the entry's reference (as stored or as
    /// shown, with its dash) or of a name of a person of its request.
    pub text: Option<String>,
    /// Only lines about these requests (a name search by the matcher).
    pub only: Option<Vec<RequestId>>,
    pub state: Option<S>,
    /// Only lines whose request has a person so flagged.
    pub flag: Option<FlagFilter>,
    /// Only lines whose request has a candidate.
    pub with_candidates: bool,
    /// `Updated` orders by publication (entries) or review (reports),
    /// `Alphabetical` by reference.
    pub order: ListOrder,
    pub limit: u32,
    pub offset: u32,
}

impl<S> Default for GalleryListFilter<S> {
    fn default() -> Self {
        Self {
            text: None,
            only: None,
            state: None,
            flag: None,
            with_candidates: false,
            order: ListOrder::default(),
            limit: 0,
            offset: 0,
        }
    }
}

pub type EntryFilter = GalleryListFilter<EntryStatus>;

/// Which reports a list shows by their moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportState {
    Is(ReportStatus),
    /// Any status but `new`.
    Handled,
}

pub type ReportFilter = GalleryListFilter<ReportState>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySummary {
    pub entry: GalleryEntry,
    pub request: RequestLine,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    pub report: InformationReport,
    pub request: RequestLine,
}

#[async_trait]
pub trait ListStore: Send + Sync {
    /// A page of the scope's sought persons and the number matching the
    /// filter; audited as `persons_listed` (object `sought`) unless the
    /// page is empty.
    async fn list_sought(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &SoughtFilter,
    ) -> StoreResult<(Vec<SoughtSummary>, u64)>;

    /// A page of the scope's gallery entries with their enquirers' names;
    /// audited as `persons_listed` (object `gallery`) unless empty.
    async fn list_gallery_entries(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &EntryFilter,
    ) -> StoreResult<(Vec<EntrySummary>, u64)>;

    /// A page of the reports the public sent the scope, with the names of
    /// the enquirers they are about; audited as `persons_listed` (object
    /// `reports`) unless empty.
    async fn list_reports(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &ReportFilter,
    ) -> StoreResult<(Vec<ReportSummary>, u64)>;
}
