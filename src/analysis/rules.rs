//! The rule registry: every finding comes from one of these rules, with a stable id ([`RuleId`]), a
//! default severity, a category and a documentation page under `rules/` (embedded, printed by
//! `crossjar explain ID`). This table is the one source of truth for all three: emitters take the
//! severity from [`RuleId::severity`], configuration may change it afterwards (in one place,
//! [`super::policy`]), and `tests/severity.rs` fails when any emitted severity differs from the
//! default here.
//!
//! ```
//! use crossjar::analysis::rules::{RuleId, Severity};
//!
//! let id: RuleId = "samesite-none-insecure".parse().unwrap();
//! assert_eq!(id, RuleId::SamesiteNoneInsecure);
//! assert_eq!(id.severity(), Severity::Error);
//! assert!(id.doc().starts_with('#'));
//! // Unknown ids are an error, never a silent default.
//! assert!("samesite-none-insecur".parse::<RuleId>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use super::report::Finding;
pub use crate::model::severity::{Severity, UnknownSeverity};

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

/// What a command reads: the inputs a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Input {
    /// A HAR capture (`crossjar har`).
    Har,
    /// Responses printed by `curl -i` / `curl -v` (`crossjar headers`).
    Headers,
    /// Kubernetes ingress / gateway manifests (`crossjar ingress`).
    Ingress,
}

impl Input {
    /// `har`, `headers`, `ingress`: the command's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Input::Har => "har",
            Input::Headers => "headers",
            Input::Ingress => "ingress",
        }
    }
}

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, kebab-case.
    pub id: RuleId,
    /// Category.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// The inputs it can fire on (JUnit lists a rule for these only).
    pub inputs: &'static [Input],
    /// One line: what it detects.
    pub summary: &'static str,
    /// The Markdown documentation page (`rules/ID.md`).
    pub doc: &'static str,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $cat:ident, $sev:ident, [$($input:ident),+], $summary:literal $(, unit $unit:ident)?;)+) => {
        $($(
            #[doc = concat!("`", $id, "`: ", $summary, ".")]
            pub mod $unit;
        )?)+

        /// The rules written as units (one file each: check, message, fixes), run by
        /// [`run_units`].
        static UNITS: &[Unit] = &[$($(Unit { id: RuleId::$variant, check: $unit::check },)?)+];

        /// A rule's id: one variant per registered rule, so an unknown id cannot be emitted.
        /// Parse configuration strings with [`str::parse`] (unknown ids are an [`UnknownRule`]
        /// error); print with [`RuleId::as_str`] or `Display`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum RuleId {
            $(#[doc = $summary] $variant,)+
        }

        impl RuleId {
            /// Every rule id, sorted by id.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)+];

            /// The stable kebab-case id, as printed and as written in `crossjar.toml`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)+
                }
            }
        }

        /// Every rule, sorted by id.
        pub static RULES: &[Rule] = &[
            $(Rule {
                id: RuleId::$variant,
                category: Category::$cat,
                severity: Severity::$sev,
                inputs: &[$(Input::$input),+],
                summary: $summary,
                doc: include_str!(concat!("../../rules/", $id, ".md")),
            },)+
        ];
    };
}

