//! What the store keeps for transfers of tracing requests, and the one
//! place where the receiving organisation's view is assembled.
//!
//! Design choice: the shared parts are read live, not copied at transfer
//! time. A transfer stores only which parts the owner chose (circumstances,
//! which sought persons, the enquirer's names, the enquirer's contact, a
//! note); each read takes those parts from the request as it is now, so
//! corrections reach the receiver. Because the read is live, the rules are
//! applied again on every read: a sought person flagged at risk since the
//! transfer disappears from it, and the enquirer's contact is shown only
//! while a sharing consent still covers the receiving organisation or its
//! country. Nothing outside the chosen parts is ever put in the view.

use crate::backend::{corrupt, from_json, parse_id, parse_opt_id, stored_text};
use crate::{PersonRole, StoreResult, TracingRequest};
use retrace_domain::{
    AgeEstimate, Audience, CaseReference, Circumstances, ConsentLedger, ConsentRecord, CountryCode,
    OrgId, PartialDate, PersonName, Relationship, RequestId, Text, Timestamp, TransferId,
    TransferShare, TransferStatus, UserId, may_disclose,
};

/// A transfer as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: TransferId,
    pub request: RequestId,
    pub reference: CaseReference,
    pub from_org: OrgId,
    pub to_org: OrgId,
    pub share: TransferShare,
    pub status: TransferStatus,
    /// The receiver's reason when it accepted or declined.
    pub reason: Option<Text>,
    pub created_at: Timestamp,
    pub created_by: Option<UserId>,
    pub decided_at: Option<Timestamp>,
    pub decided_by: Option<UserId>,
    pub revoked_at: Option<Timestamp>,
}

/// One line of the receiver's inbox: no request id, no person ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingTransfer {
    pub id: TransferId,
    pub reference: CaseReference,
    pub from_org: OrgId,
    pub status: TransferStatus,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
}

/// A sought person as shared: names, birth, parents, places and the minor
/// and unaccompanied flags. Nothing else of the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedPerson {
    pub relationship: Relationship,
    pub names: Vec<PersonName>,
    pub birth_date: Option<PartialDate>,
    pub age_estimate: Option<AgeEstimate>,
    pub birth_place: Option<Text>,
    pub father_name: Option<Text>,
    pub mother_name: Option<Text>,
    pub last_known_place: Option<Text>,
    pub minor: bool,
    pub unaccompanied: bool,
}

/// The enquirer as shared: names, and whom they look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedEnquirer {
    pub names: Vec<PersonName>,
    /// The relationships of the sought persons not at risk ("brother").
    pub relationships: Vec<Relationship>,
}

/// What the receiving organisation sees of a transfer: the chosen parts
/// only, read live. Carries no request id and no person id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferView {
    pub id: TransferId,
    pub reference: CaseReference,
    pub from_org: OrgId,
    pub to_org: OrgId,
    pub status: TransferStatus,
    pub reason: Option<Text>,
    pub note: Option<Text>,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub circumstances: Option<Circumstances>,
    pub enquirer: Option<SharedEnquirer>,
    pub enquirer_contact: Option<Text>,
    pub sought: Vec<SharedPerson>,
}

