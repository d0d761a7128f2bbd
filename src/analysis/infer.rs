//! What a captured exchange says about its request: kind, initiator, top level and credentials mode,
//! each with the evidence it rests on.
//!
//! HAR producers record different things (Chrome: `_resourceType`, `_initiator`, `Sec-Fetch-*`; Firefox:
//! real header names; proxies: headers only). Inference uses the strongest evidence present and says
//! how sure it is, because "the cookie was not sent" means nothing until we know whether the page asked
//! for credentials.

use crate::evidence::Exchange;
use crate::model::http::{ascii_lowercase, ascii_uppercase, RequestHeader, RequestHeaderLookup};
use crate::model::profile::Browser;
use crate::model::request::{CredentialsMode, RequestKind};
use crate::model::site::Origin;
use url::Url;

/// How a credentials mode was established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Basis {
    /// The capture shows it: a `Cookie` header went out on a cross-origin request (only `include` sends
    /// one), or the request kind always has this mode (navigations, WebSockets, preflights).
    Recorded,
    /// Inferred from indirect evidence (for example `Sec-Fetch-Storage-Access`, or no `Cookie` header
    /// although the jar held a cookie the request would have carried).
    Inferred,
    /// Computed by the model from facts the capture holds (a verdict, not a fact the capture shows).
    Predicted,
    /// Nothing in the capture tells; the kind's default is assumed.
    Unknown,
}

impl Basis {
    /// `recorded`, `inferred` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Recorded => "recorded",
            Basis::Inferred => "inferred",
            Basis::Predicted => "predicted",
            Basis::Unknown => "unknown",
        }
    }
}

/// The kind of request an exchange was, from the evidence in it.
pub fn request_kind(x: &Exchange) -> RequestKind {
    request_kind_with_basis(x).0
}

/// [`request_kind`] with how it was established: `recorded` from the producer's resource type, fetch
/// metadata or the protocol itself; `inferred` from the response type or the URL; `unknown` when nothing
/// tells.
pub fn request_kind_with_basis(x: &Exchange) -> (RequestKind, Basis) {
    request_kind_with_basis_in(x, &x.request_headers)
}

/// [`request_kind_with_basis`] with `x`'s request headers looked up in `h` (an index of them).
pub(crate) fn request_kind_with_basis_in(x: &Exchange, h: &impl RequestHeaderLookup) -> (RequestKind, Basis) {
    let kind = kind_of(x, h);
    let basis = if kind == RequestKind::Unknown {
        Basis::Unknown
    } else if x.resource_type.as_deref().is_some_and(|t| !t.is_empty())
        || h.has(RequestHeader::SecFetchMode)
        || h.has(RequestHeader::SecFetchDest)
        || matches!(kind, RequestKind::Preflight | RequestKind::WebSocket)
        || h.has(RequestHeader::XRequestedWith)
    {
        Basis::Recorded
    } else {
        Basis::Inferred
    };
    (kind, basis)
}

