//! The rules: each finding comes from one of these, with a stable id, a default severity, a category
//! and a documentation page under `rules/` (embedded, printed by `crossjar explain ID`).

use std::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something to know.
    Info,
    /// Likely to break some users or browsers.
    Warning,
    /// Breaks the cookie or the cross-origin read.
    Error,
}

impl Severity {
    /// `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses [`Severity::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// Storing and sending cookies.
    Cookie,
    /// Cross-origin reads.
    Cors,
    /// What an ingress or gateway emits.
    Ingress,
    /// The capture itself.
    Capture,
    /// Security of a configuration.
    Security,
}

impl Category {
    /// `cookie`, `cors`, `ingress`, `capture`, `security`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cookie => "cookie",
            Category::Cors => "cors",
            Category::Ingress => "ingress",
            Category::Capture => "capture",
            Category::Security => "security",
        }
    }
}

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, kebab-case.
    pub id: &'static str,
    /// Category.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// One line: what it detects.
    pub summary: &'static str,
    /// The Markdown documentation page (`rules/ID.md`).
    pub doc: &'static str,
}

macro_rules! rules {
    ($($id:literal, $cat:ident, $sev:ident, $summary:literal;)+) => {
        /// Every rule, sorted by id.
        pub static RULES: &[Rule] = &[
            $(Rule {
                id: $id,
                category: Category::$cat,
                severity: Severity::$sev,
                summary: $summary,
                doc: include_str!(concat!("../../rules/", $id, ".md")),
            },)+
        ];
    };
}

