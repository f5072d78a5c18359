//! One typed settings struct, merged from (lowest first) built-in defaults,
//! a TOML file, `RETRACE_*` environment variables and command-line flags.
//! Any wrong value stops start-up with a message that names the key and
//! where the value came from.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Keys that may come from `RETRACE_*` variables. Listed so that variables
/// meant for other tools (`RETRACE_TEST_POSTGRES_URL`) are not taken for
/// settings, while every key of the file can still be overridden.
const ENV_KEYS: [&str; 16] = [
    "database_url",
    "listen",
    "data_dir",
    "public_url",
    "secret_key_file",
    "log_format",
    "session_idle_minutes",
    "session_absolute_hours",
    "sign_in_attempts_per_client",
    "media_dir",
    "gallery_requests_per_client",
    "metrics_token",
    "trusted_proxies",
    "smtp_url",
    "smtp_password",
    "smtp_from",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://path/to/file.db` (the embedded default) or
    /// `postgres://user:password@host/db`.
    pub database_url: DatabaseUrl,
    /// The address the web server binds.
    pub listen: SocketAddr,
    /// Where the SQLite database and the secret key live by default.
    pub data_dir: PathBuf,
    /// The address people reach retrace at, when it differs from `listen`
    /// (behind a TLS-terminating proxy). `https://` turns on secure cookies.
    pub public_url: Option<PublicUrl>,
    /// The key that seals second-factor secrets; created (mode 0600) when
    /// missing. Defaults to `<data_dir>/secret.key`.
    pub secret_key_file: Option<PathBuf>,
    pub log_format: LogFormat,
    pub session_idle_minutes: u32,
    pub session_absolute_hours: u32,
    pub sign_in_attempts_per_client: u32,
    /// Trace the Face photos and thumbnails (files 0600). Defaults to
    /// `<data_dir>/media`.
    pub media_dir: Option<PathBuf>,
    /// Public gallery pages one client may load per minute (images: five
    /// times as many). Raise it for benchmarks only.
    pub gallery_requests_per_client: u32,
    /// The bearer token a metrics scraper must send to read `/metrics`
    /// (at least 32 characters). Unset, `/metrics` answers 404.
    pub metrics_token: Option<MetricsToken>,
    /// Addresses or CIDR ranges of the reverse proxies in front of retrace.
    /// Only a request from one of them has its client read from
    /// `X-Forwarded-For`; empty (the default) trusts no header.
    pub trusted_proxies: Vec<String>,
    /// The platform operator's retention limits per kind of record
    /// (`closed_requests`, `gallery_reports`, `outreach_follow_ups`,
    /// `exports`), in days: `[retention.gallery_reports]` with `min_days`,
    /// `default_days`, `max_days`. Kinds not named keep the platform's.
    pub retention: std::collections::BTreeMap<String, RetentionLimitDays>,
    /// The SMTP relay e-mail digests are sent through:
    /// `smtp://[user[:password]@]host[:port]` (`?tls=required` for
    /// STARTTLS) or `smtps://…`. Unset (the default), no e-mail is ever
    /// sent. Never logged.
    pub smtp_url: Option<SmtpUrl>,
    /// The relay's password, when it is not in `smtp_url` (for
    /// `RETRACE_SMTP_PASSWORD`). Never logged.
    pub smtp_password: Option<SmtpPassword>,
    /// The sender of digests, e.g. `retrace <retrace@example.org>`;
    /// required with `smtp_url`.
    pub smtp_from: Option<String>,
}

/// One kind's retention limits in the settings file.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionLimitDays {
    pub min_days: u32,
    pub default_days: u32,
    pub max_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: DatabaseUrl("sqlite://data/retrace.db".to_owned()),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            public_url: None,
            secret_key_file: None,
            log_format: LogFormat::Text,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            sign_in_attempts_per_client: 30,
            media_dir: None,
            gallery_requests_per_client: 120,
            metrics_token: None,
            trusted_proxies: Vec::new(),
            retention: std::collections::BTreeMap::new(),
            smtp_url: None,
            smtp_password: None,
            smtp_from: None,
        }
    }
}

/// Values given on the command line; `None` leaves the lower layers alone.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_from: Option<String>,
}

