//! The smart-practices database (issue 14, item 2). Who sees a practice
//! is decided in the query from its status and the reader: a published
//! practice is everyone's; one in peer review belongs to its network's
//! members; one held for moderation, or declined, to the network's
//! coordinating organisations (and, declined, to its own). Anything else
//! reads exactly as a missing id.

use crate::{AuditContext, FormStamp, OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::{
    CountryCode, GcmObjective, NetworkId, NetworkName, NewPractice, OrgId, OrgName, PracticeId,
    PracticeStatus, RoleSet, RouteStage, SupportType, Text, Timestamp, UserId, Verdict,
    library::TextLanguage,
};

/// Who reads: anyone (published practices only) or a member of an
/// organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PracticeReader {
    Public,
    Member(OrgScope),
}

/// A practice as shown in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeSummary {
    pub id: PracticeId,
    pub network: NetworkId,
    pub network_name: NetworkName,
    pub org: Option<OrgId>,
    pub org_name: Option<OrgName>,
    pub status: PracticeStatus,
    pub language: TextLanguage,
    pub title: Text,
    pub stages: Vec<RouteStage>,
    pub support: Vec<SupportType>,
    pub countries: Vec<CountryCode>,
    pub objectives: Vec<GcmObjective>,
    pub reviews: u32,
    pub submitted_at: Timestamp,
    pub published_at: Option<Timestamp>,
}

/// A review as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeReview {
    pub reviewer: UserId,
    pub org: OrgId,
    pub org_name: OrgName,
    pub verdict: Verdict,
    pub comment: Text,
    pub at: Timestamp,
}

/// A practice in full. Reviews are shown to members of its network only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    pub summary: PracticeSummary,
    pub content: NewPractice,
    pub author: Option<UserId>,
    pub reviews: Vec<PracticeReview>,
    /// The reader's organisation's place in the practice's network.
    pub membership: Option<retrace_domain::MemberRole>,
}

/// Which practices to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeFilter {
    pub status: Option<PracticeStatus>,
    pub network: Option<NetworkId>,
    pub stage: Option<RouteStage>,
    pub support: Option<SupportType>,
    pub country: Option<CountryCode>,
    pub objective: Option<GcmObjective>,
    pub language: Option<TextLanguage>,
    /// Every group must match one of its terms (`SearchQuery::groups`).
    pub terms: Vec<Vec<String>>,
    pub limit: u32,
}

/// A practice of the demo data, written in bulk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedPractice {
    pub network: NetworkId,
    pub org: Option<OrgId>,
    pub status: PracticeStatus,
    pub practice: NewPractice,
    pub at: Timestamp,
    /// Reviews: reviewer, their organisation, verdict, comment.
    pub reviews: Vec<(UserId, OrgId, Verdict, Text)>,
}

#[async_trait]
pub trait PracticeStore: Send + Sync {
    /// Submits a practice to peer review for the scope's organisation. Not
    /// a member of the network: `NotFound`; viewing roles only: `Refused`.
    async fn submit_practice(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        network: NetworkId,
        practice: &NewPractice,
    ) -> StoreResult<PracticeId>;

    /// A practice sent by the public, held for the network's coordinators.
    /// The form's stamp is spent in the same transaction (`Conflict` on
    /// `stamp` when it was spent already), as for gallery reports.
    async fn submit_public_practice(
        &self,
        audit: &AuditContext,
        network: NetworkId,
        practice: &NewPractice,
        stamp: &FormStamp,
    ) -> StoreResult<PracticeId>;

    /// A coordinating organisation accepts a held practice into peer
    /// review (becoming its organisation) or declines it.
    async fn moderate_practice(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        id: PracticeId,
        accept: bool,
    ) -> StoreResult<()>;

    /// Records the acting user's review; the rule `review_decision` is
    /// asked in the transaction.
    #[allow(clippy::too_many_arguments)]
    async fn review_practice(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        reviewer: UserId,
        id: PracticeId,
        verdict: Verdict,
        comment: &Text,
    ) -> StoreResult<()>;

    /// Publishes after the rule `publish_decision`, in the transaction.
    async fn publish_practice(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        id: PracticeId,
    ) -> StoreResult<()>;

    /// One practice as the reader may see it.
    async fn practice(
        &self,
        reader: PracticeReader,
        id: PracticeId,
    ) -> StoreResult<Option<Practice>>;

    /// The practices the reader may see that pass the filter.
    async fn practices(
        &self,
        reader: PracticeReader,
        filter: &PracticeFilter,
    ) -> StoreResult<Vec<PracticeSummary>>;

    /// Demo data in one transaction with one audit entry, the rules not
    /// asked (the loader writes what they allow).
    async fn seed_practices(
        &self,
        audit: &AuditContext,
        practices: &[SeedPractice],
    ) -> StoreResult<u64>;
}
