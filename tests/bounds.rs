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
    eprintln!("bounds: 20 000 Set-Cookie lines in {} ms (debug build)", took.as_millis());
    assert!(took < Duration::from_secs(150), "{took:?}: quadratic again?");
}
