//! The whole HAR pipeline the CLI runs, over the bytes as a reader: read, replay every item for every
//! profile, analyse, and render the text and JSON reports with values hidden and shown. Never panics;
//! the JSON report is JSON; every entry is either analysed or listed as skipped; the streaming path
//! the command line takes (entries dropped as they go, JSON entries spilled to temporary files) writes
//! the same JSON as the report that kept every entry.
#![no_main]

use crossjar::analysis::findings::Focus;
use crossjar::analysis::replay::ReplayOptions;
use crossjar::output::{json, text};
use crossjar::pipeline::{analyse_har_reader, stream_har_reader};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let options = ReplayOptions::default();
    let name = Path::new("fuzz.har");
    let (kept, _) = analyse_har_reader(data, name, &options, &Focus::default());
    for run in &kept.runs {
        assert_eq!(kept.entries, run.entries.len() + kept.skipped.len(), "an entry neither analysed nor skipped");
    }
    for show_values in [false, true] {
        let _ = text::har_report(&kept, text::TextOptions { show_values, ..Default::default() });
        let j = json::har_report(&kept, show_values);
        assert!(serde_json::from_str::<serde_json::Value>(&j).is_ok(), "the JSON report is not JSON");
    }
    let mut stream = json::HarJsonStream::new(&options.browsers, false).expect("a temporary file");
    let (streamed, _) = stream_har_reader(data, name, &options, &Focus::default(), &mut |v| {
        stream.entry(&v).expect("spill write");
    });
    let mut out = Vec::new();
    stream.finish(&mut out, &streamed).expect("JSON written");
    assert_eq!(String::from_utf8(out).expect("UTF-8"), json::har_report(&kept, false), "streamed JSON differs");
});
