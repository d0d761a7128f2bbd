//! What the ingress readers (`input::ingress`) hand to the analysis: per route, the predicted
//! `Set-Cookie` lines and CORS policy, and the controller facts found in the YAML ("this annotation
//! value fell back to the default", "this controller ignores that field").
//!
//! These are facts about controllers, never judgements: no rule ids, severities or fix prose live
//! here. `analysis::ingress` judges them (which rule, at the registry's severity, with which fix),
//! so one table says how bad each fact is and readers cannot drift from it.

use crate::evidence::{InputError, Location};
use serde::{Serialize, Serializer};
use std::fmt;

/// The proxy that writes the cookie and CORS headers for a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Controller {
    /// kubernetes/ingress-nginx (annotations `nginx.ingress.kubernetes.io/*`).
    IngressNginx,
    /// Traefik v2/v3 (Ingress + Service annotations, IngressRoute/TraefikService/Middleware CRDs).
    Traefik,
    /// A Gateway API implementation (HTTPRoute).
    GatewayApi,
    /// Istio / Envoy (DestinationRule, VirtualService).
    Istio,
    /// AWS Load Balancer Controller (ALB).
    AwsAlb,
    /// GKE Ingress (ingress-gce) with BackendConfig.
    Gke,
    /// Contour (HTTPProxy).
    Contour,
}

impl Controller {
    /// The name used on the command line (`--controller NAME@VERSION`) and in output.
    pub fn name(self) -> &'static str {
        match self {
            Controller::IngressNginx => "ingress-nginx",
            Controller::Traefik => "traefik",
            Controller::GatewayApi => "gateway-api",
            Controller::Istio => "istio",
            Controller::AwsAlb => "aws-alb",
            Controller::Gke => "gke",
            Controller::Contour => "contour",
        }
    }

    /// Parses a controller name as accepted by `--controller` (a few common aliases too).
    pub fn parse(s: &str) -> Option<Controller> {
        Some(match s.to_ascii_lowercase().as_str() {
            "ingress-nginx" | "nginx" => Controller::IngressNginx,
            "traefik" => Controller::Traefik,
            "gateway-api" | "gateway" => Controller::GatewayApi,
            "istio" | "envoy" => Controller::Istio,
            "aws-alb" | "alb" | "aws" => Controller::AwsAlb,
            "gke" | "gce" => Controller::Gke,
            "contour" => Controller::Contour,
            _ => return None,
        })
    }

    /// The version assumed when none is given: the newest release in the reference snapshot,
    /// because that is what a fresh install gets.
    pub fn default_version(self) -> ControllerVersion {
        match self {
            Controller::IngressNginx => ControllerVersion::new(1, 15, 1),
            Controller::Traefik => ControllerVersion::new(3, 7, 9),
            Controller::GatewayApi => ControllerVersion::new(1, 6, 1),
            Controller::Istio => ControllerVersion::new(1, 28, 0),
            Controller::AwsAlb => ControllerVersion::new(2, 13, 0),
            Controller::Gke => ControllerVersion::new(1, 33, 0),
            // Not in the reference snapshot's version table; the cookie and CORS behaviour modelled
            // (reference §6) has not changed across the 1.2x–1.3x releases.
            Controller::Contour => ControllerVersion::new(1, 33, 0),
        }
    }
}

impl fmt::Display for Controller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A controller release; emission changes by version (e.g. ingress-nginx validates annotations
/// from 1.12, Traefik accepts `SameSite=None` in capitals from 3.6.14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ControllerVersion {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
}

impl ControllerVersion {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        ControllerVersion { major, minor, patch }
    }

    /// Parses `1.12`, `v1.12.3`, `3.6.14-rc1` (pre-release suffix ignored); missing parts are 0.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_start_matches(['v', 'V']);
        let core = s.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        if parts.next().is_some() {
            return None;
        }
        Some(ControllerVersion::new(major, minor, patch))
    }

    /// Whether this is at least `major.minor.patch`.
    pub fn at_least(self, major: u32, minor: u32, patch: u32) -> bool {
        self >= ControllerVersion::new(major, minor, patch)
    }
}

impl fmt::Display for ControllerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Serialize for ControllerVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where TLS ends in front of the route; decides whether ingress-nginx adds `Secure` by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsTermination {
    /// At the ingress proxy itself (it sees HTTPS).
    Ingress,
    /// At a load balancer in front (the proxy sees plain HTTP).
    Lb,
}

