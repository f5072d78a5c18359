//! Export of the organisation's tracing requests as CSV. A bulk export is
//! the easiest way to sell cases, so it needs a stated reason and the
//! password again, is written to the audit log with that reason, and leaves
//! out what consent no longer allows: persons whose tracing consent was
//! withdrawn and persons at risk appear only as a marker.

use super::requests::{ListQuery, build_filter};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, FormFields};
use crate::page::Page;
use crate::templates::{self, render};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use retrace_domain::{ConsentLedger, PersonDetails};
use retrace_store::{RequestFilter, StoredPerson};

/// Rows one export may hold.
pub const MAX_ROWS: u32 = 5000;
const PAGE: u32 = 500;

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
    let refuse = |message: String| -> WebResult<Response> {
        let html = render(&templates::ExportForm {
            page: &page,
            reason: reason.clone(),
            error: Some(message),
        })?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    if reason.chars().count() < 10 || reason.chars().count() > 300 {
        return refuse(format!(
            "{}: {}",
            page.t("field-reason"),
            page.t("export-reason-rule")
        ));
    }
    if !crate::auth::reconfirm_password(
        &state,
        &member.user,
        form.get("password").unwrap_or_default(),
    )
    .await?
    {
        return refuse(format!(
            "{}: {}",
            page.t("field-password"),
            page.t("export-password-wrong")
        ));
    }
    let query = ListQuery::from_form(&form);
    let filter = build_filter(&state, &member, &query)?;
    // The reason may name people: it goes to the erasable export record,
    // never into the audit log (see `Store::record_export`).
    let audit = member.audit(&state, "export");
    let scope = member.scope();
    let mut summaries = Vec::new();
    let mut offset = 0;
    while offset < MAX_ROWS {
        let (rows, _) = state
            .store
            .list_requests(
                &audit,
                &scope,
                &RequestFilter {
                    limit: PAGE,
                    offset,
                    ..filter.clone()
                },
            )
            .await?;
        let done = rows.len() < PAGE as usize;
        summaries.extend(rows);
        offset += PAGE;
        if done {
            break;
        }
    }
    summaries.truncate(MAX_ROWS as usize);
    let row_count = u32::try_from(summaries.len()).unwrap_or(MAX_ROWS);
    state
        .store
        .record_export(&audit, &scope, &reason, row_count)
        .await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header_row = [
        "reference",
        "status",
        "opened",
        "enquirer",
        "sought",
        "nationalities",
    ];
    writer
        .write_record(header_row)
        .map_err(WebError::internal)?;
    for summary in &summaries {
        let Some(request) = state.store.request(&audit, &scope, summary.id).await? else {
            continue;
        };
        let mut nationalities = Vec::new();
        let enquirer = exported_name(&state, &scope, &request.enquirer, &mut nationalities).await?;
        let mut sought = Vec::new();
        for person in &request.sought {
            let name = exported_name(&state, &scope, person, &mut nationalities).await?;
            let relationship = match person.role {
                retrace_store::PersonRole::Sought(r) => r.as_str(),
                _ => "",
            };
            sought.push(format!("{relationship}: {name}"));
        }
        nationalities.sort();
        nationalities.dedup();
        writer
            .write_record([
                request.reference.to_string(),
                request.status.code().to_owned(),
                request.created_at.rfc3339(),
                enquirer,
                sought.join("; "),
                nationalities.join(" "),
            ])
            .map_err(WebError::internal)?;
    }
    let bytes = writer.into_inner().map_err(WebError::internal)?;
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

/// The person's names, or a marker when consent or risk forbids export.
async fn exported_name(
    state: &AppState,
    scope: &retrace_store::OrgScope,
    person: &StoredPerson,
    nationalities: &mut Vec<String>,
) -> WebResult<String> {
    if person.details.flags.at_risk {
        return Ok("[at risk: not exported]".to_owned());
    }
    let consents = state.store.consents(scope, person.id).await?;
    if ConsentLedger(&consents).tracing_withdrawn() {
        return Ok("[consent withdrawn: not exported]".to_owned());
    }
    nationalities.extend(
        person
            .details
            .nationalities
            .iter()
            .map(|c| c.as_str().to_owned()),
    );
    Ok(names(&person.details))
}

fn names(details: &PersonDetails) -> String {
    details
        .names()
        .iter()
        .map(|name| name.full().to_owned())
        .collect::<Vec<_>>()
        .join(" / ")
}
