//! Input shared by several use cases: a person and the circumstances of a
//! separation, as a caseworker enters them. The JSON API deserialises them
//! straight from its bodies; the HTML form parser builds the same values.
//!
//! These types hold what was sent, not what is valid: validation needs
//! the day (no birth date in the future) and the person's role (a sought
//! person has no contact details), so it happens in the use case, with
//! every error named by its JSON path (`sought[0].person.names[1]`).
//! Text fields accept a string, a number or `null`, as the API always has.

use crate::{AppError, AppResult, Collect};
use retrace_domain::{
    AgeEstimate, Circumstances, CountryCode, InvalidValue, LastNews, NameInput, NameKind,
    PartialDate, PersonDetails, PersonFlags, PersonName, Problem, SeparationContext, Sex, Text,
    Timestamp,
};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// Names accepted per person.
pub const MAX_NAMES: usize = 20;

/// The calendar day of `at` (UTC), for refusing dates in the future.
pub fn today(at: Timestamp) -> (i32, u8, u8) {
    let date = at.to_offset_date_time().date();
    (date.year(), u8::from(date.month()), date.day())
}

/// `field` under `path`: `at("enquirer", "sex")` is `enquirer.sex`.
pub(crate) fn at(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// A domain error moved under `path`.
pub(crate) fn under(path: &str) -> impl Fn(InvalidValue) -> AppError + '_ {
    move |error| AppError::invalid(at(path, error.field), error.problem)
}

// ---------------------------------------------------------------- lenient values

struct LenientText;

impl Visitor<'_> for LenientText {
    type Value = String;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_owned())
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<String, E> {
        Ok(value.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
}

/// A string, a number (as its text) or `null` (empty).
pub fn lenient_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(LenientText)
}

/// `null` reads as the type's default (an empty list, `false`).
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

// ---------------------------------------------------------------- persons

/// A name as sent: a string, or an object with `full` and `kind`. The
/// form's first row may give the name in parts instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameEntry {
    pub full: String,
    /// A `NameKind` code; empty for a birth name.
    pub kind: String,
    pub parts: NameParts,
}

/// A name in parts (given name, father's and grandfather's names, family
/// name), joined in that order when the full name is left empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    pub given: String,
    pub father: String,
    pub grandfather: String,
    pub family: String,
}

impl NameParts {
    fn is_empty(&self) -> bool {
        [&self.given, &self.father, &self.grandfather, &self.family]
            .iter()
            .all(|part| part.trim().is_empty())
    }
}

struct NameEntryVisitor;

impl<'de> Visitor<'de> for NameEntryVisitor {
    type Value = NameEntry;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a string or an object with `full` and `kind`")
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<NameEntry, E> {
        Ok(NameEntry {
            full: value.to_owned(),
            ..NameEntry::default()
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NameEntry, A::Error> {
        #[derive(Deserialize)]
        struct Text(#[serde(deserialize_with = "lenient_text")] String);
        let mut entry = NameEntry::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "full" => entry.full = map.next_value::<Text>()?.0,
                "kind" => entry.kind = map.next_value::<Text>()?.0,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(entry)
    }
}

impl<'de> Deserialize<'de> for NameEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NameEntryVisitor)
    }
}

/// A person as entered. Lists may also hold one comma-separated entry
/// (the form's text field); `distinguishing_marks` is the form's `marks`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonInput {
    #[serde(default, deserialize_with = "null_as_default")]
    pub names: Vec<NameEntry>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub sex: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub birth_date: String,
    /// Estimated age in years.
    #[serde(default, deserialize_with = "lenient_text")]
    pub age: String,
    /// When the age was estimated; this year when empty.
    #[serde(default, deserialize_with = "lenient_text")]
    pub age_on: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub birth_place: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub nationalities: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub languages: Vec<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub father_name: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub mother_name: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub last_known_place: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub distinguishing_marks: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub contact: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub minor: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub unaccompanied: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub at_risk: bool,
}

fn optional_text(
    path: &str,
    field: &'static str,
    value: &str,
    max: usize,
) -> AppResult<Option<Text>> {
    Text::optional(field, value.trim(), max).map_err(under(path))
}

fn optional_date(path: &str, field: &'static str, value: &str) -> AppResult<Option<PartialDate>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    PartialDate::parse_field(field, value)
        .map(Some)
        .map_err(under(path))
}

/// ISO country codes; each entry may hold several, separated by commas,
/// spaces or semicolons. Duplicates are dropped.
pub(crate) fn countries(
    path: &str,
    field: &str,
    entries: &[String],
) -> AppResult<Vec<CountryCode>> {
    let mut list = Vec::new();
    for code in entries
        .iter()
        .flat_map(|entry| entry.split([',', ' ', ';']))
        .filter(|code| !code.trim().is_empty())
    {
        let code = CountryCode::parse(code)
            .map_err(|err| AppError::invalid(at(path, field), err.problem))?;
        if !list.contains(&code) {
            list.push(code);
        }
    }
    Ok(list)
}

