//! Gateway API: HTTPRoute `sessionPersistence` (experimental channel only) and the CORS filter
//! (experimental 1.3–1.4, standard from 1.5), reference/ingress.md §5.
//!
//! The API leaves the cookie's form to the implementation. Which implementation serves a route
//! is read from the parent Gateway's `gatewayClassName` when that Gateway is in the input;
//! otherwise Envoy Gateway is assumed (the implementation the reference documents in detail).

use super::common::parse_duration_secs;
use super::yaml::{Node, Value};
use super::{
    AllowOrigins, ConfigFact, Controller, CorsPolicy, Fact, IngressReport, IngressRoute, Manifests, Missing, Object,
    OriginList, OriginMatch, OriginPattern, PredictOptions, PredictedCookie, Unsupported,
};
use crate::evidence::Location;
use std::path::Path;

/// Placeholder for Envoy's stateful-session cookie value (base64 of the upstream address).
pub const VALUE_PLACEHOLDER: &str = "<base64-upstream>";

/// The Gateway API implementation behind a route; the cookie differs between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Implementation {
    EnvoyGateway,
    Kgateway,
    Istio,
    Traefik,
    NginxGatewayFabric,
    Gke,
    AwsLbc,
}

impl Implementation {
    fn name(self) -> &'static str {
        match self {
            Implementation::EnvoyGateway => "Envoy Gateway",
            Implementation::Kgateway => "kgateway",
            Implementation::Istio => "Istio",
            Implementation::Traefik => "Traefik",
            Implementation::NginxGatewayFabric => "NGINX Gateway Fabric",
            Implementation::Gke => "GKE Gateway",
            Implementation::AwsLbc => "AWS Load Balancer Controller",
        }
    }

    fn supports_cors(self) -> bool {
        !matches!(self, Implementation::Traefik | Implementation::Gke | Implementation::AwsLbc)
    }
}

fn implementation_of(m: &Manifests, route: &Object) -> Implementation {
    let parents = route.node.path(&["spec", "parentRefs"]).map(Node::items).unwrap_or_default();
    for p in parents {
        let ns = p.str_at(&["namespace"]).unwrap_or(&route.namespace);
        let Some(name) = p.str_at(&["name"]) else { continue };
        let Some(gw) = m.find("Gateway", ns, name) else { continue };
        let class = gw.node.str_at(&["spec", "gatewayClassName"]).unwrap_or("").to_ascii_lowercase();
        return if class.contains("kgateway") || class.contains("gloo") {
            Implementation::Kgateway
        } else if class.contains("istio") {
            Implementation::Istio
        } else if class.contains("traefik") {
            Implementation::Traefik
        } else if class.contains("nginx") {
            Implementation::NginxGatewayFabric
        } else if class.starts_with("gke-") {
            Implementation::Gke
        } else if class.contains("aws") || class.contains("alb") {
            Implementation::AwsLbc
        } else {
            Implementation::EnvoyGateway
        };
    }
    Implementation::EnvoyGateway
}

/// The cookie Path Envoy Gateway derives from a rule's first path match (reference §5.1).
fn envoy_gateway_path(match_type: &str, value: &str) -> String {
    match match_type {
        "RegularExpression" => {
            let cut = value.find(['*', '(', '[', '.', '+', '?', '^', '$', '\\', '|']).unwrap_or(value.len());
            let prefix = &value[..cut];
            match prefix.rfind('/') {
                Some(i) if i > 0 => prefix[..i].to_owned(),
                _ => "/".to_owned(),
            }
        }
        _ if value.is_empty() => "/".to_owned(),
        _ => value.to_owned(),
    }
}

