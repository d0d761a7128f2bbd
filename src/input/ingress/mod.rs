//! Kubernetes ingress manifests → what each route's proxy will emit: the sticky ("affinity")
//! `Set-Cookie` line and the CORS headers, plus config-level findings that need no browser.
//!
//! Why predict rather than lint keys: the same annotation means different cookies on different
//! controllers and versions (ingress-nginx drops `samesite: none`, Traefik before 3.6.14 drops
//! `None`), so the only honest output is "this controller, at this version, writes *this* line".
//! Browser verdicts are computed elsewhere from [`PredictedCookie::set_cookie_line`] and
//! [`CorsPolicy`]; nothing here knows about browsers.
//!
//! Facts come from `reference/ingress.md` (controller sources at the snapshot it lists).

pub mod cloud;
mod common;
pub mod contour;
pub mod gateway;
pub mod istio;
pub mod nginx;
pub mod traefik;
mod yaml;

use crate::evidence::{InputError, Location};
use crate::model::time::Timestamp;
use serde::{Serialize, Serializer};
use std::fmt;
use std::path::{Path, PathBuf};
use yaml::Node;

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

/// Parses `--controller NAME[@VERSION]`.
pub fn parse_controller_spec(s: &str) -> Option<(Controller, ControllerVersion)> {
    let (name, version) = match s.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (s, None),
    };
    let c = Controller::parse(name)?;
    let v = match version {
        Some(v) => ControllerVersion::parse(v)?,
        None => c.default_version(),
    };
    Some((c, v))
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

/// Inputs besides the YAML that change the prediction.
#[derive(Clone, Debug)]
pub struct PredictOptions {
    /// `--controller NAME@VERSION`: used for Ingress objects whose class names no known
    /// controller, and as the version for that controller.
    pub controller: Option<(Controller, ControllerVersion)>,
    /// `--tls-terminates-at`; `None` infers from `spec.tls` (TLS listed for the host → at the
    /// ingress, otherwise plain HTTP).
    pub tls_terminates_at: Option<TlsTermination>,
    /// ingress-nginx `--annotations-prefix` (default `nginx.ingress.kubernetes.io`).
    pub nginx_prefix: String,
    /// The instant the cookie is assumed issued, for rendering `Expires=` (fixed by default so
    /// output is reproducible).
    pub issued_at: Timestamp,
    /// `--host`: the host name for routes that name none and whose parent Gateway (which would give
    /// the listener's hostname) is not in the input.
    pub default_host: Option<String>,
}

impl Default for PredictOptions {
    fn default() -> Self {
        PredictOptions {
            controller: None,
            tls_terminates_at: None,
            nginx_prefix: "nginx.ingress.kubernetes.io".to_owned(),
            issued_at: Timestamp::from_unix_secs(1_767_225_600), // 2026-01-01T00:00:00Z
            default_host: None,
        }
    }
}

impl PredictOptions {
    /// The version to model for `c`.
    pub fn version(&self, c: Controller) -> ControllerVersion {
        match self.controller {
            Some((forced, v)) if forced == c => v,
            _ => c.default_version(),
        }
    }
}

/// How bad a config finding is: the crate's one severity scale (defaults come from the rule
/// registry, `crate::analysis::rules`).
pub use crate::model::severity::Severity;

/// A problem visible from the YAML alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigFinding {
    /// Stable kebab-case rule id.
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The annotation or field that causes it.
    #[serde(flatten, serialize_with = "ser_location")]
    pub location: Location,
    /// What happens.
    pub message: String,
    /// What to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
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
    /// Findings about this route.
    pub notes: Vec<ConfigFinding>,
}

/// Everything read from a set of files.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IngressReport {
    /// Routes, in input order.
    pub routes: Vec<IngressRoute>,
    /// Findings not tied to one route (annotation hygiene, objects on the wrong kind).
    pub findings: Vec<ConfigFinding>,
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

/// A file's text with a line index, kept so findings can look at how a scalar was written.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

impl Source {
    fn new(path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { path, text, line_starts }
    }

