//! Candidate generation (blocking), the incremental index, top-k queries and full linkage with transitive
//! clustering.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};

use crate::compare::{
    Comparison, Explanation, Memo, MemoPool, Weights, compare, compare_with, prefetch, sigmoid,
};
use crate::model::{DEFAULT_THRESHOLD, Model, Scorer};
use crate::names::TokData;
use crate::postings::{MIN_PENDING, Postings};
use crate::profile::{Person, Place, Profile, Shared, hash_str};
use crate::snapshot::{SnapshotError, SnapshotReader, SnapshotWriter, read_all};
use std::io::{Read, Write};

/// Engine settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Year at which `age` fields were recorded (ages are turned into birth years). No clock is read.
    pub reference_year: i32,
    /// Probability at or above which a pair is the same person.
    pub threshold: f64,
    /// Blocks (posting lists) longer than this are too common to generate candidates on their own.
    pub max_block: usize,
    /// Link pairs that are not candidates but sit in one cluster of accepted pairs.
    pub transitive: bool,
    /// Recompute each pair's probability knowing its rivals and look-alikes: among the other pairs in a full
    /// linkage (`recalibrate_with_rivals`, ADR 0040), among both records' candidates in a query (`top_k`,
    /// ADR 0042). A search by name (`search`) keeps the pair's own probability.
    pub rivals: bool,
    /// In a full linkage, after the second stage (`rivals`, without which it does nothing), recompute each
    /// pair's probability knowing the third records both of its records are linked with (ADR 0068).
    pub triangles: bool,
    /// In a full linkage, also compare the pairs blocking did not propose whose records both match one third
    /// record (`compare_through_neighbours`, ADR 0071). Queries never do.
    pub neighbours: bool,
    /// Records whose ids agree up to this character (`person/0`, `person/1`) are names of one person: in a
    /// query, never each other's rivals or look-alikes. `None`: every record is its own person.
    pub person_separator: Option<char>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            reference_year: 2024,
            threshold: DEFAULT_THRESHOLD,
            max_block: 400,
            transitive: true,
            rivals: true,
            triangles: true,
            neighbours: true,
            person_separator: None,
        }
    }
}

/// Which of a query's candidates its caller keeps: those `admit` accepts (by id) at or above `at_least`. The
/// others are left out of the answer, and the matches of a candidate that could not be kept whatever its
/// rivals are not looked for (they are most of the work of a list with the second stage).
pub struct Wanted<'a> {
    pub at_least: f64,
    pub admit: &'a (dyn Fn(&str) -> bool + Sync),
}

fn every_candidate(_: &str) -> bool {
    true
}

impl Wanted<'static> {
    /// Every candidate.
    pub const ALL: Wanted<'static> = Wanted {
        at_least: 0.0,
        admit: &every_candidate,
    };
}

/// A scored candidate for a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub probability: f64,
}

/// A scored pair from a full linkage, `left < right` by insertion order.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub left: String,
    pub right: String,
    pub probability: f64,
}

/// Reference index size of the term-frequency weights (about the size of the training sets).
const IDF_REF: f64 = 10_000.0;

/// How much less likely a candidate pair is the same person for each tenfold growth of a store past
/// [`IDF_REF`], as a power: between the growth of candidate pairs per record (about the square root of the
/// store, ADR 0052) and that of namesakes (the store itself), fitted on generated training populations at
/// 100,000 records (ADR 0064).
const PRIOR_POWER: f64 = 0.65;

/// Lowest direct probability at which a pair reached only through its cluster is accepted.
const LIFT_MIN: f64 = 0.1;

/// In a full linkage, pairs blocking never proposed are compared when both records are among a third record's
/// `HOP_NEIGHBOURS` best matches at `HOP_FLOOR` or more (ADR 0071): the floor from which the second stage asks
/// whether a record's other matches are clearly another person than the pair's other record.
const HOP_FLOOR: f64 = RIVAL_APART;
const HOP_NEIGHBOURS: usize = 20;

/// [`Index::add_all`] normalises this many records at a time, and gathers at most this many of their
/// postings (16 bytes each) before merging them.
const BULK_RECORDS: usize = 16_384;
const BULK_POSTINGS: usize = 8 << 20;

/// A linked pair is rivalled when one of its records has a match at least this much more probable that is
/// clearly another person than the pair's other record (their pair below `RIVAL_APART`, or never proposed).
const RIVAL_MARGIN: f64 = 0.2;
const RIVAL_APART: f64 = 0.05;
/// A pair's look-alikes: the other matches of its records that are clearly another person than the pair's
/// other record and at most this much less probable than the pair.
const LOOKALIKE_BELOW: f64 = 0.1;
/// How many of its best matches a query's candidate is known by when its probability is recomputed (a linkage
/// knows all of them; past a few, more look-alikes change little: their penalty grows as a logarithm).
const RIVAL_CONTEXT: usize = 50;

/// The linkage's second stage (ADR 0040): a pair's log-odds become `RIVAL_SLOPE` times its own plus
/// `RIVAL_FREE`, less `RIVAL_PENALTY` when it is rivalled and `LOOKALIKE_PENALTY` times `ln(1 + look-alikes)`.
/// Fitted by `bench/rivals_fit.py` (logistic regression) on a generated set the engine is not evaluated on
/// (gen.py seed 11, 99,835 records) linked without this stage; a fit on 10,000 records of the same seed gave
/// 0.658, 1.218, 1.293 and 1.491.
const RIVAL_SLOPE: f64 = 0.6077;
const RIVAL_PENALTY: f64 = 1.1229;
const LOOKALIKE_PENALTY: f64 = 1.0666;
const RIVAL_FREE: f64 = 1.4382;

/// The linkage's third stage (ADR 0068) judges each pair by the records both of its records are linked with, on
/// the second stage's probabilities of every pair down to this floor.
const TRIANGLE_FLOOR: f64 = 0.01;
/// Probabilities above this count as this in a triangle: the fit saw them to four decimals.
const TRIANGLE_CLAMP: f64 = 0.9999;
/// What the third stage adds to a pair's second-stage log-odds: the strongest support of a third record and
/// the strongest conflict (a negative number) and the sums of the others, each times its weight. Fitted by
/// `bench/triangles_fit.py` (logistic regression with the second stage's log-odds as offset) on the nine
/// training sets of ADR 0002 and ADR 0064, linked without this stage. No constant and no slope: a pair without
/// third records keeps its probability, whatever share of the records of a population have a match. More
/// support than the strongest lowers a pair: records that all look alike are more often a family than one
/// person.
const SUPPORT_WEIGHT: f64 = 0.8644;
const CONFLICT_WEIGHT: f64 = 0.1245;
const MORE_SUPPORT_WEIGHT: f64 = -0.6027;
const MORE_CONFLICT_WEIGHT: f64 = 0.4156;

/// An indexed person. Its blocking keys are not kept (they would be most of its memory): they are a function of
/// the profile alone, recomputed when the person is removed.
struct Entry {
    /// Shared with the id map.
    id: Arc<str>,
    profile: Profile,
}

/// Log-odds of a probability, used as a lower bound for the log-odds a pair needs (`-inf` at 0 and below; at 1
/// and above 30, below which the probability cannot round to 1).
fn logit(p: f64) -> f64 {
    if p <= 0.0 {
        f64::NEG_INFINITY
    } else if p >= 1.0 {
        30.0
    } else {
        (p / (1.0 - p)).ln()
    }
}

/// An incremental index of persons: add, update, remove, top-k candidates, full linkage.
pub struct Index {
    config: Config,
    model: Model,
    scorer: Scorer,
    slots: Vec<Option<Entry>>,
    ids: FxHashMap<Arc<str>, u32>,
    postings: Postings,
    df: FxHashMap<u64, u32>,
    shared: Shared,
    live: usize,
    /// This index among all (for [`RivalContexts`]), and how many times a person was added or removed.
    instance: u64,
    changes: u64,
}

/// Numbers the indexes of this process.
static INSTANCES: AtomicU64 = AtomicU64::new(0);

/// Most candidates' matches [`RivalContexts`] keeps before it starts afresh.
const CONTEXTS_KEPT: usize = 1 << 18;

/// The matches of the candidates of earlier queries, remembered for later ones: a recomputation of many
/// candidate lists meets the same candidates again and again, and each one's matches cost a query. Valid for
/// one index while no person is added or removed; used with another index, or after a change, it starts
/// afresh, so its answers are always the ones the index would give.
#[derive(Default)]
pub struct RivalContexts {
    state: Mutex<ContextsState>,
}

#[derive(Default)]
struct ContextsState {
    /// `(instance, changes)` of the index the matches were found in.
    stamp: (u64, u64),
    matches: FxHashMap<u32, Arc<Matches>>,
    /// The splits of over-full blocks the queries met: namesakes' queries meet the same ones.
    splits: Arc<Splits>,
}

impl RivalContexts {
    pub fn new() -> RivalContexts {
        RivalContexts::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ContextsState> {
        // A panic elsewhere while the lock was held leaves a map that is still consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state for an index at `stamp`: afresh when the index changed.
    fn at(&self, stamp: (u64, u64)) -> std::sync::MutexGuard<'_, ContextsState> {
        let mut state = self.lock();
        if state.stamp != stamp {
            state.stamp = stamp;
            state.matches.clear();
            state.splits = Arc::default();
        }
        state
    }

    /// The remembered splits of over-full blocks of the index at `stamp`.
    fn splits(&self, stamp: (u64, u64)) -> Arc<Splits> {
        self.at(stamp).splits.clone()
    }

    /// The remembered matches of `slot`, or `find`'s, remembered.
    fn get_or(&self, stamp: (u64, u64), slot: u32, find: impl FnOnce() -> Matches) -> Arc<Matches> {
        {
            let state = self.at(stamp);
            if let Some(found) = state.matches.get(&slot) {
                return found.clone();
            }
        }
        // Found outside the lock: other threads go on meanwhile.
        let found = Arc::new(find());
        let mut state = self.lock();
        if state.stamp == stamp {
            if state.matches.len() >= CONTEXTS_KEPT {
                state.matches.clear();
            }
            state.matches.insert(slot, found.clone());
        }
        found
    }
}

/// Most slots [`Splits`] holds before it starts afresh, each split counting `SPLIT_ENTRY` more for its entry
/// (about 100 MB in all).
const SPLITS_KEPT: usize = 1 << 24;
const SPLIT_ENTRY: usize = 8;

/// The splits of over-full blocks a linkage has intersected, by their two keys, or `None` for a split too large
/// to be used. A split is the same for every record holding both keys (up to `max_block` of them), and each of
/// them would otherwise intersect the two blocks again: at a million generated persons most of a linkage's
/// time. Valid for one index while no person is added or removed (a linkage holds the index meanwhile, a
/// [`BulkLinkage`] starts afresh when the index changes).
#[derive(Default)]
struct Splits(Mutex<SplitsState>);

#[derive(Default)]
struct SplitsState {
    known: FxHashMap<(u64, u64), Option<Arc<[u32]>>>,
    /// Slots held in `known`.
    held: usize,
}

impl Splits {
    fn lock(&self) -> std::sync::MutexGuard<'_, SplitsState> {
        // A panic elsewhere while the lock was held leaves a map that is still consistent.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, a: u64, b: u64) -> Option<Option<Arc<[u32]>>> {
        self.lock().known.get(&(a.min(b), a.max(b))).cloned()
    }

    fn put(&self, a: u64, b: u64, split: Option<&[u32]>) {
        let mut state = self.lock();
        let size = split.map_or(0, <[u32]>::len) + SPLIT_ENTRY;
        if state.held + size > SPLITS_KEPT {
            state.known.clear();
            state.held = 0;
        }
        state.held += size;
        state
            .known
            .insert((a.min(b), a.max(b)), split.map(Arc::from));
    }
}

/// A record's matches at or above `RIVAL_APART` by their own probability, by slot: what tells whether another
/// record is clearly another person than it.
#[derive(Default)]
struct Matches(Vec<(u32, f64)>);

impl Matches {
    /// The matches among `list` (`(probability, slot)`).
    fn of(list: &[(f64, u32)]) -> Matches {
        let mut matches: Vec<(u32, f64)> = list
            .iter()
            .filter(|(q, _)| *q >= RIVAL_APART)
            .map(|(q, s)| (*s, *q))
            .collect();
        matches.sort_unstable_by_key(|(s, _)| *s);
        Matches(matches)
    }

    /// The matches among the first `n` of `list`.
    fn of_best(list: &[(f64, u32)], n: usize) -> Matches {
        Matches::of(&list[..n.min(list.len())])
    }

    fn iter(&self) -> impl Iterator<Item = (u32, f64)> + '_ {
        self.0.iter().copied()
    }

    /// Whether `slot` is clearly another person than this record: not one of its matches.
    fn apart(&self, slot: u32) -> bool {
        self.0.binary_search_by_key(&slot, |(s, _)| *s).is_err()
    }
}

/// One full linkage of an index kept as every record's best matches, for the candidate lists of many records at
/// once ([`Index::bulk_top_k_of`]) at the cost of one linkage: a query per record scores each pair twice, and
/// each candidate's matches once more. Gathered a part at a time ([`Index::continue_bulk_linkage`]), so that
/// the caller may let others change the index between parts. It links the records indexed when it began:
/// a record added since is in no list and has none (it is queried), a record removed since is left out of
/// every list. So once records were added or removed, the lists they would enter or leave are the caller's
/// to query again; the others are as a query gives them, up to the term frequencies the changes moved.
pub struct BulkLinkage {
    /// `instance` of the index it was begun on (a restored index is another).
    instance: u64,
    /// `changes` of the index when it began: a list answers exactly as a query while the index has these.
    changes: u64,
    /// The length of the lists it answers.
    k: usize,
    /// Records linked so far (each with every earlier one).
    linked: usize,
    /// Each record's matches at or above `RIVAL_APART` (`(probability, slot)`); once finished, its best
    /// `k.max(RIVAL_CONTEXT)`, best first.
    matches: Vec<Vec<(f64, u32)>>,
    /// Once finished, which person each record is a name of (`Config::person_separator`), as a number.
    persons: Vec<Option<u32>>,
    /// The splits of over-full blocks found so far, for the parts still to link.
    splits: Splits,
    finished: bool,
}

impl BulkLinkage {
    /// Records linked so far, and in all (0 in all once it gave up: the index was replaced).
    pub fn progress(&self) -> (usize, usize) {
        (self.linked, self.matches.len())
    }
}

