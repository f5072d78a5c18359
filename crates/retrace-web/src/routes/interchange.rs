//! Interchange with other registries: the PFIF upload page, the PFIF
//! export as a file (page) and as a feed (API). The import itself
//! (all records or none, idempotent by record id) is
//! `retrace_app::interchange::import_pfif`.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, Importer, QueryParams};
use crate::i18n::Arg;
use crate::page::Page;
use crate::templates::{self, render};
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use retrace_app::interchange::{PfifImport, PfifProblem, PfifSelection, export_pfif, import_pfif};
use retrace_domain::Problem;

/// Where a problem is (the record, its line) and what it is, in the
/// page's language: PFIF's record ids as written, never a code.
fn problem_text(page: &Page, problem: &PfifProblem) -> String {
    let line = Arg::Number(i64::from(problem.line));
    let place = match &problem.record {
        Some(record) if record.kind == "person" && record.index > 0 => {
            let index = Arg::Number(i64::try_from(record.index).unwrap_or(i64::MAX));
            match &record.person_record_id {
                Some(id) => page.lang.t_with(
                    "pfif-where-person",
                    &[
                        ("index", index),
                        ("line", line),
                        ("id", Arg::Text(id.clone())),
                    ],
                ),
                None => page.lang.t_with(
                    "pfif-where-person-no-id",
                    &[("index", index), ("line", line)],
                ),
            }
        }
        Some(record) if record.kind == "note" => {
            match record
                .note_record_id
                .as_ref()
                .or(record.person_record_id.as_ref())
            {
                Some(id) => page.lang.t_with(
                    "pfif-where-note",
                    &[("line", line), ("id", Arg::Text(id.clone()))],
                ),
                None => page.lang.t_with("pfif-where-note-no-id", &[("line", line)]),
            }
        }
        _ => page.lang.t_with("pfif-where-line", &[("line", line)]),
    };
    let mut what = page.lang.problem(&problem.problem);
    if let Some(field) = &problem.field {
        what = format!("{} — {what}", crate::forms::field_label(page, field, None));
    }
    page.lang.t_with(
        "pfif-problem-at",
        &[("where", Arg::Words(place)), ("problem", Arg::Words(what))],
    )
}

pub async fn pfif_form(page: Page, _member: Importer) -> WebResult<Response> {
    Ok(render(&templates::PfifImportPage {
        page: &page,
        domain: String::new(),
        summary: None,
        problems: Vec::new(),
    })?
    .into_response())
}

/// Reads a multipart field, a too-large body named as such.
async fn field_bytes(field: axum::extract::multipart::Field<'_>) -> WebResult<Vec<u8>> {
    match field.bytes().await {
        Ok(data) => Ok(data.to_vec()),
        Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(WebError::PayloadTooLarge),
        Err(_) => Err(WebError::invalid("form", Problem::FormUnreadable)),
    }
}

pub async fn pfif_upload(
    State(state): State<AppState>,
    page: Page,
    member: Importer,
    mut multipart: Multipart,
) -> WebResult<Response> {
    let mut domain = String::new();
    let mut bytes = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge);
            }
            Err(_) => return Err(WebError::invalid("form", Problem::FormUnreadable)),
        };
        match field.name().unwrap_or_default() {
            "file" => bytes = field_bytes(field).await?,
            "domain" => {
                domain = String::from_utf8_lossy(&field_bytes(field).await?)
                    .trim()
                    .to_owned();
            }
            _ => {}
        }
    }
    let (status, summary, problems) = match String::from_utf8(bytes) {
        Err(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            vec![page.t("pfif-not-utf8")],
        ),
        Ok(text) => {
            let domain = Some(domain.as_str()).filter(|d| !d.is_empty());
            match import_pfif(&state.app, &member.actor(), &text, domain).await? {
                PfifImport::Imported(summary) => (
                    StatusCode::OK,
                    Some(templates::PfifImportSummary {
                        version: summary.version,
                        requests: summary.requests,
                        registrations: summary.registrations,
                        already_imported: summary.already_imported,
                    }),
                    Vec::new(),
                ),
                PfifImport::Refused { problems } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    problems
                        .iter()
                        .map(|problem| problem_text(&page, problem))
                        .collect(),
                ),
            }
        }
    };
    let html = render(&templates::PfifImportPage {
        page: &page,
        domain,
        summary,
        problems,
    })?;
    Ok((status, html).into_response())
}

