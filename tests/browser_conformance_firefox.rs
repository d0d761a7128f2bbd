//! Holds crossjar's `firefox` profile to real Firefox: every recording of headless Firefox under
//! `fixtures/browser/firefox/` (or under `$CROSSJAR_FIREFOX_RECORDINGS`, where CI re-records) is
//! replayed through crossjar's HAR reader and [`Replay`] with the `firefox` profile and compared with
//! what Firefox did.
//!
//! Firefox has no DevTools protocol to ask why, so the truth is what can be observed from outside
//! (`scripts/browser-conformance/firefox/record-firefox.mjs`): per request, the names in the `Cookie`
//! header the test server received (`capture.json` `requests[].cookie_names`), and per fetch/XHR step,
//! whether the page could read the response (`step_results[].readable`). The HAR (`capture.har`) is
//! built by the recorder from the same server log (request headers as received, response headers as
//! sent); a fetch a failed preflight stopped is added from the case definition with status 0.
//!
//! Compared:
//! - cookies: per request the server received, the set of cookie names crossjar sends against the
//!   set Firefox sent (duplicates kept: two cookies of one name are two entries);
//! - CORS: per fetch/XHR step, whether crossjar lets the page read the final response (no CORS verdict
//!   counts as readable) against whether Firefox did.
//!
//! The test prints `firefox: N cases, M agree` and fails on any disagreement not listed in
//! `tests/deviations/browser-firefox.toml`, and on listed deviations that now agree (stale) or are not
//! recorded. Genuine model bugs are not deviations: they are in
//! `tests/deviations/FIREFOX-FINDINGS.md` and the test fails until the model is fixed.

#[allow(dead_code)]
#[path = "conformance/common.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossjar::analysis::findings::Focus;
use crossjar::analysis::replay::ReplayOptions;
use crossjar::analysis::report::{EntryVerdict, HarReport};
use crossjar::model::profile::Browser;
use crossjar::pipeline::analyse_har_path;
use serde_json::Value;

const DEVIATIONS: &str = "tests/deviations/browser-firefox.toml";
const SUITE: &str = "firefox";

/// Counts over all compared recordings.
#[derive(Default, Debug)]
struct Tally {
    requests: usize,
    cookies_sent: usize,
    cors: usize,
    never_sent: usize,
}

/// One recorded case.
struct Case {
    name: String,
    dir: PathBuf,
}

fn cases_in(root: &Path) -> Result<Vec<Case>, String> {
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    dirs.sort_by_key(|e| e.file_name());
    Ok(dirs.into_iter().map(|d| Case { name: d.file_name().to_string_lossy().into_owned(), dir: d.path() }).collect())
}

fn replay(har: &Path) -> Result<(HarReport, Vec<String>), String> {
    // The same wiring as `crossjar har` (reader, replay), so the comparison judges what users get.
    let (report, err) = analyse_har_path(har, &ReplayOptions { browsers: vec![Browser::Firefox] }, &Focus::default());
    if let Some(e) = err {
        return Err(e.to_string());
    }
    let problems = report.skipped.iter().map(|(i, why)| format!("entry {i}: {why}")).collect();
    Ok((report, problems))
}

fn names(v: &Value) -> Vec<String> {
    let mut out: Vec<String> =
        v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default();
    out.sort();
    out
}

/// crossjar's sent cookie names for one entry, sorted.
fn crossjar_sent(e: &EntryVerdict) -> Vec<String> {
    let mut out: Vec<String> = e.cookies.iter().filter(|c| c.sent).map(|c| c.name.to_string()).collect();
    out.sort();
    out
}

/// Why crossjar withholds the named cookies (for the disagreement line).
fn crossjar_withheld(e: &EntryVerdict, wanted: &[String]) -> String {
    let mut out: Vec<String> = e
        .cookies
        .iter()
        .filter(|c| !c.sent && wanted.iter().any(|w| *w == c.name))
        .map(|c| {
            let r: Vec<&str> = c.reasons.iter().map(|r| r.as_str()).collect();
            format!("{}@{} [{}]", c.name, c.domain, r.join(", "))
        })
        .collect();
    out.sort();
    if out.is_empty() {
        String::new()
    } else {
        format!("; crossjar withholds {}", out.join(", "))
    }
}

