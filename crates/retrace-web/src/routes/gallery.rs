//! Trace the Face, the public side: the gallery, an entry's page with its
//! "I have information" form, and the images. No sign-in. Everything shown
//! comes from `PublicEntry` (photo, relationships, region, reference), so
//! nothing else about a person can reach these pages, images or headers.
//!
//! Against scraping: per-client limits on pages, images and reports; no
//! listing API; images addressed by random tokens; small thumbnails.
//! Against bots: a honeypot field and a signed time stamp (too fast or
//! too old is refused); the CSRF middleware covers the form as every POST.

use super::session::ClientIp;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, QueryParams};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::gallery::views::looking_for;
use crate::i18n::Lang;
use crate::page::Page;
use crate::templates::{self, render};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::gallery::{ReportInput, report_information};
use retrace_app::media::valid_token;
use retrace_app::{AppError, random_token};
use retrace_domain::{GalleryReference, Region, Relationship, Timestamp};
use retrace_store::{FormStamp, PublicEntry, StoreError};
use serde::Deserialize;
use std::net::IpAddr;

pub const PAGE_SIZE: usize = 24;

/// The report form's controls and their labels.
const REPORT_FIELDS: &[(&str, &str, &str)] = &[
    ("message", "message", "gallery-report-message"),
    ("contact", "contact", "gallery-report-contact"),
];
pub(crate) const HONEYPOT_FIELD: &str = "website";
/// Asks search engines not to index gallery pages or images, so photos do
/// not turn up in image search and reverse-image search.
pub const NO_INDEX: (header::HeaderName, &str) = (
    header::HeaderName::from_static("x-robots-tag"),
    "noindex, noimageindex, noarchive",
);

pub(crate) async fn limit(
    limiter: &crate::ratelimit::RateLimiter,
    client: IpAddr,
    now: Timestamp,
) -> WebResult<()> {
    if limiter.allow(client, now).await {
        Ok(())
    } else {
        Err(WebError::RateLimited)
    }
}

#[derive(Deserialize, Default)]
pub struct GalleryQuery {
    pub relationship: Option<String>,
    pub region: Option<String>,
    pub page: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    QueryParams(query): QueryParams<GalleryQuery>,
) -> WebResult<Response> {
    let now = state.clock.now();
    limit(&state.gallery.page_limiter, client, now).await?;
    // Unknown filter values are ignored rather than echoed back.
    let relationship = query
        .relationship
        .as_deref()
        .filter(|v| !v.is_empty())
        .and_then(|v| Relationship::parse(v).ok());
    let region = query
        .region
        .as_deref()
        .filter(|v| !v.is_empty())
        .and_then(|v| Region::parse(v).ok());
    let number = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 10_000);
    let all = state
        .app
        .gallery_cache()
        .entries(state.store.as_ref(), now)
        .await?;
    let matching: Vec<&PublicEntry> = all
        .iter()
        .filter(|e| relationship.is_none_or(|r| e.relationships.contains(&r)))
        .filter(|e| region.is_none_or(|r| e.region == Some(r)))
        .collect();
    let total = matching.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let number = number.min(pages);
    let cards = matching
        .iter()
        .skip((number - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|entry| card(&page, entry))
        .collect();
    let filter_query = {
        let mut parts = Vec::new();
        if let Some(r) = relationship {
            parts.push(format!("relationship={}", r.as_str()));
        }
        if let Some(r) = region {
            parts.push(format!("region={}", r.as_str()));
        }
        parts.join("&amp;")
    };
    let link = |n: usize| {
        if filter_query.is_empty() {
            format!("/gallery?page={n}")
        } else {
            format!("/gallery?{filter_query}&amp;page={n}")
        }
    };
    let html = render(&templates::GalleryPage {
        page: &page,
        cards,
        total: total as u64,
        relationship: relationship.map(Relationship::as_str).unwrap_or_default(),
        region: region.map(Region::as_str).unwrap_or_default(),
        relationships: relationship_options(&page),
        regions: region_options(&page),
        number,
        pages,
        previous: (number > 1).then(|| link(number - 1)),
        next: (number < pages).then(|| link(number + 1)),
    })?;
    Ok(([NO_INDEX], html).into_response())
}

