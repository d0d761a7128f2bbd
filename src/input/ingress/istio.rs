//! Istio / Envoy: consistent-hash cookies from DestinationRule and the Envoy CORS policy from
//! VirtualService `corsPolicy` (reference/ingress.md §6).
//!
//! Envoy writes `name="<value>"; Max-Age=<ttl>; Path=<path>[; attr[=val]]...; HttpOnly`: the
//! value is quoted (browsers keep the quotes), no Secure or SameSite unless given as
//! `attributes`, which Istio only has from 1.28.

use super::common::parse_duration_secs;
use super::yaml::{Node, Value};
use super::{
    AllowOrigins, ConfigFact, Controller, CorsPolicy, Fact, IngressReport, IngressRoute, Manifests, Missing, Object,
    OriginList, OriginMatch, OriginPattern, PredictOptions, PredictedCookie, Unsupported,
};
use std::path::Path;

/// Placeholder for Envoy's hash cookie value (written inside double quotes).
pub const VALUE_PLACEHOLDER: &str = "<hash>";

/// Whether a DestinationRule `host` names the same service as a route destination `host`
/// (short names, `name.namespace` and FQDNs are all used).
fn same_service(a: &str, b: &str, ns: &str) -> bool {
    let norm = |h: &str| {
        let parts: Vec<&str> = h.split('.').collect();
        match parts.len() {
            1 => format!("{}.{ns}", parts[0]),
            _ => format!("{}.{}", parts[0], parts[1]),
        }
    };
    a == b || norm(a) == norm(b)
}

/// The DestinationRule in the input whose `host` names the service `host` (seen from `ns`).
pub(crate) fn destination_rule_for<'m>(m: &'m Manifests, host: &str, ns: &str) -> Option<&'m Object> {
    m.objects.iter().find(|x| {
        x.kind == "DestinationRule" && x.node.str_at(&["spec", "host"]).is_some_and(|h| same_service(h, host, ns))
    })
}

/// The load-balancer settings that apply to traffic for `subset`: the subset's own
/// `trafficPolicy.loadBalancer` when it has one (it overrides the rule's), else the rule's.
fn load_balancer<'a>(dr: &'a Object, subset: Option<&str>) -> Option<&'a Node> {
    let from_subset = subset.and_then(|name| {
        dr.node
            .path(&["spec", "subsets"])
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .find(|s| s.str_at(&["name"]) == Some(name))
            .and_then(|s| s.path(&["trafficPolicy", "loadBalancer"]))
    });
    from_subset.or_else(|| dr.node.path(&["spec", "trafficPolicy", "loadBalancer"]))
}

/// The cookie a DestinationRule makes Envoy write for traffic to `subset` (or the whole host).
pub(crate) fn http_cookie(
    dr: &Object,
    subset: Option<&str>,
    file: &Path,
    version: super::ControllerVersion,
    notes: &mut Vec<ConfigFact>,
) -> Option<PredictedCookie> {
    let hc = load_balancer(dr, subset)?.path(&["consistentHash", "httpCookie"])?;
    let loc = hc.field_location(file);
    let name = hc.str_at(&["name"]).unwrap_or("").to_owned();
    let Some(ttl_node) = hc.get("ttl") else {
        notes.push(ConfigFact {
            fact: Fact::CookieNotGenerated { controller: Controller::Istio },
            location: loc,
            message: "httpCookie without ttl only hashes on an existing cookie; Envoy never sets it, so there is no affinity unless the application sets the cookie (Istio validation also requires ttl)".to_owned(),
        });
        return None;
    };
    let ttl = ttl_node.scalar_text().and_then(|t| parse_duration_secs(&t)).unwrap_or(0);
    let path = hc.str_at(&["path"]).filter(|p| !p.is_empty()).map(str::to_owned);
    let mut line = format!("{name}=\"{VALUE_PLACEHOLDER}\"");
    if ttl > 0 {
        line.push_str(&format!("; Max-Age={ttl}"));
    }
    if let Some(p) = &path {
        line.push_str(&format!("; Path={p}"));
    }
    let (mut secure, mut same_site, mut domain) = (false, None, None);
    let mut sources = vec![loc.clone(), ttl_node.location(file)];
    if let Some(attrs) = hc.get("attributes") {
        if version.at_least(1, 28, 0) {
            for a in attrs.items() {
                let Some(n) = a.str_at(&["name"]) else { continue };
                let v = a.get("value").and_then(Node::scalar_text).unwrap_or_default();
                sources.push(a.location(file));
                if v.is_empty() {
                    line.push_str(&format!("; {n}"));
                } else {
                    line.push_str(&format!("; {n}={v}"));
                }
                match n.to_ascii_lowercase().as_str() {
                    "secure" => secure = true,
                    "samesite" => same_site = Some(v),
                    "domain" => domain = Some(v),
                    _ => {}
                }
            }
        } else {
            notes.push(ConfigFact {
                fact: Fact::NotImplemented { setting: Unsupported::IstioCookieAttributes },
                location: attrs.field_location(file),
                message: format!("httpCookie.attributes needs Istio 1.28; {version} rejects or drops it, so the cookie has no SameSite or Secure"),
            });
        }
    }
    line.push_str("; HttpOnly");
    if same_site.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("none")) && !secure {
        notes.push(ConfigFact {
            fact: Fact::SameSiteNoneWithoutSecure { controller: Controller::Istio },
            location: loc,
            message: "SameSite=None without Secure: browsers reject the cookie".to_owned(),
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
        unconfirmed: None,
        source_locations: sources,
    })
}

