//! HTML form bodies: `application/x-www-form-urlencoded` read by
//! `FormFields` and by every form reader of the pages (tracing, outreach,
//! practices, referrals, accounts, directory, networks, indicators, the
//! CSV import's plan), each result checked by the use case's validation
//! step where it needs no store. Structure-aware: the body is written
//! from fields named as the forms name them, or taken raw.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use retrace_app::fuzzing as app;
use retrace_fuzz::check;

/// The field names the forms read (prefixes included), so that the
/// fuzzer reaches the readers rather than unknown names.
const NAMES: &[&str] = &[
    "e_name_1",
    "e_name_kind_1",
    "e_given",
    "e_family",
    "e_father_part",
    "e_sex",
    "e_birth_date",
    "e_age",
    "e_age_on",
    "e_nationalities",
    "e_contact",
    "e_tracing_consent",
    "e_consent_method",
    "s_name_1",
    "s_name_2",
    "s_name_kind_2",
    "s_relationship",
    "s_sex",
    "s_birth_date",
    "s_age",
    "s_age_on",
    "s_minor",
    "s_vital_interest",
    "s_last_known_place",
    "p_name_1",
    "p_birth_date",
    "p_tracing_consent",
    "p_consent_method",
    "kind",
    "c_context",
    "c_date",
    "c_place",
    "c_countries",
    "c_news_date",
    "c_narrative",
    "purpose",
    "basis",
    "method",
    "countries",
    "note",
    "status",
    "closure_reason",
    "version",
    "confirm",
    "to_org",
    "sought",
    "circumstances",
    "nationality",
    "from",
    "to",
    "q",
    "name",
    "email",
    "display_name",
    "roles",
    "person",
    "services",
    "urgency",
    "risk_level",
    "title",
    "summary",
    "language",
    "themes",
    "opening_hours",
    "utc_offset",
    "city",
    "country",
    "phone",
    "website",
    "body",
    "network",
    "objectives",
    "cost_amount",
    "cost_currency",
    "figure_0",
    "value_0",
    "note_0",
    "line",
    "occurred_at",
    "place",
    "reached_count_0",
    "reached_sex_0",
    "reached_age_0",
    "reached_nationality_0",
    "topics",
    "referral_service_0",
    "step_0",
    "required_0",
    "id",
    "client_id",
];

#[derive(Arbitrary, Debug)]
enum Body {
    Fields(Vec<(u8, Option<String>, String)>),
    Raw(Vec<u8>),
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fuzz_target!(|body: Body| {
    let bytes = match body {
        Body::Raw(bytes) => bytes,
        Body::Fields(fields) => fields
            .iter()
            .map(|(index, name, value)| {
                let name = name
                    .as_deref()
                    .unwrap_or(NAMES[usize::from(*index) % NAMES.len()]);
                format!("{}={}", encode(name), encode(value))
            })
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
    };
    let Some(forms) = retrace_web::fuzzing::forms(&bytes) else {
        return;
    };
    let request = &forms.open_request;
    check(app::person_details(&request.enquirer, "enquirer", true));
    for sought in &request.sought {
        check(app::person_details(
            &sought.person,
            "sought[0].person",
            false,
        ));
    }
    check(app::circumstances(&request.circumstances));
    check(app::person_details(
        &forms.add_sought.person,
        "person",
        false,
    ));
    check(app::person_details(
        &forms.registration.person,
        "person",
        true,
    ));
    check(app::consent(&forms.consent));
    check(app::transfer(&forms.transfer));
    check(app::request_query(&forms.request_query));
    check(app::session(&forms.session));
    check(forms.practice.parse());
    check(app::referral(&forms.referral));
    check(app::new_account(&forms.account));
    check(forms.directory_entry.parse());
    check(forms.profile.parse());
    check(forms.post.parse());
    let _ = (
        &forms.sop_template,
        &forms.figures,
        forms.change_status.is_some(),
    );
    assert!(forms.name_rows.len() <= retrace_app::input::MAX_NAMES);
});
