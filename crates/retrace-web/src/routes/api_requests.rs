//! The JSON API for tracing: requests, persons, candidates, reviews,
//! releases and messages. The same rules as the pages: scoped to the
//! token's organisation, audited reads, and the other side's details only
//! once released.

use super::candidates::{Side, contact_of, side_of};
use super::requests::{self, ListQuery};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, FormFields, JsonBody, PathId, QueryParams, Reader};
use crate::forms;
use crate::forms::today;
use crate::identity::Member;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use retrace_domain::{
    CandidateId, CandidateStatus, ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose,
    MessageDirection, NewConsent, PersonId, Relationship, RequestId, SharingScope, Text,
};
use retrace_store::{
    CandidateView, FamilyMessage, NewRequest, PersonRole, ReleasedPerson, StoredPerson,
    TracingRequest,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A person in JSON, turned into the form fields the page parser reads, so
/// both interfaces validate identically.
fn person_fields(prefix: &str, value: &Value, pairs: &mut Vec<(String, String)>) -> WebResult<()> {
    let Some(object) = value.as_object() else {
        return Err(WebError::invalid(path_of(prefix, ""), "must be an object"));
    };
    let names = object
        .get("names")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if names.len() > forms::MAX_NAMES {
        return Err(WebError::invalid(
            path_of(prefix, "names"),
            "at most 20 names",
        ));
    }
    for (index, name) in names.iter().enumerate() {
        let row = index + 1;
        let (full, kind) = match name {
            Value::String(full) => (full.clone(), String::new()),
            Value::Object(map) => (string(map, "full"), string(map, "kind")),
            _ => {
                return Err(WebError::invalid(
                    format!("{}[{index}]", path_of(prefix, "names")),
                    "must be a string or an object",
                ));
            }
        };
        pairs.push((format!("{prefix}name_{row}"), full));
        pairs.push((format!("{prefix}name_kind_{row}"), kind));
    }
    for key in [
        "sex",
        "birth_date",
        "age_on",
        "birth_place",
        "father_name",
        "mother_name",
        "last_known_place",
        "contact",
    ] {
        pairs.push((format!("{prefix}{key}"), string(object, key)));
    }
    pairs.push((
        format!("{prefix}marks"),
        string(object, "distinguishing_marks"),
    ));
    if let Some(age) = object.get("age").filter(|v| !v.is_null()) {
        pairs.push((format!("{prefix}age"), age.to_string()));
    }
    for key in ["nationalities", "languages"] {
        let list: Vec<String> = object
            .get(key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        pairs.push((format!("{prefix}{key}"), list.join(",")));
    }
    for flag in ["minor", "unaccompanied", "at_risk"] {
        if object.get(flag).and_then(Value::as_bool) == Some(true) {
            pairs.push((format!("{prefix}{flag}"), "on".to_owned()));
        }
    }
    Ok(())
}

fn string(map: &Map<String, Value>, key: &str) -> String {
    match map.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

fn path_of(prefix: &str, rest: &str) -> String {
    let base = match prefix {
        "e_" => "enquirer".to_owned(),
        "s_" => "sought[0].person".to_owned(),
        "c_" => "circumstances".to_owned(),
        _ => "person".to_owned(),
    };
    if rest.is_empty() {
        base
    } else {
        format!("{base}.{rest}")
    }
}

/// Form field names in errors become JSON paths: `e_name_2` → `enquirer.names[1]`.
fn json_error(error: WebError) -> WebError {
    match error {
        WebError::Invalid { field, message } => {
            let (prefix, rest) = match field.get(..2) {
                Some(p @ ("e_" | "s_" | "c_" | "p_")) => (p, &field[2..]),
                _ => return WebError::Invalid { field, message },
            };
            let rest = match rest.strip_prefix("name_") {
                Some(n) if n.chars().all(|c| c.is_ascii_digit()) => {
                    format!(
                        "names[{}]",
                        n.parse::<usize>().unwrap_or(1).saturating_sub(1)
                    )
                }
                _ => rest.to_owned(),
            };
            WebError::Invalid {
                field: path_of(prefix, &rest),
                message,
            }
        }
        other => other,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    enquirer: Value,
    sought: Vec<SoughtBody>,
    circumstances: Value,
    /// How the enquirer's consent to tracing was given, if it was.
    #[serde(default)]
    enquirer_consent_method: Option<String>,
    /// Trace the sought persons in their vital interest.
    #[serde(default)]
    vital_interest: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoughtBody {
    relationship: String,
    person: Value,
}

pub async fn create_request(
    State(state): State<AppState>,
    member: Caseworker,
    JsonBody(body): JsonBody<NewRequestBody>,
) -> WebResult<Response> {
    let today = today(state.clock.now());
    let mut pairs = Vec::new();
    person_fields("e_", &body.enquirer, &mut pairs)?;
    let enquirer =
        forms::person(&FormFields::from_pairs(pairs), "e_", today, true).map_err(json_error)?;
    if body.sought.is_empty() {
        return Err(WebError::invalid(
            "sought",
            "at least one sought person is required",
        ));
    }
    let mut sought = Vec::new();
    for (index, entry) in body.sought.iter().enumerate() {
        let relationship = Relationship::parse(&entry.relationship)
            .map_err(|e| WebError::invalid(format!("sought[{index}].relationship"), e.message))?;
        let mut pairs = Vec::new();
        person_fields("s_", &entry.person, &mut pairs)?;
        let details =
            forms::person(&FormFields::from_pairs(pairs), "s_", today, false).map_err(|error| {
                match json_error(error) {
                    WebError::Invalid { field, message } => WebError::Invalid {
                        field: field.replace("sought[0]", &format!("sought[{index}]")),
                        message,
                    },
                    other => other,
                }
            })?;
        sought.push((relationship, details));
    }
    let Some(c) = body.circumstances.as_object() else {
        return Err(WebError::invalid("circumstances", "must be an object"));
    };
    let mut pairs = Vec::new();
    for key in [
        "context",
        "date",
        "place",
        "news_date",
        "news_place",
        "news_source",
        "narrative",
    ] {
        pairs.push((format!("c_{key}"), string(c, key)));
    }
    let countries: Vec<String> = c
        .get("countries_transited")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    pairs.push(("c_countries".to_owned(), countries.join(",")));
    let circumstances =
        forms::circumstances(&FormFields::from_pairs(pairs), today).map_err(json_error)?;
    let enquirer_consent = match &body.enquirer_consent_method {
        None => None,
        Some(method) => Some(NewConsent {
            purpose: ConsentPurpose::Tracing,
            basis: ConsentBasis::Consent {
                given_by: ConsentGiver::Person,
                method: ConsentMethod::parse(method)
                    .map_err(|e| WebError::invalid("enquirer_consent_method", e.message))?,
            },
            scope: SharingScope::default(),
            note: None,
        }),
    };
    let audit = member.audit(&state, "tracing request");
    let scope = member.scope();
    let request = state
        .store
        .create_request(
            &audit,
            &scope,
            &NewRequest {
                enquirer,
                sought,
                circumstances,
            },
        )
        .await?;
    if let Some(consent) = enquirer_consent {
        state
            .store
            .record_consent(&audit, &scope, request.enquirer.id, &consent)
            .await?;
    }
    if body.vital_interest {
        for person in &request.sought {
            state
                .store
                .record_consent(
                    &audit,
                    &scope,
                    person.id,
                    &requests::vital_interest_consent(),
                )
                .await?;
        }
    }
    requests::reindex_request(&state, &request).await?;
    Ok((StatusCode::CREATED, Json(request_json(&request))).into_response())
}

fn person_json(person: &StoredPerson) -> Value {
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
        "version": request.version,
        "created_at": request.created_at.rfc3339(),
        "updated_at": request.updated_at.rfc3339(),
    })
}

pub async fn list_requests(
    State(state): State<AppState>,
    member: Reader,
    QueryParams(query): QueryParams<ListQuery>,
) -> WebResult<Json<Value>> {
    let filter = requests::build_filter(&state, &member, &query)?;
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
            "created_at": row.created_at.rfc3339(),
        })).collect::<Vec<_>>(),
    })))
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

