//! Page templates (askama: compiled, auto-escaping). Each struct's fields are
//! exactly what its page may show.

use crate::error::{WebError, WebResult};
use crate::page::OnPage;
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
    /// The address and password were refused (not a rate limit): both
    /// fields are marked, as the refusal does not say which is wrong.
    pub invalid: bool,
}

#[derive(Template)]
#[template(path = "second_factor.html")]
pub struct SecondFactor<'a> {
    pub page: &'a Page,
    pub error: FormError,
    /// The code was refused (not a rate limit): the field is marked.
    pub invalid: bool,
}

#[derive(Template)]
#[template(path = "enrol.html")]
pub struct Enrol<'a> {
    pub page: &'a Page,
    pub qr_svg: String,
    pub secret: String,
    pub sealed: String,
    pub required: bool,
    /// Replacing a second factor in place asks for the password again.
    pub confirm_password: bool,
    pub values: FormValues,
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

// ---------------------------------------------------------------- work queue

/// One kind of work as the home page shows it.
pub struct WorkGroup {
    pub kind: &'static str,
    pub title: String,
    pub count: u64,
    pub unread: u64,
    pub items: Vec<WorkItemView>,
    /// Items counted but not listed.
    pub more: u64,
}

pub struct WorkItemView {
    pub href: String,
    pub label: String,
    pub since: String,
    pub unread: bool,
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
    /// The work queue, for roles that have one.
    pub queue: Option<Vec<WorkGroup>>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct Notifications<'a> {
    pub page: &'a Page,
    pub unread: u64,
    pub has_queue: bool,
    /// The kind's title and the item, newest first.
    pub items: Vec<(String, WorkItemView)>,
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub scopes: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct Account<'a> {
    pub page: &'a Page,
    pub email: String,
    /// The e-mail digest as chosen, in words; `None` for an operator.
    pub digest: Option<String>,
    pub display_name: String,
    pub second_factor: bool,
    pub can_remove_second_factor: bool,
    pub recovery_codes_left: u64,
    pub tokens: Vec<TokenRow>,
    pub notice: Option<String>,
    /// What was typed in a refused form (never a password), and its errors.
    pub values: FormValues,
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
    /// The errors of a refused new account.
    pub values: FormValues,
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
    /// The errors of refused roles.
    pub values: FormValues,
}

impl OrgUser<'_> {
    /// The administrator's own administration role: kept, not offered
    /// for removal (the use case refuses it).
    pub fn keeps(&self, role: &&str) -> bool {
        self.is_self && *role == "org_admin"
    }
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
    /// The writer's id, to list the entries they wrote.
    pub actor_id: Option<String>,
    pub action: String,
    /// The object's kind in words.
    pub object_kind: String,
    pub object_id: String,
    /// The entries about the same object.
    pub object_link: String,
    pub purpose: String,
}

#[derive(Template)]
#[template(path = "org_audit.html")]
pub struct OrgAudit<'a> {
    pub page: &'a Page,
    pub entries: Vec<AuditRow>,
    /// The link to the next page, filters kept.
    pub older: Option<String>,
    /// The filters as given, and their errors (then no entry is shown).
    pub values: FormValues,
    /// (id, name) of the organisation's accounts.
    pub actors: Vec<(String, String)>,
    /// (code, words), sorted by the words.
    pub actions: Vec<(String, String)>,
    pub object_kinds: Vec<(String, String)>,
}

pub struct OrgRow {
    pub name: String,
    pub kind: String,
    pub country: String,
    pub members: usize,
}

pub struct SecurityEventRow {
    pub at: String,
    pub kind: String,
    pub org: String,
    pub user: String,
}

