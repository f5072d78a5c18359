//! Parsing of the tracing forms into domain values. Every error names the
//! form field (with its prefix) so the page can point at it.

use crate::error::WebError;
use crate::extract::FormFields;
use retrace_domain::{
    AgeEstimate, Circumstances, ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose,
    CountryCode, InvalidValue, LastNews, LawfulBasis, NameInput, NameKind, NewConsent, PartialDate,
    PersonDetails, PersonFlags, PersonName, SeparationContext, Sex, SharingScope, Text, Timestamp,
};

/// Name rows a person form offers.
pub const NAME_ROWS: usize = 3;
/// Names accepted per person (the JSON API may send more than the form).
pub const MAX_NAMES: usize = 20;

/// The status codes a request list may be filtered by, in display order.
pub const STATUS_CODES: [&str; 6] = [
    "open",
    "searching",
    "located",
    "contact_restored",
    "reunited",
    "closed",
];

/// The calendar day of `at` (UTC), for refusing dates in the future.
pub fn today(at: Timestamp) -> (i32, u8, u8) {
    let date = at.to_offset_date_time().date();
    (date.year(), u8::from(date.month()), date.day())
}

fn prefixed(prefix: &str) -> impl Fn(InvalidValue) -> WebError + '_ {
    move |err| WebError::invalid(format!("{prefix}{}", err.field), err.message)
}

fn optional_text(
    form: &FormFields,
    prefix: &str,
    field: &'static str,
    max: usize,
) -> Result<Option<Text>, WebError> {
    Text::optional(field, &form.text(&format!("{prefix}{field}")), max).map_err(prefixed(prefix))
}

fn optional_date(
    form: &FormFields,
    prefix: &str,
    field: &'static str,
) -> Result<Option<PartialDate>, WebError> {
    let value = form.text(&format!("{prefix}{field}"));
    if value.is_empty() {
        return Ok(None);
    }
    PartialDate::parse_field(field, &value)
        .map(Some)
        .map_err(prefixed(prefix))
}

/// A list of ISO country codes separated by commas or spaces.
pub fn countries(
    form: &FormFields,
    prefix: &str,
    field: &'static str,
) -> Result<Vec<CountryCode>, WebError> {
    let mut list = Vec::new();
    for code in form
        .text(&format!("{prefix}{field}"))
        .split([',', ' ', ';'])
        .filter(|c| !c.trim().is_empty())
    {
        let code = CountryCode::parse(code)
            .map_err(|err| WebError::invalid(format!("{prefix}{field}"), err.message))?;
        if !list.contains(&code) {
            list.push(code);
        }
    }
    Ok(list)
}

