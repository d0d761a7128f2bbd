//! Browser verdicts for predicted ingress emissions: for each route, each frontend origin and each
//! browser profile, is the predicted affinity cookie stored from a credentialed `fetch()`, sent on the
//! next one and on a WebSocket handshake, and does the CORS check pass for the actual request and its
//! preflight.
//!
//! Why here and not in the reader: the reader (`input::ingress`, handing `evidence::ingress` facts) knows controllers, not browsers; the
//! model knows browsers, not YAML. This module feeds the reader's predicted `Set-Cookie` line and CORS
//! headers through the same jar and CORS check the HAR replay uses, so an ingress verdict and a capture
//! verdict can never disagree about the browser.

use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use url::Url;

use super::rules::{RuleId, Severity};
use crate::evidence::ingress::{
    AllowOrigins, ConfigFact, Controller, CorsPolicy, Fact, Fallback, IngressReport, IngressRoute, Missing, OriginList,
    OriginMatch, OriginPattern, PredictedCookie, Unsupported,
};
use crate::evidence::{InputError, Location};
use crate::model::cors::{evaluate, CorsError, CorsRequest, CorsResponse};
use crate::model::cors_security::{check_pattern, AllowOriginPattern, IssueClass, RegexSemantics};
use crate::model::http::{Header, Headers};
use crate::model::jar::CookieJar;
use crate::model::mixed_content::{self, Destination, MixedContent};
use crate::model::profile::Browser;
use crate::model::reason::Exclusion;
use crate::model::request::{CredentialsMode, RequestContext, RequestKind};
use crate::model::site::{registrable_domain, Origin};
use crate::model::time::Timestamp;

/// Every rule id this module emits itself (the reader's ids come on top; see [`CONFIG_RULES`]).
pub const VERDICT_RULES: &[&str] = &[
    "affinity-cookie-cross-site-blocked",
    "third-party-cookie-blocked",
    "cors-origin-not-allowed",
    "cors-check-failed",
    "cors-left-to-backend",
    "cors-misconfiguration",
    "mixed-content-blocked",
];

/// Every rule a reader's [`ConfigFact`] can fall under ([`rule_of`]); kept here so a test can check each
/// is registered in [`super::rules::RULES`] with a documentation page.
pub const CONFIG_RULES: &[&str] = &[
    "affinity-mode-balanced",
    "alb-action-no-cookie",
    "alb-sticky-needs-ip-target",
    "annotation-ignored",
    "annotation-not-string",
    "yaml11-boolean",
    "cookie-expires-fixed",
    "cookie-max-age-zero",
    "cookie-path-differs-from-ingress-nginx",
    "cookie-path-regex-prefix",
    "cors-comma-separated-origins",
    "cors-no-vary-origin",
    "cors-origin-regex-unanchored",
    "cors-reflects-any-origin",
    "cors-wildcard-literal",
    "cors-wildcard-too-deep",
    "cors-wildcard-with-credentials",
    "cors-without-enable-cors",
    "duplicate-annotation",
    "gateway-api-experimental",
    "ingress-controller-unknown",
    "invalid-annotation-fallback",
    "istio-cookie-not-generated",
    "istio-route-invalid",
    "not-modelled",
    "preflight-not-sticky",
    "reference-not-found",
    "regex-cookie-path",
    "samesite-case-dropped",
    "samesite-none-without-secure",
    "samesite-rejected-by-crd",
    "secure-missing-tls-before-nginx",
    "session-cookie-no-path",
    "unsupported-by-controller",
];

/// What the verdicts depend on besides the manifests.
#[derive(Clone, Debug)]
pub struct IngressAnalysisOptions {
    /// The frontend origins that call these hosts (`--from`, `crossjar.toml`).
    pub frontends: Vec<Origin>,
    /// Browser profiles to judge with.
    pub browsers: Vec<Browser>,
    /// TLS ends at a load balancer in front of the proxy (`--tls-terminates-at lb`): the browser still
    /// speaks `https` even though the proxy sees plain HTTP, so requests are modelled as `https://`.
    pub tls_at_lb: bool,
    /// The instant requests are modelled at (the reader's issue time, so `Expires` lines agree).
    pub now: Timestamp,
    /// `--host`: the host judged for routes that name none (a Gateway route whose Gateway is not in
    /// the input, a DestinationRule on its own).
    pub default_host: Option<String>,
}

/// The CORS answer the proxy gives one origin, as headers a browser would see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredictedAnswer {
    /// Who answers: `ingress` (the proxy itself) or `backend` (passed through; crossjar cannot know the
    /// backend's headers, so no verdict is derived from them).
    pub answered_by: &'static str,
    /// Status, when the proxy answers.
    pub status: Option<u16>,
    /// CORS headers the proxy adds (empty when none).
    pub headers: Vec<Header>,
}

/// One browser's verdict on a route for one frontend origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserVerdict {
    /// The profile.
    pub browser: Browser,
    /// The affinity cookie is stored from a credentialed `fetch()` (`None`: the route writes no cookie).
    pub stored: Option<bool>,
    /// It is sent on the next credentialed `fetch()`.
    pub sent: Option<bool>,
    /// It is sent on a WebSocket handshake to the same URL.
    pub websocket_sent: Option<bool>,
    /// The CORS check passes for an actual credentialed request (`None`: the backend decides).
    pub cors_ok: Option<bool>,
    /// The CORS check passes for a preflighted credentialed request (`None`: the backend answers).
    pub preflight_ok: Option<bool>,
    /// Every reason, DevTools names where DevTools has one (`set:`, `send:`, `websocket:`, `cors:`,
    /// `preflight:` prefixes say which step).
    pub reasons: Vec<String>,
}

/// Verdicts for one frontend origin on one route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginVerdicts {
    /// The frontend origin, serialised.
    pub origin: String,
    /// The frontend is cross-site to the route's host (different registrable domain or scheme).
    pub cross_site: bool,
    /// The URL modelled (`https://HOST/PATH`).
    pub url: String,
    /// The proxy's answer to an actual request from this origin (`None`: no CORS at the proxy).
    pub actual: Option<PredictedAnswer>,
    /// The proxy's answer to a preflight from this origin.
    pub preflight: Option<PredictedAnswer>,
    /// A `fetch()` from this (https:) origin to the route's (http:) URL is blocked as mixed content in
    /// every browser: the request is never sent.
    pub mixed_content_blocked: bool,
    /// Per browser profile.
    pub browsers: Vec<BrowserVerdict>,
}

