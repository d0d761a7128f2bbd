//! Every rule has its page, a fixture that fires it and one that does not.
//!
//! `fixtures/rules/<rule-id>/` holds `args` (the command line, without the input path), `fires.*` and
//! `quiet.*`. The binary runs on each; the rule must appear in the findings of `fires.*` and be absent
//! from those of `quiet.*`. The text rendering of the firing findings is snapshotted per rule, and every
//! finding message of every fixture is held to the message style (one line, names its subject, no
//! closing period).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crossjar::analysis::rules::RULES;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rules_dir() -> PathBuf {
    root().join("fixtures/rules")
}

#[path = "support/binary.rs"]
mod binary;
use binary::crossjar;

/// One rule's fixture folder.
struct Case {
    id: String,
    /// The arguments from `args`, before the input path.
    args: Vec<String>,
    fires: String,
    quiet: String,
}

/// The input extension each command reads.
fn extension_for(command: &str) -> &'static str {
    match command {
        "har" => "har",
        "headers" => "txt",
        "ingress" => "yaml",
        other => panic!("args names `{other}`: use har, headers or ingress"),
    }
}

/// The one file in `dir` named `stem.*`, as a path relative to the repository root.
fn input(dir: &Path, stem: &str) -> String {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_stem().and_then(|s| s.to_str()) == Some(stem))
        .collect();
    assert_eq!(found.len(), 1, "{}: expected exactly one {stem}.* file, found {found:?}", dir.display());
    found[0].strip_prefix(root()).unwrap().to_str().unwrap().to_string()
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(rules_dir()).expect("fixtures/rules exists") {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let id = dir.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(dir.join("args")).unwrap_or_else(|e| panic!("{id}/args: {e}"));
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        assert_eq!(lines.len(), 1, "{id}/args: one line of arguments expected");
        let args: Vec<String> = lines[0].split_whitespace().map(str::to_string).collect();
        assert!(!args.iter().any(|a| a == "--show-values"), "{id}/args: never print values in tests");
        assert!(!args.iter().any(|a| a == "--format"), "{id}/args: the test chooses the format");
        let (fires, quiet) = (input(&dir, "fires"), input(&dir, "quiet"));
        let ext = extension_for(&args[0]);
        for f in [&fires, &quiet] {
            assert!(f.ends_with(&format!(".{ext}")), "{f}: `{}` reads .{ext} files", args[0]);
        }
        out.push(Case { id, args, fires, quiet });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Findings of one run in JSON: `har` and `ingress` both list them under `findings`; `headers` JSON
/// (`crossjar.headers.v1`) has none, so its findings are read from SARIF (`ruleId`, `message.text`).
fn findings(case: &Case, file: &str) -> Vec<serde_json::Value> {
    let headers = case.args[0] == "headers";
    let mut args = case.args.clone();
    args.push(file.to_string());
    args.extend(["--format".to_string(), if headers { "sarif" } else { "json" }.to_string()]);
    let (code, stdout, stderr) = crossjar(&args);
    assert!(code == 0 || code == 1, "{file}: exit {code} (input error?)\n{stderr}");
    assert!(stderr.trim().is_empty(), "{file}: the input should read cleanly, got:\n{stderr}");
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{file}: not JSON ({e})\n{stdout}"));
    if let Some(errors) = doc.get("errors").and_then(|e| e.as_array()) {
        assert!(errors.is_empty(), "{file}: input errors {errors:?}");
    }
    if headers {
        doc["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                // SARIF's text is the finding's message followed by its fixes (`\nFix: …`).
                let text = r["message"]["text"].as_str().unwrap_or("");
                let message = text.split("\nFix: ").next().unwrap_or(text);
                serde_json::json!({"rule": r["ruleId"], "message": message})
            })
            .collect()
    } else {
        doc["findings"].as_array().unwrap_or_else(|| panic!("{file}: no findings array\n{stdout}")).clone()
    }
}

fn rule_ids(found: &[serde_json::Value]) -> BTreeSet<String> {
    found.iter().map(|f| f["rule"].as_str().expect("every finding names its rule").to_string()).collect()
}

#[test]
fn every_rule_has_a_page_and_every_page_a_rule() {
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
    let pages: BTreeSet<String> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    let pages: BTreeSet<&str> = pages.iter().map(String::as_str).collect();
    assert_eq!(ids.difference(&pages).collect::<Vec<_>>(), Vec::<&&str>::new(), "rules without rules/<id>.md");
    assert_eq!(pages.difference(&ids).collect::<Vec<_>>(), Vec::<&&str>::new(), "pages without a rule");
}

#[test]
fn every_page_has_the_same_outline() {
    for rule in RULES {
        let path = root().join("rules").join(format!("{}.md", rule.id));
        let page = std::fs::read_to_string(&path).unwrap();
        assert_eq!(page.lines().next(), Some(format!("# {}", rule.id).as_str()), "{}: first line", rule.id);
        let headings: Vec<&str> = page.lines().filter(|l| l.starts_with("## ")).collect();
        let mut at = 0;
        for want in ["## What it detects", "## Why it matters", "## Fix"] {
            match headings[at..].iter().position(|h| *h == want) {
                Some(i) => at += i + 1,
                None => panic!("{}: `{want}` missing or out of order in {headings:?}", rule.id),
            }
        }
        // Each of the three sections says something.
        for want in ["## What it detects", "## Why it matters", "## Fix"] {
            let body: String = page
                .split(want)
                .nth(1)
                .map(|rest| rest.split("\n## ").next().unwrap_or("").trim().to_string())
                .unwrap_or_default();
            assert!(!body.is_empty(), "{}: `{want}` is empty", rule.id);
        }
    }
}

