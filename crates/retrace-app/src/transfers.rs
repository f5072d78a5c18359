//! Transfers of a tracing request to an organisation in another country:
//! the owner sends and revokes, the receiver accepts or declines. The
//! rules of what may be shared are checked by the store in the same
//! transaction (`retrace_domain::transfer_decision`).

use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::Problem;
use retrace_domain::{OrgId, PersonId, RequestId, Text, TransferId, TransferShare};
use retrace_store::{IncomingTransfer, StoreError, Transfer};
use serde::Deserialize;

const NOTE_MAX: usize = 2000;
const REASON_MAX: usize = 500;

/// What to send to whom: the receiving organisation and the parts shared.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    pub to_organisation: String,
    #[serde(default)]
    pub circumstances: bool,
    /// Sought persons whose details are shared.
    #[serde(default)]
    pub sought: Vec<String>,
    #[serde(default)]
    pub enquirer_names: bool,
    #[serde(default)]
    pub enquirer_contact: bool,
    #[serde(default)]
    pub note: String,
}

impl TransferInput {
    /// The receiver and the share, every error of the input at once.
    pub(crate) fn parse(&self) -> AppResult<(OrgId, TransferShare)> {
        let mut errors = Collect::default();
        let to_org: Option<OrgId> = self.to_organisation.trim().parse().ok();
        if to_org.is_none() {
            errors.push("to_organisation", Problem::ChooseReceivingOrganisation);
        }
        let sought: Vec<PersonId> = self
            .sought
            .iter()
            .filter_map(|s| s.trim().parse::<PersonId>().ok())
            .collect();
        if sought.len() != self.sought.len() {
            errors.push("sought", Problem::SoughtNotInRequest);
        }
        let note = if self.note.trim().is_empty() {
            Some(None)
        } else {
            errors
                .take(Text::parse("note", &self.note, NOTE_MAX, true).map_err(AppError::from))?
                .map(Some)
        };
        errors.finish()?;
        let (Some(to_org), Some(note)) = (to_org, note) else {
            return Err(AppError::Internal(
                "a transfer failed without an error".to_owned(),
            ));
        };
        Ok((
            to_org,
            TransferShare {
                circumstances: self.circumstances,
                sought,
                enquirer_names: self.enquirer_names,
                enquirer_contact: self.enquirer_contact,
                note,
            },
        ))
    }
}

/// Sends one of the actor's requests to an organisation in another
/// country, sharing only the chosen parts.
pub async fn transfer_request(
    app: &App,
    actor: &Actor,
    request: RequestId,
    input: TransferInput,
) -> AppResult<Transfer> {
    actor.require_caseworker()?;
    let (to_org, share) = input.parse()?;
    app.store()
        .transfer_request(
            &actor.audit(app, "request transfer"),
            &actor.scope(),
            request,
            to_org,
            &share,
        )
        .await
        .map_err(|error| match error {
            // The store names the receiver by its column; the input calls
            // it `to_organisation`.
            StoreError::Refused {
                field: "to_org",
                problem,
            } => AppError::invalid("to_organisation", problem),
            other => other.into(),
        })
}

/// Ends a transfer of one of the actor's requests.
pub async fn revoke_transfer(
    app: &App,
    actor: &Actor,
    request: RequestId,
    transfer: TransferId,
) -> AppResult<Transfer> {
    actor.require_caseworker()?;
    let scope = actor.scope();
    let of_request = app.store().transfers_of_request(&scope, request).await?;
    if !of_request.iter().any(|t| t.id == transfer) {
        return Err(AppError::NotFound);
    }
    app.store()
        .revoke_transfer(&actor.audit(app, "transfer revoked"), &scope, transfer)
        .await
        .map_err(|error| match error {
            StoreError::Conflict { field } => AppError::conflict(field, Problem::TransferRevoked),
            other => other.into(),
        })
}

/// The receiver's answer: `accept`, or `decline` with a reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub decision: String,
    #[serde(default)]
    pub reason: String,
}

/// The receiver accepts or declines a pending transfer.
pub async fn decide_transfer(
    app: &App,
    actor: &Actor,
    transfer: TransferId,
    input: Decision,
) -> AppResult<IncomingTransfer> {
    actor.require_caseworker()?;
    // Every error of the decision at once.
    let mut errors = Collect::default();
    let accept = match input.decision.trim() {
        "accept" => Some(true),
        "decline" => Some(false),
        "" => {
            errors.push("decision", Problem::ChooseOne);
            None
        }
        _ => {
            errors.push(
                "decision",
                Problem::OneOf {
                    choices: vec![
                        retrace_domain::Choice::Accept,
                        retrace_domain::Choice::Decline,
                    ],
                },
            );
            None
        }
    };
    let reason = errors
        .take(Text::optional("reason", input.reason.trim(), REASON_MAX).map_err(AppError::from))?;
    if accept == Some(false) && matches!(reason, Some(None)) {
        errors.push("reason", Problem::TransferDeclineReason);
    }
    errors.finish()?;
    let (Some(accept), Some(reason)) = (accept, reason) else {
        return Err(AppError::Internal(
            "a decision failed without an error".to_owned(),
        ));
    };
    app.store()
        .decide_transfer(
            &actor.audit(app, "transfer decision"),
            &actor.scope(),
            transfer,
            accept,
            reason.as_ref(),
        )
        .await
        .map_err(|error| match error {
            StoreError::Conflict { field } => AppError::conflict(field, Problem::TransferDecided),
            other => other.into(),
        })
}