fn session_cookie(
    sp: &Node,
    file: &Path,
    imp: Implementation,
    route_name: &str,
    match_type: &str,
    path: &str,
    notes: &mut Vec<ConfigFact>,
) -> Option<PredictedCookie> {
    let loc = sp.field_location(file);
    if sp.str_at(&["type"]).is_some_and(|t| t != "Cookie") {
        return None;
    }
    notes.push(ConfigFact {
        fact: Fact::ExperimentalChannel { session_persistence: true },
        location: loc.clone(),
        message: "sessionPersistence exists only in the experimental-channel HTTPRoute CRD; with the standard CRDs installed the API server prunes it silently and there is no affinity".to_owned(),
    });
    match imp {
        Implementation::EnvoyGateway | Implementation::Kgateway => {}
        other => {
            notes.push(ConfigFact {
                fact: Fact::NotImplemented {
                    setting: Unsupported::SessionPersistence { implementation: other.name().to_owned() },
                },
                location: loc,
                message: format!(
                    "{} does not implement HTTPRoute sessionPersistence; no affinity cookie is set",
                    other.name()
                ),
            });
            return None;
        }
    }
    let name_node = sp.get("sessionName").or_else(|| sp.path(&["cookie", "name"]));
    let name = name_node.and_then(Node::as_str).map_or_else(|| format!("<generated-for-{route_name}>"), str::to_owned);
    let lifetime = sp
        .str_at(&["cookieConfig", "lifetimeType"])
        .or_else(|| sp.str_at(&["cookie", "lifetimeType"]))
        .unwrap_or("Session");
    let ttl =
        if lifetime == "Permanent" { sp.str_at(&["absoluteTimeout"]).and_then(parse_duration_secs) } else { None };
    let explicit_path = sp.str_at(&["cookie", "path"]);
    let cookie_path = match (imp, explicit_path) {
        (_, Some(p)) => Some(p.to_owned()),
        (Implementation::Kgateway, None) => None,
        _ => Some(envoy_gateway_path(match_type, path)),
    };
    if imp == Implementation::Kgateway && cookie_path.is_none() {
        notes.push(ConfigFact {
            fact: Fact::SessionCookieNoPath,
            location: sp.field_location(file),
            message: "kgateway writes the session cookie without a Path, so browsers scope it to the request's directory and keep one cookie per directory (kgateway-dev/kgateway#14123)".to_owned(),
        });
    }
    if match_type == "RegularExpression" && explicit_path.is_none() && imp == Implementation::EnvoyGateway {
        notes.push(ConfigFact {
            fact: Fact::RegexPrefixCookiePath,
            location: sp.field_location(file),
            message: format!("Envoy Gateway uses the literal prefix of the regex `{path}` as the cookie Path ({}); requests outside it get a new cookie", cookie_path.as_deref().unwrap_or("/")),
        });
    }
    // Envoy: name="value"; Max-Age=ttl; Path=path; HttpOnly (no SameSite/Secure knob).
    let mut line = format!("{name}=\"{VALUE_PLACEHOLDER}\"");
    if let Some(t) = ttl.filter(|t| *t > 0) {
        line.push_str(&format!("; Max-Age={t}"));
    }
    if let Some(p) = &cookie_path {
        line.push_str(&format!("; Path={p}"));
    }
    line.push_str("; HttpOnly");
    Some(PredictedCookie {
        set_cookie_line: line,
        name,
        path: cookie_path,
        domain: None,
        secure: false,
        http_only: true,
        same_site: None,
        max_age: ttl.filter(|t| *t > 0),
        expires_after_secs: None,
        condition: None,
        user_agents: None,
        unconfirmed: Some("Envoy's stateful-session cookie value encoding and quoting are taken from Envoy's cookie helper; not checked against a capture".to_owned()),
        source_locations: vec![sp.field_location(file)],
    })
}

