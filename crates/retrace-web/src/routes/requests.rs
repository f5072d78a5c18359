//! Restoring Family Links pages: tracing requests, persons, consent,
//! registrations. Caseworkers write; viewers read. Every read of personal
//! data goes through a store method that audits it; every change is a use
//! case of `retrace-app`, fed the form read into its input type.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, FormFields, PathId, PathIds, Reader};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::forms;
use crate::page::OnPage;
use crate::page::Page;
use crate::templates::{self, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::persons::{self as app_persons};
use retrace_app::requests::{self as app_requests};
use retrace_domain::{ConsentId, PersonId, RequestId, RequestStatus, Role, Text};
use retrace_store::{PersonRole, TracingRequest};
use std::collections::BTreeMap;

/// Re-renders a form with what was typed and all its errors, or passes
/// other errors on. `subject` is the person a one-person form is about
/// (see `forms::field_label`), `prefix` that person's field prefix.
fn invalid_or<T>(
    page: &Page,
    error: WebError,
    form: &FormFields,
    (subject, prefix): (Option<&str>, &str),
    render_form: impl FnOnce(FormValues) -> WebResult<T>,
) -> WebResult<T> {
    match FormErrors::of(page, &error, subject, prefix) {
        Some(errors) => render_form(FormValues::with_errors(form, errors)),
        None => Err(error),
    }
}

fn unprocessable(html: axum::response::Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

// ---------------------------------------------------------------- create

pub async fn new_form(page: Page, _caseworker: Caseworker) -> WebResult<Response> {
    // Nothing that records consent or a lawful basis is ticked in advance.
    let mut values = FormValues::default();
    values.set("c_context", "migration");
    Ok(render(&templates::RequestForm {
        page: &page,
        values,
        duplicates: Vec::new(),
    })?
    .into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    form: FormFields,
) -> WebResult<Response> {
    let input = forms::open_request(&form);
    let values = FormValues::from_form(&form);
    if !super::duplicates::confirmed_different(&values) {
        let found = retrace_app::duplicates::of_request(&state.app, &member.actor(), &input)?;
        let duplicates = super::duplicates::request_lines(&state, &member, &found).await?;
        if !duplicates.is_empty() {
            return Ok(render(&templates::RequestForm {
                page: &page,
                values,
                duplicates,
            })?
            .into_response());
        }
    }
    match app_requests::open_request(&state.app, &member.actor(), input).await {
        Ok(request) => Ok(Redirect::to(&format!("/requests/{}", request.id)).into_response()),
        Err(error) => invalid_or(&page, error.into(), &form, (None, ""), |values| {
            Ok(unprocessable(render(&templates::RequestForm {
                page: &page,
                values,
                duplicates: Vec::new(),
            })?))
        }),
    }
}

// ---------------------------------------------------------------- show

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<RequestId>,
) -> WebResult<Response> {
    Ok(
        request_page(&state, &page, &member, id, FormValues::default())
            .await?
            .into_response(),
    )
}

/// The request's page; `values` fill its status form (again, with its
/// errors, after a refused change).
pub(super) async fn request_page(
    state: &AppState,
    page: &Page,
    member: &crate::identity::Member,
    id: RequestId,
    values: FormValues,
) -> WebResult<axum::response::Html<String>> {
    let scope = member.scope();
    let request = state
        .store
        .request(&member.audit(state, "request view"), &scope, id)
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
    render(&templates::RequestPage {
        page,
        id: request.id.to_string(),
        reference: request.reference.to_string(),
        status: request.status.code(),
        closure_reason: request.status.closure_reason().map(|r| r.as_str()),
        version: request.version,
        circumstances: templates::CircumstancesView::of(&request.circumstances),
        enquirer_id: request.enquirer.id.to_string(),
        enquirer: templates::PersonSummary::of(&request.enquirer.details),
        sought,
        history: history_rows(state, history).await?,
        next_statuses: next_statuses(request.status),
        transfers: super::transfers::lines_of(state.store.as_ref(), member, id).await?,
        assignment: super::lists::assignment_view(state, member, request.assigned_to).await?,
        can_write: member.roles.contains(Role::Caseworker),
        values,
    })
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
            at: change.at.on_page(),
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
    page: Page,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    form: FormFields,
) -> WebResult<Response> {
    let version = forms::version(&form)?;
    let mut confirmed = Ok(());
    if form.text("status") == "closed" {
        confirmed = forms::confirmed(&form);
    }
    let input = forms::change_status(&form, version);
    let changed = match confirmed {
        Ok(()) => app_requests::change_status(&state.app, &member.actor(), id, input)
            .await
            .map_err(WebError::from),
        Err(error) => Err(error),
    };
    match changed {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(error) => match FormErrors::of(&page, &error, None, "") {
            Some(errors) => {
                let values = FormValues::with_errors(&form, errors);
                Ok(unprocessable(
                    request_page(&state, &page, &member, id, values).await?,
                ))
            }
            None => Err(error),
        },
    }
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
    let saved = match forms::version(&form) {
        Ok(version) => app_requests::edit_circumstances(
            &state.app,
            &member.actor(),
            id,
            version,
            forms::circumstances(&form),
        )
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
                .request(&member.audit(&state, "request edit"), &member.scope(), id)
                .await?
                .ok_or(WebError::NotFound)?;
            let status = if matches!(error, WebError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            invalid_or(&page, error, &form, (None, ""), |mut values| {
                if status == StatusCode::CONFLICT {
                    // Show the current version so the next save can succeed.
                    values.set("version", request.version.to_string());
                }
                let html = render(&templates::CircumstancesForm {
                    page: &page,
                    id: id.to_string(),
                    reference: request.reference.to_string(),
                    values,
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
    let values = FormValues::default();
    Ok(render(&templates::SoughtForm {
        page: &page,
        id: id.to_string(),
        reference: request.reference.to_string(),
        values,
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
    // Read first, as the form page does: a foreign request is "not found"
    // whatever the form holds, and its reference labels the form again.
    let request = state
        .store
        .request(
            &member.audit(&state, "add sought person"),
            &member.scope(),
            id,
        )
        .await?
        .ok_or(WebError::NotFound)?;
    match app_requests::add_sought_person(&state.app, &member.actor(), id, forms::add_sought(&form))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(error) => invalid_or(
            &page,
            error.into(),
            &form,
            (Some("sought-person"), "s_"),
            |values| {
                Ok(unprocessable(render(&templates::SoughtForm {
                    page: &page,
                    id: id.to_string(),
                    reference: request.reference.to_string(),
                    values,
                })?))
            },
        ),
    }
}

// ---------------------------------------------------------------- persons

pub async fn person_page(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<PersonId>,
) -> WebResult<Response> {
    Ok(
        person_view(&state, &page, &member, id, FormValues::default())
            .await?
            .into_response(),
    )
}

/// A person's page; `values` fill its consent form (again, with its
/// errors, after a refused entry).
async fn person_view(
    state: &AppState,
    page: &Page,
    member: &crate::identity::Member,
    id: PersonId,
    values: FormValues,
) -> WebResult<axum::response::Html<String>> {
    let scope = member.scope();
    let person = state
        .store
        .person(&member.audit(state, "person view"), &scope, id)
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
    render(&templates::PersonPage {
        page,
        id: id.to_string(),
        request_id: person.request.map(|r| r.to_string()),
        role: role_label(page, person.role),
        summary: templates::PersonSummary::of(&person.details),
        consents: consents.iter().map(templates::ConsentRow::of).collect(),
        candidates: rows,
        withdrawn_candidates: state
            .store
            .candidate_withdrawals(&scope, id)
            .await?
            .iter()
            .map(|withdrawal| withdrawal.at.on_page())
            .collect(),
        can_write: member.roles.contains(Role::Caseworker),
        can_erase: member.roles.contains(Role::OrgAdmin),
        values,
    })
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
    let saved = match forms::version(&form) {
        Ok(version) => app_persons::edit_person(
            &state.app,
            &member.actor(),
            id,
            version,
            forms::person(&form, "p_"),
        )
        .await
        .map_err(WebError::from),
        Err(error) => Err(error),
    };
    let error = match saved {
        Ok(_) => return Ok(Redirect::to(&format!("/persons/{id}")).into_response()),
        Err(WebError::NotFound) => return Err(WebError::NotFound),
        Err(error) => error,
    };
    // The form again, with the version now stored so the next save can
    // succeed after a conflict.
    let person = state
        .store
        .person(&member.audit(&state, "person edit"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let status = if matches!(error, WebError::Conflict { .. }) {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    invalid_or(&page, error, &form, (None, "p_"), |mut values| {
        values.set("version", person.version.to_string());
        let html = render(&templates::PersonForm {
            page: &page,
            id: id.to_string(),
            with_contact: !matches!(person.role, PersonRole::Sought(_)),
            values,
        })?;
        Ok((status, html).into_response())
    })
}

pub async fn record_consent(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<PersonId>,
    form: FormFields,
) -> WebResult<Response> {
    match app_persons::record_consent(&state.app, &member.actor(), id, forms::consent(&form)).await
    {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}#consents")).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            match FormErrors::of(&page, &error, None, "") {
                Some(errors) => {
                    let values = FormValues::with_errors(&form, errors);
                    Ok(unprocessable(
                        person_view(&state, &page, &member, id, values).await?,
                    ))
                }
                None => Err(error),
            }
        }
    }
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathIds(id, consent): PathIds<PersonId, ConsentId>,
    form: FormFields,
) -> WebResult<Response> {
    let withdrawn = match forms::confirmed(&form) {
        Ok(()) => app_persons::withdraw_consent(&state.app, &member.actor(), id, consent)
            .await
            .map(|_| ())
            .map_err(WebError::from),
        Err(error) => Err(error),
    };
    let error = match withdrawn {
        Ok(()) => return Ok(Redirect::to(&format!("/persons/{id}#consents")).into_response()),
        Err(error) => error,
    };
    // The person's page again, the entry's own box marked.
    let control = format!("confirm-{consent}");
    let fields = [("confirm", control.as_str(), "label-confirm")];
    match FormErrors::of_fields(&page, &error, &fields) {
        Some(errors) => {
            let values = FormValues::with_errors(&form, errors);
            let html = person_view(&state, &page, &member, id, values).await?;
            Ok((error.status(), html).into_response())
        }
        None => Err(error),
    }
}

// ---------------------------------------------------------------- registrations

pub async fn new_registration_form(page: Page, _caseworker: Caseworker) -> WebResult<Response> {
    let mut values = FormValues::default();
    values.set("kind", "safe");
    Ok(render(&templates::RegistrationForm {
        page: &page,
        values,
        duplicates: Vec::new(),
    })?
    .into_response())
}

pub async fn create_registration(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    form: FormFields,
) -> WebResult<Response> {
    let input = forms::registration(&form);
    let values = FormValues::from_form(&form);
    if !super::duplicates::confirmed_different(&values) {
        let found = retrace_app::duplicates::of_registration(&state.app, &member.actor(), &input)?;
        let duplicates = super::duplicates::registration_lines(&state, &member, &found).await?;
        if !duplicates.is_empty() {
            return Ok(render(&templates::RegistrationForm {
                page: &page,
                values,
                duplicates,
            })?
            .into_response());
        }
    }
    match app_persons::register_person(&state.app, &member.actor(), input).await {
        Ok(person) => Ok(Redirect::to(&format!("/persons/{}", person.id)).into_response()),
        Err(error) => invalid_or(&page, error.into(), &form, (None, "p_"), |values| {
            Ok(unprocessable(render(&templates::RegistrationForm {
                page: &page,
                values,
                duplicates: Vec::new(),
            })?))
        }),
    }
}
