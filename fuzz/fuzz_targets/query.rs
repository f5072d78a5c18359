//! Query strings of the lists (requests, registrations, referrals,
//! outreach, networks' posts, practices, directory, library, indicators'
//! years): a request target `path?query` read as `QueryParams<T>` reads it,
//! for the filter chosen by the first byte, then turned into the store's
//! filter by the use case's own step where it needs no store.
#![no_main]

use libfuzzer_sys::fuzz_target;
use retrace_app::fuzzing as app;
use retrace_domain::library::TextLanguage;
use retrace_fuzz::check;
use retrace_web::fuzzing::query;

fuzz_target!(|input: (u8, &str)| {
    let (which, text) = input;
    let target = format!("/list?{text}");
    macro_rules! read {
        ($t:ty) => {
            match query::<$t>(&target) {
                Some(Ok(value)) => value,
                Some(Err(message)) => {
                    assert!(!message.is_empty());
                    return;
                }
                None => return,
            }
        };
    }
    match which % 9 {
        0 => {
            check(app::request_query(&read!(
                retrace_app::requests::RequestQuery
            )));
        }
        1 => {
            read!(retrace_app::persons::RegistrationQuery);
        }
        2 => {
            read!(retrace_app::referrals::ReferralQuery);
        }
        3 => {
            check(read!(retrace_app::outreach::FilterInput).parse());
        }
        4 => {
            check(read!(retrace_app::networks::PostFilterInput).parse());
        }
        5 => {
            check(read!(retrace_app::practices::PracticeFilterInput).parse(TextLanguage::Fr));
        }
        6 => {
            check(app::directory_query(&read!(
                retrace_app::directory::DirectoryQuery
            )));
        }
        7 => {
            check(read!(retrace_app::library::LibraryQuery).filter(TextLanguage::Ar));
        }
        _ => {
            check(app::years(&read!(retrace_app::indicators::YearsInput)));
        }
    }
});
