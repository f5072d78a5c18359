//! The matching service: an in-memory index of every organisation's persons
//! (built from the store at start, updated as persons are saved), and the
//! rules that decide which pairs become candidates.
//!
//! Key design decision: the index may hold every organisation's persons,
//! but nothing it returns is shown as is. Candidates go to the store as ids,
//! a score and a per-field agreement without values; name search results
//! are filtered to the caller's organisation before they leave this module.

use crate::secrets::SnapshotSealer;
use retrace_domain::consent::may_match_across_organisations;
use retrace_domain::{
    Agreement, ConsentLedger, FieldExplanation, OrgId, PersonDetails, PersonId, RequestId, Sex,
    Timestamp,
};
use retrace_matching::{
    BulkLinkage, Config, Index, RivalContexts, SnapshotError, SnapshotReader, SnapshotWriter,
    Status, Wanted,
};
use retrace_store::{AuditContext, MatchablePerson, NewCandidate, PersonRole, Store, StoreResult};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

/// Every candidate is reviewed by a person, so the bar for proposing one is
/// lower than the engine's linkage threshold: a missed relative costs more
/// than a rejected proposal.
pub const CANDIDATE_MIN_PROBABILITY: f64 = 0.3;
/// At most this many candidates are kept per sought person.
pub const CANDIDATES_PER_PERSON: usize = 20;
/// How many candidates of each of a sought person's names are looked at
/// (more than are kept: several may be one person, or not allowed).
const CANDIDATES_LOOKED_AT: usize = 60;
/// About how long a bulk linkage holds the index at a time: saves wait
/// meanwhile, and go on between parts. The records of the next part follow
/// how long the last one took, between the fewest and the most below.
const BULK_LINKAGE_HOLD: Duration = Duration::from_millis(250);
/// Records of a bulk linkage's first part, and the fewest and most of any.
const BULK_LINKAGE_PART: (usize, usize, usize) = (1024, 256, 8192);
const PAGE: u32 = 2000;
/// The version of the service's own rules for what a list holds (who may be
/// a candidate, how many, from what probability): bump it when they change,
/// so that lists stored under the old rules are recomputed.
const LIST_RULES: u32 = 1;

/// What computes a candidate list: the matching engine's fingerprint and
/// [`LIST_RULES`]. Lists stored under another are recomputed at start
/// (docs/adr/0054-lists-recomputed-under-a-new-engine.md).
pub fn lists_engine() -> String {
    format!(
        "{:016x}.{LIST_RULES}",
        retrace_matching::scoring_fingerprint()
    )
}

/// What the service keeps of one person, as [`Entries`] gives it out.
#[derive(Debug, Clone, Copy)]
struct Entry {
    org: OrgId,
    request: Option<RequestId>,
    role: PersonRole,
    /// May be matched against other organisations' records.
    cross_org: bool,
    /// Tracing consent withdrawn or request closed: not matched at all.
    inactive: bool,
    /// The person's records in the index (one per name), under
    /// [`slot_id`]s `0..names`, while active.
    names: u32,
    /// The service's change counter when this entry was written (see
    /// [`Inner::changes`]).
    changed: u64,
}

/// One person's entry as stored: organisation, role and request as small
/// numbers into [`Entries`]' tables, the flags in bits.
#[derive(Debug, Clone, Copy)]
struct Packed {
    changed: u64,
    /// Into [`Entries::requests`]; [`NO_REQUEST`] for none.
    request: u32,
    /// Into [`Entries::orgs`].
    org: u32,
    /// Into [`Entries::roles`].
    role: u16,
    names: u16,
    flags: u8,
}

const NO_REQUEST: u32 = u32::MAX;
const CROSS_ORG: u8 = 1;
const INACTIVE: u8 = 2;
/// Removed: the slot waits for the next [`Entries::reorder`] (or the
/// person's return).
const GONE: u8 = 4;

/// Values of a small set given small numbers, in the order first seen.
struct Interned<T> {
    values: Vec<T>,
    numbers: HashMap<T, u32>,
}

impl<T: Copy + Eq + std::hash::Hash> Interned<T> {
    fn new() -> Self {
        Self {
            values: Vec::new(),
            numbers: HashMap::new(),
        }
    }

    fn number(&mut self, value: T) -> u32 {
        if let Some(n) = self.numbers.get(&value) {
            return *n;
        }
        let n = self.values.len() as u32;
        self.values.push(value);
        self.numbers.insert(value, n);
        n
    }

    fn get(&self, n: u32) -> Option<T> {
        self.values.get(n as usize).copied()
    }

    fn approx_bytes(&self) -> usize {
        self.values.capacity() * std::mem::size_of::<T>()
            + self.numbers.capacity() * (std::mem::size_of::<(T, u32)>() + 1)
    }
}

/// Every person the service knows, compact (issue 17: at most 600 bytes
/// per person with the index): the ids in a sorted vector found by binary
/// search, with the persons added since the last reordering at its end
/// (found through `recent`), and beside them one [`Packed`] entry each.
/// A std `HashMap` of full entries took about 200 bytes per person at a
/// million; this takes about 40, plus the tables.
struct Entries {
    ids: Vec<PersonId>,
    packed: Vec<Packed>,
    /// `ids[..sorted]` is in order.
    sorted: usize,
    /// Where each id after `sorted` is.
    recent: HashMap<PersonId, u32>,
    /// Slots marked [`GONE`].
    gone: usize,
    orgs: Interned<OrgId>,
    /// A few dozen at most: found by a linear search.
    roles: Vec<PersonRole>,
    requests: Interned<RequestId>,
    /// The records as given of the inactive persons (not in the index):
    /// enough to find the sought persons whose lists they resembled.
    records: HashMap<PersonId, Vec<retrace_matching::Person>>,
}

impl Entries {
    fn new() -> Self {
        Self {
            ids: Vec::new(),
            packed: Vec::new(),
            sorted: 0,
            recent: HashMap::new(),
            gone: 0,
            orgs: Interned::new(),
            roles: Vec::new(),
            requests: Interned::new(),
            records: HashMap::new(),
        }
    }

    fn len(&self) -> usize {
        self.ids.len() - self.gone
    }

    /// The slot of `id`, present or gone.
    fn slot(&self, id: &PersonId) -> Option<usize> {
        match self.ids.get(..self.sorted).map(|s| s.binary_search(id)) {
            Some(Ok(slot)) => Some(slot),
            _ => self.recent.get(id).map(|slot| *slot as usize),
        }
    }

    /// The slot of `id` when present.
    fn live(&self, id: &PersonId) -> Option<usize> {
        self.slot(id)
            .filter(|slot| self.packed.get(*slot).is_some_and(|p| p.flags & GONE == 0))
    }

    fn unpack(&self, p: &Packed) -> Option<Entry> {
        Some(Entry {
            org: self.orgs.get(p.org)?,
            request: match p.request {
                NO_REQUEST => None,
                n => Some(self.requests.get(n)?),
            },
            role: self.roles.get(usize::from(p.role)).copied()?,
            cross_org: p.flags & CROSS_ORG != 0,
            inactive: p.flags & INACTIVE != 0,
            names: u32::from(p.names),
            changed: p.changed,
        })
    }

    fn get(&self, id: &PersonId) -> Option<Entry> {
        let slot = self.live(id)?;
        self.unpack(self.packed.get(slot)?)
    }

    fn contains(&self, id: &PersonId) -> bool {
        self.live(id).is_some()
    }

    /// The organisation of `id`, compared without unpacking the rest.
    fn org(&self, id: &PersonId) -> Option<OrgId> {
        let slot = self.live(id)?;
        self.orgs.get(self.packed.get(slot)?.org)
    }

