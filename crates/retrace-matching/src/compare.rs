//! Field comparison: turns two profiles into a feature vector, the model turns it into log-odds, and the
//! explanation groups the contributions by field.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::model::{FEATURES, Model, N_FEATURES};
use crate::names::Tok;
use crate::profile::{Birth, Place, Profile};
use crate::tables::NISBA;

/// Jaro-Winkler similarity, bit-for-bit the value of `strsim::jaro_winkler`, without its heap allocation for
/// ASCII strings of up to 64 bytes (all folded name tokens in practice); longer or non-ASCII input falls back
/// to `strsim`.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a.len() > 64 || b.len() > 64 || !a.is_ascii() || !b.is_ascii() {
        return strsim::jaro_winkler(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (al, bl) = (a.len(), b.len());
    if al == 0 && bl == 0 {
        return 1.0;
    } else if al == 0 || bl == 0 {
        return 0.0;
    }
    let range = (al.max(bl) / 2).saturating_sub(1);
    if a.iter().chain(b).all(u8::is_ascii_lowercase) {
        return jaro_winkler_lowercase(a, b, range);
    }
    let (mut af, mut bf) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = bl.min(i + range + 1);
        for (j, &cb) in b.iter().enumerate().take(hi).skip(lo) {
            if bf & (1 << j) == 0 && cb == ca {
                af |= 1 << i;
                bf |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut trans = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if af & (1 << i) != 0 {
            while bf & (1 << j) == 0 {
                j += 1;
            }
            if ca != b[j] {
                trans += 1;
            }
            j += 1;
        }
    }
    jaro_winkler_of(a, b, matches, trans)
}

/// [`jaro_winkler`] of two non-empty strings of at most 64 letters `a`-`z` (name parts and places always are),
/// with the positions of each letter in `b` as bit sets: the first unmatched `b` position of a letter inside
/// the window is the lowest bit left, instead of a scan of the window, and the transpositions pair the
/// matched positions of both sides in order. Same matches, same arithmetic, same value.
fn jaro_winkler_lowercase(a: &[u8], b: &[u8], range: usize) -> f64 {
    let bl = b.len();
    let mut at = [0u64; 32];
    for (j, &c) in b.iter().enumerate() {
        at[usize::from(c & 31)] |= 1 << j;
    }
    let below = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let (mut af, mut bf) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = bl.min(i + range + 1);
        let free = at[usize::from(ca & 31)] & !bf & below(hi) & !below(lo);
        if free != 0 {
            af |= 1 << i;
            bf |= free & free.wrapping_neg();
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut trans = 0usize;
    let (mut am, mut bm) = (af, bf);
    while am != 0 {
        let (i, j) = (am.trailing_zeros() as usize, bm.trailing_zeros() as usize);
        if a.get(i) != b.get(j) {
            trans += 1;
        }
        am &= am - 1;
        bm &= bm - 1;
    }
    jaro_winkler_of(a, b, matches, trans)
}

/// Jaro-Winkler of `a` and `b` from their count of matching characters and of matched characters out of order
/// (twice the transpositions), as `strsim` computes it.
fn jaro_winkler_of(a: &[u8], b: &[u8], matches: usize, out_of_order: usize) -> f64 {
    let trans = out_of_order / 2;
    let m = matches as f64;
    let sim = ((m / a.len() as f64) + (m / b.len() as f64) + ((matches - trans) as f64 / m)) / 3.0;
    if sim > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// Least similarity of the letters of two names the table lists in different groups for them to count as one
/// name mistyped (ADR 0057).
const KNOWN_APART_TYPO: f64 = 0.92;

/// Below this, every use of a token similarity treats the pair as different (the lowest cut is a near miss,
/// [`NEAR`]), so the exact value is not needed.
const SIM_FLOOR: f64 = NEAR;
/// A name part of one record this alike to a part of the other, but not enough to match it ([`MATCH`]), is a
/// near miss: two typos in a short word ("Gabriel" and "Gobriek"), weaker evidence than a match.
const NEAR: f64 = 0.75;

/// Similarity of two name parts in [0, 1]: same variant group or spelling 1, else the best of Jaro-Winkler on
/// the folded spelling and (unless the table knows them apart) on the consonant skeleton; 0 below
/// [`SIM_FLOOR`], where a cheap bound skips most Jaro-Winkler runs between unrelated parts.
fn sim(a: &Tok, b: &Tok) -> f64 {
    if (a.group != 0 && a.group == b.group) || same(&a.text, &b.text) {
        return 1.0;
    }
    if a.group ^ b.group == NISBA || surname_formants_differ(&a.text, &b.text) {
        // Karimi and Karim: a family name and the given name it was made from are two names; Shevchenko and
        // Shevchuk, two families.
        return 0.0;
    }
    let mut s = jaro_winkler_floor(&a.text, &b.text, a.letters, b.letters, SIM_FLOOR);
    // Two names the table knows apart (Ahmad and Hamid, Mahmoud and Mohammed, Hasan and Hussein) are not one
    // spelling of the other however alike their consonants: only their letters count (ADR 0053).
    let known_apart = a.group != 0 && b.group != 0;
    if !known_apart && !a.skel.is_empty() && same(&a.skel, &b.skel) {
        s = s.max(if a.skel.len() >= 3 { 0.93 } else { 0.85 });
    } else if !known_apart && a.skel.len() >= 3 && b.skel.len() >= 3 {
        // 0.9 * jw reaches the floor only from jw >= SIM_FLOOR / 0.9: below it the bound skips the computation.
        s = s.max(
            0.9 * jaro_winkler_floor(
                &a.skel,
                &b.skel,
                a.skel_letters,
                b.skel_letters,
                SIM_FLOOR / 0.9,
            ),
        );
    }
    if known_apart && s < KNOWN_APART_TYPO {
        // Two names the table lists apart are one name only by a typing error, which leaves their letters very
        // close: Oleksii and Oleksandr, Mykola and Mykyta, Leila and Lilia share a beginning, not a name.
        s = 0.0;
    }
    if s < MATCH
        && let Some(without) = without_joined_ben(a, b)
    {
        s = s.max(without);
    }
    if s < MATCH
        && let Some(respelled) = initial_j_read_as_y(a, b)
    {
        s = s.max(respelled);
    }
    if s >= SIM_FLOOR { s } else { 0.0 }
}

/// Whether two Ukrainian family names end with different formants (-enko, -uk, -yk): Shevchenko and Shevchuk,
/// Kovalenko and Kovalchuk, Melnyk and Melnychuk are different families, however alike their beginnings
/// (Jaro-Winkler weighs a shared beginning most). Not -uk against -yk in names of about one length: one
/// mistyped letter makes Janiuk of Janiyk.
fn surname_formants_differ(a: &str, b: &str) -> bool {
    fn formant(text: &str) -> Option<u8> {
        if text.len() < 6 {
            None
        } else if text.ends_with("enko") {
            Some(0)
        } else if text.ends_with("uk") {
            Some(1)
        } else if text.ends_with("yk") || text.ends_with("ik") {
            Some(2)
        } else {
            None
        }
    }
    match (formant(a), formant(b)) {
        (Some(x), Some(y)) if x != y => x == 0 || y == 0 || a.len().abs_diff(b.len()) >= 2,
        _ => false,
    }
}

/// "Benaissa" and "Aissa": a Maghrebi family name written with its particle joined, against the same name
/// where the particle was written apart (and dropped, as every particle is) or left out. When exactly one part
/// begins with "ben", the similarity of the rest with the other part.
fn without_joined_ben(a: &Tok, b: &Tok) -> Option<f64> {
    let (joined, other) = match (a.text.strip_prefix("ben"), b.text.strip_prefix("ben")) {
        (Some(rest), None) => (rest, b),
        (None, Some(rest)) => (rest, a),
        _ => return None,
    };
    (joined.len() >= 3).then(|| jaro_winkler(joined, &other.text))
}

/// German romanisation writes an initial y as j (Jusufi, Jasmin, Jahja for Yusufi, Yasmin, Yahya): when one
/// part starts with j and the other with y, their similarity with the j read as a y.
fn initial_j_read_as_y(a: &Tok, b: &Tok) -> Option<f64> {
    let (j, y) = match (a.text.as_bytes().first(), b.text.as_bytes().first()) {
        (Some(b'j'), Some(b'y')) => (a, b),
        (Some(b'y'), Some(b'j')) => (b, a),
        _ => return None,
    };
    let respelled = format!("y{}", j.text.get(1..)?);
    Some(jaro_winkler(&respelled, &y.text))
}

/// A hint that `value` will be read soon: its cache line starts loading without waiting for it (nothing on
/// processors without the instruction).
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse"
    ))]
    safe_arch::prefetch_t0(value);
    #[cfg(not(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse"
    )))]
    let _ = value;
}

