//! Trace the Face, the staff side: publishing an enquirer (with consent;
//! a minor needs a guardian's consent and a second approver), the entries
//! of the organisation, takedown, posters and the reports queue. Another
//! organisation's entry or report answers exactly like a missing one.

use super::gallery::{jpeg, region_options, relationship_options};
use super::lists::{answer, readable, shown};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, FormFields, PathId, PathIds, QueryParams, Reader, parse_id};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::gallery::views::looking_for;
use crate::i18n::Lang;
use crate::identity::Member;
use crate::page::OnPage;
use crate::page::Page;
use crate::templates::{self, Pager, render};
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::AppError;
use retrace_app::gallery::{self as app_gallery, Image, Publication};
use retrace_app::lists::{self as app_lists, GalleryListQuery};
use retrace_app::requests::PAGE_SIZE;
use retrace_domain::Problem;
use retrace_domain::{EntryStatus, GalleryEntryId, ReportId, ReportStatus, RequestId};
use retrace_store::{GalleryEntry, PersonRole, StoreError};
use serde::Deserialize;

async fn own_entry(
    state: &AppState,
    member: &Member,
    id: GalleryEntryId,
) -> WebResult<GalleryEntry> {
    state
        .store
        .gallery_entry(&member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)
}

// ---------------------------------------------------------------- list

/// The filters of a gallery list shown again, and its page link.
fn shown_gallery(path: &str, query: &GalleryListQuery) -> (templates::FormValues, String) {
    shown(
        path,
        &[
            ("q", &query.q),
            ("name", &query.name),
            ("status", &query.status),
            ("flag", &query.flag),
            ("candidates", &query.candidates),
            ("sort", &query.sort),
        ],
    )
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    QueryParams(query): QueryParams<GalleryListQuery>,
) -> WebResult<Response> {
    let (filter, errors) = readable(
        &page,
        app_lists::entry_filter(&state.app, &member.actor(), &query),
    )?;
    let (entries, total) = match &filter {
        Some(filter) => {
            let audit = member.audit(&state, "gallery list");
            state
                .store
                .list_gallery_entries(&audit, &member.scope(), filter)
                .await?
        }
        None => (Vec::new(), 0),
    };
    let (mut values, base) = shown_gallery("/staff/gallery", &query);
    values.errors = errors;
    let rows = entries
        .into_iter()
        .map(|line| templates::StaffEntryRow {
            id: line.entry.id.to_string(),
            reference: line.entry.reference.to_string(),
            enquirer: line.request.enquirer_name,
            looking_for: looking_for(page.lang, &line.entry.relationships),
            status: line.entry.status.as_str(),
            line: templates::LineFlags::of(
                line.request.candidates,
                line.request.minor,
                line.request.at_risk,
            ),
            created: line.entry.created_at.on_page(),
        })
        .collect();
    let html = render(&templates::StaffGalleryPage {
        page: &page,
        rows,
        total,
        pager: Pager::new(&base, query.page, total, PAGE_SIZE),
        values,
    })?;
    Ok((answer(&filter), html).into_response())
}

// ---------------------------------------------------------------- publish

#[derive(Deserialize)]
pub struct NewQuery {
    pub request: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    QueryParams(query): QueryParams<NewQuery>,
) -> WebResult<Response> {
    let id: RequestId = parse_id(query.request.as_deref().unwrap_or_default())?;
    let request = state
        .store
        .request(
            &member.audit(&state, "gallery publication"),
            &member.scope(),
            id,
        )
        .await?
        .ok_or(WebError::NotFound)?;
    if let Some(entry) = state
        .store
        .gallery_entry_for_request(&member.scope(), id)
        .await?
    {
        return Ok(Redirect::to(&format!("/staff/gallery/{}", entry.id)).into_response());
    }
    let sought: Vec<&'static str> = request
        .sought
        .iter()
        .filter_map(|p| match p.role {
            PersonRole::Sought(r) => Some(r.as_str()),
            _ => None,
        })
        .collect();
    form_page(
        &page,
        &id.to_string(),
        &sought,
        "",
        FormErrors::none(),
        StatusCode::OK,
    )
}

/// The publication form's controls and their labels.
const PUBLISH_FIELDS: &[(&str, &str, &str)] = &[
    (
        "relationship",
        "relationship",
        "gallery-relationships-sought",
    ),
    ("region", "region", "gallery-region-optional"),
    ("photo", "photo", "gallery-photo"),
];

fn form_page(
    page: &Page,
    request: &str,
    checked: &[&str],
    region: &str,
    errors: FormErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let mut values = FormValues::default();
    values.errors = errors;
    let html = render(&templates::GalleryForm {
        page,
        request: request.to_owned(),
        relationships: relationship_options(page)
            .into_iter()
            .map(|(code, label)| (code, label, checked.contains(&code)))
            .collect(),
        regions: region_options(page),
        region: region.to_owned(),
        values,
    })?;
    Ok((status, html).into_response())
}