rules! {
    AffinityCookieCrossSiteBlocked = "affinity-cookie-cross-site-blocked", Ingress, Error, [Ingress], "the predicted affinity cookie is not stored or not sent on a credentialed cross-site fetch() from a frontend";
    AffinityModeBalanced = "affinity-mode-balanced", Ingress, Info, [Ingress], "ingress-nginx affinity-mode is balanced (the default): scaling moves existing sessions";
    AlbActionNoCookie = "alb-action-no-cookie", Ingress, Info, [Ingress], "an ALB redirect or fixed-response action: the ALB answers itself and sets no stickiness cookie";
    AlbStickyNeedsIpTarget = "alb-sticky-needs-ip-target", Ingress, Warning, [Ingress], "AWS ALB stickiness with a target type other than ip";
    AnnotationIgnored = "annotation-ignored", Ingress, Warning, [Ingress], "annotations on an object or controller that does not read them";
    AnnotationNotString = "annotation-not-string", Ingress, Error, [Ingress], "an annotation value that is not a string (number, boolean, null)";
    CaptureDisagrees = "capture-disagrees", Capture, Info, [Har], "the capture shows a cookie sent (or not) where the model says otherwise";
    CaptureSanitized = "capture-sanitized", Capture, Warning, [Har], "the HAR has no Cookie or Set-Cookie headers at all: probably a sanitized export";
    CookieExpiresFixed = "cookie-expires-fixed", Ingress, Warning, [Ingress], "Traefik computes the sticky cookie's Expires once per configuration load, not per response";
    CookieHeaderOverLimit = "cookie-header-over-limit", Capture, Warning, [Har], "a captured Cookie header lists more pairs than any browser holds cookies: only the first 3300 are read", unit cookie_header_over_limit;
    CookieMaxAgeZero = "cookie-max-age-zero", Ingress, Error, [Ingress], "the sticky cookie gets Max-Age=0 (or a negative value) and is deleted at once";
    CookiePartitioned = "cookie-partitioned", Cookie, Info, [Har], "the cookie lives in a partition keyed by the top-level site";
    CookiePathDiffersFromIngressNginx = "cookie-path-differs-from-ingress-nginx", Ingress, Info, [Ingress], "Traefik's ingress-nginx provider writes Path=/ where ingress-nginx wrote the Ingress path";
    CookiePathRegexPrefix = "cookie-path-regex-prefix", Ingress, Info, [Ingress], "Envoy Gateway writes the literal prefix of a regex path match as the session cookie's Path";
    CookieRejected = "cookie-rejected", Cookie, Warning, [Har, Headers], "a Set-Cookie is rejected (Secure over http, bad Domain, prefix, size, characters)";
    CorsAllowCredentialsNotTrue = "cors-allow-credentials-not-true", Cors, Warning, [Headers], "Access-Control-Allow-Credentials with a value other than exactly `true` (`True`, `true, true`): browsers refuse credentials", unit cors_allow_credentials_not_true;
    CorsCheckFailed = "cors-check-failed", Cors, Error, [Har, Headers, Ingress], "a cross-origin response or its preflight fails the CORS check: the page cannot read it";
    CorsCommaSeparatedOrigins = "cors-comma-separated-origins", Cors, Error, [Ingress], "several origins in one allow-list entry that the controller does not split";
    CorsCookieStoredUnreadable = "cors-cookie-stored-unreadable", Cors, Info, [Har], "a credentialed response failed CORS but its Set-Cookie was stored";
    CorsLeftToBackend = "cors-left-to-backend", Cors, Info, [Ingress], "the proxy adds no CORS headers: the backend answers CORS and preflights, which reach any pod";
    CorsMisconfiguration = "cors-misconfiguration", Security, Warning, [Har, Ingress], "the CORS allow-list is exploitable or broken (reflection, null, http origins, regex mistakes, missing Vary)";
    CorsNoVaryOrigin = "cors-no-vary-origin", Cors, Info, [Ingress], "the proxy reflects the request Origin without Vary: Origin";
    CorsOriginNotAllowed = "cors-origin-not-allowed", Cors, Error, [Ingress], "a frontend origin is not in the proxy's CORS allow-list, so no Access-Control-Allow-Origin is sent";
    CorsOriginRegexUnanchored = "cors-origin-regex-unanchored", Security, Warning, [Ingress], "an allowed-origin regex searched anywhere in the Origin (no ^…$)";
    CorsReflectsAnyOrigin = "cors-reflects-any-origin", Security, Warning, [Ingress], "the proxy echoes any Origin with credentials allowed";
    CorsWildcardLiteral = "cors-wildcard-literal", Cors, Warning, [Ingress], "a wildcard origin that Traefik's ingress-nginx provider compares literally";
    CorsWildcardTooDeep = "cors-wildcard-too-deep", Cors, Warning, [Ingress], "an ingress-nginx wildcard origin deeper than one label, or not in the first label";
    CorsWildcardWithCredentials = "cors-wildcard-with-credentials", Cors, Error, [Ingress], "Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true";
    CorsWithoutEnableCors = "cors-without-enable-cors", Cors, Warning, [Ingress], "ingress-nginx cors-* annotations without enable-cors: \"true\"";
    CredentialsNotIncluded = "credentials-not-included", Cookie, Error, [Har, Headers], "a cross-origin request did not include credentials, so its Set-Cookie was ignored and no cookie was sent";
    DuplicateAnnotation = "duplicate-annotation", Ingress, Warning, [Ingress], "the same annotation key twice on one object";
    GatewayApiExperimental = "gateway-api-experimental", Ingress, Warning, [Ingress], "a Gateway API field that exists only in the experimental channel";
    IngressControllerUnknown = "ingress-controller-unknown", Ingress, Info, [Ingress], "no known ingress class or controller annotations: ingress-nginx is assumed";
    InvalidAnnotationFallback = "invalid-annotation-fallback", Ingress, Warning, [Ingress], "an invalid annotation value is ignored and the default used";
    IstioCookieNotGenerated = "istio-cookie-not-generated", Ingress, Warning, [Ingress], "an Istio consistent-hash httpCookie without ttl is never set by Envoy";
    IstioRouteInvalid = "istio-route-invalid", Ingress, Error, [Ingress], "an Istio VirtualService http entry without route, redirect, directResponse or delegate: the API server rejects it";
    MixedContentBlocked = "mixed-content-blocked", Cors, Error, [Har, Ingress], "an https: page or frontend calls plain http: (a route without TLS): blocked as mixed content in every browser";
    NotModelled = "not-modelled", Ingress, Info, [Ingress], "a document of a kind crossjar does not model: cookies or CORS headers it adds are not predicted";
    PreflightNotSticky = "preflight-not-sticky", Cookie, Info, [Har, Ingress], "a CORS preflight never carries the sticky cookie, so it reaches an arbitrary backend";
    ReferenceNotFound = "reference-not-found", Ingress, Info, [Ingress], "a referenced middleware is not in the input, so its headers are not predicted";
    RegexCookiePath = "regex-cookie-path", Ingress, Error, [Ingress], "the sticky cookie's Path is the regex path as written";
    RequestFailed = "request-failed", Capture, Warning, [Har], "a request failed and the capture holds no answer: what failed, the likely causes, what to capture instead";
    ResponseHeadersTooBig = "response-headers-too-big", Cookie, Error, [Har, Headers], "a response's headers pass the browser's size limit: it fails the request and stores none of its cookies", unit response_headers_too_big;
    SamesiteBlocksCrossSite = "samesite-blocks-cross-site", Cookie, Error, [Har, Headers], "a SameSite=Lax or Strict cookie is needed on cross-site requests";
    SamesiteCaseDropped = "samesite-case-dropped", Ingress, Error, [Ingress], "a SameSite value in the wrong case that the controller silently drops";
    SamesiteNoneInsecure = "samesite-none-insecure", Cookie, Error, [Har, Headers], "SameSite=None without Secure is rejected";
    SamesiteNoneWithoutSecure = "samesite-none-without-secure", Ingress, Error, [Ingress], "SameSite=None on a sticky cookie that gets no Secure";
    SamesiteRejectedByCrd = "samesite-rejected-by-crd", Ingress, Error, [Ingress], "Traefik's CRD rejects a capitalised sameSite value";
    SamesiteUnspecifiedCrossSite = "samesite-unspecified-cross-site", Cookie, Error, [Har, Headers], "a cookie without SameSite is used cross-site: Chrome treats it as Lax";
    SecureMissingTlsBeforeNginx = "secure-missing-tls-before-nginx", Ingress, Warning, [Ingress], "ingress-nginx writes no Secure because TLS ends before nginx";
    SessionCookieNoPath = "session-cookie-no-path", Ingress, Warning, [Ingress], "the gateway writes the session cookie without a Path";
    ThirdPartyCookieBlocked = "third-party-cookie-blocked", Cookie, Warning, [Har, Headers, Ingress], "third-party cookie blocking (Safari ITP, Chrome Incognito) stops the cookie";
    ThirdPartyVendor = "third-party-vendor", Cookie, Info, [Har], "a third-party vendor's cookies are refused or withheld: one finding per vendor site (`--all` shows each)";
    UnsupportedByController = "unsupported-by-controller", Ingress, Warning, [Ingress], "a setting this controller or version does not implement";
    Yaml11Boolean = "yaml11-boolean", Ingress, Error, [Ingress], "an unquoted yes/no/on/off annotation value, a boolean in YAML 1.1";
}

