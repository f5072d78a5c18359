//! Pledge indicators (issue 14, item 3): the organisation's reporting
//! offset from UTC, the figures its administrator enters by hand per year,
//! and the figures computed from the platform's own records, counted in SQL
//! aggregates (one query per source, no rows loaded). Aggregates only: no
//! personal data is read out. See `docs/adr/0028-pledge-indicators.md`.

use crate::{AuditContext, OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::directory::UtcOffset;
use retrace_domain::{EnteredFigure, Figure, NetworkId, OrgId};

/// Whose figures: one organisation's, or the sum of a network's members'
/// (each member's records counted in its own reporting year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorSubject {
    Org(OrgId),
    Network(NetworkId),
}

/// A value of a figure for a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FigureValue {
    pub year: i32,
    pub figure: Figure,
    pub value: i64,
}

/// The figures of a subject for a span of years. Figures without a row
/// are zero (computed) or not entered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorFigures {
    pub computed: Vec<FigureValue>,
    /// For an organisation, its entries with their notes; for a network,
    /// the members' entries added up, without notes.
    pub entered: Vec<EnteredFigure>,
}

#[async_trait]
pub trait IndicatorStore: Send + Sync {
    /// The organisation's reporting offset; UTC when none was set.
    async fn reporting_offset(&self, org: OrgId) -> StoreResult<UtcOffset>;

    /// Sets the scope's reporting offset and appends
    /// `reporting_offset_set` (object: the organisation). One transaction.
    async fn set_reporting_offset(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        offset: UtcOffset,
    ) -> StoreResult<()>;

    /// The figures of `subject` for the years `from..=to`: one aggregate
    /// query per source of computed figures, one for the entered ones.
    async fn indicator_figures(
        &self,
        subject: IndicatorSubject,
        from: i32,
        to: i32,
    ) -> StoreResult<IndicatorFigures>;

    /// Replaces the scope's entered figures of `year` named in `figures`:
    /// `Some` sets the value and note, `None` removes the entry. Only
    /// what differs from the stored entries is written; when anything
    /// does, appends `indicators_entered` (object: the organisation;
    /// purpose: the audit's, then the year and the codes of the figures
    /// changed). One transaction. Returns the figures changed.
    async fn enter_indicators(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        year: i32,
        figures: &[(Figure, Option<EnteredFigure>)],
    ) -> StoreResult<Vec<Figure>>;

    /// Demo loading: every entry, inserted in one transaction, one
    /// `indicators_entered` entry per organisation and year.
    async fn seed_indicators(
        &self,
        audit: &AuditContext,
        entries: &[(OrgId, EnteredFigure)],
    ) -> StoreResult<()>;
}
