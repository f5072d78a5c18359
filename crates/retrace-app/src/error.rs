//! Why a use case refused or failed. The web layer maps each variant to a
//! status code and renders it; the messages are safe to show, except those
//! of `Store` and `Internal`, whose causes are only logged.

use retrace_domain::{FieldError, InvalidValue, PasswordError, Problem, Problems};
use retrace_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, or another organisation's: deliberately the same.
    #[error("not found")]
    NotFound,
    /// The actor's roles do not allow the action.
    #[error("forbidden")]
    Forbidden,
    /// An input is wrong; `field` is its JSON path (`enquirer.names[0]`).
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: Problem },
    /// Several inputs are wrong, all reported at once (never empty).
    #[error("{}", describe(.0))]
    InvalidMany(Vec<FieldError>),
    /// An input that must be given is absent (`photo`, `relationship`).
    #[error("{field}: is required")]
    Required { field: &'static str },
    /// A sign-in or second-factor step refused. Deliberately one answer
    /// for an unknown address, a wrong password or code, a locked or a
    /// disabled account.
    #[error("sign-in refused")]
    SignInRefused,
    /// A new password that the password rule refuses.
    #[error("new_password: {0}")]
    WeakPassword(PasswordError),
    /// The action clashes with the record's current state.
    #[error("{field}: {problem}")]
    Conflict { field: String, problem: Problem },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Media files or a blocking task failed; the text is only logged.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, problem: impl Into<Problem>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// Every input error of this error: one for `Invalid`, all of
    /// `InvalidMany`, none for the others.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Invalid { field, problem } => vec![FieldError {
                field: field.clone(),
                problem: problem.clone(),
            }],
            Self::InvalidMany(errors) => errors.clone(),
            Self::Required { field } => vec![FieldError {
                field: (*field).to_owned(),
                problem: Problem::Required,
            }],
            _ => Vec::new(),
        }
    }

    pub fn conflict(field: impl Into<String>, problem: Problem) -> Self {
        Self::Conflict {
            field: field.into(),
            problem,
        }
    }

    pub(crate) fn media(error: std::io::Error) -> Self {
        Self::Internal(format!("media files: {error}"))
    }
}

impl From<InvalidValue> for AppError {
    fn from(error: InvalidValue) -> Self {
        Self::invalid(error.field, error.problem)
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|error| format!("{}: {}", error.field, error.problem))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Collects the errors of a form or a body, so all are reported at once.
#[derive(Default)]
pub struct Collect(Problems);

impl Collect {
    /// The value, or `None` after noting its input errors (other errors
    /// are returned: they end the use case).
    pub fn take<T>(&mut self, result: AppResult<T>) -> AppResult<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(
                error @ (AppError::Invalid { .. }
                | AppError::InvalidMany(_)
                | AppError::Required { .. }),
            ) => {
                for FieldError { field, problem } in error.field_errors() {
                    self.0.push(field, problem);
                }
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// `take` of a result whose error becomes an `AppError` (a domain
    /// `InvalidValue`, …).
    pub fn note<T, E: Into<AppError>>(&mut self, result: Result<T, E>) -> AppResult<Option<T>> {
        self.take(result.map_err(Into::into))
    }

    /// `finish`, then the value `build` makes of the values taken: every
    /// one is there once nothing was noted.
    pub fn done<T>(self, build: impl FnOnce() -> Option<T>) -> AppResult<T> {
        self.finish()?;
        build().ok_or_else(|| AppError::Internal("a value without errors is missing".to_owned()))
    }

    pub fn push(&mut self, field: impl Into<String>, problem: impl Into<Problem>) {
        self.0.push(field, problem);
    }

    /// `Ok` when nothing was noted, else every error noted.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let mut errors = self.0.into_vec();
        if errors.len() == 1 {
            let FieldError { field, problem } = errors.remove(0);
            return Err(AppError::Invalid { field, problem });
        }
        Err(AppError::InvalidMany(errors))
    }
}
