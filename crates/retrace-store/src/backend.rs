//! Helpers shared by the backends: turning plain column values into domain
//! values and back, and the audit-chain bookkeeping. Nothing here knows SQL
//! or a driver; each backend reads its rows into the plain `*Row` structs
//! below and hands them over, so both backends parse stored data the same
//! way and compute the chain the same way.

use crate::{
    ApiToken, AuditContext, AuditEntry, AuditEvent, AuditVerification, CandidateCounts,
    CandidateView, FamilyMessage, MatchablePerson, Membership, Organisation, PersonRole, Release,
    ReleaseOutcome, RequestSummary, Review, SessionRecord, StatusChange, StoreError, StoreResult,
    StoredPerson, TracingRequest, UserAccount,
};
use retrace_domain::consent::release_decision;
use retrace_domain::{
    ApiTokenId, AuditAction, AuditRecord, CandidateStatus, CaseReference, ChainHash, ConsentBasis,
    ConsentLedger, ConsentPurpose, ConsentRecord, CountryCode, DisplayName, Email,
    FieldExplanation, MessageDirection, MessageStatus, NewConsent, OrgId, OrgKind, OrgName,
    PersonDetails, PersonId, RegistrationKind, Relationship, ReleaseDecision, RequestId,
    RequestStatus, RoleSet, SharingScope, Text, Timestamp, UserId,
};
use std::str::FromStr;

/// The key that makes organisation names unique regardless of case. Kept
/// in its own column with a unique constraint, computed here rather than
/// with SQL `lower()`, which on SQLite folds ASCII letters only.
pub fn org_name_key(name: &OrgName) -> String {
    name.as_str().to_lowercase()
}

pub(crate) fn corrupt(table: &'static str, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: detail.into(),
    }
}

pub(crate) fn parse_id<T: FromStr>(
    table: &'static str,
    column: &str,
    value: &str,
) -> StoreResult<T> {
    value
        .parse()
        .map_err(|_| corrupt(table, format!("{column} is not an identifier")))
}

#[derive(Debug, Clone)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub created_at: i64,
}

impl OrgRow {
    pub fn into_organisation(self) -> StoreResult<Organisation> {
        const T: &str = "organisations";
        Ok(Organisation {
            id: parse_id(T, "id", &self.id)?,
            name: OrgName::parse(&self.name).map_err(|e| corrupt(T, e.to_string()))?,
            kind: OrgKind::parse(&self.kind).map_err(|e| corrupt(T, e.to_string()))?,
            country: CountryCode::parse(&self.country).map_err(|e| corrupt(T, e.to_string()))?,
            created_at: Timestamp::from_millis(self.created_at),
        })
    }
}

/// How a [`Membership`] is stored: an organisation and a role list for a
/// member, neither for an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipColumns {
    pub org_id: Option<String>,
    pub roles: Option<String>,
    pub is_operator: bool,
}

pub fn membership_columns(membership: &Membership) -> MembershipColumns {
    match membership {
        Membership::Member { org, roles } => MembershipColumns {
            org_id: Some(org.to_string()),
            roles: Some(roles.to_list()),
            is_operator: false,
        },
        Membership::Operator => MembershipColumns {
            org_id: None,
            roles: None,
            is_operator: true,
        },
    }
}

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub org_id: Option<String>,
    pub roles: Option<String>,
    pub is_operator: bool,
    pub password_hash: String,
    pub totp_secret_sealed: Option<String>,
    pub disabled: bool,
    pub failed_sign_ins: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub password_changed_at: i64,
}

impl UserRow {
    pub fn into_account(self) -> StoreResult<UserAccount> {
        const T: &str = "users";
        let membership = match (self.is_operator, self.org_id, self.roles) {
            (true, None, None) => Membership::Operator,
            (false, Some(org), Some(roles)) => Membership::Member {
                org: parse_id(T, "org_id", &org)?,
                roles: RoleSet::parse_list(&roles).map_err(|e| corrupt(T, e.to_string()))?,
            },
            _ => return Err(corrupt(T, "inconsistent membership columns")),
        };
        Ok(UserAccount {
            id: parse_id(T, "id", &self.id)?,
            email: Email::parse(&self.email).map_err(|e| corrupt(T, e.to_string()))?,
            display_name: DisplayName::parse(&self.display_name)
                .map_err(|e| corrupt(T, e.to_string()))?,
            membership,
            password_hash: self.password_hash,
            totp_secret_sealed: self.totp_secret_sealed,
            disabled: self.disabled,
            failed_sign_ins: count(T, self.failed_sign_ins)?,
            locked_until: self.locked_until.map(Timestamp::from_millis),
            created_at: Timestamp::from_millis(self.created_at),
            password_changed_at: Timestamp::from_millis(self.password_changed_at),
        })
    }
}

