//! `crossjar diff` over two arbitrary captures (the input split at the first 0xFF byte): never
//! panics, the JSON diff is JSON, the text diff carries no raw control character, and a capture
//! compared with itself resolves and introduces nothing.
#![no_main]

use crossjar::analysis::diff::diff;
use crossjar::analysis::findings::Focus;
use crossjar::analysis::replay::ReplayOptions;
use crossjar::output::diff as render;
use crossjar::pipeline::analyse_har_reader;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let (before, after) = match data.iter().position(|b| *b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    let analyse =
        |b: &[u8], name: &str| analyse_har_reader(b, Path::new(name), &ReplayOptions::default(), &Focus::default()).0;
    let (a, b) = (analyse(before, "before.har"), analyse(after, "after.har"));
    let d = diff(&a, &b);
    serde_json::from_str::<serde_json::Value>(&render::json(&d)).expect("the JSON diff is JSON");
    let text = render::text(&d, false);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "a raw control character");
    let same = diff(&a, &a);
    assert!(same.resolved.is_empty() && same.introduced.is_empty(), "a capture differs from itself");
});
