//! Submitted or stored values as a form shows them again: after an error
//! the page keeps what the person typed, and an edit form starts from the
//! stored record.

use crate::extract::FormFields;
use crate::form_errors::FormErrors;
use crate::forms;
use retrace_domain::{PersonDetails, Text};
use std::collections::BTreeMap;

/// Submitted values, to fill a form again after an error, and the errors
/// the form shows (see `form_errors`).
#[derive(Default)]
pub struct FormValues {
    values: BTreeMap<String, String>,
    /// Every value of a control that may send several (checkboxes of one
    /// name, multiple selects), in order.
    many: Vec<(String, String)>,
    pub errors: FormErrors,
}

impl FormValues {
    pub fn from_form(form: &FormFields) -> Self {
        Self {
            many: form.pairs().to_vec(),
            ..Self::from_map(form.pairs().iter().cloned().collect())
        }
    }
    fn from_map(values: BTreeMap<String, String>) -> Self {
        Self {
            values,
            many: Vec::new(),
            errors: FormErrors::none(),
        }
    }
    /// What was typed, with the errors to show on it.
    pub fn with_errors(form: &FormFields, errors: FormErrors) -> Self {
        Self {
            errors,
            ..Self::from_form(form)
        }
    }
    /// Values from query parameters or a stored record.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self::from_map(pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect())
    }
    pub fn v(&self, name: &str) -> &str {
        self.values
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }
    pub fn checked(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The attributes of a control with an error: ` aria-invalid="true"
    /// aria-describedby="err-{name}"`, with the ids of `hints` described
    /// too; empty (or the hints alone) without an error. `name` and the
    /// hints are the template's own identifiers, never typed text.
    pub fn aria(&self, name: &str, hints: &str) -> String {
        let mut described: Vec<String> = hints.split_whitespace().map(str::to_owned).collect();
        let invalid = self.errors.has(name);
        if invalid {
            described.push(format!("err-{name}"));
        }
        let mut attributes = String::new();
        if invalid {
            attributes.push_str(" aria-invalid=\"true\"");
        }
        if !described.is_empty() {
            attributes.push_str(&format!(" aria-describedby=\"{}\"", described.join(" ")));
        }
        attributes
    }
    /// `aria` of `{prefix}{name}`, hints prefixed the same way.
    pub fn paria(&self, prefix: &str, name: &str, hints: &str) -> String {
        let hints: Vec<String> = hints
            .split_whitespace()
            .map(|hint| format!("{prefix}{hint}"))
            .collect();
        self.aria(&format!("{prefix}{name}"), &hints.join(" "))
    }
    /// The message about the control `name`, if it has an error.
    pub fn error(&self, name: &str) -> Option<String> {
        self.errors.has(name).then(|| self.errors.message(name))
    }
    pub fn perror(&self, prefix: &str, name: &str) -> Option<String> {
        self.error(&format!("{prefix}{name}"))
    }
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }
    /// True when `value` is one of the values sent for `name` (a checkbox
    /// among several of one name, an option of a multiple select).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.many.iter().any(|(n, v)| n == name && v == value)
    }
    /// Adds one value of a control that may send several.
    pub fn add(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        self.values
            .entry(name.to_owned())
            .or_insert_with(|| value.clone());
        self.many.push((name.to_owned(), value));
    }
    /// Renames a submitted control, for a page whose control has another
    /// name than the field its form sends (one of several forms of a page).
    pub fn rename(&mut self, from: &str, to: &str) {
        if let Some(value) = self.values.remove(from) {
            self.values.insert(to.to_owned(), value);
        }
    }
    /// The name rows a person form shows: at least the form's default, one
    /// empty row after the last filled one, at most the names a person may have.
    pub fn name_rows(&self, prefix: &str) -> Vec<usize> {
        let last_filled = (1..=forms::MAX_NAMES)
            .filter(|row| !self.v(&format!("{prefix}name_{row}")).is_empty())
            .max()
            .unwrap_or(0);
        let count = (last_filled + 1).clamp(forms::NAME_ROWS, forms::MAX_NAMES);
        (1..=count).collect()
    }

    /// `v` of `{prefix}{name}`.
    pub fn pv(&self, prefix: &str, name: &str) -> &str {
        self.v(&format!("{prefix}{name}"))
    }
    pub fn pchecked(&self, prefix: &str, name: &str) -> bool {
        self.checked(&format!("{prefix}{name}"))
    }
    pub fn pis(&self, prefix: &str, name: &str, value: &str) -> bool {
        self.pv(prefix, name) == value
    }
    /// `{name}_{row}`: the control of a name row.
    pub fn row_name(&self, name: &str, row: &usize) -> String {
        format!("{name}_{row}")
    }
    pub fn row(&self, prefix: &str, name: &str, row: &usize) -> &str {
        self.v(&format!("{prefix}{name}_{row}"))
    }
    pub fn row_is(&self, prefix: &str, name: &str, row: &usize, value: &str) -> bool {
        self.row(prefix, name, row) == value
    }
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_owned(), value.into());
    }

    /// Values of a stored person under `prefix`, for an edit form.
    pub fn from_person(prefix: &str, details: &PersonDetails) -> Self {
        let mut values = FormValues::default();
        for (row, name) in details.names().iter().take(forms::MAX_NAMES).enumerate() {
            values.set(&format!("{prefix}name_{}", row + 1), name.full());
            values.set(
                &format!("{prefix}name_kind_{}", row + 1),
                name.kind().as_str(),
            );
        }
        let text = |t: &Option<Text>| {
            t.as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default()
        };
        values.set(&format!("{prefix}sex"), details.sex.as_str());
        if let Some(date) = details.birth_date {
            values.set(&format!("{prefix}birth_date"), date.to_string());
        }
        if let Some(age) = details.age_estimate {
            values.set(&format!("{prefix}age"), age.years.to_string());
            values.set(&format!("{prefix}age_on"), age.estimated_on.to_string());
        }
        values.set(&format!("{prefix}birth_place"), text(&details.birth_place));
        values.set(
            &format!("{prefix}nationalities"),
            details
                .nationalities
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
        values.set(
            &format!("{prefix}languages"),
            details
                .languages
                .iter()
                .map(Text::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        );
        values.set(&format!("{prefix}father_name"), text(&details.father_name));
        values.set(&format!("{prefix}mother_name"), text(&details.mother_name));
        values.set(
            &format!("{prefix}last_known_place"),
            text(&details.last_known_place),
        );
        values.set(
            &format!("{prefix}marks"),
            text(&details.distinguishing_marks),
        );
        values.set(&format!("{prefix}contact"), text(&details.contact));
        for (flag, on) in [
            ("minor", details.flags.minor),
            ("unaccompanied", details.flags.unaccompanied),
            ("at_risk", details.flags.at_risk),
        ] {
            if on {
                values.set(&format!("{prefix}{flag}"), "on");
            }
        }
        values
    }
}
