//! Restoring Family Links pages: tracing requests, persons, consent,
//! registrations. Caseworkers write; viewers read. Every read of personal
//! data goes through a store method that audits it.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, FormFields, PathId, PathIds, QueryParams, Reader};
use crate::form_values::FormValues;
use crate::forms::{self, STATUS_CODES, today};
use crate::identity::Member;
use crate::page::Page;
use crate::templates::{self, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_domain::{
    ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, ConsentRecord, LawfulBasis,
    NewConsent, PersonId, RegistrationKind, Relationship, RequestId, RequestStatus, Role,
    SharingScope, Text, Timestamp,
};
use retrace_store::{NewRequest, PersonRole, RequestFilter, StoredPerson, TracingRequest};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const PAGE_SIZE: u32 = 50;

/// The translated form error, naming the field by its label.
fn form_error(page: &Page, error: &WebError) -> Option<String> {
    match error {
        WebError::Invalid { field, message } | WebError::Conflict { field, message } => {
            Some(format!("{}: {message}", field_label(page, field)))
        }
        _ => None,
    }
}

/// `e_name_1` → the label of "name" with the person it belongs to.
fn field_label(page: &Page, field: &str) -> String {
    let (who, rest) = match field.split_once('_') {
        Some(("e", rest)) => (Some(page.t("enquirer")), rest),
        Some(("s", rest)) => (Some(page.t("sought-person")), rest),
        Some(("p", rest)) => (None, rest),
        Some(("c", rest)) => (Some(page.t("circumstances")), rest),
        _ => (None, field),
    };
    let base = rest.trim_end_matches(|c: char| c == '_' || c.is_ascii_digit());
    let label = page.t(&format!("field-{}", base.replace('_', "-")));
    match who {
        Some(who) => format!("{who} · {label}"),
        None => label,
    }
}

/// Re-renders a form with its error, or passes other errors on.
fn invalid_or<T>(
    page: &Page,
    error: WebError,
    render_form: impl FnOnce(Option<String>) -> WebResult<T>,
) -> WebResult<T> {
    match form_error(page, &error) {
        Some(message) => render_form(Some(message)),
        None => Err(error),
    }
}

fn unprocessable(html: axum::response::Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    nationality: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    page: Option<u32>,
}

impl ListQuery {
    /// The same filters sent in a form (the export form repeats them).
    pub fn from_form(form: &FormFields) -> Self {
        Self {
            status: form.text("status"),
            nationality: form.text("nationality"),
            from: form.text("from"),
            to: form.text("to"),
            q: form.text("q"),
            name: form.text("name"),
            page: None,
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    QueryParams(query): QueryParams<ListQuery>,
) -> WebResult<Response> {
    let filter = build_filter(&state, &member, &query)?;
    let (rows, total) = state
        .store
        .list_requests(
            &member.audit(&state, "request list"),
            &member.scope(),
            &filter,
        )
        .await?;
    let page_number = query.page.unwrap_or(1).max(1);
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let mut values = FormValues::default();
    for (key, value) in [
        ("status", &query.status),
        ("nationality", &query.nationality),
        ("from", &query.from),
        ("to", &query.to),
        ("q", &query.q),
        ("name", &query.name),
    ] {
        values.set(key, value.clone());
    }
    let rows = rows
        .into_iter()
        .map(|row| templates::RequestRow {
            id: row.id.to_string(),
            reference: row.reference.to_string(),
            status: row.status.code(),
            enquirer: row.enquirer_name,
            sought: row
                .sought
                .into_iter()
                .map(|(relationship, name)| (relationship.as_str(), name))
                .collect(),
            opened: row.created_at.display_utc(),
        })
        .collect();
    let base = list_link(&query);
    let html = render(&templates::RequestList {
        page: &page,
        rows,
        total,
        page_number: u64::from(page_number),
        pages,
        previous: (page_number > 1).then(|| format!("{base}page={}", page_number - 1)),
        next: (u64::from(page_number) < pages).then(|| format!("{base}page={}", page_number + 1)),
        values,
        can_write: member.roles.contains(Role::Caseworker),
    })?;
    Ok(html.into_response())
}

fn list_link(query: &ListQuery) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("status", query.status.as_str()),
        ("nationality", query.nationality.as_str()),
        ("from", query.from.as_str()),
        ("to", query.to.as_str()),
        ("q", query.q.as_str()),
        ("name", query.name.as_str()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let encoded = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if encoded.is_empty() {
        "/requests?".to_owned()
    } else {
        format!("/requests?{encoded}&")
    }
}

pub fn build_filter(
    state: &AppState,
    member: &Member,
    query: &ListQuery,
) -> WebResult<RequestFilter> {
    let status = match query.status.trim() {
        "" => None,
        code => {
            if !STATUS_CODES.contains(&code) {
                return Err(WebError::invalid(
                    "status",
                    format!("unknown code {code:?}"),
                ));
            }
            Some(code.to_owned())
        }
    };
    let nationality = match query.nationality.trim() {
        "" => None,
        code => Some(
            retrace_domain::CountryCode::parse(code)
                .map_err(|e| WebError::invalid("nationality", e.message))?,
        ),
    };
    let day = |field: &'static str, value: &str| -> WebResult<Option<Timestamp>> {
        if value.trim().is_empty() {
            return Ok(None);
        }
        let date = time::Date::parse(
            value.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| WebError::invalid(field, "must be a date like 2026-05-31"))?;
        let millis = date.midnight().assume_utc().unix_timestamp() * 1000;
        Ok(Some(Timestamp::from_millis(millis)))
    };
    let opened_from = day("from", &query.from)?;
    let opened_before =
        day("to", &query.to)?.map(|t| t.plus(std::time::Duration::from_secs(86_400)));
    let text = Some(query.q.trim().to_owned()).filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(WebError::invalid("q", "must have at most 100 characters"));
    }
    let only = match query.name.trim() {
        "" => None,
        name if name.chars().count() > 200 => {
            return Err(WebError::invalid(
                "name",
                "must have at most 200 characters",
            ));
        }
        name => Some(state.matching.search_requests(member.org, name, 500)),
    };
    let page = query.page.unwrap_or(1).max(1);
    Ok(RequestFilter {
        status,
        nationality,
        opened_from,
        opened_before,
        text,
        only,
        limit: PAGE_SIZE,
        offset: (page - 1).saturating_mul(PAGE_SIZE),
    })
}

// ---------------------------------------------------------------- create

pub async fn new_form(page: Page, _caseworker: Caseworker) -> WebResult<Response> {
    let mut values = FormValues::default();
    values.set("e_tracing_consent", "on");
    values.set("s_vital_interest", "on");
    values.set("c_context", "migration");
    Ok(render(&templates::RequestForm {
        page: &page,
        values,
        error: None,
    })?
    .into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    form: FormFields,
) -> WebResult<Response> {
    let now = state.clock.now();
    let parsed = (|| -> WebResult<(NewRequest, Option<NewConsent>, bool)> {
        let today = today(now);
        let enquirer = forms::person(&form, "e_", today, true)?;
        let relationship = Relationship::parse(&form.text("s_relationship"))
            .map_err(|e| WebError::invalid("s_relationship", e.message))?;
        let sought = forms::person(&form, "s_", today, false)?;
        let circumstances = forms::circumstances(&form, today)?;
        let enquirer_consent = if form.get("e_tracing_consent").is_some() {
            let method = ConsentMethod::parse(&form.text("e_consent_method"))
                .map_err(|e| WebError::invalid("e_consent_method", e.message))?;
            Some(NewConsent {
                purpose: ConsentPurpose::Tracing,
                basis: ConsentBasis::Consent {
                    given_by: ConsentGiver::Person,
                    method,
                },
                scope: SharingScope::default(),
                note: None,
            })
        } else {
            None
        };
        Ok((
            NewRequest {
                enquirer,
                sought: vec![(relationship, sought)],
                circumstances,
            },
            enquirer_consent,
            form.get("s_vital_interest").is_some(),
        ))
    })();
    let (new, enquirer_consent, vital_interest) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            return invalid_or(&page, error, |message| {
                let values = FormValues::from_form(&form);
                Ok(unprocessable(render(&templates::RequestForm {
                    page: &page,
                    values,
                    error: message,
                })?))
            });
        }
    };
    let audit = member.audit(&state, "tracing request");
    let scope = member.scope();
    let request = state.store.create_request(&audit, &scope, &new).await?;
    if let Some(consent) = enquirer_consent {
        state
            .store
            .record_consent(&audit, &scope, request.enquirer.id, &consent)
            .await?;
    }
    if vital_interest {
        for sought in &request.sought {
            state
                .store
                .record_consent(&audit, &scope, sought.id, &vital_interest_consent())
                .await?;
        }
    }
    reindex_request(&state, &request).await?;
    Ok(Redirect::to(&format!("/requests/{}", request.id)).into_response())
}

