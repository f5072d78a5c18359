//! What is wrong with a value, as a code with parameters rather than an
//! English sentence: the web layer translates each code (`error-…` keys in
//! four languages) and fills its parameters; the JSON API shows the English
//! sentence (`Display`). See `docs/adr/0021-form-errors.md`.

use std::fmt;

/// A parameter of a problem, formatted by the language that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemArg {
    Number(i64),
    /// Text typed by the person or a code (shown isolated left to right).
    Text(String),
}

/// Why a value was refused. `Rule` carries an English sentence for the
/// rules of the use cases that have no code yet; every other variant is
/// translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    Empty,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    ControlCharacters,
    ChooseOne,
    UnknownCode {
        value: String,
    },
    DateFormat,
    YearRange {
        min: i32,
        max: i32,
    },
    MonthRange,
    NoSuchDay {
        month: String,
        day: u32,
    },
    InFuture,
    AgeRange {
        max: u32,
    },
    AgeNotNumber,
    NameRequired,
    TooManyNames {
        max: usize,
    },
    NoLetters,
    CountryCode,
    CountryTwoLetters,
    LanguageCode {
        value: String,
    },
    LanguageCodes,
    Email,
    /// A public phone number: digits with `+`, spaces, dots, dashes or
    /// brackets.
    Phone,
    OrgKind,
    UnknownRole {
        value: String,
    },
    NoRole,
    GalleryReference,
    CaseReference,
    CaseNumberRange,
    Identifier,
    GuardianOnlyForMinor,
    MinorPublicationNeedsGuardian,
    SharingNeedsScope,
    ScopeOnlyForSharing,
    ClosureReasonRequired,
    TopicCode,
    ServicesRequired,
    StepRepeated,
    StepsRequired,
    TooManySteps {
        max: usize,
    },
    UtcOffset {
        value: String,
    },
    UtcOffsetRange,
    OpeningHours {
        part: String,
    },
    MaxAgeBelowMin,
    MaxAgeTooHigh {
        max: u32,
    },
    FileFormat,
    ScopesRequired,
    UnknownScope {
        value: String,
    },
    Confirm,
    /// A count typed by hand that is not a whole number from 0 to `max`.
    WholeNumber {
        max: i64,
    },
    /// A figure the platform computes from its own records, sent as if it
    /// were entered by hand (pledge indicators).
    ComputedFigure,
    /// A reporting year outside what may be entered or read.
    ReportingYear {
        min: i32,
        max: i32,
    },
    /// A rule of a use case without a code yet, in English.
    Rule(String),
}

