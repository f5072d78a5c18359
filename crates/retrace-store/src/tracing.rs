//! What the store keeps for Restoring Family Links: requests, persons,
//! consent ledgers, match candidates and family messages.

use retrace_domain::{
    CandidateId, CandidateStatus, CaseReference, Circumstances, ConsentRecord, CountryCode,
    FieldExplanation, MessageDirection, MessageId, MessageStatus, NewConsent, OrgId, PersonDetails,
    PersonId, RegistrationKind, Relationship, RequestId, RequestStatus, Text, Timestamp, UserId,
};

/// The place of a person in the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonRole {
    Enquirer,
    Sought(Relationship),
    Registered(RegistrationKind),
}

/// A person as stored, with the optimistic-concurrency version that an
/// edit must quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPerson {
    pub id: PersonId,
    pub org: OrgId,
    pub request: Option<RequestId>,
    pub role: PersonRole,
    pub details: PersonDetails,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracingRequest {
    pub id: RequestId,
    pub org: OrgId,
    pub reference: CaseReference,
    pub status: RequestStatus,
    pub circumstances: Circumstances,
    pub enquirer: StoredPerson,
    pub sought: Vec<StoredPerson>,
    /// The caseworker the request is assigned to, if any.
    pub assigned_to: Option<UserId>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub enquirer: PersonDetails,
    pub sought: Vec<(Relationship, PersonDetails)>,
    pub circumstances: Circumstances,
}

/// What another organisation released to the reader, as the disclosure
/// rule (`retrace_domain::may_disclose`) allows it at this read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleasedPerson {
    /// The person as they were when released: later edits reach the
    /// reader only through a new release.
    Shown {
        person: Box<StoredPerson>,
        released_at: Timestamp,
    },
    /// The sharing consent was withdrawn or the person became at risk:
    /// nothing of the release is shown any more, only that and when.
    Withdrawn {
        released_at: Timestamp,
        withdrawn_at: Timestamp,
    },
}

impl ReleasedPerson {
    /// The released person, unless withdrawn.
    pub fn shown(&self) -> Option<&StoredPerson> {
        match self {
            ReleasedPerson::Shown { person, .. } => Some(person.as_ref()),
            ReleasedPerson::Withdrawn { .. } => None,
        }
    }
}

/// The consents recorded as a request is opened, in the same transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpeningConsents {
    /// The enquirer's own consent, when given.
    pub enquirer: Option<NewConsent>,
    /// Recorded for every sought person (tracing in their vital interest).
    pub each_sought: Option<NewConsent>,
}

/// One line of a request list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSummary {
    pub id: RequestId,
    pub reference: CaseReference,
    pub status: RequestStatus,
    pub enquirer_name: String,
    pub sought: Vec<(Relationship, String)>,
    /// The caseworker the request is assigned to, if any.
    pub assigned_to: Option<UserId>,
    /// Candidates of the request's persons that the organisation sees
    /// (its own side of each), and of those still to review.
    pub candidates: CandidateCounts,
    /// Some person of the request is a minor / at risk.
    pub minor: bool,
    pub at_risk: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// How many candidates a list line has, counted on the reader's side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CandidateCounts {
    pub total: u32,
    /// Still `proposed` on the reader's side.
    pub to_review: u32,
}

/// The order of a list of persons. Every order ends on the id, so that
/// pages never overlap or skip a line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    #[default]
    Newest,
    Oldest,
    /// Most recently changed first.
    Updated,
    /// By reference (requests) or by name (registrations).
    Alphabetical,
}

impl ListOrder {
    pub const ALL: [ListOrder; 4] = [
        ListOrder::Newest,
        ListOrder::Oldest,
        ListOrder::Updated,
        ListOrder::Alphabetical,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ListOrder::Newest => "newest",
            ListOrder::Oldest => "oldest",
            ListOrder::Updated => "updated",
            ListOrder::Alphabetical => "alphabetical",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// A protection flag a list can be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagFilter {
    Minor,
    AtRisk,
}

impl FlagFilter {
    pub const ALL: [FlagFilter; 2] = [FlagFilter::Minor, FlagFilter::AtRisk];

