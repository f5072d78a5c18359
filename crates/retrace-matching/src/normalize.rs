//! Text normalisation: Unicode NFKC and case folding, Arabic/Persian letter normalisation, transliteration to a
//! Latin key, Latin spelling folding and the consonant skeleton.
//!
//! Every name goes through the same pipeline whatever its script, so that `محمد`, `Mohammed` and `MUHAMMAD` end
//! up comparable. Arabic and Persian are transliterated by our own table (any_ascii drops alef and keeps `ayn` as a
//! backtick, which hurts Latin comparison); everything else (Cyrillic, Ge'ez, Latin with diacritics) goes through
//! any_ascii.

use unicode_normalization::UnicodeNormalization;

/// Arabic/Persian letter normalisation and transliteration of one character; `None` for non-Arabic characters.
fn arabic_char(c: char) -> Option<&'static str> {
    Some(match c {
        // alef forms, alef maqsura and the Persian yeh fold together
        'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' => "a",
        'ى' => "a",
        'ب' => "b",
        'ت' => "t",
        'ث' => "th",
        'ج' => "j",
        'ح' => "h",
        'خ' => "kh",
        'د' => "d",
        'ذ' => "dh",
        'ر' => "r",
        'ز' => "z",
        'س' => "s",
        'ش' => "sh",
        'ص' => "s",
        'ض' => "d",
        'ط' => "t",
        'ظ' => "z",
        'ع' => "",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'ل' => "l",
        'م' => "m",
        'ن' => "n",
        'ه' | 'ۀ' | 'ہ' => "h",
        'ة' => "a",
        'و' => "u",
        'ي' | 'ی' | 'ې' | 'ێ' => "i",
        'ء' | 'ئ' | 'ؤ' => "",
        'پ' => "p",
        'چ' => "ch",
        'ژ' => "zh",
        'گ' => "g",
        // tatweel and harakat (diacritics) are dropped
        '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' => "",
        _ => return None,
    })
}

/// A name read with the letters that optical character recognition and hurried typing put digits for: a
/// digit beside a letter (`Wi1son`, `Sa1edo`, `R0sa`) is the letter it resembles. A digit that stands alone
/// is left (it is not part of a name, and [`to_latin`] makes it a space).
pub fn digits_read_as_letters(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let letter_at = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| c.is_alphabetic())
    };
    let read: String = chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let lookalike = match c {
                '0' => 'o',
                '1' => 'l',
                '2' => 'z',
                '5' => 's',
                '6' => 'g',
                '8' => 'b',
                _ => return *c,
            };
            if letter_at(i.checked_sub(1)) || letter_at(Some(i + 1)) {
                lookalike
            } else {
                *c
            }
        })
        .collect();
    std::borrow::Cow::Owned(read)
}

/// Lower-case ASCII key of any text: NFKC, case folding, own Arabic/Persian table, any_ascii for the rest.
/// Everything that is not a letter becomes a space, apostrophes and similar marks vanish.
pub fn to_latin(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.nfkc() {
        if let Some(r) = arabic_char(c) {
            // A word-initial ayn or hamza is heard as a vowel: عمر -> "amr" (Omar), عبد -> "abd".
            let r = if matches!(c, 'ع' | 'ء' | 'ئ' | 'ؤ') && (out.is_empty() || out.ends_with(' '))
            {
                "a"
            } else {
                r
            };
            out.push_str(r);
            continue;
        }
        if c.is_ascii() {
            push_ascii(&mut out, c);
        } else {
            for a in any_ascii::any_ascii_char(c).chars() {
                push_ascii(&mut out, a);
            }
        }
    }
    out
}

fn push_ascii(out: &mut String, c: char) {
    if c.is_ascii_alphabetic() {
        out.push(c.to_ascii_lowercase());
    } else if matches!(
        c,
        '\'' | '`' | '\u{2019}' | '\u{02BC}' | '\u{02BF}' | '\u{02BE}'
    ) {
        // ayn, hamza and apostrophes: dropped inside a word
    } else {
        out.push(' ');
    }
}

