//! Arbitrary diagnostics for the CI renderers' targets: any strings in messages, files and fixes,
//! control characters and markup included.

use arbitrary::Arbitrary;
use crossjar::analysis::rules::{Severity, RULES};
use crossjar::output::diagnostic::Diagnostic;

#[derive(Arbitrary, Debug)]
pub struct Raw {
    rule: u8,
    severity: u8,
    message: String,
    file: String,
    line: Option<u16>,
    column: Option<u16>,
    fixes: Vec<String>,
}

impl Raw {
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic {
            rule: RULES[self.rule as usize % RULES.len()].id.as_str(),
            severity: match self.severity % 3 {
                0 => Severity::Error,
                1 => Severity::Warning,
                _ => Severity::Info,
            },
            message: self.message.clone(),
            file: self.file.clone(),
            line: self.line.map(|l| l as usize + 1),
            column: self.column.map(|c| c as usize + 1),
            fingerprint: crossjar::output::diagnostic::fingerprint(&[&self.message]),
            fixes: self.fixes.clone(),
        }
    }
}

/// Whether `c` may not appear raw in a terminal or a CI log line.
#[allow(dead_code)] // Not every target that includes this module needs it.
pub fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}
