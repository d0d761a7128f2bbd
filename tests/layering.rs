//! The layering, checked on the source: every `crate::…` path in code (comments and doc comments
//! are skipped) must point along an allowed arrow.
//!
//! - `model` is pure: it names nothing outside itself.
//! - `input` (readers) never names `analysis` (no rule ids, severities or fixes in readers), nor
//!   outputs, the command line or the application layer.
//! - `analysis` never names `input` (it judges evidence, typed facts), outputs or the command line.
//! - `cli` never names `model`: it parses arguments and calls the application layer (the crate
//!   root's re-exports such as `crate::Browser` are that layer's API).
//! - `output` never names the command line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Arrows against the rules above that are tolerated for now, as `file -> layer`: none since the
/// ingress readers hand typed facts (`crate::evidence::ingress`) and `crossjar ingress` parses its
/// origins through the application layer (issue 15). The test fails on any arrow not listed here AND
/// on a listed one that no longer exists, so the list can only shrink.
const KNOWN: &[&str] = &[];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The layer of a source file or of a `crate::NAME` path.
fn layer_of_module(name: &str) -> &str {
    match name {
        n if n.starts_with("pipeline") => "pipeline",
        n => n,
    }
}

fn layer_of_file(rel: &str) -> &str {
    let first = rel.trim_start_matches("src/").split('/').next().unwrap();
    layer_of_module(first.trim_end_matches(".rs"))
}

/// Whether `from` may name `to`.
fn allowed(from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    match from {
        "model" => false,
        "input" => !matches!(to, "analysis" | "output" | "cli" | "pipeline" | "config" | "sanitize"),
        "analysis" => !matches!(to, "input" | "output" | "cli" | "pipeline" | "config" | "sanitize"),
        "output" => to != "cli",
        "cli" => to != "model",
        _ => true,
    }
}

/// The `crate::NAME` modules a line of code names (comments stripped).
fn named_modules(line: &str) -> Vec<String> {
    let code = match line.find("//") {
        // A `//` inside a string is rare in these files; a URL in a string would only hide a path
        // after it on the same line.
        Some(i) => &line[..i],
        None => line,
    };
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        // `crossjar::…` or `my_crate::…` are not this crate's root.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        // `crate::Browser` and other root re-exports are the application layer's API.
        if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
            out.push(name);
        }
    }
    out
}

#[test]
fn arrows_follow_the_layering() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for path in all {
        let rel = path.strip_prefix(root).unwrap().to_str().unwrap().replace('\\', "/");
        let from = layer_of_file(&rel).to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for module in named_modules(line) {
                checked += 1;
                let to = layer_of_module(&module);
                if !allowed(&from, to) {
                    let key = format!("{rel} -> {to}");
                    if !KNOWN.contains(&key.as_str()) {
                        wrong.push(format!("{rel}:{}: {from} names crate::{module}", n + 1));
                    }
                    found.insert(key);
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} paths checked: is the scan reading the sources?");
    assert!(wrong.is_empty(), "arrows against the layering:\n{}", wrong.join("\n"));
    let gone: Vec<&&str> = KNOWN.iter().filter(|k| !found.contains(**k)).collect();
    assert!(gone.is_empty(), "no longer there, remove from KNOWN: {gone:?}");
}

#[test]
fn the_scan_sees_what_it_should() {
    assert_eq!(named_modules("use crate::model::site::Origin;"), ["model"]);
    assert_eq!(named_modules("    let x = crate::analysis::rules::rule(id); // crate::cli"), ["analysis"]);
    assert!(named_modules("use crossjar::model::jar;").is_empty());
    assert!(named_modules("use crate::Browser;").is_empty());
    assert!(!allowed("model", "analysis") && !allowed("input", "analysis") && !allowed("cli", "model"));
    assert!(!allowed("analysis", "input") && allowed("analysis", "model") && allowed("cli", "pipeline"));
    assert_eq!(layer_of_file("src/pipeline_headers.rs"), "pipeline");
    assert_eq!(layer_of_file("src/model/cors/tests.rs"), "model");
}
