//! The SARIF renderer over arbitrary diagnostics: the document is JSON, with one result per
//! diagnostic, each naming its rule, and every message string survives as it was (JSON escapes it).
#![no_main]

#[path = "common/diagnostics.rs"]
mod common;

use crossjar::output::sarif;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: Vec<common::Raw>| {
    let diagnostics: Vec<_> = raw.iter().map(common::Raw::diagnostic).collect();
    let out = sarif::render(&diagnostics);
    let v: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let results = v["runs"][0]["results"].as_array().expect("runs[0].results");
    assert_eq!(results.len(), diagnostics.len(), "one result per diagnostic");
    for (r, d) in results.iter().zip(&diagnostics) {
        assert_eq!(r["ruleId"], d.rule);
        let text = r["message"]["text"].as_str().expect("message text");
        assert!(text.contains(&d.message), "the message is kept whole");
    }
});
