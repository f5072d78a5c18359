//! The posting lists of the index: for each blocking key, the sorted slots of the persons that have it.
//!
//! Key design decision: the bulk of the lists is **frozen** in three flat arrays (the sorted distinct keys,
//! their offsets, and one array of slots), which costs 12 bytes per key and 4 per posting instead of a
//! hash-map entry and a heap allocation per key, and which a snapshot writes and reads as whole blocks. A
//! directory by the keys' top bits, rebuilt with the frozen part (not written), narrows each lookup to a few
//! keys instead of a binary search over millions of them, each step a cache miss.
//! Changes since the last compaction sit beside it: the slots **added** per key (every added slot is above
//! every frozen one, since slots only grow, so a frozen list followed by its additions stays sorted) and the
//! frozen slots **removed** (a set of dead slots and, per key, how many of its frozen slots are dead). A
//! list is read through both, so it is always exactly what a map of lists maintained in place would hold;
//! when the changes grow past a share of the frozen part they are merged into it.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

/// Changes (added plus removed postings) kept beside the frozen part before it is rebuilt: at least this
/// many, and at least a quarter of the frozen postings (so a bulk load compacts a logarithmic number of
/// times).
pub(crate) const MIN_PENDING: usize = 1 << 16;

#[derive(Default)]
pub(crate) struct Postings {
    /// Frozen part: sorted distinct keys; the list of `keys[i]` is `slots[offsets[i]..offsets[i + 1]]`.
    keys: Vec<u64>,
    offsets: Vec<u32>,
    slots: Vec<u32>,
    /// Where the keys whose top `DIRECTORY_BITS` bits are `b` begin in `keys` (`directory[b]`) and end
    /// (`directory[b + 1]`): a lookup searches a run of a few keys, not all of them.
    directory: Vec<u32>,
    /// Slots at or above this one are not in the frozen part.
    frozen_below: u32,
    /// Slots added since the last compaction, per key, in increasing order.
    added: FxHashMap<u64, Vec<u32>>,
    /// Frozen slots removed since the last compaction (one bit per frozen slot), and per key how many.
    dead: Vec<u64>,
    dead_per_key: FxHashMap<u64, u32>,
    /// Postings added or removed since the last compaction.
    pending: usize,
}

/// Bits of a key that pick its run in the directory (a 256 KB table).
const DIRECTORY_BITS: u32 = 16;

/// The directory of sorted `keys` (see [`Postings::directory`]).
fn directory_of(keys: &[u64]) -> Vec<u32> {
    let mut directory = Vec::with_capacity((1 << DIRECTORY_BITS) + 1);
    let mut at = 0;
    for run in 0..=(1u64 << DIRECTORY_BITS) {
        while keys
            .get(at)
            .is_some_and(|k| k >> (64 - DIRECTORY_BITS) < run)
        {
            at += 1;
        }
        // Fewer than 4 billion keys: each is a list of at least one posting, and postings are counted in u32.
        directory.push(at as u32);
    }
    directory
}

/// The flat arrays of the frozen part, as a snapshot writes and reads them.
pub(crate) struct Frozen {
    pub keys: Vec<u64>,
    pub offsets: Vec<u32>,
    pub slots: Vec<u32>,
}

impl Postings {
    /// Builds from flat arrays already checked by the caller (see [`Frozen::check`]).
    pub(crate) fn from_frozen(frozen: Frozen, slot_count: u32) -> Postings {
        Postings {
            directory: directory_of(&frozen.keys),
            keys: frozen.keys,
            offsets: frozen.offsets,
            slots: frozen.slots,
            frozen_below: slot_count,
            ..Postings::default()
        }
    }

    /// The flat arrays, when every change has been merged into them.
    pub(crate) fn frozen_arrays(&self) -> Option<(&[u64], &[u32], &[u32])> {
        (self.pending == 0 && !self.offsets.is_empty()).then_some((
            &self.keys[..],
            &self.offsets[..],
            &self.slots[..],
        ))
    }

    fn frozen(&self, key: u64) -> &[u32] {
        let run = (key >> (64 - DIRECTORY_BITS)) as usize;
        let (Some(start), Some(end)) = (self.directory.get(run), self.directory.get(run + 1))
        else {
            return &[];
        };
        let (start, end) = (*start as usize, *end as usize);
        let Some(Ok(i)) = self.keys.get(start..end).map(|run| run.binary_search(&key)) else {
            return &[];
        };
        self.list_at(start + i)
    }

