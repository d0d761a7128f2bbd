//! Replays every input the fuzzers once crashed on (`fixtures/fuzz-regressions/<target>/`) through the
//! same checks as the fuzz target, so a fixed crash stays fixed without cargo-fuzz.
//!
//! Byte-input targets only (`set_cookie`, `cookie_date`, `curl`, `har`, `ingress`); the structured targets
//! (`cors`, `jar`) keep their regressions as unit tests next to the code.

use std::fs;
use std::ops::ControlFlow;
use std::path::Path;

use crossjar::input::curl;
use crossjar::input::har::read_har_slice;
use crossjar::model::cookie_date::parse_cookie_date;
use crossjar::model::set_cookie::{http_date, parse_set_cookie};

fn set_cookie(data: &[u8]) {
    let line = String::from_utf8_lossy(data);
    let Ok(c) = parse_set_cookie(&line) else { return };
    let written = c.to_string();
    let mut again = parse_set_cookie(&written).expect("a serialised cookie parses");
    again.ignored = c.ignored.clone();
    assert_eq!(again, c, "round trip");
}

fn cookie_date(data: &[u8]) {
    if let Some(t) = parse_cookie_date(&String::from_utf8_lossy(data)) {
        assert_eq!(parse_cookie_date(&http_date(t)), Some(t));
    }
}

fn curl_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    for e in curl::parse(&text).errors {
        assert!(e.line >= 1 && e.line <= lines);
    }
}

/// Ingress YAML: every error points at a line inside the input, counting line breaks as YAML does
/// (LF, CRLF and a lone CR; the saved input breaks its lines with lone CRs).
fn ingress(data: &[u8]) {
    use crossjar::input::ingress::{predict_texts, PredictOptions};
    let text = String::from_utf8_lossy(data).into_owned();
    let lines = text.replace("\r\n", "\n").replace('\r', "\n").split('\n').count();
    let report = predict_texts(&[(std::path::PathBuf::from("f.yaml"), text)], &PredictOptions::default());
    for e in &report.errors {
        let line = e.location.line.unwrap_or(1);
        assert!(line >= 1 && line <= lines + 1, "error on line {line} of {lines}");
    }
}

fn har(data: &[u8]) {
    let _ = read_har_slice(data, Path::new("regression.har"), &mut |_| ControlFlow::Continue(()));
}

#[test]
fn every_saved_fuzz_crash_stays_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz-regressions");
    let mut n = 0;
    for dir in fs::read_dir(&root).expect("fixtures/fuzz-regressions") {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        let check: fn(&[u8]) = match target.as_str() {
            "set_cookie" => set_cookie,
            "cookie_date" => cookie_date,
            "curl" => curl_text,
            "har" => har,
            "ingress" => ingress,
            other => panic!("fixtures/fuzz-regressions/{other}: no replay for this target"),
        };
        for f in fs::read_dir(&dir).unwrap() {
            let path = f.unwrap().path();
            let data = fs::read(&path).unwrap();
            let r = std::panic::catch_unwind(|| check(&data));
            assert!(r.is_ok(), "{} fails again", path.display());
            n += 1;
        }
    }
    assert!(n > 0, "no saved crash found");
}