/// Whether crossjar lets the page read the response.
fn crossjar_readable(e: &EntryVerdict) -> bool {
    e.cors.as_ref().is_none_or(|c| c.ok)
}

fn crossjar_cors_error(e: &EntryVerdict) -> &'static str {
    e.cors.as_ref().and_then(|c| c.error).map_or("no error", |err| err.as_str())
}

/// One request of the truth: server-received ones, then those that never reached the server.
struct TruthRequest<'a> {
    step: i64,
    method: &'a str,
    url: &'a str,
    /// `None`: the request never reached the server.
    cookie_names: Option<Vec<String>>,
}

fn truth_requests(truth: &Value) -> Result<Vec<TruthRequest<'_>>, String> {
    let mut out = Vec::new();
    let requests = truth["requests"].as_array().ok_or("no `requests` array")?;
    for r in requests {
        out.push(TruthRequest {
            step: r["step"].as_i64().unwrap_or(-1),
            method: r["method"].as_str().unwrap_or(""),
            url: r["url"].as_str().unwrap_or(""),
            cookie_names: Some(names(&r["cookie_names"])),
        });
    }
    for r in truth["not_reaching_server"].as_array().into_iter().flatten() {
        out.push(TruthRequest {
            step: r["step"].as_i64().unwrap_or(-1),
            method: r["method"].as_str().unwrap_or(""),
            url: r["url"].as_str().unwrap_or(""),
            cookie_names: None,
        });
    }
    Ok(out)
}

/// Compares one case; returns its disagreements (empty: it agrees).
fn compare(case: &Case, tally: &mut Tally) -> Result<Vec<String>, String> {
    let truth_path = case.dir.join("capture.json");
    let truth = common::read_json(&truth_path)?;
    let (report, problems) = replay(&case.dir.join("capture.har"))?;
    let mut out: Vec<String> = problems.into_iter().map(|p| format!("capture problem: {p}")).collect();
    let entries = &report.runs[0].entries;
    let requests = truth_requests(&truth).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let mut used = vec![false; entries.len()];
    // Per step: the entry of the last non-preflight request (the final hop of a fetch/XHR).
    let mut final_of_step: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, req) in requests.iter().enumerate() {
        let at = format!("#{i} {} {}", req.method, req.url);
        let Some(j) =
            (0..entries.len()).find(|&j| !used[j] && entries[j].method == req.method && entries[j].url == req.url)
        else {
            out.push(format!("{at}: not in the HAR"));
            continue;
        };
        used[j] = true;
        let e = &entries[j];
        if req.method != "OPTIONS" {
            final_of_step.insert(req.step, j);
        }
        let Some(theirs) = &req.cookie_names else {
            tally.never_sent += 1;
            continue;
        };
        tally.requests += 1;
        tally.cookies_sent += theirs.len();
        let ours = crossjar_sent(e);
        if *theirs != ours {
            let missing: Vec<String> = theirs.iter().filter(|n| !ours.contains(n)).cloned().collect();
            out.push(format!(
                "{at}: cookies sent: firefox {theirs:?}, crossjar {ours:?}{}",
                crossjar_withheld(e, &missing)
            ));
        }
    }
    for (j, e) in entries.iter().enumerate() {
        if !used[j] {
            out.push(format!("HAR entry {} {} {} is not in capture.json", e.index, e.method, e.url));
        }
    }
    let steps = truth["steps"].as_array().ok_or_else(|| format!("{}: no `steps` array", truth_path.display()))?;
    let results = truth["step_results"].as_array().map(Vec::as_slice).unwrap_or_default();
    for (s, step) in steps.iter().enumerate() {
        let Some(url) = step["fetch"].as_str().or_else(|| step["xhr"].as_str()) else { continue };
        let Some(readable) = results.get(s).and_then(|r| r["readable"].as_bool()) else {
            out.push(format!("step {s} {url}: no page observation"));
            continue;
        };
        let Some(&j) = final_of_step.get(&(s as i64)) else {
            out.push(format!("step {s} {url}: no request in the capture"));
            continue;
        };
        tally.cors += 1;
        let e = &entries[j];
        let ours = crossjar_readable(e);
        if ours != readable {
            let say = |r: bool| if r { "readable" } else { "blocked" };
            out.push(format!(
                "step {s} {} {}: cors: firefox {}, crossjar {} ({})",
                e.method,
                e.url,
                say(readable),
                say(ours),
                crossjar_cors_error(e)
            ));
        }
    }
    Ok(out)
}

