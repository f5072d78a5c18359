//! What a form sent back with errors must show (ADR 0021): the status, the
//! error summary that takes the focus, what the test expects of the page,
//! and none of the English, codes or status numbers it must not show.

use crate::harness::TestResponse;
use axum::http::StatusCode;

/// English a French page must never show, nor a status number.
pub const NOT_ON_A_FRENCH_PAGE: &[&str] = &["must ", "is required", "choose ", ">422<"];

/// `response` is the form again with `status`, its error summary taking
/// the focus; it contains each of `expected` and none of `absent`.
pub fn assert_form_page(
    response: &TestResponse,
    status: StatusCode,
    expected: &[&str],
    absent: &[&str],
) {
    assert_eq!(response.status, status, "{}", response.body);
    let summary = [
        r#"id="form-error" tabindex="-1""#,
        r#"<script src="/static/form-errors.js" defer></script>"#,
    ];
    for text in summary.iter().chain(expected) {
        assert!(response.body.contains(text), "{text}: {}", response.body);
    }
    for text in absent {
        assert!(!response.body.contains(text), "{text}: {}", response.body);
    }
}