/// The sticky cookie a route's proxy writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PredictedCookie {
    /// The header value exactly as the controller formats it (attribute order and spelling
    /// included). The cookie value is a placeholder in angle brackets, since it is per backend.
    pub set_cookie_line: String,
    /// Cookie name.
    pub name: String,
    /// `Path` attribute, if written.
    pub path: Option<String>,
    /// `Domain` attribute, if written.
    pub domain: Option<String>,
    /// `Secure` written.
    pub secure: bool,
    /// `HttpOnly` written.
    pub http_only: bool,
    /// `SameSite` value as written (None when the attribute is absent).
    pub same_site: Option<String>,
    /// `Max-Age` seconds, if written.
    pub max_age: Option<i64>,
    /// `Expires` as seconds after issue, if written.
    pub expires_after_secs: Option<i64>,
    /// Set when this variant is only written for some clients (e.g. ingress-nginx's
    /// conditional SameSite=None for old user agents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The controller's own user-agent test behind [`PredictedCookie::condition`], so each browser
    /// profile gets the variant its User-Agent would get.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agents: Option<UserAgentCondition>,
    /// Parts of this prediction the reference marks as not confirmed from the controller's source
    /// (exact attribute order, casing), so consumers can say so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<String>,
    /// The annotations/fields that shaped the cookie.
    #[serde(serialize_with = "ser_locations")]
    pub source_locations: Vec<Location>,
}

/// A controller's test of the request's `User-Agent` that picks a cookie variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "test", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum UserAgentCondition {
    /// ingress-nginx `rootfs/etc/nginx/lua/util/same_site.lua`: user agents it treats as
    /// SameSite=None-incompatible (Chrome 40–69, iOS 12, macOS 10.14 Safari); `matching: false` is
    /// every other user agent.
    NginxSameSiteNoneIncompatible {
        /// The variant is for user agents the test matches (else for those it does not).
        matching: bool,
    },
    /// AWS ALB `AWSALBAPP`: Chromium 80 or later.
    Chromium80Plus {
        /// The variant is for user agents the test matches (else for those it does not).
        matching: bool,
    },
}

impl UserAgentCondition {
    /// Whether the variant is written for a request with this `User-Agent`.
    pub fn applies_to(self, ua: &str) -> bool {
        match self {
            UserAgentCondition::NginxSameSiteNoneIncompatible { matching } => {
                nginx_samesite_none_incompatible(ua) == matching
            }
            UserAgentCondition::Chromium80Plus { matching } => chromium_major(ua).is_some_and(|v| v >= 80) == matching,
        }
    }
}

/// ingress-nginx's `same_site.lua` test: `Chrome/[4-6]` (Chrome 40–69; the reference's §1.5),
/// `CPU iPhone OS 12`, `iPad; CPU OS 12`, or macOS 10.14 Safari (`Intel Mac OS X 10_14` with
/// `Safari` and without `Chrome`). An empty User-Agent counts as compatible.
fn nginx_samesite_none_incompatible(ua: &str) -> bool {
    let chrome_4_to_6 = ["Chrome/4", "Chrome/5", "Chrome/6"].iter().any(|p| {
        ua.match_indices(p).any(|(i, _)| {
            // `Chrome/4` must be followed by one more digit and a dot (40–69), not `Chrome/4.` or 140.
            let rest = &ua[i + p.len()..];
            rest.chars().next().is_some_and(|c| c.is_ascii_digit()) && rest.chars().nth(1) == Some('.')
        })
    });
    chrome_4_to_6
        || ua.contains("CPU iPhone OS 12")
        || ua.contains("iPad; CPU OS 12")
        || (ua.contains("Intel Mac OS X 10_14") && ua.contains("Safari") && !ua.contains("Chrome"))
}

/// The major version after `Chrome/` (Chromium-based browsers), if any.
fn chromium_major(ua: &str) -> Option<u32> {
    let i = ua.find("Chrome/")?;
    ua[i + 7..].split('.').next()?.parse().ok()
}

