//! Retention periods (issue 16, item 1): how long an organisation keeps
//! each kind of record holding personal data, within the limits the
//! platform operator sets. See `docs/adr/0018-retention-erasure-subject-access.md`.

use thiserror::Error;

/// A kind of record that a retention period applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RetentionKind {
    /// Tracing requests closed for longer than the period: erased whole,
    /// through the erasure of their enquirer.
    ClosedRequests,
    /// Reports sent by gallery visitors, from their reception.
    GalleryReports,
    /// Outreach follow-up records, from their outcome (or their session,
    /// while they have none).
    OutreachFollowUps,
    /// Records of the exports made (who, when, the stated reason).
    Exports,
}

impl RetentionKind {
    pub const ALL: [RetentionKind; 4] = [
        RetentionKind::ClosedRequests,
        RetentionKind::GalleryReports,
        RetentionKind::OutreachFollowUps,
        RetentionKind::Exports,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RetentionKind::ClosedRequests => "closed_requests",
            RetentionKind::GalleryReports => "gallery_reports",
            RetentionKind::OutreachFollowUps => "outreach_follow_ups",
            RetentionKind::Exports => "exports",
        }
    }

    pub fn parse(code: &str) -> Result<Self, RetentionError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == code)
            .ok_or_else(|| RetentionError::UnknownKind(code.to_owned()))
    }

    /// The platform's limits and default, in days, before the operator
    /// changes them: closed requests 5 years (1 to 30), gallery reports
    /// 6 months (1 to 36 months), follow-ups 1 year (30 days to 5 years),
    /// export records 1 year (30 days to 10 years).
    pub fn platform_limits(self) -> RetentionLimits {
        const YEAR: u32 = 365;
        const MONTH: u32 = 30;
        let (min_days, default_days, max_days) = match self {
            RetentionKind::ClosedRequests => (YEAR, 5 * YEAR, 30 * YEAR),
            RetentionKind::GalleryReports => (MONTH, 6 * MONTH, 36 * MONTH),
            RetentionKind::OutreachFollowUps => (MONTH, YEAR, 5 * YEAR),
            RetentionKind::Exports => (MONTH, YEAR, 10 * YEAR),
        };
        RetentionLimits {
            min_days,
            default_days,
            max_days,
        }
    }
}

/// What the platform operator allows for one kind: an organisation picks
/// a period between `min_days` and `max_days`; `default_days` applies
/// until it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionLimits {
    pub min_days: u32,
    pub default_days: u32,
    pub max_days: u32,
}

impl RetentionLimits {
    /// Limits that hold together: `1 <= min <= default <= max`.
    pub fn new(min_days: u32, default_days: u32, max_days: u32) -> Result<Self, RetentionError> {
        if min_days == 0 || min_days > default_days || default_days > max_days {
            return Err(RetentionError::BadLimits {
                min_days,
                default_days,
                max_days,
            });
        }
        Ok(Self {
            min_days,
            default_days,
            max_days,
        })
    }

    /// A period an organisation asked for, checked against these limits.
    pub fn period(&self, days: u32) -> Result<RetentionPeriod, RetentionError> {
        if days < self.min_days || days > self.max_days {
            return Err(RetentionError::OutOfLimits {
                days,
                min_days: self.min_days,
                max_days: self.max_days,
            });
        }
        Ok(RetentionPeriod(days))
    }

    /// The period that applies: the organisation's own when it is still
    /// within the limits, else the nearest limit (an operator who narrows
    /// the limits narrows every organisation's period with them).
    pub fn effective(&self, chosen: Option<u32>) -> RetentionPeriod {
        RetentionPeriod(
            chosen
                .unwrap_or(self.default_days)
                .clamp(self.min_days, self.max_days),
        )
    }
}

/// A number of days a kind of record is kept, within the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RetentionPeriod(u32);

impl RetentionPeriod {
    pub fn days(self) -> u32 {
        self.0
    }
    pub fn as_duration(self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.0) * 86_400)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RetentionError {
    #[error("unknown record kind {0:?}")]
    UnknownKind(String),
    #[error(
        "a retention period of {days} days is outside the limits ({min_days} to {max_days} days)"
    )]
    OutOfLimits {
        days: u32,
        min_days: u32,
        max_days: u32,
    },
    #[error(
        "retention limits must satisfy 1 <= minimum ({min_days}) <= default ({default_days}) <= maximum ({max_days}) days"
    )]
    BadLimits {
        min_days: u32,
        default_days: u32,
        max_days: u32,
    },
}

impl RetentionError {
    /// What is wrong with the value, as a coded problem.
    pub fn problem(&self) -> crate::Problem {
        match self {
            RetentionError::UnknownKind(value) => crate::Problem::UnknownCode {
                value: value.clone(),
            },
            RetentionError::OutOfLimits {
                days,
                min_days,
                max_days,
            } => crate::Problem::RetentionOutOfLimits {
                days: *days,
                min: *min_days,
                max: *max_days,
            },
            // Limits come from the configuration, not from a form: the
            // administrator's value is outside whatever the limits are.
            RetentionError::BadLimits { .. } => crate::Problem::OutOfRange,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_kinds_are_refused() {
        for kind in RetentionKind::ALL {
            assert_eq!(RetentionKind::parse(kind.as_str()), Ok(kind));
            let limits = kind.platform_limits();
            assert!(
                RetentionLimits::new(limits.min_days, limits.default_days, limits.max_days).is_ok()
            );
        }
        assert!(RetentionKind::parse("persons").is_err());
    }

    #[test]
    fn periods_stay_within_the_limits() {
        let limits = RetentionLimits::new(30, 180, 1080).unwrap_or(RetentionLimits {
            min_days: 0,
            default_days: 0,
            max_days: 0,
        });
        assert_eq!(
            limits.period(29).map(RetentionPeriod::days),
            Err(RetentionError::OutOfLimits {
                days: 29,
                min_days: 30,
                max_days: 1080
            })
        );
        assert_eq!(limits.period(30).map(RetentionPeriod::days), Ok(30));
        assert!(limits.period(1081).is_err());
        assert_eq!(limits.effective(None).days(), 180);
        assert_eq!(limits.effective(Some(5000)).days(), 1080);
        assert_eq!(limits.effective(Some(10)).days(), 30);
        assert!(RetentionLimits::new(0, 1, 2).is_err());
        assert!(RetentionLimits::new(5, 4, 10).is_err());
    }
}