/// One route with its verdicts.
#[derive(Clone, Debug)]
pub struct RouteVerdicts {
    /// What the reader predicted.
    pub route: IngressRoute,
    /// Per frontend origin (empty when the route has no host to model a URL for).
    pub origins: Vec<OriginVerdicts>,
    /// Why there are no verdicts, if there are none.
    pub skipped: Option<String>,
}

/// A finding, from one rule, at a YAML location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressFinding {
    /// Rule id (registered in [`super::rules::RULES`]).
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The annotation or field that causes it.
    pub location: Location,
    /// One line naming the cookie or header, the origin and the reason.
    pub message: String,
    /// What to change.
    pub fix: Option<String>,
}

/// Everything `crossjar ingress` reports.
#[derive(Clone, Debug, Default)]
pub struct IngressAnalysis {
    /// Routes in input order.
    pub routes: Vec<RouteVerdicts>,
    /// Findings: the reader's config findings and the verdict findings, in input order.
    pub findings: Vec<IngressFinding>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Inputs passed over while walking folders, and why.
    pub skipped: Vec<InputError>,
}

impl IngressAnalysis {
    /// The worst severity among the findings.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// The rule a controller fact falls under: readers state facts, this table judges them (the severity
/// is then the registry's, [`RuleId::severity`]).
pub fn rule_of(fact: &Fact) -> RuleId {
    use RuleId as R;
    match fact {
        Fact::DuplicateAnnotation { .. } => R::DuplicateAnnotation,
        Fact::Yaml11Boolean { .. } => R::Yaml11Boolean,
        Fact::AnnotationNotString { .. } => R::AnnotationNotString,
        Fact::ControllerUnknown => R::IngressControllerUnknown,
        Fact::ForeignAnnotations { .. } | Fact::ServiceAnnotationOnIngress { .. } => R::AnnotationIgnored,
        Fact::NotModelled => R::NotModelled,
        Fact::ReferenceMissing { .. } => R::ReferenceNotFound,
        Fact::ValueFellBack { .. } => R::InvalidAnnotationFallback,
        Fact::NotImplemented { .. } => R::UnsupportedByController,
        Fact::ExperimentalChannel { .. } => R::GatewayApiExperimental,
        Fact::AffinityModeBalanced { .. } => R::AffinityModeBalanced,
        Fact::RegexCookiePath { .. } => R::RegexCookiePath,
        Fact::RegexPrefixCookiePath => R::CookiePathRegexPrefix,
        Fact::SessionCookieNoPath => R::SessionCookieNoPath,
        Fact::SameSiteCaseDropped { .. } => R::SamesiteCaseDropped,
        Fact::SameSiteRejectedByCrd { .. } => R::SamesiteRejectedByCrd,
        // Without Secure a `SameSite=None` cookie is rejected by every browser: that is the error;
        // without `None` the missing Secure is a warning of its own.
        Fact::NoSecureTlsBeforeNginx { same_site_none: true, .. } => R::SamesiteNoneWithoutSecure,
        Fact::NoSecureTlsBeforeNginx { same_site_none: false, .. } => R::SecureMissingTlsBeforeNginx,
        Fact::SameSiteNoneWithoutSecure { .. } => R::SamesiteNoneWithoutSecure,
        Fact::CookieMaxAgeZero { .. } => R::CookieMaxAgeZero,
        Fact::CookieExpiresFixed => R::CookieExpiresFixed,
        Fact::CookiePathDiffersFromIngressNginx => R::CookiePathDiffersFromIngressNginx,
        Fact::CookieNotGenerated { .. } => R::IstioCookieNotGenerated,
        Fact::IstioRouteInvalid => R::IstioRouteInvalid,
        Fact::AlbTargetTypeNotIp { .. } => R::AlbStickyNeedsIpTarget,
        Fact::AlbActionNoCookie => R::AlbActionNoCookie,
        Fact::PreflightNotSticky { .. } => R::PreflightNotSticky,
        Fact::CorsWithoutEnableCors { .. } => R::CorsWithoutEnableCors,
        Fact::CorsWildcardTooDeep => R::CorsWildcardTooDeep,
        Fact::CommaSeparatedOrigins { .. } => R::CorsCommaSeparatedOrigins,
        Fact::WildcardWithCredentials { .. } => R::CorsWildcardWithCredentials,
        Fact::ReflectsAnyOrigin { .. } => R::CorsReflectsAnyOrigin,
        Fact::NoVaryOrigin { .. } => R::CorsNoVaryOrigin,
        Fact::WildcardLiteral { .. } => R::CorsWildcardLiteral,
        Fact::OriginRegexUnanchored { .. } => R::CorsOriginRegexUnanchored,
    }
}

/// What to change for a controller fact, worded for the place the fact names.
fn fix_of(fact: &Fact) -> Option<String> {
    const FRONTEND: &str = "https://your-frontend.example";
    Some(match fact {
        Fact::DuplicateAnnotation { key } => format!("keep a single `{key}` entry"),
        Fact::Yaml11Boolean { key, word } => format!("quote the value: `{key}: \"{word}\"`"),
        Fact::AnnotationNotString { key, written } => format!("quote the value: `{key}: \"{written}\"`"),
        Fact::ControllerUnknown => "set spec.ingressClassName, or pass --controller NAME@VERSION".to_owned(),
        Fact::ForeignAnnotations { controller } => format!("configure stickiness/CORS the {controller} way"),
        Fact::ServiceAnnotationOnIngress { service } => {
            format!("move it to the Service `{}`", service.as_deref().unwrap_or("<backend>"))
        }
        Fact::NotModelled => return None,
        Fact::ReferenceMissing { missing } => match missing {
            Missing::Object => "pass the file that defines it too".to_owned(),
            Missing::PolicyTarget => "pass the file that defines the target too".to_owned(),
            Missing::GatewayListeners => {
                "pass the Gateway's file too, so the route takes its listeners' hostnames and TLS".to_owned()
            }
            Missing::Gateway => "pass the Gateway's file too".to_owned(),
            Missing::Routes => "pass the VirtualService/HTTPRoute (and Gateway) files too, or --host to judge it from the browser".to_owned(),
            Missing::ActionAnnotation { key } => format!("add `{key}`"),
        },
        Fact::ValueFellBack { value } => match value {
            Fallback::NginxAnnotation { expected } => format!("use a value that is {expected}"),
            Fallback::TraefikAnnotation { expected } => format!("use {expected}"),
            Fallback::AffinityNotCookie { key } => format!("`{key}: \"cookie\"`"),
            Fallback::NginxOriginEntries => "write origins as scheme://host[:port], no path or trailing slash".to_owned(),
            Fallback::AlbDuration => "a duration between 1 second and 7 days".to_owned(),
            Fallback::AlbActionDuration => "set `durationSeconds` (1–604800)".to_owned(),
            _ => return None,
        },
        Fact::NotImplemented { setting } => match setting {
            Unsupported::SessionPersistence { implementation } => {
                format!("use {implementation}'s own stickiness configuration")
            }
            Unsupported::GatewayCorsFilter => "upgrade the Gateway API CRDs".to_owned(),
            Unsupported::CorsConformance => "answer CORS in the backend".to_owned(),
            Unsupported::IstioCookieAttributes => {
                "upgrade to Istio 1.28+, or add the attributes with an EnvoyFilter".to_owned()
            }
            Unsupported::NginxCookieDomain => "upgrade the controller".to_owned(),
            Unsupported::TraefikStickyField { since } => format!("upgrade to Traefik {since}+"),
            _ => return None,
        },
        Fact::ExperimentalChannel { session_persistence: true } => {
            "install the experimental Gateway API CRDs, or use the implementation's own policy".to_owned()
        }
        Fact::ExperimentalChannel { session_persistence: false } => return None,
        Fact::AffinityModeBalanced { key } => format!("`{key}: \"persistent\"` if sessions must stay on their pod"),
        Fact::RegexCookiePath { key } => format!("set `{key}: \"/\"` (or the literal prefix)"),
        Fact::RegexPrefixCookiePath | Fact::SessionCookieNoPath => return None,
        Fact::SameSiteCaseDropped { key: Some(key), canonical } => format!("`{key}: \"{canonical}\"`"),
        Fact::SameSiteCaseDropped { key: None, canonical } => format!("write `{canonical}` (or upgrade to 3.6.14+)"),
        Fact::SameSiteRejectedByCrd { canonical } => format!("`sameSite: {canonical}` (or upgrade to 3.6.14+)"),
        Fact::NoSecureTlsBeforeNginx { key, .. } => format!("`{key}: \"true\"`"),
        Fact::SameSiteNoneWithoutSecure { controller } => match controller {
            Controller::Contour => "add `secure: true` to the cookieRewritePolicies entry".to_owned(),
            Controller::Istio => "add an attribute `{name: Secure}`".to_owned(),
            Controller::Traefik => "set secure: true on the sticky cookie".to_owned(),
            _ => "add `Secure: \"\"` to `cookie.attributes`".to_owned(),
        },
        Fact::CookieMaxAgeZero { key: Some(key) } => format!("a positive number of seconds, or remove `{key}`"),
        Fact::CookieMaxAgeZero { key: None } => "a positive number of seconds, or 0 for a session cookie".to_owned(),
        Fact::CookieExpiresFixed => {
            "use `session-cookie-max-age` (relative, per response) instead of `session-cookie-expires`".to_owned()
        }
        Fact::CookiePathDiffersFromIngressNginx => return None,
        Fact::CookieNotGenerated { controller: Controller::Istio } => "set ttl (0s gives a session cookie)".to_owned(),
        Fact::CookieNotGenerated { .. } => "set `ttl` (e.g. 1h)".to_owned(),
        Fact::IstioRouteInvalid => "add a `route:` with the destination that should answer".to_owned(),
        Fact::AlbTargetTypeNotIp { key } => format!("`{key}: ip`"),
        Fact::AlbActionNoCookie => return None,
        Fact::PreflightNotSticky { backend_answers: true } => "answer OPTIONS statelessly in every pod".to_owned(),
        Fact::PreflightNotSticky { backend_answers: false } => return None,
        Fact::CorsWithoutEnableCors { key } => format!("`{key}: \"true\"`"),
        Fact::CorsWildcardTooDeep => {
            "list each deeper subdomain pattern as its own `https://*.<parent>` entry".to_owned()
        }
        Fact::CommaSeparatedOrigins { written_in } => match written_in {
            OriginList::NginxSingleOrigin => "upgrade to ingress-nginx 1.0.5+ (lists) or keep one origin".to_owned(),
            OriginList::IstioAllowOrigins => "one allowOrigins entry per origin".to_owned(),
            OriginList::IstioHeaderOverride => "remove the header override and use `corsPolicy.allowOrigins` (one entry per origin), which echoes the matching origin".to_owned(),
            OriginList::TraefikMiddleware => "put each origin in its own list item".to_owned(),
            _ => "one origin per list item".to_owned(),
        },
        Fact::WildcardWithCredentials { written_in } => match written_in {
            OriginList::NginxAnnotation { key } => {
                format!("`{key}: \"{FRONTEND}\"` (nginx then reflects the matching origin)")
            }
            OriginList::TraefikProvider { prefix } => {
                format!("`{prefix}/cors-allow-origin: \"{FRONTEND}\"` (or Traefik 3.6.22+)")
            }
            OriginList::TraefikMiddleware => "list the frontend origins explicitly (or upgrade to 3.6.22+)".to_owned(),
            _ => "list the frontend origins explicitly".to_owned(),
        },
        Fact::ReflectsAnyOrigin { written_in } => match written_in {
            OriginList::ContourAllowOrigin => "list the frontend origins in `allowOrigin`".to_owned(),
            OriginList::TraefikMiddleware => {
                "list the frontend origins in accessControlAllowOriginList instead of `*`".to_owned()
            }
            OriginList::TraefikProvider { prefix } => format!("`{prefix}/cors-allow-origin: \"{FRONTEND}\"`"),
            _ => "list the frontend origins".to_owned(),
        },
        Fact::NoVaryOrigin { written_in } => match written_in {
            OriginList::NginxAnnotation { .. } => "make caches vary on Origin, or add the header in the backend".to_owned(),
            OriginList::TraefikMiddleware => "addVaryHeader: true".to_owned(),
            _ => return None,
        },
        Fact::WildcardLiteral { written_in: OriginList::TraefikMiddleware } => {
            "use accessControlAllowOriginListRegex with an anchored pattern such as `^https://[a-z0-9-]+\\.example\\.com$`".to_owned()
        }
        Fact::WildcardLiteral { .. } => "list the subdomain origins explicitly".to_owned(),
        Fact::OriginRegexUnanchored { regex } => {
            format!("anchor it: `^{}$`", regex.trim_start_matches('^').trim_end_matches('$'))
        }
    })
}

/// A finding of `rule` at the registry's severity.
fn finding(rule: RuleId, location: Location, message: String, fix: Option<String>) -> IngressFinding {
    IngressFinding { rule: rule.as_str(), severity: rule.severity(), location, message, fix }
}

/// Judges one controller fact: its rule, the registry's severity, the fix.
pub fn judge_fact(f: &ConfigFact) -> IngressFinding {
    finding(rule_of(&f.fact), f.location.clone(), f.message.clone(), fix_of(&f.fact))
}

/// Whether a route's facts include one that falls under `rule`.
fn has_fact(route: &IngressRoute, rule: RuleId) -> bool {
    route.notes.iter().any(|n| rule_of(&n.fact) == rule)
}

/// Judges every route of `report` for every frontend and browser. Takes the report by value: the
/// routes move into the analysis (10 000 Ingress objects make cloning them a visible cost).
pub fn analyse(report: IngressReport, opts: &IngressAnalysisOptions) -> IngressAnalysis {
    let mut out = IngressAnalysis { errors: report.errors, skipped: report.skipped, ..IngressAnalysis::default() };
    out.findings.extend(report.findings.iter().map(judge_fact));
    out.routes.reserve(report.routes.len());
    for route in report.routes {
        out.findings.extend(route.notes.iter().map(judge_fact));
        let rv = analyse_route(route, opts, &mut out.findings);
        out.routes.push(rv);
    }
    out
}

/// The first literal stretch of a path (up to any regex metacharacter), so a request URL can be built
/// for regex and wildcard paths.
fn literal_path(path: &str) -> String {
    let end = path.find(['(', ')', '[', ']', '*', '+', '?', '$', '^', '|', '{', '}', '\\']).unwrap_or(path.len());
    let p = &path[..end];
    if p.starts_with('/') {
        p.to_owned()
    } else {
        format!("/{p}")
    }
}

fn analyse_route(
    route: IngressRoute,
    opts: &IngressAnalysisOptions,
    findings: &mut Vec<IngressFinding>,
) -> RouteVerdicts {
    let mut rv = RouteVerdicts { route, origins: Vec::new(), skipped: None };
    judge_route(&mut rv, opts, findings);
    rv
}

fn judge_route(rv: &mut RouteVerdicts, opts: &IngressAnalysisOptions, findings: &mut Vec<IngressFinding>) {
    let route = &rv.route;
    security_findings(route, findings);
    let Some(host) = route.host.as_deref().or(opts.default_host.as_deref()) else {
        rv.skipped = Some(
            "the route matches every host; verdicts need a host name (include the parent Gateway, or pass --host)"
                .to_owned(),
        );
        return;
    };
    let host = host.replacen('*', "wildcard", 1);
    let https = route.tls || opts.tls_at_lb || route.tls_unknown;
    let scheme = if https { "https" } else { "http" };
    let url = match Url::parse(&format!("{scheme}://{host}{}", literal_path(&route.path))) {
        Ok(u) => u,
        Err(e) => {
            rv.skipped = Some(format!("host `{host}` and path `{}` make no URL ({e})", route.path));
            return;
        }
    };
    for origin in &opts.frontends {
        let ov = judge_origin(route, &url, origin, opts);
        if ov.mixed_content_blocked {
            mixed_content_finding(route, &ov, findings);
        } else {
            origin_findings(route, &ov, findings);
        }
        rv.origins.push(ov);
    }
    let cross_origin: Vec<&str> = rv
        .origins
        .iter()
        .filter(|o| !o.mixed_content_blocked && o.url_origin_differs())
        .map(|o| o.origin.as_str())
        .collect();
    if route.cors.is_none() && !cross_origin.is_empty() {
        findings.push(finding(
            RuleId::CorsLeftToBackend,
            route.location.clone(),
            format!(
                "{}: the {} proxy adds no CORS headers, so the backend must answer {} (actual requests and preflights; preflights reach any pod)",
                route_name(route),
                route.controller,
                cross_origin.join(", ")
            ),
            Some("make every pod answer CORS statelessly, or configure CORS at the proxy".to_owned()),
        ));
    }
}

fn is_cross_site(origin: &Origin, url: &Url) -> bool {
    let target = Origin::of_url(url);
    if origin.scheme() != target.scheme() {
        return true;
    }
    let dom = |o: &Origin| {
        o.host().map(|h| {
            let h = h.to_string();
            registrable_domain(&h).map(str::to_owned).unwrap_or(h).to_ascii_lowercase()
        })
    };
    dom(origin) != dom(&target)
}

fn judge_origin(route: &IngressRoute, url: &Url, origin: &Origin, opts: &IngressAnalysisOptions) -> OriginVerdicts {
    let origin_s = origin.serialize();
    let (actual, preflight) = match &route.cors {
        Some(p) => {
            let (a, pf) = predicted_answers(p, &origin_s);
            (Some(a), Some(pf))
        }
        None => (None, None),
    };
    let mut browsers = Vec::new();
    let mut mixed_blocked = false;
    for &b in &opts.browsers {
        // A variant written only for some user agents counts for the profiles whose User-Agent the
        // controller's own test picks; a condition without a test stays unjudged.
        let ua = profile_user_agent(b);
        let cookies: Vec<&PredictedCookie> = route
            .affinity
            .iter()
            .filter(|c| c.condition.is_none() || c.user_agents.is_some_and(|t| t.applies_to(ua)))
            .collect();
        let mut v = BrowserVerdict {
            browser: b,
            stored: None,
            sent: None,
            websocket_sent: None,
            cors_ok: None,
            preflight_ok: None,
            reasons: Vec::new(),
        };
        if mixed_content::check(origin, url, Destination::Fetch, b) == MixedContent::Blocked {
            // The request never leaves the browser: no cookie is stored or sent, nothing is readable.
            mixed_blocked = true;
            let has_cookie = !route.affinity.is_empty();
            v.stored = has_cookie.then_some(false);
            v.sent = has_cookie.then_some(false);
            v.websocket_sent = has_cookie.then_some(false);
            v.cors_ok = Some(false);
            v.preflight_ok = route.cors.is_some().then_some(false);
            v.reasons.push(format!(
                "mixed-content: fetch() and WebSocket from the https: page {} to {} are blocked (mixed content)",
                origin.serialize(),
                url.as_str()
            ));
            browsers.push(v);
            continue;
        }
        if !cookies.is_empty() {
            let (mut st, mut se, mut ws) = (false, false, false);
            for c in &cookies {
                let r = judge_cookie(c, url, origin, b, opts.now);
                st |= r.0;
                se |= r.1;
                ws |= r.2;
                for reason in r.3 {
                    let line = if cookies.len() > 1 { format!("{}: {reason}", c.name) } else { reason };
                    if !v.reasons.contains(&line) {
                        v.reasons.push(line);
                    }
                }
            }
            v.stored = Some(st);
            v.sent = Some(se);
            v.websocket_sent = Some(ws);
        }
        if let (Some(a), Some(pf)) = (&actual, &preflight) {
            judge_cors(url, origin, a, pf, b, &mut v);
        }
        browsers.push(v);
    }
    OriginVerdicts {
        origin: origin_s,
        cross_site: is_cross_site(origin, url),
        url: url.to_string(),
        actual,
        preflight,
        mixed_content_blocked: mixed_blocked,
        browsers,
    }
}

/// The User-Agent each profile stands for (current stable releases; Safari's macOS version is frozen
/// at 10_15_7 in its User-Agent), used only to pick controller variants that depend on it.
pub fn profile_user_agent(b: Browser) -> &'static str {
    match b {
        Browser::Chrome | Browser::Chrome3pcBlocked => {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
        }
        Browser::Firefox => "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
        Browser::Safari => {
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15"
        }
    }
}

