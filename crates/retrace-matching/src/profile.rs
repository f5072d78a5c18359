//! A person record as the engine sees it: the raw input ([`Person`]) and its normalised form ([`Profile`]).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::{FxHashSet, FxHasher};

use crate::names::{Tok, TokData, tokens, tokens_with_patronymic};
use crate::normalize::{place_key, skeleton};
use crate::tables::{is_country, place_group};

/// One person record as given by a caseworker or an import. Empty strings mean unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// Name as written, any script and order, possibly with the father's and grandfather's names.
    pub full_name: String,
    /// `M`, `F`, or anything else for unknown.
    pub sex: String,
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty.
    pub birth_date: String,
    /// Age in years at the configured reference year, when no date is known.
    pub age: Option<u32>,
    pub father_name: String,
    pub mother_name: String,
    pub birth_place: String,
    /// ISO 3166-1 alpha-2.
    pub nationality: String,
    pub last_seen_place: String,
}

/// A birth date, possibly partial or derived from an age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Birth {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
    /// Derived from an age estimate: the year is uncertain by one more.
    pub from_age: bool,
    /// A registration default (01-01, 07-01, 12-31): only the year is evidence.
    pub default_day: bool,
}

impl Birth {
    /// Parse `YYYY[-MM[-DD]]`, or `YYYY-DD-MM` when the second part can only be a day (13 to 31) and the
    /// third a month (the schema allows day and month swapped); default dates keep only their year. A part
    /// that is neither is a typo: it is dropped with the parts after it (`1988-07-63` is July 1988). `None`
    /// without a year from 1850 to 2100.
    pub fn parse(s: &str) -> Option<Birth> {
        Birth::read(s).map(|(birth, _)| birth)
    }

    /// [`Birth::parse`], and whether the whole text was read (`false` when a part was dropped).
    pub fn read(s: &str) -> Option<(Birth, bool)> {
        let s = s.trim();
        let mut it = s.split('-');
        let year: i32 = it.next()?.parse().ok()?;
        if !(1850..=2100).contains(&year) {
            return None;
        }
        let second: Option<Result<u8, ()>> = it.next().map(|m| m.parse().map_err(drop));
        let third: Option<Result<u8, ()>> = it.next().map(|d| d.parse().map_err(drop));
        let whole_text = it.next().is_none();
        let is_month = |m: u8| (1..=12).contains(&m);
        let is_day = |d: u8| (1..=31).contains(&d);
        let (month, day, read) = match (second, third) {
            (None, _) => (None, None, true),
            (Some(Ok(m)), None) if is_month(m) => (Some(m), None, true),
            (Some(Ok(m)), Some(Ok(d))) if is_month(m) && is_day(d) => (Some(m), Some(d), true),
            (Some(Ok(d)), Some(Ok(m))) if d > 12 && is_day(d) && is_month(m) => {
                (Some(m), Some(d), true)
            }
            (Some(Ok(m)), Some(_)) if is_month(m) => (Some(m), None, false),
            _ => (None, None, false),
        };
        let default_day = matches!(
            (month, day),
            (Some(1), Some(1)) | (Some(7), Some(1)) | (Some(12), Some(31))
        );
        let (month, day) = if default_day {
            (None, None)
        } else {
            (month, day)
        };
        let birth = Birth {
            year,
            month,
            day,
            from_age: false,
            default_day,
        };
        Some((birth, read && whole_text))
    }

    pub fn from_age(age: u32, reference_year: i32) -> Birth {
        // The birthday may or may not have passed in the reference year: the middle of the two candidates.
        Birth {
            year: reference_year - age as i32 - 1,
            month: None,
            day: None,
            from_age: true,
            default_day: false,
        }
    }
}

/// A place name, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    pub key: Arc<str>,
    pub skel: Arc<str>,
    pub group: u32,
    /// Hash of the first three letters of its town (its last part after a comma: the town of a street
    /// address), for blocking records written at one town with typos in it; 0 with fewer letters.
    pub town: u64,
    /// The key of its town when it names more than its town (a street address, `12 Rue X, Lyon`); empty
    /// otherwise. An address and its town alone are then the same place, near enough.
    pub town_key: Arc<str>,
}

/// The counting key of every person seen somewhere; a town's is its name's hash with this mixed in.
pub(crate) const SEEN_SOMEWHERE: u64 = 0x6a09_e667_f3bc_c909;
/// Mixed into a last-seen place's own key to count the persons seen at it (ADR 0063).
const SEEN_AT: u64 = 0x510e_527f_ade6_82d1;