/// What a unit rule looks at: the facts of one input. Units ignore inputs they do not apply to.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Facts<'a> {
    /// `crossjar headers`: the request as described, the responses' headers, the verdicts.
    Headers(&'a super::headers::HeadersReport),
    /// One entry of a HAR as the replay judged it: one verdict per profile, in the order of
    /// `browsers`. A unit's findings for the same host are merged into the first, with a count.
    HarEntry {
        /// The entry's verdicts, one per profile.
        verdicts: &'a [&'a super::report::EntryVerdict],
        /// The profiles, in the order of `verdicts`.
        browsers: &'a [crate::model::profile::Browser],
    },
}

/// A rule written as a unit: its file's `check` pushes its findings.
struct Unit {
    id: RuleId,
    check: fn(&Facts<'_>, &mut Vec<Finding>),
}

/// Runs every unit rule on `facts`, appending their findings.
pub fn run_units(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for unit in UNITS {
        let before = out.len();
        (unit.check)(facts, out);
        debug_assert!(out[before..].iter().all(|f| f.rule == unit.id), "a unit emits only its own rule");
    }
}

/// A finding of `rule` at its registry severity: what a unit's check builds.
pub fn finding(rule: RuleId, message: String, fixes: Vec<String>) -> Finding {
    Finding {
        rule,
        severity: rule.severity(),
        entry: None,
        cookie: None,
        host: None,
        browsers: Vec::new(),
        message,
        fixes,
        unknown: false,
    }
}

impl RuleId {
    /// This rule's registry entry.
    pub fn rule(self) -> &'static Rule {
        // RULES and ALL are generated from the same table in the same order.
        &RULES[self as usize]
    }

