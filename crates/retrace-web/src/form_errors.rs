//! Errors of a form shown on the form itself: a summary at the top (it
//! takes the focus, through `static/form-errors.js`: no inline script
//! under the CSP) linking to each field, and each field marked
//! `aria-invalid` with its message named by `aria-describedby`. Every
//! message is translated and names the field by its label, never by its
//! code. See `docs/adr/0021-form-errors.md`.

use crate::error::WebError;
use crate::forms;
use crate::page::Page;
use retrace_domain::FieldError;

/// One error as the form shows it.
pub struct ShownError {
    /// The `name` (and `id`) of the form control it is about.
    pub input: String,
    /// "Label: what is wrong", for the summary.
    pub text: String,
    /// What is wrong, next to the field.
    pub message: String,
}

/// The errors a form shows; empty on a first display.
#[derive(Default)]
pub struct FormErrors {
    pub items: Vec<ShownError>,
}

impl FormErrors {
    pub fn none() -> Self {
        Self::default()
    }

    /// The errors of `error` if it is about the input, else `None` (other
    /// errors go to the error page). `subject` is the person a one-person
    /// form is about (see `forms::field_label`); `prefix` the prefix of
    /// that person's fields in the form (`p_`, `s_`).
    pub fn of(page: &Page, error: &WebError, subject: Option<&str>, prefix: &str) -> Option<Self> {
        Self::each(error, |error| Self::shown(page, error, subject, prefix))
    }

    /// The errors of `error` on a form whose controls and labels are its
    /// own: `fields` maps the field a use case names (a JSON path's first
    /// part) to the control's `name` and the locale key of its label.
    /// Fields not listed read as in `of`.
    pub fn of_fields(page: &Page, error: &WebError, fields: &[(&str, &str, &str)]) -> Option<Self> {
        Self::each(error, |error| {
            let head = error.field.split(['.', '[']).next().unwrap_or_default();
            match fields.iter().find(|(field, _, _)| *field == head) {
                Some((_, input, label)) => {
                    let message = page.lang.problem(&error.problem);
                    ShownError {
                        input: (*input).to_owned(),
                        text: format!("{}: {message}", page.t(label)),
                        message,
                    }
                }
                None => Self::shown(page, error, None, ""),
            }
        })
    }

    /// One error about the whole form (`input` is the form's own id), such
    /// as an expired form: shown in the summary, on no field.
    pub fn about_form(input: &str, text: String) -> Self {
        Self {
            items: vec![ShownError {
                input: input.to_owned(),
                message: text.clone(),
                text,
            }],
        }
    }

    fn each(error: &WebError, shown: impl Fn(&FieldError) -> ShownError) -> Option<Self> {
        let items = match error {
            WebError::Invalid(errors) => errors.iter().map(shown).collect(),
            WebError::Conflict { field, problem } => vec![shown(&FieldError {
                field: field.clone(),
                problem: problem.clone(),
            })],
            _ => return None,
        };
        Some(Self { items })
    }

    /// The errors of `error` on a form whose labels are the locale keys
    /// `{form}-field-{path}` (see `forms::form_field_label`) and whose
    /// controls are named as the JSON paths, except those `controls` renames
    /// (`("risk.safety_plan", "risk_plan")`); `None` for errors that are
    /// not about the input.
    pub fn of_form(
        page: &Page,
        error: &WebError,
        form: &str,
        controls: &[(&str, &str)],
    ) -> Option<Self> {
        Self::labelled(
            page,
            error,
            |field| forms::form_field_label(page, form, field),
            |field| {
                controls
                    .iter()
                    .find(|(path, _)| *path == field)
                    .map_or_else(|| field.to_owned(), |(_, input)| (*input).to_owned())
            },
        )
    }

