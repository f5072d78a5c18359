//! The conformance behaviours of pledge indicators (issue 14, item 3),
//! run on every backend through `conformance_tests!`: every computed
//! figure checked exactly on a known set of records placed just before and
//! after New Year in two organisations' own (non-UTC) offsets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting_at, simple_request, tracing_consent};
use crate::conformance_outreach::tests::{data, incoming};
use crate::conformance_referrals::{new_referral, party, person_sharing_with};
use crate::{
    AuditContext, FigureValue, FormStamp, GalleryStore, IndicatorStore, IndicatorSubject,
    MediaTokens, NetworkStore, NewGalleryEntry, NewReport, OpeningConsents, OrgScope,
    OutreachStore, ReferralStore, StatusMove, Store, StoreError, UserAccount,
};
use retrace_domain::directory::UtcOffset;
use retrace_domain::indicator::utc_year_bounds;
use retrace_domain::{
    AuditAction, ClosureReason, ConsentPurpose, EnteredFigure, Figure, GalleryReference,
    MemberRole, NetworkName, NewConsent, OrgId, Outcome, OutreachSessionId, Relationship,
    RequestId, RequestStatus, Stage, Text, Timestamp,
};
use std::collections::BTreeMap;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// New Year 2026 at UTC, in milliseconds.
fn new_year() -> i64 {
    utc_year_bounds(2026).0
}

fn when(offset_from_new_year: i64) -> Timestamp {
    Timestamp::from_millis(new_year() + offset_from_new_year)
}

fn ctx(user: &UserAccount, offset_from_new_year: i64) -> AuditContext {
    acting_at(user, when(offset_from_new_year))
}

/// Opens a request of `scope` at the moment given, with a publication
/// consent when it is to be published in the gallery.
async fn open<S: Store>(
    store: &S,
    scope: &OrgScope,
    user: &UserAccount,
    at: i64,
    publication: bool,
) -> (RequestId, i64) {
    let consents = OpeningConsents {
        enquirer: publication.then(|| NewConsent {
            purpose: ConsentPurpose::Publication,
            ..tracing_consent()
        }),
        each_sought: None,
    };
    let request = store
        .open_request(&ctx(user, at), scope, &simple_request(), &consents)
        .await
        .unwrap();
    (request.id, request.version)
}

async fn status<S: Store>(
    store: &S,
    scope: &OrgScope,
    user: &UserAccount,
    request: (RequestId, i64),
    at: i64,
    to: RequestStatus,
) -> (RequestId, i64) {
    let changed = store
        .set_request_status(&ctx(user, at), scope, request.0, request.1, to, None)
        .await
        .unwrap();
    (changed.id, changed.version)
}

fn figures(values: &[FigureValue]) -> BTreeMap<(i32, Figure), i64> {
    values
        .iter()
        .filter(|v| v.value != 0)
        .map(|v| ((v.year, v.figure), v.value))
        .collect()
}

