use crate::WebConfig;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use retrace_app::{App, AppResult};
use retrace_domain::Clock;
use retrace_store::Store;
use std::sync::Arc;

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
        let sign_in_limiter =
            RateLimiter::new(config.sign_in_attempts_per_client, config.sign_in_window);
        let sign_in_failure_limiter = RateLimiter::new(
            config.sign_in_failures_per_client,
            config.sign_in_failure_window,
        );
        let gallery = GalleryLimits {
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
