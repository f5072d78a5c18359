//! The templates of the smart-practices pages (issue 14, item 2): the
//! search, one practice with its reviews and the member's actions, and
//! the submission form (members' and the public's), with the forms read
//! into `retrace_app::practices`' input types.

use crate::extract::FormFields;
use crate::page::{OnPage, Page};
use askama::Template;
use retrace_app::practices::{PracticeFilterInput, PracticeInput};
use retrace_domain::{GcmObjective, PracticeStatus, RouteStage, SupportType, Verdict};
use retrace_store::{Practice, PracticeSummary};

fn key(prefix: &str, code: &str) -> String {
    format!("practice-{prefix}-{}", code.replace('_', "-"))
}

/// Codes with their translated names, for checkboxes and selects.
pub struct Choices {
    pub stages: Vec<(&'static str, String)>,
    pub support: Vec<(&'static str, String)>,
    pub statuses: Vec<(&'static str, String)>,
    pub objectives: Vec<(String, String)>,
    pub languages: Vec<(&'static str, String)>,
}

impl Choices {
    pub fn new(page: &Page) -> Self {
        Self {
            stages: RouteStage::ALL
                .iter()
                .map(|s| (s.as_str(), page.t(&key("stage", s.as_str()))))
                .collect(),
            support: SupportType::ALL
                .iter()
                .map(|s| (s.as_str(), page.t(&key("support", s.as_str()))))
                .collect(),
            statuses: PracticeStatus::ALL
                .iter()
                .map(|s| (s.as_str(), page.t(&key("status", s.as_str()))))
                .collect(),
            objectives: GcmObjective::all()
                .map(|o| (o.to_string(), objective_label(page, o)))
                .collect(),
            languages: ["en", "fr", "es", "ar"]
                .into_iter()
                .map(|code| (code, page.t(&key("language", code))))
                .collect(),
        }
    }
}

fn objective_label(page: &Page, objective: GcmObjective) -> String {
    format!("{} {}", page.t("practice-objective"), objective.number())
}

fn labels<T: Copy>(
    page: &Page,
    prefix: &str,
    values: &[T],
    code: impl Fn(T) -> &'static str,
) -> String {
    values
        .iter()
        .map(|v| page.t(&key(prefix, code(*v))))
        .collect::<Vec<_>>()
        .join(", ")
}

pub struct PracticeRow {
    pub id: String,
    pub title: String,
    pub lang: &'static str,
    pub network_name: String,
    pub org_name: String,
    pub status: &'static str,
    pub status_label: String,
    pub stages: String,
    pub support: String,
    pub countries: String,
    pub objectives: String,
    pub reviews: u32,
    pub at: String,
}

impl PracticeRow {
    pub fn new(page: &Page, p: &PracticeSummary) -> Self {
        Self {
            id: p.id.to_string(),
            title: p.title.to_string(),
            lang: p.language.as_str(),
            network_name: p.network_name.to_string(),
            org_name: p
                .org_name
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_else(|| page.t("practice-from-public")),
            status: p.status.as_str(),
            status_label: page.t(&key("status", p.status.as_str())),
            stages: labels(page, "stage", &p.stages, RouteStage::as_str),
            support: labels(page, "support", &p.support, SupportType::as_str),
            countries: p
                .countries
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            objectives: p
                .objectives
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            reviews: p.reviews,
            at: p.published_at.unwrap_or(p.submitted_at).on_page(),
        }
    }
}

#[derive(Template)]
#[template(path = "practices.html")]
pub struct PracticesPage<'a> {
    pub page: &'a Page,
    /// The public's search (published practices, no member actions).
    pub public: bool,
    pub rows: Vec<PracticeRow>,
    pub filter: PracticeFilterInput,
    pub choices: Choices,
    /// The member's networks as (id, name).
    pub networks: Vec<(String, String)>,
    /// The member may submit (any role but viewer).
    pub can_submit: bool,
    /// The filters that could not be read (their values are in `filter`).
    pub values: crate::form_values::FormValues,
}

pub struct ReviewRow {
    pub org_name: String,
    pub verdict: &'static str,
    pub verdict_label: String,
    pub comment: String,
    pub at: String,
}

/// One long field: its label key and text.
pub struct Section {
    pub label: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "practice.html")]
pub struct PracticePage<'a> {
    pub page: &'a Page,
    pub public: bool,
    pub row: PracticeRow,
    pub implementers: String,
    pub funders: String,
    pub target_group: String,
    pub cost: String,
    pub sections: Vec<Section>,
    pub reviews: Vec<ReviewRow>,
    pub can_review: bool,
    pub can_publish: bool,
    pub can_moderate: bool,
    pub verdicts: Vec<(&'static str, String)>,
    pub comment: String,
    pub error: Option<String>,
    /// The review form sent: its verdict and its errors on their controls.
    pub review: crate::form_values::FormValues,
}

impl<'a> PracticePage<'a> {
    pub fn new(page: &'a Page, public: bool, practice: &Practice) -> Self {
        let c = &practice.content;
        let sections = [
            ("practice-field-impact", Some(&c.impact)),
            ("practice-field-challenges", c.challenges.as_ref()),
            ("practice-field-lessons", c.lessons.as_ref()),
            ("practice-field-recommendations", c.recommendations.as_ref()),
        ]
        .into_iter()
        .filter_map(|(label, text)| {
            text.map(|text| Section {
                label: page.t(label),
                text: text.to_string(),
            })
        })
        .collect();
        Self {
            page,
            public,
            row: PracticeRow::new(page, &practice.summary),
            implementers: c.implementers.to_string(),
            funders: c
                .funders
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            target_group: c.target_group.to_string(),
            cost: c
                .cost
                .as_ref()
                .map(|cost| format!("{} {}", cost.amount, cost.currency))
                .unwrap_or_default(),
            sections,
            reviews: practice
                .reviews
                .iter()
                .map(|r| ReviewRow {
                    org_name: r.org_name.to_string(),
                    verdict: r.verdict.as_str(),
                    verdict_label: page.t(&key("verdict", r.verdict.as_str())),
                    comment: r.comment.to_string(),
                    at: r.at.on_page(),
                })
                .collect(),
            can_review: false,
            can_publish: false,
            can_moderate: false,
            verdicts: Verdict::ALL
                .iter()
                .map(|v| (v.as_str(), page.t(&key("verdict", v.as_str()))))
                .collect(),
            comment: String::new(),
            error: None,
            review: crate::form_values::FormValues::default(),
        }
    }
}

/// The submission form's values, shown again with the error.
#[derive(Default)]
pub struct FormValues {
    pub input: PracticeInput,
    pub countries: String,
    /// The errors of the form sent, each on its control.
    pub errors: crate::form_values::FormValues,
}

#[derive(Template)]
#[template(path = "practice_form.html")]
pub struct PracticeFormPage<'a> {
    pub page: &'a Page,
    pub public: bool,
    pub networks: Vec<(String, String)>,
    pub choices: Choices,
    pub form: FormValues,
    /// The public form's signed stamp.
    pub stamp: String,
    pub error: Option<String>,
}

impl PracticeFormPage<'_> {
    fn checked(values: &[String], code: &str) -> bool {
        values.iter().any(|v| v == code)
    }
    pub fn stage_checked(&self, code: &str) -> bool {
        Self::checked(&self.form.input.stages, code)
    }
    pub fn support_checked(&self, code: &str) -> bool {
        Self::checked(&self.form.input.support, code)
    }
    pub fn objective_checked(&self, code: &str) -> bool {
        Self::checked(&self.form.input.objectives, code)
    }
}

/// The submission form read into the app's input.
pub fn practice_input(form: &FormFields) -> FormValues {
    let countries = form.text("countries");
    FormValues {
        input: PracticeInput {
            network: form.text("network"),
            language: form.text("language"),
            title: form.text("title"),
            stages: form.all("stages"),
            support: form.all("support"),
            implementers: form.text("implementers"),
            funders: form.text("funders"),
            countries: countries
                .split([',', ' '])
                .filter(|code| !code.is_empty())
                .map(str::to_owned)
                .collect(),
            target_group: form.text("target_group"),
            impact: form.get("impact").unwrap_or_default().to_owned(),
            cost_amount: form.text("cost_amount"),
            cost_currency: form.text("cost_currency"),
            challenges: form.get("challenges").unwrap_or_default().to_owned(),
            lessons: form.get("lessons").unwrap_or_default().to_owned(),
            recommendations: form.get("recommendations").unwrap_or_default().to_owned(),
            objectives: form.all("objectives"),
        },
        countries,
        errors: crate::form_values::FormValues::default(),
    }
}

#[derive(Template)]
#[template(path = "practice_thanks.html")]
pub struct ThanksPage<'a> {
    pub page: &'a Page,
}
