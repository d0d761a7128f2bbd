//! `crossjar ingress --compare OLD NEW`: what changes for each host/path when the same routes move to
//! another controller (ingress-nginx → Gateway API, Traefik, Envoy) or another configuration.
//!
//! Why compare predictions rather than YAML: a migration rewrites every key, so only the emitted
//! cookie and CORS answers (and the browser verdicts they lead to) are comparable.

use std::collections::BTreeMap;

use super::ingress::{IngressAnalysis, RouteVerdicts};
use crate::evidence::ingress::{AllowOrigins, CorsPolicy, IngressRoute, PredictedCookie};
use crate::evidence::Location;

/// One property that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What changed, e.g. `cookie SameSite`, `CORS preflight`, `chrome stored (https://app.example)`.
    pub what: String,
    /// Before (`-` when absent).
    pub old: String,
    /// After (`-` when absent).
    pub new: String,
    /// The change loses something a cross-site frontend relies on (an attribute, an answer, a verdict).
    pub regression: bool,
}

/// The changes for one host/path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteChanges {
    /// Host (`*` for every host).
    pub host: String,
    /// Path as written (in the old manifests when both exist).
    pub path: String,
    /// Where the route is in the old manifests.
    pub old: Option<Location>,
    /// Where it is in the new manifests.
    pub new: Option<Location>,
    /// Controllers, old → new.
    pub controllers: (Option<String>, Option<String>),
    /// Every change, cookie first, then CORS, then verdicts.
    pub changes: Vec<Change>,
}

impl RouteChanges {
    /// Whether any change is a regression.
    pub fn has_regression(&self) -> bool {
        self.changes.iter().any(|c| c.regression)
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".to_owned())
}

fn push(out: &mut Vec<Change>, what: &str, old: String, new: String, regression: bool) {
    if old != new {
        out.push(Change { what: what.to_owned(), old, new, regression });
    }
}

fn main_cookie(r: &IngressRoute) -> Option<&PredictedCookie> {
    r.affinity.iter().find(|c| c.condition.is_none())
}

fn cookie_changes(old: Option<&PredictedCookie>, new: Option<&PredictedCookie>, out: &mut Vec<Change>) {
    match (old, new) {
        (None, None) => {}
        (Some(o), None) => push(out, "affinity cookie", o.name.clone(), "-".into(), true),
        (None, Some(n)) => push(out, "affinity cookie", "-".into(), n.name.clone(), false),
        (Some(o), Some(n)) => {
            push(out, "cookie name", o.name.clone(), n.name.clone(), true);
            let ss = |c: &PredictedCookie| c.same_site.clone().unwrap_or_else(|| "-".into());
            let none = |c: &PredictedCookie| c.same_site.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("none"));
            push(out, "cookie SameSite", ss(o), ss(n), none(o) && !none(n));
            push(out, "cookie Secure", o.secure.to_string(), n.secure.to_string(), o.secure && !n.secure);
            push(out, "cookie HttpOnly", o.http_only.to_string(), n.http_only.to_string(), o.http_only && !n.http_only);
            push(out, "cookie Path", opt(o.path.as_deref()), opt(n.path.as_deref()), false);
            push(out, "cookie Domain", opt(o.domain.as_deref()), opt(n.domain.as_deref()), o.domain.is_some());
            push(out, "cookie Max-Age", opt(o.max_age), opt(n.max_age), false);
            push(out, "cookie Expires (s after issue)", opt(o.expires_after_secs), opt(n.expires_after_secs), false);
            push(out, "Set-Cookie line", o.set_cookie_line.clone(), n.set_cookie_line.clone(), false);
        }
    }
}

fn origins(p: &CorsPolicy) -> String {
    match &p.allow_origins {
        AllowOrigins::Any => "*".to_owned(),
        AllowOrigins::Reflect => "any (reflected)".to_owned(),
        AllowOrigins::Fixed { value } => format!("always `{value}`"),
        AllowOrigins::List { origins } => {
            origins.iter().map(|o| format!("{} ({:?})", o.pattern, o.matching)).collect::<Vec<_>>().join(", ")
        }
        _ => "none".to_owned(),
    }
}

