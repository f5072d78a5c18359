//! Dates as people remember them: a year, a year and month, or a full date,
//! possibly approximate; and ages estimated on a given date.

use crate::InvalidValue;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar date known to the year, the month or the day. `~` in front
/// marks it approximate ("~1990"). Years from 1880 to 2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
    approximate: bool,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, optionally prefixed by `~`.
    /// `field` names the form field in the error.
    pub fn parse_field(field: &'static str, value: &str) -> Result<Self, InvalidValue> {
        let trimmed = value.trim();
        let (approximate, rest) = match trimmed.strip_prefix('~') {
            Some(rest) => (true, rest.trim()),
            None => (false, trimmed),
        };
        let parts: Vec<&str> = rest.split('-').collect();
        let number = |text: &str, digits: usize| -> Option<u32> {
            (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse().ok())
                .flatten()
        };
        let invalid = || InvalidValue::new(field, crate::Problem::DateFormat);
        let (year, month, day) = match parts.as_slice() {
            [y] => (number(y, 4).ok_or_else(invalid)?, None, None),
            [y, m] => (
                number(y, 4).ok_or_else(invalid)?,
                Some(number(m, 2).ok_or_else(invalid)?),
                None,
            ),
            [y, m, d] => (
                number(y, 4).ok_or_else(invalid)?,
                Some(number(m, 2).ok_or_else(invalid)?),
                Some(number(d, 2).ok_or_else(invalid)?),
            ),
            _ => return Err(invalid()),
        };
        let year = i32::try_from(year).map_err(|_| invalid())?;
        if !(1880..=2100).contains(&year) {
            return Err(InvalidValue::new(
                field,
                crate::Problem::YearRange {
                    min: 1880,
                    max: 2100,
                },
            ));
        }
        let month = match month {
            Some(m) if (1..=12).contains(&m) => Some(m as u8),
            Some(_) => return Err(InvalidValue::new(field, crate::Problem::MonthRange)),
            None => None,
        };
        let day = match (month, day) {
            (Some(m), Some(d)) => {
                let last = days_in_month(year, m);
                if d == 0 || d > u32::from(last) {
                    return Err(InvalidValue::new(
                        field,
                        crate::Problem::NoSuchDay {
                            month: format!("{year}-{m:02}"),
                            day: d,
                        },
                    ));
                }
                Some(d as u8)
            }
            _ => None,
        };
        Ok(Self {
            year,
            month,
            day,
            approximate,
        })
    }

    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        Self::parse_field("date", value)
    }

    pub fn year(&self) -> i32 {
        self.year
    }
    pub fn month(&self) -> Option<u8> {
        self.month
    }
    pub fn day(&self) -> Option<u8> {
        self.day
    }
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }

    /// The ISO-like text without the approximation mark, for the matcher.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// The earliest day this date can mean, as (year, month, day).
    pub fn earliest(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// True when the earliest day it can mean is after `today`.
    pub fn is_after(&self, today: (i32, u8, u8)) -> bool {
        self.earliest() > today
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.approximate {
            f.write_str("~")?;
        }
        f.write_str(&self.iso())
    }
}

impl TryFrom<String> for PartialDate {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PartialDate> for String {
    fn from(value: PartialDate) -> Self {
        value.to_string()
    }
}

/// An age in years as estimated on a date ("about 30 in 2026-03").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeEstimate {
    pub years: u8,
    pub estimated_on: PartialDate,
}

impl AgeEstimate {
    pub fn new(years: u32, estimated_on: PartialDate) -> Result<Self, InvalidValue> {
        let years = u8::try_from(years)
            .ok()
            .filter(|y| *y <= 120)
            .ok_or_else(|| InvalidValue::new("age", crate::Problem::AgeRange { max: 120 }))?;
        Ok(Self {
            years,
            estimated_on,
        })
    }

    /// The birth year this estimate implies.
    pub fn implied_birth_year(&self) -> i32 {
        self.estimated_on.year() - i32::from(self.years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_partial_and_approximate_dates() {
        for (text, shown) in [
            ("1990", "1990"),
            ("1990-05", "1990-05"),
            ("2000-02-29", "2000-02-29"),
            (" ~1985 ", "~1985"),
        ] {
            assert_eq!(PartialDate::parse(text).unwrap().to_string(), shown);
        }
    }

    #[test]
    fn refuses_impossible_dates_naming_the_field() {
        for text in [
            "1990-02-30",
            "2001-02-29",
            "1990-13",
            "1990-00",
            "90",
            "1990/05/01",
            "1700",
            "",
            "1990-5",
        ] {
            let err = PartialDate::parse_field("birth_date", text).unwrap_err();
            assert_eq!(err.field, "birth_date", "{text}");
        }
    }

    #[test]
    fn future_check_uses_the_earliest_day() {
        let month = PartialDate::parse("2026-11").unwrap();
        assert!(!month.is_after((2026, 11, 15)));
        assert!(month.is_after((2026, 10, 31)));
    }
}
