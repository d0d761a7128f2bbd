//! No secret leaks (issue #9): every HAR fixture in the repository and every public sample HAR in
//! `../shared/samples/har/` goes through the analysis and both reports with values hidden, and no
//! cookie value, `Authorization` value or token-like query value of the input may appear in them.
//!
//! The secrets are collected from the raw JSON independently of crossjar's reader. Only counts,
//! cookie names and entry indexes are printed, never a value.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crossjar::input::har::{read_har_path, HarItem};
use serde_json::Value;
use std::ops::ControlFlow;

#[path = "support/pipeline.rs"]
mod pipeline;
use pipeline::run_har;

/// One value that must not appear in a report.
struct Secret {
    /// `cookie`, `set-cookie`, `listed-cookie`, `authorization` or `query`.
    kind: &'static str,
    /// The cookie, header or parameter name (printable).
    name: String,
    /// The entry it came from.
    entry: usize,
    value: String,
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// A query value that looks like a token: 16 or more of `[A-Za-z0-9_.-]`.
fn looks_like_token(v: &str) -> bool {
    v.len() >= 16 && v.chars().all(is_token_char)
}

fn strings(v: &Value, key: &str) -> Vec<(String, String)> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|h| Some((h.get("name")?.as_str()?.to_string(), h.get("value")?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Every secret of a HAR, read straight from its JSON.
fn secrets_of(har: &Value) -> Vec<Secret> {
    let mut out = Vec::new();
    let entries = har.pointer("/log/entries").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, e) in entries.iter().enumerate() {
        let (req, resp) = (&e["request"], &e["response"]);
        let mut push = |kind, name: &str, value: &str| {
            out.push(Secret { kind, name: name.to_string(), entry: i, value: value.to_string() })
        };
        for (name, value) in strings(req, "headers") {
            if name.eq_ignore_ascii_case("cookie") {
                for pair in value.split(';') {
                    let (n, v) = pair.split_once('=').unwrap_or(("", pair));
                    let v = v.trim();
                    if v.len() >= 6 {
                        push("cookie", n.trim(), v);
                    }
                }
            } else if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("proxy-authorization") {
                if value.trim().len() >= 6 {
                    push("authorization", &name, value.trim());
                }
                // The credentials after the scheme (`Bearer <token>`) on their own.
                if let Some((_, cred)) = value.trim().split_once(' ') {
                    if cred.trim().len() >= 6 {
                        push("authorization", &name, cred.trim());
                    }
                }
            }
        }
        for (name, value) in strings(resp, "headers") {
            if name.eq_ignore_ascii_case("set-cookie") {
                // Some producers fold several lines into one value with `\n`.
                for line in value.split('\n') {
                    let pair = line.split(';').next().unwrap_or("");
                    let (n, v) = pair.split_once('=').unwrap_or(("", pair));
                    let v = v.trim();
                    if v.len() >= 6 {
                        push("set-cookie", n.trim(), v);
                    }
                }
            }
        }
        for list in [&req["cookies"], &resp["cookies"]] {
            for c in list.as_array().into_iter().flatten() {
                if let (Some(n), Some(v)) = (c["name"].as_str(), c["value"].as_str()) {
                    if v.len() >= 6 {
                        push("listed-cookie", n, v);
                    }
                }
            }
        }
        if let Some(url) = req["url"].as_str().and_then(|u| url::Url::parse(u).ok()) {
            for (n, v) in url.query_pairs() {
                if looks_like_token(&v) {
                    push("query", &n, &v);
                }
            }
        }
        for (n, v) in strings(req, "queryString") {
            if looks_like_token(&v) {
                push("query", &n, &v);
            }
        }
    }
    out
}

/// The entries crossjar's reader delivers from a file that is not valid JSON, in HAR shape.
fn delivered_as_json(path: &Path) -> Value {
    let headers = |h: &crossjar::model::http::Headers| -> Value {
        h.0.iter().map(|x| serde_json::json!({"name": x.name, "value": x.value})).collect()
    };
    let mut entries = Vec::new();
    let _ = read_har_path(path, &mut |item| {
        if let HarItem::Entry(x) = item {
            entries.push(serde_json::json!({
                "request": {"url": x.url, "headers": headers(&x.request_headers)},
                "response": {"headers": headers(&x.response_headers)},
            }));
        }
        ControlFlow::Continue(())
    });
    serde_json::json!({"log": {"entries": entries}})
}

/// Where in a report a match stands, without the value: the JSON key it is under, or the words
/// that precede it on its text line.
fn where_in(out: &str, at: usize, format: &str) -> String {
    let before = &out[..at];
    if format == "json" {
        let key = before.rfind("\": ").and_then(|end| before[..end].rfind('"').map(|start| &before[start + 1..end]));
        format!("key `{}`", key.unwrap_or("?"))
    } else {
        let line = before.rsplit('\n').next().unwrap_or("");
        let words: String = line.trim_start().chars().take(40).collect();
        format!("line starting `{words}`")
    }
}

/// The value as it would stand inside a JSON string.
fn json_escaped(v: &str) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    s[1..s.len() - 1].to_string()
}

/// Values that are public anyway: they also stand in a URL of the capture outside query values
/// (host, path, parameter names: reports print URLs with query values hidden), or are plain words
/// (`deleted`, `false`) that reports use in their own prose.
fn is_public(value: &str, har: &Value) -> bool {
    if value.chars().all(|c| c.is_ascii_alphabetic()) {
        return true;
    }
    let entries = har.pointer("/log/entries").and_then(Value::as_array);
    entries.into_iter().flatten().filter_map(|e| e["request"]["url"].as_str()).any(|u| {
        let (base, query) = u.split_once('?').unwrap_or((u, ""));
        base.contains(value) || query.split('&').any(|kv| kv.split('=').next().unwrap_or("").contains(value))
    })
}

fn har_files() -> (Vec<PathBuf>, Option<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut stack = vec![root.join("fixtures")];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "har") {
                files.push(p);
            }
        }
    }
    let shared = root.join("../shared/samples/har");
    let note = if shared.is_dir() {
        for e in fs::read_dir(&shared).into_iter().flatten().flatten() {
            if e.path().extension().is_some_and(|x| x == "har") {
                files.push(e.path());
            }
        }
        None
    } else {
        Some(format!("secrets: {} is absent; only the repository's fixtures are checked", shared.display()))
    };
    files.sort();
    (files, note)
}