    fn pack(&mut self, e: &Entry) -> Packed {
        let role = match self.roles.iter().position(|r| *r == e.role) {
            Some(n) => n,
            None => {
                self.roles.push(e.role);
                self.roles.len() - 1
            }
        };
        Packed {
            changed: e.changed,
            request: e.request.map_or(NO_REQUEST, |r| self.requests.number(r)),
            org: self.orgs.number(e.org),
            // A few dozen roles exist; a person has a few names.
            role: u16::try_from(role).unwrap_or(u16::MAX),
            names: u16::try_from(e.names).unwrap_or(u16::MAX),
            flags: (u8::from(e.cross_org) * CROSS_ORG) | (u8::from(e.inactive) * INACTIVE),
        }
    }

    fn insert(&mut self, id: PersonId, entry: &Entry, records: Vec<retrace_matching::Person>) {
        let packed = self.pack(entry);
        if records.is_empty() {
            self.records.remove(&id);
        } else {
            self.records.insert(id, records);
        }
        if let Some(slot) = self.slot(&id)
            && let Some(p) = self.packed.get_mut(slot)
        {
            if p.flags & GONE != 0 {
                self.gone -= 1;
            }
            *p = packed;
            return;
        }
        self.recent.insert(id, self.ids.len() as u32);
        self.ids.push(id);
        self.packed.push(packed);
        if self.recent.len() > (self.sorted / 8).max(4096) {
            self.reorder();
        }
    }

    fn remove(&mut self, id: &PersonId) {
        self.records.remove(id);
        if let Some(slot) = self.live(id)
            && let Some(p) = self.packed.get_mut(slot)
        {
            p.flags |= GONE;
            self.gone += 1;
            if self.gone > (self.ids.len() / 4).max(4096) {
                self.reorder();
            }
        }
    }

    /// Every present person with its row, in id order.
    fn present_in_order(&self) -> Vec<(PersonId, Packed)> {
        let mut rows: Vec<(PersonId, Packed)> = self
            .ids
            .iter()
            .copied()
            .zip(self.packed.iter().copied())
            .filter(|(_, p)| p.flags & GONE == 0)
            .collect();
        if self.sorted != self.ids.len() {
            rows.sort_unstable_by_key(|(id, _)| *id);
        }
        rows
    }

    /// Sorts every present person into the ordered part and forgets the
    /// gone ones.
    fn reorder(&mut self) {
        let all = self.present_in_order();
        self.ids = all.iter().map(|(id, _)| *id).collect();
        self.packed = all.into_iter().map(|(_, p)| p).collect();
        self.sorted = self.ids.len();
        self.recent = HashMap::new();
        self.gone = 0;
    }

    fn clear(&mut self) {
        *self = Self::new();
    }

    /// Every present person with its entry, in no particular order.
    fn iter(&self) -> impl Iterator<Item = (PersonId, Entry)> + '_ {
        self.ids
            .iter()
            .zip(&self.packed)
            .filter(|(_, p)| p.flags & GONE == 0)
            .filter_map(|(id, p)| Some((*id, self.unpack(p)?)))
    }

    fn approx_bytes(&self) -> usize {
        self.ids.capacity() * std::mem::size_of::<PersonId>()
            + self.packed.capacity() * std::mem::size_of::<Packed>()
            + self.recent.capacity() * (std::mem::size_of::<(PersonId, u32)>() + 1)
            + self.orgs.approx_bytes()
            + self.roles.capacity() * std::mem::size_of::<PersonRole>()
            + self.requests.approx_bytes()
            + self.records.capacity()
                * (std::mem::size_of::<(PersonId, Vec<retrace_matching::Person>)>() + 1)
    }
}

impl Inner {
    /// Up to `k` of the index's best candidates for each of the person's
    /// records, from its indexed profiles or, inactive, its records; the
    /// matches of candidates found by earlier lists are taken from
    /// `contexts`.
    fn top_k(
        &self,
        id: PersonId,
        entry: &Entry,
        k: usize,
        contexts: &RivalContexts,
        wanted: &Wanted<'_>,
        bulk: Option<&BulkLinkage>,
    ) -> Vec<retrace_matching::Candidate> {
        if entry.inactive {
            return self
                .entries
                .records
                .get(&id)
                .map(|records| {
                    records
                        .iter()
                        .flat_map(|record| {
                            self.index
                                .top_k_remembering(record, k, None, contexts, wanted)
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        (0..entry.names as usize)
            .flat_map(|n| {
                let slot = slot_id(id, n);
                // A bulk linkage of the same index gives the query's list (a
                // record indexed after it began is queried).
                bulk.and_then(|bulk| self.index.bulk_top_k_of(bulk, &slot))
                    .or_else(|| self.index.top_k_of_remembering(&slot, k, contexts, wanted))
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// Version of the service's own snapshot section (after the engine's,
/// whose version its fingerprint covers).
/// 3: the compact [`Entries`] (tables of organisations, roles and
/// requests, then one row of numbers per person in id order), and the
/// engine's ids in base64url (see [`slot_id`]); a snapshot of
/// an older format is refused and the index built from the database.
const SECTION_FORMAT: u32 = 3;

struct Inner {
    index: Index,
    entries: Entries,
    /// Counts every person written or dropped. A re-read that began
    /// before a person's entry was written again (or dropped) leaves it
    /// as it is: the use case that wrote it read the database after its
    /// own change, later than the re-read did, and the re-read's older
    /// copy must not undo it (a consent or an erasure lost until the
    /// person changes again).
    changes: u64,
    /// When each person dropped since start was dropped (erased, or no
    /// longer matchable), by [`Inner::changes`].
    dropped: HashMap<PersonId, u64>,
}

impl Inner {
    /// Whether `id` was written or dropped after `since`.
    fn changed_after(&self, id: PersonId, since: u64) -> bool {
        self.entries.get(&id).is_some_and(|e| e.changed > since)
            || self.dropped.get(&id).is_some_and(|at| *at > since)
    }

    fn drop_person(&mut self, id: PersonId) {
        remove_from_index(self, id);
        self.entries.remove(&id);
        self.changes += 1;
        self.dropped.insert(id, self.changes);
    }
}

/// Every sought person's candidate list from one linkage of the whole index
/// (docs/adr/0043-bulk-candidate-lists-from-one-linkage.md), a part at a
/// time: [`MatchingService::begin_recomputation`], then
/// [`MatchingService::link_part`] until it returns `false`, then
/// [`MatchingService::recompute_lists_from`] batch by batch. Each pair is
/// scored once, where a query per list scores it twice and each candidate's
/// matches once more. Saves go on meanwhile: the lists they write are
/// queried again rather than taken from the linkage, which does not know
/// their change.
pub struct Recomputation {
    linkage: BulkLinkage,
    linking: bool,
    /// Records the next part links.
    part: usize,
    /// The sought persons whose lists a change wrote since it began
    /// ([`MatchingService::lists_written`]).
    written: Arc<ListsWritten>,
}

/// Sought persons whose lists changes wrote while a [`Recomputation`] was
/// under way.
type ListsWritten = Mutex<HashSet<PersonId>>;

impl Recomputation {
    /// Whether parts remain to be linked.
    pub fn is_linking(&self) -> bool {
        self.linking
    }

    /// Records linked so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        self.linkage.progress()
    }
}

impl std::fmt::Debug for Recomputation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (linked, records) = self.progress();
        f.debug_struct("Recomputation")
            .field("linking", &self.linking)
            .field("linked", &linked)
            .field("records", &records)
            .finish()
    }
}

/// The records of a bulk linkage's next part after one of `part` records
/// held the index for `held`: about [`BULK_LINKAGE_HOLD`] at a time.
fn next_part(part: usize, held: Duration) -> usize {
    let (_, fewest, most) = BULK_LINKAGE_PART;
    let next = if held < BULK_LINKAGE_HOLD / 2 {
        part.saturating_mul(2)
    } else if held > BULK_LINKAGE_HOLD * 2 {
        part / 2
    } else {
        part
    };
    next.clamp(fewest, most)
}

/// What [`MatchingService::recompute_all`] stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecomputeSummary {
    /// Sought persons in the index.
    pub sought: usize,
    /// Sought persons with at least one candidate.
    pub with_candidates: usize,
    /// Candidate pairs stored.
    pub candidates: usize,
    /// Of which the other record belongs to another organisation.
    pub cross_organisation: usize,
}

/// One of the organisation's own records that a new one may duplicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub person: PersonId,
    /// The request of a sought person; `None` for a registration.
    pub request: Option<RequestId>,
    /// The engine's probability in thousandths.
    pub score_milli: u16,
}

pub struct MatchingService {
    inner: RwLock<Inner>,
    /// Held across each read of one person from the store and the write of
    /// what was read into the index, one stripe per person: two reads of the
    /// same person (a use case's, another server's change followed, a replay)
    /// are applied in the order they were read, so an older copy never lands
    /// after a newer one (a withdrawn consent or an at-risk flag undone in
    /// the index until the person changes again).
    rereads: [tokio::sync::Mutex<()>; REREAD_STRIPES],
    /// Held from computing candidate lists to writing them (and around the
    /// removal of a person's candidates): lists are written in the order
    /// they were computed, so a list computed before a person's change
    /// never lands after the lists that change computed (a new candidate
    /// lost, or a withdrawn person's candidate back). Taken after a
    /// person's stripe of `rereads`, never before.
    lists: tokio::sync::Mutex<()>,
    /// The matches of candidates found while computing lists, for the next
    /// lists (a recomputation of every list meets the same candidates again
    /// and again); the engine starts it afresh whenever the index changes.
    contexts: RivalContexts,
    /// The recomputations under way, told which lists each change writes.
    recomputations: Mutex<Vec<Weak<ListsWritten>>>,
}

/// Stripes of [`MatchingService::rereads`]: enough that unrelated persons
/// rarely wait for each other.
const REREAD_STRIPES: usize = 64;

/// Why a snapshot file was not written or not restored.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotFileError {
    #[error("matching snapshot file: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "the matching snapshot does not open with this server's key for this database (another key, another database, or altered)"
    )]
    Sealed,
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}

impl MatchingService {
    pub fn new(reference_year: i32) -> Self {
        let config = Config {
            reference_year,
            // A person's names are indexed as `person/n` (`slot_id`).
            person_separator: Some('/'),
            ..Config::default()
        };
        Self {
            inner: RwLock::new(Inner {
                index: Index::new(config),
                entries: Entries::new(),
                changes: 0,
                dropped: HashMap::new(),
            }),
            rereads: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
            lists: tokio::sync::Mutex::new(()),
            contexts: RivalContexts::new(),
            recomputations: Mutex::new(Vec::new()),
        }
    }