fn cors_changes(old: Option<&CorsPolicy>, new: Option<&CorsPolicy>, out: &mut Vec<Change>) {
    match (old, new) {
        (None, None) => {}
        (Some(_), None) => push(out, "CORS at the proxy", "yes".into(), "no (the backend must answer)".into(), true),
        (None, Some(_)) => push(out, "CORS at the proxy", "no".into(), "yes".into(), false),
        (Some(o), Some(n)) => {
            let pf = |p: &CorsPolicy| {
                if p.answers_preflight {
                    format!("answered by the proxy ({})", opt(p.preflight_status))
                } else {
                    "passed to the backend".to_owned()
                }
            };
            push(out, "CORS preflight", pf(o), pf(n), o.answers_preflight && !n.answers_preflight);
            push(out, "CORS allowed origins", origins(o), origins(n), false);
            push(
                out,
                "CORS credentials",
                o.allow_credentials.to_string(),
                n.allow_credentials.to_string(),
                o.allow_credentials && !n.allow_credentials,
            );
            push(out, "CORS allow-methods", opt(o.allow_methods.as_deref()), opt(n.allow_methods.as_deref()), false);
            push(out, "CORS allow-headers", opt(o.allow_headers.as_deref()), opt(n.allow_headers.as_deref()), false);
            push(out, "CORS expose-headers", opt(o.expose_headers.as_deref()), opt(n.expose_headers.as_deref()), false);
            push(out, "CORS max-age", opt(o.max_age), opt(n.max_age), false);
            push(out, "Vary: Origin", o.vary_origin.to_string(), n.vary_origin.to_string(), false);
        }
    }
}

fn verdict_changes(old: &RouteVerdicts, new: &RouteVerdicts, out: &mut Vec<Change>) {
    for o in &old.origins {
        let Some(n) = new.origins.iter().find(|n| n.origin == o.origin) else { continue };
        for ov in &o.browsers {
            let Some(nv) = n.browsers.iter().find(|v| v.browser == ov.browser) else { continue };
            let pairs = [
                ("stored", ov.stored, nv.stored),
                ("sent", ov.sent, nv.sent),
                ("websocket_sent", ov.websocket_sent, nv.websocket_sent),
                ("cors_ok", ov.cors_ok, nv.cors_ok),
                ("preflight_ok", ov.preflight_ok, nv.preflight_ok),
            ];
            for (what, a, b) in pairs {
                push(
                    out,
                    &format!("{} {what} (from {})", ov.browser.as_str(), o.origin),
                    opt(a),
                    opt(b),
                    a == Some(true) && b != Some(true),
                );
            }
        }
    }
}

type Key = (String, String);

fn key(r: &IngressRoute) -> Key {
    (r.host.clone().unwrap_or_else(|| "*".to_owned()), r.path.clone())
}

/// Compares two analyses route by route (matched on host and path as written).
pub fn compare(old: &IngressAnalysis, new: &IngressAnalysis) -> Vec<RouteChanges> {
    let mut keys: BTreeMap<Key, (Option<&RouteVerdicts>, Option<&RouteVerdicts>)> = BTreeMap::new();
    for r in &old.routes {
        keys.entry(key(&r.route)).or_default().0.get_or_insert(r);
    }
    for r in &new.routes {
        keys.entry(key(&r.route)).or_default().1.get_or_insert(r);
    }
    let mut out = Vec::new();
    for ((host, path), (o, n)) in keys {
        let mut changes = Vec::new();
        match (o, n) {
            (Some(o), Some(n)) => {
                cookie_changes(main_cookie(&o.route), main_cookie(&n.route), &mut changes);
                cors_changes(o.route.cors.as_ref(), n.route.cors.as_ref(), &mut changes);
                verdict_changes(o, n, &mut changes);
            }
            (Some(_), None) => push(&mut changes, "route", "present".into(), "missing in NEW".into(), true),
            (None, Some(_)) => push(&mut changes, "route", "missing in OLD".into(), "present".into(), false),
            (None, None) => {}
        }
        out.push(RouteChanges {
            host,
            path,
            old: o.map(|r| r.route.location.clone()),
            new: n.map(|r| r.route.location.clone()),
            controllers: (
                o.map(|r| r.route.controller.name().to_owned()),
                n.map(|r| r.route.controller.name().to_owned()),
            ),
            changes,
        });
    }
    out
}
