//! One error type for every handler, rendered once: as an HTML page, as a
//! redirect to the sign-in page, or under `/api/` as JSON `{code, message}`.
//! Internal causes are logged with a reference and never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use retrace_app::AppError;
use retrace_domain::{FieldError, Problem};
use retrace_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    /// Signed in with a password, second factor still to give or to enrol.
    #[error("second factor required")]
    SecondFactorPending { enrol: bool },
    #[error("forbidden")]
    Forbidden,
    /// An API token used after its expiry.
    #[error("this API token has expired: create a new one on your account page")]
    TokenExpired,
    /// An API token without the scope the route declares.
    #[error("this API token lacks the `{0}` scope this route needs")]
    MissingScope(retrace_domain::ApiScope),
    /// Input errors, every one found (never empty).
    #[error("{}", describe(.0))]
    Invalid(Vec<FieldError>),
    #[error("{field}: {problem}")]
    Conflict { field: String, problem: Problem },
    #[error("the form has expired or did not come from this site")]
    Csrf,
    #[error("request too large")]
    PayloadTooLarge,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("too many requests: wait a minute and try again")]
    RateLimited,
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    pub fn invalid(field: impl Into<String>, problem: impl Into<Problem>) -> Self {
        Self::Invalid(vec![FieldError {
            field: field.into(),
            problem: problem.into(),
        }])
    }

    /// Each input error as (field, message in `lang`), for a form that
    /// shows them; `None` for errors that are not about the input.
    pub fn form_problems(&self, lang: crate::i18n::Lang) -> Option<Vec<(String, String)>> {
        match self {
            WebError::Invalid(errors) => Some(
                errors
                    .iter()
                    .map(|error| (error.field.clone(), lang.problem(&error.problem)))
                    .collect(),
            ),
            WebError::Conflict { field, problem } => {
                Some(vec![(field.clone(), lang.problem(problem))])
            }
            _ => None,
        }
    }

    /// The input errors on one line, "label: message · …", each field
    /// named by `label`; `None` for errors that are not about the input.
    pub fn form_line(
        &self,
        lang: crate::i18n::Lang,
        label: impl Fn(&str) -> String,
    ) -> Option<String> {
        let lines: Vec<String> = self
            .form_problems(lang)?
            .into_iter()
            .map(|(field, message)| format!("{}: {message}", label(&field)))
            .collect();
        Some(lines.join(" · "))
    }

    /// `form_line` with each field named by the locale key
    /// `{prefix}-field-{field}` (the JSON path's first part, `_` as `-`).
    pub fn form_line_named(&self, page: &crate::page::Page, prefix: &str) -> Option<String> {
        self.form_line(page.lang, |field| {
            let field = field
                .split('[')
                .next()
                .unwrap_or_default()
                .replace('_', "-");
            page.t(&format!("{prefix}-field-{field}"))
        })
    }

    /// The input errors of this error; none for the others.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            WebError::Invalid(errors) => errors,
            _ => &[],
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Unauthenticated
            | WebError::TokenExpired
            | WebError::SecondFactorPending { .. } => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::MissingScope(_) | WebError::Csrf => {
                StatusCode::FORBIDDEN
            }
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict { .. } => StatusCode::CONFLICT,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code of the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound => "not_found",
            WebError::Unauthenticated => "unauthenticated",
            WebError::SecondFactorPending { .. } => "second_factor_required",
            WebError::Forbidden => "forbidden",
            WebError::TokenExpired => "token_expired",
            WebError::MissingScope(_) => "insufficient_scope",
            WebError::Invalid(_) => "invalid",
            WebError::Conflict { .. } => "conflict",
            WebError::Csrf => "csrf",
            WebError::PayloadTooLarge => "payload_too_large",
            WebError::MethodNotAllowed => "method_not_allowed",
            WebError::RateLimited => "rate_limited",
            WebError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Conflict { field: "version" } => WebError::Conflict {
                field: "version".to_owned(),
                problem: Problem::RecordChanged,
            },
            StoreError::Conflict { field } => WebError::Conflict {
                field: field.to_owned(),
                problem: Problem::AlreadyInUse,
            },
            StoreError::Refused { field, problem } => WebError::invalid(field, problem),
            StoreError::PublicationRefused(refusal) => {
                WebError::invalid("consent", refusal.problem())
            }
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound => WebError::NotFound,
            AppError::Forbidden => WebError::Forbidden,
            AppError::Invalid { field, problem } => WebError::invalid(field, problem),
            AppError::InvalidMany(errors) => WebError::Invalid(errors),
            AppError::Required { field } => WebError::invalid(field, Problem::Required),
            AppError::Conflict { field, problem } => WebError::Conflict { field, problem },
            AppError::SignInRefused => WebError::Unauthenticated,
            AppError::WeakPassword(error) => WebError::invalid("new_password", error.problem()),
            AppError::Store(error) => error.into(),
            AppError::Internal(cause) => WebError::Internal(cause),
        }
    }
}

impl From<retrace_domain::InvalidValue> for WebError {
    fn from(error: retrace_domain::InvalidValue) -> Self {
        WebError::invalid(error.field, error.problem)
    }
}

/// What the rendering middleware needs to turn an error into a page or a
/// JSON body. The message is already safe to show.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
    /// The input errors (or the conflict), translated when the page is
    /// rendered.
    pub errors: Vec<FieldError>,
    pub pending_enrol: Option<bool>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (field, message) = match &self {
            WebError::Invalid(errors) => (
                errors.first().map(|error| error.field.clone()),
                describe(errors),
            ),
            WebError::Conflict { field, problem } => {
                (Some(field.clone()), format!("{field}: {problem}"))
            }
            WebError::Internal(cause) => {
                let reference = retrace_app::random_token(6);
                tracing::error!(%reference, %cause, "internal error");
                (None, format!("internal error (reference {reference})"))
            }
            other => (None, other.to_string()),
        };
        let report = ErrorReport {
            code: self.code(),
            field,
            message,
            errors: match &self {
                WebError::Conflict { field, problem } => vec![FieldError {
                    field: field.clone(),
                    problem: problem.clone(),
                }],
                other => other.field_errors().to_vec(),
            },
            pending_enrol: match self {
                WebError::SecondFactorPending { enrol } => Some(enrol),
                _ => None,
            },
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(report);
        response
    }
}

pub type WebResult<T> = Result<T, WebError>;

/// `field: problem; …` in English, for logs and the JSON body.
fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|error| format!("{}: {}", error.field, error.problem))
        .collect::<Vec<_>>()
        .join("; ")
}
