//! Embedded data tables (see `data/README.md` for sources and licences), parsed once on first use.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::names::name_words;
use crate::normalize::{fold_latin, place_key, skeleton};

pub(crate) const GIVEN_NAMES: &str = include_str!("../data/given_names.txt");
pub(crate) const PLACES: &str = include_str!("../data/places.txt");
pub(crate) const COUNTRIES: &str = include_str!("../data/countries.txt");
pub(crate) const WEIGHTS: &str = include_str!("../data/weights.txt");

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn given() -> &'static FxHashMap<String, u32> {
    static T: OnceLock<FxHashMap<String, u32>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = FxHashMap::default();
        for (g, line) in lines(GIVEN_NAMES).enumerate() {
            for entry in line.split_whitespace() {
                let key = fold_latin(&name_words(entry).concat());
                if !key.is_empty() {
                    m.entry(key).or_insert(g as u32 + 1);
                }
            }
        }
        m
    })
}

/// Skeletons (3+ consonants) that belong to exactly one variant group.
fn given_skeletons() -> &'static FxHashMap<String, u32> {
    static T: OnceLock<FxHashMap<String, u32>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m: FxHashMap<String, u32> = FxHashMap::default();
        for (text, g) in given() {
            let sk = skeleton(text);
            if sk.len() >= 3 {
                let e = m.entry(sk).or_insert(*g);
                if *e != *g {
                    *e = u32::MAX;
                }
            }
        }
        m.retain(|_, g| *g != u32::MAX);
        m
    })
}

/// Variant group of a folded name token (0 if the table does not know it): by spelling, else by an
/// unambiguous consonant skeleton (so that an unlisted spelling such as `Ibrahem` still finds its group).
pub fn variant_group(folded: &str) -> u32 {
    if let Some(g) = given().get(folded) {
        return *g;
    }
    // German/Polish-style romanisation of East Slavic names (Jewhen, Julija, Wolodymyr, Kostjantyn): j is y,
    // w is v; then a Ukrainian h for a Russian g (Halyna/Galina, Hanna/Ganna) when the table has only one.
    if folded.contains(['j', 'w']) {
        let alt = folded.replace('j', "y").replace('w', "v");
        if let Some(g) = given().get(&alt) {
            return *g;
        }
    }
    if folded.len() >= 4 && folded.contains('h') && !folded.contains(['k', 's', 'c', 'z', 't', 'd'])
    {
        let alt = folded.replace('h', "g");
        if let Some(g) = given().get(&alt) {
            return *g;
        }
    }
    let sk = skeleton(folded);
    if sk.len() >= 3 {
        given_skeletons().get(&sk).copied().unwrap_or(0)
    } else {
        0
    }
}

fn places() -> &'static FxHashMap<String, u32> {
    static T: OnceLock<FxHashMap<String, u32>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = FxHashMap::default();
        for (g, line) in lines(PLACES).enumerate() {
            for entry in line.split('|') {
                let key = place_key(entry);
                if !key.is_empty() {
                    m.entry(key).or_insert(g as u32 + 1);
                }
            }
        }
        m
    })
}

/// Whether a place key is a country's name or code ([`COUNTRIES`]).
pub fn is_country(key: &str) -> bool {
    static T: OnceLock<rustc_hash::FxHashSet<String>> = OnceLock::new();
    T.get_or_init(|| {
        lines(COUNTRIES)
            .flat_map(|line| line.split('|'))
            .map(place_key)
            .filter(|key| !key.is_empty())
            .collect()
    })
    .contains(key)
}

/// Variant group of a place key (0 if unknown).
pub fn place_group(key: &str) -> u32 {
    places().get(key).copied().unwrap_or(0)
}