    /// Tells the recomputations under way that a change is writing the lists
    /// of `sought` (called under [`Self::lists`], so a recomputation's batch
    /// either sees it or writes before the change does).
    fn lists_written(&self, sought: &[PersonId]) {
        let Ok(mut under_way) = self.recomputations.lock() else {
            return;
        };
        under_way.retain(|written| match written.upgrade() {
            Some(written) => {
                if let Ok(mut written) = written.lock() {
                    written.extend(sought.iter().copied());
                }
                true
            }
            None => false,
        });
    }

    /// The stripe of [`Self::rereads`] that serialises the reads of `id`.
    async fn reading(&self, id: PersonId) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(id);
        self.rereads[(hash % REREAD_STRIPES as u64) as usize]
            .lock()
            .await
    }

    /// Reads every person from the store into the index.
    pub async fn load(&self, store: &dyn Store) -> StoreResult<usize> {
        let mut after = None;
        let mut count = 0;
        loop {
            let page = store.matchable_persons(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            count += page.len();
            let full = page.len() < PAGE as usize;
            for person in page {
                self.put(person);
            }
            if full {
                break;
            }
        }
        self.write(|inner| inner.index.compact());
        Ok(count)
    }

    /// Forgets every person (before reading them all again).
    pub fn clear(&self) {
        self.write(|inner| {
            let config = inner.index.config().clone();
            inner.index = Index::new(config);
            inner.entries.clear();
        });
    }

    /// Re-reads one person into the index (or drops it when gone) without
    /// recomputing any candidate list: the step that replays a change made
    /// after a snapshot's position.
    pub async fn refresh_person(&self, store: &dyn Store, id: PersonId) -> StoreResult<()> {
        let _reading = self.reading(id).await;
        let since = self.read(|inner| inner.changes);
        match store.matchable_person(id).await? {
            Some(person) => {
                let _ = self.put_unless_changed_since(person, Some(since));
            }
            None => self.write(|inner| {
                if !inner.changed_after(id, since) {
                    inner.drop_person(id);
                }
            }),
        }
        Ok(())
    }

    /// Writes the index and what the service keeps per person, as of
    /// `position` (the database position the caller read them at).
    pub fn write_snapshot<W: Write>(&self, position: u64, out: W) -> std::io::Result<W> {
        self.read(|inner| {
            inner
                .index
                .write_snapshot(position, out, |w| inner.entries.write(w))
        })
    }

    /// Replaces everything indexed with a snapshot written by
    /// [`Self::write_snapshot`] and returns the position it reflects; the
    /// caller then replays the changes made since (see
    /// [`Self::refresh_person`]). On any error nothing changes: a damaged
    /// snapshot, or one written by another engine or for another reference
    /// year, is refused and the caller rebuilds with [`Self::load`].
    pub fn restore_snapshot(&self, input: &mut impl Read) -> Result<u64, SnapshotError> {
        let config = self.read(|inner| inner.index.config().clone());
        let (index, position, entries) = Index::read_snapshot(config, input, Entries::read)?;
        self.write(|inner| {
            inner.index = index;
            inner.entries = entries;
        });
        Ok(position)
    }

    /// [`Self::write_snapshot`] sealed with `sealer` (it holds personal
    /// data whose database fields are encrypted at rest) to a file,
    /// atomically: a temporary file beside it (owner-only, named after this
    /// process so that servers sharing a data directory do not write the
    /// same one), flushed to disk, then renamed over the old snapshot, so a
    /// reader sees the old or the new snapshot whole, never half of one.
    /// The index is read-locked only while it is serialised in memory.
    /// Returns the size of the file.
    pub fn save_snapshot_file(
        &self,
        path: &Path,
        position: u64,
        sealer: &SnapshotSealer,
        database: &str,
    ) -> Result<u64, SnapshotFileError> {
        let plain = self.write_snapshot(position, Vec::new())?;
        let sealed = sealer
            .seal(database, &plain)
            .ok_or(SnapshotFileError::Sealed)?;
        drop(plain);
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(format!(".{}.tmp", std::process::id()));
        let temporary = std::path::PathBuf::from(temporary);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let written = options.open(&temporary).and_then(|mut file| {
            file.write_all(&sealed)?;
            file.sync_all()
        });
        if let Err(err) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(err.into());
        }
        std::fs::rename(&temporary, path)?;
        // The rename itself is durable once the directory is flushed.
        #[cfg(unix)]
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(sealed.len() as u64)
    }

    /// [`Self::restore_snapshot`] from a file written by
    /// [`Self::save_snapshot_file`] with the same key. A file that does not
    /// open (another key, altered, truncated) is refused whole, before any
    /// of it is read as a snapshot.
    pub fn restore_snapshot_file(
        &self,
        path: &Path,
        sealer: &SnapshotSealer,
        database: &str,
    ) -> Result<u64, SnapshotFileError> {
        let sealed = std::fs::read(path)?;
        let plain = sealer
            .open(database, &sealed)
            .ok_or(SnapshotFileError::Sealed)?;
        drop(sealed);
        Ok(self.restore_snapshot(&mut plain.as_slice())?)
    }

