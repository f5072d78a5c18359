//! The web face of retrace: server-rendered pages for staff, the JSON API,
//! authentication, and the security rules every response obeys.
//!
//! Key design decision: the rules are layers, not habits. CSRF checking,
//! identity resolution, security headers and error rendering are middleware
//! applied to the whole router, so a new route gets them without asking.
//! Handlers state what they need through extractors (`Member`, `Operator`,
//! `Page`), and every error goes through one enum rendered as an HTML page
//! or, under `/api/`, as JSON `{code, message}`; internal causes are logged,
//! never shown. This is the only crate that knows HTTP; what an action
//! does and who may do it is decided by `retrace-app`, which both the
//! pages and the JSON API call.

mod api_scopes;
mod client_addr;
mod config;
mod csrf;
pub mod digest_mail;
mod error;
mod extract;
mod form_errors;
mod form_values;
mod forms;
mod gallery;
mod i18n;
#[cfg(test)]
mod i18n_completeness;
mod identity;
mod indicator_views;
mod metrics;
mod network_views;
mod openapi;
mod outreach_views;
mod page;
mod pdf;
mod practice_views;
mod privacy_views;
mod probe;
mod ratelimit;
mod referral_pdf;
mod referral_templates;
mod routes;
mod security;
mod state;
mod templates;

pub use client_addr::IpNet;
pub use config::WebConfig;
pub use metrics::MetricsToken;
pub use retrace_app::secrets::SecretKey;
pub use retrace_app::totp::current_code as totp_code;
#[doc(hidden)]
pub use routes::fuzzing;
pub use routes::router;
pub use state::AppState;

/// Serves the application on `listener` until `shutdown` completes, with
/// each connection's peer address available to the per-client limits.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Every API operation the router declares, as `(METHOD, path)`: the table
/// the scope check and the OpenAPI document read (`api_scopes::API_ROUTES`),
/// for the contract tests.
pub fn api_route_table() -> Vec<(&'static str, &'static str)> {
    api_scopes::API_ROUTES
        .iter()
        .map(|route| (route.method, route.path))
        .collect()
}
