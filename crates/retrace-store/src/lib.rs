//! The storage contract of retrace: what the rest of the platform may ask of
//! a database, independent of which database it is.
//!
//! Key design decision: every method that reads or writes data belonging to
//! an organisation takes an [`OrgScope`], and the backends put the scope in
//! the query itself. There is no unscoped variant, so forgetting a `WHERE
//! org_id = ?` is not possible from outside this crate. Every method that
//! changes something takes an [`AuditContext`] and writes the audit entry in
//! the same transaction as the change: either both land or neither does.
//!
//! Two backends implement [`Store`]: `retrace-store-sqlite` (the embedded
//! default) and `retrace-store-postgres`. The `conformance` module is one
//! test suite that both must pass.

pub mod backend;
pub mod cluster;
#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(feature = "conformance")]
pub mod conformance_cluster;
#[cfg(feature = "conformance")]
pub mod conformance_crypto;
#[cfg(feature = "conformance")]
pub mod conformance_digest;
#[cfg(feature = "conformance")]
pub mod conformance_directory;
#[cfg(feature = "conformance")]
pub mod conformance_indicators;
#[cfg(feature = "conformance")]
pub mod conformance_interchange;
#[cfg(feature = "conformance")]
pub mod conformance_lists;
#[cfg(feature = "conformance")]
pub mod conformance_network;
#[cfg(feature = "conformance")]
pub mod conformance_org_contact;
#[cfg(feature = "conformance")]
pub mod conformance_outreach;
#[cfg(feature = "conformance")]
pub mod conformance_practices;
#[cfg(feature = "conformance")]
pub mod conformance_privacy;
#[cfg(feature = "conformance")]
pub mod conformance_referrals;
#[cfg(feature = "conformance")]
pub mod conformance_retention;
#[cfg(feature = "conformance")]
pub mod conformance_work;
pub mod crypto;
pub mod digest;
pub mod directory;
pub mod gallery;
pub mod indicators;
pub mod lists;
pub mod network;
pub mod org_contact;
pub mod outreach;
pub mod pfif;
pub mod practices;
pub mod privacy;
pub mod referrals;
pub mod retention;
pub mod tracing;
pub mod transfers;
pub mod work_queue;

pub use cluster::{
    ChangeKind, OUTBOX_RETENTION_DAYS, OutboxBounds, OutboxChange, OutboxStore, RateLimitStore,
};
pub use digest::{DigestClaim, DigestOutcome, DigestPreference, DigestStore};
pub use directory::{
    CountryProfile, DIRECTORY_COUNT_LIMIT, DirectoryEntry, DirectoryFilter, DirectoryStore,
    Document, DocumentMeta, EntryDetails, EntryEditor, LIBRARY_COUNT_LIMIT, LibraryFilter,
    LibraryHit, LibrarySort, NewDocument, ProfileContent, Viewer,
};
pub use gallery::{
    FormStamp, GalleryEntry, InformationReport, MediaTokens, NewGalleryEntry, NewReport,
    PublicEntry,
};
pub use indicators::{FigureValue, IndicatorFigures, IndicatorStore, IndicatorSubject};
pub use lists::{
    EntryFilter, EntrySummary, GalleryListFilter, ListStore, ReportFilter, ReportState,
    ReportSummary, RequestLine, SoughtFilter, SoughtSummary,
};
pub use network::{
    Network, NetworkManager, NetworkMember, NetworkPost, NetworkStore, NetworkSummary, NetworkView,
    PostFilter, SeedPost, StoredJointAction,
};
pub use org_contact::OrgContactStore;
pub use outreach::{
    FollowUp, IncomingSession, OrgTopic, OutreachConflict, OutreachFilter, OutreachSession,
    OutreachStats, OutreachStore, OutreachSummary, Resolution, StatsScope, SyncOutcome, Tally,
};
pub use pfif::{ImportOutcome, ImportTarget, ImportedPerson, InterchangeStore, PfifSource};
pub use practices::{
    Practice, PracticeFilter, PracticeReader, PracticeReview, PracticeStore, PracticeSummary,
    SeedPractice,
};
pub use privacy::{
    CandidateWithdrawal, Erasure, NamedOrg, PrivacyStore, SubjectAccess, SubjectAuditEntry,
    SubjectCandidate, SubjectImport, SubjectReferral, SubjectRelease, SubjectReport,
    SubjectRequest, SubjectTransfer,
};
pub use referrals::{
    ChecklistStep, NewReferral, Referral, ReferralFilter, ReferralParty, ReferralStore,
    ReferralSummary, ReferralView, ReferredPerson, SopTemplate, StatusMove, StepChange,
    TimelineEvent, ToolEntry,
};
pub use retention::{ChosenPeriod, ExpiredRequest, RetentionStore};
pub use tracing::{
    CandidateCounts, CandidateView, FamilyMessage, FlagFilter, ListOrder, MatchablePerson,
    NewCandidate, NewRequest, OpeningConsents, PersonRole, RegistrationFilter, RegistrationSummary,
    Release, ReleaseOutcome, ReleasedPerson, RequestFilter, RequestSummary, Review, StatusChange,
    StoredPerson, TracingRequest,
};
pub use transfers::{
    IncomingTransfer, SharedEnquirer, SharedPerson, Transfer, TransferRow, TransferView,
};
pub use work_queue::{WorkBucket, WorkItem, WorkQueueStore, WorkWindow};

