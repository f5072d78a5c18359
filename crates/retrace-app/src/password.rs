//! Argon2id password hashing with the crate's default parameters (19 MiB,
//! two passes), which follow the OWASP recommendation.
//!
//! The 19 MiB of working memory of each hash come from a few buffers kept
//! for the life of the process, at most one per core, rather than from a
//! new allocation each time. Freeing a block that large raises glibc's
//! threshold for serving allocations from its heaps instead of fresh
//! mappings, after which each thread's heap kept up to two such blocks:
//! the load test saw a server grow from 31 MB to 858 MB over 47 sign-ins
//! on 2 cores (more arenas, and more memory, on more cores). Hashes wait
//! for a free buffer; they are CPU-bound, so no more run at once than
//! there are cores anyway.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use retrace_domain::NewPassword;
use std::sync::{Condvar, Mutex, OnceLock};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordHashError(String);

/// The working memory of the hashes: buffers not in use, how many exist,
/// and the most that may.
struct Memory {
    state: Mutex<(Vec<Vec<Block>>, usize)>,
    returned: Condvar,
    limit: usize,
}

impl Memory {
    fn shared() -> &'static Memory {
        static MEMORY: OnceLock<Memory> = OnceLock::new();
        MEMORY.get_or_init(|| Memory {
            state: Mutex::new((Vec::new(), 0)),
            returned: Condvar::new(),
            limit: std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8)),
        })
    }

    /// Runs `hash` with a buffer of at least `blocks` blocks, waiting for
    /// one when all are in use. None when the lock is poisoned.
    fn with<R>(&self, blocks: usize, hash: impl FnOnce(&mut [Block]) -> R) -> Option<R> {
        let mut buffer = {
            let mut state = self.state.lock().ok()?;
            loop {
                if let Some(buffer) = state.0.pop() {
                    break buffer;
                }
                if state.1 < self.limit {
                    state.1 += 1;
                    break Vec::new();
                }
                state = self.returned.wait(state).ok()?;
            }
        };
        if buffer.len() < blocks {
            buffer.resize(blocks, Block::default());
        }
        let result = buffer.get_mut(..blocks).map(hash);
        if let Ok(mut state) = self.state.lock() {
            state.0.push(buffer);
        }
        self.returned.notify_one();
        result
    }

    /// How many buffers exist (for the tests).
    #[cfg(test)]
    fn allocated(&self) -> usize {
        self.state.lock().map_or(0, |state| state.1)
    }
}

/// The hash of `password` with `argon2`'s parameters and `salt`, into
/// `out`, in a kept buffer.
fn hash_into(argon2: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
    Memory::shared()
        .with(argon2.params().block_count(), |blocks| {
            argon2
                .hash_password_into_with_memory(password, salt, out, blocks)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a password that satisfies the password rule into a PHC string.
pub fn hash_password(password: &NewPassword) -> Result<String, PasswordHashError> {
    hash_bytes(password.expose().as_bytes())
}

fn hash_bytes(password: &[u8]) -> Result<String, PasswordHashError> {
    let failed = |err: &dyn std::fmt::Display| PasswordHashError(err.to_string());
    let argon2 = Argon2::default();
    let salt = Salt::generate();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    if !hash_into(&argon2, password, &salt, &mut out) {
        return Err(PasswordHashError("no hash computed".to_owned()));
    }
    let hash = PasswordHash {
        algorithm: Algorithm::default().ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(argon2.params()).map_err(|e| failed(&e))?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
    };
    Ok(hash.to_string())
}

/// True when `candidate` matches the stored PHC string. A malformed stored
/// hash never matches.
pub fn verify_password(candidate: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    hash_into(&argon2, candidate.as_bytes(), salt, &mut out)
        // Output's equality takes the same time wherever they differ.
        && Output::new(&out).is_ok_and(|computed| &computed == expected)
}

/// A hash of a password nobody knows, verified when the account does not
/// exist so that the response takes as long as for a real account.
pub fn dummy_verify(candidate: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored =
        DUMMY.get_or_init(|| hash_bytes(crate::random_token(24).as_bytes()).unwrap_or_default());
    let _ = verify_password(candidate, stored);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let password = NewPassword::parse("orange kettle 1987 meadow").unwrap();
        let first = hash_password(&password).unwrap();
        let second = hash_password(&password).unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second);
        assert!(verify_password("orange kettle 1987 meadow", &first));
        assert!(!verify_password("orange kettle 1987 meadoW", &first));
        assert!(!verify_password("anything", "not a hash"));
    }

    /// Hashes written by the argon2 crate itself (as every stored hash was
    /// before the kept buffers) still verify, and ours verify with it.
    #[test]
    fn agrees_with_the_argon2_crate() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let theirs = Argon2::default()
            .hash_password(b"orange kettle 1987 meadow")
            .unwrap()
            .to_string();
        assert!(verify_password("orange kettle 1987 meadow", &theirs));
        assert!(!verify_password("orange kettle 1987 meadoW", &theirs));
        let password = NewPassword::parse("orange kettle 1987 meadow").unwrap();
        let ours = hash_password(&password).unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"orange kettle 1987 meadow", &parsed)
                .is_ok()
        );
        // Other parameters than the default are read from the stored hash.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, Some(24)).unwrap(),
        )
        .hash_password(b"orange kettle 1987 meadow")
        .unwrap()
        .to_string();
        assert!(verify_password("orange kettle 1987 meadow", &small));
        assert!(!verify_password("orange kettle 1987 meadoW", &small));
    }

    /// Many hashes at once share at most one buffer per core: the memory
    /// of sign-ins does not grow with how many came at once.
    #[test]
    fn concurrent_hashes_share_a_bounded_set_of_buffers() {
        let password = NewPassword::parse("orange kettle 1987 meadow").unwrap();
        let stored = hash_password(&password).unwrap();
        let threads: Vec<_> = (0..12)
            .map(|_| {
                let stored = stored.clone();
                std::thread::spawn(move || verify_password("orange kettle 1987 meadow", &stored))
            })
            .collect();
        for thread in threads {
            assert!(thread.join().unwrap());
        }
        let memory = Memory::shared();
        assert!(memory.allocated() >= 1);
        assert!(memory.allocated() <= memory.limit);
    }
}
