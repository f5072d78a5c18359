//! The field encryption keys (`docs/adr/0017-field-encryption-at-rest.md`):
//! where they come from, their check against the database before anything
//! is read or written, and the key file's side of `retrace admin rotate-key`.
//!
//! The keys come from `RETRACE_FIELD_KEYS` when it is set (deployments with
//! a secrets store: `<id>:<64 hex>` items separated by commas), otherwise
//! from the secret key file: key 1 is derived from the secret key on its
//! first line; a rotation appends `field-key <id> <64 hex>` lines, and
//! retiring key 1 adds `retired-field-key 1`. The highest id is current.

use crate::files;
use anyhow::{Context, bail};
use retrace_store::crypto::{Keyring, SecretKey};
use std::path::{Path, PathBuf};

/// The environment variable that gives the field keys.
pub const ENV: &str = "RETRACE_FIELD_KEYS";

/// Where this process's field keys come from.
#[derive(Debug, Clone)]
pub enum Source {
    Env,
    File(PathBuf),
}

impl Source {
    /// Named in messages about the keys.
    pub fn describe(&self) -> String {
        match self {
            Source::Env => ENV.to_owned(),
            Source::File(path) => format!("secret_key_file {}", path.display()),
        }
    }
}

/// The source in effect: the variable when set, else the key file.
pub fn source(key_file: &Path) -> Source {
    match std::env::var_os(ENV) {
        Some(_) => Source::Env,
        None => Source::File(key_file.to_path_buf()),
    }
}

/// Reads the keys from `source`.
pub fn load(source: &Source) -> anyhow::Result<Keyring> {
    match source {
        Source::Env => {
            let value = std::env::var(ENV).with_context(|| format!("{ENV}: not valid UTF-8"))?;
            Keyring::parse_list(&value).map_err(|err| anyhow::anyhow!("{ENV}: {err}"))
        }
        Source::File(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("secret_key_file: cannot read {}", path.display()))?;
            parse_file(&text).with_context(|| format!("secret_key_file: {}", path.display()))
        }
    }
}

/// The secret key: the first line of the key file.
pub fn secret_key(text: &str) -> Option<SecretKey> {
    SecretKey::from_hex(text.lines().next().unwrap_or_default())
}

fn parse_file(text: &str) -> anyhow::Result<Keyring> {
    let secret =
        secret_key(text).context("the first line does not hold 64 hexadecimal characters")?;
    let mut keys = Vec::new();
    let mut derived_retired = false;
    for (number, line) in text.lines().enumerate().skip(1) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            ["field-key", id, key] => {
                let id: u16 = id.parse().ok().filter(|id| *id > 1).with_context(|| {
                    format!("line {}: a field key id from 2 to 65535", number + 1)
                })?;
                let key: [u8; 32] = hex::decode(key)
                    .ok()
                    .and_then(|k| k.try_into().ok())
                    .with_context(|| format!("line {}: 64 hexadecimal characters", number + 1))?;
                keys.push((id, key));
            }
            ["retired-field-key", "1"] => derived_retired = true,
            _ => bail!(
                "line {}: expected `field-key <id> <64 hex>` or `retired-field-key 1`",
                number + 1
            ),
        }
    }
    if !derived_retired {
        keys.push((1, Keyring::derived_key(&secret)));
    }
    Keyring::from_keys(keys).map_err(|err| anyhow::anyhow!("{err}"))
}

/// Adds a new random key to the key file and returns its id: the new
/// current key. The file is replaced atomically (a new private file
/// renamed over it).
pub fn add_key(path: &Path) -> anyhow::Result<u16> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("secret_key_file: cannot read {}", path.display()))?;
    let keyring =
        parse_file(&text).with_context(|| format!("secret_key_file: {}", path.display()))?;
    let id = keyring
        .ids()
        .max()
        .unwrap_or(1)
        .checked_add(1)
        .context("secret_key_file: no field key id is left")?;
    let key = SecretKey::generate();
    let mut text = text.trim_end().to_owned();
    text.push_str(&format!("\nfield-key {id} {}\n", key.to_hex()));
    replace(path, &text)?;
    Ok(id)
}

/// Keeps only the current key in the key file (with the secret key).
pub fn retire_keys(path: &Path, current: u16) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("secret_key_file: cannot read {}", path.display()))?;
    let mut lines: Vec<String> = text.lines().take(1).map(str::to_owned).collect();
    if current != 1 {
        lines.push("retired-field-key 1".to_owned());
    }
    for line in text.lines().skip(1) {
        if line.split_whitespace().nth(1) == Some(current.to_string().as_str())
            && line.starts_with("field-key ")
        {
            lines.push(line.to_owned());
        }
    }
    replace(path, &(lines.join("\n") + "\n"))
}

fn replace(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut fresh = path.as_os_str().to_owned();
    fresh.push(".new");
    let fresh = PathBuf::from(fresh);
    let _ = std::fs::remove_file(&fresh);
    files::write_private(&fresh, text)
        .with_context(|| format!("secret_key_file: cannot write {}", fresh.display()))?;
    std::fs::rename(&fresh, path)
        .with_context(|| format!("secret_key_file: cannot replace {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_gives_key_one_then_the_added_keys() {
        let secret = SecretKey::from_bytes([3; 32]);
        let plain = parse_file(&secret.to_hex()).unwrap();
        assert_eq!(plain.ids().collect::<Vec<_>>(), vec![1]);
        assert_eq!(plain.key(1), Some(&Keyring::derived_key(&secret)));
        let text = format!("{}\nfield-key 2 {}\n", secret.to_hex(), "ab".repeat(32));
        let rotated = parse_file(&text).unwrap();
        assert_eq!(rotated.current_id(), 2);
        assert!(rotated.contains(1));
        let retired = parse_file(&format!("{text}retired-field-key 1\n")).unwrap();
        assert_eq!(retired.ids().collect::<Vec<_>>(), vec![2]);
        let err = parse_file(&format!(
            "{}\nfield-key 1 {}",
            secret.to_hex(),
            "ab".repeat(32)
        ))
        .unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
    }

    #[test]
    fn rotation_adds_a_key_and_retiring_keeps_only_the_current_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let secret = SecretKey::generate();
        files::write_private(&path, &secret.to_hex()).unwrap();
        assert_eq!(add_key(&path).unwrap(), 2);
        assert_eq!(add_key(&path).unwrap(), 3);
        let keys = load(&Source::File(path.clone())).unwrap();
        assert_eq!(keys.ids().collect::<Vec<_>>(), vec![1, 2, 3]);
        retire_keys(&path, 3).unwrap();
        let kept = load(&Source::File(path.clone())).unwrap();
        assert_eq!(kept.ids().collect::<Vec<_>>(), vec![3]);
        assert_eq!(kept.key(3), keys.key(3));
        // The secret key itself is untouched.
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(secret_key(&text).unwrap().to_hex(), secret.to_hex());
    }
}
