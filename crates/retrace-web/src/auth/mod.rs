//! Passwords, second factor, and the lockout rule.

pub mod totp;

use retrace_domain::Timestamp;
use std::time::Duration;

/// How long an account stays locked after `failures` consecutive failed
/// sign-ins: nothing below the threshold, then one minute, doubling with each
/// further failure up to a day.
pub fn lockout_until(failures: u32, threshold: u32, now: Timestamp) -> Option<Timestamp> {
    if failures < threshold {
        return None;
    }
    let doublings = (failures - threshold).min(11);
    let minutes = (1u64 << doublings).min(24 * 60);
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
        assert_eq!(minutes(40), Some(24 * 60));
    }
}
