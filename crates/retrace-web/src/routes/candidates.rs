//! Match candidates: review, release under consent, family messages.
//!
//! The disclosure rule lives here: a candidate whose other record belongs
//! to another organisation shows the score, the field-by-field agreement
//! and who to contact, and the other record's details only once that
//! organisation has released them.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, FormFields, PathId, PathIds, Reader};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::identity::Member;
use crate::page::OnPage;
use crate::page::Page;
use crate::templates::{self, render};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use retrace_app::candidates::{self as app_candidates, NewMessage, Review};
use retrace_domain::{CandidateId, CandidateStatus, MessageId, MessageStatus, OrgId, Role};
use retrace_store::{CandidateView, ReleasedPerson, Store};

/// Which side of a candidate the caller's organisation holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Sought,
    Other,
}

pub fn side_of(candidate: &CandidateView, org: OrgId) -> Side {
    if candidate.sought_org == org {
        Side::Sought
    } else {
        Side::Other
    }
}

/// The other organisation's name and country, shown with a candidate it
/// holds, and its contact addresses: none. Staff addresses are personal
/// data and a target (phishing, pressure on staff), so the organisation is
/// reached through the platform: the candidate's review and family-message
/// workflow. The list stays for an organisation-level address later.
pub async fn contact_of(store: &dyn Store, org: OrgId) -> WebResult<(String, String, Vec<String>)> {
    let organisation = store.organisation(org).await?.ok_or(WebError::NotFound)?;
    let contacts = Vec::new();
    Ok((
        organisation.name.to_string(),
        organisation.country.as_str().to_owned(),
        contacts,
    ))
}

/// The sending organisation's name, country and up to three of its staff
/// addresses, for the organisation a request was deliberately transferred
/// to. Candidates never use this: see `contact_of`.
pub async fn transfer_contacts_of(
    store: &dyn Store,
    org: OrgId,
) -> WebResult<(String, String, Vec<String>)> {
    let (name, country, _) = contact_of(store, org).await?;
    let contacts = store
        .users_in(&retrace_store::OrgScope::new(org))
        .await?
        .into_iter()
        .filter(|user| {
            !user.disabled
                && matches!(&user.membership, retrace_store::Membership::Member { roles, .. }
                    if roles.contains(Role::OrgAdmin) || roles.contains(Role::Caseworker))
        })
        .map(|user| user.email.as_str().to_owned())
        .take(3)
        .collect();
    Ok((name, country, contacts))
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<CandidateId>,
) -> WebResult<Response> {
    Ok(
        candidate_page(&state, &page, &member, id, FormValues::default())
            .await?
            .into_response(),
    )
}