    pub fn len(&self) -> usize {
        self.read(|inner| inner.entries.len())
    }

    /// Whether the index holds `person`.
    pub fn contains(&self, person: PersonId) -> bool {
        self.read(|inner| inner.entries.contains(&person))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        match self.inner.read() {
            Ok(guard) => f(&guard),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn write<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        match self.inner.write() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Merges the index's recent changes into its flat posting arrays
    /// (after many [`Self::put`]s; [`Self::load`] does it).
    pub fn compact(&self) {
        self.write(|inner| inner.index.compact());
    }

    /// The engine's estimate of its index's memory in bytes (without what
    /// the service keeps per person), for the benchmarks.
    pub fn index_approx_bytes(&self) -> usize {
        self.read(|inner| inner.index.approx_bytes())
    }

    /// The estimated memory in bytes of what the service keeps per person
    /// beside the index, for the benchmarks.
    pub fn entries_approx_bytes(&self) -> usize {
        self.read(|inner| inner.entries.approx_bytes())
    }

    /// Puts (or replaces) one person in the index, without recomputing any
    /// candidate list.
    pub fn put(&self, person: MatchablePerson) {
        let _ = self.put_unless_changed_since(person, None);
    }

    /// [`Self::put`], unless the person was written or dropped after the
    /// service's change counter stood at `since` (see [`Inner::changes`]).
    /// Returns whether it was put.
    fn put_unless_changed_since(&self, person: MatchablePerson, since: Option<u64>) -> bool {
        let ledger = ConsentLedger(&person.consents);
        let inactive = ledger.tracing_withdrawn() || person.request_closed;
        let cross_org = may_match_across_organisations(person.details.flags, ledger);
        let reference_year = self.read(|inner| inner.index.config().reference_year);
        let records = engine_records(&person.details, reference_year);
        self.write(|inner| {
            if since.is_some_and(|since| inner.changed_after(person.id, since)) {
                return false;
            }
            remove_from_index(inner, person.id);
            inner.changes += 1;
            inner.dropped.remove(&person.id);
            if !inactive {
                for (n, record) in records.iter().enumerate() {
                    inner.index.add(&slot_id(person.id, n), record);
                }
            }
            let entry = Entry {
                org: person.org,
                request: person.request,
                role: person.role,
                cross_org,
                inactive,
                names: records.len() as u32,
                changed: inner.changes,
            };
            inner.entries.insert(
                person.id,
                &entry,
                if inactive { records } else { Vec::new() },
            );
            true
        })
    }

    /// Re-reads one person after a change and recomputes every candidate
    /// list it can affect: its own when it is sought, and those of the
    /// sought persons it now resembles (or resembled).
    pub async fn person_changed(
        &self,
        store: &dyn Store,
        id: PersonId,
        at: Timestamp,
    ) -> StoreResult<()> {
        let audit = AuditContext::system(at, "matching");
        // Held to the end: the lists written last are those computed from
        // the copy read last.
        let _reading = self.reading(id).await;
        let before = self.related_sought(id);
        match store.matchable_person(id).await? {
            Some(person) => {
                let active_and_open = {
                    let ledger = ConsentLedger(&person.consents);
                    !ledger.tracing_withdrawn() && !person.request_closed
                };
                let cross_org = may_match_across_organisations(
                    person.details.flags,
                    ConsentLedger(&person.consents),
                );
                self.put(person);
                let _lists = self.lists.lock().await;
                if !active_and_open || !cross_org {
                    // Consent withdrawn, closed or now at risk: nothing
                    // unreleased may stay pending with another organisation.
                    store.remove_candidates_of(&audit, id).await?;
                }
            }
            None => {
                self.write(|inner| inner.drop_person(id));
            }
        }
        let mut affected = before;
        affected.extend(self.related_sought(id));
        affected.push(id);
        affected.sort();
        affected.dedup();
        let _lists = self.lists.lock().await;
        self.lists_written(&affected);
        let threads = worker_threads();
        let lists: Vec<(PersonId, Vec<NewCandidate>)> = affected
            .iter()
            .copied()
            .zip(self.candidates_in_parallel(&affected, threads, None))
            .filter_map(|(sought, list)| list.map(|list| (sought, list)))
            .collect();
        // One transaction for every list this change touched.
        store.record_candidate_lists(&audit, &lists).await
    }

    /// Re-reads several persons after changes made elsewhere (a server
    /// killed before their lists, a command-line import) and recomputes
    /// every list they can affect, written in one transaction. A re-read
    /// never undoes a newer write of a use case running meanwhile (see
    /// [`Inner::changes`]).
    pub async fn persons_changed(
        &self,
        store: &dyn Store,
        ids: &[PersonId],
        at: Timestamp,
    ) -> StoreResult<()> {
        let audit = AuditContext::system(at, "matching");
        let mut affected = Vec::new();
        for &id in ids {
            let reading = self.reading(id).await;
            affected.extend(self.related_sought(id));
            let since = self.read(|inner| inner.changes);
            match store.matchable_person(id).await? {
                Some(person) => {
                    let ledger = ConsentLedger(&person.consents);
                    let leaves = ledger.tracing_withdrawn()
                        || person.request_closed
                        || !may_match_across_organisations(person.details.flags, ledger);
                    if self.put_unless_changed_since(person, Some(since)) && leaves {
                        let _lists = self.lists.lock().await;
                        store.remove_candidates_of(&audit, id).await?;
                    }
                }
                None => self.write(|inner| {
                    if !inner.changed_after(id, since) {
                        inner.drop_person(id);
                    }
                }),
            }
            drop(reading);
            affected.extend(self.related_sought(id));
            affected.push(id);
        }
        affected.sort();
        affected.dedup();
        let _lists = self.lists.lock().await;
        self.lists_written(&affected);
        let lists: Vec<(PersonId, Vec<NewCandidate>)> = affected
            .iter()
            .copied()
            .zip(self.candidates_in_parallel(&affected, worker_threads(), None))
            .filter_map(|(sought, list)| list.map(|list| (sought, list)))
            .collect();
        store.record_candidate_lists(&audit, &lists).await
    }

    /// Every sought person in the index, in id order.
    pub fn sought_persons(&self) -> Vec<PersonId> {
        let mut sought: Vec<PersonId> = self.read(|inner| {
            inner
                .entries
                .iter()
                .filter(|(_, e)| matches!(e.role, PersonRole::Sought(_)))
                .map(|(id, _)| id)
                .collect()
        });
        sought.sort();
        sought
    }

    /// Computes the candidate lists of `sought` (in parallel, the index
    /// read-only meanwhile) and writes them in one transaction.
    pub async fn recompute_lists(
        &self,
        store: &dyn Store,
        sought: &[PersonId],
        at: Timestamp,
    ) -> StoreResult<RecomputeSummary> {
        self.recompute_lists_with(store, sought, at, None).await
    }

    /// [`Self::recompute_lists`], from a linked `recomputation` if given.
    async fn recompute_lists_with(
        &self,
        store: &dyn Store,
        sought: &[PersonId],
        at: Timestamp,
        recomputation: Option<&Recomputation>,
    ) -> StoreResult<RecomputeSummary> {
        let audit = AuditContext::system(at, "matching");
        let mut summary = RecomputeSummary {
            sought: sought.len(),
            ..RecomputeSummary::default()
        };
        let mut pending = Vec::new();
        let _lists = self.lists.lock().await;
        let threads = worker_threads();
        let lists: Vec<(PersonId, Option<Vec<NewCandidate>>)> = match recomputation {
            None => sought
                .iter()
                .copied()
                .zip(self.candidates_in_parallel(sought, threads, None))
                .collect(),
            Some(recomputation) => {
                // A list a change wrote since the linkage began is queried:
                // the linkage does not know the change.
                let (queried, linked): (Vec<PersonId>, Vec<PersonId>) =
                    match recomputation.written.lock() {
                        Ok(written) => sought.iter().partition(|id| written.contains(id)),
                        Err(_) => (sought.to_vec(), Vec::new()),
                    };
                let bulk = Some(&recomputation.linkage);
                linked
                    .iter()
                    .copied()
                    .zip(self.candidates_in_parallel(&linked, threads, bulk))
                    .chain(
                        queried
                            .iter()
                            .copied()
                            .zip(self.candidates_in_parallel(&queried, threads, None)),
                    )
                    .collect()
            }
        };
        for (person, list) in lists {
            let Some(list) = list else { continue };
            summary.candidates += list.len();
            summary.cross_organisation += self.read(|inner| {
                let org = inner.entries.org(&person);
                list.iter()
                    .filter(|c| inner.entries.org(&c.other) != org)
                    .count()
            });
            summary.with_candidates += usize::from(!list.is_empty());
            pending.push((person, list));
        }
        store.record_candidate_lists(&audit, &pending).await?;
        Ok(summary)
    }

    /// Begins one linkage of the whole index for every list at once
    /// ([`Recomputation`]).
    pub fn begin_recomputation(&self) -> Recomputation {
        let written = Arc::<ListsWritten>::default();
        if let Ok(mut under_way) = self.recomputations.lock() {
            under_way.push(Arc::downgrade(&written));
        }
        Recomputation {
            linkage: self.read(|inner| inner.index.begin_bulk_linkage(CANDIDATES_LOOKED_AT)),
            linking: true,
            part: BULK_LINKAGE_PART.0,
            written,
        }
    }

    /// Links the next part of `recomputation`, the index read-locked
    /// meanwhile (so saves go on between parts). `true` while parts remain;
    /// `false` once linked, or once the index was replaced (a restore; its
    /// lists are then queried).
    pub fn link_part(&self, recomputation: &mut Recomputation) -> bool {
        if recomputation.linking {
            let (linking, held) = self.read(|inner| {
                let started = Instant::now();
                let linking = inner
                    .index
                    .continue_bulk_linkage(&mut recomputation.linkage, recomputation.part);
                (linking, started.elapsed())
            });
            recomputation.linking = linking;
            recomputation.part = next_part(recomputation.part, held);
        }
        recomputation.linking
    }

    /// [`Self::recompute_lists`], from a linked `recomputation`: the lists
    /// that changes wrote since it began are queried.
    pub async fn recompute_lists_from(
        &self,
        store: &dyn Store,
        sought: &[PersonId],
        at: Timestamp,
        recomputation: &Recomputation,
    ) -> StoreResult<RecomputeSummary> {
        self.recompute_lists_with(store, sought, at, Some(recomputation))
            .await
    }

    /// Computes and stores the candidate list of every sought person in
    /// the index: after a bulk load, where calling [`Self::person_changed`]
    /// per person would recompute each list many times over. The lists come
    /// from one linkage of the whole index (each pair scored once, where a
    /// query per list scores it twice and each candidate's matches once
    /// more), linked a part at a time so that saves go on meanwhile; the
    /// lists a save wrote meanwhile are queried. Lists are computed in
    /// parallel batches and written one batch per transaction.
    pub async fn recompute_all(
        &self,
        store: &dyn Store,
        at: Timestamp,
    ) -> StoreResult<RecomputeSummary> {
        let sought = self.sought_persons();
        let mut summary = RecomputeSummary {
            sought: sought.len(),
            ..RecomputeSummary::default()
        };
        let mut linkage = self.begin_recomputation();
        while self.link_part(&mut linkage) {
            tokio::task::yield_now().await;
        }
        for batch in sought.chunks(512) {
            let done = self
                .recompute_lists_from(store, batch, at, &linkage)
                .await?;
            summary.with_candidates += done.with_candidates;
            summary.candidates += done.candidates;
            summary.cross_organisation += done.cross_organisation;
        }
        Ok(summary)
    }

    fn candidates_in_parallel(
        &self,
        batch: &[PersonId],
        threads: usize,
        bulk: Option<&BulkLinkage>,
    ) -> Vec<Option<Vec<NewCandidate>>> {
        if threads <= 1 || batch.len() < 2 {
            return batch
                .iter()
                .map(|id| self.candidates_with(*id, bulk))
                .collect();
        }
        let per_thread = batch.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .chunks(per_thread)
                .map(|part| {
                    let handle = scope.spawn(move || {
                        part.iter()
                            .map(|id| self.candidates_with(*id, bulk))
                            .collect::<Vec<_>>()
                    });
                    (part.len(), handle)
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|(len, handle)| match handle.join() {
                    Ok(lists) => lists,
                    // A panicking thread computed nothing: record nothing
                    // rather than empty lists that would remove candidates.
                    Err(_) => vec![None; len],
                })
                .collect()
        })
    }

    /// Sought persons whose candidates may include `id`.
    fn related_sought(&self, id: PersonId) -> Vec<PersonId> {
        self.read(|inner| {
            let Some(entry) = inner.entries.get(&id) else {
                return Vec::new();
            };
            let sought = |slot: &str| {
                person_of(slot).is_some_and(|other| {
                    other != id
                        && matches!(
                            inner.entries.get(&other).map(|e| e.role),
                            Some(PersonRole::Sought(_))
                        )
                })
            };
            let wanted = Wanted {
                at_least: CANDIDATE_MIN_PROBABILITY,
                admit: &sought,
            };
            let mut found = Vec::new();
            for hit in inner.top_k(id, &entry, 50, &self.contexts, &wanted, None) {
                // Only lists this person can enter (or leave) change.
                if hit.probability < CANDIDATE_MIN_PROBABILITY {
                    continue;
                }
                if let Some(other) = person_of(&hit.id)
                    && other != id
                    && matches!(
                        inner.entries.get(&other).map(|e| e.role),
                        Some(PersonRole::Sought(_))
                    )
                {
                    found.push(other);
                }
            }
            found
        })
    }

    /// `None` when `sought` is not a sought person; an empty list when it
    /// may not be matched.
    pub fn candidates_of(&self, sought: PersonId) -> Option<Vec<NewCandidate>> {
        self.candidates_with(sought, None)
    }

    /// [`Self::candidates_of`], from `bulk` while it answers.
    fn candidates_with(
        &self,
        sought: PersonId,
        bulk: Option<&BulkLinkage>,
    ) -> Option<Vec<NewCandidate>> {
        self.read(|inner| {
            let entry = inner.entries.get(&sought)?;
            if !matches!(entry.role, PersonRole::Sought(_)) {
                return None;
            }
            if entry.inactive {
                return Some(Vec::new());
            }
            let allowed = |other_id: PersonId| {
                let Some(other) = inner.entries.get(&other_id) else {
                    return false;
                };
                let same_request = entry.request.is_some() && entry.request == other.request;
                other_id != sought
                    && !other.inactive
                    && !same_request
                    && (other.org == entry.org || (entry.cross_org && other.cross_org))
            };
            // Candidates the list could never show are left out before
            // their rivals are looked for.
            let admit = |slot: &str| person_of(slot).is_some_and(allowed);
            let wanted = Wanted {
                at_least: CANDIDATE_MIN_PROBABILITY,
                admit: &admit,
            };
            let mut best: HashMap<PersonId, f64> = HashMap::new();
            let hits = inner.top_k(
                sought,
                &entry,
                CANDIDATES_LOOKED_AT,
                &self.contexts,
                &wanted,
                bulk,
            );
            for hit in hits {
                let Some(other_id) = person_of(&hit.id) else {
                    continue;
                };
                // A list from a bulk linkage holds every candidate.
                if hit.probability >= CANDIDATE_MIN_PROBABILITY && allowed(other_id) {
                    let slot = best.entry(other_id).or_insert(0.0);
                    *slot = slot.max(hit.probability);
                }
            }
            let mut ranked: Vec<(PersonId, f64)> = best.into_iter().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.truncate(CANDIDATES_PER_PERSON);
            Some(
                ranked
                    .into_iter()
                    .filter_map(|(other_id, probability)| {
                        let other = inner.entries.get(&other_id)?;
                        // The list's probability (knowing both persons' other candidates), with
                        // the evidence of the best pair of their names field by field.
                        let explanation = best_explanation(
                            &inner.index,
                            (sought, entry.names),
                            (other_id, other.names),
                        )?;
                        Some(NewCandidate {
                            sought,
                            other: other_id,
                            score_milli: to_milli(probability),
                            explanation,
                        })
                    })
                    .collect(),
            )
        })
    }

    /// The organisation's own person most like `details` among its sought
    /// persons (`sought`) or its registered persons, when the engine gives
    /// at least `min_probability`: a probable duplicate of a record about
    /// to be imported. Nothing of another organisation is returned.
    pub fn likely_duplicate(
        &self,
        org: OrgId,
        details: &PersonDetails,
        sought: bool,
        min_probability: f64,
    ) -> Option<(PersonId, u16)> {
        self.likely_duplicates(org, details, sought, min_probability, 1)
            .into_iter()
            .next()
            .map(|d| (d.person, d.score_milli))
    }

    /// The organisation's own persons like `details` (sought persons when
    /// `sought`, else registered persons) with at least `min_probability`,
    /// most likely first, at most `limit`: the records a new request or
    /// registration may duplicate. Nothing of another organisation, and no
    /// enquirer, is ever returned.
    pub fn likely_duplicates(
        &self,
        org: OrgId,
        details: &PersonDetails,
        sought: bool,
        min_probability: f64,
        limit: usize,
    ) -> Vec<Duplicate> {
        let reference_year = self.read(|inner| inner.index.config().reference_year);
        let records = engine_records(details, reference_year);
        self.read(|inner| {
            let mut best: HashMap<PersonId, (f64, Option<RequestId>)> = HashMap::new();
            for record in &records {
                for hit in inner.index.top_k(record, 10, None) {
                    if hit.probability < min_probability {
                        continue;
                    }
                    let Some(id) = person_of(&hit.id) else {
                        continue;
                    };
                    let Some(entry) = inner.entries.get(&id) else {
                        continue;
                    };
                    let same_kind = entry.org == org
                        && match entry.role {
                            PersonRole::Sought(_) => sought,
                            PersonRole::Registered(_) => !sought,
                            PersonRole::Enquirer => false,
                        };
                    if same_kind {
                        let slot = best.entry(id).or_insert((0.0, entry.request));
                        slot.0 = slot.0.max(hit.probability);
                    }
                }
            }
            let mut found: Vec<Duplicate> = best
                .into_iter()
                .map(|(person, (p, request))| Duplicate {
                    person,
                    request,
                    score_milli: to_milli(p),
                })
                .collect();
            found.sort_by(|a, b| {
                b.score_milli
                    .cmp(&a.score_milli)
                    .then_with(|| a.person.to_string().cmp(&b.person.to_string()))
            });
            found.truncate(limit);
            found
        })
    }

    /// The requests of the caller's organisation with a person whose names
    /// resemble `query`, best first.
    pub fn search_requests(&self, org: OrgId, query: &str, limit: usize) -> Vec<RequestId> {
        let persons = self.search_names(org, query, limit.saturating_mul(3));
        self.read(|inner| {
            let mut requests = Vec::new();
            for person in persons {
                if let Some(request) = inner.entries.get(&person).and_then(|e| e.request)
                    && !requests.contains(&request)
                {
                    requests.push(request);
                }
            }
            requests.truncate(limit);
            requests
        })
    }

    /// The caller's organisation's persons whose names resemble `query`,
    /// best first. Other organisations' persons never leave this function.
    pub fn search_names(&self, org: OrgId, query: &str, limit: usize) -> Vec<PersonId> {
        self.read(|inner| {
            let ours =
                |id: &str| person_of(id).is_some_and(|id| inner.entries.org(&id) == Some(org));
            let mut seen = Vec::new();
            for hit in inner
                .index
                .search_names(query, limit.saturating_mul(2), ours)
            {
                if let Some(id) = person_of(&hit.id)
                    && !seen.contains(&id)
                {
                    seen.push(id);
                    if seen.len() >= limit {
                        break;
                    }
                }
            }
            seen
        })
    }
}

/// Removes the temporary files that processes killed while writing a
/// snapshot left beside `path` (`<name>.<process id>.tmp`), except this
/// process's own. Another process's write in progress loses its file and
/// fails; it writes again at its next period. Returns how many went.
pub fn remove_stale_snapshot_files(path: &Path) -> std::io::Result<usize> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return Ok(0);
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let own = format!("{name}.{}.tmp", std::process::id());
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let stale = file
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if stale && file != own && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

impl Entries {
    /// The service's own section of a snapshot (see [`SECTION_FORMAT`]).
    fn write<W: Write>(&self, w: &mut SnapshotWriter<W>) -> std::io::Result<()> {
        let rows = self.present_in_order();
        w.u32(SECTION_FORMAT)?;
        w.u64(self.orgs.values.len() as u64)?;
        for org in &self.orgs.values {
            w.u64s(&halves(org.as_uuid().as_u128()))?;
        }
        w.u64(self.roles.len() as u64)?;
        for role in &self.roles {
            let (tag, code) = match role {
                PersonRole::Enquirer => (0, ""),
                PersonRole::Sought(r) => (1, r.as_str()),
                PersonRole::Registered(k) => (2, k.as_str()),
            };
            w.u8(tag)?;
            w.str(code)?;
        }
        w.u64(self.requests.values.len() as u64)?;
        let requests: Vec<u64> = self
            .requests
            .values
            .iter()
            .flat_map(|r| halves(r.as_uuid().as_u128()))
            .collect();
        w.u64s(&requests)?;
        // One row per person, read straight into the final vectors (no
        // column held beside them while restoring).
        w.u64(rows.len() as u64)?;
        for (id, p) in &rows {
            let [hi, lo] = halves(id.as_uuid().as_u128());
            w.u64(hi)?;
            w.u64(lo)?;
            w.u32(p.request)?;
            w.u32(p.org)?;
            w.u32((u32::from(p.role) << 16) | u32::from(p.names))?;
            w.u8(p.flags)?;
        }
        let mut inactive: Vec<(&PersonId, &Vec<retrace_matching::Person>)> =
            self.records.iter().collect();
        inactive.sort_unstable_by_key(|(id, _)| **id);
        w.u64(inactive.len() as u64)?;
        for (id, records) in inactive {
            w.u64s(&halves(id.as_uuid().as_u128()))?;
            w.u32(records.len() as u32)?;
            for record in records {
                w.person(record)?;
            }
        }
        Ok(())
    }