use async_trait::async_trait;
use retrace_domain::{
    ApiScopes, ApiTokenId, AuditAction, AuditRecord, CandidateId, CandidateStatus, ChainHash,
    Circumstances, ConsentId, ConsentRecord, CountryCode, DisplayName, Email, ExportId,
    MessageDirection, MessageId, MessageStatus, NewConsent, ObjectKind, OrgId, OrgKind, OrgName,
    PersonDetails, PersonId, RegistrationKind, Relationship, RequestId, RequestStatus, RoleSet,
    Text, Timestamp, TransferId, TransferShare, UserId,
};
use retrace_domain::{
    GalleryEntryId, GalleryReference, PublicationRefusal, ReportId, ReportStatus,
};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is already taken (an email, an organisation name).
    #[error("{field} is already in use")]
    Conflict { field: &'static str },
    /// The row does not exist, or exists in another organisation's scope:
    /// the two are deliberately the same error.
    #[error("not found")]
    NotFound,
    /// The database schema is newer than this binary knows.
    #[error(
        "the database schema is at version {found}, newer than this binary's {supported}: upgrade retrace"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    /// Stored data that does not parse back into domain values.
    #[error("corrupt row in {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
    /// The database cannot be opened or reached (a missing directory that
    /// cannot be created, a refused connection, bad credentials). The text
    /// never contains the connection URL, which may hold a password.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The change must be attributed to a staff member (a consent entry,
    /// a release approval) and the audit context names none.
    #[error("this change needs an acting staff member")]
    ActorRequired,
    /// A rule of the domain refuses the change (a transfer to the same
    /// country, the contact of an enquirer who did not consent); `field`
    /// names the input to blame and `problem` what is wrong with it.
    #[error("{field}: {problem}")]
    Refused {
        field: &'static str,
        problem: retrace_domain::Problem,
    },
    /// Anything else the database driver reports: I/O, SQL errors.
    #[error("database error: {0}")]
    Database(String),
    /// Trace the Face: the person may not be published (no consent, at
    /// risk, a minor without a guardian's consent or a second approver).
    #[error("{}", .0.problem())]
    PublicationRefused(PublicationRefusal),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The organisation a caller acts for. Repository methods over an
/// organisation's data require one; it is built by the web layer from the
/// signed-in user's membership, never from request input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgScope {
    org: OrgId,
}

impl OrgScope {
    pub fn new(org: OrgId) -> Self {
        Self { org }
    }
    pub fn org(&self) -> OrgId {
        self.org
    }
}

