//! `crossjar ingress --format json`: the `crossjar.ingress.v1` contract.
//!
//! Shape (stable; fields are only ever added):
//! - `schema`, `frontends[]`;
//! - `routes[]`: `file`, `line`, `column`, `object`, `host`, `path`, `controller`, `controller_version`,
//!   `tls`, `tls_source` (where TLS was read, or `null`), `set_cookie` (every `Set-Cookie` line the
//!   proxy writes for the route, in order; an array because ALB writes two and ingress-nginx's
//!   conditional SameSite has a per-user-agent variant),
//!   `cors` (the predicted policy, or `null`), `verdicts` (keyed by browser, for the **first** frontend
//!   origin; each carries its `origin`), `verdicts_by_origin[]` (every frontend: `origin`, `cross_site`,
//!   `url`, the predicted `actual` and `preflight` answers, `mixed_content_blocked`, and `verdicts` keyed by
//!   browser), `skipped`;
//! - `findings[]`: `rule`, `severity`, `file`, `line`, `column`, `message`, `fix` (one line or `null`),
//!   `fixes` (the same as a list, empty when there is none: the shape `crossjar.har.v1` and
//!   `crossjar.headers.v1` findings have, so one consumer reads all three);
//! - `errors[]`: `file`, `line`, `column`, `message`;
//! - `skipped_inputs[]` (same shape): inputs passed over while walking folders (a symlink loop, a
//!   second path to a file already read, a FIFO named `*.yaml`).
//!
//! Why `verdicts` and `verdicts_by_origin`: most repositories have one frontend, and consumers written
//! against the contract read `verdicts.chrome.stored` directly; several frontends stay possible.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value};

use crate::analysis::ingress::{
    BrowserVerdict, IngressAnalysis, IngressFinding, OriginVerdicts, PredictedAnswer, RouteVerdicts,
};
use crate::evidence::{InputError, Location};

/// The schema id.
pub const SCHEMA: &str = "crossjar.ingress.v1";

fn file(l: &Location) -> String {
    l.file.to_string_lossy().replace('\\', "/")
}

fn answer(a: &Option<PredictedAnswer>) -> Value {
    match a {
        None => Value::Null,
        Some(a) => json!({
            "answered_by": a.answered_by,
            "status": a.status,
            "headers": a.headers.iter().map(|h| json!({"name": h.name, "value": h.value})).collect::<Vec<_>>(),
        }),
    }
}

fn verdict(origin: &str, v: &BrowserVerdict) -> Value {
    json!({
        "origin": origin,
        "stored": v.stored,
        "sent": v.sent,
        "websocket_sent": v.websocket_sent,
        "cors_ok": v.cors_ok,
        "preflight_ok": v.preflight_ok,
        "reasons": v.reasons,
    })
}

fn by_browser(o: &OriginVerdicts) -> Value {
    let mut m = Map::new();
    for v in &o.browsers {
        m.insert(v.browser.as_str().to_owned(), verdict(&o.origin, v));
    }
    Value::Object(m)
}

fn route_value(rv: &RouteVerdicts) -> Value {
    let r = &rv.route;
    json!({
        "file": file(&r.location),
        "line": r.location.line,
        "column": r.location.column,
        "object": r.object,
        "host": r.host,
        "path": r.path,
        "controller": r.controller.name(),
        "controller_version": r.controller_version.to_string(),
        "tls": r.tls,
        "tls_source": r.tls_source,
        "set_cookie": r.affinity.iter().map(|c| c.set_cookie_line.clone()).collect::<Vec<_>>(),
        "cors": r.cors.as_ref().map(|c| serde_json::to_value(c).unwrap_or(Value::Null)),
        "verdicts": rv.origins.first().map(by_browser).unwrap_or_else(|| json!({})),
        "verdicts_by_origin": rv.origins.iter().map(|o| json!({
            "origin": o.origin,
            "cross_site": o.cross_site,
            "url": o.url,
            "actual": answer(&o.actual),
            "preflight": answer(&o.preflight),
            "mixed_content_blocked": o.mixed_content_blocked,
            "verdicts": by_browser(o),
        })).collect::<Vec<_>>(),
        "skipped": rv.skipped,
    })
}

fn finding_value(f: &IngressFinding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "file": file(&f.location),
        "line": f.location.line,
        "column": f.location.column,
        "message": f.message,
        "fix": f.fix,
        "fixes": f.fix.iter().collect::<Vec<_>>(),
    })
}

fn error_value(e: &InputError) -> Value {
    json!({
        "file": file(&e.location),
        "line": e.location.line,
        "column": e.location.column,
        "message": e.message,
    })
}

/// The report as a JSON value.
pub fn to_value(a: &IngressAnalysis, frontends: &[String]) -> Value {
    json!({
        "schema": SCHEMA,
        "frontends": frontends,
        "routes": a.routes.iter().map(route_value).collect::<Vec<_>>(),
        "findings": a.findings.iter().map(finding_value).collect::<Vec<_>>(),
        "errors": a.errors.iter().map(error_value).collect::<Vec<_>>(),
        "skipped_inputs": a.skipped.iter().map(error_value).collect::<Vec<_>>(),
    })
}

/// A sequence serialised item by item, so a report on 10 000 routes never exists as one JSON tree.
struct LazySeq<F>(F);

impl<F, I> Serialize for LazySeq<F>
where
    F: Fn() -> I,
    I: Iterator<Item = Value>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

struct Report<'a>(&'a IngressAnalysis, &'a [String]);

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Keys in the order `to_value` prints them (sorted), so both give the same bytes.
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("errors", &LazySeq(|| self.0.errors.iter().map(error_value)))?;
        m.serialize_entry("findings", &LazySeq(|| self.0.findings.iter().map(finding_value)))?;
        m.serialize_entry("frontends", self.1)?;
        m.serialize_entry("routes", &LazySeq(|| self.0.routes.iter().map(route_value)))?;
        m.serialize_entry("schema", SCHEMA)?;
        m.serialize_entry("skipped_inputs", &LazySeq(|| self.0.skipped.iter().map(error_value)))?;
        m.end()
    }
}

/// Writes the report, pretty-printed, with a final newline; routes are serialised one at a time.
pub fn write(out: &mut dyn std::io::Write, a: &IngressAnalysis, frontends: &[String]) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Report(a, frontends))?;
    writeln!(out)
}

/// The `--compare` schema id.
pub const COMPARE_SCHEMA: &str = "crossjar.ingress-compare.v1";

/// Writes `--compare` results as `crossjar.ingress-compare.v1`: `routes[]` with `host`, `path`,
/// `old`/`new` locations, `controllers`, and `changes[]` (`what`, `old`, `new`, `regression`).
pub fn write_compare(
    out: &mut dyn std::io::Write,
    changes: &[crate::analysis::ingress_compare::RouteChanges],
) -> std::io::Result<()> {
    let loc = |l: &Option<Location>| {
        l.as_ref().map(|l| json!({"file": file(l), "line": l.line, "column": l.column})).unwrap_or(Value::Null)
    };
    let routes: Vec<Value> = changes
        .iter()
        .map(|rc| {
            json!({
                "host": rc.host,
                "path": rc.path,
                "old": loc(&rc.old),
                "new": loc(&rc.new),
                "controllers": {"old": rc.controllers.0, "new": rc.controllers.1},
                "changes": rc.changes.iter().map(|c| json!({
                    "what": c.what, "old": c.old, "new": c.new, "regression": c.regression,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &json!({"schema": COMPARE_SCHEMA, "routes": routes}))?;
    writeln!(out)
}