pub async fn review_candidate(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
    JsonBody(body): JsonBody<ReviewBody>,
) -> WebResult<Json<Value>> {
    let status = CandidateStatus::parse(&body.status)?;
    let reason = Text::optional("reason", body.reason.as_deref().unwrap_or_default(), 500)?;
    if status == CandidateStatus::Rejected && reason.is_none() {
        return Err(WebError::invalid(
            "reason",
            "say why the candidate is rejected",
        ));
    }
    let view = state
        .store
        .review_candidate(
            &member.audit(&state, "candidate review"),
            &member.scope(),
            id,
            status,
            reason.as_ref(),
        )
        .await?;
    Ok(Json(candidate_json(&state, &member, &view).await?))
}

pub async fn release_candidate(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
) -> WebResult<Json<Value>> {
    let (view, outcome) = state
        .store
        .approve_release(
            &member.audit(&state, "release under consent"),
            &member.scope(),
            id,
        )
        .await?;
    let outcome = match outcome {
        retrace_store::ReleaseOutcome::Released => "released",
        retrace_store::ReleaseOutcome::AwaitingSecondApproval => "awaiting_second_approval",
        retrace_store::ReleaseOutcome::Refused(refusal) => {
            return Err(WebError::Conflict {
                field: "release".to_owned(),
                message: refusal.message().to_owned(),
            });
        }
    };
    let mut value = candidate_json(&state, &member, &view).await?;
    if let Some(object) = value.as_object_mut() {
        object.insert("outcome".to_owned(), json!(outcome));
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    direction: String,
    body: String,
}

pub async fn create_message(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<CandidateId>,
    JsonBody(body): JsonBody<MessageBody>,
) -> WebResult<Response> {
    let scope = member.scope();
    let candidate = state
        .store
        .candidate(&scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if candidate.sought_review.status != CandidateStatus::Confirmed
        || candidate.other_review.status != CandidateStatus::Confirmed
    {
        return Err(WebError::Conflict {
            field: "message".to_owned(),
            message: "family messages are relayed once both organisations have confirmed the match"
                .to_owned(),
        });
    }
    let direction = MessageDirection::parse(&body.direction)?;
    let text = Text::parse("body", &body.body, 2000, true)?;
    let message = state
        .store
        .create_message(
            &member.audit(&state, "family message"),
            &scope,
            id,
            direction,
            &text,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(message_json(&message))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBody {
    /// `safe` or `looking_for_family`.
    kind: String,
    person: Value,
    /// How the person's consent to tracing was given, if it was.
    #[serde(default)]
    consent_method: Option<String>,
}

pub async fn list_registrations(
    State(state): State<AppState>,
    member: Reader,
) -> WebResult<Json<Value>> {
    let audit = member.audit(&state, "registrations list");
    let people = state
        .store
        .registrations(&audit, &member.scope(), 200)
        .await?;
    Ok(Json(json!({ "registrations": people.iter().map(|p| json!({
        "id": p.id.to_string(),
        "kind": match p.role { PersonRole::Registered(kind) => kind.as_str(), _ => "" },
        "name": p.details.primary_name(),
        "created_at": p.created_at.rfc3339(),
    })).collect::<Vec<_>>() })))
}

pub async fn create_registration(
    State(state): State<AppState>,
    member: Caseworker,
    JsonBody(body): JsonBody<RegistrationBody>,
) -> WebResult<Response> {
    let kind = retrace_domain::RegistrationKind::parse(&body.kind)
        .map_err(|e| WebError::invalid("kind", e.message))?;
    let mut pairs = Vec::new();
    person_fields("p_", &body.person, &mut pairs)?;
    let details = forms::person(
        &FormFields::from_pairs(pairs),
        "p_",
        today(state.clock.now()),
        true,
    )
    .map_err(json_error)?;
    let consent = match &body.consent_method {
        None => None,
        Some(method) => Some(NewConsent {
            purpose: ConsentPurpose::Tracing,
            basis: ConsentBasis::Consent {
                given_by: if details.flags.minor {
                    ConsentGiver::Guardian
                } else {
                    ConsentGiver::Person
                },
                method: ConsentMethod::parse(method)
                    .map_err(|e| WebError::invalid("consent_method", e.message))?,
            },
            scope: SharingScope::default(),
            note: None,
        }),
    };
    let audit = member.audit(&state, "registration");
    let scope = member.scope();
    let person = state
        .store
        .create_registration(&audit, &scope, kind, &details)
        .await?;
    if let Some(consent) = consent {
        state
            .store
            .record_consent(&audit, &scope, person.id, &consent)
            .await?;
    }
    state
        .matching
        .person_changed(state.store.as_ref(), person.id, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(person_json(&person))).into_response())
}
