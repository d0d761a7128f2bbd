//! The Fetch standard's CORS protocol: when a preflight is sent, the CORS check, the preflight check,
//! redirects and `Origin: null`, and Chrome's Local Network Access gate.
//!
//! Errors carry Chrome DevTools' `Network.CorsError` names so a verdict reads like the DevTools
//! console. Where Chrome stops at the first failure, crossjar keeps every failure it can see (the
//! first one in [`CorsVerdict::errors`] is the one Chrome reports), so a fix can address all at once.
//!
//! ```
//! use crossjar::model::cors::{evaluate, CorsError, CorsRequest, CorsResponse, RequestMode};
//! use crossjar::model::http::{Header, Headers};
//! use crossjar::model::profile::Browser;
//! use crossjar::model::request::CredentialsMode;
//! use crossjar::model::site::Origin;
//!
//! let req = CorsRequest::new(
//!     Origin::parse("https://kontext.build").unwrap(),
//!     "https://jsbundler.coinnation.io/kontext/preview".parse().unwrap(),
//!     "GET",
//! )
//! .with_credentials(CredentialsMode::Include);
//! // The bundler answers `*`: never good enough with credentials.
//! let resp = CorsResponse::new(200, Headers(vec![
//!     Header::new("Access-Control-Allow-Origin", "*"),
//!     Header::new("Access-Control-Allow-Credentials", "true"),
//! ]));
//! let verdict = evaluate(&req, None, &[resp], Browser::Chrome);
//! assert!(!verdict.ok);
//! assert_eq!(verdict.error().unwrap().error, CorsError::WildcardOriginNotAllowed);
//! // ...yet a credentialed response's Set-Cookie was stored before the check failed.
//! assert!(verdict.set_cookie_stored_despite_failure());
//! assert_eq!(RequestMode::parse("cors"), Some(RequestMode::Cors));
//! ```
//!
//! Sources: FETCH §2.2.1–2.2.2 (safelists), §3.2.5 (CORS protocol), §4.1 Main fetch, §4.4 HTTP fetch,
//! §4.5 HTTP-redirect fetch, §4.8 CORS-preflight fetch, §4.9 cache, §4.10 CORS check; the DevTools
//! protocol `Network.CorsError`; Chromium's `services/network/public/cpp/cors/cors.cc` for which
//! name an invalid `Access-Control-Allow-Origin` gets.

use super::http::Headers;
use super::profile::Browser;
use super::request::CredentialsMode;
use super::site::Origin;
use std::borrow::Cow;
use std::fmt;
use url::Url;

