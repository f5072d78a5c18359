//! The conformance behaviours of field encryption at rest (issue 16,
//! `docs/adr/0017-field-encryption-at-rest.md`), run on every backend
//! through `conformance_tests!`: a dump of the database (the SQLite file's
//! bytes, `pg_dump`'s output) holds none of the encrypted fields in clear,
//! and a key rotation leaves every value readable.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{
    Harness, acting, circumstances, person_named, published_entry, sharing_with, system, world,
};
use crate::crypto::{self, Keyring};
use crate::{
    FormStamp, IncomingSession, NewReferral, NewReport, NewRequest, OrgScope, OutreachStore, Store,
    SyncOutcome, UserAccount,
};
use retrace_domain::{
    AgeBand, CandidateId, CountryCode, MessageDirection, OutreachSessionData, OutreachSessionId,
    PlaceKind, ReachedGroup, ReferralId, ReferralShare, RegistrationKind, Relationship, RequestId,
    RequestStatus, RiskAssessment, RiskLevel, Service, Sex, Text, Timestamp, ToolEntryId, Urgency,
};
use std::collections::BTreeMap;

fn text(value: &str) -> Text {
    Text::parse("text", value, 2000, true).unwrap()
}

/// A marker for one field: unique, and found nowhere else.
fn marker(field: &str) -> String {
    format!("Qz{field}Marker7431")
}

fn outreach(notes: &str, city: &str) -> OutreachSessionData {
    OutreachSessionData {
        team: text("North"),
        place_kind: PlaceKind::Station,
        city: text(city),
        started_at: Timestamp::from_millis(1_700_000_000_000),
        duration_minutes: 90,
        members: vec![text("Anne")],
        mediators: vec![],
        languages: vec![],
        people_reached: 3,
        reached: vec![ReachedGroup {
            sex: Sex::Female,
            age_band: AgeBand::From18To25,
            nationality: Some(CountryCode::parse("ER").unwrap()),
            count: 3,
        }],
        topics: vec![],
        referrals: vec![],
        follow_ups: vec![],
        notes: Some(text(notes)),
    }
}

/// What [`write_markers`] wrote, to read it back.
struct Written {
    markers: Vec<String>,
    overwritten: Vec<String>,
    scope_a: OrgScope,
    request: RequestId,
    candidate: CandidateId,
    referral: ReferralId,
    tool_entry: ToolEntryId,
    session: OutreachSessionId,
    user_a: UserAccount,
}