#[derive(Template)]
#[template(path = "operator_orgs.html")]
pub struct OperatorOrgs<'a> {
    pub page: &'a Page,
    pub organisations: Vec<OrgRow>,
    /// Recent security events (kind, organisation, account id, time).
    pub security_events: Vec<SecurityEventRow>,
    pub kinds: Vec<&'static str>,
    pub name: String,
    pub kind: String,
    pub country: String,
    /// The errors of a refused new organisation.
    pub values: FormValues,
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
    /// The errors of a refused new account.
    pub values: FormValues,
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

// ---------------------------------------------------------------- tracing

pub use crate::form_values::FormValues;

/// A score in thousandths as a percentage for people.
pub fn percent(score_milli: u16) -> String {
    format!("{:.0} %", f64::from(score_milli) / 10.0)
}

pub const RELATIONSHIP_CODES: &[retrace_domain::Relationship] = retrace_domain::Relationship::ALL;
pub const NAME_KIND_CODES: &[retrace_domain::NameKind] = retrace_domain::NameKind::ALL;
pub const SEX_CODES: &[retrace_domain::Sex] = retrace_domain::Sex::ALL;
pub const CONTEXT_CODES: &[retrace_domain::SeparationContext] =
    retrace_domain::SeparationContext::ALL;
pub const CLOSURE_CODES: &[retrace_domain::ClosureReason] = retrace_domain::ClosureReason::ALL;
pub const METHOD_CODES: &[retrace_domain::ConsentMethod] = retrace_domain::ConsentMethod::ALL;
pub const PURPOSE_CODES: &[retrace_domain::ConsentPurpose] = retrace_domain::ConsentPurpose::ALL;
pub use crate::forms::STATUS_CODES;

pub struct NameView {
    pub full: String,
    pub script: &'static str,
    pub kind: &'static str,
    pub rtl: bool,
}

/// What a page shows of a person the caller may see in full.
pub struct PersonSummary {
    pub display_name: String,
    pub names: Vec<NameView>,
    pub sex: &'static str,
    pub birth_date: String,
    pub age: String,
    pub birth_place: String,
    pub nationalities: String,
    pub languages: String,
    pub father_name: String,
    pub mother_name: String,
    pub last_known_place: String,
    pub marks: String,
    pub contact: String,
    pub minor: bool,
    pub unaccompanied: bool,
    pub at_risk: bool,
}

impl PersonSummary {
    pub fn of(details: &retrace_domain::PersonDetails) -> Self {
        let text = |t: &Option<retrace_domain::Text>| {
            t.as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default()
        };
        Self {
            display_name: details.primary_name().to_owned(),
            names: details
                .names()
                .iter()
                .map(|name| NameView {
                    full: name.full().to_owned(),
                    script: name.script().as_str(),
                    kind: name.kind().as_str(),
                    rtl: name.script().is_rtl(),
                })
                .collect(),
            sex: details.sex.as_str(),
            birth_date: details
                .birth_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            age: details
                .age_estimate
                .map(|a| format!("{} ({})", a.years, a.estimated_on))
                .unwrap_or_default(),
            birth_place: text(&details.birth_place),
            nationalities: details
                .nationalities
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            languages: details
                .languages
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            father_name: text(&details.father_name),
            mother_name: text(&details.mother_name),
            last_known_place: text(&details.last_known_place),
            marks: text(&details.distinguishing_marks),
            contact: text(&details.contact),
            minor: details.flags.minor,
            unaccompanied: details.flags.unaccompanied,
            at_risk: details.flags.at_risk,
        }
    }
}

pub struct CircumstancesView {
    pub context: &'static str,
    pub date: String,
    pub place: String,
    pub countries: String,
    pub news_date: String,
    pub news_place: String,
    pub news_source: String,
    pub narrative: String,
}

impl CircumstancesView {
    pub fn of(c: &retrace_domain::Circumstances) -> Self {
        let text = |t: &Option<retrace_domain::Text>| {
            t.as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default()
        };
        Self {
            context: c.context.as_str(),
            date: c.date.map(|d| d.to_string()).unwrap_or_default(),
            place: text(&c.place),
            countries: c
                .countries_transited
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            news_date: c.last_news.date.map(|d| d.to_string()).unwrap_or_default(),
            news_place: text(&c.last_news.place),
            news_source: text(&c.last_news.source),
            narrative: text(&c.narrative),
        }
    }
}