rules! {
    "affinity-cookie-cross-site-blocked", Ingress, Error, "the predicted affinity cookie is not stored or not sent on a credentialed cross-site fetch() from a frontend";
    "affinity-mode-balanced", Ingress, Info, "ingress-nginx affinity-mode is balanced (the default): scaling moves existing sessions";
    "alb-action-no-cookie", Ingress, Info, "an ALB redirect or fixed-response action: the ALB answers itself and sets no stickiness cookie";
    "alb-sticky-needs-ip-target", Ingress, Warning, "AWS ALB stickiness with a target type other than ip";
    "annotation-ignored", Ingress, Warning, "annotations on an object or controller that does not read them";
    "annotation-not-string", Ingress, Error, "an annotation value that is not a string (number, boolean, null)";
    "capture-disagrees", Capture, Info, "the capture shows a cookie sent (or not) where the model says otherwise";
    "capture-sanitized", Capture, Warning, "the HAR has no Cookie or Set-Cookie headers at all: probably a sanitized export";
    "cookie-expires-fixed", Ingress, Warning, "Traefik computes the sticky cookie's Expires once per configuration load, not per response";
    "cookie-max-age-zero", Ingress, Error, "the sticky cookie gets Max-Age=0 (or a negative value) and is deleted at once";
    "cookie-partitioned", Cookie, Info, "the cookie lives in a partition keyed by the top-level site";
    "cookie-path-differs-from-ingress-nginx", Ingress, Info, "Traefik's ingress-nginx provider writes Path=/ where ingress-nginx wrote the Ingress path";
    "cookie-rejected", Cookie, Warning, "a Set-Cookie is rejected (Secure over http, bad Domain, prefix, size, characters)";
    "cors-check-failed", Cors, Error, "a cross-origin response or its preflight fails the CORS check: the page cannot read it";
    "cors-comma-separated-origins", Cors, Error, "several origins in one allow-list entry that the controller does not split";
    "cors-cookie-stored-unreadable", Cors, Info, "a credentialed response failed CORS but its Set-Cookie was stored";
    "cors-left-to-backend", Cors, Info, "the proxy adds no CORS headers: the backend answers CORS and preflights, which reach any pod";
    "cors-misconfiguration", Security, Warning, "the CORS allow-list is exploitable or broken (reflection, null, http origins, regex mistakes, missing Vary)";
    "cors-no-vary-origin", Cors, Info, "the proxy reflects the request Origin without Vary: Origin";
    "cors-origin-not-allowed", Cors, Error, "a frontend origin is not in the proxy's CORS allow-list, so no Access-Control-Allow-Origin is sent";
    "cors-origin-regex-unanchored", Security, Warning, "an allowed-origin regex searched anywhere in the Origin (no ^…$)";
    "cors-reflects-any-origin", Security, Warning, "the proxy echoes any Origin with credentials allowed";
    "cors-wildcard-literal", Cors, Warning, "a wildcard origin that Traefik's ingress-nginx provider compares literally";
    "cors-wildcard-too-deep", Cors, Warning, "an ingress-nginx wildcard origin deeper than one label, or not in the first label";
    "cors-wildcard-with-credentials", Cors, Error, "Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true";
    "cors-without-enable-cors", Cors, Warning, "ingress-nginx cors-* annotations without enable-cors: \"true\"";
    "credentials-not-included", Cookie, Error, "a cross-origin request did not include credentials, so its Set-Cookie was ignored and no cookie was sent";
    "duplicate-annotation", Ingress, Warning, "the same annotation key twice on one object";
    "gateway-api-experimental", Ingress, Warning, "a Gateway API field that exists only in the experimental channel";
    "ingress-controller-unknown", Ingress, Info, "no known ingress class or controller annotations: ingress-nginx is assumed";
    "invalid-annotation-fallback", Ingress, Warning, "an invalid annotation value is ignored and the default used";
    "istio-cookie-not-generated", Ingress, Warning, "an Istio consistent-hash httpCookie without ttl is never set by Envoy";
    "istio-route-invalid", Ingress, Error, "an Istio VirtualService http entry without route, redirect, directResponse or delegate: the API server rejects it";
    "mixed-content-blocked", Ingress, Error, "an https: frontend calls a route served over plain http: blocked as mixed content in every browser";
    "not-modelled", Ingress, Info, "a document of a kind crossjar does not model: cookies or CORS headers it adds are not predicted";
    "preflight-not-sticky", Cookie, Info, "a CORS preflight never carries the sticky cookie, so it reaches an arbitrary backend";
    "request-failed", Capture, Warning, "a request failed and the capture holds no answer: what failed, the likely causes, what to capture instead";
    "reference-not-found", Ingress, Info, "a referenced middleware is not in the input, so its headers are not predicted";
    "regex-cookie-path", Ingress, Error, "the sticky cookie's Path is the regex path as written";
    "samesite-blocks-cross-site", Cookie, Error, "a SameSite=Lax or Strict cookie is needed on cross-site requests";
    "samesite-case-dropped", Ingress, Error, "a SameSite value in the wrong case that the controller silently drops";
    "samesite-none-insecure", Cookie, Error, "SameSite=None without Secure is rejected";
    "samesite-none-without-secure", Ingress, Error, "SameSite=None on a sticky cookie that gets no Secure";
    "samesite-rejected-by-crd", Ingress, Error, "Traefik's CRD rejects a capitalised sameSite value";
    "samesite-unspecified-cross-site", Cookie, Error, "a cookie without SameSite is used cross-site: Chrome treats it as Lax";
    "secure-missing-tls-before-nginx", Ingress, Warning, "ingress-nginx writes no Secure because TLS ends before nginx";
    "session-cookie-no-path", Ingress, Warning, "the gateway writes the session cookie without a Path";
    "third-party-cookie-blocked", Cookie, Warning, "third-party cookie blocking (Safari ITP, Chrome Incognito) stops the cookie";
    "third-party-vendor", Cookie, Info, "a third-party vendor's cookies are refused or withheld: one finding per vendor site (`--all` shows each)";
    "unsupported-by-controller", Ingress, Warning, "a setting this controller or version does not implement";
    "yaml11-boolean", Ingress, Error, "an unquoted yes/no/on/off annotation value, a boolean in YAML 1.1";
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
