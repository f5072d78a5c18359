//! The JSON API for tracing: requests, persons, candidates, reviews,
//! releases and messages. The same rules as the pages: scoped to the
//! token's organisation, audited reads, and the other side's details only
//! once released. Every change is a use case of `retrace-app`, fed the
//! body deserialised straight into its input type.

use super::candidates::{Side, contact_of, side_of};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, JsonBody, PathId, PathIds, QueryParams, Reader};
use crate::identity::{Identity, Member};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use retrace_app::candidates::{self as app_candidates, NewMessage, Review};
use retrace_app::export::{ExportInput, Reconfirmation, export_requests};
use retrace_app::persons::{self as app_persons, ConsentInput, Registration};
use retrace_app::requests::{self as app_requests, OpenRequest, RequestQuery};
use retrace_domain::{
    ApiScope, CandidateId, ConsentBasis, ConsentId, ConsentRecord, PersonId, RequestId, Text,
};
use retrace_store::{
    CandidateView, FamilyMessage, PersonRole, ReleasedPerson, StoredPerson, TracingRequest,
};
use serde_json::{Value, json};

pub async fn create_request(
    State(state): State<AppState>,
    member: Caseworker,
    JsonBody(input): JsonBody<OpenRequest>,
) -> WebResult<Response> {
    let vital_interest = input.vital_interest;
    let request = app_requests::open_request(&state.app, &member.actor(), input).await?;
    let mut body = request_json(&request);
    if !vital_interest {
        body["warnings"] = json!([
            "vital_interest: not set, so the sought persons have no tracing basis and are not matched until one is recorded for each (POST /api/v1/persons/{id}/consents)"
        ]);
    }
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub(super) fn person_json(person: &StoredPerson) -> Value {
    let (role, relationship, registration) = match person.role {
        PersonRole::Enquirer => ("enquirer", None, None),
        PersonRole::Sought(r) => ("sought", Some(r.as_str()), None),
        PersonRole::Registered(k) => ("registered", None, Some(k.as_str())),
    };
    json!({
        "id": person.id.to_string(),
        "request": person.request.map(|r| r.to_string()),
        "role": role,
        "relationship": relationship,
        "registration": registration,
        "details": person.details,
        "version": person.version,
        "created_at": person.created_at.rfc3339(),
        "updated_at": person.updated_at.rfc3339(),
    })
}

fn request_json(request: &TracingRequest) -> Value {
    json!({
        "id": request.id.to_string(),
        "reference": request.reference.to_string(),
        "status": request.status.code(),
        "closure_reason": request.status.closure_reason().map(|r| r.as_str()),
        "circumstances": request.circumstances,
        "enquirer": person_json(&request.enquirer),
        "sought": request.sought.iter().map(person_json).collect::<Vec<_>>(),
        "assigned_to": request.assigned_to.map(|u| u.to_string()),
        "version": request.version,
        "created_at": request.created_at.rfc3339(),
        "updated_at": request.updated_at.rfc3339(),
    })
}

pub async fn list_requests(
    State(state): State<AppState>,
    member: Reader,
    QueryParams(query): QueryParams<RequestQuery>,
) -> WebResult<Json<Value>> {
    let filter = app_requests::request_filter(&state.app, &member.actor(), &query)?;
    let (rows, total) = state
        .store
        .list_requests(
            &member.audit(&state, "request list"),
            &member.scope(),
            &filter,
        )
        .await?;
    Ok(Json(json!({
        "total": total,
        "requests": rows.iter().map(|row| json!({
            "id": row.id.to_string(),
            "reference": row.reference.to_string(),
            "status": row.status.code(),
            "enquirer": row.enquirer_name,
            "sought": row.sought.iter().map(|(r, name)| json!({ "relationship": r.as_str(), "name": name })).collect::<Vec<_>>(),
            "assigned_to": row.assigned_to.map(|u| u.to_string()),
            "candidates": row.candidates.total,
            "candidates_to_review": row.candidates.to_review,
            "minor": row.minor,
            "at_risk": row.at_risk,
            "created_at": row.created_at.rfc3339(),
            "updated_at": row.updated_at.rfc3339(),
        })).collect::<Vec<_>>(),
    })))
}

/// `POST /api/v1/requests/{id}/assignment`: the page's assignment form.
pub async fn assign(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    JsonBody(input): JsonBody<retrace_app::requests::Assignment>,
) -> WebResult<StatusCode> {
    retrace_app::requests::assign_request(&state.app, &member.actor(), id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/requests/{id}/status`: the same move as the page's
/// status form (`retrace_app::requests::change_status`), quoting the
/// version read; a stale version is 409.
pub async fn change_status(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    JsonBody(input): JsonBody<retrace_app::requests::ChangeStatus>,
) -> WebResult<Json<Value>> {
    let request =
        retrace_app::requests::change_status(&state.app, &member.actor(), id, input).await?;
    Ok(Json(request_json(&request)))
}

pub async fn get_request(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<RequestId>,
) -> WebResult<Json<Value>> {
    let request = state
        .store
        .request(&member.audit(&state, "request view"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(request_json(&request)))
}

pub async fn get_person(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<PersonId>,
) -> WebResult<Json<Value>> {
    let person = state
        .store
        .person(&member.audit(&state, "person view"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(person_json(&person)))
}

/// The body of `PUT /api/v1/persons/{id}`: the version read, and the
/// person as it should now be (every field; what is left out is cleared).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonEdit {
    version: i64,
    person: retrace_app::input::PersonInput,
}

/// `PUT /api/v1/persons/{id}`: the page's edit form. A stale `version`
/// is a 409 and changes nothing.
pub async fn edit_person(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<PersonId>,
    JsonBody(input): JsonBody<PersonEdit>,
) -> WebResult<Json<Value>> {
    let saved =
        app_persons::edit_person(&state.app, &member.actor(), id, input.version, input.person)
            .await?;
    Ok(Json(person_json(&saved)))
}

/// `POST /api/v1/requests/{id}/sought`: another person sought by an open
/// request, with their vital-interest basis when `vital_interest` is set.
pub async fn add_sought(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    JsonBody(input): JsonBody<app_requests::AddSought>,
) -> WebResult<Response> {
    let person = app_requests::add_sought_person(&state.app, &member.actor(), id, input).await?;
    Ok((StatusCode::CREATED, Json(person_json(&person))).into_response())
}

async fn candidate_json(
    state: &AppState,
    member: &Member,
    candidate: &CandidateView,
) -> WebResult<Value> {
    let side = side_of(candidate, member.org);
    let (mine, theirs, their_org, my_review, their_review, my_release, their_release) = match side {
        Side::Sought => (
            candidate.sought,
            candidate.other,
            candidate.other_org,
            &candidate.sought_review,
            &candidate.other_review,
            &candidate.sought_release,
            &candidate.other_release,
        ),
        Side::Other => (
            candidate.other,
            candidate.sought,
            candidate.sought_org,
            &candidate.other_review,
            &candidate.sought_review,
            &candidate.other_release,
            &candidate.sought_release,
        ),
    };
    let (name, country, contacts) = contact_of(state.store.as_ref(), their_org).await?;
    let same_org = their_org == member.org;
    Ok(json!({
        "id": candidate.id.to_string(),
        "score": f64::from(candidate.score_milli) / 1000.0,
        "explanation": candidate.explanation.iter().map(|line| json!({
            "field": line.field,
            "agreement": line.agreement.as_str(),
            "contribution": f64::from(line.contribution_centi) / 100.0,
        })).collect::<Vec<_>>(),
        "our_person": mine.to_string(),
        // The other record's id is shown only when it is ours too.
        "other_person": same_org.then(|| theirs.to_string()),
        "other_organisation": { "name": name, "country": country, "contacts": contacts },
        "our_review": { "status": my_review.status.as_str(), "reason": my_review.reason.as_ref().map(Text::as_str) },
        "their_review": { "status": their_review.status.as_str() },
        "our_release": { "approvals": my_release.approvals.len(), "released": my_release.released_at.is_some() },
        "released_to_us": same_org || their_release.released_at.is_some(),
    }))
}

pub async fn person_candidates(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<PersonId>,
) -> WebResult<Json<Value>> {
    let scope = member.scope();
    // The person must be ours: a foreign id looks missing.
    state
        .store
        .person(&member.audit(&state, "candidate list"), &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut list = Vec::new();
    for candidate in state.store.candidates_for(&scope, id).await? {
        list.push(candidate_json(&state, &member, &candidate).await?);
    }
    Ok(Json(json!({ "candidates": list })))
}

pub async fn get_candidate(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<CandidateId>,
) -> WebResult<Json<Value>> {
    let scope = member.scope();
    let candidate = state
        .store
        .candidate(&scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut value = candidate_json(&state, &member, &candidate).await?;
    let released = state
        .store
        .released_person(&member.audit(&state, "candidate review"), &scope, id)
        .await?;
    if let Some(object) = value.as_object_mut() {
        match released {
            Some(ReleasedPerson::Shown {
                person,
                released_at,
            }) => {
                object.insert("released_person".to_owned(), person_json(&person));
                object.insert("released_at".to_owned(), json!(released_at.rfc3339()));
            }
            Some(ReleasedPerson::Withdrawn {
                released_at,
                withdrawn_at,
            }) => {
                object.insert("released_at".to_owned(), json!(released_at.rfc3339()));
                object.insert("withdrawn_at".to_owned(), json!(withdrawn_at.rfc3339()));
            }
            None => {}
        }
    }
    Ok(Json(value))
}

pub async fn review_candidate(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
    JsonBody(input): JsonBody<Review>,
) -> WebResult<Json<Value>> {
    let view = app_candidates::review_candidate(&state.app, &member.actor(), id, input).await?;
    Ok(Json(candidate_json(&state, &member, &view).await?))
}

pub async fn release_candidate(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
) -> WebResult<Json<Value>> {
    let (view, progress) =
        app_candidates::release_candidate(&state.app, &member.actor(), id).await?;
    let mut value = candidate_json(&state, &member, &view).await?;
    if let Some(object) = value.as_object_mut() {
        object.insert("outcome".to_owned(), json!(progress.as_str()));
    }
    Ok(Json(value))
}

fn message_json(message: &FamilyMessage) -> Value {
    json!({
        "id": message.id.to_string(),
        "direction": message.direction.as_str(),
        "body": message.body.as_str(),
        "status": message.status.as_str(),
        "history": message.history.iter().map(|(status, at, _)| json!({ "status": status.as_str(), "at": at.rfc3339() })).collect::<Vec<_>>(),
        "created_at": message.created_at.rfc3339(),
    })
}

pub async fn list_messages(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<CandidateId>,
) -> WebResult<Json<Value>> {
    let messages = state.store.messages(&member.scope(), id).await?;
    if messages.is_empty() {
        state
            .store
            .candidate(&member.scope(), id)
            .await?
            .ok_or(WebError::NotFound)?;
    }
    Ok(Json(
        json!({ "messages": messages.iter().map(message_json).collect::<Vec<_>>() }),
    ))
}

pub async fn create_message(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
    JsonBody(input): JsonBody<NewMessage>,
) -> WebResult<Response> {
    let message = app_candidates::send_message(&state.app, &member.actor(), id, input).await?;
    Ok((StatusCode::CREATED, Json(message_json(&message))).into_response())
}

pub async fn list_registrations(
    State(state): State<AppState>,
    member: Reader,
    QueryParams(query): QueryParams<app_persons::RegistrationQuery>,
) -> WebResult<Json<Value>> {
    let filter = app_persons::registration_filter(&state.app, &member.actor(), &query)?;
    let audit = member.audit(&state, "registrations list");
    let (lines, total) = state
        .store
        .list_registrations(&audit, &member.scope(), &filter)
        .await?;
    Ok(Json(
        json!({ "total": total, "registrations": lines.iter().map(|line| {
        let p = &line.person;
        json!({
            "id": p.id.to_string(),
            "kind": match p.role { PersonRole::Registered(kind) => kind.as_str(), _ => "" },
            "name": p.details.primary_name(),
            "candidates": line.candidates.total,
            "candidates_to_review": line.candidates.to_review,
            "minor": p.details.flags.minor,
            "at_risk": p.details.flags.at_risk,
            "created_at": p.created_at.rfc3339(),
        })
    }).collect::<Vec<_>>() }),
    ))
}

pub async fn create_registration(
    State(state): State<AppState>,
    member: Caseworker,
    JsonBody(input): JsonBody<Registration>,
) -> WebResult<Response> {
    let person = app_persons::register_person(&state.app, &member.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(person_json(&person))).into_response())
}

/// A consent ledger entry: `basis` is `self` or `guardian` (with the
/// `method` of the consent) or a lawful basis (`vital_interest`,
/// `public_interest`) decided by the staff member who recorded it.
fn consent_json(record: &ConsentRecord) -> Value {
    let (basis, method) = match record.basis {
        ConsentBasis::Consent { given_by, method } => (given_by.as_str(), Some(method.as_str())),
        ConsentBasis::Lawful(basis) => (basis.as_str(), None),
    };
    json!({
        "id": record.id.to_string(),
        "person": record.person.to_string(),
        "purpose": record.purpose.as_str(),
        "basis": basis,
        "method": method,
        "countries": record.scope.countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "organisations": record.scope.organisations.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
        "note": record.note.as_ref().map(Text::as_str),
        "recorded_by": record.recorded_by.to_string(),
        "recorded_at": record.recorded_at.rfc3339(),
        "withdrawn_at": record.withdrawn_at.map(|t| t.rfc3339()),
        "active": record.is_active(),
    })
}

/// The consent ledger of one of the organisation's persons, withdrawn
/// entries included. Another organisation's person is not found.
pub async fn list_consents(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<PersonId>,
) -> WebResult<Json<Value>> {
    let scope = member.scope();
    state
        .store
        .person(&member.audit(&state, "consent ledger view"), &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let consents = state.store.consents(&scope, id).await?;
    Ok(Json(
        json!({ "consents": consents.iter().map(consent_json).collect::<Vec<_>>() }),
    ))
}

pub async fn record_consent(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<PersonId>,
    JsonBody(input): JsonBody<ConsentInput>,
) -> WebResult<Response> {
    let record = app_persons::record_consent(&state.app, &member.actor(), id, input).await?;
    Ok((StatusCode::CREATED, Json(consent_json(&record))).into_response())
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    member: Caseworker,
    PathIds(id, consent): PathIds<PersonId, ConsentId>,
) -> WebResult<Json<Value>> {
    let record = app_persons::withdraw_consent(&state.app, &member.actor(), id, consent).await?;
    Ok(Json(consent_json(&record)))
}

/// The body of `POST /api/v1/exports/requests`: why the export is needed
/// (10 to 300 characters, kept in the audit log) and the list's filters.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportBody {
    reason: String,
    #[serde(default)]
    filters: RequestQuery,
}

/// `POST /api/v1/exports/requests`: the page's CSV export. The page asks
/// for the password again; here the token must carry the `export` scope.
pub async fn export_csv(
    State(state): State<AppState>,
    identity: axum::Extension<Identity>,
    member: Caseworker,
    JsonBody(body): JsonBody<ExportBody>,
) -> WebResult<Response> {
    let Identity::ApiToken { scopes, .. } = &identity.0 else {
        return Err(WebError::Forbidden);
    };
    if !scopes.contains(ApiScope::Export) {
        return Err(WebError::MissingScope(ApiScope::Export));
    }
    let input = ExportInput {
        reason: body.reason,
        confirmation: Reconfirmation::ExportScopedToken,
        query: body.filters,
    };
    let bytes = export_requests(&state.app, &member.actor(), input).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}
