//! The tracing forms read into the input types of `retrace-app`, the
//! same types the JSON API deserialises, so a page and the API validate
//! alike. Errors come back named by JSON path (`sought[0].person.names[0]`);
//! `field_label` turns a path into the label the form shows.

use crate::error::{WebError, WebResult};
use crate::extract::FormFields;
use crate::page::Page;
use retrace_app::input::{CircumstancesInput, NameEntry, NameParts, PersonInput};
use retrace_app::persons::{ConsentInput, Registration};
use retrace_app::requests::{AddSought, ChangeStatus, OpenRequest, RequestQuery, SoughtInput};
use retrace_app::transfers::TransferInput;
use retrace_domain::Problem;

pub use retrace_app::input::MAX_NAMES;
pub use retrace_app::requests::STATUS_CODES;

/// Name rows a person form offers.
pub const NAME_ROWS: usize = 3;

/// A person from fields named `{prefix}name_1`, `{prefix}sex`, …; the first
/// name row may be given in parts (`{prefix}given`, `{prefix}family`, …).
/// Row `n` is the name at index `n - 1`, empty rows included, so an error
/// names the row it is about.
pub fn person(form: &FormFields, prefix: &str) -> PersonInput {
    let field = |name: &str| form.text(&format!("{prefix}{name}"));
    let names = (1..=MAX_NAMES)
        .map(|row| NameEntry {
            full: field(&format!("name_{row}")),
            kind: field(&format!("name_kind_{row}")),
            parts: if row == 1 {
                NameParts {
                    given: field("given"),
                    father: field("father_part"),
                    grandfather: field("grandfather_part"),
                    family: field("family"),
                }
            } else {
                NameParts::default()
            },
        })
        .collect();
    let checked = |name: &str| form.get(&format!("{prefix}{name}")).is_some();
    PersonInput {
        names,
        sex: field("sex"),
        birth_date: field("birth_date"),
        age: field("age"),
        age_on: field("age_on"),
        birth_place: field("birth_place"),
        nationalities: vec![field("nationalities")],
        languages: vec![field("languages")],
        father_name: field("father_name"),
        mother_name: field("mother_name"),
        last_known_place: field("last_known_place"),
        distinguishing_marks: field("marks"),
        contact: field("contact"),
        minor: checked("minor"),
        unaccompanied: checked("unaccompanied"),
        at_risk: checked("at_risk"),
    }
}

/// The circumstances from fields named `c_context`, `c_date`, ….
pub fn circumstances(form: &FormFields) -> CircumstancesInput {
    CircumstancesInput {
        context: form.text("c_context"),
        date: form.text("c_date"),
        place: form.text("c_place"),
        countries_transited: vec![form.text("c_countries")],
        news_date: form.text("c_news_date"),
        news_place: form.text("c_news_place"),
        news_source: form.text("c_news_source"),
        narrative: form.text("c_narrative"),
    }
}

/// The new request form: enquirer (`e_`), one sought person (`s_`), the
/// circumstances (`c_`) and the consents ticked.
pub fn open_request(form: &FormFields) -> OpenRequest {
    OpenRequest {
        enquirer: person(form, "e_"),
        sought: vec![SoughtInput {
            relationship: form.text("s_relationship"),
            person: person(form, "s_"),
        }],
        circumstances: circumstances(form),
        enquirer_consent_method: form
            .get("e_tracing_consent")
            .map(|_| form.text("e_consent_method")),
        vital_interest: form.get("s_vital_interest").is_some(),
    }
}

pub fn add_sought(form: &FormFields) -> AddSought {
    AddSought {
        relationship: form.text("s_relationship"),
        person: person(form, "s_"),
        vital_interest: form.get("s_vital_interest").is_some(),
    }
}

pub fn registration(form: &FormFields) -> Registration {
    Registration {
        kind: form.text("kind"),
        person: person(form, "p_"),
        consent_method: form
            .get("p_tracing_consent")
            .map(|_| form.text("p_consent_method")),
    }
}

/// A consent entry from `purpose`, `basis` (`self`, `guardian`,
/// `vital_interest`, `public_interest`), `method`, `countries`, `note`.
pub fn consent(form: &FormFields) -> ConsentInput {
    ConsentInput {
        purpose: form.text("purpose"),
        basis: form.text("basis"),
        method: form.text("method"),
        countries: vec![form.text("countries")],
        note: form.text("note"),
    }
}

pub fn change_status(form: &FormFields, version: i64) -> ChangeStatus {
    ChangeStatus {
        version,
        status: form.text("status"),
        closure_reason: form.text("closure_reason"),
        note: form.text("note"),
    }
}

/// The transfer form; the receiving organisation is the `to_org` field.
pub fn transfer(form: &FormFields) -> TransferInput {
    TransferInput {
        to_organisation: form.text("to_org"),
        circumstances: form.get("circumstances").is_some(),
        sought: form.all("sought"),
        enquirer_names: form.get("enquirer_names").is_some(),
        enquirer_contact: form.get("enquirer_contact").is_some(),
        note: form.get("note").unwrap_or_default().to_owned(),
    }
}