/// The columns of a transfer, with the reference of its request.
#[derive(Debug, Clone)]
pub struct TransferRow {
    pub id: String,
    pub request_id: String,
    pub reference: String,
    pub from_org: String,
    pub to_org: String,
    pub share: String,
    pub status: String,
    pub reason: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl TransferRow {
    pub fn into_transfer(self) -> StoreResult<Transfer> {
        const T: &str = "transfers";
        Ok(Transfer {
            id: parse_id(T, "id", &self.id)?,
            request: parse_id(T, "request_id", &self.request_id)?,
            reference: CaseReference::parse(&self.reference)
                .map_err(|e| corrupt(T, e.to_string()))?,
            from_org: parse_id(T, "from_org", &self.from_org)?,
            to_org: parse_id(T, "to_org", &self.to_org)?,
            share: from_json(T, "share", &self.share)?,
            status: TransferStatus::parse(&self.status).map_err(|e| corrupt(T, e.to_string()))?,
            reason: self
                .reason
                .as_deref()
                .map(|r| stored_text(T, "reason", r))
                .transpose()?,
            created_at: Timestamp::from_millis(self.created_at),
            created_by: parse_opt_id(T, "created_by", self.created_by.as_deref())?,
            decided_at: self.decided_at.map(Timestamp::from_millis),
            decided_by: parse_opt_id(T, "decided_by", self.decided_by.as_deref())?,
            revoked_at: self.revoked_at.map(Timestamp::from_millis),
        })
    }
}

impl Transfer {
    pub fn incoming(&self) -> IncomingTransfer {
        IncomingTransfer {
            id: self.id,
            reference: self.reference.clone(),
            from_org: self.from_org,
            status: self.status,
            created_at: self.created_at,
            decided_at: self.decided_at,
        }
    }
}

/// The JSON `share` column of a transfer.
pub fn share_json(share: &TransferShare) -> StoreResult<String> {
    crate::backend::to_json("transfers", share)
}

/// Assembles the receiver's view from the request as it is now, the
/// enquirer's consent ledger as it is now and the receiver's country.
/// After a decline the view keeps the decision but none of the parts.
pub fn shared_view(
    transfer: Transfer,
    request: &TracingRequest,
    enquirer_consents: &[ConsentRecord],
    to_country: CountryCode,
) -> TransferView {
    let share = &transfer.share;
    let open = transfer.status.shows_shared_parts();
    let not_at_risk = || {
        request
            .sought
            .iter()
            .filter(|p| !p.details.flags.at_risk)
            .filter_map(|p| match p.role {
                PersonRole::Sought(relationship) => Some((p, relationship)),
                _ => None,
            })
    };
    let sought = if open {
        not_at_risk()
            .filter(|(p, _)| share.sought.contains(&p.id))
            .map(|(p, relationship)| {
                let d = &p.details;
                SharedPerson {
                    relationship,
                    names: d.names().to_vec(),
                    birth_date: d.birth_date,
                    age_estimate: d.age_estimate,
                    birth_place: d.birth_place.clone(),
                    father_name: d.father_name.clone(),
                    mother_name: d.mother_name.clone(),
                    last_known_place: d.last_known_place.clone(),
                    minor: d.flags.minor,
                    unaccompanied: d.flags.unaccompanied,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let enquirer_at_risk = request.enquirer.details.flags.at_risk;
    let enquirer = (open && share.enquirer_names && !enquirer_at_risk).then(|| SharedEnquirer {
        names: request.enquirer.details.names().to_vec(),
        relationships: not_at_risk().map(|(_, r)| r).collect(),
    });
    let receiver = Audience::Organisation {
        org: transfer.to_org,
        country: to_country,
    };
    let contact_allowed = open
        && share.enquirer_contact
        && may_disclose(
            request.enquirer.details.flags,
            ConsentLedger(enquirer_consents),
            receiver,
        )
        .is_ok();
    TransferView {
        id: transfer.id,
        reference: transfer.reference.clone(),
        from_org: transfer.from_org,
        to_org: transfer.to_org,
        status: transfer.status,
        reason: transfer.reason.clone(),
        note: if open { share.note.clone() } else { None },
        created_at: transfer.created_at,
        decided_at: transfer.decided_at,
        circumstances: (open && share.circumstances).then(|| request.circumstances.clone()),
        enquirer,
        enquirer_contact: if contact_allowed {
            request.enquirer.details.contact.clone()
        } else {
            None
        },
        sought,
    }
}

/// A refusal of the domain rule as a store error.
pub fn refused(refusal: retrace_domain::TransferRefusal) -> crate::StoreError {
    crate::StoreError::Refused {
        field: refusal.field(),
        problem: refusal.problem(),
    }
}