/// Who is acting and why, recorded with every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContext {
    pub at: Timestamp,
    pub actor: Option<UserId>,
    pub org: Option<OrgId>,
    pub purpose: Option<String>,
}

impl AuditContext {
    /// The platform acting on its own (command line, demo loading).
    pub fn system(at: Timestamp, purpose: &str) -> Self {
        Self {
            at,
            actor: None,
            org: None,
            purpose: Some(purpose.to_owned()),
        }
    }
}

/// An audit event to append that is not a side effect of another change
/// (a sign-in, a view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub object_kind: ObjectKind,
    pub object_id: String,
}

/// Which entries of an organisation's log are read, newest first: every
/// condition set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLogQuery {
    pub limit: u32,
    /// Strictly before this sequence number: the next page.
    pub before_seq: Option<i64>,
    /// Entries written by this account.
    pub actor: Option<UserId>,
    pub action: Option<AuditAction>,
    pub object_kind: Option<ObjectKind>,
    /// Entries about this object (a person's id, a request's, …).
    pub object_id: Option<String>,
    /// At or after this moment.
    pub from: Option<Timestamp>,
    /// Strictly before this moment.
    pub until: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub record: AuditRecord,
    pub previous_hash: ChainHash,
    pub hash: ChainHash,
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    /// Every entry verifies; `entries` were checked.
    Intact { entries: u64, head: ChainHash },
    /// The first entry that does not verify, and why.
    Broken { seq: i64, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrgId,
    pub name: OrgName,
    pub kind: OrgKind,
    pub country: CountryCode,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub name: OrgName,
    pub kind: OrgKind,
    pub country: CountryCode,
}

/// Where an account belongs: to one organisation with roles there, or to
/// the platform operators, who manage organisations and accounts and see no
/// personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    Member { org: OrgId, roles: RoleSet },
    Operator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAccount {
    pub id: UserId,
    pub email: Email,
    pub display_name: DisplayName,
    pub membership: Membership,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// The TOTP secret, encrypted by the web layer; `None` when not enrolled.
    pub totp_secret_sealed: Option<String>,
    pub disabled: bool,
    pub failed_sign_ins: u32,
    pub locked_until: Option<Timestamp>,
    pub created_at: Timestamp,
    pub password_changed_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: Email,
    pub display_name: DisplayName,
    pub membership: Membership,
    pub password_hash: String,
}

/// A signed-in browser session. The cookie holds a random token; the
/// database holds only its SHA-256, so a database reader cannot sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user: UserId,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// False between a correct password and a correct second factor.
    pub second_factor_done: bool,
}

/// What lets a session start, checked and spent in the session's own
/// transaction so that a proof cannot be used twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionProof<'a> {
    /// The password alone, checked by the caller.
    Password,
    /// A TOTP time step: good once, and only when later than the last.
    TotpStep(i64),
    /// The keyed hash of a recovery code: good once.
    RecoveryCode(&'a str),
    /// A second factor enrolled now, proved by the code of `step`: its
    /// sealed secret replaces any earlier one and the recovery codes are
    /// replaced by these hashes.
    Enrolment {
        totp_secret_sealed: &'a str,
        recovery_code_hashes: &'a [String],
        step: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user: UserId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    /// What the token may do; tokens made before scopes existed read back
    /// as `ApiScopes::LEGACY` (read and write).
    pub scopes: ApiScopes,
    /// After this instant the token is refused (401); `None` for tokens
    /// made before expiry existed.
    pub expires_at: Option<Timestamp>,
}

impl ApiToken {
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// Something the platform operator should know about, without personal
/// data: what happened (`kind`, e.g. `cross_org_probe:person`), who, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    pub at: Timestamp,
    pub kind: String,
    pub user: Option<UserId>,
    pub org: Option<OrgId>,
}

/// A bulk export. `reason` is `None` once erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRecord {
    pub id: ExportId,
    pub org: OrgId,
    pub user: UserId,
    pub at: Timestamp,
    pub reason: Option<String>,
    pub row_count: u32,
}

