//! `crossjar.toml`, `--config`, `--baseline`, `--write-baseline`: the policy applied to findings once,
//! before any output, for every command.

use std::path::Path;

use super::Common;
use crate::analysis::policy::{Policy, Subject, Verdict};
use crate::analysis::report::Finding;
use crate::config::{self, Config};
use crate::output::diagnostic::Diagnostic;

/// The configuration (`--config`, or `crossjar.toml` found from the working directory) and the policy
/// with `--baseline` added.
pub(crate) fn load(common: &Common) -> Result<(Option<Config>, Policy), String> {
    let cfg = match &common.config {
        Some(p) => Some(config::load(p)?),
        None => {
            let cwd = std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
            config::discover(&cwd)?
        }
    };
    let mut policy = cfg.as_ref().map(|c| c.policy.clone()).unwrap_or_default();
    if let Some(b) = &common.baseline {
        policy.baseline.extend(config::read_baseline(b)?);
    }
    Ok((cfg, policy))
}

/// Applies the policy to `crossjar ingress` findings in place.
pub(crate) fn apply_ingress(policy: &Policy, findings: &mut Vec<crate::analysis::ingress::IngressFinding>) {
    if policy.is_empty() {
        return;
    }
    let diags = crate::output::diagnostic::from_ingress(findings);
    let mut keep = Vec::with_capacity(findings.len());
    for (mut f, d) in findings.drain(..).zip(diags) {
        let s = Subject { rule: f.rule, cookie: None, host: None, file: &d.file, fingerprint: &d.fingerprint };
        if let Verdict::Report(sev) = policy.decide(s, f.severity) {
            f.severity = sev;
            keep.push(f);
        }
    }
    *findings = keep;
}

/// Applies the policy to analysis findings of `file` in place (same rules as [`apply`]).
pub(crate) fn apply_findings(policy: &Policy, file: &str, findings: &mut Vec<Finding>) {
    if policy.is_empty() {
        return;
    }
    let diags = crate::output::diagnostic::from_findings(file, findings);
    let mut keep = Vec::with_capacity(findings.len());
    for (f, d) in findings.drain(..).zip(diags) {
        let s = Subject {
            rule: f.rule.as_str(),
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

/// Writes a baseline: one fingerprint per line with the rule and message as a comment, for review.
pub(crate) fn write_baseline(path: &Path, diagnostics: &[Diagnostic]) -> Result<(), String> {
    let mut text = String::from("# crossjar baseline: findings known when it was written; CI reports only new ones.\n");
    for d in diagnostics {
        text.push_str(&format!("{} # {} {}: {}\n", d.fingerprint, d.severity, d.rule, d.message.replace('\n', " ")));
    }
    std::fs::write(path, text).map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))
}
