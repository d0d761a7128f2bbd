//! Origins, sites and the registrable domain.
//!
//! Hosts are canonicalised by the WHATWG URL parser (the `url` crate: IDNA, IPv4 shorthand, case)
//! before the Public Suffix List (the `psl` crate, compiled in, private section included, as
//! Chromium's `SchemefulSite` uses it) is asked for the registrable domain.

use std::borrow::Cow;
use std::fmt;
use url::{Host, Url};

/// A web origin: `scheme://host[:port]`, or an opaque origin (serialised as `null`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    inner: OriginKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum OriginKind {
    /// Shared: the replay copies an origin several times per request (initiator, top level, page),
    /// and a copy is then a count, not two strings.
    Tuple(std::sync::Arc<TupleOrigin>),
    Opaque,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct TupleOrigin {
    scheme: String,
    host: Host<String>,
    port: u16,
}

/// Why an origin or URL could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginError {
    /// The text that was given.
    pub input: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an origin: {}", self.input, self.message)
    }
}

impl std::error::Error for OriginError {}

impl Origin {
    /// Parses an origin such as `https://kontext.build` (a trailing `/` or path is tolerated and
    /// dropped) or the literal `null`.
    pub fn parse(s: &str) -> Result<Origin, OriginError> {
        let t = s.trim();
        if t == "null" {
            return Ok(Origin::opaque());
        }
        let url = Url::parse(t).map_err(|e| OriginError { input: s.to_string(), message: e.to_string() })?;
        let origin = Origin::of_url(&url);
        if origin.is_opaque() {
            return Err(OriginError { input: s.to_string(), message: "the scheme has no tuple origin".into() });
        }
        Ok(origin)
    }

    /// The origin of a URL (`http`, `https`, `ws`, `wss`, `ftp` have tuple origins; others are opaque).
    pub fn of_url(url: &Url) -> Origin {
        match url.origin() {
            url::Origin::Tuple(scheme, host, port) => {
                Origin { inner: OriginKind::Tuple(std::sync::Arc::new(TupleOrigin { scheme, host, port })) }
            }
            url::Origin::Opaque(_) => Origin::opaque(),
        }
    }

    /// `Origin::of_url(url).serialize()`, borrowed from the URL where it can be: for `http`, `https`,
    /// `ws` and `wss` without credentials the URL's text up to its port already is the origin (the
    /// URL parser lower-cases and encodes the host and drops a default port).
    pub fn serialization_of_url(url: &Url) -> Cow<'_, str> {
        if matches!(url.scheme(), "http" | "https" | "ws" | "wss")
            && url.has_host()
            && url.username().is_empty()
            && url.password().is_none()
        {
            return Cow::Borrowed(&url[..url::Position::AfterPort]);
        }
        Cow::Owned(Origin::of_url(url).serialize())
    }

    /// Whether `url`'s origin is this one: `Origin::of_url(url) == *self` without building the URL's
    /// origin (the replay asks it several times per request).
    pub fn is_origin_of(&self, url: &Url) -> bool {
        match (&self.inner, tuple_parts(url)) {
            (OriginKind::Tuple(t), Some((s, h, p))) => t.scheme == s && t.port == p && host_ref(&t.host) == h,
            (_, Some(_)) => false,
            (_, None) => *self == Origin::of_url(url),
        }
    }

    /// An opaque origin (`null`): sandboxed frames, `data:` documents, after cross-origin redirects.
    pub const fn opaque() -> Origin {
        Origin { inner: OriginKind::Opaque }
    }

    /// Whether this is an opaque origin.
    pub fn is_opaque(&self) -> bool {
        matches!(self.inner, OriginKind::Opaque)
    }

    /// The scheme, lower case (`None` for an opaque origin).
    pub fn scheme(&self) -> Option<&str> {
        match &self.inner {
            OriginKind::Tuple(t) => Some(&t.scheme),
            OriginKind::Opaque => None,
        }
    }

    /// The canonical host (`None` for an opaque origin).
    pub fn host(&self) -> Option<&Host<String>> {
        match &self.inner {
            OriginKind::Tuple(t) => Some(&t.host),
            OriginKind::Opaque => None,
        }
    }

    /// The port, with the scheme's default filled in.
    pub fn port(&self) -> Option<u16> {
        match &self.inner {
            OriginKind::Tuple(t) => Some(t.port),
            OriginKind::Opaque => None,
        }
    }

    /// The ASCII serialisation browsers put in `Origin` and compare with `Access-Control-Allow-Origin`.
    pub fn serialize(&self) -> String {
        self.to_string()
    }

    /// The site of this origin: scheme plus registrable domain (or the host when it has none).
    pub fn site(&self) -> Site {
        match &self.inner {
            OriginKind::Tuple(t) => Site::of_tuple(&t.scheme, host_ref(&t.host)),
            OriginKind::Opaque => Site { inner: SiteKind::Opaque },
        }
    }

    /// `self.site().same_site(&other.site(), schemeful)`, without building the sites.
    pub fn is_same_site_with(&self, other: &Origin, schemeful: bool) -> bool {
        match (&self.inner, &other.inner) {
            (OriginKind::Tuple(a), OriginKind::Tuple(b)) => {
                (!schemeful || site_scheme(&a.scheme) == site_scheme(&b.scheme))
                    && site_domain(host_ref(&a.host)) == site_domain(host_ref(&b.host))
            }
            _ => false,
        }
    }

    /// Whether the origin is "potentially trustworthy" in the sense browsers use for `Secure`
    /// cookies: `https`/`wss`, or loopback (`localhost`, `127.0.0.0/8`, `[::1]`).
    pub fn is_potentially_trustworthy(&self) -> bool {
        match &self.inner {
            OriginKind::Tuple(t) => t.scheme == "https" || t.scheme == "wss" || is_loopback_host(&t.host),
            OriginKind::Opaque => false,
        }
    }
}

