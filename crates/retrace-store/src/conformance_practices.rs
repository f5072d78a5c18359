//! The conformance behaviours of the smart-practices database (issue 14,
//! item 2), run on every backend through `conformance_tests!`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting, actions, at, member, org_with_member};
use crate::{
    AuditContext, FormStamp, OrgScope, PracticeFilter, PracticeReader, PracticeStore, SeedPractice,
    Store, StoreError,
};
use retrace_domain::library::{SearchQuery, TextLanguage};
use retrace_domain::{
    Cost, CountryCode, GcmObjective, MemberRole, NetworkId, NetworkName, NewPractice, OrgId,
    PracticeStatus, PracticeText, Role, RoleSet, RouteStage, SupportType, Text, Verdict,
};

pub(crate) fn sample_practice(
    language: TextLanguage,
    title: &str,
    impact: &str,
    stage: RouteStage,
    country: &str,
    objective: u8,
) -> NewPractice {
    NewPractice::new(
        language,
        &PracticeText {
            title,
            implementers: "National Society volunteers",
            funders: "ECHO",
            target_group: "Families on the move",
            impact,
            challenges: "Phones are shared",
            lessons: "",
            recommendations: "",
        },
        vec![stage],
        vec![SupportType::FamilyLinks],
        vec![CountryCode::parse(country).unwrap()],
        Cost::parse("15", "EUR").unwrap(),
        vec![GcmObjective::new(objective).unwrap()],
    )
    .unwrap()
}

async fn network<S: Store>(store: &S, name: &str, members: &[(OrgId, MemberRole)]) -> NetworkId {
    store
        .create_network(
            &AuditContext::system(at(0), "conformance test"),
            &NetworkName::parse(name).unwrap(),
            &Text::parse("description", "Migration network", 4000, true).unwrap(),
            members,
        )
        .await
        .unwrap()
        .id
}

fn all() -> PracticeFilter {
    PracticeFilter {
        limit: 100,
        ..PracticeFilter::default()
    }
}

fn comment(text: &str) -> Text {
    Text::parse("comment", text, 4000, true).unwrap()
}