#[test]
fn no_secret_from_any_har_appears_in_any_report() {
    let (files, note) = har_files();
    if let Some(note) = note {
        // Straight to stderr so a plain `cargo test` shows it.
        let _ = writeln!(std::io::stderr(), "{note}");
    }
    assert!(!files.is_empty());
    let mut checked: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut public = 0usize;
    let mut leaks: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut unreadable = 0usize;
    for path in &files {
        let bytes = fs::read(path).unwrap();
        let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
        let har = match serde_json::from_str::<Value>(&text) {
            Ok(har) => har,
            Err(_) => {
                // Broken on purpose (hostile fixtures): no independent parse exists, so the secrets
                // are taken from the entries crossjar's reader could deliver.
                unreadable += 1;
                delivered_as_json(path)
            }
        };
        let secrets = secrets_of(&har);
        let run = run_har(path);
        let name = path.file_name().unwrap().to_string_lossy();
        for s in &secrets {
            if is_public(&s.value, &har) {
                public += 1;
                continue;
            }
            *checked.entry(s.kind).or_default() += 1;
            let escaped = json_escaped(&s.value);
            for (format, out, needle) in [("text", &run.text, &s.value), ("json", &run.json, &escaped)] {
                if let Some(at) = out.find(needle.as_str()) {
                    let key = format!(
                        "{name}: {} `{}` in the {format} report at {}",
                        s.kind,
                        s.name,
                        where_in(out, at, format)
                    );
                    leaks.entry(key).or_default().push(s.entry);
                }
            }
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "secrets: {} HAR files ({unreadable} not JSON: secrets from the entries read), values checked {:?}, {public} public (plain words or in a URL), {} leaks",
        files.len(),
        checked,
        leaks.len()
    );
    for (l, entries) in leaks.iter().take(40) {
        let shown: Vec<String> = entries.iter().take(5).map(usize::to_string).collect();
        let _ = writeln!(
            std::io::stderr(),
            "  leak: {l} (entries {}{})",
            shown.join(", "),
            if entries.len() > 5 { ", ..." } else { "" }
        );
    }
    assert!(checked.values().sum::<usize>() > 0, "no secret found to check: the collector is broken");
    assert!(leaks.is_empty(), "{} secret values appear in reports with values hidden (names above)", leaks.len());
}

#[test]
fn the_collector_finds_each_kind_of_secret() {
    let har: Value = serde_json::from_str(
        r#"{"log":{"entries":[{"request":{"url":"https://a.example/x?token=abcdefghij0123456789&q=short",
            "headers":[{"name":"Cookie","value":"sid=s3cr3tValue; a=b"},{"name":"Authorization","value":"Bearer eyJabc.def"}],
            "cookies":[{"name":"sid","value":"s3cr3tValue"}]},
          "response":{"headers":[{"name":"set-cookie","value":"new=n3wValue9; Path=/\nother=0th3rValue"}]}}]}}"#,
    )
    .unwrap();
    let s = secrets_of(&har);
    let kinds = |k: &str| s.iter().filter(|x| x.kind == k).map(|x| x.value.as_str()).collect::<Vec<_>>();
    assert_eq!(kinds("cookie"), ["s3cr3tValue"]);
    assert_eq!(kinds("set-cookie"), ["n3wValue9", "0th3rValue"]);
    assert_eq!(kinds("authorization"), ["Bearer eyJabc.def", "eyJabc.def"]);
    assert_eq!(kinds("query"), ["abcdefghij0123456789"]);
    assert_eq!(kinds("listed-cookie"), ["s3cr3tValue"]);
    assert!(s.iter().all(|x| x.entry == 0));
    assert!(is_public("deleted", &har) && is_public("a.example", &har) && !is_public("s3cr3tValue", &har));
}

