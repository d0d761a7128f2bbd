//! What a captured exchange says about its request: kind, initiator, top level and credentials mode,
//! each with the evidence it rests on.
//!
//! HAR producers record different things (Chrome: `_resourceType`, `_initiator`, `Sec-Fetch-*`; Firefox:
//! real header names; proxies: headers only). Inference uses the strongest evidence present and says
//! how sure it is, because "the cookie was not sent" means nothing until we know whether the page asked
//! for credentials.

use crate::evidence::Exchange;
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
    /// Nothing in the capture tells; the kind's default is assumed.
    Unknown,
}

impl Basis {
    /// `recorded`, `inferred` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Recorded => "recorded",
            Basis::Inferred => "inferred",
            Basis::Unknown => "unknown",
        }
    }
}

/// The kind of request an exchange was, from the evidence in it.
pub fn request_kind(x: &Exchange) -> RequestKind {
    let h = &x.request_headers;
    let dest = h.get("sec-fetch-dest").map(str::to_ascii_lowercase);
    let mode = h.get("sec-fetch-mode").map(str::to_ascii_lowercase);
    let method = x.method.to_ascii_uppercase();
    if method == "OPTIONS" && h.contains("access-control-request-method") {
        return RequestKind::Preflight;
    }
    if x.status == 101
        || h.get("upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
        || mode.as_deref() == Some("websocket")
    {
        return RequestKind::WebSocket;
    }
    if let Some(t) = x.resource_type.as_deref() {
        match t.to_ascii_lowercase().as_str() {
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
    if h.get("x-requested-with").is_some_and(|v| v.eq_ignore_ascii_case("xmlhttprequest")) {
        return RequestKind::Xhr;
    }
    if x.initiator_type.as_deref() == Some("preflight") {
        return RequestKind::Preflight;
    }
    // No fetch metadata and no producer type (old captures, proxies): judge by the response.
    let mime = x.mime_type.as_deref().unwrap_or("").to_ascii_lowercase();
    if mime.starts_with("text/html") && method == "GET" && !h.contains("origin") {
        return RequestKind::Navigation;
    }
    if h.contains("origin") && method != "GET" && method != "HEAD" {
        return RequestKind::Fetch;
    }
    let path = x.url.split(['?', '#']).next().unwrap_or("").to_ascii_lowercase();
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
    let url = Url::parse(t).ok()?;
    let o = Origin::of_url(&url);
    (!o.is_opaque()).then_some(o)
}

/// The origin that started the request: the `Origin` header, else the `Referer`, else a recorded
/// parser initiator. `None` for browser-initiated navigations (`Sec-Fetch-Site: none`) and when nothing
/// tells.
pub fn initiator(x: &Exchange, kind: RequestKind) -> Option<Origin> {
    let h = &x.request_headers;
    if kind == RequestKind::Navigation && h.get("sec-fetch-site").is_some_and(|v| v.eq_ignore_ascii_case("none")) {
        return None;
    }
    // The initiator in the cookie sense is the requesting document. `Referer` carries its URL (or just
    // its origin); a recorded initiator URL is the document only for parser-initiated requests — for
    // script-initiated ones it is the script's own URL, which may live on a CDN of another site.
    let parser_initiator = match x.initiator_type.as_deref() {
        None | Some("parser") | Some("other") => x.initiator_url.as_deref(),
        Some(_) => None,
    };
    h.get("origin")
        .and_then(origin_of)
        .or_else(|| h.get("referer").and_then(origin_of))
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

/// The browser that recorded a capture, from the HAR creator (`Firefox`, `WebKit Web Inspector`;
/// Chromium's `WebInspector` and every other producer count as Chrome).
pub fn capture_browser(creator: Option<&str>) -> crate::model::profile::Browser {
    use crate::model::profile::Browser;
    let creator = creator.unwrap_or("").to_ascii_lowercase();
    if creator.contains("firefox") {
        Browser::Firefox
    } else if creator.contains("webkit web inspector") {
        Browser::Safari
    } else {
        Browser::Chrome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::http::{Header, Headers};

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
}
