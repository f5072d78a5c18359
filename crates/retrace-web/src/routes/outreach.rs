//! Outreach pages, the phone's sync endpoint and the JSON API.
//!
//! The form works without a script (a plain POST); with `outreach.js` it
//! saves the session on the device first (encrypted with the key from
//! `/outreach/device-key`) and syncs the queue through `/outreach/sync`
//! whenever the network is there. The service worker and the manifest are
//! served under `/outreach/` so the worker's scope is the outreach pages
//! only.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{
    Coordinator, FormFields, JsonBody, OutreachReader, OutreachWorker, PathId, QueryParams,
};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::identity::{Member, SignedIn};
use crate::outreach_views::{
    ConflictLine, DashboardPage, FOLLOW_UP_ROWS, FollowUpLine, FollowUpsPage, SessionForm,
    SessionLine, SessionPage, SessionRows, SessionView, SessionsPage, dashboard_figures,
    session_input, topic_options,
};
use crate::page::Page;
use crate::routes::lists::{answer, readable_on};
use crate::templates::render;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::outreach::{self as app_outreach, FilterInput, SessionInput};
use retrace_domain::Problem;
use retrace_domain::{FollowUpId, OutreachConflictId, OutreachSessionId, Role};
use retrace_store::{OutreachFilter, SyncOutcome};
use serde::Deserialize;
use serde_json::{Value, json};

/// Sessions listed on the list page.
const LIST_LIMIT: u32 = 200;

// ------------------------------------------------------------ helpers

/// The label of the form field an error names (`reached[1].count` is the
/// people-reached fieldset, with the row's number).
fn field_label(page: &Page, rows: &SessionRows, field: &str) -> String {
    let top = field.split(['[', '.']).next().unwrap_or_default();
    let key = match top {
        "reached" | "reached_count" | "reached_sex" | "reached_age" | "reached_nationality" => {
            "outreach-reached-legend"
        }
        "topics" => "outreach-topics-legend",
        "referrals" | "referral_service" | "referral_count" => "outreach-referrals-legend",
        "follow_ups" => "outreach-follow-ups-legend",
        "duration_minutes" => "outreach-field-duration",
        "place_kind" => "outreach-field-place-kind",
        "started_at" => "outreach-field-started-at",
        "people_reached" => "outreach-field-people-reached",
        "team" => "outreach-field-team",
        "city" => "outreach-field-city",
        "members" => "outreach-field-members",
        "mediators" => "outreach-field-mediators",
        "languages" => "outreach-field-languages",
        "notes" => "outreach-field-notes",
        "label" => "outreach-topic-label",
        _ => "outreach-field-session",
    };
    // A row's control ends with its number from 0; the page counts from 1.
    let row = rows
        .control(field)
        .rsplit('_')
        .next()
        .and_then(|n| n.parse::<usize>().ok());
    match row {
        Some(row) => format!("{} {}", page.t(key), row + 1),
        None => page.t(key),
    }
}

/// The session form's errors, each on its control.
fn session_errors(page: &Page, rows: &SessionRows, error: &WebError) -> Option<FormErrors> {
    FormErrors::labelled(
        page,
        error,
        |field| field_label(page, rows, field),
        |field| rows.control(field),
    )
}

fn is_worker(member: &Member) -> bool {
    member.roles.contains(Role::OutreachWorker)
}

/// The filter as a query string again, for the export link.
fn query_of(filter: &FilterInput) -> String {
    serde_urlencoded::to_string(filter).unwrap_or_default()
}

async fn form_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    values: FormValues,
    follow_up_ids: Vec<String>,
) -> WebResult<axum::response::Html<String>> {
    let org_topics = state.store.outreach_topics(&member.scope()).await?;
    render(&SessionForm {
        page,
        values,
        topics: topic_options(page, &org_topics),
        follow_up_ids,
    })
}

// ------------------------------------------------------------ pages