/// The check can fail: with values shown, the same pipeline does print a fixture's cookie value.
#[test]
fn shown_values_are_detected() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile/bom.har");
    let bytes = fs::read(&path).unwrap();
    let har: Value = serde_json::from_slice(&bytes[3..]).unwrap();
    let secrets = secrets_of(&har);
    assert!(!secrets.is_empty());
    let run = run_har(&path);
    let shown = crossjar::output::json::har_report(&run.report, true);
    assert!(secrets.iter().any(|s| shown.contains(&json_escaped(&s.value))), "show_values prints no value");
    assert!(!secrets.iter().any(|s| run.json.contains(&json_escaped(&s.value))));
}

/// A capture with secrets planted where the collector above does not look: URL userinfo, a JWT and a
/// hex key in URL paths, `#access_token=` fragments (request URL, `Referer`), credential headers of
/// every spelling, a `blob:` URL whose entry is skipped (its reason quotes the URL), `Refresh`.
const PLANTED: &str = r#"{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[
{"startedDateTime":"2024-01-01T00:00:00Z","request":{"method":"GET","url":"https://bob:PLANTUSERINFO1@api.example/v1/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEpXVDEifQ.UExBTlRTSUdOQVRVUkUx/x#access_token=PLANTFRAG1","httpVersion":"HTTP/1.1","headers":[{"name":"Origin","value":"https://app.example"},{"name":"Api-Key","value":"PLANTAPIKEY1"},{"name":" X-Session-Token ","value":"PLANTSESSION1"},{"name":"PRIVATE-TOKEN","value":"PLANTPRIVATE1"},{"name":"Cookie","value":"sid=PLANTCOOKIE1"},{"name":"Referer","value":"https://app.example/cb#access_token=PLANTREFFRAG1"}],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
"response":{"status":302,"statusText":"","httpVersion":"HTTP/1.1","headers":[{"name":"Set-Cookie","value":"sid=PLANTSETCOOKIE1; Path=/; Secure; SameSite=None"},{"name":"Location","value":"https://c.example/0123456789abcdef0123456789abcdef/next#PLANTLOCFRAG1"},{"name":"Access-Control-Allow-Origin","value":"https://app.example"},{"name":"X-Vault-Token","value":"PLANTVAULT1"},{"name":"Refresh","value":"0; url=https://d.example/?t=PLANTREFRESH1"}],"content":{"size":0,"mimeType":"text/html","text":"PLANTBODY1"},"redirectURL":"https://c.example/0123456789abcdef0123456789abcdef/next","headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":0,"receive":0}},
{"startedDateTime":"2024-01-01T00:00:01Z","request":{"method":"GET","url":"https://c.example/0123456789abcdef0123456789abcdef/next","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},"response":{"status":200,"statusText":"","httpVersion":"HTTP/1.1","headers":[],"content":{"size":0,"mimeType":"text/html"},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":0,"receive":0}},
{"startedDateTime":"2024-01-01T00:00:02Z","request":{"method":"GET","url":"blob:https://a.example/uuid?token=PLANTBLOB1#PLANTBLOBFRAG1","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},"response":{"status":200,"statusText":"","httpVersion":"HTTP/1.1","headers":[],"content":{"size":0,"mimeType":"text/html"},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":0,"receive":0}}
]}}"#;

