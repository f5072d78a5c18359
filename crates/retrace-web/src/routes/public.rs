//! Routes without sign-in: health, metrics, the stylesheet, the language choice.

use crate::AppState;
use crate::extract::FormFields;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::security::{CookieSpec, local_path, set_cookie};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

pub async fn healthz(State(state): State<AppState>) -> Response {
    // Candidate lists left by the last run are recomputed while the
    // server answers: "recovering" until they are all done.
    let candidates = if state.app.recovering_candidates() {
        "recovering"
    } else {
        "ok"
    };
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ok", "database": "ok", "candidates": candidates })),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

pub async fn metrics(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, crate::error::WebError> {
    if !crate::metrics::scraper_allowed(state.config.metrics_token.as_ref(), &headers) {
        return Err(crate::error::WebError::NotFound);
    }
    let database_up = state.store.ping().await.is_ok();
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(database_up),
    )
        .into_response())
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// Moves the focus to a form's error summary (`form_errors`).
pub async fn form_errors_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/form-errors.js"),
    )
        .into_response()
}

/// Folds the header behind a menu button on narrow screens.
pub async fn menu_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/menu.js"),
    )
        .into_response()
}

/// Nothing here is for search engines: staff pages need a session, and the
/// public gallery must not become searchable (the pages say `noindex` too).
pub async fn robots() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        "User-agent: *\nDisallow: /\n",
    )
        .into_response()
}

pub async fn set_language(State(state): State<AppState>, form: FormFields) -> Response {
    let lang = form.get("lang").and_then(Lang::parse).unwrap_or(Lang::En);
    let back = form
        .get("back")
        .and_then(local_path)
        .unwrap_or("/")
        .to_owned();
    let mut response = Redirect::to(&back).into_response();
    set_cookie(
        response.headers_mut(),
        CookieSpec {
            name: LANG_COOKIE,
            value: lang.code(),
            max_age_seconds: Some(365 * 24 * 3600),
            http_only: true,
            secure: state.config.secure_cookies,
        },
    );
    response
}
