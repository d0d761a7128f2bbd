//! The pipeline the CLI runs on a HAR, for integration tests: read, replay every item, analyse,
//! render both reports (values hidden).

use std::ops::ControlFlow;
use std::path::Path;

use crossjar::analysis::findings::{analyse, Focus};
use crossjar::analysis::replay::{Replay, ReplayOptions};
use crossjar::analysis::report::HarReport;
use crossjar::evidence::InputError;
use crossjar::input::har::{read_har_path, HarItem, HarSummary};
use crossjar::output::{json, text};

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

/// The pipeline the CLI runs on a HAR: read, replay every item, analyse, render both reports. A
/// whole-file error is returned next to the report of everything read before it.
pub fn run_har(path: &Path) -> Run {
    let mut replay = Replay::new(&ReplayOptions::default());
    let mut entries = 0;
    let mut entry_errors = Vec::new();
    let result = read_har_path(path, &mut |item| {
        match item {
            HarItem::Log(info) => {
                replay.set_creator(info.creator.map(|c| format!("{} {}", c.name, c.version)));
                for p in &info.pages {
                    replay.page(p);
                }
            }
            HarItem::Entry(x) => {
                entries += 1;
                replay.push(&x);
            }
            HarItem::EntryError(e) => {
                replay.skip(e.location.entry.unwrap_or(usize::MAX), e.to_string());
                entry_errors.push(e);
            }
            _ => {}
        }
        ControlFlow::Continue(())
    });
    let mut report = replay.finish(&path.display().to_string());
    analyse(&mut report, &Focus::default());
    let text = text::har_report(&report, text::TextOptions::default());
    let json = json::har_report(&report, false);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("the JSON report is JSON");
    assert_eq!(parsed["schema"], "crossjar.har.v1", "{json:.200}");
    Run { result, entries, entry_errors, report, text, json }
}
