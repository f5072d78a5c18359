//! The server's secret key and what is derived from it.

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::KeyInit;
use data_encoding::BASE64URL_NOPAD;
use hmac::Mac;
use retrace_store::crypto::{keyed_hmac, open_bytes, seal_bytes};
use sha2::Sha256;

/// The key lives with the storage contract, which derives the field
/// encryption keys from it too (`retrace_store::crypto`).
pub use retrace_store::crypto::SecretKey;

/// Authenticated encryption (XChaCha20-Poly1305) of small values such as
/// TOTP secrets, bound to a context string (e.g. the user id) so a sealed
/// value cannot be moved to another account.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    mac_key: [u8; 32],
}

impl Sealer {
    pub fn new(key: &SecretKey) -> Self {
        let cipher_key = key.derive("retrace seal v1");
        let cipher = XChaCha20Poly1305::new(&cipher_key.into());
        Self {
            cipher,
            mac_key: key.derive("retrace form mac v1"),
        }
    }

    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Option<String> {
        seal_bytes(&self.cipher, context.as_bytes(), plaintext)
            .map(|sealed| BASE64URL_NOPAD.encode(&sealed))
    }

    pub fn open(&self, context: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = BASE64URL_NOPAD.decode(sealed.as_bytes()).ok()?;
        open_bytes(&self.cipher, context.as_bytes(), &bytes)
    }

    /// A keyed hash, for values compared but never read back.
    pub fn mac(&self, value: &str) -> String {
        let mut mac = keyed_hmac(&self.mac_key);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Seals the matching index snapshot file: it holds the names, dates and places of persons whose stored
/// fields are encrypted at rest (`docs/adr/0017-field-encryption-at-rest.md`), so it is sealed whole with
/// XChaCha20-Poly1305 under a key derived from the secret key for this purpose alone. A snapshot sealed
/// under another key, or altered, does not open.
#[derive(Clone)]
pub struct SnapshotSealer {
    cipher: XChaCha20Poly1305,
}

/// Bound into the seal: a sealed value of another kind does not open as a snapshot.
const SNAPSHOT_CONTEXT: &[u8] = b"retrace matching index snapshot v1";

impl SnapshotSealer {
    pub fn new(key: &SecretKey) -> Self {
        let cipher_key = key.derive("retrace matching snapshot v1");
        Self {
            cipher: XChaCha20Poly1305::new(&cipher_key.into()),
        }
    }

    /// Seals a snapshot of the database whose identity is `database`
    /// (`OutboxStore::database_identity`): it opens only for that database.
    pub fn seal(&self, database: &str, plaintext: &[u8]) -> Option<Vec<u8>> {
        seal_bytes(&self.cipher, &Self::context(database), plaintext)
    }

    pub fn open(&self, database: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        open_bytes(&self.cipher, &Self::context(database), sealed)
    }

    fn context(database: &str) -> Vec<u8> {
        let mut context = SNAPSHOT_CONTEXT.to_vec();
        context.push(0);
        context.extend_from_slice(database.as_bytes());
        context
    }
}

/// SHA-256 in hex: how session and API token secrets are stored.
pub fn sha256_hex(value: &str) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_in_their_context() {
        let sealer = Sealer::new(&SecretKey::generate());
        let sealed = sealer.seal("user-1", b"JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(sealer.open("user-1", &sealed).unwrap(), b"JBSWY3DPEHPK3PXP");
        assert!(sealer.open("user-2", &sealed).is_none());
        let other = Sealer::new(&SecretKey::generate());
        assert!(other.open("user-1", &sealed).is_none());
        assert_eq!(
            format!("{:?}", SecretKey::generate()),
            "SecretKey([redacted])"
        );
    }
}
