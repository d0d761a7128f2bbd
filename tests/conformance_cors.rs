//! Runs the web-platform-tests CORS vectors in `../shared/conformance/wpt/{cors,fetch}` through the CORS
//! model, prints one summary line per suite and fails on any undocumented failure, on a documented
//! deviation that no longer fails, and on a deviation entry that names no vector.

use crossjar::model::cors::{
    cors_unsafe_request_header_names, evaluate, CorsError, CorsRequest, CorsResponse, CorsVerdict, RequestMode,
};
use crossjar::model::http::{Header, Headers};
use crossjar::model::profile::Browser;
use crossjar::model::request::CredentialsMode;
use crossjar::model::site::Origin;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.is_dir().then_some(p)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn credentials(v: &Value) -> CredentialsMode {
    let c = s(v, "credentials");
    CredentialsMode::parse(c.split(' ').next().unwrap_or("")).unwrap_or(CredentialsMode::SameOrigin)
}

fn hdrs(pairs: &[(&str, &str)]) -> Headers {
    Headers(pairs.iter().map(|(n, v)| Header::new(*n, *v)).collect())
}

fn request(origin: &str, url: &str, method: &str) -> CorsRequest {
    CorsRequest::new(Origin::parse(origin).expect("vector origin"), url.parse().expect("vector URL"), method)
}

fn expect_ok(expected_success: bool, v: &CorsVerdict) -> Outcome {
    let ok = v.ok && v.readable;
    if ok == expected_success {
        Outcome::Pass
    } else {
        let errs: Vec<String> = v.errors().iter().map(|e| e.to_string()).collect();
        Outcome::Fail(format!(
            "expected {}, model says {} {:?}",
            if expected_success { "success" } else { "network error" },
            if ok { "success" } else { "error" },
            errs
        ))
    }
}

