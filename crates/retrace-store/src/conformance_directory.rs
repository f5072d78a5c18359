//! Conformance tests of the directory, the country profiles and the
//! library (issue 12), run by every backend through
//! [`conformance_tests!`](crate::conformance_tests).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting, actions, at, entry_count, org_with_member};
use crate::directory::query_word_matches;
use crate::{
    DirectoryFilter, DirectoryStore, DocumentMeta, EntryDetails, EntryEditor, LIBRARY_COUNT_LIMIT,
    LibraryFilter, LibrarySort, Membership, NewDocument, NewUser, OrgScope, ProfileContent, Store,
    StoreError, Viewer,
};
use retrace_domain::directory::{
    Eligibility, EntryKind, LanguageCode, OpeningHours, Service, SexLimit, UtcOffset, Visibility,
    parse_list, utc_week_minute,
};
use retrace_domain::library::{DocumentFormat, DocumentType, SearchQuery, TextLanguage, fold};
use retrace_domain::{CountryCode, DisplayName, Email, Role, RoleSet, Text};

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

fn text(value: &str) -> Text {
    Text::parse("text", value, 10_000, true).unwrap()
}

fn details(name: &str, code: &str, city: &str, visibility: Visibility) -> EntryDetails {
    EntryDetails {
        name: text(name),
        kind: EntryKind::Shelter,
        country: country(code),
        city: text(city),
        services: vec![Service::Accommodation],
        languages: parse_list("en", LanguageCode::parse).unwrap(),
        description: None,
        address: None,
        phone: None,
        email: None,
        website: None,
        opening_hours: OpeningHours::parse("24/7").unwrap(),
        utc_offset: UtcOffset::default(),
        eligibility: Eligibility::default(),
        visibility,
    }
}

fn filter() -> DirectoryFilter {
    DirectoryFilter {
        limit: 50,
        ..DirectoryFilter::default()
    }
}

async fn names<S: Store>(store: &S, viewer: &Viewer, filter: &DirectoryFilter) -> Vec<String> {
    let (entries, total) = store.search_directory(viewer, filter).await.unwrap();
    assert_eq!(total, entries.len() as u64);
    entries
        .into_iter()
        .map(|e| e.details.name.as_str().to_owned())
        .collect()
}

async fn coordinator_of<S: Store>(
    store: &S,
    email: &str,
    org: retrace_domain::OrgId,
) -> crate::UserAccount {
    store
        .create_user(
            &crate::AuditContext::system(at(1), "conformance test"),
            &NewUser {
                email: Email::parse(email).unwrap(),
                display_name: DisplayName::parse("Coordinator").unwrap(),
                membership: Membership::Member {
                    org,
                    roles: RoleSet::new([Role::Coordinator]).unwrap(),
                },
                password_hash: "$argon2id$fake$coordinator".into(),
            },
        )
        .await
        .unwrap()
}

/// Public entries are read by anyone, shared ones by every member,
/// own-organisation ones by their organisation only; the owner and a
/// coordinator of the entry's country change it, anyone else finds
/// nothing, and a stale version is a conflict.
pub async fn directory_entries_are_seen_by_visibility_and_changed_by_their_maintainers<
    H: Harness,
>(
    h: &H,
) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Owner BE", "BE", "a@example.org").await;
    let (b, bob) = org_with_member(store, "Other BE", "BE", "b@example.org").await;
    let (c, _) = org_with_member(store, "Other FR", "FR", "c@example.org").await;
    let scope_a = OrgScope::new(a.id);
    let public = store
        .create_directory_entry(
            &acting(&alice, 1),
            &scope_a,
            &details("Public shelter", "BE", "Brussels", Visibility::Public),
        )
        .await
        .unwrap();
    let shared = store
        .create_directory_entry(
            &acting(&alice, 2),
            &scope_a,
            &details(
                "Shared shelter",
                "BE",
                "Brussels",
                Visibility::AllOrganisations,
            ),
        )
        .await
        .unwrap();
    let own = store
        .create_directory_entry(
            &acting(&alice, 3),
            &scope_a,
            &details("Own shelter", "BE", "Brussels", Visibility::OwnOrganisation),
        )
        .await
        .unwrap();
    assert_eq!(shared.version, 1);
    assert_eq!(shared.verified_by, Some(alice.id));
    assert_eq!(shared.org, a.id);

    let anyone = Viewer::Public;
    let other = Viewer::Member(OrgScope::new(b.id));
    let owner = Viewer::Member(scope_a);
    assert_eq!(
        names(store, &anyone, &filter()).await,
        vec!["Public shelter"]
    );
    assert_eq!(
        names(store, &other, &filter()).await,
        vec!["Public shelter", "Shared shelter"]
    );
    assert_eq!(names(store, &owner, &filter()).await.len(), 3);
    for (viewer, id, seen) in [
        (&anyone, shared.id, false),
        (&anyone, public.id, true),
        (&other, own.id, false),
        (&other, shared.id, true),
        (&owner, own.id, true),
    ] {
        assert_eq!(
            store.directory_entry(viewer, id).await.unwrap().is_some(),
            seen,
            "{viewer:?}"
        );
    }

    // Another organisation's caseworker: not found, like a missing entry.
    let plain = EntryEditor {
        scope: OrgScope::new(b.id),
        coordinator_of: None,
    };
    let changed = details("Renamed", "BE", "Brussels", Visibility::AllOrganisations);
    for id in [
        shared.id,
        own.id,
        retrace_domain::DirectoryEntryId::random(),
    ] {
        assert!(matches!(
            store
                .update_directory_entry(&acting(&bob, 4), &plain, id, 1, &changed)
                .await,
            Err(StoreError::NotFound)
        ));
    }
    // A coordinator of Belgium changes the shared Belgian entry, not the
    // own-organisation one; a coordinator of France changes neither.
    let coordinator = coordinator_of(store, "coord@example.org", b.id).await;
    let belgium = EntryEditor {
        scope: OrgScope::new(b.id),
        coordinator_of: Some(country("BE")),
    };
    let updated = store
        .update_directory_entry(&acting(&coordinator, 5), &belgium, shared.id, 1, &changed)
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.verified_by, Some(coordinator.id));
    assert_eq!(updated.verified_at, at(5));
    assert_eq!(updated.details.name.as_str(), "Renamed");
    assert_eq!(updated.org, a.id, "the owner stays the owner");
    assert!(matches!(
        store
            .update_directory_entry(&acting(&coordinator, 6), &belgium, own.id, 1, &changed)
            .await,
        Err(StoreError::NotFound)
    ));
    let france = EntryEditor {
        scope: OrgScope::new(c.id),
        coordinator_of: Some(country("FR")),
    };
    assert!(matches!(
        store
            .update_directory_entry(&acting(&coordinator, 6), &france, shared.id, 2, &changed)
            .await,
        Err(StoreError::NotFound)
    ));
    // The owner with a stale version: a conflict, nothing written.
    let owner_editor = EntryEditor {
        scope: scope_a,
        coordinator_of: None,
    };
    assert!(matches!(
        store
            .update_directory_entry(&acting(&alice, 7), &owner_editor, shared.id, 1, &changed)
            .await,
        Err(StoreError::Conflict { field: "version" })
    ));
    let again = store
        .update_directory_entry(
            &acting(&alice, 8),
            &owner_editor,
            own.id,
            1,
            &details(
                "Own shelter 2",
                "BE",
                "Brussels",
                Visibility::OwnOrganisation,
            ),
        )
        .await
        .unwrap();
    assert_eq!(again.version, 2);
    let audited = actions(store, a.id).await;
    assert_eq!(
        audited
            .iter()
            .filter(|a| *a == "directory_entry_created")
            .count(),
        3
    );
    assert!(audited.contains(&"directory_entry_updated".to_owned()));
    assert!(
        actions(store, b.id)
            .await
            .contains(&"directory_entry_updated".to_owned()),
        "the coordinator's change is on the coordinator's record"
    );
}

