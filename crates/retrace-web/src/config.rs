use crate::SecretKey;
use std::path::PathBuf;
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
    /// lockout that doubles with each further failure, capped (see
    /// `retrace_app::accounts::lockout_until`); failures while locked are not counted.
    pub lockout_threshold: u32,
    /// Shown in authenticator apps next to the account.
    pub totp_issuer: String,
    // Trace the Face
    /// Where gallery photos and thumbnails are stored (files 0600). The CLI
    /// sets `<data_dir>/media`.
    pub media_dir: PathBuf,
    /// The address people reach retrace at: poster QR codes point there.
    pub public_url: String,
    /// Public gallery pages one client may load per window.
    pub gallery_pages_per_client: u32,
    /// Gallery images one client may load per window.
    pub gallery_images_per_client: u32,
    /// "I have information" reports one client may send per window.
    pub gallery_reports_per_client: u32,
    pub gallery_window: Duration,
    /// A report form submitted sooner than this after it was served is
    /// taken for a bot; one older than `report_form_lifetime` has expired.
    pub report_min_delay: Duration,
    pub report_form_lifetime: Duration,
    /// The bearer token `/metrics` requires; `None` hides `/metrics` (404).
    pub metrics_token: Option<crate::MetricsToken>,
    /// Proxies whose `X-Forwarded-For` names the client (see `client_addr`).
    /// Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<crate::IpNet>,
    /// Failed sign-ins (any account) one client may make per
    /// `sign_in_failure_window` before it is refused: stops one client from
    /// spraying guesses across many accounts without locking any of them.
    pub sign_in_failures_per_client: u32,
    pub sign_in_failure_window: Duration,
    /// Count the per-client rate limits in the database, shared by every
    /// server process on it (several servers on one PostgreSQL database,
    /// `docs/adr/0019-several-servers-one-database.md`); in memory when
    /// false.
    pub shared_rate_limits: bool,
    /// The platform operator's retention limits (issue 16).
    pub retention: retrace_app::retention::RetentionRules,
    /// An SMTP relay is configured and this server sends e-mail digests;
    /// when false the preference page says digests are not enabled.
    pub digest_enabled: bool,
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
            media_dir: PathBuf::from("data/media"),
            public_url: "http://127.0.0.1:8080".to_owned(),
            gallery_pages_per_client: 120,
            gallery_images_per_client: 600,
            gallery_reports_per_client: 5,
            gallery_window: Duration::from_secs(60),
            report_min_delay: Duration::from_secs(3),
            report_form_lifetime: Duration::from_secs(2 * 60 * 60),
            metrics_token: None,
            trusted_proxies: Vec::new(),
            sign_in_failures_per_client: 10,
            sign_in_failure_window: Duration::from_secs(15 * 60),
            shared_rate_limits: false,
            retention: retrace_app::retention::RetentionRules::default(),
            digest_enabled: false,
        }
    }
}