/// Which origins a CORS configuration lets through, and what `Access-Control-Allow-Origin` says.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AllowOrigins {
    /// Every origin; the header is literally `*`.
    Any,
    /// Every origin; the header echoes the request's `Origin`.
    Reflect,
    /// Only listed origins (echoed when matched).
    List {
        /// Entries.
        origins: Vec<OriginPattern>,
    },
    /// Configured, but nothing valid is left: no CORS headers are sent.
    Nothing,
    /// The header is set to this fixed value on every response, whatever the request's Origin
    /// (e.g. an Istio `headers.response.set` override).
    Fixed {
        /// The value as written.
        value: String,
    },
}

/// One allowed-origin entry and how the controller matches it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OriginPattern {
    /// As configured.
    pub pattern: String,
    /// How it is matched.
    pub matching: OriginMatch,
}

/// How an allowed-origin entry is matched against the request `Origin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum OriginMatch {
    /// Exact string comparison.
    Exact,
    /// Case-insensitive comparison (ingress-nginx `~*`).
    ExactCaseInsensitive,
    /// `*` stands for exactly one DNS label (ingress-nginx), case-insensitive.
    OneLabelWildcard,
    /// `*` stands for any number of labels (Gateway API).
    AnyLabelsWildcard,
    /// A regular expression anchored at both ends.
    RegexAnchored,
    /// A regular expression searched anywhere in the origin (Go `MatchString`).
    RegexUnanchored,
    /// The origin starts with the pattern (Istio `prefix`).
    Prefix,
}

/// The CORS headers a route's proxy adds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CorsPolicy {
    /// Allowed origins.
    pub allow_origins: AllowOrigins,
    /// `Access-Control-Allow-Credentials: true` sent.
    pub allow_credentials: bool,
    /// `Access-Control-Allow-Methods`.
    pub allow_methods: Option<String>,
    /// `Access-Control-Allow-Headers`.
    pub allow_headers: Option<String>,
    /// `Access-Control-Expose-Headers`.
    pub expose_headers: Option<String>,
    /// `Access-Control-Max-Age`.
    pub max_age: Option<i64>,
    /// `Vary: Origin` added.
    pub vary_origin: bool,
    /// The proxy answers matching preflights itself (they never reach a pod).
    pub answers_preflight: bool,
    /// Status of the proxy's own preflight answer.
    pub preflight_status: Option<u16>,
    /// Preflights from origins that do not match are passed to the backend.
    pub unmatched_preflight_forwarded: bool,
    /// The annotations/fields that shaped the policy.
    #[serde(serialize_with = "ser_locations")]
    pub source_locations: Vec<Location>,
    /// The annotation or field that lists the allowed origins (where an origin fix goes).
    #[serde(skip)]
    pub origins_location: Option<Location>,
    /// The annotation or field that lists the allowed request headers (where a preflight header fix
    /// goes).
    #[serde(skip)]
    pub headers_location: Option<Location>,
}

/// One host/path and what its proxy emits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IngressRoute {
    /// Where the route (the path entry) is written.
    #[serde(serialize_with = "ser_location")]
    pub location: Location,
    /// `Kind/namespace/name`.
    pub object: String,
    /// Host; `None` means every host.
    pub host: Option<String>,
    /// The path as written.
    pub path: String,
    /// `pathType` (or match type) as written.
    pub path_type: Option<String>,
    /// Controller.
    pub controller: Controller,
    /// Controller version modelled.
    pub controller_version: ControllerVersion,
    /// TLS terminates at the proxy that writes the cookie (or at the load balancer that is that
    /// proxy: ALB, GKE), so the browser speaks `https:` to the route.
    pub tls: bool,
    /// Where that was read: `spec.tls`, an ALB HTTPS listener, a Traefik TLS router or `websecure`
    /// entry point, a Gateway HTTPS listener, an Istio Gateway TLS server, a GKE certificate, or
    /// `--tls-terminates-at`. `None` when no TLS was found for the route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_source: Option<String>,
    /// Whether TLS cannot be known from the input: the object that would end it (the parent Gateway
    /// of an HTTPRoute or VirtualService, any route for a DestinationRule on its own) is not in it.
    /// The verdicts then model `https:` (what an https frontend would call) instead of asserting
    /// plain HTTP.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tls_unknown: bool,
    /// The sticky cookie(s) written, in the order sent. Usually one; AWS ALB writes `AWSALB` and
    /// `AWSALBCORS`, ingress-nginx with conditional SameSite has a per-user-agent variant.
    pub affinity: Vec<PredictedCookie>,
    /// CORS handling, if the proxy does any.
    pub cors: Option<CorsPolicy>,
    /// Controller facts about this route.
    pub notes: Vec<ConfigFact>,
}

