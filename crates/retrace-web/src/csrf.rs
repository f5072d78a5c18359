//! CSRF protection for every state-changing request outside `/api/`
//! (the API authenticates with bearer tokens, which a browser never sends on
//! its own). Each form repeats a token in the `csrf_token` field (or a
//! script in the `X-CSRF-Token` header). Applied as middleware so no route
//! can forget it.
//!
//! With a session cookie the token is bound to the session: an HMAC of the
//! session token's hash under the server key, so a token from another
//! session (or planted as a cookie) is worth nothing, and a new session (at
//! sign-in, after the second factor) means a new token. Without one (the
//! sign-in form, the public gallery's report form) it is double-submit: a
//! random token in an HttpOnly, SameSite=Strict cookie. The cookie always
//! carries the current token; a new one is issued whenever the response
//! starts or ends a session.

use crate::AppState;
use crate::error::WebError;
use crate::identity::session_cookie_name;
use crate::security::{CookieSpec, cookie, cookie_name, set_cookie};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use retrace_app::random_token;
use retrace_app::secrets::sha256_hex;
use subtle::ConstantTimeEq;

pub const CSRF_FIELD: &str = "csrf_token";
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The token the current page's forms must carry.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let name = cookie_name("retrace_csrf", state.config.secure_cookies);
    let session_name = session_cookie_name(&state);
    let in_cookie = cookie(request.headers(), &name).filter(|token| token.len() >= 32);
    let session_bound = cookie(request.headers(), &session_name)
        .filter(|secret| !secret.is_empty())
        .map(|secret| bound_token(&state, &secret));
    // What a submitted token must equal: the session's own token, or (no
    // session yet) the double-submit cookie.
    let existing = session_bound.clone().or_else(|| in_cookie.clone());
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
        // Uploads (Trace the Face photos) are not buffered here: the token
        // is the body's first part (the form's first field), read alone
        // and handed on with the rest of the stream; the route sets its
        // own body limit. A token in the query string is refused: it would
        // sit in the address bar, the history and the server logs.
        let from_header = request
            .headers()
            .get("x-csrf-token")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let boundary = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(multipart_boundary);
        let (parts, body) = request.into_parts();
        let (from_body, body) = match (&from_header, boundary) {
            (None, Some(boundary)) => first_part_token(body, &boundary).await,
            _ => (None, body),
        };
        let request = Request::from_parts(parts, body);
        let submitted = from_header.or(from_body);
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
    // A response that starts a session gets that session's token; one that
    // ends it gets a fresh random one.
    let token = match session_change(response.headers(), &session_name) {
        Some(Some(secret)) => bound_token(&state, &secret),
        Some(None) => random_token(32),
        None => token,
    };
    response.extensions_mut().insert(CsrfToken(token.clone()));
    if in_cookie.as_deref() != Some(token.as_str()) {
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

/// The token of the session whose cookie holds `secret`.
fn bound_token(state: &AppState, secret: &str) -> String {
    state
        .app
        .sealer()
        .mac(&format!("csrf-session:{}", sha256_hex(secret)))
}

/// Whether the response sets the session cookie: `Some(Some(secret))` for a
/// new session, `Some(None)` when it clears the cookie (sign-out).
fn session_change(headers: &HeaderMap, session_name: &str) -> Option<Option<String>> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .rev()
        .filter_map(|value| value.to_str().ok())
        .find_map(|text| {
            let pair = text.split(';').next()?;
            let (key, value) = pair.trim().split_once('=')?;
            (key == session_name).then(|| {
                let cleared = value.is_empty() || text.contains("Max-Age=0");
                (!cleared).then(|| value.to_owned())
            })
        })
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|parameter| {
        let (key, value) = parameter.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|boundary| !boundary.is_empty())
    })
}

/// The most read of a multipart body to find its first part.
const FIRST_PART_BYTES: usize = 4096;

/// The value of the body's first part when it is the CSRF field, and the
/// body to hand on: the bytes read (at most `FIRST_PART_BYTES` and a
/// chunk), then the rest of the stream, never buffered.
async fn first_part_token(body: Body, boundary: &str) -> (Option<String>, Body) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut read: Vec<u8> = Vec::new();
    let mut failed = None;
    let mut token = None;
    while read.len() < FIRST_PART_BYTES {
        match StreamExt::next(&mut stream).await {
            Some(Ok(chunk)) => read.extend_from_slice(&chunk),
            Some(Err(error)) => {
                failed = Some(error);
                break;
            }
            None => break,
        }
        if let Some(found) = first_part_value(&read, boundary) {
            token = found;
            break;
        }
    }
    let head = futures_util::stream::iter(
        std::iter::once(Ok(axum::body::Bytes::from(read)))
            .chain(failed.map(Err))
            .collect::<Vec<Result<axum::body::Bytes, axum::Error>>>(),
    );
    (token, Body::from_stream(head.chain(stream)))
}

/// `Some(value)` when `read` holds the whole first part and it is the
/// CSRF field, `Some(None)` when it holds the first part's headers and it
/// is another field, `None` when more must be read.
fn first_part_value(read: &[u8], boundary: &str) -> Option<Option<String>> {
    let opening = format!("--{boundary}\r\n");
    let rest = read.strip_prefix(opening.as_bytes())?;
    let headers_end = find(rest, b"\r\n\r\n")?;
    let headers = String::from_utf8_lossy(&rest[..headers_end]).to_ascii_lowercase();
    let named = format!("name=\"{CSRF_FIELD}\"");
    if !headers.contains(&named) || headers.contains("filename=") {
        return Some(None);
    }
    let value = &rest[headers_end + 4..];
    let closing = format!("\r\n--{boundary}");
    let end = find(value, closing.as_bytes())?;
    Some(std::str::from_utf8(&value[..end]).ok().map(str::to_owned))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn form_urlencoded_field(body: &[u8], field: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == field)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_the_first_part_alone() {
        let boundary = "b7";
        let body = "--b7\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--b7\r\nContent-Disposition: form-data; name=\"photo\"";
        assert_eq!(
            first_part_value(body.as_bytes(), boundary),
            Some(Some("abc123".to_owned()))
        );
        // Not read yet: more is needed.
        assert_eq!(first_part_value(&body.as_bytes()[..60], boundary), None);
        // Another field first: no token in the body.
        let other = "--b7\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\nx\r\n--b7";
        assert_eq!(first_part_value(other.as_bytes(), boundary), Some(None));
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=\"b7\""),
            Some("b7".to_owned())
        );
    }
}
