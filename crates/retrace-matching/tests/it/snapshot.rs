//! Index snapshots: a loaded snapshot answers exactly as the index it was written from; damaged or foreign
//! snapshots are refused whole.

use proptest::prelude::*;
use retrace_matching::{Config, Index, Person, SnapshotError};

use crate::properties::person;

fn index_of(people: &[Person]) -> Index {
    let mut index = Index::new(Config::default());
    for (i, p) in people.iter().enumerate() {
        index.add(&format!("r{i}"), p);
    }
    index
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn loaded_snapshot_answers_as_the_index(
        people in proptest::collection::vec(person(), 2..24),
        removed in 0usize..24,
        position in any::<u64>(),
    ) {
        let mut index = index_of(&people);
        // A hole left by a removal and an update must survive the round trip.
        index.remove(&format!("r{removed}"));
        index.add("r0", &people[people.len() - 1]);
        let bytes = index
            .write_snapshot(position, Vec::new(), |w| w.str("extra"))
            .unwrap();
        let (loaded, at, extra) = Index::read_snapshot(Config::default(), &mut bytes.as_slice(), |r| {
            Ok(r.str()?.to_owned())
        })
        .unwrap();
        prop_assert_eq!(at, position);
        prop_assert_eq!(extra, "extra");
        prop_assert_eq!(loaded.len(), index.len());
        prop_assert_eq!(loaded.candidate_pairs().len(), index.candidate_pairs().len());
        for p in &people {
            prop_assert_eq!(loaded.top_k(p, 5, None), index.top_k(p, 5, None));
        }
        // Pairs joined through a cluster come in the order of a hash map keyed by slot: compare as sets.
        let sorted = |i: &Index| {
            let mut pairs = i.link(0.01, &|_| {});
            pairs.sort_by(|a, b| (&a.left, &a.right).cmp(&(&b.left, &b.right)));
            pairs
        };
        prop_assert_eq!(sorted(&loaded), sorted(&index));
    }
}

/// A restored index holds no more room than the index it was written from once compacted: its arrays are
/// read at their exact length (collected through a filter, they grew by doubling and a restored service kept up
/// to twice the posting arrays it needs).
#[test]
fn a_restored_index_takes_no_more_memory_than_the_compacted_one() {
    let given = [
        "Mohammed",
        "Fatima",
        "Oleksandr",
        "Tesfay",
        "Hawa",
        "Amina",
        "Yusuf",
    ];
    let family = [
        "Al-Hassan",
        "Shevchenko",
        "Camara",
        "Habtom",
        "Diallo",
        "Haidari",
    ];
    let mut index = Index::new(Config::default());
    for i in 0..3000 {
        let person = Person {
            full_name: format!("{} {} {}", given[i % 7], given[(i / 7) % 7], family[i % 6]),
            birth_date: format!("{}-{:02}-{:02}", 1950 + i % 60, 1 + i % 12, 1 + i % 28),
            birth_place: format!("Place {}", i % 40),
            ..Person::default()
        };
        index.add(&format!("r{i}"), &person);
    }
    index.compact();
    let bytes = index.write_snapshot(1, Vec::new(), |_| Ok(())).unwrap();
    let (restored, _, ()) =
        Index::read_snapshot(Config::default(), &mut bytes.as_slice(), |_| Ok(())).unwrap();
    assert!(
        restored.approx_bytes() <= index.approx_bytes(),
        "restored {} bytes, compacted {}",
        restored.approx_bytes(),
        index.approx_bytes()
    );
}

#[test]
fn a_person_round_trips_in_the_callers_section() {
    let p = Person {
        full_name: "محمد علي".into(),
        sex: "M".into(),
        birth_date: "1990-05".into(),
        age: Some(33),
        father_name: "Ali".into(),
        mother_name: "Fatima".into(),
        birth_place: "Aleppo".into(),
        nationality: "SY".into(),
        last_seen_place: "Lesbos".into(),
    };
    let index = Index::new(Config::default());
    let bytes = index
        .write_snapshot(7, Vec::new(), |w| w.person(&p))
        .unwrap();
    let (_, _, back) =
        Index::read_snapshot(Config::default(), &mut bytes.as_slice(), |r| r.person()).unwrap();
    assert_eq!(back, p);
}

