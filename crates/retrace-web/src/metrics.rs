//! Request counters and latency histograms in the Prometheus text format.
//! Labels are route templates (`/org/users/{id}`), never concrete paths, so
//! no identifier reaches the metrics.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, ([u64; BUCKETS.len()], u64, f64)>>,
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

pub async fn record(
    State(state): State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
