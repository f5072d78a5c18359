//! Imports from other registries: the PFIF upload page. The import itself
//! (all records or none, idempotent by record id) is
//! `retrace_app::interchange::import_pfif`.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::Importer;
use crate::page::Page;
use crate::templates::{self, render};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use retrace_app::interchange::{PfifImport, import_pfif};

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
        Err(_) => Err(WebError::invalid("form", "the form could not be read")),
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
            Err(_) => return Err(WebError::invalid("form", "the form could not be read")),
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
                PfifImport::Refused { problems } => {
                    (StatusCode::UNPROCESSABLE_ENTITY, None, problems)
                }
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
}

/// `GET /api/v1/pfif/persons?receiver=ORG`: the PFIF 1.4 feed of what the
/// receiver may see. Record ids take the host of the public URL as domain.
pub async fn api_pfif_export(
    State(state): State<AppState>,
    member: Importer,
    crate::extract::QueryParams(query): crate::extract::QueryParams<PfifExportQuery>,
) -> WebResult<Response> {
    let receiver = query
        .receiver
        .trim()
        .parse()
        .map_err(|_| WebError::invalid("receiver", "must be an organisation id"))?;
    let url = &state.config.public_url;
    let domain = url
        .split_once("://")
        .map_or(url.as_str(), |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("retrace");
    let xml = retrace_app::interchange::export_pfif(&state.app, &member.actor(), receiver, domain)
        .await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/xml; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        xml,
    )
        .into_response())
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
    crate::extract::QueryParams(query): crate::extract::QueryParams<PfifImportQuery>,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    let Ok(text) = std::str::from_utf8(&body) else {
        return Err(WebError::invalid("body", "a PFIF document is UTF-8 XML"));
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
        PfifImport::Refused { problems } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(serde_json::json!({ "imported": false, "problems": problems })),
        ),
    };
    Ok(response.into_response())
}