fn kind_of(x: &Exchange, h: &impl RequestHeaderLookup) -> RequestKind {
    let dest = h.value(RequestHeader::SecFetchDest).map(ascii_lowercase);
    let mode = h.value(RequestHeader::SecFetchMode).map(ascii_lowercase);
    let method = ascii_uppercase(&x.method);
    if method == "OPTIONS" && h.has(RequestHeader::AccessControlRequestMethod) {
        return RequestKind::Preflight;
    }
    if x.status == 101
        || h.value(RequestHeader::Upgrade).is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
        || mode.as_deref() == Some("websocket")
    {
        return RequestKind::WebSocket;
    }
    if let Some(t) = x.resource_type.as_deref() {
        match &*ascii_lowercase(t) {
            "document" => {
                return match dest.as_deref() {
                    Some("iframe") | Some("frame") | Some("embed") | Some("object") => RequestKind::Iframe,
                    _ => RequestKind::Navigation,
                }
            }
            "xhr" => return RequestKind::Xhr,
            "fetch" | "eventsource" | "beacon" | "ping" => return RequestKind::Fetch,
            "websocket" => return RequestKind::WebSocket,
            "preflight" => return RequestKind::Preflight,
            "" => {}
            _ => return RequestKind::Subresource,
        }
    }
    match (mode.as_deref(), dest.as_deref()) {
        (Some("navigate"), Some("iframe") | Some("frame")) => return RequestKind::Iframe,
        (Some("navigate"), _) => return RequestKind::Navigation,
        (Some("cors") | Some("same-origin"), Some("empty")) => return RequestKind::Fetch,
        (_, Some(d)) if d != "empty" && d != "document" => return RequestKind::Subresource,
        _ => {}
    }
    if h.value(RequestHeader::XRequestedWith).is_some_and(|v| v.eq_ignore_ascii_case("xmlhttprequest")) {
        return RequestKind::Xhr;
    }
    if x.initiator_type.as_deref() == Some("preflight") {
        return RequestKind::Preflight;
    }
    // No fetch metadata and no producer type (old captures, proxies): judge by the response.
    let mime = ascii_lowercase(x.mime_type.as_deref().unwrap_or(""));
    if mime.starts_with("text/html") && method == "GET" && !h.has(RequestHeader::Origin) {
        return RequestKind::Navigation;
    }
    if h.has(RequestHeader::Origin) && method != "GET" && method != "HEAD" {
        return RequestKind::Fetch;
    }
    let path = ascii_lowercase(x.url.split(['?', '#']).next().unwrap_or(""));
    const SUBRESOURCE_MIME: [&str; 6] = ["image/", "text/css", "javascript", "font/", "video/", "audio/"];
    const SUBRESOURCE_EXT: [&str; 12] =
        [".js", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".woff", ".woff2", ".mp4"];
    if SUBRESOURCE_MIME.iter().any(|m| mime.contains(m)) || SUBRESOURCE_EXT.iter().any(|e| path.ends_with(e)) {
        return RequestKind::Subresource;
    }
    RequestKind::Unknown
}

fn origin_of(s: &str) -> Option<Origin> {
    let t = s.trim();
    if t.is_empty() || t == "null" {
        return None;
    }
    RECENT_ORIGINS.with(|recent| {
        recent
            .borrow_mut()
            .get_or_compute(t, || Url::parse(t).ok().map(|url| Origin::of_url(&url)).filter(|o| !o.is_opaque()))
    })
}

thread_local! {
    /// The origins of the `Origin`, `Referer` and initiator texts read last on this thread: a page's
    /// requests repeat them, so most cost a comparison and a count rather than a URL parse.
    static RECENT_ORIGINS: std::cell::RefCell<crate::model::recent::Recent<Option<Origin>>> =
        const { std::cell::RefCell::new(crate::model::recent::Recent::new(RECENT_ORIGIN_SLOTS)) };
}

const RECENT_ORIGIN_SLOTS: usize = 4;

/// The origin that started the request: the `Origin` header, else the `Referer`, else a recorded
/// parser initiator. `None` for browser-initiated navigations (`Sec-Fetch-Site: none`) and when nothing
/// tells.
pub fn initiator(x: &Exchange, kind: RequestKind) -> Option<Origin> {
    initiator_in(x, kind, &x.request_headers)
}

/// [`initiator`] with `x`'s request headers looked up in `h` (an index of them).
pub(crate) fn initiator_in(x: &Exchange, kind: RequestKind, h: &impl RequestHeaderLookup) -> Option<Origin> {
    if kind == RequestKind::Navigation
        && h.value(RequestHeader::SecFetchSite).is_some_and(|v| v.eq_ignore_ascii_case("none"))
    {
        return None;
    }
    // The initiator in the cookie sense is the requesting document. `Referer` carries its URL (or just
    // its origin); a recorded initiator URL is the document only for parser-initiated requests — for
    // script-initiated ones it is the script's own URL, which may live on a CDN of another site.
    let parser_initiator = match x.initiator_type.as_deref() {
        None | Some("parser") | Some("other") => x.initiator_url.as_deref(),
        Some(_) => None,
    };
    h.value(RequestHeader::Origin)
        .and_then(origin_of)
        .or_else(|| h.value(RequestHeader::Referer).and_then(origin_of))
        .or_else(|| parser_initiator.and_then(origin_of))
}

