//! The public gallery's list of published entries, kept in memory. Every
//! publication, approval and takedown in this process clears it at once;
//! one made through another server process clears it when this process
//! reads the change outbox (`crate::cluster`), and a short lifetime bounds
//! what a late read may leave behind. Only public fields are held (see
//! `retrace_store::PublicEntry`).
//!
//! One caller reloads a stale list while the others keep serving it, so a
//! reload never stalls a burst of requests; after a `clear` nobody is
//! served the old list, and a reload that began before the clear does not
//! store its (possibly outdated) result.

use retrace_domain::Timestamp;
use retrace_store::{PublicEntry, Store, StoreResult};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

const LIFETIME: Duration = Duration::from_secs(5);

type Slot = Option<(Timestamp, Arc<Vec<PublicEntry>>)>;

#[derive(Default)]
pub struct GalleryCache {
    slot: RwLock<Slot>,
    generation: AtomicU64,
    loading: tokio::sync::Mutex<()>,
}

impl GalleryCache {
    fn current(&self) -> Slot {
        self.slot.read().ok().and_then(|slot| slot.clone())
    }

    pub async fn entries(
        &self,
        store: &dyn Store,
        now: Timestamp,
    ) -> StoreResult<Arc<Vec<PublicEntry>>> {
        let current = self.current();
        if let Some((loaded, entries)) = &current
            && now.since(*loaded) < LIFETIME
        {
            return Ok(entries.clone());
        }
        let _guard = match (self.loading.try_lock(), &current) {
            (Ok(guard), _) => guard,
            (Err(_), Some((_, stale))) => return Ok(stale.clone()),
            (Err(_), None) => self.loading.lock().await,
        };
        if let Some((loaded, entries)) = self.current()
            && now.since(loaded) < LIFETIME
        {
            return Ok(entries);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let entries = Arc::new(store.published_entries().await?);
        if let Ok(mut slot) = self.slot.write()
            && self.generation.load(Ordering::SeqCst) == generation
        {
            *slot = Some((now, entries.clone()));
        }
        Ok(entries)
    }

    pub fn clear(&self) {
        if let Ok(mut slot) = self.slot.write() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            *slot = None;
        }
    }
}