pub fn relationship_options(page: &Page) -> Vec<(&'static str, String)> {
    Relationship::ALL
        .iter()
        .map(|r| (r.as_str(), page.label("relationship", r.as_str())))
        .collect()
}

pub fn region_options(page: &Page) -> Vec<(&'static str, String)> {
    Region::ALL
        .iter()
        .map(|r| (r.as_str(), page.label("region", r.as_str())))
        .collect()
}

fn card(page: &Page, entry: &PublicEntry) -> templates::GalleryCard {
    templates::GalleryCard {
        reference: entry.reference.to_string(),
        looking_for: looking_for(page.lang, &entry.relationships),
        region: entry
            .region
            .map(|r| page.label("region", r.as_str()))
            .unwrap_or_default(),
        thumbnail: format!("/gallery/photos/{}.jpg", entry.thumbnail),
    }
}

// ---------------------------------------------------------------- entry

async fn published(state: &AppState, reference: &str) -> WebResult<PublicEntry> {
    let reference = GalleryReference::parse(reference).map_err(|_| WebError::NotFound)?;
    state
        .store
        .published_entry(&reference)
        .await?
        .ok_or(WebError::NotFound)
}

/// The signed time stamp of a report form: when it was served, a random
/// nonce, and a MAC over both and the entry, so a bot cannot forge an older
/// one; the nonce is spent by the report, so one stamp sends one report.
fn form_stamp(state: &AppState, reference: &GalleryReference, at: Timestamp) -> String {
    public_form_stamp(state, &report_subject(reference), at)
}

fn report_subject(reference: &GalleryReference) -> String {
    format!("gallery-report:{}", reference.as_str())
}

/// A signed time stamp for a public form about `subject` (what the form
/// sends, bound into the MAC), served at `at` with a fresh nonce.
pub(crate) fn public_form_stamp(state: &AppState, subject: &str, at: Timestamp) -> String {
    signed_stamp(state, subject, at.as_millis(), &random_token(16))
}

fn signed_stamp(state: &AppState, subject: &str, millis: i64, nonce: &str) -> String {
    let mac = state
        .app
        .sealer()
        .mac(&format!("{subject}:{millis}:{nonce}"));
    format!("{millis}.{nonce}.{mac}")
}

/// The stamp's age and nonce when its MAC verifies for `subject`.
pub(crate) fn stamp_age(
    state: &AppState,
    subject: &str,
    stamp: &str,
    now: Timestamp,
) -> Option<(std::time::Duration, String)> {
    let mut parts = stamp.splitn(3, '.');
    let millis: i64 = parts.next()?.parse().ok()?;
    let nonce = parts.next()?;
    parts.next()?;
    let expected = signed_stamp(state, subject, millis, nonce);
    use subtle::ConstantTimeEq;
    if !bool::from(expected.as_bytes().ct_eq(stamp.as_bytes())) {
        return None;
    }
    Some((now.since(Timestamp::from_millis(millis)), nonce.to_owned()))
}

pub async fn entry(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    Path(reference): Path<String>,
) -> WebResult<Response> {
    let now = state.clock.now();
    limit(&state.gallery.page_limiter, client, now).await?;
    let entry = published(&state, &reference).await?;
    render_entry(
        &state,
        &page,
        &entry,
        FormValues::default(),
        now,
        StatusCode::OK,
    )
    .await
}

