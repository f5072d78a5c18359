//! The server's secret key and field-level encryption at rest
//! (`docs/adr/0017-field-encryption-at-rest.md`).
//!
//! The most sensitive columns (a person's details, the circumstances of a
//! request, family messages, status notes, risk assessments and notes of a
//! referral, outreach session bodies, visitors' reports) are written as
//! XChaCha20-Poly1305 ciphertexts. Each ciphertext carries a version byte
//! and the id of the key that sealed it, and its associated data names the
//! table, column and row, so a value copied into another row does not open.
//!
//! The keys never touch the database: key 1 is derived from the secret key
//! file, later keys (`retrace admin rotate-key`) are kept in the same file
//! or given by the `RETRACE_FIELD_KEYS` environment variable. The database
//! keeps a check value per key so a wrong or missing key stops start-up.
//!
//! The storage code seals and opens through the process's [`Keyring`],
//! installed once at start-up with [`install`] (the queries are associated
//! functions without a store instance to carry it).

use crate::{StoreError, StoreResult};
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use data_encoding::BASE64URL_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// 32 random bytes. `Debug` never prints them.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses 64 hexadecimal characters.
    pub fn from_hex(value: &str) -> Option<Self> {
        let bytes = hex::decode(value.trim()).ok()?;
        bytes.try_into().ok().map(Self)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A key for one purpose, so that no two uses share key material.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = keyed_hmac(&self.0);
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

/// HMAC-SHA256 keyed with 32 bytes. HMAC pads a short key with zeros to the
/// 64-byte block, so padding it here gives the same MAC through the
/// infallible constructor.
pub fn keyed_hmac(key: &[u8; 32]) -> Hmac<Sha256> {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    <Hmac<Sha256> as Mac>::new(&block.into())
}

/// XChaCha20-Poly1305 with a random nonce: `nonce ‖ ciphertext ‖ tag`.
pub fn seal_bytes(cipher: &XChaCha20Poly1305, aad: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    let mut nonce = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut nonce);
    let payload = Payload {
        msg: plaintext,
        aad,
    };
    let ciphertext = cipher.encrypt(&nonce.into(), payload).ok()?;
    let mut out = Vec::with_capacity(24 + ciphertext.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    Some(out)
}

/// Opens what [`seal_bytes`] sealed with the same associated data.
pub fn open_bytes(cipher: &XChaCha20Poly1305, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < 24 {
        return None;
    }
    let (nonce, ciphertext) = sealed.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().ok()?;
    let payload = Payload {
        msg: ciphertext,
        aad,
    };
    cipher.decrypt(&nonce.into(), payload).ok()
}

/// An encrypted column: its table and column names, bound into every
/// ciphertext's associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub table: &'static str,
    pub column: &'static str,
}

impl Field {
    pub const fn new(table: &'static str, column: &'static str) -> Self {
        Self { table, column }
    }
}

/// Persons' details: names, dates, places, contact details, distinguishing
/// marks, last news. Release snapshots keep a copy of the same ciphertext
/// (bound to the person's row).
pub const PERSON_DETAILS: Field = Field::new("persons", "details");
/// The circumstances of separation of a request.
pub const REQUEST_CIRCUMSTANCES: Field = Field::new("tracing_requests", "circumstances");
/// A note given with a request's status change (bound to the request).
pub const STATUS_NOTE: Field = Field::new("request_status_history", "note");
/// A family message between the two sides of a candidate.
pub const MESSAGE_BODY: Field = Field::new("family_messages", "body");
/// A referral's risk assessment (level, notes).
pub const REFERRAL_RISK: Field = Field::new("referrals", "risk");
/// Notes, reasons and news on a referral's timeline.
pub const REFERRAL_EVENT_BODY: Field = Field::new("referral_events", "body");
/// The values of a tool filled for a referral.
pub const REFERRAL_TOOL_VALUES: Field = Field::new("referral_tool_entries", "entry_values");
/// An outreach session (figures, topics, notes) as the phone sent it.
pub const OUTREACH_BODY: Field = Field::new("outreach_sessions", "body");
/// A conflicting version of an outreach session kept for review.
pub const CONFLICT_BODY: Field = Field::new("outreach_conflicts", "body");
/// A visitor's information about a gallery entry.
pub const REPORT_MESSAGE: Field = Field::new("information_reports", "message");
/// How to reach the visitor who sent it.
pub const REPORT_CONTACT: Field = Field::new("information_reports", "contact");

