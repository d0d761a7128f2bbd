//! Bounded work on any input (issue #18): readers stop at their limit and say which, standard input
//! is read once, and many cookies in one response cost linear time.

#![cfg(unix)]

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn crossjar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crossjar")).args(args).stdin(Stdio::null()).output().unwrap()
}

/// `/dev/zero` never ends: each reader stops at its limit with a message naming it (before, the
/// headers reader took 5 GB in 10 s and `--baseline` grew without end).
#[test]
fn endless_inputs_stop_at_the_named_limit() {
    let out = crossjar(&["headers", "/dev/zero", "--url", "https://a.example/"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/dev/zero: over 67108864 bytes, the limit for `curl -i` output"), "{stderr}");

    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/har/seed-a-default-credentials.har");
    let out = crossjar(&["har", fixture, "--baseline", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/dev/zero: over 16777216 bytes, the limit for a baseline"), "{stderr}");

    let out = crossjar(&["har", fixture, "--config", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the limit for a config file"), "{stderr}");
}

/// `har - -` and `diff - -` would read standard input twice (the second read sees nothing): refused.
#[test]
fn standard_input_is_read_once() {
    for args in [&["har", "-", "-"][..], &["diff", "-", "-"][..]] {
        let out = crossjar(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("standard input (`-`) can be read only once"), "{args:?}: {stderr}");
    }
}

/// 20 000 distinct cookies in one response: linear work. Merging per-browser findings searched the
/// whole list for each cookie (40 000 lines took 31 s in a release build, 248 s on a loaded
/// machine). A generous ceiling for a debug build, not a benchmark.
#[test]
fn many_set_cookie_lines_cost_linear_time() {
    let dir = std::env::temp_dir().join(format!("crossjar-bounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("many.txt");
    let mut text = String::from("HTTP/1.1 200 OK\r\n");
    for i in 0..20_000 {
        text.push_str(&format!("Set-Cookie: c{i}=v; Path=/; Secure; SameSite=None\r\n"));
    }
    text.push_str("\r\n");
    std::fs::write(&file, text).unwrap();
    let started = Instant::now();
    let out = crossjar(&[
        "headers",
        file.to_str().unwrap(),
        "--url",
        "https://api.example/",
        "--from",
        "https://app.example",
        "--format",
        "json",
    ]);
    let took = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&out.stderr));
    // 900 KB of headers: every browser fails the response before reading a line (and says so).
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.to_string().contains("response-headers-too-big"), "no response-headers-too-big finding");
    eprintln!("bounds: 20 000 Set-Cookie lines in {} ms (debug build)", took.as_millis());
    assert!(took < Duration::from_secs(150), "{took:?}: quadratic again?");
}

/// A HAR of one Chrome navigation to `https://app.example.com/` with these request and response
/// headers (JSON header objects, already written).
fn one_entry_har(request_headers: &str, response_headers: &str) -> String {
    format!(
        r#"{{"log":{{"version":"1.2","creator":{{"name":"WebInspector","version":"537.36"}},"pages":[],"entries":[{{"startedDateTime":"2026-01-10T10:00:00.000Z","time":1,"request":{{"method":"GET","url":"https://app.example.com/","httpVersion":"HTTP/1.1","headers":[{{"name":"User-Agent","value":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36"}}{request_headers}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0}},"response":{{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[{{"name":"Content-Type","value":"text/html"}}{response_headers}],"cookies":[],"content":{{"size":0,"mimeType":"text/html"}},"redirectURL":"","headersSize":-1,"bodySize":0}},"cache":{{}},"timings":{{"send":0,"wait":1,"receive":0}}}}]}}}}"#
    )
}

/// Runs `crossjar har FILE --format json` on `har` and returns the exit code, the report and the time.
fn har_json(name: &str, har: &str) -> (Option<i32>, serde_json::Value, Duration) {
    let dir = std::env::temp_dir().join(format!("crossjar-bounds-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("entry.har");
    std::fs::write(&file, har).unwrap();
    let started = Instant::now();
    let out = crossjar(&["har", file.to_str().unwrap(), "--format", "json"]);
    let took = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), report, took)
}

fn rules_of(report: &serde_json::Value) -> Vec<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

/// One response with 200 000 `Set-Cookie` headers (a million were killed at 300 s; this many took
/// minutes): browsers fail a response whose headers pass 256 KiB (Chrome) or 384 KiB (Firefox), so
/// its lines are measured, reported as `response-headers-too-big`, and not replayed.
#[test]
fn a_response_past_the_header_limit_is_measured_not_replayed() {
    let set_cookies: String = (0..200_000).map(|i| format!(r#",{{"name":"Set-Cookie","value":"c{i}=v"}}"#)).collect();
    let (code, report, took) = har_json("set-cookie", &one_entry_har("", &set_cookies));
    assert_eq!(code, Some(1), "an error-level finding");
    assert!(rules_of(&report).contains(&"response-headers-too-big".to_string()), "{:?}", rules_of(&report));
    for run in report["runs"].as_array().unwrap() {
        let e = &run["entries"][0];
        assert_eq!(e["set_cookies"].as_array().unwrap().len(), 0, "no line is replayed");
        assert_eq!(e["limits"][0]["kind"], "response-headers");
        assert_eq!(e["limits"][0]["set_cookie_lines"], 200_000);
    }
    eprintln!("bounds: 200 000 Set-Cookie headers in {} ms (debug build)", took.as_millis());
    assert!(took < Duration::from_secs(120), "{took:?}");

    // The same lines folded into one header value with `\n`, as DevTools-based exporters write them.
    let folded: Vec<String> = (0..200_000).map(|i| format!("d{i}=v")).collect();
    let header = format!(r#",{{"name":"Set-Cookie","value":"{}"}}"#, folded.join("\\n"));
    let (_, report, took) = har_json("folded", &one_entry_har("", &header));
    assert!(rules_of(&report).contains(&"response-headers-too-big".to_string()));
    assert_eq!(report["runs"][0]["entries"][0]["limits"][0]["set_cookie_lines"], 200_000);
    assert!(took < Duration::from_secs(120), "{took:?}");

    // Under every limit (a few lines): replayed as before, no limit.
    let (_, report, _) = har_json("few", &one_entry_har("", r#",{"name":"Set-Cookie","value":"a=1"}"#));
    assert!(report["runs"][0]["entries"][0].get("limits").is_none());
    assert_eq!(report["runs"][0]["entries"][0]["set_cookies"].as_array().unwrap().len(), 1);
}

/// A captured `Cookie` header of 200 000 pairs (2 000 000 were killed at 300 s): no browser holds more
/// than 3 300 cookies, so the first 3 300 pairs are read and `cookie-header-over-limit` says so.
#[test]
fn a_cookie_header_of_more_pairs_than_any_jar_holds_is_read_up_to_the_limit() {
    let pairs: Vec<String> = (0..200_000).map(|i| format!("k{i}=v")).collect();
    let header = format!(r#",{{"name":"Cookie","value":"{}"}}"#, pairs.join("; "));
    let (_, report, took) = har_json("cookie", &one_entry_har(&header, ""));
    assert!(rules_of(&report).contains(&"cookie-header-over-limit".to_string()), "{:?}", rules_of(&report));
    let limits = &report["runs"][0]["entries"][0]["limits"][0];
    assert_eq!(limits["kind"], "cookie-pairs");
    assert_eq!(limits["pairs"], 200_000);
    assert_eq!(limits["limit"], 3300);
    eprintln!("bounds: a Cookie header of 200 000 pairs in {} ms (debug build)", took.as_millis());
    assert!(took < Duration::from_secs(120), "{took:?}");
}

/// 100 000 unreadable entries (`"entries":[1,1,…]`; 5 000 000 made a 374 MB report and took 1.2 GB):
/// the report lists the first 20 and counts the rest by kind, one text line per kind.
#[test]
fn skipped_entries_are_counted_by_kind_not_listed_one_by_one() {
    let dir = std::env::temp_dir().join(format!("crossjar-bounds-skipped-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ones.har");
    let ones = vec!["1"; 100_000].join(",");
    std::fs::write(
        &file,
        format!(r#"{{"log":{{"version":"1.2","creator":{{"name":"x","version":"1"}},"entries":[{ones}]}}}}"#),
    )
    .unwrap();
    let text = crossjar(&["har", file.to_str().unwrap()]);
    let json = crossjar(&["har", file.to_str().unwrap(), "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.len() < 4096, "{} bytes of text", text.len());
    assert!(text.contains("skipped 100000 entries like entry 0: entry skipped: expected an object"), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("  skipped")).count(), 1, "{text}");
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["entries_read"], 100_000);
    assert_eq!(report["skipped"].as_array().unwrap().len(), 20);
    assert_eq!(report["skipped_kinds"][0]["count"], 100_000);
    assert_eq!(report["skipped_kinds"][0]["first_index"], 0);
}