/// Memo of comparisons between the shared parts of indexed profiles, for a full linkage: an index keeps one
/// copy of each name part and place ([`crate::profile::Shared`]), so the same two parts meet in
/// many candidate pairs ("mohamed" and "ahmed" in thousands), and their similarity is computed once per
/// memo (one per core, [`MemoPool`]) instead of once per pair. Direct-mapped (a colliding entry replaces the
/// older one), so its size is fixed; the key is the identity of the shared allocations, which stay alive while
/// the index is borrowed, and each entry keeps its whole key, so a hit is always the value the computation
/// would give.
pub(crate) struct Memo {
    toks: Table<(usize, usize), f64>,
    places: Table<(usize, usize), Status>,
    idfs: Table<u64, f64>,
}

/// The memos of one run over an index, lent to its parallel jobs: a job takes a memo an earlier job gave
/// back, warm with the similarities it already computed, instead of a new one. (A parallel iterator makes
/// its per-job value once per job it splits off, far more often than once per thread: 20 memos for the 40
/// chunks of a 10,000-record linkage on two cores.) Dropped with the run, before the index can change.
#[derive(Default)]
pub(crate) struct MemoPool(Mutex<Vec<Memo>>);

impl MemoPool {
    /// A memo for one job, given back to the pool when the job drops it.
    pub(crate) fn lend(&self) -> Lease<'_> {
        let memo = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        Lease { memo, pool: self }
    }
}

/// A memo lent by a [`MemoPool`].
pub(crate) struct Lease<'p> {
    memo: Option<Memo>,
    pool: &'p MemoPool,
}

impl Lease<'_> {
    pub(crate) fn memo(&mut self) -> &mut Memo {
        self.memo.get_or_insert_with(Memo::new)
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(memo) = self.memo.take() {
            // A pool poisoned by a panicking job still holds whole memos.
            self.pool
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(memo);
        }
    }
}

/// A direct-mapped table of `2^bits` entries: a key has one slot, and a new key in an occupied slot replaces
/// the old one.
struct Table<K, V> {
    entries: Vec<Option<(K, V)>>,
    bits: u32,
}

impl<K: Copy + PartialEq, V: Copy> Table<K, V> {
    fn new(bits: u32) -> Self {
        Table {
            entries: vec![None; 1 << bits],
            bits,
        }
    }

    /// The slot of a key whose words are `words`.
    #[inline]
    fn slot(&self, words: &[usize]) -> usize {
        // Fibonacci hashing: allocations are aligned, so the low bits of the words say little on their own.
        let h = words.iter().fold(0u64, |h, w| {
            (h.rotate_left(23) ^ *w as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        });
        (h >> (64 - self.bits)) as usize
    }

    /// Starts loading the slot of a key whose words are `words`.
    #[inline]
    fn prefetch(&self, words: &[usize]) {
        if let Some(entry) = self.entries.get(self.slot(words)) {
            prefetch(entry);
        }
    }

    /// The value of `key`, computed by `f` unless remembered; `words` are the key's words (for its slot).
    fn get_or(&mut self, key: K, words: &[usize], f: impl FnOnce() -> V) -> V {
        let slot = self.slot(words);
        match self.entries.get_mut(slot) {
            Some(Some((k, v))) if *k == key => *v,
            Some(entry) => {
                let v = f();
                *entry = Some((key, v));
                v
            }
            None => f(),
        }
    }
}

impl Memo {
    pub(crate) fn new() -> Memo {
        Memo {
            toks: Table::new(16),
            places: Table::new(14),
            idfs: Table::new(12),
        }
    }

    /// The memo's key for two name parts; `None` for one shared part (one spelling), similar to itself without
    /// a lookup.
    fn parts_key(a: &Tok, b: &Tok) -> Option<(usize, usize)> {
        let (ka, kb) = (a.identity(), b.identity());
        (ka != kb).then_some((ka, kb))
    }

    /// The memo's key for two places.
    fn places_key(a: &Arc<Place>, b: &Arc<Place>) -> (usize, usize) {
        (Arc::as_ptr(a) as usize, Arc::as_ptr(b) as usize)
    }

    /// [`sim`], remembered.
    fn sim(&mut self, a: &Tok, b: &Tok) -> f64 {
        match Self::parts_key(a, b) {
            Some((ka, kb)) => self.toks.get_or((ka, kb), &[ka, kb], || sim(a, b)),
            None => 1.0,
        }
    }

    /// Starts loading the entries a comparison of `a` and `b` will look up (every two name parts, the
    /// fathers, the mothers, the places, the shorter name's parts' weights): it then waits for them at once,
    /// not for each in turn.
    fn prefetch_for(&self, a: &Profile, b: &Profile) {
        let sim = |x: &Tok, y: &Tok| {
            if let Some((kx, ky)) = Self::parts_key(x, y) {
                self.toks.prefetch(&[kx, ky]);
            }
        };
        for x in a.name.iter().take(8) {
            b.name.iter().take(8).for_each(|y| sim(x, y));
        }
        for (x, y) in [(&a.father, &b.father), (&a.mother, &b.mother)] {
            if let (Some(x), Some(y)) = (x.first(), y.first()) {
                sim(x, y);
            }
        }
        for (x, y) in [
            (&a.birth_place, &b.birth_place),
            (&a.last_seen, &b.last_seen),
        ] {
            // One shared place is not looked up (`place_cmp`).
            if let (Some(x), Some(y)) = (x, y)
                && !Arc::ptr_eq(x, y)
            {
                let (kx, ky) = Self::places_key(x, y);
                self.places.prefetch(&[kx, ky]);
            }
        }
        // `align` weighs the shorter name's parts.
        let shorter = if a.name.len() > b.name.len() { b } else { a };
        for t in shorter.name.iter().take(16) {
            self.idfs.prefetch(&[t.key as usize]);
        }
    }

