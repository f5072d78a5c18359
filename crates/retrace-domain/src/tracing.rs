//! Tracing requests: an enquirer looking for sought relatives, the
//! circumstances of their separation, and the life of the request.

use crate::dates::PartialDate;
use crate::person::{Text, code_enum};
use crate::{CountryCode, InvalidValue};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The human reference of a request: the owning organisation's country, the
/// year and a number of at least five digits, `BE-2026-00042`; past 99,999
/// the number simply grows, `BE-2026-100000`. Each reference has one
/// written form (five digits with leading zeros, or more digits without),
/// and references order by country, year and then number, not as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseReference {
    country: CountryCode,
    year: u16,
    number: u32,
}

impl CaseReference {
    /// The largest number of a country and year.
    pub const MAX_NUMBER: u32 = 999_999_999;
    /// The digits a number is written with at least.
    const MIN_DIGITS: usize = 5;

    pub fn new(country: CountryCode, year: u16, number: u32) -> Result<Self, InvalidValue> {
        if number == 0 || number > Self::MAX_NUMBER {
            return Err(InvalidValue::new(
                "reference",
                crate::Problem::CaseNumberRange,
            ));
        }
        Ok(Self {
            country,
            year,
            number,
        })
    }

    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let invalid = || InvalidValue::new("reference", crate::Problem::CaseReference);
        let mut parts = value.trim().split('-');
        let (Some(country), Some(year), Some(number), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        // Five digits, or more without a leading zero: one form per number.
        let number_form = number.len() == Self::MIN_DIGITS
            || (number.len() > Self::MIN_DIGITS && !number.starts_with('0'));
        if year.len() != 4 || !digits(year) || !digits(number) || !number_form {
            return Err(invalid());
        }
        let country = CountryCode::parse(country).map_err(|_| invalid())?;
        let year: u16 = year.parse().map_err(|_| invalid())?;
        let number: u32 = number.parse().map_err(|_| invalid())?;
        Self::new(country, year, number)
    }

    pub fn country(&self) -> CountryCode {
        self.country
    }
    pub fn year(&self) -> u16 {
        self.year
    }
    pub fn number(&self) -> u32 {
        self.number
    }
}

impl fmt::Display for CaseReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:04}-{:05}",
            self.country.as_str(),
            self.year,
            self.number
        )
    }
}

impl TryFrom<String> for CaseReference {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CaseReference> for String {
    fn from(value: CaseReference) -> Self {
        value.to_string()
    }
}

code_enum!(
    /// Why a request was closed.
    ClosureReason, "closure_reason" {
        ContactRestored => "contact_restored",
        Reunited => "reunited",
        FoundNoContactWanted => "found_no_contact_wanted",
        Deceased => "deceased",
        EnquirerWithdrew => "enquirer_withdrew",
        EnquirerUnreachable => "enquirer_unreachable",
        NotFound => "not_found",
    }
);

/// The status with its closure reason when closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Open,
    Searching,
    Located,
    ContactRestored,
    Reunited,
    Closed(ClosureReason),
}

impl RequestStatus {
    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Searching => "searching",
            RequestStatus::Located => "located",
            RequestStatus::ContactRestored => "contact_restored",
            RequestStatus::Reunited => "reunited",
            RequestStatus::Closed(_) => "closed",
        }
    }

    pub fn closure_reason(self) -> Option<ClosureReason> {
        match self {
            RequestStatus::Closed(reason) => Some(reason),
            _ => None,
        }
    }

    /// Parses a status code and, for `closed`, its reason.
    pub fn parse(code: &str, reason: Option<&str>) -> Result<Self, InvalidValue> {
        Ok(match code.trim() {
            "open" => RequestStatus::Open,
            "searching" => RequestStatus::Searching,
            "located" => RequestStatus::Located,
            "contact_restored" => RequestStatus::ContactRestored,
            "reunited" => RequestStatus::Reunited,
            "closed" => match reason.map(str::trim).filter(|r| !r.is_empty()) {
                Some(reason) => RequestStatus::Closed(ClosureReason::parse(reason)?),
                None => {
                    return Err(InvalidValue::new(
                        "closure_reason",
                        crate::Problem::ClosureReasonRequired,
                    ));
                }
            },
            other => {
                return Err(InvalidValue::new(
                    "status",
                    crate::Problem::UnknownCode {
                        value: other.to_owned(),
                    },
                ));
            }
        })
    }

    pub fn is_closed(self) -> bool {
        matches!(self, RequestStatus::Closed(_))
    }

    /// The statuses a request may move to from this one. Closing is always
    /// possible; a closed request may be reopened to searching; a lead that
    /// proves false sends a located request back to searching.
    pub fn may_become(self, next: RequestStatus) -> bool {
        use RequestStatus::*;
        if self == next {
            return false;
        }
        match (self, next) {
            (Closed(_), Searching) => true,
            (Closed(_), _) => false,
            (_, Closed(_)) => true,
            (Open, Searching | Located) => true,
            (Searching, Located) => true,
            (Located, Searching | ContactRestored | Reunited) => true,
            (ContactRestored, Reunited) => true,
            _ => false,
        }
    }
}