/// The CORS answer of Envoy's CORS filter (Istio `corsPolicy`, Contour `corsPolicy`), once the origins
/// are read: Envoy reflects a matching origin, never adds `Vary: Origin`, and answers preflights itself.
pub(super) fn envoy_cors(
    cp: &Node,
    file: &Path,
    any: bool,
    patterns: Vec<OriginPattern>,
    credentials: bool,
    sources: Vec<crate::evidence::Location>,
    notes: &mut Vec<ConfigFact>,
) -> CorsPolicy {
    let origins = if any {
        AllowOrigins::Reflect
    } else if patterns.is_empty() {
        AllowOrigins::Nothing
    } else {
        AllowOrigins::List { origins: patterns }
    };
    if origins != AllowOrigins::Nothing {
        notes.push(ConfigFact {
            fact: Fact::NoVaryOrigin { written_in: OriginList::EnvoyCorsPolicy },
            location: cp.field_location(file),
            message: "Envoy reflects the request origin but never adds `Vary: Origin`; shared caches can serve one origin's answer to another".to_owned(),
        });
    }
    let join = |k: &str| {
        let v: Vec<String> =
            cp.get(k).map(Node::items).unwrap_or_default().iter().filter_map(Node::scalar_text).collect();
        (!v.is_empty()).then(|| v.join(","))
    };
    CorsPolicy {
        allow_origins: origins,
        allow_credentials: credentials,
        allow_methods: join("allowMethods"),
        allow_headers: join("allowHeaders"),
        expose_headers: join("exposeHeaders"),
        max_age: cp.get("maxAge").and_then(Node::scalar_text).and_then(|s| parse_duration_secs(&s)),
        vary_origin: false,
        answers_preflight: true,
        preflight_status: Some(200),
        unmatched_preflight_forwarded: true,
        origins_location: cp
            .get("allowOrigins")
            .or_else(|| cp.get("allowOrigin"))
            .map(|n| n.field_location(file))
            .or_else(|| Some(cp.field_location(file))),
        headers_location: cp
            .get("allowHeaders")
            .map(|n| n.field_location(file))
            .or_else(|| Some(cp.field_location(file))),
        source_locations: sources,
    }
}

fn cors_policy(cp: &Node, file: &Path, notes: &mut Vec<ConfigFact>) -> CorsPolicy {
    let mut patterns = Vec::new();
    let mut any = false;
    let mut sources = vec![cp.field_location(file)];
    for o in cp.get("allowOrigins").map(Node::items).unwrap_or_default() {
        sources.push(o.location(file));
        let (kind, text) = if let Some(s) = o.str_at(&["exact"]) {
            (OriginMatch::Exact, s)
        } else if let Some(s) = o.str_at(&["prefix"]) {
            (OriginMatch::Prefix, s)
        } else if let Some(s) = o.str_at(&["regex"]) {
            (OriginMatch::RegexAnchored, s)
        } else {
            continue;
        };
        if (kind == OriginMatch::Exact && text == "*") || (kind == OriginMatch::RegexAnchored && text == ".*") {
            any = true;
            continue;
        }
        if text.contains(',') && kind != OriginMatch::RegexAnchored {
            notes.push(ConfigFact {
                fact: Fact::CommaSeparatedOrigins { written_in: OriginList::IstioAllowOrigins },
                location: o.location(file),
                message: format!("`{text}` is matched as one string; Envoy does not split comma-separated origins"),
            });
        }
        patterns.push(OriginPattern { pattern: text.to_owned(), matching: kind });
    }
    // Deprecated `allowOrigin: [..]` (exact strings).
    for o in cp.get("allowOrigin").map(Node::items).unwrap_or_default() {
        if let Some(s) = o.as_str() {
            sources.push(o.location(file));
            if s == "*" {
                any = true;
            } else {
                patterns.push(OriginPattern { pattern: s.to_owned(), matching: OriginMatch::Exact });
            }
        }
    }
    let credentials = matches!(cp.get("allowCredentials").map(|n| &n.value), Some(Value::Bool(true)));
    if any && credentials {
        notes.push(ConfigFact {
            fact: Fact::ReflectsAnyOrigin { written_in: OriginList::IstioAllowOrigins },
            location: cp.field_location(file),
            message: "Envoy echoes any request Origin and allows credentials: every site can make credentialed reads of this API".to_owned(),
        });
    }
    envoy_cors(cp, file, any, patterns, credentials, sources, notes)
}

