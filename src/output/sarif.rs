//! SARIF 2.1.0, the subset GitHub code scanning reads: `tool.driver.rules` with help from `rules/`,
//! results with `ruleId`, `ruleIndex`, `level`, a location and stable `partialFingerprints`.

use serde::Serialize;

use super::diagnostic::Diagnostic;
use crate::analysis::rules::{Severity, RULES};

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help<'a>,
    default_configuration: Configuration,
    properties: Properties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: OwnedText,
    locations: Vec<Location<'a>>,
    partial_fingerprints: Fingerprints<'a>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "crossjarFingerprint/v1")]
    crossjar: &'a str,
}

/// SARIF's level for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn camel(id: &str) -> String {
    id.split('-').map(|w| w[..1].to_ascii_uppercase() + &w[1..]).collect()
}

/// The diagnostics as a SARIF 2.1.0 log (one run, every rule described).
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let rules = RULES
        .iter()
        .map(|r| ReportingDescriptor {
            id: r.id.as_str(),
            name: camel(r.id.as_str()),
            short_description: Text { text: r.summary },
            full_description: Text { text: r.summary },
            help: Help { text: r.doc, markdown: r.doc },
            default_configuration: Configuration { level: level(r.severity) },
            properties: Properties { tags: vec![r.category.as_str()] },
        })
        .collect();
    let results = diagnostics
        .iter()
        .map(|d| SarifResult {
            rule_id: d.rule,
            rule_index: RULES.iter().position(|r| r.id == d.rule).unwrap_or(0),
            level: level(d.severity),
            message: OwnedText {
                text: if d.fixes.is_empty() {
                    d.message.clone()
                } else {
                    format!("{}\nFix: {}", d.message, d.fixes.join("\nFix: "))
                },
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation { uri: &d.file },
                    region: Region { start_line: d.line.unwrap_or(1), start_column: d.column },
                },
            }],
            partial_fingerprints: Fingerprints { crossjar: &d.fingerprint },
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "crossjar",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            results,
        }],
    };
    serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