/// Everything read from a set of files.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IngressReport {
    /// Routes, in input order.
    pub routes: Vec<IngressRoute>,
    /// Controller facts not tied to one route (annotation hygiene, objects on the wrong kind).
    pub findings: Vec<ConfigFact>,
    /// Inputs (or documents) that could not be read.
    #[serde(serialize_with = "ser_errors")]
    pub errors: Vec<InputError>,
    /// Inputs passed over while walking folders, and why (a symlink loop, a second path to a file
    /// already read, a FIFO named `*.yaml`).
    #[serde(serialize_with = "ser_errors", skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<InputError>,
}

fn location_json(l: &Location) -> serde_json::Value {
    serde_json::json!({
        "file": l.file.to_string_lossy().replace('\\', "/"),
        "line": l.line,
        "column": l.column,
    })
}

fn ser_location<S: Serializer>(l: &Location, s: S) -> Result<S::Ok, S::Error> {
    location_json(l).serialize(s)
}

fn ser_locations<S: Serializer>(ls: &[Location], s: S) -> Result<S::Ok, S::Error> {
    ls.iter().map(location_json).collect::<Vec<_>>().serialize(s)
}

fn ser_errors<S: Serializer>(es: &[InputError], s: S) -> Result<S::Ok, S::Error> {
    es.iter()
        .map(|e| {
            let mut v = location_json(&e.location);
            v["message"] = serde_json::Value::String(e.message.clone());
            v
        })
        .collect::<Vec<_>>()
        .serialize(s)
}

/// A controller fact found in the YAML alone, at the annotation or field that causes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigFact {
    /// What the controller does with the configuration, typed.
    #[serde(flatten)]
    pub fact: Fact,
    /// The annotation or field that causes it.
    #[serde(flatten, serialize_with = "ser_location")]
    pub location: Location,
    /// What happens, in words naming the annotation or field and its value.
    pub message: String,
}