/// The HAR must show exactly the cookies capture.json says the server received (both files come from
/// one server log; a mismatch is a recorder bug, not a browser finding).
fn harness_self_check(case: &Case) -> Result<Vec<String>, String> {
    let truth = common::read_json(&case.dir.join("capture.json"))?;
    let har = common::read_json(&case.dir.join("capture.har"))?;
    let entries: Vec<&Value> = har["log"]["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e.get("_crossjarFromCaseDefinition").is_none())
        .collect();
    let requests = truth["requests"].as_array().ok_or("capture.json: no `requests` array")?;
    if entries.len() != requests.len() {
        return Ok(vec![format!("{} HAR entries from the server, {} requests", entries.len(), requests.len())]);
    }
    let mut out = Vec::new();
    for (i, (e, r)) in entries.iter().zip(requests).enumerate() {
        let mut header: Vec<String> = e["request"]["headers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|h| h["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("cookie")))
            .flat_map(|h| {
                h["value"]
                    .as_str()
                    .unwrap_or("")
                    .split(';')
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| p.split_once('=').map_or("", |(n, _)| n).trim().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        header.sort();
        let got = names(&r["cookie_names"]);
        if header != got || e["request"]["url"] != r["url"] || e["request"]["method"] != r["method"] {
            out.push(format!("#{i} {} {}: HAR Cookie names {header:?}, capture.json {got:?}", r["method"], r["url"]));
        }
    }
    Ok(out)
}

fn recordings_dir() -> PathBuf {
    match std::env::var_os("CROSSJAR_FIREFOX_RECORDINGS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/browser/firefox"),
    }
}

fn load_deviations() -> Result<BTreeMap<String, common::Deviation>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEVIATIONS);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut map = BTreeMap::new();
    for d in common::parse_deviations(&text, DEVIATIONS)? {
        if d.suite != SUITE {
            return Err(format!("{DEVIATIONS}: suite must be `{SUITE}`, found `{}` ({})", d.suite, d.id));
        }
        if map.insert(d.id.clone(), d.clone()).is_some() {
            return Err(format!("{DEVIATIONS}: duplicate entry {}", d.id));
        }
    }
    Ok(map)
}

#[test]
fn firefox_recordings_agree_with_crossjar() {
    let root = recordings_dir();
    if !root.is_dir() {
        common::show(&format!("firefox: skipped, no recordings at {}", root.display()));
        return;
    }
    let version = std::fs::read_to_string(root.join("VERSION")).unwrap_or_default();
    let cases = cases_in(&root).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cases.is_empty(), "{}: no recorded cases", root.display());
    let deviations = load_deviations().unwrap_or_else(|e| panic!("{e}"));
    let mut tally = Tally::default();
    let (mut n, mut m) = (0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let found = compare(case, &mut tally).unwrap_or_else(|e| vec![format!("cannot compare: {e}")]);
        n += 1;
        m += usize::from(found.is_empty());
        match deviations.get(&case.name) {
            Some(d) if found.is_empty() => failures.push(format!(
                "{}: STALE deviation: crossjar now agrees; remove it from {DEVIATIONS} ({})",
                case.name, d.reason
            )),
            Some(d) => {
                if let Some(exp) = &d.expected {
                    let got = found.join("\n");
                    if *exp != got {
                        failures.push(format!(
                            "{}: listed deviation changed:\n  listed: {exp}\n  now:    {got}",
                            case.name
                        ));
                    }
                }
            }
            None => failures.extend(found.into_iter().map(|f| format!("{}: {f}", case.name))),
        }
    }
    for id in deviations.keys() {
        if !cases.iter().any(|c| &c.name == id) {
            failures.push(format!("{id}: listed in {DEVIATIONS} but not recorded"));
        }
    }
    common::show(&format!("firefox: {n} cases, {m} agree ({})", version.lines().next().unwrap_or("version unknown")));
    common::show(&format!(
        "firefox: compared {} requests ({} cookies sent), {} CORS outcomes; {} requests never reached the server (CORS compared, cookies not)",
        tally.requests, tally.cookies_sent, tally.cors, tally.never_sent
    ));
    assert!(failures.is_empty(), "{} disagreement(s) with Firefox:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn firefox_har_matches_what_the_server_received() {
    let root = recordings_dir();
    if !root.is_dir() {
        common::show(&format!("firefox: skipped, no recordings at {}", root.display()));
        return;
    }
    let mut problems = Vec::new();
    for case in cases_in(&root).unwrap_or_else(|e| panic!("{e}")) {
        for p in harness_self_check(&case).unwrap_or_else(|e| vec![e]) {
            problems.push(format!("{}: {p}", case.name));
        }
    }
    assert!(problems.is_empty(), "recorder inconsistencies:\n{}", problems.join("\n"));
}

