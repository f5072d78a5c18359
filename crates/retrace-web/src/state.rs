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
    pub metrics: Metrics,
    pub matching: MatchingService,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: WebConfig) -> Self {
        let sealer = Sealer::new(&config.secret_key);
        let sign_in_limiter =
            RateLimiter::new(config.sign_in_attempts_per_client, config.sign_in_window);
        let year = clock.now().to_offset_date_time().year();
        Self(Arc::new(Inner {
            matching: MatchingService::new(year),
            store,
            clock,
            config,
            sealer,
            sign_in_limiter,
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
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