    /// The frozen list of the `i`-th key.
    fn list_at(&self, i: usize) -> &[u32] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(a), Some(b)) => self.slots.get(*a as usize..*b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn is_dead(&self, slot: u32) -> bool {
        self.dead
            .get(slot as usize / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    /// The live list of a key, `None` when it has no live slot.
    pub(crate) fn get(&self, key: u64) -> Option<Cow<'_, [u32]>> {
        let frozen = self.frozen(key);
        let dead = self.dead_per_key.get(&key).copied().unwrap_or(0);
        let added = self.added.get(&key);
        let list = match (dead, added) {
            (0, None) => Cow::Borrowed(frozen),
            (0, Some(added)) if frozen.is_empty() => Cow::Borrowed(added.as_slice()),
            (_, added) => {
                let added = added.map_or(&[][..], Vec::as_slice);
                let mut list = Vec::with_capacity(frozen.len() + added.len());
                if dead == 0 {
                    list.extend_from_slice(frozen);
                } else {
                    list.extend(frozen.iter().copied().filter(|s| !self.is_dead(*s)));
                }
                list.extend_from_slice(added);
                Cow::Owned(list)
            }
        };
        (!list.is_empty()).then_some(list)
    }

    /// Length of the live list of a key (0 when absent), without building it.
    pub(crate) fn len_of(&self, key: u64) -> usize {
        let dead = self.dead_per_key.get(&key).copied().unwrap_or(0) as usize;
        let added = self.added.get(&key).map_or(0, Vec::len);
        (self.frozen(key).len() + added).saturating_sub(dead)
    }

    /// Adds `slot` (above every slot added before) to the lists of `keys`.
    pub(crate) fn add(&mut self, slot: u32, keys: &[u64]) {
        for k in keys {
            self.added.entry(*k).or_default().push(slot);
        }
        self.pending += keys.len();
    }

    /// Removes `slot` from the lists of `keys` (the keys it was added under).
    pub(crate) fn remove(&mut self, slot: u32, keys: &[u64]) {
        if slot >= self.frozen_below {
            for k in keys {
                if let Some(v) = self.added.get_mut(k) {
                    v.retain(|s| *s != slot);
                    if v.is_empty() {
                        self.added.remove(k);
                    }
                }
            }
        } else {
            let word = slot as usize / 64;
            if self.dead.len() <= word {
                self.dead.resize(word + 1, 0);
            }
            if let Some(w) = self.dead.get_mut(word) {
                *w |= 1 << (slot % 64);
            }
            for k in keys {
                if !self.frozen(*k).is_empty() {
                    *self.dead_per_key.entry(*k).or_default() += 1;
                }
            }
        }
        self.pending += keys.len();
    }

    /// Merges the changes into the frozen part when they have grown past their share; `slot_count` is the
    /// index's number of slots (every slot below it is then frozen). Returns whether it did.
    pub(crate) fn maybe_compact(&mut self, slot_count: u32) -> bool {
        let due = self.pending >= MIN_PENDING.max(self.slots.len() / 4);
        if due {
            self.compact(slot_count);
        }
        due
    }

    /// Merges every change into the frozen part.
    pub(crate) fn compact(&mut self, slot_count: u32) {
        if self.pending == 0 {
            self.frozen_below = slot_count;
            return;
        }
        let frozen = self.merged(Some);
        *self = Postings::from_frozen(frozen, slot_count);
    }

    /// Whether `waiting` postings gathered by a bulk addition are enough to merge now: as many as the
    /// changes a compaction waits for, or half the frozen postings (fewer merges than one posting at a time
    /// would make: nothing reads the lists while a bulk addition runs), but never more than `most`.
    pub(crate) fn bulk_due(&self, waiting: usize, most: usize) -> bool {
        waiting >= MIN_PENDING.max(self.slots.len() / 2).min(most)
    }

    /// Adds `batch`, `(key, slot)` postings sorted by key then slot, every slot above every slot the lists
    /// hold, and merges every change into the frozen part; `slot_count` as for [`Postings::compact`]. One
    /// pass over the frozen part, where adding each posting to its list's additions costs a hash-map entry and
    /// an allocation per key.
    pub(crate) fn merge_sorted(&mut self, batch: &[(u64, u32)], slot_count: u32) {
        let frozen = self.merged_with(batch, Some);
        *self = Postings::from_frozen(frozen, slot_count);
    }

    /// Every live list in key order, with each slot mapped by `map` (a slot mapped to `None` is left out;
    /// the map must keep the order of slots), as flat arrays.
    pub(crate) fn merged(&self, map: impl Fn(u32) -> Option<u32>) -> Frozen {
        self.merged_with(&[], map)
    }

    /// [`Postings::merged`] with the postings of `batch` (sorted by key then slot, above every slot held)
    /// added at the end of their lists.
    fn merged_with(&self, batch: &[(u64, u32)], map: impl Fn(u32) -> Option<u32>) -> Frozen {
        let mut added: Vec<(u64, &[u32])> =
            self.added.iter().map(|(k, v)| (*k, v.as_slice())).collect();
        added.sort_unstable_by_key(|(k, _)| *k);
        let total =
            self.slots.len() + added.iter().map(|(_, v)| v.len()).sum::<usize>() + batch.len();
        let mut out = Frozen {
            keys: Vec::with_capacity(self.keys.len() + added.len()),
            offsets: Vec::with_capacity(self.keys.len() + added.len() + 1),
            slots: Vec::with_capacity(total),
        };
        out.offsets.push(0);
        // Three runs sorted by key: the frozen lists, the additions, the batch; a key's list is its frozen
        // slots (less the dead), then its additions, then its batch postings, which is slot order.
        let (mut f, mut a, mut b) = (0, 0, 0);
        loop {
            let frozen_key = self.keys.get(f).copied();
            let added_key = added.get(a).map(|(k, _)| *k);
            let batch_key = batch.get(b).map(|(k, _)| *k);
            let Some(key) = [frozen_key, added_key, batch_key]
                .into_iter()
                .flatten()
                .min()
            else {
                break;
            };
            let start = out.slots.len();
            if frozen_key == Some(key) {
                out.slots.extend(
                    self.list_at(f)
                        .iter()
                        .filter(|s| !self.is_dead(**s))
                        .filter_map(|s| map(*s)),
                );
                f += 1;
            }
            if added_key == Some(key) {
                if let Some((_, list)) = added.get(a) {
                    out.slots.extend(list.iter().filter_map(|s| map(*s)));
                }
                a += 1;
            }
            while let Some((k, s)) = batch.get(b)
                && *k == key
            {
                out.slots.extend(map(*s));
                b += 1;
            }
            if out.slots.len() > start {
                out.keys.push(key);
                // Offsets are u32: the index holds fewer than 4 billion postings (about 100 million persons).
                out.offsets.push(out.slots.len() as u32);
            }
        }
        out
    }

    /// Approximate heap bytes.
    pub(crate) fn approx_bytes(&self) -> usize {
        self.keys.capacity() * 8
            + self.directory.capacity() * 4
            + self.offsets.capacity() * 4
            + self.slots.capacity() * 4
            + self
                .added
                .values()
                .map(|v| v.capacity() * 4 + 48)
                .sum::<usize>()
            + self.dead.capacity() * 8
            + self.dead_per_key.len() * 16
    }
}

impl Frozen {
    /// Checks what a snapshot gave: keys strictly increasing, offsets from 0 to the number of slots and never
    /// decreasing, every list non-empty, strictly increasing and below `slot_count`. A list out of order would
    /// make intersections wrong, so it is refused rather than used.
    pub(crate) fn check(&self, slot_count: u32) -> bool {
        if self.offsets.len() != self.keys.len() + 1
            || self.offsets.first() != Some(&0)
            || self.offsets.last().map(|o| *o as usize) != Some(self.slots.len())
            || !self.keys.windows(2).all(|w| w[0] < w[1])
        {
            return false;
        }
        self.offsets.windows(2).all(|w| {
            w[0] < w[1]
                && self
                    .slots
                    .get(w[0] as usize..w[1] as usize)
                    .is_some_and(|list| {
                        list.windows(2).all(|p| p[0] < p[1])
                            && list.last().is_some_and(|s| *s < slot_count)
                    })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Postings;

    #[test]
    fn every_frozen_list_is_found_through_the_directory_and_no_other() {
        // Keys at both ends of the key space and on either side of a run's edge.
        let run = 1u64 << 48;
        let keys = [0, 1, run - 1, run, run + 1, 7 << 61, u64::MAX - 1, u64::MAX];
        let mut postings = Postings::default();
        for slot in 0..4u32 {
            postings.add(slot, &keys[slot as usize * 2..slot as usize * 2 + 2]);
        }
        postings.compact(4);
        for (i, key) in keys.iter().enumerate() {
            let list = postings.get(*key).map(|list| list.to_vec());
            assert_eq!(list, Some(vec![i as u32 / 2]), "key {key:#x}");
        }
        for absent in [2, run - 2, run + 2, (7 << 61) + 1, u64::MAX - 2] {
            assert_eq!(postings.get(absent), None, "key {absent:#x}");
            assert_eq!(postings.len_of(absent), 0);
        }
    }
}
