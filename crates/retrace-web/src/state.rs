use crate::WebConfig;
use crate::matching::MatchingService;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::secrets::Sealer;
use retrace_domain::Clock;
use retrace_store::Store;
use std::sync::Arc;

/// Everything a handler may use, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: WebConfig,
    pub sealer: Sealer,
    pub sign_in_limiter: RateLimiter,
    /// Failed sign-ins per client, across every account.
    pub sign_in_failure_limiter: RateLimiter,
    pub metrics: Metrics,
    pub matching: MatchingService,
    pub gallery: GalleryState,
}

/// Trace the Face: media files, the public page cache and per-client limits.
pub struct GalleryState {
    pub media: crate::gallery::MediaStore,
    pub cache: crate::gallery::cache::GalleryCache,
    pub page_limiter: RateLimiter,
    pub image_limiter: RateLimiter,
    pub report_limiter: RateLimiter,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: WebConfig) -> Self {
        let sealer = Sealer::new(&config.secret_key);
        let sign_in_limiter =
            RateLimiter::new(config.sign_in_attempts_per_client, config.sign_in_window);
        let sign_in_failure_limiter = RateLimiter::new(
            config.sign_in_failures_per_client,
            config.sign_in_failure_window,
        );
        let year = clock.now().to_offset_date_time().year();
        let gallery = GalleryState {
            media: crate::gallery::MediaStore::new(config.media_dir.clone()),
            cache: crate::gallery::cache::GalleryCache::default(),
            page_limiter: RateLimiter::new(config.gallery_pages_per_client, config.gallery_window),
            image_limiter: RateLimiter::new(
                config.gallery_images_per_client,
                config.gallery_window,
            ),
            report_limiter: RateLimiter::new(
                config.gallery_reports_per_client,
                config.gallery_window * 60,
            ),
        };
        Self(Arc::new(Inner {
            gallery,
            matching: MatchingService::new(year),
            store,
            clock,
            config,
            sealer,
            sign_in_limiter,
            sign_in_failure_limiter,
            metrics: Metrics::default(),
        }))
    }
}

impl AppState {
    /// Builds the matching index from every stored person. Called once at
    /// start, before serving.
    pub async fn load_matching(&self) -> retrace_store::StoreResult<usize> {
        self.matching.load(self.store.as_ref()).await
    }

    /// Removes media files that no gallery entry owns (left by a crash
    /// between a takedown and the deletion of its files). Called at start.
    pub async fn sweep_gallery_media(&self) -> Result<usize, String> {
        let keep = self
            .store
            .all_media_tokens()
            .await
            .map_err(|err| err.to_string())?;
        self.gallery
            .media
            .sweep(&keep)
            .await
            .map_err(|err| err.to_string())
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
