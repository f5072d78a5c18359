//! The public gallery's list of published entries, kept in memory. Every
//! publication, approval and takedown in this process clears it at once;
//! a short lifetime bounds what another server's change may leave behind.
//! Only public fields are held (see `retrace_store::PublicEntry`).

use retrace_domain::Timestamp;
use retrace_store::{PublicEntry, Store, StoreResult};
use std::sync::{Arc, RwLock};
use std::time::Duration;

const LIFETIME: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct GalleryCache {
    slot: RwLock<Option<(Timestamp, Arc<Vec<PublicEntry>>)>>,
}

impl GalleryCache {
    pub async fn entries(
        &self,
        store: &dyn Store,
        now: Timestamp,
    ) -> StoreResult<Arc<Vec<PublicEntry>>> {
        if let Ok(slot) = self.slot.read()
            && let Some((loaded, entries)) = slot.as_ref()
            && now.since(*loaded) < LIFETIME
        {
            return Ok(entries.clone());
        }
        let entries = Arc::new(store.published_entries().await?);
        if let Ok(mut slot) = self.slot.write() {
            *slot = Some((now, entries.clone()));
        }
        Ok(entries)
    }

    pub fn clear(&self) {
        if let Ok(mut slot) = self.slot.write() {
            *slot = None;
        }
    }
}