/// Country, city (folded), kind, service, language, open now and free
/// text combine; paging keeps the total.
pub async fn directory_filters_combine<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org", "FR", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    let mut lyon = details("Foyer des Femmes", "FR", "Lyon", Visibility::Public);
    lyon.services = vec![Service::Accommodation, Service::Psychosocial];
    lyon.languages = parse_list("fr ar", LanguageCode::parse).unwrap();
    lyon.description = Some(text("Hébergement d'urgence pour femmes"));
    lyon.opening_hours = OpeningHours::parse("Mo-Fr 09:00-17:00").unwrap();
    lyon.utc_offset = UtcOffset::parse("+01:00").unwrap();
    lyon.eligibility = Eligibility::new(Some(18), None, SexLimit::Female, vec![]).unwrap();
    let mut legal = details("Avocats sans frontières", "FR", "Lyon", Visibility::Public);
    legal.kind = EntryKind::LegalAid;
    legal.services = vec![Service::LegalAdvice];
    legal.languages = parse_list("fr en", LanguageCode::parse).unwrap();
    legal.opening_hours = OpeningHours::parse("Sa 10:00-12:00").unwrap();
    legal.utc_offset = UtcOffset::parse("+01:00").unwrap();
    let paris = details("Abri Paris", "FR", "Paris", Visibility::Public);
    let brussels = details("Abri Bruxelles", "BE", "Lyon", Visibility::Public);
    for (i, entry) in [&lyon, &legal, &paris, &brussels].into_iter().enumerate() {
        store
            .create_directory_entry(&acting(&alice, i as i64), &scope, entry)
            .await
            .unwrap();
    }
    let viewer = Viewer::Public;
    let in_lyon = DirectoryFilter {
        country: Some(country("FR")),
        city: Some(fold("LYON")),
        ..filter()
    };
    assert_eq!(
        names(store, &viewer, &in_lyon).await,
        vec!["Avocats sans frontières", "Foyer des Femmes"]
    );
    let checks = [
        (
            DirectoryFilter {
                service: Some(Service::Psychosocial),
                ..in_lyon.clone()
            },
            vec!["Foyer des Femmes"],
        ),
        (
            DirectoryFilter {
                language: Some(LanguageCode::parse("en").unwrap()),
                ..in_lyon.clone()
            },
            vec!["Avocats sans frontières"],
        ),
        (
            DirectoryFilter {
                kind: Some(EntryKind::Shelter),
                ..filter()
            },
            vec!["Abri Bruxelles", "Foyer des Femmes", "Abri Paris"],
        ),
        (
            DirectoryFilter {
                text: Some(fold("HEBERGEMENT")),
                ..filter()
            },
            vec!["Foyer des Femmes"],
        ),
    ];
    for (filter, expected) in checks {
        assert_eq!(names(store, &viewer, &filter).await, expected, "{filter:?}");
    }
    // Monday 2026-11-23 10:15 UTC is 11:15 in Lyon: the shelter is open,
    // the Saturday legal clinic is not; the 24/7 ones are.
    let monday = retrace_domain::Timestamp::from_millis(1_795_428_900_000);
    let open = DirectoryFilter {
        open_at: Some(utc_week_minute(monday)),
        ..filter()
    };
    assert_eq!(
        names(store, &viewer, &open).await,
        vec!["Abri Bruxelles", "Foyer des Femmes", "Abri Paris"]
    );
    // 16:30 UTC is 17:30 in Lyon: closed.
    let evening = DirectoryFilter {
        open_at: Some(utc_week_minute(monday) + 6 * 60 + 15),
        country: Some(country("FR")),
        city: Some(fold("Lyon")),
        ..filter()
    };
    assert!(names(store, &viewer, &evening).await.is_empty());
    let page = DirectoryFilter {
        limit: 1,
        offset: 1,
        ..filter()
    };
    let (entries, total) = store.search_directory(&viewer, &page).await.unwrap();
    assert_eq!((entries.len(), total), (1, 4));
    // Hours that begin and end inside an hour of the UTC week: Monday
    // 10:45-11:30 at +01:00 is 09:45-10:30 UTC, two hours open in part.
    let mut desk = details("Permanence juridique", "DE", "Köln", Visibility::Public);
    desk.opening_hours = OpeningHours::parse("Mo 10:45-11:30").unwrap();
    desk.utc_offset = UtcOffset::parse("+01:00").unwrap();
    let desk = store
        .create_directory_entry(&acting(&alice, 9), &scope, &desk)
        .await
        .unwrap();
    for (minutes_from_10_15, open) in [
        (-36, false),
        (-30, true),
        (-25, true),
        (14, true),
        (15, false),
        (25, false),
    ] {
        let at = DirectoryFilter {
            open_at: Some(utc_week_minute(monday) + minutes_from_10_15),
            country: Some(country("DE")),
            ..filter()
        };
        let expected: Vec<&str> = if open {
            vec!["Permanence juridique"]
        } else {
            vec![]
        };
        assert_eq!(
            names(store, &viewer, &at).await,
            expected,
            "{minutes_from_10_15} min from 10:15 UTC"
        );
    }
    // Edited to the whole day: open at every minute, the marks rewritten.
    let mut all_day = desk.details.clone();
    all_day.opening_hours = OpeningHours::parse("Mo 00:00-24:00").unwrap();
    store
        .update_directory_entry(
            &acting(&alice, 10),
            &EntryEditor {
                scope,
                coordinator_of: None,
            },
            desk.id,
            desk.version,
            &all_day,
        )
        .await
        .unwrap();
    let late = DirectoryFilter {
        open_at: Some(utc_week_minute(monday) + 25),
        country: Some(country("DE")),
        ..filter()
    };
    assert_eq!(
        names(store, &viewer, &late).await,
        vec!["Permanence juridique"]
    );
}

