//! The password rule: at least 12 characters, at most 200, and not in the
//! list of common passwords shipped with the project (`common-passwords.txt`,
//! the most frequent passwords from public breach-frequency lists, plus words of
//! this field such as "redcross").

use std::fmt;

const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password: must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("password: must have at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("password: is too common, choose a less predictable one")]
    Common,
}

impl PasswordError {
    /// What is wrong with the new password, as a coded problem.
    pub fn problem(&self) -> crate::Problem {
        match self {
            PasswordError::TooShort => crate::Problem::TooShort {
                min: MIN_PASSWORD_CHARS,
            },
            PasswordError::TooLong => crate::Problem::TooLong {
                max: MAX_PASSWORD_CHARS,
            },
            PasswordError::Common => crate::Problem::CommonPassword,
        }
    }
}

/// A password that satisfies the rule. Its `Debug` never prints it.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(value: &str) -> Result<Self, PasswordError> {
        let length = value.chars().count();
        if length < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort);
        }
        if length > MAX_PASSWORD_CHARS {
            return Err(PasswordError::TooLong);
        }
        if is_common(value) {
            return Err(PasswordError::Common);
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// Common passwords, compared case-insensitively and ignoring a trailing run
/// of digits and punctuation, so `Password123!` counts as `password`.
fn is_common(candidate: &str) -> bool {
    let lowered = candidate.to_lowercase();
    let stem = lowered.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .any(|common| common == lowered || common == stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rule() {
        assert_eq!(
            NewPassword::parse("short").unwrap_err(),
            PasswordError::TooShort
        );
        assert_eq!(
            NewPassword::parse("password1234").unwrap_err(),
            PasswordError::Common
        );
        assert_eq!(
            NewPassword::parse("Password123456!").unwrap_err(),
            PasswordError::Common
        );
        assert_eq!(
            NewPassword::parse("qwertyuiopasdf").unwrap_err(),
            PasswordError::Common
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(201)).unwrap_err(),
            PasswordError::TooLong
        );
        let ok = NewPassword::parse("violet harbour lantern 42").unwrap();
        assert_eq!(format!("{ok:?}"), "NewPassword([redacted])");
    }
}