/// Fold a Latin token so that common romanisation variants coincide: French and German digraphs, long vowels,
/// doubled letters. Used for string similarity (the skeleton is the coarser key).
pub fn fold_latin(t: &str) -> String {
    let b = t.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let (rep, n): (&[u8], usize) = if rest.starts_with(b"dsch") || rest.starts_with(b"tsch") {
            (if rest[0] == b'd' { b"j" } else { b"ch" }, 4)
        } else if rest.starts_with(b"sch") || rest.starts_with(b"tch") {
            // German "sch", French "tch" (Chevtchenko)
            (if rest[0] == b't' { b"ch" } else { b"sh" }, 3)
        } else if rest.starts_with(b"dj") || rest.starts_with(b"dz") && i == 0 {
            (b"j", 2)
        } else if rest.starts_with(b"ou") || rest.starts_with(b"oo") {
            (b"u", 2)
        } else if rest.starts_with(b"ee") {
            (b"i", 2)
        } else if rest.starts_with(b"ph") {
            (b"f", 2)
        } else if rest.starts_with(b"tz") {
            (b"ts", 2)
        } else if rest.starts_with(b"ij") && rest.get(2).is_none_or(|c| !is_vowel(*c)) {
            // German romanisation of Ukrainian/Russian -ий/-ій, -ійн-: Serhij, Andrij, Olijnyk -> -iy
            (b"iy", 2)
        } else if rest.starts_with(b"ck") {
            (b"k", 2)
        } else {
            (&rest[..1], 1)
        };
        for &c in rep {
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
        i += n;
    }
    String::from_utf8(out).unwrap_or_default()
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w' | b'v')
}

/// Consonant skeleton of a folded Latin token: vowels (and the semi-vowels w/y/v, which scripts disagree on)
/// removed, consonant classes merged (kh/ch/sh, q/k/c, g/j, p/b, th/t, dh/d), final h dropped, doubles collapsed.
/// `Mohammed`, `Muhammad` and Arabic-script `محمد` (`mhmd`) share the skeleton `mhmd`.
pub fn skeleton(t: &str) -> String {
    let b = t.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let (cls, n) = match (c, next) {
            (b'k' | b'c' | b's' | b'z', Some(b'h')) => (Some(b'x'), 2),
            (b't' | b'd', Some(b'h')) => (Some(c), 2),
            (b'g', Some(b'h')) => (Some(b'j'), 2),
            (b'h', None) => (None, 1),
            (b'q' | b'k' | b'c', _) => (Some(b'k'), 1),
            (b'g' | b'j', _) => (Some(b'j'), 1),
            (b'p', _) => (Some(b'b'), 1),
            (b'x', _) => (Some(b'x'), 1),
            (c, _) if is_vowel(c) => (None, 1),
            (c, _) => (Some(c), 1),
        };
        if let Some(k) = cls
            && out.last() != Some(&k)
        {
            out.push(k);
        }
        i += n;
    }
    // a trailing h after the loop (e.g. "fatimah" -> ... "h" was consumed as final) is handled above; a
    // word-final "h" produced by digraph splitting is kept.
    String::from_utf8(out).unwrap_or_default()
}

/// Normalise free text (places) to a compact comparable key: Latin, folded, no spaces or punctuation, without
/// a leading Arabic article.
pub fn place_key(s: &str) -> String {
    let lat = to_latin(s);
    let mut key = String::new();
    for w in lat.split_whitespace() {
        let w = strip_article(w);
        if matches!(
            w,
            "al" | "el" | "an" | "ad" | "ar" | "as" | "at" | "ash" | "az"
        ) {
            continue;
        }
        key.push_str(&fold_latin(w));
    }
    key
}

/// Strip an attached Arabic article (`alhassan`, `elfatyani`) when what remains is still a name.
pub fn strip_article(w: &str) -> &str {
    for p in ["al", "el"] {
        if let Some(rest) = w.strip_prefix(p)
            && rest.len() >= 3
            && !rest.starts_with(['a', 'e', 'i', 'o', 'u', 'y'])
        {
            // "alexander", "elena", "alina": a vowel or a short rest after "al"/"el" means it is not an
            // article, and a few common European names are excluded explicitly.
            if matches!(
                w,
                "alexander"
                    | "alexandra"
                    | "alessandro"
                    | "elvira"
                    | "elmira"
                    | "alfred"
                    | "albert"
            ) {
                return w;
            }
            return rest;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_meet_on_one_skeleton() {
        let k = |s: &str| skeleton(&fold_latin(to_latin(s).trim()));
        assert_eq!(k("محمد"), k("Mohammed"));
        assert_eq!(k("Muhammad"), k("MOHAMED"));
        assert_eq!(k("فاطمة"), k("Fatima"));
        assert_eq!(k("Chalid"), k("Khalid"));
        assert_eq!(k("ተስፋይ"), k("Tesfay"));
        assert_eq!(k("Шевченко"), k("Schewtschenko"));
    }

    #[test]
    fn a_digit_inside_a_name_reads_as_the_letter_it_resembles() {
        assert_eq!(digits_read_as_letters("Wi1son"), "Wilson");
        assert_eq!(digits_read_as_letters("R0sa Cop1"), "Rosa Copl");
        assert_eq!(digits_read_as_letters("Ahmad 2 171"), "Ahmad 2 171");
        assert_eq!(digits_read_as_letters("Fatima"), "Fatima");
    }
}