    /// [`place_status`], remembered.
    fn place(&mut self, a: &Arc<Place>, b: &Arc<Place>) -> Status {
        let (ka, kb) = Self::places_key(a, b);
        self.places
            .get_or((ka, kb), &[ka, kb], || place_status(a, b))
    }

    /// `w.idf(key)`, remembered (the weights do not change while the index is borrowed).
    fn idf(&mut self, w: &dyn Weights, key: u64) -> f64 {
        self.idfs.get_or(key, &[key as usize], || w.idf(key))
    }
}

/// String equality inlined for short name parts (a library `memcmp` call costs more than the comparison).
#[inline]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Jaro-Winkler if it can reach `floor`, else 0. The bound: every matching character of `a` is a letter that
/// also occurs in `b` (and the other way round); `la`, `lb` are the letter sets ([`crate::names::letter_mask`]).
fn jaro_winkler_floor(a: &str, b: &str, la: u32, lb: u32, floor: f64) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.is_empty() || y.is_empty() || !x.is_ascii() || !y.is_ascii() {
        // (the bound counts bytes, which are characters only in ASCII)
        return jaro_winkler(a, b);
    }
    let inside = |s: &[u8], m: u32| s.iter().filter(|c| m & (1 << (*c & 31)) != 0).count();
    let m = inside(x, lb).min(inside(y, la));
    if jw_bound(m, x.len(), y.len()) < floor - 1e-9 {
        0.0
    } else {
        jaro_winkler(a, b)
    }
}

/// Largest Jaro-Winkler value of strings of lengths `xl` and `yl` with at most `m` matching characters (no
/// transposition, the longest common prefix).
fn jw_bound(m: usize, xl: usize, yl: usize) -> f64 {
    let m = m as f64;
    let jaro_max = (m / xl as f64 + m / yl as f64 + 1.0) / 3.0;
    if jaro_max > 0.7 {
        jaro_max + 0.4 * (1.0 - jaro_max)
    } else {
        jaro_max
    }
}

/// Term-frequency weight of a name token: rarer names are stronger evidence.
pub trait Weights {
    /// Inverse document frequency of the token key hash, roughly `ln(N / df)`.
    fn idf(&self, key: u64) -> f64;

    /// Log-odds added to every pair for the size of the population compared against (0 at the size the model
    /// was trained at).
    fn prior(&self) -> f64 {
        0.0
    }

    /// How many indexed persons hold a counting key (a last-seen town, ADR 0061); 0 outside an index.
    fn count(&self, _key: u64) -> f64 {
        0.0
    }
}

/// Uniform weights (for comparisons outside an index).
pub struct Uniform;

impl Weights for Uniform {
    fn idf(&self, _key: u64) -> f64 {
        5.0
    }
}

const MATCH: f64 = 0.84;

fn best_sim(t: &Tok, others: &[Tok], m: &mut NameSims) -> f64 {
    others.iter().map(|o| m.sim(t, o)).fold(0.0, f64::max)
}

/// Outcome of comparing one field, for the caseworker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Agree,
    Close,
    Differ,
    Missing,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Agree => "agree",
            Status::Close => "close",
            Status::Differ => "differ",
            Status::Missing => "missing",
        })
    }
}

/// Per-field part of an explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldExplanation {
    pub field: &'static str,
    pub status: Status,
    /// Contribution to the log-odds of "same person".
    pub log_odds: f64,
}

/// Why two records were (or were not) judged the same person.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub probability: f64,
    pub log_odds: f64,
    pub fields: Vec<FieldExplanation>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "probability {:.3} (log-odds {:+.2})",
            self.probability, self.log_odds
        )?;
        for x in &self.fields {
            writeln!(
                f,
                "  {:<12} {:<8} {:+.2}",
                x.field,
                x.status.to_string(),
                x.log_odds
            )?;
        }
        Ok(())
    }
}

/// The fields an explanation reports, in order.
pub const FIELDS: [&str; 9] = [
    "name",
    "given name",
    "father",
    "mother",
    "birth date",
    "sex",
    "nationality",
    "birth place",
    "last seen",
];

/// Feature vector of a pair plus the per-field status.
pub struct Comparison {
    pub x: [f64; N_FEATURES],
    pub status: [Status; FIELDS.len()],
    /// [`Weights::prior`] of the comparison, added to the model's log-odds.
    pub prior: f64,
    /// Log-odds of an agreeing last-seen place rarer in the store than the training populations' places,
    /// beyond what the model gives any agreeing place (ADR 0061).
    pub rare_place: f64,
    /// Log-odds of one record's birth town being the other's last-seen town, by how often the store's persons
    /// are last seen where they were born (ADR 0062).
    pub born_where_seen: f64,
    /// How rare in the store an agreeing father's name, mother's name and whole birth date are (ADR 0069).
    pub rarities: Rarities,
}

/// How rare in the store the values two records agree on are, each `ln(persons giving such a value / persons
/// giving this one)` (the commoner of two spellings), where their rarity is evidence (ADR 0069). `None` where the
/// values do not agree, or outside an index (nothing counted).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rarities {
    pub father: Option<f64>,
    pub mother: Option<f64>,
    pub date: Option<f64>,
}

impl Rarities {
    /// The log-odds the father's name, the mother's name and the birth date add to the model's: beyond its
    /// weight for any agreement, when rarer than such values were in the training populations.
    pub fn evidence(&self) -> [f64; 3] {
        [
            (self.father, &FATHER_RARITY),
            (self.mother, &MOTHER_RARITY),
            (self.date, &DATE_RARITY),
        ]
        .map(|(r, rule)| rule.evidence(r))
    }
}

fn place_cmp(a: &Option<Arc<Place>>, b: &Option<Arc<Place>>, m: &mut NameSims) -> Status {
    match (a, b) {
        (Some(a), Some(b)) => match m.memo.as_deref_mut() {
            // One shared place: equal keys.
            Some(_) if Arc::ptr_eq(a, b) => Status::Agree,
            Some(memo) => memo.place(a, b),
            None => place_status(a, b),
        },
        _ => Status::Missing,
    }
}

/// Jaro-Winkler similarity at or above which two place keys (or two towns) are one place mistyped.
const PLACE_ALIKE: f64 = 0.88;
/// A shared beginning at least this long (a word such as "saint", "port", "deir") is set aside: the rest of
/// the two keys must be alike too.
const SHARED_BEGINNING: usize = 4;
/// What follows a shared beginning is one word mistyped when at most this many letters differ (a letter
/// changed, added, dropped or two swapped: "pottsborovgh" and "pottsborough") or when it is this alike.
const REST_TYPOS: usize = 2;
const REST_ALIKE: f64 = 0.8;