impl Problem {
    /// The translation key: `error-` and the variant in kebab case
    /// (`TooLong` → `error-too-long`); `None` for `Rule`.
    pub fn key(&self) -> Option<&'static str> {
        use Problem::*;
        Some(match self {
            Required => "error-required",
            Empty => "error-empty",
            TooLong { .. } => "error-too-long",
            TooShort { .. } => "error-too-short",
            ControlCharacters => "error-control-characters",
            ChooseOne => "error-choose-one",
            UnknownCode { .. } => "error-unknown-code",
            DateFormat => "error-date-format",
            YearRange { .. } => "error-year-range",
            MonthRange => "error-month-range",
            NoSuchDay { .. } => "error-no-such-day",
            InFuture => "error-in-future",
            AgeRange { .. } => "error-age-range",
            AgeNotNumber => "error-age-not-number",
            NameRequired => "error-name-required",
            TooManyNames { .. } => "error-too-many-names",
            NoLetters => "error-no-letters",
            CountryCode => "error-country-code",
            CountryTwoLetters => "error-country-two-letters",
            LanguageCode { .. } => "error-language-code",
            LanguageCodes => "error-language-codes",
            Email => "error-email",
            Phone => "poster-error-phone",
            OrgKind => "error-org-kind",
            UnknownRole { .. } => "error-unknown-role",
            NoRole => "error-no-role",
            GalleryReference => "error-gallery-reference",
            CaseReference => "error-case-reference",
            CaseNumberRange => "error-case-number-range",
            Identifier => "error-identifier",
            GuardianOnlyForMinor => "error-guardian-only-for-minor",
            MinorPublicationNeedsGuardian => "error-minor-publication-needs-guardian",
            SharingNeedsScope => "error-sharing-needs-scope",
            ScopeOnlyForSharing => "error-scope-only-for-sharing",
            ClosureReasonRequired => "error-closure-reason-required",
            TopicCode => "error-topic-code",
            ServicesRequired => "error-services-required",
            StepRepeated => "error-step-repeated",
            StepsRequired => "error-steps-required",
            TooManySteps { .. } => "error-too-many-steps",
            UtcOffset { .. } => "error-utc-offset",
            UtcOffsetRange => "error-utc-offset-range",
            OpeningHours { .. } => "error-opening-hours",
            MaxAgeBelowMin => "error-max-age-below-min",
            MaxAgeTooHigh { .. } => "error-max-age-too-high",
            FileFormat => "error-file-format",
            ScopesRequired => "error-scopes-required",
            UnknownScope { .. } => "error-unknown-scope",
            Confirm => "error-confirm",
            WholeNumber { .. } => "indicators-error-whole-number",
            ComputedFigure => "indicators-error-computed",
            ReportingYear { .. } => "indicators-error-year",
            Rule(_) => return None,
        })
    }

    /// The parameters the translation fills, by name.
    pub fn args(&self) -> Vec<(&'static str, ProblemArg)> {
        use Problem::*;
        let number = |n: i64| ProblemArg::Number(n);
        let text = |t: &str| ProblemArg::Text(t.to_owned());
        match self {
            TooLong { max } | TooManyNames { max } | TooManySteps { max } => {
                vec![("max", number(*max as i64))]
            }
            TooShort { min } => vec![("min", number(*min as i64))],
            WholeNumber { max } => vec![("max", number(*max))],
            YearRange { min, max } | ReportingYear { min, max } => vec![
                ("min", number(i64::from(*min))),
                ("max", number(i64::from(*max))),
            ],
            AgeRange { max } | MaxAgeTooHigh { max } => vec![("max", number(i64::from(*max)))],
            NoSuchDay { month, day } => {
                vec![("month", text(month)), ("day", number(i64::from(*day)))]
            }
            UnknownCode { value }
            | LanguageCode { value }
            | UnknownRole { value }
            | UtcOffset { value }
            | UnknownScope { value } => vec![("value", text(value))],
            OpeningHours { part } => vec![("value", text(part))],
            _ => Vec::new(),
        }
    }

    /// One value of every variant, for tests that walk them all (the
    /// translation test of the web layer). `Rule` is not among them.
    pub fn examples() -> Vec<Problem> {
        use Problem::*;
        let all = vec![
            Required,
            Empty,
            TooLong { max: 200 },
            TooShort { min: 2 },
            ControlCharacters,
            ChooseOne,
            UnknownCode {
                value: "xyz".to_owned(),
            },
            DateFormat,
            YearRange {
                min: 1880,
                max: 2100,
            },
            MonthRange,
            NoSuchDay {
                month: "2026-02".to_owned(),
                day: 30,
            },
            InFuture,
            AgeRange { max: 120 },
            AgeNotNumber,
            NameRequired,
            TooManyNames { max: 20 },
            NoLetters,
            CountryCode,
            CountryTwoLetters,
            LanguageCode {
                value: "xyz".to_owned(),
            },
            LanguageCodes,
            Email,
            Phone,
            OrgKind,
            UnknownRole {
                value: "xyz".to_owned(),
            },
            NoRole,
            GalleryReference,
            CaseReference,
            CaseNumberRange,
            Identifier,
            GuardianOnlyForMinor,
            MinorPublicationNeedsGuardian,
            SharingNeedsScope,
            ScopeOnlyForSharing,
            ClosureReasonRequired,
            TopicCode,
            ServicesRequired,
            StepRepeated,
            StepsRequired,
            TooManySteps { max: 30 },
            UtcOffset {
                value: "+25".to_owned(),
            },
            UtcOffsetRange,
            OpeningHours {
                part: "Mo 9-5".to_owned(),
            },
            MaxAgeBelowMin,
            MaxAgeTooHigh { max: 120 },
            FileFormat,
            ScopesRequired,
            UnknownScope {
                value: "xyz".to_owned(),
            },
            Confirm,
            WholeNumber { max: 10_000_000 },
            ComputedFigure,
            ReportingYear {
                min: 2000,
                max: 2026,
            },
        ];
        // A new variant must be added above: this match has no catch-all.
        for problem in &all {
            match problem {
                Required
                | Empty
                | TooLong { .. }
                | TooShort { .. }
                | ControlCharacters
                | ChooseOne
                | UnknownCode { .. }
                | DateFormat
                | YearRange { .. }
                | MonthRange
                | NoSuchDay { .. }
                | InFuture
                | AgeRange { .. }
                | AgeNotNumber
                | NameRequired
                | TooManyNames { .. }
                | NoLetters
                | CountryCode
                | CountryTwoLetters
                | LanguageCode { .. }
                | LanguageCodes
                | Email
                | Phone
                | OrgKind
                | UnknownRole { .. }
                | NoRole
                | GalleryReference
                | CaseReference
                | CaseNumberRange
                | Identifier
                | GuardianOnlyForMinor
                | MinorPublicationNeedsGuardian
                | SharingNeedsScope
                | ScopeOnlyForSharing
                | ClosureReasonRequired
                | TopicCode
                | ServicesRequired
                | StepRepeated
                | StepsRequired
                | TooManySteps { .. }
                | UtcOffset { .. }
                | UtcOffsetRange
                | OpeningHours { .. }
                | MaxAgeBelowMin
                | MaxAgeTooHigh { .. }
                | FileFormat
                | ScopesRequired
                | UnknownScope { .. }
                | Confirm
                | WholeNumber { .. }
                | ComputedFigure
                | ReportingYear { .. }
                | Rule(_) => {}
            }
        }
        all
    }
}

