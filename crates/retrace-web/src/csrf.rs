//! CSRF protection for every state-changing request outside `/api/`
//! (the API authenticates with bearer tokens, which a browser never sends on
//! its own). Double-submit: a random token in an HttpOnly, SameSite=Strict
//! cookie, repeated by each form in the `csrf_token` field (or by a script in
//! the `X-CSRF-Token` header). Applied as middleware so no route can forget it.

use crate::AppState;
use crate::error::WebError;
use crate::security::{CookieSpec, cookie, cookie_name, set_cookie};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use retrace_app::random_token;
use subtle::ConstantTimeEq;

pub const CSRF_FIELD: &str = "csrf_token";
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The token the current page's forms must carry.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let name = cookie_name("retrace_csrf", state.config.secure_cookies);
    let existing = cookie(request.headers(), &name).filter(|token| token.len() >= 32);
    let token = existing.clone().unwrap_or_else(|| random_token(32));

    let state_changing = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let mut request = if state_changing && multipart && !request.uri().path().starts_with("/api/") {
        // Uploads (Trace the Face photos) are not buffered here: the form
        // repeats the token in its action's query string instead, and the
        // route sets its own body limit.
        let submitted = request
            .headers()
            .get("x-csrf-token")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
            .or_else(|| {
                request
                    .uri()
                    .query()
                    .and_then(|query| form_urlencoded_field(query.as_bytes(), CSRF_FIELD))
            });
        let valid = match (&existing, submitted) {
            (Some(expected), Some(given)) => {
                bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
            }
            _ => false,
        };
        if !valid {
            let mut response = WebError::Csrf.into_response();
            response.extensions_mut().insert(CsrfToken(token.clone()));
            return response;
        }
        request
    } else if state_changing && !request.uri().path().starts_with("/api/") {
        let (parts, body) = request.into_parts();
        let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => return WebError::PayloadTooLarge.into_response(),
        };
        let submitted = parts
            .headers
            .get("x-csrf-token")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
            .or_else(|| form_urlencoded_field(&bytes, CSRF_FIELD));
        let valid = match (&existing, submitted) {
            (Some(expected), Some(given)) => {
                bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
            }
            _ => false,
        };
        if !valid {
            let mut response = WebError::Csrf.into_response();
            response.extensions_mut().insert(CsrfToken(token.clone()));
            return response;
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        request
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    response.extensions_mut().insert(CsrfToken(token.clone()));
    if existing.is_none() {
        set_cookie(
            response.headers_mut(),
            CookieSpec {
                name: &name,
                value: &token,
                max_age_seconds: None,
                http_only: true,
                secure: state.config.secure_cookies,
            },
        );
    }
    response
}

fn form_urlencoded_field(body: &[u8], field: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == field)
        .map(|(_, value)| value)
}