/// (stored, sent, websocket_sent, reasons) for one cookie line.
fn judge_cookie(
    c: &PredictedCookie,
    url: &Url,
    origin: &Origin,
    b: Browser,
    now: Timestamp,
) -> (bool, bool, bool, Vec<String>) {
    let mut reasons = Vec::new();
    let mut jar = CookieJar::new(b);
    let fetch = RequestContext::new(RequestKind::Fetch, "GET", url.clone(), Some(origin.clone()), now)
        .with_credentials(CredentialsMode::Include);
    let set = jar.set_from_response(&c.set_cookie_line, &fetch);
    for e in set.status.exclusions() {
        reasons.push(format!("set: {e}"));
    }
    if set.deleted || (!set.stored && set.status.is_included()) {
        reasons
            .push("set: expired on arrival (Max-Age/Expires not in the future), so the cookie is deleted".to_owned());
    }
    let included = |r: &crate::model::jar::Retrieval| r.included.iter().any(|a| a.cookie.name == c.name);
    let excluded_reasons = |r: &crate::model::jar::Retrieval, step: &str, out: &mut Vec<String>| {
        for a in r.excluded.iter().filter(|a| a.cookie.name == c.name) {
            for e in a.status.exclusions() {
                out.push(format!("{step}: {e}"));
            }
        }
    };
    let next = jar.retrieve(&fetch);
    let sent = included(&next);
    excluded_reasons(&next, "send", &mut reasons);
    let mut ws_url = url.clone();
    let _ = ws_url.set_scheme(if url.scheme() == "https" { "wss" } else { "ws" });
    let ws_ctx = RequestContext::new(RequestKind::WebSocket, "GET", ws_url, Some(origin.clone()), now);
    let ws = jar.retrieve(&ws_ctx);
    let ws_sent = included(&ws);
    excluded_reasons(&ws, "websocket", &mut reasons);
    if set.stored && !sent && !reasons.iter().any(|r| r.starts_with("send:")) {
        reasons.push(format!("send: not sent to {}", url.path()));
    }
    (set.stored, sent, ws_sent, reasons)
}