/// A failed audit append leaves the entry, its hours and its version as
/// Free text finds an entry by the beginnings of its words, in any
/// order, with or without accents, an Arabic word with or without its
/// article; an edit re-indexes the entry's words.
pub async fn directory_text_finds_word_beginnings<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org", "TN", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    let mut tunis = details("Shelter Al-Amal", "TN", "Tunis", Visibility::Public);
    tunis.description = Some(text("Hébergement d'urgence; المأوى للنساء"));
    let sfax = details("Centre juridique", "TN", "Sfax", Visibility::Public);
    let created = store
        .create_directory_entry(&acting(&alice, 0), &scope, &tunis)
        .await
        .unwrap();
    store
        .create_directory_entry(&acting(&alice, 1), &scope, &sfax)
        .await
        .unwrap();
    let find = |q: &str| DirectoryFilter {
        text: Some(fold(q)),
        ..filter()
    };
    let viewer = Viewer::Public;
    for (query, expected) in [
        ("shel", vec!["Shelter Al-Amal"]),
        ("TUNIS shelter", vec!["Shelter Al-Amal"]),
        ("hebergement", vec!["Shelter Al-Amal"]),
        ("mal", vec![]),
        ("مأوى", vec!["Shelter Al-Amal"]),
        ("المأوى", vec!["Shelter Al-Amal"]),
        ("juridique sfax", vec!["Centre juridique"]),
        ("juridique tunis", vec![]),
        ("%", vec!["Centre juridique", "Shelter Al-Amal"]),
    ] {
        assert_eq!(
            names(store, &viewer, &find(query)).await,
            expected,
            "{query}"
        );
    }
    let mut renamed = tunis.clone();
    renamed.name = text("Maison Al-Amal");
    store
        .update_directory_entry(
            &acting(&alice, 2),
            &EntryEditor {
                scope,
                coordinator_of: None,
            },
            created.id,
            created.version,
            &renamed,
        )
        .await
        .unwrap();
    assert!(names(store, &viewer, &find("shelter")).await.is_empty());
    assert_eq!(
        names(store, &viewer, &find("maison")).await,
        vec!["Maison Al-Amal"]
    );
}

/// A query word of one character (counted in characters, not bytes)
/// matches only the equal word of an entry, not every word it begins; two
/// characters still match as a beginning (ADR 0035).
pub async fn directory_one_character_matches_only_the_equal_word<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org", "BD", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    let mut arabic = details("Markaz", "BD", "Dhaka", Visibility::Public);
    arabic.description = Some(text("مأوى و دعم"));
    for (i, entry) in [
        details(
            "Cox's Bazar Shelter",
            "BD",
            "Cox's Bazar",
            Visibility::Public,
        ),
        details("Safe Space Sylhet", "BD", "Sylhet", Visibility::Public),
        details(
            "Shanti S Centre",
            "BD",
            "Dhaka",
            Visibility::OwnOrganisation,
        ),
        arabic,
    ]
    .iter()
    .enumerate()
    {
        store
            .create_directory_entry(&acting(&alice, i as i64), &scope, entry)
            .await
            .unwrap();
    }
    let find = |q: &str| DirectoryFilter {
        text: Some(fold(q)),
        ..filter()
    };
    let member = Viewer::Member(scope);
    for (query, expected) in [
        ("s", vec!["Cox's Bazar Shelter", "Shanti S Centre"]),
        ("S", vec!["Cox's Bazar Shelter", "Shanti S Centre"]),
        ("s bazar", vec!["Cox's Bazar Shelter"]),
        ("bazar s", vec!["Cox's Bazar Shelter"]),
        ("sa", vec!["Safe Space Sylhet"]),
        ("sh", vec!["Cox's Bazar Shelter", "Shanti S Centre"]),
        ("sy s", vec![]),
        ("x", vec![]),
        ("é", vec![]),
        ("و", vec!["Markaz"]),
        ("م", vec![]),
        ("مأ", vec!["Markaz"]),
        ("دع و", vec!["Markaz"]),
    ] {
        assert_eq!(
            names(store, &member, &find(query)).await,
            expected,
            "{query}"
        );
    }
    assert_eq!(
        names(store, &Viewer::Public, &find("s")).await,
        vec!["Cox's Bazar Shelter"]
    );
}

/// The directory's words and the library's index are derived from stored
/// rows: a database whose indexes are empty (what a migration that changes
/// one leaves) finds the same entries and documents after migrating.
pub async fn search_indexes_are_refilled_when_they_are_found_empty<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org", "TN", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    let entry = details("Maison Al-Amal", "TN", "Tunis", Visibility::Public);
    store
        .create_directory_entry(&acting(&alice, 0), &scope, &entry)
        .await
        .unwrap();
    store
        .upload_document(
            &acting(&alice, 1),
            &scope,
            &document(
                "Guide",
                TextLanguage::Fr,
                Some("Guide d'hébergement d'urgence"),
                Visibility::Public,
            ),
        )
        .await
        .unwrap();
    let by_text = DirectoryFilter {
        text: Some(fold("maison")),
        ..filter()
    };
    let by_word = search("hebergement", TextLanguage::Fr);
    let expected = (vec!["Maison Al-Amal".to_owned()], vec!["Guide".to_owned()]);
    let found = || async {
        (
            names(store, &Viewer::Public, &by_text).await,
            titles(store, &Viewer::Public, &by_word).await,
        )
    };
    assert_eq!(found().await, expected);
    h.empty_search_indexes().await.unwrap();
    assert_eq!(found().await, (vec![], vec![]));
    h.migrate().await.unwrap();
    assert_eq!(found().await, expected);
}

