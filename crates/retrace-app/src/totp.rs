//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, six
//! digits), the form every authenticator app understands, and recovery codes.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use retrace_domain::Timestamp;
use sha1::Sha1;

const STEP_MILLIS: i64 = 30_000;

/// A new random 160-bit secret, base32 as authenticator apps expect.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

fn code_at(secret: &[u8], counter: u64) -> Option<u32> {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).ok()?;
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.get(19)? & 0x0f);
    let bytes: [u8; 4] = digest.get(offset..offset + 4)?.try_into().ok()?;
    Some((u32::from_be_bytes(bytes) & 0x7fff_ffff) % 1_000_000)
}

/// The six-digit code for `secret_base32` at `at`.
pub fn current_code(secret_base32: &str, at: Timestamp) -> Option<String> {
    let secret = BASE32_NOPAD.decode(secret_base32.as_bytes()).ok()?;
    let counter = u64::try_from(at.as_millis() / STEP_MILLIS).ok()?;
    code_at(&secret, counter).map(|code| format!("{code:06}"))
}

/// Accepts the code of the current step or one step either side (clock
/// drift of phones), compared in constant time.
pub fn verify_code(secret_base32: &str, code: &str, at: Timestamp) -> bool {
    matching_step(secret_base32, code, at).is_some()
}

/// The time step whose code `code` is (the current step or one either
/// side), so that the caller can refuse a step already used.
pub fn matching_step(secret_base32: &str, code: &str, at: Timestamp) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let secret = BASE32_NOPAD.decode(secret_base32.as_bytes()).ok()?;
    let step = u64::try_from(at.as_millis() / STEP_MILLIS).ok()?;
    let mut matched = None;
    // Every step is compared, so the time taken does not say which matched.
    for counter in [step.saturating_sub(1), step, step + 1] {
        if let Some(expected) = code_at(&secret, counter) {
            let expected = format!("{expected:06}");
            if bool::from(subtle::ConstantTimeEq::ct_eq(
                expected.as_bytes(),
                code.as_bytes(),
            )) {
                matched = i64::try_from(counter).ok();
            }
        }
    }
    matched
}

/// The `otpauth://` URI shown as a QR code at enrolment.
pub fn provisioning_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let issuer_enc = crate::percent_encode(issuer, b"@");
    format!(
        "otpauth://totp/{issuer_enc}:{}?secret={secret_base32}&issuer={issuer_enc}&algorithm=SHA1&digits=6&period=30",
        crate::percent_encode(account, b"@")
    )
}

/// Ten recovery codes of the form `abcd-efgh-jkmn` (no look-alike letters).
pub fn generate_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..10)
        .map(|_| {
            let chars: Vec<char> = (0..12)
                .map(|_| {
                    let index = (rng.next_u32() as usize) % ALPHABET.len();
                    ALPHABET.get(index).map(|b| char::from(*b)).unwrap_or('a')
                })
                .collect();
            chars
                .chunks(4)
                .map(|chunk| chunk.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// Recovery codes are compared without dashes, spaces or case.
pub fn normalise_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // The RFC's SHA-1 key is the ASCII string "12345678901234567890";
        // its vectors are 8 digits, ours are the last 6 of them.
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        for (seconds, eight_digits) in [
            (59_i64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            let at = Timestamp::from_millis(seconds * 1000);
            assert_eq!(current_code(&secret, at).unwrap(), eight_digits[2..]);
            assert!(verify_code(&secret, &eight_digits[2..], at));
        }
    }

    #[test]
    fn codes_outside_the_window_or_malformed_are_refused() {
        let secret = generate_secret();
        let at = Timestamp::from_millis(1_700_000_000_000);
        let code = current_code(&secret, at).unwrap();
        assert!(verify_code(
            &secret,
            &code,
            Timestamp::from_millis(1_700_000_000_000 + 30_000)
        ));
        assert!(!verify_code(
            &secret,
            &code,
            Timestamp::from_millis(1_700_000_000_000 + 95_000)
        ));
        assert!(!verify_code(&secret, "12345", at));
        assert!(!verify_code(&secret, "abcdef", at));
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalise() {
        let codes = generate_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes[0].len(), 14);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        assert_eq!(normalise_recovery_code(" AbCd-efgh jkmn "), "abcdefghjkmn");
    }
}
