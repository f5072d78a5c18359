//! Issue 16: erasure of a person (the organisation administrator's page
//! and the API under the `admin` scope). The rules are in
//! `retrace_app::privacy`; this module translates to and from HTTP.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, JsonBody, OrgAdmin, PathId};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::page::Page;
use crate::privacy_views::{ErasePage, ErasedSummary, RetentionPage, RetentionRow};
use crate::templates::render;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use retrace_app::{privacy, retention};
use retrace_domain::PersonId;
use retrace_domain::Problem;
use retrace_store::{Erasure, PersonRole};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/erase", get(erase_form).post(erase))
        .route("/api/v1/persons/{id}/erase", post(api_erase))
        .route("/org/retention", get(retention_form).post(save_retention))
        .route("/api/v1/retention", get(api_retention))
        .route("/api/v1/retention/{kind}", post(api_set_retention))
}

fn summary(erasure: &Erasure) -> ErasedSummary {
    ErasedSummary {
        persons: erasure.persons.len(),
        request: erasure.request.is_some(),
        candidates: erasure.candidates_withdrawn,
        files: erasure.media.len(),
    }
}

async fn form_page(
    state: &AppState,
    page: &Page,
    member: &OrgAdmin,
    id: PersonId,
    values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let person = state
        .store
        .person(&member.audit(state, "erasure"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let html = render(&ErasePage {
        page,
        id: id.to_string(),
        name: person.details.primary_name().to_owned(),
        enquirer: person.role == PersonRole::Enquirer,
        values,
        done: None,
    })?;
    Ok((status, html).into_response())
}

pub async fn erase_form(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<PersonId>,
) -> WebResult<Response> {
    form_page(
        &state,
        &page,
        &member,
        id,
        FormValues::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn erase(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<PersonId>,
    form: FormFields,
) -> WebResult<Response> {
    let confirmed = !form.text("confirm").is_empty();
    match privacy::erase_person(&state.app, &member.actor(), id, confirmed).await {
        Ok(erasure) => Ok(render(&ErasePage {
            page: &page,
            id: id.to_string(),
            name: String::new(),
            enquirer: false,
            values: FormValues::default(),
            done: Some(summary(&erasure)),
        })?
        .into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let fields = [("confirm", "confirm", "label-confirm")];
            match FormErrors::of_fields(&page, &error, &fields) {
                Some(errors) => {
                    form_page(
                        &state,
                        &page,
                        &member,
                        id,
                        FormValues::with_errors(&form, errors),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await
                }
                None => Err(error),
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EraseBody {
    /// Must be `true`: an erasure cannot be undone.
    pub confirm: bool,
}

pub async fn api_erase(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<PersonId>,
    JsonBody(body): JsonBody<EraseBody>,
) -> WebResult<Json<Value>> {
    let erasure = privacy::erase_person(&state.app, &member.actor(), id, body.confirm).await?;
    Ok(Json(json!({
        "erased_persons": erasure.persons.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "erased_request": erasure.request.map(|r| r.to_string()),
        "candidates_withdrawn": erasure.candidates_withdrawn,
        "files_deleted": erasure.media.len(),
    })))
}

/// The organisation's retention periods with the operator's limits.
pub async fn api_retention(
    State(state): State<AppState>,
    member: OrgAdmin,
) -> WebResult<Json<Value>> {
    let settings = retention::retention_settings(&state.app, &member.actor()).await?;
    Ok(Json(json!({
        "periods": settings.iter().map(|s| json!({
            "kind": s.kind.as_str(),
            "days": s.effective.days(),
            "chosen_days": s.chosen_days,
            "default_days": s.limits.default_days,
            "min_days": s.limits.min_days,
            "max_days": s.limits.max_days,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionBody {
    pub days: u32,
}

/// Sets the organisation's period for one kind, within the limits.
pub async fn api_set_retention(
    State(state): State<AppState>,
    member: OrgAdmin,
    Path(kind): Path<String>,
    JsonBody(body): JsonBody<RetentionBody>,
) -> WebResult<Json<Value>> {
    let period =
        retention::set_retention_period(&state.app, &member.actor(), &kind, body.days).await?;
    Ok(Json(json!({ "kind": kind, "days": period.days() })))
}

async fn retention_page(
    state: &AppState,
    page: &Page,
    member: &OrgAdmin,
    values: FormValues,
    saved: bool,
    status: StatusCode,
) -> WebResult<Response> {
    let settings = retention::retention_settings(&state.app, &member.actor()).await?;
    let rows = settings
        .iter()
        .map(|s| RetentionRow {
            kind: s.kind.as_str(),
            label: format!("retention-kind-{}", s.kind.as_str().replace('_', "-")),
            days: s.effective.days(),
            min_days: s.limits.min_days,
            max_days: s.limits.max_days,
            default_days: s.limits.default_days,
        })
        .collect();
    let html = render(&RetentionPage {
        page,
        rows,
        values,
        saved,
    })?;
    Ok((status, html).into_response())
}

pub async fn retention_form(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
) -> WebResult<Response> {
    retention_page(
        &state,
        &page,
        &member,
        FormValues::default(),
        false,
        StatusCode::OK,
    )
    .await
}

pub async fn save_retention(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    form: FormFields,
) -> WebResult<Response> {
    let result = match form.text("days").trim().parse::<u32>() {
        Ok(days) => {
            retention::set_retention_period(&state.app, &member.actor(), &form.text("kind"), days)
                .await
                .map(|_| ())
                .map_err(WebError::from)
        }
        Err(_) => Err(WebError::from(retrace_app::AppError::invalid(
            "days",
            Problem::WholeNumber,
        ))),
    };
    match result {
        Ok(()) => {
            let values = FormValues::default();
            retention_page(&state, &page, &member, values, true, StatusCode::OK).await
        }
        Err(error) => {
            // The row's own control, named by the kind of record it keeps.
            let kind = form.text("kind");
            let control = format!("days-{kind}");
            let label = format!("retention-kind-{}", kind.replace('_', "-"));
            let fields = [
                ("days", control.as_str(), label.as_str()),
                ("kind", control.as_str(), "label-kind"),
            ];
            match FormErrors::of_fields(&page, &error, &fields) {
                Some(errors) => {
                    retention_page(
                        &state,
                        &page,
                        &member,
                        FormValues::with_errors(&form, errors),
                        false,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await
                }
                None => Err(error),
            }
        }
    }
}
