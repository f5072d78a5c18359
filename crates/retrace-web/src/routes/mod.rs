//! The router: every route, and the layers every route goes through.

mod account;
mod api;
mod api_gallery;
mod api_requests;
mod candidates;
mod directory;
mod duplicates;
mod export;
#[doc(hidden)]
pub mod fuzzing;
mod gallery;
mod gallery_staff;
mod import_csv;
mod indicators;
mod interchange;
mod library;
mod lists;
mod networks;
mod operator;
mod org;
mod outreach;
mod practices;
mod privacy;
mod public;
mod referrals;
mod requests;
mod session;
mod subject_access;
mod transfers;
pub(crate) mod work;

use crate::AppState;
use crate::error::{ErrorReport, WebError};
use crate::i18n::Lang;
use crate::page::Page;
use crate::templates::{ErrorPage, render};
use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;

pub fn router(state: AppState) -> Router {
    let secure = state.config.secure_cookies;
    let mut router = Router::new()
        .route("/", get(session::home))
        .route("/notifications", get(work::notifications))
        .route("/notifications/read", post(work::mark_read))
        .route("/api/v1/work-queue", get(work::api_work_queue))
        .route(
            "/sign-in",
            get(session::sign_in_page).post(session::sign_in),
        )
        .route(
            "/sign-in/second-factor",
            get(session::second_factor_page).post(session::second_factor),
        )
        .route("/sign-out", post(session::sign_out))
        .route("/language", post(public::set_language))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route(
            "/account/digest",
            get(account::digest).post(account::save_digest),
        )
        .route(
            "/account/second-factor",
            get(account::enrol_page).post(account::enrol),
        )
        .route(
            "/account/second-factor/remove",
            post(account::remove_second_factor),
        )
        .route("/account/api-tokens", post(account::create_token))
        .route(
            "/account/api-tokens/{id}/revoke",
            post(account::revoke_token),
        )
        .route("/org/users", get(org::users).post(org::create_user))
        .route("/org/users/{id}", get(org::user))
        .route("/org/users/{id}/roles", post(org::set_roles))
        .route("/org/users/{id}/disable", post(org::disable))
        .route("/org/users/{id}/enable", post(org::enable))
        .route("/org/users/{id}/reset-password", post(org::reset_password))
        .route("/org/audit", get(org::audit))
        .route("/org/contact", get(org::contact).post(org::save_contact))
        .route(
            "/operator/organisations",
            get(operator::organisations).post(operator::create_organisation),
        )
        .route(
            "/operator/users",
            get(operator::users).post(operator::create_user),
        )
        .route("/requests", get(lists::requests).post(requests::create))
        .route("/sought", get(lists::sought))
        .route("/requests/new", get(requests::new_form))
        .route("/requests/export", get(export::form).post(export::export))
        .route("/requests/{id}", get(requests::show))
        .route(
            "/requests/{id}/edit",
            get(requests::edit_form).post(requests::edit),
        )
        .route("/requests/{id}/status", post(requests::change_status))
        .route("/requests/{id}/assignment", post(lists::assign))
        .route("/requests/{id}/sought/new", get(requests::new_sought_form))
        .route("/requests/{id}/sought", post(requests::add_sought))
        .route("/requests/{id}/transfer", get(transfers::new_form))
        .route("/requests/{id}/transfers", post(transfers::create))
        .route(
            "/requests/{id}/transfers/{transfer}/revoke",
            post(transfers::revoke),
        )
        .route("/transfers", get(transfers::inbox))
        .route("/transfers/{id}", get(transfers::show))
        .route("/transfers/{id}/decision", post(transfers::decision))
        .route("/persons/{id}", get(requests::person_page))
        .route(
            "/persons/{id}/edit",
            get(requests::person_edit_form).post(requests::person_edit),
        )
        .route("/persons/{id}/consents", post(requests::record_consent))
        .route(
            "/persons/{id}/consents/{consent}/withdraw",
            post(requests::withdraw_consent),
        )
        .route(
            "/registrations",
            get(lists::registrations).post(requests::create_registration),
        )
        .route("/registrations/new", get(requests::new_registration_form))
        .route("/candidates/{id}", get(candidates::show))
        .route("/candidates/{id}/review", post(candidates::review))
        .route("/candidates/{id}/release", post(candidates::release))
        .route(
            "/candidates/{id}/messages",
            post(candidates::create_message),
        )
        .route(
            "/candidates/{id}/messages/{message}/advance",
            post(candidates::advance_message),
        )
        .merge(referral_routes())
        .route("/healthz", get(public::healthz))
        .route("/robots.txt", get(public::robots))
        .route("/metrics", get(public::metrics))
        .route("/static/app.css", get(public::stylesheet))
        .route("/static/form-errors.js", get(public::form_errors_script))
        .route("/static/menu.js", get(public::menu_script))
        .merge(gallery_routes())
        .merge(directory_routes())
        .merge(outreach_routes())
        .merge(network_routes())
        .merge(practice_routes())
        .merge(indicator_routes())
        .merge(api::routes())
        .merge(privacy::routes())
        .merge(subject_access::routes())
        .route(
            "/import/pfif",
            get(interchange::pfif_form)
                .post(interchange::pfif_upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    retrace_app::interchange::MAX_PFIF_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/export/pfif",
            get(interchange::pfif_export_form).post(interchange::pfif_export_file),
        )
        .route(
            "/import/csv",
            get(import_csv::csv_form)
                .post(import_csv::csv_dry_run)
                .layer(axum::extract::DefaultBodyLimit::max(
                    retrace_app::csv_import::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/import/csv/mapping",
            get(import_csv::csv_mapping_form)
                .post(import_csv::csv_mapping_save)
                .layer(axum::extract::DefaultBodyLimit::max(
                    retrace_app::csv_import::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/import/csv/jobs/{token}",
            get(import_csv::csv_job).post(import_csv::csv_commit),
        )
        .route("/api/v1/pfif/persons", get(interchange::api_pfif_export))
        .route(
            "/api/v1/imports/pfif",
            post(interchange::api_pfif_import).layer(axum::extract::DefaultBodyLimit::max(
                retrace_app::interchange::MAX_PFIF_BYTES,
            )),
        )
        .route_layer(middleware::from_fn(crate::api_scopes::enforce))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::identity::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::csrf::protect,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), render_errors))
        .layer(middleware::from_fn(crate::security::security_headers))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::record,
        ));
    if secure {
        router = router.layer(middleware::from_fn(crate::security::strict_transport));
    }
    router.with_state(state)
}

