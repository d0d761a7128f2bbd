//! Traefik (v2/v3): sticky cookies from Service annotations (Kubernetes Ingress provider) and
//! IngressRoute/TraefikService CRDs, CORS from the Headers middleware
//! (reference/ingress.md §2).
//!
//! Version gates: `maxAge` from 3.0, `path` from 3.3, `domain` from 3.4; SameSite matched in
//! lower case only before 3.6.14 (capitalised values silently dropped) and rejected by the CRD
//! enum 3.4–3.6.13; `*` + credentials reflects the origin from 3.6.22.

use super::common::{cookie_date, parse_go_bool, Annotations, RouteCtx};
use super::yaml::Node;
use super::{
    AllowOrigins, ConfigFact, Controller, ControllerVersion, CorsPolicy, Fact, Fallback, IngressReport, IngressRoute,
    Manifests, Missing, Object, OriginList, OriginMatch, OriginPattern, PredictOptions, PredictedCookie, Unsupported,
};
use crate::evidence::Location;
use crate::model::time::Timestamp;
use std::path::Path;

/// Annotation prefix of Traefik's Kubernetes Ingress provider.
pub const PREFIX: &str = "traefik.ingress.kubernetes.io";
/// Placeholder for the default cookie name: `_` + the first hex digits of sha1 of the internal
/// service name (whose exact form is not confirmed, so it is not computed).
pub const DEFAULT_NAME_PLACEHOLDER: &str = "_<sha1>";
/// Placeholder for the cookie value (16 hex digits of sha256 of the server URL).
pub const VALUE_PLACEHOLDER: &str = "<sha256>";

/// Sticky-cookie settings, whichever object they came from.
#[derive(Default)]
struct Sticky {
    name: Option<(String, Location)>,
    secure: Option<(bool, Location)>,
    http_only: Option<(bool, Location)>,
    same_site: Option<(String, Location)>,
    max_age: Option<(i64, Location)>,
    path: Option<(String, Location)>,
    domain: Option<(String, Location)>,
    /// Seconds after issue (ingress-nginx provider only, Traefik 3.7+).
    expires: Option<(i64, Location)>,
    origin: Option<Location>,
    from_crd: bool,
}