macro_rules! cors_errors {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[doc = $doc:literal])+ $variant:ident,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl $name {
            /// Every error, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The DevTools name (`AllowOriginMismatch`, ...).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant),)+ }
            }

            /// One line saying what the error means.
            pub fn description(self) -> &'static str {
                match self { $($name::$variant => concat!($($doc),+).trim_start(),)+ }
            }

            /// Parses DevTools names as [`Self::as_str`] prints them (and as `loadingFailed.corsErrorStatus`
            /// carries them in captures).
            pub fn parse(s: &str) -> Option<$name> {
                match s { $(stringify!($variant) => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

cors_errors! {
    /// Why a page could not read a cross-origin response, named as Chrome DevTools' `Network.CorsError`.
    pub enum CorsError {
        /// A `mode: 'same-origin'` request was made to (or redirected to) a cross-origin URL.
        DisallowedByMode,
        /// The response could not be used for CORS at all (e.g. a network error); parse-only, crossjar never infers it.
        InvalidResponse,
        /// `Access-Control-Allow-Origin: *` on a request with credentials mode `include`.
        WildcardOriginNotAllowed,
        /// The response has no `Access-Control-Allow-Origin` header.
        MissingAllowOriginHeader,
        /// `Access-Control-Allow-Origin` holds several values (a list, or several header lines).
        MultipleAllowOriginValues,
        /// `Access-Control-Allow-Origin` is not a valid origin or `*`.
        InvalidAllowOriginValue,
        /// `Access-Control-Allow-Origin` names a different origin than the request's `Origin`.
        AllowOriginMismatch,
        /// With credentials, `Access-Control-Allow-Credentials` is missing or not exactly `true`.
        InvalidAllowCredentials,
        /// The URL's scheme does not support CORS requests (only `http` and `https` do).
        CorsDisabledScheme,
        /// The preflight response's status is not 2xx.
        PreflightInvalidStatus,
        /// The preflight was answered with a redirect, which preflights never follow.
        PreflightDisallowedRedirect,
        /// The preflight response has `Access-Control-Allow-Origin: *` but the actual request has credentials.
        PreflightWildcardOriginNotAllowed,
        /// The preflight response has no `Access-Control-Allow-Origin` header.
        PreflightMissingAllowOriginHeader,
        /// The preflight response's `Access-Control-Allow-Origin` holds several values.
        PreflightMultipleAllowOriginValues,
        /// The preflight response's `Access-Control-Allow-Origin` is not a valid origin or `*`.
        PreflightInvalidAllowOriginValue,
        /// The preflight response's `Access-Control-Allow-Origin` names a different origin.
        PreflightAllowOriginMismatch,
        /// The actual request has credentials and the preflight's `Access-Control-Allow-Credentials` is not exactly `true`.
        PreflightInvalidAllowCredentials,
        /// Deprecated (old private-network preflight); parse-only, kept because DevTools still lists it.
        PreflightMissingAllowExternal,
        /// Deprecated (old private-network preflight); parse-only, kept because DevTools still lists it.
        PreflightInvalidAllowExternal,
        /// The preflight's `Access-Control-Allow-Methods` does not parse as a list of method tokens.
        InvalidAllowMethodsPreflightResponse,
        /// The preflight's `Access-Control-Allow-Headers` does not parse as a list of header names.
        InvalidAllowHeadersPreflightResponse,
        /// The request method is not safelisted and not allowed by the preflight's `Access-Control-Allow-Methods`.
        MethodDisallowedByPreflightResponse,
        /// A CORS-unsafe request header is not allowed by the preflight's `Access-Control-Allow-Headers`.
        HeaderDisallowedByPreflightResponse,
        /// A redirect of a CORS request points to a URL with a user name or password.
        RedirectContainsCredentials,
        /// A request to a less public address space (local network, loopback) from a non-secure context (Chrome Local Network Access).
        InsecureLocalNetwork,
        /// The resolved address space differs from the one the request declared (`targetAddressSpace`) (Chrome Local Network Access).
        InvalidLocalNetworkAccess,
        /// The user (or policy) denied the local network access permission (Chrome Local Network Access).
        LocalNetworkAccessPermissionDenied,
        /// A `no-cors` request with redirect mode other than `follow` was redirected; parse-only, crossjar does not model redirect modes.
        NoCorsRedirectModeNotFollow,
    }
}

impl CorsError {
    /// Whether this is a Local Network Access failure: reported through the same DevTools field, but not a
    /// CORS-header problem (no response header can fix it).
    pub fn is_local_network(self) -> bool {
        matches!(
            self,
            CorsError::InsecureLocalNetwork
                | CorsError::InvalidLocalNetworkAccess
                | CorsError::LocalNetworkAccessPermissionDenied
        )
    }

    /// The `Preflight…` counterpart of an `Access-Control-Allow-Origin`/`-Credentials` error (the same
    /// check run on a preflight response); other errors map to themselves.
    pub fn for_preflight(self) -> CorsError {
        match self {
            CorsError::WildcardOriginNotAllowed => CorsError::PreflightWildcardOriginNotAllowed,
            CorsError::MissingAllowOriginHeader => CorsError::PreflightMissingAllowOriginHeader,
            CorsError::MultipleAllowOriginValues => CorsError::PreflightMultipleAllowOriginValues,
            CorsError::InvalidAllowOriginValue => CorsError::PreflightInvalidAllowOriginValue,
            CorsError::AllowOriginMismatch => CorsError::PreflightAllowOriginMismatch,
            CorsError::InvalidAllowCredentials => CorsError::PreflightInvalidAllowCredentials,
            other => other,
        }
    }
}

/// A CORS error with the offending value, as DevTools' `CorsErrorStatus { corsError, failedParameter }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsErrorStatus {
    /// The error.
    pub error: CorsError,
    /// The value DevTools shows with it: the `Access-Control-Allow-Origin` or `-Credentials` value, the
    /// disallowed method or header name, or the unparsable list. Empty when DevTools gives none.
    pub failed_parameter: String,
}

impl CorsErrorStatus {
    fn new(error: CorsError, failed_parameter: impl Into<String>) -> Self {
        CorsErrorStatus { error, failed_parameter: failed_parameter.into() }
    }
}

impl fmt::Display for CorsErrorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.failed_parameter.is_empty() {
            f.write_str(self.error.as_str())
        } else {
            write!(f, "{} ({:?})", self.error, self.failed_parameter)
        }
    }
}

/// The Fetch request mode: decides whether CORS applies at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestMode {
    /// `fetch()` / XHR default, `crossorigin` elements, module scripts: cross-origin responses need CORS.
    Cors,
    /// Classic `<script>`, `<img>`, `<link>` without `crossorigin`: cross-origin responses are opaque.
    NoCors,
    /// Navigations (top-level and iframes): no CORS check.
    Navigate,
    /// WebSocket handshakes: `Origin` is sent, but no CORS check; the server decides.
    WebSocket,
    /// `mode: 'same-origin'`: a cross-origin URL is an error.
    SameOrigin,
}

impl RequestMode {
    /// `cors`, `no-cors`, `navigate`, `websocket` or `same-origin`.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestMode::Cors => "cors",
            RequestMode::NoCors => "no-cors",
            RequestMode::Navigate => "navigate",
            RequestMode::WebSocket => "websocket",
            RequestMode::SameOrigin => "same-origin",
        }
    }

    /// Parses [`RequestMode::as_str`]'s names.
    pub fn parse(s: &str) -> Option<RequestMode> {
        Some(match s {
            "cors" => RequestMode::Cors,
            "no-cors" => RequestMode::NoCors,
            "navigate" => RequestMode::Navigate,
            "websocket" => RequestMode::WebSocket,
            "same-origin" => RequestMode::SameOrigin,
            _ => return None,
        })
    }
}