    /// The text of a plain scalar starting at `node` (up to a comment or the end of the line), or
    /// `None` when the scalar is quoted or a block scalar.
    pub(crate) fn plain_text(&self, node: &Node) -> Option<&str> {
        let start = *self.line_starts.get(node.line.saturating_sub(1))?;
        let line = self.text[start..].lines().next().unwrap_or("");
        let (byte, first) = line.char_indices().nth(node.column.saturating_sub(1))?;
        if matches!(first, '"' | '\'' | '|' | '>') {
            return None;
        }
        let rest = &line[byte..];
        let rest = rest.split(" #").next().unwrap_or(rest);
        let rest = rest.split([',', '}', ']']).next().unwrap_or(rest);
        Some(rest.trim_end())
    }
}

/// A Kubernetes object found in the input.
#[derive(Debug)]
pub(crate) struct Object {
    pub(crate) source: usize,
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) node: Node,
}

impl Object {
    pub(crate) fn id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// All objects from all inputs; predictions look across files (a Traefik Service annotation can
/// sit in another file than the Ingress that routes to it).
#[derive(Debug, Default)]
pub(crate) struct Manifests {
    pub(crate) sources: Vec<Source>,
    pub(crate) objects: Vec<Object>,
    pub(crate) skipped: Vec<Skipped>,
}

/// Every kind read (README "kinds read" lists the same).
pub const KINDS: &[&str] = &[
    "Ingress",
    "Service",
    "IngressRoute",
    "TraefikService",
    "Middleware",
    "HTTPRoute",
    "DestinationRule",
    "VirtualService",
    "BackendConfig",
    "Gateway",
    "HTTPProxy",
    "BackendTrafficPolicy",
    "SecurityPolicy",
];

/// Kinds that route or shape HTTP traffic but are not modelled: cookies or CORS headers they add are
/// not predicted, which the report says (README "kinds reported as not modelled" lists them).
pub const ROUTING_KINDS_NOT_MODELLED: &[&str] = &[
    "GRPCRoute",
    "TLSRoute",
    "TCPRoute",
    "UDPRoute",
    "IngressRouteTCP",
    "IngressRouteUDP",
    "EnvoyFilter",
    "EnvoyPatchPolicy",
    "ClientTrafficPolicy",
    "HTTPRouteFilter",
    "GCPBackendPolicy",
    "GCPGatewayPolicy",
    "FrontendConfig",
    "ListenerRuleConfiguration",
    "TargetGroupConfiguration",
    "TargetGroupBinding",
    "VirtualServer",
    "VirtualServerRoute",
    "Policy",
    "KongIngress",
    "KongPlugin",
    "ApisixRoute",
    "ApisixPluginConfig",
    "TrafficPolicy",
    "RouteOption",
    "VirtualHostOption",
    "TLSOption",
    "ServersTransport",
    "ExtensionService",
    "AuthorizationPolicy",
    "Sidecar",
    "ServiceEntry",
    "WorkloadEntry",
    "PeerAuthentication",
    "RequestAuthentication",
    "XBackendTrafficPolicy",
    "BackendLBPolicy",
    "BackendTLSPolicy",
    "ReferenceGrant",
    "GatewayClass",
    "IngressClass",
    "ManagedCertificate",
];

/// A document that was read but not modelled.
#[derive(Debug)]
pub(crate) struct Skipped {
    pub(crate) source: usize,
    pub(crate) kind: Option<String>,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl Manifests {
    fn add_text(&mut self, path: PathBuf, text: String, errors: &mut Vec<InputError>) {
        let (docs, errs) = yaml::read_documents(&path, &text);
        errors.extend(errs);
        let source = self.sources.len();
        self.sources.push(Source::new(path, text));
        for doc in docs {
            self.add_node(source, doc.root);
        }
    }

    fn add_node(&mut self, source: usize, node: Node) {
        let Some(kind) = node.str_at(&["kind"]).map(str::to_owned) else {
            if !matches!(node.value, yaml::Value::Null) {
                self.skipped.push(Skipped { source, kind: None, line: node.line, column: node.column });
            }
            return;
        };
        if kind == "List" || kind.ends_with("List") && node.get("items").is_some() {
            if let Some(yaml::Value::Seq(items)) = node.get("items").map(|n| n.value.clone()) {
                for item in items {
                    self.add_node(source, item);
                }
            }
            return;
        }
        if !KINDS.contains(&kind.as_str()) {
            self.skipped.push(Skipped { source, kind: Some(kind), line: node.line, column: node.column });
            return;
        }
        let name = node.str_at(&["metadata", "name"]).unwrap_or("").to_owned();
        let namespace = node.str_at(&["metadata", "namespace"]).unwrap_or("default").to_owned();
        self.objects.push(Object { source, kind, name, namespace, node });
    }

    pub(crate) fn file(&self, o: &Object) -> &Path {
        &self.sources[o.source].path
    }

    /// Objects of `kind` in `namespace` named `name`.
    pub(crate) fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&Object> {
        self.objects.iter().rev().find(|o| o.kind == kind && o.namespace == namespace && o.name == name)
    }
}

/// The most bytes read from one input (a file, a FIFO, `/dev/stdin`): ten times the largest real
/// cluster dump tried, and small enough that `crossjar ingress /dev/zero` stops at once.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// A file's identity, so each is read once however many paths lead to it (symlinks, hard links,
/// `dir/self -> .` loops).
#[cfg(unix)]
fn file_key(_path: &Path, m: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino(), PathBuf::new())
}

#[cfg(not(unix))]
fn file_key(path: &Path, _m: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    (0, 0, std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// What walking the inputs found: the files to read, and what was passed over and why.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    seen: std::collections::HashSet<(u64, u64, PathBuf)>,
    skipped: Vec<InputError>,
    errors: Vec<InputError>,
}

fn is_yaml_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Walks one input. A path given by the user is read whatever it is (a FIFO or `/dev/stdin` is read
/// as a stream, with the size bound); inside folders only `*.yaml`/`*.yml` regular files are read,
/// each file and folder once (a symlink loop is visited once and reported), and anything else with
/// a YAML name (a FIFO, a socket, a device) is skipped and reported rather than blocking the run.
fn walk(path: &Path, given: bool, w: &mut Walk) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            w.errors.push(file_error(path, format!("cannot read: {e}")));
            return;
        }
    };
    let key = file_key(path, &meta);
    if !w.seen.insert(key) {
        if meta.is_dir() {
            w.skipped.push(file_error(
                path,
                "skipped: a folder already visited (symlink loop or second path to it)".to_owned(),
            ));
        } else {
            w.skipped.push(file_error(path, "skipped: the same file was already read by another path".to_owned()));
        }
        return;
    }
    if meta.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(e) => e,
            Err(e) => {
                w.errors.push(file_error(path, format!("cannot list folder: {e}")));
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            let is_dir = std::fs::metadata(&child).map(|m| m.is_dir()).unwrap_or(false);
            if is_dir || is_yaml_name(&child) {
                walk(&child, false, w);
            }
        }
    } else if meta.is_file() || given {
        w.files.push(path.to_path_buf());
    } else {
        w.skipped.push(file_error(
            path,
            "skipped: not a regular file (a FIFO, socket or device found in a folder); name it on the command line to read it"
                .to_owned(),
        ));
    }
}