/// The first character of every stored ciphertext.
pub const MARK: char = '~';
/// The envelope format written today.
pub const VERSION: u8 = 1;
/// The highest key id: ids are 16 bits in the envelope.
pub const MAX_KEY_ID: u16 = u16::MAX;

/// The beginning of every ciphertext sealed under `key_id`: the mark and
/// the base64 of the version byte and the key id (three bytes, four
/// characters), so a query can find the rows not yet under a key.
pub fn prefix(key_id: u16) -> String {
    let [high, low] = key_id.to_be_bytes();
    format!("{MARK}{}", BASE64URL_NOPAD.encode(&[VERSION, high, low]))
}

/// Length of [`prefix`] in characters.
pub const PREFIX_LEN: usize = 5;

/// The field keys of this process: every key that may have sealed a stored
/// value, by id; the highest is current and seals what is written.
#[derive(Clone)]
pub struct Keyring {
    keys: BTreeMap<u16, [u8; 32]>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// What is wrong with a key given to the process.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("no field key is given")]
    Empty,
    #[error("{0:?} is not `<id>:<64 hexadecimal characters>` with an id from 1 to 65535")]
    Malformed(String),
    #[error("field key {0} is given twice")]
    Duplicate(u16),
}

impl Keyring {
    /// Key 1, derived from the secret key file: what a deployment uses
    /// until its first rotation.
    pub fn derived(secret: &SecretKey) -> Self {
        let mut keys = BTreeMap::new();
        keys.insert(1, Self::derived_key(secret));
        Self { keys }
    }

    /// Key 1 as derived from the secret key.
    pub fn derived_key(secret: &SecretKey) -> [u8; 32] {
        secret.derive("retrace field key 1")
    }

    /// Keys given as `<id>:<hex>` separated by commas or whitespace (the
    /// `RETRACE_FIELD_KEYS` variable).
    pub fn parse_list(text: &str) -> Result<Self, KeyError> {
        let mut keys = BTreeMap::new();
        for item in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            let (id, key) = parse_key(item).ok_or_else(|| KeyError::Malformed(redact(item)))?;
            if keys.insert(id, key).is_some() {
                return Err(KeyError::Duplicate(id));
            }
        }
        if keys.is_empty() {
            return Err(KeyError::Empty);
        }
        Ok(Self { keys })
    }

    pub fn from_keys(keys: impl IntoIterator<Item = (u16, [u8; 32])>) -> Result<Self, KeyError> {
        let mut map = BTreeMap::new();
        for (id, key) in keys {
            if id == 0 {
                return Err(KeyError::Malformed("0".into()));
            }
            if map.insert(id, key).is_some() {
                return Err(KeyError::Duplicate(id));
            }
        }
        if map.is_empty() {
            return Err(KeyError::Empty);
        }
        Ok(Self { keys: map })
    }

    /// The key that seals new values.
    pub fn current_id(&self) -> u16 {
        self.keys.keys().next_back().copied().unwrap_or(1)
    }

    pub fn ids(&self) -> impl Iterator<Item = u16> + '_ {
        self.keys.keys().copied()
    }

    pub fn contains(&self, id: u16) -> bool {
        self.keys.contains_key(&id)
    }

    pub fn key(&self, id: u16) -> Option<&[u8; 32]> {
        self.keys.get(&id)
    }

    /// The value stored in the database for key `id`: an HMAC of a fixed
    /// text under the key, which shows that a key is the right one
    /// without revealing it.
    pub fn check_value(&self, id: u16) -> Option<String> {
        self.keys.get(&id).map(check_value)
    }
}

