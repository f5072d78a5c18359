//! The document library, pages and JSON API: search with highlighted
//! snippets, a document's page, its file as uploaded, and uploads. Public
//! documents are read without signing in; an organisation-only document is
//! "not found" for everyone else, on every route.

use super::directory::pagination;
use super::lists::{answer, readable_on};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{JsonBody, Maintainer, QueryParams, Visitor, parse_id};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::page::Page;
use crate::templates::{DocumentForm, DocumentPage, DocumentView, HitView, LibraryPage, render};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::library::{self as app_library, DocumentInput, LibraryQuery};
use retrace_domain::DocumentId;
use retrace_domain::Problem;
use retrace_domain::directory::Visibility;
use retrace_domain::library::{DocumentType, TextLanguage};
use retrace_store::{Document, LibraryHit};
use serde_json::{Value, json};

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

/// The reader's language as a text language (all four interface languages
/// are among the five analysed).
fn reader_language(page: &Page) -> TextLanguage {
    TextLanguage::parse(page.code()).unwrap_or(TextLanguage::En)
}

fn joined(values: impl Iterator<Item = String>) -> String {
    values.collect::<Vec<_>>().join(", ")
}

fn size_text(size: i64) -> String {
    if size >= 1024 * 1024 {
        format!("{:.1} MB", size as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", (size + 1023) / 1024)
    }
}

fn hit_view(hit: &LibraryHit) -> HitView {
    let d = &hit.document;
    HitView {
        id: d.id.to_string(),
        title: d.meta.title.as_str().to_owned(),
        document_type: d.meta.document_type.as_str(),
        language: d.meta.language.as_str(),
        countries: joined(d.meta.countries.iter().map(|c| c.as_str().to_owned())),
        uploaded: d.uploaded_at.display_utc(),
        has_text: d.has_text,
        snippet: hit
            .snippet
            .iter()
            .map(|p| (p.text.clone(), p.hit))
            .collect(),
    }
}

fn document_view(d: &Document) -> DocumentView {
    DocumentView {
        id: d.id.to_string(),
        title: d.meta.title.as_str().to_owned(),
        summary: d
            .meta
            .summary
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        document_type: d.meta.document_type.as_str(),
        language: d.meta.language.as_str(),
        visibility: d.meta.visibility.as_str(),
        countries: joined(d.meta.countries.iter().map(|c| c.as_str().to_owned())),
        themes: d.meta.themes.join(", "),
        uploaded: d.uploaded_at.display_utc(),
        file_name: d.file_name.clone(),
        size: size_text(d.size),
        has_text: d.has_text,
    }
}

/// The library's filters: filter, control, label.
const LIBRARY_FILTERS: &[(&str, &str, &str)] = &[
    ("q", "q", "library-search-text"),
    ("document_type", "document_type", "library-field-type"),
    ("language", "language", "library-field-language"),
    ("country", "country", "directory-field-country"),
    ("sort", "sort", "library-sort"),
];

pub async fn search(
    State(state): State<AppState>,
    page: Page,
    visitor: Visitor,
    QueryParams(query): QueryParams<LibraryQuery>,
    QueryParams(raw): QueryParams<Vec<(String, String)>>,
) -> WebResult<Response> {
    let preferred = reader_language(&page);
    let results = app_library::search(&state.app, &visitor.viewer(), &query, preferred).await;
    let (results, errors) = readable_on(&page, results, LIBRARY_FILTERS)?;
    let status = answer(&results);
    let results = results.unwrap_or(app_library::LibraryResults {
        hits: Vec::new(),
        total: 0,
        more: false,
        only_common_words: false,
    });
    let current = query.page.unwrap_or(1).max(1);
    let (prev, next) = pagination(
        "/library",
        &raw,
        current,
        app_library::PAGE_SIZE,
        results.total + u64::from(results.more),
    );
    let mut values = FormValues::from_pairs(raw);
    values.errors = errors;
    let html = render(&LibraryPage {
        page: &page,
        values,
        hits: results.hits.iter().map(hit_view).collect(),
        total: results.total,
        more: results.more,
        only_common_words: results.only_common_words,
        can_upload: visitor
            .0
            .as_ref()
            .is_some_and(|m| retrace_domain::directory::maintains_directory(&m.roles)),
        types: codes(DocumentType::ALL, DocumentType::as_str),
        languages: codes(TextLanguage::ALL, TextLanguage::as_str),
        prev,
        next,
    })?;
    Ok((status, html).into_response())
}

async fn visible(state: &AppState, visitor: &Visitor, id: &str) -> WebResult<Document> {
    let id: DocumentId = parse_id(id)?;
    state
        .store
        .document(&visitor.viewer(), id)
        .await?
        .ok_or(WebError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    visitor: Visitor,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let document = visible(&state, &visitor, &id).await?;
    Ok(render(&DocumentPage {
        page: &page,
        d: document_view(&document),
    })?
    .into_response())
}

/// The file as uploaded, always as an attachment (an uploaded HTML page is
/// never rendered by the browser), under the strict CSP.
pub async fn file(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id: DocumentId = parse_id(&id)?;
    let (document, bytes) = state
        .store
        .document_file(&visitor.viewer(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let ascii: String = document
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                document.format.media_type().to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

fn render_form(page: &Page, values: FormValues) -> WebResult<axum::response::Html<String>> {
    render(&DocumentForm {
        page,
        values,
        types: codes(DocumentType::ALL, DocumentType::as_str),
        languages: codes(TextLanguage::ALL, TextLanguage::as_str),
        visibilities: codes(Visibility::ALL, Visibility::as_str),
    })
}

pub async fn new_form(page: Page, _member: Maintainer) -> WebResult<Response> {
    let values = FormValues::from_pairs([
        ("language".to_owned(), page.code().to_owned()),
        ("visibility".to_owned(), "organisations".to_owned()),
    ]);
    Ok(render_form(&page, values)?.into_response())
}

pub async fn upload(
    State(state): State<AppState>,
    page: Page,
    member: Maintainer,
    mut multipart: Multipart,
) -> WebResult<Response> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file_name = String::new();
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
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            file_name = field.file_name().unwrap_or_default().to_owned();
        }
        let data = match field.bytes().await {
            Ok(data) => data,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge);
            }
            Err(_) => return Err(WebError::invalid("form", Problem::FormUnreadable)),
        };
        if name == "file" {
            bytes = data.to_vec();
        } else {
            fields.push((name, String::from_utf8_lossy(&data).trim().to_owned()));
        }
    }
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = DocumentInput {
        title: value("title"),
        summary: value("summary"),
        language: value("language"),
        themes: vec![value("themes")],
        countries: vec![value("countries")],
        document_type: value("document_type"),
        visibility: value("visibility"),
        file_name,
        content_base64: String::new(),
    };
    match app_library::upload(&state.app, &member.actor(), input, bytes).await {
        Ok(document) => Ok(Redirect::to(&format!("/library/{}", document.id)).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            // The form's labels; the file must be chosen again (a browser
            // never fills a file input), which the page says.
            let Some(errors) = FormErrors::of_form(&page, &error, "library", &[]) else {
                return Err(error);
            };
            let mut values = FormValues::from_pairs(fields);
            values.errors = errors;
            let html = render_form(&page, values)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

// ---------------------------------------------------------------- JSON API

fn document_json(d: &Document) -> Value {
    json!({
        "id": d.id.to_string(),
        "title": d.meta.title,
        "summary": d.meta.summary,
        "language": d.meta.language.as_str(),
        "themes": d.meta.themes,
        "countries": d.meta.countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "document_type": d.meta.document_type.as_str(),
        "visibility": d.meta.visibility.as_str(),
        "file_name": d.file_name,
        "format": d.format.as_str(),
        "size": d.size,
        "has_text": d.has_text,
        "uploaded_at": d.uploaded_at.rfc3339(),
        "file": format!("/api/v1/library/{}/file", d.id),
    })
}

pub async fn api_search(
    State(state): State<AppState>,
    page: Page,
    visitor: Visitor,
    QueryParams(query): QueryParams<LibraryQuery>,
) -> WebResult<Json<Value>> {
    let results = app_library::search(
        &state.app,
        &visitor.viewer(),
        &query,
        reader_language(&page),
    )
    .await?;
    Ok(Json(json!({
        "total": results.total,
        "more": results.more,
        "only_common_words": results.only_common_words,
        "documents": results.hits.iter().map(|hit| {
            let mut body = document_json(&hit.document);
            body["snippet"] = json!(hit.snippet.iter().map(|p| json!({ "text": p.text, "hit": p.hit })).collect::<Vec<_>>());
            body
        }).collect::<Vec<_>>(),
    })))
}

pub async fn api_show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> WebResult<Json<Value>> {
    let document = visible(&state, &visitor, &id).await?;
    Ok(Json(document_json(&document)))
}

pub async fn api_upload(
    State(state): State<AppState>,
    member: Maintainer,
    JsonBody(input): JsonBody<DocumentInput>,
) -> WebResult<Response> {
    let bytes = input.decoded_content()?;
    let document = app_library::upload(&state.app, &member.actor(), input, bytes).await?;
    Ok((StatusCode::CREATED, Json(document_json(&document))).into_response())
}