impl Settings {
    /// Merges the layers. `config_file` is the file named by `--config`
    /// (which must exist); without it `retrace.toml` in the working
    /// directory is read when present.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) => {
                if !path.is_file() {
                    bail!(
                        "config: the settings file {} does not exist",
                        path.display()
                    );
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None if Path::new("retrace.toml").is_file() => {
                figment = figment.merge(Toml::file_exact("retrace.toml"));
            }
            None => {}
        }
        let settings: Settings = figment
            .merge(Env::prefixed("RETRACE_").only(&ENV_KEYS))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|err| anyhow::anyhow!(describe_figment_error(err)))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.retention_rules()?;
        if self.session_idle_minutes == 0 {
            bail!("session_idle_minutes: must be at least 1");
        }
        if self.session_absolute_hours == 0 {
            bail!("session_absolute_hours: must be at least 1");
        }
        if u64::from(self.session_idle_minutes) > u64::from(self.session_absolute_hours) * 60 {
            bail!("session_idle_minutes: must not exceed session_absolute_hours");
        }
        if self.gallery_requests_per_client == 0 {
            bail!("gallery_requests_per_client: must be at least 1");
        }
        if self.sign_in_attempts_per_client == 0 {
            bail!("sign_in_attempts_per_client: must be at least 1");
        }
        self.trusted_proxies()?;
        self.mailer()?;
        let exposed = !self.listen.ip().is_loopback();
        let behind_tls = self.public_url.as_ref().is_some_and(PublicUrl::is_https);
        if exposed && !behind_tls {
            bail!(
                "listen: {} is reachable from other machines; serve it behind TLS and set \
                 public_url = \"https://…\" (sign-in cookies are never sent in clear text)",
                self.listen
            );
        }
        Ok(())
    }

    /// Secure cookies unless the whole deployment is plain HTTP on loopback.
    pub fn secure_cookies(&self) -> bool {
        match &self.public_url {
            Some(url) => url.is_https(),
            None => !self.listen.ip().is_loopback(),
        }
    }

    /// The parsed `trusted_proxies`.
    pub fn trusted_proxies(&self) -> anyhow::Result<Vec<retrace_web::IpNet>> {
        self.trusted_proxies
            .iter()
            .map(|value| {
                value
                    .parse()
                    .map_err(|err| anyhow::anyhow!("trusted_proxies: {err}"))
            })
            .collect()
    }

    /// The operator's retention limits, each checked
    /// (`1 <= min_days <= default_days <= max_days`).
    pub fn retention_rules(&self) -> anyhow::Result<retrace_app::retention::RetentionRules> {
        let mut rules = retrace_app::retention::RetentionRules::default();
        for (kind, limits) in &self.retention {
            let parsed = retrace_domain::RetentionKind::parse(kind)
                .map_err(|err| anyhow::anyhow!("retention.{kind}: {err}"))?;
            let checked = retrace_domain::RetentionLimits::new(
                limits.min_days,
                limits.default_days,
                limits.max_days,
            )
            .map_err(|err| anyhow::anyhow!("retention.{kind}: {err}"))?;
            rules = rules.with_limits(parsed, checked);
        }
        Ok(rules)
    }

    /// The SMTP relay digests are sent through, `None` without
    /// `smtp_url`. Errors name the key, never the URL or the password.
    pub fn mailer(&self) -> anyhow::Result<Option<retrace_app::mail::SmtpMailer>> {
        let Some(url) = &self.smtp_url else {
            if self.smtp_from.is_some() || self.smtp_password.is_some() {
                bail!(
                    "smtp_url: required by smtp_from and smtp_password (no e-mail is sent without it)"
                );
            }
            return Ok(None);
        };
        let Some(from) = &self.smtp_from else {
            bail!("smtp_from: required with smtp_url (the digests' sender address)");
        };
        let password = self.smtp_password.as_ref().map(|p| p.0.as_str());
        match retrace_app::mail::SmtpMailer::new(&url.0, password, from) {
            Ok(mailer) => Ok(Some(mailer)),
            Err(retrace_app::mail::SmtpSettingsError::From) => {
                bail!("smtp_from: {}", retrace_app::mail::SmtpSettingsError::From)
            }
            Err(err) => bail!("smtp_url: {err} (the value is not shown)"),
        }
    }

    pub fn media_dir(&self) -> PathBuf {
        self.media_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("media"))
    }

    /// The matching index snapshot (sealed with a key derived from the
    /// secret key): `<data_dir>/matching-index.snapshot`.
    pub fn matching_snapshot_path(&self) -> PathBuf {
        self.data_dir.join("matching-index.snapshot")
    }

    pub fn secret_key_path(&self) -> PathBuf {
        self.secret_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("secret.key"))
    }

    /// The address printed for people to open.
    pub fn browse_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.0.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }
}

