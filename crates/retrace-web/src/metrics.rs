//! Request counters and latency histograms in the Prometheus text format.
//! Labels are route templates (`/org/users/{id}`), never concrete paths, so
//! no identifier reaches the metrics, and methods outside a fixed list are
//! counted as `OTHER`: nothing a client sends can add a label set, so the
//! series stay bounded by the router's routes.
//!
//! `/metrics` is served only to a scraper that sends the bearer token of
//! the `metrics_token` setting; without that setting, or without the right
//! token, it answers exactly as an unknown page does (ADR 0008).

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// Per-bucket counts, total count and sum of seconds for one route.
type Histogram = ([u64; BUCKETS.len()], u64, f64);

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests
                .entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let (buckets, count, sum) =
                latency
                    .entry(route.to_owned())
                    .or_insert(([0; BUCKETS.len()], 0, 0.0));
            for (bucket, bound) in buckets.iter_mut().zip(BUCKETS) {
                if seconds <= bound {
                    *bucket += 1;
                }
            }
            *count += 1;
            *sum += seconds;
        }
    }

    pub fn render(&self, database_up: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP retrace_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE retrace_http_requests_total counter");
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), count) in requests.iter() {
                let _ = writeln!(
                    out,
                    "retrace_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                    escape(route)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP retrace_http_request_duration_seconds Request latency by route."
        );
        let _ = writeln!(
            out,
            "# TYPE retrace_http_request_duration_seconds histogram"
        );
        if let Ok(latency) = self.latency.lock() {
            for (route, (buckets, count, sum)) in latency.iter() {
                let route = escape(route);
                for (bucket, bound) in buckets.iter().zip(BUCKETS) {
                    let _ = writeln!(
                        out,
                        "retrace_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {bucket}"
                    );
                }
                let _ = writeln!(
                    out,
                    "retrace_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
                );
                let _ = writeln!(
                    out,
                    "retrace_http_request_duration_seconds_sum{{route=\"{route}\"}} {sum}"
                );
                let _ = writeln!(
                    out,
                    "retrace_http_request_duration_seconds_count{{route=\"{route}\"}} {count}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP retrace_database_up Whether the database answered the last check."
        );
        let _ = writeln!(out, "# TYPE retrace_database_up gauge");
        let _ = writeln!(out, "retrace_database_up {}", u8::from(database_up));
        out
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The method as a label: one of the methods the router serves, else `OTHER`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The route as a label: the matched route template, never the raw path.
fn route_label(request: &Request) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned())
}

/// Whether the request carries the configured metrics token. Compared in
/// constant time so the token cannot be guessed a character at a time.
pub fn scraper_allowed(token: Option<&MetricsToken>, headers: &HeaderMap) -> bool {
    let Some(token) = token else {
        return false;
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    given.is_some_and(|given| token.matches(given))
}

/// The bearer token a metrics scraper must present. `Debug` never prints it.
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    fn matches(&self, given: &str) -> bool {
        use sha2::Digest;
        use subtle::ConstantTimeEq;
        let expected = sha2::Sha256::digest(self.0.as_bytes());
        let given = sha2::Sha256::digest(given.as_bytes());
        bool::from(expected.as_slice().ct_eq(given.as_slice()))
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken([redacted])")
    }
}

pub async fn record(
    State(state): State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = route_label(&request);
    let response = next.run(request).await;
    state.metrics.observe(
        method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_methods_become_labels() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::POST), "POST");
        for odd in ["FOOBAR", "BREW", "PROPFIND", "get"] {
            let method = Method::from_bytes(odd.as_bytes()).unwrap_or(Method::CONNECT);
            assert_eq!(method_label(&method), "OTHER", "{odd}");
        }
        assert_eq!(method_label(&Method::CONNECT), "OTHER");
        assert_eq!(method_label(&Method::TRACE), "OTHER");
    }

    #[test]
    fn the_scraper_needs_the_exact_token() {
        let token = MetricsToken::new("a-long-enough-metrics-token-0123456789");
        let mut headers = HeaderMap::new();
        assert!(!scraper_allowed(Some(&token), &headers));
        assert!(!scraper_allowed(None, &headers));
        headers.insert(
            header::AUTHORIZATION,
            "Bearer a-long-enough-metrics-token-0123456789"
                .parse()
                .unwrap(),
        );
        assert!(scraper_allowed(Some(&token), &headers));
        assert!(!scraper_allowed(None, &headers));
        assert!(!scraper_allowed(
            Some(&MetricsToken::new("other")),
            &headers
        ));
        assert!(!format!("{token:?}").contains("0123"));
    }
}
