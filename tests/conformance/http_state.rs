//! The IETF http-state parser suite (`http-state/index.derived.json`) and its cookie-date examples.
//!
//! Replay, per test: a fresh Chrome jar; every `set_cookie` line arrives on the response to a
//! browser-initiated top-level navigation of `set_url` (the dispatcher answers it with a 302); the
//! browser follows the redirect to `retrieval_url` one second later, and the `Cookie` header of that
//! request is compared with `expected_cookie_header` (`null` = no header).
//!
//! Clock: 2017-08-09T00:00:00Z, the date of the suite's last commit ("Futurified 0003-test expires
//! header value"). The suite's Expires dates only mean what the tests intend at such a time:
//! 2019-08-07 (`0002`, `comma0006`, `comma0007`) and 2027 (`0003`, `chromium0016/17`) must be in the
//! future, 1980/2007 in the past. With today's clock the 2019 cases would flip to "expired".

use super::common::{conformance_dir, read_json, short, Outcome, Suite};
use crossjar::model::cookie_date::parse_cookie_date;
use crossjar::model::jar::CookieJar;
use crossjar::model::profile::Browser;
use crossjar::model::request::{RequestContext, RequestKind};
use crossjar::model::time::Timestamp;
use url::Url;

/// 2017-08-09T00:00:00Z.
pub const SUITE_CLOCK: Timestamp = Timestamp::from_unix_secs(1_502_236_800);

/// Runs the 222 parser tests.
pub fn run_parser() {
    let Some(dir) = conformance_dir("http-state") else { return };
    let mut suite = Suite::new("http-state");
    let path = dir.join("http-state/index.derived.json");
    let tests = match read_json(&path) {
        Ok(v) => v.get("tests").and_then(|t| t.as_array()).cloned().unwrap_or_default(),
        Err(e) => {
            suite.error(e);
            Vec::new()
        }
    };
    if tests.is_empty() {
        suite.error(format!("{}: no `tests` array", path.display()));
    }
    for (i, t) in tests.iter().enumerate() {
        let id = t.get("test").and_then(|v| v.as_str()).map(str::to_string);
        let set_url = t.get("set_url").and_then(|v| v.as_str()).and_then(|u| Url::parse(u).ok());
        let retrieval_url = t.get("retrieval_url").and_then(|v| v.as_str()).and_then(|u| Url::parse(u).ok());
        let lines: Option<Vec<String>> = t
            .get("set_cookie")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|l| l.as_str().map(str::to_string)).collect());
        let expected = match t.get("expected_cookie_header") {
            Some(serde_json::Value::String(s)) => Some(Some(s.clone())),
            Some(serde_json::Value::Null) => Some(None),
            _ => None,
        };
        let (Some(id), Some(set_url), Some(retrieval_url), Some(lines), Some(expected)) =
            (id, set_url, retrieval_url, lines, expected)
        else {
            suite.error(format!("{}: entry {i}: missing or malformed field", path.display()));
            continue;
        };
        let actual = replay(&lines, &set_url, &retrieval_url);
        suite.record(Outcome {
            id,
            input: format!(
                "Set-Cookie {} on {set_url}, then GET {retrieval_url}",
                lines.iter().map(|l| short(l)).collect::<Vec<_>>().join(" | ")
            ),
            expected: header_text(expected.as_deref()),
            actual: header_text(actual.as_deref()),
        });
    }
    suite.finish();
}

fn replay(lines: &[String], set_url: &Url, retrieval_url: &Url) -> Option<String> {
    let mut jar = CookieJar::new(Browser::Chrome);
    let set_ctx = RequestContext::new(RequestKind::Navigation, "GET", set_url.clone(), None, SUITE_CLOCK);
    for line in lines {
        jar.set_from_response(line, &set_ctx);
    }
    let get_ctx =
        RequestContext::new(RequestKind::Navigation, "GET", retrieval_url.clone(), None, SUITE_CLOCK.plus_secs(1))
            .with_redirect_chain(vec![set_url.clone()]);
    jar.retrieve(&get_ctx).cookie_header()
}

fn header_text(h: Option<&str>) -> String {
    match h {
        Some(v) => format!("Cookie: {v}"),
        None => "(no Cookie header)".to_string(),
    }
}

/// Runs `dates/examples.json` and `dates/bsd-examples.json` through the cookie-date parser.
pub fn run_dates() {
    let Some(dir) = conformance_dir("http-state-dates") else { return };
    let mut suite = Suite::new("http-state-dates");
    for (file, prefix) in [("examples.json", "examples"), ("bsd-examples.json", "bsd")] {
        let path = dir.join("http-state/dates").join(file);
        let rows = match read_json(&path) {
            Ok(v) => v.as_array().cloned().unwrap_or_default(),
            Err(e) => {
                suite.error(e);
                continue;
            }
        };
        if rows.is_empty() {
            suite.error(format!("{}: expected a non-empty array", path.display()));
        }
        for (i, row) in rows.iter().enumerate() {
            let Some(input) = row.get("test").and_then(|v| v.as_str()) else {
                suite.error(format!("{}: entry {i}: no `test` string", path.display()));
                continue;
            };
            let expected = match row.get("expected") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Null) => "(invalid)".to_string(),
                _ => {
                    suite.error(format!("{}: entry {i}: `expected` is neither string nor null", path.display()));
                    continue;
                }
            };
            let actual = parse_cookie_date(input).map(imf_fixdate).unwrap_or_else(|| "(invalid)".to_string());
            suite.record(Outcome { id: format!("{prefix}#{}", i + 1), input: format!("{input:?}"), expected, actual });
        }
    }
    suite.finish();
}

/// Formats an instant the way the date files write expectations: `Mon, 10 Dec 2007 17:02:24 GMT`.
/// Written here (not taken from the model) so the check does not depend on the code under test.
pub fn imf_fixdate(t: Timestamp) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = t.0.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