fn judge_cors(
    url: &Url,
    origin: &Origin,
    actual: &PredictedAnswer,
    preflight: &PredictedAnswer,
    b: Browser,
    v: &mut BrowserVerdict,
) {
    let actual_resp = CorsResponse::new(200, Headers(actual.headers.clone()));
    let simple = CorsRequest::new(origin.clone(), url.clone(), "GET").with_credentials(CredentialsMode::Include);
    let verdict = evaluate(&simple, None, std::slice::from_ref(&actual_resp), b);
    v.cors_ok = Some(verdict.ok);
    for e in verdict.errors() {
        v.reasons.push(format!("cors: {}", e.error.as_str()));
    }
    if preflight.answered_by == "ingress" {
        let pf_resp = CorsResponse::new(preflight.status.unwrap_or(200), Headers(preflight.headers.clone()));
        let req = CorsRequest::new(origin.clone(), url.clone(), "POST")
            .with_credentials(CredentialsMode::Include)
            .with_header("Content-Type", "application/json");
        let verdict = evaluate(&req, Some(&pf_resp), std::slice::from_ref(&actual_resp), b);
        v.preflight_ok = Some(verdict.ok);
        if let Some(p) = &verdict.preflight {
            for e in &p.errors {
                v.reasons.push(format!("preflight: {}", e.error.as_str()));
            }
        }
    } else {
        v.reasons.push("preflight: answered by the backend (passed through by the proxy)".to_owned());
    }
}

