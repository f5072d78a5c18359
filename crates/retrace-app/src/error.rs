//! Why a use case refused or failed. The web layer maps each variant to a
//! status code and renders it; the messages are safe to show, except those
//! of `Store` and `Internal`, whose causes are only logged.

use retrace_domain::{InvalidValue, PasswordError};
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
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
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
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Media files or a blocking task failed; the text is only logged.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn media(error: std::io::Error) -> Self {
        Self::Internal(format!("media files: {error}"))
    }
}

impl From<InvalidValue> for AppError {
    fn from(error: InvalidValue) -> Self {
        Self::invalid(error.field, error.message)
    }
}