/// Writes a marker into every encrypted field through the store.
async fn write_markers<S: Store>(store: &S) -> Written {
    let w = world(store).await;
    let scope_a = OrgScope::new(w.a.id);
    let mut markers = Vec::new();
    let mut take = |field: &str| {
        let m = marker(field);
        markers.push(m.clone());
        m
    };

    // A person's contact details and distinguishing marks; the
    // circumstances' narrative, place and source of last news.
    let mut enquirer = person_named(&["Amina Haddad"], &["SY"]);
    enquirer.contact = Some(text(&take("Contact")));
    enquirer.distinguishing_marks = Some(text(&take("Marks")));
    enquirer.last_known_place = Some(text(&take("LastPlace")));
    let mut sought = person_named(&["Karim Haddad"], &["SY"]);
    sought.distinguishing_marks = Some(text(&take("SoughtMarks")));
    let mut story = circumstances(&take("Place"));
    story.narrative = Some(text(&take("Narrative")));
    story.last_news.source = Some(text(&take("NewsSource")));
    let request = store
        .create_request(
            &acting(&w.user_a, 10),
            &scope_a,
            &NewRequest {
                enquirer,
                sought: vec![(Relationship::Brother, sought)],
                circumstances: story,
            },
        )
        .await
        .unwrap();
    store
        .set_request_status(
            &acting(&w.user_a, 11),
            &scope_a,
            request.id,
            1,
            RequestStatus::Searching,
            Some(&text(&take("StatusNote"))),
        )
        .await
        .unwrap();

    // A family message on the world's candidate.
    store
        .create_message(
            &acting(&w.user_a, 12),
            &scope_a,
            w.candidate,
            MessageDirection::ToSoughtPerson,
            &text(&take("Message")),
        )
        .await
        .unwrap();

    // A referral's risk assessment, a note on its timeline, a filled tool.
    let person = store
        .create_registration(
            &acting(&w.user_a, 13),
            &scope_a,
            RegistrationKind::Safe,
            &person_named(&["Elira Hoxha"], &["AL"]),
            Some(&sharing_with(&["FR"])),
        )
        .await
        .unwrap();
    let referral = store
        .create_referral(
            &acting(&w.user_a, 14),
            &scope_a,
            &NewReferral {
                person: person.id,
                to_org: w.b.id,
                purpose: text("support"),
                services: vec![Service::Shelter],
                urgency: Urgency::Urgent,
                risk: RiskAssessment {
                    level: RiskLevel::High,
                    who_at_risk: text(&take("WhoAtRisk")),
                    from_whom: Some(text(&take("FromWhom"))),
                    safety_plan: text(&take("SafetyPlan")),
                },
                share: ReferralShare {
                    identity: true,
                    contact: true,
                    risk_assessment: true,
                },
            },
        )
        .await
        .unwrap();
    store
        .post_referral_update(
            &acting(&w.user_a, 15),
            &scope_a,
            referral.id,
            &text(&take("ReferralNote")),
            true,
        )
        .await
        .unwrap();
    let tool = retrace_domain::builtin_tools().remove(0);
    let values = BTreeMap::from([("notes".to_owned(), take("ToolNotes"))]);
    let tool_entry = store
        .save_tool_entry(
            &acting(&w.user_a, 16),
            &scope_a,
            referral.id,
            &tool,
            &values,
        )
        .await
        .unwrap()
        .id;

    // An outreach session's notes, and a conflicting edit's.
    let session = OutreachSessionId::random();
    let first = IncomingSession {
        id: session,
        base_version: 0,
        data: outreach(&marker("OutreachNotes"), "Brussels"),
    };
    store
        .sync_outreach_session(&acting(&w.user_a, 17), &scope_a, &first)
        .await
        .unwrap();
    for (millis, city) in [(18, "Ghent"), (19, "Liege")] {
        let edit = IncomingSession {
            id: session,
            base_version: 1,
            data: outreach(&marker(&format!("Edit{city}")), city),
        };
        store
            .sync_outreach_session(&acting(&w.user_a, millis), &scope_a, &edit)
            .await
            .unwrap();
    }
    take("EditGhent");
    take("EditLiege");
    // Replaced by the first edit: in no row any more, but it was written.
    let overwritten = vec![marker("OutreachNotes")];

    // A visitor's information and contact on a published entry.
    let reference = published_entry(store, &scope_a, &w.user_a).await;
    store
        .create_report(
            &system(20),
            &reference,
            &NewReport {
                message: text(&take("ReportMessage")),
                contact: Some(text(&take("ReportContact"))),
                language: "en".to_owned(),
            },
            &FormStamp {
                nonce: "crypto".to_owned(),
                expires_at: Timestamp::from_millis(i64::MAX / 2),
            },
        )
        .await
        .unwrap();

    Written {
        markers,
        overwritten,
        scope_a,
        request: request.id,
        candidate: w.candidate,
        referral: referral.id,
        tool_entry,
        session,
        user_a: w.user_a,
    }
}