fn cors_filter(
    f: &Node,
    file: &Path,
    version: super::ControllerVersion,
    imp: Implementation,
    notes: &mut Vec<ConfigFact>,
) -> Option<CorsPolicy> {
    let c = f.get("cors")?;
    let loc = f.location(file);
    if !version.at_least(1, 3, 0) {
        notes.push(ConfigFact {
            fact: Fact::NotImplemented { setting: Unsupported::GatewayCorsFilter },
            location: loc,
            message: format!(
                "the HTTPRoute CORS filter arrived in Gateway API 1.3 (experimental); {version} rejects or drops it"
            ),
        });
        return None;
    }
    if !imp.supports_cors() {
        notes.push(ConfigFact {
            fact: Fact::NotImplemented { setting: Unsupported::CorsConformance },
            location: loc,
            message: format!("{} does not claim HTTPRouteCORS conformance; no CORS headers are predicted", imp.name()),
        });
        return None;
    }
    if !version.at_least(1, 5, 0) {
        notes.push(ConfigFact {
            fact: Fact::ExperimentalChannel { session_persistence: false },
            location: f.location(file),
            message: format!(
                "in Gateway API {version} the CORS filter is experimental-channel only (standard from 1.5)"
            ),
        });
    }
    let credentials = matches!(c.get("allowCredentials").map(|n| &n.value), Some(Value::Bool(true)));
    let mut patterns = Vec::new();
    let mut any = false;
    let mut sources = vec![c.field_location(file)];
    for o in c.get("allowOrigins").map(Node::items).unwrap_or_default() {
        let Some(s) = o.as_str() else { continue };
        sources.push(o.location(file));
        if s == "*" {
            any = true;
        } else {
            if s.contains(',') {
                notes.push(ConfigFact {
                    fact: Fact::CommaSeparatedOrigins { written_in: OriginList::GatewayAllowOrigins },
                    location: o.location(file),
                    message: format!("`{s}` is one allowOrigins entry; entries are single origins, so this one matches nothing (or fails validation)"),
                });
            }
            patterns.push(OriginPattern {
                pattern: s.to_owned(),
                matching: if s.contains('*') { OriginMatch::AnyLabelsWildcard } else { OriginMatch::Exact },
            });
        }
    }
    if any && credentials {
        notes.push(ConfigFact {
            fact: Fact::ReflectsAnyOrigin { written_in: OriginList::GatewayAllowOrigins },
            location: c.field_location(file),
            message: "`*` with allowCredentials makes the gateway echo any request Origin with credentials allowed: every site can make credentialed reads".to_owned(),
        });
    }
    let origins = if any {
        if credentials {
            AllowOrigins::Reflect
        } else {
            AllowOrigins::Any
        }
    } else if patterns.is_empty() {
        AllowOrigins::Nothing
    } else {
        AllowOrigins::List { origins: patterns }
    };
    let join = |k: &str| {
        let v: Vec<String> =
            c.get(k).map(Node::items).unwrap_or_default().iter().filter_map(Node::scalar_text).collect();
        (!v.is_empty()).then(|| v.join(", "))
    };
    let max_age = c.get("maxAge").and_then(Node::scalar_text).and_then(|s| s.parse().ok()).or(Some(5));
    let envoy = matches!(imp, Implementation::EnvoyGateway | Implementation::Istio | Implementation::Kgateway);
    Some(CorsPolicy {
        allow_origins: origins,
        allow_credentials: credentials,
        allow_methods: join("allowMethods"),
        allow_headers: join("allowHeaders"),
        expose_headers: join("exposeHeaders"),
        max_age,
        vary_origin: false,
        answers_preflight: true,
        preflight_status: Some(if envoy { 200 } else { 204 }),
        unmatched_preflight_forwarded: envoy,
        origins_location: c
            .get("allowOrigins")
            .map(|n| n.field_location(file))
            .or_else(|| Some(c.field_location(file))),
        headers_location: c
            .get("allowHeaders")
            .map(|n| n.field_location(file))
            .or_else(|| Some(c.field_location(file))),
        source_locations: sources,
    })
}

/// A listener of a parent Gateway that a route attaches to.
struct Listener {
    gateway: String,
    name: String,
    hostname: Option<String>,
    https: bool,
}