fn file_error(path: &Path, message: String) -> InputError {
    InputError { location: Location { file: path.to_path_buf(), ..Location::default() }, message }
}

/// Reads at most [`MAX_INPUT_BYTES`] from `path`, as UTF-8 text.
fn read_bounded(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "larger than the {} MiB input limit for manifests; not read (split it, e.g. one file per namespace)",
            MAX_INPUT_BYTES / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (byte {}); YAML manifests must be UTF-8", e.utf8_error().valid_up_to()))
}

/// Reads YAML files and folders (recursively, `*.yaml`/`*.yml`) and predicts every route.
/// Unreadable files and broken documents become [`IngressReport::errors`]; inputs passed over while
/// walking (loops, duplicates, FIFOs) become [`IngressReport::skipped`]; the rest is analysed.
pub fn predict_paths(paths: &[PathBuf], opts: &PredictOptions) -> IngressReport {
    let mut w = Walk::default();
    for p in paths {
        walk(p, true, &mut w);
    }
    let mut errors = std::mem::take(&mut w.errors);
    let mut m = Manifests::default();
    for f in w.files {
        match read_bounded(&f) {
            Ok(text) => m.add_text(f, text, &mut errors),
            Err(message) => errors.push(file_error(&f, message)),
        }
    }
    let mut report = predict_manifests(&m, opts, errors);
    report.skipped = w.skipped;
    report
}

