//! What every Ingress shares: annotations with positions, routes (host × path), where TLS ends,
//! which controller owns it, and annotation hygiene that kubectl itself would trip on.

use super::yaml::{Node, Value};
use super::{
    cloud, nginx, traefik, ConfigFact, Controller, Fact, IngressReport, IngressRoute, Manifests, Object,
    PredictOptions, TlsTermination,
};
use crate::evidence::Location;
use std::path::Path;

/// One annotation as written.
#[derive(Debug)]
pub(crate) struct Annotation<'a> {
    pub(crate) key: &'a str,
    /// The value as Kubernetes would store it (non-strings rendered as text).
    pub(crate) value: String,
    pub(crate) key_node: &'a Node,
    pub(crate) value_node: &'a Node,
}

/// An object's annotations in source order (duplicates kept).
#[derive(Debug)]
pub(crate) struct Annotations<'a> {
    pub(crate) list: Vec<Annotation<'a>>,
    pub(crate) file: &'a Path,
}

impl<'a> Annotations<'a> {
    pub(crate) fn of(m: &'a Manifests, o: &'a Object) -> Self {
        let list = o
            .node
            .path(&["metadata", "annotations"])
            .map(|n| {
                n.entries()
                    .iter()
                    .filter_map(|(k, v)| {
                        Some(Annotation {
                            key: k.as_str()?,
                            value: v.scalar_text().unwrap_or_default(),
                            key_node: k,
                            value_node: v,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Annotations { list, file: m.file(o) }
    }

    /// The annotation `key` (the last one if duplicated, as Kubernetes keeps it).
    pub(crate) fn get(&self, key: &str) -> Option<&Annotation<'a>> {
        self.list.iter().rev().find(|a| a.key == key)
    }

    /// Whether any annotation starts with `prefix/`.
    pub(crate) fn has_prefix(&self, prefix: &str) -> bool {
        self.list.iter().any(|a| a.key.strip_prefix(prefix).is_some_and(|r| r.starts_with('/')))
    }

    /// Location of an annotation's value.
    pub(crate) fn loc(&self, a: &Annotation<'_>) -> Location {
        a.value_node.location(self.file)
    }
}

/// A host/path of an Ingress with what predictors need.
#[derive(Debug)]
pub(crate) struct RouteCtx<'a> {
    pub(crate) object: String,
    pub(crate) namespace: &'a str,
    pub(crate) file: &'a Path,
    pub(crate) host: Option<String>,
    pub(crate) path: String,
    pub(crate) path_type: Option<String>,
    pub(crate) location: Location,
    pub(crate) service: Option<String>,
    /// Backend service port, number or name, as written.
    pub(crate) service_port: Option<String>,
    pub(crate) tls: bool,
    /// Where TLS was read from (see [`super::IngressRoute::tls_source`]).
    pub(crate) tls_source: Option<String>,
}

/// Parses a Go `strconv.ParseBool` value (what ingress-nginx and Traefik use for booleans).
pub(crate) fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

const YAML11_BOOLS: &[&str] =
    &["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"];

/// Annotation hygiene: duplicates, non-string values, YAML 1.1 booleans.
pub(crate) fn check_annotations(m: &Manifests, o: &Object, ann: &Annotations<'_>, out: &mut Vec<ConfigFact>) {
    let src = &m.sources[o.source];
    for (i, a) in ann.list.iter().enumerate() {
        if let Some(first) = ann.list[..i].iter().find(|b| b.key == a.key) {
            out.push(ConfigFact {
                fact: Fact::DuplicateAnnotation { key: a.key.to_owned() },
                location: a.key_node.location(ann.file),
                message: format!(
                    "annotation `{}` on {} is also set on line {}; kubectl with field validation (strict, the default since 1.27) rejects the manifest as a duplicate field, other tools keep only the last value, which is the one analysed here",
                    a.key,
                    o.id(),
                    first.key_node.line
                ),
            });
        }
        let plain = src.plain_text(a.value_node);
        let yaml11 = plain.filter(|t| YAML11_BOOLS.contains(t));
        match (&a.value_node.value, yaml11) {
            (Value::Str(_) | Value::Bool(_), Some(word)) => {
                out.push(ConfigFact {
                    fact: Fact::Yaml11Boolean { key: a.key.to_owned(), word: word.to_owned() },
                    location: ann.loc(a),
                    message: format!(
                        "`{}: {word}` is a boolean in YAML 1.1, which kubectl uses, and annotation values must be strings, so the object is rejected",
                        a.key
                    ),
                });
            }
            (Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Null, _) => {
                out.push(ConfigFact {
                    fact: Fact::AnnotationNotString { key: a.key.to_owned(), written: plain.unwrap_or(&a.value).to_owned() },
                    location: ann.loc(a),
                    message: format!(
                        "annotation `{}` has a non-string value; Kubernetes rejects the object (annotations are strings)",
                        a.key
                    ),
                });
            }
            _ => {}
        }
    }
}

fn class_controller(class: &str) -> Option<Controller> {
    let c = class.to_ascii_lowercase();
    if c.contains("traefik") {
        Some(Controller::Traefik)
    } else if c.contains("nginx") {
        Some(Controller::IngressNginx)
    } else if c == "alb" || c.contains("aws") {
        Some(Controller::AwsAlb)
    } else if c.starts_with("gce") {
        Some(Controller::Gke)
    } else {
        None
    }
}

/// Which controller serves this Ingress: class first, then `--controller`, then the annotation
/// prefixes it carries, then ingress-nginx (the most common).
fn controller_of(m: &Manifests, o: &Object, ann: &Annotations<'_>, opts: &PredictOptions) -> (Controller, bool) {
    let class = o
        .node
        .str_at(&["spec", "ingressClassName"])
        .or_else(|| ann.get("kubernetes.io/ingress.class").map(|a| a.value.as_str()));
    if let Some(c) = class.and_then(class_controller) {
        return (c, true);
    }
    if let Some((c, _)) = opts.controller {
        return (c, true);
    }
    if ann.has_prefix(&opts.nginx_prefix) {
        (Controller::IngressNginx, true)
    } else if ann.has_prefix("traefik.ingress.kubernetes.io") {
        (Controller::Traefik, true)
    } else if ann.has_prefix("alb.ingress.kubernetes.io") {
        (Controller::AwsAlb, true)
    } else if is_gke(m, o, ann) {
        // GKE serves class-less Ingresses itself (ingress-gce is the default class on GKE).
        (Controller::Gke, true)
    } else {
        (Controller::IngressNginx, false)
    }
}

/// GKE signs: GCE annotations on the Ingress, or a backend Service with a BackendConfig or NEG
/// annotation.
fn is_gke(m: &Manifests, o: &Object, ann: &Annotations<'_>) -> bool {
    const GKE_INGRESS: &[&str] = &[
        "kubernetes.io/ingress.global-static-ip-name",
        "kubernetes.io/ingress.regional-static-ip-name",
        "networking.gke.io/managed-certificates",
        "networking.gke.io/v1beta1.FrontendConfig",
        "ingress.gcp.kubernetes.io/pre-shared-cert",
    ];
    if ann.list.iter().any(|a| GKE_INGRESS.contains(&a.key)) {
        return true;
    }
    let mut services: Vec<String> = Vec::new();
    for rule in o.node.path(&["spec", "rules"]).map(Node::items).unwrap_or_default() {
        for p in rule.path(&["http", "paths"]).map(Node::items).unwrap_or_default() {
            services.extend(backend_service(p.get("backend")));
        }
    }
    services.extend(backend_service(o.node.path(&["spec", "defaultBackend"])));
    services.iter().filter_map(|s| m.find("Service", &o.namespace, s)).any(|svc| {
        let sann = Annotations::of(m, svc);
        ["cloud.google.com/backend-config", "beta.cloud.google.com/backend-config", "cloud.google.com/neg"]
            .iter()
            .any(|k| sann.get(k).is_some())
    })
}

fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(rest) => host.split_once('.').is_some_and(|(_, h)| h.eq_ignore_ascii_case(rest)),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

/// What `--tls-terminates-at` says, as (TLS at the proxy, source).
pub(crate) fn tls_override(opts: &PredictOptions) -> Option<(bool, Option<String>)> {
    match opts.tls_terminates_at {
        Some(TlsTermination::Ingress) => Some((true, Some("--tls-terminates-at ingress".to_owned()))),
        Some(TlsTermination::Lb) => Some((false, Some("--tls-terminates-at lb".to_owned()))),
        None => None,
    }
}

fn tls_for(o: &Object, host: Option<&str>, opts: &PredictOptions) -> (bool, Option<String>) {
    if let Some(t) = tls_override(opts) {
        return t;
    }
    let listed = o.node.path(&["spec", "tls"]).map(|t| t.items()).unwrap_or_default().iter().any(|entry| {
        let hosts = entry.get("hosts").map(Node::items).unwrap_or_default();
        hosts.is_empty() || host.is_some_and(|h| hosts.iter().filter_map(Node::as_str).any(|p| host_matches(p, h)))
    });
    if listed {
        (true, Some("spec.tls".to_owned()))
    } else {
        (false, None)
    }
}

/// TLS that the controller serving an Ingress terminates besides `spec.tls`: AWS ALB HTTPS listeners
/// (`listen-ports`, or `certificate-arn`, which makes the default listener HTTPS:443), Traefik's
/// `router.tls` / a certificate resolver / the `websecure` entry point, GKE managed or pre-shared
/// certificates. Returns the annotation that says so.
fn controller_tls(controller: Controller, ann: &Annotations<'_>) -> Option<String> {
    let has = |k: &str| ann.get(k).filter(|a| !a.value.trim().is_empty());
    match controller {
        Controller::AwsAlb => {
            let lp = format!("{}/listen-ports", cloud::ALB_PREFIX);
            match has(&lp) {
                Some(a) if a.value.contains("HTTPS") => Some(format!("`{lp}` has an HTTPS listener")),
                // listen-ports given without HTTPS: plain HTTP, whatever certificates exist.
                Some(_) => None,
                None => has(&format!("{}/certificate-arn", cloud::ALB_PREFIX))
                    .map(|a| format!("`{}` (the ALB listens on HTTPS:443 when a certificate is given)", a.key)),
            }
        }
        Controller::Traefik => {
            let p = traefik::PREFIX;
            if let Some(a) = has(&format!("{p}/router.tls")).filter(|a| parse_go_bool(a.value.trim()) == Some(true)) {
                return Some(format!("`{}: \"{}\"`", a.key, a.value));
            }
            if let Some(a) = has(&format!("{p}/router.tls.certresolver")) {
                return Some(format!("`{}`", a.key));
            }
            has(&format!("{p}/router.entrypoints"))
                .filter(|a| a.value.split(',').any(|e| e.trim() == "websecure"))
                .map(|a| format!("`{}: {}` (the TLS entry point of Traefik's Helm chart)", a.key, a.value))
        }
        Controller::Gke => ["networking.gke.io/managed-certificates", "ingress.gcp.kubernetes.io/pre-shared-cert"]
            .iter()
            .find_map(|k| has(k))
            .map(|a| format!("`{}`", a.key)),
        _ => None,
    }
}

fn backend_port(backend: Option<&Node>) -> Option<String> {
    let b = backend?;
    b.path(&["service", "port", "number"])
        .or_else(|| b.path(&["service", "port", "name"]))
        .or_else(|| b.get("servicePort"))
        .and_then(Node::scalar_text)
}

fn backend_service(backend: Option<&Node>) -> Option<String> {
    let b = backend?;
    b.str_at(&["service", "name"]).or_else(|| b.str_at(&["serviceName"])).map(str::to_owned)
}

/// The routes (host × path) of an Ingress.
pub(crate) fn routes_of<'a>(m: &'a Manifests, o: &'a Object, opts: &PredictOptions) -> Vec<RouteCtx<'a>> {
    let file = m.file(o);
    let mut out = Vec::new();
    let rules = o.node.path(&["spec", "rules"]).map(Node::items).unwrap_or_default();
    for rule in rules {
        let host = rule.str_at(&["host"]).map(str::to_owned);
        let (tls, tls_source) = tls_for(o, host.as_deref(), opts);
        for p in rule.path(&["http", "paths"]).map(Node::items).unwrap_or_default() {
            let path_node = p.get("path");
            out.push(RouteCtx {
                object: o.id(),
                namespace: &o.namespace,
                file,
                host: host.clone(),
                path: path_node.and_then(Node::as_str).unwrap_or("/").to_owned(),
                path_type: p.str_at(&["pathType"]).map(str::to_owned),
                location: path_node.unwrap_or(p).location(file),
                service: backend_service(p.get("backend")),
                service_port: backend_port(p.get("backend")),
                tls,
                tls_source: tls_source.clone(),
            });
        }
    }
    if out.is_empty() {
        let backend = o.node.path(&["spec", "defaultBackend"]).or_else(|| o.node.path(&["spec", "backend"]));
        if let Some(b) = backend {
            out.push(RouteCtx {
                object: o.id(),
                namespace: &o.namespace,
                file,
                host: None,
                path: "/".to_owned(),
                path_type: None,
                location: b.location(file),
                service: backend_service(Some(b)),
                service_port: backend_port(Some(b)),
                tls: tls_for(o, None, opts).0,
                tls_source: tls_for(o, None, opts).1,
            });
        }
    }
    out
}

/// Predicts every route of one Ingress object.
pub(crate) fn predict_ingress(m: &Manifests, o: &Object, opts: &PredictOptions, report: &mut IngressReport) {
    let ann = Annotations::of(m, o);
    check_annotations(m, o, &ann, &mut report.findings);
    let (mut controller, known) = controller_of(m, o, &ann, opts);
    // Migrating off ingress-nginx: `--controller traefik@3.5+` on an nginx-class Ingress means
    // Traefik's ingress-nginx provider reads it.
    let via_traefik = controller == Controller::IngressNginx
        && matches!(opts.controller, Some((Controller::Traefik, v)) if v.at_least(3, 5, 0));
    if via_traefik {
        controller = Controller::Traefik;
    }
    let file = m.file(o);
    if !known {
        report.findings.push(ConfigFact {
            fact: Fact::ControllerUnknown,
            location: o.node.location(file),
            message: format!(
                "{} names no ingress class this tool knows and carries no controller annotations; assuming ingress-nginx",
                o.id()
            ),
        });
    }
    if controller != Controller::IngressNginx && !via_traefik && ann.has_prefix(&opts.nginx_prefix) {
        let a = ann
            .list
            .iter()
            .find(|a| a.key.starts_with(&opts.nginx_prefix))
            .map(|a| a.key_node.location(file))
            .unwrap_or_else(|| o.node.location(file));
        report.findings.push(ConfigFact {
            fact: Fact::ForeignAnnotations { controller },
            location: a,
            message: format!(
                "{} is served by {controller}, which ignores `{}/*` annotations (no affinity or CORS from them)",
                o.id(),
                opts.nginx_prefix
            ),
        });
    }
    let version = opts.version(controller);
    let extra_tls = if opts.tls_terminates_at.is_none() { controller_tls(controller, &ann) } else { None };
    for mut r in routes_of(m, o, opts) {
        if !r.tls {
            if let Some(src) = &extra_tls {
                r.tls = true;
                r.tls_source = Some(src.clone());
            }
        }
        let mut route = IngressRoute {
            location: r.location.clone(),
            object: r.object.clone(),
            host: r.host.clone(),
            path: r.path.clone(),
            path_type: r.path_type.clone(),
            controller,
            controller_version: version,
            tls: r.tls,
            tls_source: r.tls_source.clone(),
            tls_unknown: false,
            affinity: Vec::new(),
            cors: None,
            notes: Vec::new(),
        };
        match controller {
            Controller::IngressNginx => nginx::predict(&r, &ann, version, opts, &mut route),
            Controller::Traefik if via_traefik => traefik::predict_nginx_provider(&r, &ann, version, opts, &mut route),
            Controller::Traefik => traefik::predict_ingress(m, &r, &ann, version, opts, &mut route),
            Controller::AwsAlb => cloud::predict_alb(m, &r, &ann, opts, &mut route),
            Controller::Gke => cloud::predict_gke(m, &r, &mut route),
            _ => {}
        }
        report.routes.push(route);
    }
}

/// Services carry Traefik sticky annotations; check their hygiene once (not per route).
pub(crate) fn check_service(m: &Manifests, o: &Object, report: &mut IngressReport) {
    let ann = Annotations::of(m, o);
    check_annotations(m, o, &ann, &mut report.findings);
}

/// Formats an instant as an HTTP cookie date. `nginx_style` gives nginx's `ngx.cookie_time`
/// form (`Sun, 12-Feb-17 14:11:12 GMT`, dashed, 2-digit year); otherwise the IMF-fixdate Go and
/// most proxies write (`Sun, 12 Feb 2017 14:11:12 GMT`).
pub(crate) fn cookie_date(t: crate::model::time::Timestamp, nginx_style: bool) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = t.unix_secs();
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, mo, d) = crate::model::time::civil_from_days(days);
    let wd = DAYS[days.rem_euclid(7) as usize];
    let mon = MONTHS[(mo - 1).clamp(0, 11) as usize];
    let (h, mi, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    if nginx_style {
        format!("{wd}, {d:02}-{mon}-{:02} {h:02}:{mi:02}:{s:02} GMT", y.rem_euclid(100))
    } else {
        format!("{wd}, {d:02} {mon} {y:04} {h:02}:{mi:02}:{s:02} GMT")
    }
}

/// Whether a path contains characters that make ingress-nginx treat it as a regex.
pub(crate) fn looks_like_regex(path: &str) -> bool {
    path.chars().any(|c| matches!(c, '(' | ')' | '[' | ']' | '*' | '+' | '?' | '$' | '^' | '|' | '{' | '}' | '\\'))
}

/// Parses a Go / Kubernetes duration (`1h30m`, `10s`, `1.5h`, `500ms`) into whole seconds.
pub(crate) fn parse_duration_secs(s: &str) -> Option<i64> {
    let s = s.trim();
    if s == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += n * factor;
        rest = &rest[unit_len..];
    }
    Some(total.floor() as i64)
}
