//! Go's net/http/cookiejar tables (`go-cookiejar/jar_test_tables.json`).
//!
//! Jar tests (one vector each): `SetCookies(from_url, lines)` at tNow as the response to a top-level
//! navigation of `from_url`; then the jar content (every unexpired cookie as `name=value`, sorted,
//! space-joined) at tNow+1001 ms; then query n at tNow+(n+2)·1001 ms, the cookies a top-level
//! navigation to `to_url` sends, in send order. Sequential groups share one jar, as in Go.
//!
//! Helper rows run where the model exposes the same function (`default_path`, `is_ip_literal`) or
//! where the jar shows it (`domainAndType`: what a `Domain` attribute stores); Go internals with no
//! browser counterpart are skipped with the reason printed in the summary.
//!
//! Go uses a toy public-suffix list and non-browser rules (no Secure-from-insecure rejection, ports
//! ignored, ...); where the real PSL or a browser differs, the vector is a documented deviation.

use super::common::{conformance_dir, read_json, Outcome, Suite};
use crossjar::model::cookie::{default_path, is_ip_literal};
use crossjar::model::jar::CookieJar;
use crossjar::model::profile::Browser;
use crossjar::model::request::{RequestContext, RequestKind};
use crossjar::model::time::Timestamp;
use serde_json::Value;
use url::Url;

const SEQUENTIAL: [&str; 3] = ["updateAndDeleteTests", "chromiumDomainTests", "chromiumDeletionTests"];
const ORDER: [&str; 7] = [
    "basicsTests",
    "updateAndDeleteTests",
    "TestExpiration",
    "chromiumBasicsTests",
    "chromiumDomainTests",
    "chromiumDeletionTests",
    "domainHandlingTests",
];

/// Runs the jar tests and the helper rows.
pub fn run() {
    let Some(dir) = conformance_dir("go-cookiejar") else { return };
    let path = dir.join("go-cookiejar/jar_test_tables.json");
    let mut jars = Suite::new("go-cookiejar");
    let mut helpers = Suite::new("go-cookiejar-helpers");
    match read_json(&path) {
        Ok(doc) => {
            run_jar_tests(&doc, &mut jars, &path.display().to_string());
            run_helpers(&doc, &mut helpers, &path.display().to_string());
        }
        Err(e) => jars.error(e),
    }
    let r1 = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| jars.finish()));
    helpers.finish();
    if let Err(p) = r1 {
        std::panic::resume_unwind(p);
    }
}

fn run_jar_tests(doc: &Value, suite: &mut Suite, file: &str) {
    let Some(t_now) = doc.pointer("/test_environment/tNow").and_then(Value::as_str).and_then(Timestamp::parse_rfc3339)
    else {
        suite.error(format!("{file}: test_environment.tNow missing"));
        return;
    };
    let Some(tables) = doc.get("jar_tests").and_then(Value::as_object) else {
        suite.error(format!("{file}: no jar_tests"));
        return;
    };
    for name in ORDER {
        let Some(tests) = tables.get(name).and_then(Value::as_array) else {
            suite.error(format!("{file}: jar_tests.{name} missing"));
            continue;
        };
        let mut shared = CookieJar::new(Browser::Chrome);
        for (i, t) in tests.iter().enumerate() {
            let id = format!("{name}#{}", i + 1);
            if !SEQUENTIAL.contains(&name) {
                shared = CookieJar::new(Browser::Chrome);
            }
            match run_one(&mut shared, t, t_now) {
                Ok(mut o) => {
                    o.id = id;
                    suite.record(o);
                }
                Err(e) => suite.error(format!("{file}: jar_tests.{name}[{i}]: {e}")),
            }
        }
    }
}

