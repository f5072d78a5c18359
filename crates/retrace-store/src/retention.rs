//! Retention periods (issue 16, item 1): what each organisation chose per
//! kind of record, and the statements finding and removing the records
//! past their period. Closed requests are not removed here: the retention
//! job erases them through [`crate::PrivacyStore::erase_person`] (their
//! enquirer), so that every copy goes. See
//! `docs/adr/0018-retention-erasure-subject-access.md`.

use crate::{AuditContext, OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::{OrgId, PersonId, RequestId, RetentionKind, RetentionPeriod, Timestamp};

/// A period an organisation chose for one kind (in days, as stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChosenPeriod {
    pub org: OrgId,
    pub kind: RetentionKind,
    pub days: u32,
}

/// A closed request past its period, with the enquirer whose erasure
/// takes it whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiredRequest {
    pub request: RequestId,
    pub enquirer: PersonId,
}

#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// Every period an organisation chose (kinds with no row follow the
    /// platform's default).
    async fn chosen_retention_periods(&self) -> StoreResult<Vec<ChosenPeriod>>;

    /// Sets the scope's period for `kind` and appends
    /// `retention_period_set` (object: the organisation; purpose: kind
    /// and days). One transaction.
    async fn set_retention_period(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        kind: RetentionKind,
        period: RetentionPeriod,
    ) -> StoreResult<()>;

    /// The scope's requests closed before `before` (the last status change
    /// to closed), oldest first.
    async fn expired_requests(
        &self,
        scope: &OrgScope,
        before: Timestamp,
    ) -> StoreResult<Vec<ExpiredRequest>>;

    /// How many records of `kind` (other than closed requests, which
    /// [`Self::expired_requests`] lists) the scope holds from before
    /// `before`.
    async fn count_expired(
        &self,
        scope: &OrgScope,
        kind: RetentionKind,
        before: Timestamp,
    ) -> StoreResult<u64>;

    /// Deletes the scope's records of each `(kind, before)` past their
    /// period (closed requests excepted) and appends one
    /// `retention_applied` entry (object: the organisation) whose purpose
    /// carries the counts of this call and `requests_erased`, never a
    /// record's content. One transaction. Returns the counts per kind.
    async fn remove_expired(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        cutoffs: &[(RetentionKind, Timestamp)],
        requests_erased: u64,
    ) -> StoreResult<Vec<(RetentionKind, u64)>>;
}
