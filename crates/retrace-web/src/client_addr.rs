//! The client's address, as the per-client limits and the security context
//! use it.
//!
//! Behind the TLS proxy the README requires, every request arrives from the
//! proxy's address: keyed on it, one client could exhaust a limit for
//! everybody. So when, and only when, the TCP peer is one of the
//! `trusted_proxies`, the client is read from `X-Forwarded-For`: the
//! rightmost hop that is not itself a trusted proxy (hops to its left were
//! written by the client and may be forged). Otherwise the peer address is
//! the client, and the header is ignored.
//!
//! An IPv6 client usually holds a whole /64 and can rotate through it at
//! will, so limits key IPv6 clients by their /64 prefix.

use axum::extract::ConnectInfo;
use axum::http::header::HeaderName;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client's address: the TCP peer, or what a trusted proxy says the
/// client is (see the module documentation). Per-client limits key it with
/// `limit_key`.
pub struct ClientIp(pub IpAddr);

impl axum::extract::FromRequestParts<crate::AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let forwarded = parts
            .headers
            .get_all(&X_FORWARDED_FOR)
            .iter()
            .map(|value| value.to_str().unwrap_or("unreadable"));
        Ok(ClientIp(client_address(
            peer,
            forwarded,
            &state.config.trusted_proxies,
        )))
    }
}

/// An address range such as `10.0.0.0/8`, `2001:db8::/32` or a single
/// address (`192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    network: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpNet {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let (address, prefix) = match value.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (value, None),
        };
        let network = canonical(
            address
                .parse::<IpAddr>()
                .map_err(|_| format!("expected an IP address or CIDR range, found {value:?}"))?,
        );
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("prefix length must be 0 to {max} in {value:?}"))?,
            None => max,
        };
        Ok(Self { network, prefix })
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// IPv4 clients reaching a dual-stack socket appear as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The client's address: the peer, or when the peer is a trusted proxy the
/// rightmost untrusted address of `X-Forwarded-For` (all its values, in
/// order). A header that cannot be read leaves the proxy as the client,
/// which is the safe side: the proxy's limit applies.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for.flat_map(|value| value.split(',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // A hop we cannot read: stop at the last trusted one.
            return client;
        };
        client = ip;
        if !is_trusted(ip) {
            return ip;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, possibly `[v6]:port` or
/// `v4:port`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = hop.strip_prefix('[') {
        let (inside, _) = rest.split_once(']')?;
        return inside
            .parse::<Ipv6Addr>()
            .ok()
            .map(|ip| canonical(IpAddr::V6(ip)));
    }
    let (address, port) = hop.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The key a per-client limit counts under: the IPv4 address, or the /64
/// an IPv6 address belongs to.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn check(peer: &str, header: &[&str], trusted: &[&str], expected: &str) {
        assert_eq!(
            client_address(ip(peer), header.iter().copied(), &nets(trusted)),
            ip(expected),
            "peer {peer}, header {header:?}, trusted {trusted:?}"
        );
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_trusted() {
        check("203.0.113.9", &["198.51.100.1"], &[], "203.0.113.9");
        check(
            "203.0.113.9",
            &["198.51.100.1"],
            &["10.0.0.0/8"],
            "203.0.113.9",
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted = ["10.0.0.0/8", "192.0.2.7"];
        check("10.0.0.2", &["198.51.100.1"], &trusted, "198.51.100.1");
        // The client wrote the leftmost entry itself; the proxy appended.
        check(
            "10.0.0.2",
            &["1.2.3.4, 198.51.100.1"],
            &trusted,
            "198.51.100.1",
        );
        check(
            "10.0.0.2",
            &["1.2.3.4", "198.51.100.1, 192.0.2.7"],
            &trusted,
            "198.51.100.1",
        );
        check("10.0.0.2", &["[2001:db8::1]:443"], &trusted, "2001:db8::1");
        check("10.0.0.2", &["198.51.100.1:5000"], &trusted, "198.51.100.1");
    }

    #[test]
    fn a_missing_or_unreadable_header_leaves_the_proxy_as_the_client() {
        let trusted = ["10.0.0.0/8"];
        check("10.0.0.2", &[], &trusted, "10.0.0.2");
        check("10.0.0.2", &["unknown"], &trusted, "10.0.0.2");
        check("10.0.0.2", &["198.51.100.1, garbage"], &trusted, "10.0.0.2");
        check("10.0.0.2", &["10.0.0.3"], &trusted, "10.0.0.3");
    }

    #[test]
    fn ranges_parse_and_match() {
        let net: IpNet = "2001:db8::/32".parse().unwrap();
        assert!(net.contains(ip("2001:db8:ffff::1")));
        assert!(!net.contains(ip("2001:db9::1")));
        assert!(!net.contains(ip("10.0.0.1")));
        let v4: IpNet = "::ffff:10.0.0.1".parse().unwrap();
        assert!(v4.contains(ip("10.0.0.1")));
        assert!(
            "0.0.0.0/0"
                .parse::<IpNet>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert!("proxy".parse::<IpNet>().is_err());
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(
            limit_key(ip("2001:db8:1:2:aaaa::1")),
            limit_key(ip("2001:db8:1:2:ffff:1:2:3"))
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(limit_key(ip("192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(limit_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