/// `cors/origin.json`: one XHR GET without credentials, the response's ACAO lines as given.
fn run_origin(file: &Value, v: &Value) -> Outcome {
    let url = s(file, "request_url").replace("<value>", "x").replace("[&origin2=<value2>]", "");
    let req = request(s(file, "request_origin"), &url, "GET");
    let values: Vec<&str> = v["access_control_allow_origin"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let headers = Headers(values.iter().map(|x| Header::new("Access-Control-Allow-Origin", *x)).collect());
    let verdict = evaluate(&req, None, &[CorsResponse::new(200, headers)], Browser::Chrome);
    expect_ok(s(v, "expected") == "allowed", &verdict)
}

const WPT_ORIGIN: &str = "http://web-platform.test:8000";
const WPT_REMOTE: &str = "http://www1.web-platform.test:8000";

/// `cors/cors-safelisted-request-header.json`: a cross-origin POST with the header; the server does
/// not approve preflights.
fn run_safelisted(v: &Value) -> Outcome {
    let mut req = request(WPT_ORIGIN, &format!("{WPT_REMOTE}/cors/resources/preflight.py"), s(v, "method"));
    for (name, value) in v["request_headers"].as_object().into_iter().flatten() {
        req.headers.0.push(Header::new(name.as_str(), value.as_str().unwrap_or_default()));
    }
    let expected_preflight = v["expected_preflight"].as_bool().unwrap_or(false);
    let unapproved = CorsResponse::new(200, Headers::default());
    let actual = CorsResponse::new(200, hdrs(&[("Access-Control-Allow-Origin", "*")]));
    let verdict = evaluate(&req, Some(&unapproved), &[actual], Browser::Chrome);
    if verdict.needs_preflight != expected_preflight {
        return Outcome::Fail(format!(
            "expected preflight={expected_preflight}, model says {} ({:?})",
            verdict.needs_preflight, verdict.preflight_reasons
        ));
    }
    expect_ok(!expected_preflight, &verdict)
}

/// `fetch/api/cors/not-cors-safelisted.json`: each header alone is CORS-unsafe.
fn run_not_safelisted(v: &Value) -> Outcome {
    let name = s(v, "header_name");
    let unsafe_names = cors_unsafe_request_header_names(&hdrs(&[(name, s(v, "header_value"))]));
    let preflight = unsafe_names.iter().any(|n| n == &name.to_ascii_lowercase());
    if preflight == v["expected_preflight"].as_bool().unwrap_or(true) {
        Outcome::Pass
    } else {
        Outcome::Fail(format!("model says preflight={preflight}"))
    }
}

/// `fetch/api/cors/cors-preflight-star.json`: preflight and actual response carry the listed headers.
fn run_preflight_star(v: &Value) -> Outcome {
    let creds = credentials(v);
    let mut req = request(
        s(v, "request_origin"),
        &format!("{}/fetch/api/resources/preflight.py", s(v, "request_url_origin")),
        s(v, "method"),
    )
    .with_credentials(creds);
    if let Some(h) = v["request_header"].as_object() {
        req.headers
            .0
            .push(Header::new(h["name"].as_str().unwrap_or_default(), h["value"].as_str().unwrap_or_default()));
    }
    let mut common = vec![("Access-Control-Allow-Origin", s(v, "response_access_control_allow_origin"))];
    if let Some(acac) = v["response_access_control_allow_credentials"].as_str() {
        common.push(("Access-Control-Allow-Credentials", acac));
    }
    let mut pre = common.clone();
    pre.push(("Access-Control-Allow-Methods", s(v, "response_access_control_allow_methods")));
    pre.push(("Access-Control-Allow-Headers", s(v, "response_access_control_allow_headers")));
    let verdict = evaluate(
        &req,
        Some(&CorsResponse::new(200, hdrs(&pre))),
        &[CorsResponse::new(200, hdrs(&common))],
        Browser::Chrome,
    );
    if !verdict.needs_preflight {
        return Outcome::Fail("the vector is preflighted, the model sends no preflight".into());
    }
    expect_ok(s(v, "expected") == "success", &verdict)
}

/// `fetch/api/cors/cors-preflight-response-validation.json`: unparsable ACAH / ACAM lists.
fn run_preflight_validation(v: &Value) -> Outcome {
    let mut req = request(
        s(v, "request_origin"),
        &format!("{}/fetch/api/resources/preflight.py", s(v, "request_url_origin")),
        "GET",
    );
    for (name, value) in v["request_headers"].as_object().into_iter().flatten() {
        req.headers.0.push(Header::new(name.as_str(), value.as_str().unwrap_or_default()));
    }
    let origin = s(v, "request_origin");
    let mut pre = vec![("Access-Control-Allow-Origin", origin)];
    for (key, name) in [
        ("preflight_response_access_control_allow_headers", "Access-Control-Allow-Headers"),
        ("preflight_response_access_control_allow_methods", "Access-Control-Allow-Methods"),
    ] {
        if let Some(val) = v[key].as_str() {
            pre.push((name, val));
        }
    }
    let actual = CorsResponse::new(200, hdrs(&[("Access-Control-Allow-Origin", origin)]));
    let verdict = evaluate(&req, Some(&CorsResponse::new(200, hdrs(&pre))), &[actual], Browser::Chrome);
    let invalid_list = verdict.errors().iter().any(|e| {
        matches!(
            e.error,
            CorsError::InvalidAllowHeadersPreflightResponse | CorsError::InvalidAllowMethodsPreflightResponse
        )
    });
    if !verdict.needs_preflight || !invalid_list {
        return Outcome::Fail(format!(
            "expected a preflight failing on an unparsable list, got {:?}",
            verdict.errors()
        ));
    }
    expect_ok(false, &verdict)
}

/// `fetch/api/cors/cors-origin.json`: ACAO is the page origin (OK) or the target's own origin (KO).
fn run_cors_origin(v: &Value) -> Outcome {
    let method = s(v, "method");
    let req = request(
        s(v, "request_origin"),
        &format!("{}/fetch/api/resources/preflight.py", s(v, "request_url_origin")),
        method,
    )
    .with_credentials(credentials(v))
    .with_mode(RequestMode::parse(s(v, "mode")).unwrap_or(RequestMode::Cors));
    let h = [
        ("Access-Control-Allow-Origin", s(v, "response_access_control_allow_origin")),
        ("Access-Control-Allow-Methods", s(v, "response_access_control_allow_methods")),
    ];
    let resp = CorsResponse::new(200, hdrs(&h));
    let verdict = evaluate(&req, Some(&resp), std::slice::from_ref(&resp), Browser::Chrome);
    if verdict.needs_preflight != v["preflight_expected"].as_bool().unwrap_or(false) {
        return Outcome::Fail(format!("preflight: model says {}", verdict.needs_preflight));
    }
    expect_ok(s(v, "expected").starts_with("success"), &verdict)
}

/// `fetch/api/cors/cors-cookies.json`: whether a host-only cookie set by the first CORS response is
/// sent with the second. The model decides both credential gates (is `Set-Cookie` processed, are
/// cookies attached); the cookie jar is reduced to host-only matching (exact host), which is all these
/// vectors use (no Domain/Path attributes).
fn run_cors_cookies(v: &Value) -> Outcome {
    let page = s(v, "page_origin");
    let mode = RequestMode::parse(s(v, "mode")).unwrap_or(RequestMode::Cors);
    let creds = credentials(v);
    let set_url: url::Url = format!("{}/fetch/api/resources/top.txt", s(v, "set_url_origin")).parse().unwrap();
    let check_url: url::Url =
        format!("{}/fetch/api/resources/inspect-headers.py", s(v, "check_url_origin")).parse().unwrap();
    let rh = &v["set_response_headers"];
    let mut headers = Headers::default();
    for (name, value) in rh.as_object().into_iter().flatten() {
        match value {
            Value::Array(items) => {
                items.iter().filter_map(Value::as_str).for_each(|x| headers.0.push(Header::new(name.as_str(), x)))
            }
            other => headers.0.push(Header::new(name.as_str(), other.as_str().unwrap_or_default())),
        }
    }
    let set_req = request(page, set_url.as_str(), "GET").with_credentials(creds).with_mode(mode);
    let set = evaluate(&set_req, None, &[CorsResponse::new(200, headers.clone())], Browser::Chrome);
    let stored: Vec<&str> = if set.credentialed {
        headers.set_cookie_lines().into_iter().map(|l| l.split(';').next().unwrap_or("").trim()).collect()
    } else {
        Vec::new()
    };
    let check_req = request(page, check_url.as_str(), "GET").with_credentials(creds).with_mode(mode);
    let check = evaluate(&check_req, None, &[], Browser::Chrome);
    let sent = if check.credentialed && set_url.host_str() == check_url.host_str() && !stored.is_empty() {
        Some(stored.join("; "))
    } else {
        None
    };
    let expected = v["expected_cookie_header_on_check"].as_str().map(str::to_string);
    if sent == expected {
        Outcome::Pass
    } else {
        Outcome::Fail(format!("expected Cookie {expected:?}, model sends {sent:?}"))
    }
}

fn run_vector(file_stem: &str, file: &Value, v: &Value) -> Outcome {
    match file_stem {
        "origin" => run_origin(file, v),
        "cors-safelisted-request-header" => run_safelisted(v),
        "not-cors-safelisted" => run_not_safelisted(v),
        "cors-preflight-star" => run_preflight_star(v),
        "cors-preflight-response-validation" => run_preflight_validation(v),
        "cors-origin" => run_cors_origin(v),
        "cors-cookies" => run_cors_cookies(v),
        other => Outcome::Skip(format!("no runner for the structure of {other}.json")),
    }
}

struct Deviation {
    suite: String,
    id: String,
    reason: String,
    source: String,
}

/// Reads the `[[deviation]]` blocks of `tests/deviations/cors.toml` (only `key = "string"` lines).
fn deviations() -> Vec<Deviation> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/deviations/cors.toml");
    let text = std::fs::read_to_string(&path).expect("tests/deviations/cors.toml");
    let mut out = Vec::new();
    let mut cur: Option<BTreeMap<String, String>> = None;
    let flush = |cur: &mut Option<BTreeMap<String, String>>, out: &mut Vec<Deviation>| {
        if let Some(m) = cur.take() {
            let get = |k: &str| m.get(k).cloned().unwrap_or_default();
            let d = Deviation { suite: get("suite"), id: get("id"), reason: get("reason"), source: get("source") };
            assert!(
                !d.suite.is_empty() && !d.id.is_empty() && !d.reason.is_empty() && !d.source.is_empty(),
                "every deviation needs suite, id, reason and source"
            );
            out.push(d);
        }
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[deviation]]" {
            flush(&mut cur, &mut out);
            cur = Some(BTreeMap::new());
            continue;
        }
        let (k, val) =
            line.split_once('=').unwrap_or_else(|| panic!("cors.toml line {}: expected key = \"value\"", i + 1));
        let val = val.trim();
        let val = val
            .strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .unwrap_or_else(|| panic!("cors.toml line {}: value must be a \"string\"", i + 1));
        cur.as_mut()
            .unwrap_or_else(|| panic!("cors.toml line {}: key outside [[deviation]]", i + 1))
            .insert(k.trim().to_string(), val.to_string());
    }
    flush(&mut cur, &mut out);
    out
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[test]
fn wpt_cors_conformance() {
    let Some(shared) = shared() else {
        println!("../shared not found: WPT CORS conformance vectors not run");
        return;
    };
    let wpt = shared.join("conformance/wpt");
    let mut files = Vec::new();
    let mut cors_files = Vec::new();
    json_files(&wpt.join("cors"), &mut cors_files);
    files.extend(cors_files.into_iter().map(|p| ("wpt-cors".to_string(), p, wpt.join("cors"))));
    let mut fetch_files = Vec::new();
    json_files(&wpt.join("fetch"), &mut fetch_files);
    files.extend(fetch_files.into_iter().map(|p| ("wpt-fetch".to_string(), p, wpt.join("fetch"))));
    assert!(!files.is_empty(), "no vector files under {}", wpt.display());

    let devs = deviations();
    let mut used = vec![false; devs.len()];
    let mut problems = Vec::new();
    let mut total_run = 0;
    for (prefix, path, root) in &files {
        let rel = path.strip_prefix(root).unwrap().with_extension("");
        let suite = format!("{prefix}/{}", rel.to_string_lossy().replace('\\', "/"));
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let vectors = file["vectors"].as_array().cloned().unwrap_or_default();
        let (mut run, mut passed, mut documented, mut failed) = (0, 0, 0, 0);
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        for v in &vectors {
            let id = match &v["id"] {
                Value::String(x) => x.clone(),
                other => other.to_string(),
            };
            let dev = devs.iter().position(|d| d.suite == suite && d.id == id);
            if let Some(i) = dev {
                used[i] = true;
            }
            match (run_vector(&stem, &file, v), dev) {
                (Outcome::Skip(reason), _) => *skipped.entry(reason).or_default() += 1,
                (Outcome::Pass, None) => {
                    run += 1;
                    passed += 1;
                }
                (Outcome::Pass, Some(i)) => {
                    run += 1;
                    passed += 1;
                    problems.push(format!(
                        "{suite} #{id}: documented deviation now passes; remove it ({})",
                        devs[i].reason
                    ));
                }
                (Outcome::Fail(_), Some(i)) => {
                    run += 1;
                    documented += 1;
                    let _ = &devs[i].source;
                }
                (Outcome::Fail(why), None) => {
                    run += 1;
                    failed += 1;
                    problems.push(format!("{suite} #{id} {:?}: {why}", s(v, "name")));
                }
            }
        }
        total_run += run;
        let mut line =
            format!("{suite}: {run} run, {passed} passed, {documented} documented deviations, {failed} failed");
        for (reason, n) in &skipped {
            line.push_str(&format!(", {n} skipped ({reason})"));
        }
        println!("{line}");
    }
    for (d, u) in devs.iter().zip(&used) {
        if !u {
            problems.push(format!("deviation {} #{} names no vector", d.suite, d.id));
        }
    }
    assert!(total_run > 0, "no vector was run");
    assert!(problems.is_empty(), "WPT CORS conformance:\n{}", problems.join("\n"));
}