/// The multipart form: the request, the relationships, the region and
/// the photo. The body limit is set on the route.
pub async fn publish(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    mut multipart: Multipart,
) -> WebResult<Response> {
    let mut request = String::new();
    let mut relationships: Vec<String> = Vec::new();
    let mut region = String::new();
    let mut photo: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge);
            }
            Err(_) => return Err(WebError::invalid("form", Problem::FormUnreadable)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge);
            }
            Err(_) => return Err(WebError::invalid("form", Problem::FormUnreadable)),
        };
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match name.as_str() {
            "request" => request = text(),
            "relationship" => relationships.push(text()),
            "region" => region = text(),
            "photo" => photo = Some(bytes.to_vec()),
            _ => {}
        }
    }
    let request_id: RequestId = parse_id(&request)?;
    let checked: Vec<&str> = relationships.iter().map(String::as_str).collect();
    let fail = |errors: FormErrors| {
        form_page(
            &page,
            &request,
            &checked,
            &region,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let input = Publication {
        request: request_id,
        relationships: relationships.clone(),
        region: region.clone(),
        photo: photo.unwrap_or_default(),
    };
    let about_form = |key: &str| FormErrors::about_form("publish-form", page.t(key));
    match app_gallery::publish(&state.app, &member.actor(), input).await {
        Ok(created) => Ok(Redirect::to(&format!("/staff/gallery/{}", created.id)).into_response()),
        Err(AppError::Store(StoreError::Conflict { field: "request" })) => {
            fail(about_form("gallery-already-published"))
        }
        Err(AppError::Store(StoreError::Conflict { field: "status" })) => {
            fail(about_form("gallery-request-closed"))
        }
        Err(AppError::Store(StoreError::PublicationRefused(refusal))) => fail(
            FormErrors::about_form("publish-form", page.lang.problem(&refusal.problem())),
        ),
        Err(error) => {
            let error = WebError::from(error);
            match FormErrors::of_fields(&page, &error, PUBLISH_FIELDS) {
                Some(errors) => fail(errors),
                None => Err(error),
            }
        }
    }
}

// ---------------------------------------------------------------- one entry

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<GalleryEntryId>,
) -> WebResult<Response> {
    entry_page(
        &state,
        &page,
        &member,
        id,
        FormValues::default(),
        StatusCode::OK,
    )
    .await
}

/// One entry's staff page; `values` hold the errors of a refused takedown.
async fn entry_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: GalleryEntryId,
    values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let entry = own_entry(state, member, id).await?;
    let awaiting = entry.status == EntryStatus::AwaitingApproval;
    let html = render(&templates::StaffEntryPage {
        page,
        id: entry.id.to_string(),
        request: entry.request.to_string(),
        reference: entry.reference.to_string(),
        looking_for: looking_for(page.lang, &entry.relationships),
        region: entry
            .region
            .map(|r| page.label("region", r.as_str()))
            .unwrap_or_default(),
        status: entry.status.as_str(),
        created: entry.created_at.on_page(),
        can_write: member.roles.contains(retrace_domain::Role::Caseworker),
        can_approve: awaiting && !entry.approvals.contains(&member.id()),
        public_link: (!awaiting).then(|| format!("/gallery/{}", entry.reference)),
        languages: Lang::ALL
            .iter()
            .map(|l| (l.code(), l.native_name()))
            .collect(),
        values,
    })?;
    Ok((status, html).into_response())
}

pub async fn staff_photo(
    State(state): State<AppState>,
    member: Reader,
    PathIds(id, kind): PathIds<GalleryEntryId, String>,
) -> WebResult<Response> {
    let image = match kind.as_str() {
        "photo.jpg" => Image::Photo,
        "thumbnail.jpg" => Image::Thumbnail,
        _ => return Err(WebError::NotFound),
    };
    let bytes = app_gallery::staff_image(&state.app, &member.actor(), id, image).await?;
    Ok(jpeg(bytes))
}

pub async fn approve(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<GalleryEntryId>,
) -> WebResult<Response> {
    app_gallery::approve_entry(&state.app, &member.actor(), id).await?;
    Ok(Redirect::to(&format!("/staff/gallery/{id}")).into_response())
}

pub async fn take_down_entry(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<GalleryEntryId>,
    form: FormFields,
) -> WebResult<Response> {
    if let Err(error) = crate::forms::confirmed(&form) {
        // The entry's page again, its box marked (another organisation's
        // entry stays "not found").
        let fields = [("confirm", "take-down-confirm", "label-confirm")];
        let Some(errors) = FormErrors::of_fields(&page, &error, &fields) else {
            return Err(error);
        };
        let values = FormValues::with_errors(&form, errors);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return entry_page(&state, &page, &member, id, values, status).await;
    }
    app_gallery::take_down_entry(&state.app, &member.actor(), id).await?;
    Ok(Redirect::to("/staff/gallery").into_response())
}

// ---------------------------------------------------------------- posters

#[derive(Deserialize, Default)]
pub struct PosterQuery {
    pub lang: Option<String>,
}