pub struct RequestRow {
    pub id: String,
    pub reference: String,
    pub status: &'static str,
    pub enquirer: String,
    pub sought: Vec<(&'static str, String)>,
    /// The assigned caseworker's name; empty when none.
    pub assignee: String,
    pub candidates: u64,
    pub to_review: u64,
    pub minor: bool,
    pub at_risk: bool,
    pub opened: String,
}

#[derive(Template)]
#[template(path = "requests.html")]
pub struct RequestList<'a> {
    pub page: &'a Page,
    pub rows: Vec<RequestRow>,
    pub total: u64,
    pub pager: Pager,
    /// Showing "my requests".
    pub mine: bool,
    pub values: FormValues,
    pub can_write: bool,
}

/// The orders and flags a list of persons offers (codes of
/// `retrace_store::ListOrder` and `FlagFilter`).
pub const LIST_ORDER_CODES: [&str; 4] = ["newest", "oldest", "updated", "alphabetical"];
pub const LIST_FLAG_CODES: [&str; 2] = ["minor", "at_risk"];

/// The page links of a list.
pub struct Pager {
    pub pages: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// Links to the first and last pages and those around this one, in
    /// order; `None` stands for pages left out.
    pub links: Vec<Option<PageLink>>,
}

pub struct PageLink {
    pub number: u64,
    pub href: String,
    pub current: bool,
}

impl Pager {
    /// `base` ends with `?` or `&`, ready for `page=`.
    pub fn new(base: &str, page: Option<u32>, total: u64, page_size: u32) -> Self {
        let page_number = u64::from(page.unwrap_or(1).max(1));
        let pages = total.div_ceil(u64::from(page_size)).max(1);
        Self {
            pages,
            previous: (page_number > 1).then(|| format!("{base}page={}", page_number - 1)),
            next: (page_number < pages).then(|| format!("{base}page={}", page_number + 1)),
            links: page_links(base, page_number, pages),
        }
    }
}

/// Pages 1, the last and two on each side of `current`; a gap between
/// two shown pages is one `None`.
fn page_links(base: &str, current: u64, pages: u64) -> Vec<Option<PageLink>> {
    let mut links = Vec::new();
    let mut last_shown = 0;
    for number in 1..=pages {
        let near = number.abs_diff(current) <= 2;
        if number == 1 || number == pages || near {
            if number > last_shown + 1 {
                links.push(None);
            }
            links.push(Some(PageLink {
                number,
                href: format!("{base}page={number}"),
                current: number == current,
            }));
            last_shown = number;
        }
    }
    links
}

#[cfg(test)]
mod pager_tests {
    use super::*;

    #[test]
    fn page_links_show_the_ends_and_the_neighbourhood_with_gaps() {
        let pager = Pager::new("/sought?q=a&", Some(6), 50 * 10, 50);
        let shown: Vec<String> = pager
            .links
            .iter()
            .map(|l| match l {
                Some(link) if link.current => format!("[{}]", link.number),
                Some(link) => link.number.to_string(),
                None => "…".to_owned(),
            })
            .collect();
        assert_eq!(shown, ["1", "…", "4", "5", "[6]", "7", "8", "…", "10"]);
        assert_eq!(
            pager.links[0].as_ref().map(|l| l.href.as_str()),
            Some("/sought?q=a&page=1")
        );
        let one = Pager::new("/sought?", None, 3, 50);
        assert_eq!(one.links.len(), 1);
        let near_start = Pager::new("/sought?", Some(2), 250, 50);
        assert_eq!(near_start.links.len(), 5, "1 to 5 with no gap");
    }
}

