//! Every emitted severity is the registry's default (`src/analysis/rules.rs`): `crossjar rules` tells
//! the truth about defaults, and configuration is the only thing that changes a severity.
//!
//! The binary runs as a user would, without configuration, over every fixture (`fixtures/rules/*`,
//! `fixtures/har`, `fixtures/headers`, `fixtures/ingress`, `fixtures/ingress-migration`) and the
//! public HARs in `../shared/samples/` when present. HAR and ingress findings are read from JSON,
//! headers findings from SARIF (`crossjar.headers.v1` lists no findings).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crossjar::analysis::rules::{RuleId, Severity};

#[path = "support/binary.rs"]
mod binary;
use binary::{crossjar, crossjar_in};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Ingress emissions tolerated at a severity other than the registry's, as `rule emitted-severity`:
/// none since the readers hand facts and `analysis::ingress` takes every severity from the registry
/// (issue 15). The test fails on any disagreement not listed here AND on any listed one that no
/// longer happens, so the list can only shrink.
const KNOWN_INGRESS_DISAGREEMENTS: &[&str] = &[];

/// Files under `dir` (recursively) ending in `.ext`.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p, ext));
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The command line for `file`: its rule folder's `args`, else the command with, for ingress, two
/// frontends (one the fixtures name, one they do not).
fn args_for(command: &str, file: &Path) -> Vec<String> {
    if let Ok(text) = std::fs::read_to_string(file.with_file_name("args")) {
        let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap();
        return line.split_whitespace().map(str::to_string).collect();
    }
    let mut args = vec![command.to_string()];
    if command == "ingress" {
        for from in ["https://app.coinnation.io", "https://evil.example"] {
            args.extend(["--from".to_string(), from.to_string()]);
        }
    }
    args
}

/// `(rule, severity)` of every finding `crossjar COMMAND FILE` emits.
fn emitted(command: &str, file: &Path) -> Vec<(String, String)> {
    let format = if command == "headers" { "sarif" } else { "json" };
    let mut args = args_for(command, file);
    assert_eq!(args[0], command, "{}", file.display());
    args.extend([file.to_str().unwrap().to_string(), "--format".to_string(), format.to_string()]);
    // Run outside the repository, so no `crossjar.toml` changes severities.
    let (code, stdout, stderr) = crossjar_in(&std::env::temp_dir(), &args);
    assert!(code == 0 || code == 1 || code == 2, "{}: exit {code}\n{stderr}", file.display());
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&stdout) else {
        // An input the command refuses (exit 2) prints no report.
        assert_eq!(code, 2, "{}: not JSON\n{stdout}", file.display());
        return Vec::new();
    };
    if command == "headers" {
        let results = doc["runs"][0]["results"].as_array().cloned().unwrap_or_default();
        results
            .iter()
            .map(|r| {
                let level = match r["level"].as_str().unwrap() {
                    "note" => "info",
                    other => other,
                };
                (r["ruleId"].as_str().unwrap().to_string(), level.to_string())
            })
            .collect()
    } else {
        let findings = doc["findings"].as_array().cloned().unwrap_or_default();
        findings
            .iter()
            // A finding resting on facts the capture does not hold is at most `info` by design (no
            // error may rest on a guess): it must say so, and is held to that instead.
            .map(|f| {
                let rule = f["rule"].as_str().unwrap().to_string();
                let severity = f["severity"].as_str().unwrap().to_string();
                if f["evidence"] == "unknown" {
                    assert_eq!(severity, "info", "{rule}: an unknown-evidence finding above info");
                    let id: RuleId = rule.parse().unwrap();
                    return (rule, id.severity().as_str().to_string());
                }
                (rule, severity)
            })
            .collect()
    }
}

/// The disagreements of one run, as `rule emitted-severity (default D) in FILE`.
fn disagreements(command: &str, file: &Path, seen: &mut BTreeSet<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (rule, severity) in emitted(command, file) {
        let id: RuleId = rule.parse().unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let sev: Severity = severity.parse().unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        seen.insert(rule.clone());
        if sev != id.severity() {
            out.push((
                format!("{rule} {sev}"),
                format!("{rule}: {sev} (registry default {}) in {}", id.severity(), file.display()),
            ));
        }
    }
    out
}

#[test]
fn har_and_headers_findings_carry_the_registry_severity() {
    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    let mut hars = files(&root().join("fixtures/har"), "har");
    hars.extend(files(&root().join("fixtures/rules"), "har"));
    hars.extend(files(&root().join("../shared/samples/har"), "har"));
    hars.extend(files(&root().join("../shared/samples/har-more"), "har"));
    for f in &hars {
        wrong.extend(disagreements("har", f, &mut seen).into_iter().map(|(_, m)| m));
    }
    let mut headers = files(&root().join("fixtures/headers"), "txt");
    headers.extend(files(&root().join("fixtures/rules"), "txt"));
    for f in &headers {
        wrong.extend(disagreements("headers", f, &mut seen).into_iter().map(|(_, m)| m));
    }
    assert!(wrong.is_empty(), "severities that differ from the registry:\n{}", wrong.join("\n"));
    // The test looks at real emissions: the fixtures fire a good share of the rules.
    assert!(seen.len() >= 10, "only {} rules fired: {seen:?}", seen.len());
}

#[test]
fn ingress_findings_carry_the_registry_severity() {
    let mut seen = BTreeSet::new();
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut wrong = Vec::new();
    let mut yamls = files(&root().join("fixtures/ingress"), "yaml");
    yamls.extend(files(&root().join("fixtures/ingress-migration"), "yaml"));
    yamls.extend(files(&root().join("fixtures/rules"), "yaml"));
    for f in &yamls {
        for (key, message) in disagreements("ingress", f, &mut seen) {
            if !KNOWN_INGRESS_DISAGREEMENTS.contains(&key.as_str()) {
                wrong.push(message);
            }
            found.insert(key);
        }
    }
    assert!(wrong.is_empty(), "ingress severities that differ from the registry:\n{}", wrong.join("\n"));
    let gone: Vec<&&str> = KNOWN_INGRESS_DISAGREEMENTS.iter().filter(|k| !found.contains(**k)).collect();
    assert!(gone.is_empty(), "fixed, remove from KNOWN_INGRESS_DISAGREEMENTS: {gone:?}");
    assert!(seen.len() >= 20, "only {} rules fired: {seen:?}", seen.len());
}

#[test]
fn crossjar_rules_lists_every_registry_default() {
    let (code, stdout, _) = crossjar(&["rules"]);
    assert_eq!(code, 0);
    for id in RuleId::ALL {
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id.as_str()))
            .unwrap_or_else(|| panic!("`crossjar rules` does not list {id}"));
        assert!(line.split_whitespace().any(|w| w == id.severity().as_str()), "{id}: {line}");
    }
}
