//! The words of retrace as types: identifiers, validated values, roles and
//! permissions, the audit-chain rule and the clock.
//!
//! Key design decision: this crate does no I/O. Every value that crosses a
//! trust boundary is parsed into a type here once (`Email::parse`,
//! `CountryCode::parse`, `NewPassword::parse`), so the rest of the code never
//! handles an unchecked string where a checked value is meant.

pub mod api_scope;
pub mod audit;
pub mod candidate;
pub mod clock;
pub mod consent;
pub mod dates;
pub mod digest;
pub mod directory;
pub mod disclosure;
pub mod gallery;
pub mod ids;
pub mod indicator;
pub mod library;
pub mod network;
pub mod org;
pub mod outreach;
pub mod password;
pub mod person;
pub mod practice;
pub mod problem;
pub mod referral;
pub mod retention;
pub mod toolbox;
pub mod tracing;
pub mod transfer;
pub mod user;
pub mod work;

pub use api_scope::{ApiScope, ApiScopes};
pub use audit::{AuditAction, AuditRecord, ChainHash, ObjectKind};
pub use candidate::{
    Agreement, CandidateStatus, FieldExplanation, MessageDirection, MessageStatus, ScoreBand,
};
pub use clock::{Clock, SystemClock, Timestamp};
pub use consent::{
    ConsentBasis, ConsentGiver, ConsentLedger, ConsentMethod, ConsentPurpose, ConsentRecord,
    LawfulBasis, NewConsent, ReleaseDecision, ReleaseRefusal, SharingScope,
};
pub use dates::{AgeEstimate, PartialDate};
pub use digest::{DIGEST_LEASE_MILLIS, DigestFrequency, DigestLanguage, digest_retry_millis};
pub use disclosure::{Audience, Withheld, may_disclose, may_show_in_gallery};
pub use gallery::{
    EntryStatus, GalleryReference, PublicationDecision, PublicationRefusal, Region, ReportStatus,
    publication_decision,
};
pub use ids::{
    ApiTokenId, CandidateId, ConsentId, DirectoryEntryId, DocumentId, ExportId, GalleryEntryId,
    MessageId, OrgId, PersonId, ReferralId, ReferralStepId, ReportId, RequestId, SecurityEventId,
    ToolEntryId, TransferId, UserId,
};
pub use ids::{
    FollowUpId, NetworkId, NetworkPostId, OutreachConflictId, OutreachSessionId, PracticeId,
};
pub use indicator::{ActivityType, EnteredFigure, Figure, FigureGroup, Source};
pub use network::{
    Follow, JointAction, MemberRole, NetworkName, NewPost, PostKind, PostRefusal,
    may_manage_members, post_decision,
};
pub use org::{CountryCode, OrgKind, OrgName, PublicContact, PublicPhone};
pub use outreach::{
    AgeBand, FollowUpOutcome, FollowUpRequest, LanguageCode, OutreachSessionData, PlaceKind,
    ReachedGroup, Referral, SessionProblem, SyncDecision, TopicCode,
};
pub use password::{NewPassword, PasswordError};
pub use person::{
    NameInput, NameKind, PersonDetails, PersonFlags, PersonName, Relationship, Script, Sex, Text,
};
pub use practice::{
    Cost, GcmObjective, GivenReview, NewPractice, PracticeStatus, PracticeText, PublishRefusal,
    REVIEWS_NEEDED, ReviewRefusal, RouteStage, SupportType, Verdict, approved, may_moderate,
    publish_decision, review_decision,
};
pub use problem::{Choice, FieldError, Problem, ProblemArg, Problems, Unparsed};
pub use referral::{
    EventKind, Outcome, ReferralRefusal, ReferralShare, ReferralStatus, RiskAssessment, RiskLevel,
    Service, Side, SopStep, Stage, StageRefusal, StepState, Urgency, may_work_stage,
    parse_services, parse_sop_steps, receiver_may_see_person, referral_decision, stage_may_close,
};
pub use retention::{RetentionError, RetentionKind, RetentionLimits, RetentionPeriod};
pub use toolbox::{
    FieldKind, RawValue, ToolDefinition, ToolError, ToolField, Translated, builtin_tools,
};
pub use tracing::{
    CaseReference, Circumstances, ClosureReason, LastNews, RegistrationKind, RequestStatus,
    SeparationContext,
};
pub use transfer::{
    TransferParties, TransferRefusal, TransferShare, TransferStatus, transfer_decision,
};
pub use user::{DisplayName, Email, Role, RoleSet};
pub use work::{NETWORK_POST_DAYS, QUIET_AFTER_DAYS, RECENT_RELEASE_DAYS, WorkKind};

/// A value that failed to parse, naming the field and what is wrong with it
/// (a `Problem`: a code with parameters, translated where it is shown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InvalidValue {
    pub field: &'static str,
    pub problem: Problem,
}

impl InvalidValue {
    pub fn new(field: &'static str, problem: impl Into<Problem>) -> Self {
        Self {
            field,
            problem: problem.into(),
        }
    }
}
