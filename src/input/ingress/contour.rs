//! Contour `HTTPProxy`: cookie load balancing (`loadBalancerPolicy.strategy: Cookie`, cookie
//! `X-Contour-Session-Affinity`), `cookieRewritePolicies` on that cookie, the virtual host's
//! `corsPolicy` (answered by Envoy), TLS from `virtualhost.tls`, and `includes` of child proxies
//! (reference/ingress.md §6).

use super::yaml::{Node, Value};
use super::{
    ConfigFact, Controller, CorsPolicy, Fact, IngressReport, IngressRoute, Manifests, Missing, Object, OriginList,
    OriginMatch, OriginPattern, PredictOptions, PredictedCookie,
};
use std::path::Path;

/// The fixed name of Contour's affinity cookie.
pub const COOKIE_NAME: &str = "X-Contour-Session-Affinity";
/// Placeholder for the hash Envoy writes (inside double quotes).
pub const VALUE_PLACEHOLDER: &str = "<hash>";

fn affinity_cookie(route: &Node, file: &Path, notes: &mut Vec<ConfigFact>) -> Option<PredictedCookie> {
    let lb = route.get("loadBalancerPolicy")?;
    if lb.str_at(&["strategy"]) != Some("Cookie") {
        return None;
    }
    let mut sources = vec![lb.field_location(file)];
    let (mut path, mut domain, mut secure, mut same_site) = ("/".to_owned(), None, false, None);
    let mut rewritten = false;
    for p in route.get("cookieRewritePolicies").map(Node::items).unwrap_or_default() {
        if p.str_at(&["name"]) != Some(COOKIE_NAME) {
            continue;
        }
        rewritten = true;
        sources.push(p.location(file));
        if let Some(v) = p.str_at(&["pathRewrite", "value"]) {
            path = v.to_owned();
        }
        if let Some(v) = p.str_at(&["domainRewrite", "value"]) {
            domain = Some(v.to_owned());
        }
        if let Some(Value::Bool(b)) = p.get("secure").map(|n| &n.value) {
            secure = *b;
        }
        if let Some(v) = p.str_at(&["sameSite"]) {
            same_site = Some(v.to_owned());
        }
    }
    if same_site.as_deref() == Some("None") && !secure {
        notes.push(ConfigFact {
            fact: Fact::SameSiteNoneWithoutSecure { controller: Controller::Contour },
            location: sources.last().cloned().unwrap_or_default(),
            message: format!(
                "the cookie rewrite gives `{COOKIE_NAME}` SameSite=None without Secure; browsers reject it"
            ),
        });
    }
    let mut line = format!("{COOKIE_NAME}=\"{VALUE_PLACEHOLDER}\"; Path={path}");
    if let Some(d) = &domain {
        line.push_str(&format!("; Domain={d}"));
    }
    line.push_str("; HttpOnly");
    if secure {
        line.push_str("; Secure");
    }
    if let Some(s) = &same_site {
        line.push_str(&format!("; SameSite={s}"));
    }
    Some(PredictedCookie {
        set_cookie_line: line,
        name: COOKIE_NAME.to_owned(),
        path: Some(path),
        domain,
        secure,
        http_only: true,
        same_site,
        max_age: None,
        expires_after_secs: None,
        condition: None,
        user_agents: None,
        unconfirmed: rewritten.then(|| {
            "the order in which Contour's cookie rewrite appends Secure/SameSite/Domain is not confirmed".to_owned()
        }),
        source_locations: sources,
    })
}

fn looks_like_regex(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '*' | '(' | ')' | '[' | ']' | '+' | '?' | '^' | '$' | '|' | '\\' | '{' | '}'))
}

fn cors_policy(cp: &Node, file: &Path, notes: &mut Vec<ConfigFact>) -> CorsPolicy {
    let mut sources = vec![cp.field_location(file)];
    let mut any = false;
    let mut patterns = Vec::new();
    for o in cp.get("allowOrigin").map(Node::items).unwrap_or_default() {
        let Some(s) = o.as_str() else { continue };
        sources.push(o.location(file));
        if s == "*" {
            any = true;
        } else {
            // Contour passes an exact origin as an exact match and anything else as an Envoy
            // (RE2, whole-string) regex.
            let matching = if looks_like_regex(s) { OriginMatch::RegexAnchored } else { OriginMatch::Exact };
            patterns.push(OriginPattern { pattern: s.to_owned(), matching });
        }
    }
    let credentials = matches!(cp.get("allowCredentials").map(|n| &n.value), Some(Value::Bool(true)));
    if any && credentials {
        notes.push(ConfigFact {
            fact: Fact::ReflectsAnyOrigin { written_in: OriginList::ContourAllowOrigin },
            location: sources.iter().find(|l| l.line != cp.field_location(file).line).cloned().unwrap_or_else(|| cp.field_location(file)),
            message: "`allowOrigin: [\"*\"]` with allowCredentials: Envoy echoes any request Origin with credentials allowed, so every site can make credentialed reads".to_owned(),
        });
    }
    super::istio::envoy_cors(cp, file, any, patterns, credentials, sources, notes)
}

