//! Name tokenisation: family-name-first detection, Arabic particles and compounds, variant groups.

use std::sync::Arc;

use crate::normalize::{digits_read_as_letters, fold_latin, skeleton, strip_article, to_latin};
use crate::profile::hash_str;
use crate::tables;

/// One normalised name part. A handle: cloning it is cheap, and an index keeps one copy of each distinct part
/// that all its profiles point at (a million persons share a few hundred thousand distinct parts), so a
/// profile holds a pointer per part rather than the part.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tok(Arc<TokData>);

/// What a name part is made of.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TokData {
    /// Folded Latin spelling (`mohammed` -> `mohamed`).
    pub text: Box<str>,
    /// Consonant skeleton (`mhmd`).
    pub skel: Box<str>,
    /// Variant group from the shipped tables (0 = none): Mohammed and Mehmet share one, Oleksandr and Sasha too.
    pub group: u32,
    /// Letters present in `text` and in `skel` ([`letter_mask`]), for a cheap bound on their similarity.
    pub letters: u32,
    pub skel_letters: u32,
    /// Hash of the key used for term frequency and blocking: the variant group if known (`#` and its number),
    /// else the skeleton, else the folded spelling.
    pub key: u64,
    /// Hash of the skeleton's first and last letters (what a typo inside the word leaves), for blocking.
    pub ends: u64,
    /// Hash of the spelling's first and last letters: a typo that changes the skeleton's first consonant
    /// ("Wabner" `bnr`, "Wahner" `hnr`) leaves them.
    pub text_ends: u64,
}

impl TokData {
    /// [`TokData::ends`], and [`TokData::text_ends`] when it differs.
    pub fn both_ends(&self) -> impl Iterator<Item = u64> + '_ {
        std::iter::once(self.ends).chain((self.text_ends != self.ends).then_some(self.text_ends))
    }
}

impl std::ops::Deref for Tok {
    type Target = TokData;

    fn deref(&self) -> &TokData {
        &self.0
    }
}

/// Set of the bytes of `s`, each as bit `byte & 31` (the letters a-z get their own bits; anything else may
/// share one, which only loosens bounds built on it).
pub fn letter_mask(s: &str) -> u32 {
    s.bytes().fold(0, |m, c| m | 1 << (c & 31))
}

/// Hash of the first and last letters of `s`.
fn first_and_last(s: &str) -> u64 {
    hash_str(
        &s.chars()
            .take(1)
            .chain(s.chars().last())
            .collect::<String>(),
    )
}

impl Tok {
    /// A part from its folded spelling, skeleton and variant group (the rest is derived).
    pub fn new(text: &str, skel: &str, group: u32) -> Tok {
        Tok(Arc::new(TokData {
            letters: letter_mask(text),
            skel_letters: letter_mask(skel),
            key: key_hash(text, skel, group),
            ends: first_and_last(skel),
            text_ends: first_and_last(text),
            text: text.into(),
            skel: skel.into(),
            group,
        }))
    }

    /// Identity of this copy of the part (equal for two handles of one shared copy).
    pub(crate) fn identity(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// Whether any handle besides this one (and the interning set's) still points at the part.
    pub(crate) fn is_shared(&self) -> bool {
        Arc::strong_count(&self.0) > 1
    }
}

/// Hash of a part's key: `#` and the group number if it has a group, else the skeleton, else the spelling.
/// Built without allocating.
fn key_hash(text: &str, skel: &str, group: u32) -> u64 {
    if group != 0 {
        // "#" and the group's decimal digits, written right to left.
        let mut buf = [0u8; 11];
        let mut at = buf.len();
        let mut g = group;
        while g > 0 {
            at -= 1;
            buf[at] = b'0' + (g % 10) as u8;
            g /= 10;
        }
        at -= 1;
        buf[at] = b'#';
        hash_str(std::str::from_utf8(&buf[at..]).unwrap_or_default())
    } else if skel.is_empty() {
        hash_str(text)
    } else {
        hash_str(skel)
    }
}

pub fn make_tok(word: &str) -> Tok {
    let text = fold_latin(word);
    let skel = skeleton(&text);
    let group = tables::variant_group(&text);
    Tok::new(&text, &skel, group)
}

const DROP: &[&str] = &[
    "al", "el", "ul", "bin", "ibn", "ben", "bint", "binti", "ould", "wad", "walad", "ad", "ed",
    "ar", "as", "ash", "at", "az", "an", "ud", "ad-",
];
const ABD: &[&str] = &[
    "abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdur", "abder", "abdoul", "abdou",
    "abdoula",
];
const ABU: &[&str] = &["abu", "abou", "abo", "umm", "um", "oum", "om"];
const ALLAH: &[&str] = &[
    "allah", "ullah", "ulla", "alla", "llah", "olla", "ollah", "lah", "ulah", "illah",
];
const DIN: &[&str] = &[
    "din", "deen", "eddin", "eddine", "uddin", "addin", "aldin", "adin", "edin", "udin", "ddin",
    "dine",
];

/// Canonical spelling of an `abd...` compound: `abdelrahman`, `abdurrahman`, `abdirahman` -> `abdrahman`.
fn canon_abd(w: &str) -> String {
    let folded = fold_latin(w);
    let rest = folded.get(3..).unwrap_or("");
    // Abdallah, Abdullah, Abdullahi, Abdellah, عبدالله: one canonical spelling.
    let r = rest.trim_start_matches(['a', 'e', 'i', 'o', 'u']);
    if let Some(after) = r.strip_prefix('l')
        && matches!(after, "" | "a" | "ah" | "h" | "ahi" | "ai" | "i")
    {
        return "abdallah".to_string();
    }
    let b = rest.as_bytes();
    let v = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let rest = if b.len() >= 4 && v(b[0]) && b[1] == b'l' {
        &rest[2..]
    } else if b.len() >= 3 && v(b[0]) && !v(b[1]) {
        &rest[1..]
    } else {
        rest
    };
    format!("abd{}", strip_article(rest))
}

/// Titles and degrees copied into a name from a form (`Dr.`, `Mrs.`, `Dipl.-Ing.`, `Jr.`, `B.Sc.`), lower case
/// without dots or hyphens: never evidence of who the person is.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "mx", "miss", "dr", "dra", "prof", "rev", "jr", "sr", "sra", "srta", "ii",
    "iii", "iv", "phd", "dds", "dvm", "esq", "herr", "frau", "dipling", "drmed", "profdr",
    "univprof", "bsc", "msc", "mba", "mme", "mlle", "dhr", "mevr",
];