/// Trace the Face: the public gallery and its staff pages.
fn gallery_routes() -> Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    Router::new()
        .route("/gallery", get(gallery::index))
        .route("/gallery/{reference}", get(gallery::entry))
        .route("/gallery/{reference}/reports", post(gallery::report))
        .route("/gallery/{reference}/thanks", get(gallery::thanks))
        .route("/gallery/photos/{file}", get(gallery::photo))
        .route("/static/gallery.css", get(gallery::stylesheet))
        .route(
            "/staff/gallery",
            get(gallery_staff::list)
                .post(gallery_staff::publish)
                .layer(DefaultBodyLimit::max(
                    retrace_app::photo::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
        .route("/staff/gallery/new", get(gallery_staff::new_form))
        .route("/staff/gallery/{id}", get(gallery_staff::show))
        .route("/staff/gallery/{id}/approve", post(gallery_staff::approve))
        .route(
            "/staff/gallery/{id}/take-down",
            post(gallery_staff::take_down_entry),
        )
        .route("/staff/gallery/{id}/poster", get(gallery_staff::poster))
        .route(
            "/staff/gallery/{id}/poster.pdf",
            get(gallery_staff::poster_pdf),
        )
        .route(
            "/staff/gallery/{id}/{kind}",
            get(gallery_staff::staff_photo),
        )
        .route("/staff/reports", get(gallery_staff::reports))
        .route("/staff/reports/{id}", get(gallery_staff::report))
        .route(
            "/staff/reports/{id}/status",
            post(gallery_staff::report_status),
        )
}

/// Transnational referrals: pages and JSON API.
fn referral_routes() -> Router<AppState> {
    Router::new()
        .route("/referrals", get(referrals::list).post(referrals::create))
        .route("/referrals/new", get(referrals::new_form))
        .route("/referrals/{id}", get(referrals::show))
        .route("/referrals/{id}/decision", post(referrals::decision))
        .route("/referrals/{id}/status", post(referrals::status))
        .route("/referrals/{id}/steps/{step}", post(referrals::step))
        .route("/referrals/{id}/stage", post(referrals::close_stage))
        .route("/referrals/{id}/updates", post(referrals::update))
        .route(
            "/referrals/{id}/tools/{key}",
            get(referrals::tool_page).post(referrals::fill_tool),
        )
        .route(
            "/referrals/{id}/tool-entries/{entry}",
            get(referrals::tool_entry),
        )
        .route(
            "/referrals/{id}/tool-entries/{entry}/pdf",
            get(referrals::tool_entry_pdf),
        )
        .route("/org/sop", get(referrals::templates_page))
        .route("/org/sop/{stage}", post(referrals::save_template))
        .route(
            "/api/v1/referrals",
            get(referrals::api_list).post(referrals::api_create),
        )
        .route("/api/v1/referrals/{id}", get(referrals::api_show))
        .route(
            "/api/v1/referrals/{id}/decision",
            post(referrals::api_decision),
        )
        .route("/api/v1/referrals/{id}/status", post(referrals::api_status))
        .route(
            "/api/v1/referrals/{id}/steps/{step}",
            post(referrals::api_step),
        )
        .route(
            "/api/v1/referrals/{id}/stage",
            post(referrals::api_close_stage),
        )
        .route(
            "/api/v1/referrals/{id}/updates",
            post(referrals::api_update),
        )
        .route(
            "/api/v1/tools",
            get(referrals::api_tools).post(referrals::api_add_tool),
        )
        .route(
            "/api/v1/referrals/{id}/tools/{key}",
            post(referrals::api_fill_tool),
        )
        .route(
            "/api/v1/referrals/{id}/tool-entries/{entry}",
            get(referrals::api_tool_entry),
        )
        .route(
            "/api/v1/referrals/{id}/tool-entries/{entry}/pdf",
            get(referrals::tool_entry_pdf),
        )
        .route("/api/v1/sop-templates", get(referrals::api_templates))
        .route(
            "/api/v1/sop-templates/{stage}",
            post(referrals::api_save_template),
        )
}

/// The directory of services, the country profiles and the library
/// (issue 12), pages and JSON API.
fn directory_routes() -> Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use retrace_app::library::MAX_DOCUMENT_BYTES;
    Router::new()
        .route("/directory", get(directory::search).post(directory::create))
        .route("/directory/new", get(directory::new_form))
        .route(
            "/directory/{id}",
            get(directory::show).post(directory::update),
        )
        .route("/directory/{id}/edit", get(directory::edit_form))
        .route("/countries", get(directory::countries))
        .route(
            "/countries/{code}",
            get(directory::country).post(directory::country_revise),
        )
        .route("/countries/{code}/edit", get(directory::country_edit_form))
        .route(
            "/library",
            get(library::search)
                .post(library::upload)
                .layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024)),
        )
        .route("/library/new", get(library::new_form))
        .route("/library/{id}", get(library::show))
        .route("/library/{id}/file", get(library::file))
        .route(
            "/api/v1/directory",
            get(directory::api_search).post(directory::api_create),
        )
        .route(
            "/api/v1/directory/{id}",
            get(directory::api_show).post(directory::api_update),
        )
        .route("/api/v1/countries", get(directory::api_countries))
        .route(
            "/api/v1/countries/{code}",
            get(directory::api_country).post(directory::api_revise),
        )
        .route(
            "/api/v1/library",
            get(library::api_search)
                .post(library::api_upload)
                .layer(DefaultBodyLimit::max(
                    MAX_DOCUMENT_BYTES / 3 * 4 + 64 * 1024,
                )),
        )
        .route("/api/v1/library/{id}", get(library::api_show))
        .route("/api/v1/library/{id}/file", get(library::file))
}