/// Who a request is assigned to, and the caseworkers it can be given to
/// as `(id, name, selected)`.
pub struct AssignmentView {
    pub assignee: Option<String>,
    pub choices: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "request_form.html")]
pub struct RequestForm<'a> {
    pub page: &'a Page,
    pub values: FormValues,
    /// The organisation's records the new one may duplicate.
    pub duplicates: Vec<DuplicateLine>,
}

/// A possible duplicate shown before saving: a link, the reference or
/// name, the names or date that tell it apart, and the likelihood band.
pub struct DuplicateLine {
    pub href: String,
    pub label: String,
    pub names: String,
    pub band: &'static str,
}

pub struct SoughtRow {
    pub id: String,
    pub relationship: &'static str,
    pub summary: PersonSummary,
    pub candidates: usize,
    pub confirmed: usize,
}

pub struct HistoryRow {
    pub status: &'static str,
    pub reason: Option<&'static str>,
    pub note: String,
    pub at: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "request.html")]
pub struct RequestPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub reference: String,
    pub status: &'static str,
    pub closure_reason: Option<&'static str>,
    pub version: i64,
    pub circumstances: CircumstancesView,
    pub enquirer_id: String,
    pub enquirer: PersonSummary,
    pub sought: Vec<SoughtRow>,
    pub history: Vec<HistoryRow>,
    pub next_statuses: Vec<&'static str>,
    pub transfers: Vec<TransferLine>,
    pub assignment: AssignmentView,
    pub can_write: bool,
    /// The status or consent form's values and errors.
    pub values: FormValues,
}

#[derive(Template)]
#[template(path = "circumstances_form.html")]
pub struct CircumstancesForm<'a> {
    pub page: &'a Page,
    pub id: String,
    pub reference: String,
    pub values: FormValues,
}

#[derive(Template)]
#[template(path = "sought_form.html")]
pub struct SoughtForm<'a> {
    pub page: &'a Page,
    pub id: String,
    pub reference: String,
    pub values: FormValues,
}

pub struct CandidateRow {
    pub id: String,
    pub score: String,
    pub organisation: String,
    pub status: &'static str,
}

pub struct ConsentRow {
    pub id: String,
    pub purpose: &'static str,
    /// `self`, `guardian` or a lawful basis: shown through `basis-…` words.
    pub basis: &'static str,
    /// How a consent was given (`method-…`); none for a lawful basis.
    pub method: Option<&'static str>,
    pub note: Option<String>,
    pub scope: String,
    pub recorded: String,
    pub withdrawn: Option<String>,
}

impl ConsentRow {
    pub fn of(record: &retrace_domain::ConsentRecord) -> Self {
        use retrace_domain::ConsentBasis;
        Self {
            id: record.id.to_string(),
            purpose: record.purpose.as_str(),
            basis: match record.basis {
                ConsentBasis::Consent { given_by, .. } => given_by.as_str(),
                ConsentBasis::Lawful(basis) => basis.as_str(),
            },
            method: match record.basis {
                ConsentBasis::Consent { method, .. } => Some(method.as_str()),
                ConsentBasis::Lawful(_) => None,
            },
            note: record.note.as_ref().map(|note| note.as_str().to_owned()),
            scope: record
                .scope
                .countries
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            recorded: record.recorded_at.on_page(),
            withdrawn: record.withdrawn_at.map(OnPage::on_page),
        }
    }
}

#[derive(Template)]
#[template(path = "person.html")]
pub struct PersonPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub request_id: Option<String>,
    pub role: String,
    pub summary: PersonSummary,
    pub consents: Vec<ConsentRow>,
    pub candidates: Vec<CandidateRow>,
    /// When candidates were withdrawn because the other side's person was
    /// erased: nothing more is known of them.
    pub withdrawn_candidates: Vec<String>,
    pub can_write: bool,
    /// The organisation administrator may erase the person.
    pub can_erase: bool,
    /// The status or consent form's values and errors.
    pub values: FormValues,
}