    /// Reads what [`Entries::write`] wrote; anything out of range, out of
    /// order or of another format is refused.
    fn read(r: &mut SnapshotReader<'_>) -> Result<Entries, SnapshotError> {
        const DAMAGED: SnapshotError = SnapshotError::Damaged("matching service section");
        if r.u32()? != SECTION_FORMAT {
            return Err(SnapshotError::OtherEngine);
        }
        let uuid = |pair: &[u64]| -> Result<uuid::Uuid, SnapshotError> {
            match pair {
                [hi, lo] => Ok(uuid::Uuid::from_u128(
                    u128::from(*hi) << 64 | u128::from(*lo),
                )),
                _ => Err(DAMAGED),
            }
        };
        let mut entries = Entries::new();
        let orgs = r.u64()?;
        for pair in r.u64s(orgs.saturating_mul(2))?.chunks(2) {
            entries.orgs.number(OrgId::from_uuid(uuid(pair)?));
        }
        let roles = r.u64()?;
        for _ in 0..roles {
            let tag = r.u8()?;
            let code = r.str()?;
            entries.roles.push(match tag {
                0 => PersonRole::Enquirer,
                1 => PersonRole::Sought(
                    retrace_domain::Relationship::parse(code)
                        .map_err(|_| SnapshotError::Damaged("relationship"))?,
                ),
                2 => PersonRole::Registered(
                    retrace_domain::RegistrationKind::parse(code)
                        .map_err(|_| SnapshotError::Damaged("registration kind"))?,
                ),
                _ => return Err(SnapshotError::Damaged("role")),
            });
        }
        let requests = r.u64()?;
        for pair in r.u64s(requests.saturating_mul(2))?.chunks(2) {
            entries.requests.number(RequestId::from_uuid(uuid(pair)?));
        }
        if entries.orgs.values.len() as u64 != orgs
            || entries.requests.values.len() as u64 != requests
        {
            return Err(SnapshotError::Damaged("duplicate identifier"));
        }
        let n = r.u64()?;
        // Each row takes 29 bytes: a damaged count cannot reserve more
        // than the data.
        let reserve = usize::try_from(n).unwrap_or(0).min(r.remaining() / 29);
        entries.ids.reserve_exact(reserve);
        entries.packed.reserve_exact(reserve);
        for _ in 0..n {
            let id = PersonId::from_uuid(uuid(&[r.u64()?, r.u64()?])?);
            let request = r.u32()?;
            let org = r.u32()?;
            let role_names = r.u32()?;
            let packed = Packed {
                changed: 0,
                request,
                org,
                role: (role_names >> 16) as u16,
                names: (role_names & 0xffff) as u16,
                flags: r.u8()?,
            };
            let in_range = (request == NO_REQUEST
                || (request as usize) < entries.requests.values.len())
                && (org as usize) < entries.orgs.values.len()
                && usize::from(packed.role) < entries.roles.len()
                && packed.flags & !(CROSS_ORG | INACTIVE) == 0;
            if !in_range || entries.ids.last().is_some_and(|last| *last >= id) {
                return Err(DAMAGED);
            }
            entries.ids.push(id);
            entries.packed.push(packed);
        }
        entries.sorted = entries.ids.len();
        let inactive = r.u64()?;
        for _ in 0..inactive {
            let id = PersonId::from_uuid(uuid(&r.u64s(2)?)?);
            let count = r.u32()?;
            let mut records = Vec::new();
            for _ in 0..count {
                records.push(r.person()?);
            }
            if !entries.contains(&id) || entries.records.insert(id, records).is_some() {
                return Err(DAMAGED);
            }
        }
        Ok(entries)
    }
}

/// A 128-bit identifier as two words, high first (the identifiers' order).
fn halves(value: u128) -> [u64; 2] {
    [(value >> 64) as u64, value as u64]
}

/// Threads for computing candidate lists: the machine's cores, at most 8.
fn worker_threads() -> usize {
    std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, 8)
}

