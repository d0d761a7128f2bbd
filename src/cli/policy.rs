//! `--config`, `--baseline`, `--write-baseline`: the options, handed to [`crate::pipeline_policy`]
//! (the policy applied once, before any output, for every command).

use std::path::Path;

use super::Common;
use crate::analysis::policy::Policy;
use crate::analysis::report::Finding;
use crate::config::Config;
use crate::output::diagnostic::Diagnostic;
use crate::pipeline_policy;

/// The configuration (`--config`, or `crossjar.toml` found from the working directory) and the policy
/// with `--baseline` added.
pub(crate) fn load(common: &Common) -> Result<(Option<Config>, Policy), String> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    Ok(pipeline_policy::load_policy(common.config.as_deref(), common.baseline.as_deref(), &cwd)?)
}

/// Applies the policy to `crossjar ingress` findings in place.
pub(crate) fn apply_ingress(policy: &Policy, findings: &mut Vec<crate::analysis::ingress::IngressFinding>) {
    pipeline_policy::apply_to_ingress(policy, findings);
}

/// Applies the policy to analysis findings of `file` in place.
pub(crate) fn apply_findings(policy: &Policy, file: &str, findings: &mut Vec<Finding>) {
    pipeline_policy::apply_to_findings(policy, file, findings);
}

/// Writes a baseline (`--write-baseline`).
pub(crate) fn write_baseline(path: &Path, diagnostics: &[Diagnostic]) -> Result<(), String> {
    pipeline_policy::write_baseline(path, diagnostics)
        .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))
}