/// A form's errors with nothing typed to show again (the filter form
/// shows the query it was given).
fn errors_only(errors: FormErrors) -> FormValues {
    let mut values = FormValues::default();
    values.errors = errors;
    values
}

/// The dashboard's filters: (filter, control, label).
const DASHBOARD_FILTERS: &[(&str, &str, &str)] = &[
    ("from", "from", "outreach-filter-from"),
    ("to", "to", "outreach-filter-to"),
    ("place_kind", "filter-place", "outreach-field-place-kind"),
    (
        "nationality",
        "filter-nationality",
        "outreach-field-nationality",
    ),
];

pub async fn dashboard(
    State(state): State<AppState>,
    page: Page,
    member: OutreachReader,
    QueryParams(filter): QueryParams<FilterInput>,
) -> WebResult<Response> {
    dashboard_page(&state, &page, &member, filter, FormValues::default()).await
}

/// The organisation's dashboard; `topic` fills its topic form (again,
/// with its errors, after a refused topic: then 422).
async fn dashboard_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    filter: FilterInput,
    topic: FormValues,
) -> WebResult<Response> {
    let board = app_outreach::dashboard(&state.app, &member.actor(), &filter).await;
    let (board, filter_errors) = readable_on(page, board, DASHBOARD_FILTERS)?;
    let conflicts = state.store.outreach_conflicts(&member.scope()).await?.len();
    let (sessions, people, charts) = board
        .map(|board| dashboard_figures(page, &board))
        .unwrap_or_default();
    let status = if topic.errors.any() || filter_errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(&DashboardPage {
        heading: page.t("outreach-title"),
        page,
        country_view: false,
        export_query: query_of(&filter),
        filter,
        filter_errors: errors_only(filter_errors),
        sessions,
        people,
        charts,
        can_record: is_worker(member),
        can_see_country: member.roles.contains(Role::Coordinator),
        conflicts,
        topic,
    })?;
    Ok((status, html).into_response())
}

pub async fn country(
    State(state): State<AppState>,
    page: Page,
    member: Coordinator,
    QueryParams(filter): QueryParams<FilterInput>,
) -> WebResult<Response> {
    let board = app_outreach::country_dashboard(&state.app, &member.actor(), &filter).await;
    let (board, filter_errors) = readable_on(&page, board, DASHBOARD_FILTERS)?;
    let status = answer(&board);
    let (heading, (sessions, people, charts)) = match board {
        Some((country, board)) => (
            format!(
                "{} ({})",
                page.t("outreach-country-title"),
                country.as_str()
            ),
            dashboard_figures(&page, &board),
        ),
        None => (page.t("outreach-country-title"), Default::default()),
    };
    let html = render(&DashboardPage {
        heading,
        page: &page,
        country_view: true,
        export_query: query_of(&filter),
        filter,
        filter_errors: errors_only(filter_errors),
        sessions,
        people,
        charts,
        can_record: false,
        can_see_country: true,
        conflicts: 0,
        topic: FormValues::default(),
    })?;
    Ok((status, html).into_response())
}

pub async fn export_csv(
    State(state): State<AppState>,
    member: OutreachReader,
    QueryParams(filter): QueryParams<FilterInput>,
) -> WebResult<Response> {
    let csv = app_outreach::export_csv(&state.app, &member.actor(), &filter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"outreach.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    member: OutreachReader,
    QueryParams(filter): QueryParams<FilterInput>,
) -> WebResult<Response> {
    let xlsx = app_outreach::export_xlsx(&state.app, &member.actor(), &filter).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"outreach.xlsx\"",
            ),
        ],
        xlsx,
    )
        .into_response())
}