fn h3(tag: u8, a: u64, b: u64) -> u64 {
    let mut h = FxHasher::default();
    (tag, a, b).hash(&mut h);
    // The top three bits carry the key kind, so that each kind can have its own block-size cap.
    (h.finish() & !(7u64 << 61)) | (u64::from(tag) << 61)
}

/// A place as a blocking key: its group in the place table if it has one, else its skeleton.
fn place_key(place: &Place) -> u64 {
    match place.group {
        0 => hash_str(&place.skel),
        g => u64::from(g),
    }
}

/// The term-frequency keys of a profile, each once (a person counts once per key): its name parts', its
/// last-seen town's (and spot's, when the place names more than a town) with the key of every person seen
/// somewhere (ADR 0061, 0063), whether it gives both places and names one town twice (ADR 0062), and its
/// father's and mother's names and whole birth date, each with the key of every person giving one (ADR 0069).
fn counted_keys(p: &Profile) -> Vec<u64> {
    let mut keys: Vec<u64> = p.name.iter().map(|t| t.key).collect();
    for (parent, given) in [
        (p.father.first(), crate::profile::FATHER_GIVEN),
        (p.mother.first(), crate::profile::MOTHER_GIVEN),
    ] {
        if let Some(parent) = parent {
            keys.extend([parent.key ^ given, given]);
        }
    }
    if let Some(date) = p.birth.and_then(|birth| birth.date_count_key()) {
        keys.extend([date, crate::profile::DATED]);
    }
    if let Some(seen) = &p.last_seen {
        keys.push(seen.town_count_key());
        keys.extend(seen.place_count_key());
        keys.push(crate::profile::SEEN_SOMEWHERE);
    }
    if let (Some(born), Some(seen)) = (&p.birth_place, &p.last_seen) {
        keys.push(crate::profile::BORN_AND_SEEN);
        if crate::compare::same_place(born, seen) {
            keys.push(crate::profile::BORN_WHERE_SEEN);
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Keeps the keys of a day and month with a year bucket apart from those with an exact year.
const YEAR_BUCKET: u64 = 1 << 40;

/// Keeps the keys of a name part's ends with a place apart from those of a whole part with a place.
const ENDS_WITH_PLACE: u64 = 0x9e37_79b9_7f4a_7c15;
/// Keeps the keys of a name part's ends with a town apart from those with a whole place.
const ENDS_WITH_TOWN: u64 = 0x5851_f42d_4c95_7f2d;
/// Keeps the keys of a name part's ends with another part's first letters apart from those with its key.
const ENDS_WITH_PREFIX: u64 = 0x1405_7b7e_f767_814f;

/// Keeps the keys of two parts' first letters apart from those of a part's ends with another's first letters.
const TWO_PREFIXES: u64 = 0x2545_f491_4f6c_dd1d;

/// Hashes of a skeleton of at least two consonants and, if it has three or more, of the skeleton with each
/// one of them left out (its deletion neighbourhood: two skeletons one typo apart share one of these).
fn skeleton_and_deletions(skel: &str) -> Vec<u64> {
    let consonants = skel.chars().count();
    if consonants < 2 {
        return Vec::new();
    }
    let mut hashes = vec![hash_str(skel)];
    if consonants >= 3 {
        let mut without = String::with_capacity(skel.len());
        for (i, c) in skel.char_indices() {
            without.clear();
            without.push_str(&skel[..i]);
            without.push_str(&skel[i + c.len_utf8()..]);
            hashes.push(hash_str(&without));
        }
    }
    hashes
}

/// Blocking keys of a profile. They depend on the profile alone (not on frequencies), so adding a record never
/// changes another record's keys. A key whose block is over-full at query time is not used alone but split by
/// a second key (see [`Index`]'s candidate generation).
pub fn block_keys(p: &Profile) -> Vec<u64> {
    let mut keys: Vec<u64> = block_keys_with_parts(p).into_iter().map(|k| k.0).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The blocking keys (of [`block_keys_with_parts`]) a record takes whole when they are over their cap but
/// within `max_block` (ADR 0074): for a record whose name is a single part (Fatima, Ahmad), the keys built on
/// that part, alone or with its birth year, place, mother or the letters of its spelling (not those of its
/// father's name alone). Such a name gives few keys, which in a large store are over their caps, and the
/// record had few candidates or none. It is posted under these keys a second time ([`thin_key`]), and every
/// other record of such a block takes those records from it: a pair is proposed from either of its records
/// alike, as queries and a full linkage need. Sorted.
fn thin_keys(p: &Profile, keys: &[(u64, u16)]) -> Vec<u64> {
    let [part] = &*p.name else {
        return Vec::new();
    };
    let bit = part_bit(&key_parts(p), part.key);
    let mut thin: Vec<u64> = keys
        .iter()
        // Keys without parts are built on the spelling's letters, a date or places, never on the father.
        .filter(|(_, parts)| parts & bit != 0 || *parts == 0)
        .map(|(k, _)| *k)
        .collect();
    thin.sort_unstable();
    thin.dedup();
    thin
}

/// What [`Index::candidates`] needs of a record: its blocking keys with their parts, and its [`thin_keys`].
struct CandidateKeys {
    keys: Vec<(u64, u16)>,
    thin: Vec<u64>,
}

impl CandidateKeys {
    fn of(p: &Profile) -> CandidateKeys {
        let keys = block_keys_with_parts(p);
        let thin = thin_keys(p, &keys);
        CandidateKeys { keys, thin }
    }
}

/// The posting list of a blocking key's records that take its block whole (bit 60 flipped: the kind in the
/// top bits stays).
fn thin_key(key: u64) -> u64 {
    key ^ (1 << 60)
}

/// The keys a record is posted under: its blocking keys and its [`thin_keys`] as such.
pub(crate) fn posting_keys(p: &Profile) -> Vec<u64> {
    let with_parts = block_keys_with_parts(p);
    let mut keys: Vec<u64> = with_parts.iter().map(|k| k.0).collect();
    keys.extend(thin_keys(p, &with_parts).into_iter().map(thin_key));
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The distinct name-part keys blocking keys are built on (the first five parts and the father's first),
/// sorted: bit `i` of a key's parts stands for the `i`-th.
fn key_parts(p: &Profile) -> Vec<u64> {
    let mut toks: Vec<u64> = p.name.iter().take(5).map(|t| t.key).collect();
    if let Some(f) = p.father.first() {
        toks.push(f.key);
    }
    toks.sort_unstable();
    toks.dedup();
    toks
}

/// The bit of a name-part key among a record's [`key_parts`].
fn part_bit(parts: &[u64], key: u64) -> u16 {
    parts.iter().position(|t| *t == key).map_or(0, |i| 1 << i)
}

/// Blocking keys with the name parts each is built from (bit `i` for the `i`-th distinct name-part key, the
/// father's included), for splitting an over-full block by another key built on one of the same parts.
fn block_keys_with_parts(p: &Profile) -> Vec<(u64, u16)> {
    let toks = key_parts(p);
    let bit = |t: u64| part_bit(&toks, t);
    let mut keys = Vec::with_capacity(toks.len() * toks.len() * 2 + 8);
    for (i, a) in toks.iter().enumerate() {
        keys.push((h3(1, *a, 0), bit(*a)));
        for b in &toks[i + 1..] {
            keys.push((h3(2, *a, *b), bit(*a) | bit(*b)));
        }
    }
    // Every name part (and the father) with the birth year in overlapping two-year buckets (years off by up
    // to two): a common name's block split by the year.
    if let Some(bd) = p.birth {
        let b = (bd.year as u64) / 2;
        for t in &toks {
            keys.push((h3(3, *t, b), bit(*t)));
            keys.push((h3(3, *t, b + 1), bit(*t)));
        }
        // Each of the first three name parts' skeleton, and the skeleton with any one consonant left out, with
        // the year's bucket: a single mistyped part (Zarha and Zahra, Naeges and Narges, Naijba and Najiba)
        // meets its spelling though the part's own key differs, when nothing else of the record is shared.
        // Kind 0, with a small cap of its own: in a large store these blocks are full and left out.
        let mut skeletons: Vec<u64> = Vec::new();
        for t in p.name.iter().take(3) {
            for skeleton in skeleton_and_deletions(&t.skel) {
                if !skeletons.contains(&skeleton) {
                    skeletons.push(skeleton);
                    keys.push((h3(0, skeleton, b), 0));
                }
            }
        }
        // The full date (day and month in either order) links records whose names both carry typos; the day
        // and month with the year in the same overlapping buckets, when one year is off by one or two. In a
        // large store the buckets' blocks go over their cap first, and the exact date still holds.
        if let (Some(m), Some(d)) = (bd.month, bd.day) {
            let day_month = u64::from(m.min(d)) << 8 | u64::from(m.max(d));
            keys.push((h3(6, bd.year as u64, day_month), 0));
            keys.push((h3(6, b | YEAR_BUCKET, day_month), 0));
            keys.push((h3(6, (b + 1) | YEAR_BUCKET, day_month), 0));
        }
    }
    // Each name part with the birth place, and with the mother's first name: a common name split by what a
    // record without a usable birth year still says (a place, a parent).
    let place = p.birth_place.as_ref().map(|pl| place_key(pl));
    let mother = p.mother.first().map(|m| m.key);
    for t in &toks {
        if let Some(pl) = place {
            keys.push((h3(5, *t, pl), bit(*t)));
        }
        if let Some(m) = mother {
            keys.push((h3(7, *t, m), bit(*t)));
        }
    }
    // The first and last letters of each of the first two name parts with each place the record names (birth,
    // last seen): records whose name parts all carry typos, written at the same place.
    let mut places: Vec<u64> = [&p.birth_place, &p.last_seen]
        .into_iter()
        .flatten()
        .map(|pl| place_key(pl))
        .collect();
    places.dedup();
    // The same with the first letters of the town (a street address names its town last, a short place only
    // the town, and a typo after the third letter leaves them).
    let mut towns: Vec<u64> = [&p.birth_place, &p.last_seen]
        .into_iter()
        .flatten()
        .map(|pl| pl.town)
        .filter(|town| *town != 0)
        .collect();
    towns.dedup();
    for t in p.name.iter().take(2) {
        for ends in t.both_ends() {
            for pl in &places {
                keys.push((h3(5, ends ^ ENDS_WITH_PLACE, *pl), 0));
            }
            for town in &towns {
                keys.push((h3(5, ends ^ ENDS_WITH_TOWN, *town), 0));
            }
        }
    }
    // The first and last letters of each of the first three name parts with the first three letters of
    // another: a typo in every part, one inside the word of one and after the third letter of the other.
    let firsts: Vec<Option<u64>> = p
        .name
        .iter()
        .take(3)
        .map(|t| {
            let first: String = t.text.chars().take(3).collect();
            (first.chars().count() == 3).then(|| hash_str(&first))
        })
        .collect();
    for (i, a) in p.name.iter().take(3).enumerate() {
        for (j, first) in firsts.iter().enumerate() {
            if let (true, Some(first)) = (i != j, first) {
                for ends in a.both_ends() {
                    keys.push((h3(4, ends ^ ENDS_WITH_PREFIX, *first), 0));
                }
            }
        }
    }
    // The first three letters of two of the first three name parts, in either order: a typo after the third
    // letter of every part ("Valérei Antoine" and "Valéric Antoinc", ADR 0065). Blocks of common beginnings
    // ("moh" and "ahm") are over their cap and left out.
    let mut firsts: Vec<u64> = firsts.into_iter().flatten().collect();
    firsts.sort_unstable();
    firsts.dedup();
    for (i, a) in firsts.iter().enumerate() {
        for b in &firsts[i + 1..] {
            keys.push((h3(4, a ^ TWO_PREFIXES, *b), 0));
        }
    }
    // Each name part's key with the first and last letters of another part's skeleton (the father included):
    // catches a typo that breaks one of the two keys of a token pair anywhere but at the ends of the word.
    let mut parts: Vec<&crate::names::Tok> = p.name.iter().take(5).collect();
    parts.extend(p.father.first());
    for (i, a) in parts.iter().enumerate() {
        let ka = a.key;
        for (j, b) in parts.iter().enumerate() {
            if i != j && !b.skel.is_empty() {
                for ends in b.both_ends() {
                    keys.push((h3(4, ka, ends), bit(ka)));
                }
            }
        }
    }
    keys.sort_unstable();
    keys.dedup_by_key(|k| k.0);
    keys
}

/// Recomputes every pair's probability knowing its rivals and look-alikes. A pair is rivalled when one of its
/// records has a match at least `RIVAL_MARGIN` more probable whose record is clearly not the pair's other record
/// (their pair is below `RIVAL_APART` or absent): a person matched strongly to one record is unlikely to be also
/// a weakly matched record that this one is not. Its look-alikes are such matches at most `LOOKALIKE_BELOW` less
/// probable than the pair: the more other persons look as much like a record, the less a match of it says. In a
/// larger store more look-alikes appear, and this is what tells them apart (ADR 0040). Both are judged on the
/// probabilities before any is changed.
fn recalibrate_with_rivals(scored: &mut [(u32, u32, f64)]) {
    let links = Links::at_least(scored, 0.0);
    let apart = |x: u32, y: u32| links.between(x, y).is_none_or(|p| p < RIVAL_APART);
    let context: Vec<Rivalry> = scored
        .par_iter()
        .map(|(a, c, p)| {
            let mut rivalry = Rivalry::default();
            for (x, y) in [(*a, *c), (*c, *a)] {
                let matches = links.of(x).iter().copied();
                rivalry.tally(*p, matches, |b| b != y && apart(b, y));
            }
            rivalry
        })
        .collect();
    for (pair, rivalry) in scored.iter_mut().zip(context) {
        pair.2 = rivalry.second_stage(pair.2);
    }
}

/// The pairs of a linkage at or above a floor, by pair and by record: each pair once, with the highest of its
/// probabilities when it was scored twice.
struct Links {
    probability: FxHashMap<(u32, u32), f64>,
    by_record: FxHashMap<u32, Vec<(u32, f64)>>,
}

impl Links {
    fn at_least(scored: &[(u32, u32, f64)], floor: f64) -> Links {
        let mut probability: FxHashMap<(u32, u32), f64> = FxHashMap::default();
        for (a, b, p) in scored.iter().filter(|(_, _, p)| *p >= floor) {
            let known = probability.entry((*a.min(b), *a.max(b))).or_insert(*p);
            *known = known.max(*p);
        }
        let mut by_record: FxHashMap<u32, Vec<(u32, f64)>> = FxHashMap::default();
        for ((a, b), p) in &probability {
            by_record.entry(*a).or_default().push((*b, *p));
            by_record.entry(*b).or_default().push((*a, *p));
        }
        Links {
            probability,
            by_record,
        }
    }

    /// The probability of the pair `a`-`b`, if it is one.
    fn between(&self, a: u32, b: u32) -> Option<f64> {
        self.probability.get(&(a.min(b), a.max(b))).copied()
    }

    /// The pairs of `record`, as `(other record, probability)`.
    fn of(&self, record: u32) -> &[(u32, f64)] {
        self.by_record.get(&record).map_or(&[][..], Vec::as_slice)
    }
}

/// The linkage's third stage: each pair's probability recomputed from the second stage's (`scored`) and what
/// the third records both of its records are linked with say (ADR 0068). If A is B and A is C, B is probably C;
/// if A is B and A is clearly not C, B is probably not C either. Pairs below `TRIANGLE_FLOOR` are neither
/// judged nor third sides; every pair is judged on the probabilities before any is changed.
fn weigh_triangles(scored: &mut [(u32, u32, f64)]) {
    let links = Links::at_least(scored, TRIANGLE_FLOOR);
    let judged: Vec<f64> = scored
        .par_iter()
        .map_init(Vec::new, |ratios, (a, b, p)| {
            if *p < TRIANGLE_FLOOR {
                return *p;
            }
            ratios.clear();
            for (c, q) in links.of(*a).iter().filter(|(c, _)| c != b) {
                ratios.push(triangle_ratio(*q, links.between(*b, *c).unwrap_or(0.0)));
            }
            // Each third record once: those linked with both were weighed above.
            for (c, r) in links.of(*b).iter().filter(|(c, _)| c != a) {
                if links.between(*a, *c).is_none() {
                    ratios.push(triangle_ratio(0.0, *r));
                }
            }
            Triangles::of(ratios).third_stage(*p)
        })
        .collect();
    for (pair, p) in scored.iter_mut().zip(judged) {
        pair.2 = p;
    }
}

/// What the third records of a pair say, each as the log of a likelihood ratio: the strongest support and the
/// strongest conflict, and the sums of all supports and of all conflicts.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Triangles {
    support: f64,
    conflict: f64,
    supports: f64,
    conflicts: f64,
}

/// The log of the likelihood ratio a third record linked with probability `q` to one record of a pair and `r` to
/// the other (0 when they are not linked) gives the pair. Were the three pairs independent evidence, of the ways
/// the three records can be persons those with the pair one person are "all three one" and "the pair one, the
/// third another"; against them "each another", "the third one with either". The ratio is 1 when the third
/// record is linked with neither, above 1 when with both, below when with one only.
fn triangle_ratio(q: f64, r: f64) -> f64 {
    let (q, r) = (q.min(TRIANGLE_CLAMP), r.min(TRIANGLE_CLAMP));
    (((1.0 - q) * (1.0 - r) + q * r) / (1.0 - q * r)).ln()
}

impl Triangles {
    /// The triangles of a pair from the ratios of its third records ([`triangle_ratio`]), in any order: they
    /// are summed in sorted order, so that the order in which the records were found changes no bit.
    fn of(ratios: &mut [f64]) -> Triangles {
        ratios.sort_unstable_by(f64::total_cmp);
        let mut triangles = Triangles::default();
        for ratio in ratios.iter().copied() {
            if ratio > 0.0 {
                triangles.support = triangles.support.max(ratio);
                triangles.supports += ratio;
            } else {
                triangles.conflict = triangles.conflict.min(ratio);
                triangles.conflicts += ratio;
            }
        }
        triangles
    }

    /// The probability of a pair of second-stage probability `p` once its triangles are known.
    fn third_stage(self, p: f64) -> f64 {
        if self == Triangles::default() {
            return p;
        }
        let p = p.clamp(1e-6, 1.0 - 1e-6);
        let own = (p / (1.0 - p)).ln();
        sigmoid(
            own + SUPPORT_WEIGHT * self.support
                + CONFLICT_WEIGHT * self.conflict
                + MORE_SUPPORT_WEIGHT * (self.supports - self.support)
                + MORE_CONFLICT_WEIGHT * (self.conflicts - self.conflict),
        )
    }
}

/// What the other matches of a pair's two records say about it: whether one of them is a rival (much more
/// probable, and clearly another person than the pair's other record), and how many are look-alikes.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Rivalry {
    rivalled: bool,
    lookalikes: u32,
}

impl Rivalry {
    /// Counts the matches `(record, probability)` of one record of a pair of probability `p`; `apart(b)` tells
    /// whether `b` is clearly another person than the pair's other record (and not that record itself).
    fn tally(
        &mut self,
        p: f64,
        matches: impl Iterator<Item = (u32, f64)>,
        apart: impl Fn(u32) -> bool,
    ) {
        for (b, q) in matches {
            if q < p - LOOKALIKE_BELOW || !apart(b) {
                continue;
            }
            self.lookalikes += 1;
            self.rivalled |= q >= p + RIVAL_MARGIN;
        }
    }

    fn second_stage(self, own: f64) -> f64 {
        second_stage(own, self.rivalled, self.lookalikes)
    }
}

/// The probability of a pair of probability `own` once its rivals and look-alikes are known.
fn second_stage(own: f64, rivalled: bool, lookalikes: u32) -> f64 {
    let own = logit(own.clamp(1e-4, 1.0 - 1e-4));
    let rival = if rivalled { RIVAL_PENALTY } else { 0.0 };
    let lookalike = LOOKALIKE_PENALTY * f64::from(lookalikes).ln_1p();
    sigmoid(RIVAL_SLOPE * own + RIVAL_FREE - rival - lookalike)
}

/// Whether the candidate `y` is the query's own record `me` or another name of the query's person (`person`
/// tells which person a record is a name of): no pair.
fn is_own<P: PartialEq>(y: u32, me: Option<u32>, person: impl Fn(u32) -> Option<P>) -> bool {
    Some(y) == me
        || me
            .and_then(&person)
            .is_some_and(|mine| person(y) == Some(mine))
}

/// The probability `q` of a query's candidate `y` once its rivals and look-alikes are known: among the query's
/// matches and the candidate's. Neither person's own records are rivals or look-alikes: the query's record
/// (`me`, when indexed), the candidate, and their persons' other names (`person` tells which person a record is
/// a name of).
fn with_rivals<P: PartialEq>(
    q: f64,
    y: u32,
    me: Option<u32>,
    person: impl Fn(u32) -> Option<P>,
    of_query: &Matches,
    of_candidate: &Matches,
) -> f64 {
    let query_person = me.and_then(&person);
    let candidate_person = person(y);
    let another = |b: u32| {
        if Some(b) == me || b == y {
            return false;
        }
        match person(b) {
            None => true,
            Some(theirs) => {
                query_person.as_ref() != Some(&theirs) && candidate_person.as_ref() != Some(&theirs)
            }
        }
    };
    let mut rivalry = Rivalry::default();
    rivalry.tally(q, of_query.iter(), |b| another(b) && of_candidate.apart(b));
    rivalry.tally(q, of_candidate.iter(), |b| another(b) && of_query.apart(b));
    rivalry.second_stage(q)
}

/// What a query is: its profile, the indexed record its list leaves out (`top_k`'s `exclude`), and the
/// indexed record it is, if any (the same, or `top_k_of`'s own record, which its list keeps).
#[derive(Clone, Copy)]
struct Query<'a> {
    profile: &'a Profile,
    skip: Option<u32>,
    me: Option<u32>,
}

/// Intersection of two sorted slot lists (galloping through the longer one), given up as soon as it holds more
/// than `limit`: a split that large is not used, and every record of a common name would otherwise walk it
/// whole.
fn intersect(short: &[u32], long: &[u32], limit: usize, out: &mut Vec<u32>) {
    let (short, long) = if short.len() <= long.len() {
        (short, long)
    } else {
        (long, short)
    };
    let mut rest = long;
    for s in short {
        // Exponential search for the first element >= s.
        let mut step = 1;
        while step < rest.len() && rest[step] < *s {
            step *= 2;
        }
        let upto = (step + 1).min(rest.len());
        let pos = rest[..upto].partition_point(|x| x < s);
        rest = &rest[pos..];
        match rest.first() {
            Some(x) if x == s => {
                out.push(*s);
                if out.len() > limit {
                    break;
                }
            }
            Some(_) => {}
            None => break,
        }
    }
}

/// A person found by [`Index::search_names`].
#[derive(Debug, Clone, PartialEq)]
pub struct NameHit {
    pub id: String,
    /// How much of the shorter name the other covers, from [`RESEMBLES`] to 1.
    pub coverage: f64,
}

/// Names resemble when the other covers more than half of the shorter one (three fifths), its rarer parts
/// weighing more: one of two equally common parts is not enough.
pub const RESEMBLES: f64 = 0.6;

/// Most persons a name search compares: the newest, when more share even every key of a frequent name.
const SEARCH_POOL: usize = 20_000;

/// Over-full blocks whose lists are both longer than this many times `max_block` are not intersected: the cost
/// would grow with the index for a split that common (a guard; the key kinds that are split stay far below it
/// on the generated sets, see BENCHMARKS.md).
const SPLIT_GUARD: usize = 64;

/// Fingerprint of everything that decides a probability: what shapes profiles and keys (the snapshot's
/// fingerprint, tables included), the model's weights, the weights by store size, the second stage, and the
/// probabilities of probe pairs, so that a change of the comparison is caught even if nobody changed a
/// constant. Candidate lists computed under another fingerprint are out of date (ADR 0054).
pub fn scoring_fingerprint() -> u64 {
    static FINGERPRINT: OnceLock<u64> = OnceLock::new();
    *FINGERPRINT.get_or_init(|| {
        let mut h = rustc_hash::FxHasher::default();
        h.write_u64(crate::snapshot::engine_fingerprint(
            Config::default().reference_year,
        ));
        h.write(crate::tables::WEIGHTS.as_bytes());
        let (n, prior) = size_params(1_000_000);
        for lists in [false, true] {
            for lookalikes in [0, 3] {
                h.write_u64(second_stage(0.7, lists, lookalikes).to_bits());
            }
        }
        for value in [
            n,
            prior,
            LIFT_MIN,
            RIVAL_MARGIN,
            RIVAL_APART,
            LOOKALIKE_BELOW,
        ] {
            h.write_u64(value.to_bits());
        }
        h.write_usize(RIVAL_CONTEXT);
        // The snapshot's probes, and names that differ only in ways scoring tells apart.
        let mut probes = crate::snapshot::probe_persons();
        for (full_name, father, birth_date, place) in [
            ("Mahmoud Ali Hassan", "", "1988", "Halab, Syria"),
            ("Oleksandr Shevchenko", "Petro", "1975-02-01", "Kharkiv"),
            ("Ahmad Karimi", "", "", "Kabul"),
            ("Hamid Karimi", "Yusuf", "1994", "Kabul"),
            ("Yurii Yusufi", "Yevhen", "1979", "Kyiv"),
            ("Oleksandr Shevchuk", "Petro", "1975-02-01", "Kharkiv"),
            ("Nadir Benaissa", "Khalil", "1960", "Oujda"),
            ("Nadir Ben Aissa", "Khalil", "1960-05-17", "Oujda"),
            ("Daniel Wilson", "John", "1961-02-14", "Leeds"),
        ] {
            probes.push(Person {
                full_name: full_name.into(),
                father_name: father.into(),
                birth_date: birth_date.into(),
                birth_place: place.into(),
                ..Person::default()
            });
        }
        let mut index = Index::new(Config::default());
        for (i, p) in probes.iter().enumerate() {
            index.add(&i.to_string(), p);
        }
        for (i, a) in probes.iter().enumerate() {
            for b in &probes[i + 1..] {
                h.write_u64(index.explain(a, b).log_odds.to_bits());
            }
        }
        h.finish()
    })
}

/// Reference size and prior of the weights for a store of `live` persons (see [`Index::weights`]).
fn size_params(live: usize) -> (f64, f64) {
    let n = (live as f64).max(IDF_REF);
    (n, -PRIOR_POWER * (n / IDF_REF).ln())
}

struct Idf<'a> {
    df: &'a FxHashMap<u64, u32>,
    n: f64,
    prior: f64,
}

impl Weights for Idf<'_> {
    fn count(&self, key: u64) -> f64 {
        f64::from(self.df.get(&key).copied().unwrap_or(0))
    }

    fn idf(&self, key: u64) -> f64 {
        let df = self.df.get(&key).copied().unwrap_or(0) as f64 + 1.0;
        (self.n / df).ln().clamp(0.0, 10.0)
    }

    fn prior(&self) -> f64 {
        self.prior
    }
}

/// A name search's weights: every part weighs something, however common. In a large index a name shared by
/// more persons than the reference set weighs nothing as evidence of a match, but it is still what was searched.
struct SearchWeights<'a>(Idf<'a>);

