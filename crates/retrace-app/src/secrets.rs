//! The server's secret key and what is derived from it.

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit};
use data_encoding::BASE64URL_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;

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
    fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = keyed_hmac(&self.0);
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// HMAC-SHA256 keyed with 32 bytes. HMAC pads a short key with zeros to the
/// 64-byte block, so padding it here gives the same MAC through the
/// infallible constructor.
fn keyed_hmac(key: &[u8; 32]) -> Hmac<Sha256> {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    <Hmac<Sha256> as Mac>::new(&block.into())
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

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
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let payload = chacha20poly1305::aead::Payload {
            msg: plaintext,
            aad: context.as_bytes(),
        };
        let ciphertext = self.cipher.encrypt(&nonce.into(), payload).ok()?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        Some(BASE64URL_NOPAD.encode(&out))
    }

    pub fn open(&self, context: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = BASE64URL_NOPAD.decode(sealed.as_bytes()).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().ok()?;
        let payload = chacha20poly1305::aead::Payload {
            msg: ciphertext,
            aad: context.as_bytes(),
        };
        self.cipher.decrypt(&nonce.into(), payload).ok()
    }

    /// A keyed hash, for values compared but never read back.
    pub fn mac(&self, value: &str) -> String {
        let mut mac = keyed_hmac(&self.mac_key);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
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