/// The candidate's page; `values` fill its forms (review, release, family
/// message) again, with their errors, after a refusal.
async fn candidate_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: CandidateId,
    values: FormValues,
) -> WebResult<Html<String>> {
    let scope = member.scope();
    let candidate = state
        .store
        .candidate(&scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let side = side_of(&candidate, member.org);
    let (mine, theirs, my_review, their_review, my_release) = match side {
        Side::Sought => (
            candidate.sought,
            candidate.other,
            &candidate.sought_review,
            &candidate.other_review,
            &candidate.sought_release,
        ),
        Side::Other => (
            candidate.other,
            candidate.sought,
            &candidate.other_review,
            &candidate.sought_review,
            &candidate.other_release,
        ),
    };
    let their_org = match side {
        Side::Sought => candidate.other_org,
        Side::Other => candidate.sought_org,
    };
    let same_org = their_org == member.org;
    let audit = member.audit(state, "candidate review");
    let my_person = state
        .store
        .person(&audit, &scope, mine)
        .await?
        .ok_or(WebError::NotFound)?;
    // The other record: our own, or released to us, or nothing but its id.
    let (their_person, released_on, withdrawn_on) = if same_org {
        let person = state.store.person(&audit, &scope, theirs).await?;
        (person, None, None)
    } else {
        match state.store.released_person(&audit, &scope, id).await? {
            Some(ReleasedPerson::Shown {
                person,
                released_at,
            }) => (Some(*person), Some(released_at.on_page()), None),
            Some(ReleasedPerson::Withdrawn { withdrawn_at, .. }) => {
                (None, None, Some(withdrawn_at.on_page()))
            }
            None => (None, None, None),
        }
    };
    let (org_name, org_country, contacts) = contact_of(state.store.as_ref(), their_org).await?;
    let messages = state.store.messages(&scope, id).await?;
    render(&templates::CandidatePage {
        page,
        id: id.to_string(),
        score: templates::percent(candidate.score_milli),
        band: retrace_domain::ScoreBand::of(candidate.score_milli).as_str(),
        explanation: candidate
            .explanation
            .iter()
            .map(|line| templates::ExplanationRow {
                field: line.field.clone(),
                agreement: line.agreement.as_str(),
                // A missing field carries no weight: say so rather than
                // show a number.
                contribution: if line.agreement == retrace_domain::Agreement::Missing {
                    page.t("contribution-not-counted")
                } else {
                    crate::page::ltr(&format!(
                        "{:+.2}",
                        f64::from(line.contribution_centi) / 100.0
                    ))
                },
            })
            .collect(),
        my_person_id: mine.to_string(),
        my_person: templates::PersonSummary::of(&my_person.details),
        their_person_id: same_org.then(|| theirs.to_string()),
        their_person: their_person.map(|p| templates::PersonSummary::of(&p.details)),
        released_on,
        withdrawn_on,
        same_org,
        org_name,
        org_country,
        contacts,
        my_status: my_review.status.as_str(),
        my_reason: my_review
            .reason
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default(),
        their_status: their_review.status.as_str(),
        my_release_approvals: my_release.approvals.len(),
        my_released: my_release.released_at.is_some(),
        messages: messages
            .iter()
            .map(|message| templates::MessageRow {
                id: message.id.to_string(),
                direction: message.direction.as_str(),
                body: message.body.to_string(),
                status: message.status.as_str(),
                next: next_message_status(message.status).map(MessageStatus::as_str),
                at: message.created_at.on_page(),
            })
            .collect(),
        can_write: member.roles.contains(Role::Caseworker),
        // Messages go only to a match both sides confirmed: the form is
        // not offered before.
        can_message: my_review.status == CandidateStatus::Confirmed
            && their_review.status == CandidateStatus::Confirmed,
        values,
    })
}

/// The candidate's page again with what was typed and every error (422,
/// or 409 for a refusal by the record's state, such as a release without
/// consent), each on its control among `fields`, or the error page for an
/// error not about the input.
async fn refused(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: CandidateId,
    form: &FormFields,
    error: WebError,
    fields: &[(&str, &str, &str)],
) -> WebResult<Response> {
    let status = error.status();
    match FormErrors::of_fields(page, &error, fields) {
        Some(errors) => {
            let values = FormValues::with_errors(form, errors);
            let html = candidate_page(state, page, member, id, values).await?;
            Ok((status, html).into_response())
        }
        None => Err(error),
    }
}

/// The candidate page's controls and their labels.
const CANDIDATE_FIELDS: &[(&str, &str, &str)] = &[
    ("status", "review-status", "decision"),
    ("reason", "reason", "field-reason"),
    ("direction", "direction", "field-direction"),
    ("body", "body", "field-message"),
    ("message", "body", "family-messages"),
    ("confirm", "confirm-release", "release"),
    ("release", "confirm-release", "release"),
];

fn next_message_status(status: MessageStatus) -> Option<MessageStatus> {
    [
        MessageStatus::Sent,
        MessageStatus::Delivered,
        MessageStatus::Replied,
    ]
    .into_iter()
    .find(|next| status.may_become(*next))
}

pub async fn review(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = Review {
        status: form.text("status"),
        reason: Some(form.text("reason")),
    };
    match app_candidates::review_candidate(&state.app, &member.actor(), id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/candidates/{id}")).into_response()),
        Err(error) => {
            refused(
                &state,
                &page,
                &member,
                id,
                &form,
                error.into(),
                CANDIDATE_FIELDS,
            )
            .await
        }
    }
}

pub async fn release(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
    form: FormFields,
) -> WebResult<Response> {
    let released = match crate::forms::confirmed(&form) {
        Ok(()) => app_candidates::release_candidate(&state.app, &member.actor(), id)
            .await
            .map(|_| ())
            .map_err(WebError::from),
        Err(error) => Err(error),
    };
    match released {
        Ok(()) => Ok(Redirect::to(&format!("/candidates/{id}")).into_response()),
        Err(error) => refused(&state, &page, &member, id, &form, error, CANDIDATE_FIELDS).await,
    }
}

pub async fn create_message(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = NewMessage {
        direction: form.text("direction"),
        body: form.text("body"),
    };
    match app_candidates::send_message(&state.app, &member.actor(), id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/candidates/{id}#messages")).into_response()),
        Err(error) => {
            refused(
                &state,
                &page,
                &member,
                id,
                &form,
                error.into(),
                CANDIDATE_FIELDS,
            )
            .await
        }
    }
}

pub async fn advance_message(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathIds(id, message): PathIds<CandidateId, MessageId>,
    form: FormFields,
) -> WebResult<Response> {
    let advanced = app_candidates::advance_message(
        &state.app,
        &member.actor(),
        id,
        message,
        &form.text("status"),
    )
    .await;
    match advanced {
        Ok(_) => Ok(Redirect::to(&format!("/candidates/{id}#messages")).into_response()),
        // Marked already by a colleague since the page was drawn: the
        // messages again, as they are now, with the refusal on top.
        Err(error) => {
            let fields = [("status", "messages", "family-messages")];
            refused(&state, &page, &member, id, &form, error.into(), &fields).await
        }
    }
}
