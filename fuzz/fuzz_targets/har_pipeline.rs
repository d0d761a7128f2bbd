//! The whole HAR pipeline the CLI runs: read (`read_har_slice`), replay every item for every
//! profile, analyse, and render the text and JSON reports with values hidden and shown. Never panics;
//! the JSON report is JSON; every entry is either analysed or listed as skipped; the streaming path
//! the command line takes (entries dropped as they go, JSON entries spilled to temporary files) writes
//! the same JSON as the report that kept every entry.
#![no_main]

use crossjar::analysis::findings::{analyse, Focus};
use crossjar::analysis::replay::{Replay, ReplayOptions};
use crossjar::input::har::{read_har_slice, HarItem};
use crossjar::output::{json, text};
use crossjar::pipeline::{analyse_har_reader, stream_har_reader};
use libfuzzer_sys::fuzz_target;
use std::ops::ControlFlow;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let mut replay = Replay::new(&ReplayOptions::default());
    let mut items = 0usize;
    let _ = read_har_slice(data, Path::new("fuzz.har"), &mut |item| {
        match item {
            HarItem::Log(info) => {
                replay.set_creator(info.creator.map(|c| format!("{} {}", c.name, c.version)));
                for p in &info.pages {
                    replay.page(p);
                }
            }
            HarItem::Entry(x) => {
                items += 1;
                replay.push(&x);
            }
            HarItem::EntryError(e) => {
                items += 1;
                replay.skip(e.location.entry.unwrap_or(usize::MAX), e.to_string());
            }
            _ => {}
        }
        ControlFlow::Continue(())
    });
    let mut report = replay.finish("fuzz.har");
    assert_eq!(report.entries, items);
    analyse(&mut report, &Focus::default());
    for show_values in [false, true] {
        let _ = text::har_report(&report, text::TextOptions { show_values, ..Default::default() });
        let j = json::har_report(&report, show_values);
        assert!(serde_json::from_str::<serde_json::Value>(&j).is_ok(), "the JSON report is not JSON");
    }

    let options = ReplayOptions::default();
    let (kept, _) = analyse_har_reader(data, Path::new("fuzz.har"), &options, &Focus::default());
    let mut stream = json::HarJsonStream::new(&options.browsers, false).expect("a temporary file");
    let (streamed, _) = stream_har_reader(data, Path::new("fuzz.har"), &options, &Focus::default(), &mut |v| {
        stream.entry(&v).expect("spill write");
    });
    let mut out = Vec::new();
    stream.finish(&mut out, &streamed).expect("JSON written");
    assert_eq!(String::from_utf8(out).expect("UTF-8"), json::har_report(&kept, false), "streamed JSON differs");
});
