//! What the model needs to know about a request: [`RequestContext`].

use super::site::Origin;
use super::time::Timestamp;
use url::Url;

/// What kind of request it is; decides SameSite treatment, credentials defaults and CORS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RequestKind {
    /// A top-level navigation (address bar, link, form submission, `window.open`).
    Navigation,
    /// A nested navigation: an iframe or frame loading a document.
    Iframe,
    /// A subresource: image, classic script, stylesheet, font, media (`no-cors` unless `crossorigin`).
    Subresource,
    /// `fetch()`.
    Fetch,
    /// `XMLHttpRequest`.
    Xhr,
    /// A WebSocket opening handshake (credentials always included, no CORS check).
    WebSocket,
    /// A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`): never carries or stores cookies.
    Preflight,
    /// Not known (some HAR producers record nothing that tells).
    Unknown,
}

impl RequestKind {
    /// The name used in reports and JSON (`navigation`, `iframe`, `subresource`, `fetch`, `xhr`,
    /// `websocket`, `preflight`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Navigation => "navigation",
            RequestKind::Iframe => "iframe",
            RequestKind::Subresource => "subresource",
            RequestKind::Fetch => "fetch",
            RequestKind::Xhr => "xhr",
            RequestKind::WebSocket => "websocket",
            RequestKind::Preflight => "preflight",
            RequestKind::Unknown => "unknown",
        }
    }

    /// Parses [`RequestKind::as_str`]'s names.
    pub fn parse(s: &str) -> Option<RequestKind> {
        Some(match s {
            "navigation" => RequestKind::Navigation,
            "iframe" => RequestKind::Iframe,
            "subresource" => RequestKind::Subresource,
            "fetch" => RequestKind::Fetch,
            "xhr" => RequestKind::Xhr,
            "websocket" => RequestKind::WebSocket,
            "preflight" => RequestKind::Preflight,
            "unknown" => RequestKind::Unknown,
            _ => return None,
        })
    }
}

/// The Fetch standard's request credentials mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CredentialsMode {
    /// Never send cookies, ignore `Set-Cookie` on the response.
    Omit,
    /// Send and store cookies only for same-origin URLs: the default of `fetch()` and XHR.
    SameOrigin,
    /// Always send and store cookies (`credentials: 'include'`, `withCredentials = true`, navigations,
    /// WebSocket handshakes).
    Include,
}

impl CredentialsMode {
    /// `omit`, `same-origin` or `include`.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialsMode::Omit => "omit",
            CredentialsMode::SameOrigin => "same-origin",
            CredentialsMode::Include => "include",
        }
    }

    /// Parses `omit`, `same-origin` or `include`.
    pub fn parse(s: &str) -> Option<CredentialsMode> {
        match s {
            "omit" => Some(CredentialsMode::Omit),
            "same-origin" => Some(CredentialsMode::SameOrigin),
            "include" => Some(CredentialsMode::Include),
            _ => None,
        }
    }
}

/// Everything about one request (one hop of a redirect chain) that decides cookie and CORS verdicts.
///
/// Build it with [`RequestContext::new`] and the `with_*` methods, or fill the fields directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext {
    /// The URL of this hop.
    pub url: Url,
    /// The method of this hop, upper case (`GET`, `POST`, ...). After a 301/302 POST→GET rewrite, `GET`.
    pub method: String,
    /// What kind of request.
    pub kind: RequestKind,
    /// The origin of the document (or worker) that started the request; `None` for a browser-initiated
    /// navigation (typed URL, bookmark), which counts as same-site.
    pub initiator: Option<Origin>,
    /// The origin of the top-level document the request is made under. Ignored for top-level
    /// navigations (the target becomes the top level). `None` with any other kind means unknown, and
    /// the initiator is used instead.
    pub top_level: Option<Origin>,
    /// Whether some frame between the top level and the requesting frame is cross-site with the top
    /// level; the site for cookies is then opaque and every request is cross-site (RFC 6265bis §5.2.1).
    pub cross_site_ancestor: bool,
    /// URLs visited before this one in the same redirect chain, oldest first.
    pub redirect_chain: Vec<Url>,
    /// The credentials mode of the request.
    pub credentials: CredentialsMode,
    /// When the request was made.
    pub time: Timestamp,
}