#[derive(Template)]
#[template(path = "person_form.html")]
pub struct PersonForm<'a> {
    pub page: &'a Page,
    pub id: String,
    pub with_contact: bool,
    pub values: FormValues,
}

/// The candidate and flag columns of a list line.
pub struct LineFlags {
    pub candidates: u64,
    pub to_review: u64,
    pub minor: bool,
    pub at_risk: bool,
}

impl LineFlags {
    pub fn of(candidates: retrace_store::CandidateCounts, minor: bool, at_risk: bool) -> Self {
        Self {
            candidates: u64::from(candidates.total),
            to_review: u64::from(candidates.to_review),
            minor,
            at_risk,
        }
    }
}

/// One line of the list of sought persons.
pub struct SoughtLine {
    pub id: String,
    pub name: String,
    pub relationship: &'static str,
    pub request_id: String,
    pub reference: String,
    pub status: &'static str,
    pub line: LineFlags,
    pub recorded: String,
}

#[derive(Template)]
#[template(path = "sought.html")]
pub struct SoughtList<'a> {
    pub page: &'a Page,
    pub rows: Vec<SoughtLine>,
    pub total: u64,
    pub pager: Pager,
    pub values: FormValues,
}

pub struct RegistrationRow {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub candidates: u64,
    pub to_review: u64,
    pub minor: bool,
    pub at_risk: bool,
    pub registered: String,
}

#[derive(Template)]
#[template(path = "registrations.html")]
pub struct RegistrationList<'a> {
    pub page: &'a Page,
    pub rows: Vec<RegistrationRow>,
    pub total: u64,
    pub pager: Pager,
    pub values: FormValues,
    pub can_write: bool,
}

#[derive(Template)]
#[template(path = "registration_form.html")]
pub struct RegistrationForm<'a> {
    pub page: &'a Page,
    pub values: FormValues,
    pub duplicates: Vec<DuplicateLine>,
}

pub struct ExplanationRow {
    pub field: String,
    pub agreement: &'static str,
    pub contribution: String,
}

pub struct MessageRow {
    pub id: String,
    pub direction: &'static str,
    pub body: String,
    pub status: &'static str,
    pub next: Option<&'static str>,
    pub at: String,
}

#[derive(Template)]
#[template(path = "candidate.html")]
pub struct CandidatePage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub score: String,
    pub band: &'static str,
    pub explanation: Vec<ExplanationRow>,
    pub my_person_id: String,
    pub my_person: PersonSummary,
    pub their_person_id: Option<String>,
    pub their_person: Option<PersonSummary>,
    /// When the other organisation released what is shown.
    pub released_on: Option<String>,
    /// When the other organisation's release was withdrawn.
    pub withdrawn_on: Option<String>,
    pub same_org: bool,
    pub org_name: String,
    pub org_country: String,
    pub contacts: Vec<String>,
    pub my_status: &'static str,
    pub my_reason: String,
    pub their_status: &'static str,
    pub my_release_approvals: usize,
    pub my_released: bool,
    pub messages: Vec<MessageRow>,
    pub can_write: bool,
    /// Both sides confirmed the match: family messages may be drafted.
    pub can_message: bool,
    /// What was typed in the page's forms, and their errors.
    pub values: FormValues,
}

impl Account<'_> {
    /// Whether the token form shows `scope` ticked: as sent after a
    /// refusal, else the defaults (read and write).
    pub fn scope_ticked(&self, scope: &str) -> bool {
        if self.values.checked("name") {
            self.values.has("scopes", scope)
        } else {
            matches!(scope, "read" | "write")
        }
    }
    /// The validity the token form shows: as sent, else 90 days.
    pub fn days_chosen(&self, days: &str) -> bool {
        match self.values.v("expires_in_days") {
            "" => days == "90",
            sent => sent == days,
        }
    }
}