/// Whether the proxy's matcher accepts `origin` for this entry.
pub fn origin_matches(p: &OriginPattern, origin: &str) -> bool {
    let pat = p.pattern.as_str();
    match p.matching {
        OriginMatch::Exact => pat == origin,
        OriginMatch::ExactCaseInsensitive => pat.eq_ignore_ascii_case(origin),
        OriginMatch::OneLabelWildcard | OriginMatch::AnyLabelsWildcard => {
            let Some((prefix, suffix)) = pat.split_once('*') else {
                return pat.eq_ignore_ascii_case(origin);
            };
            let lower = origin.to_ascii_lowercase();
            let (prefix, suffix) = (prefix.to_ascii_lowercase(), suffix.to_ascii_lowercase());
            if lower.len() < prefix.len() + suffix.len() || !lower.starts_with(&prefix) || !lower.ends_with(&suffix) {
                return false;
            }
            let middle = &lower[prefix.len()..lower.len() - suffix.len()];
            let one_label = p.matching == OriginMatch::OneLabelWildcard;
            !middle.is_empty()
                && !middle.starts_with('.')
                && !middle.ends_with('.')
                && middle.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || (!one_label && c == '.'))
        }
        OriginMatch::RegexAnchored | OriginMatch::RegexUnanchored => {
            let full = if p.matching == OriginMatch::RegexAnchored { format!("^(?:{pat})$") } else { pat.to_owned() };
            match Regex::builder().syntax(syntax::Config::new().utf8(true)).build(&full) {
                Ok(re) => re.is_match(origin),
                Err(_) => false,
            }
        }
        OriginMatch::Prefix => origin.starts_with(pat),
    }
}

