//! Templates of the transnational referral pages. Each struct's fields are
//! exactly what its page may show: the receiver's page gets the person only
//! when the store's view carries it (shared, not declined, consent holding).

use crate::form_values::FormValues;
use crate::page::Page;
use crate::templates::{NameView, ReceiverOption};
use askama::Template;

pub struct ReferralRowView {
    pub id: String,
    pub short: String,
    pub other_org: String,
    pub other_country: String,
    pub status: &'static str,
    pub stage: &'static str,
    pub urgency: &'static str,
    pub services: Vec<&'static str>,
    pub sent: String,
}

#[derive(Template)]
#[template(path = "referrals.html")]
pub struct ReferralList<'a> {
    pub page: &'a Page,
    pub inbox: bool,
    pub rows: Vec<ReferralRowView>,
    pub values: FormValues,
    pub statuses: Vec<&'static str>,
    pub stages: Vec<&'static str>,
    pub urgencies: Vec<&'static str>,
}

pub struct PersonOption {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "referral_form.html")]
pub struct ReferralForm<'a> {
    pub page: &'a Page,
    pub persons: Vec<PersonOption>,
    pub orgs: Vec<ReceiverOption>,
    pub values: FormValues,
    pub services: Vec<&'static str>,
    pub urgencies: Vec<&'static str>,
    pub levels: Vec<&'static str>,
}

pub struct PartyView {
    pub name: String,
    pub country: String,
    pub contact_name: String,
    pub contact_email: String,
}

pub struct ReferredPersonView {
    pub names: Vec<NameView>,
    pub sex: &'static str,
    pub birth_date: String,
    pub nationalities: String,
    pub languages: String,
    pub contact: String,
}

pub struct RiskView {
    pub level: &'static str,
    pub who_at_risk: String,
    pub from_whom: String,
    pub safety_plan: String,
}

pub struct StepView {
    pub id: String,
    pub label: String,
    pub required: bool,
    pub state: &'static str,
    pub reason: String,
    pub at: String,
    pub version: i64,
}

pub struct StageView {
    pub code: &'static str,
    /// `closed`, `current` or `upcoming`.
    pub progress: &'static str,
    /// Worked by the caller's organisation.
    pub mine: bool,
    /// The caller may tick steps now.
    pub workable: bool,
    /// Workable, and no required step is open: it may be closed.
    pub closable: bool,
    pub steps: Vec<StepView>,
}

pub struct EventView {
    pub at: String,
    pub side: &'static str,
    pub kind: &'static str,
    pub stage: &'static str,
    pub outcome: &'static str,
    pub text: String,
    pub shared: bool,
}

#[derive(Template)]
#[template(path = "referral.html")]
pub struct ReferralPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub short: String,
    pub is_sender: bool,
    pub from: PartyView,
    pub to: PartyView,
    pub status: &'static str,
    pub urgency: &'static str,
    pub services: Vec<&'static str>,
    pub outcome: &'static str,
    pub reason: String,
    pub sent: String,
    pub person_id: String,
    pub person: Option<ReferredPersonView>,
    pub purpose: String,
    pub risk: Option<RiskView>,
    pub share_identity: bool,
    pub share_contact: bool,
    pub share_risk: bool,
    pub withheld: bool,
    pub stages: Vec<StageView>,
    pub timeline: Vec<EventView>,
    pub can_decide: bool,
    pub can_start: bool,
    pub can_close: bool,
    pub outcomes: Vec<&'static str>,
    pub tools: Vec<ToolLink>,
    pub entries: Vec<EntryLink>,
    /// What the form posted typed, and its errors.
    pub values: FormValues,
}

pub struct TemplateView {
    pub code: &'static str,
    pub version: i64,
    pub required_lines: String,
    pub optional_lines: String,
}

#[derive(Template)]
#[template(path = "sop_templates.html")]
pub struct SopTemplatesPage<'a> {
    pub page: &'a Page,
    pub stages: Vec<TemplateView>,
    pub can_edit: bool,
    pub values: FormValues,
}

pub struct ToolLink {
    pub key: String,
    pub title: String,
}

pub struct EntryLink {
    pub id: String,
    pub title: String,
    pub at: String,
}

pub struct ToolFieldView {
    pub name: String,
    pub kind: &'static str,
    pub label: String,
    pub help: String,
    /// The id of the help paragraph, empty without help.
    pub hint: String,
    pub required: bool,
    pub value: String,
}

#[derive(Template)]
#[template(path = "tool_form.html")]
pub struct ToolForm<'a> {
    pub page: &'a Page,
    pub id: String,
    pub short: String,
    pub key: String,
    pub title: String,
    pub fields: Vec<ToolFieldView>,
    pub values: FormValues,
}

#[derive(Template)]
#[template(path = "tool_entry.html")]
pub struct ToolEntryPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub entry: String,
    pub short: String,
    pub title: String,
    pub filled_at: String,
    pub rows: Vec<(String, String)>,
}