fn prefix_of(conditions: Option<&Node>) -> String {
    conditions
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find_map(|c| c.str_at(&["prefix"]).or_else(|| c.str_at(&["exact"])))
        .unwrap_or("")
        .to_owned()
}

fn join_prefix(a: &str, b: &str) -> String {
    let joined = format!("{}/{}", a.trim_end_matches('/'), b.trim_start_matches('/'));
    let trimmed = joined.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    }
}

struct Ctx<'a> {
    host: Option<String>,
    tls: bool,
    tls_source: Option<String>,
    cors: Option<&'a Node>,
    cors_file: &'a Path,
}

fn emit_routes(
    m: &Manifests,
    o: &Object,
    prefix: &str,
    cx: &Ctx<'_>,
    opts: &PredictOptions,
    report: &mut IngressReport,
    depth: usize,
) {
    let file = m.file(o);
    let version = opts.version(Controller::Contour);
    for rt in o.node.path(&["spec", "routes"]).map(Node::items).unwrap_or_default() {
        let path = join_prefix(prefix, &prefix_of(rt.get("conditions")));
        let mut route = IngressRoute {
            location: rt.get("conditions").unwrap_or(rt).location(file),
            object: o.id(),
            host: cx.host.clone(),
            path,
            path_type: Some("prefix".to_owned()),
            controller: Controller::Contour,
            controller_version: version,
            tls: cx.tls,
            tls_source: cx.tls_source.clone(),
            tls_unknown: false,
            affinity: Vec::new(),
            cors: None,
            notes: Vec::new(),
        };
        if let Some(c) = affinity_cookie(rt, file, &mut route.notes) {
            route.affinity.push(c);
        }
        if let Some(cp) = cx.cors {
            route.cors = Some(cors_policy(cp, cx.cors_file, &mut route.notes));
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
    if depth >= 8 {
        return;
    }
    for inc in o.node.path(&["spec", "includes"]).map(Node::items).unwrap_or_default() {
        let ns = inc.str_at(&["namespace"]).unwrap_or(&o.namespace);
        let Some(name) = inc.str_at(&["name"]) else { continue };
        let child_prefix = join_prefix(prefix, &prefix_of(inc.get("conditions")));
        match m.find("HTTPProxy", ns, name) {
            Some(child) => emit_routes(m, child, &child_prefix, cx, opts, report, depth + 1),
            None => report.findings.push(ConfigFact {
                fact: Fact::ReferenceMissing { missing: Missing::Object },
                location: inc.location(file),
                message: format!("included HTTPProxy `{ns}/{name}` is not in the input; its routes are not predicted"),
            }),
        }
    }
}

/// Whether some root HTTPProxy in the input includes `o`.
fn is_included(m: &Manifests, o: &Object) -> bool {
    m.objects.iter().filter(|p| p.kind == "HTTPProxy").any(|p| {
        p.node.path(&["spec", "includes"]).map(Node::items).unwrap_or_default().iter().any(|inc| {
            inc.str_at(&["name"]) == Some(o.name.as_str())
                && inc.str_at(&["namespace"]).unwrap_or(&p.namespace) == o.namespace
        })
    })
}

/// Predicts the routes of a root HTTPProxy (with `virtualhost`) and of the proxies it includes; a
/// child proxy that no root in the input includes is predicted on its own, without a host.
pub(crate) fn predict_http_proxy(m: &Manifests, o: &Object, opts: &PredictOptions, report: &mut IngressReport) {
    let file = m.file(o);
    let vh = o.node.path(&["spec", "virtualhost"]);
    if vh.is_none() && is_included(m, o) {
        return;
    }
    let (tls, tls_source) = match super::common::tls_override(opts) {
        Some(t) => t,
        None => match vh.and_then(|v| v.get("tls")) {
            Some(t) if t.get("secretName").is_some() => (true, Some("HTTPProxy virtualhost.tls.secretName".to_owned())),
            Some(t) if matches!(t.get("passthrough").map(|n| &n.value), Some(Value::Bool(true))) => {
                (true, Some("HTTPProxy virtualhost.tls.passthrough (TLS ends at the backend)".to_owned()))
            }
            _ => (false, None),
        },
    };
    let cx = Ctx {
        host: vh.and_then(|v| v.str_at(&["fqdn"])).map(str::to_owned),
        tls,
        tls_source,
        cors: vh.and_then(|v| v.get("corsPolicy")),
        cors_file: file,
    };
    emit_routes(m, o, "", &cx, opts, report, 0);
}