pub async fn sessions(
    State(state): State<AppState>,
    page: Page,
    member: OutreachReader,
) -> WebResult<Response> {
    let scope = member.scope();
    let listed = state
        .store
        .outreach_sessions(&scope, &OutreachFilter::default(), LIST_LIMIT)
        .await?;
    let conflicts = state.store.outreach_conflicts(&scope).await?;
    Ok(render(&SessionsPage {
        page: &page,
        sessions: listed
            .into_iter()
            .map(|s| SessionLine {
                id: s.id.to_string(),
                started: s.started_at.display_utc(),
                team: s.team,
                place_kind: s.place_kind.as_str(),
                city: s.city,
                people: s.people_reached,
            })
            .collect(),
        conflicts: conflicts
            .into_iter()
            .map(|c| ConflictLine {
                id: c.id.to_string(),
                session: c.session.to_string(),
                created: c.created_at.display_utc(),
                base_version: c.base_version,
                server_version: c.server_version,
            })
            .collect(),
        can_record: is_worker(&member),
    })?
    .into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    member: OutreachWorker,
) -> WebResult<Response> {
    let mut values = FormValues::default();
    values.set("id", OutreachSessionId::random().to_string());
    values.set("base_version", "0");
    let now = state.clock.now().to_offset_date_time();
    values.set(
        "started_at",
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute()
        ),
    );
    values.set("duration_minutes", "120");
    let follow_up_ids = (0..FOLLOW_UP_ROWS)
        .map(|_| FollowUpId::random().to_string())
        .collect();
    Ok(form_page(&state, &page, &member, values, follow_up_ids)
        .await?
        .into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    member: OutreachWorker,
    form: FormFields,
) -> WebResult<Response> {
    let follow_up_ids: Vec<String> = (0..FOLLOW_UP_ROWS)
        .map(|row| form.text(&format!("follow_up_id_{row}")))
        .collect();
    let (input, rows, unreadable) = session_input(&form);
    let outcome = if unreadable.is_empty() {
        app_outreach::record_session(&state.app, &member.actor(), &input)
            .await
            .map_err(WebError::from)
    } else {
        // Counts that are not numbers, and every other error of the form.
        let topics = state.store.outreach_topics(&member.scope()).await?;
        let mut errors = unreadable;
        if let Err(other) = input.parse(state.clock.now(), &topics) {
            // A count not read is taken as 0: what follows from that is not said.
            let others: Vec<_> = other
                .field_errors()
                .into_iter()
                .filter(|e| !errors.iter().any(|u| u.field == rows.control(&e.field)))
                .collect();
            errors.extend(others);
        }
        Err(WebError::Invalid(errors))
    };
    match outcome {
        Ok(SyncOutcome::Conflict { conflict, .. }) => {
            Ok(Redirect::to(&format!("/outreach/conflicts/{conflict}")).into_response())
        }
        Ok(_) => {
            Ok(Redirect::to(&format!("/outreach/sessions/{}", form.text("id"))).into_response())
        }
        Err(error) => {
            let Some(errors) = session_errors(&page, &rows, &error) else {
                return Err(error);
            };
            let html = form_page(
                &state,
                &page,
                &member,
                FormValues::with_errors(&form, errors),
                follow_up_ids,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: OutreachReader,
    PathId(id): PathId<OutreachSessionId>,
) -> WebResult<Response> {
    let session = app_outreach::session(&state.app, &member.actor(), id).await?;
    Ok(render(&SessionPage {
        page: &page,
        id: id.to_string(),
        version: session.version,
        session: SessionView::of(&page, &session.data),
        incoming: None,
        conflict: None,
        can_resolve: false,
        values: FormValues::default(),
    })?
    .into_response())
}

pub async fn conflict(
    State(state): State<AppState>,
    page: Page,
    member: OutreachReader,
    PathId(id): PathId<OutreachConflictId>,
) -> WebResult<Response> {
    let values = FormValues::default();
    conflict_page(&state, &page, &member, id, values, StatusCode::OK).await
}

/// A conflict's page; `values` hold the refusal of a resolution.
async fn conflict_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: OutreachConflictId,
    values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let conflict = state
        .store
        .outreach_conflict(&member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let stored = app_outreach::session(&state.app, &member.actor(), conflict.session).await?;
    let html = render(&SessionPage {
        page,
        id: conflict.session.to_string(),
        version: stored.version,
        session: SessionView::of(page, &stored.data),
        incoming: Some(SessionView::of(page, &conflict.data)),
        conflict: Some(ConflictLine {
            id: id.to_string(),
            session: conflict.session.to_string(),
            created: conflict.created_at.display_utc(),
            base_version: conflict.base_version,
            server_version: stored.version,
        }),
        can_resolve: is_worker(member),
        values,
    })?;
    Ok((status, html).into_response())
}

pub async fn resolve(
    State(state): State<AppState>,
    page: Page,
    member: OutreachWorker,
    PathId(id): PathId<OutreachConflictId>,
    form: FormFields,
) -> WebResult<Response> {
    let resolved = match form.text("take").as_str() {
        "incoming" => app_outreach::resolve_conflict(&state.app, &member.actor(), id, true).await,
        "stored" => app_outreach::resolve_conflict(&state.app, &member.actor(), id, false).await,
        _ => Err(retrace_app::AppError::invalid("take", Problem::ChooseOne)),
    };
    let error = match resolved {
        Ok(session) => {
            return Ok(Redirect::to(&format!("/outreach/sessions/{}", session.id)).into_response());
        }
        Err(error) => WebError::from(error),
    };
    // Refused (a follow-up pseudonym taken since, a choice no button
    // offers): the two versions again, the refusal on top.
    let Some(errors) = FormErrors::labelled(
        &page,
        &error,
        |_| page.t("outreach-conflict-title"),
        |_| "resolve-form".to_owned(),
    ) else {
        return Err(error);
    };
    let values = FormValues::with_errors(&form, errors);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    conflict_page(&state, &page, &member, id, values, status).await
}

pub async fn follow_ups(
    State(state): State<AppState>,
    page: Page,
    member: OutreachReader,
) -> WebResult<Response> {
    let values = FormValues::default();
    follow_ups_page(&state, &page, &member, values, StatusCode::OK).await
}

/// The follow-ups; `values` hold the refusal of an outcome.
async fn follow_ups_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let rows = state
        .store
        .follow_ups(
            &member.audit(state, "outreach follow-ups"),
            &member.scope(),
            LIST_LIMIT,
        )
        .await?;
    let html = render(&FollowUpsPage {
        page,
        rows: rows
            .into_iter()
            .map(|f| FollowUpLine {
                input: format!("outcome-{}", f.id),
                id: f.id.to_string(),
                session: f.session.to_string(),
                pseudonym: f.pseudonym.to_string(),
                consent_to_link: f.consent_to_link,
                outcome: f.outcome.map(|o| o.as_str()).unwrap_or_default(),
                started: f.session_started_at.display_utc(),
            })
            .collect(),
        can_record: is_worker(member),
        values,
    })?;
    Ok((status, html).into_response())
}

pub async fn set_outcome(
    State(state): State<AppState>,
    page: Page,
    member: OutreachWorker,
    PathId(id): PathId<FollowUpId>,
    form: FormFields,
) -> WebResult<Response> {
    let outcome = form.text("outcome");
    let error = match app_outreach::record_outcome(&state.app, &member.actor(), id, &outcome).await
    {
        Ok(_) => return Ok(Redirect::to("/outreach/follow-ups").into_response()),
        Err(error) => WebError::from(error),
    };
    let input = format!("outcome-{id}");
    let fields = [("outcome", input.as_str(), "outreach-field-outcome")];
    let Some(errors) = FormErrors::of_fields(&page, &error, &fields) else {
        return Err(error);
    };
    let values = FormValues::with_errors(&form, errors);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    follow_ups_page(&state, &page, &member, values, status).await
}

pub async fn add_topic(
    State(state): State<AppState>,
    page: Page,
    member: OutreachWorker,
    form: FormFields,
) -> WebResult<Response> {
    match app_outreach::add_topic(&state.app, &member.actor(), &form.text("label")).await {
        Ok(_) => Ok(Redirect::to("/outreach/sessions/new").into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = FormErrors::labelled(
                &page,
                &error,
                |_| page.t("outreach-topic-label"),
                |_| "topic-label".to_owned(),
            ) else {
                return Err(error);
            };
            let topic = FormValues::with_errors(&form, errors);
            dashboard_page(&state, &page, &member, FilterInput::default(), topic).await
        }
    }
}

// ------------------------------------------------------------ the phone

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncBody {
    pub sessions: Vec<Value>,
}

/// The phone's queue, sent with the session cookie and the CSRF header.
pub async fn sync(
    State(state): State<AppState>,
    member: OutreachWorker,
    JsonBody(body): JsonBody<SyncBody>,
) -> WebResult<Response> {
    let results = app_outreach::sync_sessions(&state.app, &member.actor(), body.sessions).await?;
    Ok(Json(json!({ "results": results })).into_response())
}

/// The key the phone encrypts its queue with (see `app_outreach::device_key`).
pub async fn device_key(
    State(state): State<AppState>,
    signed_in: SignedIn,
    member: OutreachWorker,
) -> WebResult<Response> {
    let Some(session) = signed_in.session else {
        return Err(WebError::Forbidden);
    };
    let key = app_outreach::device_key(&state.app, &member.actor(), &session)?;
    Ok(Json(json!({ "key": key, "algorithm": "AES-GCM-256" })).into_response())
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

pub async fn script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/outreach.js"),
    )
}

pub async fn stylesheet() -> Response {
    static_file(
        "text/css; charset=utf-8",
        include_str!("../../static/outreach.css"),
    )
}

pub async fn icon() -> Response {
    static_file(
        "image/svg+xml",
        include_str!("../../static/outreach-icon.svg"),
    )
}

pub async fn service_worker() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/outreach-sw.js"),
    )
}