#[test]
fn damaged_truncated_or_foreign_snapshots_are_refused() {
    let index = index_of(&[
        Person {
            full_name: "Mohamed Ali".into(),
            birth_date: "1990".into(),
            ..Person::default()
        },
        Person {
            full_name: "Fatima Diallo".into(),
            ..Person::default()
        },
    ]);
    let bytes = index.write_snapshot(1, Vec::new(), |_| Ok(())).unwrap();
    let read = |b: &[u8], config: Config| {
        Index::read_snapshot(config, &mut &b[..], |_| Ok(())).map(|r| r.1)
    };
    assert_eq!(read(&bytes, Config::default()).unwrap(), 1);
    for cut in [0, 7, 8, 30, bytes.len() - 1] {
        assert!(
            matches!(
                read(&bytes[..cut], Config::default()),
                Err(SnapshotError::Damaged(_))
            ),
            "cut {cut}"
        );
    }
    for i in [0, 9, 20, bytes.len() / 2, bytes.len() - 9] {
        let mut flipped = bytes.clone();
        flipped[i] ^= 1;
        assert!(
            matches!(
                read(&flipped, Config::default()),
                Err(SnapshotError::Damaged(_))
            ),
            "byte {i}"
        );
    }
    let other_year = Config {
        reference_year: 2030,
        ..Config::default()
    };
    assert!(matches!(
        read(&bytes, other_year),
        Err(SnapshotError::OtherEngine)
    ));
    // The caller's section must be read whole.
    let with_extra = index.write_snapshot(1, Vec::new(), |w| w.u32(5)).unwrap();
    assert!(matches!(
        read(&with_extra, Config::default()),
        Err(SnapshotError::Damaged(_))
    ));
}

/// Everything an index answers that depends on its posting lists and term frequencies.
type Answers = (
    Vec<(u32, u32)>,
    Vec<Vec<retrace_matching::Candidate>>,
    Vec<Vec<retrace_matching::NameHit>>,
);

fn answers(index: &Index, people: &[Person]) -> Answers {
    let mut pairs: Vec<(u32, u32)> = index.candidate_pairs();
    pairs.sort_unstable();
    let tops = people.iter().map(|p| index.top_k(p, 5, None)).collect();
    let found = people.iter().map(|p| search(index, p)).collect();
    (pairs, tops, found)
}

