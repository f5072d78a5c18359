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

/// Set in the group of a family name made from a given name ([`variant_group`]): `g | NISBA` is Karimi where
/// `g` is Karim. Table groups are line numbers, far below it.
pub(crate) const NISBA: u32 = 1 << 31;

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
    if let Some(g) = slavic_respellings(folded)
        .iter()
        .find_map(|alt| given().get(alt))
    {
        return *g;
    }
    // A family name made from a given name with the suffix -i (Karimi, Mohammadi, Yusufi) is a name of its
    // own: its own group, which scoring knows apart from the given name's, when the table lists the given
    // name; when it does not (Jusofi, Hashimi), no group, rather than the given name's by its consonants.
    // Only on a stem of four letters or more ending in a consonant: a short form (Dani) or a name ending in
    // -ai (Tesfai) is not one.
    if let Some(stem) = folded.strip_suffix('i')
        && stem.len() >= 4
        && stem
            .bytes()
            .last()
            .is_some_and(|c| !b"aeiouyw".contains(&c))
    {
        return given().get(stem).map_or(0, |g| *g | NISBA);
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

/// Spellings under which the table may list a Slavic given name romanised by other rules: the Russian ending
/// -ий written -ii, -iy, -y or -i (Evgenii, Evgeniy, Evgeny), -ия written -iia, -iya or -ia (Iuliia, Yuliya),
/// and the ICAO passport rule that writes an initial Ю, Я or Є as iu, ia or ie (Iurii for Yurii). Folding has
/// already made every doubled letter single ("evgenii" is "evgeni").
fn slavic_respellings(folded: &str) -> Vec<String> {
    const ENDINGS: [&[&str]; 2] = [&["iy", "i", "y"], &["iya", "ia", "ya"]];
    let mut words = vec![folded.to_string()];
    if folded.len() >= 4 && ["iu", "ia", "ie"].iter().any(|p| folded.starts_with(p)) {
        words.push(format!("y{}", &folded[1..]));
    }
    let mut out = Vec::new();
    for word in words {
        let ending = ENDINGS
            .iter()
            .find_map(|forms| Some((forms, forms.iter().find(|e| word.ends_with(**e))?)));
        if let Some((forms, ending)) = ending {
            let stem = &word[..word.len() - ending.len()];
            out.extend(forms.iter().map(|e| format!("{stem}{e}")));
        }
        out.push(word);
    }
    out.retain(|alt| alt != folded);
    out
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

#[cfg(test)]
mod tests {
    use super::variant_group;
    use crate::normalize::fold_latin;

    fn group(word: &str) -> u32 {
        variant_group(&fold_latin(&word.to_lowercase()))
    }

    #[test]
    fn slavic_names_find_their_group_under_other_romanisations() {
        // The table lists Yevhen, Evgeniy and Evgeny; Russian -ий is also written -ii, ICAO writes Ю as iu.
        for (other, listed) in [
            ("Evgenii", "Yevhen"),
            ("Iurii", "Yurii"),
            ("Iuliia", "Yuliya"),
            ("Evgeni", "Evgeny"),
        ] {
            assert_ne!(group(listed), 0, "{listed}");
            assert_eq!(group(other), group(listed), "{other} / {listed}");
        }
        // A word the table does not know under any ending stays without a group.
        assert_eq!(group("Zzyxi"), 0);
    }
}
