//! A fixed-window limiter per client address. Addresses live only in memory
//! and only for the window, so visitor IPs are not kept beyond rate limiting.

use retrace_domain::Timestamp;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

pub struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<IpAddr, (Timestamp, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt; false when the client is over its limit. IPv6
    /// clients are counted by their /64 (`client_addr::limit_key`).
    pub fn allow(&self, client: IpAddr, now: Timestamp) -> bool {
        let client = crate::client_addr::limit_key(client);
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
    pub fn exceeded(&self, client: IpAddr, now: Timestamp) -> bool {
        let client = crate::client_addr::limit_key(client);
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

    #[test]
    fn limits_per_client_and_resets_after_the_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let t0 = Timestamp::from_millis(0);
        assert!(limiter.allow(a, t0));
        assert!(limiter.allow(a, t0));
        assert!(!limiter.allow(a, t0));
        assert!(limiter.allow(b, t0));
        assert!(limiter.allow(a, Timestamp::from_millis(60_000)));
    }

    #[test]
    fn ipv6_clients_share_the_limit_of_their_64() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Timestamp::from_millis(0);
        for host in 1..=2u16 {
            let ip: IpAddr = [0x2001, 0xdb8, 0, 1, host, 0, 0, 1].into();
            assert!(limiter.allow(ip, t0));
        }
        let rotated: IpAddr = [0x2001, 0xdb8, 0, 1, 0xffff, 1, 2, 3].into();
        assert!(!limiter.allow(rotated, t0));
        assert!(limiter.exceeded(rotated, t0));
        let elsewhere: IpAddr = [0x2001, 0xdb8, 0, 2, 0, 0, 0, 1].into();
        assert!(limiter.allow(elsewhere, t0));
    }
}
