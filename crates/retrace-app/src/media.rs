//! The media directory: one file per stored image, named by its random
//! token, readable by the server's user only (0600). Deleting an entry's
//! files removes them from the directory at once; a sweep at start-up
//! removes any file that no entry owns (left by a crash between the
//! database change and the deletion) once it is older than
//! [`SWEEP_GRACE`]. Several server processes may share the directory
//! (`docs/adr/0019-several-servers-one-database.md`): a file appears whole
//! under its name (written under a temporary name, synced, renamed, the
//! directory synced) and a process never removes a young file it does not
//! know, which may belong to another process's publication in progress.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Files younger than this are never swept: the longest a publication
/// may take between writing its files and committing its entry, with a
/// wide margin.
pub const SWEEP_GRACE: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone)]
pub struct MediaStore {
    dir: PathBuf,
}

/// A token is 43 URL-safe characters (32 random bytes); anything else is
/// never a file name.
pub fn valid_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl MediaStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, token: &str) -> Option<PathBuf> {
        valid_token(token).then(|| self.dir.join(format!("{token}.jpg")))
    }

    /// Writes the file through a temporary name and renames it, so a
    /// reader never sees half a file.
    pub async fn write(&self, token: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(token).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "invalid media token")
        })?;
        let dir = self.dir.clone();
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
            }
            let temporary = path.with_extension("tmp");
            {
                use std::io::Write;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create(true).truncate(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let mut file = options.open(&temporary)?;
                file.write_all(&bytes)?;
                file.sync_all()?;
            }
            std::fs::rename(&temporary, &path)?;
            // The rename itself survives a crash only once the directory
            // is synced.
            #[cfg(unix)]
            std::fs::File::open(&dir)?.sync_all()?;
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)?
    }

    pub async fn read(&self, token: &str) -> Option<Vec<u8>> {
        let path = self.path(token)?;
        tokio::fs::read(path).await.ok()
    }

    /// Removes the files; a file already gone is not an error.
    pub async fn delete(&self, tokens: &[&str]) -> std::io::Result<()> {
        for token in tokens {
            let Some(path) = self.path(token) else {
                continue;
            };
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Removes every file whose token is not in `keep` and that was last
    /// modified at least `grace` ago. Returns how many went.
    pub async fn sweep(&self, keep: &[String], grace: Duration) -> std::io::Result<usize> {
        let young_after = SystemTime::now().checked_sub(grace);
        let keep: std::collections::HashSet<&str> = keep.iter().map(String::as_str).collect();
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(err) => return Err(err),
        };
        let mut removed = 0;
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let token = name
                .strip_suffix(".jpg")
                .or_else(|| name.strip_suffix(".tmp"))
                .unwrap_or(&name);
            let modified = entry.metadata().await?.modified()?;
            let young = young_after.is_none_or(|after| modified > after);
            if !keep.contains(token) && !young {
                tokio::fs::remove_file(entry.path()).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// A new random media token (32 random bytes, URL-safe).
pub fn new_token() -> String {
    crate::random_token(32)
}