/// The counting key of every person whose record gives both a birth place and a last-seen place.
pub(crate) const BORN_AND_SEEN: u64 = 0x3c6e_f372_fe94_f82b;
/// The counting key of those of them last seen in the town they were born in (ADR 0062).
pub(crate) const BORN_WHERE_SEEN: u64 = 0xa54f_f53a_5f1d_36f1;

/// The counting key of every person whose record gives a father's name; a father's name's own is its key with
/// this mixed in (ADR 0069).
pub(crate) const FATHER_GIVEN: u64 = 0x9b05_688c_2b3e_6c1f;
/// The same for mothers' names.
pub(crate) const MOTHER_GIVEN: u64 = 0x1f83_d9ab_fb41_bd6b;
/// The counting key of every person whose record gives a whole birth date (not a registration default); a
/// date's own is the date with this mixed in.
pub(crate) const DATED: u64 = 0x5be0_cd19_137e_2179;

impl Birth {
    /// The key under which an index counts the persons born on this very day, when the date is whole.
    pub(crate) fn date_count_key(&self) -> Option<u64> {
        let (month, day) = (self.month?, self.day?);
        let mut h = FxHasher::default();
        (self.year, month, day).hash(&mut h);
        Some(h.finish() ^ DATED)
    }
}

impl Place {
    /// The key of its town: the town of a street address, else the place itself.
    pub(crate) fn town(&self) -> &str {
        if self.town_key.is_empty() {
            &self.key
        } else {
            &self.town_key
        }
    }

    /// The key under which an index counts the persons last seen at this very spot, when the place names more
    /// than its town (a street address, a camp of a town; ADR 0063).
    pub(crate) fn place_count_key(&self) -> Option<u64> {
        (!self.town_key.is_empty()).then(|| hash_str(&self.key) ^ SEEN_AT)
    }

    /// The key under which an index counts the persons last seen in this place's town.
    pub(crate) fn town_count_key(&self) -> u64 {
        hash_str(self.town()) ^ SEEN_SOMEWHERE
    }

    pub(crate) fn parse(s: &str) -> Option<Place> {
        let key = place_key(s);
        if key.is_empty() {
            return None;
        }
        let group = place_group(&key);
        // The town is the last part after a comma with three letters or more that is not a country
        // (`12 Main St, Leeds`, `Aleppo, Syria`); the whole place when none is.
        let town_text = s
            .rsplit(',')
            .map(place_key)
            .find(|part| {
                part.chars().filter(char::is_ascii_alphabetic).count() >= 3 && !is_country(part)
            })
            .unwrap_or_else(|| key.clone());
        let prefix: String = town_text
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(3)
            .collect();
        // Empty when the place is its town alone.
        let town_key: Arc<str> = if town_text == key {
            "".into()
        } else {
            town_text.into()
        };
        Some(Place {
            skel: skeleton(&key).into(),
            key: key.into(),
            group,
            town: if prefix.len() == 3 {
                hash_str(&prefix)
            } else {
                0
            },
            town_key,
        })
    }
}

/// The normalised form of a [`Person`], everything the comparison needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: Box<[Tok]>,
    pub father: Box<[Tok]>,
    pub mother: Box<[Tok]>,
    pub birth: Option<Birth>,
    /// b'M', b'F' or 0.
    pub sex: u8,
    pub nationality: [u8; 2],
    /// Shared: an index keeps one copy of each place (see [`Shared`]).
    pub birth_place: Option<Arc<Place>>,
    pub last_seen: Option<Arc<Place>>,
}

pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

impl Profile {
    pub fn new(p: &Person, reference_year: i32) -> Profile {
        let (name, patronymic) = tokens_with_patronymic(&p.full_name);
        let mut father = tokens(&p.father_name);
        if father.is_empty()
            && let Some(t) = patronymic
        {
            father.push(t);
        }
        let birth = Birth::parse(&p.birth_date)
            .or_else(|| p.age.map(|a| Birth::from_age(a, reference_year)));
        let sex = match p.sex.trim() {
            "M" | "m" => b'M',
            "F" | "f" => b'F',
            _ => 0,
        };
        let nat = p.nationality.trim().as_bytes();
        let nationality = if nat.len() == 2 {
            [nat[0].to_ascii_uppercase(), nat[1].to_ascii_uppercase()]
        } else {
            [0, 0]
        };
        Profile {
            name: name.into(),
            father: father.into(),
            mother: tokens(&p.mother_name).into(),
            birth,
            sex,
            nationality,
            birth_place: Place::parse(&p.birth_place).map(Arc::new),
            last_seen: Place::parse(&p.last_seen_place).map(Arc::new),
        }
    }