impl From<&str> for Problem {
    fn from(rule: &str) -> Self {
        Problem::Rule(rule.to_owned())
    }
}

impl From<String> for Problem {
    fn from(rule: String) -> Self {
        Problem::Rule(rule)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Problem::*;
        match self {
            Required => f.write_str("is required"),
            Empty => f.write_str("must not be empty"),
            TooLong { max } => write!(f, "must have at most {max} characters"),
            TooShort { min } => write!(f, "must have at least {min} characters"),
            ControlCharacters => f.write_str("must not contain control characters"),
            ChooseOne => f.write_str("choose one"),
            UnknownCode { value } => write!(f, "unknown code {value:?}"),
            DateFormat => {
                f.write_str("must be a year (1990), a month (1990-05) or a date (1990-05-12)")
            }
            YearRange { min, max } => write!(f, "the year must be between {min} and {max}"),
            MonthRange => f.write_str("the month must be from 01 to 12"),
            NoSuchDay { month, day } => write!(f, "{month} has no day {day}"),
            InFuture => f.write_str("is in the future"),
            AgeRange { max } => write!(f, "must be from 0 to {max} years"),
            AgeNotNumber => f.write_str("must be a number of years"),
            NameRequired => f.write_str("at least one name is required"),
            TooManyNames { max } => write!(f, "at most {max} names per person"),
            NoLetters => f.write_str("must contain letters"),
            CountryCode => f.write_str("must be an ISO 3166-1 alpha-2 code such as BE, FR or SY"),
            CountryTwoLetters => f.write_str("must be two letters"),
            LanguageCode { value } => write!(
                f,
                "{value:?} is not a two-letter language code such as en or ar"
            ),
            LanguageCodes => f.write_str("must be ISO 639 codes such as ar, fr or ti"),
            Email => f.write_str("must be an email address such as name@example.org"),
            Phone => {
                f.write_str("must be a phone number of 6 to 20 digits, such as +32 2 555 01 23")
            }
            OrgKind => f.write_str(
                "must be one of national_society, icrc, ifrc, iom, government_agency, ngo",
            ),
            UnknownRole { value } => write!(
                f,
                "unknown role {value:?}: use org_admin, caseworker, referral_officer, outreach_worker, coordinator or viewer"
            ),
            NoRole => f.write_str("choose at least one role"),
            GalleryReference => f.write_str("is not a gallery reference"),
            CaseReference => f.write_str("must look like BE-2026-00042"),
            CaseNumberRange => f.write_str("the number must be from 1 to 99999"),
            Identifier => f.write_str("is not a valid identifier"),
            GuardianOnlyForMinor => f.write_str("a guardian consents only for a minor"),
            MinorPublicationNeedsGuardian => {
                f.write_str("publication of a minor needs a guardian's consent")
            }
            SharingNeedsScope => {
                f.write_str("name the organisations or countries the person agreed to share with")
            }
            ScopeOnlyForSharing => {
                f.write_str("only a sharing consent has organisations or countries")
            }
            ClosureReasonRequired => f.write_str("a closed request needs a reason"),
            TopicCode => f.write_str("must be 2 to 40 lower-case letters, digits or underscores"),
            ServicesRequired => f.write_str("choose at least one service"),
            StepRepeated => f.write_str("each step is listed once"),
            StepsRequired => f.write_str("write at least one step"),
            TooManySteps { max } => write!(f, "at most {max} steps"),
            UtcOffset { value } => write!(
                f,
                "{value:?} is not an offset from UTC such as +01:00 or -05:00"
            ),
            UtcOffsetRange => f.write_str("is out of range"),
            OpeningHours { part } => write!(
                f,
                "{part:?} is not understood: write for example \"Mo-Fr 09:00-17:00; Sa 10:00-12:00\" or \"24/7\""
            ),
            MaxAgeBelowMin => f.write_str("must not be below the minimum age"),
            MaxAgeTooHigh { max } => write!(f, "must be at most {max}"),
            FileFormat => f.write_str("must be a PDF, DOCX, ODT, TXT, HTML or Markdown file"),
            ScopesRequired => f.write_str("choose at least one of read, write, export, admin"),
            UnknownScope { value } => {
                write!(
                    f,
                    "`{value}` is not a scope: use read, write, export or admin"
                )
            }
            Confirm => f.write_str("tick the box to confirm"),
            WholeNumber { max } => write!(f, "must be a whole number from 0 to {max}"),
            ComputedFigure => f.write_str(
                "is computed from the platform's own records and cannot be entered by hand",
            ),
            ReportingYear { min, max } => {
                write!(f, "the year must be between {min} and {max}")
            }
            Rule(rule) => f.write_str(rule),
        }
    }
}

/// A problem with the field it is about (a JSON path such as
/// `sought[0].person.birth_date`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

/// Every problem a form or a JSON body has, collected rather than stopping
/// at the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn push(&mut self, field: impl Into<String>, problem: impl Into<Problem>) {
        self.0.push(FieldError {
            field: field.into(),
            problem: problem.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coded_problem_has_its_own_key_and_english_sentence() {
        let examples = Problem::examples();
        let mut keys: Vec<&str> = examples.iter().filter_map(Problem::key).collect();
        assert_eq!(keys.len(), examples.len());
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), examples.len(), "two variants share a key");
        for problem in &examples {
            assert!(!problem.to_string().is_empty());
        }
        assert_eq!(Problem::from("a rule").key(), None);
        assert_eq!(
            Problem::NoSuchDay {
                month: "2026-02".to_owned(),
                day: 30
            }
            .to_string(),
            "2026-02 has no day 30"
        );
    }
}
