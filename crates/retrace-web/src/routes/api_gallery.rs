//! The JSON API for the gallery: the organisation's entries, publication
//! (the photo as base64 in the JSON body), the second approval of a
//! minor's entry, takedown, and the public's "I have information" reports.
//! The same use cases as the staff pages; another organisation's entry or
//! report is a 404, exactly like a missing one.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, JsonBody, PathId, QueryParams, Reader};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use retrace_app::gallery::{self as app_gallery, Publication};
use retrace_domain::Problem;
use retrace_domain::{GalleryEntryId, ReportId, ReportStatus, RequestId};
use retrace_store::{GalleryEntry, InformationReport};
use serde::Deserialize;
use serde_json::{Value, json};

/// The largest base64 text that can hold a photo of the largest accepted
/// upload (four characters per three bytes), plus room for the other fields.
pub const MAX_PUBLICATION_BODY: usize = retrace_app::photo::MAX_UPLOAD_BYTES / 3 * 4 + 64 * 1024;

fn entry_json(entry: &GalleryEntry) -> Value {
    json!({
        "id": entry.id.to_string(),
        "request": entry.request.to_string(),
        "person": entry.person.to_string(),
        "reference": entry.reference.to_string(),
        "relationships": entry.relationships.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "region": entry.region.map(|r| r.as_str()),
        "status": entry.status.as_str(),
        "approvals": entry.approvals.len(),
        "created_at": entry.created_at.rfc3339(),
        "published_at": entry.published_at.map(|t| t.rfc3339()),
    })
}

fn report_json(report: &InformationReport) -> Value {
    json!({
        "id": report.id.to_string(),
        "request": report.request.to_string(),
        "entry": report.entry.map(|e| e.to_string()),
        "reference": report.reference.to_string(),
        "message": report.message.as_str(),
        "contact": report.contact.as_ref().map(|c| c.as_str()),
        "language": report.language,
        "status": report.status.as_str(),
        "received_at": report.received_at.rfc3339(),
        "reviewed_at": report.reviewed_at.map(|t| t.rfc3339()),
    })
}

/// `GET /api/v1/gallery`: every entry of the organisation, whatever its
/// status.
pub async fn list(State(state): State<AppState>, member: Reader) -> WebResult<Json<Value>> {
    let entries = state.store.gallery_entries(&member.scope()).await?;
    Ok(Json(
        json!({ "entries": entries.iter().map(entry_json).collect::<Vec<_>>() }),
    ))
}

/// `GET /api/v1/gallery/{id}`.
pub async fn show(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<GalleryEntryId>,
) -> WebResult<Json<Value>> {
    let entry = state
        .store
        .gallery_entry(&member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(entry_json(&entry)))
}

/// The body of `POST /api/v1/gallery`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicationBody {
    request: RequestId,
    relationships: Vec<String>,
    #[serde(default)]
    region: String,
    /// The photo (JPEG, PNG or WebP) in standard base64.
    photo_base64: String,
}

/// `POST /api/v1/gallery`: the staff page's publication form. The
/// publication consent, the request's status and the photo are checked by
/// the use case; a minor's entry waits for a second approval.
pub async fn publish(
    State(state): State<AppState>,
    member: Caseworker,
    JsonBody(body): JsonBody<PublicationBody>,
) -> WebResult<Response> {
    let photo = data_encoding::BASE64
        .decode(body.photo_base64.trim().as_bytes())
        .map_err(|_| WebError::invalid("photo_base64", Problem::Base64))?;
    let input = Publication {
        request: body.request,
        relationships: body.relationships,
        region: body.region,
        photo,
    };
    let entry = app_gallery::publish(&state.app, &member.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(entry_json(&entry))).into_response())
}

/// `POST /api/v1/gallery/{id}/approve`: the second approval of a minor's
/// entry, by another staff member.
pub async fn approve(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<GalleryEntryId>,
) -> WebResult<Json<Value>> {
    let entry = app_gallery::approve_entry(&state.app, &member.actor(), id).await?;
    Ok(Json(entry_json(&entry)))
}

/// `POST /api/v1/gallery/{id}/take-down`: removes the entry from the public
/// gallery and deletes its photo, thumbnail and posters.
pub async fn take_down(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<GalleryEntryId>,
) -> WebResult<Json<Value>> {
    let entry = app_gallery::take_down_entry(&state.app, &member.actor(), id).await?;
    Ok(Json(entry_json(&entry)))
}

/// The report queue's status filter: none when absent or empty.
pub(super) fn status_filter(status: Option<&str>) -> WebResult<Option<ReportStatus>> {
    Ok(status
        .filter(|s| !s.is_empty())
        .map(ReportStatus::parse)
        .transpose()?)
}

#[derive(Deserialize)]
pub struct ReportsQuery {
    status: Option<String>,
}

/// `GET /api/v1/gallery-reports`: the public's reports to the organisation,
/// newest first (at most 200), optionally of one status.
pub async fn reports(
    State(state): State<AppState>,
    member: Reader,
    QueryParams(query): QueryParams<ReportsQuery>,
) -> WebResult<Json<Value>> {
    let status = status_filter(query.status.as_deref())?;
    let found = state.store.reports(&member.scope(), status, 200).await?;
    Ok(Json(
        json!({ "reports": found.iter().map(report_json).collect::<Vec<_>>() }),
    ))
}

/// `GET /api/v1/gallery-reports/{id}` (audited: a report may name a
/// person's whereabouts).
pub async fn report(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<ReportId>,
) -> WebResult<Json<Value>> {
    let report = state
        .store
        .report(&member.audit(&state, "report view"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(report_json(&report)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportStatusBody {
    status: String,
}

/// `POST /api/v1/gallery-reports/{id}/status`: marks a report `new`,
/// `useful`, `spam` or `linked` (to the request).
pub async fn report_status(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<ReportId>,
    JsonBody(body): JsonBody<ReportStatusBody>,
) -> WebResult<Json<Value>> {
    let report =
        app_gallery::set_report_status(&state.app, &member.actor(), id, &body.status).await?;
    Ok(Json(report_json(&report)))
}