impl CandidatePage<'_> {
    /// The decision the review form shows: the one typed, else the stored one.
    pub fn review_status(&self) -> &str {
        match self.values.v("status") {
            "" => self.my_status,
            typed => typed,
        }
    }
    /// The reason the review form shows: the one typed after a refusal,
    /// else the stored one.
    pub fn review_reason(&self) -> &str {
        if self.values.checked("reason") {
            self.values.v("reason")
        } else {
            &self.my_reason
        }
    }
}

#[derive(Template)]
#[template(path = "export.html")]
pub struct ExportForm<'a> {
    pub page: &'a Page,
    pub reason: String,
    pub error: FormError,
}
// ---------------------------------------------------------------- imports

/// What a stored PFIF import created.
pub struct PfifImportSummary {
    pub version: &'static str,
    pub requests: usize,
    pub registrations: usize,
    pub already_imported: usize,
}

#[derive(Template)]
#[template(path = "import_pfif.html")]
pub struct PfifImportPage<'a> {
    pub page: &'a Page,
    pub domain: String,
    pub summary: Option<PfifImportSummary>,
    /// Why nothing was imported, one line each.
    pub problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "export_pfif.html")]
pub struct PfifExportPage<'a> {
    pub page: &'a Page,
    /// Organisations the file may be for: (id, name).
    pub receivers: Vec<(String, String)>,
    pub error: FormError,
}

// ---------------------------------------------------------------- CSV import

/// One row of a CSV import's dry run.
pub struct CsvRowView {
    pub line: u64,
    pub name: String,
    /// The translated outcome.
    pub outcome: String,
    pub refused: bool,
    /// A duplicate left out: offered "create anyway".
    pub duplicate: bool,
    /// The field, column and reason, the row or person it duplicates.
    pub detail: String,
}

/// A row a commit created.
pub struct CsvCreatedView {
    pub line: u64,
    pub name: String,
    /// The person's id, for the link to the person's page.
    pub person: String,
    /// For a duplicate created anyway: what it duplicates.
    pub anyway: Option<String>,
}

/// A dry run: the counts, the rows shown, and the token that commits it
/// (only when no row is refused and some are to create or duplicates).
pub struct CsvReport {
    pub total: usize,
    pub to_create: usize,
    pub duplicates: usize,
    pub already: usize,
    pub refused: usize,
    pub rows: Vec<CsvRowView>,
    pub token: Option<String>,
    /// The lines of duplicates the table does not show (past its first
    /// rows), as ranges (`1003-1010`): they can still be named in the
    /// commit form's line field.
    pub unlisted_duplicates: Vec<String>,
    /// More ranges than shown.
    pub more_unlisted: bool,
}

#[derive(Template)]
#[template(path = "import_csv.html")]
pub struct CsvImportPage<'a> {
    pub page: &'a Page,
    /// (code, label, chosen).
    pub kinds: Vec<(String, String, bool)>,
    /// Why the file could not be read or the mapping does not fit.
    pub problem: Option<String>,
    pub report: Option<CsvReport>,
}

#[derive(Template)]
#[template(path = "import_csv_job.html")]
pub struct CsvImportJobPage<'a> {
    pub page: &'a Page,
    pub running: bool,
    pub storing: bool,
    pub done: usize,
    pub total: usize,
    /// How many were created, once done.
    pub created: Option<usize>,
    /// How many of them were duplicates created anyway.
    pub anyway: usize,
    /// The first rows created.
    pub created_rows: Vec<CsvCreatedView>,
    /// More rows were created than are listed.
    pub more_created: bool,
    pub failed: Option<String>,
}