impl Weights for SearchWeights<'_> {
    fn idf(&self, key: u64) -> f64 {
        self.0.idf(key).max(1.0)
    }

    fn count(&self, key: u64) -> f64 {
        self.0.count(key)
    }

    fn prior(&self) -> f64 {
        self.0.prior()
    }
}

impl Index {
    pub fn new(config: Config) -> Index {
        Index::with_model(config, Model::shipped())
    }

    pub fn with_model(config: Config, model: Model) -> Index {
        Index {
            config,
            scorer: Scorer::new(&model),
            model,
            slots: Vec::new(),
            ids: FxHashMap::default(),
            postings: Postings::default(),
            df: FxHashMap::default(),
            shared: Shared::default(),
            live: 0,
            instance: INSTANCES.fetch_add(1, Ordering::Relaxed),
            changes: 0,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    fn weights(&self) -> Idf<'_> {
        // Up to the training size, weights come from counts (ln(N_REF / df)): a handful of records says little
        // about how common a name is. In a larger store they come from shares (ln(N / df)), the evidence the
        // model learnt, and the store's size lowers the prior instead: more persons mean more candidates for
        // each record, each less likely the one (ADR 0052).
        let (n, prior) = size_params(self.live);
        Idf {
            df: &self.df,
            n,
            prior,
        }
    }

    /// Add a person, or replace the record with the same id (update).
    pub fn add(&mut self, id: &str, person: &Person) {
        self.remove(id);
        let profile = Profile::new(person, self.config.reference_year);
        self.push(id.into(), profile);
    }

    /// Add (or replace) many persons: the same index as [`Index::add`] of each in turn, with the records
    /// normalised on every core first (normalising is most of the cost of adding).
    pub fn add_all<S: AsRef<str> + Sync>(&mut self, records: &[(S, Person)]) {
        self.add_all_with_progress(records, &|_| {});
    }

    /// [`Index::add_all`], calling `progress` with the number of records added since its last call. Their
    /// postings are gathered and sorted, then merged into the flat arrays in one pass
    /// ([`Postings::merge_sorted`]) instead of one posting at a time.
    pub fn add_all_with_progress<S: AsRef<str> + Sync>(
        &mut self,
        records: &[(S, Person)],
        progress: &dyn Fn(usize),
    ) {
        let year = self.config.reference_year;
        // Postings gathered, in the order of their slots until sorted: the first holds the lowest slot.
        let mut batch: Vec<(u64, u32)> = Vec::new();
        for part in records.chunks(BULK_RECORDS) {
            let prepared: Vec<(Profile, Vec<u64>)> = part
                .par_iter()
                .map(|(_, p)| {
                    let profile = Profile::new(p, year);
                    let keys = posting_keys(&profile);
                    (profile, keys)
                })
                .collect();
            for ((id, _), (profile, keys)) in part.iter().zip(prepared) {
                let id = id.as_ref();
                if let Some(slot) = self.ids.get(id).copied() {
                    if batch.first().is_some_and(|(_, first)| slot >= *first) {
                        // Given twice in the batch: its first postings are merged so that they can be removed.
                        self.merge_postings(&mut batch);
                    }
                    self.remove(id);
                }
                let slot = self.register(id.into(), profile);
                batch.extend(keys.iter().map(|k| (*k, slot)));
            }
            if self.postings.bulk_due(batch.len(), BULK_POSTINGS) {
                self.merge_postings(&mut batch);
            }
            progress(part.len());
        }
        if batch.len() >= MIN_PENDING {
            self.merge_postings(&mut batch);
        } else {
            // A few persons added to a large index: to the lists' additions, as one by one.
            for (key, slot) in batch {
                self.postings.add(slot, &[key]);
            }
            self.maybe_compact();
        }
    }

    /// Merges the postings gathered by [`Index::add_all_with_progress`] (every slot registered) and every
    /// other change into the flat arrays.
    fn merge_postings(&mut self, batch: &mut Vec<(u64, u32)>) {
        if batch.is_empty() {
            return;
        }
        batch.par_sort_unstable();
        self.postings.merge_sorted(batch, self.slots.len() as u32);
        batch.clear();
        self.shared.forget_unused();
    }

    /// Index a profile in a new slot (the id is not indexed yet).
    fn push(&mut self, id: Arc<str>, profile: Profile) {
        let keys = posting_keys(&profile);
        let slot = self.register(id, profile);
        self.postings.add(slot, &keys);
        self.maybe_compact();
    }

    /// Merges the posting lists' changes into the flat arrays when they have outgrown their share.
    fn maybe_compact(&mut self) {
        if self.postings.maybe_compact(self.slots.len() as u32) {
            self.shared.forget_unused();
        }
    }

    /// Gives a profile a new slot and counts it, without its postings (the caller adds them; the id is not
    /// indexed yet).
    fn register(&mut self, id: Arc<str>, mut profile: Profile) -> u32 {
        profile.share(&mut self.shared);
        let slot = self.slots.len() as u32;
        for k in counted_keys(&profile) {
            *self.df.entry(k).or_default() += 1;
        }
        self.ids.insert(id.clone(), slot);
        self.slots.push(Some(Entry { id, profile }));
        self.live += 1;
        self.changes += 1;
        slot
    }

    /// Merges every posting list changed since the last compaction into the frozen part (see
    /// [`crate::postings`]): after a bulk load, so that queries read the flat arrays alone. Changes nothing
    /// any query answers.
    pub fn compact(&mut self) {
        self.postings.compact(self.slots.len() as u32);
        self.shared.forget_unused();
    }

    /// Write a snapshot of the index reflecting `position` (an opaque change sequence of the caller's), then
    /// the caller's own section (`extra`, e.g. what it keeps per person), then a checksum of all of it.
    /// Persons keep their relative order (renumbered without the holes removals left), so a loaded index ranks
    /// ties as this one does. The posting lists and term frequencies are written as flat blocks: when the
    /// index was compacted and has no hole they are written as they are, else a merged copy is made first.
    pub fn write_snapshot<W: Write>(
        &self,
        position: u64,
        out: W,
        extra: impl FnOnce(&mut SnapshotWriter<W>) -> std::io::Result<()>,
    ) -> std::io::Result<W> {
        let mut w = SnapshotWriter::new(out);
        w.header(self.config.reference_year, position)?;
        w.u64(self.live as u64)?;
        for e in self.slots.iter().flatten() {
            w.str(&e.id)?;
            w.profile(&e.profile)?;
        }
        let merged;
        let (keys, offsets, slots) = match self.postings.frozen_arrays() {
            Some(arrays) if self.live == self.slots.len() => arrays,
            _ => {
                let mut renumbered = vec![u32::MAX; self.slots.len()];
                let mut next = 0u32;
                for (slot, e) in renumbered.iter_mut().zip(&self.slots) {
                    if e.is_some() {
                        *slot = next;
                        next += 1;
                    }
                }
                merged = self.postings.merged(|s| {
                    renumbered
                        .get(s as usize)
                        .copied()
                        .filter(|s| *s != u32::MAX)
                });
                (&merged.keys[..], &merged.offsets[..], &merged.slots[..])
            }
        };
        w.u64(keys.len() as u64)?;
        w.u64(slots.len() as u64)?;
        w.u64s(keys)?;
        w.u32s(offsets)?;
        w.u32s(slots)?;
        let mut df: Vec<(u64, u32)> = self
            .df
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (*k, *n))
            .collect();
        df.sort_unstable();
        w.u64(df.len() as u64)?;
        w.u64s(&df.iter().map(|(k, _)| *k).collect::<Vec<_>>())?;
        w.u32s(&df.iter().map(|(_, n)| *n).collect::<Vec<_>>())?;
        extra(&mut w)?;
        w.finish()
    }