/// The public and a member of each of two organisations.
fn public_and_members(
    a: retrace_domain::OrgId,
    b: retrace_domain::OrgId,
) -> [(&'static str, Viewer); 3] {
    [
        ("public", Viewer::Public),
        ("member a", Viewer::Member(OrgScope::new(a))),
        ("member b", Viewer::Member(OrgScope::new(b))),
    ]
}

/// Monday 2026-11-23 10:15 UTC, as a minute of the UTC week.
fn monday_morning() -> i64 {
    utc_week_minute(retrace_domain::Timestamp::from_millis(1_795_428_900_000))
}

/// Every filter as a reference computes it from the entries' details: the
/// matches in the list's order (the order of the unfiltered list, which
/// the database decides), paged.
async fn check_searches_against_reference<S: Store>(
    store: &S,
    viewers: &[(&str, Viewer)],
    filters: &[DirectoryFilter],
    context: &str,
) {
    for (who, viewer) in viewers {
        let (all, _) = store
            .search_directory(
                viewer,
                &DirectoryFilter {
                    limit: 500,
                    ..DirectoryFilter::default()
                },
            )
            .await
            .unwrap();
        for filter in filters {
            let words: Vec<String> = filter
                .text
                .as_deref()
                .map(crate::directory::query_words)
                .unwrap_or_default()
                .into_iter()
                .take(8)
                .collect();
            let expected: Vec<String> = all
                .iter()
                .filter(|e| {
                    let d = &e.details;
                    let entry_words = d.search_words();
                    words
                        .iter()
                        .all(|w| entry_words.iter().any(|e| query_word_matches(w, e)))
                        && filter.country.is_none_or(|c| c == d.country)
                        && filter.city.as_ref().is_none_or(|c| *c == d.city_key())
                        && filter.kind.is_none_or(|k| k == d.kind)
                        && filter.service.is_none_or(|s| d.services.contains(&s))
                        && filter.language.is_none_or(|l| d.languages.contains(&l))
                        && filter.open_at.is_none_or(|m| {
                            d.opening_hours
                                .utc_week_ranges(d.utc_offset)
                                .iter()
                                .any(|(opens, closes)| *opens <= m && m < *closes)
                        })
                })
                .map(|e| e.id.to_string())
                .collect();
            let mut found = Vec::new();
            for offset in (0..expected.len() + 3).step_by(3) {
                let page = DirectoryFilter {
                    limit: 3,
                    offset: offset as u32,
                    ..filter.clone()
                };
                let (entries, total) = store.search_directory(viewer, &page).await.unwrap();
                assert_eq!(
                    total,
                    expected.len() as u64,
                    "{context}, {who}, {filter:?}: count"
                );
                found.extend(entries.into_iter().map(|e| e.id.to_string()));
            }
            assert_eq!(found, expected, "{context}, {who}, {filter:?}");
        }
    }
}

/// The searches walked in the list's order (free text from the rows of the
/// rarest word, "open now" from the rows of the hour, ADR 0034) find what
/// filtering every entry finds, in the same order and number, for the
/// public and for members, after edits, and after the rows are refilled.
pub async fn directory_searches_in_list_order_find_what_filtering_finds<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org A", "FR", "a@example.org").await;
    let (b, bob) = org_with_member(store, "Org B", "BE", "b@example.org").await;
    let names = [
        "Safe House Nord",
        "Safe House Sud",
        "House of Hope",
        "Household Support",
        "Houses for Families",
        "Zephyr Legal Aid",
        "Maison Zephyr House",
        "Clinic Saint Jean",
        "Abri de nuit",
        "Safe House Zephyr",
        "Centre House Household",
        "Legal Clinic",
    ];
    let cities = ["Lyon", "Paris", "Lyon", "Brussels"];
    let hours = [
        ("24/7", "+00:00"),
        ("Mo-Fr 09:00-17:00", "+01:00"),
        ("Mo-Su 20:00-24:00", "+01:00"),
        ("Sa 10:30-12:15", "+01:00"),
        ("Mo-Fr 08:00-20:00", "+05:30"),
        ("Mo,We,Fr 13:00-18:00", "-03:00"),
    ];
    let visibilities = [
        Visibility::Public,
        Visibility::AllOrganisations,
        Visibility::OwnOrganisation,
    ];
    let mut created = Vec::new();
    for i in 0..36usize {
        let name = format!("{} {}", names[i % names.len()], i / names.len());
        let country = if i % 5 == 4 { "BE" } else { "FR" };
        let mut entry = details(
            &name,
            country,
            cities[i % cities.len()],
            visibilities[i % 3],
        );
        let (open, offset) = hours[i % hours.len()];
        entry.opening_hours = OpeningHours::parse(open).unwrap();
        entry.utc_offset = UtcOffset::parse(offset).unwrap();
        if i % 4 == 1 {
            entry.services = vec![Service::LegalAdvice];
            entry.kind = EntryKind::LegalAid;
        }
        if i % 7 == 3 {
            entry.description = Some(text("Accueil d'urgence de jour, housing advice"));
        }
        if i % 5 == 2 {
            // More words beginning with "ho" than the search walks one by one.
            entry.description = Some(text(
                "hostel hotline hotel host hour hold home honey horse hook",
            ));
        }
        let (user, scope) = if i % 2 == 0 {
            (&alice, OrgScope::new(a.id))
        } else {
            (&bob, OrgScope::new(b.id))
        };
        let stored = store
            .create_directory_entry(&acting(user, i as i64), &scope, &entry)
            .await
            .unwrap();
        created.push((stored, scope));
    }
    let viewers = public_and_members(a.id, b.id);
    // Monday 2026-11-23 10:15 UTC, and the same week at other hours.
    let monday = monday_morning();
    let mut filters = Vec::new();
    for text in [
        None,
        Some("house"),
        Some("hous"),
        Some("ho"),
        Some("ho house"),
        Some("household"),
        Some("zephyr"),
        Some("house zephyr"),
        Some("zephyr house safe"),
        Some("house lyon"),
        Some("d"),
        Some("d house"),
        Some("h"),
        Some("nobody"),
        Some("%"),
    ] {
        for open_at in [
            None,
            Some(monday),
            Some(monday + 11 * 60),
            Some(monday + 5 * 1440 + 45),
            Some(monday + 5 * 1440 - 10 * 60 + 100),
            Some(monday + 4 * 1440 + 8 * 60),
        ] {
            filters.push(DirectoryFilter {
                text: text.map(fold),
                open_at,
                ..filter()
            });
        }
        filters.push(DirectoryFilter {
            text: text.map(fold),
            country: Some(country("FR")),
            city: Some(fold("Lyon")),
            ..filter()
        });
        filters.push(DirectoryFilter {
            text: text.map(fold),
            service: Some(Service::LegalAdvice),
            kind: Some(EntryKind::LegalAid),
            open_at: Some(monday),
            ..filter()
        });
    }
    check_searches_against_reference(store, &viewers, &filters, "as created").await;
    // Edits move entries in the list, change their words, hours and
    // visibility: their rows follow.
    for (i, (entry, scope)) in created.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let mut changed = entry.details.clone();
        changed.name = text(&format!("Zephyr moved {i}"));
        changed.city = text("Marseille");
        changed.visibility = visibilities[(i + 1) % 3];
        changed.opening_hours = OpeningHours::parse(hours[(i + 1) % hours.len()].0).unwrap();
        store
            .update_directory_entry(
                &acting(if i % 2 == 0 { &alice } else { &bob }, 100 + i as i64),
                &EntryEditor {
                    scope: *scope,
                    coordinator_of: None,
                },
                entry.id,
                entry.version,
                &changed,
            )
            .await
            .unwrap();
    }
    check_searches_against_reference(store, &viewers, &filters, "after edits").await;
    h.empty_search_indexes().await.unwrap();
    h.migrate().await.unwrap();
    check_searches_against_reference(store, &viewers, &filters, "words refilled").await;
    h.unfilled_open_weeks(true).await.unwrap();
    check_searches_against_reference(store, &viewers, &filters, "without hour marks").await;
    h.migrate().await.unwrap();
    check_searches_against_reference(store, &viewers, &filters, "hour marks refilled").await;
}

