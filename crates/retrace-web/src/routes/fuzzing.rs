//! The request parsers of the web crate as the fuzz targets in `fuzz/`
//! call them (ADR 0032): the JSON body and query extractors' parsing, and
//! a form body read by every form reader of the pages. Not an API: nothing
//! in the workspace calls these.

use crate::extract::{FormFields, parse_json, parse_query};
use crate::form_values::FormValues;
use crate::forms;
use axum::http::Uri;
use retrace_app::accounts::NewAccountInput;
use retrace_app::directory::{EntryInput, ProfileInput};
use retrace_app::indicators::FigureInput;
use retrace_app::networks::PostInput;
use retrace_app::outreach::SessionInput;
use retrace_app::persons::{ConsentInput, Registration};
use retrace_app::practices::PracticeInput;
use retrace_app::referrals::{ReferralInput, SopTemplateInput};
use retrace_app::requests::{AddSought, ChangeStatus, OpenRequest, RequestQuery};
use retrace_app::transfers::TransferInput;
use serde::de::DeserializeOwned;

/// A JSON body as `JsonBody<T>` reads it; the error as the API would
/// describe it.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    parse_json(body).map_err(|err| err.to_string())
}

/// The query of a path as `QueryParams<T>` reads it (`None`: the path is
/// not a valid URI, which the HTTP server refuses before any handler).
pub fn query<T: DeserializeOwned>(path_and_query: &str) -> Option<Result<T, String>> {
    let uri: Uri = path_and_query.parse().ok()?;
    Some(parse_query(&uri).map_err(|err| err.to_string()))
}

/// What every form of the pages reads from one body.
pub struct Forms {
    pub open_request: OpenRequest,
    pub add_sought: AddSought,
    pub registration: Registration,
    pub consent: ConsentInput,
    pub change_status: Option<ChangeStatus>,
    pub transfer: TransferInput,
    pub request_query: RequestQuery,
    pub session: SessionInput,
    pub practice: PracticeInput,
    pub referral: ReferralInput,
    pub sop_template: SopTemplateInput,
    pub account: NewAccountInput,
    pub directory_entry: EntryInput,
    pub profile: ProfileInput,
    pub post: PostInput,
    pub figures: Vec<FigureInput>,
    /// The lines ticked on the CSV import's plan, if readable.
    pub lines_ticked: Option<usize>,
    /// The name rows a person form shows again.
    pub name_rows: Vec<usize>,
}

/// A form body read by every form reader (`None`: the body is not
/// `application/x-www-form-urlencoded`, refused before any reader).
pub fn forms(body: &[u8]) -> Option<Forms> {
    let form = FormFields::parse(body).ok()?;
    let change_status = forms::version(&form)
        .ok()
        .map(|version| forms::change_status(&form, version));
    let _ = forms::confirmed(&form);
    let values = FormValues::from_form(&form);
    let (session, _, _) = crate::outreach_views::session_input(&form);
    Some(Forms {
        open_request: forms::open_request(&form),
        add_sought: forms::add_sought(&form),
        registration: forms::registration(&form),
        consent: forms::consent(&form),
        change_status,
        transfer: forms::transfer(&form),
        request_query: forms::request_query(&form),
        session,
        practice: crate::practice_views::practice_input(&form).input,
        referral: super::referrals::referral_input(&form),
        sop_template: super::referrals::template_input(&form),
        account: super::org::new_account(&form).1,
        directory_entry: super::directory::entry_input(&form).0,
        profile: super::directory::profile_input(&form),
        post: super::networks::post_input(&form),
        figures: super::indicators::form_figures(&form),
        lines_ticked: super::import_csv::lines_ticked(&form)
            .ok()
            .map(|lines| lines.len()),
        name_rows: values.name_rows("s_"),
    })
}
