//! A stored cookie (RFC 6265bis §5.7 fields) and the matching rules of §5.1.3–§5.1.4.

use super::name_id::NameId;
use super::set_cookie::SameSiteAttr;
use super::shared::SharedStr;
use super::site::Site;
use super::time::Timestamp;

/// A cookie as the jar keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCookie {
    /// Name (may be empty).
    pub name: SharedStr,
    /// The name's number in the replay that stored it ([`NameId::UNKNOWN`] outside one).
    pub name_id: NameId,
    /// Value.
    pub value: SharedStr,
    /// The cookie's domain: the request host for host-only cookies, else the `Domain` attribute.
    pub domain: SharedStr,
    /// The cookie's path.
    pub path: SharedStr,
    /// Sent only to exactly `domain` (no `Domain` attribute was given).
    pub host_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite` as set.
    pub same_site: SameSiteAttr,
    /// `Partitioned` was set and honoured.
    pub partitioned_attr: bool,
    /// The partition (top-level site) the cookie lives in, if partitioned (CHIPS, or Firefox's Total
    /// Cookie Protection for third-party contexts).
    pub partition: Option<Site>,
    /// When it expires; `None` for a session cookie.
    pub expires: Option<Timestamp>,
    /// When it was first created (kept across overwrites).
    pub creation: Timestamp,
    /// Tie-breaker for creation order within the same millisecond.
    pub sequence: u64,
    /// Whether it was set through `document.cookie` rather than HTTP.
    pub from_script: bool,
}

impl StoredCookie {
    /// Whether it has expired at `now`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires.is_some_and(|e| e <= now)
    }

    /// `name=value`, or just the value for a nameless cookie, as the `Cookie` header serialises it.
    pub fn pair(&self) -> String {
        if self.name.is_empty() {
            self.value.to_string()
        } else {
            format!("{}={}", self.name, self.value)
        }
    }
}

/// Domain-match (RFC 6265bis §5.1.3): identical, or `domain` is a suffix of `host` preceded by a dot
/// and `host` is not an IP address. Both must be canonical (lower case).
pub fn domain_match(host: &str, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    if is_ip_literal(host) {
        return false;
    }
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
        && !domain.is_empty()
}

/// Whether a canonical host is an IPv4 or bracketed IPv6 literal.
pub fn is_ip_literal(host: &str) -> bool {
    host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Path-match (RFC 6265bis §5.1.4): identical; or `cookie_path` is a prefix of `request_path` and
/// either ends in `/` or is followed by `/` in the request path.
pub fn path_match(request_path: &str, cookie_path: &str) -> bool {
    // Most cookies' path is `/`, which every path starting with `/` matches: one byte read, where the
    // general case below compares twice (a library `memcmp` call each; issue #17: a retrieval makes
    // several per cookie and per profile).
    if cookie_path == "/" {
        return request_path.starts_with('/');
    }
    if request_path == cookie_path {
        return true;
    }
    request_path.starts_with(cookie_path)
        && (cookie_path.ends_with('/') || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/'))
}

/// The default-path of a request path (RFC 6265bis §5.1.4): up to, not including, the right-most `/`;
/// `/` when the path is empty, relative or has a single `/`.
pub fn default_path(request_path: &str) -> &str {
    if !request_path.starts_with('/') {
        return "/";
    }
    match request_path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &request_path[..i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_matching() {
        assert!(domain_match("www.example.com", "example.com"));
        assert!(domain_match("example.com", "example.com"));
        assert!(!domain_match("wwwexample.com", "example.com"));
        assert!(!domain_match("example.com", "www.example.com"));
        assert!(!domain_match("1.2.3.4", "2.3.4"));
        assert!(domain_match("1.2.3.4", "1.2.3.4"));
    }

    #[test]
    fn path_matching_and_default_path() {
        assert!(path_match("/a/b", "/a"));
        assert!(path_match("/a/b", "/a/"));
        assert!(!path_match("/ab", "/a"));
        assert!(path_match("/", "/"));
        assert!(!path_match("/", "/a"));
        assert_eq!(default_path("/a/b/c"), "/a/b");
        assert_eq!(default_path("/a"), "/");
        assert_eq!(default_path(""), "/");
        assert_eq!(default_path("a/b"), "/");
        assert_eq!(default_path("/kontext/preview"), "/kontext");
        // The root path: every path that starts with `/`, and nothing else.
        assert!(path_match("/any/thing", "/"));
        assert!(!path_match("", "/"));
        assert!(!path_match("any", "/"));
    }

    proptest::proptest! {
        /// RFC 6265bis §5.1.4's three cases, as written, over paths drawn from few characters (so
        /// that prefixes, slashes and the root path come up often).
        #[test]
        fn path_match_is_the_rfc_definition(request in "[/ab]{0,6}", cookie in "[/ab]{0,4}") {
            let by_rfc = request == cookie
                || (request.starts_with(&cookie) && cookie.ends_with('/'))
                || (request.starts_with(&cookie) && request[cookie.len()..].starts_with('/'));
            proptest::prop_assert_eq!(path_match(&request, &cookie), by_rfc, "{:?} {:?}", request, cookie);
        }
    }
}
