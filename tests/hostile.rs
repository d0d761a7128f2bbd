//! Hostile inputs (issue #9): every file in `fixtures/hostile/`, and the big cases generated at run
//! time into a temporary directory, go through the whole library pipeline — `read_har_path`, a
//! `Replay` fed every item, `analyse`, and both reports — and must end in a clear error naming the file
//! and the place, or in a partial analysis that says what was skipped. Never a panic.
//!
//! Time and memory for the big cases are shown by `examples/hostile_bounds.rs`, not asserted here.

use std::fs;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crossjar::evidence::InputError;
use crossjar::input::curl;
use crossjar::input::har::{read_har_path, HarItem};
use crossjar::model::jar::CookieJar;
use crossjar::model::profile::Browser;
use crossjar::model::request::{RequestContext, RequestKind};
use crossjar::model::set_cookie::{parse_set_cookie, IgnoredWhy};
use crossjar::model::site::Origin;
use crossjar::model::time::Timestamp;

#[path = "support/pipeline.rs"]
mod pipeline;
use pipeline::{run_har, Run};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile").join(name)
}

/// A fresh directory for generated files, removed by the caller.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crossjar-hostile-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A whole-file error that names the file and a line and column.
fn assert_placed(e: &InputError, path: &Path) {
    assert_eq!(e.location.file, path, "{e}");
    assert!(e.location.line.is_some() && e.location.column.is_some(), "no line/column: {e}");
    assert!(e.to_string().starts_with(&path.display().to_string()), "{e}");
}

/// An entry error that names the file and the entry (the line too when the entry is an object whose
/// keys the reader saw; an entry that is an array or a scalar has only its index).
fn assert_entry_placed(e: &InputError, path: &Path, entry: usize) {
    assert_eq!(e.location.file, path, "{e}");
    assert_eq!(e.location.entry, Some(entry), "{e}");
    assert!(e.to_string().contains(&format!("(entry {entry})")), "{e}");
}

/// The text report lists every skipped entry.
fn assert_skips_reported(run: &Run) {
    // The replay may skip more (an entry whose URL has no host), never fewer.
    assert!(run.report.skipped.len() >= run.entry_errors.len());
    for e in &run.entry_errors {
        let i = e.location.entry.expect("entry errors carry the entry index");
        assert!(run.report.skipped.iter().any(|(j, _)| *j == i), "entry {i} not in the report's skipped list");
        assert!(run.text.contains(&format!("skipped entry {i}:")), "entry {i} not reported as skipped");
    }
}

/// A minimal HAR entry (a fetch to one host with a cookie both ways).
fn entry_json(i: usize, request_headers: &str, response_headers: &str) -> String {
    format!(
        r#"{{"startedDateTime":"2026-05-01T10:00:00.{ms:03}Z","request":{{"method":"GET","url":"https://app.example.com/api/{i}","httpVersion":"HTTP/1.1","headers":[{request_headers}],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0}},"response":{{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[{response_headers}],"cookies":[],"content":{{"size":1,"mimeType":"text/plain","text":"x"}},"redirectURL":"","headersSize":-1,"bodySize":1}},"cache":{{}},"timings":{{"send":0,"wait":1,"receive":0}},"_resourceType":"fetch"}}"#,
        ms = i % 1000
    )
}