    /// The default severity: the one every emitter uses (configuration may change it afterwards).
    pub fn severity(self) -> Severity {
        self.rule().severity
    }

    /// The category.
    pub fn category(self) -> Category {
        self.rule().category
    }

    /// Whether the rule can fire on this input.
    pub fn applies_to(self, input: Input) -> bool {
        self.rule().inputs.contains(&input)
    }

    /// The one-line summary.
    pub fn summary(self) -> &'static str {
        self.rule().summary
    }

    /// The Markdown documentation page (`rules/ID.md`).
    pub fn doc(self) -> &'static str {
        self.rule().doc
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment (the id column of `crossjar rules`).
        f.pad(self.as_str())
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An id that names no registered rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRule {
    /// The id as given.
    pub id: String,
    /// The registered id closest to it, if one is close.
    pub suggestion: Option<RuleId>,
}

impl fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown rule `{}`", self.id)?;
        match self.suggestion {
            Some(s) => write!(f, " (did you mean `{s}`? `crossjar rules` lists them)"),
            None => f.write_str(" (`crossjar rules` lists them)"),
        }
    }
}

impl std::error::Error for UnknownRule {}

impl FromStr for RuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<RuleId, UnknownRule> {
        if let Some(r) = RULES.iter().find(|r| r.id.as_str() == s) {
            return Ok(r.id);
        }
        let suggestion = RuleId::ALL
            .iter()
            .map(|id| (edit_distance(id.as_str(), s), *id))
            .filter(|(d, _)| *d <= 3)
            .min()
            .map(|(_, id)| id);
        Err(UnknownRule { id: s.to_string(), suggestion })
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The rule with this id, if registered.
pub fn rule(id: &str) -> Option<&'static Rule> {
    id.parse::<RuleId>().ok().map(RuleId::rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_and_ids_index_it() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(RuleId::ALL[i], r.id);
            assert_eq!(r.id.rule().id, r.id);
            assert_eq!(r.id.as_str().parse::<RuleId>(), Ok(r.id));
        }
        assert!(RULES.windows(2).all(|w| w[0].id.as_str() < w[1].id.as_str()), "RULES must be sorted by id");
    }

    #[test]
    fn unknown_ids_are_errors_with_a_suggestion() {
        let e = "samesite-none-insecur".parse::<RuleId>().unwrap_err();
        assert_eq!(e.suggestion, Some(RuleId::SamesiteNoneInsecure));
        assert!(e.to_string().contains("unknown rule `samesite-none-insecur`"));
        assert_eq!("nothing-like-it-at-all".parse::<RuleId>().unwrap_err().suggestion, None);
        assert!(rule("").is_none());
    }
}