fn search(index: &Index, p: &Person) -> Vec<retrace_matching::NameHit> {
    index.search_names(&p.full_name, 5, |_| true)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Compacting at any point (lists then live partly in the flat arrays, partly in the changes beside them,
    /// with removed slots in both) changes no answer, and the snapshot of such an index answers as it does.
    #[test]
    fn compaction_at_any_point_changes_no_answer(
        people in proptest::collection::vec(person(), 4..24),
        compact_after in 0usize..24,
        removed in proptest::collection::vec(0usize..24, 0..6),
        updated in 0usize..24,
    ) {
        let run = |compact: bool| {
            let mut index = Index::new(Config::default());
            for (i, p) in people.iter().enumerate() {
                index.add(&format!("r{i}"), p);
                if compact && i == compact_after {
                    index.compact();
                }
            }
            for r in &removed {
                index.remove(&format!("r{r}"));
            }
            index.add(&format!("r{updated}"), &people[0]);
            index
        };
        let plain = run(false);
        let compacted = run(true);
        prop_assert_eq!(answers(&compacted, &people), answers(&plain, &people));
        let sorted_links = |i: &Index| {
            let mut pairs = i.link(0.01, &|_| {});
            pairs.sort_by(|a, b| (&a.left, &a.right).cmp(&(&b.left, &b.right)));
            pairs
        };
        prop_assert_eq!(sorted_links(&compacted), sorted_links(&plain));
        let mut again = run(true);
        again.compact();
        prop_assert_eq!(answers(&again, &people), answers(&plain, &people));
        for index in [&compacted, &again] {
            let bytes = index.write_snapshot(3, Vec::new(), |_| Ok(())).unwrap();
            let (loaded, _, ()) =
                Index::read_snapshot(Config::default(), &mut bytes.as_slice(), |_| Ok(())).unwrap();
            prop_assert_eq!(loaded.len(), plain.len());
            for p in &people {
                prop_assert_eq!(loaded.top_k(p, 5, None), plain.top_k(p, 5, None));
                prop_assert_eq!(search(&loaded, p), search(&plain, p));
            }
            prop_assert_eq!(sorted_links(&loaded), sorted_links(&plain));
        }
    }
}

/// A snapshot whose checksum is right but whose posting lists are out of order (or name a person it does not
/// hold) is refused, not used: intersections of unsorted lists would silently lose candidates.
#[test]
fn posting_lists_out_of_order_are_refused() {
    let people: Vec<Person> = [
        "Mohamed Ali Hassan",
        "Mohamed Ali Hussein",
        "Fatima Ali Hassan",
    ]
    .iter()
    .map(|n| Person {
        full_name: (*n).into(),
        birth_date: "1990".into(),
        ..Person::default()
    })
    .collect();
    let index = index_of(&people);
    let bytes = index.write_snapshot(1, Vec::new(), |_| Ok(())).unwrap();
    // The slot block is the last one before the term frequencies: find the last list "0 1 2" (little-endian
    // u32s), put two of its slots out of order (or name a fourth person), then put a correct checksum back.
    let list: Vec<u8> = [0u32, 1, 2].iter().flat_map(|s| s.to_le_bytes()).collect();
    let at = bytes
        .windows(list.len())
        .rposition(|w| w == list.as_slice())
        .unwrap();
    for wrong in [[1u32, 0, 2], [0, 1, 7]] {
        let mut damaged = bytes.clone();
        let wrong: Vec<u8> = wrong.iter().flat_map(|s| s.to_le_bytes()).collect();
        damaged[at..at + 12].copy_from_slice(&wrong);
        let body = damaged.len() - 8;
        let sum = fnv1a(&damaged[..body]);
        damaged[body..].copy_from_slice(&sum.to_le_bytes());
        assert!(matches!(
            Index::read_snapshot(Config::default(), &mut damaged.as_slice(), |_| Ok(())),
            Err(SnapshotError::Damaged("posting lists"))
        ));
    }
}

/// The snapshot checksum: FNV-1a over little-endian eight-byte words, the last up to seven bytes one by one.
fn fnv1a(bytes: &[u8]) -> u64 {
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    let step = |h: u64, v: u64| (h ^ v).wrapping_mul(0x0100_0000_01b3);
    let sum = words.fold(0xcbf2_9ce4_8422_2325, |h, w| {
        step(h, u64::from_le_bytes(w.try_into().unwrap()))
    });
    tail.iter().fold(sum, |h, b| step(h, u64::from(*b)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Asking by an indexed id answers as asking with the record it was added from. With the second stage the
    /// indexed id also knows which record is itself (as `exclude` does): the same list besides its own entry.
    #[test]
    fn an_indexed_person_is_answered_as_its_record(
        people in proptest::collection::vec(person(), 2..16),
    ) {
        let mut own = Index::new(Config { rivals: false, ..Config::default() });
        for (i, p) in people.iter().enumerate() {
            own.add(&format!("r{i}"), p);
        }
        let index = index_of(&people);
        for (i, p) in people.iter().enumerate() {
            let id = format!("r{i}");
            prop_assert_eq!(own.top_k_of(&id, 5), Some(own.top_k(p, 5, None)));
            let others = index
                .top_k_of(&id, usize::MAX)
                .map(|list| list.into_iter().filter(|c| c.id != id).collect::<Vec<_>>());
            prop_assert_eq!(others, Some(index.top_k(p, usize::MAX, Some(&id))));
            let j = (i + 1) % people.len();
            prop_assert_eq!(
                index.explain_indexed(&format!("r{i}"), &format!("r{j}")),
                Some(index.explain(p, &people[j]))
            );
        }
        prop_assert_eq!(index.top_k_of("absent", 5), None);
    }
}