/// The CORS answers (actual, preflight) the proxy gives `origin`.
pub fn predicted_answers(p: &CorsPolicy, origin: &str) -> (PredictedAnswer, PredictedAnswer) {
    let acao = match &p.allow_origins {
        AllowOrigins::Any => Some("*".to_owned()),
        AllowOrigins::Reflect => Some(origin.to_owned()),
        AllowOrigins::Fixed { value } => Some(value.clone()),
        AllowOrigins::List { origins } => origins.iter().any(|o| origin_matches(o, origin)).then(|| origin.to_owned()),
        _ => None,
    };
    let matched = acao.is_some();
    let mut common = Vec::new();
    if let Some(v) = &acao {
        common.push(Header::new("Access-Control-Allow-Origin", v.clone()));
        if p.allow_credentials {
            common.push(Header::new("Access-Control-Allow-Credentials", "true"));
        }
    }
    let mut actual = common.clone();
    if matched {
        if let Some(e) = &p.expose_headers {
            actual.push(Header::new("Access-Control-Expose-Headers", e.clone()));
        }
        if p.vary_origin {
            actual.push(Header::new("Vary", "Origin"));
        }
    }
    let mut pre = common;
    if matched {
        if let Some(m) = &p.allow_methods {
            pre.push(Header::new("Access-Control-Allow-Methods", m.clone()));
        }
        if let Some(h) = &p.allow_headers {
            pre.push(Header::new("Access-Control-Allow-Headers", h.clone()));
        }
        if let Some(a) = p.max_age {
            pre.push(Header::new("Access-Control-Max-Age", a.to_string()));
        }
        if p.vary_origin {
            pre.push(Header::new("Vary", "Origin"));
        }
    }
    let actual = PredictedAnswer { answered_by: "backend", status: None, headers: actual };
    let preflight = if p.answers_preflight && (matched || !p.unmatched_preflight_forwarded) {
        PredictedAnswer { answered_by: "ingress", status: Some(p.preflight_status.unwrap_or(200)), headers: pre }
    } else {
        PredictedAnswer { answered_by: "backend", status: None, headers: pre }
    };
    (actual, preflight)
}