#[derive(Template)]
#[template(path = "import_csv_mapping.html")]
pub struct CsvMappingPage<'a> {
    pub page: &'a Page,
    pub kind: &'static str,
    pub kinds: Vec<(String, String, bool)>,
    /// (field code, mapped column header, required).
    pub fields: Vec<(String, String, bool)>,
    /// The preview's headers and first rows.
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub saved: bool,
    /// A file that could not be read.
    pub problem: Option<String>,
    /// The encoding chosen, and the mapping's errors on their controls.
    pub values: FormValues,
}

// ---------------------------------------------------------------- transfers

/// A receiving organisation offered by the transfer form.
pub struct ReceiverOption {
    pub id: String,
    pub name: String,
    pub country: String,
}

pub struct SoughtOption {
    pub id: String,
    pub name: String,
    pub relationship: &'static str,
    pub at_risk: bool,
}

#[derive(Template)]
#[template(path = "transfer_form.html")]
pub struct TransferForm<'a> {
    pub page: &'a Page,
    pub id: String,
    pub reference: String,
    pub orgs: Vec<ReceiverOption>,
    pub sought: Vec<SoughtOption>,
    pub enquirer_name: String,
    pub enquirer_at_risk: bool,
    pub values: FormValues,
    pub chosen_sought: Vec<String>,
}

impl TransferForm<'_> {
    pub fn is_chosen(&self, id: &str) -> bool {
        self.chosen_sought.iter().any(|s| s == id)
    }
}

/// One transfer of a request, on the owner's request page.
pub struct TransferLine {
    pub id: String,
    pub org_name: String,
    pub org_country: String,
    pub status: &'static str,
    pub reason: String,
    pub at: String,
    pub parts: Vec<&'static str>,
    pub revocable: bool,
}

pub struct InboxRow {
    pub id: String,
    pub reference: String,
    pub org_name: String,
    pub org_country: String,
    pub status: &'static str,
    pub at: String,
}

#[derive(Template)]
#[template(path = "transfers.html")]
pub struct TransferInbox<'a> {
    pub page: &'a Page,
    pub rows: Vec<InboxRow>,
}

pub struct SharedPersonView {
    pub relationship: &'static str,
    pub display_name: String,
    pub names: Vec<NameView>,
    pub birth_date: String,
    pub age: String,
    pub birth_place: String,
    pub father_name: String,
    pub mother_name: String,
    pub last_known_place: String,
    pub minor: bool,
    pub unaccompanied: bool,
}

#[derive(Template)]
#[template(path = "transfer.html")]
pub struct TransferPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub reference: String,
    pub status: &'static str,
    pub reason: String,
    pub note: String,
    pub received: String,
    pub org_name: String,
    pub org_country: String,
    pub contacts: Vec<String>,
    pub circumstances: Option<CircumstancesView>,
    pub enquirer_names: Option<Vec<NameView>>,
    pub relationships: Vec<&'static str>,
    pub enquirer_contact: String,
    pub sought: Vec<SharedPersonView>,
    pub can_decide: bool,
    /// What was typed in the decision form, and its errors.
    pub values: FormValues,
}

pub use crate::gallery::views::*;

// ---------------------------------------------------------------- directory and library (issue 12)

pub struct EntryRowView {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub city: String,
    pub country: String,
    pub services: Vec<&'static str>,
    pub languages: String,
}

#[derive(Template)]
#[template(path = "directory.html")]
pub struct DirectoryPage<'a> {
    pub page: &'a Page,
    pub values: FormValues,
    pub rows: Vec<EntryRowView>,
    pub total: u64,
    /// More than `total` entries passed the query (counting stopped).
    pub more: bool,
    pub can_add: bool,
    pub kinds: Vec<&'static str>,
    pub services: Vec<&'static str>,
    pub prev: String,
    pub next: String,
}

pub struct EntryView {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub city: String,
    pub country: String,
    pub visibility: &'static str,
    pub description: String,
    pub services: Vec<&'static str>,
    pub languages: String,
    pub hours: String,
    pub offset: String,
    pub eligibility: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub verified_at: String,
    pub verified_by: String,
    pub maintainer: String,
}