/// A query word that begins many words of the index, several of them in
/// the same entries (the Arabic article "ال" begins every word of
/// "المركز الصحي المجتمعي"; "ka" begins more words than the search walks
/// one by one): the search merges the walks of the words it begins and
/// finds what filtering every entry finds, in the same order and number,
/// with the count stopped past the page as for any search (ADR 0038).
pub async fn directory_prefixes_of_many_overlapping_words_find_what_filtering_finds<H: Harness>(
    h: &H,
) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org A", "JO", "a@example.org").await;
    let (b, bob) = org_with_member(store, "Org B", "LB", "b@example.org").await;
    let names = [
        "المركز الصحي المجتمعي",
        "عيادة المساعدة القانونية",
        "مكتب الروابط العائلية",
        "دار الإيواء",
        "مشروع حماية القاصرين",
        "مكتب حقوق العمال",
        "Kabul Kafe",
        "Legal Clinic",
    ];
    // 40 words beginning with "ka", five of them in each description, each
    // also in the next four descriptions.
    let ka: Vec<String> = (0..40u8)
        .map(|i| format!("ka{}{}", char::from(b'a' + i / 8), char::from(b'a' + i % 8)))
        .collect();
    let cities = ["Amman", "Irbid", "Beirut"];
    let visibilities = [
        Visibility::Public,
        Visibility::AllOrganisations,
        Visibility::OwnOrganisation,
    ];
    for i in 0..48usize {
        let name = format!("{} {}", names[i % names.len()], i / names.len());
        let country = if i % 3 == 2 { "LB" } else { "JO" };
        let mut entry = details(
            &name,
            country,
            cities[i % cities.len()],
            visibilities[i % 3],
        );
        if i % 4 != 3 {
            let words: Vec<&str> = (0..5)
                .filter_map(|k| ka.get((i + k) % 40))
                .map(String::as_str)
                .collect();
            entry.description = Some(text(&format!("{} المركز", words.join(" "))));
        }
        if i % 4 == 1 {
            entry.opening_hours = OpeningHours::parse("Mo-Fr 09:00-17:00").unwrap();
            entry.services = vec![Service::LegalAdvice];
        }
        let (user, scope) = if i % 2 == 0 {
            (&alice, OrgScope::new(a.id))
        } else {
            (&bob, OrgScope::new(b.id))
        };
        store
            .create_directory_entry(&acting(user, i as i64), &scope, &entry)
            .await
            .unwrap();
    }
    let viewers = public_and_members(a.id, b.id);
    let monday = monday_morning();
    let mut filters = Vec::new();
    for text in [
        "ال",
        "الم",
        "المركز",
        "ka",
        "kab",
        "ka ال",
        "kaea المجتمعي",
        "ka legal",
        "k",
    ] {
        for (country_code, city, service, open_at) in [
            (None, None, None, None),
            (Some("JO"), None, None, None),
            (Some("JO"), Some("Irbid"), None, None),
            (None, None, Some(Service::LegalAdvice), None),
            (None, None, None, Some(monday)),
            (None, None, None, Some(monday + 5 * 1440)),
        ] {
            filters.push(DirectoryFilter {
                text: Some(fold(text)),
                country: country_code.map(country),
                city: city.map(fold),
                service,
                open_at,
                ..filter()
            });
        }
    }
    check_searches_against_reference(store, &viewers, &filters, "overlapping words").await;
    // Past the count's limit: the merged walks stop, and still hold the
    // first page.
    for i in 0..crate::DIRECTORY_COUNT_LIMIT as usize + 30 {
        let mut entry = details(&format!("Kappa {i}"), "JO", "Amman", Visibility::Public);
        entry.description = Some(text(&format!("{} {} الصحي", ka[i % 40], ka[(i + 1) % 40])));
        store
            .create_directory_entry(
                &acting(&alice, 100 + i as i64),
                &OrgScope::new(a.id),
                &entry,
            )
            .await
            .unwrap();
    }
    for query in ["ال", "ka"] {
        let (all, _) = store
            .search_directory(
                &Viewer::Public,
                &DirectoryFilter {
                    limit: 500,
                    ..DirectoryFilter::default()
                },
            )
            .await
            .unwrap();
        let words = crate::directory::query_words(&fold(query));
        let expected: Vec<String> = all
            .iter()
            .filter(|e| {
                let entry_words = e.details.search_words();
                words
                    .iter()
                    .all(|w| entry_words.iter().any(|e| query_word_matches(w, e)))
            })
            .map(|e| e.id.to_string())
            .collect();
        assert!(expected.len() as u64 > crate::DIRECTORY_COUNT_LIMIT + 20);
        for offset in [0usize, 7, 30] {
            let (page, total) = store
                .search_directory(
                    &Viewer::Public,
                    &DirectoryFilter {
                        text: Some(fold(query)),
                        limit: 20,
                        offset: offset as u32,
                        ..DirectoryFilter::default()
                    },
                )
                .await
                .unwrap();
            let limit = offset as u64 + crate::DIRECTORY_COUNT_LIMIT + 1;
            assert_eq!(
                total,
                (expected.len() as u64).min(limit),
                "{query} at {offset}: count"
            );
            let ids: Vec<String> = page.iter().map(|e| e.id.to_string()).collect();
            assert_eq!(ids, expected[offset..offset + 20], "{query} at {offset}");
        }
    }
}

