//! The `curl -i` / `curl -v` reader: never panics, every error names a line inside the input.
#![no_main]

use crossjar::input::curl::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    let out = parse(&text);
    for e in &out.errors {
        assert!(e.line >= 1 && e.line <= lines, "error on line {} of {lines}", e.line);
    }
});
