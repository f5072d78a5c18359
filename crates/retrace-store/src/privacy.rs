//! Erasure of a person (issue 16, item 2): every row that holds the person
//! or hangs off the person's record goes in one transaction, and the other
//! side of each candidate keeps only the fact that a candidate was
//! withdrawn. See `docs/adr/0018-retention-erasure-subject-access.md`.

use crate::{AuditContext, OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::{CandidateId, PersonId, RequestId, Timestamp};

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
}