/// Entries stored before migration 0037 have no hours of the week: "open
/// now" still answers for them (from their opening hours), and the next
/// start-up's migration fills their hours, after which it answers the same.
pub async fn entries_stored_before_the_hours_of_the_week_get_them_on_migration<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org", "FR", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    let mut day = details("Foyer de jour", "FR", "Lyon", Visibility::Public);
    day.opening_hours = OpeningHours::parse("Mo-Fr 09:00-17:00").unwrap();
    day.utc_offset = UtcOffset::parse("+01:00").unwrap();
    let mut night = details("Abri de nuit", "FR", "Lyon", Visibility::Public);
    night.opening_hours = OpeningHours::parse("Mo-Su 20:00-24:00").unwrap();
    night.utc_offset = UtcOffset::parse("+01:00").unwrap();
    let always = details("Ligne d'écoute", "FR", "Lyon", Visibility::Public);
    for (i, entry) in [&day, &night, &always].into_iter().enumerate() {
        store
            .create_directory_entry(&acting(&alice, i as i64), &scope, entry)
            .await
            .unwrap();
    }
    // Monday 2026-11-23 10:15 UTC (11:15 in Lyon), then 22:15 UTC.
    let monday = utc_week_minute(retrace_domain::Timestamp::from_millis(1_795_428_900_000));
    let open_at = |minute: i64| DirectoryFilter {
        open_at: Some(minute),
        ..filter()
    };
    let found = || async {
        (
            names(store, &Viewer::Public, &open_at(monday)).await,
            names(store, &Viewer::Public, &open_at(monday + 12 * 60)).await,
        )
    };
    let expected = (
        vec!["Foyer de jour".to_owned(), "Ligne d'écoute".to_owned()],
        vec!["Abri de nuit".to_owned(), "Ligne d'écoute".to_owned()],
    );
    assert_eq!(found().await, expected);
    assert_eq!(h.unfilled_open_weeks(false).await.unwrap(), 0);
    assert_eq!(h.unfilled_open_weeks(true).await.unwrap(), 3);
    assert_eq!(found().await, expected, "from the opening hours");
    h.migrate().await.unwrap();
    assert_eq!(h.unfilled_open_weeks(false).await.unwrap(), 0);
    assert_eq!(found().await, expected, "from the hours filled");
}

/// they were.
pub async fn directory_changes_store_nothing_when_their_audit_entry_fails<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org", "BE", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    let kept = store
        .create_directory_entry(
            &acting(&alice, 1),
            &scope,
            &details("Kept", "BE", "Gent", Visibility::Public),
        )
        .await
        .unwrap();
    h.fail_audit_appends_of("directory_entry_updated")
        .await
        .unwrap();
    let before = entry_count(store).await;
    let editor = EntryEditor {
        scope,
        coordinator_of: None,
    };
    let mut closed = details("Kept renamed", "BE", "Gent", Visibility::Public);
    closed.opening_hours = OpeningHours::default();
    assert!(
        store
            .update_directory_entry(&acting(&alice, 3), &editor, kept.id, 1, &closed)
            .await
            .is_err()
    );
    assert_eq!(entry_count(store).await, before);
    let open = DirectoryFilter {
        open_at: Some(0),
        ..filter()
    };
    assert_eq!(names(store, &Viewer::Public, &open).await, vec!["Kept"]);
    let stored = store
        .directory_entry(&Viewer::Public, kept.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 1);
}