/// The credentials mode a kind has by definition, if it has one.
pub fn fixed_credentials(kind: RequestKind) -> Option<CredentialsMode> {
    match kind {
        RequestKind::Navigation | RequestKind::Iframe | RequestKind::WebSocket => Some(CredentialsMode::Include),
        RequestKind::Preflight => Some(CredentialsMode::Omit),
        _ => None,
    }
}

/// The browser whose own word a capture is, with its major version, as far as the capture tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorder {
    /// The profile that plays it.
    pub browser: Browser,
    /// Its major version, from the User-Agent (`None` when only the producer's name told).
    pub major: Option<u32>,
}

impl Recorder {
    /// Whether it is Chrome (any Chromium) at `version` or later; an unknown version counts as current.
    pub fn chrome_at_least(&self, version: u32) -> bool {
        self.browser == Browser::Chrome && self.major.is_none_or(|m| m >= version)
    }
}

/// The browser a HAR producer's name says recorded the capture: DevTools' and Firebug's exports and
/// Firefox's and Safari's own; `None` for producers that only carry another client's traffic
/// (proxies, chrome-har, WebPageTest, Playwright: the User-Agent tells those).
pub fn creator_browser(creator: &str) -> Option<Browser> {
    let c = creator.to_ascii_lowercase();
    if c.contains("firefox") || c.contains("firebug") {
        Some(Browser::Firefox)
    } else if c.contains("webkit web inspector") {
        Some(Browser::Safari)
    } else if c.starts_with("webinspector") {
        Some(Browser::Chrome)
    } else {
        None
    }
}