fn sanitize_name(n: &str) -> String {
    n.chars()
        .map(|c| {
            let token = c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
            if token {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Reads `service.sticky.cookie*` annotations of a Service (keys matched case-insensitively).
fn sticky_from_service(ann: &Annotations<'_>, notes: &mut Vec<ConfigFact>) -> Option<Sticky> {
    let get = |k: &str| {
        let full = format!("{PREFIX}/service.sticky.cookie{k}");
        ann.list.iter().rev().find(|a| a.key.eq_ignore_ascii_case(&full))
    };
    let on = get("")?;
    let bool_of = |k: &str, notes: &mut Vec<ConfigFact>| {
        let a = get(k)?;
        match parse_go_bool(a.value.trim()) {
            Some(b) => Some((b, ann.loc(a))),
            None => {
                notes.push(invalid(ann.loc(a), a.key, &a.value, "true or false"));
                None
            }
        }
    };
    let enabled = parse_go_bool(on.value.trim()).unwrap_or(false);
    if !enabled {
        return None;
    }
    let mut s = Sticky { origin: Some(ann.loc(on)), ..Sticky::default() };
    s.name = get(".name").map(|a| (a.value.clone(), ann.loc(a)));
    s.secure = bool_of(".secure", notes);
    s.http_only = bool_of(".httponly", notes);
    s.same_site = get(".samesite").map(|a| (a.value.clone(), ann.loc(a)));
    if let Some(a) = get(".maxage") {
        match a.value.trim().parse() {
            Ok(n) => s.max_age = Some((n, ann.loc(a))),
            Err(_) => notes.push(invalid(ann.loc(a), a.key, &a.value, "an integer")),
        }
    }
    s.path = get(".path").map(|a| (a.value.clone(), ann.loc(a)));
    s.domain = get(".domain").map(|a| (a.value.clone(), ann.loc(a)));
    Some(s)
}

fn invalid(location: Location, key: &str, value: &str, expected: &str) -> ConfigFact {
    ConfigFact {
        fact: Fact::ValueFellBack { value: Fallback::TraefikAnnotation { expected: expected.to_owned() } },
        location,
        message: format!("`{key}: \"{value}\"` is not {expected}; Traefik fails to read this service's configuration or ignores the value"),
    }
}

/// Reads a CRD `sticky.cookie` mapping.
fn sticky_from_crd(node: &Node, file: &Path) -> Sticky {
    let loc = |n: &Node| n.location(file);
    let s_of = |k: &str| node.get(k).and_then(|n| n.scalar_text().map(|v| (v, loc(n))));
    let b_of = |k: &str| {
        node.get(k).and_then(|n| match &n.value {
            super::yaml::Value::Bool(b) => Some((*b, loc(n))),
            _ => n.as_str().and_then(parse_go_bool).map(|b| (b, loc(n))),
        })
    };
    Sticky {
        name: s_of("name"),
        secure: b_of("secure"),
        http_only: b_of("httpOnly"),
        same_site: s_of("sameSite"),
        max_age: node.get("maxAge").and_then(|n| n.scalar_text()?.parse().ok().map(|v| (v, loc(n)))),
        path: s_of("path"),
        domain: s_of("domain"),
        expires: None,
        origin: Some(node.field_location(file)),
        from_crd: true,
    }
}

fn build_cookie(
    s: &Sticky,
    version: ControllerVersion,
    issued_at: Timestamp,
    notes: &mut Vec<ConfigFact>,
) -> PredictedCookie {
    let mut sources: Vec<Location> = s.origin.iter().cloned().collect();
    let name = match &s.name {
        Some((n, l)) => {
            sources.push(l.clone());
            sanitize_name(n)
        }
        None => DEFAULT_NAME_PLACEHOLDER.to_owned(),
    };
    let mut path = "/".to_owned();
    if let Some((p, l)) = &s.path {
        sources.push(l.clone());
        if version.at_least(3, 3, 0) {
            path = p.clone();
        } else {
            notes.push(unsupported(l, "path", "3.3", version));
        }
    }
    let mut domain = None;
    if let Some((d, l)) = &s.domain {
        sources.push(l.clone());
        if version.at_least(3, 4, 0) {
            domain = Some(d.trim_start_matches('.').to_owned()).filter(|d| !d.is_empty());
        } else {
            notes.push(unsupported(l, "domain", "3.4", version));
        }
    }
    let mut max_age = None;
    if let Some((m, l)) = &s.max_age {
        sources.push(l.clone());
        if !version.at_least(3, 0, 0) {
            notes.push(unsupported(l, "maxAge", "3.0", version));
        } else if *m < 0 {
            max_age = Some(0);
            notes.push(ConfigFact {
                fact: Fact::CookieMaxAgeZero { key: None },
                location: l.clone(),
                message: format!(
                    "maxAge {m} makes Traefik write `Max-Age=0`, which deletes the cookie at once: no affinity"
                ),
            });
        } else if *m > 0 {
            max_age = Some(*m);
        }
    }
    let secure = s.secure.as_ref().is_some_and(|(b, _)| *b);
    let http_only = s.http_only.as_ref().is_some_and(|(b, _)| *b);
    for (_, l) in s.secure.iter().chain(s.http_only.iter()) {
        sources.push(l.clone());
    }
    let mut same_site = None;
    if let Some((v, l)) = &s.same_site {
        sources.push(l.clone());
        let lower = v.to_ascii_lowercase();
        let canonical = match lower.as_str() {
            "none" => Some("None"),
            "lax" => Some("Lax"),
            "strict" => Some("Strict"),
            _ => None,
        };
        let case_ok = version.at_least(3, 6, 14) || v == &lower;
        if s.from_crd && v != &lower && version.at_least(3, 4, 0) && !version.at_least(3, 6, 14) {
            notes.push(ConfigFact {
                fact: Fact::SameSiteRejectedByCrd { canonical: lower.to_string() },
                location: l.clone(),
                message: format!("Traefik {version}'s CRD only accepts `none`, `lax` or `strict` in lower case; `sameSite: {v}` is rejected at admission"),
            });
        } else if canonical.is_some() && !case_ok {
            notes.push(ConfigFact {
                fact: Fact::SameSiteCaseDropped { key: None, canonical: lower.to_string() },
                location: l.clone(),
                message: format!("Traefik before 3.6.14 only recognises lower-case SameSite values; `{v}` silently gives a cookie without SameSite"),
            });
        } else if canonical.is_none() {
            notes.push(invalid(l.clone(), "sameSite", v, "none, lax or strict"));
        } else if version.at_least(2, 1, 9) {
            same_site = canonical;
        }
    }
    if same_site == Some("None") && !secure {
        notes.push(ConfigFact {
            fact: Fact::SameSiteNoneWithoutSecure { controller: Controller::Traefik },
            location: s.same_site.as_ref().map(|(_, l)| l.clone()).unwrap_or_default(),
            message: "Traefik never adds Secure by itself (not even on TLS entrypoints); SameSite=None without Secure is rejected by browsers".to_owned(),
        });
    }
    let mut line = format!("{name}={VALUE_PLACEHOLDER}; Path={path}");
    if let Some(d) = &domain {
        line.push_str(&format!("; Domain={d}"));
    }
    let mut expires = None;
    if let Some((e, l)) = &s.expires {
        sources.push(l.clone());
        if version.at_least(3, 7, 0) {
            expires = Some(*e);
            line.push_str(&format!("; Expires={}", cookie_date(issued_at.plus_secs(*e), false)));
            notes.push(ConfigFact {
                fact: Fact::CookieExpiresFixed,
                location: l.clone(),
                message: format!("Traefik computes the sticky cookie's Expires once, when the load balancer is built (at each configuration reload), not per response: {e} s after a reload every Set-Cookie carries a date in the past and browsers delete the cookie at once, until the next reload"),
            });
        } else {
            notes.push(unsupported(l, "Expires (session-cookie-expires)", "3.7", version));
        }
    }
    if let Some(m) = max_age {
        line.push_str(&format!("; Max-Age={m}"));
    }
    if http_only {
        line.push_str("; HttpOnly");
    }
    if secure {
        line.push_str("; Secure");
    }
    if let Some(ss) = same_site {
        line.push_str(&format!("; SameSite={ss}"));
    }
    PredictedCookie {
        set_cookie_line: line,
        name,
        path: Some(path),
        domain,
        secure,
        http_only,
        same_site: same_site.map(str::to_owned),
        max_age,
        expires_after_secs: expires,
        condition: None,
        user_agents: None,
        unconfirmed: None,
        source_locations: sources,
    }
}

fn unsupported(l: &Location, field: &str, since: &str, version: ControllerVersion) -> ConfigFact {
    ConfigFact {
        fact: Fact::NotImplemented { setting: Unsupported::TraefikStickyField { since: since.to_owned() } },
        location: l.clone(),
        message: format!("sticky cookie `{field}` needs Traefik {since}; {version} ignores it"),
    }
}

/// Reads a Middleware's `headers` CORS settings.
fn cors_from_middleware(
    mw: &Node,
    file: &Path,
    version: ControllerVersion,
    notes: &mut Vec<ConfigFact>,
) -> Option<CorsPolicy> {
    let h = mw.path(&["spec", "headers"])?;
    let keys = [
        "accessControlAllowCredentials",
        "accessControlAllowHeaders",
        "accessControlAllowMethods",
        "accessControlAllowOriginList",
        "accessControlAllowOriginListRegex",
        "accessControlExposeHeaders",
        "accessControlMaxAge",
        "addVaryHeader",
    ];
    if !keys.iter().any(|k| h.get(k).is_some()) {
        return None;
    }
    let mut sources = vec![h.field_location(file)];
    let list = |k: &str| -> Vec<(String, Location)> {
        h.get(k)
            .map(|n| n.items().iter().filter_map(|i| Some((i.scalar_text()?, i.location(file)))).collect())
            .unwrap_or_default()
    };
    let flag = |k: &str| {
        h.get(k).is_some_and(|n| match &n.value {
            super::yaml::Value::Bool(b) => *b,
            _ => n.as_str().and_then(parse_go_bool).unwrap_or(false),
        })
    };
    let credentials = flag("accessControlAllowCredentials");
    let vary = flag("addVaryHeader");
    let mut patterns = Vec::new();
    let mut any = None;
    for (o, l) in list("accessControlAllowOriginList") {
        sources.push(l.clone());
        if o == "*" {
            any = Some(l);
            continue;
        }
        if o.contains(',') {
            notes.push(ConfigFact {
                fact: Fact::CommaSeparatedOrigins { written_in: OriginList::TraefikMiddleware },
                location: l.clone(),
                message: format!("`{o}` is one list entry; Traefik compares each entry with the Origin exactly, so a comma-separated entry never matches"),
            });
        }
        if o.contains('*') {
            notes.push(ConfigFact {
                fact: Fact::WildcardLiteral { written_in: OriginList::TraefikMiddleware },
                location: l.clone(),
                message: format!("`{o}`: accessControlAllowOriginList entries are compared literally, so a `*` inside an origin matches nothing"),
            });
        }
        patterns.push(OriginPattern { pattern: o, matching: OriginMatch::Exact });
    }
    for (re, l) in list("accessControlAllowOriginListRegex") {
        sources.push(l.clone());
        if !(re.starts_with('^') && re.ends_with('$')) {
            notes.push(ConfigFact {
                fact: Fact::OriginRegexUnanchored { regex: re.to_string() },
                location: l.clone(),
                message: format!("`{re}` is searched anywhere in the Origin (Go MatchString); without `^…$` it also matches origins such as `https://attacker.example/?{re}` or a longer host"),
            });
        }
        patterns.push(OriginPattern { pattern: re, matching: OriginMatch::RegexUnanchored });
    }
    let reflect_star = version.at_least(3, 6, 22) && credentials;
    let origins = match any {
        Some(l) => {
            if credentials && !reflect_star {
                notes.push(ConfigFact {
                    fact: Fact::WildcardWithCredentials { written_in: OriginList::TraefikMiddleware },
                    location: l.clone(),
                    message: format!("Traefik {version} sends `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`; browsers reject credentialed responses with a wildcard origin (fixed in 3.6.22, which reflects the origin)"),
                });
            }
            if reflect_star {
                notes.push(ConfigFact {
                    fact: Fact::ReflectsAnyOrigin { written_in: OriginList::TraefikMiddleware },
                    location: l.clone(),
                    message: format!("Traefik {version} answers `*` with credentials by echoing the request Origin (since 3.6.22): every site can make credentialed reads of this route"),
                });
                AllowOrigins::Reflect
            } else {
                AllowOrigins::Any
            }
        }
        None if patterns.is_empty() => AllowOrigins::Nothing,
        None => AllowOrigins::List { origins: patterns },
    };
    let join = |k: &str| {
        let v = list(k);
        (!v.is_empty()).then(|| v.into_iter().map(|(s, _)| s).collect::<Vec<_>>().join(","))
    };
    let max_age = h
        .get("accessControlMaxAge")
        .and_then(|n| n.scalar_text()?.parse().ok())
        .or((!version.at_least(3, 6, 22)).then_some(0));
    if !vary && matches!(origins, AllowOrigins::List { .. } | AllowOrigins::Reflect) {
        notes.push(ConfigFact {
            fact: Fact::NoVaryOrigin { written_in: OriginList::TraefikMiddleware },
            location: h.field_location(file),
            message: "the origin is reflected but addVaryHeader is false, so no `Vary: Origin`: shared caches can serve one origin's answer to another".to_owned(),
        });
    }
    Some(CorsPolicy {
        allow_origins: origins,
        allow_credentials: credentials,
        allow_methods: join("accessControlAllowMethods"),
        allow_headers: join("accessControlAllowHeaders"),
        expose_headers: join("accessControlExposeHeaders"),
        max_age,
        vary_origin: vary,
        answers_preflight: true,
        preflight_status: Some(200),
        unmatched_preflight_forwarded: false,
        origins_location: h
            .get("accessControlAllowOriginList")
            .or_else(|| h.get("accessControlAllowOriginListRegex"))
            .map(|n| n.field_location(file))
            .or_else(|| Some(h.field_location(file))),
        headers_location: h
            .get("accessControlAllowHeaders")
            .map(|n| n.field_location(file))
            .or_else(|| Some(h.field_location(file))),
        source_locations: sources,
    })
}

/// Finds a Middleware from a `router.middlewares` reference `<namespace>-<name>@kubernetescrd`.
fn middleware_by_ref<'m>(m: &'m Manifests, reference: &str) -> Option<&'m Object> {
    let r = reference.trim();
    let r = r.strip_suffix("@kubernetescrd").unwrap_or(r);
    m.objects.iter().find(|o| o.kind == "Middleware" && format!("{}-{}", o.namespace, o.name) == r)
}

fn sticky_notes(route: &mut IngressRoute, location: Location) {
    if !route.affinity.is_empty() && route.cors.is_some() {
        route.notes.push(ConfigFact {
            fact: Fact::PreflightNotSticky { backend_answers: false },
            location,
            message: "preflights carry no cookies and Traefik answers them itself (200) whether or not the origin matches; they never reach the sticky pod".to_owned(),
        });
    }
}

/// Fills a Traefik-served Ingress route: sticky cookie from the backend Service's annotations,
/// CORS from middlewares referenced by `router.middlewares`.
pub(crate) fn predict_ingress(
    m: &Manifests,
    r: &RouteCtx<'_>,
    ann: &Annotations<'_>,
    version: ControllerVersion,
    opts: &PredictOptions,
    route: &mut IngressRoute,
) {
    if let Some(a) = ann.list.iter().find(|a| a.key.to_ascii_lowercase().starts_with(&format!("{PREFIX}/service."))) {
        route.notes.push(ConfigFact {
            fact: Fact::ServiceAnnotationOnIngress { service: r.service.clone() },
            location: a.key_node.location(r.file),
            message: format!("`{}` is read from the Service, not the Ingress; on {} it is ignored", a.key, r.object),
        });
    }
    let service = r.service.as_deref().and_then(|s| m.find("Service", r.namespace, s));
    if let Some(svc) = service {
        let sann = Annotations::of(m, svc);
        if let Some(s) = sticky_from_service(&sann, &mut route.notes) {
            let c = build_cookie(&s, version, opts.issued_at, &mut route.notes);
            route.affinity.push(c);
        }
    }
    if let Some(a) = ann.get(&format!("{PREFIX}/router.middlewares")) {
        for reference in a.value.split(',') {
            match middleware_by_ref(m, reference) {
                Some(mw) => {
                    if let Some(c) = cors_from_middleware(&mw.node, m.file(mw), version, &mut route.notes) {
                        route.cors = Some(c);
                    }
                }
                None => route.notes.push(ConfigFact {
                    fact: Fact::ReferenceMissing { missing: Missing::Object },
                    location: ann.loc(a),
                    message: format!(
                        "middleware `{}` is not in the input; its CORS headers are not predicted",
                        reference.trim()
                    ),
                }),
            }
        }
    }
    sticky_notes(route, r.location.clone());
}

/// Extracts the argument of the first `Func(`...`)` matcher in a Traefik rule.
fn matcher(rule: &str, funcs: &[&str]) -> Option<(String, String)> {
    for f in funcs {
        let needle = format!("{f}(");
        let mut start = 0;
        while let Some(i) = rule[start..].find(&needle) {
            let at = start + i;
            let before = rule[..at].chars().last();
            if before.is_none_or_alpha() {
                let rest = &rule[at + needle.len()..];
                let rest = rest.trim_start();
                let q = rest.chars().next()?;
                if matches!(q, '`' | '"' | '\'') {
                    let body = &rest[1..];
                    let end = body.find(q)?;
                    return Some(((*f).to_owned(), body[..end].to_owned()));
                }
            }
            start = at + needle.len();
        }
    }
    None
}

trait BeforeOk {
    fn is_none_or_alpha(&self) -> bool;
}
impl BeforeOk for Option<char> {
    fn is_none_or_alpha(&self) -> bool {
        // A matcher name must not be the tail of a longer identifier (`HostRegexp` vs `Host`).
        self.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    }
}

/// Predicts the routes of an IngressRoute CRD (`spec.routes[]`), following TraefikService
/// references for weighted stickiness and Middleware references for CORS.
pub(crate) fn predict_ingress_route(m: &Manifests, o: &Object, opts: &PredictOptions, report: &mut IngressReport) {
    let file = m.file(o);
    let version = opts.version(Controller::Traefik);
    let (tls, tls_source) = match super::common::tls_override(opts) {
        Some(t) => t,
        None if o.node.path(&["spec", "tls"]).is_some() => (true, Some("IngressRoute spec.tls".to_owned())),
        None => {
            let eps = o.node.path(&["spec", "entryPoints"]).map(Node::items).unwrap_or_default();
            if eps.iter().filter_map(Node::as_str).any(|e| e == "websecure") {
                (true, Some("entry point `websecure` (the TLS entry point of Traefik's Helm chart)".to_owned()))
            } else {
                (false, None)
            }
        }
    };
    for rt in o.node.path(&["spec", "routes"]).map(Node::items).unwrap_or_default() {
        let rule = rt.str_at(&["match"]).unwrap_or("");
        let host = matcher(rule, &["Host"]).map(|(_, h)| h);
        let (path_type, path) =
            matcher(rule, &["PathPrefix", "PathRegexp", "Path"]).map_or((None, "/".to_owned()), |(f, p)| (Some(f), p));
        let mut route = IngressRoute {
            location: rt.get("match").unwrap_or(rt).location(file),
            object: o.id(),
            host,
            path,
            path_type,
            controller: Controller::Traefik,
            controller_version: version,
            tls,
            tls_source: tls_source.clone(),
            tls_unknown: false,
            affinity: Vec::new(),
            cors: None,
            notes: Vec::new(),
        };
        for svc in rt.get("services").map(Node::items).unwrap_or_default() {
            let sticky = if svc.str_at(&["kind"]) == Some("TraefikService") {
                let ns = svc.str_at(&["namespace"]).unwrap_or(&o.namespace);
                svc.str_at(&["name"])
                    .and_then(|n| m.find("TraefikService", ns, n))
                    .and_then(|ts| ts.node.path(&["spec", "weighted", "sticky", "cookie"]).map(|c| (c, m.file(ts))))
            } else {
                svc.path(&["sticky", "cookie"]).map(|c| (c, file))
            };
            if let Some((c, f)) = sticky {
                let s = sticky_from_crd(c, f);
                let cookie = build_cookie(&s, version, opts.issued_at, &mut route.notes);
                route.affinity.push(cookie);
            }
        }
        for mw in rt.get("middlewares").map(Node::items).unwrap_or_default() {
            let ns = mw.str_at(&["namespace"]).unwrap_or(&o.namespace);
            let Some(name) = mw.str_at(&["name"]) else { continue };
            match m.find("Middleware", ns, name) {
                Some(mo) => {
                    if let Some(c) = cors_from_middleware(&mo.node, m.file(mo), version, &mut route.notes) {
                        route.cors = Some(c);
                    }
                }
                None => route.notes.push(ConfigFact {
                    fact: Fact::ReferenceMissing { missing: Missing::Object },
                    location: mw.location(file),
                    message: format!(
                        "middleware `{ns}/{name}` is not in the input; its CORS headers are not predicted"
                    ),
                }),
            }
        }
        let loc = route.location.clone();
        sticky_notes(&mut route, loc);
        report.routes.push(route);
    }
}

/// Traefik's "Ingress NGINX" provider (3.5+): the same `nginx.ingress.kubernetes.io/*`
/// annotations, translated to Traefik's own sticky cookie and Headers middleware, so the same
/// YAML emits a different cookie than ingress-nginx (reference §2.4): HttpOnly always, Secure
/// only from the annotation, SameSite lower-cased (so `none` works), Path `/` by default.
pub(crate) fn predict_nginx_provider(
    r: &RouteCtx<'_>,
    ann: &Annotations<'_>,
    version: ControllerVersion,
    opts: &PredictOptions,
    route: &mut IngressRoute,
) {
    let p = &opts.nginx_prefix;
    let get = |k: &str| ann.get(&format!("{p}/{k}"));
    if let Some(aff) = get("affinity").filter(|a| a.value == "cookie") {
        for k in ["session-cookie-conditional-samesite-none", "session-cookie-change-on-failure"] {
            if let Some(a) = get(k) {
                route.notes.push(ConfigFact {
                    fact: Fact::NotImplemented { setting: Unsupported::TraefikProviderAnnotation },
                    location: ann.loc(a),
                    message: format!("Traefik's ingress-nginx provider does not support `{}`; it is ignored", a.key),
                });
            }
        }
        if let Some(a) = get("affinity-mode").filter(|a| a.value == "balanced") {
            route.notes.push(ConfigFact {
                fact: Fact::NotImplemented { setting: Unsupported::TraefikProviderBalanced },
                location: ann.loc(a),
                message: "Traefik's ingress-nginx provider only has the persistent mode; `balanced` is ignored"
                    .to_owned(),
            });
        }
        let loc_of = |a: &super::common::Annotation<'_>| ann.loc(a);
        let int = |k: &str, notes: &mut Vec<ConfigFact>| {
            let a = get(k)?;
            match a.value.trim().parse::<i64>() {
                Ok(n) => Some((n, loc_of(a))),
                Err(_) => {
                    notes.push(invalid(loc_of(a), a.key, &a.value, "an integer"));
                    None
                }
            }
        };
        let sticky = Sticky {
            name: Some(get("session-cookie-name").map_or_else(
                || (super::nginx::DEFAULT_COOKIE_NAME.to_owned(), loc_of(aff)),
                |a| (a.value.clone(), loc_of(a)),
            )),
            secure: get("session-cookie-secure").map(|a| (parse_go_bool(&a.value) == Some(true), loc_of(a))),
            http_only: Some((true, loc_of(aff))),
            same_site: get("session-cookie-samesite").map(|a| (a.value.to_ascii_lowercase(), loc_of(a))),
            max_age: int("session-cookie-max-age", &mut route.notes),
            path: get("session-cookie-path").map(|a| (a.value.clone(), loc_of(a))),
            domain: get("session-cookie-domain").map(|a| (a.value.clone(), loc_of(a))),
            expires: int("session-cookie-expires", &mut route.notes),
            origin: Some(loc_of(aff)),
            from_crd: false,
        };
        if sticky.path.is_none() && r.path != "/" {
            route.notes.push(ConfigFact {
                fact: Fact::CookiePathDiffersFromIngressNginx,
                location: r.location.clone(),
                message: format!(
                    "ingress-nginx would write `Path={}` (the Ingress path); Traefik's provider writes `Path=/`",
                    r.path
                ),
            });
        }
        let c = build_cookie(&sticky, version, opts.issued_at, &mut route.notes);
        route.affinity.push(c);
    }
    if get("enable-cors").is_some_and(|a| parse_go_bool(&a.value) == Some(true)) {
        let en = get("enable-cors").map(|a| ann.loc(a)).unwrap_or_default();
        let origin_ann = get("cors-allow-origin");
        let raw = origin_ann.map_or("*", |a| a.value.as_str());
        let credentials = get("cors-allow-credentials").is_none_or(|a| parse_go_bool(&a.value) != Some(false));
        let entries: Vec<&str> = raw.split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
        let oloc = origin_ann.map_or_else(|| en.clone(), |a| ann.loc(a));
        let star = entries.is_empty() || entries.contains(&"*");
        for e in entries.iter().filter(|e| **e != "*" && e.contains('*')) {
            route.notes.push(ConfigFact {
                fact: Fact::WildcardLiteral { written_in: OriginList::TraefikProvider { prefix: p.to_string() } },
                location: oloc.clone(),
                message: format!("`{e}`: Traefik's ingress-nginx provider compares origins literally, so this wildcard matches nothing (ingress-nginx matched one label)"),
            });
        }
        let origins = if star {
            if credentials && version.at_least(3, 6, 22) {
                route.notes.push(ConfigFact {
                    fact: Fact::ReflectsAnyOrigin { written_in: OriginList::TraefikProvider { prefix: p.to_string() } },
                    location: oloc.clone(),
                    message: format!("Traefik {version} reads `*` (the ingress-nginx default) with credentials as \"echo the request Origin\": every site can make credentialed reads of this route"),
                });
                AllowOrigins::Reflect
            } else {
                if credentials {
                    route.notes.push(ConfigFact {
                        fact: Fact::WildcardWithCredentials { written_in: OriginList::TraefikProvider { prefix: p.to_string() } },
                        location: oloc.clone(),
                        message: format!("Traefik {version} sends `Access-Control-Allow-Origin: *` with credentials allowed (the ingress-nginx defaults); browsers reject credentialed responses"),
                    });
                }
                AllowOrigins::Any
            }
        } else {
            AllowOrigins::List {
                origins: entries
                    .iter()
                    .map(|e| OriginPattern { pattern: (*e).to_owned(), matching: OriginMatch::Exact })
                    .collect(),
            }
        };
        if matches!(origins, AllowOrigins::List { .. } | AllowOrigins::Reflect) {
            route.notes.push(ConfigFact {
                fact: Fact::NoVaryOrigin { written_in: OriginList::TraefikProvider { prefix: p.to_string() } },
                location: oloc.clone(),
                message: "the origin is reflected without `Vary: Origin`".to_owned(),
            });
        }
        let text = |k: &str, d: Option<&str>| get(k).map(|a| a.value.clone()).or(d.map(str::to_owned));
        route.cors = Some(CorsPolicy {
            allow_origins: origins,
            allow_credentials: credentials,
            allow_methods: text("cors-allow-methods", Some(super::nginx::DEFAULT_CORS_METHODS)),
            allow_headers: text("cors-allow-headers", Some(super::nginx::DEFAULT_CORS_HEADERS)),
            expose_headers: text("cors-expose-headers", None),
            max_age: get("cors-max-age")
                .and_then(|a| a.value.trim().parse().ok())
                .or(Some(super::nginx::DEFAULT_CORS_MAX_AGE)),
            vary_origin: false,
            answers_preflight: true,
            preflight_status: Some(200),
            unmatched_preflight_forwarded: false,
            origins_location: Some(oloc.clone()),
            headers_location: get("cors-allow-headers").map(|a| ann.loc(a)).or_else(|| Some(en.clone())),
            source_locations: vec![en, oloc],
        });
    }
    sticky_notes(route, r.location.clone());
}
