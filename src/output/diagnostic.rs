//! A finding flattened for CI formats (SARIF, JUnit, GitHub annotations): rule, level, message, place.

use crate::analysis::report::Finding;
use crate::analysis::rules::Severity;

/// One finding with where it points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule id.
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One-line message.
    pub message: String,
    /// The file (as given on the command line).
    pub file: String,
    /// 1-based line, when the input has lines that mean something (YAML, `curl -i`).
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// A stable identity for the finding across runs: rule, subject and file, not the message (which
    /// names entry indexes that move when a capture is re-recorded).
    pub fingerprint: String,
    /// The fixes.
    pub fixes: Vec<String>,
}

/// FNV-1a, 64 bits: small, stable across platforms and versions (unlike `DefaultHasher`).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Diagnostics of a HAR or headers report's findings.
pub fn from_findings(file: &str, findings: &[Finding]) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|f| Diagnostic {
            rule: f.rule.as_str(),
            severity: f.severity,
            message: f.message.clone(),
            file: file.to_string(),
            line: None,
            column: None,
            fingerprint: fingerprint(&[
                f.rule.as_str(),
                f.cookie.as_deref().unwrap_or(""),
                f.host.as_deref().unwrap_or(""),
                &f.browsers.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(","),
                file,
            ]),
            fixes: f.fixes.clone(),
        })
        .collect()
}

/// Points the diagnostics of a HAR's findings (made by [`from_findings`], same order) at the line
/// where the entry each names starts (`lines[i]`: the line of `log.entries[i]`, see
/// `input::har_lines`).
pub fn at_entry_lines(diagnostics: &mut [Diagnostic], findings: &[Finding], lines: &[usize]) {
    for (d, f) in diagnostics.iter_mut().zip(findings) {
        if let Some(&line) = f.entry.and_then(|e| lines.get(e)) {
            d.line = Some(line);
        }
    }
}

/// Diagnostics of `crossjar ingress` findings, pointing at the YAML line and column.
pub fn from_ingress(findings: &[crate::analysis::ingress::IngressFinding]) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|f| {
            let file = f.location.file.display().to_string();
            Diagnostic {
                rule: f.rule,
                severity: f.severity,
                message: f.message.clone(),
                line: f.location.line.filter(|l| *l > 0),
                column: f.location.column.filter(|c| *c > 0),
                fingerprint: fingerprint(&[f.rule, &file, &f.message]),
                fixes: f.fix.iter().cloned().collect(),
                file,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        assert_eq!(fingerprint(&[]), "cbf29ce484222325");
    }
}