/// Outreach: pages, the phone's sync, the installable app's files and
/// the JSON API.
/// The smart-practices database: members' pages, the public's pages and
/// form, and the JSON API.
fn practice_routes() -> Router<AppState> {
    Router::new()
        .route("/practices", get(practices::list).post(practices::submit))
        .route("/practices/new", get(practices::new_form))
        .route("/practices/{id}", get(practices::show))
        .route("/practices/{id}/reviews", post(practices::review))
        .route("/practices/{id}/publish", post(practices::publish))
        .route("/practices/{id}/moderation", post(practices::moderate))
        .route(
            "/public/practices",
            get(practices::public_list).post(practices::public_submit),
        )
        .route("/public/practices/new", get(practices::public_new))
        .route("/public/practices/thanks", get(practices::public_thanks))
        .route("/public/practices/{id}", get(practices::public_show))
        .route("/api/v1/practices", get(practices::api_list))
        .route("/api/v1/practices/{id}", get(practices::api_show))
}

/// Pledge indicators (issue 14, item 3): the organisation's report, its
/// entry form and PDF, a network's report, and the JSON API.
fn indicator_routes() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(indicators::show))
        .route("/indicators.pdf", get(indicators::pdf))
        .route("/indicators/offset", post(indicators::set_offset))
        .route(
            "/indicators/{year}/edit",
            get(indicators::edit).post(indicators::save),
        )
        .route("/networks/{id}/indicators", get(indicators::network))
        .route(
            "/networks/{id}/indicators.pdf",
            get(indicators::network_pdf),
        )
        .route("/api/v1/indicators", get(indicators::api_report))
        .route("/api/v1/indicators/{year}", put(indicators::api_enter))
        .route(
            "/api/v1/networks/{id}/indicators",
            get(indicators::api_network),
        )
}