    pub fn code(self) -> &'static str {
        match self {
            FlagFilter::Minor => "minor",
            FlagFilter::AtRisk => "at_risk",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// Filters of the registration list; all optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrationFilter {
    /// Case-insensitive substring of any name.
    pub text: Option<String>,
    /// Only these persons (the result of a name search by the matcher).
    pub only: Option<Vec<PersonId>>,
    pub kind: Option<RegistrationKind>,
    pub flag: Option<FlagFilter>,
    /// Only registrations with at least one candidate to review.
    pub to_review: bool,
    pub order: ListOrder,
    pub limit: u32,
    pub offset: u32,
}

/// One line of a registration list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationSummary {
    pub person: StoredPerson,
    pub candidates: CandidateCounts,
}

/// Filters of the request list; all optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// A status code (`open`, `closed`, …).
    pub status: Option<String>,
    /// Any person of the request has this nationality.
    pub nationality: Option<CountryCode>,
    pub opened_from: Option<Timestamp>,
    pub opened_before: Option<Timestamp>,
    /// Case-insensitive substring of the reference or of any name.
    pub text: Option<String>,
    /// Only these requests (the result of a name search by the matcher).
    pub only: Option<Vec<RequestId>>,
    /// Only requests assigned to this caseworker ("my requests").
    pub assigned_to: Option<UserId>,
    /// Only requests with a person so flagged.
    pub flag: Option<FlagFilter>,
    /// Only requests with at least one candidate to review.
    pub to_review: bool,
    pub order: ListOrder,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: RequestStatus,
    pub note: Option<Text>,
    pub at: Timestamp,
    pub by: Option<UserId>,
}

/// A person as the matching index needs it: every organisation's, read by
/// the platform itself to propose candidates. Never rendered as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchablePerson {
    pub id: PersonId,
    pub org: OrgId,
    pub org_country: CountryCode,
    pub request: Option<RequestId>,
    pub role: PersonRole,
    pub request_closed: bool,
    pub details: PersonDetails,
    pub consents: Vec<ConsentRecord>,
}

/// A candidate as computed by the matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCandidate {
    /// The sought person the candidate was found for.
    pub sought: PersonId,
    /// The other record: a registration, or a person of another request.
    pub other: PersonId,
    /// Calibrated probability in thousandths.
    pub score_milli: u16,
    pub explanation: Vec<FieldExplanation>,
}

/// One side's decision on a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub status: CandidateStatus,
    pub reason: Option<Text>,
    pub by: Option<UserId>,
    pub at: Option<Timestamp>,
}

/// One side's release of its person's details to the other side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Release {
    /// Staff of the releasing organisation who approved, in order.
    pub approvals: Vec<UserId>,
    /// Set once the release is complete (two approvals for a minor).
    pub released_at: Option<Timestamp>,
}

/// A candidate as stored. Who may see what of it is decided by the web
/// layer from `sought_org`, `other_org` and the releases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateView {
    pub id: CandidateId,
    pub sought: PersonId,
    pub sought_org: OrgId,
    pub other: PersonId,
    pub other_org: OrgId,
    pub score_milli: u16,
    pub explanation: Vec<FieldExplanation>,
    pub sought_review: Review,
    pub other_review: Review,
    /// The sought side's details released to the other organisation.
    pub sought_release: Release,
    /// The other record's details released to the sought side.
    pub other_release: Release,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What an approval of a release achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseOutcome {
    Released,
    AwaitingSecondApproval,
    Refused(retrace_domain::ReleaseRefusal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyMessage {
    pub id: MessageId,
    pub candidate: CandidateId,
    pub direction: MessageDirection,
    pub body: Text,
    pub status: MessageStatus,
    pub history: Vec<(MessageStatus, Timestamp, Option<UserId>)>,
    pub created_at: Timestamp,
}
