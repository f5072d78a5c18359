//! Argon2id password hashing with the crate's default parameters (19 MiB,
//! two passes), which follow the OWASP recommendation.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use retrace_domain::NewPassword;
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordHashError(String);

/// Hashes a password that satisfies the password rule into a PHC string.
pub fn hash_password(password: &NewPassword) -> Result<String, PasswordHashError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| PasswordHashError(err.to_string()))
}

/// True when `candidate` matches the stored PHC string. A malformed stored
/// hash never matches.
pub fn verify_password(candidate: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password nobody knows, verified when the account does not
/// exist so that the response takes as long as for a real account.
pub fn dummy_verify(candidate: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(crate::random_token(24).as_bytes())
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    });
    let _ = verify_password(candidate, stored);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let password = NewPassword::parse("orange kettle 1987 meadow").unwrap();
        let first = hash_password(&password).unwrap();
        let second = hash_password(&password).unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second);
        assert!(verify_password("orange kettle 1987 meadow", &first));
        assert!(!verify_password("orange kettle 1987 meadoW", &first));
        assert!(!verify_password("anything", "not a hash"));
    }
}
