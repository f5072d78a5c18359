//! Export of the organisation's tracing requests as CSV: the form, and
//! the download made by `retrace_app::export` (a stated reason, the
//! password again, audited, and nothing consent no longer allows).

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{Caseworker, FormFields};
use crate::forms;
use crate::page::Page;
use crate::templates::{self, render};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use retrace_app::AppError;
use retrace_app::export::{ExportInput, Reconfirmation, export_requests};

pub async fn form(page: Page, _caseworker: Caseworker) -> WebResult<Response> {
    Ok(render(&templates::ExportForm {
        page: &page,
        reason: String::new(),
        error: None,
    })?
    .into_response())
}

pub async fn export(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    form: FormFields,
) -> WebResult<Response> {
    let reason = form.text("reason");
    let input = ExportInput {
        reason: reason.clone(),
        confirmation: Reconfirmation::Password(form.get("password").unwrap_or_default().to_owned()),
        query: forms::request_query(&form),
    };
    let bytes = match export_requests(&state.app, &member.actor(), input).await {
        Ok(bytes) => bytes,
        Err(AppError::Invalid { field, .. }) if field == "reason" || field == "password" => {
            let rule = if field == "reason" {
                "export-reason-rule"
            } else {
                "export-password-wrong"
            };
            let html = render(&templates::ExportForm {
                page: &page,
                reason,
                error: Some(format!(
                    "{}: {}",
                    page.t(&format!("field-{field}")),
                    page.t(rule)
                )),
            })?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
        Err(error) => return Err(error.into()),
    };
    let filename = format!(
        "attachment; filename=\"requests-{}.csv\"",
        state.clock.now().rfc3339().get(..10).unwrap_or("export")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
