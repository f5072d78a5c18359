//! JSON request bodies of the API: the body read as `JsonBody<T>` reads it
//! (serde with the error's JSON path), for the request type chosen by the
//! first byte, then checked by the use case's own validation step where it
//! needs no store. An error must name a field and describe itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use retrace_app::fuzzing as app;
use retrace_fuzz::check;
use retrace_web::fuzzing::json;

fn open_request(input: retrace_app::requests::OpenRequest) {
    check(app::person_details(&input.enquirer, "enquirer", true));
    for (i, sought) in input.sought.iter().enumerate() {
        check(app::person_details(
            &sought.person,
            &format!("sought[{i}].person"),
            false,
        ));
    }
    check(app::circumstances(&input.circumstances));
}

fuzz_target!(|input: &[u8]| {
    let Some((&which, body)) = input.split_first() else {
        return;
    };
    macro_rules! read {
        ($t:ty) => {
            match json::<$t>(body) {
                Ok(value) => value,
                Err(message) => {
                    assert!(!message.is_empty());
                    return;
                }
            }
        };
    }
    match which % 25 {
        0 => open_request(read!(retrace_app::requests::OpenRequest)),
        1 => {
            let input = read!(retrace_app::requests::AddSought);
            check(app::person_details(&input.person, "person", false));
        }
        2 => {
            let input = read!(retrace_app::persons::Registration);
            check(app::person_details(&input.person, "person", true));
        }
        3 => {
            check(app::consent(&read!(retrace_app::persons::ConsentInput)));
        }
        4 => {
            read!(retrace_app::requests::ChangeStatus);
        }
        5 => {
            read!(retrace_app::requests::Assignment);
        }
        6 => {
            check(app::transfer(&read!(retrace_app::transfers::TransferInput)));
        }
        7 => {
            read!(retrace_app::transfers::Decision);
        }
        8 => {
            read!(retrace_app::candidates::Review);
        }
        9 => {
            read!(retrace_app::candidates::NewMessage);
        }
        10 => {
            check(app::new_account(&read!(
                retrace_app::accounts::NewAccountInput
            )));
        }
        11 => {
            read!(retrace_app::accounts::NewOrganisationInput);
        }
        12 => {
            check(app::session(&read!(retrace_app::outreach::SessionInput)));
        }
        13 => {
            check(app::referral(&read!(retrace_app::referrals::ReferralInput)));
        }
        14 => {
            read!(retrace_app::referrals::DecisionInput);
        }
        15 => {
            read!(retrace_app::referrals::StatusInput);
        }
        16 => {
            read!(retrace_app::referrals::StepInput);
        }
        17 => {
            read!(retrace_app::referrals::SopTemplateInput);
        }
        18 => {
            read!(retrace_app::referrals::ToolEntryInput);
        }
        19 => {
            let tool = read!(retrace_domain::ToolDefinition);
            if let Err(error) = tool.check() {
                let _ = format!("{error:?}");
            }
        }
        20 => {
            check(read!(retrace_app::directory::EntryInput).parse());
        }
        21 => {
            check(read!(retrace_app::directory::ProfileInput).parse());
        }
        22 => {
            check(app::document(&read!(retrace_app::library::DocumentInput)));
        }
        23 => {
            check(read!(retrace_app::networks::PostInput).parse());
        }
        _ => {
            check(read!(retrace_app::practices::PracticeInput).parse());
        }
    }
});
