//! The web face of retrace: server-rendered pages for staff, the JSON API,
//! authentication, and the security rules every response obeys.
//!
//! Key design decision: the rules are layers, not habits. CSRF checking,
//! identity resolution, security headers and error rendering are middleware
//! applied to the whole router, so a new route gets them without asking.
//! Handlers state what they need through extractors (`Member`, `Operator`,
//! `Page`), and every error goes through one enum rendered as an HTML page
//! or, under `/api/`, as JSON `{code, message}`; internal causes are logged,
//! never shown. This is the only crate that knows HTTP.

mod auth;
mod config;
mod csrf;
mod error;
mod i18n;
mod identity;
mod metrics;
mod openapi;
mod page;
mod ratelimit;
mod routes;
mod secrets;
mod security;
mod state;
mod templates;

pub use auth::password::{PasswordHashError, hash_password, verify_password};
pub use auth::totp::current_code as totp_code;
pub use config::WebConfig;
pub use routes::router;
pub use secrets::SecretKey;
pub use state::AppState;