/// Belgium reports at +02:00, France at -05:00. Every record sits a few
/// hours from New Year 2026 at UTC, so each falls in a different year in
/// one organisation's time than at UTC.
pub async fn indicators_are_computed_exactly_across_year_boundaries<H: Harness>(h: &H) {
    let store = h.store();
    let (be, be_user) = party(store, "Belgian Red Cross", "BE", "be@example.org").await;
    let (fr, fr_user) = party(store, "French Red Cross", "FR", "fr@example.org").await;
    let (other, other_user) = party(store, "Swiss Red Cross", "CH", "ch@example.org").await;
    let be_scope = OrgScope::new(be.id);
    let fr_scope = OrgScope::new(fr.id);
    let plus_two = UtcOffset::parse("+02:00").unwrap();
    let minus_five = UtcOffset::parse("-05:00").unwrap();
    assert_eq!(
        store.reporting_offset(be.id).await.unwrap(),
        UtcOffset::default()
    );
    store
        .set_reporting_offset(&ctx(&be_user, -400 * DAY), &be_scope, plus_two)
        .await
        .unwrap();
    store
        .set_reporting_offset(&ctx(&fr_user, -400 * DAY), &fr_scope, minus_five)
        .await
        .unwrap();
    assert_eq!(store.reporting_offset(be.id).await.unwrap(), plus_two);
    assert_eq!(store.reporting_offset(fr.id).await.unwrap(), minus_five);

    // Tracing, Belgium (+02:00: New Year is 2 hours before UTC's).
    // A: opened 2025 (23:00 local), located 2025, contact restored 2026
    // (00:30 local, still 2025 at UTC).
    let a = open(store, &be_scope, &be_user, -3 * HOUR, false).await;
    let a = status(
        store,
        &be_scope,
        &be_user,
        a,
        -150 * 60_000,
        RequestStatus::Located,
    )
    .await;
    status(
        store,
        &be_scope,
        &be_user,
        a,
        -30 * 60_000,
        RequestStatus::ContactRestored,
    )
    .await;
    // B: opened 2026 (01:00 local), published in the gallery, located and
    // reunited in 2026.
    let b = open(store, &be_scope, &be_user, -HOUR, true).await;
    let b = status(store, &be_scope, &be_user, b, DAY, RequestStatus::Located).await;
    status(
        store,
        &be_scope,
        &be_user,
        b,
        2 * DAY,
        RequestStatus::Reunited,
    )
    .await;
    // C: located twice in 2026 (counted once), closed as reunited.
    let c = open(store, &be_scope, &be_user, 10 * DAY, false).await;
    let c = status(
        store,
        &be_scope,
        &be_user,
        c,
        11 * DAY,
        RequestStatus::Located,
    )
    .await;
    let c = status(
        store,
        &be_scope,
        &be_user,
        c,
        12 * DAY,
        RequestStatus::Searching,
    )
    .await;
    let c = status(
        store,
        &be_scope,
        &be_user,
        c,
        13 * DAY,
        RequestStatus::Located,
    )
    .await;
    status(
        store,
        &be_scope,
        &be_user,
        c,
        14 * DAY,
        RequestStatus::Closed(ClosureReason::Reunited),
    )
    .await;
    // France (-05:00): opened 3 hours after UTC's New Year, 2025 locally.
    open(store, &fr_scope, &fr_user, 3 * HOUR, false).await;
    // Another organisation's request and status, in neither report.
    let x = open(store, &OrgScope::new(other.id), &other_user, HOUR, false).await;
    status(
        store,
        &OrgScope::new(other.id),
        &other_user,
        x,
        2 * HOUR,
        RequestStatus::Located,
    )
    .await;

    // Gallery: B's entry published at 01:01 local (2026); reports at
    // 00:00 local exactly (2026) and a millisecond before (2025).
    let reference = GalleryReference::from_random_bytes(&[9, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    store
        .create_gallery_entry(
            &ctx(&be_user, -HOUR + 60_000),
            &be_scope,
            &NewGalleryEntry {
                request: b.0,
                reference: reference.clone(),
                relationships: vec![Relationship::Brother],
                region: None,
                media: MediaTokens {
                    photo: "p".repeat(32),
                    thumbnail: "t".repeat(32),
                },
            },
        )
        .await
        .unwrap();
    let report = NewReport {
        message: Text::parse("message", "I saw him in Lyon", 4000, true).unwrap(),
        contact: None,
        language: "fr".to_owned(),
    };
    for (nonce, at) in [("n1", -2 * HOUR), ("n2", -2 * HOUR - 1)] {
        let visitor = AuditContext::system(when(at), "gallery report");
        let stamp = FormStamp {
            nonce: nonce.to_owned(),
            expires_at: when(DAY),
        };
        store
            .create_report(&visitor, &reference, &report, &stamp)
            .await
            .unwrap();
    }

    // Referrals from Belgium to France: R1 sent 3 hours before UTC's New
    // Year (2025 for both); R2 one hour after (2026 in Belgium, 2025 in
    // France). Belgium closes R2's identification stage, France closes R2
    // as assisted, both in 2026.
    let person = person_sharing_with(store, &be_user, &be, &["FR"]).await;
    store
        .create_referral(
            &ctx(&be_user, -3 * HOUR),
            &be_scope,
            &new_referral(&person, &fr),
        )
        .await
        .unwrap();
    let r2 = store
        .create_referral(&ctx(&be_user, HOUR), &be_scope, &new_referral(&person, &fr))
        .await
        .unwrap();
    store
        .decide_referral(&ctx(&fr_user, 2 * HOUR), &fr_scope, r2.id, true, None)
        .await
        .unwrap();
    store
        .close_stage(&ctx(&be_user, DAY), &be_scope, r2.id, Stage::Identification)
        .await
        .unwrap();
    store
        .move_referral(
            &ctx(&fr_user, 2 * DAY),
            &fr_scope,
            r2.id,
            &StatusMove::Start,
        )
        .await
        .unwrap();
    store
        .move_referral(
            &ctx(&fr_user, 3 * DAY),
            &fr_scope,
            r2.id,
            &StatusMove::Close {
                outcome: Outcome::Assisted,
                note: None,
            },
        )
        .await
        .unwrap();

    // Outreach in Belgium: 5 people at 23:00 local (2025), 7 at 01:00
    // local (2026) and 4 later in 2026.
    for (at, people) in [(-3 * HOUR, 5), (-HOUR, 7), (40 * DAY, 4)] {
        let mut session = data("Team A", "SY", people, 0);
        session.started_at = when(at);
        store
            .sync_outreach_session(
                &ctx(&be_user, 50 * DAY),
                &be_scope,
                &incoming(OutreachSessionId::random(), 0, session),
            )
            .await
            .unwrap();
    }

    let be_figures = store
        .indicator_figures(IndicatorSubject::Org(be.id), 2025, 2026)
        .await
        .unwrap();
    let expected: BTreeMap<(i32, Figure), i64> = [
        ((2025, Figure::RequestsOpened), 1),
        ((2025, Figure::PersonsLocated), 1),
        ((2025, Figure::ReferralsSent), 1),
        ((2025, Figure::OutreachSessions), 1),
        ((2025, Figure::PeopleReached), 5),
        ((2025, Figure::GalleryReports), 1),
        ((2026, Figure::RequestsOpened), 2),
        ((2026, Figure::PersonsLocated), 2),
        ((2026, Figure::ContactsRestored), 1),
        ((2026, Figure::Reunifications), 2),
        ((2026, Figure::ReferralsSent), 1),
        ((2026, Figure::StagesClosed(Stage::Identification)), 1),
        ((2026, Figure::OutreachSessions), 2),
        ((2026, Figure::PeopleReached), 11),
        ((2026, Figure::GalleryPublished), 1),
        ((2026, Figure::GalleryReports), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(figures(&be_figures.computed), expected);
    assert!(be_figures.entered.is_empty());

    let fr_figures = store
        .indicator_figures(IndicatorSubject::Org(fr.id), 2025, 2026)
        .await
        .unwrap();
    let expected: BTreeMap<(i32, Figure), i64> = [
        ((2025, Figure::RequestsOpened), 1),
        ((2025, Figure::ReferralsReceived), 2),
        ((2026, Figure::ReferralsClosed(Outcome::Assisted)), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(figures(&fr_figures.computed), expected);

    // One year only: the other year's records are left out.
    let only_2025 = store
        .indicator_figures(IndicatorSubject::Org(be.id), 2025, 2025)
        .await
        .unwrap();
    assert!(only_2025.computed.iter().all(|v| v.year == 2025));
    assert_eq!(figures(&only_2025.computed).len(), 6);

    // At UTC the same records fall otherwise: Belgium's contact restored
    // (23:30 UTC) moves to 2025.
    store
        .set_reporting_offset(&ctx(&be_user, 60 * DAY), &be_scope, UtcOffset::default())
        .await
        .unwrap();
    let at_utc = figures(
        &store
            .indicator_figures(IndicatorSubject::Org(be.id), 2025, 2026)
            .await
            .unwrap()
            .computed,
    );
    assert_eq!(at_utc.get(&(2025, Figure::ContactsRestored)), Some(&1));
    assert_eq!(at_utc.get(&(2026, Figure::ContactsRestored)), None);
    assert_eq!(at_utc.get(&(2025, Figure::RequestsOpened)), Some(&2));
    store
        .set_reporting_offset(&ctx(&be_user, 61 * DAY), &be_scope, plus_two)
        .await
        .unwrap();

    // The network adds its members up, each in its own year; the third
    // organisation is not a member.
    let network = store
        .create_network(
            &AuditContext::system(when(0), "conformance test"),
            &NetworkName::parse("Western Europe network").unwrap(),
            &Text::parse("description", "-", 4000, true).unwrap(),
            &[
                (be.id, MemberRole::Coordinator),
                (fr.id, MemberRole::Member),
            ],
        )
        .await
        .unwrap();
    let network_figures = figures(
        &store
            .indicator_figures(IndicatorSubject::Network(network.id), 2025, 2026)
            .await
            .unwrap()
            .computed,
    );
    assert_eq!(
        network_figures.get(&(2025, Figure::RequestsOpened)),
        Some(&2)
    );
    assert_eq!(
        network_figures.get(&(2026, Figure::RequestsOpened)),
        Some(&2)
    );
    assert_eq!(
        network_figures.get(&(2026, Figure::PersonsLocated)),
        Some(&2)
    );
    assert_eq!(
        network_figures.get(&(2025, Figure::ReferralsSent)),
        Some(&1)
    );
    assert_eq!(
        network_figures.get(&(2025, Figure::ReferralsReceived)),
        Some(&2)
    );
    assert_eq!(
        network_figures.get(&(2026, Figure::PeopleReached)),
        Some(&11)
    );

    // More than twenty years, or backwards, is refused.
    for (from, to) in [(2000, 2030), (2026, 2025)] {
        let err = store
            .indicator_figures(IndicatorSubject::Org(be.id), from, to)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Refused { .. }), "{err:?}");
    }
    let offsets_set = store
        .audit_entries(&be_scope, 200, None)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.record.action == AuditAction::ReportingOffsetSet.as_str())
        .count();
    assert_eq!(offsets_set, 3);
}

fn entered(year: i32, figure: Figure, value: u32, note: Option<&str>) -> EnteredFigure {
    EnteredFigure::new(
        year,
        figure,
        value,
        note.map(|n| Text::parse("note", n, 300, true).unwrap()),
    )
    .unwrap()
}

pub async fn entered_indicators_are_replaced_audited_and_added_up_by_network<H: Harness>(h: &H) {
    let store = h.store();
    let (be, be_user) = party(store, "Belgian Red Cross", "BE", "be@example.org").await;
    let (fr, fr_user) = party(store, "French Red Cross", "FR", "fr@example.org").await;
    let be_scope = OrgScope::new(be.id);
    let staff = Figure::TrainedStaff;
    let campaigns = Figure::AwarenessCampaigns;
    let changed = store
        .enter_indicators(
            &ctx(&be_user, DAY),
            &be_scope,
            2026,
            &[
                (staff, Some(entered(2026, staff, 12, Some("two sessions")))),
                (campaigns, Some(entered(2026, campaigns, 3, None))),
                (Figure::AdvocacyActions, None),
            ],
        )
        .await
        .unwrap();
    assert_eq!(changed, vec![staff, campaigns]);
    // The same again changes nothing and writes no audit entry.
    let again = store
        .enter_indicators(
            &ctx(&be_user, 2 * DAY),
            &be_scope,
            2026,
            &[
                (staff, Some(entered(2026, staff, 12, Some("two sessions")))),
                (campaigns, Some(entered(2026, campaigns, 3, None))),
            ],
        )
        .await
        .unwrap();
    assert!(again.is_empty());
    // A value changed and one cleared.
    let changed = store
        .enter_indicators(
            &ctx(&be_user, 3 * DAY),
            &be_scope,
            2026,
            &[
                (staff, Some(entered(2026, staff, 14, Some("two sessions")))),
                (campaigns, None),
            ],
        )
        .await
        .unwrap();
    assert_eq!(changed, vec![staff, campaigns]);
    store
        .enter_indicators(
            &ctx(&fr_user, 3 * DAY),
            &OrgScope::new(fr.id),
            2026,
            &[(staff, Some(entered(2026, staff, 6, Some("French note"))))],
        )
        .await
        .unwrap();
    let be_figures = store
        .indicator_figures(IndicatorSubject::Org(be.id), 2025, 2026)
        .await
        .unwrap();
    assert_eq!(
        be_figures.entered,
        vec![entered(2026, staff, 14, Some("two sessions"))]
    );
    // Two entries in Belgium's log, naming the year and the figures.
    let purposes: Vec<String> = store
        .audit_entries(&be_scope, 100, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == AuditAction::IndicatorsEntered.as_str())
        .map(|e| e.record.purpose.unwrap_or_default())
        .collect();
    assert_eq!(purposes.len(), 2, "{purposes:?}");
    assert!(
        purposes
            .iter()
            .any(|p| p.contains("2026: trained_staff, awareness_campaigns")),
        "{purposes:?}"
    );
    // The network adds the members' entries, without their notes.
    let network = store
        .create_network(
            &AuditContext::system(when(0), "conformance test"),
            &NetworkName::parse("Western Europe network").unwrap(),
            &Text::parse("description", "-", 4000, true).unwrap(),
            &[
                (be.id, MemberRole::Coordinator),
                (fr.id, MemberRole::Member),
            ],
        )
        .await
        .unwrap();
    let sum = store
        .indicator_figures(IndicatorSubject::Network(network.id), 2026, 2026)
        .await
        .unwrap();
    assert_eq!(sum.entered, vec![entered(2026, staff, 20, None)]);
    // Seeding writes in bulk with one audit entry per organisation and year.
    let org: OrgId = be.id;
    store
        .seed_indicators(
            &AuditContext::system(when(0), "demo"),
            &[
                (org, entered(2024, staff, 1, None)),
                (org, entered(2024, campaigns, 2, None)),
            ],
        )
        .await
        .unwrap();
    let seeded = store
        .indicator_figures(IndicatorSubject::Org(org), 2024, 2024)
        .await
        .unwrap();
    assert_eq!(seeded.entered.len(), 2);
}