/// Whether two place keys (or two towns) are one place mistyped. Jaro-Winkler weighs a shared beginning
/// most, so two places whose names begin with one word are alike to it ("Saint Rémy" and "Sainte Maryse",
/// "Port Said" and "Port Sudan", "Deir Hafer" and "Deir ez-Zor"): past a shared beginning of
/// [`SHARED_BEGINNING`] letters, the rests must be one word mistyped as well ("South Nicole" and "South
/// Vincent" are two towns), unless a rest is too short to say (a typo at the end, "Saint Zacharie" and
/// "Saint Zacharic").
fn places_alike(a: &str, b: &str) -> bool {
    if jaro_winkler(a, b) < PLACE_ALIKE {
        return false;
    }
    let shared = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    match (a.get(shared..), b.get(shared..)) {
        (Some(rest_a), Some(rest_b))
            if shared >= SHARED_BEGINNING && rest_a.len() >= 3 && rest_b.len() >= 3 =>
        {
            strsim::osa_distance(rest_a, rest_b) <= REST_TYPOS
                || jaro_winkler(rest_a, rest_b) >= REST_ALIKE
        }
        _ => true,
    }
}

/// Whether two places name the same town (the town of an address, or the place itself), typos allowed.
fn same_town(a: &Place, b: &Place) -> bool {
    let (ta, tb) = (a.town(), b.town());
    let group = crate::tables::place_group(ta);
    ta.len() >= 3
        && (ta == tb
            || places_alike(ta, tb)
            || (group != 0 && group == crate::tables::place_group(tb)))
}

/// Whether two places are one place or one town, typos allowed (agree or close).
pub(crate) fn same_place(a: &Place, b: &Place) -> bool {
    matches!(place_status(a, b), Status::Agree | Status::Close)
}

fn place_status(a: &Place, b: &Place) -> Status {
    if a.key == b.key || (a.group != 0 && a.group == b.group) {
        Status::Agree
    } else if places_alike(&a.key, &b.key) || (a.skel.len() >= 3 && a.skel == b.skel) {
        Status::Close
    } else if (!a.town_key.is_empty() || !b.town_key.is_empty()) && same_town(a, b) {
        // An address and another address, or the town alone.
        Status::Close
    } else {
        Status::Differ
    }
}

/// Index of a feature by name, resolved at compile time.
const fn feature_index(name: &str) -> usize {
    let n = name.as_bytes();
    let mut i = 0;
    while i < N_FEATURES {
        let f = FEATURES[i].0.as_bytes();
        if f.len() == n.len() {
            let mut k = 0;
            while k < n.len() && f[k] == n[k] {
                k += 1;
            }
            if k == n.len() {
                return i;
            }
        }
        i += 1;
    }
    // Unknown name: an index out of bounds, which fails the build where it is used as a constant index.
    N_FEATURES
}

/// `set!(x, "feature", v)`: assign a feature by name without a run-time lookup.
macro_rules! set {
    ($x:expr, $name:literal, $v:expr $(,)?) => {{
        const I: usize = feature_index($name);
        $x[I] = $v;
    }};
}

/// Memo of the name-part similarities between the two sides of a pair; [`sim`] is symmetric, so one table
/// serves both directions. `NaN` marks a value not computed yet.
struct NameSims<'p, 'm> {
    a: &'p [Tok],
    b: &'p [Tok],
    v: [[f64; 8]; 8],
    memo: Option<&'m mut Memo>,
}

impl<'p, 'm> NameSims<'p, 'm> {
    fn new(a: &'p [Tok], b: &'p [Tok], memo: Option<&'m mut Memo>) -> Self {
        NameSims {
            a,
            b,
            v: [[f64::NAN; 8]; 8],
            memo,
        }
    }

    /// [`sim`] of any two name parts, through the memo if there is one.
    fn sim(&mut self, x: &Tok, y: &Tok) -> f64 {
        match self.memo.as_deref_mut() {
            Some(memo) => memo.sim(x, y),
            None => sim(x, y),
        }
    }

    fn idf(&mut self, w: &dyn Weights, key: u64) -> f64 {
        match self.memo.as_deref_mut() {
            Some(memo) => memo.idf(w, key),
            None => w.idf(key),
        }
    }

    /// `sim(a[i], b[j])`.
    fn get(&mut self, i: usize, j: usize) -> f64 {
        let (Some(x), Some(y)) = (self.a.get(i), self.b.get(j)) else {
            return 0.0;
        };
        match self.v.get(i).and_then(|r| r.get(j)) {
            Some(c) if !c.is_nan() => *c,
            Some(_) => {
                let v = self.sim(x, y);
                if let Some(c) = self.v.get_mut(i).and_then(|r| r.get_mut(j)) {
                    *c = v;
                }
                v
            }
            None => self.sim(x, y),
        }
    }
}

/// Given-name similarity allowing a swapped two-part name ("Conte Hawa" / "Hawa Conteh").
fn given_sim(m: &mut NameSims) -> Option<f64> {
    let (na, nb) = (m.a.len(), m.b.len());
    if na == 0 || nb == 0 {
        return None;
    }
    let mut s = m.get(0, 0);
    if na >= 2 && nb >= 2 && (na == 2 || nb == 2) {
        s = s.max(m.get(0, nb - 1).min(m.get(na - 1, 0)));
    }
    Some(s)
}

/// Aligns the tokens of the shorter name onto the longer one (and onto the other side's father field for
/// patronymic chains).
fn align(a: &Profile, b: &Profile, w: &dyn Weights, m: &mut NameSims) -> Alignment {
    let swapped = a.name.len() > b.name.len();
    let (s, l) = if swapped { (b, a) } else { (a, b) };
    let mut used = [false; 16];
    let (mut tot, mut hit, mut miss, mut near) = (0.0, 0.0, 0.0, 0.0);
    for (i, t) in s.name.iter().enumerate().take(16) {
        let idf = m.idf(w, t.key);
        tot += idf;
        let mut best = (0.0, usize::MAX);
        for (j, u) in used.iter().enumerate().take(l.name.len()) {
            if *u {
                continue;
            }
            let v = if swapped { m.get(j, i) } else { m.get(i, j) };
            if v > best.0 {
                best = (v, j);
            }
        }
        if best.0 >= MATCH && best.1 < 16 {
            used[best.1] = true;
            hit += idf * best.0;
        } else if i > 0 && best_sim(t, &l.father, m) >= 0.9 {
            // a father's name written in the chain on one side and in the father field on the other
            hit += idf * 0.8;
        } else {
            miss += idf;
            if best.0 >= NEAR {
                near += idf;
            }
        }
    }
    // Family names differ: each side's last part is found nowhere in the other's name or father's name.
    let (na, nb) = (a.name.len(), b.name.len());
    let family_differ = na >= 2
        && nb >= 2
        && (0..nb).all(|j| m.get(na - 1, j) < MATCH)
        && best_sim(&a.name[na - 1], &b.father, m) < MATCH
        && (0..na).all(|i| m.get(i, nb - 1) < MATCH)
        && best_sim(&b.name[nb - 1], &a.father, m) < MATCH;
    Alignment {
        coverage: if tot > 0.0 { hit / tot } else { 0.0 },
        hit,
        miss,
        near,
        family_differ,
    }
}

