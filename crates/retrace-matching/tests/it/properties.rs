use proptest::prelude::*;
use retrace_matching::{
    Candidate, Config, DEFAULT_THRESHOLD, Index, Person, RivalContexts, Wanted,
};

const GIVEN: &[&str] = &[
    "Mohammed",
    "Muhammad",
    "محمد",
    "Ahmad",
    "Fatima",
    "فاطمة",
    "Oleksandr",
    "Александр",
    "Tesfay",
    "ተስፋይ",
    "Hawa",
    "Ali",
];
const FAMILY: &[&str] = &[
    "Al-Hassan",
    "alhasan",
    "الحسن",
    "Shevchenko",
    "Шевченко",
    "Camara",
    "CONTE",
    "Habtom",
    "Diallo",
];
const DATES: &[&str] = &[
    "",
    "1990",
    "1990-01-01",
    "1990-05-12",
    "1990-12-05",
    "1991-05-12",
    "1985-03",
];

pub(crate) fn person() -> impl Strategy<Value = Person> {
    (
        0..GIVEN.len(),
        proptest::option::of(0..GIVEN.len()),
        0..FAMILY.len(),
        0..DATES.len(),
        prop_oneof![Just("M"), Just("F"), Just("")],
        proptest::option::of(0..GIVEN.len()),
        any::<bool>(),
    )
        .prop_map(|(g, f, fam, d, sex, father, first)| {
            let mut full = if first {
                format!("{} {}", FAMILY[fam].to_uppercase(), GIVEN[g])
            } else {
                format!("{} {}", GIVEN[g], FAMILY[fam])
            };
            if let Some(f) = f {
                full = format!("{} {}", GIVEN[g], GIVEN[f]) + " " + FAMILY[fam];
            }
            Person {
                full_name: full,
                sex: sex.to_string(),
                birth_date: DATES[d].to_string(),
                father_name: father.map(|i| GIVEN[i].to_string()).unwrap_or_default(),
                ..Person::default()
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn score_is_symmetric(a in person(), b in person()) {
        let index = Index::new(Config::default());
        let ab = index.explain(&a, &b).probability;
        let ba = index.explain(&b, &a).probability;
        prop_assert!((ab - ba).abs() < 1e-9, "{ab} vs {ba}");
    }

    #[test]
    fn record_matches_itself(a in person()) {
        prop_assume!(!a.full_name.trim().is_empty());
        let index = Index::new(Config::default());
        let p = index.explain(&a, &a).probability;
        prop_assert!(p >= DEFAULT_THRESHOLD, "{p} for {a:?}");
    }

    /// Top-k stops running trees on candidates whose bound cannot reach the k-th best: same result as ranking all
    /// by own probability. The second stage then changes the probabilities and order of these candidates, never
    /// which they are.
    #[test]
    fn top_k_equals_the_head_of_the_full_ranking(
        people in proptest::collection::vec(person(), 2..24),
        k in 1usize..5,
    ) {
        let index_of = |rivals| {
            let mut index = Index::new(Config { rivals, ..Config::default() });
            for (i, p) in people.iter().enumerate() {
                index.add(&format!("r{i}"), p);
            }
            index
        };
        let (own, index) = (index_of(false), index_of(true));
        for p in &people {
            let mut all = own.top_k(p, usize::MAX, None);
            all.truncate(k);
            let head = own.top_k(p, k, None);
            prop_assert_eq!(&head, &all);
            let ids = |list: Vec<retrace_matching::Candidate>| {
                list.into_iter().map(|c| c.id).collect::<std::collections::BTreeSet<_>>()
            };
            prop_assert_eq!(ids(index.top_k(p, k, None)), ids(head));
        }
    }

    #[test]
    fn blocking_never_loses_an_accepted_pair(people in proptest::collection::vec(person(), 2..24)) {
        let mut index = Index::new(Config { transitive: false, rivals: false, ..Config::default() });
        for (i, p) in people.iter().enumerate() {
            index.add(&format!("r{i}"), p);
        }
        let linked: std::collections::HashSet<(String, String)> = index
            .link(DEFAULT_THRESHOLD, &|_| {})
            .into_iter()
            .map(|p| (p.left, p.right))
            .collect();
        // Naive reference: every pair compared exhaustively.
        for i in 0..people.len() {
            for j in i + 1..people.len() {
                let (a, b) = (format!("r{i}"), format!("r{j}"));
                let pa = index.top_k(&people[i], usize::MAX, Some(&a));
                let exhaustive = index.explain(&people[i], &people[j]).probability;
                let _ = pa;
                if exhaustive >= DEFAULT_THRESHOLD {
                    prop_assert!(
                        linked.contains(&(a.clone(), b.clone())) || linked.contains(&(b.clone(), a.clone())),
                        "lost {:?} / {:?} ({exhaustive})", people[i], people[j]
                    );
                }
            }
        }
    }
}

#[test]
fn index_add_update_remove_top_k() {
    let mut index = Index::new(Config::default());
    let a = Person {
        full_name: "Mohammed Ali Hassan".into(),
        birth_date: "1990-05-12".into(),
        sex: "M".into(),
        ..Person::default()
    };
    let b = Person {
        full_name: "محمد علي الحسن".into(),
        birth_date: "1990-05-12".into(),
        sex: "M".into(),
        ..Person::default()
    };
    let c = Person {
        full_name: "Fatima Diallo".into(),
        birth_date: "1970".into(),
        sex: "F".into(),
        ..Person::default()
    };
    index.add("a", &a);
    index.add("b", &b);
    index.add("c", &c);
    assert_eq!(index.len(), 3);
    let top = index.top_k(&a, 10, Some("a"));
    assert_eq!(top.first().map(|c| c.id.as_str()), Some("b"));
    index.add("b", &c); // update: b now describes someone else
    assert_eq!(index.len(), 3);
    let top = index.top_k(&a, 10, Some("a"));
    assert!(
        top.iter().all(|c| c.probability < DEFAULT_THRESHOLD),
        "{top:?}"
    );
    assert!(index.remove("c"));
    assert!(!index.remove("c"));
    assert_eq!(index.len(), 2);
}

proptest! {
    /// The allocation-free Jaro-Winkler gives exactly `strsim`'s value (ASCII fast path and fallback).
    #[test]
    fn jaro_winkler_equals_strsim(
        a in "[a-e]{0,12}|[a-zé]{0,70}|[a-dA-D -]{0,12}",
        b in "[a-e]{0,12}|[a-zé]{0,70}|[a-dA-D -]{0,12}",
    ) {
        let ours = retrace_matching::compare::jaro_winkler(&a, &b);
        prop_assert_eq!(ours.to_bits(), strsim::jaro_winkler(&a, &b).to_bits());
    }
}

const PLACES: &[&str] = &[
    "",
    "Damascus",
    "Dimashq",
    "دمشق",
    "Kharkiv",
    "Харків",
    "Mogadishu",
    "Muqdisho",
];

/// A person with places; one in four with a name of one part (ADR 0074).
fn person_with_places() -> impl Strategy<Value = Person> {
    (
        person(),
        0..PLACES.len(),
        0..PLACES.len(),
        proptest::bool::weighted(0.25),
    )
        .prop_map(|(mut p, b, s, one_part)| {
            p.birth_place = PLACES[b].to_string();
            p.last_seen_place = PLACES[s].to_string();
            if one_part {
                p.full_name = p
                    .full_name
                    .split(' ')
                    .next_back()
                    .unwrap_or_default()
                    .to_owned();
            }
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A full linkage (parallel, its similarities of shared name parts and places remembered) gives every pair
    /// exactly the probability a query for one of them gives the other (compared afresh), and `add_all`
    /// builds the same index as `add` one by one.
    #[test]
    fn link_scores_equal_query_scores(people in proptest::collection::vec(person_with_places(), 2..40)) {
        let records: Vec<(String, Person)> =
            people.iter().enumerate().map(|(i, p)| (format!("r{i}"), p.clone())).collect();
        let config = Config { transitive: false, rivals: false, neighbours: false, ..Config::default() };
        let mut one_by_one = Index::new(config.clone());
        for (id, p) in &records {
            one_by_one.add(id, p);
        }
        let mut index = Index::new(config);
        index.add_all(&records);
        let linked = index.link(0.0, &|_| {});
        prop_assert_eq!(&linked, &one_by_one.link(0.0, &|_| {}));
        for pair in &linked {
            let i: usize = pair.left[1..].parse().unwrap();
            let found = index
                .top_k(&people[i], usize::MAX, Some(&pair.left))
                .into_iter()
                .find(|c| c.id == pair.right)
                .map(|c| c.probability.to_bits());
            prop_assert_eq!(found, Some(pair.probability.to_bits()), "{:?}", pair);
        }
    }

    /// Where blocks are over-full and split by a second key, or taken by a record that says little else
    /// (ADR 0074), a full linkage proposes exactly the pairs queries propose, from either record, whatever
    /// their order in the index: a split is used or not on the whole blocks, also when the linkage wants only
    /// the earlier records of one; a query for either record finds the other. The candidate pairs are those
    /// pairs, each given once.
    #[test]
    fn split_blocks_give_a_linkage_the_pairs_queries_give(
        people in proptest::collection::vec(person_with_places(), 8..60),
        max_block in 2usize..24,
    ) {
        let config =
            Config { transitive: false, rivals: false, neighbours: false, max_block, ..Config::default() };
        let mut index = Index::new(config);
        for (i, p) in people.iter().enumerate() {
            index.add(&format!("r{i}"), p);
        }
        let key = |a: &str, b: &str| if a < b { (a.to_owned(), b.to_owned()) } else { (b.to_owned(), a.to_owned()) };
        let linked: std::collections::BTreeSet<(String, String)> =
            index.link(0.0, &|_| {}).iter().map(|pair| key(&pair.left, &pair.right)).collect();
        // Each pair as found from its first record and from its second: the same set both ways.
        let (mut queried, mut queried_back) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
        for i in 0..people.len() {
            let id = format!("r{i}");
            for c in index.top_k_of(&id, usize::MAX).unwrap() {
                if c.id != id {
                    let pair = key(&id, &c.id);
                    if pair.0 == id { queried.insert(pair) } else { queried_back.insert(pair) };
                }
            }
        }
        prop_assert_eq!(&queried, &queried_back);
        prop_assert_eq!(&linked, &queried);
        let candidate_pairs = index.candidate_pairs();
        let proposed: std::collections::BTreeSet<(String, String)> = candidate_pairs
            .iter()
            .map(|(a, b)| key(index.id_of(*a).unwrap(), index.id_of(*b).unwrap()))
            .collect();
        prop_assert_eq!(proposed.len(), candidate_pairs.len(), "a pair given twice");
        prop_assert_eq!(proposed, linked);
    }

    /// With the second stage, a query gives each candidate the probability a full linkage without its third
    /// stage (ADR 0068) gives the pair: both know the same rivals and look-alikes (every match of either record
    /// down to the linkage's floor). Any candidate the linkage keeps is found by a query for either record.
    #[test]
    fn queries_know_the_rivals_a_linkage_knows(
        people in proptest::collection::vec(person_with_places(), 2..40),
        duplicates in proptest::collection::vec(0usize..40, 0..8),
    ) {
        // Records of the same persons again, so that pairs have rivals and look-alikes.
        let mut records: Vec<(String, Person)> =
            people.iter().enumerate().map(|(i, p)| (format!("r{i}"), p.clone())).collect();
        for d in duplicates {
            let mut p = people[d % people.len()].clone();
            p.birth_date.clear();
            records.push((format!("r{}", records.len()), p));
        }
        let index_of = |rivals| {
            let config =
                Config { transitive: false, rivals, triangles: false, neighbours: false, ..Config::default() };
            let mut index = Index::new(config);
            index.add_all(&records);
            index
        };
        let (index, own) = (index_of(true), index_of(false));
        let linked = index.link(0.05, &|_| {});
        let rescored = linked.iter().filter(|pair| {
            let own_probability = own.explain_indexed(&pair.left, &pair.right).map(|x| x.probability);
            own_probability != Some(pair.probability)
        });
        prop_assert!(linked.is_empty() || rescored.count() > 0, "the second stage changed nothing");
        for pair in &linked {
            for (a, b) in [(&pair.left, &pair.right), (&pair.right, &pair.left)] {
                let i: usize = a[1..].parse().unwrap();
                let found = index
                    .top_k(&records[i].1, usize::MAX, Some(a))
                    .into_iter()
                    .find(|c| c.id == **b)
                    .map(|c| c.probability.to_bits());
                prop_assert_eq!(found, Some(pair.probability.to_bits()), "{:?}", pair);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// A full linkage judges rivals and triangles on every pair down to its floor, whatever the caller keeps:
    /// the pairs kept at a higher `min_score` are those of the lowest with their probabilities, no others.
    #[test]
    fn a_linkage_keeps_what_it_would_at_the_floor_whatever_the_caller_keeps(
        people in proptest::collection::vec(person_with_places(), 2..30),
        duplicates in proptest::collection::vec(0usize..30, 0..8),
        min_score in 0.01f64..0.9,
    ) {
        let mut index = Index::new(Config::default());
        for (i, p) in people.iter().enumerate() {
            index.add(&format!("r{i}"), p);
        }
        for (n, d) in duplicates.iter().enumerate() {
            let mut p = people[d % people.len()].clone();
            p.birth_date.clear();
            index.add(&format!("d{n}"), &p);
        }
        let all = index.link(0.01, &|_| {});
        let kept: Vec<_> = all.into_iter().filter(|pair| pair.probability >= min_score).collect();
        prop_assert_eq!(index.link(min_score, &|_| {}), kept);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Remembered matches of candidates change no answer, for queries by record or by indexed id, before and
    /// after the index changes under them (a person added, then removed); keeping only some candidates leaves
    /// the others as they are.
    #[test]
    fn remembered_rivals_give_the_same_lists(
        people in proptest::collection::vec(person_with_places(), 2..30),
        extra in person_with_places(),
    ) {
        let mut index = Index::new(Config::default());
        for (i, p) in people.iter().enumerate() {
            index.add(&format!("r{i}"), p);
        }
        let contexts = RivalContexts::new();
        // Only some candidates wanted: the same lists less the others.
        let odd = |id: &str| id.ends_with(['1', '3', '5', '7', '9']);
        let some = Wanted { at_least: 0.3, admit: &odd };
        let kept = |list: Vec<Candidate>| -> Vec<Candidate> {
            list.into_iter().filter(|c| c.probability >= 0.3 && odd(&c.id)).collect()
        };
        let check = |index: &Index| -> Result<(), TestCaseError> {
            for (i, p) in people.iter().enumerate() {
                let id = format!("r{i}");
                prop_assert_eq!(
                    index.top_k_remembering(p, 10, Some(&id), &contexts, &Wanted::ALL),
                    index.top_k(p, 10, Some(&id))
                );
                prop_assert_eq!(
                    index.top_k_of_remembering(&id, 10, &contexts, &Wanted::ALL),
                    index.top_k_of(&id, 10)
                );
                prop_assert_eq!(
                    index.top_k_remembering(p, 10, Some(&id), &contexts, &some),
                    kept(index.top_k(p, 10, Some(&id)))
                );
                prop_assert_eq!(
                    index.top_k_of_remembering(&id, 10, &contexts, &some),
                    index.top_k_of(&id, 10).map(kept)
                );
            }
            Ok(())
        };
        check(&index)?;
        index.add("extra", &extra);
        check(&index)?;
        index.remove("extra");
        check(&index)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// One bulk linkage gives every record the list its query gives: the same candidates at or above the
    /// linkage's floor, in the same order, with the same probabilities bit for bit, with and without the second
    /// stage; a person's other names (`p/1`) included. After a change it answers nothing.
    #[test]
    fn a_bulk_linkage_gives_the_lists_queries_give(
        people in proptest::collection::vec(person_with_places(), 2..40),
        again in proptest::collection::vec((0usize..40, any::<bool>()), 0..10),
        k in 2usize..12,
        max_block in 2usize..400,
    ) {
        let mut records: Vec<(String, Person)> =
            people.iter().enumerate().map(|(i, p)| (format!("p{i}/0"), p.clone())).collect();
        // The same persons again: as another name of theirs, or as another person without a birth date.
        for (n, (d, another_name)) in again.into_iter().enumerate() {
            let mut p = people[d % people.len()].clone();
            let id = if another_name {
                format!("p{}/{}", d % people.len(), n + 1)
            } else {
                p.birth_date.clear();
                format!("q{n}/0")
            };
            records.push((id, p));
        }
        for rivals in [true, false] {
            let mut index =
                Index::new(Config { person_separator: Some('/'), rivals, max_block, ..Config::default() });
            index.add_all(&records);
            let mut own = Index::new(Config { rivals: false, max_block, ..Config::default() });
            own.add_all(&records);
            let mut bulk = index.begin_bulk_linkage(k);
            while index.continue_bulk_linkage(&mut bulk, 7) {}
            for (id, _) in &records {
                let floor = |c: &Candidate| {
                    c.id != *id
                        && own.explain_indexed(id, &c.id).is_some_and(|x| x.probability >= 0.05)
                };
                let queried: Vec<Candidate> =
                    index.top_k_of(id, k).unwrap().into_iter().filter(floor).collect();
                let bulk_list = index.bulk_top_k_of(&bulk, id).unwrap();
                let bits = |list: &[Candidate]| -> Vec<(String, u64)> {
                    list.iter().map(|c| (c.id.clone(), c.probability.to_bits())).collect()
                };
                prop_assert_eq!(bits(&bulk_list), bits(&queried), "{} (rivals {})", id, rivals);
            }
            // A record removed after the linkage leaves every list; the others still answer.
            index.remove(&records[0].0);
            for (id, _) in &records[1..] {
                let list = index.bulk_top_k_of(&bulk, id).unwrap();
                prop_assert!(list.iter().all(|c| c.id != records[0].0), "{}", id);
            }
            // Records added and removed between parts: the linkage goes on over the records it began with.
            if records.len() < 4 {
                continue;
            }
            let mut bulk = index.begin_bulk_linkage(k);
            index.continue_bulk_linkage(&mut bulk, 3);
            index.add("late/0", &records[1].1);
            index.remove(&records[2].0);
            while index.continue_bulk_linkage(&mut bulk, 7) {}
            let (linked, all) = bulk.progress();
            prop_assert_eq!(linked, all);
            prop_assert!(all > 0, "not given up");
            prop_assert!(index.bulk_top_k_of(&bulk, "late/0").is_none());
            for (id, _) in &records[3..] {
                let list = index.bulk_top_k_of(&bulk, id).unwrap();
                let gone = [records[2].0.as_str(), "late/0"];
                prop_assert!(list.iter().all(|c| !gone.contains(&c.id.as_str())), "{}", id);
            }
        }
    }
}

/// A candidate's other names (records `person/n` of one person) are neither its rivals nor its look-alikes in a
/// query: the candidate gets the probability it gets when the same name is another person's far from it.
#[test]
fn a_candidates_other_names_are_not_its_rivals() {
    let record = |name: &str, birth_date: &str, father: &str, place: &str| Person {
        full_name: name.into(),
        birth_date: birth_date.into(),
        father_name: father.into(),
        birth_place: place.into(),
        sex: "F".into(),
        ..Person::default()
    };
    let query = record("Amina Yusuf", "", "Yusuf", "Mosul");
    // The same name parts in every index (the term frequencies are equal): only the third record differs.
    let probability = |separator, (id, third): (&str, Person)| {
        let mut index = Index::new(Config {
            person_separator: separator,
            ..Config::default()
        });
        index.add("x/0", &query);
        index.add(
            "y/0",
            &record("Amina Yusuf Hassan", "1990-03-12", "", "Mosul"),
        );
        index.add(id, &third);
        index
            .top_k_of("x/0", 5)
            .unwrap()
            .into_iter()
            .find(|c| c.id == "y/0")
            .map(|c| c.probability)
            .unwrap()
    };
    // The candidate's other name is as like it as can be and clearly not the query (another father).
    let alias = record("Amina Hassan", "1990-03-12", "Karim", "Mosul");
    let far = probability(
        Some('/'),
        (
            "w/0",
            record("Amina Hassan", "1951-07-30", "Karim", "Basra"),
        ),
    );
    assert_eq!(probability(Some('/'), ("y/1", alias.clone())), far);
    // Without the separator the other name is another person as like the candidate as the query: a look-alike.
    let lookalike = probability(None, ("y/1", alias));
    assert!(lookalike < far - 0.01, "{lookalike} against {far}");
}
