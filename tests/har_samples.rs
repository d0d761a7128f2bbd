//! Reads every public sample HAR in `../shared/samples/har/` with the streaming reader and checks it
//! against an independent `serde_json::Value` reading of the same file.
//!
//! Assertion messages name files, entries and counts only: some samples hold real-looking cookie values
//! and tokens, which must never reach test output.

use crossjar::evidence::{Exchange, InputError};
use crossjar::input::har::{read_har_path, read_har_reader, HarItem, HarSummary};
use serde_json::Value;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

fn samples_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/har");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: {} not found", dir.display());
        None
    }
}

/// Everything the reader delivered for one file.
struct Loaded {
    entries: Vec<Exchange>,
    entry_errors: Vec<InputError>,
    log_items: usize,
    summary: HarSummary,
    /// The same file parsed independently.
    json: Value,
}

impl Loaded {
    fn json_entries(&self) -> &Vec<Value> {
        self.json["log"]["entries"].as_array().expect("log.entries is an array")
    }
}

fn load(path: &Path) -> Loaded {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let (mut entries, mut entry_errors, mut log_items) = (Vec::new(), Vec::new(), 0);
    let result = read_har_path(path, &mut |item| {
        match item {
            HarItem::Entry(e) => entries.push(e),
            HarItem::EntryError(e) => entry_errors.push(e),
            HarItem::Log(_) => log_items += 1,
            _ => {}
        }
        ControlFlow::Continue(())
    });
    let summary = match result {
        Ok(s) => s,
        Err(e) => panic!("{name}: whole-file error at {}", e.location),
    };
    let bytes = std::fs::read(path).unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).unwrap();
    let json: Value = serde_json::from_str(text).unwrap();
    Loaded { entries, entry_errors, log_items, summary, json }
}

fn sample(name: &str) -> Option<Loaded> {
    samples_dir().map(|d| load(&d.join(name)))
}

