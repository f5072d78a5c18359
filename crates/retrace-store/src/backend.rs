//! Helpers shared by the backends: turning plain column values into domain
//! values and back, and the audit-chain bookkeeping. Nothing here knows SQL
//! or a driver; each backend reads its rows into the plain `*Row` structs
//! below and hands them over, so both backends parse stored data the same
//! way and compute the chain the same way.

use crate::{
    ApiToken, AuditContext, AuditEntry, AuditEvent, AuditVerification, Membership, Organisation,
    SessionRecord, StoreError, StoreResult, UserAccount,
};
use retrace_domain::{
    ApiTokenId, AuditRecord, ChainHash, CountryCode, DisplayName, Email, OrgId, OrgKind, OrgName,
    RoleSet, Timestamp, UserId,
};
use std::str::FromStr;

/// The key that makes organisation names unique regardless of case. Kept
/// in its own column with a unique constraint, computed here rather than
/// with SQL `lower()`, which on SQLite folds ASCII letters only.
pub fn org_name_key(name: &OrgName) -> String {
    name.as_str().to_lowercase()
}

fn corrupt(table: &'static str, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: detail.into(),
    }
}

fn parse_id<T: FromStr>(table: &'static str, column: &str, value: &str) -> StoreResult<T> {
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