/// Copies one recorded case into a temporary directory, lets `edit` change its truth, compares.
fn compare_edited(case: &Case, tag: &str, edit: impl FnOnce(&mut Value) -> bool) -> Option<Vec<String>> {
    let mut truth = common::read_json(&case.dir.join("capture.json")).ok()?;
    if !edit(&mut truth) {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("crossjar-ff-{tag}-{}", std::process::id())).join(&case.name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(case.dir.join("capture.har"), dir.join("capture.har")).unwrap();
    std::fs::write(dir.join("capture.json"), serde_json::to_vec(&truth).unwrap()).unwrap();
    let edited = Case { name: case.name.clone(), dir: dir.clone() };
    let out = compare(&edited, &mut Tally::default()).unwrap();
    std::fs::remove_dir_all(dir.parent().unwrap()).ok();
    Some(out)
}

#[test]
fn a_dropped_cookie_and_a_flipped_cors_outcome_are_caught() {
    let root = recordings_dir();
    let Ok(cases) = cases_in(&root) else {
        common::show(&format!("firefox: skipped the self-test, no recordings at {}", root.display()));
        return;
    };
    // Drop one sent cookie from what the server received: a new "cookies sent" disagreement.
    let dropped = cases.iter().find_map(|case| {
        let before = compare(case, &mut Tally::default()).ok()?;
        let after = compare_edited(case, "drop", |t| {
            for r in t["requests"].as_array_mut().into_iter().flatten() {
                if let Some(a) = r["cookie_names"].as_array_mut().filter(|a| !a.is_empty()) {
                    a.remove(0);
                    return true;
                }
            }
            false
        })?;
        Some((before, after))
    });
    // Flip one readable fetch to blocked: a new "cors" disagreement.
    let flipped = cases.iter().find_map(|case| {
        let before = compare(case, &mut Tally::default()).ok()?;
        let after = compare_edited(case, "cors", |t| {
            for r in t["step_results"].as_array_mut().into_iter().flatten() {
                if r["readable"].as_bool() == Some(true) {
                    r["readable"] = Value::Bool(false);
                    return true;
                }
            }
            false
        })?;
        Some((before, after))
    });
    let (Some((b1, a1)), Some((b2, a2))) = (dropped, flipped) else {
        common::show(&format!("firefox: skipped the self-test, no suitable recording at {}", root.display()));
        return;
    };
    assert!(
        a1.iter().any(|l| !b1.contains(l) && l.contains("cookies sent: firefox")),
        "dropping a cookie must show; before {b1:?}, after {a1:?}"
    );
    assert!(
        a2.iter().any(|l| !b2.contains(l) && l.contains("cors: firefox blocked, crossjar readable")),
        "flipping a CORS outcome must show; before {b2:?}, after {a2:?}"
    );
}

#[test]
fn a_broken_recording_is_an_error_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("crossjar-ff-broken-{}", std::process::id()));
    let case_dir = dir.join("broken");
    std::fs::create_dir_all(&case_dir).unwrap();
    std::fs::write(case_dir.join("capture.json"), "{\"requests\": [}").unwrap();
    std::fs::write(case_dir.join("capture.har"), "{\"log\": {\"entries\": []}}").unwrap();
    let err = compare(&Case { name: "broken".into(), dir: case_dir.clone() }, &mut Tally::default()).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    assert!(err.contains("capture.json") && err.contains("line 1"), "{err}");
}
