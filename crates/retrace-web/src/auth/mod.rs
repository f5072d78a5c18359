//! Passwords, second factor, and the lockout rule.

pub mod totp;

use retrace_domain::Timestamp;
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