/// Titles that are also short names or initials unless written with a dot (`B.A.`, `Ing.`, `ir.`).
const DOTTED_TITLES: &[&str] = &[
    "ba", "ma", "ing", "mag", "sig", "sigra", "dott", "dottssa", "ir", "inż",
];

/// Whether a word as written is a title rather than a name.
fn is_title(word: &str) -> bool {
    let bare: String = word
        .chars()
        .filter(|c| !matches!(c, '.' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    TITLES.contains(&bare.as_str())
        || (word.contains('.') && DOTTED_TITLES.contains(&bare.as_str()))
}

/// "Baldwin, David Stephen": a family name written first and set off by a comma (Latin or Arabic), as registers
/// and lists write it, read as "David Stephen Baldwin". `None` when there is no such comma.
fn family_name_before_comma(s: &str) -> Option<String> {
    let (family, given) = s.split_once([',', '\u{060C}'])?;
    let has_letters = |part: &str| part.chars().any(char::is_alphabetic);
    (has_letters(family) && has_letters(given)).then(|| format!("{given} {family}"))
}

/// Split a name into normalised words: Latin key, titles dropped, family-name-first reordering, particles
/// joined or dropped.
pub fn name_words(s: &str) -> Vec<String> {
    let reordered = family_name_before_comma(s);
    let s = reordered.as_deref().unwrap_or(s);
    let words: Vec<(&str, bool)> = s.split_whitespace().map(|w| (w, is_title(w))).collect();
    let all_titles = words.iter().all(|(_, title)| *title);
    let raw: Vec<&str> = words
        .iter()
        .filter(|(_, title)| all_titles || !title)
        .map(|(w, _)| *w)
        .collect();
    // A leading all-capitals word followed by mixed-case words is a family name written first ("ZALATIMOU Zakhir").
    let is_caps =
        |w: &str| w.chars().any(|c| c.is_alphabetic()) && !w.chars().any(|c| c.is_lowercase());
    let mut ordered: Vec<&str> = raw.clone();
    if raw.len() >= 2 && is_caps(raw[0]) && raw.iter().skip(1).any(|w| !is_caps(w)) {
        let first_mixed = raw.iter().position(|w| !is_caps(w)).unwrap_or(1);
        ordered = raw[first_mixed..].to_vec();
        ordered.extend_from_slice(&raw[..first_mixed]);
    }
    let mut words: Vec<String> = Vec::new();
    for part in ordered {
        for w in to_latin(&digits_read_as_letters(part)).split_whitespace() {
            words.push(w.to_string());
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        let next = words.get(i + 1).map(String::as_str);
        if ABD.contains(&w)
            && let Some(n) = next
        {
            let dropped = DROP.contains(&n) && i + 2 < words.len();
            let n = if dropped {
                words.get(i + 2).map(String::as_str).unwrap_or(n)
            } else {
                n
            };
            out.push(canon_abd(&format!("abd{}", strip_article(n))));
            i += if dropped { 3 } else { 2 };
            continue;
        }
        if ABU.contains(&w)
            && let Some(n) = next
        {
            let n2 = if DROP.contains(&n) {
                words.get(i + 2).map(String::as_str)
            } else {
                Some(n)
            };
            if let Some(n2) = n2 {
                out.push(format!("abu{}", strip_article(n2)));
                i += if DROP.contains(&n) { 3 } else { 2 };
                continue;
            }
        }
        if DROP.contains(&w) {
            i += 1;
            continue;
        }
        if !out.is_empty() && ALLAH.contains(&w) {
            if let Some(last) = out.last_mut() {
                last.push_str("allah");
            }
            i += 1;
            continue;
        }
        if !out.is_empty() && DIN.contains(&strip_article(w)) {
            if let Some(last) = out.last_mut() {
                last.push_str("din");
            }
            i += 1;
            continue;
        }
        let w = strip_article(w);
        if w.len() > 4 && w.starts_with("abd") {
            out.push(canon_abd(w));
        } else if !w.is_empty() {
            out.push(w.to_string());
        }
        i += 1;
    }
    out
}

/// Tokens of a name.
pub fn tokens(s: &str) -> Vec<Tok> {
    name_words(s).iter().map(|w| make_tok(w)).collect()
}

const PATRONYMIC: &[&str] = &[
    "iyovych", "yovych", "ovych", "evych", "ovich", "evich", "ievich", "ovitch", "ivna", "yivna",
    "ovna", "evna", "iivna",
];

/// Tokens of a name with an East Slavic patronymic (`Artemovych`, `Serhiivna`) taken out: the father's given
/// name it contains is returned separately, and a family name written first ("Kovalenko Denys Artemovych") is
/// moved after the given name.
pub fn tokens_with_patronymic(s: &str) -> (Vec<Tok>, Option<Tok>) {
    let mut words = name_words(s);
    let pos = words
        .iter()
        .position(|w| w.len() >= 7 && PATRONYMIC.iter().any(|p| w.ends_with(p)));
    let Some(pos) = pos.filter(|p| *p > 0) else {
        return (words.iter().map(|w| make_tok(w)).collect(), None);
    };
    let pat = words.remove(pos);
    let stem = PATRONYMIC
        .iter()
        .filter_map(|p| pat.strip_suffix(p))
        .max_by_key(|s| s.len())
        .unwrap_or(&pat);
    // "Family Given Patronymic": the given name sits just before the patronymic.
    if pos == 2 && words.len() >= 2 {
        words.swap(0, 1);
    }
    (
        words.iter().map(|w| make_tok(w)).collect(),
        Some(make_tok(stem)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> String {
        tokens(s)
            .iter()
            .map(|t| t.text.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn key_text(t: &Tok) -> String {
        if t.group != 0 {
            format!("#{}", t.group)
        } else if t.skel.is_empty() {
            t.text.to_string()
        } else {
            t.skel.to_string()
        }
    }

    #[test]
    fn the_key_is_the_hash_of_the_group_skeleton_or_spelling() {
        let mut toks = tokens("Mohammed Oleksandr Tesfay zzq a");
        toks.push(Tok::new("x", "x", u32::MAX));
        assert!(toks.iter().any(|t| t.group != 0));
        assert!(toks.iter().any(|t| t.group == 0 && !t.skel.is_empty()));
        for t in &toks {
            assert_eq!(t.key, hash_str(&key_text(t)), "{}", key_text(t));
        }
        let vowels = make_tok("a");
        assert_eq!(vowels.key, hash_str(&key_text(&vowels)));
    }

    #[test]
    fn particles_and_order() {
        assert_eq!(w("Abd al-Rahman Ali"), w("Abdelrahman Ali"));
        assert_eq!(w("Abdurrahman Ali"), w("Abdul Rahman Ali"));
        assert_eq!(w("عبد الرحمن علي"), "abdrhmn ali");
        assert_eq!(w("ZALATIMOU Zakhir"), "zakhir zalatimu");
        assert_eq!(w("Souad Khalid alhassan"), "suad khalid hasan");
        assert_eq!(w("Nur al-Din"), "nurdin");
        assert_eq!(w("Habib Allah"), "habibalah");
        assert_eq!(w("AL-FATYANI Atakaf"), "atakaf fatyani");
    }

    #[test]
    fn a_family_name_before_a_comma_comes_last() {
        assert_eq!(w("Baldwin, David Stephen"), w("David Stephen Baldwin"));
        assert_eq!(w("BALDWIN, David"), w("David Baldwin"));
        assert_eq!(w("Vallés-Ochoa, Miguel"), w("Miguel Vallés-Ochoa"));
        assert_eq!(w("الأحمد، مصطفى"), w("مصطفى الأحمد"));
        // A comma with no name on one side is punctuation.
        assert_eq!(w("Baldwin,"), w("Baldwin"));
        assert_eq!(w(", David Baldwin"), w("David Baldwin"));
    }

    #[test]
    fn titles_and_degrees_are_no_part_of_a_name() {
        assert_eq!(w("Dipl.-Ing. Walter Oderwald B.A."), w("Walter Oderwald"));
        assert_eq!(w("Mrs. Amanda Johnson"), w("Amanda Johnson"));
        assert_eq!(w("Sig.ra Paola Rossi"), w("Paola Rossi"));
        assert_eq!(w("OKAFOR Chidi Jr."), w("Chidi Okafor"));
        // A short name is a name unless written as a title; a title alone stays.
        assert_eq!(w("Ma Lin"), "ma lin");
        assert!(w("Ing Andersson").starts_with("ing "));
        assert_eq!(w("Md. Rahman"), "md rahman");
        assert_eq!(w("Dr."), "dr");
    }
}