/// The request list's filters sent in a form (the export form repeats them).
pub fn request_query(form: &FormFields) -> RequestQuery {
    RequestQuery {
        status: form.text("status"),
        nationality: form.text("nationality"),
        from: form.text("from"),
        to: form.text("to"),
        q: form.text("q"),
        name: form.text("name"),
        ..RequestQuery::default()
    }
}

/// A destructive action (release, consent withdrawal, takedown, closing)
/// goes ahead only with its confirmation box ticked: the page marks the box
/// `required`, and a request without it is refused here.
pub fn confirmed(form: &FormFields) -> WebResult<()> {
    if form.get("confirm").is_some() {
        Ok(())
    } else {
        Err(WebError::invalid("confirm", Problem::Confirm))
    }
}

/// The form's version field, for optimistic concurrency.
pub fn version(form: &FormFields) -> WebResult<i64> {
    form.text("version")
        .parse()
        .map_err(|_| WebError::invalid("version", Problem::FormIncomplete))
}

/// The label of the field an error names, with the person it belongs to:
/// `sought[0].person.birth_date` → "Sought person · Date of birth".
/// `subject` (a translation key) is the person of a form about one person
/// (`person.…`, `relationship`), if the label should say so.
pub fn field_label(page: &Page, field: &str, subject: Option<&str>) -> String {
    let (who, rest) = if let Some(rest) = field.strip_prefix("enquirer.") {
        (Some("enquirer"), rest)
    } else if field == "enquirer_consent_method" {
        (Some("enquirer"), "consent_method")
    } else if let Some(rest) = field.strip_prefix("sought[") {
        let rest = rest.split_once("].").map_or(rest, |(_, rest)| rest);
        (
            Some("sought-person"),
            rest.strip_prefix("person.").unwrap_or(rest),
        )
    } else if let Some(rest) = field.strip_prefix("circumstances.") {
        (Some("circumstances"), rest)
    } else if let Some(rest) = field.strip_prefix("person.") {
        (subject, rest)
    } else if field == "relationship" {
        (subject, field)
    } else {
        (None, field)
    };
    // `names[1].kind` → `names.kind`: the label is the same for every row.
    let mut base = String::new();
    let mut in_index = false;
    for c in rest.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            c if !in_index => base.push(c),
            _ => {}
        }
    }
    let key = match base.as_str() {
        "names" => "name".to_owned(),
        "names.kind" => "name-kind".to_owned(),
        "distinguishing_marks" => "marks".to_owned(),
        "countries_transited" => "countries".to_owned(),
        other => other.replace(['_', '.'], "-"),
    };
    let label = page.t(&format!("field-{key}"));
    match who {
        Some(who) => format!("{} · {label}", page.t(who)),
        None => label,
    }
}

/// The label of a field of one of the other forms (referral, directory,
/// outreach, …), whose labels are the locale keys `{form}-field-{key}`:
/// the JSON path without its indices, `_` and `.` as `-`
/// (`risk.safety_plan` → `referral-field-risk-safety-plan`,
/// `services[2]` → `referral-field-services`).
pub fn form_field_label(page: &Page, form: &str, field: &str) -> String {
    let mut key = String::new();
    let mut in_index = false;
    for c in field.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            '_' | '.' if !in_index => key.push('-'),
            c if !in_index => key.push(c),
            _ => {}
        }
    }
    page.t(&format!("{form}-field-{key}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn json_paths_read_as_the_form_labels() {
        let page = Page {
            lang: Lang::En,
            csrf: String::new(),
            here: "/".to_owned(),
            user: None,
            nav: Vec::new(),
        };
        for (field, subject, label) in [
            ("enquirer.names[0]", None, "Enquirer · Name"),
            ("enquirer.names[1].kind", None, "Enquirer · Kind of name"),
            (
                "sought[0].person.birth_date",
                None,
                "Sought person · Date of birth",
            ),
            (
                "sought[2].relationship",
                None,
                "Sought person · Relationship to the enquirer",
            ),
            (
                "circumstances.countries_transited",
                None,
                "Circumstances of separation · Countries transited",
            ),
            ("person.distinguishing_marks", None, "Distinguishing marks"),
            (
                "person.age",
                Some("sought-person"),
                "Sought person · Estimated age",
            ),
            (
                "enquirer_consent_method",
                None,
                "Enquirer · How consent was given",
            ),
            ("version", None, "Version"),
        ] {
            assert_eq!(field_label(&page, field, subject), label, "{field}");
        }
        for (form, field, label) in [
            ("referral", "risk.safety_plan", "Safety plan"),
            ("referral", "services[2]", "Services asked"),
            ("directory", "opening_hours", "Opening hours"),
            ("network", "countries[0]", "Countries"),
        ] {
            assert_eq!(form_field_label(&page, form, field), label, "{field}");
        }
    }
}
