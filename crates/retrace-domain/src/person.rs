//! People in tracing records: their names in every script they are written
//! in, what is known of their birth and origin, and the flags that protect
//! them.

use crate::dates::{AgeEstimate, PartialDate};
use crate::{CountryCode, InvalidValue};
use serde::{Deserialize, Serialize};

/// Free text of bounded length without control characters (line breaks
/// allowed when `multiline`). Empty input is `None` at the call site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    pub fn parse(
        field: &'static str,
        value: &str,
        max_chars: usize,
        multiline: bool,
    ) -> Result<Self, InvalidValue> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(InvalidValue::new(field, crate::Problem::Empty));
        }
        if trimmed.chars().count() > max_chars {
            return Err(InvalidValue::new(
                field,
                crate::Problem::TooLong { max: max_chars },
            ));
        }
        let allowed =
            |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\r' || c == '\t'));
        if !trimmed.chars().all(allowed) {
            return Err(InvalidValue::new(field, crate::Problem::ControlCharacters));
        }
        Ok(Self(trimmed.replace("\r\n", "\n")))
    }

    /// `None` for blank input, else the parsed text.
    pub fn optional(
        field: &'static str,
        value: &str,
        max_chars: usize,
    ) -> Result<Option<Self>, InvalidValue> {
        if value.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(field, value, max_chars, false).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The writing system a name is recorded in, detected from its letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    Latin,
    Arabic,
    Cyrillic,
    Ethiopic,
    Other,
}

impl Script {
    pub fn detect(text: &str) -> Self {
        let mut counts = [0usize; 5];
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            let index = match u32::from(c) {
                0x0041..=0x024F | 0x1E00..=0x1EFF => 0,
                0x0600..=0x06FF
                | 0x0750..=0x077F
                | 0x08A0..=0x08FF
                | 0xFB50..=0xFDFF
                | 0xFE70..=0xFEFF => 1,
                0x0400..=0x052F => 2,
                0x1200..=0x139F | 0x2D80..=0x2DDF | 0xAB00..=0xAB2F => 3,
                _ => 4,
            };
            if let Some(slot) = counts.get_mut(index) {
                *slot += 1;
            }
        }
        let best = counts
            .iter()
            .enumerate()
            .max_by_key(|(_, n)| **n)
            .map(|(i, n)| if *n == 0 { 0 } else { i })
            .unwrap_or(0);
        [
            Script::Latin,
            Script::Arabic,
            Script::Cyrillic,
            Script::Ethiopic,
            Script::Other,
        ]
        .get(best)
        .copied()
        .unwrap_or(Script::Other)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Arabic => "arabic",
            Script::Cyrillic => "cyrillic",
            Script::Ethiopic => "ethiopic",
            Script::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Script::Latin,
            Script::Arabic,
            Script::Cyrillic,
            Script::Ethiopic,
            Script::Other,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }

    /// Arabic script is written right to left.
    pub fn is_rtl(self) -> bool {
        self == Script::Arabic
    }
}

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(value: &str) -> Result<Self, $crate::InvalidValue> {
                let value = value.trim();
                if value.is_empty() {
                    return Err($crate::InvalidValue::new($field, $crate::Problem::ChooseOne));
                }
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == value)
                    .ok_or_else(|| $crate::InvalidValue::new($field, $crate::Problem::UnknownCode { value: value.to_owned() }))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use code_enum;

code_enum!(
    /// What kind of name this is for the person.
    NameKind, "name_kind" {
        Birth => "birth",
        Alias => "alias",
        ShortForm => "short_form",
        Transliteration => "transliteration",
        Married => "married",
    }
);

code_enum!(
    Sex, "sex" {
        Female => "female",
        Male => "male",
        Other => "other",
        Unknown => "unknown",
    }
);

code_enum!(
    /// The sought person's relationship to the enquirer ("my brother").
    Relationship, "relationship" {
        Father => "father",
        Mother => "mother",
        Son => "son",
        Daughter => "daughter",
        Brother => "brother",
        Sister => "sister",
        HalfBrother => "half_brother",
        HalfSister => "half_sister",
        Husband => "husband",
        Wife => "wife",
        Partner => "partner",
        Fiance => "fiance",
        Grandfather => "grandfather",
        Grandmother => "grandmother",
        Grandson => "grandson",
        Granddaughter => "granddaughter",
        Uncle => "uncle",
        Aunt => "aunt",
        Nephew => "nephew",
        Niece => "niece",
        Cousin => "cousin",
        Stepfather => "stepfather",
        Stepmother => "stepmother",
        Stepson => "stepson",
        Stepdaughter => "stepdaughter",
        Guardian => "guardian",
        OtherRelative => "other_relative",
    }
);

/// One name of a person as written, with its script and, when known, its
/// parts (a patronymic chain is given + father + grandfather + family).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    full: Text,
    script: Script,
    kind: NameKind,
    given: Option<Text>,
    father: Option<Text>,
    grandfather: Option<Text>,
    family: Option<Text>,
}

pub struct NameInput<'a> {
    pub full: &'a str,
    pub kind: NameKind,
    pub given: &'a str,
    pub father: &'a str,
    pub grandfather: &'a str,
    pub family: &'a str,
}