/// Every revision is kept with who made it and what changed; earlier
/// versions stay readable; a stale revision is a conflict.
pub async fn country_profiles_keep_every_version<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org", "BE", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    let be = country("BE");
    assert!(store.country_profile(be, None).await.unwrap().is_none());
    let first = ProfileContent {
        legal_framework: Some(text("Law of 1995 on trafficking")),
        referral_mechanism: Some(text("Circular of 2016")),
        ..ProfileContent::default()
    };
    let v1 = store
        .revise_country_profile(&acting(&alice, 1), &scope, be, 0, &first)
        .await
        .unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(
        v1.changed_sections,
        vec!["legal_framework", "referral_mechanism"]
    );
    let second = ProfileContent {
        referral_mechanism: Some(text("Circular of 2016, revised 2024")),
        ..first.clone()
    };
    assert!(matches!(
        store
            .revise_country_profile(&acting(&alice, 2), &scope, be, 0, &second)
            .await,
        Err(StoreError::Conflict { field: "version" })
    ));
    let v2 = store
        .revise_country_profile(&acting(&alice, 3), &scope, be, 1, &second)
        .await
        .unwrap();
    assert_eq!(v2.changed_sections, vec!["referral_mechanism"]);
    let current = store.country_profile(be, None).await.unwrap().unwrap();
    assert_eq!(current.version, 2);
    assert_eq!(current.content, second);
    assert_eq!(current.changed_by, Some(alice.id));
    assert_eq!(current.changed_by_org, Some(a.id));
    assert_eq!(current.changed_at, at(3));
    let earlier = store.country_profile(be, Some(1)).await.unwrap().unwrap();
    assert_eq!(earlier.content, first);
    assert!(store.country_profile(be, Some(7)).await.unwrap().is_none());
    let history = store.country_profile_history(be).await.unwrap();
    assert_eq!(
        history.iter().map(|p| p.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
    store
        .revise_country_profile(&acting(&alice, 4), &scope, country("NL"), 0, &first)
        .await
        .unwrap();
    let all = store.country_profiles().await.unwrap();
    assert_eq!(
        all.iter()
            .map(|p| (p.country.as_str().to_owned(), p.version))
            .collect::<Vec<_>>(),
        vec![("BE".to_owned(), 2), ("NL".to_owned(), 1)]
    );
    let audited = actions(store, a.id).await;
    assert_eq!(
        audited
            .iter()
            .filter(|a| *a == "country_profile_revised")
            .count(),
        3
    );
}

fn document(
    title: &str,
    language: TextLanguage,
    body: Option<&str>,
    visibility: Visibility,
) -> NewDocument {
    NewDocument {
        meta: DocumentMeta {
            title: text(title),
            summary: None,
            language,
            themes: vec!["trafficking".to_owned()],
            countries: vec![country("BE")],
            document_type: DocumentType::Guideline,
            visibility,
        },
        file_name: format!("{}.txt", title.replace(' ', "-")),
        format: DocumentFormat::Txt,
        bytes: body.unwrap_or("").as_bytes().to_vec(),
        text: body.map(str::to_owned),
    }
}

fn search(q: &str, language: TextLanguage) -> LibraryFilter {
    LibraryFilter {
        query: Some(SearchQuery::parse(q, language).unwrap()),
        document_type: None,
        language: None,
        country: None,
        theme: None,
        sort: LibrarySort::Relevance,
        limit: 20,
        offset: 0,
    }
}

async fn titles<S: Store>(store: &S, viewer: &Viewer, filter: &LibraryFilter) -> Vec<String> {
    let (hits, total) = store.search_library(viewer, filter).await.unwrap();
    assert_eq!(total, hits.len() as u64);
    hits.into_iter()
        .map(|h| h.document.meta.title.as_str().to_owned())
        .collect()
}

/// Stems, folded accents and Arabic diacritics find the same documents on
/// every backend; the query's language comes first; an own-organisation
/// document is invisible to other organisations and to the public, on
/// every read; the file comes back as uploaded; the index rebuilds.
pub async fn library_search_is_language_aware_and_respects_visibility<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org A", "BE", "a@example.org").await;
    let (b, _) = org_with_member(store, "Org B", "FR", "b@example.org").await;
    let scope = OrgScope::new(a.id);
    let docs = [
        document(
            "Shelter guide",
            TextLanguage::En,
            Some("Victims of trafficking are referred to shelters within a day."),
            Visibility::Public,
        ),
        document(
            "Guide des foyers",
            TextLanguage::Fr,
            Some(
                "Les victimes de la traite sont orientées vers un foyer. Protection des réfugiés.",
            ),
            Visibility::Public,
        ),
        document(
            "دليل الحماية",
            TextLanguage::Ar,
            Some("حِمَايَةُ الأَطْفَالِ اللاجئين وإحالتهم إلى مأوى آمن"),
            Visibility::AllOrganisations,
        ),
        document(
            "Guía de albergues",
            TextLanguage::Es,
            Some("Las víctimas de trata reciben protección en albergues."),
            Visibility::Public,
        ),
        document(
            "Руководство",
            TextLanguage::Ru,
            Some("Защита беженцев и жертв торговли людьми."),
            Visibility::Public,
        ),
        document(
            "Internal trafficking SOP",
            TextLanguage::En,
            Some("Internal procedure for trafficking cases and shelter referrals."),
            Visibility::OwnOrganisation,
        ),
        document("Scanned law", TextLanguage::Fr, None, Visibility::Public),
    ];
    let mut stored = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        stored.push(
            store
                .upload_document(&acting(&alice, i as i64), &scope, doc)
                .await
                .unwrap(),
        );
    }
    let owner = Viewer::Member(scope);
    let other = Viewer::Member(OrgScope::new(b.id));
    let anyone = Viewer::Public;
    let en = TextLanguage::En;
    // Stems: "shelter" finds "shelters"; the owner sees its internal SOP.
    assert_eq!(titles(store, &owner, &search("shelter", en)).await.len(), 2);
    assert_eq!(
        titles(store, &other, &search("shelter", en)).await,
        vec!["Shelter guide"]
    );
    // Accents and diacritics do not matter.
    for q in ["réfugiés", "refugies"] {
        assert_eq!(
            titles(store, &anyone, &search(q, TextLanguage::Fr)).await,
            vec!["Guide des foyers"],
            "{q}"
        );
    }
    for q in ["حماية الأطفال", "حِمَايَة الاطفال"] {
        assert_eq!(
            titles(store, &other, &search(q, en)).await,
            vec!["دليل الحماية"],
            "{q}"
        );
        assert!(titles(store, &anyone, &search(q, en)).await.is_empty());
    }
    assert_eq!(
        titles(store, &anyone, &search("беженцы", en)).await,
        vec!["Руководство"]
    );
    // A word in several languages: the query's language first.
    let victims_fr = titles(store, &anyone, &search("victimes", TextLanguage::Fr)).await;
    assert_eq!(
        victims_fr.first().map(String::as_str),
        Some("Guide des foyers")
    );
    let victims_es = titles(store, &anyone, &search("víctimas trata", TextLanguage::Es)).await;
    assert_eq!(
        victims_es.first().map(String::as_str),
        Some("Guía de albergues")
    );
    // Titles are indexed even without text; only common words list nothing.
    assert_eq!(
        titles(store, &anyone, &search("scanned", en)).await,
        vec!["Scanned law"]
    );
    // Snippets mark the matching words.
    let (hits, _) = store
        .search_library(&anyone, &search("trafficking", en))
        .await
        .unwrap();
    let marked: Vec<&str> = hits[0]
        .snippet
        .iter()
        .filter(|p| p.hit)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(marked, vec!["trafficking"]);
    // Filters and listing without a query, newest first.
    let mut listing = LibraryFilter {
        query: None,
        language: Some(TextLanguage::Fr),
        ..search("x", en)
    };
    assert_eq!(
        titles(store, &anyone, &listing).await,
        vec!["Scanned law", "Guide des foyers"]
    );
    listing.language = None;
    listing.sort = LibrarySort::Newest;
    assert_eq!(titles(store, &owner, &listing).await.len(), 7);
    assert_eq!(titles(store, &anyone, &listing).await.len(), 5);

    // The own-organisation document on every read.
    let internal = stored[5].id;
    for viewer in [&other, &anyone] {
        assert!(store.document(viewer, internal).await.unwrap().is_none());
        assert!(
            store
                .document_file(viewer, internal)
                .await
                .unwrap()
                .is_none()
        );
    }
    let (doc, bytes) = store
        .document_file(&owner, internal)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bytes, docs[5].bytes);
    assert!(doc.has_text);
    assert!(!stored[6].has_text);
    assert_eq!(doc.file_name, "Internal-trafficking-SOP.txt");

    // The index is derived: rebuilt, it answers the same.
    assert_eq!(store.rebuild_library_index().await.unwrap(), 7);
    assert_eq!(
        titles(store, &other, &search("حماية", en)).await,
        vec!["دليل الحماية"]
    );
    assert!(
        actions(store, a.id)
            .await
            .contains(&"document_uploaded".to_owned())
    );
}