impl fmt::Display for Origin {
    /// The serialisation ([`Origin::serialize`]), written without a copy.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            OriginKind::Tuple(t) if default_port(&t.scheme) == Some(t.port) => write!(f, "{}://{}", t.scheme, t.host),
            OriginKind::Tuple(t) => write!(f, "{}://{}:{}", t.scheme, t.host, t.port),
            OriginKind::Opaque => f.write_str("null"),
        }
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// Whether a host is loopback: `localhost` (and `*.localhost`), `127.0.0.0/8`, `[::1]`.
pub fn is_loopback_host(host: &Host<String>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.');
            d == "localhost" || d.ends_with(".localhost")
        }
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// A site: an origin's scheme and registrable domain, or opaque.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    inner: SiteKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum SiteKind {
    /// The domain shared with every site of the same host built lately ([`shared_site_domain`]).
    Tuple {
        scheme: Cow<'static, str>,
        domain: std::sync::Arc<str>,
    },
    Opaque,
}

impl Site {
    /// The site of `url`'s origin: `Origin::of_url(url).site()` without building the origin.
    pub fn of_url(url: &Url) -> Site {
        match tuple_parts(url) {
            Some((scheme, host, _)) => Site::of_tuple(scheme, host),
            None => Origin::of_url(url).site(),
        }
    }

    /// The site of a tuple origin's scheme and host.
    fn of_tuple(scheme: &str, host: Host<&str>) -> Site {
        // The common schemes need no copy: a site is computed several times per request.
        let scheme = match site_scheme(scheme) {
            "http" => Cow::Borrowed("http"),
            "https" => Cow::Borrowed("https"),
            s => Cow::Owned(s.to_string()),
        };
        let domain = match host {
            Host::Domain(d) => shared_site_domain(d),
            other => std::sync::Arc::from(site_domain(other).as_ref()),
        };
        Site { inner: SiteKind::Tuple { scheme, domain } }
    }

    /// The site's scheme (`http`/`https`; `ws`/`wss` are folded into them).
    pub fn scheme(&self) -> Option<&str> {
        match &self.inner {
            SiteKind::Tuple { scheme, .. } => Some(scheme),
            SiteKind::Opaque => None,
        }
    }

    /// The registrable domain, or the host when it has none (IP addresses, public suffixes).
    pub fn domain(&self) -> Option<&str> {
        match &self.inner {
            SiteKind::Tuple { domain, .. } => Some(domain),
            SiteKind::Opaque => None,
        }
    }

    /// Whether this is the opaque site (which is cross-site with everything, itself included).
    pub fn is_opaque(&self) -> bool {
        matches!(self.inner, SiteKind::Opaque)
    }

    /// HTML's *same site*: same scheme and same registrable domain. With `schemeful` false the scheme
    /// is ignored ("schemelessly same site"), as Firefox and Safari do.
    pub fn same_site(&self, other: &Site, schemeful: bool) -> bool {
        match (&self.inner, &other.inner) {
            (SiteKind::Tuple { scheme: a, domain: da }, SiteKind::Tuple { scheme: b, domain: db }) => {
                da == db && (!schemeful || a == b)
            }
            _ => false,
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            SiteKind::Tuple { scheme, domain } => write!(f, "{scheme}://{domain}"),
            SiteKind::Opaque => f.write_str("null"),
        }
    }
}

