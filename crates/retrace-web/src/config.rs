use crate::SecretKey;
use std::time::Duration;

/// What the web layer needs to know about its deployment. Built by the CLI
/// from the settings file, environment and flags.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Seals second-factor secrets and signs enrolment forms. Kept outside
    /// the database, so a copy of the database alone reveals neither.
    pub secret_key: SecretKey,
    /// Mark cookies `Secure` (and use the `__Host-` prefix). Off only for
    /// plain-HTTP development on loopback.
    pub secure_cookies: bool,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Sign-in attempts one client address may make per window.
    pub sign_in_attempts_per_client: u32,
    pub sign_in_window: Duration,
    /// Consecutive failures after which an account is locked, with a
    /// lockout that doubles with each further failure.
    pub lockout_threshold: u32,
    /// Shown in authenticator apps next to the account.
    pub totp_issuer: String,
}

impl WebConfig {
    pub fn new(secret_key: SecretKey) -> Self {
        Self {
            secret_key,
            secure_cookies: true,
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            sign_in_attempts_per_client: 30,
            sign_in_window: Duration::from_secs(5 * 60),
            lockout_threshold: 5,
            totp_issuer: "retrace".to_owned(),
        }
    }
}