/// An IP address space for Chrome's Local Network Access (formerly Private Network Access).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AddressSpace {
    /// Loopback (`127.0.0.0/8`, `::1`): the least public.
    Loopback,
    /// Private/local network (RFC 1918, link-local, unique-local).
    Local,
    /// Everything else.
    Public,
}

/// What the capture shows about Local Network Access; all unknown by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LocalNetwork {
    /// The initiating document's address space.
    pub initiator: Option<AddressSpace>,
    /// The address space the target resolved to.
    pub target: Option<AddressSpace>,
    /// The `targetAddressSpace` the request declared, if any.
    pub declared_target: Option<AddressSpace>,
    /// Whether the local network access permission was granted (`None`: not known).
    pub permission_granted: Option<bool>,
}

/// A request as the CORS protocol sees it. Build with [`CorsRequest::new`] and the `with_*` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsRequest {
    /// The origin of the document that made the request (opaque for sandboxed frames, `data:` ...).
    pub origin: Origin,
    /// The request URL (the first hop when there are redirects).
    pub url: Url,
    /// The method as the page wrote it; normalised as `fetch()` does (`get` → `GET`, `patch` stays).
    pub method: String,
    /// The author request headers (set by the page). Forbidden request headers are ignored, as
    /// browsers drop them.
    pub headers: Headers,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The request mode.
    pub mode: RequestMode,
    /// Fetch's use-CORS-preflight flag: XHR upload listeners or a `ReadableStream` body.
    pub use_cors_preflight: bool,
    /// Local Network Access facts, when the capture has them.
    pub local_network: LocalNetwork,
}

impl CorsRequest {
    /// A `cors`-mode request with credentials mode `same-origin` (the `fetch()` default) and no headers.
    pub fn new(origin: Origin, url: Url, method: &str) -> Self {
        CorsRequest {
            origin,
            url,
            method: normalize_method(method),
            headers: Headers::default(),
            credentials: CredentialsMode::SameOrigin,
            mode: RequestMode::Cors,
            use_cors_preflight: false,
            local_network: LocalNetwork::default(),
        }
    }

    /// Sets the credentials mode.
    pub fn with_credentials(mut self, credentials: CredentialsMode) -> Self {
        self.credentials = credentials;
        self
    }

    /// Sets the request mode.
    pub fn with_mode(mut self, mode: RequestMode) -> Self {
        self.mode = mode;
        self
    }

    /// Adds an author request header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.0.push(super::http::Header::new(name, value));
        self
    }
}

/// A response (or redirect hop, or preflight response) as captured: status and headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers as captured.
    pub headers: Headers,
}

impl CorsResponse {
    /// A response from status and headers.
    pub fn new(status: u16, headers: Headers) -> Self {
        CorsResponse { status, headers }
    }
}

/// Why a preflight is sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PreflightReason {
    /// The method is not `GET`, `HEAD` or `POST`.
    Method(String),
    /// A CORS-unsafe request header (lower-cased name), in `Access-Control-Request-Headers` order.
    Header(String),
    /// XHR upload listeners or a streamed body set the use-CORS-preflight flag.
    UploadListenersOrStream,
}

impl PreflightReason {
    /// The reason's text in pieces, to be joined.
    fn pieces(&self) -> [&str; 3] {
        match self {
            PreflightReason::Method(m) => ["method ", m, " is not CORS-safelisted"],
            PreflightReason::Header(h) => ["request header `", h, "` is not CORS-safelisted"],
            PreflightReason::UploadListenersOrStream => ["upload listeners or a streamed body", "", ""],
        }
    }

    /// The reason as text (what `Display` writes), joined directly: every CORS verdict of a
    /// preflighted request lists its reasons, and formatting them was 1.1% of the replay thread's
    /// instructions on a header-heavy capture.
    pub fn text(&self) -> String {
        self.pieces().concat()
    }
}

impl fmt::Display for PreflightReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces().iter().try_for_each(|p| f.write_str(p))
    }
}

/// The result of one check (the preflight, a redirect hop, or the final response).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// Whether the check passed.
    pub ok: bool,
    /// Every failure found, the one Chrome reports first.
    pub errors: Vec<CorsErrorStatus>,
    /// The serialised origin the request carried on this hop (`null` after a cross-origin redirect).
    pub origin_sent: String,
    /// The URL this response is for.
    pub url: String,
    /// For a preflight: the parsed `Access-Control-Max-Age` in seconds (`None` when absent or invalid,
    /// which means the 5-second default); see [`preflight_cache_seconds`].
    pub max_age: Option<u64>,
}

impl CheckResult {
    /// The result of a check that found `errors` (ok when there are none), for a response to `url`
    /// whose request sent `origin_sent` as its `Origin`.
    pub fn from_errors(errors: Vec<CorsErrorStatus>, origin_sent: String, url: &Url) -> Self {
        CheckResult { ok: errors.is_empty(), errors, origin_sent, url: url.to_string(), max_age: None }
    }
}