/// What one export holds, read in the transaction that recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub record: ExportRecord,
    pub requests: Vec<ExportedRequest>,
}

/// A request of an export with the consents of each of its persons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedRequest {
    pub request: TracingRequest,
    pub consents: HashMap<PersonId, Vec<ConsentRecord>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[async_trait]
pub trait Store:
    TracingStore
    + GalleryStore
    + ListStore
    + TransferStore
    + ReferralStore
    + DirectoryStore
    + OutreachStore
    + InterchangeStore
    + WorkQueueStore
    + PrivacyStore
    + OutboxStore
    + RateLimitStore
    + NetworkStore
    + PracticeStore
    + RetentionStore
    + OrgContactStore
    + IndicatorStore
    + DigestStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// A cheap round trip, for `/healthz`.
    async fn ping(&self) -> StoreResult<()>;

    // Organisations (managed by platform operators; not personal data).

    async fn create_organisation(
        &self,
        audit: &AuditContext,
        new: &NewOrganisation,
    ) -> StoreResult<Organisation>;
    async fn organisations(&self) -> StoreResult<Vec<Organisation>>;
    async fn organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>>;

    // Accounts.

    /// Fails with `Conflict { field: "email" }` when the email is taken.
    async fn create_user(&self, audit: &AuditContext, new: &NewUser) -> StoreResult<UserAccount>;
    /// Any account by id: used to load the signed-in user of a session.
    async fn user(&self, id: UserId) -> StoreResult<Option<UserAccount>>;
    /// Any account by email: used by sign-in and by the command line.
    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserAccount>>;
    /// All accounts, for platform operators (names and roles only are shown).
    async fn all_users(&self) -> StoreResult<Vec<UserAccount>>;
    /// The accounts of one organisation.
    async fn users_in(&self, scope: &OrgScope) -> StoreResult<Vec<UserAccount>>;
    /// One account of the organisation; another organisation's account is `None`.
    async fn user_in(&self, scope: &OrgScope, id: UserId) -> StoreResult<Option<UserAccount>>;
    /// `NotFound` for an account outside the scope.
    async fn set_roles(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: UserId,
        roles: &RoleSet,
    ) -> StoreResult<()>;
    /// Disabling also ends the account's sessions and revokes its API tokens.
    async fn set_disabled(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: UserId,
        disabled: bool,
    ) -> StoreResult<()>;
    /// Replaces the password hash, clears the lockout, ends every session
    /// of the account except `keep_session` (the one that made the change)
    /// and revokes all its API tokens, in one transaction.
    async fn set_password(
        &self,
        audit: &AuditContext,
        action: AuditAction,
        id: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> StoreResult<()>;

    // Sign-in bookkeeping.

    /// Counts a failed attempt and sets the lockout end the caller computed.
    /// Returns the number of consecutive failures including this one.
    async fn record_sign_in_failure(
        &self,
        audit: &AuditContext,
        id: UserId,
        locked_until: Option<Timestamp>,
    ) -> StoreResult<u32>;

    // Second factor.

    /// Removes the TOTP secret and the recovery codes.
    async fn remove_second_factor(&self, audit: &AuditContext, id: UserId) -> StoreResult<()>;
    async fn unused_recovery_codes(&self, id: UserId) -> StoreResult<u32>;

    // Sessions.

    /// Starts `session` in one transaction: spends `proof` (refused, with
    /// nothing changed, when it is not good: returns false), ends the
    /// session `replaces` (the token used before the second factor), and
    /// when the session is fully signed in clears the failure count and
    /// lockout and records `signed_in`.
    async fn start_session(
        &self,
        audit: &AuditContext,
        session: &SessionRecord,
        proof: SessionProof<'_>,
        replaces: Option<&str>,
    ) -> StoreResult<bool>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn touch_session(&self, token_hash: &str, at: Timestamp) -> StoreResult<()>;
    /// Ends a session that expired or lost its account; not audited.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends a session at the person's request and records `signed_out`.
    async fn end_session(&self, audit: &AuditContext, token_hash: &str) -> StoreResult<()>;
    /// Removes sessions idle since before `idle_before` or created before
    /// `created_before`. Returns how many went.
    async fn delete_expired_sessions(
        &self,
        idle_before: Timestamp,
        created_before: Timestamp,
    ) -> StoreResult<u64>;

    // API tokens (the secret is shown once; only its SHA-256 is kept).

    async fn create_api_token(
        &self,
        audit: &AuditContext,
        user: UserId,
        name: &str,
        token_hash: &str,
        scopes: ApiScopes,
        expires_at: Option<Timestamp>,
    ) -> StoreResult<ApiToken>;
    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>>;
    /// `NotFound` when the token is not the user's or already revoked.
    async fn revoke_api_token(
        &self,
        audit: &AuditContext,
        user: UserId,
        id: ApiTokenId,
    ) -> StoreResult<()>;
    /// An unrevoked token by the hash of its secret; records its use
    /// unless it has expired (the caller refuses an expired token).
    async fn use_api_token(&self, token_hash: &str, at: Timestamp)
    -> StoreResult<Option<ApiToken>>;

    // Audit log.

    /// Appends an event that is not the side effect of another change.
    async fn append_audit(&self, audit: &AuditContext, event: &AuditEvent) -> StoreResult<()>;
    /// Called when a member of `org` was told "not found" for `id`: when
    /// the id is a record of kind `object` that exists and `org` may not
    /// see, records a `cross_org_probe:<kind>` security event (the probed
    /// id is not kept) and returns true. Reads across organisations on
    /// purpose and returns nothing of what it finds.
    async fn note_cross_org_probe(
        &self,
        at: Timestamp,
        user: UserId,
        org: OrgId,
        object: ObjectKind,
        id: &str,
    ) -> StoreResult<bool>;
    /// The newest security events, newest first, for the platform operator.
    async fn security_events(&self, limit: u32) -> StoreResult<Vec<SecurityEvent>>;
    /// One export record of the scope; another organisation's is `None`.
    async fn export_record(
        &self,
        scope: &OrgScope,
        id: ExportId,
    ) -> StoreResult<Option<ExportRecord>>;
    /// The newest entries whose organisation is the scope's, newest first,
    /// strictly before `before_seq` when given.
    async fn audit_entries(
        &self,
        scope: &OrgScope,
        limit: u32,
        before_seq: Option<i64>,
    ) -> StoreResult<Vec<AuditEntry>>;
    /// What an administrator reads of the log: the scope's entries the
    /// query asks for, newest first, with the reading itself recorded
    /// (`audit_viewed`) in the same transaction.
    async fn read_audit_log(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        query: &AuditLogQuery,
    ) -> StoreResult<Vec<AuditEntry>>;
    /// Recomputes the whole chain from the first entry.
    async fn verify_audit_chain(&self) -> StoreResult<AuditVerification>;

    // Restoring Family Links. Every method over personal data takes the
    // caller's scope; reads of personal data take an `AuditContext` too and
    // write their audit entry in the same transaction as the read.

    /// Creates a request with its enquirer and sought persons and the next
    /// reference of the organisation's country and year.
    async fn create_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewRequest,
    ) -> StoreResult<TracingRequest> {
        self.open_request(audit, scope, new, &OpeningConsents::default())
            .await
    }

    // Consent ledger.

    // Matching. The platform reads every organisation's persons to propose
    // candidates; what each side may see is decided by the web layer.

    // Family messages, relayed on a confirmed candidate.

    // ----- Transfers (begin) --------------------------------------------
    // A request sent by its owner to an organisation in another country.
    // The owner keeps the request; the receiver sees only the chosen parts,
    // read live through `transfer` (see `transfers` for why), and a
    // revoked transfer is `None`/`NotFound` to it, like a missing one.

    // ----- Transfers (end) ----------------------------------------------
    // Trace the Face
}