    /// Read a snapshot written by [`Index::write_snapshot`] under the same engine and reference year, with the
    /// caller's section read by `extra` (which must read all of it). Returns the index, the position it
    /// reflects and the caller's section. Nothing is returned from a damaged or foreign snapshot; posting
    /// lists that are not sorted or name a person the snapshot does not hold are `Damaged`.
    pub fn read_snapshot<T>(
        config: Config,
        input: &mut impl Read,
        extra: impl FnOnce(&mut SnapshotReader<'_>) -> Result<T, SnapshotError>,
    ) -> Result<(Index, u64, T), SnapshotError> {
        let bytes = read_all(input)?;
        let (mut r, position) = SnapshotReader::open(&bytes, config.reference_year)?;
        let n = u32::try_from(r.u64()?).map_err(|_| SnapshotError::Damaged("count"))?;
        let mut index = Index::new(config);
        // Each person takes at least 40 bytes: a damaged count cannot make us reserve more than the data.
        let reserve = (n as usize).min(bytes.len() / 40);
        index.slots.reserve_exact(reserve);
        index.ids.reserve(reserve);
        for slot in 0..n {
            let id: Arc<str> = r.str()?.into();
            let profile = r.profile(&mut index.shared)?;
            if index.ids.insert(id.clone(), slot).is_some() {
                return Err(SnapshotError::Damaged("duplicate id"));
            }
            index.slots.push(Some(Entry { id, profile }));
        }
        index.live = n as usize;
        let key_count = r.u64()?;
        let posting_count = r.u64()?;
        let frozen = crate::postings::Frozen {
            keys: r.u64s(key_count)?,
            offsets: r.u32s(key_count.saturating_add(1))?,
            slots: r.u32s(posting_count)?,
        };
        if !frozen.check(n) {
            return Err(SnapshotError::Damaged("posting lists"));
        }
        index.postings = Postings::from_frozen(frozen, n);
        let df_count = r.u64()?;
        let df_keys = r.u64s(df_count)?;
        let df_counts = r.u32s(df_count)?;
        index.df = df_keys.into_iter().zip(df_counts).collect();
        let rest = extra(&mut r)?;
        if !r.is_empty() {
            return Err(SnapshotError::Damaged("trailing bytes"));
        }
        Ok((index, position, rest))
    }

    /// Remove a person; returns whether it was present.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(slot) = self.ids.remove(id) else {
            return false;
        };
        let Some(entry) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return false;
        };
        self.postings.remove(slot, &posting_keys(&entry.profile));
        for k in counted_keys(&entry.profile) {
            if let Some(c) = self.df.get_mut(&k) {
                *c = c.saturating_sub(1);
            }
        }
        self.live -= 1;
        self.changes += 1;
        self.maybe_compact();
        true
    }

    /// Longest block (posting list) of a key's kind that is used as it is.
    fn cap(&self, key: u64) -> usize {
        match key >> 61 {
            2 => self.config.max_block,
            1 => self.config.max_block / 8,
            0 => self.config.max_block / 32,
            _ => self.config.max_block / 4,
        }
    }

    /// Candidate slots for a record with these keys ([`CandidateKeys`]), below `below` if given. A block within
    /// its kind's cap is taken whole. A block over its cap but within `max_block` is taken whole if it is one of
    /// the record's thin keys, else only the records it is a thin key of (ADR 0074). An over-full block is
    /// split by a second key: the persons also in another over-full block of the record that is built on one of
    /// the same name parts (a token pair split by a birth-year bucket or by a third part, a part's year bucket
    /// split by another part), taken when that split fits within `max_block`. So a common name no longer drops
    /// the block: only splits still larger than `max_block` are left out.
    fn candidates(
        &self,
        CandidateKeys { keys, thin }: &CandidateKeys,
        below: Option<u32>,
        splits: Option<&Splits>,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        let mut take = |block: &[u32]| match below {
            Some(b) => out.extend(block.iter().copied().take_while(|s| *s < b)),
            None => out.extend_from_slice(block),
        };
        let mut full: Vec<(Cow<'_, [u32]>, u64, u16)> = Vec::new();
        for (k, parts) in keys {
            let Some(v) = self.postings.get(*k) else {
                continue;
            };
            if v.len() <= self.cap(*k) {
                take(&v);
                continue;
            }
            if v.len() <= self.config.max_block {
                if thin.binary_search(k).is_ok() {
                    take(&v);
                } else if let Some(thin_ones) = self.postings.get(thin_key(*k)) {
                    take(&thin_ones);
                }
            }
            if *parts != 0 && k >> 61 != 1 {
                full.push((v, *k, *parts));
            }
        }
        let guard = self.config.max_block.saturating_mul(SPLIT_GUARD);
        let mut split = Vec::new();
        for (i, (a, ka, pa)) in full.iter().enumerate() {
            for (b, kb, pb) in &full[i + 1..] {
                // Two year buckets of one part (or two prefix keys of one part) split nothing useful.
                let same_kind_one_part = pa == pb && ka >> 61 == kb >> 61 && pa.count_ones() == 1;
                if pa & pb == 0 || same_kind_one_part || a.len().min(b.len()) > guard {
                    continue;
                }
                // Whether a split is used is judged on the whole blocks, also when only the records below
                // `below` are wanted: so a pair is proposed from either of its records, whatever their order.
                if let Some(known) = splits.and_then(|splits| splits.get(*ka, *kb)) {
                    if let Some(known) = known {
                        take(&known);
                    }
                    continue;
                }
                split.clear();
                intersect(a, b, self.config.max_block, &mut split);
                let fits = split.len() <= self.config.max_block;
                if fits {
                    take(&split);
                }
                if let Some(splits) = splits {
                    splits.put(*ka, *kb, fits.then_some(&split[..]));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// The persons in every one of the rarest posting lists of `keys`, intersecting from the shortest list
    /// until at most `max_block` remain (more when every list is intersected). Posting lists are sorted (slots
    /// only grow), so each step is a merge.
    fn shared_rare_keys(&self, keys: &[u64]) -> Vec<u32> {
        // Keys are distinct, so no two lists are the same list.
        let mut lists: Vec<Cow<'_, [u32]>> =
            keys.iter().filter_map(|k| self.postings.get(*k)).collect();
        lists.sort_by_key(|list| list.len());
        let Some((first, rest)) = lists.split_first() else {
            return Vec::new();
        };
        let mut shared: Vec<u32> = first.to_vec();
        for other in rest {
            if shared.len() <= self.config.max_block {
                break;
            }
            let mut merged = Vec::with_capacity(shared.len().min(other.len()));
            let (mut i, mut j) = (0, 0);
            while let (Some(a), Some(b)) = (shared.get(i), other.get(j)) {
                match a.cmp(b) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        merged.push(*a);
                        i += 1;
                        j += 1;
                    }
                }
            }
            shared = merged;
        }
        shared
    }

    fn score(&self, a: &Profile, b: &Profile) -> f64 {
        let c = compare(a, b, &self.weights());
        sigmoid(self.scorer.log_odds(&c.x) + c.offset())
    }

    /// The probability if it is at least `min_score` (`cutoff` its log-odds) under the weights `w`; the trees
    /// stop as soon as the bound shows it cannot be.
    fn score_at_least(
        &self,
        (a, b): (&Profile, &Profile),
        w: &Idf<'_>,
        (min_score, cutoff): (f64, f64),
        memo: &mut Memo,
    ) -> Option<f64> {
        let c = compare_with(a, b, w, Some(memo));
        let lin = self.scorer.linear(&c.x) + c.offset();
        let p = sigmoid(self.scorer.log_odds_from(&c.x, lin, cutoff)?);
        (p >= min_score).then_some(p)
    }

    /// Compare two profiles under this index's term frequencies.
    pub fn compare_profiles(&self, a: &Profile, b: &Profile) -> Comparison {
        compare(a, b, &self.weights())
    }

    /// Score two persons (need not be indexed) with explanation.
    pub fn explain(&self, a: &Person, b: &Person) -> Explanation {
        let pa = Profile::new(a, self.config.reference_year);
        let pb = Profile::new(b, self.config.reference_year);
        compare(&pa, &pb, &self.weights()).explain(&self.model)
    }

    /// Up to `k` best candidates for a person, best first (the person itself, if indexed under `exclude`, is
    /// skipped).
    pub fn top_k(&self, person: &Person, k: usize, exclude: Option<&str>) -> Vec<Candidate> {
        self.top_k_with(person, k, exclude, None, &Wanted::ALL)
    }

    /// [`Index::top_k`], the matches of its candidates taken from `contexts` when an earlier query found them
    /// (and kept there for later ones), and only the candidates `wanted`: the same answer less the others, for
    /// less work when many lists are computed at once.
    pub fn top_k_remembering(
        &self,
        person: &Person,
        k: usize,
        exclude: Option<&str>,
        contexts: &RivalContexts,
        wanted: &Wanted<'_>,
    ) -> Vec<Candidate> {
        self.top_k_with(person, k, exclude, Some(contexts), wanted)
    }

    /// Up to `limit` persons admitted by `admit` (given their id) whose names resemble `name`, most alike
    /// first: by how much of the shorter name the other covers (rare parts weighing more, across scripts),
    /// then the same spelling of the parts first, then by the difference in their numbers of parts, then the
    /// newest first. A search is by names, not by the probability of being the same person, which names alone
    /// rarely make high: an exact namesake is always found, however common the name
    /// (docs/adr/0045-name-search-by-resemblance.md).
    pub fn search_names(
        &self,
        name: &str,
        limit: usize,
        admit: impl Fn(&str) -> bool,
    ) -> Vec<NameHit> {
        let person = Person {
            full_name: name.to_owned(),
            ..Person::default()
        };
        let profile = Profile::new(&person, self.config.reference_year);
        let mut cand = Vec::new();
        self.candidates(&CandidateKeys::of(&profile), None, None, &mut cand);
        // A frequent name's blocks are too large to be taken or split: the persons sharing its rarest keys
        // together are looked at as well.
        cand.extend(self.shared_rare_keys(&block_keys(&profile)));
        cand.sort_unstable();
        cand.dedup();
        cand.retain(|slot| self.id_of(*slot).is_some_and(&admit));
        // Slots grow with time: past the pool, the newest are kept.
        let pool = cand.len().saturating_sub(SEARCH_POOL);
        let w = SearchWeights(self.weights());
        fn spelling(p: &Profile) -> Vec<&str> {
            let mut parts: Vec<&str> = p.name.iter().map(|t| &*t.text).collect();
            parts.sort_unstable();
            parts
        }
        let searched = spelling(&profile);
        let mut hits: Vec<(f64, bool, usize, u32)> = cand[pool..]
            .iter()
            .filter_map(|slot| {
                let e = self.slots.get(*slot as usize)?.as_ref()?;
                let coverage = compare(&profile, &e.profile, &w).name_coverage();
                if coverage < RESEMBLES {
                    return None;
                }
                let same_spelling = spelling(&e.profile) == searched;
                let parts = profile.name.len().abs_diff(e.profile.name.len());
                Some((coverage, same_spelling, parts, *slot))
            })
            .collect();
        hits.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.cmp(&b.2))
                .then(b.3.cmp(&a.3))
        });
        hits.truncate(limit);
        hits.into_iter()
            .filter_map(|(coverage, _, _, slot)| {
                Some(NameHit {
                    id: self.id_of(slot)?.to_string(),
                    coverage,
                })
            })
            .collect()
    }

    /// [`Index::top_k`] for the indexed person `id` (its own stored profile: the same answer as
    /// `top_k` with the record it was added from, without normalising it again, and its own entry in the list;
    /// with the second stage, the other candidates are those of `top_k` excluding `id`: it knows which record
    /// is its own); `None` when `id` is not indexed.
    pub fn top_k_of(&self, id: &str, k: usize) -> Option<Vec<Candidate>> {
        self.top_k_of_with(id, k, None, &Wanted::ALL)
    }

    /// [`Index::top_k_of`] with [`RivalContexts`] and only the candidates `wanted`, as
    /// [`Index::top_k_remembering`].
    pub fn top_k_of_remembering(
        &self,
        id: &str,
        k: usize,
        contexts: &RivalContexts,
        wanted: &Wanted<'_>,
    ) -> Option<Vec<Candidate>> {
        self.top_k_of_with(id, k, Some(contexts), wanted)
    }

    fn top_k_of_with(
        &self,
        id: &str,
        k: usize,
        contexts: Option<&RivalContexts>,
        wanted: &Wanted<'_>,
    ) -> Option<Vec<Candidate>> {
        let slot = *self.ids.get(id)?;
        let e = self.slots.get(slot as usize)?.as_ref()?;
        let query = Query {
            profile: &e.profile,
            skip: None,
            me: Some(slot),
        };
        Some(self.top_k_profile(query, k, contexts, wanted))
    }

    /// [`Index::explain`] for two indexed persons; `None` when either is not indexed.
    pub fn explain_indexed(&self, a: &str, b: &str) -> Option<Explanation> {
        let profile = |id: &str| {
            self.slots
                .get(*self.ids.get(id)? as usize)?
                .as_ref()
                .map(|e| &e.profile)
        };
        Some(compare(profile(a)?, profile(b)?, &self.weights()).explain(&self.model))
    }

    fn top_k_with(
        &self,
        person: &Person,
        k: usize,
        exclude: Option<&str>,
        contexts: Option<&RivalContexts>,
        wanted: &Wanted<'_>,
    ) -> Vec<Candidate> {
        let profile = Profile::new(person, self.config.reference_year);
        let skip = exclude.and_then(|id| self.ids.get(id)).copied();
        let query = Query {
            profile: &profile,
            skip,
            me: skip,
        };
        self.top_k_profile(query, k, contexts, wanted)
    }

    fn top_k_profile(
        &self,
        query: Query<'_>,
        k: usize,
        contexts: Option<&RivalContexts>,
        wanted: &Wanted<'_>,
    ) -> Vec<Candidate> {
        let mut scored = if self.config.rivals {
            self.top_k_with_rivals(query, k, contexts, wanted)
        } else {
            self.own_top_k(query.profile, k, query.skip, None, 0.0)
        };
        scored.retain(|&(p, y)| p >= wanted.at_least && self.admitted(wanted, y));
        self.to_candidates(scored)
    }

    /// Whether `wanted` admits the record in `slot`.
    fn admitted(&self, wanted: &Wanted<'_>, slot: u32) -> bool {
        self.id_of(slot).is_some_and(|id| (wanted.admit)(id))
    }

    /// `(probability, slot)` pairs as candidates, in the same order.
    fn to_candidates(&self, scored: Vec<(f64, u32)>) -> Vec<Candidate> {
        scored
            .into_iter()
            .filter_map(|(probability, slot)| {
                Some(Candidate {
                    id: self.id_of(slot)?.to_string(),
                    probability,
                })
            })
            .collect()
    }

    /// The `k` best candidates by their own probability, each one at or above `RIVAL_APART` then recomputed by
    /// the linkage's second stage, knowing the other candidates of the query and of the candidate itself (its
    /// own `RIVAL_CONTEXT` best): what a full linkage would know of the pair. A candidate below `RIVAL_APART`
    /// keeps its own probability (a linkage would not list it), and so the list holds the same candidates as
    /// without the second stage: a candidate the second stage lowers below one it never judged is not dropped
    /// for it. Best first.
    fn top_k_with_rivals(
        &self,
        query: Query<'_>,
        k: usize,
        contexts: Option<&RivalContexts>,
        wanted: &Wanted<'_>,
    ) -> Vec<(f64, u32)> {
        let Query {
            profile: p,
            skip,
            me,
        } = query;
        // The query and its candidates' own queries share blocks, and so splits of over-full blocks.
        let stamp = (self.instance, self.changes);
        let splits = contexts.map_or_else(Arc::default, |contexts| contexts.splits(stamp));
        let mut own = self.own_top_k(p, k.max(RIVAL_CONTEXT), skip, Some(&splits), 0.0);
        let of_query = Matches::of(&own);
        own.truncate(k);
        // A candidate the caller would not keep whatever its rivals is not looked at: the second stage gives
        // a pair at most what it gives one with neither rival nor look-alike (or its own, for its own person).
        own.retain(|&(q, y)| {
            let best = if q < RIVAL_APART {
                q
            } else {
                q.max(second_stage(q, false, 0))
            };
            best >= wanted.at_least && self.admitted(wanted, y)
        });
        let person = |slot: u32| self.person_of(slot);
        // Each candidate's own best are a query of their own: on every core.
        let mut rescored: Vec<(f64, u32)> = own
            .into_par_iter()
            .map(|(q, y)| {
                let Some(e) = self.slots.get(y as usize).and_then(Option::as_ref) else {
                    return (q, y);
                };
                if q < RIVAL_APART || is_own(y, me, person) {
                    return (q, y);
                }
                // Only its matches down to the floor count: the trees skip the others.
                let find = || {
                    Matches::of(&self.own_top_k(
                        &e.profile,
                        RIVAL_CONTEXT,
                        Some(y),
                        Some(&splits),
                        RIVAL_APART,
                    ))
                };
                let of_candidate = match contexts {
                    Some(contexts) => contexts.get_or(stamp, y, find),
                    None => Arc::new(find()),
                };
                let p = with_rivals(q, y, me, person, &of_query, &of_candidate);
                (p, y)
            })
            .collect();
        // A stable sort: equal probabilities keep their order by own probability.
        rescored.sort_by(|a, b| b.0.total_cmp(&a.0));
        rescored
    }

    /// Begins a [`BulkLinkage`] for lists of `k` candidates ([`Index::bulk_top_k_of`]).
    pub fn begin_bulk_linkage(&self, k: usize) -> BulkLinkage {
        BulkLinkage {
            instance: self.instance,
            changes: self.changes,
            k,
            linked: 0,
            matches: vec![Vec::new(); self.slots.len()],
            persons: Vec::new(),
            splits: Splits::default(),
            finished: false,
        }
    }

    /// Links up to `records` more records of a [`BulkLinkage`] with every earlier record (pairs at or above
    /// `RIVAL_APART`, as [`Index::link`] finds them), and once the last is linked keeps each record's best
    /// matches. `true` while records remain; `false` when every record is linked, or when the index is not the
    /// one it was begun on (it then answers nothing). Records added or removed meanwhile do not stop it.
    pub fn continue_bulk_linkage(&self, bulk: &mut BulkLinkage, records: usize) -> bool {
        if bulk.instance != self.instance {
            bulk.matches = Vec::new();
            bulk.persons = Vec::new();
            bulk.splits = Splits::default();
            bulk.finished = false;
            return false;
        }
        if bulk.finished {
            return false;
        }
        // The records indexed when it began (slots only grow; a later record is in no part).
        let n = bulk.matches.len();
        let (from, to) = (bulk.linked, (bulk.linked + records.max(1)).min(n));
        let found = self.link_records(from..to, RIVAL_APART, &bulk.splits, &|_| {});
        for (a, b, p) in found {
            for (x, y) in [(a, b), (b, a)] {
                if let Some(list) = bulk.matches.get_mut(x as usize) {
                    list.push((p, y));
                }
            }
        }
        bulk.linked = to;
        if to < n {
            return true;
        }
        // What a query keeps of them: the best `k` (and `RIVAL_CONTEXT`), ties by slot as a query's candidates.
        let kept = bulk.k.max(RIVAL_CONTEXT);
        bulk.matches.par_iter_mut().for_each(|list| {
            list.retain(|(_, slot)| self.is_indexed(*slot));
            list.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            list.truncate(kept);
            list.shrink_to_fit();
        });
        // Each record's person as a number, found once (the lists ask for it again and again).
        let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
        bulk.persons = (0..n as u32)
            .map(|slot| {
                let person = self.person_of(slot)?;
                let next = numbers.len() as u32;
                Some(*numbers.entry(person).or_insert(next))
            })
            .collect();
        bulk.splits = Splits::default();
        bulk.finished = true;
        false
    }

    /// [`Index::top_k_of`] for the `k` a [`BulkLinkage`] was begun with, from that linkage: while no record
    /// was added or removed since it began, the same candidates with the same probabilities, without the record
    /// itself and only those at or above `RIVAL_APART`; after changes, see [`BulkLinkage`]. `None` when `id`
    /// is not indexed or was indexed after the linkage began, or the linkage is not finished.
    pub fn bulk_top_k_of(&self, bulk: &BulkLinkage, id: &str) -> Option<Vec<Candidate>> {
        if !bulk.finished || bulk.instance != self.instance {
            return None;
        }
        let me = *self.ids.get(id)?;
        let changed = bulk.changes != self.changes;
        let still_indexed = |list| self.still_indexed(list, changed);
        let mine = still_indexed(bulk.matches.get(me as usize)?);
        let entry = self.slots.get(me as usize)?.as_ref()?;
        // A query's own list holds its own record where it ranks (ties by slot): one fewer other above it.
        let own = self.score(&entry.profile, &entry.profile);
        let rank = mine.partition_point(|(q, s)| *q > own || (*q == own && *s < me));
        let others = |n: usize| if rank < n { n - 1 } else { n };
        let k = others(bulk.k);
        let of_query = Matches::of_best(&mine, others(bulk.k.max(RIVAL_CONTEXT)));
        let person = |slot: u32| bulk.persons.get(slot as usize).copied().flatten();
        let mut list: Vec<(f64, u32)> = mine
            .iter()
            .take(k)
            .map(|&(q, y)| {
                if !self.config.rivals || is_own(y, Some(me), person) {
                    return (q, y);
                }
                let of_candidate = bulk
                    .matches
                    .get(y as usize)
                    .map(|theirs| Matches::of_best(&still_indexed(theirs), RIVAL_CONTEXT))
                    .unwrap_or_default();
                let p = with_rivals(q, y, Some(me), person, &of_query, &of_candidate);
                (p, y)
            })
            .collect();
        list.sort_by(|a, b| b.0.total_cmp(&a.0));
        Some(self.to_candidates(list))
    }

    /// The matches of `list` whose records are still indexed (all of them when the index has not `changed`).
    fn still_indexed<'a>(&self, list: &'a [(f64, u32)], changed: bool) -> Cow<'a, [(f64, u32)]> {
        if changed {
            Cow::Owned(
                list.iter()
                    .copied()
                    .filter(|(_, s)| self.is_indexed(*s))
                    .collect(),
            )
        } else {
            Cow::Borrowed(list)
        }
    }

    /// Whether `slot` holds a record (it was not removed).
    fn is_indexed(&self, slot: u32) -> bool {
        self.slots.get(slot as usize).is_some_and(Option::is_some)
    }

    /// The person whose name the record in `slot` is (its id up to `Config::person_separator`); `None`
    /// without a separator, or when the id has none.
    fn person_of(&self, slot: u32) -> Option<&str> {
        let separator = self.config.person_separator?;
        self.id_of(slot)?
            .split_once(separator)
            .map(|(person, _)| person)
    }

    /// The `k` best candidates by their own probability (the model alone), best first; with a `floor` above 0,
    /// the trees are not run for candidates whose bound cannot reach it (which may then be left out).
    fn own_top_k(
        &self,
        p: &Profile,
        k: usize,
        skip: Option<u32>,
        splits: Option<&Splits>,
        floor: f64,
    ) -> Vec<(f64, u32)> {
        let mut cand = Vec::new();
        self.candidates(&CandidateKeys::of(p), None, splits, &mut cand);
        let w = self.weights();
        // Compare every candidate, then run the trees best bound first, only while a candidate's bound can still
        // reach the k-th best probability so far: the result is the same as scoring all of them. The features
        // stay where they were computed; only the bounds and an index to them are sorted.
        let mut features: Vec<[f64; crate::N_FEATURES]> = Vec::with_capacity(cand.len());
        let mut bounded: Vec<(f64, f64, usize, u32, usize)> = Vec::with_capacity(cand.len());
        for (pos, s) in cand.iter().enumerate() {
            self.prefetch_candidates(&cand, pos);
            if Some(*s) == skip {
                continue;
            }
            let Some(e) = self.slots.get(*s as usize).and_then(Option::as_ref) else {
                continue;
            };
            let c = compare(p, &e.profile, &w);
            let lin = self.scorer.linear(&c.x) + c.offset();
            bounded.push((self.scorer.upper_bound(lin), lin, pos, *s, features.len()));
            features.push(c.x);
        }
        bounded.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut scored: Vec<(f64, usize, u32)> = Vec::with_capacity(k.min(bounded.len()) + 1);
        let mut kth = f64::NEG_INFINITY;
        // A hair below the floor: nothing at or above it is lost to rounding.
        let floor = logit(floor) - 1e-9;
        for (ub, lin, pos, s, at) in &bounded {
            if *ub < floor || (scored.len() >= k && *ub < kth - 1e-9) {
                break;
            }
            let cut = if scored.len() >= k { kth } else { floor };
            let Some(x) = features.get(*at) else { continue };
            if let Some(z) = self.scorer.log_odds_from(x, *lin, cut) {
                scored.push((z, *pos, *s));
                if scored.len() >= k {
                    // Keep the k best (ties by candidate order, as a stable sort over all would), k-th last.
                    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                    scored.truncate(k);
                    kth = scored[k - 1].0;
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(k);
        scored
            .into_iter()
            .map(|(z, _, s)| (sigmoid(z), s))
            .collect()
    }

    /// Asks the processor to start loading what comparing the candidate at `at` of `slots` will read a few
    /// candidates later: the slot eight places ahead, the name parts' list and the parents' four ahead, the
    /// first name parts two ahead (each step needs the one before it in the cache). Candidates lie all over a
    /// large store, and without this a linkage spent a tenth of its time waiting for them (ADR 0070).
    #[inline]
    fn prefetch_candidates(&self, slots: &[u32], at: usize) {
        let entry = |ahead: usize| {
            slots
                .get(at + ahead)
                .and_then(|s| self.slots.get(*s as usize))
        };
        if let Some(slot) = entry(8) {
            prefetch(slot);
        }
        if let Some(Some(e)) = entry(4) {
            e.profile
                .name
                .first()
                .into_iter()
                .chain(e.profile.father.first())
                .chain(e.profile.mother.first())
                .for_each(prefetch);
        }
        if let Some(Some(e)) = entry(2) {
            e.profile
                .name
                .iter()
                .take(3)
                .for_each(|part| prefetch::<TokData>(part));
        }
    }

    /// Number of candidate pairs blocking generates (for measuring reduction).
    pub fn candidate_pairs(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        self.for_each_candidate_pair(|a, b| out.push((a, b)));
        out
    }

    /// Every candidate pair blocking generates, as `(earlier slot, later slot)`, without collecting them.
    pub fn for_each_candidate_pair(&self, mut f: impl FnMut(u32, u32)) {
        let mut buf = Vec::new();
        let splits = Splits::default();
        for (i, e) in self.slots.iter().enumerate() {
            if let Some(e) = e {
                let keys = CandidateKeys::of(&e.profile);
                self.candidates(&keys, Some(i as u32), Some(&splits), &mut buf);
                for j in &buf {
                    if self.slots[*j as usize].is_some() {
                        f(*j, i as u32);
                    }
                }
            }
        }
    }

    /// Number of persons in a blocking key's block.
    pub fn block_len(&self, key: u64) -> usize {
        self.postings.len_of(key)
    }

    /// Whether a blocking key's block is over its cap, i.e. too common to be used as it is.
    pub fn block_over_cap(&self, key: u64) -> bool {
        self.postings.len_of(key) > self.cap(key)
    }

    /// Id of a slot.
    pub fn id_of(&self, slot: u32) -> Option<&str> {
        self.slots
            .get(slot as usize)
            .and_then(Option::as_ref)
            .map(|e| &*e.id)
    }

    /// Approximate memory of the index in bytes: the slots, each profile's lists, the ids (one copy shared by
    /// the slot and the id map), the id map, the posting lists, the shared texts and the term frequencies.
    pub fn approx_bytes(&self) -> usize {
        let heap: usize = self
            .slots
            .iter()
            .flatten()
            .map(|e| e.profile.approx_bytes() - std::mem::size_of::<Profile>() + e.id.len() + 16)
            .sum();
        self.slots.capacity() * std::mem::size_of::<Option<Entry>>()
            + heap
            + self.ids.capacity() * (std::mem::size_of::<(Arc<str>, u32)>() + 1)
            + self.postings.approx_bytes()
            + self.shared.approx_bytes()
            + self.df.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
    }

    /// Full linkage of everything indexed: every candidate pair scoring at least `min_score`, plus, with
    /// `Config::transitive`, pairs joined through a third record in a cluster of accepted pairs; with
    /// `Config::rivals`, probabilities recomputed knowing each pair's rivals and look-alikes, then with
    /// `Config::triangles` knowing the third records both of its records are linked with. Only pairs at or
    /// above `min_score` are returned. `progress` is called with the number of records done.
    pub fn link(&self, min_score: f64, progress: &(dyn Fn(usize) + Sync)) -> Vec<Pair> {
        let n = self.slots.len();
        let triangles = self.config.rivals && self.config.triangles;
        // Rivals are judged on every pair down to `RIVAL_APART`, triangles down to `TRIANGLE_FLOOR`, whatever
        // the caller keeps.
        let floor = match (self.config.rivals, triangles) {
            (_, true) => min_score.min(TRIANGLE_FLOOR),
            (true, false) => min_score.min(RIVAL_APART),
            (false, _) => min_score,
        };
        let mut scored = self.link_records(0..n, floor, &Splits::default(), progress);
        let proposed = scored.len();
        if self.config.neighbours {
            self.compare_through_neighbours(&mut scored, floor);
        }
        if self.config.transitive {
            self.close_clusters(&mut scored, proposed);
        }
        if self.config.rivals {
            recalibrate_with_rivals(&mut scored);
        }
        if triangles {
            weigh_triangles(&mut scored);
        }
        scored
            .into_iter()
            .filter(|(_, _, p)| *p >= min_score)
            .filter_map(|(a, b, p)| {
                Some(Pair {
                    left: self.id_of(a)?.to_string(),
                    right: self.id_of(b)?.to_string(),
                    probability: p,
                })
            })
            .collect()
    }

    /// Every candidate pair of a record in `records` with an earlier record scoring at least `floor`, as
    /// `(earlier slot, later slot, probability)`, in record order. `progress` is called with the number of
    /// records done.
    fn link_records(
        &self,
        records: std::ops::Range<usize>,
        floor: f64,
        splits: &Splits,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<(u32, u32, f64)> {
        // Records are compared in the order of their first two name parts, not in slot order: records next
        // to each other then share most of their candidates and of the name parts compared, which are still
        // in the processor's cache and in the memo of part similarities (ADR 0073). The pairs are put back in
        // record order at the end. Small chunks keep both cores busy to the end.
        let chunk = 256;
        let mut order: Vec<(u64, u64, u32)> = records
            .clone()
            .map(|i| {
                let name = self
                    .slots
                    .get(i)
                    .and_then(Option::as_ref)
                    .map(|e| &e.profile.name);
                let part = |n: usize| name.and_then(|name| name.get(n)).map_or(0, |t| t.key);
                (part(0), part(1), i as u32)
            })
            .collect();
        order.par_sort_unstable();
        // One set of weights and one cut-off for every pair.
        let (weights, bar) = (self.weights(), (floor, logit(floor)));
        let memos = MemoPool::default();
        let mut out: Vec<(u32, u32, f64)> = order
            .par_chunks(chunk)
            .map_init(
                || memos.lend(),
                |lease, part| {
                    let memo = lease.memo();
                    let mut buf = Vec::new();
                    let mut out = Vec::new();
                    for (_, _, i) in part {
                        let i = *i as usize;
                        let Some(Some(e)) = self.slots.get(i) else {
                            continue;
                        };
                        let keys = CandidateKeys::of(&e.profile);
                        self.candidates(&keys, Some(i as u32), Some(splits), &mut buf);
                        for (at, j) in buf.iter().enumerate() {
                            self.prefetch_candidates(&buf, at);
                            if let Some(Some(o)) = self.slots.get(*j as usize)
                                && let Some(p) = self.score_at_least(
                                    (&o.profile, &e.profile),
                                    &weights,
                                    bar,
                                    memo,
                                )
                            {
                                out.push((*j, i as u32, p));
                            }
                        }
                    }
                    progress(part.len());
                    out
                },
            )
            .flatten_iter()
            .collect();
        // Each record's pairs with earlier ones, record by record.
        out.par_sort_unstable_by_key(|(earlier, later, _)| (*later, *earlier));
        out
    }

    /// Pairs blocking never proposed whose two records are both matched with one third record, each at
    /// `HOP_FLOOR` or more (among its `HOP_NEIGHBOURS` best matches): compared now, and kept when they score
    /// at least `floor`. As a store grows, a common name's blocks go over their cap and two records of one
    /// person can miss each other while each meets a third; the later stages then judge such a pair by its own
    /// comparison instead of taking it for two persons (ADR 0071).
    fn compare_through_neighbours(&self, scored: &mut Vec<(u32, u32, f64)>, floor: f64) {
        let mut neighbours: FxHashMap<u32, Vec<(f64, u32)>> = FxHashMap::default();
        for (a, b, p) in scored.iter().filter(|(_, _, p)| *p >= HOP_FLOOR) {
            neighbours.entry(*a).or_default().push((*p, *b));
            neighbours.entry(*b).or_default().push((*p, *a));
        }
        let known: rustc_hash::FxHashSet<(u32, u32)> = scored
            .iter()
            .map(|(a, b, _)| (*a.min(b), *a.max(b)))
            .collect();
        let mut wanted: Vec<(u32, u32)> = Vec::new();
        for list in neighbours.values_mut() {
            list.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            list.truncate(HOP_NEIGHBOURS);
            for (i, (_, a)) in list.iter().enumerate() {
                for (_, b) in &list[i + 1..] {
                    let pair = (*a.min(b), *a.max(b));
                    if !known.contains(&pair) {
                        wanted.push(pair);
                    }
                }
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let (weights, bar) = (self.weights(), (floor, logit(floor)));
        let memos = MemoPool::default();
        let found: Vec<(u32, u32, f64)> = wanted
            .par_chunks(256)
            .map_init(
                || memos.lend(),
                |lease, chunk| {
                    let memo = lease.memo();
                    chunk
                        .iter()
                        .filter_map(|(a, b)| {
                            let (Some(Some(x)), Some(Some(y))) =
                                (self.slots.get(*a as usize), self.slots.get(*b as usize))
                            else {
                                return None;
                            };
                            let p =
                                self.score_at_least((&x.profile, &y.profile), &weights, bar, memo)?;
                            Some((*a, *b, p))
                        })
                        .collect::<Vec<_>>()
                },
            )
            .flatten_iter()
            .collect();
        scored.extend(found);
    }

    /// Union-find over accepted pairs; inside small clusters, pairs blocking never proposed (those after the
    /// first `proposed` of `scored`) are scored directly and accepted just above the threshold unless the direct
    /// comparison is strongly against.
    fn close_clusters(&self, scored: &mut Vec<(u32, u32, f64)>, proposed: usize) {
        let n = self.slots.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        fn find(p: &mut [u32], mut x: u32) -> u32 {
            while p[x as usize] != x {
                p[x as usize] = p[p[x as usize] as usize];
                x = p[x as usize];
            }
            x
        }
        let t = self.config.threshold;
        for (a, b, p) in scored.iter() {
            if *p >= t {
                let (ra, rb) = (find(&mut parent, *a), find(&mut parent, *b));
                if ra != rb {
                    parent[ra as usize] = rb;
                }
            }
        }
        let mut members: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (a, b, p) in scored.iter() {
            if *p >= t {
                for x in [*a, *b] {
                    let r = find(&mut parent, x);
                    members.entry(r).or_default().push(x);
                }
            }
        }
        let mut have: FxHashMap<(u32, u32), usize> = FxHashMap::default();
        for (i, (a, b, _)) in scored.iter().enumerate() {
            have.insert((*a.min(b), *a.max(b)), i);
        }
        for (_, mut m) in members {
            m.sort_unstable();
            m.dedup();
            if m.len() < 3 || m.len() > 12 {
                continue;
            }
            for (i, a) in m.iter().enumerate() {
                for b in &m[i + 1..] {
                    let direct = match have.get(&(*a, *b)) {
                        Some(ix) => scored[*ix].2,
                        None => match (self.slots.get(*a as usize), self.slots.get(*b as usize)) {
                            (Some(Some(x)), Some(Some(y))) => self.score(&x.profile, &y.profile),
                            _ => continue,
                        },
                    };
                    if direct >= t {
                        continue;
                    }
                    // Transitive evidence: accept at just above the threshold unless the direct comparison is
                    // strongly against (a sibling that a chain of weak links pulled in).
                    // Only pairs blocking never proposed are lifted: a proposed pair keeps its own verdict.
                    let known = have.get(&(*a, *b)).copied();
                    if known.is_some_and(|ix| ix < proposed) {
                        continue;
                    }
                    let lifted = if direct >= LIFT_MIN {
                        t + (1.0 - t) * 0.02 + direct * 0.01
                    } else {
                        direct
                    };
                    match known.and_then(|ix| scored.get_mut(ix)) {
                        Some(pair) => pair.2 = lifted,
                        None => scored.push((*a, *b, lifted)),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        Candidate, Config, HOP_FLOOR, Index, RIVAL_APART, Triangles, block_keys, posting_keys,
        recalibrate_with_rivals, second_stage, triangle_ratio, weigh_triangles,
    };
    use crate::profile::{Person, Profile};

    /// Kinds (top three bits) of the blocking keys two records share.
    fn shared_kinds(a: Person, b: Person) -> Vec<u64> {
        let (ka, kb) = (
            block_keys(&Profile::new(&a, 2024)),
            block_keys(&Profile::new(&b, 2024)),
        );
        let mut kinds: Vec<u64> = ka
            .iter()
            .filter(|k| kb.binary_search(k).is_ok())
            .map(|k| k >> 61)
            .collect();
        kinds.dedup();
        kinds
    }

    /// The log-odds an explanation gives one field (0 when it lists none).
    fn field_log_odds(e: &crate::Explanation, field: &str) -> f64 {
        e.fields
            .iter()
            .find(|f| f.field == field)
            .map_or(0.0, |f| f.log_odds)
    }

    fn person(name: &str, birth_date: &str, last_seen: &str) -> Person {
        Person {
            full_name: name.into(),
            birth_date: birth_date.into(),
            last_seen_place: last_seen.into(),
            ..Person::default()
        }
    }

    /// Two records of one person that blocking did not propose are compared when both are among a third
    /// record's matches; not when one of them is matched with it below `HOP_FLOOR`.
    #[test]
    fn records_both_matched_with_a_third_are_compared_though_blocking_missed_them() {
        let mut index = Index::new(Config::default());
        index.add_all(&[
            ("a", person("Olena Savchenko", "1988-02-05", "Kyiv")),
            ("b", person("Olena Savchenko", "1988-02-05", "Kyiv")),
            ("c", person("Olena Savchenko", "1988", "Kyiv")),
            ("d", person("Marta Kovalenko", "1951-11-30", "Lviv")),
        ]);
        let score = |x: u32, y: u32| match (
            index.slots[x as usize].as_ref(),
            index.slots[y as usize].as_ref(),
        ) {
            (Some(x), Some(y)) => index.score(&x.profile, &y.profile),
            _ => 0.0,
        };
        // As if blocking had proposed only the pairs with the third record (and one far below the floor).
        let mut scored = vec![(0, 2, score(0, 2)), (1, 2, score(1, 2)), (2, 3, 0.01)];
        assert!(scored[..2].iter().all(|(_, _, p)| *p >= HOP_FLOOR));
        index.compare_through_neighbours(&mut scored, 0.01);
        let found: Vec<(u32, u32)> = scored[3..].iter().map(|(a, b, _)| (*a, *b)).collect();
        assert_eq!(found, vec![(0, 1)]);
        assert!(scored[3].2 > 0.9, "{scored:?}");
    }

    /// Records whose name is one part (Fatima), every block of which is over its cap, are still compared with
    /// the persons of those blocks, from either end of the index and the same from both sides: a query finds
    /// each of them from the other, a full linkage proposes each pair once, and a bulk linkage gives every
    /// record the list its query gives (ADR 0074).
    #[test]
    fn a_record_whose_name_is_one_common_part_is_compared_with_its_namesakes() {
        let fatima = |name: &str| person(name, "1990-03-04", "Kabul");
        let mut records = vec![("first".to_owned(), fatima("Fatima"))];
        records.extend((0..60).map(|i| (format!("n{i}"), fatima(&format!("Fatima {}", word(i))))));
        records.push(("last".to_owned(), fatima("Fatima")));
        let config = Config {
            max_block: 80,
            transitive: false,
            neighbours: false,
            ..Config::default()
        };
        let mut index = Index::new(config);
        index.add_all(&records);
        let keys = index.slots[0]
            .as_ref()
            .map(|e| block_keys(&e.profile))
            .unwrap_or_default();
        assert!(!keys.is_empty() && keys.iter().all(|k| index.block_over_cap(*k)));

        let found: std::collections::HashMap<&str, Vec<String>> = records
            .iter()
            .map(|(id, _)| {
                let list = index.top_k_of(id, 100).unwrap_or_default();
                (
                    id.as_str(),
                    list.into_iter().map(|c| c.id).filter(|c| c != id).collect(),
                )
            })
            .collect();
        assert_eq!(found["first"].len(), 61);
        for (id, list) in &found {
            for other in list {
                assert!(
                    found[other.as_str()].contains(&id.to_string()),
                    "{id} finds {other}, not the other way"
                );
            }
        }
        let linked: Vec<(String, String)> = index
            .link(0.0, &|_| {})
            .into_iter()
            .map(|pair| (pair.left, pair.right))
            .collect();
        for (a, b) in [("first", "last"), ("first", "n0"), ("n59", "last")] {
            assert!(linked.contains(&(a.to_owned(), b.to_owned())), "{a} {b}");
        }
        let mut once = linked.clone();
        once.sort_unstable();
        once.dedup();
        assert_eq!(once.len(), linked.len(), "a pair given twice");
        assert_eq!(index.candidate_pairs().len(), linked.len());

        let mut bulk = index.begin_bulk_linkage(10);
        while index.continue_bulk_linkage(&mut bulk, 7) {}
        let ids =
            |list: Vec<Candidate>| -> Vec<String> { list.into_iter().map(|c| c.id).collect() };
        for (id, _) in &records {
            let queried: Vec<Candidate> = index
                .top_k_of(id, 10)
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.id != *id && c.probability >= RIVAL_APART)
                .collect();
            assert_eq!(
                ids(index.bulk_top_k_of(&bulk, id).unwrap_or_default()),
                ids(queried),
                "{id}"
            );
        }
    }

    /// `add_all` gathers postings and merges them in one pass: the lists are those `add` of each person in
    /// turn gives, also when some merges are due in the middle, persons given twice are replaced inside one
    /// call and across calls, and the last few postings go to the lists' additions.
    #[test]
    fn adding_many_at_once_builds_the_index_adding_each_in_turn_builds() {
        // 2,600 ids, the first 400 given twice (another person the second time): more than 65,536 postings.
        let records: Vec<(String, Person)> = (0..3_000)
            .map(|i| {
                let name = format!("{} {}", word(i % 40), word(1000 + i / 7));
                let born = format!("{}-{:02}-{:02}", 1940 + i % 60, 1 + i % 12, 1 + i % 28);
                (
                    format!("p{}", i % 2_600),
                    person(&name, &born, &word(i % 90)),
                )
            })
            .collect();
        let mut one_by_one = Index::new(Config::default());
        for (id, p) in &records {
            one_by_one.add(id, p);
        }
        let mut at_once = Index::new(Config::default());
        at_once.add_all(&records[..2_700]);
        at_once.add_all(&records[2_700..2_990]);
        at_once.add_all(&records[2_990..]);
        assert_eq!(at_once.len(), 2_600);
        let lists = |index: &Index| -> Vec<Vec<u32>> {
            let mut keys: Vec<u64> = index
                .slots
                .iter()
                .flatten()
                .flat_map(|e| posting_keys(&e.profile))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys.iter()
                .map(|k| index.postings.get(*k).map_or_else(Vec::new, |l| l.to_vec()))
                .collect()
        };
        assert_eq!(lists(&at_once), lists(&one_by_one));
        assert_eq!(at_once.candidate_pairs(), one_by_one.candidate_pairs());
        assert_eq!(at_once.link(0.05, &|_| {}), one_by_one.link(0.05, &|_| {}));
    }

    /// An index of 2,000 persons of 2,000 names (40 given names, 50 family names), `record(i, name)` the i-th.
    fn two_thousand(record: impl Fn(usize, &str) -> Person) -> Index {
        let mut index = Index::new(Config::default());
        let records: Vec<(String, Person)> = (0..2_000)
            .map(|i| {
                let name = format!("{} {}", word(i % 40), word(1000 + i / 40));
                (format!("p{i}"), record(i, &name))
            })
            .collect();
        index.add_all(&records);
        index
    }

    /// A pronounceable Latin word for a number (no digits: a digit inside a name reads as a letter).
    fn word(mut n: usize) -> String {
        const SYLLABLES: [&str; 16] = [
            "ka", "lo", "mi", "ru", "se", "ta", "no", "vi", "de", "pa", "go", "zu", "be", "fi",
            "ha", "jo",
        ];
        let mut w = String::from("Mo");
        for _ in 0..3 {
            w.push_str(SYLLABLES[n % 16]);
            n /= 16;
        }
        w
    }

    /// `copies` times the same population: 40 given names and 250 family names, each combination once.
    fn population(copies: usize) -> Index {
        let mut index = Index::new(Config::default());
        let records: Vec<(String, Person)> = (0..copies * 10_000)
            .map(|i| {
                let j = i % 10_000;
                let name = format!("{} {}", word(j % 40), word(1000 + j / 40));
                (format!("p{i}"), person(&name, "", ""))
            })
            .collect();
        index.add_all(&records);
        index
    }

    #[test]
    fn in_a_store_three_times_larger_with_the_same_names_only_the_prior_is_lower() {
        // Both records carry names of the population: the same shares of the store in both.
        let (a, b) = (
            person(&format!("{} {}", word(3), word(1007)), "1980-05-02", ""),
            person(&format!("{} {}", word(3), word(1007)), "1980", ""),
        );
        let (small, large) = (population(1), population(3));
        let (e1, e3) = (small.explain(&a, &b), large.explain(&a, &b));
        let name = |e: &crate::Explanation| {
            e.fields
                .iter()
                .filter(|f| f.field == "name" || f.field == "given name")
                .map(|f| f.log_odds)
                .sum::<f64>()
        };
        // The name evidence comes from each part's share of the store (the counts differ by one in the
        // smoothing only); three times more persons make any one candidate less likely by 0.65 of ln 3.
        assert!((name(&e3) - name(&e1)).abs() < 0.02, "{e1}\n{e3}");
        let expected = -0.65 * (30_000.0f64 / 10_000.0).ln();
        assert!(
            (e3.log_odds - e1.log_odds - expected).abs() < 0.05,
            "{} -> {} (expected a change of {expected})",
            e1.log_odds,
            e3.log_odds
        );
    }

    #[test]
    fn an_agreeing_last_seen_town_weighs_more_when_few_were_seen_there() {
        // 2,000 persons seen in one town: agreeing on it is as common as the training populations' camps.
        let index = two_thousand(|_, name| person(name, "1980", "Agadez"));
        let pair = |town: &str| {
            index.explain(
                &person("Amadou Diallo", "1990", town),
                &person("Amadou Diallo", "1991", town),
            )
        };
        let (common, rare) = (pair("Agadez"), pair("Tessaoua"));
        let seen = |e: &crate::Explanation| field_log_odds(e, "last seen");
        // No one else was seen in Tessaoua: the most a rare town adds, and all of it on the last-seen field.
        assert!(
            (rare.log_odds - common.log_odds - 2.0).abs() < 1e-9,
            "{common}\n{rare}"
        );
        assert!((seen(&rare) - seen(&common) - 2.0).abs() < 1e-9);
        // Outside an index nothing is counted, so nothing is added.
        let a = Profile::new(&person("Amadou Diallo", "1990", "Tessaoua"), 2024);
        let b = Profile::new(&person("Amadou Diallo", "1991", "Tessaoua"), 2024);
        assert_eq!(
            crate::compare::compare(&a, &b, &crate::compare::Uniform).rare_place,
            0.0
        );
    }

    #[test]
    fn an_agreeing_parent_or_birth_date_weighs_more_when_few_in_the_store_share_it() {
        // 2,000 persons, every one with a father Ali and a mother Fatima, born on one day.
        let index = two_thousand(|_, name| Person {
            father_name: "Ali".into(),
            mother_name: "Fatima".into(),
            ..person(name, "1980-05-17", "Agadez")
        });
        let pair = |father: &str, mother: &str, date: &str| {
            let p = Person {
                father_name: father.into(),
                mother_name: mother.into(),
                ..person("Amadou Diallo", date, "Agadez")
            };
            index.explain(&p, &p)
        };
        let common = pair("Ali", "Fatima", "1980-05-17");
        let rare = pair("Oluwagbemiga", "Arinola", "1993-11-23");
        let mut added = 0.0;
        for field in ["father", "mother", "birth date"] {
            let more = field_log_odds(&rare, field) - field_log_odds(&common, field);
            assert!(more > 0.3, "{field}: {more}\n{common}\n{rare}");
            added += more;
        }
        // Nothing else differs.
        assert!((rare.log_odds - common.log_odds - added).abs() < 1e-9);
        // A registration default (1 January) is no whole date: nothing is counted for it, nothing added.
        let default_day = pair("Ali", "Fatima", "1993-01-01");
        assert!(field_log_odds(&default_day, "birth date") < field_log_odds(&rare, "birth date"));
        // Outside an index nothing is counted, so nothing is added.
        let a = Profile::new(
            &Person {
                father_name: "Oluwagbemiga".into(),
                mother_name: "Arinola".into(),
                ..person("Amadou Diallo", "1993-11-23", "Agadez")
            },
            2024,
        );
        let c = crate::compare::compare(&a, &a, &crate::compare::Uniform);
        assert_eq!(c.rarities, crate::Rarities::default());
    }

    #[test]
    fn a_birth_town_where_the_other_was_last_seen_counts_where_persons_stay_home() {
        // 2,000 persons in 200 towns: born there and seen at a street of it (they stay), or seen on a route.
        let store = |seen_at: &dyn Fn(&str) -> String| {
            two_thousand(|i, name| {
                let town = word(2000 + i % 200);
                Person {
                    birth_place: town.clone(),
                    ..person(name, "1980", &seen_at(&town))
                }
            })
        };
        let stay = store(&|town| format!("12 Main Street, {town}"));
        let travel = store(&|_| "Lesbos".into());
        let born = Person {
            birth_place: "Apolda".into(),
            ..person("Jorge Hess", "1955-08-17", "")
        };
        let seen = person("Jorge Hess", "1955-08-17", "140 Lindaustr., Apolda");
        let birth_place = |e: &crate::Explanation| field_log_odds(e, "birth place");
        let (home, route) = (stay.explain(&born, &seen), travel.explain(&born, &seen));
        // Where persons are last seen where they were born, the other's birth town is strong evidence (the
        // most it adds), all of it on the birth place; where they move on, it is none.
        assert!(
            (home.log_odds - route.log_odds - 3.0).abs() < 1e-9,
            "{home}\n{route}"
        );
        assert!((birth_place(&home) - birth_place(&route) - 3.0).abs() < 1e-9);
        // Both records giving a birth place compare it as such: the other's last-seen town adds nothing.
        let both_born = Person {
            birth_place: "Weimar".into(),
            ..seen.clone()
        };
        let (home, route) = (
            stay.explain(&born, &both_born),
            travel.explain(&born, &both_born),
        );
        assert!(
            (home.log_odds - route.log_odds).abs() < 1e-9,
            "{home}\n{route}"
        );
    }

    #[test]
    fn one_street_address_weighs_by_how_many_persons_were_seen_at_it() {
        // 2,000 persons on Elm Street in 20 towns (100 a street: keys keep no house numbers), and 300 at one
        // shelter's address.
        let mut index = Index::new(Config::default());
        let records: Vec<(String, Person)> = (0..2_300)
            .map(|i| {
                let name = format!("{} {}", word(i % 40), word(1000 + i / 40));
                let seen = if i < 2_000 {
                    format!("{i} Elm Street, {}", word(2000 + i % 20))
                } else {
                    "1 Rue de la Gare, Calais".to_string()
                };
                (format!("p{i}"), person(&name, "1980", &seen))
            })
            .collect();
        index.add_all(&records);
        let rare_place = |a: &str, b: &str| {
            let profile = |seen: &str| Profile::new(&person("Jorge Hess", "1955", seen), 2026);
            index.compare_profiles(&profile(a), &profile(b)).rare_place
        };
        // No one else was seen at this address: the most a spot adds, twice what its town alone may.
        assert_eq!(
            rare_place("140 Lindaustr., Apolda", "140 Lindavstr., Apolda"),
            4.0
        );
        assert_eq!(rare_place("Apolda", "Apolda"), 2.0);
        // Another street shares the town, not the spot.
        assert_eq!(
            rare_place("140 Lindaustr., Apolda", "12 Goethestr., Apolda"),
            2.0
        );
        // A shelter where 300 of 2,300 persons were seen says as little as a camp.
        assert_eq!(
            rare_place("1 Rue de la Gare, Calais", "1 Rue de la Gare, Calais"),
            0.0
        );
    }

    #[test]
    fn names_with_a_typo_in_every_part_meet_at_the_same_place() {
        let (a, b) = ("Remy Matques", "Rerny Marques");
        assert_eq!(
            shared_kinds(person(a, "", ""), person(b, "", "")),
            Vec::<u64>::new()
        );
        assert_eq!(
            shared_kinds(person(a, "", "Sainte Elise"), person(b, "", "Sainte Elise")),
            vec![5]
        );
    }

    #[test]
    fn a_street_address_meets_its_town_and_a_typo_after_the_third_letter() {
        let (a, b) = ("Remy Matques", "Rerny Marques");
        for (place, other) in [
            ("12 rue Blanchard, Marquesboeuf", "Marquesboeuf"),
            ("Marquesboeuf", "Marqeusbouef"),
            (
                "12 rue Blanchard, Marquesboeuf",
                "3 avenue Hugo, Marqesboeuf",
            ),
        ] {
            assert_eq!(
                shared_kinds(person(a, "", place), person(b, "", other)),
                vec![5],
                "{place} / {other}"
            );
        }
        assert_eq!(
            shared_kinds(person(a, "", "Marquesboeuf"), person(b, "", "Mayenne")),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn a_typo_in_every_part_meets_on_the_ends_of_one_and_the_first_letters_of_another() {
        // A typo inside the given name and one at the end of the family name: no key of either part is left.
        assert_eq!(
            shared_kinds(
                person("Gabeiel Girard", "", ""),
                person("Gabriel Girare", "", "")
            ),
            vec![4]
        );
        // Both first letters or both ends broken: nothing.
        assert_eq!(
            shared_kinds(
                person("Gabeiel Girard", "", ""),
                person("Gbariel Gjrare", "", "")
            ),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn a_typo_that_changes_the_first_consonant_of_the_skeleton_still_meets() {
        // Skeletons `bnr` / `hnr` and `tsn` / `fsn`: their ends differ, the spellings' ends do not.
        assert!(
            shared_kinds(
                person("Rouven Wäbner", "", ""),
                person("Rouven Wähner", "", "")
            )
            .contains(&4)
        );
        assert!(
            shared_kinds(
                person("Ashlcigh Watson", "", ""),
                person("Ashleigh Wafson", "", "")
            )
            .contains(&4)
        );
        assert_eq!(
            shared_kinds(
                person("Ashleigh Watson", "", ""),
                person("Marta Lopez", "", "")
            ),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn a_single_mistyped_part_meets_its_spelling_in_the_same_year() {
        // Zahra is in the name table (its key is its group), Zarha is not: no key of the part is shared.
        for (a, b) in [
            ("Zarha", "Zahra"),
            ("Naeges", "Narges"),
            ("Naijba", "Najiba"),
        ] {
            assert_eq!(
                shared_kinds(person(a, "1986", ""), person(b, "1986-03-27", "")),
                vec![0],
                "{a} / {b}"
            );
            assert_eq!(
                shared_kinds(person(a, "1986", ""), person(b, "1972-03-27", "")),
                Vec::<u64>::new(),
                "{a} / {b}, years apart"
            );
        }
        assert_eq!(
            shared_kinds(person("Zahra", "1986", ""), person("Zainab", "1986", "")),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn a_typo_at_the_end_of_every_part_keeps_their_first_letters() {
        // Both parts mistyped after their third letter, the last letter included: neither part's key, nor its
        // ends, nor its skeleton with the year is shared (one record gives no year).
        for (a, b) in [
            ("Valérei Antoine", "Valéric Antoinc"),
            ("Antoine Valérei", "Valéric Antoinc"),
            ("Moroc, Hannab", "Hannah More"),
            ("Valérei Marie Antoine", "Valéric Antoinc"),
        ] {
            assert_eq!(
                shared_kinds(person(a, "1988-06-01", ""), person(b, "", "")),
                vec![4],
                "{a} / {b}"
            );
        }
        assert_eq!(
            shared_kinds(person("Valérie Antoine", "", ""), person("Valérie", "", "")),
            vec![1],
            "one part alone makes no pair of beginnings"
        );
    }

    #[test]
    fn the_same_day_and_month_meet_across_a_year_or_two() {
        let (a, b) = ("Sorsh Langevoprt", "Sarah Langevoort");
        for (date, other, shared) in [
            ("1993-10-11", "1994-10-11", true),
            ("1993-10-11", "1995-11-10", true),
            ("1993-10-11", "1993-10-12", false),
            ("1993-10-11", "1998-10-11", false),
        ] {
            let kinds = shared_kinds(person(a, date, ""), person(b, other, ""));
            assert_eq!(kinds.contains(&6), shared, "{date} and {other}: {kinds:?}");
        }
    }

    #[test]
    fn a_typo_inside_a_part_keeps_its_pair_with_another_part() {
        // "Pkwell" and "Powell" keep their first and last letters, not their first two.
        let kinds = shared_kinds(
            person("Thomas Pkwell", "", ""),
            person("Thommas Powell", "", ""),
        );
        assert!(kinds.contains(&4), "{kinds:?}");
        let kinds = shared_kinds(
            person("Thomas Pkwelt", "", ""),
            person("Thommas Powell", "", ""),
        );
        assert!(!kinds.contains(&4), "{kinds:?}");
    }

    #[test]
    fn a_pair_with_a_much_stronger_rival_that_is_another_person_is_rivalled() {
        // 0 matches 1 strongly; 1 and 2 were compared and are apart, so 0-2 is rivalled (1 is its look-alike).
        // 3-4 has neither rival nor look-alike.
        let mut scored = vec![(0, 1, 0.95), (0, 2, 0.6), (1, 2, 0.02), (3, 4, 0.6)];
        recalibrate_with_rivals(&mut scored);
        let expected = [
            (0, 1, second_stage(0.95, false, 0)),
            (0, 2, second_stage(0.6, true, 1)),
            (1, 2, second_stage(0.02, false, 0)),
            (3, 4, second_stage(0.6, false, 0)),
        ];
        assert_eq!(scored, expected);
        assert!(scored[1].2 < 0.5 && scored[3].2 > 0.8);
    }

    #[test]
    fn a_rival_never_compared_counts_as_another_person_and_a_likely_same_one_does_not() {
        // 2 and 0's rival 1 were never proposed together: apart. 5's rival 6 matches 7 well: not rivalled.
        let mut scored = vec![
            (0, 1, 0.9),
            (0, 2, 0.5),
            (5, 6, 0.9),
            (5, 7, 0.5),
            (6, 7, 0.4),
        ];
        recalibrate_with_rivals(&mut scored);
        assert_eq!(scored[1].2, second_stage(0.5, true, 1));
        assert_eq!(scored[3].2, second_stage(0.5, false, 0));
        assert_eq!(scored[4].2, second_stage(0.4, false, 0));
    }

    #[test]
    fn look_alikes_as_probable_as_the_pair_lower_it() {
        // 0-1 has three look-alikes of 0 (2, 3, 4) scoring about as much, none of them 1; 5-6 has none.
        let mut scored = vec![
            (0, 1, 0.7),
            (0, 2, 0.7),
            (0, 3, 0.65),
            (0, 4, 0.75),
            (5, 6, 0.7),
        ];
        recalibrate_with_rivals(&mut scored);
        assert_eq!(scored[0].2, second_stage(0.7, false, 3));
        assert!(scored[0].2 < scored[4].2);
    }

    /// The third stage of a pair of second-stage probability `p` with one third record linked `q` and `r`.
    fn with_third(p: f64, q: f64, r: f64) -> f64 {
        Triangles::of(&mut [triangle_ratio(q, r)]).third_stage(p)
    }

    #[test]
    fn a_third_record_linked_with_both_raises_a_pair_and_one_linked_with_one_only_lowers_it() {
        assert_eq!(Triangles::default().third_stage(0.4), 0.4);
        assert_eq!(with_third(0.4, 0.0, 0.0), 0.4);
        assert!(
            with_third(0.4, 0.9, 0.9) > 0.6,
            "{}",
            with_third(0.4, 0.9, 0.9)
        );
        assert!(
            with_third(0.4, 0.999, 0.0) < 0.3,
            "{}",
            with_third(0.4, 0.999, 0.0)
        );
        // Weak links say little either way, and the order of the two records does not matter.
        assert!((with_third(0.4, 0.1, 0.0) - 0.4).abs() < 0.05);
        assert_eq!(with_third(0.4, 0.9, 0.2), with_third(0.4, 0.2, 0.9));
        // Certain links stay finite: the clamp keeps the ratio's denominator above 0.
        assert!(with_third(0.4, 1.0, 1.0) < 1.0 && with_third(0.4, 1.0, 0.0) > 0.0);
        // A second conflict lowers a pair further; the order of the third records changes no bit.
        let one = Triangles::of(&mut [triangle_ratio(0.9, 0.0)]);
        let mut ratios = [0.3, 0.9, 0.0, 0.8, 0.95, 0.1].map(|q| triangle_ratio(q, 0.0));
        let first = Triangles::of(&mut ratios[..2]);
        assert!(first.third_stage(0.6) < one.third_stage(0.6));
        let all = Triangles::of(&mut ratios);
        ratios.reverse();
        assert_eq!(Triangles::of(&mut ratios), all);
    }

    #[test]
    fn triangles_judge_every_pair_on_the_probabilities_before_any_changed() {
        // 0-1 is supported by 2 (linked with both); 3-4 conflicts with 5 (linked with 3 only, and 4-5 is below
        // the floor: not a link); 6-7 has no third record; 8-9 is below the floor and left as it is.
        let mut scored = vec![
            (0, 1, 0.4),
            (0, 2, 0.95),
            (1, 2, 0.9),
            (3, 4, 0.6),
            (3, 5, 0.999),
            (4, 5, 0.005),
            (6, 7, 0.6),
            (8, 9, 0.005),
        ];
        let before = scored.clone();
        weigh_triangles(&mut scored);
        let expected_01 = Triangles::of(&mut [triangle_ratio(0.95, 0.9)]);
        assert_eq!(scored[0].2, expected_01.third_stage(0.4));
        assert!(scored[0].2 > 0.7);
        assert_eq!(scored[3].2, with_third(0.6, 0.999, 0.0));
        assert!(scored[3].2 < 0.5);
        assert_eq!(scored[6], before[6]);
        assert_eq!(scored[5], before[5]);
        assert_eq!(scored[7], before[7]);
    }

    /// More namesakes than the reference set of the weights, and more than any block holds: in another
    /// organisation mostly, and the newest in the searcher's own.
    fn crowded_with_fatima_ahmed(then: &[(&str, &str)]) -> Index {
        let mut index = Index::new(Config::default());
        let common = person("Fatima Ahmed", "", "");
        for n in 0..12_000 {
            index.add(&format!("other/{n}"), &common);
        }
        for (id, name) in then {
            index.add(id, &person(name, "", ""));
        }
        index.compact();
        index
    }

    fn found(index: &Index, name: &str) -> Vec<String> {
        index
            .search_names(name, 10, |id| id.starts_with("own/"))
            .into_iter()
            .map(|hit| hit.id)
            .collect()
    }

    #[test]
    fn a_name_search_finds_the_newest_namesake_of_the_most_common_name() {
        let index = crowded_with_fatima_ahmed(&[
            ("own/older", "Fatima Ahmed"),
            ("own/variant", "Fatma Ahmed"),
            ("own/longer", "Fatima Ahmed Ali"),
            ("own/newest", "Fatima Ahmed"),
            ("own/other", "Amina Diallo"),
        ]);
        assert!(
            index.cap(block_keys(&Profile::new(&person("Fatima Ahmed", "", ""), 2026))[0]) < 12_000
        );
        assert_eq!(
            found(&index, "Fatima Ahmed"),
            ["own/newest", "own/older", "own/variant", "own/longer"]
        );
        assert_eq!(found(&index, "Amina Diallo"), ["own/other"]);
        assert_eq!(found(&index, "Yohannes Tesfaye"), Vec::<String>::new());
    }

    #[test]
    fn a_name_search_finds_names_across_scripts_and_leaves_out_what_does_not_resemble() {
        let index = crowded_with_fatima_ahmed(&[
            ("own/latin", "Omar Al Hassan"),
            ("own/arabic", "عمر الحسن"),
            ("own/namesake", "Omar Diallo"),
            ("own/unrelated", "Hassan Diallo"),
        ]);
        for query in ["Omar Al Hassan", "عمر الحسن", "Omar Hasan"] {
            let hits = found(&index, query);
            assert_eq!(hits.len(), 2, "{query}: {hits:?}");
            assert!(hits.contains(&"own/latin".to_string()), "{query}");
            assert!(hits.contains(&"own/arabic".to_string()), "{query}");
        }
    }
}