/// The engine's id of a person's `n`th name: the id's 16 bytes in
/// base64url (22 characters) and the name's number. Shorter than the
/// hyphenated form (38 characters with the number), it takes 16 bytes less
/// per indexed name in the engine's memory (the allocator's next size down).
fn slot_id(person: PersonId, n: usize) -> String {
    let mut id = data_encoding::BASE64URL_NOPAD.encode(person.as_uuid().as_bytes());
    id.push('/');
    id.push_str(&n.to_string());
    id
}

fn person_of(slot: &str) -> Option<PersonId> {
    let encoded = slot.split('/').next()?;
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(encoded.as_bytes())
        .ok()?;
    let bytes: [u8; 16] = bytes.try_into().ok()?;
    Some(PersonId::from_uuid(uuid::Uuid::from_bytes(bytes)))
}

fn remove_from_index(inner: &mut Inner, id: PersonId) {
    if let Some(old) = inner.entries.get(&id) {
        for n in 0..old.names as usize {
            inner.index.remove(&slot_id(id, n));
        }
    }
}

fn to_milli(probability: f64) -> u16 {
    (probability.clamp(0.0, 1.0) * 1000.0).round() as u16
}

/// The engine's view of a person: one record per name, sharing the rest.
pub fn engine_records(
    details: &PersonDetails,
    reference_year: i32,
) -> Vec<retrace_matching::Person> {
    let text = |value: &Option<retrace_domain::Text>| {
        value
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default()
    };
    let sex = match details.sex {
        Sex::Female => "F",
        Sex::Male => "M",
        Sex::Other | Sex::Unknown => "",
    };
    let birth_date = details.birth_date.map(|d| d.iso()).unwrap_or_default();
    let age = match (&details.birth_date, &details.age_estimate) {
        (None, Some(estimate)) => {
            let years = i32::from(estimate.years) + reference_year - estimate.estimated_on.year();
            u32::try_from(years).ok()
        }
        _ => None,
    };
    details
        .names()
        .iter()
        .map(|name| retrace_matching::Person {
            full_name: name.full().to_owned(),
            sex: sex.to_owned(),
            birth_date: birth_date.clone(),
            age,
            father_name: text(&details.father_name),
            mother_name: text(&details.mother_name),
            birth_place: text(&details.birth_place),
            nationality: details
                .nationalities
                .first()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            last_seen_place: text(&details.last_known_place),
        })
        .collect()
}