/// A server of an Istio Gateway that a VirtualService is bound to.
struct Server {
    gateway: String,
    port: String,
    hosts: Vec<String>,
    https: bool,
    mode: String,
}

/// The servers of the Istio Gateways named in `spec.gateways` (`name` in the VirtualService's
/// namespace, or `namespace/name`) that are in the input. `mesh` is the sidecars, not a gateway.
fn gateway_servers(m: &Manifests, vs: &Object) -> Vec<Server> {
    let mut out = Vec::new();
    for g in vs.node.path(&["spec", "gateways"]).map(Node::items).unwrap_or_default() {
        let Some(g) = g.as_str() else { continue };
        if g == "mesh" {
            continue;
        }
        let (ns, name) = g.split_once('/').unwrap_or((&vs.namespace, g));
        let Some(gw) = m.find("Gateway", ns, name) else { continue };
        for srv in gw.node.path(&["spec", "servers"]).map(Node::items).unwrap_or_default() {
            let protocol = srv.str_at(&["port", "protocol"]).unwrap_or("HTTP").to_ascii_uppercase();
            let mode = srv.str_at(&["tls", "mode"]).unwrap_or(if protocol == "HTTPS" { "SIMPLE" } else { "" });
            let redirect_only =
                matches!(srv.path(&["tls", "httpsRedirect"]).map(|n| &n.value), Some(Value::Bool(true)));
            let https = protocol == "HTTPS" && !redirect_only;
            out.push(Server {
                gateway: gw.id(),
                port: srv.path(&["port", "number"]).and_then(Node::scalar_text).unwrap_or_default(),
                hosts: srv
                    .get("hosts")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                    .map(|h| h.split_once('/').map_or(h, |(_, h)| h).to_owned())
                    .collect(),
                https,
                mode: mode.to_owned(),
            });
        }
    }
    out
}

