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