/// The CORS verdict for one request, with all its hops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsVerdict {
    /// Whether the CORS protocol applies at all (a `cors`-mode request that is or becomes cross-origin).
    pub cors_applies: bool,
    /// Whether a preflight is sent before the request.
    pub needs_preflight: bool,
    /// Why the preflight is sent (empty when it is not).
    pub preflight_reasons: Vec<PreflightReason>,
    /// A preflight is needed but none was given (it may have been served from the preflight cache).
    pub preflight_unobserved: bool,
    /// The preflight check, when a preflight response was given.
    pub preflight: Option<CheckResult>,
    /// The checks of redirect hops before the final response, in order.
    pub redirects: Vec<CheckResult>,
    /// The check of the final response; `None` when the request was never sent (failed preflight or
    /// request-side error) or no response was given.
    pub actual: Option<CheckResult>,
    /// Whether the page can use the response: every check passed (an opaque `no-cors` response counts
    /// as ok, see [`CorsVerdict::readable`]).
    pub ok: bool,
    /// Whether script can read the response body and headers (false for opaque `no-cors` responses).
    pub readable: bool,
    /// Request-side errors that stop the request before it is sent (mode, scheme, Local Network Access).
    pub request_errors: Vec<CorsErrorStatus>,
    /// Whether the request carried credentials (cookies) and its response's `Set-Cookie` was processed.
    pub credentialed: bool,
}

impl CorsVerdict {
    /// Every failure, in the order Chrome would meet them: request-side, preflight, redirects, final.
    pub fn errors(&self) -> Vec<&CorsErrorStatus> {
        let mut all: Vec<&CorsErrorStatus> = self.request_errors.iter().collect();
        for r in self.preflight.iter().chain(self.redirects.iter()).chain(self.actual.iter()) {
            all.extend(r.errors.iter());
        }
        all
    }

    /// The error DevTools would show (the first failure), if any.
    pub fn error(&self) -> Option<&CorsErrorStatus> {
        self.errors().into_iter().next()
    }

    /// Whether a `Set-Cookie` on the (final or redirect) response was stored although the page cannot read the
    /// response: storage happens in HTTP-network fetch, before the CORS check (FETCH §3.3.6 example,
    /// §4.7). True when the request was credentialed, was sent (no failed preflight) and a response
    /// check failed.
    pub fn set_cookie_stored_despite_failure(&self) -> bool {
        self.credentialed
            && self.request_errors.is_empty()
            && !matches!(self.preflight, Some(ref p) if !p.ok)
            && self.redirects.iter().chain(self.actual.iter()).any(|r| !r.ok)
    }
}

/// Fetch's method normalisation: `delete`, `get`, `head`, `options`, `post`, `put` are upper-cased
/// (case-insensitively); every other method is kept as written (and compared case-sensitively).
pub fn normalize_method(method: &str) -> String {
    normalized_method(method).to_string()
}

/// [`normalize_method`] without a copy: the upper-cased name, or `method` itself.
fn normalized_method(method: &str) -> &str {
    const NORMALISED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    NORMALISED.iter().find(|m| m.eq_ignore_ascii_case(method)).copied().unwrap_or(method)
}

/// CORS-safelisted methods: `GET`, `HEAD`, `POST` (case-sensitive, after normalisation).
pub fn is_cors_safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Forbidden request headers: scripts cannot set them, so browsers drop them and they never cause a
/// preflight (FETCH "forbidden request-header").
pub fn is_forbidden_request_header(name: &str, value: &str) -> bool {
    // The list by length: a name is compared with the few of its length only (this runs for every
    // header of every CORS request, twice).
    let same_length: &[&str] = match name.len() {
        2 => &["te"],
        3 => &["dnt", "via"],
        4 => &["date", "host"],
        6 => &["cookie", "expect", "origin"],
        7 => &["cookie2", "referer", "trailer", "upgrade"],
        10 => &["connection", "keep-alive", "set-cookie"],
        14 => &["accept-charset", "content-length"],
        15 => &["accept-encoding"],
        17 => &["transfer-encoding"],
        29 => &["access-control-request-method"],
        30 => &["access-control-request-headers"],
        _ => &[],
    };
    let has_prefix = |prefix: &str| name.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    if same_length.iter().any(|f| f.eq_ignore_ascii_case(name)) || has_prefix("proxy-") || has_prefix("sec-") {
        return true;
    }
    if ["x-http-method", "x-http-method-override", "x-method-override"].iter().any(|m| m.eq_ignore_ascii_case(name)) {
        return value
            .split(',')
            .map(|m| m.trim_matches(is_http_ws))
            .any(|m| ["CONNECT", "TRACE", "TRACK"].iter().any(|f| f.eq_ignore_ascii_case(m)));
    }
    false
}

fn is_http_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// A byte class as a table: the safelist checks read every byte of `Accept` and `Accept-Language`
/// values, and a look-up is one load where scanning a list of bytes is a dozen compares (issue #17).
const fn byte_class(listed: &[u8], alphanumeric: bool, controls: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < listed.len() {
        table[listed[i] as usize] = true;
        i += 1;
    }
    let mut b = 0u8;
    loop {
        if (alphanumeric && b.is_ascii_alphanumeric()) || (controls && ((b < 0x20 && b != 0x09) || b == 0x7f)) {
            table[b as usize] = true;
        }
        if b == u8::MAX {
            break;
        }
        b += 1;
    }
    table
}