/// Tracing a missing person who cannot be asked rests on their vital
/// interest, decided by the caseworker who records it.
pub fn vital_interest_consent() -> NewConsent {
    NewConsent {
        purpose: ConsentPurpose::Tracing,
        basis: ConsentBasis::Lawful(LawfulBasis::VitalInterest),
        scope: SharingScope::default(),
        note: None,
    }
}

pub async fn reindex_request(state: &AppState, request: &TracingRequest) -> WebResult<()> {
    let now = state.clock.now();
    for person in std::iter::once(&request.enquirer).chain(request.sought.iter()) {
        state
            .matching
            .person_changed(state.store.as_ref(), person.id, now)
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- show

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<RequestId>,
) -> WebResult<Response> {
    let scope = member.scope();
    let request = state
        .store
        .request(&member.audit(&state, "request view"), &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let history = state.store.status_history(&scope, id).await?;
    let mut sought = Vec::new();
    for person in &request.sought {
        let candidates = state.store.candidates_for(&scope, person.id).await?;
        sought.push(templates::SoughtRow {
            id: person.id.to_string(),
            relationship: match person.role {
                PersonRole::Sought(r) => r.as_str(),
                _ => "other_relative",
            },
            summary: templates::PersonSummary::of(&person.details),
            candidates: candidates.len(),
            confirmed: candidates
                .iter()
                .filter(|c| c.sought_review.status == retrace_domain::CandidateStatus::Confirmed)
                .count(),
        });
    }
    let html = render(&templates::RequestPage {
        page: &page,
        id: request.id.to_string(),
        reference: request.reference.to_string(),
        status: request.status.code(),
        closure_reason: request.status.closure_reason().map(|r| r.as_str()),
        version: request.version,
        circumstances: templates::CircumstancesView::of(&request.circumstances),
        enquirer_id: request.enquirer.id.to_string(),
        enquirer: templates::PersonSummary::of(&request.enquirer.details),
        sought,
        history: history_rows(&state, history).await?,
        next_statuses: next_statuses(request.status),
        transfers: super::transfers::lines_of(state.store.as_ref(), &member, id).await?,
        can_write: member.roles.contains(Role::Caseworker),
        error: None,
    })?;
    Ok(html.into_response())
}

/// Status changes with the name of the staff member who made each one.
async fn history_rows(
    state: &AppState,
    history: Vec<retrace_store::StatusChange>,
) -> WebResult<Vec<templates::HistoryRow>> {
    let mut names: BTreeMap<retrace_domain::UserId, String> = BTreeMap::new();
    let mut rows = Vec::new();
    for change in history {
        let by = match change.by {
            Some(id) => match names.get(&id) {
                Some(name) => name.clone(),
                None => {
                    let name = state
                        .store
                        .user(id)
                        .await?
                        .map(|u| u.display_name.to_string())
                        .unwrap_or_default();
                    names.insert(id, name.clone());
                    name
                }
            },
            None => String::new(),
        };
        rows.push(templates::HistoryRow {
            status: change.status.code(),
            reason: change.status.closure_reason().map(|r| r.as_str()),
            note: change.note.map(|n| n.to_string()).unwrap_or_default(),
            at: change.at.display_utc(),
            by,
        });
    }
    Ok(rows)
}

fn next_statuses(current: RequestStatus) -> Vec<&'static str> {
    let candidates = [
        RequestStatus::Searching,
        RequestStatus::Located,
        RequestStatus::ContactRestored,
        RequestStatus::Reunited,
        RequestStatus::Closed(retrace_domain::ClosureReason::NotFound),
    ];
    candidates
        .into_iter()
        .filter(|next| current.may_become(*next))
        .map(RequestStatus::code)
        .collect()
}

pub async fn change_status(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    form: FormFields,
) -> WebResult<Response> {
    let scope = member.scope();
    let audit = member.audit(&state, "status change");
    let version = forms::version(&form)?;
    let reason = form.text("closure_reason");
    let status = RequestStatus::parse(&form.text("status"), Some(reason.as_str()))?;
    let note = Text::optional("note", &form.text("note"), 500)?;
    let current = state
        .store
        .request(&audit, &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !current.status.may_become(status) {
        return Err(WebError::invalid(
            "status",
            format!(
                "a request cannot go from {} to {}",
                current.status.code(),
                status.code()
            ),
        ));
    }
    let updated = state
        .store
        .set_request_status(&audit, &scope, id, version, status, note.as_ref())
        .await?;
    if updated.status.is_closed() != current.status.is_closed() {
        reindex_request(&state, &updated).await?;
    }
    if updated.status.is_closed() {
        let target = retrace_store::TakedownTarget::Request(id);
        super::gallery_staff::take_down(&state, &audit, &scope, target).await?;
    }
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
) -> WebResult<Response> {
    let request = state
        .store
        .request(&member.audit(&state, "request edit"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let values = circumstances_values(&request);
    Ok(render(&templates::CircumstancesForm {
        page: &page,
        id: id.to_string(),
        reference: request.reference.to_string(),
        values,
        error: None,
    })?
    .into_response())
}

fn circumstances_values(request: &TracingRequest) -> FormValues {
    let c = &request.circumstances;
    let text = |t: &Option<Text>| {
        t.as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default()
    };
    let mut values = FormValues::default();
    values.set("version", request.version.to_string());
    values.set("c_context", c.context.as_str());
    values.set("c_date", c.date.map(|d| d.to_string()).unwrap_or_default());
    values.set("c_place", text(&c.place));
    values.set(
        "c_countries",
        c.countries_transited
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    values.set(
        "c_news_date",
        c.last_news.date.map(|d| d.to_string()).unwrap_or_default(),
    );
    values.set("c_news_place", text(&c.last_news.place));
    values.set("c_news_source", text(&c.last_news.source));
    values.set("c_narrative", text(&c.narrative));
    values
}

pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    form: FormFields,
) -> WebResult<Response> {
    let audit = member.audit(&state, "request edit");
    let scope = member.scope();
    let saved = match (|| {
        Ok::<_, WebError>((
            forms::version(&form)?,
            forms::circumstances(&form, today(state.clock.now()))?,
        ))
    })() {
        Ok((version, circumstances)) => state
            .store
            .update_circumstances(&audit, &scope, id, version, &circumstances)
            .await
            .map_err(WebError::from),
        Err(error) => Err(error),
    };
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(WebError::NotFound) => Err(WebError::NotFound),
        Err(error) => {
            let request = state
                .store
                .request(&audit, &scope, id)
                .await?
                .ok_or(WebError::NotFound)?;
            let status = if matches!(error, WebError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            invalid_or(&page, error, |message| {
                let mut values = FormValues::from_form(&form);
                if status == StatusCode::CONFLICT {
                    // Show the current version so the next save can succeed.
                    values.set("version", request.version.to_string());
                }
                let html = render(&templates::CircumstancesForm {
                    page: &page,
                    id: id.to_string(),
                    reference: request.reference.to_string(),
                    values,
                    error: message,
                })?;
                Ok((status, html).into_response())
            })
        }
    }
}

// ---------------------------------------------------------------- sought persons

pub async fn new_sought_form(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
) -> WebResult<Response> {
    let request = state
        .store
        .request(
            &member.audit(&state, "add sought person"),
            &member.scope(),
            id,
        )
        .await?
        .ok_or(WebError::NotFound)?;
    let mut values = FormValues::default();
    values.set("s_vital_interest", "on");
    Ok(render(&templates::SoughtForm {
        page: &page,
        id: id.to_string(),
        reference: request.reference.to_string(),
        values,
        error: None,
    })?
    .into_response())
}

pub async fn add_sought(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    form: FormFields,
) -> WebResult<Response> {
    let audit = member.audit(&state, "add sought person");
    let scope = member.scope();
    let request = state
        .store
        .request(&audit, &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let parsed = (|| {
        let relationship = Relationship::parse(&form.text("s_relationship"))
            .map_err(|e| WebError::invalid("s_relationship", e.message))?;
        Ok::<_, WebError>((
            relationship,
            forms::person(&form, "s_", today(state.clock.now()), false)?,
        ))
    })();
    let (relationship, details) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            return invalid_or(&page, error, |message| {
                Ok(unprocessable(render(&templates::SoughtForm {
                    page: &page,
                    id: id.to_string(),
                    reference: request.reference.to_string(),
                    values: FormValues::from_form(&form),
                    error: message,
                })?))
            });
        }
    };
    let person = state
        .store
        .add_sought_person(&audit, &scope, id, relationship, &details)
        .await?;
    if form.get("s_vital_interest").is_some() {
        state
            .store
            .record_consent(&audit, &scope, person.id, &vital_interest_consent())
            .await?;
    }
    state
        .matching
        .person_changed(state.store.as_ref(), person.id, state.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

// ---------------------------------------------------------------- persons

pub async fn person_page(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<PersonId>,
) -> WebResult<Response> {
    let scope = member.scope();
    let person = state
        .store
        .person(&member.audit(&state, "person view"), &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let consents = state.store.consents(&scope, id).await?;
    let candidates = state.store.candidates_for(&scope, id).await?;
    let mut rows = Vec::new();
    for candidate in candidates {
        let (mine, theirs_org) = if candidate.sought == id {
            (&candidate.sought_review, candidate.other_org)
        } else {
            (&candidate.other_review, candidate.sought_org)
        };
        let org_name = state
            .store
            .organisation(theirs_org)
            .await?
            .map(|o| o.name.to_string())
            .unwrap_or_default();
        rows.push(templates::CandidateRow {
            id: candidate.id.to_string(),
            score: templates::percent(candidate.score_milli),
            organisation: if theirs_org == member.org {
                page.t("own-organisation")
            } else {
                org_name
            },
            status: mine.status.as_str(),
        });
    }
    let html = render(&templates::PersonPage {
        page: &page,
        id: id.to_string(),
        request_id: person.request.map(|r| r.to_string()),
        role: role_label(&page, person.role),
        summary: templates::PersonSummary::of(&person.details),
        consents: consents.iter().map(templates::ConsentRow::of).collect(),
        candidates: rows,
        can_write: member.roles.contains(Role::Caseworker),
        error: None,
    })?;
    Ok(html.into_response())
}

fn role_label(page: &Page, role: PersonRole) -> String {
    match role {
        PersonRole::Enquirer => page.t("enquirer"),
        PersonRole::Sought(relationship) => format!(
            "{} · {}",
            page.t("sought-person"),
            page.t(&format!(
                "relationship-{}",
                relationship.as_str().replace('_', "-")
            ))
        ),
        PersonRole::Registered(kind) => {
            page.t(&format!("registration-{}", kind.as_str().replace('_', "-")))
        }
    }
}

pub async fn person_edit_form(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<PersonId>,
) -> WebResult<Response> {
    let person = state
        .store
        .person(&member.audit(&state, "person edit"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut values = FormValues::from_person("p_", &person.details);
    values.set("version", person.version.to_string());
    Ok(render(&templates::PersonForm {
        page: &page,
        id: id.to_string(),
        with_contact: !matches!(person.role, PersonRole::Sought(_)),
        values,
        error: None,
    })?
    .into_response())
}

pub async fn person_edit(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<PersonId>,
    form: FormFields,
) -> WebResult<Response> {
    let audit = member.audit(&state, "person edit");
    let scope = member.scope();
    let person = state
        .store
        .person(&audit, &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let with_contact = !matches!(person.role, PersonRole::Sought(_));
    let result = match (|| {
        Ok::<_, WebError>((
            forms::version(&form)?,
            forms::person(&form, "p_", today(state.clock.now()), with_contact)?,
        ))
    })() {
        Ok((version, details)) => state
            .store
            .update_person(&audit, &scope, id, version, &details)
            .await
            .map_err(WebError::from),
        Err(error) => Err(error),
    };
    match result {
        Ok(updated) => {
            if updated.details.flags.at_risk {
                // The store took down the gallery entries this person was
                // in; their files go now.
                forget_withdrawn_media(&state).await?;
            }
            state
                .matching
                .person_changed(state.store.as_ref(), id, state.clock.now())
                .await?;
            Ok(Redirect::to(&format!("/persons/{id}")).into_response())
        }
        Err(error) => {
            let status = if matches!(error, WebError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            invalid_or(&page, error, |message| {
                let mut values = FormValues::from_form(&form);
                values.set("version", person.version.to_string());
                let html = render(&templates::PersonForm {
                    page: &page,
                    id: id.to_string(),
                    with_contact,
                    values,
                    error: message,
                })?;
                Ok((status, html).into_response())
            })
        }
    }
}

pub async fn record_consent(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<PersonId>,
    form: FormFields,
) -> WebResult<Response> {
    let audit = member.audit(&state, "consent");
    let scope = member.scope();
    let person = state
        .store
        .person(&audit, &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let consent = forms::consent(&form)?;
    consent.check(person.details.flags)?;
    state
        .store
        .record_consent(&audit, &scope, id, &consent)
        .await?;
    state
        .matching
        .person_changed(state.store.as_ref(), id, state.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/persons/{id}#consents")).into_response())
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    member: Caseworker,
    PathIds(id, consent): PathIds<PersonId, retrace_domain::ConsentId>,
) -> WebResult<Response> {
    let scope = member.scope();
    let audit = member.audit(&state, "consent withdrawal");
    let owned = state.store.consents(&scope, id).await?;
    if !owned.iter().any(|c: &ConsentRecord| c.id == consent) {
        return Err(WebError::NotFound);
    }
    let withdrawn = state
        .store
        .withdraw_consent(&audit, &scope, consent)
        .await?;
    if withdrawn.purpose == ConsentPurpose::Publication {
        // The store took down the entries that needed this consent in the
        // same transaction; their files go now.
        forget_withdrawn_media(&state).await?;
    }
    state
        .matching
        .person_changed(state.store.as_ref(), id, state.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/persons/{id}#consents")).into_response())
}

/// Clears the public gallery's cache and deletes the files of entries the
/// store has taken down.
async fn forget_withdrawn_media(state: &AppState) -> WebResult<()> {
    state.gallery.cache.clear();
    state
        .sweep_gallery_media()
        .await
        .map(|_| ())
        .map_err(WebError::internal)
}

// ---------------------------------------------------------------- registrations

pub async fn registrations(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
) -> WebResult<Response> {
    let audit = member.audit(&state, "registrations list");
    let people = state
        .store
        .registrations(&audit, &member.scope(), 200)
        .await?;
    let rows = people
        .iter()
        .map(|person: &StoredPerson| templates::RegistrationRow {
            id: person.id.to_string(),
            kind: match person.role {
                PersonRole::Registered(kind) => kind.as_str(),
                _ => "looking_for_family",
            },
            name: person.details.primary_name().to_owned(),
            registered: person.created_at.display_utc(),
        })
        .collect();
    Ok(render(&templates::RegistrationList {
        page: &page,
        rows,
        can_write: member.roles.contains(Role::Caseworker),
    })?
    .into_response())
}

pub async fn new_registration_form(page: Page, _caseworker: Caseworker) -> WebResult<Response> {
    let mut values = FormValues::default();
    values.set("kind", "safe");
    values.set("p_tracing_consent", "on");
    Ok(render(&templates::RegistrationForm {
        page: &page,
        values,
        error: None,
    })?
    .into_response())
}

pub async fn create_registration(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    form: FormFields,
) -> WebResult<Response> {
    let parsed = (|| {
        let kind = RegistrationKind::parse(&form.text("kind"))
            .map_err(|e| WebError::invalid("kind", e.message))?;
        let details = forms::person(&form, "p_", today(state.clock.now()), true)?;
        let consent = if form.get("p_tracing_consent").is_some() {
            let method = ConsentMethod::parse(&form.text("p_consent_method"))
                .map_err(|e| WebError::invalid("p_consent_method", e.message))?;
            let given_by = if details.flags.minor {
                ConsentGiver::Guardian
            } else {
                ConsentGiver::Person
            };
            Some(NewConsent {
                purpose: ConsentPurpose::Tracing,
                basis: ConsentBasis::Consent { given_by, method },
                scope: SharingScope::default(),
                note: None,
            })
        } else {
            None
        };
        Ok::<_, WebError>((kind, details, consent))
    })();
    let (kind, details, consent) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            return invalid_or(&page, error, |message| {
                Ok(unprocessable(render(&templates::RegistrationForm {
                    page: &page,
                    values: FormValues::from_form(&form),
                    error: message,
                })?))
            });
        }
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
    Ok(Redirect::to(&format!("/persons/{}", person.id)).into_response())
}
