//! Erasure of a person (issue 16, item 2): every row that holds the person
//! or hangs off the person's record goes in one transaction, and the other
//! side of each candidate keeps only the fact that a candidate was
//! withdrawn. See `docs/adr/0018-retention-erasure-subject-access.md`.

use crate::{
    AuditContext, FamilyMessage, GalleryEntry, OrgScope, Referral, StatusChange, StoreResult,
    StoredPerson, TimelineEvent, ToolEntry,
};
use async_trait::async_trait;
use retrace_domain::{
    AuditAction, CandidateId, CandidateStatus, CaseReference, Circumstances, ConsentRecord,
    CountryCode, GalleryReference, ObjectKind, OrgId, PersonId, ReportId, ReportStatus, RequestId,
    RequestStatus, Text, Timestamp, TransferId, TransferStatus,
};

/// What an erasure removed, for the caller to reach the copies outside the
/// database (the matching index, gallery files, the public page cache).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasure {
    /// Every person erased: the one asked for and, when that person was a
    /// request's enquirer, the request's sought persons.
    pub persons: Vec<PersonId>,
    /// The request erased whole (the person asked for was its enquirer).
    pub request: Option<RequestId>,
    /// Names of the gallery files (photos, thumbnails) of entries erased.
    pub media: Vec<String>,
    /// Candidates removed; their other side sees a withdrawal.
    pub candidates_withdrawn: usize,
}

/// A candidate withdrawn because the person on the other side was erased,
/// as the remaining side sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateWithdrawal {
    pub candidate: CandidateId,
    pub person: PersonId,
    pub at: Timestamp,
}

#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Erases `person` of the scope's organisation with everything that
    /// holds it: the person row, consents, candidates on both sides with
    /// their releases and family messages (the other side gets a
    /// [`CandidateWithdrawal`]), gallery entries and the visitors' reports
    /// sent about them, referrals with their steps, events and filled
    /// tools, import records. An enquirer takes the whole request along:
    /// its sought persons (each as above), status history, transfers and
    /// reports. The audit log gets `person_erased` (and `request_erased`)
    /// entries naming ids only. One transaction: nothing or everything.
    /// Another organisation's person is `NotFound`.
    async fn erase_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<Erasure>;

    /// Makes deleted rows unreadable from the database files where the
    /// backend allows it (SQLite: deleted content is zeroed by
    /// `secure_delete`, and the write-ahead log is checkpointed and
    /// truncated; PostgreSQL: `VACUUM` of the tables an erasure touches).
    async fn reclaim_free_space(&self) -> StoreResult<()>;

    /// The persons erased after audit entry `after`, with the last entry
    /// of the log (to ask from there next time): how a server learns of an
    /// erasure made by another process. Ids only, read by the platform.
    async fn erased_persons_since(&self, after: i64) -> StoreResult<(i64, Vec<PersonId>)>;

    /// Candidates withdrawn from the scope's `person` because the other
    /// side was erased, newest first.
    async fn candidate_withdrawals(
        &self,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<Vec<CandidateWithdrawal>>;

    /// Everything held on `person` of the scope's organisation
    /// ([`SubjectAccess`]), read in one transaction that also appends
    /// `subject_access_exported` (object: the person). Needs an acting
    /// staff member. Another organisation's person is `NotFound`.
    async fn subject_access(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<SubjectAccess>;
}

/// Everything the scope's organisation holds on one of its persons, read
/// in one transaction for a subject-access request (issue 16, item 3).
/// Another person's details are never part of it: not the other persons
/// of the request, not the other side of a candidate, not the visitor who
/// wrote a report. See `docs/adr/0025-subject-access.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAccess {
    pub person: StoredPerson,
    /// The request the person appears in (as enquirer or sought), without
    /// the request's other persons.
    pub request: Option<SubjectRequest>,
    /// The consent ledger, withdrawn entries included.
    pub consents: Vec<ConsentRecord>,
    pub candidates: Vec<SubjectCandidate>,
    /// The person's details given to another organisation on a candidate.
    pub releases: Vec<SubjectRelease>,
    /// Family messages relayed on the person's candidates.
    pub messages: Vec<FamilyMessage>,
    /// Transfers of the person's request to another organisation.
    pub transfers: Vec<SubjectTransfer>,
    pub gallery_entries: Vec<GalleryEntry>,
    /// Visitors' reports sent about the person's gallery entries, without
    /// the visitor's contact.
    pub reports: Vec<SubjectReport>,
    /// Referrals of the person with the timeline lines the sender wrote or
    /// the receiver shared, and the tools filled for them.
    pub referrals: Vec<SubjectReferral>,
    /// Where the record was imported from (PFIF or CSV), if it was.
    pub import: Option<SubjectImport>,
    /// Who saw or changed the person's records: the audit entries whose
    /// object is the person, its request, candidates, messages, consents,
    /// transfers, gallery entries, reports or referrals, oldest first.
    pub seen_by: Vec<SubjectAuditEntry>,
}

/// An organisation named in a subject-access export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedOrg {
    pub id: OrgId,
    pub name: String,
    pub country: CountryCode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRequest {
    pub id: RequestId,
    pub reference: CaseReference,
    pub status: RequestStatus,
    pub circumstances: Circumstances,
    pub history: Vec<StatusChange>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A candidate as the person's organisation sees it: the other
/// organisation, the score and both sides' state, never the other person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectCandidate {
    pub id: CandidateId,
    /// The organisation of the other record (the person's own when both
    /// records are its).
    pub other_org: NamedOrg,
    pub score_milli: u16,
    /// The review of the person's side.
    pub own_review: CandidateStatus,
    /// When the person's details were released to the other side.
    pub released_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRelease {
    pub candidate: CandidateId,
    pub to_org: NamedOrg,
    pub released_at: Timestamp,
    /// When the disclosure rule stopped the other side from reading it.
    pub withheld_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectTransfer {
    pub id: TransferId,
    pub to_org: NamedOrg,
    pub status: TransferStatus,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectReport {
    pub id: ReportId,
    pub reference: GalleryReference,
    pub message: Text,
    pub status: ReportStatus,
    pub received_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectReferral {
    pub referral: Referral,
    pub to_org: NamedOrg,
    pub timeline: Vec<TimelineEvent>,
    /// The tools the person's organisation filled for the referral.
    pub tools: Vec<ToolEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectImport {
    pub record_id: String,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub source_date: Option<String>,
    pub imported_at: Timestamp,
}

/// One audit entry about the person's records. The staff member is named
/// only when of the person's own organisation; another organisation's
/// entries name the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAuditEntry {
    pub seq: i64,
    pub at: Timestamp,
    pub action: AuditAction,
    pub object_kind: ObjectKind,
    pub actor: Option<String>,
    pub org: Option<NamedOrg>,
    pub purpose: Option<String>,
}
