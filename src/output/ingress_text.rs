//! `crossjar ingress` as text: per host/path the predicted `Set-Cookie` line and CORS answers, then one
//! line per browser; findings with `file:line:column` and the YAML line they point at.
//!
//! Why snippets come in as a map: the output layer does no I/O; the CLI reads the lines findings point
//! at and passes them in.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::analysis::ingress::{IngressAnalysis, PredictedAnswer};
use crate::analysis::rules::Severity;

/// Source lines for snippets: `(file, 1-based line)` → the line's text.
pub type Snippets = HashMap<(PathBuf, usize), String>;

fn yn(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

fn answer(a: &PredictedAnswer) -> String {
    let who = match (a.answered_by, a.status) {
        ("ingress", Some(s)) => format!("{s} from the proxy"),
        _ if a.headers.is_empty() => "passed to the backend".to_owned(),
        _ => "backend response, the proxy sets".to_owned(),
    };
    if a.headers.is_empty() {
        format!("{who}, no CORS headers from the proxy")
    } else {
        let hs: Vec<String> = a.headers.iter().map(|h| format!("{}: {}", h.name, h.value)).collect();
        format!("{who}: {}", hs.join("; "))
    }
}

/// Writes the report. `quiet` prints findings only. Text from the input is escaped for a terminal.
pub fn write(out: &mut dyn Write, a: &IngressAnalysis, snippets: &Snippets, quiet: bool) -> io::Result<()> {
    write_raw(&mut crate::output::escape::TextWriter::new(out), a, snippets, quiet)
}

fn write_raw(out: &mut dyn Write, a: &IngressAnalysis, snippets: &Snippets, quiet: bool) -> io::Result<()> {
    for e in &a.errors {
        writeln!(out, "error: {e}")?;
    }
    for s in &a.skipped {
        writeln!(out, "note: {s}")?;
    }
    if !quiet {
        for rv in &a.routes {
            let r = &rv.route;
            writeln!(
                out,
                "{}{}  ({}, {} {}, {})",
                r.host.as_deref().unwrap_or("*"),
                r.path,
                r.object,
                r.controller,
                r.controller_version,
                r.location
            )?;
            match &r.tls_source {
                Some(src) if r.tls => writeln!(out, "  TLS: {src}")?,
                Some(src) => writeln!(out, "  TLS: not at the proxy ({src})")?,
                None if r.tls_unknown => writeln!(
                    out,
                    "  TLS: not known (the gateway that would end it is not in the input); judged as https"
                )?,
                None => writeln!(out, "  TLS: none found (plain http)")?,
            }
            if r.affinity.is_empty() {
                writeln!(out, "  Set-Cookie: (no affinity cookie)")?;
            }
            for c in &r.affinity {
                match &c.condition {
                    Some(cond) => writeln!(out, "  Set-Cookie: {}   [{cond}]", c.set_cookie_line)?,
                    None => writeln!(out, "  Set-Cookie: {}", c.set_cookie_line)?,
                }
            }
            if let Some(s) = &rv.skipped {
                writeln!(out, "  no verdicts: {s}")?;
            }
            for o in &rv.origins {
                writeln!(
                    out,
                    "  from {} ({}) to {}",
                    o.origin,
                    if o.cross_site { "cross-site" } else { "same-site" },
                    o.url
                )?;
                match (&o.actual, &o.preflight) {
                    (Some(act), Some(pre)) => {
                        writeln!(out, "    CORS actual:    {}", answer(act))?;
                        writeln!(out, "    CORS preflight: {}", answer(pre))?;
                    }
                    _ => writeln!(out, "    CORS: the proxy adds no CORS headers; the backend answers")?,
                }
                for v in &o.browsers {
                    writeln!(
                        out,
                        "    {:<18} stored {:<3}  sent {:<3}  websocket {:<3}  cors_ok {:<3}  preflight_ok {}",
                        v.browser.as_str(),
                        yn(v.stored),
                        yn(v.sent),
                        yn(v.websocket_sent),
                        yn(v.cors_ok),
                        yn(v.preflight_ok)
                    )?;
                    if !v.reasons.is_empty() {
                        writeln!(out, "      {}", v.reasons.join(", "))?;
                    }
                }
            }
            writeln!(out)?;
        }
    }
    for f in &a.findings {
        writeln!(out, "{}[{}] {}: {}", f.severity, f.rule, f.location, f.message)?;
        if let Some(line) = f.location.line {
            if let Some(text) = snippets.get(&(f.location.file.clone(), line)) {
                let num = line.to_string();
                writeln!(out, "  {num} | {text}")?;
                if let Some(col) = f.location.column {
                    let pad: String =
                        text.chars().take(col.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                    writeln!(out, "  {} | {pad}^", " ".repeat(num.len()))?;
                }
            }
        }
        if let Some(fix) = &f.fix {
            writeln!(out, "  fix: {fix}")?;
        }
    }
    let count = |s: Severity| a.findings.iter().filter(|f| f.severity == s).count();
    writeln!(
        out,
        "{} routes, {} errors, {} warnings, {} info",
        a.routes.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    )
}

/// Writes `--compare` results: one block per host/path with every change, regressions marked `!`.
pub fn write_compare(
    out: &mut dyn Write,
    changes: &[crate::analysis::ingress_compare::RouteChanges],
) -> io::Result<()> {
    write_compare_raw(&mut crate::output::escape::TextWriter::new(out), changes)
}

fn write_compare_raw(
    out: &mut dyn Write,
    changes: &[crate::analysis::ingress_compare::RouteChanges],
) -> io::Result<()> {
    let mut regressions = 0;
    for rc in changes {
        let loc =
            |l: &Option<crate::evidence::Location>| l.as_ref().map(|l| l.to_string()).unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{}{}  ({} → {}; {} → {})",
            rc.host,
            rc.path,
            rc.controllers.0.as_deref().unwrap_or("-"),
            rc.controllers.1.as_deref().unwrap_or("-"),
            loc(&rc.old),
            loc(&rc.new)
        )?;
        if rc.changes.is_empty() {
            writeln!(out, "  no change")?;
        }
        for c in &rc.changes {
            regressions += usize::from(c.regression);
            writeln!(out, "  {} {}: {} → {}", if c.regression { "!" } else { " " }, c.what, c.old, c.new)?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{} routes compared, {regressions} regressions (marked !)", changes.len())
}