    /// Approximate heap plus inline size in bytes (for the bytes-per-person benchmark), without the text of
    /// the name parts and the places: an index shares those between profiles (see [`Shared`]) and counts them
    /// once.
    pub fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Profile>()
            + (self.name.len() + self.father.len() + self.mother.len()) * std::mem::size_of::<Tok>()
    }

    /// Makes the profile's name parts and places the shared copies of `shared`.
    pub(crate) fn share(&mut self, shared: &mut Shared) {
        for toks in [&mut self.name, &mut self.father, &mut self.mother] {
            for t in toks.iter_mut() {
                *t = shared.tok(t);
            }
        }
        for place in [&mut self.birth_place, &mut self.last_seen]
            .into_iter()
            .flatten()
        {
            *place = shared.place(place);
        }
    }
}

/// One copy of each name part, each place and each place's texts an index's profiles hold: a million persons
/// share a few hundred thousand distinct ones, so each profile points at a shared copy instead of owning its
/// parts and places.
#[derive(Default)]
pub(crate) struct Shared {
    toks: FxHashSet<Tok>,
    texts: FxHashSet<Arc<str>>,
    places: FxHashSet<Arc<Place>>,
}

impl Shared {
    /// The shared copy of the name part `tok`.
    pub(crate) fn tok(&mut self, tok: &Tok) -> Tok {
        if let Some(shared) = self.toks.get(tok) {
            return shared.clone();
        }
        self.toks.insert(tok.clone());
        tok.clone()
    }

    /// The shared copy of `text`.
    pub(crate) fn text(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.texts.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = text.into();
        self.texts.insert(shared.clone());
        shared
    }

    /// The shared copy of `place`.
    pub(crate) fn place(&mut self, place: &Arc<Place>) -> Arc<Place> {
        if let Some(shared) = self.places.get(place) {
            return shared.clone();
        }
        self.places.insert(place.clone());
        place.clone()
    }

    /// Forgets the name parts, texts and places no profile holds any more (a removed person's name does not
    /// stay in memory).
    pub(crate) fn forget_unused(&mut self) {
        self.toks.retain(Tok::is_shared);
        self.texts.retain(|s| Arc::strong_count(s) > 1);
        self.places.retain(|p| Arc::strong_count(p) > 1);
    }

    /// Approximate heap bytes (the name parts, texts and places with their counts, and the sets).
    pub(crate) fn approx_bytes(&self) -> usize {
        self.toks
            .iter()
            .map(|t| std::mem::size_of::<TokData>() + 16 + t.text.len() + t.skel.len())
            .sum::<usize>()
            + self.toks.capacity() * 9
            + self.texts.iter().map(|s| s.len() + 16).sum::<usize>()
            + self.texts.capacity() * 17
            + self
                .places
                .iter()
                .map(|p| {
                    p.key.len()
                        + p.skel.len()
                        + p.town_key.len()
                        + std::mem::size_of::<Place>()
                        + 16
                })
                .sum::<usize>()
            + self.places.capacity() * 9
    }
}

#[cfg(test)]
mod tests {
    use super::Birth;

    fn read(s: &str) -> Option<(i32, Option<u8>, Option<u8>, bool)> {
        Birth::read(s).map(|(b, whole)| (b.year, b.month, b.day, whole))
    }

    #[test]
    fn a_birth_date_is_read_as_far_as_it_is_a_date() {
        assert_eq!(read("1988-03-14"), Some((1988, Some(3), Some(14), true)));
        // Day and month swapped, as the schema allows.
        assert_eq!(read("1988-14-03"), Some((1988, Some(3), Some(14), true)));
        // A typo in the day keeps the month; in the month, the year alone.
        assert_eq!(read("1988-07-63"), Some((1988, Some(7), None, false)));
        assert_eq!(read("1988-63-20"), Some((1988, None, None, false)));
        assert_eq!(read("1988-07-14-2"), Some((1988, Some(7), Some(14), false)));
        assert_eq!(read("19x8-07-14"), None);
        assert_eq!(read("1066"), None);
    }
}
