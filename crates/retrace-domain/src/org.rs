//! Organisations: their kind, name and country.

use crate::{Email, InvalidValue, Text};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    NationalSociety,
    Icrc,
    Ifrc,
    Iom,
    GovernmentAgency,
    Ngo,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::NationalSociety,
        OrgKind::Icrc,
        OrgKind::Ifrc,
        OrgKind::Iom,
        OrgKind::GovernmentAgency,
        OrgKind::Ngo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::NationalSociety => "national_society",
            OrgKind::Icrc => "icrc",
            OrgKind::Ifrc => "ifrc",
            OrgKind::Iom => "iom",
            OrgKind::GovernmentAgency => "government_agency",
            OrgKind::Ngo => "ngo",
        }
    }

    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value.trim())
            .ok_or_else(|| InvalidValue::new("kind", crate::Problem::OrgKind))
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// ISO 3166-1 alpha-2 codes (with XK, used by humanitarian organisations for Kosovo).
const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
];

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let upper = value.trim().to_ascii_uppercase();
        if !COUNTRY_CODES.contains(&upper.as_str()) {
            return Err(InvalidValue::new("country", crate::Problem::CountryCode));
        }
        match upper.as_bytes() {
            [a, b] => Ok(Self([*a, *b])),
            _ => Err(InvalidValue::new(
                "country",
                crate::Problem::CountryTwoLetters,
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    pub fn all() -> impl Iterator<Item = CountryCode> {
        COUNTRY_CODES
            .iter()
            .filter_map(|c| CountryCode::parse(c).ok())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

/// An organisation's name: 2 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let trimmed = value.trim();
        let length = trimmed.chars().count();
        if length < 2 {
            return Err(InvalidValue::new(
                "name",
                crate::Problem::TooShort { min: 2 },
            ));
        }
        if length > 200 {
            return Err(InvalidValue::new(
                "name",
                crate::Problem::TooLong { max: 200 },
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(InvalidValue::new("name", crate::Problem::ControlCharacters));
        }
        Ok(Self(trimmed.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrgName {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgName> for String {
    fn from(value: OrgName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_parse_case_insensitively_and_reject_unknown() {
        assert_eq!(
            CountryCode::parse(" be ").map(|c| c.to_string()),
            Ok("BE".into())
        );
        assert!(CountryCode::parse("ZZ").is_err());
        assert!(CountryCode::parse("BEL").is_err());
        assert_eq!(CountryCode::all().count(), COUNTRY_CODES.len());
    }

    #[test]
    fn org_kind_round_trips() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(OrgKind::parse("club").map_err(|e| e.field), Err("kind"));
    }
}

/// A phone number the public may call: digits, with `+`, spaces, dots,
/// dashes, slashes or brackets between them; 6 to 20 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPhone(String);

impl PublicPhone {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let phone = value.trim();
        let invalid = || InvalidValue::new("phone", crate::Problem::Phone);
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = |c: char| c.is_ascii_digit() || " +-./()".contains(c);
        if !(6..=20).contains(&digits) || phone.len() > 32 || !phone.chars().all(allowed) {
            return Err(invalid());
        }
        Ok(Self(phone.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How the public reaches an organisation, set by its administrator and
/// shown on its gallery entries and posters: nothing about its staff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicContact {
    pub phone: Option<PublicPhone>,
    pub email: Option<Email>,
    /// Address and opening hours, a few lines.
    pub details: Option<Text>,
}

impl PublicContact {
    pub const DETAILS_MAX: usize = 300;

    /// From the settings form: blank fields are left out; every invalid
    /// field is reported.
    pub fn parse(phone: &str, email: &str, details: &str) -> Result<Self, Vec<InvalidValue>> {
        let mut errors = Vec::new();
        let phone = match phone.trim() {
            "" => None,
            value => PublicPhone::parse(value).map_err(|e| errors.push(e)).ok(),
        };
        let email = match email.trim() {
            "" => None,
            value => Email::parse(value).map_err(|e| errors.push(e)).ok(),
        };
        let details = match details.trim() {
            "" => None,
            value => Text::parse("details", value, Self::DETAILS_MAX, true)
                .map_err(|e| errors.push(e))
                .ok(),
        };
        if errors.is_empty() {
            Ok(Self {
                phone,
                email,
                details,
            })
        } else {
            Err(errors)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none() && self.details.is_none()
    }
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    #[test]
    fn a_public_contact_keeps_valid_fields_and_names_each_invalid_one() {
        let contact = PublicContact::parse(
            " +32 (2) 555-01.23 ",
            "Tracing@Example.org",
            "Rue Haute 1\nMon–Fri 9–17",
        )
        .unwrap();
        assert_eq!(contact.phone.unwrap().as_str(), "+32 (2) 555-01.23");
        assert_eq!(contact.email.unwrap().as_str(), "tracing@example.org");
        assert_eq!(
            contact.details.unwrap().as_str(),
            "Rue Haute 1\nMon–Fri 9–17"
        );
        assert!(PublicContact::parse("", " ", "").unwrap().is_empty());
        let errors = PublicContact::parse("call 12", "no-at-sign", &"x".repeat(301)).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["phone", "email", "details"]);
        for bad in [
            "12345",
            "+1 234 567 890 123 456 789 01",
            "555 0123 ext. 4",
            "<script>",
        ] {
            assert!(PublicPhone::parse(bad).is_err(), "{bad}");
        }
    }
}