#[derive(Template)]
#[template(path = "directory_entry.html")]
pub struct DirectoryEntryPage<'a> {
    pub page: &'a Page,
    pub e: EntryView,
    pub can_edit: bool,
}

#[derive(Template)]
#[template(path = "directory_form.html")]
pub struct DirectoryForm<'a> {
    pub page: &'a Page,
    pub title_key: &'static str,
    pub action: String,
    pub version: i64,
    pub values: FormValues,
    pub kinds: Vec<&'static str>,
    pub services: Vec<&'static str>,
    pub sexes: Vec<&'static str>,
    pub visibilities: Vec<&'static str>,
}

pub struct CountryRow {
    pub country: String,
    pub version: i64,
    pub reviewed: String,
    pub changed_at: String,
}

#[derive(Template)]
#[template(path = "countries.html")]
pub struct CountriesPage<'a> {
    pub page: &'a Page,
    pub rows: Vec<CountryRow>,
    pub own_country: String,
}

pub struct RevisionRow {
    pub version: i64,
    pub at: String,
    pub by: String,
    pub changed: Vec<String>,
}

#[derive(Template)]
#[template(path = "country.html")]
pub struct CountryPage<'a> {
    pub page: &'a Page,
    pub country: String,
    pub version: i64,
    pub current_version: i64,
    pub changed_at: String,
    pub changed_by: String,
    pub reviewed: String,
    pub sections: Vec<(&'static str, String)>,
    pub history: Vec<RevisionRow>,
    pub can_revise: bool,
}

#[derive(Template)]
#[template(path = "country_form.html")]
pub struct CountryForm<'a> {
    pub page: &'a Page,
    pub country: String,
    pub values: FormValues,
    pub sections: [&'static str; 6],
}

pub struct HitView {
    pub id: String,
    pub title: String,
    pub document_type: &'static str,
    pub language: &'static str,
    pub countries: String,
    pub uploaded: String,
    pub has_text: bool,
    pub snippet: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "library.html")]
pub struct LibraryPage<'a> {
    pub page: &'a Page,
    pub values: FormValues,
    pub hits: Vec<HitView>,
    pub total: u64,
    /// More than `total` documents matched (counting stopped).
    pub more: bool,
    pub only_common_words: bool,
    pub can_upload: bool,
    pub types: Vec<&'static str>,
    pub languages: Vec<&'static str>,
    pub prev: String,
    pub next: String,
}

pub struct DocumentView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub document_type: &'static str,
    pub language: &'static str,
    pub visibility: &'static str,
    pub countries: String,
    pub themes: String,
    pub uploaded: String,
    pub file_name: String,
    pub size: String,
    pub has_text: bool,
}

#[derive(Template)]
#[template(path = "library_document.html")]
pub struct DocumentPage<'a> {
    pub page: &'a Page,
    pub d: DocumentView,
}

#[derive(Template)]
#[template(path = "library_form.html")]
pub struct DocumentForm<'a> {
    pub page: &'a Page,
    pub values: FormValues,
    pub types: Vec<&'static str>,
    pub languages: Vec<&'static str>,
    pub visibilities: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "org_contact.html")]
pub struct OrgContactPage<'a> {
    pub page: &'a Page,
    pub org_name: String,
    pub values: crate::form_values::FormValues,
    pub saved: bool,
}

#[derive(Template)]
#[template(path = "account_digest.html")]
pub struct AccountDigestPage<'a> {
    pub page: &'a Page,
    /// The account's own address, where digests go.
    pub email: String,
    pub enabled: bool,
    pub saved: bool,
    /// When the last digest was sent or failed, in words.
    pub status: Option<String>,
    pub frequencies: Vec<(&'static str, String)>,
    pub languages: Vec<(&'static str, String)>,
    pub values: crate::form_values::FormValues,
}