/// What [`align`] finds: how much of the shorter name the other covers (by weight), the weight of its parts
/// matched, of those not matched, and of those among them that are near misses, and whether the family names
/// differ.
struct Alignment {
    coverage: f64,
    hit: f64,
    miss: f64,
    near: f64,
    family_differ: bool,
}

fn father_status(a: &Profile, b: &Profile, m: &mut NameSims) -> (Status, f64) {
    match (a.father.first(), b.father.first()) {
        (Some(fa), Some(fb)) => {
            let s = m.sim(fa, fb);
            let st = if s >= 0.92 {
                Status::Agree
            } else if s >= MATCH {
                Status::Close
            } else {
                Status::Differ
            };
            (st, s)
        }
        (Some(f), None) if b.name.len() >= 3 => chain(f, &b.name[1], m),
        (None, Some(f)) if a.name.len() >= 3 => chain(f, &a.name[1], m),
        _ => {
            if a.name.len() >= 3 && b.name.len() >= 3 {
                chain(&a.name[1], &b.name[1], m)
            } else {
                (Status::Missing, 0.0)
            }
        }
    }
}

/// Father's name inferred from the second part of a patronymic chain: agreement only counts, a difference is
/// ambiguous (the second part may be a family name).
fn chain(f: &Tok, t: &Tok, m: &mut NameSims) -> (Status, f64) {
    let s = m.sim(f, t);
    if s >= 0.92 {
        (Status::Close, s)
    } else {
        (Status::Missing, 0.0)
    }
}

/// Whether two years differ in exactly one of their decimal digits.
fn one_digit_apart(a: i32, b: i32) -> bool {
    let (mut a, mut b, mut differ) = (a, b, 0);
    while a > 0 || b > 0 {
        differ += i32::from(a % 10 != b % 10);
        a /= 10;
        b /= 10;
    }
    differ == 1
}

/// Whether two dates differ in at least two of the parts both give (the year, the month, the day); a day and
/// month swapped is one slip, not two.
fn apart_in_two_parts(a: Birth, b: Birth) -> bool {
    let (Some(am), Some(bm)) = (a.month, b.month) else {
        return false;
    };
    let (swapped, days_differ) = match (a.day, b.day) {
        (Some(ad), Some(bd)) => ((am, ad) == (bd, bm), ad != bd),
        _ => (false, false),
    };
    let parts = u8::from(a.year != b.year) + u8::from(am != bm) + u8::from(days_differ);
    !swapped && parts >= 2
}

fn birth_features(x: &mut [f64; N_FEATURES], a: Option<Birth>, b: Option<Birth>) -> Status {
    let (Some(a), Some(b)) = (a, b) else {
        return Status::Missing;
    };
    if let (Some(am), Some(ad), Some(bm), Some(bd)) = (a.month, a.day, b.month, b.day) {
        if a.year == b.year && am == bm && ad == bd {
            set!(x, "date_exact", 1.0);
            return Status::Agree;
        }
        if a.year == b.year && am == bd && ad == bm {
            set!(x, "date_swap", 1.0);
            return Status::Close;
        }
        // The same day and month with a year off by up to three, or by one mistyped digit (1942, 1912).
        if am == bm && ad == bd && ((a.year - b.year).abs() <= 3 || one_digit_apart(a.year, b.year))
        {
            set!(x, "date_md_shift", 1.0);
            return Status::Close;
        }
    }
    let mut dy = (a.year - b.year).abs();
    if a.from_age || b.from_age {
        dy = (dy - 1).max(0);
    }
    if apart_in_two_parts(a, b) {
        // No typo or estimate makes them one date: years far apart, at least as far as the next step after
        // two or three years.
        dy = dy.max(4);
    } else if let (Some(am), Some(bm)) = (a.month, b.month)
        && a.year == b.year
    {
        if am == bm {
            set!(x, "date_ym", 1.0);
            return Status::Agree;
        }
        set!(x, "date_month_differ", 1.0);
        return Status::Close;
    }
    match dy {
        0 => {
            set!(x, "year_eq", 1.0);
            Status::Agree
        }
        1 => {
            set!(x, "year_1", 1.0);
            Status::Close
        }
        2 | 3 => {
            set!(x, "year_2_3", 1.0);
            Status::Close
        }
        d => {
            set!(x, "year_far", (f64::from(d) - 3.0).min(10.0) / 5.0 + 0.4);
            Status::Differ
        }
    }
}

/// Compare two profiles field by field.
pub fn compare(a: &Profile, b: &Profile, w: &dyn Weights) -> Comparison {
    compare_with(a, b, w, None)
}