fn network_routes() -> Router<AppState> {
    Router::new()
        .route("/networks", get(networks::list))
        .route(
            "/networks/follows",
            get(networks::follows).post(networks::set_follow),
        )
        .route("/networks/{id}", get(networks::show))
        .route("/networks/{id}/posts", post(networks::create_post))
        .route("/networks/{id}/members", post(networks::set_member))
        .route("/network-posts/{id}", get(networks::show_post))
        .route(
            "/operator/networks",
            get(networks::operator_networks).post(networks::operator_create),
        )
        .route("/api/v1/networks", get(networks::api_list))
        .route("/api/v1/networks/{id}", get(networks::api_show))
        .route(
            "/api/v1/networks/{id}/posts",
            get(networks::api_posts).post(networks::api_create_post),
        )
        .route("/api/v1/network-posts/{id}", get(networks::api_post))
        .route(
            "/api/v1/network-follows",
            get(networks::api_follows).post(networks::api_set_follow),
        )
        .route("/api/v1/network-digest", get(networks::api_digest))
}

fn outreach_routes() -> Router<AppState> {
    Router::new()
        .route("/outreach", get(outreach::dashboard))
        .route("/outreach/dashboard.csv", get(outreach::export_csv))
        .route("/outreach/dashboard.xlsx", get(outreach::export_xlsx))
        .route("/outreach/country", get(outreach::country))
        .route(
            "/outreach/sessions",
            get(outreach::sessions).post(outreach::create),
        )
        .route("/outreach/sessions/new", get(outreach::new_form))
        .route("/outreach/sessions/{id}", get(outreach::show))
        .route("/outreach/conflicts/{id}", get(outreach::conflict))
        .route("/outreach/conflicts/{id}/resolve", post(outreach::resolve))
        .route("/outreach/follow-ups", get(outreach::follow_ups))
        .route(
            "/outreach/follow-ups/{id}/outcome",
            post(outreach::set_outcome),
        )
        .route("/outreach/topics", post(outreach::add_topic))
        .route("/outreach/sync", post(outreach::sync))
        .route("/outreach/device-key", get(outreach::device_key))
        .route("/outreach/sw.js", get(outreach::service_worker))
        .route("/outreach/manifest.webmanifest", get(outreach::manifest))
        .route("/static/outreach.js", get(outreach::script))
        .route("/static/outreach.css", get(outreach::stylesheet))
        .route("/static/outreach-icon.svg", get(outreach::icon))
        .route("/api/v1/outreach/sync", post(outreach::api_sync))
        .route("/api/v1/outreach/sessions", post(outreach::api_record))
        .route("/api/v1/outreach/sessions/{id}", get(outreach::api_session))
        .route("/api/v1/outreach/dashboard", get(outreach::api_dashboard))
}