/// The best-scoring pair of names between two persons, explained field by
/// field without any value.
fn best_explanation(
    index: &Index,
    (left, left_names): (PersonId, u32),
    (right, right_names): (PersonId, u32),
) -> Option<Vec<FieldExplanation>> {
    let mut best: Option<retrace_matching::Explanation> = None;
    for a in 0..left_names as usize {
        for b in 0..right_names as usize {
            let Some(explanation) = index.explain_indexed(&slot_id(left, a), &slot_id(right, b))
            else {
                continue;
            };
            if best
                .as_ref()
                .is_none_or(|current| explanation.probability > current.probability)
            {
                best = Some(explanation);
            }
        }
    }
    let best = best?;
    let fields = best
        .fields
        .iter()
        .map(|field| FieldExplanation {
            field: field.field.to_owned(),
            agreement: match field.status {
                Status::Agree => Agreement::Agree,
                Status::Close => Agreement::Close,
                Status::Differ => Agreement::Differ,
                Status::Missing => Agreement::Missing,
            },
            contribution_centi: (field.log_odds * 100.0).round() as i32,
        })
        .collect();
    Some(fields)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]

    use super::*;
    use retrace_domain::{CountryCode, NameKind, PersonDetails, PersonName, RegistrationKind, Sex};

    fn registered(id: PersonId, org: OrgId, name: &str) -> MatchablePerson {
        let names = vec![PersonName::simple(name, NameKind::Birth).unwrap()];
        MatchablePerson {
            id,
            org,
            org_country: CountryCode::parse("BE").unwrap(),
            request: None,
            role: PersonRole::Registered(RegistrationKind::Safe),
            request_closed: false,
            details: PersonDetails::new(names, Sex::Unknown).unwrap(),
            consents: Vec::new(),
        }
    }

    #[test]
    fn a_bulk_linkage_part_holds_the_index_about_a_quarter_second() {
        let ms = Duration::from_millis;
        assert_eq!(next_part(1024, ms(40)), 2048);
        assert_eq!(next_part(1024, ms(250)), 1024);
        assert_eq!(next_part(1024, ms(600)), 512);
        assert_eq!(next_part(8192, ms(1)), 8192);
        assert_eq!(next_part(256, ms(5_000)), 256);
    }

    #[test]
    fn a_name_search_finds_its_own_organisations_namesake_among_thousands_of_others() {
        let (home, other) = (OrgId::random(), OrgId::random());
        let service = MatchingService::new(2026);
        for _ in 0..3_000 {
            service.put(registered(PersonId::random(), other, "Fatima Ahmed"));
        }
        let ours = PersonId::random();
        service.put(registered(ours, home, "Fatima Ahmed"));
        let theirs_newest = PersonId::random();
        service.put(registered(theirs_newest, other, "Fatima Ahmed"));
        assert_eq!(service.search_names(home, "Fatima Ahmed", 10), [ours]);
        assert_eq!(service.search_names(home, "فاطمة أحمد", 10), [ours]);
        assert!(service.search_names(home, "Amina Diallo", 10).is_empty());
        let found = service.search_names(other, "Fatima Ahmed", 10);
        assert_eq!(found.len(), 10);
        assert_eq!(found[0], theirs_newest);
        assert!(!found.contains(&ours));
    }

    #[test]
    fn entries_find_every_person_across_reorderings_and_a_snapshot() {
        let (home, other) = (OrgId::random(), OrgId::random());
        let mut entries = Entries::new();
        let ids: Vec<PersonId> = (0..10_000).map(|_| PersonId::random()).collect();
        let requests: Vec<RequestId> = (0..100).map(|_| RequestId::random()).collect();
        let entry = |n: usize| Entry {
            org: if n.is_multiple_of(3) { other } else { home },
            request: (n.is_multiple_of(2)).then(|| requests[n % 100]),
            role: if n.is_multiple_of(5) {
                PersonRole::Enquirer
            } else {
                PersonRole::Registered(RegistrationKind::Safe)
            },
            cross_org: n.is_multiple_of(7),
            inactive: n.is_multiple_of(11),
            names: (n % 3) as u32 + 1,
            changed: n as u64,
        };
        let mut expected = HashMap::new();
        for (n, id) in ids.iter().enumerate() {
            entries.insert(*id, &entry(n), Vec::new());
            expected.insert(*id, entry(n));
        }
        // Some removed, some of them back, some rewritten.
        for id in ids.iter().step_by(4) {
            entries.remove(id);
            expected.remove(id);
        }
        for (n, id) in ids.iter().enumerate().step_by(8) {
            let mut back = entry(n);
            back.names = 9;
            entries.insert(*id, &back, Vec::new());
            expected.insert(*id, back);
        }
        let check = |entries: &Entries, changed: bool| {
            assert_eq!(entries.len(), expected.len());
            for id in &ids {
                let found = entries.get(id);
                let wanted = expected.get(id);
                assert_eq!(found.is_some(), wanted.is_some());
                if let (Some(found), Some(wanted)) = (found, wanted) {
                    assert_eq!(
                        (found.org, found.request, found.role, found.cross_org),
                        (wanted.org, wanted.request, wanted.role, wanted.cross_org)
                    );
                    assert_eq!(
                        (found.inactive, found.names),
                        (wanted.inactive, wanted.names)
                    );
                    assert_eq!(found.changed, if changed { wanted.changed } else { 0 });
                }
            }
            assert_eq!(entries.iter().count(), expected.len());
        };
        check(&entries, true);
        let service = MatchingService::new(2026);
        service.write(|inner| inner.entries = entries);
        let bytes = service.write_snapshot(7, Vec::new()).unwrap();
        let restored = MatchingService::new(2026);
        assert_eq!(restored.restore_snapshot(&mut bytes.as_slice()).unwrap(), 7);
        restored.read(|inner| check(&inner.entries, false));
    }

    #[test]
    fn a_snapshot_of_the_former_section_format_is_refused() {
        let service = MatchingService::new(2026);
        service.put(registered(
            PersonId::random(),
            OrgId::random(),
            "Karim Haddad",
        ));
        let former = service
            .read(|inner| {
                inner.index.write_snapshot(3, Vec::new(), |w| {
                    w.u32(2)?;
                    w.u64(0)
                })
            })
            .unwrap();
        let restored = MatchingService::new(2026);
        assert!(matches!(
            restored.restore_snapshot(&mut former.as_slice()),
            Err(SnapshotError::OtherEngine)
        ));
        assert!(restored.is_empty(), "nothing of it kept");
    }

    #[test]
    fn a_reread_begun_before_a_write_or_a_drop_does_not_undo_it() {
        let service = MatchingService::new(2026);
        let (org, id) = (OrgId::random(), PersonId::random());
        // A re-read starts, a use case writes the person anew, then the
        // re-read's older copy arrives: the use case's write stays.
        let since = service.read(|inner| inner.changes);
        service.put(registered(id, org, "Karim Haddad"));
        service.put_unless_changed_since(registered(id, org, "Leila Saleh"), Some(since));
        assert_eq!(service.search_names(org, "Karim Haddad", 5), vec![id]);
        assert!(service.search_names(org, "Leila Saleh", 5).is_empty());
        // Dropped (erased) after a re-read began: not brought back.
        let since = service.read(|inner| inner.changes);
        service.write(|inner| inner.drop_person(id));
        service.put_unless_changed_since(registered(id, org, "Karim Haddad"), Some(since));
        assert!(!service.contains(id));
        // A re-read begun after every write applies.
        let since = service.read(|inner| inner.changes);
        service.put_unless_changed_since(registered(id, org, "Leila Saleh"), Some(since));
        assert_eq!(service.search_names(org, "Leila Saleh", 5), vec![id]);
    }

    /// Whether `future` is still waiting after a while.
    async fn still_waiting<F: std::future::Future + Unpin>(future: &mut F) -> bool {
        tokio::time::timeout(std::time::Duration::from_millis(50), future)
            .await
            .is_err()
    }

    #[tokio::test]
    async fn a_second_read_of_a_person_waits_until_the_first_is_applied() {
        let store = retrace_store_sqlite::open_fresh_for_tests().await.unwrap();
        let service = MatchingService::new(2026);
        let id = PersonId::random();
        let at = Timestamp::from_millis(1_760_000_000_000);
        // A read of the person is in flight (another server's change being
        // followed): neither a replay nor a use case's read may start
        // before it is applied, or the older copy could land last.
        {
            let in_flight = service.reading(id).await;
            let replay = service.refresh_person(&store, id);
            let use_case = service.person_changed(&store, id, at);
            tokio::pin!(replay, use_case);
            assert!(still_waiting(&mut replay).await);
            assert!(still_waiting(&mut use_case).await);
            drop(in_flight);
            replay.await.unwrap();
            use_case.await.unwrap();
        }
        retrace_store_sqlite::remove_for_tests(store).await;
    }

    #[tokio::test]
    async fn candidate_lists_are_written_in_the_order_they_were_computed() {
        let store = retrace_store_sqlite::open_fresh_for_tests().await.unwrap();
        let service = MatchingService::new(2026);
        let at = Timestamp::from_millis(1_760_000_000_000);
        {
            // Lists computed before a person's change are being written:
            // the change's own lists wait, so they land last.
            let in_flight = service.lists.lock().await;
            let change = service.person_changed(&store, PersonId::random(), at);
            let recovery = service.recompute_lists(&store, &[], at);
            tokio::pin!(change, recovery);
            assert!(still_waiting(&mut change).await);
            assert!(still_waiting(&mut recovery).await);
            drop(in_flight);
            change.await.unwrap();
            recovery.await.unwrap();
        }
        retrace_store_sqlite::remove_for_tests(store).await;
    }
}
