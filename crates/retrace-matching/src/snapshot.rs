//! A byte snapshot of an [`Index`](crate::Index): what it holds and the position (an opaque change sequence
//! chosen by the caller) it reflects, so that a service can start from it and replay only the changes since.
//!
//! Key design decision: the snapshot keeps the normalised profiles **and** the posting lists and term
//! frequencies as flat little-endian blocks (format 2). Format 1 kept only the profiles and rebuilt every list
//! on load: tens of millions of hash-map inserts at a million persons, as slow as indexing from scratch. Now
//! loading is reading: the blocks are decoded in one pass each and checked (keys strictly increasing, lists
//! sorted, every slot a person of the snapshot), and the lists agree with the profiles because the same
//! engine (same fingerprint) wrote both, under the checksum.
//! A snapshot made by another engine (other tables, other normalisation, other reference year) is refused with
//! [`SnapshotError::OtherEngine`]: the caller then rebuilds from its database. The whole byte stream ends with a
//! checksum, so a truncated or damaged file is refused too, never half-loaded. No I/O here: the caller gives an
//! `impl Write` / `impl Read` and owns the file (written atomically by the application).

use std::hash::Hasher;
use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHasher;

use crate::names::Tok;
use crate::profile::{Birth, Person, Place, Profile, Shared};

const MAGIC: &[u8; 8] = b"RTRIDX\0\x01";
/// Values per piece of a block write.
const BLOCK: usize = 1 << 14;
/// Bump when the encoding or the meaning of a profile field or of the counts changes (10: the counts hold
/// last-seen towns, ADR 0061; 11: and the persons born where they were last seen, ADR 0062; 12: and the
/// spots within towns, ADR 0063; 13: and parents' names and whole birth dates, ADR 0069).
const FORMAT: u32 = 13;

/// Why a snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot could not be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("not an index snapshot, or a damaged one ({0})")]
    Damaged(&'static str),
    #[error("snapshot made by another version of the matching engine or another reference year")]
    OtherEngine,
}

/// Records in several scripts and spellings whose profiles and keys (here) and scores (in
/// [`crate::scoring_fingerprint`]) stand for the engine's.
pub(crate) fn probe_persons() -> Vec<Person> {
    [
        ("محمد علي الحسن", "علي", "1988-03-14", "حلب"),
        ("Mohamed Ali EL-HASSAN", "Ali", "1988-14-03", "Aleppo"),
        ("Олександр Петрович Шевченко", "", "1975", "Харків"),
        ("Abdul Rahman Nour ad-Din", "Yusuf", "2001-07-01", "Kabul"),
        ("ገብረ ሚካኤል ተስፋይ", "ተስፋይ", "1990-05", "Asmara"),
        ("O'Neill-Murphy, Siobhan", "", "", "Dublin"),
        ("Iurii Jusofi", "Evgenii", "1979", "Kyiv"),
        ("Fatima", "Ahmad", "1965", "Ghazni"),
        (
            "Dr. Dan1el Wi1son Jr.",
            "J0hn",
            "1961-14-02",
            "171 Main St, Leeds",
        ),
    ]
    .into_iter()
    .map(|(name, father, date, place)| Person {
        full_name: name.into(),
        father_name: father.into(),
        birth_date: date.into(),
        birth_place: place.into(),
        age: Some(30),
        ..Person::default()
    })
    .collect()
}

/// Fingerprint of everything that shapes a profile and its posting lists: the format, the embedded tables, and
/// the profiles and blocking keys of a few probe records in several scripts (so that a change of the
/// normalisation or of the blocking keys that alters them is caught even if nobody bumped [`FORMAT`]).
pub(crate) fn engine_fingerprint(reference_year: i32) -> u64 {
    static PROBES: OnceLock<u64> = OnceLock::new();
    let probes = *PROBES.get_or_init(|| {
        let mut w = SnapshotWriter::new(Vec::new());
        for person in probe_persons() {
            // Writing into a Vec cannot fail. The blocking keys too: the snapshot keeps the posting lists, so
            // a build that keys records otherwise must not read them.
            let profile = Profile::new(&person, 2024);
            let _ = w.profile(&profile);
            let _ = w.u64s(&crate::index::posting_keys(&profile));
        }
        let _ = w.str(crate::tables::GIVEN_NAMES);
        let _ = w.str(crate::tables::PLACES);
        let _ = w.str(crate::tables::COUNTRIES);
        w.hash.finish()
    });
    let mut h = FxHasher::default();
    h.write_u32(FORMAT);
    h.write_u64(probes);
    h.write_i32(reference_year);
    h.finish()
}

