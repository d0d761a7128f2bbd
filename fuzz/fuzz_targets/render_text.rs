//! The text renderers over arbitrary HAR bytes and `curl -i` text: whatever the input holds, the
//! report's only raw control characters are line feeds, tabs and crossjar's own styles (the severity
//! labels), and it never shows a query value, a fragment or userinfo of a URL in the input.
#![no_main]

use crossjar::analysis::findings::Focus;
use crossjar::analysis::replay::ReplayOptions;
use crossjar::output::text;
use crossjar::pipeline::analyse_har_reader;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// The escape sequences the text report writes itself.
const STYLES: [&str; 5] = ["\x1b[1;31m", "\x1b[1;33m", "\x1b[1;34m", "\x1b[1m", "\x1b[0m"];

fn check(out: &str) {
    let mut rest = out.to_string();
    for s in STYLES {
        rest = rest.replace(s, "");
    }
    assert!(
        !rest.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)),
        "a raw control character from the input"
    );
}

fuzz_target!(|data: &[u8]| {
    let (report, _) = analyse_har_reader(data, Path::new("fuzz.har"), &ReplayOptions::default(), &Focus::default());
    check(&text::har_report(&report, text::TextOptions::default()));
    check(&text::har_report(&report, text::TextOptions { quiet: true, ..Default::default() }));
    // Hidden values stay hidden: a query value or URL password that stands only once in the input
    // (no escapes in it) and is long enough not to be chosen by chance elsewhere.
    let out = text::har_report(&report, text::TextOptions::default());
    let raw = String::from_utf8_lossy(data);
    let once = |v: &str| {
        v.len() >= 12
            && v.chars().all(|c| c.is_ascii_alphanumeric())
            && !raw.contains('\\')
            && raw.matches(v).count() == 1
    };
    for run in &report.runs {
        for e in &run.entries {
            if let Ok(u) = url::Url::parse(&e.url) {
                for (_, v) in u.query_pairs().filter(|(_, v)| once(v)) {
                    assert!(!out.contains(v.as_ref()), "a query value in the text report");
                }
                if let Some(p) = u.password().filter(|p| once(p)) {
                    assert!(!out.contains(p), "a URL password in the text report");
                }
            }
        }
    }
    // The same bytes as pasted `curl -i` text, through `crossjar headers`' text report.
    if let Ok(t) = std::str::from_utf8(data) {
        let params = crossjar::pipeline_headers::HeadersParams {
            url: "https://api.example/x".into(),
            from: Some("https://app.example".into()),
            method: "GET".into(),
            request_headers: Vec::new(),
            credentials: "include".into(),
            kind: "fetch".into(),
            preflight: false,
        };
        if let Ok(h) = crossjar::pipeline_headers::analyse_headers_text(
            "fuzz.txt",
            t,
            &params,
            &crossjar::model::profile::Browser::ALL,
        ) {
            check(&text::headers_report(&h.report, &h.findings, false));
        }
    }
});