/// A site's scheme: `ws`/`wss` are folded into `http`/`https`.
fn site_scheme(scheme: &str) -> &str {
    match scheme {
        "ws" => "http",
        "wss" => "https",
        s => s,
    }
}

thread_local! {
    /// The site domains of the host names whose sites were built last on this thread, shared: a
    /// request's sites are built several times (its URL's, its initiator's, its top level's), and a
    /// capture's requests go to few hosts, so a site mostly costs a count rather than a
    /// public-suffix look-up and a string.
    static RECENT_SITE_DOMAINS: std::cell::RefCell<super::recent::Recent<std::sync::Arc<str>>> =
        const { std::cell::RefCell::new(super::recent::Recent::new(RECENT_SITE_DOMAIN_SLOTS)) };
}

const RECENT_SITE_DOMAIN_SLOTS: usize = 8;

/// `site_domain(Host::Domain(name))`, shared with the sites of the same name built lately.
pub(crate) fn shared_site_domain(name: &str) -> std::sync::Arc<str> {
    RECENT_SITE_DOMAINS
        .with(|recent| recent.borrow_mut().get_or_compute(name, || registrable_domain(name).unwrap_or(name).into()))
}

/// A site's domain: the host's registrable domain, or the host when it has none.
fn site_domain(host: Host<&str>) -> Cow<'_, str> {
    match host {
        Host::Domain(d) => Cow::Borrowed(registrable_domain(d).unwrap_or(d)),
        other => Cow::Owned(other.to_string()),
    }
}

/// A borrowed view of an owned host.
fn host_ref(host: &Host<String>) -> Host<&str> {
    match host {
        Host::Domain(d) => Host::Domain(d),
        Host::Ipv4(ip) => Host::Ipv4(*ip),
        Host::Ipv6(ip) => Host::Ipv6(*ip),
    }
}

/// The scheme, host and port of `url`'s tuple origin when the URL itself holds them (the schemes
/// whose origin is the URL's own tuple); `None` for `blob:` (whose origin is its inner URL's) and
/// the schemes with opaque origins.
fn tuple_parts(url: &Url) -> Option<(&str, Host<&str>, u16)> {
    match url.scheme() {
        "http" | "https" | "ws" | "wss" | "ftp" => Some((url.scheme(), url.host()?, url.port_or_known_default()?)),
        _ => None,
    }
}

/// The registrable domain (eTLD+1) of a canonical, lower-case host name, from the compiled-in Public
/// Suffix List with its private section. `None` when the host is itself a public suffix.
///
/// A trailing dot is kept on the answer (`www.example.com.` → `example.com.`), as Chromium does.
pub fn registrable_domain(host: &str) -> Option<&str> {
    let bare = host.strip_suffix('.').unwrap_or(host);
    if bare.is_empty() || bare.starts_with('[') || bare.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    let domain = psl::domain_str(bare)?;
    let start = bare.len() - domain.len();
    Some(&host[start..])
}

/// Whether a canonical host name is a public suffix (`com`, `co.uk`, `github.io`), including names
/// under an unknown top-level domain that only the `*` rule covers (`localhost`, `example`).
pub fn is_public_suffix(host: &str) -> bool {
    let bare = host.strip_suffix('.').unwrap_or(host);
    if bare.is_empty() {
        return false;
    }
    match psl::suffix_str(bare) {
        Some(s) => s.len() == bare.len(),
        None => false,
    }
}

