//! Page templates (askama: compiled, auto-escaping). Each struct's fields are
//! exactly what its page may show.

use crate::error::{WebError, WebResult};
use crate::page::Page;
use askama::Template;
use axum::response::Html;

pub fn render(template: &impl Template) -> WebResult<Html<String>> {
    template.render().map(Html).map_err(WebError::internal)
}

/// A form's one-line error, already translated or naming the field.
pub type FormError = Option<String>;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub page: &'a Page,
    pub status: u16,
    pub title: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignIn<'a> {
    pub page: &'a Page,
    pub email: String,
    pub next: String,
    pub error: FormError,
}

#[derive(Template)]
#[template(path = "second_factor.html")]
pub struct SecondFactor<'a> {
    pub page: &'a Page,
    pub error: FormError,
}

#[derive(Template)]
#[template(path = "enrol.html")]
pub struct Enrol<'a> {
    pub page: &'a Page,
    pub qr_svg: String,
    pub secret: String,
    pub sealed: String,
    pub required: bool,
    pub error: FormError,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodes<'a> {
    pub page: &'a Page,
    pub codes: Vec<String>,
}

pub struct HomeCard {
    pub href: &'static str,
    pub title: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct Home<'a> {
    pub page: &'a Page,
    pub display_name: String,
    pub context: String,
    pub roles: Vec<String>,
    pub cards: Vec<HomeCard>,
    pub second_factor: bool,
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct Account<'a> {
    pub page: &'a Page,
    pub email: String,
    pub display_name: String,
    pub second_factor: bool,
    pub can_remove_second_factor: bool,
    pub recovery_codes_left: u64,
    pub tokens: Vec<TokenRow>,
    pub notice: Option<String>,
    pub password_error: FormError,
    pub token_error: FormError,
    pub new_token: Option<String>,
}

pub struct UserRow {
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub disabled: bool,
    pub second_factor: bool,
    pub context: String,
}

impl UserRow {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

#[derive(Template)]
#[template(path = "org_users.html")]
pub struct OrgUsers<'a> {
    pub page: &'a Page,
    pub org_name: String,
    pub users: Vec<UserRow>,
    pub form: NewUserForm,
    pub error: FormError,
}

/// The values of the "new account" form, kept when it is shown again with an error.
#[derive(Default)]
pub struct NewUserForm {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
}

impl NewUserForm {
    pub fn has_role(&self, role: &&str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

#[derive(Template)]
#[template(path = "org_user.html")]
pub struct OrgUser<'a> {
    pub page: &'a Page,
    pub user: UserRow,
    pub is_self: bool,
    pub error: FormError,
}

#[derive(Template)]
#[template(path = "password_issued.html")]
pub struct PasswordIssued<'a> {
    pub page: &'a Page,
    pub display_name: String,
    pub email: String,
    pub password: String,
    pub back: String,
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub purpose: String,
}

#[derive(Template)]
#[template(path = "org_audit.html")]
pub struct OrgAudit<'a> {
    pub page: &'a Page,
    pub entries: Vec<AuditRow>,
    pub older: Option<i64>,
}

pub struct OrgRow {
    pub name: String,
    pub kind: String,
    pub country: String,
    pub members: usize,
}

#[derive(Template)]
#[template(path = "operator_orgs.html")]
pub struct OperatorOrgs<'a> {
    pub page: &'a Page,
    pub organisations: Vec<OrgRow>,
    pub kinds: Vec<&'static str>,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub error: FormError,
}

pub struct OrgOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "operator_users.html")]
pub struct OperatorUsers<'a> {
    pub page: &'a Page,
    pub users: Vec<UserRow>,
    pub organisations: Vec<OrgOption>,
    pub form: NewUserForm,
    pub error: FormError,
}

/// Role codes in display order, for checkboxes.
pub const ROLE_CODES: [&str; 6] = [
    "org_admin",
    "caseworker",
    "referral_officer",
    "outreach_worker",
    "coordinator",
    "viewer",
];
