//! JUnit XML: one test case per rule × input, failing when the rule fired on that input, so CI
//! dashboards show which checks pass.

use super::diagnostic::Diagnostic;
use crate::analysis::rules::{Input, RULES};

/// Escapes text for XML attributes and content: markup as entities, characters XML 1.0 forbids
/// shown as `\u{1b}` text (see [`crate::output::escape::xml`]).
pub fn xml_escape(s: &str) -> String {
    crate::output::escape::xml(s)
}

/// The diagnostics of the given inputs (all of one kind) as a JUnit report: one test case per input
/// and rule that applies to that kind of input.
pub fn render(kind: Input, inputs: &[String], diagnostics: &[Diagnostic]) -> String {
    let mut cases = String::new();
    let (mut tests, mut failures) = (0, 0);
    for input in inputs {
        for rule in RULES.iter().filter(|r| r.inputs.contains(&kind)) {
            tests += 1;
            let hits: Vec<&Diagnostic> = diagnostics.iter().filter(|d| rule.id == d.rule && d.file == *input).collect();
            cases.push_str(&format!(
                "    <testcase classname=\"crossjar.{}\" name=\"{}\">\n",
                xml_escape(rule.id.as_str()),
                xml_escape(input)
            ));
            if !hits.is_empty() {
                failures += 1;
                let body: Vec<String> =
                    hits.iter().map(|d| format!("{}: {}", d.severity.as_str(), d.message)).collect();
                cases.push_str(&format!(
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                    xml_escape(&hits[0].message),
                    hits[0].severity.as_str(),
                    xml_escape(&body.join("\n"))
                ));
            }
            cases.push_str("    </testcase>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"crossjar\" tests=\"{tests}\" failures=\"{failures}\">\n  <testsuite name=\"crossjar\" tests=\"{tests}\" failures=\"{failures}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}