/// [`compare`], with the similarities of shared parts remembered in `memo` (the same result).
pub(crate) fn compare_with(
    a: &Profile,
    b: &Profile,
    w: &dyn Weights,
    memo: Option<&mut Memo>,
) -> Comparison {
    // A canonical order makes the score symmetric (the name alignment is greedy).
    // Same order as comparing (name length, name spellings, father spellings), without building the keys.
    let order = a
        .name
        .len()
        .cmp(&b.name.len())
        .then_with(|| {
            a.name
                .iter()
                .map(|t| &t.text)
                .cmp(b.name.iter().map(|t| &t.text))
        })
        .then_with(|| {
            a.father
                .iter()
                .map(|t| &t.text)
                .cmp(b.father.iter().map(|t| &t.text))
        });
    let (a, b) = if order.is_le() { (a, b) } else { (b, a) };
    let mut x = [0.0; N_FEATURES];
    let mut status = [Status::Missing; FIELDS.len()];
    x[0] = 1.0;
    if let Some(memo) = &memo {
        memo.prefetch_for(a, b);
    }
    let mut sims = NameSims::new(&a.name, &b.name, memo);
    // names
    if !a.name.is_empty() && !b.name.is_empty() {
        let Alignment {
            coverage: cov,
            hit,
            miss,
            near,
            family_differ,
        } = align(a, b, w, &mut sims);
        set!(x, "family_differ", if family_differ { 1.0 } else { 0.0 },);
        set!(x, "name_cov", cov);
        set!(x, "name_hit", hit.min(30.0) / 10.0);
        set!(x, "name_miss", miss.min(30.0) / 10.0);
        set!(x, "name_near", near.min(30.0) / 10.0);
        let single = a.name.len() == 1 || b.name.len() == 1;
        set!(x, "name_single", if single { 1.0 } else { 0.0 });
        status[0] = if cov >= 0.95 {
            Status::Agree
        } else if cov >= 0.5 {
            Status::Close
        } else {
            Status::Differ
        };
        let g = given_sim(&mut sims).unwrap_or(0.0);
        status[1] = if g >= 0.92 {
            set!(x, "given_agree", 1.0);
            Status::Agree
        } else if g >= 0.8 {
            set!(x, "given_close", 1.0);
            Status::Close
        } else {
            set!(x, "given_differ", 1.0);
            Status::Differ
        };
    }
    let (fs, _) = father_status(a, b, &mut sims);
    status[2] = fs;
    let mut rarities = Rarities::default();
    if let (Status::Agree, Some(fa), Some(fb)) = (fs, a.father.first(), b.father.first()) {
        rarities.father = parent_rarity(crate::profile::FATHER_GIVEN, fa, fb, w);
    }
    match fs {
        Status::Agree => set!(x, "father_agree", 1.0),
        Status::Close => set!(x, "father_close", 1.0),
        Status::Differ => set!(x, "father_differ", 1.0),
        Status::Missing => {}
    }
    if let (Some(ma), Some(mb)) = (a.mother.first(), b.mother.first()) {
        let s = sims.sim(ma, mb);
        status[3] = if s >= 0.92 {
            rarities.mother = parent_rarity(crate::profile::MOTHER_GIVEN, ma, mb, w);
            set!(x, "mother_agree", 1.0);
            Status::Agree
        } else if s >= MATCH {
            set!(x, "mother_close", 1.0);
            Status::Close
        } else {
            set!(x, "mother_differ", 1.0);
            Status::Differ
        };
    }
    status[4] = birth_features(&mut x, a.birth, b.birth);
    if let (Some(ka), Some(kb), true) = (
        a.birth.and_then(|d| d.date_count_key()),
        b.birth.and_then(|d| d.date_count_key()),
        x[const { feature_index("date_exact") }] > 0.0,
    ) {
        rarities.date = rarity(w.count(crate::profile::DATED), w.count(ka).max(w.count(kb)));
    }
    if a.sex != 0 && b.sex != 0 {
        status[5] = if a.sex == b.sex {
            set!(x, "sex_agree", 1.0);
            Status::Agree
        } else {
            set!(x, "sex_differ", 1.0);
            Status::Differ
        };
    }
    if a.nationality[0] != 0 && b.nationality[0] != 0 {
        let horn = |n: [u8; 2]| n == *b"ER" || n == *b"ET";
        status[6] = if a.nationality == b.nationality {
            set!(x, "nat_agree", 1.0);
            Status::Agree
        } else if horn(a.nationality) && horn(b.nationality) {
            Status::Close
        } else {
            set!(x, "nat_differ", 1.0);
            Status::Differ
        };
    }
    status[7] = place_cmp(&a.birth_place, &b.birth_place, &mut sims);
    match status[7] {
        Status::Agree => set!(x, "bplace_agree", 1.0),
        Status::Close => set!(x, "bplace_close", 1.0),
        Status::Differ => set!(x, "bplace_differ", 1.0),
        Status::Missing => {}
    }
    status[8] = place_cmp(&a.last_seen, &b.last_seen, &mut sims);
    let rare_place = match (status[8], &a.last_seen, &b.last_seen) {
        (Status::Agree | Status::Close, Some(pa), Some(pb)) => rare_place_evidence(pa, pb, w),
        _ => 0.0,
    };
    match status[8] {
        Status::Agree | Status::Close => set!(x, "seen_agree", 1.0),
        Status::Differ => set!(x, "seen_differ", 1.0),
        Status::Missing => {}
    }
    // Only when each record gives one of the two places: one's birth place, the other's last-seen place.
    let born_where_seen = if status[7] == Status::Missing && status[8] == Status::Missing {
        born_where_seen_evidence(a, b, w, &mut sims)
    } else {
        0.0
    };
    // interactions the linear model cannot express on its own
    let ga = x[const { feature_index("given_agree") }];
    let cov = x[const { feature_index("name_cov") }];
    set!(x, "given_agree_x_cov", ga * cov);
    Comparison {
        x,
        status,
        prior: w.prior(),
        rare_place,
        born_where_seen,
        rarities,
    }
}

/// Most log-odds a birth town that is the other record's last-seen town adds.
const BORN_WHERE_SEEN_CAP: f64 = 3.0;
/// Records counted as not last seen where born before the store's own show the habit: a handful of records
/// that do says little.
const BORN_WHERE_SEEN_PRIOR: f64 = 10.0;

/// Log-odds that one record's birth town being the other's last-seen town adds (the model has no such
/// comparison): the chance that a person is last seen in the town they were born in, as the store's records
/// that give both places show it, against the chance that another person was seen in that town (ADR 0062).
/// Where persons move on (refugees seen on their route) the habit is rare and this adds nothing.
fn born_where_seen_evidence(a: &Profile, b: &Profile, w: &dyn Weights, sims: &mut NameSims) -> f64 {
    let habit = w.count(crate::profile::BORN_WHERE_SEEN)
        / (w.count(crate::profile::BORN_AND_SEEN) + BORN_WHERE_SEEN_PRIOR);
    let seen = w.count(crate::profile::SEEN_SOMEWHERE);
    if habit <= 0.0 || seen <= 0.0 {
        return 0.0;
    }
    let mut evidence: f64 = 0.0;
    for (born, seen_at) in [
        (&a.birth_place, &b.last_seen),
        (&b.birth_place, &a.last_seen),
    ] {
        if let Some(town) = seen_at
            && matches!(
                place_cmp(born, seen_at, sims),
                Status::Agree | Status::Close
            )
        {
            let share = w.count(town.town_count_key()).max(1.0) / seen;
            evidence = evidence.max((habit / share).ln().clamp(0.0, BORN_WHERE_SEEN_CAP));
        }
    }
    evidence
}

/// What an agreement on a value adds to the model's log-odds when the value is rarer in the store than such
/// values typically were in the training populations (term-frequency adjustment): `slope x (ln(all / count) -
/// typical)`, from 0 up to `cap`, `all` the persons giving such a value and `count` those giving this one.
/// Never less for a commoner value: the model's weight stands for one as common as the training populations'.
struct Rarity {
    typical: f64,
    slope: f64,
    cap: f64,
}

impl Rarity {
    /// Nothing when the rarity is unknown (values that do not agree, or nothing counted).
    fn evidence(&self, rarity: Option<f64>) -> f64 {
        rarity.map_or(0.0, |r| {
            (self.slope * (r - self.typical)).clamp(0.0, self.cap)
        })
    }
}

/// `ln(all / count)`, `all` the persons giving such a value and `count` those giving this one (at least one);
/// `None` outside an index, where nothing is counted.
fn rarity(all: f64, count: f64) -> Option<f64> {
    (all > 0.0).then(|| (all / count.max(1.0)).ln())
}

/// The rarity of two agreeing parents' names counted under `given` ([`crate::profile::FATHER_GIVEN`],
/// [`crate::profile::MOTHER_GIVEN`]): the commoner of the two.
fn parent_rarity(given: u64, a: &Tok, b: &Tok, w: &dyn Weights) -> Option<f64> {
    rarity(
        w.count(given),
        w.count(a.key ^ given).max(w.count(b.key ^ given)),
    )
}

