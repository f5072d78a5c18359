use crate::WebConfig;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use retrace_app::secrets::Sealer;
use retrace_app::{App, AppResult};
use retrace_domain::Clock;
use retrace_store::Store;
use std::sync::Arc;
use std::time::Duration;

/// Everything a handler may use, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    /// The same store and clock as the use cases', for the reads the pages
    /// make themselves.
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// The use cases, with the matching index and the gallery's media.
    pub app: App,
    pub config: WebConfig,
    pub sign_in_limiter: RateLimiter,
    /// Failed sign-ins per client, across every account.
    pub sign_in_failure_limiter: RateLimiter,
    pub metrics: Metrics,
    pub gallery: GalleryLimits,
}

/// Trace the Face: per-client limits of the public side.
pub struct GalleryLimits {
    pub page_limiter: RateLimiter,
    pub image_limiter: RateLimiter,
    pub report_limiter: RateLimiter,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: WebConfig) -> Self {
        let sealer = Arc::new(Sealer::new(&config.secret_key));
        let limiter = |limit: u32, window: Duration, name: &'static str| {
            if config.shared_rate_limits {
                RateLimiter::shared(limit, window, name, store.clone(), sealer.clone())
            } else {
                RateLimiter::new(limit, window)
            }
        };
        let sign_in_limiter = limiter(
            config.sign_in_attempts_per_client,
            config.sign_in_window,
            "sign-in",
        );
        let sign_in_failure_limiter = limiter(
            config.sign_in_failures_per_client,
            config.sign_in_failure_window,
            "sign-in-failure",
        );
        let gallery = GalleryLimits {
            page_limiter: limiter(
                config.gallery_pages_per_client,
                config.gallery_window,
                "gallery-page",
            ),
            image_limiter: limiter(
                config.gallery_images_per_client,
                config.gallery_window,
                "gallery-image",
            ),
            report_limiter: limiter(
                config.gallery_reports_per_client,
                config.gallery_window * 60,
                "gallery-report",
            ),
        };
        Self(Arc::new(Inner {
            app: App::new(
                store.clone(),
                clock.clone(),
                config.media_dir.clone(),
                &config.secret_key,
            )
            .with_lockout_threshold(config.lockout_threshold)
            .with_retention_rules(config.retention.clone()),
            gallery,
            store,
            clock,
            config,
            sign_in_limiter,
            sign_in_failure_limiter,
            metrics: Metrics::default(),
        }))
    }

    /// Builds the matching index from every stored person. Called once at
    /// start, before serving.
    pub async fn load_matching(&self) -> AppResult<usize> {
        self.app.load_matching().await
    }

    /// Applies the changes other server processes made to the database
    /// (matching index, gallery cache); see `retrace_app::cluster`.
    pub async fn follow_changes(&self) -> AppResult<retrace_app::cluster::Followed> {
        self.app.follow_changes().await
    }

    /// Removes media files that no gallery entry owns (left by a crash
    /// between a takedown and the deletion of its files). Called at start.
    pub async fn sweep_gallery_media(&self) -> AppResult<usize> {
        self.app.sweep_gallery_media().await
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