impl PersonName {
    /// A name from its parts; `full` may be empty when parts are given, and
    /// is then the parts joined in order.
    pub fn parse(input: &NameInput<'_>) -> Result<Self, InvalidValue> {
        let given = Text::optional("given_name", input.given, 100)?;
        let father = Text::optional("father_part", input.father, 100)?;
        let grandfather = Text::optional("grandfather_part", input.grandfather, 100)?;
        let family = Text::optional("family_name", input.family, 100)?;
        let joined: Vec<&str> = [&given, &father, &grandfather, &family]
            .into_iter()
            .flatten()
            .map(Text::as_str)
            .collect();
        let full_text = if input.full.trim().is_empty() {
            joined.join(" ")
        } else {
            input.full.to_owned()
        };
        if full_text.trim().is_empty() {
            return Err(InvalidValue::new("name", crate::Problem::Empty));
        }
        let full = Text::parse("name", &full_text, 200, false)?;
        if !full.as_str().chars().any(char::is_alphabetic) {
            return Err(InvalidValue::new("name", crate::Problem::NoLetters));
        }
        Ok(Self {
            script: Script::detect(full.as_str()),
            full,
            kind: input.kind,
            given,
            father,
            grandfather,
            family,
        })
    }

    /// A name given as one piece of text.
    pub fn simple(full: &str, kind: NameKind) -> Result<Self, InvalidValue> {
        Self::parse(&NameInput {
            full,
            kind,
            given: "",
            father: "",
            grandfather: "",
            family: "",
        })
    }

    pub fn full(&self) -> &str {
        self.full.as_str()
    }
    pub fn script(&self) -> Script {
        self.script
    }
    pub fn kind(&self) -> NameKind {
        self.kind
    }
    pub fn given(&self) -> Option<&str> {
        self.given.as_ref().map(Text::as_str)
    }
    pub fn father(&self) -> Option<&str> {
        self.father.as_ref().map(Text::as_str)
    }
    pub fn grandfather(&self) -> Option<&str> {
        self.grandfather.as_ref().map(Text::as_str)
    }
    pub fn family(&self) -> Option<&str> {
        self.family.as_ref().map(Text::as_str)
    }
}

/// Protections that change what the platform may do with a person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFlags {
    pub minor: bool,
    pub unaccompanied: bool,
    /// A known threat: never matched or disclosed outside the owning
    /// organisation.
    pub at_risk: bool,
}

/// Everything recorded about one person. At least one name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    names: Vec<PersonName>,
    pub sex: Sex,
    pub birth_date: Option<PartialDate>,
    pub age_estimate: Option<AgeEstimate>,
    pub birth_place: Option<Text>,
    pub nationalities: Vec<CountryCode>,
    pub languages: Vec<Text>,
    pub father_name: Option<Text>,
    pub mother_name: Option<Text>,
    /// Whereabouts: never shown to an enquirer without consent.
    pub last_known_place: Option<Text>,
    pub distinguishing_marks: Option<Text>,
    /// Contact details, kept for enquirers and self-registrations only.
    pub contact: Option<Text>,
    pub flags: PersonFlags,
}

impl PersonDetails {
    pub fn new(names: Vec<PersonName>, sex: Sex) -> Result<Self, InvalidValue> {
        if names.is_empty() {
            return Err(InvalidValue::new("name", crate::Problem::NameRequired));
        }
        if names.len() > 20 {
            return Err(InvalidValue::new(
                "name",
                crate::Problem::TooManyNames { max: 20 },
            ));
        }
        Ok(Self {
            names,
            sex,
            birth_date: None,
            age_estimate: None,
            birth_place: None,
            nationalities: Vec::new(),
            languages: Vec::new(),
            father_name: None,
            mother_name: None,
            last_known_place: None,
            distinguishing_marks: None,
            contact: None,
            flags: PersonFlags::default(),
        })
    }

    pub fn names(&self) -> &[PersonName] {
        &self.names
    }

    /// The first name recorded, used as the display name.
    pub fn primary_name(&self) -> &str {
        self.names.first().map(PersonName::full).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_detected_from_the_letters() {
        for (text, script) in [
            ("Mohamed Abdelrahman", Script::Latin),
            ("محمد عبد الرحمن", Script::Arabic),
            ("Олександр Шевченко", Script::Cyrillic),
            ("ተስፋይ ገብረሚካኤል", Script::Ethiopic),
            ("Müller-Lüdenscheidt", Script::Latin),
        ] {
            assert_eq!(Script::detect(text), script, "{text}");
        }
    }

    #[test]
    fn names_need_letters_and_join_their_parts() {
        let name = PersonName::parse(&NameInput {
            full: "",
            kind: NameKind::Birth,
            given: "Ahmad",
            father: "Khaled",
            grandfather: "",
            family: "Al-Hassan",
        })
        .unwrap();
        assert_eq!(name.full(), "Ahmad Khaled Al-Hassan");
        assert!(PersonName::simple("   ", NameKind::Birth).is_err());
        assert_eq!(
            PersonName::simple("12345", NameKind::Birth)
                .unwrap_err()
                .field,
            "name"
        );
        assert!(PersonDetails::new(Vec::new(), Sex::Unknown).is_err());
    }

    #[test]
    fn relationship_codes_parse_and_unknown_ones_name_the_field() {
        assert_eq!(
            Relationship::parse("brother").unwrap(),
            Relationship::Brother
        );
        assert_eq!(
            Relationship::parse("enemy").unwrap_err().field,
            "relationship"
        );
    }
}