fn header(name: &str, value: &str) -> String {
    format!(r#"{{"name":"{name}","value":"{value}"}}"#)
}

const HEAD: &str = r#"{"log":{"version":"1.2","creator":{"name":"crossjar-hostile","version":"1"},"entries":["#;
const TAIL: &str = "]}}";

#[test]
fn truncated_mid_entry_keeps_the_entries_before_the_cut() {
    let path = fixture("truncated-mid-entry.har");
    let run = run_har(&path);
    let e = run.result.as_ref().expect_err("a truncated file is an error");
    assert_placed(e, &path);
    assert_eq!(e.location.entry, Some(2), "{e}");
    assert!(e.message.contains("truncated"), "{e}");
    assert_eq!(run.entries, 2, "the two complete entries are analysed");
    assert_eq!(run.report.runs[0].entries.len(), 2);
}

#[test]
fn json_nested_100_000_deep_stops_with_a_placed_error() {
    let dir = temp_dir("deep");
    // Deep inside the entries array, after one good entry, and deep inside a field of an entry.
    let cases = [
        (
            "deep-array.har",
            format!("{HEAD}{},{}{}{TAIL}", entry_json(0, "", ""), "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "deep-field.har",
            format!(
                r#"{HEAD}{},{{"request":{{"url":{}1{}}}}}{TAIL}"#,
                entry_json(0, "", ""),
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        ),
    ];
    for (name, body) in cases {
        let path = dir.join(name);
        fs::write(&path, body).unwrap();
        let run = run_har(&path);
        assert_eq!(run.entries, 1, "{name}: the entry before the deep value is analysed");
        match &run.result {
            Err(e) => {
                assert_placed(e, &path);
                assert!(e.message.contains("nested"), "{name}: {e}");
            }
            Ok(_) => {
                // Skipped as one unreadable entry instead: then it must say so.
                assert_eq!(run.entry_errors.len(), 1, "{name}");
                assert_entry_placed(&run.entry_errors[0], &path, 1);
                assert_skips_reported(&run);
            }
        }
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn invalid_utf8_names_the_place() {
    let path = fixture("invalid-utf8.har");
    let run = run_har(&path);
    let e = run.result.as_ref().expect_err("invalid UTF-8 ends the read");
    assert_placed(e, &path);
    assert_eq!(e.location.entry, Some(1), "{e}");
    assert!(e.message.contains("UTF-8"), "{e}");
    assert_eq!(run.entries, 1, "entry 0 before the bad byte is analysed");
}

#[test]
fn bom_is_skipped_and_the_file_is_analysed() {
    let path = fixture("bom.har");
    let run = run_har(&path);
    let summary = run.result.as_ref().expect("a BOM is fine");
    assert_eq!(summary.entries, 1);
    assert!(run.entry_errors.is_empty());
    assert_eq!(run.report.creator.as_deref(), Some("crossjar-hostile 1"));
    // The cookie was set and stored by Chrome (same-origin fetch, SameSite=None; Secure).
    let chrome = &run.report.runs[0];
    assert!(chrome.entries[0].set_cookies.iter().any(|s| s.name == "sid" && s.stored));
}

#[test]
fn nul_bytes_escaped_are_analysed_and_raw_ones_end_the_read_at_their_place() {
    let path = fixture("nul-bytes.har");
    let run = run_har(&path);
    // Entries 0 and 1 hold `\u0000` escapes (valid JSON); entry 2 a raw NUL inside a string (invalid).
    let e = run.result.as_ref().expect_err("a raw NUL in a string is invalid JSON");
    assert_placed(e, &path);
    assert_eq!(e.location.entry, Some(2), "{e}");
    assert_eq!(run.entries, 2);
    // A NUL ends a Set-Cookie line, as in browsers: `n\0ul=v; ...` is the nameless cookie `n`.
    let e1 = run.report.runs[0].entries.iter().find(|e| e.index == 1).expect("entry 1");
    assert!(e1.set_cookies.iter().all(|s| !s.name.contains('\0') && !s.attributes.contains('\0')));
    // No NUL reaches a report (values are hidden; names and attributes are cut at the NUL).
    assert!(!run.text.contains('\0'), "NUL in the text report");
    assert!(!run.json.contains("\\u0000"), "NUL in the JSON report");
}

#[test]
fn duplicate_json_keys_last_wins() {
    let path = fixture("duplicate-keys.har");
    let run = run_har(&path);
    let summary = run.result.as_ref().expect("duplicate keys are valid JSON");
    // `entries` appears twice: the reader streams both arrays (1 + 2 entries) rather than guessing.
    assert_eq!(summary.entries, run.entries);
    assert!(run.entries >= 2, "{}", run.entries);
    let chrome = &run.report.runs[0];
    let first_of_second = chrome.entries.iter().find(|e| e.url.contains("/api/0")).expect("entry with api/0");
    // Within an entry the last `url` and the last `status` win, as in JSON.parse.
    assert!(!chrome.entries.iter().any(|e| e.url.contains("first.example.net")), "first url kept");
    assert_eq!(first_of_second.status, 200);
}

#[test]
fn wrong_types_are_tolerated_or_skip_only_their_entry() {
    let path = fixture("wrong-types.har");
    let run = run_har(&path);
    let summary = run.result.as_ref().expect("wrong types never end the read");
    assert_eq!(summary.entries + summary.entry_errors, 8, "every entry is accounted for");
    for e in &run.entry_errors {
        let i = e.location.entry.unwrap();
        assert_entry_placed(e, &path, i);
    }
    assert_skips_reported(&run);
    let chrome = &run.report.runs[0];
    // `"status": "200"` means 200.
    let e0 = chrome.entries.iter().find(|e| e.index == 0).expect("entry 0 (status \"200\") is read");
    assert_eq!(e0.status, 200);
    // The last entry is well-formed and analysed whatever happened before it.
    assert!(chrome.entries.iter().any(|e| e.index == 7));
    // The URL as a number cannot be guessed: entry 3 is skipped, not invented.
    assert!(!chrome.entries.iter().any(|e| e.index == 3));
    assert!(run.report.skipped.iter().any(|(i, _)| *i == 3), "{:?}", run.report.skipped);
}

#[test]
fn header_value_of_50_mb_is_read_and_analysed() {
    let dir = temp_dir("big-header");
    let path = dir.join("big-header.har");
    {
        let mut w = BufWriter::new(fs::File::create(&path).unwrap());
        write!(w, "{HEAD}{},", entry_json(0, &header("Cookie", "sid=small1234"), "")).unwrap();
        // One 50 MB value; as a `Cookie` header it is split into pairs and learned as a cookie the
        // capture never set, which the jar then refuses as too big.
        let big = "x".repeat(50 * 1024 * 1024);
        w.write_all(entry_json(1, &header("Cookie", &format!("big={big}")), "").as_bytes()).unwrap();
        write!(w, ",{}{TAIL}", entry_json(2, "", "")).unwrap();
    }
    let run = run_har(&path);
    let summary = run.result.as_ref().expect("a big header is valid");
    assert_eq!(summary.entries, 3);
    assert!(summary.header_bytes > 50 * 1024 * 1024);
    let chrome = &run.report.runs[0];
    assert_eq!(chrome.entries.len(), 3);
    let e1 = chrome.entries.iter().find(|e| e.index == 1).unwrap();
    assert!(!e1.cookies.iter().any(|c| c.name == "big" && c.sent), "a 50 MB cookie is never sent by the model");
    // Reports stay small: the 50 MB value is neither printed nor copied into the JSON.
    assert!(run.text.len() < 1024 * 1024, "text report is {} bytes", run.text.len());
    assert!(run.json.len() < 1024 * 1024, "JSON report is {} bytes", run.json.len());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_million_tiny_entries_are_all_read() {
    let dir = temp_dir("million");
    let path = dir.join("million.har");
    const N: usize = 1_000_000;
    {
        let mut w = BufWriter::new(fs::File::create(&path).unwrap());
        w.write_all(HEAD.as_bytes()).unwrap();
        let tiny = entry_json(0, "", "");
        for i in 0..N {
            if i > 0 {
                w.write_all(b",").unwrap();
            }
            // The same tiny entry; index and time come from the position.
            w.write_all(tiny.as_bytes()).unwrap();
        }
        w.write_all(TAIL.as_bytes()).unwrap();
    }
    // Reader alone: constant memory, every entry delivered in order.
    let mut n = 0usize;
    let summary = read_har_path(&path, &mut |item| {
        if let HarItem::Entry(x) = item {
            assert_eq!(x.index, n);
            n += 1;
        }
        ControlFlow::Continue(())
    })
    .expect("a million entries are valid");
    assert_eq!((summary.entries, n), (N, N));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_hundred_thousand_tiny_entries_go_through_the_whole_pipeline() {
    // The analysis keeps one verdict per entry and profile, so its memory grows with the capture;
    // `examples/hostile_bounds.rs` measures the million-entry case end to end.
    let dir = temp_dir("hundred-thousand");
    let path = dir.join("entries.har");
    const N: usize = 100_000;
    let body: Vec<String> = (0..N).map(|i| entry_json(i, "", "")).collect();
    fs::write(&path, format!("{HEAD}{}{TAIL}", body.join(","))).unwrap();
    drop(body);
    let run = run_har(&path);
    assert_eq!(run.result.as_ref().unwrap().entries, N);
    assert_eq!(run.report.entries, N);
    assert!(run.report.runs.iter().all(|r| r.entries.len() == N));
    let _ = fs::remove_dir_all(&dir);
}

fn ten_thousand_attributes() -> String {
    let mut line = String::from("sid=k7Qp2xLm9Rt4");
    for i in 0..10_000 {
        match i % 5 {
            0 => line.push_str("; Path=/"),
            1 => line.push_str("; Secure"),
            2 => line.push_str("; SameSite=None"),
            3 => line.push_str(&format!("; X-Unknown-{i}=1")),
            _ => line.push_str("; Max-Age=60"),
        }
    }
    line
}

#[test]
fn set_cookie_with_10_000_attributes_parses_and_is_analysed() {
    let line = ten_thousand_attributes();
    let c = parse_set_cookie(&line).expect("parses");
    assert!(c.secure && c.same_site == crossjar::model::set_cookie::SameSiteAttr::None);
    assert_eq!(c.max_age, Some(60));
    assert_eq!(c.path.as_deref(), Some("/"));
    assert_eq!(c.ignored.iter().filter(|a| a.why == IgnoredWhy::UnknownAttribute).count(), 2_000);
    // The jar stores it like the short form.
    let url = url::Url::parse("https://app.example.com/").unwrap();
    let ctx = RequestContext::new(
        RequestKind::Fetch,
        "GET",
        url,
        Origin::parse("https://app.example.com").ok(),
        Timestamp::from_unix_secs(1_780_000_000),
    );
    for b in Browser::ALL {
        let out = CookieJar::new(*b).set_from_response(&line, &ctx);
        assert!(out.stored, "{b}: {:?}", out.status);
    }
    // And through a HAR.
    let dir = temp_dir("attrs");
    let path = dir.join("attrs.har");
    fs::write(&path, format!("{HEAD}{}{TAIL}", entry_json(0, "", &header("Set-Cookie", &line)))).unwrap();
    let run = run_har(&path);
    assert_eq!(run.result.as_ref().unwrap().entries, 1);
    assert!(run.report.runs[0].entries[0].set_cookies.iter().any(|s| s.name == "sid" && s.stored));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn curl_garbage_gives_the_good_responses_and_placed_errors() {
    let path = fixture("curl-garbage.txt");
    let bytes = fs::read(&path).unwrap();
    // The reader takes text: invalid UTF-8 becomes U+FFFD, which the parser reports where it stands.
    let text = String::from_utf8_lossy(&bytes);
    let out = curl::parse(&text);
    let lines = text.split('\n').count();
    assert!(!out.responses.is_empty(), "the good responses are kept");
    assert_eq!(out.responses[0].status, 200);
    assert!(out.responses[0].headers.get("set-cookie").is_some());
    assert_eq!(out.responses[0].headers.get("access-control-allow-origin"), Some("https://app.example.com"));
    assert!(out.responses.iter().any(|r| r.status == 302), "the response after the garbage is read");
    assert!(!out.errors.is_empty(), "garbage is reported");
    for e in &out.errors {
        assert!(e.line >= 1 && e.line <= lines && e.column >= 1, "{e}");
        assert!(!e.message.is_empty());
    }
}

#[test]
fn every_fixture_file_has_a_test() {
    let known = [
        "truncated-mid-entry.har",
        "invalid-utf8.har",
        "bom.har",
        "nul-bytes.har",
        "duplicate-keys.har",
        "wrong-types.har",
        "curl-garbage.txt",
        "README.md",
    ];
    for f in fs::read_dir(fixture("")).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().into_owned();
        assert!(known.contains(&name.as_str()), "fixtures/hostile/{name} has no test in tests/hostile.rs");
    }
}
