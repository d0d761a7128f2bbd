//! Rendering of `crossjar diff` (text and `crossjar.diff.v1` JSON).

use std::fmt::Write as _;

use serde::Serialize;

use super::json::{finding, FindingJson};
use crate::analysis::diff::HarDiff;
use crate::analysis::report::{CookieCounts, Finding};

fn counts(c: &Option<CookieCounts>) -> String {
    match c {
        Some(c) => format!("stored {}/{} sent {}/{}", c.stored, c.set, c.sent, c.requests),
        None => "—".to_string(),
    }
}

fn finding_line(out: &mut String, mark: &str, f: &Finding) {
    let browsers: Vec<&str> = f.browsers.iter().map(|b| b.as_str()).collect();
    let _ = writeln!(out, "  {mark} {}[{}] {} ({})", f.severity, f.rule, f.message, browsers.join(", "));
}

/// The diff as text (text from the captures escaped for a terminal); with `quiet`, the findings only.
pub fn text(d: &HarDiff, quiet: bool) -> String {
    crate::output::escape::text(&text_raw(d, quiet)).into_owned()
}

fn text_raw(d: &HarDiff, quiet: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} → {}", d.before, d.after);
    let mut last = (String::new(), String::new());
    for c in d.cookies.iter().filter(|_| !quiet) {
        if (c.name.clone(), c.host.clone()) != last {
            let _ = writeln!(out, "\n  {} @ {}", c.name, c.host);
            last = (c.name.clone(), c.host.clone());
        }
        let mark = match c.verdict() {
            "better" => "✓ better",
            "worse" => "✗ worse",
            "only-before" => "? only in the capture before",
            "only-after" => "? only in the capture after",
            _ => "= unchanged",
        };
        let _ =
            writeln!(out, "    {:<19} {:<28} → {:<28} {mark}", c.browser.as_str(), counts(&c.before), counts(&c.after));
    }
    let _ = writeln!(out, "\nFindings resolved: {}", d.resolved.len());
    for f in &d.resolved {
        finding_line(&mut out, "-", f);
    }
    let _ = writeln!(out, "Findings introduced: {}", d.introduced.len());
    for f in &d.introduced {
        finding_line(&mut out, "+", f);
    }
    out
}

#[derive(Serialize)]
struct DiffJson<'a> {
    schema: &'static str,
    before: &'a str,
    after: &'a str,
    cookies: Vec<CookieJson<'a>>,
    resolved: Vec<FindingJson<'a>>,
    introduced: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct CookieJson<'a> {
    cookie: &'a str,
    host: &'a str,
    browser: &'static str,
    before: Option<CountsJson>,
    after: Option<CountsJson>,
    verdict: &'static str,
}

#[derive(Serialize)]
struct CountsJson {
    set: usize,
    stored: usize,
    requests: usize,
    sent: usize,
}

fn cj(c: &Option<CookieCounts>) -> Option<CountsJson> {
    c.map(|c| CountsJson { set: c.set, stored: c.stored, requests: c.requests, sent: c.sent })
}

/// The diff as `crossjar.diff.v1` JSON.
pub fn json(d: &HarDiff) -> String {
    let doc = DiffJson {
        schema: "crossjar.diff.v1",
        before: &d.before,
        after: &d.after,
        cookies: d
            .cookies
            .iter()
            .map(|c| CookieJson {
                cookie: &c.name,
                host: &c.host,
                browser: c.browser.as_str(),
                before: cj(&c.before),
                after: cj(&c.after),
                verdict: c.verdict(),
            })
            .collect(),
        resolved: d.resolved.iter().map(finding).collect(),
        introduced: d.introduced.iter().map(finding).collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}