/// FNV-1a over the bytes taken eight at a time as little-endian words (the last up to seven one by one):
/// the same sum however the bytes are cut into writes. A checksum against damage, not against tampering
/// (the application seals the file); eight bytes a step, so that checking a snapshot of hundreds of
/// megabytes takes a fraction of loading it.
#[derive(Clone, Copy)]
pub(crate) struct Checksum {
    sum: u64,
    pending: [u8; 8],
    pending_len: usize,
}

const FNV_PRIME: u64 = 0x0100_0000_01b3;

impl Checksum {
    pub(crate) fn new() -> Self {
        Checksum {
            sum: 0xcbf2_9ce4_8422_2325,
            pending: [0; 8],
            pending_len: 0,
        }
    }

    fn word(&mut self, word: [u8; 8]) {
        self.sum = (self.sum ^ u64::from_le_bytes(word)).wrapping_mul(FNV_PRIME);
    }

    pub(crate) fn write(&mut self, mut bytes: &[u8]) {
        if self.pending_len > 0 {
            let take = (8 - self.pending_len).min(bytes.len());
            let (head, rest) = bytes.split_at(take);
            for (slot, b) in self.pending[self.pending_len..].iter_mut().zip(head) {
                *slot = *b;
            }
            self.pending_len += take;
            bytes = rest;
            if self.pending_len < 8 {
                return;
            }
            self.word(self.pending);
            self.pending_len = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            if let Ok(w) = w.try_into() {
                self.word(w);
            }
        }
        let tail = words.remainder();
        for (slot, b) in self.pending.iter_mut().zip(tail) {
            *slot = *b;
        }
        self.pending_len = tail.len();
    }

    pub(crate) fn finish(self) -> u64 {
        let tail = self.pending.get(..self.pending_len).unwrap_or(&[]);
        tail.iter()
            .fold(self.sum, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME))
    }
}

/// Writes a snapshot: values in little-endian order, every byte hashed for the closing checksum. The
/// application adds its own section after the index (see [`crate::Index::write_snapshot`]).
pub struct SnapshotWriter<W: Write> {
    out: W,
    hash: Checksum,
}

impl<W: Write> SnapshotWriter<W> {
    pub(crate) fn new(out: W) -> Self {
        SnapshotWriter {
            out,
            hash: Checksum::new(),
        }
    }

    fn raw(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.hash.write(b);
        self.out.write_all(b)
    }

    pub fn u8(&mut self, v: u8) -> std::io::Result<()> {
        self.raw(&[v])
    }

    pub fn u32(&mut self, v: u32) -> std::io::Result<()> {
        self.raw(&v.to_le_bytes())
    }

    pub fn u64(&mut self, v: u64) -> std::io::Result<()> {
        self.raw(&v.to_le_bytes())
    }

    pub fn str(&mut self, s: &str) -> std::io::Result<()> {
        self.u32(u32::try_from(s.len()).map_err(std::io::Error::other)?)?;
        self.raw(s.as_bytes())
    }

    /// A block of values, little-endian, written in large pieces.
    pub fn u32s(&mut self, values: &[u32]) -> std::io::Result<()> {
        self.block(values, u32::to_le_bytes)
    }

    /// A block of values, little-endian, written in large pieces.
    pub fn u64s(&mut self, values: &[u64]) -> std::io::Result<()> {
        self.block(values, u64::to_le_bytes)
    }