fn refusal<T: std::fmt::Debug>(result: Result<T, StoreError>) -> retrace_domain::Problem {
    match result {
        Err(StoreError::Refused { problem, .. }) => problem,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub async fn practices_are_peer_reviewed_by_two_other_organisations_then_public<H: Harness>(h: &H) {
    let store = h.store();
    let (own, author) = org_with_member(store, "Org Own", "IT", "u@own.org").await;
    let (a, reviewer_a) = org_with_member(store, "Org A", "GR", "u@a.org").await;
    let reviewer_a2 = member(store, "v@a.org", a.id).await;
    let (b, reviewer_b) = org_with_member(store, "Org B", "FR", "u@b.org").await;
    let (outside, _) = org_with_member(store, "Org Outside", "MX", "u@x.org").await;
    let n = network(
        store,
        "Mediterranean network",
        &[
            (own.id, MemberRole::Coordinator),
            (a.id, MemberRole::Member),
            (b.id, MemberRole::Member),
        ],
    )
    .await;
    let cw = RoleSet::single(Role::Caseworker);
    let (s_own, s_a, s_b, s_out) = (
        OrgScope::new(own.id),
        OrgScope::new(a.id),
        OrgScope::new(b.id),
        OrgScope::new(outside.id),
    );
    let practice = sample_practice(
        TextLanguage::En,
        "Phone charging and tracing desks",
        "Reached 4,000 people",
        RouteStage::Transit,
        "LY",
        5,
    );
    // Outside the network: the network does not exist; a viewer reads only.
    assert!(matches!(
        store
            .submit_practice(&acting(&author, 1), &s_out, &cw, n, &practice)
            .await,
        Err(StoreError::NotFound)
    ));
    refusal(
        store
            .submit_practice(
                &acting(&author, 1),
                &s_own,
                &RoleSet::single(Role::Viewer),
                n,
                &practice,
            )
            .await,
    );
    let id = store
        .submit_practice(&acting(&author, 1), &s_own, &cw, n, &practice)
        .await
        .unwrap();
    assert_eq!(
        actions(store, own.id).await.last().unwrap(),
        "practice_submitted"
    );

    // In review: members see it, the public and outsiders do not.
    let seen = store
        .practice(PracticeReader::Member(s_a), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.summary.status, PracticeStatus::InReview);
    assert_eq!(seen.content, practice, "every field read back");
    assert_eq!(seen.author, Some(author.id));
    for reader in [PracticeReader::Public, PracticeReader::Member(s_out)] {
        assert_eq!(store.practice(reader, id).await.unwrap(), None);
        assert!(store.practices(reader, &all()).await.unwrap().is_empty());
    }
    assert!(matches!(
        store
            .review_practice(
                &acting(&author, 2),
                &s_out,
                &cw,
                author.id,
                id,
                Verdict::Approve,
                &comment("x")
            )
            .await,
        Err(StoreError::NotFound)
    ));

    // Its own organisation may not review it, nor publish it unreviewed.
    let own_review = refusal(
        store
            .review_practice(
                &acting(&author, 2),
                &s_own,
                &cw,
                author.id,
                id,
                Verdict::Approve,
                &comment("Looks good"),
            )
            .await,
    );
    assert_eq!(own_review, retrace_domain::Problem::ReviewOwnOrganisation);
    let early = refusal(
        store
            .publish_practice(&acting(&author, 2), &s_own, &cw, id)
            .await,
    );
    assert_eq!(early, retrace_domain::Problem::PublishNeedsTwoApprovals);

    store
        .review_practice(
            &acting(&reviewer_a, 3),
            &s_a,
            &cw,
            reviewer_a.id,
            id,
            Verdict::Approve,
            &comment("Clear and replicable"),
        )
        .await
        .unwrap();
    let twice = refusal(
        store
            .review_practice(
                &acting(&reviewer_a, 4),
                &s_a,
                &cw,
                reviewer_a.id,
                id,
                Verdict::Revise,
                &comment("Second thoughts"),
            )
            .await,
    );
    assert_eq!(twice, retrace_domain::Problem::ReviewedByYou);
    let same_org = refusal(
        store
            .review_practice(
                &acting(&reviewer_a2, 4),
                &s_a,
                &cw,
                reviewer_a2.id,
                id,
                Verdict::Approve,
                &comment("Me too"),
            )
            .await,
    );
    assert_eq!(
        same_org,
        retrace_domain::Problem::ReviewedByYourOrganisation
    );
    store
        .review_practice(
            &acting(&reviewer_b, 5),
            &s_b,
            &cw,
            reviewer_b.id,
            id,
            Verdict::Approve,
            &comment("Approved"),
        )
        .await
        .unwrap();
    let reviews = store
        .practice(PracticeReader::Member(s_own), id)
        .await
        .unwrap()
        .unwrap()
        .reviews;
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0].org, a.id);
    assert_eq!(reviews[0].comment.as_str(), "Clear and replicable");

    // Another member organisation may not publish; its own one may.
    refusal(
        store
            .publish_practice(&acting(&reviewer_a, 6), &s_a, &cw, id)
            .await,
    );
    store
        .publish_practice(&acting(&author, 6), &s_own, &cw, id)
        .await
        .unwrap();
    let public = store
        .practice(PracticeReader::Public, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(public.summary.status, PracticeStatus::Published);
    assert_eq!(public.summary.published_at, Some(at(6)));
    assert!(public.reviews.is_empty(), "reviews stay with the network");
    assert_eq!(
        store
            .practices(PracticeReader::Member(s_out), &all())
            .await
            .unwrap()
            .len(),
        1
    );
    refusal(
        store
            .publish_practice(&acting(&author, 7), &s_own, &cw, id)
            .await,
    );
    let own_actions = actions(store, own.id).await;
    assert_eq!(own_actions.last().unwrap(), "practice_published");
    assert_eq!(
        actions(store, a.id).await.last().unwrap(),
        "practice_reviewed"
    );
}

pub async fn public_submissions_are_held_for_the_coordinators<H: Harness>(h: &H) {
    let store = h.store();
    let (coord, coordinator) = org_with_member(store, "Org Coord", "IT", "u@c.org").await;
    let (m, member_user) = org_with_member(store, "Org Member", "GR", "u@m.org").await;
    let n = network(
        store,
        "Network",
        &[
            (coord.id, MemberRole::Coordinator),
            (m.id, MemberRole::Member),
        ],
    )
    .await;
    let cw = RoleSet::single(Role::Caseworker);
    let practice = sample_practice(
        TextLanguage::Es,
        "Acompañamiento en la frontera",
        "Familias informadas",
        RouteStage::Destination,
        "MX",
        7,
    );
    let public = AuditContext::system(at(1), "public practice form");
    let stamp = |nonce: &str| FormStamp {
        nonce: nonce.to_owned(),
        expires_at: at(60 * 60 * 1000),
    };
    assert!(matches!(
        store
            .submit_public_practice(&public, NetworkId::random(), &practice, &stamp("n0"))
            .await,
        Err(StoreError::NotFound)
    ));
    let id = store
        .submit_public_practice(&public, n, &practice, &stamp("n1"))
        .await
        .unwrap();
    assert!(
        matches!(
            store
                .submit_public_practice(&public, n, &practice, &stamp("n1"))
                .await,
            Err(StoreError::Conflict { field: "stamp" })
        ),
        "one stamp sends one practice"
    );
    let (s_coord, s_m) = (OrgScope::new(coord.id), OrgScope::new(m.id));
    // Held: the coordinators see it, a member and the public do not.
    assert_eq!(
        store
            .practice(PracticeReader::Member(s_m), id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.practice(PracticeReader::Public, id).await.unwrap(),
        None
    );
    let held = store
        .practices(
            PracticeReader::Member(s_coord),
            &PracticeFilter {
                status: Some(PracticeStatus::Held),
                ..all()
            },
        )
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].org, None);
    assert!(matches!(
        store
            .moderate_practice(&acting(&member_user, 2), &s_m, &cw, id, true)
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .moderate_practice(&acting(&coordinator, 2), &s_coord, &cw, id, true)
        .await
        .unwrap();
    let accepted = store
        .practice(PracticeReader::Member(s_m), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(accepted.summary.status, PracticeStatus::InReview);
    assert_eq!(accepted.summary.org, Some(coord.id), "the sponsor");
    refusal(
        store
            .moderate_practice(&acting(&coordinator, 3), &s_coord, &cw, id, false)
            .await,
    );
    let declined = store
        .submit_public_practice(&public, n, &practice, &stamp("n2"))
        .await
        .unwrap();
    store
        .moderate_practice(&acting(&coordinator, 4), &s_coord, &cw, declined, false)
        .await
        .unwrap();
    assert_eq!(
        store
            .practice(PracticeReader::Member(s_m), declined)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        actions(store, coord.id).await.last().unwrap(),
        "practice_moderated"
    );
}

pub async fn practices_are_found_by_filters_and_words_in_four_languages<H: Harness>(h: &H) {
    let store = h.store();
    let (a, _) = org_with_member(store, "Org A", "IT", "u@a.org").await;
    let n = network(store, "Network", &[(a.id, MemberRole::Coordinator)]).await;
    let seed = |language, title: &str, impact: &str, stage, country: &str, gcm| SeedPractice {
        network: n,
        org: Some(a.id),
        status: PracticeStatus::Published,
        practice: sample_practice(language, title, impact, stage, country, gcm),
        at: at(1),
        reviews: Vec::new(),
    };
    let seeds = vec![
        seed(
            TextLanguage::En,
            "Mobile tracing for children",
            "Unaccompanied children reunited",
            RouteStage::Transit,
            "LY",
            8,
        ),
        seed(
            TextLanguage::Fr,
            "Accueil des réfugiés à Marseille",
            "Familles réunies",
            RouteStage::Destination,
            "FR",
            16,
        ),
        seed(
            TextLanguage::Es,
            "Retorno digno a Honduras",
            "Personas retornadas acompañadas",
            RouteStage::Return,
            "HN",
            21,
        ),
        seed(
            TextLanguage::Ar,
            "دعم اللاجئين في لبنان",
            "عائلات تلقت الدعم",
            RouteStage::Origin,
            "LB",
            2,
        ),
    ];
    assert_eq!(
        store
            .seed_practices(&AuditContext::system(at(1), "demo"), &seeds)
            .await
            .unwrap(),
        4
    );
    let find = |filter: PracticeFilter| async move {
        let mut titles: Vec<String> = store
            .practices(PracticeReader::Public, &filter)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.title.to_string())
            .collect();
        titles.sort();
        titles
    };
    let words = |text: &str| SearchQuery::parse(text, TextLanguage::En).unwrap().groups;
    assert_eq!(find(all()).await.len(), 4);
    assert_eq!(
        find(PracticeFilter {
            stage: Some(RouteStage::Return),
            ..all()
        })
        .await,
        vec!["Retorno digno a Honduras"]
    );
    assert_eq!(
        find(PracticeFilter {
            country: Some(CountryCode::parse("LB").unwrap()),
            ..all()
        })
        .await,
        vec!["دعم اللاجئين في لبنان"]
    );
    assert_eq!(
        find(PracticeFilter {
            objective: Some(GcmObjective::new(16).unwrap()),
            support: Some(SupportType::FamilyLinks),
            ..all()
        })
        .await,
        vec!["Accueil des réfugiés à Marseille"]
    );
    assert!(
        find(PracticeFilter {
            support: Some(SupportType::Legal),
            ..all()
        })
        .await
        .is_empty()
    );
    // Words: stems in the practice's language, accents and forms folded.
    assert_eq!(
        find(PracticeFilter {
            terms: words("refugies"),
            ..all()
        })
        .await,
        vec!["Accueil des réfugiés à Marseille"]
    );
    assert_eq!(
        find(PracticeFilter {
            terms: words("children reunite"),
            ..all()
        })
        .await,
        vec!["Mobile tracing for children"]
    );
    assert_eq!(
        find(PracticeFilter {
            terms: words("retornadas"),
            ..all()
        })
        .await,
        vec!["Retorno digno a Honduras"]
    );
    assert_eq!(
        find(PracticeFilter {
            terms: words("اللاجئين"),
            ..all()
        })
        .await,
        vec!["دعم اللاجئين في لبنان"]
    );
    assert!(
        find(PracticeFilter {
            terms: words("children marseille"),
            ..all()
        })
        .await
        .is_empty(),
        "every word must match"
    );
    assert_eq!(
        find(PracticeFilter {
            language: Some(TextLanguage::Fr),
            ..all()
        })
        .await
        .len(),
        1
    );
}
