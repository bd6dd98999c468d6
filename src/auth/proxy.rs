//! Which address a request comes from. The peer of the connection, unless that peer is one of the
//! reverse proxies the operator named (`trusted_proxies`): only then is the header it sets
//! (`client_ip_header`, e.g. X-Real-IP or X-Forwarded-For) believed. A header from anyone else
//! is ignored, since a client can write any address into it: to rotate past the per-address
//! sign-in throttle, to lock out someone else's address, or to forge the sign-in log.

use crate::config::proxies::{canonical, TrustedProxies};
use std::net::IpAddr;

/// One hop of a header: `1.2.3.4`, `1.2.3.4:5678`, `::1` or `[::1]:80`.
fn hop(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// The client's address: the peer's, unless the peer is a trusted proxy that sent the header.
/// The header may list several hops (X-Forwarded-For: client, proxy1, proxy2): the nearest one
/// that is not a trusted proxy is the client; a hop that is not an address ends the walk at the
/// last trusted one.
pub fn client_address(
    peer: Option<IpAddr>,
    header: Option<&str>,
    proxies: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = canonical(peer?);
    let Some(header) = header.filter(|_| proxies.contains(peer)) else {
        return Some(peer);
    };
    let mut nearest = peer;
    for part in header.rsplit(',') {
        match hop(part) {
            Some(ip) if !proxies.contains(ip) => return Some(ip),
            Some(ip) => nearest = ip,
            None => break,
        }
    }
    Some(nearest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.1, 10.9.0.0/16").unwrap();
        let from = |peer, h| client_address(Some(ip(peer)), h, &proxies).map(|a| a.to_string());
        assert_eq!(from("203.0.113.7", Some("1.2.3.4")).unwrap(), "203.0.113.7");
        assert_eq!(from("10.0.0.1", Some("1.2.3.4")).unwrap(), "1.2.3.4");
        assert_eq!(from("10.0.0.1", None).unwrap(), "10.0.0.1");
        // X-Forwarded-For: the nearest untrusted hop; a forged first hop is not believed.
        assert_eq!(
            from("10.0.0.1", Some("6.6.6.6, 1.2.3.4, 10.9.1.1")).unwrap(),
            "1.2.3.4"
        );
        assert_eq!(
            from("10.0.0.1", Some("junk, 10.9.1.1")).unwrap(),
            "10.9.1.1"
        );
        assert_eq!(from("10.0.0.1", Some("1.2.3.4:555")).unwrap(), "1.2.3.4");
        let none = TrustedProxies::default();
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), Some("1.2.3.4"), &none),
            Some(ip("10.0.0.1"))
        );
    }
}