/// Fetch's CORS-unsafe request-header bytes: controls but tab, DEL, and `"():<>?@[\]{}`.
const CORS_UNSAFE_BYTES: [bool; 256] = byte_class(b"\"():<>?@[\\]{}", false, true);
/// RFC 9110 token characters.
const TOKEN_BYTES: [bool; 256] = byte_class(b"!#$%&'*+-.^_`|~", true, false);
/// What `Accept-Language` and `Content-Language` values may hold to be safelisted.
const LANGUAGE_BYTES: [bool; 256] = byte_class(b" *,-.;=", true, false);

fn is_cors_unsafe_byte(b: u8) -> bool {
    CORS_UNSAFE_BYTES[usize::from(b)]
}

fn is_token_char(b: u8) -> bool {
    TOKEN_BYTES[usize::from(b)]
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// The essence (`type/subtype`, lower case) of a MIME type per the WHATWG MIME Sniffing parser, or
/// `None` when it does not parse. Parameters never make parsing fail.
fn mime_essence(value: &str) -> Option<String> {
    let v = value.trim_matches(is_http_ws);
    let (ty, rest) = v.split_once('/')?;
    if !is_token(ty) {
        return None;
    }
    let subtype = rest.split(';').next().unwrap_or("").trim_end_matches(is_http_ws);
    if !is_token(subtype) {
        return None;
    }
    Some(format!("{}/{}", ty.to_ascii_lowercase(), subtype.to_ascii_lowercase()))
}

/// Compares two ASCII-digit strings as numbers of any size.
fn digits_gt(a: &str, b: &str) -> bool {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    (a.len(), a) > (b.len(), b)
}

/// Whether a `Range` value is a simple range header value with a first position (`bytes=N-` or
/// `bytes=N-M`, N ≤ M, no whitespace): only those are safelisted.
fn is_safelisted_range(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("bytes=") else { return false };
    let Some((start, end)) = rest.split_once('-') else { return false };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if start.is_empty() || !digits(start) || !digits(end) {
        return false;
    }
    end.is_empty() || !digits_gt(start, end)
}

/// Whether `name: value` is a CORS-safelisted request header (FETCH §2.2.2): `Accept`,
/// `Accept-Language`, `Content-Language`, `Content-Type` (three MIME essences), `Range` (one
/// `bytes=` range), each value at most 128 bytes. The 1024-byte total is checked by
/// [`cors_unsafe_request_header_names`].
pub fn is_cors_safelisted_request_header(name: &str, value: &str) -> bool {
    let value = value.trim_matches(is_http_ws);
    if value.len() > 128 {
        return false;
    }
    match &*crate::model::http::ascii_lowercase(name) {
        "accept" => !value.bytes().any(is_cors_unsafe_byte),
        "accept-language" | "content-language" => value.bytes().all(|b| LANGUAGE_BYTES[usize::from(b)]),
        "content-type" => {
            !value.bytes().any(is_cors_unsafe_byte)
                && matches!(
                    mime_essence(value).as_deref(),
                    Some("application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain")
                )
        }
        "range" => is_safelisted_range(value),
        _ => false,
    }
}

/// Fetch's CORS-unsafe request-header names: lower-cased, sorted, deduplicated, as the preflight's
/// `Access-Control-Request-Headers` lists them. Forbidden headers are ignored; when the safelisted
/// values together exceed 1024 bytes, every header counts as unsafe.
pub fn cors_unsafe_request_header_names(headers: &Headers) -> Vec<String> {
    // Names are lower-cased only once they are known to be listed (usually none or one).
    let mut unsafe_names: Vec<&str> = Vec::new();
    let mut potentially_unsafe: Vec<&str> = Vec::new();
    let mut safelist_size = 0usize;
    for h in headers.0.iter().filter(|h| !is_forbidden_request_header(&h.name, &h.value)) {
        if is_cors_safelisted_request_header(&h.name, &h.value) {
            safelist_size += h.value.trim_matches(is_http_ws).len();
            potentially_unsafe.push(&h.name);
        } else {
            unsafe_names.push(&h.name);
        }
    }
    if safelist_size > 1024 {
        unsafe_names.extend(potentially_unsafe);
    }
    let mut unsafe_names: Vec<String> = unsafe_names.into_iter().map(str::to_ascii_lowercase).collect();
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// Every reason a CORS-mode cross-origin request with this method and these author headers is
/// preflighted (method, then each unsafe header name, then the upload/stream flag). Empty: no preflight.
pub fn preflight_reasons(method: &str, headers: &Headers, use_cors_preflight: bool) -> Vec<PreflightReason> {
    let method = normalized_method(method);
    let mut reasons = Vec::new();
    if !is_cors_safelisted_method(method) {
        reasons.push(PreflightReason::Method(method.to_string()));
    }
    reasons.extend(cors_unsafe_request_header_names(headers).into_iter().map(PreflightReason::Header));
    if use_cors_preflight {
        reasons.push(PreflightReason::UploadListenersOrStream);
    }
    reasons
}

/// Whether the request is preflighted: `cors` mode, cross-origin, and at least one [`PreflightReason`].
/// (A fresh preflight-cache entry would skip it; captures show whether one was sent.)
pub fn needs_preflight(req: &CorsRequest) -> bool {
    req.mode == RequestMode::Cors
        && !req.origin.is_origin_of(&req.url)
        && !preflight_reasons(&req.method, &req.headers, req.use_cors_preflight).is_empty()
}

/// The header's values combined with `, `, as Fetch combines repeated lines: the one value itself
/// (nearly always), a joined copy only for several.
fn combined<'h>(headers: &'h Headers, name: &'h str) -> Option<Cow<'h, str>> {
    let mut values = headers.get_all(name).map(|v| v.trim_matches(is_http_ws));
    let first = values.next()?;
    match values.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut joined = format!("{first}, {second}");
            for v in values {
                joined.push_str(", ");
                joined.push_str(v);
            }
            Some(Cow::Owned(joined))
        }
    }
}