/// The browser and major version a `User-Agent` names: Chromium-based browsers (Chrome, Edge,
/// HeadlessChrome) play Chrome, Gecko's `Firefox/N` Firefox, WebKit's `Version/N … Safari` Safari.
/// `None` for other clients (Internet Explorer, curl, REST clients, proxies' own requests).
pub fn user_agent_browser(ua: &str) -> Option<Recorder> {
    fn major_after(ua: &str, token: &str) -> Option<u32> {
        let i = ua.find(token)? + token.len();
        ua[i..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
    }
    if let Some(major) = major_after(ua, "Firefox/") {
        return Some(Recorder { browser: Browser::Firefox, major: Some(major) });
    }
    if let Some(major) = major_after(ua, "Chrome/").or_else(|| major_after(ua, "Chromium/")) {
        return Some(Recorder { browser: Browser::Chrome, major: Some(major) });
    }
    if ua.contains("Safari/") && ua.contains("AppleWebKit/") {
        return Some(Recorder { browser: Browser::Safari, major: major_after(ua, "Version/") });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::http::{Header, Headers};

    /// The recent-origins cache answers what a parse answers: more texts than slots, met again after
    /// their slots were reused, with opaque and unparsable ones among them.
    #[test]
    fn recent_origins_are_the_texts_own() {
        let texts: Vec<String> = (0..RECENT_ORIGIN_SLOTS + 2)
            .map(|i| format!("https://p{i}.example/page?q={i}"))
            .chain(
                ["null", "", " https://a.example:8443/x ", "data:text/html,hi", "not a url", "http://[::1]/"]
                    .map(String::from),
            )
            .collect();
        for round in 0..3 {
            for t in texts.iter().skip(round) {
                let direct = match t.trim() {
                    "" | "null" => None,
                    trimmed => Url::parse(trimmed).ok().map(|u| Origin::of_url(&u)).filter(|o| !o.is_opaque()),
                };
                assert_eq!(origin_of(t), direct, "{t:?}");
            }
        }
    }

    fn exchange(method: &str, headers: &[(&str, &str)]) -> Exchange {
        Exchange {
            method: method.into(),
            url: "https://jsbundler.coinnation.io/kontext/preview".into(),
            status: 200,
            request_headers: Headers(headers.iter().map(|(n, v)| Header::new(*n, *v)).collect()),
            ..Exchange::default()
        }
    }

    #[test]
    fn kinds_from_fetch_metadata_and_headers() {
        let pre = exchange("OPTIONS", &[("Access-Control-Request-Method", "POST")]);
        assert_eq!(request_kind(&pre), RequestKind::Preflight);
        let ws = exchange("GET", &[("Upgrade", "websocket")]);
        assert_eq!(request_kind(&ws), RequestKind::WebSocket);
        let fetch = exchange("POST", &[("sec-fetch-mode", "cors"), ("sec-fetch-dest", "empty")]);
        assert_eq!(request_kind(&fetch), RequestKind::Fetch);
        let frame = exchange("GET", &[("sec-fetch-mode", "navigate"), ("sec-fetch-dest", "iframe")]);
        assert_eq!(request_kind(&frame), RequestKind::Iframe);
        let img = exchange("GET", &[("sec-fetch-mode", "no-cors"), ("sec-fetch-dest", "image")]);
        assert_eq!(request_kind(&img), RequestKind::Subresource);
        let mut typed = exchange("GET", &[]);
        typed.resource_type = Some("xhr".into());
        assert_eq!(request_kind(&typed), RequestKind::Xhr);
        assert_eq!(request_kind(&exchange("GET", &[])), RequestKind::Unknown);
    }

    #[test]
    fn initiator_prefers_origin_then_initiator_then_referer() {
        let x = exchange("POST", &[("Origin", "https://kontext.build"), ("Referer", "https://other.example/")]);
        assert_eq!(initiator(&x, RequestKind::Fetch).unwrap().serialize(), "https://kontext.build");
        let x = exchange("GET", &[("Referer", "https://kontext.build/editor?id=1")]);
        assert_eq!(initiator(&x, RequestKind::Subresource).unwrap().serialize(), "https://kontext.build");
        let x = exchange("GET", &[("Sec-Fetch-Site", "none"), ("Referer", "https://kontext.build/")]);
        assert_eq!(initiator(&x, RequestKind::Navigation), None);
        let x = exchange("POST", &[("Origin", "null")]);
        assert_eq!(initiator(&x, RequestKind::Fetch), None);
    }

    #[test]
    fn recorders_from_user_agents_and_producers() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/103.0.5060.42 Safari/537.36";
        assert_eq!(user_agent_browser(chrome), Some(Recorder { browser: Browser::Chrome, major: Some(103) }));
        let headless = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/66.0.3359 Safari/537.36";
        assert_eq!(user_agent_browser(headless).map(|r| r.major), Some(Some(66)));
        let firefox = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:109.0) Gecko/20100101 Firefox/111.0";
        assert_eq!(user_agent_browser(firefox), Some(Recorder { browser: Browser::Firefox, major: Some(111) }));
        let safari = "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.3 Safari/605.1.15";
        assert_eq!(user_agent_browser(safari), Some(Recorder { browser: Browser::Safari, major: Some(16) }));
        assert_eq!(user_agent_browser("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko"), None);
        assert_eq!(user_agent_browser("insomnia/2022.1.1"), None);
        assert_eq!(creator_browser("WebInspector"), Some(Browser::Chrome));
        assert_eq!(creator_browser("WebKit Web Inspector"), Some(Browser::Safari));
        assert_eq!(creator_browser("Firebug"), Some(Browser::Firefox));
        assert_eq!(creator_browser("Charles Proxy"), None);
        assert_eq!(creator_browser("chrome-har"), None);
    }
}