impl RequestContext {
    /// A request of `kind` to `url` at `time`, made by `initiator` (also taken as the top level).
    ///
    /// The credentials mode is the kind's default: `include` for navigations, iframes, classic
    /// subresources and WebSockets, `same-origin` for `fetch()` and XHR, `omit` for preflights.
    pub fn new(kind: RequestKind, method: &str, url: Url, initiator: Option<Origin>, time: Timestamp) -> Self {
        let credentials = match kind {
            RequestKind::Navigation | RequestKind::Iframe | RequestKind::Subresource | RequestKind::WebSocket => {
                CredentialsMode::Include
            }
            RequestKind::Fetch | RequestKind::Xhr | RequestKind::Unknown => CredentialsMode::SameOrigin,
            RequestKind::Preflight => CredentialsMode::Omit,
        };
        RequestContext {
            url,
            method: method.to_ascii_uppercase(),
            kind,
            top_level: initiator.clone(),
            initiator,
            cross_site_ancestor: false,
            redirect_chain: Vec::new(),
            credentials,
            time,
        }
    }

    /// Sets the credentials mode.
    pub fn with_credentials(mut self, mode: CredentialsMode) -> Self {
        self.credentials = mode;
        self
    }

    /// Sets the top-level document's origin.
    pub fn with_top_level(mut self, top_level: Option<Origin>) -> Self {
        self.top_level = top_level;
        self
    }

    /// Sets the redirect chain that led to this URL (oldest first).
    pub fn with_redirect_chain(mut self, chain: Vec<Url>) -> Self {
        self.redirect_chain = chain;
        self
    }

    /// The origin of the request URL.
    pub fn url_origin(&self) -> Origin {
        Origin::of_url(&self.url)
    }

    /// Whether this is a top-level navigation (the URL becomes the top-level document).
    pub fn is_top_level_navigation(&self) -> bool {
        self.kind == RequestKind::Navigation
    }

    /// The origin whose site is the request's "site for cookies": the target itself for a top-level
    /// navigation, else the top-level document (or the initiator when the top level is unknown), or
    /// opaque when a cross-site ancestor frame intervenes.
    pub fn site_for_cookies(&self) -> Origin {
        self.site_for_cookies_if_not_url().cloned().unwrap_or_else(|| self.url_origin())
    }

    /// [`RequestContext::site_for_cookies`] by reference, `None` when it is the URL's own origin
    /// (same-site computations take its site without copying the origin).
    pub fn site_for_cookies_if_not_url(&self) -> Option<&Origin> {
        static OPAQUE: Origin = Origin::opaque();
        if self.is_top_level_navigation() {
            return None;
        }
        if self.cross_site_ancestor {
            return Some(&OPAQUE);
        }
        self.top_level.as_ref().or(self.initiator.as_ref())
    }

    /// Whether the method is "safe" for SameSite=Lax (GET, HEAD, OPTIONS, TRACE).
    pub fn is_safe_method(&self) -> bool {
        matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE")
    }

    /// Whether the request URL is same-origin with the initiator (the `same-origin` credentials gate).
    /// A request with a cross-origin hop in its redirect chain is no longer same-origin (its origin is
    /// tainted to `null`).
    pub fn is_same_origin_with_initiator(&self) -> bool {
        let Some(init) = &self.initiator else { return true };
        !init.is_opaque() && init.is_origin_of(&self.url) && self.redirect_chain.iter().all(|u| init.is_origin_of(u))
    }

    /// Fetch's *includeCredentials*: whether cookies go out with this request and `Set-Cookie` on its
    /// response is processed at all. `include` always; `same-origin` only when same-origin (and for
    /// navigations and WebSockets, which are always credentialed); `omit` never. Preflights never.
    pub fn includes_credentials(&self) -> bool {
        if self.kind == RequestKind::Preflight {
            return false;
        }
        match self.credentials {
            CredentialsMode::Include => true,
            CredentialsMode::Omit => false,
            CredentialsMode::SameOrigin => {
                matches!(self.kind, RequestKind::Navigation | RequestKind::Iframe | RequestKind::WebSocket)
                    || self.is_same_origin_with_initiator()
            }
        }
    }
}