#[test]
fn fixture_folders_match_the_rules() {
    let ids: BTreeSet<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    let folders: BTreeSet<String> = cases().into_iter().map(|c| c.id).collect();
    let missing: Vec<&String> = ids.difference(&folders).collect();
    let stale: Vec<&String> = folders.difference(&ids).collect();
    assert!(missing.is_empty(), "rules without fixtures/rules/<id>/: {missing:?}");
    assert!(stale.is_empty(), "fixture folders for no rule: {stale:?}");
}

#[test]
fn each_rule_fires_on_its_fixture_and_not_on_the_quiet_one() {
    let mut failures = Vec::new();
    for case in cases() {
        let fired = rule_ids(&findings(&case, &case.fires));
        if !fired.contains(&case.id) {
            failures.push(format!("{}: {} does not fire it (found {fired:?})", case.id, case.fires));
        }
        let quiet = rule_ids(&findings(&case, &case.quiet));
        if quiet.contains(&case.id) {
            failures.push(format!("{}: {} fires it", case.id, case.quiet));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rendered text lines of `id`'s findings: `severity[id]…`, or for `headers` (whose text report
/// shows verdicts, not findings) the GitHub annotation lines titled with the rule.
fn text_finding_lines(case: &Case) -> Vec<String> {
    let mut args = case.args.clone();
    args.push(case.fires.clone());
    let headers = case.args[0] == "headers";
    if headers {
        args.extend(["--format".to_string(), "github".to_string()]);
    }
    let (code, stdout, stderr) = crossjar(&args);
    assert!(code == 0 || code == 1, "{}: exit {code}\n{stderr}", case.fires);
    let marker = if headers { format!("title=crossjar {}::", case.id) } else { format!("[{}]", case.id) };
    stdout
        .lines()
        .filter(|l| {
            if headers {
                l.contains(&marker)
            } else {
                ["error", "warning", "info"].iter().any(|s| l.starts_with(&format!("{s}{marker}")))
            }
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn firing_findings_render_as_text() {
    for case in cases() {
        let lines = text_finding_lines(&case);
        assert!(!lines.is_empty(), "{}: no rendered finding line in the text output of {}", case.id, case.fires);
        insta::assert_snapshot!(format!("fires__{}", case.id), lines.join("\n"));
    }
}

/// Header names a message may name as its subject.
const HEADERS: &[&str] = &[
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "set-cookie",
    "cookie",
    "vary",
    "origin",
];

/// Whether a message names what it is about: the finding's cookie when it has one; otherwise a
/// host, a header, a quoted name (annotation, field, cookie), or the file:line the finding points at.
fn names_subject(f: &serde_json::Value) -> bool {
    let msg = f["message"].as_str().unwrap_or("");
    if let Some(cookie) = f.get("cookie").and_then(|c| c.as_str()) {
        return msg.contains(cookie);
    }
    let lower = msg.to_ascii_lowercase();
    let host = f.get("host").and_then(|h| h.as_str()).is_some_and(|h| !h.is_empty() && msg.contains(h));
    // A URL names its host too (`/` splits it out of `https://host/path`).
    let hostish = msg.split(|c: char| c.is_whitespace() || "(),;:`'\"[]/".contains(c)).any(|w| {
        let w = w.trim_end_matches('.');
        let labels: Vec<&str> = w.split('.').collect();
        labels.len() >= 2
            && labels
                .iter()
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*'))
            && labels.last().is_some_and(|l| l.chars().any(|c| c.is_ascii_alphabetic()))
    });
    let header = HEADERS.iter().any(|h| lower.contains(h));
    let quoted = msg.matches('`').count() >= 2;
    let located = f.get("file").and_then(|x| x.as_str()).is_some_and(|x| !x.is_empty())
        && f.get("line").and_then(|x| x.as_u64()).is_some_and(|l| l > 0);
    host || hostish || header || quoted || located
}

#[test]
fn finding_messages_follow_the_style() {
    let mut bad = Vec::new();
    let mut seen = 0;
    for case in cases() {
        for file in [&case.fires, &case.quiet] {
            for f in findings(&case, file) {
                seen += 1;
                let rule = f["rule"].as_str().unwrap_or("?").to_string();
                let msg = f["message"].as_str().unwrap_or("").to_string();
                if msg.trim().is_empty() {
                    bad.push(format!("{file} {rule}: empty message"));
                }
                if msg.contains('\n') || msg.contains('\r') {
                    bad.push(format!("{file} {rule}: more than one line: {msg:?}"));
                }
                if msg.trim_end().ends_with('.') {
                    bad.push(format!("{file} {rule}: ends with a period: {msg}"));
                }
                if !names_subject(&f) {
                    bad.push(format!("{file} {rule}: names no cookie, header, host or location: {msg}"));
                }
            }
        }
    }
    assert!(seen > RULES.len(), "only {seen} findings checked");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_subject_check_rejects_what_it_should() {
    let f = |v: serde_json::Value| names_subject(&v);
    assert!(!f(serde_json::json!({"message": "something went wrong", "cookie": "route"})));
    assert!(f(serde_json::json!({"message": "`route` on api.example.net is not stored", "cookie": "route"})));
    assert!(!f(serde_json::json!({"message": "the preflight failed"})));
    assert!(f(serde_json::json!({"message": "the preflight to api.example.net failed"})));
    assert!(f(serde_json::json!({"message": "GET https://api.example.net/x: CORS error"})));
    assert!(!f(serde_json::json!({"message": "GET /x/y: CORS error"})));
    assert!(f(serde_json::json!({"message": "no Access-Control-Allow-Origin"})));
    assert!(f(serde_json::json!({"message": "the proxy answers", "file": "a.yaml", "line": 3})));
    assert!(!f(serde_json::json!({"message": "version 1.2 is old"})));
}