/// What a controller does with a piece of configuration. Variants carry what a fix needs to name
/// (the annotation key, the value that works); the analysis words the fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fact", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Fact {
    /// The same annotation key twice on one object.
    DuplicateAnnotation {
        /// The key.
        key: String,
    },
    /// An unquoted `yes`/`no`/`on`/`off` annotation value: a boolean in YAML 1.1, so kubectl
    /// rejects the object.
    Yaml11Boolean {
        /// The key.
        key: String,
        /// The word as written.
        word: String,
    },
    /// An annotation value that is not a string (number, boolean, null).
    AnnotationNotString {
        /// The key.
        key: String,
        /// The value as written.
        written: String,
    },
    /// No known ingress class or controller annotations: ingress-nginx is assumed.
    ControllerUnknown,
    /// ingress-nginx annotations on an Ingress another controller serves.
    ForeignAnnotations {
        /// The controller that serves it.
        controller: Controller,
    },
    /// A Traefik Service annotation written on the Ingress, where Traefik does not read it.
    ServiceAnnotationOnIngress {
        /// The backend Service it belongs on, if the route names one.
        service: Option<String>,
    },
    /// A document of a kind the readers do not model.
    NotModelled,
    /// A referenced object is not in the input, so what it adds is not predicted.
    ReferenceMissing {
        /// What is missing.
        missing: Missing,
    },
    /// An annotation or field value the controller rejects or ignores, so a default applies.
    ValueFellBack {
        /// Which value and what the controller accepts.
        value: Fallback,
    },
    /// A setting this controller or version does not implement.
    NotImplemented {
        /// The setting.
        setting: Unsupported,
    },
    /// A Gateway API field that exists only in the experimental channel.
    ExperimentalChannel {
        /// `true` for HTTPRoute `sessionPersistence` (pruned by the standard CRDs), `false` for the
        /// CORS filter before Gateway API 1.5.
        session_persistence: bool,
    },
    /// ingress-nginx `affinity-mode: balanced` (the default): scaling moves sessions.
    AffinityModeBalanced {
        /// The `affinity-mode` annotation key.
        key: String,
    },
    /// ingress-nginx writes the regex path as the cookie's Path.
    RegexCookiePath {
        /// The `session-cookie-path` annotation key.
        key: String,
    },
    /// Envoy Gateway writes the literal prefix of a regex path as the cookie's Path.
    RegexPrefixCookiePath,
    /// The gateway writes the session cookie without a Path.
    SessionCookieNoPath,
    /// A SameSite value in a case the controller silently drops.
    SameSiteCaseDropped {
        /// The annotation key (ingress-nginx), or `None` for a Traefik sticky cookie field.
        key: Option<String>,
        /// The spelling the controller writes.
        canonical: String,
    },
    /// Traefik's CRD rejects a capitalised `sameSite` value.
    SameSiteRejectedByCrd {
        /// The accepted spelling.
        canonical: String,
    },
    /// ingress-nginx writes no `Secure` because TLS ends before it.
    NoSecureTlsBeforeNginx {
        /// The `session-cookie-secure` annotation key.
        key: String,
        /// The cookie is written with `SameSite=None`, which browsers reject without `Secure`.
        same_site_none: bool,
    },
    /// `SameSite=None` on a sticky cookie that gets no `Secure`.
    SameSiteNoneWithoutSecure {
        /// Whose cookie settings (where `Secure` is added).
        controller: Controller,
    },
    /// The sticky cookie gets `Max-Age=0` (or a negative value) and is deleted at once.
    CookieMaxAgeZero {
        /// The ingress-nginx annotation key, or `None` for a Traefik sticky cookie.
        key: Option<String>,
    },
    /// Traefik computes `Expires` once per configuration load.
    CookieExpiresFixed,
    /// Traefik's ingress-nginx provider writes `Path=/` where ingress-nginx wrote the path.
    CookiePathDiffersFromIngressNginx,
    /// A consistent-hash cookie without `ttl`: Envoy never sets it.
    CookieNotGenerated {
        /// Istio (`httpCookie`) or an Envoy Gateway policy.
        controller: Controller,
    },
    /// An Istio VirtualService http entry without route, redirect, directResponse or delegate.
    IstioRouteInvalid,
    /// AWS ALB stickiness with a target type other than `ip`.
    AlbTargetTypeNotIp {
        /// The `target-type` annotation key.
        key: String,
    },
    /// An ALB redirect or fixed-response action: no target, no stickiness cookie.
    AlbActionNoCookie,
    /// Preflights carry no cookies, so they reach an arbitrary backend.
    PreflightNotSticky {
        /// The load balancer has no CORS feature: the backend answers every preflight.
        backend_answers: bool,
    },
    /// ingress-nginx `cors-*` annotations without `enable-cors: "true"`.
    CorsWithoutEnableCors {
        /// The `enable-cors` annotation key.
        key: String,
    },
    /// An ingress-nginx wildcard origin deeper than one label, or not in the first label.
    CorsWildcardTooDeep,
    /// Several origins in one allow-list entry that the controller does not split.
    CommaSeparatedOrigins {
        /// Where the origins are written.
        written_in: OriginList,
    },
    /// `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`.
    WildcardWithCredentials {
        /// Where the origins are written.
        written_in: OriginList,
    },
    /// The proxy echoes any Origin with credentials allowed.
    ReflectsAnyOrigin {
        /// Where the origins are written.
        written_in: OriginList,
    },
    /// The proxy reflects the Origin without `Vary: Origin`.
    NoVaryOrigin {
        /// Where the origins are written.
        written_in: OriginList,
    },
    /// A wildcard origin that is compared literally.
    WildcardLiteral {
        /// Where the origins are written.
        written_in: OriginList,
    },
    /// An allowed-origin regex searched anywhere in the Origin (no `^…$`).
    OriginRegexUnanchored {
        /// The regex as written.
        regex: String,
    },
}

/// What a reference points at that the input lacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Missing {
    /// A named object (BackendConfig, Middleware, included HTTPProxy).
    Object,
    /// The target of an Envoy Gateway policy.
    PolicyTarget,
    /// An HTTPRoute's parent Gateway, whose listeners give hostnames and TLS.
    GatewayListeners,
    /// An HTTPRoute's parent Gateway (the DestinationRule is applied as Istio would).
    Gateway,
    /// The routes (VirtualService, HTTPRoute) that use a DestinationRule.
    Routes,
    /// The ALB `actions.NAME` annotation a `use-annotation` backend names.
    ActionAnnotation {
        /// Its key.
        key: String,
    },
}