/// Figment names the key and the source already; say it in one line.
fn describe_figment_error(err: figment::Error) -> String {
    err.into_iter()
        .map(|error| {
            let key = error.path.join(".");
            let source = error
                .metadata
                .as_ref()
                .map(|meta| {
                    let name = meta.name.to_string();
                    if name.contains("Overrides") {
                        " (from a command-line flag)".to_owned()
                    } else if name.contains("Settings") {
                        " (built-in default)".to_owned()
                    } else if name.contains("TOML") {
                        match &meta.source {
                            Some(source) => format!(" (from {source})"),
                            None => " (from the settings file)".to_owned(),
                        }
                    } else {
                        format!(" (from {name})")
                    }
                })
                .unwrap_or_default();
            if key.is_empty() {
                format!("settings: {}{source}", error.kind)
            } else {
                format!("{key}: {}{source}", error.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A database URL whose password never reaches a log or a `Debug` dump.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl DatabaseUrl {
    pub fn parse(value: &str) -> Result<Self, String> {
        let url = DatabaseUrl(value.trim().to_owned());
        url.kind()?;
        Ok(url)
    }

    pub fn kind(&self) -> Result<DatabaseKind, String> {
        if self.0.starts_with("sqlite:") {
            Ok(DatabaseKind::Sqlite)
        } else if self.0.starts_with("postgres://") || self.0.starts_with("postgresql://") {
            Ok(DatabaseKind::Postgres)
        } else {
            Err(format!(
                "expected sqlite://… or postgres://…, found {}",
                self.redacted()
            ))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return self.0.clone();
        };
        match rest.split_once('@') {
            Some((credentials, host)) => match credentials.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                None => self.0.clone(),
            },
            None => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for DatabaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        DatabaseUrl::parse(&value).map_err(serde::de::Error::custom)
    }
}

/// The token that opens `/metrics`: never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken(String);

/// Shorter tokens could be guessed by a patient scraper of the public site.
const METRICS_TOKEN_MIN_CHARS: usize = 32;

impl MetricsToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken([redacted])")
    }
}

impl Serialize for MetricsToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MetricsToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        let value = value.trim();
        let printable = value.chars().all(|c| c.is_ascii_graphic());
        if value.chars().count() < METRICS_TOKEN_MIN_CHARS || !printable {
            return Err(serde::de::Error::custom(format!(
                "expected at least {METRICS_TOKEN_MIN_CHARS} printable ASCII characters \
                 without spaces (the value is not shown)"
            )));
        }
        Ok(MetricsToken(value.to_owned()))
    }
}

/// The SMTP relay's URL, which may hold a password: `Debug` shows neither.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SmtpUrl(String);

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpUrl([redacted])")
    }
}

/// The SMTP relay's password: `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SmtpPassword(String);

impl fmt::Debug for SmtpPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpPassword([redacted])")
    }
}

/// The public address: `http://` or `https://` and a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicUrl(String);

