//! GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`, one per finding.

use super::diagnostic::Diagnostic;
use crate::analysis::rules::Severity;

/// Escapes a workflow-command message (`%`, CR, LF; other controls as `\u{1b}`).
fn escape_data(s: &str) -> String {
    crate::output::escape::github_data(s)
}

/// Escapes a workflow-command property (also `:` and `,`).
fn escape_property(s: &str) -> String {
    crate::output::escape::github_property(s)
}

/// The diagnostics as workflow commands.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("file={}", escape_property(&d.file))];
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = d.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", escape_property(&format!("crossjar {}", d.rule))));
        let mut message = d.message.clone();
        for fix in &d.fixes {
            message.push_str("\nfix: ");
            message.push_str(fix);
        }
        out.push_str(&format!("::{command} {}::{}\n", props.join(","), escape_data(&message)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_data_are_escaped() {
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(escape_data("x\ny"), "x%0Ay");
    }
}
