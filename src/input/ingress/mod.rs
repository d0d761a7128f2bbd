//! Kubernetes ingress manifests → what each route's proxy will emit: the sticky ("affinity")
//! `Set-Cookie` line and the CORS headers, plus config-level findings that need no browser.
//!
//! Why predict rather than lint keys: the same annotation means different cookies on different
//! controllers and versions (ingress-nginx drops `samesite: none`, Traefik before 3.6.14 drops
//! `None`), so the only honest output is "this controller, at this version, writes *this* line".
//! Browser verdicts are computed elsewhere from [`PredictedCookie::set_cookie_line`] and
//! [`CorsPolicy`]; nothing here knows about browsers. What the readers hand over (routes, predicted
//! cookies, CORS policies, controller [`Fact`]s) is typed in `crate::evidence::ingress`: facts, never
//! rule ids, severities or fixes, which the analysis decides.
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

pub use crate::evidence::ingress::{
    AllowOrigins, ConfigFact, Controller, ControllerVersion, CorsPolicy, Fact, Fallback, IngressReport, IngressRoute,
    Missing, OriginList, OriginMatch, OriginPattern, PredictedCookie, TlsTermination, Unsupported, UserAgentCondition,
};
use crate::evidence::{InputError, Location};
use crate::model::time::Timestamp;
use std::path::{Path, PathBuf};
use yaml::Node;

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
        report.findings.push(ConfigFact { fact: Fact::NotModelled, location, message });
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