impl PersonInput {
    /// The person's details, errors named under `path`. `today` refuses
    /// dates in the future; without `with_contact` the contact is ignored.
    pub(crate) fn details(
        &self,
        path: &str,
        today: (i32, u8, u8),
        with_contact: bool,
    ) -> AppResult<PersonDetails> {
        // Every field is checked and every error reported at once.
        let mut errors = Collect::default();
        if self.names.len() > MAX_NAMES {
            return Err(AppError::invalid(
                at(path, "names"),
                Problem::TooManyNames { max: MAX_NAMES },
            ));
        }
        let mut names = Vec::new();
        for (index, entry) in self.names.iter().enumerate() {
            let full = entry.full.trim();
            if full.is_empty() && entry.parts.is_empty() {
                continue;
            }
            let kind = match entry.kind.trim() {
                "" => Some(NameKind::Birth),
                code => errors.take(NameKind::parse(code).map_err(|err| {
                    AppError::invalid(at(path, &format!("names[{index}].kind")), err.problem)
                }))?,
            };
            let name = PersonName::parse(&NameInput {
                full,
                kind: kind.unwrap_or(NameKind::Birth),
                given: entry.parts.given.trim(),
                father: entry.parts.father.trim(),
                grandfather: entry.parts.grandfather.trim(),
                family: entry.parts.family.trim(),
            })
            .map_err(|err| {
                let field = if err.field == "name" {
                    format!("names[{index}]")
                } else {
                    err.field.to_owned()
                };
                AppError::invalid(at(path, &field), err.problem)
            });
            if let Some(name) = errors.take(name)? {
                names.push(name);
            }
        }
        if names.is_empty()
            && self
                .names
                .iter()
                .all(|entry| entry.full.trim().is_empty() && entry.parts.is_empty())
        {
            errors.push(at(path, "names[0]"), Problem::NameRequired);
        }
        let sex = match self.sex.trim() {
            "" => Some(Sex::Unknown),
            code => errors.take(Sex::parse(code).map_err(under(path)))?,
        };
        let birth_date = errors
            .take(optional_date(path, "birth_date", &self.birth_date))?
            .flatten();
        if birth_date.is_some_and(|date| date.is_after(today)) {
            errors.push(at(path, "birth_date"), Problem::InFuture);
        }
        let age = self.age.trim();
        let mut age_estimate = None;
        if !age.is_empty() {
            let years = errors.take(
                age.parse::<u32>()
                    .map_err(|_| AppError::invalid(at(path, "age"), Problem::AgeNotNumber)),
            )?;
            let on = match errors.take(optional_date(path, "age_on", &self.age_on))? {
                Some(Some(on)) => Some(on),
                Some(None) => errors.take(
                    PartialDate::parse_field("age_on", &format!("{:04}", today.0))
                        .map_err(under(path)),
                )?,
                None => None,
            };
            if let (Some(years), Some(on)) = (years, on) {
                age_estimate = errors.take(AgeEstimate::new(years, on).map_err(under(path)))?;
            }
        }
        let birth_place =
            errors.take(optional_text(path, "birth_place", &self.birth_place, 200))?;
        let nationalities = errors.take(countries(path, "nationalities", &self.nationalities))?;
        let languages = errors.take(
            self.languages
                .iter()
                .flat_map(|entry| entry.split(','))
                .filter(|language| !language.trim().is_empty())
                .map(|language| Text::parse("languages", language, 40, false).map_err(under(path)))
                .collect::<AppResult<Vec<_>>>(),
        )?;
        let father_name =
            errors.take(optional_text(path, "father_name", &self.father_name, 200))?;
        let mother_name =
            errors.take(optional_text(path, "mother_name", &self.mother_name, 200))?;
        let last_known_place = errors.take(optional_text(
            path,
            "last_known_place",
            &self.last_known_place,
            200,
        ))?;
        let distinguishing_marks = errors.take(optional_text(
            path,
            "distinguishing_marks",
            &self.distinguishing_marks,
            500,
        ))?;
        let contact = if with_contact {
            errors.take(optional_text(path, "contact", &self.contact, 300))?
        } else {
            Some(None)
        };
        let details = match sex {
            Some(sex) if !names.is_empty() => {
                errors.take(PersonDetails::new(names, sex).map_err(under(path)))?
            }
            _ => None,
        };
        errors.finish()?;
        let Some(mut details) = details else {
            return Err(AppError::invalid(
                at(path, "names[0]"),
                Problem::NameRequired,
            ));
        };
        details.birth_date = birth_date;
        details.age_estimate = age_estimate;
        details.birth_place = birth_place.flatten();
        details.nationalities = nationalities.unwrap_or_default();
        details.languages = languages.unwrap_or_default();
        details.father_name = father_name.flatten();
        details.mother_name = mother_name.flatten();
        details.last_known_place = last_known_place.flatten();
        details.distinguishing_marks = distinguishing_marks.flatten();
        details.contact = contact.flatten();
        details.flags = PersonFlags {
            minor: self.minor,
            unaccompanied: self.unaccompanied,
            at_risk: self.at_risk,
        };
        Ok(details)
    }
}