/// Tracing requests, persons, consent ledgers, match candidates, releases
/// and family messages.
#[async_trait]
pub trait TracingStore: Send + Sync {
    /// A bulk export of the scope's requests, in one transaction: the
    /// requests `filter` selects (at most `max_rows`, newest first) with
    /// each person's consents, read from one snapshot, an `exports` row
    /// with the reason (erasable) and a `data_exported` audit entry naming
    /// only the export's id. Needs an acting staff member.
    async fn export_requests(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &RequestFilter,
        max_rows: u32,
        reason: &str,
    ) -> StoreResult<Export>;

    /// Creates a request like [`Store::create_request`] and records its
    /// opening consents, all in one transaction: nothing of it is stored
    /// unless all of it is.
    async fn open_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewRequest,
        consents: &OpeningConsents,
    ) -> StoreResult<TracingRequest>;

    /// One request with its persons; audited as `request_viewed`.
    async fn request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
    ) -> StoreResult<Option<TracingRequest>>;

    /// The organisation's requests, newest first; audited as
    /// `requests_searched` when the filter has text or a name search, and
    /// as `persons_listed` (object `requests`) otherwise, unless empty.
    async fn list_requests(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &RequestFilter,
    ) -> StoreResult<(Vec<RequestSummary>, u64)>;

    /// Assigns a request to a member of its organisation (`None` takes the
    /// assignment back), audited as `request_assigned` in the same
    /// transaction. `NotFound` when the request or the member is not the
    /// organisation's; a disabled member is not assignable (`Invalid`).
    async fn assign_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
        to: Option<UserId>,
    ) -> StoreResult<()>;

    /// The organisation's registrations as filtered, one page, with the
    /// number matching the filter; audited as `persons_listed` (object id
    /// `registrations`) unless the page is empty.
    async fn list_registrations(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &RegistrationFilter,
    ) -> StoreResult<(Vec<RegistrationSummary>, u64)>;

    /// `Conflict { field: "version" }` when someone saved in between.
    async fn update_circumstances(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
        expected_version: i64,
        circumstances: &Circumstances,
    ) -> StoreResult<TracingRequest>;

    /// Records a status change (the caller checked the transition).
    async fn set_request_status(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
        expected_version: i64,
        status: RequestStatus,
        note: Option<&Text>,
    ) -> StoreResult<TracingRequest>;

    async fn status_history(
        &self,
        scope: &OrgScope,
        id: RequestId,
    ) -> StoreResult<Vec<StatusChange>>;

    async fn add_sought_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        request: RequestId,
        relationship: Relationship,
        details: &PersonDetails,
        consent: Option<&NewConsent>,
    ) -> StoreResult<StoredPerson>;

    /// A self-registration ("looking for my family", "I am safe"), with
    /// its consent when given, in one transaction.
    async fn create_registration(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        kind: RegistrationKind,
        details: &PersonDetails,
        consent: Option<&NewConsent>,
    ) -> StoreResult<StoredPerson>;

    /// One person; audited as `person_viewed`.
    async fn person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: PersonId,
    ) -> StoreResult<Option<StoredPerson>>;

    /// `Conflict { field: "version" }` when someone saved in between.
    async fn update_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: PersonId,
        expected_version: i64,
        details: &PersonDetails,
    ) -> StoreResult<StoredPerson>;

    /// The organisation's registrations, newest first.
    /// The newest registered persons, with a `persons_listed` audit entry
    /// (object id `registrations`) written in the same transaction.
    async fn registrations(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        limit: u32,
    ) -> StoreResult<Vec<StoredPerson>>;

    async fn consents(&self, scope: &OrgScope, person: PersonId)
    -> StoreResult<Vec<ConsentRecord>>;

    async fn record_consent(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        person: PersonId,
        consent: &NewConsent,
    ) -> StoreResult<ConsentRecord>;

    /// Withdraws one entry; `NotFound` when it is not the scope's or
    /// already withdrawn.
    async fn withdraw_consent(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ConsentId,
    ) -> StoreResult<ConsentRecord>;

    /// Persons in pages ordered by id, for (re)building the matching index.
    async fn matchable_persons(
        &self,
        after: Option<PersonId>,
        limit: u32,
    ) -> StoreResult<Vec<MatchablePerson>>;

    /// One person for the matching index, whatever the organisation.
    async fn matchable_person(&self, id: PersonId) -> StoreResult<Option<MatchablePerson>>;

    /// Upserts the candidates of one sought person: new pairs are proposed,
    /// known pairs get the new score and explanation, proposed pairs that
    /// are no longer found are removed. Reviewed pairs stay.
    async fn record_candidates(
        &self,
        audit: &AuditContext,
        sought: PersonId,
        found: &[NewCandidate],
    ) -> StoreResult<()>;

    /// Several lists at once, in one transaction (a saved person can touch
    /// the lists of many sought persons).
    async fn record_candidate_lists(
        &self,
        audit: &AuditContext,
        lists: &[(PersonId, Vec<NewCandidate>)],
    ) -> StoreResult<()>;

    /// Removes every unreleased candidate involving the person (consent
    /// withdrawn, flagged at risk).
    async fn remove_candidates_of(
        &self,
        audit: &AuditContext,
        person: PersonId,
    ) -> StoreResult<u64>;

    /// Candidates involving one of the scope's persons.
    async fn candidates_for(
        &self,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<Vec<CandidateView>>;

    /// One candidate, when one of its two persons is the scope's.
    async fn candidate(
        &self,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<Option<CandidateView>>;

    /// Sets the scope's side of the review (the sought side when both
    /// persons are the scope's).
    async fn review_candidate(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
        status: CandidateStatus,
        reason: Option<&Text>,
    ) -> StoreResult<CandidateView>;

    /// The scope approves releasing its person's details to the other side.
    /// The consent ledger and flags are checked in the same transaction
    /// with `retrace_domain::consent::release_decision`.
    async fn approve_release(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<(CandidateView, ReleaseOutcome)>;

    /// The other side's person, when released to the scope: as released,
    /// or withdrawn once the disclosure rule no longer allows it (checked
    /// at this read); audited as `released_details_viewed`.
    async fn released_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<Option<ReleasedPerson>>;

    async fn create_message(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        candidate: CandidateId,
        direction: MessageDirection,
        body: &Text,
    ) -> StoreResult<FamilyMessage>;

    /// Moves a message one step (the caller checked the transition).
    async fn advance_message(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: MessageId,
        status: MessageStatus,
    ) -> StoreResult<FamilyMessage>;

    async fn messages(
        &self,
        scope: &OrgScope,
        candidate: CandidateId,
    ) -> StoreResult<Vec<FamilyMessage>>;
}

/// Trace the Face: gallery entries, their media and visitors' reports.
#[async_trait]
pub trait GalleryStore: Send + Sync {
    /// Creates the entry of a request's enquirer. Refused (`Invalid`-like
    /// `Refused`) without an active publication consent; a minor's entry
    /// waits for a second approval. `Conflict { field: "request" }` when the
    /// request already has an entry, `NotFound` for another organisation's
    /// or a closed request.
    async fn create_gallery_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewGalleryEntry,
    ) -> StoreResult<GalleryEntry>;

    /// A second, different staff member approves a minor's entry.
    async fn approve_gallery_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: GalleryEntryId,
    ) -> StoreResult<GalleryEntry>;

    async fn gallery_entry(
        &self,
        scope: &OrgScope,
        id: GalleryEntryId,
    ) -> StoreResult<Option<GalleryEntry>>;

    /// The organisation's entries, newest first.
    async fn gallery_entries(&self, scope: &OrgScope) -> StoreResult<Vec<GalleryEntry>>;

    /// The entry of one request, if any.
    async fn gallery_entry_for_request(
        &self,
        scope: &OrgScope,
        request: RequestId,
    ) -> StoreResult<Option<GalleryEntry>>;

    /// One published entry by its reference.
    async fn published_entry(
        &self,
        reference: &GalleryReference,
    ) -> StoreResult<Option<PublicEntry>>;

    /// Whether `token` names a stored file of one of the scope's entries.
    async fn scoped_media(&self, scope: &OrgScope, token: &str) -> StoreResult<bool>;

    /// Deletes an entry with its audit entry; returns it, so that the
    /// caller deletes its files. Closing a request, flagging a person at
    /// risk and withdrawing a publication consent take entries down in
    /// their own transactions.
    async fn take_down_gallery(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: GalleryEntryId,
    ) -> StoreResult<GalleryEntry>;

    /// A visitor's report about a published entry, queued for the owning
    /// organisation. `NotFound` when no published entry has the reference.
    async fn create_report(
        &self,
        audit: &AuditContext,
        reference: &GalleryReference,
        report: &NewReport,
        stamp: &FormStamp,
    ) -> StoreResult<ReportId>;

    /// The organisation's reports, newest first, optionally of one status.
    async fn reports(
        &self,
        scope: &OrgScope,
        status: Option<ReportStatus>,
        limit: u32,
    ) -> StoreResult<Vec<InformationReport>>;

    /// One report; audited as `information_report_viewed`.
    async fn report(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReportId,
    ) -> StoreResult<Option<InformationReport>>;
    async fn set_report_status(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReportId,
        status: ReportStatus,
    ) -> StoreResult<InformationReport>;
    /// Every published entry, newest first: the public gallery (public
    /// fields only, read by the web layer into its page cache).
    async fn published_entries(&self) -> StoreResult<Vec<PublicEntry>>;
    /// Whether `token` names a stored file of a published entry.
    async fn published_media(&self, token: &str) -> StoreResult<bool>;
    /// Every stored media token, for removing files that no entry owns.
    async fn all_media_tokens(&self) -> StoreResult<Vec<String>>;
}

