//! The directory of services and the country profiles, pages and JSON
//! API. Public entries are read without signing in; members also see what
//! organisations share and their own organisation's entries; anything else
//! is "not found", exactly like a missing entry. Country profiles are read
//! by members and revised by coordinators of the country.

use super::lists::{answer, readable_on};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, JsonBody, Maintainer, QueryParams, Visitor, parse_id};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::forms;
use crate::identity::Member;
use crate::page::Page;
use crate::templates::{
    CountriesPage, CountryForm, CountryPage, CountryRow, DirectoryEntryPage, DirectoryForm,
    DirectoryPage, EntryRowView, EntryView, RevisionRow, render,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::directory::{self as app_directory, DirectoryQuery, EntryInput, ProfileInput};
use retrace_domain::Problem;
use retrace_domain::directory::{EntryKind, PROFILE_SECTIONS, Service, SexLimit, Visibility};
use retrace_domain::{CountryCode, DirectoryEntryId, FieldError, OrgId};
use retrace_store::{CountryProfile, DirectoryEntry, Membership, Store};
use serde::Deserialize;
use serde_json::{Value, json};

// ---------------------------------------------------------------- views

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

fn text(value: Option<&retrace_domain::Text>) -> String {
    value.map(|t| t.as_str().to_owned()).unwrap_or_default()
}

fn languages(entry: &DirectoryEntry) -> String {
    entry
        .details
        .languages
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn row_view(entry: &DirectoryEntry) -> EntryRowView {
    EntryRowView {
        id: entry.id.to_string(),
        name: entry.details.name.as_str().to_owned(),
        kind: entry.details.kind.as_str(),
        city: entry.details.city.as_str().to_owned(),
        country: entry.details.country.as_str().to_owned(),
        services: entry.details.services.iter().map(|s| s.as_str()).collect(),
        languages: languages(entry),
    }
}

fn eligibility_text(page: &Page, entry: &DirectoryEntry) -> String {
    let e = &entry.details.eligibility;
    let mut parts = Vec::new();
    match (e.min_age, e.max_age) {
        (Some(min), Some(max)) => parts.push(format!("{min}–{max}")),
        (Some(min), None) => parts.push(format!("{min}+")),
        (None, Some(max)) => parts.push(format!("≤ {max}")),
        (None, None) => {}
    }
    if e.sex != SexLimit::Any {
        parts.push(page.label("sex-limit", e.sex.as_str()));
    }
    if !e.nationalities.is_empty() {
        parts.push(
            e.nationalities
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if parts.is_empty() {
        page.t("directory-eligibility-anyone")
    } else {
        parts.join(" · ")
    }
}

/// The name of an organisation, or nothing.
async fn org_name(store: &dyn Store, org: OrgId) -> WebResult<String> {
    Ok(store
        .organisation(org)
        .await?
        .map(|o| o.name.to_string())
        .unwrap_or_default())
}

/// The organisation of an account, for "verified by" and "changed by":
/// other organisations' staff are named by their organisation only.
async fn staff_label(
    store: &dyn Store,
    viewer: Option<&Member>,
    user: Option<retrace_domain::UserId>,
) -> WebResult<String> {
    let Some(user) = user else {
        return Ok(String::new());
    };
    let Some(account) = store.user(user).await? else {
        return Ok(String::new());
    };
    let Membership::Member { org, .. } = account.membership else {
        return Ok(String::new());
    };
    let name = org_name(store, org).await?;
    Ok(match viewer {
        Some(member) if member.org == org => format!("{} ({name})", account.display_name),
        _ => name,
    })
}

async fn entry_view(
    state: &AppState,
    page: &Page,
    visitor: &Visitor,
    entry: &DirectoryEntry,
) -> WebResult<EntryView> {
    let d = &entry.details;
    // Who verified is for members; the public sees the date only.
    let verified_by = match &visitor.0 {
        Some(_) => staff_label(state.store.as_ref(), visitor.0.as_ref(), entry.verified_by).await?,
        None => String::new(),
    };
    Ok(EntryView {
        id: entry.id.to_string(),
        name: d.name.as_str().to_owned(),
        kind: d.kind.as_str(),
        city: d.city.as_str().to_owned(),
        country: d.country.as_str().to_owned(),
        visibility: d.visibility.as_str(),
        description: text(d.description.as_ref()),
        services: d.services.iter().map(|s| s.as_str()).collect(),
        languages: languages(entry),
        hours: d.opening_hours.to_string(),
        offset: d.utc_offset.to_string(),
        eligibility: eligibility_text(page, entry),
        address: text(d.address.as_ref()),
        phone: text(d.phone.as_ref()),
        email: text(d.email.as_ref()),
        website: text(d.website.as_ref()),
        verified_at: entry.verified_at.display_utc(),
        verified_by,
        maintainer: org_name(state.store.as_ref(), entry.org).await?,
    })
}

/// The stored entry as form values, for the edit form.
fn entry_values(entry: &DirectoryEntry) -> FormValues {
    let d = &entry.details;
    let e = &d.eligibility;
    let pairs = vec![
        ("name", d.name.as_str().to_owned()),
        ("kind", d.kind.as_str().to_owned()),
        ("country", d.country.as_str().to_owned()),
        ("city", d.city.as_str().to_owned()),
        ("languages", languages(entry)),
        ("description", text(d.description.as_ref())),
        ("address", text(d.address.as_ref())),
        ("phone", text(d.phone.as_ref())),
        ("email", text(d.email.as_ref())),
        ("website", text(d.website.as_ref())),
        ("opening_hours", d.opening_hours.to_string()),
        ("utc_offset", d.utc_offset.to_string()),
        (
            "min_age",
            e.min_age.map(|a| a.to_string()).unwrap_or_default(),
        ),
        (
            "max_age",
            e.max_age.map(|a| a.to_string()).unwrap_or_default(),
        ),
        ("sex", e.sex.as_str().to_owned()),
        (
            "nationalities",
            e.nationalities
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("visibility", d.visibility.as_str().to_owned()),
    ];
    let mut values = FormValues::from_pairs(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)));
    for service in &d.services {
        values.add("services", service.as_str());
    }
    values
}

/// An entry as typed in the form, and the ages that are not numbers.
pub(super) fn entry_input(form: &FormFields) -> (EntryInput, Vec<FieldError>) {
    let mut unreadable = Vec::new();
    let mut age = |name: &'static str| -> Option<u8> {
        let value = form.text(name);
        if value.trim().is_empty() {
            return None;
        }
        let age = value.trim().parse().ok();
        if age.is_none() {
            unreadable.push(FieldError {
                field: name.to_owned(),
                problem: Problem::WholeNumber,
            });
        }
        age
    };
    let min_age = age("min_age");
    let max_age = age("max_age");
    let split = |name: &str| {
        form.text(name)
            .split([',', ' '])
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    let input = EntryInput {
        name: form.text("name"),
        kind: form.text("kind"),
        country: form.text("country"),
        city: form.text("city"),
        services: form.all("services"),
        languages: split("languages"),
        description: form.text("description"),
        address: form.text("address"),
        phone: form.text("phone"),
        email: form.text("email"),
        website: form.text("website"),
        opening_hours: form.text("opening_hours"),
        utc_offset: form.text("utc_offset"),
        min_age,
        max_age,
        sex: form.text("sex"),
        nationalities: split("nationalities"),
        visibility: form.text("visibility"),
    };
    (input, unreadable)
}

/// The ages that are not numbers and every other error of the entry, at
/// once; `None` when the ages are numbers (the use case checks the rest).
fn unreadable_ages(input: &EntryInput, mut errors: Vec<FieldError>) -> Option<WebError> {
    if errors.is_empty() {
        return None;
    }
    if let Err(other) = input.parse() {
        errors.extend(other.field_errors());
    }
    Some(WebError::Invalid(errors))
}

/// The entry form's controls of fields named otherwise.
const ENTRY_CONTROLS: &[(&str, &str)] = &[
    ("service", "services"),
    ("language", "languages"),
    ("eligibility.min_age", "min_age"),
    ("eligibility.max_age", "max_age"),
    ("eligibility.sex", "sex"),
    ("eligibility.nationalities", "nationalities"),
    ("nationality", "nationalities"),
];

/// The errors of the entry form, each field named by its label.
fn entry_errors(page: &Page, error: &WebError) -> Option<FormErrors> {
    FormErrors::labelled(
        page,
        error,
        |field| {
            let key = field.rsplit('.').next().unwrap_or(field);
            forms::form_field_label(page, "directory", key)
        },
        |field| {
            ENTRY_CONTROLS
                .iter()
                .find(|(path, _)| *path == field)
                .map_or_else(|| field.to_owned(), |(_, input)| (*input).to_owned())
        },
    )
}

fn render_entry_form(
    page: &Page,
    title_key: &'static str,
    action: String,
    version: i64,
    values: FormValues,
) -> WebResult<axum::response::Html<String>> {
    let services = codes(Service::ALL, Service::as_str);
    render(&DirectoryForm {
        page,
        title_key,
        action,
        version,
        values,
        kinds: codes(EntryKind::ALL, EntryKind::as_str),
        services,
        sexes: codes(SexLimit::ALL, SexLimit::as_str),
        visibilities: codes(Visibility::ALL, Visibility::as_str),
    })
}

/// A link to another page of the same search.
fn page_link(base: &str, query: &[(String, String)], page: u32) -> String {
    let mut pairs: Vec<String> = query
        .iter()
        .filter(|(k, v)| k != "page" && !v.is_empty())
        .map(|(k, v)| format!("{}={}", k, urlencode(v)))
        .collect();
    pairs.push(format!("page={page}"));
    format!("{base}?{}", pairs.join("&"))
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Links to the previous and next pages, empty where there is none.
pub fn pagination(
    base: &str,
    query: &[(String, String)],
    page: u32,
    page_size: u32,
    total: u64,
) -> (String, String) {
    let prev = if page > 1 {
        page_link(base, query, page - 1)
    } else {
        String::new()
    };
    let next = if u64::from(page) * u64::from(page_size) < total {
        page_link(base, query, page + 1)
    } else {
        String::new()
    };
    (prev, next)
}

// ---------------------------------------------------------------- pages

/// The directory's filters: filter, control, label.
const DIRECTORY_FILTERS: &[(&str, &str, &str)] = &[
    ("q", "q", "directory-search-text"),
    ("country", "country", "directory-field-country"),
    ("kind", "kind", "directory-field-kind"),
    ("service", "service", "directory-field-service"),
    ("language", "language", "directory-field-language"),
];

pub async fn search(
    State(state): State<AppState>,
    page: Page,
    visitor: Visitor,
    QueryParams(query): QueryParams<DirectoryQuery>,
    QueryParams(raw): QueryParams<Vec<(String, String)>>,
) -> WebResult<Response> {
    let found = app_directory::search(&state.app, &visitor.viewer(), &query).await;
    let (found, errors) = readable_on(&page, found, DIRECTORY_FILTERS)?;
    let status = answer(&found);
    let found = found.unwrap_or(app_directory::DirectoryResults {
        entries: Vec::new(),
        total: 0,
        more: false,
    });
    let current = query.page.unwrap_or(1).max(1);
    let (prev, next) = pagination(
        "/directory",
        &raw,
        current,
        app_directory::PAGE_SIZE,
        found.total + u64::from(found.more),
    );
    let can_add = visitor
        .0
        .as_ref()
        .is_some_and(|m| retrace_domain::directory::maintains_directory(&m.roles));
    let mut values = FormValues::from_pairs(raw);
    values.errors = errors;
    let html = render(&DirectoryPage {
        page: &page,
        values,
        rows: found.entries.iter().map(row_view).collect(),
        total: found.total,
        more: found.more,
        can_add,
        kinds: codes(EntryKind::ALL, EntryKind::as_str),
        services: codes(Service::ALL, Service::as_str),
        prev,
        next,
    })?;
    Ok((status, html).into_response())
}

async fn visible_entry(state: &AppState, visitor: &Visitor, id: &str) -> WebResult<DirectoryEntry> {
    let id: DirectoryEntryId = parse_id(id)?;
    state
        .store
        .directory_entry(&visitor.viewer(), id)
        .await?
        .ok_or(WebError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    visitor: Visitor,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let entry = visible_entry(&state, &visitor, &id).await?;
    let can_edit = match &visitor.0 {
        Some(member) => app_directory::may_edit(&state.app, &member.actor(), &entry).await?,
        None => false,
    };
    let e = entry_view(&state, &page, &visitor, &entry).await?;
    Ok(render(&DirectoryEntryPage {
        page: &page,
        e,
        can_edit,
    })?
    .into_response())
}

pub async fn new_form(page: Page, _member: Maintainer) -> WebResult<Response> {
    let values = FormValues::from_pairs([
        ("visibility".to_owned(), "organisations".to_owned()),
        ("utc_offset".to_owned(), "+00:00".to_owned()),
    ]);
    Ok(
        render_entry_form(&page, "directory-new", "/directory".to_owned(), 0, values)?
            .into_response(),
    )
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    member: Maintainer,
    form: FormFields,
) -> WebResult<Response> {
    let (input, ages) = entry_input(&form);
    let result = match unreadable_ages(&input, ages) {
        None => app_directory::create_entry(&state.app, &member.actor(), input)
            .await
            .map_err(WebError::from),
        Some(error) => Err(error),
    };
    match result {
        Ok(entry) => Ok(Redirect::to(&format!("/directory/{}", entry.id)).into_response()),
        Err(error) => {
            let Some(errors) = entry_errors(&page, &error) else {
                return Err(error);
            };
            let html = render_entry_form(
                &page,
                "directory-new",
                "/directory".to_owned(),
                0,
                FormValues::with_errors(&form, errors),
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// The entry a member may change; anything else is "not found".
async fn editable_entry(state: &AppState, member: &Member, id: &str) -> WebResult<DirectoryEntry> {
    let id: DirectoryEntryId = parse_id(id)?;
    let entry = state
        .store
        .directory_entry(&retrace_store::Viewer::Member(member.scope()), id)
        .await?
        .ok_or(WebError::NotFound)?;
    if app_directory::may_edit(&state.app, &member.actor(), &entry).await? {
        Ok(entry)
    } else {
        Err(WebError::NotFound)
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    member: Maintainer,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let entry = editable_entry(&state, &member, &id).await?;
    Ok(render_entry_form(
        &page,
        "directory-edit",
        format!("/directory/{}", entry.id),
        entry.version,
        entry_values(&entry),
    )?
    .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    member: Maintainer,
    Path(id): Path<String>,
    form: FormFields,
) -> WebResult<Response> {
    let entry_id: DirectoryEntryId = parse_id(&id)?;
    let version: i64 = form.text("version").trim().parse().unwrap_or(0);
    let (input, ages) = entry_input(&form);
    let result = match unreadable_ages(&input, ages) {
        None => app_directory::update_entry(&state.app, &member.actor(), entry_id, version, input)
            .await
            .map_err(WebError::from),
        Some(error) => Err(error),
    };
    match result {
        Ok(entry) => Ok(Redirect::to(&format!("/directory/{}", entry.id)).into_response()),
        Err(error) => {
            let Some(errors) = entry_errors(&page, &error) else {
                return Err(error);
            };
            let html = render_entry_form(
                &page,
                "directory-edit",
                format!("/directory/{entry_id}"),
                version,
                FormValues::with_errors(&form, errors),
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

// ---------------------------------------------------------------- country profiles

fn country_code(value: &str) -> WebResult<CountryCode> {
    CountryCode::parse(value).map_err(|_| WebError::NotFound)
}

pub async fn countries(
    State(state): State<AppState>,
    page: Page,
    member: Member,
) -> WebResult<Response> {
    let profiles = state.store.country_profiles().await?;
    let own = state.store.organisation(member.org).await?;
    let own_country = match own {
        Some(org)
            if app_directory::may_revise(&state.app, &member.actor(), org.country).await? =>
        {
            org.country.as_str().to_owned()
        }
        _ => String::new(),
    };
    let rows = profiles
        .iter()
        .map(|p| CountryRow {
            country: p.country.as_str().to_owned(),
            version: p.version,
            reviewed: p
                .content
                .last_reviewed
                .map(|d| d.to_string())
                .unwrap_or_default(),
            changed_at: p.changed_at.display_utc(),
        })
        .collect();
    Ok(render(&CountriesPage {
        page: &page,
        rows,
        own_country,
    })?
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionQuery {
    pub version: Option<i64>,
}

pub async fn country(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    Path(code): Path<String>,
    QueryParams(query): QueryParams<VersionQuery>,
) -> WebResult<Response> {
    let country = country_code(&code)?;
    let store = state.store.as_ref();
    let history = store.country_profile_history(country).await?;
    let current_version = history.first().map_or(0, |p| p.version);
    let shown = match query.version {
        Some(version) => Some(
            history
                .iter()
                .find(|p| p.version == version)
                .ok_or(WebError::NotFound)?,
        ),
        None => history.first(),
    };
    let can_revise = app_directory::may_revise(&state.app, &member.actor(), country).await?;
    let mut rows = Vec::new();
    for p in &history {
        rows.push(RevisionRow {
            version: p.version,
            at: p.changed_at.display_utc(),
            by: changed_by(store, &member, p).await?,
            changed: p.changed_sections.clone(),
        });
    }
    let (version, changed_at, by, reviewed, sections) = match shown {
        Some(p) => (
            p.version,
            p.changed_at.display_utc(),
            changed_by(store, &member, p).await?,
            p.content
                .last_reviewed
                .map(|d| d.to_string())
                .unwrap_or_default(),
            p.content
                .sections()
                .iter()
                .map(|(key, text)| {
                    (
                        *key,
                        text.map(|t| t.as_str().to_owned()).unwrap_or_default(),
                    )
                })
                .collect(),
        ),
        None => (0, String::new(), String::new(), String::new(), Vec::new()),
    };
    Ok(render(&CountryPage {
        page: &page,
        country: country.as_str().to_owned(),
        version,
        current_version,
        changed_at,
        changed_by: by,
        reviewed,
        sections,
        history: rows,
        can_revise,
    })?
    .into_response())
}

async fn changed_by(store: &dyn Store, member: &Member, p: &CountryProfile) -> WebResult<String> {
    staff_label(store, Some(member), p.changed_by).await
}

fn profile_values(profile: Option<&CountryProfile>) -> FormValues {
    let mut pairs = vec![(
        "version".to_owned(),
        profile.map_or(0, |p| p.version).to_string(),
    )];
    if let Some(p) = profile {
        for (key, text) in p.content.sections() {
            pairs.push((
                key.to_owned(),
                text.map(|t| t.as_str().to_owned()).unwrap_or_default(),
            ));
        }
        if let Some(reviewed) = p.content.last_reviewed {
            pairs.push(("last_reviewed".to_owned(), reviewed.to_string()));
        }
    }
    FormValues::from_pairs(pairs)
}

async fn revisable(state: &AppState, member: &Member, code: &str) -> WebResult<CountryCode> {
    let country = country_code(code)?;
    if app_directory::may_revise(&state.app, &member.actor(), country).await? {
        Ok(country)
    } else {
        Err(WebError::Forbidden)
    }
}

pub async fn country_edit_form(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let country = revisable(&state, &member, &code).await?;
    let current = state.store.country_profile(country, None).await?;
    Ok(render(&CountryForm {
        page: &page,
        country: country.as_str().to_owned(),
        values: profile_values(current.as_ref()),
        sections: PROFILE_SECTIONS,
    })?
    .into_response())
}

pub(super) fn profile_input(form: &FormFields) -> ProfileInput {
    ProfileInput {
        version: form.text("version").trim().parse().unwrap_or(0),
        legal_framework: form.text("legal_framework"),
        referral_mechanism: form.text("referral_mechanism"),
        focal_points: form.text("focal_points"),
        family_links: form.text("family_links"),
        entry_and_return: form.text("entry_and_return"),
        sources: form.text("sources"),
        last_reviewed: form.text("last_reviewed"),
    }
}

pub async fn country_revise(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    Path(code): Path<String>,
    form: FormFields,
) -> WebResult<Response> {
    let country = revisable(&state, &member, &code).await?;
    match app_directory::revise_profile(&state.app, &member.actor(), country, profile_input(&form))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/countries/{country}")).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = FormErrors::labelled(
                &page,
                &error,
                |field| page.label("profile-section", field),
                str::to_owned,
            ) else {
                return Err(error);
            };
            let html = render(&CountryForm {
                page: &page,
                country: country.as_str().to_owned(),
                values: FormValues::with_errors(&form, errors),
                sections: PROFILE_SECTIONS,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

// ---------------------------------------------------------------- JSON API

fn entry_json(entry: &DirectoryEntry, with_verifier: bool) -> Value {
    let d = &entry.details;
    json!({
        "id": entry.id.to_string(),
        "version": entry.version,
        "name": d.name,
        "kind": d.kind.as_str(),
        "country": d.country.as_str(),
        "city": d.city,
        "services": d.services.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "languages": d.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "description": d.description,
        "address": d.address,
        "phone": d.phone,
        "email": d.email,
        "website": d.website,
        "opening_hours": d.opening_hours.to_string(),
        "utc_offset": d.utc_offset.to_string(),
        "eligibility": {
            "min_age": d.eligibility.min_age,
            "max_age": d.eligibility.max_age,
            "sex": d.eligibility.sex.as_str(),
            "nationalities": d.eligibility.nationalities.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        },
        "visibility": d.visibility.as_str(),
        "verified_at": entry.verified_at.rfc3339(),
        "verified_by": if with_verifier { entry.verified_by.map(|u| u.to_string()) } else { None },
    })
}

pub async fn api_search(
    State(state): State<AppState>,
    visitor: Visitor,
    QueryParams(query): QueryParams<DirectoryQuery>,
) -> WebResult<Json<Value>> {
    let found = app_directory::search(&state.app, &visitor.viewer(), &query).await?;
    let member = visitor.0.is_some();
    Ok(Json(json!({
        "total": found.total,
        "more": found.more,
        "entries": found.entries.iter().map(|e| entry_json(e, member)).collect::<Vec<_>>(),
    })))
}

pub async fn api_show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> WebResult<Json<Value>> {
    let entry = visible_entry(&state, &visitor, &id).await?;
    Ok(Json(entry_json(&entry, visitor.0.is_some())))
}

pub async fn api_create(
    State(state): State<AppState>,
    member: Maintainer,
    JsonBody(input): JsonBody<EntryInput>,
) -> WebResult<Response> {
    let entry = app_directory::create_entry(&state.app, &member.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(entry_json(&entry, true))).into_response())
}

/// A change to an entry: the version it was based on and the new details.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryChange {
    pub version: i64,
    pub entry: EntryInput,
}

pub async fn api_update(
    State(state): State<AppState>,
    member: Maintainer,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<EntryChange>,
) -> WebResult<Json<Value>> {
    let id: DirectoryEntryId = parse_id(&id)?;
    let entry = app_directory::update_entry(
        &state.app,
        &member.actor(),
        id,
        change.version,
        change.entry,
    )
    .await?;
    Ok(Json(entry_json(&entry, true)))
}

fn profile_json(p: &CountryProfile) -> Value {
    json!({
        "country": p.country.as_str(),
        "version": p.version,
        "content": p.content,
        "changed_sections": p.changed_sections,
        "changed_at": p.changed_at.rfc3339(),
        "changed_by": p.changed_by.map(|u| u.to_string()),
        "changed_by_organisation": p.changed_by_org.map(|o| o.to_string()),
    })
}

pub async fn api_countries(
    State(state): State<AppState>,
    _member: Member,
) -> WebResult<Json<Value>> {
    let profiles = state.store.country_profiles().await?;
    Ok(Json(json!({
        "profiles": profiles.iter().map(profile_json).collect::<Vec<_>>(),
    })))
}

pub async fn api_country(
    State(state): State<AppState>,
    _member: Member,
    Path(code): Path<String>,
    QueryParams(query): QueryParams<VersionQuery>,
) -> WebResult<Json<Value>> {
    let country = country_code(&code)?;
    let profile = state
        .store
        .country_profile(country, query.version)
        .await?
        .ok_or(WebError::NotFound)?;
    let history = state.store.country_profile_history(country).await?;
    let mut body = profile_json(&profile);
    body["versions"] = json!(
        history
            .iter()
            .map(|p| json!({
                "version": p.version,
                "changed_at": p.changed_at.rfc3339(),
                "changed_sections": p.changed_sections,
            }))
            .collect::<Vec<_>>()
    );
    Ok(Json(body))
}

pub async fn api_revise(
    State(state): State<AppState>,
    member: Member,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<ProfileInput>,
) -> WebResult<Json<Value>> {
    let country = country_code(&code)?;
    let profile =
        app_directory::revise_profile(&state.app, &member.actor(), country, input).await?;
    Ok(Json(profile_json(&profile)))
}