/// Every `PLANT…` marker, JWT part and 32-digit key left in `out`.
fn planted_left(out: &str) -> Vec<String> {
    let mut left: Vec<String> = Vec::new();
    for word in out.split(|c: char| !c.is_ascii_alphanumeric()) {
        let planted = word.starts_with("PLANT")
            || word.starts_with("eyJ")
            || word == "UExBTlRTSUdOQVRVUkUx"
            || word == "0123456789abcdef0123456789abcdef";
        if planted && !left.iter().any(|l| l == word) {
            left.push(word.to_string());
        }
    }
    left
}

/// Without `--show-values`, none of the planted secrets reaches any report format, stdout or stderr;
/// with it, the report does show them (the check can fail).
#[test]
fn planted_secrets_reach_no_report() {
    let dir = std::env::temp_dir().join(format!("crossjar-planted-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let har = dir.join("planted.har");
    fs::write(&har, PLANTED).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crossjar")).args(args).output().unwrap();
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    };
    let har_arg = har.to_str().unwrap();
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = run(&["har", har_arg, "--format", format, "--fail-on", "never"]);
        assert!(out.contains("api.example") || format != "json", "{format}: the report is there: {out}");
        assert_eq!(planted_left(&out), Vec::<String>::new(), "har --format {format}");
    }
    let shown = run(&["har", har_arg, "--format", "json", "--show-values", "--fail-on", "never"]);
    assert!(!planted_left(&shown).is_empty(), "--show-values shows the planted values");
    // The same URL given to `crossjar headers`.
    let headers = dir.join("h.txt");
    fs::write(&headers, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-Api-Key: PLANTHDR1\r\n\r\n").unwrap();
    let url =
        "https://bob:PLANTUSERINFO2@api.example/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln/x#access_token=PLANTFRAG2";
    for format in ["text", "json"] {
        let out = run(&[
            "headers",
            headers.to_str().unwrap(),
            "--url",
            url,
            "--from",
            "https://app.example",
            "--format",
            format,
        ]);
        assert!(out.contains("api.example"), "{format}: {out}");
        assert_eq!(planted_left(&out), Vec::<String>::new(), "headers --format {format}");
    }
    let _ = fs::remove_dir_all(&dir);
}