    fn block<T: Copy, const N: usize>(
        &mut self,
        values: &[T],
        bytes: impl Fn(T) -> [u8; N],
    ) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(BLOCK.min(values.len()) * N);
        for chunk in values.chunks(BLOCK) {
            buf.clear();
            buf.extend(chunk.iter().flat_map(|v| bytes(*v)));
            self.raw(&buf)?;
        }
        Ok(())
    }

    fn toks(&mut self, toks: &[Tok]) -> std::io::Result<()> {
        self.u32(toks.len() as u32)?;
        for t in toks {
            self.str(&t.text)?;
            self.str(&t.skel)?;
            self.u32(t.group)?;
        }
        Ok(())
    }

    fn place(&mut self, p: &Option<Arc<Place>>) -> std::io::Result<()> {
        match p {
            None => self.u8(0),
            Some(p) => {
                self.u8(1)?;
                self.str(&p.key)?;
                self.str(&p.skel)?;
                self.u32(p.group)?;
                self.u64(p.town)?;
                self.str(&p.town_key)
            }
        }
    }

    pub(crate) fn profile(&mut self, p: &Profile) -> std::io::Result<()> {
        self.toks(&p.name)?;
        self.toks(&p.father)?;
        self.toks(&p.mother)?;
        match p.birth {
            None => self.u8(0)?,
            Some(b) => {
                self.u8(1 | u8::from(b.from_age) << 1 | u8::from(b.default_day) << 2)?;
                self.u32(b.year as u32)?;
                self.u8(b.month.unwrap_or(0))?;
                self.u8(b.day.unwrap_or(0))?;
            }
        }
        self.u8(p.sex)?;
        self.raw(&p.nationality)?;
        self.place(&p.birth_place)?;
        self.place(&p.last_seen)
    }

    /// A person as given (all fields), for the application's own section.
    pub fn person(&mut self, p: &Person) -> std::io::Result<()> {
        for f in [
            &p.full_name,
            &p.sex,
            &p.birth_date,
            &p.father_name,
            &p.mother_name,
            &p.birth_place,
        ]
        .into_iter()
        .chain([&p.nationality, &p.last_seen_place])
        {
            self.str(f)?;
        }
        self.u32(p.age.map_or(u32::MAX, |a| a.min(u32::MAX - 1)))
    }

    /// Header: magic, engine fingerprint, position.
    pub(crate) fn header(&mut self, reference_year: i32, position: u64) -> std::io::Result<()> {
        self.raw(MAGIC)?;
        self.u64(engine_fingerprint(reference_year))?;
        self.u64(position)
    }

    /// Writes the checksum of everything written so far (not itself hashed) and hands back the writer.
    pub(crate) fn finish(mut self) -> std::io::Result<W> {
        let sum = self.hash.finish();
        self.out.write_all(&sum.to_le_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Reads a snapshot whose checksum and engine were checked; the application reads its own section.
pub struct SnapshotReader<'a> {
    buf: &'a [u8],
}

impl<'a> SnapshotReader<'a> {
    /// Checks the trailing checksum, the magic and the engine; returns the decoder after the header and the
    /// position.
    pub(crate) fn open(bytes: &'a [u8], reference_year: i32) -> Result<(Self, u64), SnapshotError> {
        let Some((body, sum)) = bytes.split_at_checked(bytes.len().wrapping_sub(8)) else {
            return Err(SnapshotError::Damaged("too short"));
        };
        let mut h = Checksum::new();
        h.write(body);
        if sum != h.finish().to_le_bytes() {
            return Err(SnapshotError::Damaged("checksum"));
        }
        let mut d = SnapshotReader { buf: body };
        if d.take(MAGIC.len())? != MAGIC {
            return Err(SnapshotError::Damaged("magic"));
        }
        if d.u64()? != engine_fingerprint(reference_year) {
            return Err(SnapshotError::OtherEngine);
        }
        let position = d.u64()?;
        Ok((d, position))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let Some((head, rest)) = self.buf.split_at_checked(n) else {
            return Err(SnapshotError::Damaged("truncated"));
        };
        self.buf = rest;
        Ok(head)
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Bytes left to read (to bound a reservation by what a count claims).
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    pub fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32, SnapshotError> {
        let mut b = [0; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    pub fn u64(&mut self) -> Result<u64, SnapshotError> {
        let mut b = [0; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    pub fn str(&mut self) -> Result<&'a str, SnapshotError> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| SnapshotError::Damaged("text"))
    }

    /// A block of `n` values written by [`SnapshotWriter::u32s`].
    pub fn u32s(&mut self, n: u64) -> Result<Vec<u32>, SnapshotError> {
        self.block(n, u32::from_le_bytes)
    }

    /// A block of `n` values written by [`SnapshotWriter::u64s`].
    pub fn u64s(&mut self, n: u64) -> Result<Vec<u64>, SnapshotError> {
        self.block(n, u64::from_le_bytes)
    }

    fn block<T, const N: usize>(
        &mut self,
        n: u64,
        value: impl Fn([u8; N]) -> T,
    ) -> Result<Vec<T>, SnapshotError> {
        let len = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(N))
            .ok_or(SnapshotError::Damaged("block length"))?;
        let bytes = self.take(len)?;
        // Reserved exactly: collected through `filter_map`, the vector would grow by doubling and keep up to
        // twice the room (the posting arrays are most of a restored index).
        let mut values = Vec::with_capacity(bytes.len() / N);
        values.extend(
            bytes
                .chunks_exact(N)
                .filter_map(|c| c.try_into().ok().map(&value)),
        );
        Ok(values)
    }

    /// A person written by [`SnapshotWriter::person`].
    pub fn person(&mut self) -> Result<Person, SnapshotError> {
        let mut f = [""; 8];
        for v in &mut f {
            *v = self.str()?;
        }
        let [
            full_name,
            sex,
            birth_date,
            father_name,
            mother_name,
            birth_place,
            nationality,
            last_seen_place,
        ] = f.map(str::to_owned);
        let age = Some(self.u32()?).filter(|a| *a != u32::MAX);
        Ok(Person {
            full_name,
            sex,
            birth_date,
            age,
            father_name,
            mother_name,
            birth_place,
            nationality,
            last_seen_place,
        })
    }

    fn toks(&mut self, strings: &mut Shared) -> Result<Box<[Tok]>, SnapshotError> {
        let n = self.u32()? as usize;
        // Each part takes at least 12 bytes: a damaged count cannot make us reserve more than the data.
        let mut out = Vec::with_capacity(n.min(self.buf.len() / 12));
        for _ in 0..n {
            let (text, skel) = (self.str()?, self.str()?);
            let group = self.u32()?;
            out.push(strings.tok(&Tok::new(text, skel, group)));
        }
        Ok(out.into())
    }

    fn place(&mut self, strings: &mut Shared) -> Result<Option<Arc<Place>>, SnapshotError> {
        Ok(match self.u8()? {
            0 => None,
            _ => {
                let place = Place {
                    key: strings.text(self.str()?),
                    skel: strings.text(self.str()?),
                    group: self.u32()?,
                    town: self.u64()?,
                    town_key: strings.text(self.str()?),
                };
                Some(strings.place(&Arc::new(place)))
            }
        })
    }

    /// A profile written by [`SnapshotWriter::profile`], its texts shared through `strings`.
    pub(crate) fn profile(&mut self, strings: &mut Shared) -> Result<Profile, SnapshotError> {
        let name = self.toks(strings)?;
        let father = self.toks(strings)?;
        let mother = self.toks(strings)?;
        let birth = match self.u8()? {
            0 => None,
            flags => {
                let year = self.u32()? as i32;
                let month = Some(self.u8()?).filter(|m| *m != 0);
                let day = Some(self.u8()?).filter(|d| *d != 0);
                Some(Birth {
                    year,
                    month,
                    day,
                    from_age: flags & 2 != 0,
                    default_day: flags & 4 != 0,
                })
            }
        };
        let sex = self.u8()?;
        let nat = self.take(2)?;
        let nationality = [nat[0], nat[1]];
        let birth_place = self.place(strings)?;
        let last_seen = self.place(strings)?;
        Ok(Profile {
            name,
            father,
            mother,
            birth,
            sex,
            nationality,
            birth_place,
            last_seen,
        })
    }
}

/// Reads a whole snapshot into memory (the caller's reader: a file, a buffer).
pub(crate) fn read_all(input: &mut impl Read) -> Result<Vec<u8>, SnapshotError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::Checksum;

    #[test]
    fn the_checksum_does_not_depend_on_how_the_bytes_are_cut() {
        let bytes: Vec<u8> = (0u32..100).map(|i| (i * 37 % 251) as u8).collect();
        let mut whole = Checksum::new();
        whole.write(&bytes);
        for cut in [1, 3, 7, 8, 9, 13, 64] {
            let mut pieces = Checksum::new();
            for piece in bytes.chunks(cut) {
                pieces.write(piece);
            }
            assert_eq!(pieces.finish(), whole.finish(), "pieces of {cut}");
        }
        let mut other = bytes.clone();
        other[50] ^= 1;
        let mut changed = Checksum::new();
        changed.write(&other);
        assert_ne!(changed.finish(), whole.finish());
    }
}