/// A person's details from fields named `{prefix}name_1`, `{prefix}sex`, ….
/// `today` refuses birth dates in the future.
pub fn person(
    form: &FormFields,
    prefix: &str,
    today: (i32, u8, u8),
    with_contact: bool,
) -> Result<PersonDetails, WebError> {
    let mut names = Vec::new();
    for row in 1..=MAX_NAMES {
        let full = form.text(&format!("{prefix}name_{row}"));
        let parts = if row == 1 {
            [
                form.text(&format!("{prefix}given")),
                form.text(&format!("{prefix}father_part")),
                form.text(&format!("{prefix}grandfather_part")),
                form.text(&format!("{prefix}family")),
            ]
        } else {
            Default::default()
        };
        if full.is_empty() && parts.iter().all(String::is_empty) {
            continue;
        }
        let kind_field = format!("{prefix}name_kind_{row}");
        let kind = match form.text(&kind_field).as_str() {
            "" => NameKind::Birth,
            code => {
                NameKind::parse(code).map_err(|err| WebError::invalid(&kind_field, err.message))?
            }
        };
        let name = PersonName::parse(&NameInput {
            full: &full,
            kind,
            given: &parts[0],
            father: &parts[1],
            grandfather: &parts[2],
            family: &parts[3],
        })
        .map_err(|err| {
            let field = if err.field == "name" {
                format!("{prefix}name_{row}")
            } else {
                format!("{prefix}{}", err.field)
            };
            WebError::invalid(field, err.message)
        })?;
        names.push(name);
    }
    if names.is_empty() {
        return Err(WebError::invalid(
            format!("{prefix}name_1"),
            "at least one name is required",
        ));
    }
    let sex = match form.text(&format!("{prefix}sex")).as_str() {
        "" => Sex::Unknown,
        code => Sex::parse(code).map_err(prefixed(prefix))?,
    };
    let mut details = PersonDetails::new(names, sex).map_err(prefixed(prefix))?;
    details.birth_date = optional_date(form, prefix, "birth_date")?;
    if let Some(date) = details.birth_date
        && date.is_after(today)
    {
        return Err(WebError::invalid(
            format!("{prefix}birth_date"),
            "is in the future",
        ));
    }
    let age = form.text(&format!("{prefix}age"));
    if !age.is_empty() {
        let years: u32 = age
            .parse()
            .map_err(|_| WebError::invalid(format!("{prefix}age"), "must be a number of years"))?;
        let on = optional_date(form, prefix, "age_on")?.unwrap_or(
            PartialDate::parse_field("age_on", &format!("{:04}", today.0))
                .map_err(prefixed(prefix))?,
        );
        details.age_estimate = Some(AgeEstimate::new(years, on).map_err(prefixed(prefix))?);
    }
    details.birth_place = optional_text(form, prefix, "birth_place", 200)?;
    details.nationalities = countries(form, prefix, "nationalities")?;
    details.languages = form
        .text(&format!("{prefix}languages"))
        .split(',')
        .filter(|l| !l.trim().is_empty())
        .map(|l| Text::parse("languages", l, 40, false).map_err(prefixed(prefix)))
        .collect::<Result<_, _>>()?;
    details.father_name = optional_text(form, prefix, "father_name", 200)?;
    details.mother_name = optional_text(form, prefix, "mother_name", 200)?;
    details.last_known_place = optional_text(form, prefix, "last_known_place", 200)?;
    details.distinguishing_marks = optional_text(form, prefix, "marks", 500)?;
    if with_contact {
        details.contact = optional_text(form, prefix, "contact", 300)?;
    }
    details.flags = PersonFlags {
        minor: form.get(&format!("{prefix}minor")).is_some(),
        unaccompanied: form.get(&format!("{prefix}unaccompanied")).is_some(),
        at_risk: form.get(&format!("{prefix}at_risk")).is_some(),
    };
    Ok(details)
}

pub fn circumstances(form: &FormFields, today: (i32, u8, u8)) -> Result<Circumstances, WebError> {
    let context = SeparationContext::parse(&form.text("c_context"))
        .map_err(|e| WebError::invalid("c_context", e.message))?;
    let date = optional_date(form, "c_", "date")?;
    let news_date = optional_date(form, "c_", "news_date")?;
    for (field, value) in [("c_date", date), ("c_news_date", news_date)] {
        if value.is_some_and(|d| d.is_after(today)) {
            return Err(WebError::invalid(field, "is in the future"));
        }
    }
    Ok(Circumstances {
        context,
        date,
        place: optional_text(form, "c_", "place", 200)?,
        countries_transited: countries(form, "c_", "countries")?,
        last_news: LastNews {
            date: news_date,
            place: optional_text(form, "c_", "news_place", 200)?,
            source: optional_text(form, "c_", "news_source", 200)?,
        },
        narrative: match form.text("c_narrative").as_str() {
            "" => None,
            text => Some(Text::parse("c_narrative", text, 4000, true).map_err(prefixed(""))?),
        },
    })
}

/// A consent entry from `purpose`, `basis` (`self`, `guardian`,
/// `vital_interest`, `public_interest`), `method`, `countries`, `note`.
pub fn consent(form: &FormFields) -> Result<NewConsent, WebError> {
    let purpose = ConsentPurpose::parse(&form.text("purpose")).map_err(prefixed(""))?;
    let method = || -> Result<ConsentMethod, WebError> {
        ConsentMethod::parse(&form.text("method")).map_err(prefixed(""))
    };
    let basis = match form.text("basis").as_str() {
        "self" => ConsentBasis::Consent {
            given_by: ConsentGiver::Person,
            method: method()?,
        },
        "guardian" => ConsentBasis::Consent {
            given_by: ConsentGiver::Guardian,
            method: method()?,
        },
        other => ConsentBasis::Lawful(
            LawfulBasis::parse(other).map_err(|err| WebError::invalid("basis", err.message))?,
        ),
    };
    Ok(NewConsent {
        purpose,
        basis,
        scope: SharingScope {
            organisations: Vec::new(),
            countries: countries(form, "", "countries")?,
        },
        note: optional_text(form, "", "note", 500)?,
    })
}

/// The form's version field, for optimistic concurrency.
pub fn version(form: &FormFields) -> Result<i64, WebError> {
    form.text("version")
        .parse()
        .map_err(|_| WebError::invalid("version", "the form is incomplete; reload the page"))
}
