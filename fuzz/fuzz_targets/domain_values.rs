//! The validated values of `retrace-domain` that read what a person typed
//! (forms, the API, imports): each parser, chosen by the input, must
//! return `Ok` or an error naming its field, never panic; the library's
//! search query is also folded, stemmed and cut into snippets.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use retrace_domain::directory::{OpeningHours, UtcOffset, parse_list};
use retrace_domain::gallery::GalleryReference;
use retrace_domain::indicator::{Figure, parse_count, parse_year};
use retrace_domain::library::{
    DocumentFormat, SearchQuery, TextLanguage, fold, index_terms, snippet,
};
use retrace_domain::network::{Follow, JointAction, NetworkName};
use retrace_domain::org::{PublicContact, PublicPhone};
use retrace_domain::practice::Cost;
use retrace_domain::referral::{parse_services, parse_sop_steps};
use retrace_domain::tracing::{CaseReference, RequestStatus};
use retrace_domain::{
    ApiScopes, ChainHash, CountryCode, DisplayName, Email, InvalidValue, NewPassword, OrgName,
    RoleSet, Text,
};

#[derive(Arbitrary, Debug)]
enum Value<'a> {
    Email(&'a str),
    DisplayName(&'a str),
    OrgName(&'a str),
    Country(&'a str),
    Phone(&'a str),
    Contact(&'a str, &'a str, &'a str),
    Password(&'a str),
    CaseReference(&'a str),
    Status(&'a str, Option<&'a str>),
    Scopes(&'a str),
    Roles(&'a str),
    GalleryReference(&'a str),
    Offset(&'a str),
    Hours(&'a str),
    Languages(&'a str),
    Network(&'a str),
    Due(&'a str),
    Follow(&'a str),
    Figure(&'a str),
    Count(&'a str),
    Year(&'a str, i32),
    Cost(&'a str, &'a str),
    Services(Vec<&'a str>),
    SopSteps(Vec<(String, bool)>),
    Text(&'a str, u8, bool),
    ChainHash(&'a str),
    FileName(&'a str, &'a [u8]),
    Search(&'a str, u8, &'a str, u8),
}

fn shown(result: Result<impl std::fmt::Debug, InvalidValue>) {
    if let Err(error) = result {
        assert!(!error.field.is_empty(), "an error without its field");
        let _ = error.problem.to_string();
    }
}

fuzz_target!(|value: Value<'_>| {
    match value {
        Value::Email(v) => shown(Email::parse(v)),
        Value::DisplayName(v) => shown(DisplayName::parse(v)),
        Value::OrgName(v) => shown(OrgName::parse(v)),
        Value::Country(v) => shown(CountryCode::parse(v)),
        Value::Phone(v) => shown(PublicPhone::parse(v)),
        Value::Contact(phone, email, details) => {
            if let Err(errors) = PublicContact::parse(phone, email, details) {
                assert!(!errors.is_empty());
            }
        }
        Value::Password(v) => {
            if let Err(error) = NewPassword::parse(v) {
                let _ = error.to_string();
            }
        }
        Value::CaseReference(v) => shown(CaseReference::parse(v)),
        Value::Status(code, reason) => shown(RequestStatus::parse(code, reason)),
        Value::Scopes(v) => shown(ApiScopes::parse(v)),
        Value::Roles(v) => shown(RoleSet::parse_list(v)),
        Value::GalleryReference(v) => shown(GalleryReference::parse(v)),
        Value::Offset(v) => shown(UtcOffset::parse(v)),
        Value::Hours(v) => shown(OpeningHours::parse(v)),
        Value::Languages(v) => shown(parse_list(
            v,
            retrace_domain::directory::LanguageCode::parse,
        )),
        Value::Network(v) => shown(NetworkName::parse(v)),
        Value::Due(v) => shown(JointAction::parse_due(v)),
        Value::Follow(v) => shown(Follow::parse(v)),
        Value::Figure(v) => {
            let _ = Figure::parse_entered(v).map_err(|p| p.to_string());
        }
        Value::Count(v) => {
            let _ = parse_count(v).map_err(|p| p.to_string());
        }
        Value::Year(v, max) => {
            let _ = parse_year(v, max).map_err(|p| p.to_string());
        }
        Value::Cost(amount, currency) => shown(Cost::parse(amount, currency)),
        Value::Services(codes) => shown(parse_services(codes)),
        Value::SopSteps(steps) => shown(parse_sop_steps(steps)),
        Value::Text(v, max, multiline) => {
            shown(Text::parse("text", v, usize::from(max), multiline))
        }
        Value::ChainHash(v) => {
            let _ = ChainHash::from_hex(v);
        }
        Value::FileName(name, bytes) => {
            if let Ok(format) = DocumentFormat::from_file_name(name) {
                let _ = format.matches_content(bytes);
            } else {
                shown(DocumentFormat::from_file_name(name));
            }
        }
        Value::Search(query, preferred, text, width) => {
            let languages = TextLanguage::ALL;
            let preferred = languages[usize::from(preferred) % languages.len()];
            let _ = fold(text);
            let _ = index_terms(preferred, text);
            match SearchQuery::parse(query, preferred) {
                Ok(parsed) => {
                    let _ = snippet(text, preferred, &parsed, usize::from(width));
                }
                Err(error) => shown(Err::<(), _>(error)),
            }
        }
    }
});