/// The listeners of the route's parent Gateways that are in the input (filtered by `sectionName`
/// and `port` when the parentRef gives them), and whether any parent Gateway was found.
fn parent_listeners(m: &Manifests, route: &Object) -> (bool, Vec<Listener>) {
    let mut found = false;
    let mut out = Vec::new();
    for p in route.node.path(&["spec", "parentRefs"]).map(Node::items).unwrap_or_default() {
        if p.str_at(&["kind"]).is_some_and(|k| k != "Gateway") {
            continue;
        }
        let ns = p.str_at(&["namespace"]).unwrap_or(&route.namespace);
        let Some(name) = p.str_at(&["name"]) else { continue };
        let Some(gw) = m.find("Gateway", ns, name) else { continue };
        found = true;
        let section = p.str_at(&["sectionName"]);
        let port = p.get("port").and_then(Node::scalar_text);
        for l in gw.node.path(&["spec", "listeners"]).map(Node::items).unwrap_or_default() {
            let lname = l.str_at(&["name"]).unwrap_or("");
            if section.is_some_and(|s| s != lname) {
                continue;
            }
            if port.as_deref().is_some_and(|p| l.get("port").and_then(Node::scalar_text).as_deref() != Some(p)) {
                continue;
            }
            let protocol = l.str_at(&["protocol"]).unwrap_or("HTTP");
            if !matches!(protocol, "HTTP" | "HTTPS") {
                continue;
            }
            out.push(Listener {
                gateway: gw.id(),
                name: lname.to_owned(),
                hostname: l.str_at(&["hostname"]).map(str::to_owned),
                https: protocol == "HTTPS",
            });
        }
    }
    (found, out)
}

fn listener_host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        // Gateway API: a wildcard listener matches any number of labels before the suffix.
        Some(rest) => {
            host.len() > rest.len() + 1
                && host.to_ascii_lowercase().ends_with(&format!(".{}", rest.to_ascii_lowercase()))
        }
        None => pattern.eq_ignore_ascii_case(host),
    }
}

