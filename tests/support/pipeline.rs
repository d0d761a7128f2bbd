//! The HAR pipeline the CLI runs, for integration tests: the library's [`crossjar::run_har_path`]
//! (read, replay every item, analyse), then both reports rendered (values hidden).

use std::path::Path;

use crossjar::analysis::report::HarReport;
use crossjar::evidence::InputError;
use crossjar::input::har::HarSummary;
use crossjar::output::{json, text};
use crossjar::{Focus, ReplayOptions};

/// Everything one HAR gives through the pipeline.
#[allow(dead_code)] // Each test binary that includes this module reads only some fields.
pub struct Run {
    pub result: Result<HarSummary, InputError>,
    pub entries: usize,
    pub entry_errors: Vec<InputError>,
    pub report: HarReport,
    pub text: String,
    pub json: String,
}

/// The pipeline the CLI runs on a HAR, then both renderings. A whole-file error is returned next
/// to the report of everything read before it.
pub fn run_har(path: &Path) -> Run {
    let run = crossjar::run_har_path(path, &ReplayOptions::default(), &Focus::default());
    let report = run.report;
    let text = text::har_report(&report, text::TextOptions::default());
    let json = json::har_report(&report, false);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("the JSON report is JSON");
    assert_eq!(parsed["schema"], "crossjar.har.v1", "{json:.200}");
    // The replay counts every entry, read or not.
    let entries = report.entries - run.entry_errors.len();
    Run { result: run.result, entries, entry_errors: run.entry_errors, report, text, json }
}