/// A father's name (ADR 0069). `typical` as an offset fit on the training populations' linkages gives it (a
/// father's name that rare adds nothing), `slope` and `cap` half of it: the fit is on the last stage's
/// probabilities, and the evidence enters before the second and third stages, which carry it further.
const FATHER_RARITY: Rarity = Rarity {
    typical: 4.5,
    slope: 0.22,
    cap: 0.9,
};
/// A mother's (first) name (ADR 0069).
const MOTHER_RARITY: Rarity = Rarity {
    typical: 3.5,
    slope: 0.3,
    cap: 1.2,
};
/// A whole birth date, day and month known and not a registration default (ADR 0069).
const DATE_RARITY: Rarity = Rarity {
    typical: 6.0,
    slope: 0.24,
    cap: 1.45,
};

/// A last-seen town: `ln(persons seen somewhere / persons seen in its town)` is 3.6 for agreeing pairs of the
/// training populations, gen.py seeds 7 and 31 (ADR 0061).
const PLACE_RARITY: Rarity = Rarity {
    typical: 3.6,
    slope: 1.0,
    cap: 2.0,
};
/// A spot within a town (a street address: a household, where a town is thousands; ADR 0063).
const SPOT_RARITY: Rarity = Rarity {
    cap: 4.0,
    ..PLACE_RARITY
};

/// Log-odds that two records seen in one town add to the model's when the town is rarer in the store than the
/// training populations' places were (term-frequency adjustment, ADR 0061): a town where three of 10,000 persons
/// were seen says more than a camp where five hundred were. Not less for a commoner town: the model was fitted
/// on populations whose places are few and common. The commoner spelling of the two counts. Two records seen at
/// one spot within a town (a street address) count that spot's persons instead, up to more (ADR 0063): a
/// household's street where a shelter's address is shared by hundreds.
fn rare_place_evidence(a: &Place, b: &Place, w: &dyn Weights) -> f64 {
    let seen = w.count(crate::profile::SEEN_SOMEWHERE);
    if let (Some(ka), Some(kb)) = (a.place_count_key(), b.place_count_key())
        && same_spot(a, b)
    {
        return SPOT_RARITY.evidence(rarity(seen, w.count(ka).max(w.count(kb))));
    }
    PLACE_RARITY.evidence(rarity(
        seen,
        w.count(a.town_count_key()).max(w.count(b.town_count_key())),
    ))
}

/// Whether two places that name more than their towns name one spot: the same key or keys a typo or two
/// apart (keys keep no digits: a spot is a street, a camp, a building's name).
fn same_spot(a: &Place, b: &Place) -> bool {
    a.key == b.key || places_alike(&a.key, &b.key)
}

impl Comparison {
    /// What is added to the model's log-odds: the prior, the evidence of a rare last-seen place, of a birth town
    /// where the other record was last seen, and of rare agreeing parents' names and birth date.
    pub fn offset(&self) -> f64 {
        self.prior
            + self.rare_place
            + self.born_where_seen
            + self.rarities.evidence().iter().sum::<f64>()
    }

    /// How much of the shorter name the other name covers, from 0 to 1, rare parts weighing more (0 when a
    /// side has no name).
    pub fn name_coverage(&self) -> f64 {
        const I: usize = feature_index("name_cov");
        self.x[I]
    }

    /// Explanation under a model.
    pub fn explain(&self, model: &Model) -> Explanation {
        let mut fields: Vec<FieldExplanation> = FIELDS
            .iter()
            .zip(self.status.iter())
            .map(|(f, s)| FieldExplanation {
                field: f,
                status: *s,
                log_odds: 0.0,
            })
            .collect();
        let mut total = self.offset();
        let contrib = model.contributions(&self.x);
        for (i, (_, field)) in FEATURES.iter().enumerate() {
            let c = contrib[i];
            total += c;
            // A field missing on either side is not evidence a caseworker
            // can weigh: what its absence does to the score stays with the
            // prior, which the explanation does not list.
            if let Some(fx) = fields
                .iter_mut()
                .find(|f| f.field == *field && f.status != Status::Missing)
            {
                fx.log_odds += c;
            }
        }
        // A rare last-seen place's own evidence belongs to that field.
        if let Some(seen) = fields.iter_mut().find(|f| f.field == "last seen") {
            seen.log_odds += self.rare_place;
        }
        let [father, mother, date] = self.rarities.evidence();
        for (field, rare) in [
            ("birth place", self.born_where_seen),
            ("father", father),
            ("mother", mother),
            ("birth date", date),
        ] {
            if let Some(f) = fields.iter_mut().find(|f| f.field == field) {
                f.log_odds += rare;
            }
        }
        Explanation {
            probability: sigmoid(total),
            log_odds: total,
            fields,
        }
    }
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::{Status, birth_features, one_digit_apart, place_status};
    use crate::model::N_FEATURES;
    use crate::names::Tok;
    use crate::profile::{Birth, Place};