impl PublicUrl {
    fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

impl<'de> Deserialize<'de> for PublicUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        let host = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"));
        match host {
            Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
                Ok(PublicUrl(value))
            }
            _ => Err(serde::de::Error::custom(format!(
                "expected http(s)://host, found {value:?}"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Reads the secret key (the file's first line; field keys may follow, see
/// `field_keys`), creating it (readable by the owner only) when the file
/// does not exist yet.
pub fn load_or_create_secret_key(path: &Path) -> anyhow::Result<retrace_web::SecretKey> {
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("secret_key_file: cannot read {}", path.display()))?;
        return crate::field_keys::secret_key(&text).with_context(|| {
            format!(
                "secret_key_file: the first line of {} does not hold 64 hexadecimal characters",
                path.display()
            )
        });
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::files::create_private_dir(parent)
            .with_context(|| format!("secret_key_file: cannot create {}", parent.display()))?;
    }
    let key = retrace_web::SecretKey::generate();
    crate::files::write_private(path, &key.to_hex())
        .with_context(|| format!("secret_key_file: cannot write {}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_debug_hides_the_password() {
        let url =
            DatabaseUrl::parse("postgres://retrace:hunter2hunter2@db.internal/retrace").unwrap();
        let shown = format!("{url:?} {url}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("retrace:***@db.internal"), "{shown}");
    }

    fn from_toml(text: &str) -> Result<Settings, String> {
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::string(text))
            .extract()
            .map_err(describe_figment_error)
    }

    #[test]
    fn metrics_token_is_read_and_never_shown() {
        let token = "scraper-token-abcdefghijklmnopqrstuvwxyz";
        let settings = from_toml(&format!("metrics_token = \"{token}\"")).unwrap();
        let shown = format!("{settings:?}");
        assert!(!shown.contains(token), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert_eq!(
            settings.metrics_token.as_ref().map(MetricsToken::expose),
            Some(token)
        );
        assert!(from_toml("").unwrap().metrics_token.is_none());
    }

    #[test]
    fn short_metrics_token_is_refused_without_showing_it() {
        let err = from_toml("metrics_token = \"hunter2\"").unwrap_err();
        assert!(err.starts_with("metrics_token:"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn retention_limits_are_read_and_checked() {
        use retrace_domain::RetentionKind;
        let settings = from_toml(
            "[retention.gallery_reports]\nmin_days = 7\ndefault_days = 30\nmax_days = 90\n",
        )
        .unwrap();
        let rules = settings.retention_rules().unwrap();
        let limits = rules.limits(RetentionKind::GalleryReports);
        assert_eq!(
            (limits.min_days, limits.default_days, limits.max_days),
            (7, 30, 90)
        );
        assert_eq!(
            rules.limits(RetentionKind::Exports),
            RetentionKind::Exports.platform_limits()
        );
        let inverted =
            from_toml("[retention.exports]\nmin_days = 40\ndefault_days = 30\nmax_days = 90\n")
                .unwrap();
        let err = inverted.retention_rules().unwrap_err().to_string();
        assert!(err.starts_with("retention.exports:"), "{err}");
        let unknown =
            from_toml("[retention.persons]\nmin_days = 1\ndefault_days = 2\nmax_days = 3\n")
                .unwrap();
        let err = unknown.retention_rules().unwrap_err().to_string();
        assert!(err.starts_with("retention.persons:"), "{err}");
    }

    #[test]
    fn trusted_proxies_are_parsed_and_checked() {
        let settings = from_toml("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]").unwrap();
        assert_eq!(settings.trusted_proxies().unwrap().len(), 2);
        let wrong = from_toml("trusted_proxies = [\"10.0.0.0/40\"]").unwrap();
        let err = wrong.validate().unwrap_err().to_string();
        assert!(err.starts_with("trusted_proxies:"), "{err}");
    }

    #[test]
    fn smtp_settings_are_checked_and_never_shown() {
        let settings = from_toml(
            "smtp_url = \"smtps://mailer:hunter2hunter2@relay.example.org\"\n\
             smtp_from = \"retrace <retrace@example.org>\"",
        )
        .unwrap();
        assert!(settings.mailer().unwrap().is_some());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(from_toml("").unwrap().mailer().unwrap().is_none());
        let no_from = from_toml("smtp_url = \"smtp://mailer:hunter2@relay\"").unwrap();
        let err = no_from.validate().unwrap_err().to_string();
        assert!(err.starts_with("smtp_from:"), "{err}");
        let wrong =
            from_toml("smtp_url = \"imap://mailer:hunter2@relay\"\nsmtp_from = \"a@b.example\"")
                .unwrap();
        let err = wrong.validate().unwrap_err().to_string();
        assert!(
            err.starts_with("smtp_url:") && !err.contains("hunter2"),
            "{err}"
        );
    }

    #[test]
    fn unknown_database_scheme_is_refused() {
        let err = DatabaseUrl::parse("mysql://x@y/z").unwrap_err();
        assert!(err.contains("sqlite://"), "{err}");
    }

    #[test]
    fn exposed_listen_without_tls_is_refused_naming_the_key() {
        let settings = Settings {
            listen: "0.0.0.0:8080".parse().unwrap(),
            ..Settings::default()
        };
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.starts_with("listen:"), "{err}");
    }

    #[test]
    fn loopback_http_uses_plain_cookies_and_https_public_url_secure_ones() {
        let mut settings = Settings::default();
        assert!(!settings.secure_cookies());
        settings.public_url = Some(PublicUrl("https://retrace.example.org".to_owned()));
        assert!(settings.secure_cookies());
    }
}
