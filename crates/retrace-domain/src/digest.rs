//! The e-mail digest (issues 14 and 15): how often a member chooses to be
//! told by e-mail what waits for them, in which language, and when a
//! failed sending is tried again. No I/O; the sending is `retrace-app`'s.
//! See `docs/adr/0029-email-digest.md`.

use crate::person::code_enum;

code_enum!(
    /// How often a member's digest is sent. Off is the absence of a
    /// preference: nobody receives a digest without choosing one.
    DigestFrequency, "digest_frequency" {
        Daily => "daily",
        Weekly => "weekly",
    }
);

code_enum!(
    /// The language a digest is written in: one of the interface's.
    DigestLanguage, "digest_language" {
        En => "en",
        Fr => "fr",
        Es => "es",
        Ar => "ar",
    }
);

const MINUTE_MILLIS: i64 = 60 * 1000;
const DAY_MILLIS: i64 = 24 * 60 * MINUTE_MILLIS;

/// How long a claimed digest is held by the server that claimed it: a
/// server that dies while sending leaves it to another after this.
pub const DIGEST_LEASE_MILLIS: i64 = 15 * MINUTE_MILLIS;

impl DigestFrequency {
    /// The time between two digests.
    pub fn period_millis(self) -> i64 {
        match self {
            DigestFrequency::Daily => DAY_MILLIS,
            DigestFrequency::Weekly => 7 * DAY_MILLIS,
        }
    }
}

/// How long to wait before trying a digest again after `failures`
/// consecutive failures (at least 1): 5 minutes, doubled each time, at
/// most 6 hours, so that a server whose SMTP relay is down neither floods
/// it when it returns nor forgets the digest.
pub fn digest_retry_millis(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(1).min(10);
    (5 * MINUTE_MILLIS)
        .saturating_mul(1_i64 << doublings)
        .min(6 * 60 * MINUTE_MILLIS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_six_hours() {
        assert_eq!(digest_retry_millis(1), 5 * MINUTE_MILLIS);
        assert_eq!(digest_retry_millis(2), 10 * MINUTE_MILLIS);
        assert_eq!(digest_retry_millis(4), 40 * MINUTE_MILLIS);
        assert_eq!(digest_retry_millis(7), 320 * MINUTE_MILLIS);
        assert_eq!(digest_retry_millis(8), 360 * MINUTE_MILLIS);
        assert_eq!(digest_retry_millis(u32::MAX), 360 * MINUTE_MILLIS);
        assert_eq!(digest_retry_millis(0), 5 * MINUTE_MILLIS);
    }

    #[test]
    fn choices_parse_from_their_codes_only() {
        assert_eq!(
            DigestFrequency::parse("weekly"),
            Ok(DigestFrequency::Weekly)
        );
        assert!(DigestFrequency::parse("hourly").is_err());
        assert!(DigestFrequency::parse("").is_err());
        assert_eq!(DigestLanguage::parse("ar"), Ok(DigestLanguage::Ar));
        assert!(DigestLanguage::parse("de").is_err());
        assert_eq!(DigestFrequency::Weekly.period_millis(), 7 * DAY_MILLIS);
    }
}