/// A stored counter as `u32`; a negative or huge value is corruption.
pub fn count(table: &'static str, value: i64) -> StoreResult<u32> {
    u32::try_from(value).map_err(|_| corrupt(table, "counter out of range"))
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub second_factor_done: bool,
}

impl SessionRow {
    pub fn into_session(self) -> StoreResult<SessionRecord> {
        Ok(SessionRecord {
            token_hash: self.token_hash,
            user: parse_id::<UserId>("sessions", "user_id", &self.user_id)?,
            created_at: Timestamp::from_millis(self.created_at),
            last_seen_at: Timestamp::from_millis(self.last_seen_at),
            second_factor_done: self.second_factor_done,
        })
    }
}

#[derive(Debug, Clone)]
pub struct ApiTokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub scopes: String,
    pub expires_at: Option<i64>,
}

impl ApiTokenRow {
    pub fn into_token(self) -> StoreResult<ApiToken> {
        const T: &str = "api_tokens";
        Ok(ApiToken {
            id: parse_id::<ApiTokenId>(T, "id", &self.id)?,
            user: parse_id::<UserId>(T, "user_id", &self.user_id)?,
            name: self.name,
            created_at: Timestamp::from_millis(self.created_at),
            last_used_at: self.last_used_at.map(Timestamp::from_millis),
            revoked_at: self.revoked_at.map(Timestamp::from_millis),
            scopes: retrace_domain::ApiScopes::parse(&self.scopes)
                .map_err(|e| corrupt(T, format!("scopes: {e}")))?,
            expires_at: self.expires_at.map(Timestamp::from_millis),
        })
    }
}

/// One stored audit entry, exactly as read back.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor: Option<String>,
    pub org_id: Option<String>,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub purpose: Option<String>,
    pub previous_hash: String,
    pub hash: String,
}

impl AuditRow {
    fn record(&self) -> Result<AuditRecord, String> {
        let actor = match &self.actor {
            Some(text) => Some(
                text.parse::<UserId>()
                    .map_err(|_| "actor is not an identifier".to_owned())?,
            ),
            None => None,
        };
        let org = match &self.org_id {
            Some(text) => Some(
                text.parse::<OrgId>()
                    .map_err(|_| "organisation is not an identifier".to_owned())?,
            ),
            None => None,
        };
        Ok(AuditRecord {
            seq: self.seq,
            at: Timestamp::from_millis(self.at),
            actor,
            org,
            action: self.action.clone(),
            object_kind: self.object_kind.clone(),
            object_id: self.object_id.clone(),
            purpose: self.purpose.clone(),
        })
    }

    pub fn into_entry(self) -> StoreResult<AuditEntry> {
        const T: &str = "audit_log";
        let record = self.record().map_err(|detail| corrupt(T, detail))?;
        let previous_hash = ChainHash::from_hex(&self.previous_hash)
            .ok_or_else(|| corrupt(T, "previous_hash is not a hash"))?;
        let hash =
            ChainHash::from_hex(&self.hash).ok_or_else(|| corrupt(T, "hash is not a hash"))?;
        Ok(AuditEntry {
            record,
            previous_hash,
            hash,
        })
    }
}

/// The newest entry of the chain as stored in the chain-head row: the
/// sequence number and hash that the next entry builds on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    pub const EMPTY_SEQ: i64 = 0;

    pub fn empty() -> Self {
        Self {
            seq: Self::EMPTY_SEQ,
            hash: ChainHash::GENESIS.to_hex(),
        }
    }
}