    /// The first part of a name.
    fn tok(name: &str) -> Tok {
        crate::names::tokens(name)
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("no part in {name}"))
    }

    /// [`super::sim`] of the first parts of two names.
    fn sim(a: &str, b: &str) -> f64 {
        super::sim(&tok(a), &tok(b))
    }

    #[test]
    fn a_part_two_typos_away_is_a_near_miss_that_weighs_less_than_a_match() {
        let features = |a: &str, b: &str| {
            let person = |name: &str| crate::Person {
                full_name: name.into(),
                ..crate::Person::default()
            };
            let (a, b) = (
                crate::Profile::new(&person(a), 2024),
                crate::Profile::new(&person(b), 2024),
            );
            let c = super::compare(&a, &b, &super::Uniform);
            let near = c.x[super::feature_index("name_near")];
            (near, crate::Model::shipped().log_odds(&c.x))
        };
        // "Gabriel" and "Gobriek": neither a match nor another name.
        let s = sim("Gabriel", "Gobriek");
        assert!((super::NEAR..super::MATCH).contains(&s), "{s}");
        let (near, mistyped) = features("Gabriel Vidal", "Gobriek Vidal");
        assert!(near > 0.0);
        let (none, other) = features("Gabriel Vidal", "Xavier Vidal");
        assert_eq!(none, 0.0);
        let (_, same) = features("Gabriel Vidal", "Gabriel Vidal");
        assert!(
            other < mistyped && mistyped < same,
            "{other} {mistyped} {same}"
        );
    }

    /// Each pair is two names: similarity 0.
    fn assert_two_names(pairs: &[(&str, &str)]) {
        for (a, b) in pairs {
            assert_eq!(sim(a, b), 0.0, "{a} / {b}");
        }
    }

    #[test]
    fn names_the_table_knows_apart_do_not_agree_by_their_consonants() {
        // Same consonants, different names.
        for (a, b) in [
            ("Mahmoud", "Mohammed"),
            ("Ahmad", "Hamid"),
            ("Hasan", "Hussein"),
            ("Ismail", "Samuel"),
        ] {
            assert!(sim(a, b) < 0.92, "{a} / {b}: {}", sim(a, b));
        }
        // Spellings of one name, and a spelling the table does not list, still agree.
        assert_eq!(sim("Mohammed", "Muhammad"), 1.0);
        assert!(sim("Ibrahem", "Ibrahim") >= 0.92);
        assert!(sim("Mhmmd", "Mohammed") >= 0.92);
    }

    #[test]
    fn names_the_table_knows_apart_agree_only_when_mistyped() {
        assert_two_names(&[
            ("Oleksii", "Oleksandr"),
            ("Mykola", "Mykyta"),
            ("Leila", "Lilia"),
        ]);
        // Oleksandr and Oleksandra are two names whose letters are one away: sex tells them apart.
        assert!(sim("Oleksandr", "Oleksandra") >= super::MATCH);
    }

    #[test]
    fn a_family_name_made_from_a_given_name_is_another_name() {
        let pairs = [
            ("Karimi", "Karim"),
            ("Mohammadi", "Mohammed"),
            ("Mohamadi", "Muhammad"),
            ("Yousoufi", "Yusuf"),
        ];
        assert_two_names(&pairs);
        for (family, given) in pairs {
            assert_ne!(tok(family).key, tok(given).key, "{family} / {given}");
        }
        // Spellings of one such family name are one name, and so are a name ending in -ai and its spellings.
        assert_eq!(sim("Mohammadi", "Muhammadi"), 1.0);
        assert_eq!(tok("Mohammadi").key, tok("Muhammadi").key);
        assert!(sim("Tesfai", "Tesfay") >= super::MATCH);
    }

    #[test]
    fn ukrainian_family_names_with_other_formants_are_other_families() {
        assert_two_names(&[
            ("Shevchenko", "Shevchuk"),
            ("Kovalenko", "Kowaltschuk"),
            ("Melnyk", "Melnychuk"),
            ("Tkachenko", "Tkachuk"),
        ]);
        // One formant spelt two ways is one name, and one letter mistyped in a formant is not another.
        assert!(sim("Janiuk", "Janiyk") >= super::MATCH);
        assert!(sim("Melnyk", "Melnik") >= super::MATCH);
        assert!(sim("Shevchenko", "Schewtschenko") >= super::MATCH);
        assert!(sim("Kovalchuk", "Kowaltschuk") >= super::MATCH);
    }

    #[test]
    fn a_joined_ben_meets_the_name_written_without_it() {
        assert!(sim("Benaisa", "Aissa") >= super::MATCH);
        assert!(sim("Ben Aissa", "Benaissa") >= super::MATCH);
        assert!(sim("Aissa", "Benaissa") >= super::MATCH);
        // Only the rest is compared: another name after the particle is another name.
        assert!(sim("Benaissa", "Amar") < super::MATCH);
        assert!(sim("Bensaid", "Aissa") < super::MATCH);
    }

    #[test]
    fn an_initial_j_of_german_romanisation_reads_as_y() {
        assert!(
            sim("Jusofi", "Yusufi") >= super::MATCH,
            "{}",
            sim("Jusofi", "Yusufi")
        );
        assert!(sim("Yusufi", "Jusofi") >= super::MATCH);
        assert!(sim("Jahjaoui", "Yahyaoui") >= super::MATCH);
        // Only against a y: an initial j is not any letter.
        assert!(sim("Jusofi", "Musofa") < super::MATCH);
    }

    /// The status of two places as written.
    fn status_of_places(a: &str, b: &str) -> Status {
        let (Some(a), Some(b)) = (Place::parse(a), Place::parse(b)) else {
            panic!("places");
        };
        place_status(&a, &b)
    }

    #[test]
    fn an_address_and_its_town_are_close_places() {
        let status = status_of_places;
        assert_eq!(
            status("171 Marquez Ave, West Samantha", "West Samantha"),
            Status::Close
        );
        assert_eq!(
            status("171 Marquez Ave, West Samantha", "3 Elm Rd, West Samanta"),
            Status::Close
        );
        assert_eq!(
            status("171 Marquez Ave, West Samantha", "Leeds"),
            Status::Differ
        );
        assert_eq!(status("Leeds", "West Samantha"), Status::Differ);
        // A country after the town is not the town.
        assert_eq!(status("Aleppo, Syria", "Damascus, Syria"), Status::Differ);
        assert_eq!(status("12 Rue Haute, Lyon, France", "Lyon"), Status::Close);
        assert_eq!(status("Halab, Syria", "Aleppo"), Status::Close);
    }

    #[test]
    fn places_that_begin_with_one_word_are_alike_only_if_the_rest_is() {
        let status = status_of_places;
        for (a, b) in [
            ("Saint Rémy", "Sainte Maryse"),
            ("South Nicole", "South Vincent"),
            ("Lake Julie", "Lake Louise"),
            ("Port Said", "Port Sudan"),
            ("Saint-Denis", "Saint-Dizier"),
        ] {
            assert_eq!(status(a, b), Status::Differ, "{a} / {b}");
        }
        for (a, b) in [
            ("Pottsborough", "Pottsborovgh"),
            ("Saint Zacharie", "Saint Zacharic"),
            ("Bakermouth", "Bakerhouth"),
            ("Port Deniseburgh", "Port Deeniseburgh"),
            ("Westendorp", "Westendrop"),
            ("New Elizabethstad", "New Ellzabethstad"),
        ] {
            assert_eq!(status(a, b), Status::Close, "{a} / {b}");
        }
        // The towns of two addresses too.
        assert_eq!(
            status("3 Elm Rd, South Nicole", "9 Oak St, South Vincent"),
            Status::Differ
        );
    }

    fn status(a: &str, b: &str) -> Status {
        let mut x = [0.0; N_FEATURES];
        birth_features(&mut x, Birth::parse(a), Birth::parse(b))
    }

    #[test]
    fn the_same_day_and_month_with_one_mistyped_digit_of_the_year_is_close() {
        assert!(one_digit_apart(1942, 1912) && one_digit_apart(1985, 1986));
        assert!(!one_digit_apart(1985, 1958) && !one_digit_apart(1985, 1985));
        assert_eq!(status("1942-03-25", "1912-03-25"), Status::Close);
        assert_eq!(status("1942-03-25", "1942-03-25"), Status::Agree);
        assert_eq!(status("1942-03-25", "1952-04-25"), Status::Differ);
        assert_eq!(status("1942-03-25", "1958-03-25"), Status::Differ);
    }

    #[test]
    fn two_dates_apart_in_two_of_their_parts_differ_even_when_the_years_are_close() {
        assert_eq!(status("1969-01-22", "1966-04-19"), Status::Differ);
        assert_eq!(status("1969-01-22", "1968-01-19"), Status::Differ);
        assert_eq!(status("1969-01-22", "1969-04-19"), Status::Differ);
        assert_eq!(status("1969-01", "1967-04-19"), Status::Differ);
        // One part apart: a slip of one date.
        assert_eq!(status("1969-01-22", "1968-01-22"), Status::Close);
        assert_eq!(status("1969-01-22", "1969-04-22"), Status::Close);
        assert_eq!(status("1969-01-22", "1969-01-29"), Status::Agree);
        // A year or an estimate on one side: the years decide.
        assert_eq!(status("1969-01-22", "1967"), Status::Close);
        // Day and month swapped is one slip, and the year one off another.
        assert_eq!(status("1969-04-03", "1968-03-04"), Status::Close);
    }
}
