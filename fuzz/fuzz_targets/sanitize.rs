//! `crossjar sanitize` over captures built from arbitrary names, headers, paths and attributes, with
//! a secret planted everywhere a capture can hold one (cookie values of named and nameless cookies,
//! any non-public header in either header shape, URL userinfo, query and fragment, bodies, postData
//! params, WebSocket messages, `_initiator` URLs, page titles). Properties: no planted secret
//! survives with the defaults; every entry verdict is the same before and after. Arbitrary bytes are
//! also sanitized (never a panic; output is JSON when it succeeds).
#![no_main]

use arbitrary::Arbitrary;
use crossjar::analysis::findings::Focus;
use crossjar::analysis::replay::ReplayOptions;
use crossjar::analysis::report::HarReport;
use crossjar::output::redact::header_value_is_public;
use crossjar::pipeline::analyse_har_reader;
use crossjar::sanitize::{sanitize_har, SanitizeOptions};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::path::Path;

#[derive(Arbitrary, Debug)]
struct Exchange {
    cookie_name: String,
    nameless_prefix: bool,
    header_name: String,
    path: String,
    attributes: String,
    headers_as_object: bool,
    status: u16,
    with_origin: bool,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Built(Vec<Exchange>),
    Bytes(Vec<u8>),
}

/// Strings from the fuzzer never spell a marker, and never split a cookie pair.
fn clean(s: &str, extra: &[char]) -> String {
    s.chars().filter(|c| !matches!(c, 'Z' | 'Q' | 'X' | 'z' | 'q' | 'x') && !extra.contains(c)).take(40).collect()
}

/// Headers whose values `sanitize` treats as URLs or keeps (their path words are not secrets).
fn special(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    header_value_is_public(&n)
        || [
            "cookie",
            "cookie2",
            "set-cookie",
            "set-cookie2",
            "referer",
            "location",
            "content-location",
            ":path",
            "refresh",
            "link",
            "origin-trial-url",
            "",
        ]
        .contains(&n.as_str())
}

fn verdicts(r: &HarReport) -> Vec<String> {
    let mut out = Vec::new();
    for run in &r.runs {
        for e in &run.entries {
            let sets: Vec<String> = e
                .set_cookies
                .iter()
                .map(|s| format!("{} {} {} {:?}", s.name, s.stored, s.deleted, s.reasons))
                .collect();
            let sent: Vec<String> =
                e.cookies.iter().map(|c| format!("{} {} {:?}", c.name, c.sent, c.reasons)).collect();
            let cors = e.cors.as_ref().map(|c| format!("{} {:?}", c.ok, c.error));
            out.push(format!(
                "{} #{} {} {:?} {sets:?} {sent:?} {cors:?}",
                run.browser.as_str(),
                e.index,
                e.status,
                e.kind.as_str()
            ));
        }
    }
    out.extend(r.skipped.iter().map(|(i, _)| format!("skipped {i}")));
    out
}

fn build(exchanges: &[Exchange]) -> Value {
    let mut entries = Vec::new();
    for (i, x) in exchanges.iter().take(8).enumerate() {
        let secret = |k: &str| format!("ZQXSECRET{k}{i}ZQX");
        let name = clean(&x.cookie_name, &[';', '=', '\n', '\r', ',']);
        let header = clean(&x.header_name, &[':', '\n', '\r']);
        let path: String = clean(&x.path, &['?', '#', '\n', '\r', '%']).replace(' ', "-");
        let attrs = clean(&x.attributes, &['\n', '\r', '=']);
        let value = if name.is_empty() && x.nameless_prefix { format!("__Host-{}", secret("n")) } else { secret("c") };
        let set_cookie = format!("{name}={value}; {attrs}");
        let mut req_headers = vec![json!({"name": "Cookie", "value": format!("{name}={}", secret("rc"))})];
        if x.with_origin {
            req_headers.push(json!({"name": "Origin", "value": "https://app.example"}));
        }
        if !special(&header) {
            req_headers.push(json!({"name": header, "value": secret("h")}));
        }
        let resp_headers = if x.headers_as_object {
            let mut m = serde_json::Map::new();
            m.insert("Set-Cookie".into(), json!(set_cookie));
            m.insert("Access-Control-Allow-Origin".into(), json!("https://app.example"));
            if !special(&header) {
                m.insert(header.clone(), json!(secret("rh")));
            }
            Value::Object(m)
        } else {
            let mut v = vec![json!({"name": "Set-Cookie", "value": set_cookie})];
            if !special(&header) {
                v.push(json!({"name": header, "value": secret("rh")}));
            }
            Value::Array(v)
        };
        entries.push(json!({
            "startedDateTime": "2024-01-01T00:00:00Z",
            "_initiator": {"type": "script", "url": format!("https://app.example/a.js?t={}", secret("i")),
                           "stack": {"callFrames": [{"url": format!("https://u:{}@app.example/b.js", secret("f"))}]}},
            "request": {"method": "POST",
                        "url": format!("https://u:{}@api{}.example/{path}?q={}#{}", secret("u"), i % 3, secret("q"), secret("g")),
                        "headers": req_headers, "cookies": [{"name": name, "value": secret("lc")}],
                        "postData": {"mimeType": "text/plain", "text": secret("b"), "params": [{"name": "p", "value": secret("p")}]}},
            "response": {"status": x.status % 600, "headers": resp_headers, "content": {"text": secret("r")}},
            "_webSocketMessages": [{"type": "send", "opcode": 1, "data": secret("w")}],
        }));
    }
    json!({"log": {"version": "1.2", "pages": [{"id": "p", "title": "https://app.example/#ZQXSECRETtitleZQX"}], "entries": entries}})
}

fuzz_target!(|input: Input| {
    let opts = SanitizeOptions { salt: "fuzz".into(), ..SanitizeOptions::default() };
    match input {
        Input::Bytes(b) => {
            let mut out = Vec::new();
            if sanitize_har(&b[..], &mut out, &opts).is_ok() {
                serde_json::from_slice::<Value>(&out).expect("sanitized output is JSON");
            }
        }
        Input::Built(x) => {
            let har = build(&x).to_string();
            let mut out = Vec::new();
            sanitize_har(har.as_bytes(), &mut out, &opts).expect("a built capture sanitizes");
            let text = String::from_utf8(out).expect("UTF-8");
            assert!(!text.contains("ZQXSECRET"), "a planted secret survived: {text}");
            let analyse = |bytes: &[u8]| {
                analyse_har_reader(bytes, Path::new("f.har"), &ReplayOptions::default(), &Focus::default()).0
            };
            let (a, b) = (analyse(har.as_bytes()), analyse(text.as_bytes()));
            assert_eq!(verdicts(&a), verdicts(&b), "verdicts changed after sanitizing");
        }
    }
});