/// A search is paged in the index: the query's language first, then the
/// others, across pages, with the exact number of matches; filters and
/// visibility are part of the query; a word never matches a filter's
/// token; the same page comes back sorted by date.
pub async fn library_search_pages_and_filters_in_the_index<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org A", "BE", "a@example.org").await;
    let (b, _) = org_with_member(store, "Org B", "FR", "b@example.org").await;
    let scope = OrgScope::new(a.id);
    let mut n = 0;
    for i in 0..25 {
        let mut doc = document(
            &format!("Shelter note {i}"),
            TextLanguage::En,
            Some("Shelter places for people who were trafficked."),
            Visibility::Public,
        );
        if i == 3 {
            doc.meta.document_type = DocumentType::Law;
            doc.meta.countries = vec![country("NL"), country("FR")];
            doc.meta.themes = vec!["Child Protection".to_owned()];
        }
        store
            .upload_document(&acting(&alice, n), &scope, &doc)
            .await
            .unwrap();
        n += 1;
    }
    for i in 0..5 {
        let doc = document(
            &format!("Note foyer {i}"),
            TextLanguage::Fr,
            Some("Un shelter pour les personnes."),
            Visibility::Public,
        );
        store
            .upload_document(&acting(&alice, n), &scope, &doc)
            .await
            .unwrap();
        n += 1;
    }
    let internal = document(
        "Shelter internal",
        TextLanguage::Fr,
        Some("Shelter rota."),
        Visibility::OwnOrganisation,
    );
    store
        .upload_document(&acting(&alice, n), &scope, &internal)
        .await
        .unwrap();
    let anyone = Viewer::Public;
    let owner = Viewer::Member(scope);
    let other = Viewer::Member(OrgScope::new(b.id));
    let page = |offset: u32| LibraryFilter {
        offset,
        ..search("shelter", TextLanguage::En)
    };
    let (first, total) = store.search_library(&anyone, &page(0)).await.unwrap();
    assert_eq!(total, 30);
    assert_eq!(first.len(), 20);
    assert!(
        first
            .iter()
            .all(|h| h.document.meta.language == TextLanguage::En)
    );
    let (second, total) = store.search_library(&anyone, &page(20)).await.unwrap();
    assert_eq!(total, 30);
    let languages: Vec<TextLanguage> = second.iter().map(|h| h.document.meta.language).collect();
    assert_eq!(
        languages,
        [[TextLanguage::En; 5], [TextLanguage::Fr; 5]].concat()
    );
    let mut seen: Vec<String> = first
        .iter()
        .chain(&second)
        .map(|h| h.document.meta.title.as_str().to_owned())
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 30, "no document on two pages");
    let (beyond, total) = store.search_library(&anyone, &page(40)).await.unwrap();
    assert!(beyond.is_empty());
    assert_eq!(total, 30);
    // Only the owner finds its own-organisation document.
    assert_eq!(store.search_library(&owner, &page(0)).await.unwrap().1, 31);
    assert_eq!(store.search_library(&other, &page(0)).await.unwrap().1, 30);
    // Filters with words, and a theme in any case.
    let one = vec!["Shelter note 3".to_owned()];
    let filtered = [
        LibraryFilter {
            document_type: Some(DocumentType::Law),
            ..page(0)
        },
        LibraryFilter {
            country: Some(country("NL")),
            ..page(0)
        },
        LibraryFilter {
            theme: Some("child protection".to_owned()),
            ..page(0)
        },
    ];
    for filter in &filtered {
        assert_eq!(titles(store, &anyone, filter).await, one, "{filter:?}");
        let listing = LibraryFilter {
            query: None,
            ..filter.clone()
        };
        assert_eq!(titles(store, &anyone, &listing).await, one, "{filter:?}");
    }
    let french = LibraryFilter {
        language: Some(TextLanguage::Fr),
        ..page(0)
    };
    assert_eq!(store.search_library(&anyone, &french).await.unwrap().1, 5);
    assert_eq!(store.search_library(&owner, &french).await.unwrap().1, 6);
    // Words are not facets: nothing is named like a filter's token.
    for q in ["vpublic", "lfr", "tlaw", "cnl"] {
        assert!(
            titles(store, &owner, &search(q, TextLanguage::En))
                .await
                .is_empty(),
            "{q}"
        );
    }
    // Newest first with words: the last uploaded first, same total.
    let newest = LibraryFilter {
        sort: LibrarySort::Newest,
        ..page(0)
    };
    let (hits, total) = store.search_library(&anyone, &newest).await.unwrap();
    assert_eq!(total, 30);
    assert_eq!(
        hits.first().map(|h| h.document.meta.title.as_str()),
        Some("Note foyer 4")
    );
}

/// Past the count limit, a search ranks the newest `LIBRARY_COUNT_LIMIT`
/// matches and lists the older ones after them, newest first, whatever
/// way the backend finds the newest matches.
pub async fn library_search_past_the_count_limit_ranks_the_newest_matches<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org A", "BE", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    let older = 12;
    let all = LIBRARY_COUNT_LIMIT + older;
    for i in 0..all {
        // The oldest documents would rank best: the word is their whole
        // text. The newest ranks best among the rest.
        let body = if i < older || i == all - 1 {
            "shelter shelter shelter"
        } else {
            "a shelter near the station, among many other words of a longer note"
        };
        let doc = document(
            &format!("Note {i}"),
            TextLanguage::En,
            Some(body),
            Visibility::Public,
        );
        store
            .upload_document(&acting(&alice, i as i64), &scope, &doc)
            .await
            .unwrap();
    }
    let page = |offset: u32| LibraryFilter {
        offset,
        ..search("shelter", TextLanguage::En)
    };
    let (first, total) = store
        .search_library(&Viewer::Public, &page(0))
        .await
        .unwrap();
    assert_eq!(total, LIBRARY_COUNT_LIMIT + 1, "counted past the limit");
    let titles: Vec<&str> = first
        .iter()
        .map(|h| h.document.meta.title.as_str())
        .collect();
    assert_eq!(
        titles.first().copied(),
        Some(format!("Note {}", all - 1).as_str())
    );
    for old in 0..older {
        assert!(
            !titles.contains(&format!("Note {old}").as_str()),
            "{titles:?}"
        );
    }
    let past = u32::try_from(LIBRARY_COUNT_LIMIT).unwrap();
    let (rest, total) = store
        .search_library(&Viewer::Public, &page(past))
        .await
        .unwrap();
    assert_eq!(total, all);
    let rest: Vec<&str> = rest
        .iter()
        .map(|h| h.document.meta.title.as_str())
        .collect();
    let expected: Vec<String> = (0..older).rev().map(|i| format!("Note {i}")).collect();
    assert_eq!(rest, expected);
}

/// A failed audit append leaves no document, no file and no index row.
pub async fn library_uploads_store_nothing_when_their_audit_entry_fails<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = org_with_member(store, "Org", "BE", "a@example.org").await;
    let scope = OrgScope::new(a.id);
    h.fail_audit_appends_of("document_uploaded").await.unwrap();
    let before = entry_count(store).await;
    let doc = document(
        "Lost guide",
        TextLanguage::En,
        Some("Shelter text"),
        Visibility::Public,
    );
    assert!(
        store
            .upload_document(&acting(&alice, 1), &scope, &doc)
            .await
            .is_err()
    );
    assert_eq!(entry_count(store).await, before);
    let owner = Viewer::Member(scope);
    assert!(
        titles(store, &owner, &search("shelter", TextLanguage::En))
            .await
            .is_empty()
    );
    let listing = LibraryFilter {
        query: None,
        ..search("x", TextLanguage::En)
    };
    assert!(titles(store, &owner, &listing).await.is_empty());
    assert_eq!(store.rebuild_library_index().await.unwrap(), 0);
}