/// Whether two URLs are same-origin.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    let (oa, ob) = (Origin::of_url(a), Origin::of_url(b));
    !oa.is_opaque() && oa == ob
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(s: &str) -> Site {
        Origin::parse(s).unwrap().site()
    }

    /// Sites built through the recent-domains cache hold the host's own site domain: more hosts than
    /// slots, each met again after its slot was reused, IP hosts and public suffixes among them.
    #[test]
    fn shared_site_domains_are_the_hosts_own() {
        let hosts: Vec<String> = (0..RECENT_SITE_DOMAIN_SLOTS + 3)
            .map(|i| format!("h{i}.shop{}.example.co.uk", i % 3))
            .chain(["github.io", "user.github.io", "localhost", "127.0.0.1", "[::1]", "example.com."].map(String::from))
            .collect();
        for round in 0..3 {
            for host in hosts.iter().skip(round) {
                let url = Url::parse(&format!("https://{host}/")).unwrap();
                let expected = site_domain(host_ref(&url.host().unwrap().to_owned())).into_owned();
                assert_eq!(Site::of_url(&url).domain(), Some(expected.as_str()), "{host}");
                if let Some(Host::Domain(d)) = url.host() {
                    assert_eq!(&*shared_site_domain(d), registrable_domain(d).unwrap_or(d), "{host}");
                }
            }
        }
    }

    /// The borrowed serialization is the origin's own, for every kind of URL the replay meets.
    #[test]
    fn serialization_of_url_is_the_origins_serialization() {
        for u in [
            "https://Kontext.Build/app?x=1",
            "https://kontext.build:443/",
            "http://kontext.build:80/a",
            "http://kontext.build:8080/a",
            "wss://jsbundler.coinnation.io/ws",
            "ws://[::1]:9000/",
            "https://user:pw@api.example/",
            "https://user@api.example/",
            "https://bücher.example/",
            "http://0x7f.1/",
            "ftp://files.example/",
            "file:///etc/hosts",
            "data:text/html,hi",
            "blob:https://app.example/1234",
        ] {
            let url = Url::parse(u).unwrap();
            assert_eq!(Origin::serialization_of_url(&url), Origin::of_url(&url).serialize(), "{u}");
        }
        let url = Url::parse("https://Kontext.Build:443/app").unwrap();
        assert!(matches!(Origin::serialization_of_url(&url), Cow::Borrowed("https://kontext.build")));
    }

    #[test]
    fn registrable_domains_use_private_section_and_keep_trailing_dot() {
        assert_eq!(registrable_domain("jsbundler.coinnation.io"), Some("coinnation.io"));
        assert_eq!(registrable_domain("a.b.example.co.uk"), Some("example.co.uk"));
        assert_eq!(registrable_domain("user.github.io"), Some("user.github.io"));
        assert_eq!(registrable_domain("github.io"), None);
        assert_eq!(registrable_domain("www.nytimes.com."), Some("nytimes.com."));
        assert_eq!(registrable_domain("127.0.0.1"), None);
        assert!(is_public_suffix("co.uk"));
        assert!(is_public_suffix("com"));
        assert!(!is_public_suffix("example.com"));
    }

    #[test]
    fn schemeful_and_schemeless_same_site() {
        let a = site("https://kontext.build");
        let b = site("https://jsbundler.coinnation.io");
        let c = site("https://app.kontext.build:8443");
        let d = site("http://kontext.build");
        assert!(!a.same_site(&b, true));
        assert!(a.same_site(&c, true));
        assert!(!a.same_site(&d, true), "Chrome: http and https are cross-site");
        assert!(a.same_site(&d, false), "Firefox/Safari: same-site");
        assert!(!Site { inner: SiteKind::Opaque }.same_site(&Site { inner: SiteKind::Opaque }, true));
    }

    /// Comparing origins' sites directly answers what building both sites answers.
    #[test]
    fn same_site_origins_agree_with_their_sites() {
        let origins: Vec<Origin> = [
            "https://kontext.build",
            "https://app.kontext.build:8443",
            "http://kontext.build",
            "wss://kontext.build",
            "ws://kontext.build",
            "https://jsbundler.coinnation.io",
            "https://user.github.io",
            "https://other.github.io",
            "https://github.io",
            "http://127.0.0.1:3000",
            "http://127.0.0.1:4000",
            "http://[::1]:3000",
            "ftp://kontext.build",
            "null",
        ]
        .iter()
        .map(|o| Origin::parse(o).unwrap())
        .collect();
        let mut same = 0;
        for a in &origins {
            for b in &origins {
                for schemeful in [true, false] {
                    let expected = a.site().same_site(&b.site(), schemeful);
                    assert_eq!(a.is_same_site_with(b, schemeful), expected, "{a} {b} {schemeful}");
                    same += usize::from(expected);
                }
            }
        }
        assert!(same > origins.len(), "the table must hold same-site pairs beyond each origin with itself");
    }

    #[test]
    fn origin_serialisation_is_canonical() {
        assert_eq!(Origin::parse("HTTPS://Kontext.Build:443/").unwrap().serialize(), "https://kontext.build");
        assert_eq!(Origin::parse("http://localhost:5173").unwrap().serialize(), "http://localhost:5173");
        assert_eq!(Origin::parse("null").unwrap().serialize(), "null");
        assert!(Origin::parse("http://localhost:5173").unwrap().is_potentially_trustworthy());
        assert!(!Origin::parse("http://example.com").unwrap().is_potentially_trustworthy());
        assert!(Origin::parse("not a url").is_err());
    }
}