// ---------------------------------------------------------------- circumstances

/// The circumstances of a separation as entered.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CircumstancesInput {
    /// A `SeparationContext` code.
    #[serde(default, deserialize_with = "lenient_text")]
    pub context: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub date: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub place: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub countries_transited: Vec<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub news_date: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub news_place: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub news_source: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub narrative: String,
}

impl CircumstancesInput {
    /// The circumstances, errors named under `path`.
    pub(crate) fn parse(&self, path: &str, today: (i32, u8, u8)) -> AppResult<Circumstances> {
        let mut errors = Collect::default();
        let context = errors.take(
            SeparationContext::parse(self.context.trim())
                .map_err(|err| AppError::invalid(at(path, "context"), err.problem)),
        )?;
        let date = errors
            .take(optional_date(path, "date", &self.date))?
            .flatten();
        let news_date = errors
            .take(optional_date(path, "news_date", &self.news_date))?
            .flatten();
        for (field, value) in [("date", date), ("news_date", news_date)] {
            if value.is_some_and(|d| d.is_after(today)) {
                errors.push(at(path, field), Problem::InFuture);
            }
        }
        let place = errors.take(optional_text(path, "place", &self.place, 200))?;
        let countries_transited = errors.take(countries(
            path,
            "countries_transited",
            &self.countries_transited,
        ))?;
        let news_place = errors.take(optional_text(path, "news_place", &self.news_place, 200))?;
        let news_source =
            errors.take(optional_text(path, "news_source", &self.news_source, 200))?;
        let narrative = match self.narrative.trim() {
            "" => None,
            text => errors.take(Text::parse("narrative", text, 4000, true).map_err(under(path)))?,
        };
        errors.finish()?;
        let Some(context) = context else {
            return Err(AppError::invalid(at(path, "context"), Problem::ChooseOne));
        };
        Ok(Circumstances {
            context,
            date,
            place: place.flatten(),
            countries_transited: countries_transited.unwrap_or_default(),
            last_news: LastNews {
                date: news_date,
                place: news_place.flatten(),
                source: news_source.flatten(),
            },
            narrative,
        })
    }
}

/// The code of a JSON parser's refusal: where the syntax broke, or what
/// its message names.
pub fn unparsed(error: &serde_json::Error) -> retrace_domain::Unparsed {
    match error.classify() {
        serde_json::error::Category::Syntax => retrace_domain::Unparsed::Syntax {
            line: error.line(),
            column: error.column(),
        },
        serde_json::error::Category::Eof => retrace_domain::Unparsed::Truncated,
        serde_json::error::Category::Data | serde_json::error::Category::Io => {
            retrace_domain::Unparsed::of_message(&error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(json: &str) -> PersonInput {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn names_are_strings_or_objects_and_errors_name_the_path() {
        let input = person(
            r#"{"names":["", {"full":"Omar Haddad","kind":"alias","x":1}],"age":30,"sex":null}"#,
        );
        let details = input.details("enquirer", (2026, 1, 1), true).unwrap();
        assert_eq!(details.names().len(), 1);
        assert_eq!(details.names()[0].kind(), NameKind::Alias);
        assert_eq!(details.age_estimate.unwrap().years, 30);

        let check = |json: &str, field: &str| match person(json).details("p", (2026, 1, 1), true) {
            Err(AppError::Invalid { field: found, .. }) => assert_eq!(found, field, "{json}"),
            other => panic!("{json}: {other:?}"),
        };
        check(r#"{"names":[]}"#, "p.names[0]");
        check(r#"{"names":["A B", "123"]}"#, "p.names[1]");
        check(
            r#"{"names":[{"full":"A B","kind":"nick"}]}"#,
            "p.names[0].kind",
        );
        check(r#"{"names":["A B"],"birth_date":"2999"}"#, "p.birth_date");
        check(r#"{"names":["A B"],"age":"many"}"#, "p.age");
        check(
            r#"{"names":["A B"],"nationalities":["SY","ZZ"]}"#,
            "p.nationalities",
        );
        assert!(serde_json::from_str::<PersonInput>(r#"{"names":[true]}"#).is_err());
    }

    #[test]
    fn circumstances_name_their_fields() {
        let input: CircumstancesInput =
            serde_json::from_str(r#"{"context":"migration","countries_transited":["TR","ZZ"]}"#)
                .unwrap();
        match input.parse("circumstances", (2026, 1, 1)) {
            Err(AppError::Invalid { field, .. }) => {
                assert_eq!(field, "circumstances.countries_transited");
            }
            other => panic!("{other:?}"),
        }
    }
}