/// Requests transferred to another country's organisation.
#[async_trait]
pub trait TransferStore: Send + Sync {
    /// Records a transfer of one of the scope's requests to `to_org`,
    /// audited as `request_transferred`. The rules of
    /// `retrace_domain::transfer_decision` are checked in the same
    /// transaction; a refusal is `Refused { field, problem }`.
    async fn transfer_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        request: RequestId,
        to_org: OrgId,
        share: &TransferShare,
    ) -> StoreResult<Transfer>;

    /// The transfers of one of the scope's requests, newest first, revoked
    /// ones included.
    async fn transfers_of_request(
        &self,
        scope: &OrgScope,
        request: RequestId,
    ) -> StoreResult<Vec<Transfer>>;

    /// Transfers to the scope that are not revoked, newest first.
    async fn incoming_transfers(&self, scope: &OrgScope) -> StoreResult<Vec<IncomingTransfer>>;

    /// One transfer to the scope, not revoked, with its shared parts read
    /// now; audited as `transfer_viewed`.
    async fn transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
    ) -> StoreResult<Option<TransferView>>;

    /// The receiver accepts or declines a pending transfer, audited as
    /// `transfer_accepted` or `transfer_declined`. `NotFound` when it is
    /// not the scope's or revoked; `Conflict { field: "status" }` when
    /// already decided.
    async fn decide_transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
        accept: bool,
        reason: Option<&Text>,
    ) -> StoreResult<IncomingTransfer>;

    /// The owner ends a transfer, audited as `transfer_revoked`.
    /// `NotFound` when the scope does not own it; `Conflict { field:
    /// "status" }` when already revoked.
    async fn revoke_transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
    ) -> StoreResult<Transfer>;
}