/// Reads every marked value back through the store and returns the text of
/// all of them together.
async fn read_back<S: Store>(store: &S, w: &Written) -> String {
    let scope = &w.scope_a;
    let audit = acting(&w.user_a, 100);
    let mut seen = String::new();
    let request = store
        .request(&audit, scope, w.request)
        .await
        .unwrap()
        .unwrap();
    seen.push_str(&format!("{:?}", request.circumstances));
    seen.push_str(&format!("{:?}", request.enquirer.details));
    seen.push_str(&format!("{:?}", request.sought));
    for change in store.status_history(scope, w.request).await.unwrap() {
        seen.push_str(&format!("{:?}", change.note));
    }
    for message in store.messages(scope, w.candidate).await.unwrap() {
        seen.push_str(message.body.as_str());
    }
    let view = store
        .referral(&audit, scope, w.referral)
        .await
        .unwrap()
        .unwrap();
    seen.push_str(&format!("{:?} {:?}", view.risk, view.timeline));
    let entry = store
        .tool_entry(&audit, scope, w.referral, w.tool_entry)
        .await
        .unwrap()
        .unwrap();
    seen.push_str(&format!("{:?}", entry.values));
    let session = store
        .outreach_session(&audit, scope, w.session)
        .await
        .unwrap()
        .unwrap();
    seen.push_str(&format!("{:?}", session.data.notes));
    for conflict in store.outreach_conflicts(scope).await.unwrap() {
        seen.push_str(&format!("{:?}", conflict.data.notes));
    }
    for report in store.reports(scope, None, 10).await.unwrap() {
        seen.push_str(&format!("{} {:?}", report.message.as_str(), report.contact));
    }
    seen
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Every encrypted field of every module, written with a unique marker,
/// reads back through the store, and none of the markers is in a dump of
/// the database; names stay in clear for the search (the dump is real).
pub async fn encrypted_fields_never_reach_a_dump_in_clear<H: Harness>(h: &H) {
    let store = h.store();
    let written = write_markers(store).await;
    let seen = read_back(store, &written).await;
    for m in &written.markers {
        assert!(seen.contains(m.as_str()), "{m} does not read back: {seen}");
    }
    // The edit that conflicted, sent again, is the same conflict (the
    // blind index finds the sealed copy).
    let again = IncomingSession {
        id: written.session,
        base_version: 1,
        data: outreach(&marker("EditLiege"), "Liege"),
    };
    let outcome = store
        .sync_outreach_session(&acting(&written.user_a, 101), &written.scope_a, &again)
        .await
        .unwrap();
    assert!(
        matches!(outcome, SyncOutcome::Conflict { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        store
            .outreach_conflicts(&written.scope_a)
            .await
            .unwrap()
            .len(),
        1
    );

    let dump = h.dump().await;
    assert!(
        holds(&dump, "karim haddad"),
        "the dump should hold the search names in clear ({} bytes)",
        dump.len()
    );
    for m in written.markers.iter().chain(&written.overwritten) {
        assert!(!holds(&dump, m), "{m} is in the dump in clear");
    }
}

/// A rotation to a new key re-encrypts every value in batches; afterwards
/// no stored value is under the old key and every one reads back.
pub async fn rotation_leaves_every_value_readable<H: Harness>(h: &H) {
    let store = h.store();
    let written = write_markers(store).await;
    let before = crypto::installed().unwrap();
    let old = before.keyring().current_id();
    let dump = h.dump().await;
    assert!(holds(&dump, &crypto::prefix(old)));

    // The new key joins the keys of this process (other tests running
    // beside this one keep reading theirs).
    let keyring = before.keyring();
    let new = keyring.ids().max().unwrap() + 1;
    let fresh = crypto::SecretKey::generate().derive("rotation test key");
    let keys = keyring
        .ids()
        .map(|id| (id, *keyring.key(id).unwrap()))
        .chain([(new, fresh)]);
    crypto::install(Keyring::from_keys(keys).unwrap(), None);

    let mut rewritten = 0;
    loop {
        let done = h.reencrypt_batch(3).await.unwrap();
        if done == 0 {
            break;
        }
        rewritten += done;
    }
    assert!(
        rewritten >= written.markers.len() as u64,
        "only {rewritten} values re-encrypted"
    );
    assert_eq!(h.values_not_under_current_key().await.unwrap(), 0);
    let seen = read_back(store, &written).await;
    for m in &written.markers {
        assert!(seen.contains(m.as_str()), "{m} does not read back: {seen}");
    }
    // (Old ciphertexts may linger in SQLite's free pages and log until
    // they are overwritten: the live rows are what is counted above.)
    let dump = h.dump().await;
    assert!(holds(&dump, &crypto::prefix(new)));
}