fn istio_host_matches(pattern: &str, host: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_prefix("*.") {
        Some(rest) => host.to_ascii_lowercase().ends_with(&format!(".{}", rest.to_ascii_lowercase())),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

/// Predicts every `http[]` route × match of a VirtualService, with the DestinationRule of the
/// first destination providing the cookie.
pub(crate) fn predict_virtual_service(m: &Manifests, o: &Object, opts: &PredictOptions, report: &mut IngressReport) {
    let file = m.file(o);
    let version = opts.version(Controller::Istio);
    let hosts: Vec<Option<String>> = match o.node.path(&["spec", "hosts"]).map(Node::items) {
        Some(h) if !h.is_empty() => h.iter().map(|n| n.as_str().map(str::to_owned)).collect(),
        _ => vec![None],
    };
    let servers = gateway_servers(m, o);
    // Gateways named but not in the input (or none named: mesh-only): TLS cannot be known.
    let named_gateways = o
        .node
        .path(&["spec", "gateways"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter(|g| g.as_str() != Some("mesh"))
        .count();
    let tls_unknown = super::common::tls_override(opts).is_none() && (named_gateways == 0 || servers.is_empty());
    let tls_of = |host: Option<&str>| -> (bool, Option<String>) {
        if let Some(t) = super::common::tls_override(opts) {
            return t;
        }
        let hit = servers.iter().find(|s| {
            s.https
                && (host.is_none()
                    || s.hosts.is_empty()
                    || s.hosts.iter().any(|p| istio_host_matches(p, host.unwrap_or(""))))
        });
        match hit {
            Some(s) => (true, Some(format!("{} server port {} (TLS mode {})", s.gateway, s.port, s.mode))),
            None => (false, None),
        }
    };
    let mut invalid = false;
    for http in o.node.path(&["spec", "http"]).map(Node::items).unwrap_or_default() {
        let redirect_or_direct =
            http.get("redirect").is_some() || http.get("directResponse").is_some() || http.get("delegate").is_some();
        if http.get("route").map(Node::items).is_none_or(<[Node]>::is_empty) && !redirect_or_direct {
            // The API server's validation (and istioctl analyze) reject an http[] entry with no route,
            // redirect, direct response or delegate: the whole VirtualService is refused.
            invalid = true;
            report.findings.push(ConfigFact {
                    fact: Fact::IstioRouteInvalid,
                    location: http.location(file),
                    message: format!(
                        "{}: an `http` entry needs `route`, `redirect`, `directResponse` or `delegate`{}; Istio's validation rejects the VirtualService, so none of its routes (nor this CORS policy) exist",
                        o.id(),
                        if http.get("corsPolicy").is_some() { " (a `corsPolicy` alone is not a route)" } else { "" }
                    ),
                });
        }
    }
    if invalid {
        return;
    }
    for http in o.node.path(&["spec", "http"]).map(Node::items).unwrap_or_default() {
        let mut paths: Vec<(String, String, &Node)> = Vec::new();
        for mt in http.get("match").map(Node::items).unwrap_or_default() {
            if let Some(uri) = mt.get("uri") {
                for k in ["exact", "prefix", "regex"] {
                    if let Some(v) = uri.str_at(&[k]) {
                        paths.push((k.to_owned(), v.to_owned(), mt));
                    }
                }
            }
        }
        if paths.is_empty() {
            paths.push(("prefix".to_owned(), "/".to_owned(), http));
        }
        let dest = http.get("route").map(Node::items).unwrap_or_default().iter().find_map(|r| {
            r.str_at(&["destination", "host"])
                .map(|h| (h.to_owned(), r.str_at(&["destination", "subset"]).map(str::to_owned)))
        });
        for host in &hosts {
            let (tls, tls_source) = tls_of(host.as_deref());
            for (kind, path, node) in &paths {
                let mut route = IngressRoute {
                    location: node.location(file),
                    object: o.id(),
                    host: host.clone(),
                    path: path.clone(),
                    path_type: Some(kind.clone()),
                    controller: Controller::Istio,
                    controller_version: version,
                    tls,
                    tls_source: tls_source.clone(),
                    tls_unknown,
                    affinity: Vec::new(),
                    cors: None,
                    notes: Vec::new(),
                };
                if let Some((d, subset)) = &dest {
                    if let Some(dr) = destination_rule_for(m, d, &o.namespace) {
                        if let Some(c) = http_cookie(dr, subset.as_deref(), m.file(dr), version, &mut route.notes) {
                            route.affinity.push(c);
                        }
                    }
                }
                if let Some(cp) = http.get("corsPolicy") {
                    route.cors = Some(cors_policy(cp, file, &mut route.notes));
                }
                // With a corsPolicy too, which of the two the browser sees depends on Envoy's filter
                // order, which is not modelled: the policy is kept.
                if route.cors.is_none() {
                    route.cors = header_override(http, file, &mut route.notes);
                }
                if !route.affinity.is_empty() && route.cors.is_some() {
                    route.notes.push(ConfigFact {
                        fact: Fact::PreflightNotSticky { backend_answers: false },
                        location: route.location.clone(),
                        message: "preflights carry no cookies: Envoy answers allowed ones itself (200) and forwards the rest to any pod".to_owned(),
                    });
                }
                report.routes.push(route);
            }
        }
    }
}

/// Whether some VirtualService or HTTPRoute in the input sends traffic to the DestinationRule's host.
fn is_routed(m: &Manifests, dr: &Object) -> bool {
    let Some(host) = dr.node.str_at(&["spec", "host"]) else { return true };
    m.objects.iter().any(|o| match o.kind.as_str() {
        "VirtualService" => o.node.path(&["spec", "http"]).map(Node::items).unwrap_or_default().iter().any(|h| {
            h.get("route")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|r| r.str_at(&["destination", "host"]).is_some_and(|d| same_service(host, d, &o.namespace)))
        }),
        "HTTPRoute" => o.node.path(&["spec", "rules"]).map(Node::items).unwrap_or_default().iter().any(|rule| {
            rule.get("backendRefs").map(Node::items).unwrap_or_default().iter().any(|b| {
                b.str_at(&["name"]).is_some_and(|n| {
                    let ns = b.str_at(&["namespace"]).unwrap_or(&o.namespace);
                    same_service(host, n, ns) || same_service(host, &format!("{n}.{ns}"), ns)
                })
            })
        }),
        _ => false,
    })
}

/// A DestinationRule with a consistent-hash cookie that no route in the input reaches is still
/// predicted (one route per subset with its own cookie, or the whole host), without a browser host
/// unless `--host` gives one, so its cookie is never dropped silently.
pub(crate) fn predict_unrouted_destination_rule(
    m: &Manifests,
    dr: &Object,
    opts: &PredictOptions,
    report: &mut IngressReport,
) {
    if is_routed(m, dr) {
        return;
    }
    let file = m.file(dr);
    let version = opts.version(Controller::Istio);
    let mut subsets: Vec<Option<&str>> = vec![None];
    for s in dr.node.path(&["spec", "subsets"]).map(Node::items).unwrap_or_default() {
        if s.path(&["trafficPolicy", "loadBalancer"]).is_some() {
            subsets.push(s.str_at(&["name"]));
        }
    }
    let host = dr.node.str_at(&["spec", "host"]).unwrap_or("");
    for subset in subsets {
        let Some(lb) = load_balancer(dr, subset) else { continue };
        let Some(hc) = lb.path(&["consistentHash", "httpCookie"]) else { continue };
        if subset.is_some() && load_balancer(dr, None).is_some_and(|top| std::ptr::eq(top, lb)) {
            continue;
        }
        let (tls, tls_source) = super::common::tls_override(opts).unwrap_or((false, None));
        let mut route = IngressRoute {
            location: hc.field_location(file),
            object: match subset {
                Some(s) => format!("{} subset {s}", dr.id()),
                None => dr.id(),
            },
            host: None,
            path: "/".to_owned(),
            path_type: None,
            controller: Controller::Istio,
            controller_version: version,
            tls,
            tls_source,
            tls_unknown: super::common::tls_override(opts).is_none(),
            affinity: Vec::new(),
            cors: None,
            notes: Vec::new(),
        };
        route.notes.push(ConfigFact {
            fact: Fact::ReferenceMissing { missing: Missing::Routes },
            location: hc.field_location(file),
            message: format!(
                "{}: no VirtualService or HTTPRoute in the input routes to `{host}`; the cookie is predicted on its own (mesh traffic, or a route defined elsewhere)",
                dr.id()
            ),
        });
        if let Some(c) = http_cookie(dr, subset, file, version, &mut route.notes) {
            route.affinity.push(c);
        }
        report.routes.push(route);
    }
}

/// `headers.response.set` / `add` of `Access-Control-Allow-Origin` on an `http[]` entry without a
/// `corsPolicy`: Envoy writes that fixed value on every response, so the CORS answer is what the
/// header says, not what the backend would reflect. Two origins in one value can
/// never match a request's Origin.
fn header_override(http: &Node, file: &Path, notes: &mut Vec<ConfigFact>) -> Option<CorsPolicy> {
    let resp = http.path(&["headers", "response"])?;
    let find = |name: &str| {
        ["set", "add"].iter().find_map(|k| {
            resp.get(k)?.entries().iter().find(|(key, _)| key.as_str().is_some_and(|s| s.eq_ignore_ascii_case(name)))
        })
    };
    let (key, value_node) = find("Access-Control-Allow-Origin")?;
    let value = value_node.scalar_text().unwrap_or_default();
    let loc = value_node.location(file);
    let credentials = find("Access-Control-Allow-Credentials")
        .is_some_and(|(_, v)| v.scalar_text().is_some_and(|t| t.trim() == "true"));
    let several = value.contains(',') || value.split_whitespace().count() > 1;
    if several {
        notes.push(ConfigFact {
            fact: Fact::CommaSeparatedOrigins { written_in: OriginList::IstioHeaderOverride },
            location: loc.clone(),
            message: format!("`{}: {value}` puts several origins in one Access-Control-Allow-Origin value; browsers accept exactly one origin (or `*`), so every cross-origin read of this route fails", key.as_str().unwrap_or("Access-Control-Allow-Origin")),
        });
    }
    let trimmed = value.trim().to_owned();
    Some(CorsPolicy {
        allow_origins: if trimmed == "*" { AllowOrigins::Any } else { AllowOrigins::Fixed { value: trimmed } },
        allow_credentials: credentials,
        allow_methods: None,
        allow_headers: None,
        expose_headers: None,
        max_age: None,
        vary_origin: false,
        answers_preflight: false,
        preflight_status: None,
        unmatched_preflight_forwarded: true,
        origins_location: Some(loc.clone()),
        headers_location: Some(loc.clone()),
        source_locations: vec![resp.field_location(file), loc],
    })
}