/// The check value of one key.
pub fn check_value(key: &[u8; 32]) -> String {
    let mut mac = keyed_hmac(key);
    mac.update(b"retrace field key check v1");
    hex::encode(mac.finalize().into_bytes())
}

fn parse_key(item: &str) -> Option<(u16, [u8; 32])> {
    let (id, hex_key) = item.split_once(':')?;
    let id: u16 = id.trim().parse().ok().filter(|id| *id > 0)?;
    let key: [u8; 32] = hex::decode(hex_key.trim()).ok()?.try_into().ok()?;
    Some((id, key))
}

/// An item shown in an error without its key material.
fn redact(item: &str) -> String {
    match item.split_once(':') {
        Some((id, _)) => format!("{id}:…"),
        None => "…".to_owned(),
    }
}

/// Why the keys given to the process do not fit the database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyCheck {
    /// A key's check value differs from the one stored when it was first
    /// used: a wrong secret key file or `RETRACE_FIELD_KEYS`.
    #[error(
        "field key {0} is not the key this database was encrypted with: \
         start with the secret key file (or RETRACE_FIELD_KEYS) it was written with"
    )]
    Wrong(u16),
    /// A key still in use by the database is missing.
    #[error(
        "field key {0} is missing: the database holds values sealed under it; \
         give the secret key file (or RETRACE_FIELD_KEYS) that contains it"
    )]
    Missing(u16),
}

/// Seals and opens field values under a keyring.
pub struct FieldCipher {
    keyring: Keyring,
    ciphers: BTreeMap<u16, XChaCha20Poly1305>,
    index_key: [u8; 32],
}

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldCipher")
            .field("keyring", &self.keyring)
            .finish_non_exhaustive()
    }
}

