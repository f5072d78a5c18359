//! The e-mail digest's storage: each member's choice, and the claim that
//! makes one server, among several sharing the database, send each due
//! digest once. See `docs/adr/0029-email-digest.md`.

use crate::{AuditContext, StoreResult};
use async_trait::async_trait;
use retrace_domain::{DigestFrequency, DigestLanguage, Timestamp, UserId};

/// A member's digest as stored: what they chose and how the sending went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestPreference {
    pub frequency: DigestFrequency,
    pub language: DigestLanguage,
    /// When the next digest is due (or a claimed one may be claimed again).
    pub next_due: Timestamp,
    /// What was new up to this instant has been sent (or there was
    /// nothing): the next digest lists what came after it.
    pub covered_to: Timestamp,
    pub last_sent_at: Option<Timestamp>,
    pub last_failed_at: Option<Timestamp>,
    /// Failed attempts since the last success.
    pub failures: u32,
}

/// A due digest claimed by one server: nobody else claims it until
/// `next_due` (the lease) passes, and only the holder of `claim` records
/// how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestClaim {
    pub user: UserId,
    pub claim: String,
    pub frequency: DigestFrequency,
    pub language: DigestLanguage,
    pub covered_to: Timestamp,
    pub failures: u32,
}

/// How a claimed digest went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestOutcome {
    /// Sent, listing what was new up to `covered_to`.
    Sent { covered_to: Timestamp },
    /// Not sent: nothing was new up to `covered_to`, or the member may
    /// receive nothing now (a disabled account).
    NothingToSend { covered_to: Timestamp },
    /// The mail server could not be reached or refused it: tried again
    /// at `next_due`, listing everything since the last success.
    Failed,
}

#[async_trait]
pub trait DigestStore: Send + Sync {
    /// The member's digest, `None` when they receive none (the default).
    async fn digest_preference(&self, user: UserId) -> StoreResult<Option<DigestPreference>>;

    /// Chooses the member's digest (`None`: off) and appends
    /// `digest_preference_set` (object: the account; `audit.purpose`
    /// names the choice) in one transaction. A new choice is first due
    /// one period after `audit.at` and lists what is new after it; changing
    /// the frequency or language keeps what was already covered.
    async fn set_digest_preference(
        &self,
        audit: &AuditContext,
        user: UserId,
        choice: Option<(DigestFrequency, DigestLanguage)>,
    ) -> StoreResult<()>;

    /// Claims up to `limit` digests due at `now`, atomically: each is
    /// returned to one caller only, under `claim`, and held until
    /// `lease_until`.
    async fn claim_due_digests(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        claim: &str,
        limit: u32,
    ) -> StoreResult<Vec<DigestClaim>>;

    /// Records how a claimed digest went and when the next is due. Returns
    /// false (and changes nothing) when the claim is no longer held: the
    /// preference was changed or removed meanwhile, or the lease ran out
    /// and another server claimed it.
    async fn finish_digest(
        &self,
        user: UserId,
        claim: &str,
        at: Timestamp,
        outcome: DigestOutcome,
        next_due: Timestamp,
    ) -> StoreResult<bool>;
}
