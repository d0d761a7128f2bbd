//! The JUnit renderer over arbitrary inputs and diagnostics: every character is one XML 1.0 allows,
//! no character reference to a control character (`&#x1b;` is not well-formed XML 1.0), markup only
//! where the renderer put it (tags balance, attribute values have no raw `"`, `<`, `&` but entities).
#![no_main]

#[path = "common/diagnostics.rs"]
mod common;

use crossjar::output::junit;
use libfuzzer_sys::fuzz_target;

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

fuzz_target!(|input: (Vec<String>, Vec<common::Raw>)| {
    let (files, raw) = input;
    let mut diagnostics: Vec<_> = raw.iter().map(common::Raw::diagnostic).collect();
    // Some diagnostics on the given files, so failures are rendered too.
    for (d, f) in diagnostics.iter_mut().zip(files.iter().cycle()) {
        d.file = f.clone();
    }
    let out = junit::render(crossjar::analysis::rules::Input::Har, &files, &diagnostics);
    assert!(out.chars().all(xml_char), "a character XML 1.0 forbids");
    assert!(!out.chars().any(common::is_control), "a raw control character");
    assert!(!out.contains("&#"), "character references are not written");
    assert_eq!(out.matches("<testcase ").count(), out.matches("</testcase>").count(), "tags balance");
    assert_eq!(out.matches("<failure ").count(), out.matches("</failure>").count(), "tags balance");
    // Inside the document, every `&` starts one of the five entities.
    for (i, _) in out.match_indices('&') {
        let rest = &out[i..];
        assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().any(|e| rest.starts_with(e)), "a bare `&`");
    }
});