/// The entry to append after `head`. The backend must have read `head`
/// inside the transaction that inserts the entry, under a lock that
/// serialises appends.
pub fn next_audit_entry(
    head: &ChainHead,
    context: &AuditContext,
    event: &AuditEvent,
) -> StoreResult<AuditEntry> {
    let previous_hash = ChainHash::from_hex(&head.hash)
        .ok_or_else(|| corrupt("audit_head", "hash is not a hash"))?;
    let record = AuditRecord {
        seq: head.seq + 1,
        at: context.at,
        actor: context.actor,
        org: context.org,
        action: event.action.as_str().to_owned(),
        object_kind: event.object_kind.as_str().to_owned(),
        object_id: event.object_id.clone(),
        purpose: context.purpose.clone(),
    };
    let hash = record.chain_hash(&previous_hash);
    Ok(AuditEntry {
        record,
        previous_hash,
        hash,
    })
}

/// The columns to store for an entry made by [`next_audit_entry`].
pub fn audit_row(entry: &AuditEntry) -> AuditRow {
    let record = &entry.record;
    AuditRow {
        seq: record.seq,
        at: record.at.as_millis(),
        actor: record.actor.map(|id| id.to_string()),
        org_id: record.org.map(|id| id.to_string()),
        action: record.action.clone(),
        object_kind: record.object_kind.clone(),
        object_id: record.object_id.clone(),
        purpose: record.purpose.clone(),
        previous_hash: entry.previous_hash.to_hex(),
        hash: entry.hash.to_hex(),
    }
}

/// Walks the chain in sequence order, one row at a time, so a backend can
/// feed it in pages without holding the whole log in memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    previous: ChainHash,
    last_seq: i64,
    checked: u64,
    broken: Option<(i64, String)>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self {
            previous: ChainHash::GENESIS,
            last_seq: ChainHead::EMPTY_SEQ,
            checked: 0,
            broken: None,
        }
    }

    /// The sequence number of the last entry checked: the next page starts
    /// after it.
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// False once an entry failed: there is no point reading further.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }

    pub fn check(&mut self, row: &AuditRow) {
        if self.broken.is_some() {
            return;
        }
        let expected = self.last_seq + 1;
        if row.seq != expected {
            self.broken = Some((
                expected,
                format!(
                    "entry {expected} is missing (the next entry is {})",
                    row.seq
                ),
            ));
            return;
        }
        let record = match row.record() {
            Ok(record) => record,
            Err(reason) => {
                self.broken = Some((row.seq, reason));
                return;
            }
        };
        if ChainHash::from_hex(&row.previous_hash) != Some(self.previous) {
            self.broken = Some((
                row.seq,
                "previous hash does not match the entry before it".to_owned(),
            ));
            return;
        }
        let hash = record.chain_hash(&self.previous);
        if ChainHash::from_hex(&row.hash) != Some(hash) {
            self.broken = Some((
                row.seq,
                "stored hash does not match the entry's contents".to_owned(),
            ));
            return;
        }
        self.previous = hash;
        self.last_seq = row.seq;
        self.checked += 1;
    }

    /// The verdict, given the chain-head row: entries removed from the end
    /// of the log leave the head pointing past the last entry.
    pub fn finish(self, head: &ChainHead) -> AuditVerification {
        if let Some((seq, reason)) = self.broken {
            return AuditVerification::Broken { seq, reason };
        }
        if head.seq != self.last_seq || ChainHash::from_hex(&head.hash) != Some(self.previous) {
            let seq = self.last_seq + 1;
            return AuditVerification::Broken {
                seq,
                reason: format!(
                    "the chain ends at entry {} but the chain head records entry {}",
                    self.last_seq, head.seq
                ),
            };
        }
        AuditVerification::Intact {
            entries: self.checked,
            head: self.previous,
        }
    }
}

// Restoring Family Links: the columns both backends store for requests,
// persons, consents, candidates and messages, and their parsing. Structured
// values (person details, circumstances, consent terms, explanations,
// approvals) are stored as JSON text written and read here only, so both
// backends store and parse them byte for byte the same way.