async fn not_found() -> WebError {
    WebError::NotFound
}

async fn method_not_allowed() -> WebError {
    WebError::MethodNotAllowed
}

/// Turns every `WebError` into what the client asked for: JSON under
/// `/api/`, a redirect to sign in (pages, anonymous), or an HTML page.
async fn render_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let is_get = request.method() == Method::GET;
    let wanted = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let (parts, body) = request.into_parts();
    let page_parts = {
        let mut copy = axum::http::Request::new(());
        *copy.uri_mut() = parts.uri.clone();
        *copy.headers_mut() = parts.headers.clone();
        copy.extensions_mut().extend(parts.extensions.clone());
        copy.into_parts().0
    };
    let response = next.run(Request::from_parts(parts, body)).await;
    let Some(report) = response.extensions().get::<ErrorReport>().cloned() else {
        return response;
    };
    let status = response.status();
    if status == StatusCode::NOT_FOUND
        && let Some(identity) = response.extensions().get::<crate::identity::Identity>()
    {
        crate::probe::note_not_found(&state, identity, page_parts.uri.path()).await;
    }
    let mut page_parts = page_parts;
    if let Some(identity) = response.extensions().get::<crate::identity::Identity>() {
        page_parts.extensions.insert(identity.clone());
    }
    if let Some(token) = response.extensions().get::<crate::csrf::CsrfToken>() {
        page_parts.extensions.insert(token.clone());
    }
    if is_api {
        let mut json = (
            status,
            Json(match &report.field {
                Some(field) if report.errors.len() > 1 => serde_json::json!({
                    "code": report.code,
                    "message": report.message,
                    "field": field,
                    "errors": report.errors.iter().map(|error| serde_json::json!({
                        "field": error.field,
                        "message": error.problem.to_string(),
                    })).collect::<Vec<_>>(),
                }),
                Some(field) => serde_json::json!({ "code": report.code, "message": report.message, "field": field }),
                None => serde_json::json!({ "code": report.code, "message": report.message }),
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            json.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        return json;
    }
    match report.pending_enrol {
        Some(true) => return Redirect::to("/account/second-factor").into_response(),
        Some(false) => return Redirect::to("/sign-in/second-factor").into_response(),
        None => {}
    }
    if report.code == "unauthenticated" {
        let target = if is_get && wanted != "/" {
            format!(
                "/sign-in?next={}",
                retrace_app::percent_encode(&wanted, b"/")
            )
        } else {
            "/sign-in".to_owned()
        };
        return Redirect::to(&target).into_response();
    }
    let page = match Page::from_request_parts(&mut page_parts, &state).await {
        Ok(page) => page,
        Err(_) => fallback_page(&page_parts),
    };
    let lang = page.lang;
    let title_key = match status {
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::FORBIDDEN if report.code == "csrf" => "error-csrf",
        StatusCode::FORBIDDEN => "error-forbidden",
        StatusCode::TOO_MANY_REQUESTS => "error-rate-limited",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => "error-invalid",
        StatusCode::INTERNAL_SERVER_ERROR => "error-internal",
        _ => "error-generic",
    };
    // Input errors in the page's language, each field by its label: never
    // a field code or an English rule.
    let message = match report.code {
        "invalid" | "conflict" if !report.errors.is_empty() => report
            .errors
            .iter()
            .map(|error| {
                format!(
                    "{}: {}",
                    crate::forms::field_label(&page, &error.field, None),
                    lang.problem(&error.problem)
                )
            })
            .collect::<Vec<_>>()
            .join(" · "),
        "invalid" | "conflict" | "internal" => report.message.clone(),
        _ => lang.t(&format!("{title_key}-text")),
    };
    let html = render(&ErrorPage {
        page: &page,
        title: lang.t(title_key),
        message,
    });
    match html {
        Ok(html) => (status, html).into_response(),
        Err(_) => (status, report.message).into_response(),
    }
}

fn fallback_page(parts: &axum::http::request::Parts) -> Page {
    Page {
        lang: Lang::from_headers(&parts.headers),
        csrf: String::new(),
        here: "/".to_owned(),
        user: None,
        nav: Vec::new(),
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}