/// The CORS check (FETCH §4.10) of a response to a request whose serialised origin is `origin` (the
/// `Origin` header value, `null` after a cross-origin redirect). Several `Access-Control-Allow-Origin`
/// lines are combined with `, ` (and so fail); values are compared byte for byte after trimming HTTP
/// whitespace; `Access-Control-Allow-Credentials` must be exactly `true` when credentials mode is
/// `include`. Returns every failure (empty: passed); names follow Chromium's classification.
pub fn cors_check(origin: &str, credentials: CredentialsMode, headers: &Headers) -> Vec<CorsErrorStatus> {
    let mut errors = Vec::new();
    let include = credentials == CredentialsMode::Include;
    match combined(headers, "access-control-allow-origin") {
        None => errors.push(CorsErrorStatus::new(CorsError::MissingAllowOriginHeader, "")),
        Some(acao) if acao == "*" => {
            if !include {
                return errors;
            }
            errors.push(CorsErrorStatus::new(CorsError::WildcardOriginNotAllowed, "*"));
        }
        Some(acao) if acao == origin => {}
        Some(acao) => {
            let error = if acao.contains([',', ' ']) {
                CorsError::MultipleAllowOriginValues
            } else if Url::parse(&acao).is_err() {
                CorsError::InvalidAllowOriginValue
            } else {
                CorsError::AllowOriginMismatch
            };
            errors.push(CorsErrorStatus::new(error, acao.into_owned()));
        }
    }
    if include {
        let acac = combined(headers, "access-control-allow-credentials");
        if acac.as_deref() != Some("true") {
            errors
                .push(CorsErrorStatus::new(CorsError::InvalidAllowCredentials, acac.unwrap_or_default().into_owned()));
        }
    }
    errors
}

/// Parses `Access-Control-Allow-Methods` / `-Headers`: a comma list of tokens (empty items skipped);
/// `Err` with the whole value when an item is not a token. `Ok(None)`: header absent.
fn parse_token_list<'h>(headers: &'h Headers, name: &'h str) -> Result<Option<TokenList<'h>>, String> {
    let Some(value) = combined(headers, name) else { return Ok(None) };
    if value.split(',').map(|i| i.trim_matches(is_http_ws)).any(|i| !i.is_empty() && !is_token(i)) {
        return Err(value.into_owned());
    }
    Ok(Some(TokenList(value)))
}

/// A parsed token list ([`parse_token_list`]): its items, read from the combined value in place.
struct TokenList<'h>(Cow<'h, str>);

impl TokenList<'_> {
    fn items(&self) -> impl Iterator<Item = &str> {
        self.0.split(',').map(|i| i.trim_matches(is_http_ws)).filter(|i| !i.is_empty())
    }
}

/// Parses `Access-Control-Max-Age` (delta-seconds); `None` when absent or invalid (then the 5-second
/// default applies).
pub fn parse_max_age(headers: &Headers) -> Option<u64> {
    let v = combined(headers, "access-control-max-age")?;
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(v.parse::<u64>().unwrap_or(u64::MAX))
}

/// The default preflight cache lifetime when `Access-Control-Max-Age` is absent (FETCH §4.8).
pub const DEFAULT_MAX_AGE_SECS: u64 = 5;

/// The browser's cap on `Access-Control-Max-Age`: Chromium 7200 s (since v76), Firefox 86400 s,
/// Safari 600 s (WebKit's preflight result cache; crossjar has not confirmed this by a test).
pub fn max_age_cap_secs(browser: Browser) -> u64 {
    match browser {
        Browser::Firefox => 86_400,
        Browser::Safari => 600,
        _ => 7_200,
    }
}

/// How long `browser` caches a preflight answered with `max_age` (from [`parse_max_age`]).
pub fn preflight_cache_seconds(max_age: Option<u64>, browser: Browser) -> u64 {
    max_age.unwrap_or(DEFAULT_MAX_AGE_SECS).min(max_age_cap_secs(browser))
}

