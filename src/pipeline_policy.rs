//! The repository's policy (`crossjar.toml` `[severity]`, `[[ignore]]`, a baseline) applied to
//! findings in one place, before any output, for every front end: the command line calls these,
//! and so can the web page and library users.

use std::path::Path;

use crate::analysis::policy::{Policy, Subject, Verdict};
use crate::analysis::report::Finding;
use crate::analysis::rules::RuleId;
use crate::config::{self, Config, ConfigError};
use crate::output::diagnostic::{self, Diagnostic};

/// The configuration (`config`, else `crossjar.toml` found from `start` upwards) and its policy with
/// the fingerprints of `baseline` added.
pub fn load_policy(
    config: Option<&Path>,
    baseline: Option<&Path>,
    start: &Path,
) -> Result<(Option<Config>, Policy), ConfigError> {
    let cfg = match config {
        Some(p) => Some(config::load(p)?),
        None => config::discover(start)?,
    };
    let mut policy = cfg.as_ref().map(|c| c.policy.clone()).unwrap_or_default();
    if let Some(b) = baseline {
        policy.baseline.extend(config::read_baseline(b)?);
    }
    Ok((cfg, policy))
}

/// Applies the policy to the findings of `file` (a HAR or `curl -i` text) in place: severities
/// changed, ignored and baselined findings dropped.
pub fn apply_to_findings(policy: &Policy, file: &str, findings: &mut Vec<Finding>) {
    if policy.is_empty() {
        return;
    }
    let diags = diagnostic::from_findings(file, findings);
    let mut keep = Vec::with_capacity(findings.len());
    for (f, d) in findings.drain(..).zip(diags) {
        let s = Subject {
            rule: f.rule,
            cookie: f.cookie.as_deref(),
            host: f.host.as_deref(),
            file,
            fingerprint: &d.fingerprint,
        };
        if let Verdict::Report(sev) = policy.decide(s, f.severity) {
            keep.push(Finding { severity: sev, ..f });
        }
    }
    *findings = keep;
}

/// Applies the policy to `crossjar ingress` findings in place.
pub fn apply_to_ingress(policy: &Policy, findings: &mut Vec<crate::analysis::ingress::IngressFinding>) {
    if policy.is_empty() {
        return;
    }
    let diags = diagnostic::from_ingress(findings);
    let mut keep = Vec::with_capacity(findings.len());
    for (mut f, d) in findings.drain(..).zip(diags) {
        // Every id the ingress analysis emits is registered (tests/ingress_cli.rs); one that were
        // not would have no policy to apply.
        let Ok(rule) = f.rule.parse::<RuleId>() else {
            keep.push(f);
            continue;
        };
        let s = Subject { rule, cookie: None, host: None, file: &d.file, fingerprint: &d.fingerprint };
        if let Verdict::Report(sev) = policy.decide(s, f.severity) {
            f.severity = sev;
            keep.push(f);
        }
    }
    *findings = keep;
}

/// Writes a baseline: one fingerprint per line with the rule and message as a comment, for review.
pub fn write_baseline(path: &Path, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    let mut text = String::from("# crossjar baseline: findings known when it was written; CI reports only new ones.\n");
    for d in diagnostics {
        text.push_str(&format!("{} # {} {}: {}\n", d.fingerprint, d.severity, d.rule, d.message.replace('\n', " ")));
    }
    std::fs::write(path, text)
}