fn run_one(jar: &mut CookieJar, t: &Value, t_now: Timestamp) -> Result<Outcome, String> {
    let desc = t.get("description").and_then(Value::as_str).unwrap_or("");
    let from = t.get("from_url").and_then(Value::as_str).ok_or("no from_url")?;
    let from_url = Url::parse(from).map_err(|e| format!("from_url {from:?}: {e}"))?;
    let lines: Vec<&str> = t
        .get("set_cookies")
        .and_then(Value::as_array)
        .ok_or("no set_cookies")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let want_content = t.get("content").and_then(Value::as_str).ok_or("no content")?;
    let queries = t.get("queries").and_then(Value::as_array).ok_or("no queries")?;

    let set_ctx = RequestContext::new(RequestKind::Navigation, "GET", from_url.clone(), None, t_now);
    for l in &lines {
        jar.set_from_response(l, &set_ctx);
    }
    let t_content = t_now.plus_millis(1001);
    let mut content: Vec<String> =
        jar.cookies().filter(|c| !c.is_expired(t_content)).map(|c| format!("{}={}", c.name, c.value)).collect();
    content.sort();
    let mut expected = vec![format!("content [{want_content}]")];
    let mut actual = vec![format!("content [{}]", content.join(" "))];
    for (n, q) in queries.iter().enumerate() {
        let to = q.get("to_url").and_then(Value::as_str).ok_or("query without to_url")?;
        let want = q.get("want").and_then(Value::as_str).ok_or("query without want")?;
        let when = t_now.plus_millis(1001 * (n as i64 + 2));
        let got = match Url::parse(to) {
            Ok(u) => {
                let ctx = RequestContext::new(RequestKind::Navigation, "GET", u, None, when);
                jar.retrieve(&ctx)
                    .included
                    .iter()
                    .map(|a| format!("{}={}", a.cookie.name, a.cookie.value))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            Err(e) => format!("(unparsable URL: {e})"),
        };
        expected.push(format!("{to} [{want}]"));
        actual.push(format!("{to} [{got}]"));
    }
    Ok(Outcome {
        id: String::new(),
        input: format!("{desc} Set-Cookie {lines:?} from {from}"),
        expected: expected.join(" | "),
        actual: actual.join(" | "),
    })
}

fn run_helpers(doc: &Value, suite: &mut Suite, file: &str) {
    let Some(h) = doc.get("helper_tables").and_then(Value::as_object) else {
        suite.error(format!("{file}: no helper_tables"));
        return;
    };
    let rows_of = |name: &str| -> Vec<(String, Value)> {
        match h.get(name) {
            Some(t) => {
                if let Some(m) = t.get("map").and_then(Value::as_object) {
                    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
                } else if let Some(r) = t.get("rows").and_then(Value::as_array) {
                    r.iter().enumerate().map(|(i, v)| ((i + 1).to_string(), v.clone())).collect()
                } else {
                    Vec::new()
                }
            }
            None => Vec::new(),
        }
    };
    for (table, reason) in [
        ("hasDotSuffixTests", "Go string helper with no browser-model counterpart"),
        ("hasPortTests", "Go host:port helper with no browser-model counterpart (URLs are parsed by the url crate)"),
        (
            "canonicalHostTests",
            "Go canonicalHost takes host:port strings; the model canonicalises whole URLs with the url crate",
        ),
        ("jarKeyTests", "Go's jar bucket key under its toy PSL; not a browser concept"),
        ("jarKeyNilPSLTests", "Go's jar bucket key without a PSL; not a browser concept"),
    ] {
        let rows = rows_of(table);
        if rows.is_empty() {
            suite.error(format!("{file}: helper table {table} missing or empty"));
        }
        for (k, _) in rows {
            suite.skip(&format!("{table}#{k}"), reason);
        }
    }
    for (input, want) in rows_of("defaultPathTests") {
        let want = want.as_str().unwrap_or("?").to_string();
        suite.record(Outcome {
            id: format!("defaultPathTests#{input}"),
            input: format!("default_path({input:?})"),
            expected: want,
            actual: default_path(&input).to_string(),
        });
    }
    for (input, want) in rows_of("isIPTests") {
        // The model works on canonical URL hosts, where IPv6 is bracketed and zones do not exist.
        let host = if input.contains(':') { format!("[{input}]") } else { input.clone() };
        suite.record(Outcome {
            id: format!("isIPTests#{input}"),
            input: format!("is_ip_literal({host:?})"),
            expected: want.to_string(),
            actual: is_ip_literal(&host).to_string(),
        });
    }
    for (i, row) in rows_of("domainAndTypeTests") {
        let (Some(host), Some(domain)) =
            (row.get("host").and_then(Value::as_str), row.get("domain").and_then(Value::as_str))
        else {
            suite.error(format!("{file}: domainAndTypeTests row {i} malformed"));
            continue;
        };
        let want = match row.get("wantErr").and_then(Value::as_str) {
            Some(err) => format!("rejected ({err})"),
            None => format!(
                "domain {} host_only {}",
                row.get("wantDomain").and_then(Value::as_str).unwrap_or("?"),
                row.get("wantHostOnly").and_then(Value::as_bool).unwrap_or(false)
            ),
        };
        let url_host = if host.contains(':') { format!("[{host}]") } else { host.to_string() };
        let actual = match Url::parse(&format!("http://{url_host}/")) {
            Ok(u) => {
                let mut jar = CookieJar::new(Browser::Chrome);
                let line = if domain.is_empty() { "a=1".to_string() } else { format!("a=1; domain={domain}") };
                let ctx = RequestContext::new(RequestKind::Navigation, "GET", u, None, Timestamp(0));
                let out = jar.set_from_response(&line, &ctx);
                let stored = jar.cookies().next().filter(|_| out.stored).map(|c| {
                    format!(
                        "domain {} host_only {}",
                        c.domain.trim_start_matches('[').trim_end_matches(']'),
                        c.host_only
                    )
                });
                stored.unwrap_or_else(|| format!("rejected ({:?})", out.status.exclusions()))
            }
            Err(e) => format!("(unparsable host: {e})"),
        };
        // Go's error names are not the model's reason names; only "rejected" vs stored is compared.
        let norm = |s: &str| if s.starts_with("rejected") { "rejected".to_string() } else { s.to_string() };
        suite.record(Outcome {
            id: format!("domainAndTypeTests#{i}"),
            input: format!("Set-Cookie \"a=1; domain={domain}\" on http://{url_host}/ (Go expects {want})"),
            expected: norm(&want),
            actual: norm(&actual),
        });
    }
}
