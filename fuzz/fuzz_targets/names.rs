//! Names and scripts: the domain's `PersonName` (script detection) and the
//! matching engine's normalisation, transliteration, tokens and keys, then
//! two persons built from the input profiled, indexed, compared, searched
//! and explained. Probabilities stay in [0, 1]; a person is found by
//! searching for itself.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use retrace_domain::person::{NameInput, NameKind, PersonName, Script};
use retrace_matching::{Birth, Config, Index, Person, Profile, block_keys, names, normalize};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    full: &'a str,
    given: &'a str,
    father: &'a str,
    family: &'a str,
    other: &'a str,
    sex: &'a str,
    birth_date: &'a str,
    age: Option<u8>,
    place: &'a str,
    nationality: &'a str,
}

fn person(full_name: &str, input: &Input<'_>) -> Person {
    Person {
        full_name: full_name.to_owned(),
        sex: input.sex.to_owned(),
        birth_date: input.birth_date.to_owned(),
        age: input.age.map(u32::from),
        father_name: input.father.to_owned(),
        mother_name: input.given.to_owned(),
        birth_place: input.place.to_owned(),
        nationality: input.nationality.to_owned(),
        last_seen_place: input.place.to_owned(),
    }
}

fuzz_target!(|input: Input<'_>| {
    let _ = Script::detect(input.full);
    if let Ok(name) = PersonName::parse(&NameInput {
        full: input.full,
        kind: NameKind::Birth,
        given: input.given,
        father: input.father,
        grandfather: "",
        family: input.family,
    }) {
        assert!(!name.full().trim().is_empty());
    }
    for text in [input.full, input.other] {
        let latin = normalize::to_latin(text);
        let folded = normalize::fold_latin(&latin);
        let _ = normalize::skeleton(&folded);
        let _ = normalize::place_key(text);
        let _ = names::name_words(text);
        for token in names::tokens(text) {
            let _ = token.key();
        }
        let _ = names::tokens_with_patronymic(text);
        let _ = names::letter_mask(text);
    }
    let _ = Birth::parse(input.birth_date);
    let a = person(input.full, &input);
    let b = person(input.other, &input);
    let profile = Profile::new(&a, 2026);
    let _ = block_keys(&profile);
    let mut index = Index::new(Config {
        reference_year: 2026,
        ..Config::default()
    });
    index.add("a", &a);
    index.add("b", &b);
    let comparison = index.compare_profiles(&profile, &Profile::new(&b, 2026));
    assert!(comparison.x.iter().all(|x| x.is_finite()), "{input:?}");
    for candidate in index.search(&a, 5) {
        assert!(
            (0.0..=1.0).contains(&candidate.probability),
            "probability {} for {input:?}",
            candidate.probability
        );
    }
    let _ = index.explain(&a, &b);
});