impl FieldCipher {
    pub fn new(keyring: Keyring) -> Self {
        let ciphers = keyring
            .keys
            .iter()
            .map(|(id, key)| {
                let cipher_key = purpose_key(key, "retrace field cipher v1");
                (*id, XChaCha20Poly1305::new(&cipher_key.into()))
            })
            .collect();
        let index_key = keyring
            .key(keyring.current_id())
            .map(|key| purpose_key(key, "retrace blind index v1"))
            .unwrap_or_default();
        Self {
            keyring,
            ciphers,
            index_key,
        }
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// `plaintext` sealed under the current key, bound to `field` of `row`.
    pub fn seal(&self, field: Field, row: &str, plaintext: &str) -> StoreResult<String> {
        let id = self.keyring.current_id();
        let cipher = self.ciphers.get(&id).ok_or_else(no_key)?;
        let header = header(id);
        let sealed = seal_bytes(cipher, &aad(&header, field, row), plaintext.as_bytes())
            .ok_or_else(|| StoreError::Database(format!("cannot seal {}", describe(field))))?;
        let mut envelope = header.to_vec();
        envelope.extend_from_slice(&sealed);
        let mut out = String::with_capacity(1 + envelope.len() * 4 / 3 + 4);
        out.push(MARK);
        out.push_str(&BASE64URL_NOPAD.encode(&envelope));
        Ok(out)
    }

    /// Opens a stored value of `field` of `row`. A value without the mark
    /// was written before encryption (migration 0021) and is returned as
    /// it is; start-up seals every such value.
    pub fn open(&self, field: Field, row: &str, stored: &str) -> StoreResult<String> {
        let Some(encoded) = stored.strip_prefix(MARK) else {
            return Ok(stored.to_owned());
        };
        let corrupt = |detail: String| StoreError::Corrupt {
            table: field.table,
            detail,
        };
        let envelope = BASE64URL_NOPAD
            .decode(encoded.as_bytes())
            .map_err(|_| corrupt(format!("{} is not a ciphertext", field.column)))?;
        let (id, sealed) = split_envelope(&envelope)
            .ok_or_else(|| corrupt(format!("{} has an unknown envelope", field.column)))?;
        let cipher = self.ciphers.get(&id).ok_or_else(|| {
            corrupt(format!(
                "{} is sealed under field key {id}, which this server does not have",
                field.column
            ))
        })?;
        let plain = open_bytes(cipher, &aad(&header(id), field, row), sealed).ok_or_else(|| {
            corrupt(format!(
                "{} does not open under field key {id}",
                field.column
            ))
        })?;
        String::from_utf8(plain).map_err(|_| corrupt(format!("{} is not UTF-8", field.column)))
    }

    /// The key id a stored value is sealed under (`None`: not sealed).
    pub fn key_of(stored: &str) -> Option<u16> {
        let encoded = stored.strip_prefix(MARK)?;
        let head = encoded.get(..4)?;
        let bytes = BASE64URL_NOPAD.decode(head.as_bytes()).ok()?;
        match bytes.as_slice() {
            [VERSION, high, low] => Some(u16::from_be_bytes([*high, *low])),
            _ => None,
        }
    }

    /// A keyed hash of `value` for exact-match lookups on an encrypted
    /// column (a blind index): equal values give equal hashes, and nothing
    /// else can be learnt from it without the key.
    pub fn blind_index(&self, field: Field, value: &str) -> String {
        let mut mac = keyed_hmac(&self.index_key);
        mac.update(field.table.as_bytes());
        mac.update(&[0]);
        mac.update(field.column.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn purpose_key(key: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut mac = keyed_hmac(key);
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

fn header(id: u16) -> [u8; 3] {
    let [high, low] = id.to_be_bytes();
    [VERSION, high, low]
}

fn split_envelope(envelope: &[u8]) -> Option<(u16, &[u8])> {
    match envelope {
        [VERSION, high, low, sealed @ ..] => Some((u16::from_be_bytes([*high, *low]), sealed)),
        _ => None,
    }
}

/// The associated data: the envelope header, then table, column and row,
/// each ended by a zero byte.
fn aad(header: &[u8; 3], field: Field, row: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + field.table.len() + field.column.len() + row.len());
    out.extend_from_slice(b"retrace field\0");
    out.extend_from_slice(header);
    for part in [field.table, field.column, row] {
        out.extend_from_slice(part.as_bytes());
        out.push(0);
    }
    out
}

fn describe(field: Field) -> String {
    format!("{}.{}", field.table, field.column)
}

fn no_key() -> StoreError {
    StoreError::Unavailable("no field encryption key is installed".into())
}

/// What a running server does when it meets a value sealed under a key it
/// does not have: read the keys again (a rotation added one). `None` when
/// they cannot be read.
pub type Reload = Box<dyn Fn() -> Option<Keyring> + Send + Sync>;

struct Installed {
    cipher: Arc<FieldCipher>,
    reload: Option<Arc<Reload>>,
}

static INSTALLED: RwLock<Option<Installed>> = RwLock::new(None);

/// Makes `keyring` the process's field keys (start-up, after the key check
/// against the database), with how to read them again.
pub fn install(keyring: Keyring, reload: Option<Reload>) {
    let installed = Installed {
        cipher: Arc::new(FieldCipher::new(keyring)),
        reload: reload.map(Arc::new),
    };
    match INSTALLED.write() {
        Ok(mut slot) => *slot = Some(installed),
        Err(poisoned) => *poisoned.into_inner() = Some(installed),
    }
}

/// Installs a fixed key when none is installed: for test stores only.
pub fn install_for_tests() {
    if installed().is_none() {
        install(Keyring::derived(&SecretKey::from_bytes([42; 32])), None);
    }
}

/// The process's cipher, if installed.
pub fn installed() -> Option<Arc<FieldCipher>> {
    let slot = match INSTALLED.read() {
        Ok(slot) => slot,
        Err(poisoned) => poisoned.into_inner(),
    };
    slot.as_ref().map(|i| i.cipher.clone())
}

fn cipher() -> StoreResult<Arc<FieldCipher>> {
    installed().ok_or_else(no_key)
}

/// Reads the keys again when a value names a key this process lacks;
/// keeps the keys it has (a key already installed is never replaced by a
/// different one).
fn reload_for(id: u16) -> Option<Arc<FieldCipher>> {
    let reload = {
        let slot = match INSTALLED.read() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        slot.as_ref()?.reload.clone()?
    };
    let fresh = reload()?;
    if !fresh.contains(id) {
        return None;
    }
    let mut slot = match INSTALLED.write() {
        Ok(slot) => slot,
        Err(poisoned) => poisoned.into_inner(),
    };
    let current = slot.as_mut()?;
    let mut keys = current.cipher.keyring.keys.clone();
    for (fresh_id, key) in fresh.keys {
        match keys.get(&fresh_id) {
            Some(known) if *known != key => return None,
            Some(_) => {}
            None => {
                keys.insert(fresh_id, key);
            }
        }
    }
    current.cipher = Arc::new(FieldCipher::new(Keyring { keys }));
    Some(current.cipher.clone())
}

/// How much sealing and opening this process has done: counted so that
/// its cost can be told apart from the rest (the start-up log, the
/// benchmarks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub sealed: u64,
    pub opened: u64,
    /// Time spent in both, in nanoseconds.
    pub nanos: u64,
}

impl Usage {
    /// What happened between `earlier` and this.
    pub fn since(self, earlier: Usage) -> Usage {
        Usage {
            sealed: self.sealed.saturating_sub(earlier.sealed),
            opened: self.opened.saturating_sub(earlier.opened),
            nanos: self.nanos.saturating_sub(earlier.nanos),
        }
    }
}

static SEALED: AtomicU64 = AtomicU64::new(0);
static OPENED: AtomicU64 = AtomicU64::new(0);
static NANOS: AtomicU64 = AtomicU64::new(0);

/// The process's [`Usage`] so far.
pub fn usage() -> Usage {
    Usage {
        sealed: SEALED.load(Ordering::Relaxed),
        opened: OPENED.load(Ordering::Relaxed),
        nanos: NANOS.load(Ordering::Relaxed),
    }
}

fn count(counter: &AtomicU64, started: Instant) {
    counter.fetch_add(1, Ordering::Relaxed);
    let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    NANOS.fetch_add(nanos, Ordering::Relaxed);
}

/// Seals a value of `field` of `row` with the process's current key.
pub fn seal(field: Field, row: &str, plaintext: &str) -> StoreResult<String> {
    let started = Instant::now();
    let sealed = cipher()?.seal(field, row, plaintext);
    count(&SEALED, started);
    sealed
}

/// [`seal`] of an optional value.
pub fn seal_opt(field: Field, row: &str, plaintext: Option<&str>) -> StoreResult<Option<String>> {
    plaintext.map(|p| seal(field, row, p)).transpose()
}

/// Opens a stored value of `field` of `row`.
pub fn open(field: Field, row: &str, stored: &str) -> StoreResult<String> {
    let started = Instant::now();
    let cipher = cipher()?;
    let opened = match FieldCipher::key_of(stored) {
        Some(id) if !cipher.keyring.contains(id) => match reload_for(id) {
            Some(fresh) => fresh.open(field, row, stored),
            None => cipher.open(field, row, stored),
        },
        _ => cipher.open(field, row, stored),
    };
    count(&OPENED, started);
    opened
}

/// [`open`] of an optional value.
pub fn open_opt(field: Field, row: &str, stored: Option<String>) -> StoreResult<Option<String>> {
    stored.map(|s| open(field, row, &s)).transpose()
}

/// The blind index of `value` in `field` under the current key.
pub fn blind_index(field: Field, value: &str) -> StoreResult<String> {
    Ok(cipher()?.blind_index(field, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher_with(ids: &[u16]) -> FieldCipher {
        FieldCipher::new(
            Keyring::from_keys(ids.iter().map(|id| (*id, [id.to_be_bytes()[1]; 32]))).unwrap(),
        )
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_row_and_column() {
        let cipher = cipher_with(&[1]);
        let sealed = cipher
            .seal(PERSON_DETAILS, "p-1", "{\"phone\":\"+32 470\"}")
            .unwrap();
        assert!(sealed.starts_with(&prefix(1)), "{sealed}");
        assert!(!sealed.contains("470"));
        assert_eq!(
            cipher.open(PERSON_DETAILS, "p-1", &sealed).unwrap(),
            "{\"phone\":\"+32 470\"}"
        );
        assert!(cipher.open(PERSON_DETAILS, "p-2", &sealed).is_err());
        assert!(cipher.open(REQUEST_CIRCUMSTANCES, "p-1", &sealed).is_err());
        // Two seals of one value differ (random nonce).
        assert_ne!(
            sealed,
            cipher
                .seal(PERSON_DETAILS, "p-1", "{\"phone\":\"+32 470\"}")
                .unwrap()
        );
    }

    #[test]
    fn the_highest_key_seals_and_every_key_opens() {
        let old = cipher_with(&[1]);
        let sealed_old = old.seal(MESSAGE_BODY, "m", "hello").unwrap();
        let both = cipher_with(&[1, 2]);
        let sealed_new = both.seal(MESSAGE_BODY, "m", "hello").unwrap();
        assert_eq!(FieldCipher::key_of(&sealed_old), Some(1));
        assert_eq!(FieldCipher::key_of(&sealed_new), Some(2));
        assert!(sealed_new.starts_with(&prefix(2)));
        assert_eq!(both.open(MESSAGE_BODY, "m", &sealed_old).unwrap(), "hello");
        assert_eq!(both.open(MESSAGE_BODY, "m", &sealed_new).unwrap(), "hello");
        let err = old.open(MESSAGE_BODY, "m", &sealed_new).unwrap_err();
        assert!(err.to_string().contains("field key 2"), "{err}");
        // A tampered key id does not open either.
        let moved = sealed_new.replacen(&prefix(2), &prefix(1), 1);
        assert!(both.open(MESSAGE_BODY, "m", &moved).is_err());
    }

    #[test]
    fn keys_parse_from_a_list_without_showing_them() {
        let keyring =
            Keyring::parse_list(&format!("1:{}, 3:{}", "ab".repeat(32), "cd".repeat(32))).unwrap();
        assert_eq!(keyring.current_id(), 3);
        assert_eq!(keyring.ids().collect::<Vec<_>>(), vec![1, 3]);
        let err = Keyring::parse_list("2:abcd").unwrap_err();
        assert!(!err.to_string().contains("abcd"), "{err}");
        assert_eq!(Keyring::parse_list(" ").unwrap_err(), KeyError::Empty);
        assert!(!format!("{keyring:?}").contains("abab"));
        assert_ne!(keyring.check_value(1), keyring.check_value(3));
    }

    #[test]
    fn blind_indexes_match_equal_values_only() {
        let cipher = cipher_with(&[1]);
        assert_eq!(
            cipher.blind_index(CONFLICT_BODY, "x"),
            cipher.blind_index(CONFLICT_BODY, "x")
        );
        assert_ne!(
            cipher.blind_index(CONFLICT_BODY, "x"),
            cipher.blind_index(CONFLICT_BODY, "y")
        );
        assert_ne!(
            cipher.blind_index(CONFLICT_BODY, "x"),
            cipher_with(&[2]).blind_index(CONFLICT_BODY, "x")
        );
    }
}