pub async fn manifest() -> Response {
    static_file(
        "application/manifest+json",
        include_str!("../../static/outreach.webmanifest"),
    )
}

// ------------------------------------------------------------ JSON API

pub async fn api_sync(
    State(state): State<AppState>,
    member: OutreachWorker,
    JsonBody(body): JsonBody<SyncBody>,
) -> WebResult<Response> {
    sync(State(state), member, JsonBody(body)).await
}

pub async fn api_record(
    State(state): State<AppState>,
    member: OutreachWorker,
    JsonBody(input): JsonBody<SessionInput>,
) -> WebResult<Response> {
    let outcome = app_outreach::record_session(&state.app, &member.actor(), &input).await?;
    let (status, body) = match outcome {
        SyncOutcome::Stored { version } => (
            StatusCode::CREATED,
            json!({ "id": input.id, "status": "stored", "version": version }),
        ),
        SyncOutcome::AlreadyApplied { version } => (
            StatusCode::OK,
            json!({ "id": input.id, "status": "already_applied", "version": version }),
        ),
        SyncOutcome::Conflict {
            conflict,
            server_version,
        } => (
            StatusCode::CONFLICT,
            json!({ "id": input.id, "status": "conflict", "conflict": conflict.to_string(),
                    "version": server_version }),
        ),
    };
    Ok((status, Json(body)).into_response())
}

pub async fn api_dashboard(
    State(state): State<AppState>,
    member: OutreachReader,
    QueryParams(filter): QueryParams<FilterInput>,
) -> WebResult<Response> {
    let board = app_outreach::dashboard(&state.app, &member.actor(), &filter).await?;
    Ok(Json(board).into_response())
}

pub async fn api_session(
    State(state): State<AppState>,
    member: OutreachReader,
    PathId(id): PathId<OutreachSessionId>,
) -> WebResult<Response> {
    let session = app_outreach::session(&state.app, &member.actor(), id).await?;
    Ok(Json(json!({
        "id": session.id.to_string(),
        "version": session.version,
        "session": session.data,
        "updated_at": session.updated_at.rfc3339(),
    }))
    .into_response())
}