fn security_pattern(o: &OriginPattern) -> AllowOriginPattern {
    match o.matching {
        OriginMatch::OneLabelWildcard | OriginMatch::AnyLabelsWildcard => {
            AllowOriginPattern::Wildcard(o.pattern.clone())
        }
        OriginMatch::RegexAnchored => AllowOriginPattern::Regex {
            pattern: o.pattern.clone(),
            semantics: RegexSemantics::FullMatch,
            case_insensitive: false,
        },
        OriginMatch::RegexUnanchored => AllowOriginPattern::Regex {
            pattern: o.pattern.clone(),
            semantics: RegexSemantics::Search,
            case_insensitive: false,
        },
        OriginMatch::Prefix => AllowOriginPattern::Regex {
            pattern: format!("^{}", regex_escape(&o.pattern)),
            semantics: RegexSemantics::Search,
            case_insensitive: false,
        },
        _ => AllowOriginPattern::Exact(o.pattern.clone()),
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The reader's rule that already reports an issue class, so the security check does not repeat it.
fn covered_by(class: IssueClass) -> Option<RuleId> {
    Some(match class {
        IssueClass::WildcardWithCredentials => RuleId::CorsWildcardWithCredentials,
        IssueClass::CommaSeparatedOrigins => RuleId::CorsCommaSeparatedOrigins,
        IssueClass::MissingVaryOrigin => RuleId::CorsNoVaryOrigin,
        IssueClass::UnanchoredPattern => RuleId::CorsOriginRegexUnanchored,
        IssueClass::OriginReflected => RuleId::CorsReflectsAnyOrigin,
        IssueClass::WildcardSubdomain => RuleId::CorsWildcardTooDeep,
        _ => return None,
    })
}

fn security_findings(route: &IngressRoute, findings: &mut Vec<IngressFinding>) {
    let Some(p) = &route.cors else { return };
    let loc = p.origins_location.clone().unwrap_or_else(|| route.location.clone());
    let patterns: Vec<AllowOriginPattern> = match &p.allow_origins {
        AllowOrigins::List { origins } => origins.iter().map(security_pattern).collect(),
        _ => return,
    };
    for pat in patterns {
        for issue in check_pattern(&pat, route.tls, p.allow_credentials) {
            if covered_by(issue.class).is_some_and(|r| has_fact(route, r)) {
                continue;
            }
            // The registry's severity, as for the same rule on a capture; how exploitable the
            // issue is (its risk class) is in the message.
            let f = finding(
                RuleId::CorsMisconfiguration,
                loc.clone(),
                format!("{}: allowed origin {}: {}", route_name(route), describe(&pat), issue.message),
                Some(
                    "list exact origins (`https://app.example`), anchor regexes with `^…$` and escape dots".to_owned(),
                ),
            );
            if !findings.contains(&f) {
                findings.push(f);
            }
        }
    }
}

fn describe(p: &AllowOriginPattern) -> String {
    match p {
        AllowOriginPattern::Exact(s) | AllowOriginPattern::Wildcard(s) => format!("`{s}`"),
        AllowOriginPattern::Regex { pattern, .. } => format!("regex `{pattern}`"),
    }
}

/// `host/path` for messages.
pub fn route_name(route: &IngressRoute) -> String {
    format!("{}{}", route.host.as_deref().unwrap_or("*"), route.path)
}

fn browsers_list(bs: &[Browser]) -> String {
    bs.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", ")
}

/// The annotation or field to change for a cookie that must work cross-site, per controller.
fn cookie_fix(route: &IngressRoute) -> String {
    match route.controller {
        Controller::IngressNginx => "`nginx.ingress.kubernetes.io/session-cookie-samesite: \"None\"` (exactly `None`) and `nginx.ingress.kubernetes.io/session-cookie-secure: \"true\"`; keep `session-cookie-path` a plain prefix".to_owned(),
        Controller::Traefik => "sticky cookie `sameSite: none` and `secure: true` (Service annotations `traefik.ingress.kubernetes.io/service.sticky.cookie.samesite`/`.secure`, or the IngressRoute `sticky.cookie`)".to_owned(),
        Controller::Istio => "Istio 1.28+: `httpCookie.attributes: [{name: SameSite, value: None}, {name: Secure}]`".to_owned(),
        Controller::AwsAlb => "rely on the `AWSALBCORS` twin over an HTTPS listener, or use an application cookie with `SameSite=None; Secure`".to_owned(),
        Controller::Contour => format!("`cookieRewritePolicies: [{{name: {}, secure: true, sameSite: None}}]` on the route", route.affinity.first().map_or("<cookie>", |c| c.name.as_str())),
        Controller::GatewayApi => "sessionPersistence has no SameSite field: use the implementation's own policy, or serve the API same-site with the frontend".to_owned(),
        _ => "the affinity cookie needs `SameSite=None; Secure` (or serve the API same-site with the frontend)".to_owned(),
    }
}

fn origin_findings(route: &IngressRoute, ov: &OriginVerdicts, findings: &mut Vec<IngressFinding>) {
    let name = route_name(route);
    // Cookie: only cross-site frontends need SameSite=None; a same-site frontend gets no such advice.
    if ov.cross_site && !route.affinity.is_empty() {
        let failing: Vec<&BrowserVerdict> =
            ov.browsers.iter().filter(|v| v.stored == Some(false) || v.sent == Some(false)).collect();
        if !failing.is_empty() {
            let cookie = &route.affinity[0];
            let loc = cookie.source_locations.first().cloned().unwrap_or_else(|| route.location.clone());
            // Only third-party blocking (Safari ITP, Chrome with 3PC blocked) left: the ingress cannot fix it.
            // Only cookie reasons count (CORS and preflight failures have fixes of their own), and with
            // several cookies (AWSALB + AWSALBCORS) it is enough that one of them fails only that way.
            let is_3pc = |r: &str| {
                [Exclusion::ThirdPartyBlockedByItp, Exclusion::UserPreferences, Exclusion::ThirdPartyPhaseout]
                    .iter()
                    .any(|e| r.ends_with(e.as_str()))
            };
            let multi = route.affinity.iter().filter(|c| c.condition.is_none()).count() > 1;
            let only_3pc = failing.iter().all(|v| {
                let cookie_reasons: Vec<&String> =
                    v.reasons.iter().filter(|r| !r.starts_with("cors:") && !r.starts_with("preflight:")).collect();
                if !multi {
                    return !cookie_reasons.is_empty() && cookie_reasons.iter().all(|r| is_3pc(r));
                }
                route.affinity.iter().filter(|c| c.condition.is_none()).any(|c| {
                    let prefix = format!("{}: ", c.name);
                    let mine: Vec<&&String> = cookie_reasons.iter().filter(|r| r.starts_with(&prefix)).collect();
                    !mine.is_empty() && mine.iter().all(|r| is_3pc(r))
                })
            });
            let mut reasons: Vec<&str> = failing
                .iter()
                .flat_map(|v| v.reasons.iter())
                .filter(|r| !r.starts_with("cors:") && !r.starts_with("preflight:"))
                .map(String::as_str)
                .collect();
            reasons.sort_unstable();
            reasons.dedup();
            let bs: Vec<Browser> = failing.iter().map(|v| v.browser).collect();
            // Only third-party cookie blocking stops it: that is `third-party-cookie-blocked` (a
            // warning: it is the browser's or the user's setting, not the configuration).
            let (rule, fix) = if only_3pc {
                (
                    RuleId::ThirdPartyCookieBlocked,
                    "nothing in the ingress fixes third-party cookie blocking: serve the API same-site with the frontend (e.g. api.<frontend domain>), or use a partitioned cookie where the controller can write one".to_owned(),
                )
            } else {
                (RuleId::AffinityCookieCrossSiteBlocked, cookie_fix(route))
            };
            findings.push(finding(
                rule,
                loc,
                format!(
                    "affinity cookie `{}` on {name} is not kept for credentialed fetch() from {} in {}: {}",
                    cookie.name,
                    ov.origin,
                    browsers_list(&bs),
                    reasons.join(", ")
                ),
                Some(fix),
            ));
        }
    }
    let Some(policy) = &route.cors else { return };
    let origins_loc = policy.origins_location.clone().unwrap_or_else(|| route.location.clone());
    let errs = |prefix: &str| -> Vec<(Browser, String)> {
        ov.browsers
            .iter()
            .flat_map(|v| {
                v.reasons.iter().filter_map(move |r| r.strip_prefix(prefix).map(|e| (v.browser, e.to_owned())))
            })
            .filter(|(_, e)| CorsError::parse(e).is_some())
            .collect()
    };
    let mut all = errs("cors: ");
    all.extend(errs("preflight: "));
    if all.is_empty() {
        return;
    }
    let mut names: Vec<String> = all.iter().map(|(_, e)| e.clone()).collect();
    names.sort();
    names.dedup();
    let bs: Vec<Browser> = ov.browsers.iter().map(|v| v.browser).filter(|b| all.iter().any(|(x, _)| x == b)).collect();
    let not_allowed = names.iter().any(|n| n.contains("MissingAllowOriginHeader") || n.contains("AllowOriginMismatch"));
    // The reader already reports `*` with credentials at the annotation; do not say it twice.
    if has_fact(route, RuleId::CorsWildcardWithCredentials)
        && names.iter().all(|n| n.contains("WildcardOriginNotAllowed"))
    {
        return;
    }
    let preflight_only = all.iter().all(|(_, e)| e.starts_with("Preflight") || e.contains("Preflight"));
    let modelled = if names.iter().any(|n| n.contains("DisallowedByPreflightResponse")) {
        " (the preflighted request modelled is a POST with `Content-Type: application/json`)"
    } else {
        ""
    };
    let (rule, msg, fix) = if not_allowed {
        (
            RuleId::CorsOriginNotAllowed,
            format!("{name}: origin {} is not in the allowed origins, so the proxy sends no Access-Control-Allow-Origin and the credentialed read fails", ov.origin),
            format!("add `{}` to the allowed origins", ov.origin),
        )
    } else {
        (
            RuleId::CorsCheckFailed,
            format!(
                "{name}: a credentialed {}fetch() from {} fails the CORS check{modelled}",
                if preflight_only { "preflighted " } else { "" },
                ov.origin
            ),
            if names.iter().any(|n| n.contains("Wildcard")) {
                format!("allow the exact origin `{}` instead of `*`", ov.origin)
            } else if !modelled.is_empty() {
                "list the request headers the frontend sends (e.g. `Content-Type`) in the allowed headers".to_owned()
            } else {
                "see the reasons; the predicted headers are listed under the route".to_owned()
            },
        )
    };
    // Point at what to change: the allowed headers for a header the preflight did not allow, the
    // allowed origins otherwise (not at whichever annotation happened to be read last).
    let loc = if !not_allowed && !modelled.is_empty() {
        policy.headers_location.clone().unwrap_or(origins_loc)
    } else {
        origins_loc
    };
    findings.push(finding(rule, loc, format!("{msg} in {}: {}", browsers_list(&bs), names.join(", ")), Some(fix)));
}

/// The fix for a route served over plain HTTP, per controller: where TLS is configured.
fn tls_fix(route: &IngressRoute) -> String {
    let host = route.host.as_deref().unwrap_or("<host>");
    let tail = "; if TLS ends at a load balancer in front of the proxy, pass --tls-terminates-at lb";
    let how = match route.controller {
        Controller::IngressNginx => format!("list `{host}` under the Ingress's `spec.tls`"),
        Controller::Traefik => "set `traefik.ingress.kubernetes.io/router.tls: \"true\"` (or `tls:` on the IngressRoute, or route it on the `websecure` entry point)".to_owned(),
        Controller::AwsAlb => "add an HTTPS listener: `alb.ingress.kubernetes.io/listen-ports: '[{\"HTTPS\": 443}]'` with `alb.ingress.kubernetes.io/certificate-arn`".to_owned(),
        Controller::Gke => "attach a certificate: `networking.gke.io/managed-certificates` or `spec.tls`".to_owned(),
        Controller::GatewayApi => "attach the route to a Gateway listener with `protocol: HTTPS` and `tls.certificateRefs`".to_owned(),
        Controller::Istio => "bind the VirtualService to an Istio Gateway server with `port.protocol: HTTPS` and `tls.mode: SIMPLE`".to_owned(),
        Controller::Contour => "give the root HTTPProxy `spec.virtualhost.tls.secretName`".to_owned(),
    };
    format!("{how}{tail}")
}

fn mixed_content_finding(route: &IngressRoute, ov: &OriginVerdicts, findings: &mut Vec<IngressFinding>) {
    let bs: Vec<Browser> = ov
        .browsers
        .iter()
        .filter(|v| v.reasons.iter().any(|r| r.starts_with("mixed-content:")))
        .map(|v| v.browser)
        .collect();
    let what = if route.affinity.is_empty() { "" } else { " (so its affinity cookie is never stored or sent)" };
    findings.push(finding(
        RuleId::MixedContentBlocked,
        route.location.clone(),
        format!(
            "{}: no TLS is configured for this route, so the https: frontend {} would call {}; fetch() and WebSocket to it are blocked as mixed content in {}{what}",
            route_name(route),
            ov.origin,
            ov.url,
            browsers_list(&bs)
        ),
        Some(tls_fix(route)),
    ));
}

impl OriginVerdicts {
    fn url_origin_differs(&self) -> bool {
        Url::parse(&self.url).map(|u| Origin::of_url(&u).serialize() != self.origin).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(p: &str, m: OriginMatch) -> OriginPattern {
        OriginPattern { pattern: p.to_owned(), matching: m }
    }

    #[test]
    fn one_label_wildcards_match_exactly_one_label() {
        let p = pat("https://*.example.com", OriginMatch::OneLabelWildcard);
        assert!(origin_matches(&p, "https://app.example.com"));
        assert!(origin_matches(&p, "https://APP.Example.com"));
        assert!(!origin_matches(&p, "https://a.b.example.com"));
        assert!(!origin_matches(&p, "https://example.com"));
        assert!(!origin_matches(&p, "https://evil-example.com"));
        let any = pat("https://*.example.com", OriginMatch::AnyLabelsWildcard);
        assert!(origin_matches(&any, "https://a.b.example.com"));
    }

    #[test]
    fn regexes_follow_their_anchoring() {
        let un = pat(r"https://app\.example\.com", OriginMatch::RegexUnanchored);
        assert!(origin_matches(&un, "https://app.example.com.evil.net"));
        let an = pat(r"https://app\.example\.com", OriginMatch::RegexAnchored);
        assert!(!origin_matches(&an, "https://app.example.com.evil.net"));
        assert!(origin_matches(&an, "https://app.example.com"));
        assert!(!origin_matches(&pat("(", OriginMatch::RegexAnchored), "("));
    }

    #[test]
    fn literal_paths_stop_at_regex_characters() {
        assert_eq!(literal_path("/api(/|$)(.*)"), "/api");
        assert_eq!(literal_path("/"), "/");
        assert_eq!(literal_path("foo"), "/foo");
    }
}