async fn render_entry(
    state: &AppState,
    page: &Page,
    entry: &PublicEntry,
    values: FormValues,
    now: Timestamp,
    status: StatusCode,
) -> WebResult<Response> {
    // The language chosen in a refused report, else the page's.
    let chosen = Lang::parse(values.v("language")).unwrap_or(page.lang);
    let languages = Lang::ALL
        .into_iter()
        .map(|lang| (lang.code(), lang.native_name(), lang == chosen))
        .collect();
    let responsible = retrace_app::org_contact::responsible(&state.app, entry.org).await?;
    let html = render(&templates::GalleryEntryPage {
        page,
        organisation: responsible.name.to_string(),
        contact: crate::gallery::poster::contact_lines(&responsible),
        reference: entry.reference.to_string(),
        looking_for: looking_for(page.lang, &entry.relationships),
        region: entry
            .region
            .map(|r| page.label("region", r.as_str()))
            .unwrap_or_default(),
        photo: format!("/gallery/photos/{}.jpg", entry.photo),
        stamp: form_stamp(state, &entry.reference, now),
        languages,
        values,
    })?;
    Ok((status, [NO_INDEX], html).into_response())
}

pub async fn report(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    Path(reference): Path<String>,
    form: FormFields,
) -> WebResult<Response> {
    let now = state.clock.now();
    let entry = published(&state, &reference).await?;
    limit(&state.gallery.report_limiter, client, now).await?;
    let thanks = Redirect::to(&format!("/gallery/{}/thanks", entry.reference)).into_response();
    // A bot that fills the hidden field is thanked and ignored.
    if !form.text(HONEYPOT_FIELD).is_empty() {
        return Ok(thanks);
    }
    let age = stamp_age(
        &state,
        &report_subject(&entry.reference),
        &form.text("stamp"),
        now,
    );
    // A refused report comes back with what was typed and every error.
    let fail = |errors: FormErrors| {
        render_entry(
            &state,
            &page,
            &entry,
            FormValues::with_errors(&form, errors),
            now,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let expired = || FormErrors::about_form("report-form", page.t("gallery-report-expired"));
    let nonce = match age {
        None => return fail(expired()).await,
        Some((age, _)) if age > state.config.report_form_lifetime => {
            return fail(expired()).await;
        }
        Some((age, _)) if age < state.config.report_min_delay => {
            return fail(FormErrors::about_form(
                "report-form",
                page.t("gallery-report-too-fast"),
            ))
            .await;
        }
        Some((_, nonce)) => nonce,
    };
    let input = ReportInput {
        message: form.text("message"),
        contact: form.text("contact"),
        language: Lang::parse(&form.text("language"))
            .unwrap_or(page.lang)
            .code()
            .to_owned(),
    };
    // Kept as long as the stamp could still be accepted.
    let stamp = FormStamp {
        nonce: format!("gallery-report:{nonce}"),
        expires_at: now.plus(state.config.report_form_lifetime),
    };
    match report_information(&state.app, &entry.reference, &input, &stamp).await {
        Ok(_) => {}
        Err(AppError::Store(StoreError::Conflict { field: "stamp" })) => {
            return fail(expired()).await;
        }
        Err(error) => {
            let error = WebError::from(error);
            return match FormErrors::of_fields(&page, &error, REPORT_FIELDS) {
                Some(errors) => fail(errors).await,
                None => Err(error),
            };
        }
    }
    Ok(thanks)
}

pub async fn thanks(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    Path(reference): Path<String>,
) -> WebResult<Response> {
    limit(&state.gallery.page_limiter, client, state.clock.now()).await?;
    // Only a published entry's page thanks its visitors.
    published(&state, &reference).await?;
    Ok(render(&templates::GalleryThanks { page: &page })?.into_response())
}

// ---------------------------------------------------------------- images

pub async fn photo(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(file): Path<String>,
) -> WebResult<Response> {
    limit(&state.gallery.image_limiter, client, state.clock.now()).await?;
    let token = file.strip_suffix(".jpg").ok_or(WebError::NotFound)?;
    if !valid_token(token) || !state.store.published_media(token).await? {
        return Err(WebError::NotFound);
    }
    let bytes = state
        .app
        .media()
        .read(token)
        .await
        .ok_or(WebError::NotFound)?;
    Ok(jpeg(bytes))
}

/// A JPEG response. `no-store` (set by the security layer when absent) so
/// that no cache keeps a copy after a takedown.
pub fn jpeg(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "no-store"),
            NO_INDEX,
        ],
        bytes,
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/gallery.css"),
    )
        .into_response()
}