/// Predicts from in-memory YAML texts (`(file name, text)` pairs), as if they were files.
pub fn predict_texts(texts: &[(PathBuf, String)], opts: &PredictOptions) -> IngressReport {
    let mut errors = Vec::new();
    let mut m = Manifests::default();
    for (p, t) in texts {
        m.add_text(p.clone(), t.clone(), &mut errors);
    }
    predict_manifests(&m, opts, errors)
}

fn predict_manifests(m: &Manifests, opts: &PredictOptions, errors: Vec<InputError>) -> IngressReport {
    let mut report = IngressReport { errors, ..IngressReport::default() };
    for o in &m.objects {
        match o.kind.as_str() {
            "Ingress" => common::predict_ingress(m, o, opts, &mut report),
            "Service" => common::check_service(m, o, &mut report),
            "IngressRoute" => traefik::predict_ingress_route(m, o, opts, &mut report),
            "HTTPRoute" => gateway::predict_http_route(m, o, opts, &mut report),
            "VirtualService" => istio::predict_virtual_service(m, o, opts, &mut report),
            "HTTPProxy" => contour::predict_http_proxy(m, o, opts, &mut report),
            "DestinationRule" => istio::predict_unrouted_destination_rule(m, o, opts, &mut report),
            "BackendTrafficPolicy" | "SecurityPolicy" => gateway::check_policy_target(m, o, &mut report),
            _ => {}
        }
    }
    not_modelled(m, &mut report);
    report
}

/// One `not-modelled` finding per file and kind (with a count), so nothing is dropped silently and a
/// Helm render of fifty Deployments still reads as one line.
fn not_modelled(m: &Manifests, report: &mut IngressReport) {
    let mut groups: Vec<(usize, Option<&str>, usize, &Skipped)> = Vec::new();
    for s in &m.skipped {
        match groups.iter_mut().find(|(src, k, _, _)| *src == s.source && *k == s.kind.as_deref()) {
            Some(g) => g.2 += 1,
            None => groups.push((s.source, s.kind.as_deref(), 1, s)),
        }
    }
    for (source, kind, count, first) in groups {
        let file = &m.sources[source].path;
        let location = Location { file: file.clone(), line: Some(first.line), column: Some(first.column), entry: None };
        let times = if count > 1 { format!(" ({count} documents)") } else { String::new() };
        let message = match kind {
            None => format!("a document without `kind`{times} is not a Kubernetes object; it is not read"),
            Some(k) if ROUTING_KINDS_NOT_MODELLED.contains(&k) => format!(
                "`{k}`{times} is not modelled: it can route or shape HTTP traffic, but cookies or CORS headers it adds are not predicted"
            ),
            Some(k) => format!(
                "`{k}`{times} is not modelled: it sets no affinity cookie or CORS header this tool predicts"
            ),
        };
        report.findings.push(ConfigFinding {
            rule: "not-modelled",
            severity: Severity::Info,
            location,
            message,
            fix: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_compare() {
        assert_eq!(ControllerVersion::parse("v1.12"), Some(ControllerVersion::new(1, 12, 0)));
        assert_eq!(ControllerVersion::parse("3.6.14-rc.1"), Some(ControllerVersion::new(3, 6, 14)));
        assert_eq!(ControllerVersion::parse("1.2.3.4"), None);
        assert!(ControllerVersion::new(1, 9, 5).at_least(1, 9, 5));
        assert!(!ControllerVersion::new(1, 9, 4).at_least(1, 9, 5));
    }

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

    #[test]
    fn durations_and_dates() {
        assert_eq!(common::parse_duration_secs("1h30m"), Some(5400));
        assert_eq!(common::parse_duration_secs("0s"), Some(0));
        assert_eq!(common::parse_duration_secs("1.5h"), Some(5400));
        assert_eq!(common::parse_duration_secs("10x"), None);
        // 2017-02-12T14:11:12Z is the date in ingress-nginx's docs sample (a Sunday).
        let t = Timestamp::from_unix_secs(1_486_908_672);
        assert_eq!(common::cookie_date(t, true), "Sun, 12-Feb-17 14:11:12 GMT");
        assert_eq!(common::cookie_date(t, false), "Sun, 12 Feb 2017 14:11:12 GMT");
    }
}