/// The response headers of a JSON entry, as (name, value) pairs.
fn json_headers<'a>(entry: &'a Value, side: &str) -> Vec<(&'a str, &'a str)> {
    entry[side]["headers"]
        .as_array()
        .map(|hs| hs.iter().map(|h| (h["name"].as_str().unwrap_or(""), h["value"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default()
}

#[test]
fn every_sample_reads_without_errors_and_matches_an_independent_parse() {
    let Some(dir) = samples_dir() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "har"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 15, "the sample set has 15 HARs");
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        let l = load(path);
        assert!(
            l.entry_errors.is_empty(),
            "{name}: {} entry errors, first at {}",
            l.entry_errors.len(),
            l.entry_errors[0].location
        );
        let expected = l.json_entries();
        assert_eq!(l.entries.len(), expected.len(), "{name}: entries delivered");
        assert_eq!(l.summary.entries, expected.len(), "{name}: summary.entries");
        assert_eq!(l.log_items, 1, "{name}: one log item");
        for (i, (got, want)) in l.entries.iter().zip(expected).enumerate() {
            assert_eq!(got.index, i, "{name}: entry index");
            assert!(got.method == want["request"]["method"].as_str().unwrap(), "{name}: entry {i} method");
            assert!(got.url == want["request"]["url"].as_str().unwrap(), "{name}: entry {i} url");
            assert_eq!(Some(u64::from(got.status)), want["response"]["status"].as_u64(), "{name}: entry {i} status");
            for side in ["request", "response"] {
                let got_h = if side == "request" { &got.request_headers } else { &got.response_headers };
                let want_h = json_headers(want, side);
                assert_eq!(got_h.0.len(), want_h.len(), "{name}: entry {i} {side} header count");
                let same = got_h.0.iter().zip(&want_h).all(|(g, (n, v))| g.name == *n && g.value == *v);
                assert!(same, "{name}: entry {i} {side} headers differ from the file (values not shown)");
            }
            let pages = want["pageref"].as_str().filter(|s| !s.is_empty());
            assert_eq!(got.page_ref.as_deref(), pages, "{name}: entry {i} pageref");
        }
        let pages = l.json["log"]["pages"].as_array().map_or(0, Vec::len);
        assert_eq!(l.summary.pages.len(), pages, "{name}: pages");
        assert_eq!(
            l.summary.creator.as_ref().map(|c| c.name.as_str()),
            l.json["log"]["creator"]["name"].as_str(),
            "{name}: creator"
        );

        // Streaming from a reader delivers exactly the same entries.
        let mut streamed = Vec::new();
        let s = read_har_reader(std::fs::File::open(path).unwrap(), Path::new("-"), &mut |item| {
            if let HarItem::Entry(e) = item {
                streamed.push(e);
            }
            ControlFlow::Continue(())
        })
        .unwrap_or_else(|e| panic!("{name}: reader mode failed at {}", e.location));
        assert!(streamed == l.entries, "{name}: reader mode delivers different entries");
        assert!(s == l.summary, "{name}: reader mode gives a different summary");
    }
}

#[test]
fn ferguson_folded_set_cookie_lines_unfold() {
    let Some(l) = sample("ferguson.har") else { return };
    let (mut headers, mut lines) = (0, 0);
    for e in l.json_entries() {
        for (n, v) in json_headers(e, "response") {
            if n.eq_ignore_ascii_case("set-cookie") {
                headers += 1;
                lines += v.split('\n').filter(|l| !l.trim().is_empty()).count();
            }
        }
    }
    let got: usize = l.entries.iter().map(|e| e.response_headers.set_cookie_lines().len()).sum();
    assert_eq!(got, lines);
    assert_eq!(l.summary.set_cookie_lines, lines);
    assert!(lines > headers, "folded values unfold to more lines ({lines}) than headers ({headers})");
}

#[test]
fn diff_data_keeps_http2_cookie_crumbs() {
    let Some(l) = sample("diff_data.har") else { return };
    let crumby = |hs: Vec<(&str, &str)>| hs.iter().filter(|(n, _)| n.eq_ignore_ascii_case("cookie")).count() > 1;
    let want: Vec<usize> = l
        .json_entries()
        .iter()
        .enumerate()
        .filter(|(_, e)| crumby(json_headers(e, "request")))
        .map(|(i, _)| i)
        .collect();
    let got: Vec<usize> =
        l.entries.iter().filter(|e| e.request_headers.get_all("cookie").count() > 1).map(|e| e.index).collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    for e in l.entries.iter().filter(|e| want.contains(&e.index)) {
        let crumbs: Vec<&str> = json_headers(&l.json_entries()[e.index], "request")
            .into_iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .map(|(_, v)| v)
            .collect();
        // Compared without printing: the values are real-looking cookies.
        assert!(
            e.request_headers.cookie_header().as_deref() == Some(crumbs.join("; ").as_str()),
            "entry {}: joined crumbs differ",
            e.index
        );
    }
}

#[test]
fn websocket_upgrades_and_message_counts() {
    let Some(l) = sample("websocket.har") else { return };
    let ws: Vec<&Exchange> = l.entries.iter().filter(|e| e.resource_type.as_deref() == Some("websocket")).collect();
    assert!(!ws.is_empty());
    for e in &ws {
        assert_eq!(e.status, 101, "entry {}", e.index);
        let want = l.json_entries()[e.index]["_webSocketMessages"].as_array().map_or(0, Vec::len);
        assert_eq!(e.websocket_messages, want, "entry {}", e.index);
        assert!(e.websocket_messages > 0, "entry {}", e.index);
    }
    let total: usize = l.json_entries().iter().map(|e| e["_webSocketMessages"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(l.summary.websocket_messages, total);
}

#[test]
fn chrome_failed_request_has_status_zero_and_error() {
    let Some(l) = sample("chrome.har") else { return };
    let failed: Vec<&Exchange> = l.entries.iter().filter(|e| e.status == 0).collect();
    assert_eq!(failed.len(), 1);
    let want = l.json_entries()[failed[0].index]["response"]["_error"].as_str();
    assert!(want.is_some());
    assert_eq!(failed[0].error.as_deref(), want);
    assert_eq!(l.summary.failed, 1);
    // h2 pseudo-headers are kept.
    assert!(l.entries.iter().any(|e| e.request_headers.contains(":authority")));
}

#[test]
fn cached_entries_in_safari_and_edge() {
    let Some(safari) = sample("safari.har") else { return };
    let want = safari.json_entries().iter().filter(|e| e["_fetchType"].as_str() == Some("Memory Cache")).count();
    assert!(want > 0);
    assert_eq!(safari.entries.iter().filter(|e| e.from_cache).count(), want);
    assert_eq!(safari.summary.cached, want);

    let Some(edge) = sample("edge.har") else { return };
    let want: Vec<usize> =
        edge.json_entries().iter().enumerate().filter(|(_, e)| e["_fromCache"].is_string()).map(|(i, _)| i).collect();
    assert!(!want.is_empty());
    assert_eq!(edge.entries.iter().filter(|e| e.from_cache).map(|e| e.index).collect::<Vec<_>>(), want);
}

#[test]
fn chrome_har_flattened_initiators_and_devtools_initiators() {
    let Some(l) = sample("browsertime-recalculate-style.har") else { return };
    for e in &l.entries {
        let j = &l.json_entries()[e.index];
        let ty = j["_initiator_type"].as_str().filter(|s| !s.is_empty());
        assert_eq!(e.initiator_type.as_deref(), ty, "entry {}", e.index);
        let url = j["_initiator"].as_str().filter(|s| !s.is_empty());
        assert_eq!(e.initiator_url.as_deref(), url, "entry {}", e.index);
    }
    let Some(edge) = sample("edge.har") else { return };
    let with_url = edge.entries.iter().filter(|e| e.initiator_url.is_some()).count();
    let want = edge
        .json_entries()
        .iter()
        .filter(|e| e["_initiator"]["url"].is_string() || e["_initiator"]["stack"]["callFrames"][0]["url"].is_string())
        .count();
    assert_eq!(with_url, want);
    assert!(want > 0);
}

#[test]
fn cookie_evidence_counts_match_the_file() {
    let Some(l) = sample("www.nytimes.com.har") else { return };
    let has =
        |e: &Value, side: &str, name: &str| json_headers(e, side).iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let cookie = l.json_entries().iter().filter(|e| has(e, "request", "cookie")).count();
    let set_cookie = l.json_entries().iter().filter(|e| has(e, "response", "set-cookie")).count();
    assert_eq!(l.summary.requests_with_cookie_header, cookie);
    assert_eq!(l.summary.responses_with_set_cookie, set_cookie);
    assert!(cookie > 0 && set_cookie > 0);
}

#[test]
fn every_more_sample_reads_every_entry() {
    // `../shared/samples/har-more/`: formats the first set lacks (IE11's cookie objects, Playwright,
    // chrome-har). No entry may be skipped; counts match an independent parse.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/har-more");
    if !dir.is_dir() {
        println!("skipped: {} not found", dir.display());
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "har"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "har-more holds at least three HARs");
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        let l = load(path);
        assert!(
            l.entry_errors.is_empty(),
            "{name}: {} entries skipped, first at {}",
            l.entry_errors.len(),
            l.entry_errors[0].location
        );
        assert_eq!(l.entries.len(), l.json_entries().len(), "{name}: entries delivered");
        assert!(l.summary.entry_error_kinds.is_empty(), "{name}: no kind of skipped entry");
        // Listed cookies, in whatever shape the exporter wrote them, are all read.
        for (got, want) in l.entries.iter().zip(l.json_entries()) {
            let listed = |v: &Value| match v {
                Value::Array(a) => a.len(),
                Value::Object(o) if o.contains_key("name") => 1,
                Value::Object(o) => o.len(),
                _ => 0,
            };
            assert_eq!(got.request_cookies.len(), listed(&want["request"]["cookies"]), "{name}: entry {}", got.index);
            assert_eq!(got.response_cookies.len(), listed(&want["response"]["cookies"]), "{name}: entry {}", got.index);
        }
    }
}