/// Predicts every rule × match of an HTTPRoute.
pub(crate) fn predict_http_route(m: &Manifests, o: &Object, opts: &PredictOptions, report: &mut IngressReport) {
    let file = m.file(o);
    let version = opts.version(Controller::GatewayApi);
    let imp = implementation_of(m, o);
    let (gateway_found, listeners) = parent_listeners(m, o);
    let hosts: Vec<Option<String>> = match o.node.path(&["spec", "hostnames"]).map(Node::items) {
        Some(h) if !h.is_empty() => h.iter().map(|n| n.as_str().map(str::to_owned)).collect(),
        // No hostnames: the route serves every hostname of the listeners it attaches to.
        _ if !listeners.is_empty() => {
            let mut hs: Vec<Option<String>> = Vec::new();
            for l in &listeners {
                if !hs.contains(&l.hostname) {
                    hs.push(l.hostname.clone());
                }
            }
            hs
        }
        _ => vec![None],
    };
    let tls_unknown = !gateway_found && super::common::tls_override(opts).is_none();
    let tls_of = |host: Option<&str>| -> (bool, Option<String>) {
        if let Some(t) = super::common::tls_override(opts) {
            return t;
        }
        let https = listeners.iter().find(|l| {
            l.https
                && match (&l.hostname, host) {
                    (None, _) => true,
                    (Some(p), Some(h)) => listener_host_matches(p, h) || p.eq_ignore_ascii_case(h),
                    (Some(_), None) => true,
                }
        });
        match https {
            Some(l) => (true, Some(format!("{} listener `{}` (HTTPS)", l.gateway, l.name))),
            None => (false, None),
        }
    };
    if !gateway_found && o.node.path(&["spec", "hostnames"]).map(Node::items).is_none_or(<[Node]>::is_empty) {
        if let Some(h) = &opts.default_host {
            report.findings.push(ConfigFact {
                fact: Fact::ReferenceMissing { missing: Missing::GatewayListeners },
                location: o.node.location(file),
                message: format!(
                    "{}: no hostnames and its parent Gateway is not in the input; judged as `{h}` (from --host)",
                    o.id()
                ),
            });
        }
    }
    for rule in o.node.path(&["spec", "rules"]).map(Node::items).unwrap_or_default() {
        let matches = rule.get("matches").map(Node::items).unwrap_or_default();
        let mut paths: Vec<(String, String, Location)> = matches
            .iter()
            .map(|mt| {
                let p = mt.get("path");
                (
                    p.and_then(|p| p.str_at(&["type"])).unwrap_or("PathPrefix").to_owned(),
                    p.and_then(|p| p.str_at(&["value"])).unwrap_or("/").to_owned(),
                    mt.location(file),
                )
            })
            .collect();
        if paths.is_empty() {
            paths.push(("PathPrefix".to_owned(), "/".to_owned(), rule.location(file)));
        }
        for host in &hosts {
            let (tls, tls_source) = tls_of(host.as_deref());
            for (mtype, path, loc) in &paths {
                let mut route = IngressRoute {
                    location: loc.clone(),
                    object: o.id(),
                    host: host.clone(),
                    path: path.clone(),
                    path_type: Some(mtype.clone()),
                    controller: Controller::GatewayApi,
                    controller_version: version,
                    tls,
                    tls_source: tls_source.clone(),
                    tls_unknown,
                    affinity: Vec::new(),
                    cors: None,
                    notes: Vec::new(),
                };
                if let Some(sp) = rule.get("sessionPersistence") {
                    if let Some(c) = session_cookie(sp, file, imp, &o.name, mtype, path, &mut route.notes) {
                        route.affinity.push(c);
                    }
                }
                for f in rule.get("filters").map(Node::items).unwrap_or_default() {
                    if f.str_at(&["type"]) == Some("CORS") {
                        route.cors = cors_filter(f, file, version, imp, &mut route.notes);
                    }
                }
                // Envoy Gateway policies attached to the route (or its Gateway): consistent-hash
                // cookie, CORS. The route's own filter wins over SecurityPolicy CORS.
                if matches!(imp, Implementation::EnvoyGateway) {
                    for p in policies_for(m, o) {
                        let pfile = m.file(p);
                        match p.kind.as_str() {
                            "BackendTrafficPolicy" if route.affinity.is_empty() => {
                                if let Some(c) = btp_cookie(p, pfile, &mut route.notes) {
                                    route.affinity.push(c);
                                }
                            }
                            "SecurityPolicy" if route.cors.is_none() => {
                                if let Some(c) = p.node.path(&["spec", "cors"]) {
                                    route.cors = Some(security_policy_cors(c, pfile, &mut route.notes));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                // Istio serving Gateway API routes applies the backend's DestinationRule.
                if route.affinity.is_empty() && (imp == Implementation::Istio || !gateway_found) {
                    for b in rule.get("backendRefs").map(Node::items).unwrap_or_default() {
                        let Some(name) = b.str_at(&["name"]) else { continue };
                        let ns = b.str_at(&["namespace"]).unwrap_or(&o.namespace);
                        if let Some(dr) = super::istio::destination_rule_for(m, name, ns) {
                            let iv = opts.version(Controller::Istio);
                            if let Some(c) = super::istio::http_cookie(dr, None, m.file(dr), iv, &mut route.notes) {
                                if imp != Implementation::Istio {
                                    route.notes.push(ConfigFact {
                                        fact: Fact::ReferenceMissing { missing: Missing::Gateway },
                                        location: loc.clone(),
                                        message: format!("{}: the parent Gateway is not in the input; DestinationRule {} for backend `{name}` is applied, as Istio does when it serves the route", o.id(), dr.id()),
                                    });
                                }
                                route.affinity.push(c);
                                break;
                            }
                        }
                    }
                }
                if !route.affinity.is_empty() && route.cors.is_some() {
                    route.notes.push(ConfigFact {
                        fact: Fact::PreflightNotSticky { backend_answers: false },
                        location: loc.clone(),
                        message: "preflights carry no cookies: the gateway answers allowed ones itself and forwards others to any backend".to_owned(),
                    });
                }
                report.routes.push(route);
            }
        }
    }
}

/// The `targetRefs` (or legacy `targetRef`) of an Envoy Gateway policy.
fn target_refs(p: &Object) -> Vec<&Node> {
    let mut out: Vec<&Node> =
        p.node.path(&["spec", "targetRefs"]).map(Node::items).unwrap_or_default().iter().collect();
    if let Some(t) = p.node.path(&["spec", "targetRef"]) {
        out.push(t);
    }
    out
}

/// Envoy Gateway `BackendTrafficPolicy` / `SecurityPolicy` objects that target this HTTPRoute, or
/// one of its parent Gateways (a route-level policy first: it overrides the Gateway's).
fn policies_for<'m>(m: &'m Manifests, route: &Object) -> Vec<&'m Object> {
    let parents: Vec<(String, String)> = route
        .node
        .path(&["spec", "parentRefs"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            Some((p.str_at(&["namespace"]).unwrap_or(&route.namespace).to_owned(), p.str_at(&["name"])?.to_owned()))
        })
        .collect();
    let mut direct = Vec::new();
    let mut via_gateway = Vec::new();
    for p in m.objects.iter().filter(|p| matches!(p.kind.as_str(), "BackendTrafficPolicy" | "SecurityPolicy")) {
        for t in target_refs(p) {
            let (kind, name) = (t.str_at(&["kind"]).unwrap_or(""), t.str_at(&["name"]).unwrap_or(""));
            if kind == "HTTPRoute" && p.namespace == route.namespace && name == route.name {
                direct.push(p);
            } else if kind == "Gateway" && parents.iter().any(|(ns, n)| *ns == p.namespace && n == name) {
                via_gateway.push(p);
            }
        }
    }
    direct.extend(via_gateway);
    direct
}

/// The consistent-hash cookie of a `BackendTrafficPolicy` (Envoy writes it only when `ttl` is set).
fn btp_cookie(p: &Object, file: &Path, notes: &mut Vec<ConfigFact>) -> Option<PredictedCookie> {
    let lb = p.node.path(&["spec", "loadBalancer"])?;
    if lb.str_at(&["type"]) != Some("ConsistentHash") || lb.str_at(&["consistentHash", "type"]) != Some("Cookie") {
        return None;
    }
    let c = lb.path(&["consistentHash", "cookie"])?;
    let loc = c.field_location(file);
    let name = c.str_at(&["name"]).unwrap_or("").to_owned();
    let Some(ttl_node) = c.get("ttl") else {
        notes.push(ConfigFact {
            fact: Fact::CookieNotGenerated { controller: Controller::GatewayApi },
            location: loc,
            message: format!("{}: a consistent-hash cookie without `ttl` only hashes on an existing cookie; Envoy never sets `{name}`, so there is no affinity unless the application sets it", p.id()),
        });
        return None;
    };
    let ttl = ttl_node.scalar_text().and_then(|t| parse_duration_secs(&t)).unwrap_or(0);
    let mut line = format!("{name}=\"<hash>\"");
    if ttl > 0 {
        line.push_str(&format!("; Max-Age={ttl}"));
    }
    let (mut secure, mut same_site, mut domain, mut path) = (false, None, None, None);
    let mut sources = vec![loc.clone(), ttl_node.location(file)];
    if let Some(attrs) = c.get("attributes") {
        for (k, v) in attrs.entries() {
            let Some(k) = k.as_str() else { continue };
            let v = v.scalar_text().unwrap_or_default();
            sources.push(attrs.location(file));
            if v.is_empty() {
                line.push_str(&format!("; {k}"));
            } else {
                line.push_str(&format!("; {k}={v}"));
            }
            match k.to_ascii_lowercase().as_str() {
                "secure" => secure = true,
                "samesite" => same_site = Some(v),
                "domain" => domain = Some(v),
                "path" => path = Some(v),
                _ => {}
            }
        }
    }
    line.push_str("; HttpOnly");
    if same_site.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("none")) && !secure {
        notes.push(ConfigFact {
            fact: Fact::SameSiteNoneWithoutSecure { controller: Controller::GatewayApi },
            location: loc,
            message: format!(
                "{}: the cookie attributes give SameSite=None without Secure; browsers reject the cookie",
                p.id()
            ),
        });
    }
    Some(PredictedCookie {
        set_cookie_line: line,
        name,
        path,
        domain,
        secure,
        http_only: true,
        same_site,
        max_age: (ttl > 0).then_some(ttl),
        expires_after_secs: None,
        condition: None,
        user_agents: None,
        unconfirmed: Some("Envoy Gateway sets no cookie Path for the hash cookie (Envoy then omits it); the order of `attributes` follows the map as written".to_owned()),
        source_locations: sources,
    })
}

/// An Envoy Gateway `SecurityPolicy.cors`: Envoy's CORS filter (origin reflected, allowed preflights
/// answered 200, others forwarded, no `Vary: Origin`).
fn security_policy_cors(c: &Node, file: &Path, notes: &mut Vec<ConfigFact>) -> CorsPolicy {
    let credentials = matches!(c.get("allowCredentials").map(|n| &n.value), Some(Value::Bool(true)));
    let mut sources = vec![c.field_location(file)];
    let mut any = None;
    let mut patterns = Vec::new();
    for o in c.get("allowOrigins").map(Node::items).unwrap_or_default() {
        let Some(s) = o.as_str() else { continue };
        sources.push(o.location(file));
        if s == "*" {
            any = Some(o.location(file));
        } else {
            patterns.push(OriginPattern {
                pattern: s.to_owned(),
                matching: if s.contains('*') { OriginMatch::AnyLabelsWildcard } else { OriginMatch::Exact },
            });
        }
    }
    if let (Some(l), true) = (&any, credentials) {
        notes.push(ConfigFact {
            fact: Fact::ReflectsAnyOrigin { written_in: OriginList::GatewayAllowOrigins },
            location: l.clone(),
            message: "`*` with allowCredentials: Envoy echoes any request Origin with credentials allowed, so every site can make credentialed reads".to_owned(),
        });
    }
    let origins = if any.is_some() {
        AllowOrigins::Reflect
    } else if patterns.is_empty() {
        AllowOrigins::Nothing
    } else {
        AllowOrigins::List { origins: patterns }
    };
    let join = |k: &str| {
        let v: Vec<String> =
            c.get(k).map(Node::items).unwrap_or_default().iter().filter_map(Node::scalar_text).collect();
        (!v.is_empty()).then(|| v.join(","))
    };
    CorsPolicy {
        allow_origins: origins,
        allow_credentials: credentials,
        allow_methods: join("allowMethods"),
        allow_headers: join("allowHeaders"),
        expose_headers: join("exposeHeaders"),
        max_age: c.get("maxAge").and_then(Node::scalar_text).and_then(|s| parse_duration_secs(&s)),
        vary_origin: false,
        answers_preflight: true,
        preflight_status: Some(200),
        unmatched_preflight_forwarded: true,
        origins_location: c
            .get("allowOrigins")
            .map(|n| n.field_location(file))
            .or_else(|| Some(c.field_location(file))),
        headers_location: c
            .get("allowHeaders")
            .map(|n| n.field_location(file))
            .or_else(|| Some(c.field_location(file))),
        source_locations: sources,
    }
}

/// A policy whose target is not in the input is said so (its cookie or CORS would otherwise vanish).
pub(crate) fn check_policy_target(m: &Manifests, p: &Object, report: &mut IngressReport) {
    for t in target_refs(p) {
        let (kind, name) = (t.str_at(&["kind"]).unwrap_or(""), t.str_at(&["name"]).unwrap_or(""));
        if matches!(kind, "HTTPRoute" | "Gateway") && m.find(kind, &p.namespace, name).is_none() {
            report.findings.push(ConfigFact {
                fact: Fact::ReferenceMissing { missing: Missing::PolicyTarget },
                location: t.location(m.file(p)),
                message: format!(
                    "{}: its target {kind} `{}/{name}` is not in the input, so what it sets is not predicted",
                    p.id(),
                    p.namespace
                ),
            });
        }
    }
}