/// The preflight check (FETCH §4.8): ok status, the CORS check with the actual request's credentials
/// mode (reported as the `Preflight…` errors), and `Access-Control-Allow-Methods`/`-Headers` parsing
/// and coverage (`*` counts only without credentials and never for `Authorization`). `method` is the
/// normalised actual method; `unsafe_headers` its [`cors_unsafe_request_header_names`].
pub fn preflight_check(
    origin: &str,
    credentials: CredentialsMode,
    method: &str,
    unsafe_headers: &[String],
    response: &CorsResponse,
) -> Vec<CorsErrorStatus> {
    let mut errors = Vec::new();
    if (300..400).contains(&response.status) {
        errors.push(CorsErrorStatus::new(CorsError::PreflightDisallowedRedirect, ""));
    }
    errors.extend(
        cors_check(origin, credentials, &response.headers)
            .into_iter()
            .map(|e| CorsErrorStatus { error: e.error.for_preflight(), failed_parameter: e.failed_parameter }),
    );
    if !(200..300).contains(&response.status) && !(300..400).contains(&response.status) {
        errors.push(CorsErrorStatus::new(CorsError::PreflightInvalidStatus, ""));
    }
    let include = credentials == CredentialsMode::Include;
    match parse_token_list(&response.headers, "access-control-allow-methods") {
        Err(v) => errors.push(CorsErrorStatus::new(CorsError::InvalidAllowMethodsPreflightResponse, v)),
        Ok(methods) => {
            let methods = methods.unwrap_or(TokenList(Cow::Borrowed("")));
            let listed = methods.items().any(|m| m == method);
            let wildcard = !include && methods.items().any(|m| m == "*");
            if !listed && !is_cors_safelisted_method(method) && !wildcard {
                errors.push(CorsErrorStatus::new(CorsError::MethodDisallowedByPreflightResponse, method));
            }
        }
    }
    match parse_token_list(&response.headers, "access-control-allow-headers") {
        Err(v) => errors.push(CorsErrorStatus::new(CorsError::InvalidAllowHeadersPreflightResponse, v)),
        Ok(names) => {
            let names = names.unwrap_or(TokenList(Cow::Borrowed("")));
            let wildcard = !include && names.items().any(|n| n == "*");
            for h in unsafe_headers {
                let listed = names.items().any(|n| n.eq_ignore_ascii_case(h));
                let covered = listed || (wildcard && h != "authorization");
                if !covered {
                    errors.push(CorsErrorStatus::new(CorsError::HeaderDisallowedByPreflightResponse, h.clone()));
                }
            }
        }
    }
    errors
}

/// Whether the browser runs the Local Network Access gate: the only part of [`evaluate`] that
/// differs between browsers, so callers can evaluate once per answer of this.
pub fn has_local_network_access(browser: Browser) -> bool {
    matches!(browser, Browser::Chrome | Browser::Chrome3pcBlocked)
}

/// Whether [`local_network_check`] judges `req` for `browser` at all: the browser runs the gate and
/// the request shows both address spaces. When it does not, [`evaluate`] gives every browser the
/// same verdict, so callers can evaluate once per answer of this.
pub fn local_network_gate_applies(req: &CorsRequest, browser: Browser) -> bool {
    has_local_network_access(browser) && req.local_network.initiator.is_some() && req.local_network.target.is_some()
}

/// Chrome's Local Network Access gate (Chrome only; Firefox and Safari do not ship it): a request to a
/// less public address space than its initiator's needs a secure context and the user's permission,
/// and a declared `targetAddressSpace` must match. `None` when it passes or the capture does not tell.
pub fn local_network_check(req: &CorsRequest, browser: Browser) -> Option<CorsErrorStatus> {
    if !local_network_gate_applies(req, browser) {
        return None;
    }
    let ln = req.local_network;
    let (Some(initiator), Some(target)) = (ln.initiator, ln.target) else { return None };
    if let Some(declared) = ln.declared_target {
        if declared != target {
            return Some(CorsErrorStatus::new(CorsError::InvalidLocalNetworkAccess, ""));
        }
    }
    if target >= initiator {
        return None;
    }
    if !req.origin.is_potentially_trustworthy() {
        return Some(CorsErrorStatus::new(CorsError::InsecureLocalNetwork, ""));
    }
    if ln.permission_granted == Some(false) {
        return Some(CorsErrorStatus::new(CorsError::LocalNetworkAccessPermissionDenied, ""));
    }
    None
}

