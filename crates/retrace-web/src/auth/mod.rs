//! Passwords, second factor, and the lockout rule.

pub mod totp;

use crate::AppState;
use crate::error::{WebError, WebResult};
use retrace_domain::Timestamp;
use retrace_store::{AuditContext, Membership, UserAccount};
use std::time::Duration;

/// The longest an account is ever locked. Anyone can fail to sign in as a
/// staff member, so a long lock would let anyone keep staff out for as long
/// as they like; a short cap with the per-client failure limit slows
/// guessing without making lockout a denial of service.
pub const MAX_LOCKOUT_MINUTES: u64 = 15;

/// How long an account stays locked after `failures` consecutive failed
/// sign-ins: nothing below the threshold, then one minute, doubling with each
/// further failure up to `MAX_LOCKOUT_MINUTES`. Failures while the account
/// is locked are not counted (the sign-in handler skips them).
pub fn lockout_until(failures: u32, threshold: u32, now: Timestamp) -> Option<Timestamp> {
    if failures < threshold {
        return None;
    }
    let doublings = (failures - threshold).min(11);
    let minutes = (1u64 << doublings).min(MAX_LOCKOUT_MINUTES);
    Some(now.plus(Duration::from_secs(minutes * 60)))
}

/// Checks the password again before a sensitive action (an export, a
/// password or second-factor change) in a session already signed in. A
/// wrong password counts like a failed sign-in of the account and leads to
/// the same lock; a locked account is refused even with the right one, so
/// the forms cannot be used to keep guessing.
pub async fn reconfirm_password(
    state: &AppState,
    account: &UserAccount,
    candidate: &str,
) -> WebResult<bool> {
    let now = state.clock.now();
    // The freshest count and lock, not the ones loaded with the session.
    let Some(account) = state.store.user(account.id).await? else {
        return Err(WebError::Unauthenticated);
    };
    let stored = account.password_hash.clone();
    let candidate = candidate.to_owned();
    let password_ok = tokio::task::spawn_blocking(move || {
        retrace_app::password::verify_password(&candidate, &stored)
    })
    .await
    .map_err(WebError::internal)?;
    if account.locked_until.is_some_and(|until| until > now) {
        return Ok(false);
    }
    if !password_ok {
        let failures = account.failed_sign_ins.saturating_add(1);
        let until = lockout_until(failures, state.config.lockout_threshold, now);
        let audit = AuditContext {
            at: now,
            actor: Some(account.id),
            org: match &account.membership {
                Membership::Member { org, .. } => Some(*org),
                Membership::Operator => None,
            },
            purpose: None,
        };
        state
            .store
            .record_sign_in_failure(&audit, account.id, until)
            .await?;
    }
    Ok(password_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_backs_off_and_is_capped() {
        let now = Timestamp::from_millis(0);
        let minutes =
            |failures| lockout_until(failures, 5, now).map(|until| until.as_millis() / 60_000);
        assert_eq!(minutes(4), None);
        assert_eq!(minutes(5), Some(1));
        assert_eq!(minutes(6), Some(2));
        assert_eq!(minutes(8), Some(8));
        assert_eq!(minutes(9), Some(15));
        assert_eq!(minutes(40), Some(15));
    }
}