/// An invalid value and what the controller accepts instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Fallback {
    /// An ingress-nginx annotation its validator (1.12+) rejects, or will.
    NginxAnnotation {
        /// What the validator accepts, in words.
        expected: String,
    },
    /// A Traefik Service annotation value Traefik cannot read.
    TraefikAnnotation {
        /// What Traefik accepts, in words.
        expected: String,
    },
    /// ingress-nginx `affinity` other than exactly `cookie`.
    AffinityNotCookie {
        /// The `affinity` annotation key.
        key: String,
    },
    /// ingress-nginx `cors-allow-origin` entries that do not match its pattern (before validation).
    NginxOriginEntries,
    /// An ALB stickiness duration outside 1–604800 seconds.
    AlbDuration,
    /// An ALB `actions.NAME` annotation that is not JSON.
    AlbActionNotJson,
    /// An ALB forward action's stickiness without a valid `durationSeconds`.
    AlbActionDuration,
    /// A GKE `cloud.google.com/backend-config` annotation that is not the expected JSON.
    GkeBackendConfig,
}

/// A setting a controller or version does not implement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Unsupported {
    /// HTTPRoute `sessionPersistence` on an implementation without it.
    SessionPersistence {
        /// The implementation.
        implementation: String,
    },
    /// The HTTPRoute CORS filter before Gateway API 1.3.
    GatewayCorsFilter,
    /// The HTTPRoute CORS filter on an implementation without HTTPRouteCORS conformance.
    CorsConformance,
    /// Istio `httpCookie.attributes` before 1.28.
    IstioCookieAttributes,
    /// ingress-nginx `session-cookie-domain` before 1.4.0.
    NginxCookieDomain,
    /// A Traefik sticky cookie field before the release that added it.
    TraefikStickyField {
        /// The first release with it.
        since: String,
    },
    /// An ingress-nginx annotation Traefik's ingress-nginx provider does not read.
    TraefikProviderAnnotation,
    /// ingress-nginx `affinity-mode: balanced` under Traefik's provider (persistent only).
    TraefikProviderBalanced,
}

/// Where a CORS allow-list is written, which decides how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum OriginList {
    /// ingress-nginx `cors-allow-origin`.
    NginxAnnotation {
        /// The annotation key.
        key: String,
    },
    /// ingress-nginx before 1.0.5, which takes one origin.
    NginxSingleOrigin,
    /// ingress-nginx annotations read by Traefik's ingress-nginx provider.
    TraefikProvider {
        /// The annotation prefix.
        prefix: String,
    },
    /// A Traefik headers Middleware (`accessControlAllowOriginList`).
    TraefikMiddleware,
    /// HTTPRoute CORS filter or Envoy Gateway SecurityPolicy `allowOrigins`.
    GatewayAllowOrigins,
    /// Istio `corsPolicy.allowOrigins`.
    IstioAllowOrigins,
    /// An Istio `headers.response.set` override of `Access-Control-Allow-Origin`.
    IstioHeaderOverride,
    /// Contour `corsPolicy.allowOrigin`.
    ContourAllowOrigin,
    /// Envoy's CORS filter as Istio or Contour configure it.
    EnvoyCorsPolicy,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_tests_follow_the_controllers() {
        let t = |ua: &str| nginx_samesite_none_incompatible(ua);
        assert!(t("Mozilla/5.0 (X11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/45.0.2454.85 Safari/537.36"));
        assert!(t("Mozilla/5.0 (X11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.100 Safari/537.36"));
        assert!(!t("Mozilla/5.0 (X11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36"));
        assert!(!t("Mozilla/5.0 (X11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"));
        assert!(t("Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"));
        assert!(t("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Safari/605.1.15"));
        assert!(!t("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15"));
        assert!(!t(""));
        let c80 = UserAgentCondition::Chromium80Plus { matching: true };
        assert!(c80.applies_to("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0.3987.87 Safari/537.36"));
        assert!(
            !c80.applies_to("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.130 Safari/537.36")
        );
        assert!(!c80.applies_to("Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0"));
    }
}
