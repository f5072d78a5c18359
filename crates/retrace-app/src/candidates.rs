//! Match candidates: the review of the actor's side, the release of the
//! actor's person under consent, and family messages relayed once both
//! organisations confirmed the match.

use crate::input::lenient_text;
use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::Problem;
use retrace_domain::{
    CandidateId, CandidateStatus, MessageDirection, MessageId, MessageStatus, Text,
};
use retrace_store::{CandidateView, FamilyMessage, ReleaseOutcome};
use serde::Deserialize;

/// The actor's side of a review: `proposed`, `confirmed` or `rejected`
/// (a rejection says why).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    #[serde(deserialize_with = "lenient_text")]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
}

pub async fn review_candidate(
    app: &App,
    actor: &Actor,
    id: CandidateId,
    input: Review,
) -> AppResult<CandidateView> {
    actor.require_caseworker()?;
    // Every error of the review at once.
    let mut errors = Collect::default();
    let status =
        errors.take(CandidateStatus::parse(input.status.trim()).map_err(AppError::from))?;
    let reason = errors.take(
        Text::optional(
            "reason",
            input.reason.as_deref().unwrap_or_default().trim(),
            500,
        )
        .map_err(AppError::from),
    )?;
    if status == Some(CandidateStatus::Rejected) && matches!(reason, Some(None)) {
        errors.push("reason", Problem::CandidateRejectReason);
    }
    errors.finish()?;
    let (Some(status), Some(reason)) = (status, reason) else {
        return Err(AppError::Internal(
            "a review failed without an error".to_owned(),
        ));
    };
    Ok(app
        .store()
        .review_candidate(
            &actor.audit(app, "candidate review"),
            &actor.scope(),
            id,
            status,
            reason.as_ref(),
        )
        .await?)
}

/// Where a release stands after an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseProgress {
    Released,
    /// A minor's details need a second, different staff member.
    AwaitingSecondApproval,
}

impl ReleaseProgress {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseProgress::Released => "released",
            ReleaseProgress::AwaitingSecondApproval => "awaiting_second_approval",
        }
    }
}

/// Approves releasing the actor's person to the other side. The store
/// checks the consent ledger in the same transaction; a refusal is a
/// `Conflict` on `release`.
pub async fn release_candidate(
    app: &App,
    actor: &Actor,
    id: CandidateId,
) -> AppResult<(CandidateView, ReleaseProgress)> {
    actor.require_caseworker()?;
    let (view, outcome) = app
        .store()
        .approve_release(
            &actor.audit(app, "release under consent"),
            &actor.scope(),
            id,
        )
        .await?;
    match outcome {
        ReleaseOutcome::Released => Ok((view, ReleaseProgress::Released)),
        ReleaseOutcome::AwaitingSecondApproval => {
            Ok((view, ReleaseProgress::AwaitingSecondApproval))
        }
        ReleaseOutcome::Refused(refusal) => Err(AppError::conflict("release", refusal.problem())),
    }
}

/// A family message to relay: `direction` (`to_sought_person`,
/// `to_enquirer`) and its `body`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    #[serde(deserialize_with = "lenient_text")]
    pub direction: String,
    #[serde(deserialize_with = "lenient_text")]
    pub body: String,
}

/// Drafts a family message on a candidate both sides confirmed.
pub async fn send_message(
    app: &App,
    actor: &Actor,
    id: CandidateId,
    input: NewMessage,
) -> AppResult<FamilyMessage> {
    actor.require_caseworker()?;
    let scope = actor.scope();
    let candidate = app
        .store()
        .candidate(&scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if candidate.sought_review.status != CandidateStatus::Confirmed
        || candidate.other_review.status != CandidateStatus::Confirmed
    {
        return Err(AppError::conflict(
            "message",
            Problem::MessagesAfterConfirmation,
        ));
    }
    let mut errors = Collect::default();
    let direction =
        errors.take(MessageDirection::parse(input.direction.trim()).map_err(AppError::from))?;
    let body =
        errors.take(Text::parse("body", input.body.trim(), 2000, true).map_err(AppError::from))?;
    errors.finish()?;
    let (Some(direction), Some(body)) = (direction, body) else {
        return Err(AppError::Internal(
            "a message failed without an error".to_owned(),
        ));
    };
    Ok(app
        .store()
        .create_message(
            &actor.audit(app, "family message"),
            &scope,
            id,
            direction,
            &body,
        )
        .await?)
}

/// Moves a message of the candidate one step (`sent`, `delivered`,
/// `replied`).
pub async fn advance_message(
    app: &App,
    actor: &Actor,
    candidate: CandidateId,
    message: MessageId,
    status: &str,
) -> AppResult<FamilyMessage> {
    actor.require_caseworker()?;
    let scope = actor.scope();
    let current = app
        .store()
        .messages(&scope, candidate)
        .await?
        .into_iter()
        .find(|m| m.id == message)
        .ok_or(AppError::NotFound)?;
    let next = MessageStatus::parse(status.trim())?;
    if !current.status.may_become(next) {
        return Err(AppError::invalid(
            "status",
            Problem::MessageStatusChange {
                from: current.status.to_string(),
                to: next.to_string(),
            },
        ));
    }
    Ok(app
        .store()
        .advance_message(&actor.audit(app, "family message"), &scope, message, next)
        .await?)
}
