//! Sending mail through the configured SMTP relay, with `lettre` over
//! tokio and rustls (no system TLS library). The relay's URL may hold
//! credentials: it is only ever handed to `lettre`, never logged or shown;
//! errors are reduced to [`MailError`], without the relay's own words
//! (which may repeat the recipient's address). See
//! `docs/adr/0029-email-digest.md`.

use crate::digest::{Mail, MailError, Mailer};
use async_trait::async_trait;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use retrace_domain::Email;
use std::time::Duration;

/// How long one conversation with the relay may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The relay and the sender's address.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why the relay's settings were refused. Never holds the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpSettingsError {
    #[error(
        "expected smtp://host[:port] (plain, or STARTTLS with ?tls=required), or smtps://host[:port]"
    )]
    Url,
    #[error("expected an address such as retrace@example.org or \"retrace <retrace@example.org>\"")]
    From,
}

impl SmtpMailer {
    /// `url`: `smtp://[user[:password]@]host[:port]` (`?tls=required` for
    /// STARTTLS, `?tls=opportunistic`), or `smtps://…` (TLS from the first
    /// byte). `password`, when given, replaces one in the URL, so that it
    /// can come from its own environment variable.
    pub fn new(url: &str, password: Option<&str>, from: &str) -> Result<Self, SmtpSettingsError> {
        let url = url.trim();
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err(SmtpSettingsError::Url);
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| SmtpSettingsError::Url)?
            .timeout(Some(SMTP_TIMEOUT));
        if let Some(password) = password.filter(|p| !p.is_empty()) {
            let user = url_user(url).ok_or(SmtpSettingsError::Url)?;
            builder = builder.credentials(Credentials::new(user, password.to_owned()));
        }
        let from = from
            .trim()
            .parse::<Mailbox>()
            .map_err(|_| SmtpSettingsError::From)?;
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

/// The user name of `scheme://user[:password]@host…`, decoded.
fn url_user(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let (credentials, _) = rest.split_once('@')?;
    let user = credentials.split(':').next()?;
    if user.is_empty() {
        return None;
    }
    percent_decode(user)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn message(from: &Mailbox, to: &Email, mail: &Mail) -> Result<Message, MailError> {
    let to = to
        .as_str()
        .parse::<Mailbox>()
        .map_err(|_| MailError::Message("recipient address"))?;
    let language = HeaderName::new_from_ascii("Content-Language".to_owned())
        .map_err(|_| MailError::Message("header"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .raw_header(HeaderValue::new(language, mail.language.to_owned()))
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|_| MailError::Message("message"))
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, to: &Email, mail: &Mail) -> Result<(), MailError> {
        let message = message(&self.from, to, mail)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(error) => Err(match error.status() {
                Some(code) => MailError::Refused {
                    code: code.to_string(),
                },
                None => MailError::Unreachable,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_without_repeating_them() {
        assert!(SmtpMailer::new("smtp://127.0.0.1:2525", None, "retrace@example.org").is_ok());
        assert!(
            SmtpMailer::new(
                "smtps://mailer:s3cret@relay.example.org",
                None,
                "retrace <retrace@example.org>"
            )
            .is_ok()
        );
        assert!(
            SmtpMailer::new(
                "smtp://relay.example.org:587?tls=required",
                None,
                "a@b.example"
            )
            .is_ok()
        );
        let err = SmtpMailer::new("http://mailer:s3cret@relay", None, "a@b.example")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!err.contains("s3cret") && !err.is_empty(), "{err}");
        assert_eq!(
            SmtpMailer::new("smtp://relay.example.org", None, "not an address").err(),
            Some(SmtpSettingsError::From)
        );
        // A separate password needs a user in the URL.
        assert_eq!(
            SmtpMailer::new("smtp://relay.example.org", Some("pw"), "a@b.example").err(),
            Some(SmtpSettingsError::Url)
        );
        assert_eq!(
            url_user("smtp://mail%40er:x@relay").as_deref(),
            Some("mail@er")
        );
    }
}