/// The languages chosen for a poster: `?lang=en,ar` (at most four, known
/// ones only), the page's language when none.
fn poster_languages(query: &PosterQuery, fallback: Lang) -> Vec<Lang> {
    let mut langs: Vec<Lang> = query
        .lang
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter_map(Lang::parse)
        .collect();
    langs.dedup();
    langs.truncate(4);
    if langs.is_empty() {
        langs.push(fallback);
    }
    langs
}

pub async fn poster(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<GalleryEntryId>,
    QueryParams(query): QueryParams<PosterQuery>,
) -> WebResult<Response> {
    let entry = own_entry(&state, &member, id).await?;
    if entry.status != EntryStatus::Published {
        return Err(WebError::NotFound);
    }
    let responsible = retrace_app::org_contact::responsible(&state.app, entry.org).await?;
    let poster = crate::gallery::poster::Poster::of(
        &state,
        &entry,
        &poster_languages(&query, page.lang),
        &responsible,
    )?;
    Ok(render(&templates::PosterPage {
        page: &page,
        id: entry.id.to_string(),
        poster,
    })?
    .into_response())
}

pub async fn poster_pdf(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<GalleryEntryId>,
    QueryParams(query): QueryParams<PosterQuery>,
) -> WebResult<Response> {
    let entry = own_entry(&state, &member, id).await?;
    if entry.status != EntryStatus::Published {
        return Err(WebError::NotFound);
    }
    let langs = poster_languages(&query, page.lang);
    let responsible = retrace_app::org_contact::responsible(&state.app, entry.org).await?;
    let poster = crate::gallery::poster::Poster::of(&state, &entry, &langs, &responsible)?;
    let photo = state
        .app
        .media()
        .read(&entry.media.photo)
        .await
        .ok_or(WebError::NotFound)?;
    let pdf = tokio::task::spawn_blocking(move || crate::gallery::pdf::render(&poster, &photo))
        .await
        .map_err(WebError::internal)?
        .map_err(WebError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"poster.pdf\"",
            ),
        ],
        pdf,
    )
        .into_response())
}

// ---------------------------------------------------------------- reports

pub async fn reports(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    QueryParams(query): QueryParams<GalleryListQuery>,
) -> WebResult<Response> {
    let (filter, errors) = readable(
        &page,
        app_lists::report_filter(&state.app, &member.actor(), &query),
    )?;
    let (found, total) = match &filter {
        Some(filter) => {
            let audit = member.audit(&state, "reports list");
            state
                .store
                .list_reports(&audit, &member.scope(), filter)
                .await?
        }
        None => (Vec::new(), 0),
    };
    let (mut values, base) = shown_gallery("/staff/reports", &query);
    values.errors = errors;
    let rows = found
        .into_iter()
        .map(|line| templates::ReportRow {
            id: line.report.id.to_string(),
            reference: line.report.reference.to_string(),
            enquirer: line.request.enquirer_name,
            status: line.report.status.as_str(),
            line: templates::LineFlags::of(
                line.request.candidates,
                line.request.minor,
                line.request.at_risk,
            ),
            received: line.report.received_at.on_page(),
            language: line.report.language,
        })
        .collect();
    let mut statuses = vec!["handled"];
    statuses.extend(ReportStatus::ALL.iter().map(|s| s.as_str()));
    let html = render(&templates::ReportsPage {
        page: &page,
        rows,
        total,
        pager: Pager::new(&base, query.page, total, PAGE_SIZE),
        values,
        statuses,
    })?;
    Ok((answer(&filter), html).into_response())
}

pub async fn report(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<ReportId>,
) -> WebResult<Response> {
    let values = FormValues::default();
    report_page(&state, &page, &member, id, values, StatusCode::OK).await
}

/// One report's page; `values` hold the error of a refused status change.
async fn report_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: ReportId,
    values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let report = state
        .store
        .report(&member.audit(state, "report view"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let html = render(&templates::ReportPage {
        page,
        id: report.id.to_string(),
        reference: report.reference.to_string(),
        request: report.request.to_string(),
        entry: report.entry.map(|e| e.to_string()),
        message: report.message.to_string(),
        contact: report.contact.map(|c| c.to_string()).unwrap_or_default(),
        language: report.language.clone(),
        status: report.status.as_str(),
        received: report.received_at.on_page(),
        statuses: ReportStatus::ALL
            .iter()
            .filter(|s| **s != report.status)
            .map(|s| s.as_str())
            .collect(),
        can_write: member.roles.contains(retrace_domain::Role::Caseworker),
        values,
    })?;
    Ok((status, html).into_response())
}

pub async fn report_status(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<ReportId>,
    form: FormFields,
) -> WebResult<Response> {
    let status = form.text("status");
    let error = match app_gallery::set_report_status(&state.app, &member.actor(), id, &status).await
    {
        Ok(_) => return Ok(Redirect::to(&format!("/staff/reports/{id}")).into_response()),
        Err(error) => WebError::from(error),
    };
    let fields = [("status", "report-status-form", "gallery-status")];
    let Some(errors) = FormErrors::of_fields(&page, &error, &fields) else {
        return Err(error);
    };
    let values = FormValues::with_errors(&form, errors);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    report_page(&state, &page, &member, id, values, status).await
}