/// Evaluates a request with its optional preflight response and its responses: `responses` holds the
/// redirect hops (3xx with `Location`) followed by the final response, in order, as `curl -i` prints
/// them; interim 1xx responses must be left out.
///
/// Navigations and WebSockets get no CORS check; `no-cors` cross-origin responses are opaque (ok, not
/// readable); same-origin requests need no CORS until a redirect leaves the origin; after a redirect
/// across origins (from a URL not same-origin with the request's origin) the request's origin is
/// serialised as `null`. The preflight (when given) is checked against the first hop only: a redirect
/// to a new origin would need a new preflight, which callers pass as a separate evaluation.
pub fn evaluate(
    req: &CorsRequest,
    preflight: Option<&CorsResponse>,
    responses: &[CorsResponse],
    browser: Browser,
) -> CorsVerdict {
    let method = normalized_method(&req.method);
    let first_cross = !req.origin.is_origin_of(&req.url) || req.origin.is_opaque();
    let mut v = CorsVerdict {
        cors_applies: false,
        needs_preflight: false,
        preflight_reasons: Vec::new(),
        preflight_unobserved: false,
        preflight: None,
        redirects: Vec::new(),
        actual: None,
        ok: true,
        readable: true,
        request_errors: Vec::new(),
        credentialed: false,
    };
    v.request_errors.extend(local_network_check(req, browser));
    match req.mode {
        RequestMode::Navigate | RequestMode::WebSocket => {
            v.credentialed = req.credentials != CredentialsMode::Omit;
            v.ok = v.request_errors.is_empty();
            return v;
        }
        RequestMode::SameOrigin if first_cross => {
            v.request_errors.push(CorsErrorStatus::new(CorsError::DisallowedByMode, req.url.as_str()));
        }
        RequestMode::Cors if first_cross && !matches!(req.url.scheme(), "http" | "https") => {
            v.request_errors.push(CorsErrorStatus::new(CorsError::CorsDisabledScheme, req.url.scheme()));
        }
        _ => {}
    }
    if !v.request_errors.is_empty() {
        v.ok = false;
        v.readable = false;
        return v;
    }
    let include = req.credentials == CredentialsMode::Include;
    v.credentialed = include || (req.credentials == CredentialsMode::SameOrigin && !first_cross);
    let serialized = req.origin.serialize();
    if req.mode == RequestMode::Cors && first_cross {
        v.cors_applies = true;
        v.preflight_reasons = preflight_reasons(method, &req.headers, req.use_cors_preflight);
        v.needs_preflight = !v.preflight_reasons.is_empty();
        if v.needs_preflight {
            match preflight {
                Some(p) => {
                    // The header names among the reasons are the unsafe ones, in their order.
                    let unsafe_headers: Vec<String> = v
                        .preflight_reasons
                        .iter()
                        .filter_map(|r| match r {
                            PreflightReason::Header(name) => Some(name.clone()),
                            _ => None,
                        })
                        .collect();
                    let errors = preflight_check(&serialized, req.credentials, method, &unsafe_headers, p);
                    let mut result = CheckResult::from_errors(errors, serialized.clone(), &req.url);
                    result.max_age = parse_max_age(&p.headers);
                    let failed = !result.ok;
                    v.preflight = Some(result);
                    if failed {
                        v.ok = false;
                        v.readable = false;
                        v.credentialed = false;
                        return v;
                    }
                }
                None => v.preflight_unobserved = true,
            }
        }
    }
    // Walk the hops.
    // Borrowed until a redirect moves on.
    let mut url = Cow::Borrowed(&req.url);
    let mut tainted = false;
    let mut cors = v.cors_applies;
    let mut opaque = req.mode == RequestMode::NoCors && first_cross;
    for (i, resp) in responses.iter().enumerate() {
        let last = i + 1 == responses.len();
        let origin_sent = if tainted { "null".to_string() } else { serialized.clone() };
        let is_redirect = matches!(resp.status, 301 | 302 | 303 | 307 | 308) && resp.headers.contains("location");
        let mut errors = Vec::new();
        if cors {
            errors = cors_check(&origin_sent, req.credentials, &resp.headers);
        }
        let next = if is_redirect && !last {
            resp.headers.get("location").and_then(|l| url.join(l.trim()).ok())
        } else {
            None
        };
        if let Some(next) = &next {
            if (cors || req.mode == RequestMode::Cors) && (!next.username().is_empty() || next.password().is_some()) {
                errors.push(CorsErrorStatus::new(CorsError::RedirectContainsCredentials, next.as_str()));
            }
        }
        let result = CheckResult::from_errors(errors, origin_sent, &url);
        let failed = !result.ok;
        if last {
            v.actual = Some(result);
        } else {
            v.redirects.push(result);
        }
        if failed {
            break;
        }
        if let Some(next) = next {
            let cur_origin = Origin::of_url(&url);
            let next_origin = Origin::of_url(&next);
            if cur_origin != next_origin && req.origin != cur_origin {
                tainted = true;
            }
            if next_origin != req.origin || tainted {
                match req.mode {
                    RequestMode::Cors => cors = true,
                    RequestMode::NoCors => opaque = true,
                    RequestMode::SameOrigin => {
                        v.request_errors.push(CorsErrorStatus::new(CorsError::DisallowedByMode, next.as_str()));
                        break;
                    }
                    _ => {}
                }
                if req.credentials == CredentialsMode::SameOrigin {
                    v.credentialed = false;
                }
            }
            url = Cow::Owned(next);
        }
    }
    v.cors_applies = cors;
    let any_failed = v.redirects.iter().chain(v.actual.iter()).any(|r| !r.ok) || !v.request_errors.is_empty();
    v.ok = !any_failed;
    v.readable = v.ok && !opaque;
    v
}

#[cfg(test)]
mod tests;