code_enum!(
    /// What separated the family.
    SeparationContext, "separation_context" {
        Migration => "migration",
        Conflict => "conflict",
        Disaster => "disaster",
        Detention => "detention",
        Other => "other",
    }
);

code_enum!(
    /// A person who registered on their own.
    RegistrationKind, "registration_kind" {
        LookingForFamily => "looking_for_family",
        Safe => "safe",
    }
);

/// The last news the enquirer had of the sought persons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastNews {
    pub date: Option<PartialDate>,
    pub place: Option<Text>,
    /// From whom or through what (a phone call, a fellow traveller).
    pub source: Option<Text>,
}

/// The circumstances of separation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Circumstances {
    pub context: SeparationContext,
    pub date: Option<PartialDate>,
    pub place: Option<Text>,
    pub countries_transited: Vec<CountryCode>,
    pub last_news: LastNews,
    pub narrative: Option<Text>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip() {
        let reference = CaseReference::parse("BE-2026-00042").unwrap();
        assert_eq!(reference.to_string(), "BE-2026-00042");
        for bad in [
            "BE-2026-42",
            "XX-2026-00042",
            "BE-26-00042",
            "BE-2026-00000",
            "BE2026-00042",
            "BE-2026-+0042",
            "BE-+026-00042",
            "BE-2026-000042",
            "BE-2026-0100000",
            "BE-2026-1000000000",
            "BE-2026-99999999999",
        ] {
            assert!(CaseReference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn references_grow_past_five_digits_and_order_by_number() {
        let be = CountryCode::parse("BE").unwrap();
        let last_short = CaseReference::new(be, 2026, 99_999).unwrap();
        let first_long = CaseReference::new(be, 2026, 100_000).unwrap();
        assert_eq!(last_short.to_string(), "BE-2026-99999");
        assert_eq!(first_long.to_string(), "BE-2026-100000");
        assert_eq!(CaseReference::parse("BE-2026-100000").unwrap(), first_long);
        let largest = CaseReference::new(be, 2026, CaseReference::MAX_NUMBER).unwrap();
        assert_eq!(largest.to_string(), "BE-2026-999999999");
        assert_eq!(CaseReference::parse("BE-2026-999999999").unwrap(), largest);
        let err = CaseReference::new(be, 2026, CaseReference::MAX_NUMBER + 1).unwrap_err();
        assert_eq!(err.problem, crate::Problem::CaseNumberRange);
        // As text "BE-2026-100000" sorts before "BE-2026-99999"; as
        // references it comes after, and before the next year.
        let next_year = CaseReference::parse("BE-2027-00001").unwrap();
        let mut sorted = vec![next_year.clone(), first_long.clone(), last_short.clone()];
        sorted.sort();
        assert_eq!(sorted, [last_short, first_long, next_year]);
        // Serde goes through the same written form.
        let long = CaseReference::try_from("FR-2026-1234567".to_owned()).unwrap();
        assert_eq!(String::from(long), "FR-2026-1234567");
        assert!(CaseReference::try_from("FR-2026-01234567".to_owned()).is_err());
    }

    #[test]
    fn status_moves_follow_the_workflow() {
        use RequestStatus::*;
        assert!(Open.may_become(Searching));
        assert!(Searching.may_become(Located));
        assert!(Located.may_become(ContactRestored));
        assert!(ContactRestored.may_become(Reunited));
        assert!(Searching.may_become(Closed(ClosureReason::NotFound)));
        assert!(Closed(ClosureReason::NotFound).may_become(Searching));
        assert!(!Open.may_become(Reunited));
        assert!(!Closed(ClosureReason::Deceased).may_become(Located));
        assert!(!Searching.may_become(Searching));
        assert_eq!(
            RequestStatus::parse("closed", None).unwrap_err().field,
            "closure_reason"
        );
    }
}