    /// The errors of `error`, each field named by `label` and its control
    /// by `input` (both given the JSON path).
    pub fn labelled(
        page: &Page,
        error: &WebError,
        label: impl Fn(&str) -> String,
        input: impl Fn(&str) -> String,
    ) -> Option<Self> {
        let errors = match error {
            WebError::Invalid(errors) => errors.clone(),
            WebError::Conflict { field, problem } => vec![FieldError {
                field: field.clone(),
                problem: problem.clone(),
            }],
            _ => return None,
        };
        let items = errors
            .iter()
            .map(|error| {
                let message = page.lang.problem(&error.problem);
                ShownError {
                    input: input(&error.field),
                    text: format!("{}: {message}", label(&error.field)),
                    message,
                }
            })
            .collect();
        Some(Self { items })
    }

    fn shown(page: &Page, error: &FieldError, subject: Option<&str>, prefix: &str) -> ShownError {
        let message = page.lang.problem(&error.problem);
        ShownError {
            input: input_name(&error.field, prefix),
            text: format!(
                "{}: {message}",
                forms::field_label(page, &error.field, subject)
            ),
            message,
        }
    }

    pub fn count(&self) -> u64 {
        self.items.len() as u64
    }

    pub fn any(&self) -> bool {
        !self.items.is_empty()
    }

    /// True when the control named `input` has an error.
    pub fn has(&self, input: &str) -> bool {
        self.items.iter().any(|item| item.input == input)
    }

    /// The messages about the control named `input`, joined.
    pub fn message(&self, input: &str) -> String {
        self.items
            .iter()
            .filter(|item| item.input == input)
            .map(|item| item.message.as_str())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// The form control a JSON path is about: `enquirer.birth_date` →
/// `e_birth_date`, `sought[0].person.names[1]` → `s_name_2`,
/// `circumstances.countries_transited` → `c_countries`; `person.…` takes
/// `prefix`. Fields of one-level forms keep their name.
pub fn input_name(field: &str, prefix: &str) -> String {
    let (prefix, rest) = if let Some(rest) = field.strip_prefix("enquirer.") {
        ("e_", rest)
    } else if field == "enquirer_consent_method" {
        return "e_consent_method".to_owned();
    } else if let Some(rest) = field.strip_prefix("sought[") {
        let rest = rest.split_once("].").map_or(rest, |(_, rest)| rest);
        ("s_", rest.strip_prefix("person.").unwrap_or(rest))
    } else if let Some(rest) = field.strip_prefix("circumstances.") {
        ("c_", rest)
    } else if let Some(rest) = field.strip_prefix("person.") {
        (prefix, rest)
    } else if field == "relationship" || field == "consent_method" {
        (prefix, field)
    } else {
        return match field {
            "scope" => "countries".to_owned(),
            "given_by" => "basis".to_owned(),
            other => other.to_owned(),
        };
    };
    let name = if let Some(index) = rest
        .strip_prefix("names[")
        .and_then(|rest| rest.split_once(']'))
    {
        let row = index.0.parse::<usize>().map_or(1, |i| i + 1);
        if index.1 == ".kind" {
            format!("name_kind_{row}")
        } else {
            format!("name_{row}")
        }
    } else {
        match rest {
            "names" => "name_1".to_owned(),
            "distinguishing_marks" => "marks".to_owned(),
            "countries_transited" => "countries".to_owned(),
            other => other.to_owned(),
        }
    };
    format!("{prefix}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_name_the_form_controls() {
        for (field, prefix, input) in [
            ("enquirer.birth_date", "", "e_birth_date"),
            ("enquirer.names[0]", "", "e_name_1"),
            ("sought[0].person.names[1].kind", "", "s_name_kind_2"),
            ("sought[0].relationship", "", "s_relationship"),
            ("circumstances.countries_transited", "", "c_countries"),
            ("circumstances.date", "", "c_date"),
            ("enquirer_consent_method", "", "e_consent_method"),
            ("person.distinguishing_marks", "p_", "p_marks"),
            ("consent_method", "p_", "p_consent_method"),
            ("relationship", "s_", "s_relationship"),
            ("closure_reason", "", "closure_reason"),
            ("scope", "", "countries"),
        ] {
            assert_eq!(input_name(field, prefix), input, "{field}");
        }
    }
}