#[derive(serde::Deserialize)]
pub struct PfifExportQuery {
    /// The organisation the feed is for: only persons whose sharing
    /// consent covers it (or its country) are in it.
    receiver: String,
    /// `sought`, `registered` or both (the default).
    #[serde(default)]
    include: String,
}

/// The PFIF 1.4 document of what `receiver` may see, for the feed and the
/// file alike: one app function, `export_pfif`. Record ids take the host
/// of the public URL as domain.
async fn pfif_export(
    state: &AppState,
    member: &Importer,
    receiver: &str,
    include: &str,
) -> WebResult<String> {
    let receiver = receiver
        .trim()
        .parse()
        .map_err(|_| WebError::invalid("receiver", Problem::NoSuchOrganisation))?;
    let selection = PfifSelection::parse(include)?;
    let url = &state.config.public_url;
    let domain = url
        .split_once("://")
        .map_or(url.as_str(), |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("retrace");
    Ok(export_pfif(&state.app, &member.actor(), receiver, domain, selection).await?)
}

fn xml_response(xml: String, filename: Option<String>) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        xml,
    )
        .into_response();
    if let Some(disposition) = filename.and_then(|f| f.parse().ok()) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// `GET /api/v1/pfif/persons?receiver=ORG&include=sought,registered`: the
/// PFIF 1.4 feed a partner reads with a token scoped to `export`.
pub async fn api_pfif_export(
    State(state): State<AppState>,
    member: Importer,
    QueryParams(query): QueryParams<PfifExportQuery>,
) -> WebResult<Response> {
    let xml = pfif_export(&state, &member, &query.receiver, &query.include).await?;
    Ok(xml_response(xml, None))
}

/// `GET /export/pfif`: the form choosing the receiver and what to export.
pub async fn pfif_export_form(
    State(state): State<AppState>,
    page: Page,
    member: Importer,
) -> WebResult<Response> {
    export_form(&state, &page, &member, None, StatusCode::OK).await
}

async fn export_form(
    state: &AppState,
    page: &Page,
    member: &Importer,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let receivers = state
        .store
        .organisations()
        .await?
        .into_iter()
        .filter(|org| org.id != member.org)
        .map(|org| (org.id.to_string(), org.name.to_string()))
        .collect();
    let html = render(&templates::PfifExportPage {
        page,
        receivers,
        error,
    })?;
    Ok((status, html).into_response())
}

/// `POST /export/pfif`: the same document as the feed, as a file.
pub async fn pfif_export_file(
    State(state): State<AppState>,
    page: Page,
    member: Importer,
    form: FormFields,
) -> WebResult<Response> {
    let include = form.all("include").join(",");
    match pfif_export(&state, &member, &form.text("receiver"), &include).await {
        Ok(xml) => {
            let date = state.clock.now().rfc3339();
            let day = date.get(..10).unwrap_or("export");
            let filename = format!("attachment; filename=\"pfif-{day}.xml\"");
            Ok(xml_response(xml, Some(filename)))
        }
        Err(WebError::Invalid { .. }) => {
            let error = Some(page.t("pfif-export-receiver-invalid"));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            export_form(&state, &page, &member, error, status).await
        }
        Err(error) => Err(error),
    }
}

#[derive(serde::Deserialize)]
pub struct PfifImportQuery {
    /// Accept only record ids of this domain.
    #[serde(default)]
    domain: String,
}

/// `POST /api/v1/imports/pfif?domain=D` with the PFIF document as the
/// body: 200 with what was created, or 422 with every problem and nothing
/// stored.
pub async fn api_pfif_import(
    State(state): State<AppState>,
    member: Importer,
    QueryParams(query): QueryParams<PfifImportQuery>,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    let Ok(text) = std::str::from_utf8(&body) else {
        return Err(WebError::invalid("body", Problem::PfifUtf8));
    };
    let domain = Some(query.domain.trim()).filter(|d| !d.is_empty());
    let response = match import_pfif(&state.app, &member.actor(), text, domain).await? {
        PfifImport::Imported(summary) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({
                "version": summary.version,
                "requests": summary.requests,
                "registrations": summary.registrations,
                "already_imported": summary.already_imported,
                "records": summary.records.iter().map(|(record, outcome)| serde_json::json!({
                    "person_record_id": record,
                    "person": outcome.person().to_string(),
                    "created": matches!(outcome, retrace_store::ImportOutcome::Created(_)),
                })).collect::<Vec<_>>(),
            })),
        ),
        PfifImport::Refused { problems } => {
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Json(serde_json::json!({ "imported": false, "problems": problems })),
            )
        }
    };
    Ok(response.into_response())
}
