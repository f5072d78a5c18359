//! A fixed-window limiter per client address. On one server the counts
//! live only in memory and only for the window, so visitor IPs are not
//! kept beyond rate limiting. Several servers on one database count in
//! the database instead (`docs/adr/0019-several-servers-one-database.md`),
//! so that a client cannot multiply its allowance by the number of
//! servers: the row names the client by a keyed hash of the limit's name
//! and its address, never the address, and goes when its window ends.

use retrace_app::secrets::Sealer;
use retrace_domain::Timestamp;
use retrace_store::Store;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<IpAddr, (Timestamp, u32)>>,
    shared: Option<Shared>,
}

/// Counting in the database.
struct Shared {
    /// Names the limit in the hashed key: each limit counts apart.
    name: &'static str,
    store: Arc<dyn Store>,
    sealer: Arc<Sealer>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// A limiter counted in the database, shared by every server process
    /// on it; `name` tells this limit's counts from the others'.
    pub fn shared(
        limit: u32,
        window: Duration,
        name: &'static str,
        store: Arc<dyn Store>,
        sealer: Arc<Sealer>,
    ) -> Self {
        Self {
            shared: Some(Shared {
                name,
                store,
                sealer,
            }),
            ..Self::new(limit, window)
        }
    }

    /// The fixed window `now` falls in, aligned on multiples of its length.
    fn window_of(&self, now: Timestamp) -> (Timestamp, Timestamp) {
        let length = i64::try_from(self.window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1);
        let start = now.as_millis() - now.as_millis().rem_euclid(length);
        (
            Timestamp::from_millis(start),
            Timestamp::from_millis(start.saturating_add(length)),
        )
    }

    /// Counts one attempt; false when the client is over its limit. IPv6
    /// clients are counted by their /64 (`client_addr::limit_key`). When the
    /// shared count cannot be reached the attempt is refused.
    pub async fn allow(&self, client: IpAddr, now: Timestamp) -> bool {
        let client = crate::client_addr::limit_key(client);
        if let Some(shared) = &self.shared {
            let (start, end) = self.window_of(now);
            let key = shared
                .sealer
                .mac(&format!("rate-limit {} {client}", shared.name));
            return match shared.store.count_hit(&key, start, end).await {
                Ok(hits) => hits <= u64::from(self.limit),
                Err(error) => {
                    tracing::warn!(%error, limit = shared.name, "rate limit count failed");
                    false
                }
            };
        }
        let Ok(mut windows) = self.windows.lock() else {
            return false;
        };
        if windows.len() > 100_000 {
            let window = self.window;
            windows.retain(|_, (start, _)| now.since(*start) < window);
        }
        let entry = windows.entry(client).or_insert((now, 0));
        if now.since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }

    /// Whether the client is already over its limit, without counting.
    pub async fn exceeded(&self, client: IpAddr, now: Timestamp) -> bool {
        let client = crate::client_addr::limit_key(client);
        if let Some(shared) = &self.shared {
            let (start, _) = self.window_of(now);
            let key = shared
                .sealer
                .mac(&format!("rate-limit {} {client}", shared.name));
            return match shared.store.hits(&key, start).await {
                Ok(hits) => hits >= u64::from(self.limit),
                Err(error) => {
                    tracing::warn!(%error, limit = shared.name, "rate limit read failed");
                    true
                }
            };
        }
        let Ok(windows) = self.windows.lock() else {
            return true;
        };
        windows
            .get(&client)
            .is_some_and(|(start, count)| now.since(*start) < self.window && *count >= self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn limits_per_client_and_resets_after_the_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let t0 = Timestamp::from_millis(0);
        assert!(limiter.allow(a, t0).await);
        assert!(limiter.allow(a, t0).await);
        assert!(!limiter.allow(a, t0).await);
        assert!(limiter.allow(b, t0).await);
        assert!(limiter.allow(a, Timestamp::from_millis(60_000)).await);
    }

    #[tokio::test]
    async fn ipv6_clients_share_the_limit_of_their_64() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Timestamp::from_millis(0);
        for host in 1..=2u16 {
            let ip: IpAddr = [0x2001, 0xdb8, 0, 1, host, 0, 0, 1].into();
            assert!(limiter.allow(ip, t0).await);
        }
        let rotated: IpAddr = [0x2001, 0xdb8, 0, 1, 0xffff, 1, 2, 3].into();
        assert!(!limiter.allow(rotated, t0).await);
        assert!(limiter.exceeded(rotated, t0).await);
        let elsewhere: IpAddr = [0x2001, 0xdb8, 0, 2, 0, 0, 0, 1].into();
        assert!(limiter.allow(elsewhere, t0).await);
    }
}