/// Serialises a value for a JSON text column.
pub fn to_json<T: serde::Serialize>(table: &'static str, value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| corrupt(table, format!("cannot encode: {e}")))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    column: &str,
    text: &str,
) -> StoreResult<T> {
    // The serde error may quote stored values: keep only its position.
    serde_json::from_str(text).map_err(|e| {
        corrupt(
            table,
            format!(
                "{column} is not valid JSON for its type (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })
}

/// Stored free text back into [`Text`]: it was a `Text` when written, so
/// this only fails on rows changed behind the store's back.
pub(crate) fn stored_text(
    table: &'static str,
    column: &'static str,
    value: &str,
) -> StoreResult<Text> {
    Text::parse(column, value, usize::MAX, true).map_err(|e| corrupt(table, e.to_string()))
}

fn timestamp(value: Option<i64>) -> Option<Timestamp> {
    value.map(Timestamp::from_millis)
}

pub(crate) fn parse_opt_id<T: FromStr>(
    table: &'static str,
    column: &str,
    value: Option<&str>,
) -> StoreResult<Option<T>> {
    value.map(|v| parse_id(table, column, v)).transpose()
}

/// The searchable columns derived from a person's details. `search_text`
/// holds every name lower-cased in Rust (SQL `lower()` folds ASCII only on
/// SQLite), one per line; `nationalities` is `,SY,LB,` so that a
/// nationality is found with `LIKE '%,SY,%'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonColumns {
    pub details: String,
    pub search_text: String,
    pub nationalities: String,
    pub at_risk: bool,
    pub minor: bool,
}

pub fn person_columns(details: &PersonDetails) -> StoreResult<PersonColumns> {
    let search_text = details
        .names()
        .iter()
        .map(|name| name.full().to_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    let mut nationalities = String::from(",");
    for code in &details.nationalities {
        nationalities.push_str(code.as_str());
        nationalities.push(',');
    }
    Ok(PersonColumns {
        details: to_json("persons", details)?,
        search_text,
        nationalities,
        at_risk: details.flags.at_risk,
        minor: details.flags.minor,
    })
}

/// The `LIKE` pattern (with `\` as escape character) for a nationality.
pub fn nationality_pattern(code: CountryCode) -> String {
    format!("%,{},%", code.as_str())
}

/// The `LIKE` pattern (with `\` as escape character) for a case-insensitive
/// substring search in `search_text` or a lower-cased reference.
pub fn text_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// How a [`PersonRole`] is stored: a role code and the relationship or
/// registration kind that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleColumns {
    pub role: &'static str,
    pub relationship: Option<&'static str>,
    pub registration_kind: Option<&'static str>,
}

pub fn role_columns(role: PersonRole) -> RoleColumns {
    match role {
        PersonRole::Enquirer => RoleColumns {
            role: "enquirer",
            relationship: None,
            registration_kind: None,
        },
        PersonRole::Sought(relationship) => RoleColumns {
            role: "sought",
            relationship: Some(relationship.as_str()),
            registration_kind: None,
        },
        PersonRole::Registered(kind) => RoleColumns {
            role: "registered",
            relationship: None,
            registration_kind: Some(kind.as_str()),
        },
    }
}

#[derive(Debug, Clone)]
pub struct PersonRow {
    pub id: String,
    pub org_id: String,
    pub request_id: Option<String>,
    pub role: String,
    pub relationship: Option<String>,
    pub registration_kind: Option<String>,
    pub details: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl PersonRow {
    fn role(&self) -> StoreResult<PersonRole> {
        const T: &str = "persons";
        match (
            self.role.as_str(),
            self.relationship.as_deref(),
            self.registration_kind.as_deref(),
        ) {
            ("enquirer", None, None) => Ok(PersonRole::Enquirer),
            ("sought", Some(relationship), None) => Ok(PersonRole::Sought(
                Relationship::parse(relationship).map_err(|e| corrupt(T, e.to_string()))?,
            )),
            ("registered", None, Some(kind)) => Ok(PersonRole::Registered(
                RegistrationKind::parse(kind).map_err(|e| corrupt(T, e.to_string()))?,
            )),
            _ => Err(corrupt(T, "inconsistent role columns")),
        }
    }

    pub fn into_person(self) -> StoreResult<StoredPerson> {
        const T: &str = "persons";
        Ok(StoredPerson {
            id: parse_id(T, "id", &self.id)?,
            org: parse_id(T, "org_id", &self.org_id)?,
            request: parse_opt_id(T, "request_id", self.request_id.as_deref())?,
            role: self.role()?,
            details: from_json(T, "details", &self.details)?,
            version: self.version,
            created_at: Timestamp::from_millis(self.created_at),
            updated_at: Timestamp::from_millis(self.updated_at),
        })
    }
}

/// The UTC year of a timestamp, for case references.
pub fn reference_year(at: Timestamp) -> StoreResult<u16> {
    u16::try_from(at.to_offset_date_time().year())
        .map_err(|_| corrupt("tracing_requests", "year out of range"))
}

/// The reference for the `number`th request of a country and year (more
/// than five digits past 99,999); `Conflict { field: "reference" }` past
/// [`CaseReference::MAX_NUMBER`].
pub fn case_reference(country: CountryCode, year: u16, number: i64) -> StoreResult<CaseReference> {
    let number = u32::try_from(number).map_err(|_| StoreError::Conflict { field: "reference" })?;
    CaseReference::new(country, year, number)
        .map_err(|_| StoreError::Conflict { field: "reference" })
}

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: String,
    pub org_id: String,
    pub reference: String,
    pub status: String,
    pub closure_reason: Option<String>,
    pub circumstances: String,
    pub version: i64,
    pub assigned_to: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A request's persons in stored order: the enquirer and the sought.
/// What a list line says of the request behind it (a gallery entry, a
/// report): its enquirer's name, the flags of any of its persons and its
/// candidate counts.
pub fn request_line(
    persons: Vec<StoredPerson>,
    candidates: CandidateCounts,
) -> StoreResult<crate::RequestLine> {
    let (enquirer, sought) = split_persons(persons)?;
    let all = || std::iter::once(&enquirer).chain(sought.iter());
    Ok(crate::RequestLine {
        enquirer_name: enquirer.details.primary_name().to_owned(),
        minor: all().any(|p| p.details.flags.minor),
        at_risk: all().any(|p| p.details.flags.at_risk),
        candidates,
    })
}

fn split_persons(persons: Vec<StoredPerson>) -> StoreResult<(StoredPerson, Vec<StoredPerson>)> {
    let mut enquirer = None;
    let mut sought = Vec::new();
    for person in persons {
        match person.role {
            PersonRole::Enquirer if enquirer.is_none() => enquirer = Some(person),
            PersonRole::Sought(_) => sought.push(person),
            _ => return Err(corrupt("persons", "unexpected person in a request")),
        }
    }
    let enquirer = enquirer.ok_or_else(|| corrupt("persons", "a request has no enquirer"))?;
    Ok((enquirer, sought))
}

impl RequestRow {
    /// The request's id, reference and status, for a line that names it.
    pub fn heading(&self) -> StoreResult<(RequestId, CaseReference, RequestStatus)> {
        Ok((
            parse_id("tracing_requests", "id", &self.id)?,
            self.reference()?,
            self.status()?,
        ))
    }

    fn status(&self) -> StoreResult<RequestStatus> {
        RequestStatus::parse(&self.status, self.closure_reason.as_deref())
            .map_err(|e| corrupt("tracing_requests", e.to_string()))
    }

    fn reference(&self) -> StoreResult<CaseReference> {
        CaseReference::parse(&self.reference)
            .map_err(|e| corrupt("tracing_requests", e.to_string()))
    }

    /// The request with its persons (those whose `request_id` is this one,
    /// in stored order).
    pub fn into_request(self, persons: Vec<StoredPerson>) -> StoreResult<TracingRequest> {
        const T: &str = "tracing_requests";
        let (enquirer, sought) = split_persons(persons)?;
        Ok(TracingRequest {
            id: parse_id(T, "id", &self.id)?,
            org: parse_id(T, "org_id", &self.org_id)?,
            reference: self.reference()?,
            status: self.status()?,
            circumstances: from_json(T, "circumstances", &self.circumstances)?,
            enquirer,
            sought,
            assigned_to: self.assigned_to()?,
            version: self.version,
            created_at: Timestamp::from_millis(self.created_at),
            updated_at: Timestamp::from_millis(self.updated_at),
        })
    }

    fn assigned_to(&self) -> StoreResult<Option<UserId>> {
        self.assigned_to
            .as_deref()
            .map(|id| parse_id("tracing_requests", "assigned_to", id))
            .transpose()
    }

    /// One list line: the request's persons and its candidate counts.
    pub fn into_summary(
        self,
        persons: Vec<StoredPerson>,
        candidates: CandidateCounts,
    ) -> StoreResult<RequestSummary> {
        const T: &str = "tracing_requests";
        let (enquirer, sought) = split_persons(persons)?;
        let flagged = |flag: fn(&StoredPerson) -> bool| flag(&enquirer) || sought.iter().any(flag);
        let minor = flagged(|p| p.details.flags.minor);
        let at_risk = flagged(|p| p.details.flags.at_risk);
        let sought = sought
            .iter()
            .filter_map(|p| match p.role {
                PersonRole::Sought(relationship) => {
                    Some((relationship, p.details.primary_name().to_owned()))
                }
                _ => None,
            })
            .collect();
        Ok(RequestSummary {
            id: parse_id(T, "id", &self.id)?,
            reference: self.reference()?,
            status: self.status()?,
            enquirer_name: enquirer.details.primary_name().to_owned(),
            sought,
            assigned_to: self.assigned_to()?,
            candidates,
            minor,
            at_risk,
            created_at: Timestamp::from_millis(self.created_at),
            updated_at: Timestamp::from_millis(self.updated_at),
        })
    }
}

/// Groups persons read for several requests by request id, keeping order.
pub fn persons_by_request(
    persons: Vec<StoredPerson>,
) -> std::collections::HashMap<RequestId, Vec<StoredPerson>> {
    let mut map: std::collections::HashMap<RequestId, Vec<StoredPerson>> =
        std::collections::HashMap::new();
    for person in persons {
        if let Some(request) = person.request {
            map.entry(request).or_default().push(person);
        }
    }
    map
}

#[derive(Debug, Clone)]
pub struct StatusRow {
    pub status: String,
    pub closure_reason: Option<String>,
    pub note: Option<String>,
    pub at: i64,
    pub by: Option<String>,
}

impl StatusRow {
    pub fn into_change(self) -> StoreResult<StatusChange> {
        const T: &str = "request_status_history";
        Ok(StatusChange {
            status: RequestStatus::parse(&self.status, self.closure_reason.as_deref())
                .map_err(|e| corrupt(T, e.to_string()))?,
            note: self
                .note
                .as_deref()
                .map(|n| stored_text(T, "note", n))
                .transpose()?,
            at: Timestamp::from_millis(self.at),
            by: parse_opt_id(T, "by", self.by.as_deref())?,
        })
    }
}

/// What a consent entry says besides who, when and its withdrawal.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct ConsentTerms {
    basis: ConsentBasis,
    scope: SharingScope,
    note: Option<Text>,
}

/// The JSON `terms` column of a consent entry.
pub fn consent_terms(consent: &NewConsent) -> StoreResult<String> {
    to_json(
        "consents",
        &ConsentTerms {
            basis: consent.basis,
            scope: consent.scope.clone(),
            note: consent.note.clone(),
        },
    )
}

#[derive(Debug, Clone)]
pub struct ConsentRow {
    pub id: String,
    pub person_id: String,
    pub purpose: String,
    pub terms: String,
    pub recorded_by: String,
    pub recorded_at: i64,
    pub withdrawn_at: Option<i64>,
    pub withdrawn_by: Option<String>,
}

impl ConsentRow {
    pub fn into_record(self) -> StoreResult<ConsentRecord> {
        const T: &str = "consents";
        let terms: ConsentTerms = from_json(T, "terms", &self.terms)?;
        Ok(ConsentRecord {
            id: parse_id(T, "id", &self.id)?,
            person: parse_id(T, "person_id", &self.person_id)?,
            purpose: ConsentPurpose::parse(&self.purpose).map_err(|e| corrupt(T, e.to_string()))?,
            basis: terms.basis,
            scope: terms.scope,
            note: terms.note,
            recorded_by: parse_id(T, "recorded_by", &self.recorded_by)?,
            recorded_at: Timestamp::from_millis(self.recorded_at),
            withdrawn_at: timestamp(self.withdrawn_at),
            withdrawn_by: parse_opt_id(T, "withdrawn_by", self.withdrawn_by.as_deref())?,
        })
    }
}

/// A person for the matching index: the person row, its organisation's
/// country, whether its request is closed, and its consent ledger.
pub fn matchable(
    person: PersonRow,
    org_country: &str,
    request_status: Option<&str>,
    consents: Vec<ConsentRecord>,
) -> StoreResult<MatchablePerson> {
    let person = person.into_person()?;
    Ok(MatchablePerson {
        id: person.id,
        org: person.org,
        org_country: CountryCode::parse(org_country)
            .map_err(|e| corrupt("organisations", e.to_string()))?,
        request: person.request,
        role: person.role,
        request_closed: request_status == Some("closed"),
        details: person.details,
        consents,
    })
}

/// The JSON `explanation` column of a candidate.
pub fn explanation_json(explanation: &[FieldExplanation]) -> StoreResult<String> {
    to_json("candidates", &explanation)
}

/// The JSON column of a release's approvals.
pub fn approvals_json(approvals: &[UserId]) -> StoreResult<String> {
    to_json("candidates", &approvals)
}

/// The JSON of no approvals yet.
pub const NO_APPROVALS: &str = "[]";

#[derive(Debug, Clone)]
pub struct ReviewColumns {
    pub status: String,
    pub reason: Option<String>,
    pub by: Option<String>,
    pub at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct ReleaseColumns {
    pub approvals: String,
    pub released_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub id: String,
    pub sought_id: String,
    pub sought_org: String,
    pub other_id: String,
    pub other_org: String,
    pub score_milli: i64,
    pub explanation: String,
    pub sought_review: ReviewColumns,
    pub other_review: ReviewColumns,
    pub sought_release: ReleaseColumns,
    pub other_release: ReleaseColumns,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ReviewColumns {
    fn into_review(self) -> StoreResult<Review> {
        const T: &str = "candidates";
        Ok(Review {
            status: CandidateStatus::parse(&self.status).map_err(|e| corrupt(T, e.to_string()))?,
            reason: self
                .reason
                .as_deref()
                .map(|r| stored_text(T, "reason", r))
                .transpose()?,
            by: parse_opt_id(T, "reviewed_by", self.by.as_deref())?,
            at: timestamp(self.at),
        })
    }
}

impl ReleaseColumns {
    fn into_release(self) -> StoreResult<Release> {
        Ok(Release {
            approvals: from_json("candidates", "approvals", &self.approvals)?,
            released_at: timestamp(self.released_at),
        })
    }
}

impl CandidateRow {
    pub fn into_view(self) -> StoreResult<CandidateView> {
        const T: &str = "candidates";
        Ok(CandidateView {
            id: parse_id(T, "id", &self.id)?,
            sought: parse_id(T, "sought_id", &self.sought_id)?,
            sought_org: parse_id(T, "sought_org", &self.sought_org)?,
            other: parse_id(T, "other_id", &self.other_id)?,
            other_org: parse_id(T, "other_org", &self.other_org)?,
            score_milli: u16::try_from(self.score_milli)
                .map_err(|_| corrupt(T, "score out of range"))?,
            explanation: from_json(T, "explanation", &self.explanation)?,
            sought_review: self.sought_review.into_review()?,
            other_review: self.other_review.into_review()?,
            sought_release: self.sought_release.into_release()?,
            other_release: self.other_release.into_release()?,
            created_at: Timestamp::from_millis(self.created_at),
            updated_at: Timestamp::from_millis(self.updated_at),
        })
    }
}

/// Which side of a candidate an organisation acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Sought,
    Other,
}

impl Side {
    /// The column prefix of this side (`sought_…`, `other_…`).
    pub fn prefix(self) -> &'static str {
        match self {
            Side::Sought => "sought",
            Side::Other => "other",
        }
    }
}

/// The side `org` acts for on a candidate: the sought side when both
/// persons are its own; `None` when neither is.
pub fn side_of(candidate: &CandidateView, org: OrgId) -> Option<Side> {
    if candidate.sought_org == org {
        Some(Side::Sought)
    } else if candidate.other_org == org {
        Some(Side::Other)
    } else {
        None
    }
}

/// A release the scope's side asks for: whose details, to which
/// organisation, and the approvals so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRelease {
    pub side: Side,
    pub person: PersonId,
    pub to_org: OrgId,
    pub approvals: Vec<UserId>,
    pub already_released: bool,
}

pub fn planned_release(candidate: &CandidateView, org: OrgId) -> Option<PlannedRelease> {
    let side = side_of(candidate, org)?;
    let (person, to_org, release) = match side {
        Side::Sought => (
            candidate.sought,
            candidate.other_org,
            &candidate.sought_release,
        ),
        Side::Other => (
            candidate.other,
            candidate.sought_org,
            &candidate.other_release,
        ),
    };
    Some(PlannedRelease {
        side,
        person,
        to_org,
        approvals: release.approvals.clone(),
        already_released: release.released_at.is_some(),
    })
}

/// Applies `release_decision` to one more approval by `approver`. Returns
/// the outcome and, unless refused, the approvals to store.
pub fn decide_release(
    details: &PersonDetails,
    consents: &[ConsentRecord],
    to_org: OrgId,
    to_country: CountryCode,
    approvals: &[UserId],
    approver: UserId,
) -> (ReleaseOutcome, Option<Vec<UserId>>) {
    let mut approvals = approvals.to_vec();
    approvals.push(approver);
    match release_decision(
        details.flags,
        ConsentLedger(consents),
        to_org,
        to_country,
        &approvals,
    ) {
        ReleaseDecision::Allowed => (ReleaseOutcome::Released, Some(approvals)),
        ReleaseDecision::NeedsSecondApproval => {
            (ReleaseOutcome::AwaitingSecondApproval, Some(approvals))
        }
        ReleaseDecision::Refused(refusal) => (ReleaseOutcome::Refused(refusal), None),
    }
}

/// The person released to `org` on a candidate, when there is one: the
/// other side's person with its release complete.
pub fn released_to(candidate: &CandidateView, org: OrgId) -> Option<PersonId> {
    match side_of(candidate, org)? {
        Side::Sought => candidate.other_release.released_at.map(|_| candidate.other),
        Side::Other => candidate
            .sought_release
            .released_at
            .map(|_| candidate.sought),
    }
}

/// The audit action of a message reaching `status`.
pub fn message_action(status: MessageStatus) -> AuditAction {
    match status {
        MessageStatus::Drafted => AuditAction::MessageDrafted,
        MessageStatus::Sent => AuditAction::MessageSent,
        MessageStatus::Delivered => AuditAction::MessageDelivered,
        MessageStatus::Replied => AuditAction::MessageReplied,
    }
}

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: String,
    pub candidate_id: String,
    pub direction: String,
    pub body: String,
    pub status: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct MessageHistoryRow {
    pub status: String,
    pub at: i64,
    pub by: Option<String>,
}

impl MessageRow {
    pub fn status(&self) -> StoreResult<MessageStatus> {
        MessageStatus::parse(&self.status).map_err(|e| corrupt("family_messages", e.to_string()))
    }

    pub fn into_message(self, history: Vec<MessageHistoryRow>) -> StoreResult<FamilyMessage> {
        const T: &str = "family_messages";
        let history = history
            .into_iter()
            .map(|h| {
                Ok((
                    MessageStatus::parse(&h.status).map_err(|e| corrupt(T, e.to_string()))?,
                    Timestamp::from_millis(h.at),
                    parse_opt_id(T, "by", h.by.as_deref())?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(FamilyMessage {
            id: parse_id(T, "id", &self.id)?,
            candidate: parse_id(T, "candidate_id", &self.candidate_id)?,
            direction: MessageDirection::parse(&self.direction)
                .map_err(|e| corrupt(T, e.to_string()))?,
            status: self.status()?,
            body: stored_text(T, "body", &self.body)?,
            history,
            created_at: Timestamp::from_millis(self.created_at),
        })
    }
}
