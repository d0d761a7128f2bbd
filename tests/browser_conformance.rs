//! Holds crossjar to a real browser: every recording of headless Chromium under `fixtures/browser/`
//! (or under `$CROSSJAR_BROWSER_RECORDINGS`, where CI re-records) is replayed through crossjar's HAR
//! reader and [`Replay`] for the profile the recording's mode names, and compared with what the
//! Chrome DevTools Protocol reported, per request and cookie (sent or withheld, and why) and per
//! `Set-Cookie` (stored, deleted, blocked and why, or silently ignored).
//!
//! Recordings are made by `scripts/browser-conformance/record.sh`. Each case directory holds
//! `capture.har` (Playwright's recordHar, no bodies) and `truth.json` (CDP `associatedCookies`,
//! `blockedCookies`, `exemptedCookies`, `loadingFailed` and the Cookie header the test server got).
//!
//! The test prints `chromium: N cases, M agree` (and a line per mode) and fails on any disagreement
//! not listed in `tests/deviations/browser.toml`, and on listed deviations that now agree (stale).
//!
//! How crossjar's reasons are compared with DevTools':
//! - names Chrome has (`SameSiteLax`, `UserPreferences`, `InvalidPrefix`, ...) must match exactly, as
//!   sets per cookie;
//! - crossjar's own names that stand for "Chrome does not evaluate the cookie at all" map to Chrome
//!   reporting nothing: `CredentialsNotIncluded` (Chromium skips the cookie lookup and the Set-Cookie
//!   loop when the request carries no credentials), `PreflightNeverCredentialed` (same, for
//!   preflights) and `CookieInOtherPartition` (Chromium only looks the cookie up in the request's own
//!   partition, so it is not in `associatedCookies`). A `Set-Cookie` crossjar rejects for one of these
//!   is "ignored": Chrome lists it neither as blocked nor stores it;
//! - `InvalidPartitioned` (`Partitioned` without `Secure`) maps to what Chromium 156 reports for it,
//!   which the recordings show is nothing at all (the line is dropped silently);
//! - `ThirdPartyBlockedByItp` and `HttpOnlyFromScript` cannot occur for a Chrome profile replaying
//!   HTTP traffic; if they did, they would be compared by name and disagree.
//!
//! What the recordings cannot show is not compared, and the summary counts it: cookies of requests a
//! failed preflight stopped (they never reach the network, and Chrome evaluates no cookie), withheld
//! cookies of WebSocket handshakes (CDP reports no `associatedCookies` for them; what the server
//! received is compared instead).
//!
//! CORS: Chrome's `Network.loadingFailed.corsErrorStatus.corsError` is compared with the first error of
//! `EntryVerdict::cors` ("no error" when Chrome reports none, and when crossjar has no CORS verdict or
//! an ok one), for every request of the capture, including those a failed preflight stopped.
//!
//! The recorder completes Playwright's HAR where a Chrome DevTools export holds more (entries marked
//! `_crossjarCompletedFromCdp`): the headers of responses the page could not read (Playwright keeps
//! status -1 and no headers) and the CORS preflights (absent from Playwright's HAR).
//!
//! Each case also holds `playwright.har`, the same recording as Playwright's `recordHar` wrote it
//! (what users of Playwright bring), and `playwright_format_recordings_agree_with_chromium` runs the
//! same comparison on it, printing `chromium (playwright recordHar): N cases, M agree` and per-question
//! figures. What such a file cannot hold is not compared and is counted instead: preflights (Playwright
//! records none) and the `Set-Cookie` outcomes of responses it did not record (crossjar then lists
//! none). A CORS failure crossjar cannot name (no response headers) agrees with any error Chrome
//! names. A cookie verdict crossjar calls unknown (it hinges on what the file does not show, such as
//! the credentials mode of a request Playwright recorded as failed with provisional headers only) is
//! counted, not compared. Every answer crossjar does give must agree (`PLAYWRIGHT_FLOOR_PERCENT` is 100).

#[allow(dead_code)]
#[path = "conformance/common.rs"]
mod common;

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crossjar::analysis::findings::Focus;
use crossjar::analysis::infer::Basis;
use crossjar::analysis::replay::ReplayOptions;
use crossjar::analysis::report::{CookieVerdict, HarReport, SetCookieVerdict};
use crossjar::input::har::HarItem;
use crossjar::model::profile::Browser;
use crossjar::model::reason::{devtools_view, Exclusion};
use crossjar::pipeline::analyse_har_path;
use serde_json::Value;

const DEVIATIONS: &str = "tests/deviations/browser.toml";

/// A reason list as Chrome would show it (`crossjar::model::reason::devtools_view`): `None` when
/// Chrome would not mention the cookie at all.
fn chrome_rendering(reasons: &[Exclusion], storing: bool) -> Option<Vec<&'static str>> {
    devtools_view(reasons, storing).map(|v| v.iter().map(|r| r.as_str()).collect())
}

fn bare_domain(d: &str) -> String {
    d.trim_start_matches('.').to_ascii_lowercase()
}

fn verdict(sent: bool, reasons: &[impl AsRef<str>]) -> String {
    if sent {
        "sent".into()
    } else {
        let mut r: Vec<&str> = reasons.iter().map(AsRef::as_ref).collect();
        r.sort_unstable();
        format!("withheld [{}]", r.join(", "))
    }
}

/// crossjar's cookies for one entry, as Chrome would list them.
fn crossjar_cookies(cookies: &[CookieVerdict]) -> Vec<String> {
    let mut out: Vec<String> = cookies
        .iter()
        .filter_map(|c| {
            let named = if c.sent { Vec::new() } else { chrome_rendering(&c.reasons.to_vec(), false)? };
            Some(format!("{}@{}: {}", c.name, bare_domain(&c.domain), verdict(c.sent, &named)))
        })
        .collect();
    out.sort();
    out
}

/// crossjar's `Set-Cookie` verdicts for one entry, in the truth's vocabulary.
fn crossjar_set_cookies(set: &[SetCookieVerdict]) -> Vec<String> {
    let mut out: Vec<String> = set
        .iter()
        .map(|s| {
            let what = if s.stored {
                "stored".to_string()
            } else if s.deleted && s.reasons.is_empty() {
                "deleted".to_string()
            } else {
                match chrome_rendering(&s.reasons.to_vec(), true) {
                    None => "ignored".to_string(),
                    Some(named) => format!("blocked [{}]", named.join(", ")),
                }
            };
            format!("{}: {what}", s.name)
        })
        .collect();
    out.sort();
    out
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Chrome's cookies for one request (`None` when CDP gave no list).
fn truth_cookies(req: &Value) -> Option<Vec<String>> {
    let list = req.get("cookies")?.as_array()?;
    let mut out: Vec<String> = list
        .iter()
        .map(|c| {
            let name = c["name"].as_str().unwrap_or("");
            let domain = bare_domain(c["domain"].as_str().unwrap_or(""));
            format!("{name}@{domain}: {}", verdict(c["sent"].as_bool().unwrap_or(false), &strings(&c["reasons"])))
        })
        .collect();
    out.sort();
    Some(out)
}

fn truth_set_cookies(req: &Value) -> Vec<String> {
    let mut out: Vec<String> = req["set_cookies"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    let name = s["name"].as_str().unwrap_or("");
                    let what = match s["outcome"].as_str().unwrap_or("") {
                        "blocked" => {
                            let mut r = strings(&s["reasons"]);
                            r.sort();
                            format!("blocked [{}]", r.join(", "))
                        }
                        // Deleting a cookie that was not there: accepted, nothing to delete.
                        "deleted-nothing" => "deleted".into(),
                        other => other.to_string(),
                    };
                    format!("{name}: {what}")
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Counts over all compared recordings.
#[derive(Default, Debug)]
struct Tally {
    requests: usize,
    cookies: usize,
    set_cookies: usize,
    preflights_not_in_capture: usize,
    other_not_in_capture: usize,
    websocket_server_only: usize,
    never_sent: usize,
    cors: usize,
    /// Per question, how many of the compared answers agree (the Playwright-format figures).
    cookies_agree: usize,
    cookie_questions: usize,
    cors_agree: usize,
    set_cookies_agree: usize,
    set_cookie_questions: usize,
    /// Responses with `Set-Cookie` lines (per CDP) that the capture does not hold.
    set_cookie_responses_not_in_capture: usize,
    /// Cookie verdicts crossjar calls unknown (they hinge on what the capture does not show, such as
    /// the credentials mode of a request recorded as failed with provisional headers only): not
    /// compared, counted.
    cookies_unknown: usize,
}

/// How a CORS failure without an error name renders: crossjar knows the page could not read the
/// response but not which check failed (the capture has no response headers). It agrees with any
/// error Chrome names, and disagrees with Chrome's "no error".
const UNNAMED_CORS_FAILURE: &str = "failed (which check is unknown)";

/// One recorded case.
struct Case {
    mode: String,
    name: String,
    dir: PathBuf,
}

fn cases_in(root: &Path) -> Result<Vec<Case>, String> {
    let mut out = Vec::new();
    let modes = std::fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let mut modes: Vec<_> = modes.filter_map(Result::ok).filter(|e| e.path().is_dir()).collect();
    modes.sort_by_key(|e| e.file_name());
    for m in modes {
        let mode = m.file_name().to_string_lossy().into_owned();
        if mode == "firefox" {
            // Recorded differently (no CDP): compared by tests/browser_conformance_firefox.rs.
            continue;
        }
        let mut dirs: Vec<_> = std::fs::read_dir(m.path())
            .map_err(|e| format!("{}: {e}", m.path().display()))?
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .collect();
        dirs.sort_by_key(|e| e.file_name());
        for d in dirs {
            out.push(Case { mode: mode.clone(), name: d.file_name().to_string_lossy().into_owned(), dir: d.path() });
        }
    }
    Ok(out)
}

fn replay(har: &Path, browser: Browser) -> Result<(HarReport, Vec<String>), String> {
    // The same wiring as `crossjar har` (reader, replay), so the comparison judges what users get.
    let (report, err) = analyse_har_path(har, &ReplayOptions { browsers: vec![browser] }, &Focus::default());
    if let Some(e) = err {
        return Err(e.to_string());
    }
    let problems = report.skipped.iter().map(|(i, why)| format!("entry {i}: {why}")).collect();
    Ok((report, problems))
}

/// The CDP-completed capture of each case.
const CAPTURE: &str = "capture.har";
/// Playwright's `recordHar` output of each case as Playwright wrote it (no completion).
const PLAYWRIGHT: &str = "playwright.har";

/// Compares one case's HAR `har` (a file name in the case directory); returns its disagreements
/// (empty: it agrees).
fn compare(case: &Case, har: &str, tally: &mut Tally) -> Result<Vec<String>, String> {
    let browser =
        Browser::parse(&case.mode).ok_or_else(|| format!("{}: unknown mode {}", case.dir.display(), case.mode))?;
    let truth_path = case.dir.join("truth.json");
    let truth = common::read_json(&truth_path)?;
    let (report, problems) = replay(&case.dir.join(har), browser)?;
    let mut out: Vec<String> = problems.into_iter().map(|p| format!("capture problem: {p}")).collect();
    let entries = &report.runs[0].entries;
    let mut used = vec![false; entries.len()];
    let requests =
        truth["requests"].as_array().ok_or_else(|| format!("{}: no `requests` array", truth_path.display()))?;
    for (i, req) in requests.iter().enumerate() {
        let method = req["method"].as_str().unwrap_or("");
        let url = req["url"].as_str().unwrap_or("");
        let at = format!("#{i} {method} {url}");
        let Some(j) = (0..entries.len()).find(|&j| !used[j] && entries[j].method == method && entries[j].url == url)
        else {
            if method == "OPTIONS" {
                tally.preflights_not_in_capture += 1;
            } else {
                tally.other_not_in_capture += 1;
            }
            continue;
        };
        used[j] = true;
        let e = &entries[j];
        // CORS: Chrome's `corsErrorStatus.corsError` against crossjar's first CORS error.
        let theirs_cors = req["failure"]["corsErrorStatus"]["corsError"].as_str().unwrap_or("no error");
        let ours_cors = match &e.cors {
            // Failed, but which check failed is unknown (the capture lacks the response headers).
            Some(c) if !c.ok && c.error.is_none() => UNNAMED_CORS_FAILURE,
            c => c.as_ref().and_then(|c| c.error).map_or("no error", |err| err.as_str()),
        };
        let cors_agrees = theirs_cors == ours_cors || (ours_cors == UNNAMED_CORS_FAILURE && theirs_cors != "no error");
        tally.cors += 1;
        tally.cors_agree += usize::from(cors_agrees);
        if !cors_agrees {
            out.push(format!("{at}: cors: chromium {theirs_cors}, crossjar {ours_cors}"));
        }
        if req["server"].is_null() && req["status"].is_null() {
            // Never reached the network (a failed preflight stopped it): Chrome evaluated no cookie.
            tally.never_sent += 1;
            continue;
        }
        tally.requests += 1;
        // crossjar's "unknown" is an answer, not a verdict to compare: drop those cookies from both
        // sides and count them.
        let unknown: Vec<&str> =
            e.cookies.iter().filter(|c| c.basis == Basis::Unknown).map(|c| c.name.as_str()).collect();
        tally.cookies_unknown += unknown.len();
        let known: Vec<CookieVerdict> = e.cookies.iter().filter(|c| c.basis != Basis::Unknown).cloned().collect();
        // With the credentials mode unknown, which reasons DevTools would list depends on that mode
        // (Chrome evaluates no cookie without credentials): compare what was sent, not the reasons.
        let sent_only = |v: Vec<String>| -> Vec<String> { v.into_iter().filter(|c| c.ends_with(": sent")).collect() };
        let mode_unknown = e.credentials.basis == Basis::Unknown;
        let ours = if mode_unknown { sent_only(crossjar_cookies(&known)) } else { crossjar_cookies(&known) };
        match truth_cookies(req).map(|t| {
            let t: Vec<String> =
                t.into_iter().filter(|v| !unknown.iter().any(|u| v.starts_with(&format!("{u}@")))).collect();
            if mode_unknown {
                sent_only(t)
            } else {
                t
            }
        }) {
            Some(theirs) => {
                tally.cookies += theirs.len();
                tally.cookie_questions += 1;
                tally.cookies_agree += usize::from(theirs == ours);
                if theirs != ours {
                    out.push(format!("{at}: cookies: chromium {theirs:?}, crossjar {ours:?}"));
                }
            }
            None => {
                // No CDP list (WebSocket handshakes): compare what went out with what the server got.
                tally.websocket_server_only += 1;
                let mut theirs = strings(&req["server"]["cookie_names"]);
                theirs.sort();
                let mut sent: Vec<String> = e.cookies.iter().filter(|c| c.sent).map(|c| c.name.to_string()).collect();
                sent.sort();
                tally.cookies += theirs.len();
                tally.cookie_questions += 1;
                tally.cookies_agree += usize::from(theirs == sent);
                if theirs != sent {
                    out.push(format!("{at}: cookies sent: server got {theirs:?}, crossjar sends {sent:?}"));
                }
            }
        }
        let theirs = truth_set_cookies(req);
        let ours = crossjar_set_cookies(&e.set_cookies);
        if e.status == 0 && ours.is_empty() && !theirs.is_empty() {
            // The capture has no response (Playwright keeps status -1 and no headers for a response the
            // page may not read): its `Set-Cookie` lines are not in the capture, and crossjar rightly
            // says nothing about them.
            tally.set_cookie_responses_not_in_capture += 1;
            continue;
        }
        tally.set_cookies += theirs.len();
        tally.set_cookie_questions += 1;
        tally.set_cookies_agree += usize::from(theirs == ours);
        if theirs != ours {
            out.push(format!("{at}: set-cookie: chromium {theirs:?}, crossjar {ours:?}"));
        }
    }
    for (j, e) in entries.iter().enumerate() {
        if !used[j] {
            out.push(format!("HAR entry {} {} {} has no CDP record", e.index, e.method, e.url));
        }
    }
    Ok(out)
}

/// Checks the harness against the recordings' own evidence: the Cookie header the server received
/// must be exactly the cookies CDP says were sent.
fn harness_self_check(case: &Case) -> Result<Vec<String>, String> {
    let truth = common::read_json(&case.dir.join("truth.json"))?;
    let mut out = Vec::new();
    for (i, req) in truth["requests"].as_array().into_iter().flatten().enumerate() {
        let (Some(cookies), Some(server)) = (req["cookies"].as_array(), req["server"].as_object()) else { continue };
        let mut cdp: Vec<String> = cookies
            .iter()
            .filter(|c| c["sent"].as_bool() == Some(true))
            .filter_map(|c| c["name"].as_str().map(String::from))
            .collect();
        cdp.sort();
        let mut got = strings(&server["cookie_names"]);
        got.sort();
        if cdp != got {
            out.push(format!("#{i} {} {}: CDP says sent {cdp:?}, server got {got:?}", req["method"], req["url"]));
        }
    }
    Ok(out)
}

fn recordings_dir() -> PathBuf {
    match std::env::var_os("CROSSJAR_BROWSER_RECORDINGS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/browser"),
    }
}

fn load_deviations() -> Result<BTreeMap<(String, String), common::Deviation>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEVIATIONS);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut map = BTreeMap::new();
    for d in common::parse_deviations(&text, DEVIATIONS)? {
        let key = (d.suite.clone(), d.id.clone());
        if map.insert(key, d.clone()).is_some() {
            return Err(format!("{DEVIATIONS}: duplicate entry {}/{}", d.suite, d.id));
        }
    }
    Ok(map)
}

#[test]
fn chromium_recordings_agree_with_crossjar() {
    let root = recordings_dir();
    if !root.is_dir() {
        common::show(&format!("chromium: skipped, no recordings at {}", root.display()));
        return;
    }
    let version = std::fs::read_to_string(root.join("VERSION")).unwrap_or_default();
    let cases = cases_in(&root).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cases.is_empty(), "{}: no recorded cases", root.display());
    let deviations = load_deviations().unwrap_or_else(|e| panic!("{e}"));
    let mut tally = Tally::default();
    let mut per_mode: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for case in &cases {
        let found = compare(case, CAPTURE, &mut tally).unwrap_or_else(|e| vec![format!("cannot compare: {e}")]);
        let slot = per_mode.entry(case.mode.clone()).or_default();
        slot.0 += 1;
        slot.1 += usize::from(found.is_empty());
        let key = (case.mode.clone(), case.name.clone());
        match deviations.get(&key) {
            Some(d) => {
                seen.push(key.clone());
                if found.is_empty() {
                    failures.push(format!(
                        "{}/{}: STALE deviation: crossjar now agrees; remove it from {DEVIATIONS}",
                        case.mode, case.name
                    ));
                } else if let Some(exp) = &d.expected {
                    let got = found.join("\n");
                    if *exp != got {
                        failures.push(format!(
                            "{}/{}: listed deviation changed:\n  listed: {exp}\n  now:    {got}",
                            case.mode, case.name
                        ));
                    }
                }
            }
            None => {
                for f in found {
                    failures.push(format!("{}/{}: {f}", case.mode, case.name));
                }
            }
        }
    }
    for key in deviations.keys() {
        if !seen.contains(key) && per_mode.contains_key(&key.0) {
            failures.push(format!("{}/{}: listed in {DEVIATIONS} but not recorded", key.0, key.1));
        }
    }
    let n: usize = per_mode.values().map(|v| v.0).sum();
    let m: usize = per_mode.values().map(|v| v.1).sum();
    common::show(&format!("chromium: {n} cases, {m} agree ({})", version.lines().next().unwrap_or("version unknown")));
    for (mode, (n, m)) in &per_mode {
        common::show(&format!("chromium {mode}: {n} cases, {m} agree"));
    }
    common::show(&format!(
        "chromium: compared {} requests, {} cookie verdicts, {} set-cookie verdicts, {} CORS verdicts; not in the captures: {} preflights, {} other requests, {} responses with Set-Cookie; {} never sent (failed preflight: CORS compared, cookies not); {} WebSocket handshakes compared by what the server received",
        tally.requests,
        tally.cookies,
        tally.set_cookies,
        tally.cors,
        tally.preflights_not_in_capture,
        tally.other_not_in_capture,
        tally.set_cookie_responses_not_in_capture,
        tally.never_sent,
        tally.websocket_server_only
    ));
    assert!(failures.is_empty(), "{} disagreement(s) with Chromium:\n{}", failures.len(), failures.join("\n"));
}

/// The share of Playwright-format recordings (in percent of cases) that must agree with Chromium.
///
/// A floor, not the goal: the goal is what `capture.har` reaches (every case). Measured on the
/// committed recordings (Chromium 156.0.8078.114, playwright-core 1.64.1) before the replay learns
/// issue 14's evidence rules: 226 of 258 cases agree (87 %); per question, cookies sent 776 of 790
/// requests, CORS 774 of 822, `Set-Cookie` 774 of 774 comparable responses. Every remaining
/// disagreement is on a request Playwright recorded as failed (`status: -1`,
/// `_failureText: net::ERR_FAILED`, no response headers, provisional request headers): crossjar reads
/// it as "CORS ok" (48 requests), and with its credentials mode unknown lists no cookie for it where
/// Chrome sent or withheld one (14 requests). Both are replay-side; raise this floor as they are
/// fixed, up to 100.
const PLAYWRIGHT_FLOOR_PERCENT: usize = 100;

#[test]
fn playwright_format_recordings_agree_with_chromium() {
    // The same comparison on the HARs as Playwright's `recordHar` writes them, uncompleted: failed
    // requests with status -1, `_failureText` and no response headers; provisional request headers
    // (no `Cookie`) on them; no CORS preflights. This is what users of Playwright bring.
    let root = recordings_dir();
    let cases: Vec<Case> =
        cases_in(&root).unwrap_or_default().into_iter().filter(|c| c.dir.join(PLAYWRIGHT).is_file()).collect();
    if cases.is_empty() {
        common::show(&format!("chromium (playwright recordHar): skipped, no {PLAYWRIGHT} at {}", root.display()));
        return;
    }
    let mut tally = Tally::default();
    let mut per_mode: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut lines = Vec::new();
    for case in &cases {
        let found = compare(case, PLAYWRIGHT, &mut tally).unwrap_or_else(|e| vec![format!("cannot compare: {e}")]);
        let slot = per_mode.entry(case.mode.clone()).or_default();
        slot.0 += 1;
        slot.1 += usize::from(found.is_empty());
        lines.extend(found.into_iter().map(|f| format!("{}/{}: {f}", case.mode, case.name)));
    }
    let n: usize = per_mode.values().map(|v| v.0).sum();
    let m: usize = per_mode.values().map(|v| v.1).sum();
    common::show(&format!("chromium (playwright recordHar): {n} cases, {m} agree"));
    for (mode, (n, m)) in &per_mode {
        common::show(&format!("chromium (playwright recordHar) {mode}: {n} cases, {m} agree"));
    }
    common::show(&format!(
        "chromium (playwright recordHar): cookies sent: {} of {} requests agree ({} cookie verdicts unknown: the capture cannot tell); CORS: {} of {} requests agree; set-cookie: {} of {} responses agree; not in the captures: {} preflights, {} other requests, {} responses with Set-Cookie",
        tally.cookies_agree,
        tally.cookie_questions,
        tally.cookies_unknown,
        tally.cors_agree,
        tally.cors,
        tally.set_cookies_agree,
        tally.set_cookie_questions,
        tally.preflights_not_in_capture,
        tally.other_not_in_capture,
        tally.set_cookie_responses_not_in_capture,
    ));
    for l in &lines {
        common::show(&format!("  playwright-format disagreement: {l}"));
    }
    assert!(
        m * 100 >= n * PLAYWRIGHT_FLOOR_PERCENT,
        "only {m} of {n} Playwright-format recordings agree with Chromium, below the floor of {PLAYWRIGHT_FLOOR_PERCENT} %"
    );
}

#[test]
fn playwright_format_files_are_as_playwright_writes_them_and_read_whole() {
    // The Playwright-format files are raw recordHar output: nothing completed from CDP, failed requests
    // with status -1 and `_failureText`, which the reader takes as status 0 with the failure text.
    let root = recordings_dir();
    let cases: Vec<Case> =
        cases_in(&root).unwrap_or_default().into_iter().filter(|c| c.dir.join(PLAYWRIGHT).is_file()).collect();
    if cases.is_empty() {
        common::show(&format!("chromium (playwright recordHar): skipped, no {PLAYWRIGHT} at {}", root.display()));
        return;
    }
    let (mut failed, mut problems) = (0, Vec::new());
    for case in &cases {
        let path = case.dir.join(PLAYWRIGHT);
        let json = common::read_json(&path).unwrap_or_else(|e| panic!("{e}"));
        let raw = json["log"]["entries"].as_array().cloned().unwrap_or_default();
        if raw.iter().any(|e| e.get("_crossjarCompletedFromCdp").is_some()) {
            problems.push(format!("{}/{}: an entry was completed from CDP", case.mode, case.name));
        }
        let mut read = Vec::new();
        crossjar::input::har::read_har_path(&path, &mut |item| {
            match item {
                HarItem::Entry(x) => read.push(Some(x)),
                HarItem::EntryError(_) => read.push(None),
                _ => {}
            }
            ControlFlow::Continue(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        if read.len() != raw.len() || read.iter().any(Option::is_none) {
            problems.push(format!("{}/{}: not every entry was read", case.mode, case.name));
            continue;
        }
        for (x, e) in read.iter().flatten().zip(&raw) {
            if e["response"]["status"].as_i64() == Some(-1) {
                failed += 1;
                let want = e["response"]["_failureText"].as_str();
                if x.status != 0 || x.error.as_deref() != want || want.is_none() {
                    problems.push(format!(
                        "{}/{}: entry {}: status {} error {:?}, file has -1 and {want:?}",
                        case.mode, case.name, x.index, x.status, x.error
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(failed > 0, "the Playwright-format recordings hold no failed request: the recorder lost them");
    common::show(&format!("chromium (playwright recordHar): {failed} failed requests read with their failure text"));
}

#[test]
fn recordings_are_consistent_with_what_the_server_received() {
    let root = recordings_dir();
    if !root.is_dir() {
        common::show(&format!("chromium: skipped, no recordings at {}", root.display()));
        return;
    }
    let mut problems = Vec::new();
    for case in cases_in(&root).unwrap_or_else(|e| panic!("{e}")) {
        for p in harness_self_check(&case).unwrap_or_else(|e| vec![e]) {
            problems.push(format!("{}/{}: {p}", case.mode, case.name));
        }
    }
    assert!(problems.is_empty(), "harness inconsistencies:\n{}", problems.join("\n"));
}

#[test]
fn a_flipped_verdict_is_caught() {
    // The comparison must notice when Chrome and crossjar differ: flip one "sent" in a copy of a
    // recording and compare again.
    let root = recordings_dir();
    let Some(case) = cases_in(&root).ok().and_then(|cs| {
        cs.into_iter().find(|c| {
            common::read_json(&c.dir.join("truth.json")).ok().is_some_and(|t| {
                t["requests"].as_array().into_iter().flatten().any(|r| {
                    r["cookies"].as_array().is_some_and(|cs| cs.iter().any(|c| c["sent"].as_bool() == Some(true)))
                })
            })
        })
    }) else {
        common::show(&format!(
            "chromium: skipped the self-test, no recording with a sent cookie at {}",
            root.display()
        ));
        return;
    };
    let mut tally = Tally::default();
    let before = compare(&case, CAPTURE, &mut tally).unwrap();
    let tmp = std::env::temp_dir().join(format!("crossjar-flip-{}", std::process::id()));
    let dir = tmp.join(&case.mode).join(&case.name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(case.dir.join("capture.har"), dir.join("capture.har")).unwrap();
    let mut truth = common::read_json(&case.dir.join("truth.json")).unwrap();
    'flip: for r in truth["requests"].as_array_mut().unwrap() {
        for c in r["cookies"].as_array_mut().into_iter().flatten() {
            if c["sent"].as_bool() == Some(true) {
                c["sent"] = Value::Bool(false);
                c["reasons"] = serde_json::json!(["SameSiteLax"]);
                break 'flip;
            }
        }
    }
    std::fs::write(dir.join("truth.json"), serde_json::to_vec(&truth).unwrap()).unwrap();
    let flipped = Case { mode: case.mode.clone(), name: case.name.clone(), dir: dir.clone() };
    let after = compare(&flipped, CAPTURE, &mut tally).unwrap();
    std::fs::remove_dir_all(&tmp).ok();
    let new: Vec<_> = after.iter().filter(|l| !before.contains(l)).collect();
    assert!(
        new.iter().any(|l| l.contains("cookies:") && l.contains("withheld [SameSiteLax]")),
        "flipping one verdict must show as a new disagreement; before {before:?}, after {after:?}"
    );
}

#[test]
fn playwright_failed_request_status_is_read_as_no_response() {
    // Playwright's recordHar writes `"status": -1` for a request that got no response (a CORS
    // preflight that failed, a connection error); the reader takes it as 0 like Chrome's exports.
    let har = br#"{"log":{"version":"1.2","creator":{"name":"Playwright","version":"1.64.1"},"entries":[
        {"startedDateTime":"2026-11-26T06:47:07.867Z","request":{"method":"PUT","url":"https://jsbundler.coinnation.io/api","headers":[]},
         "response":{"status":-1,"headers":[]}},
        {"startedDateTime":"2026-11-26T06:47:07.900Z","request":{"method":"GET","url":"https://kontext.build/","headers":[]},
         "response":{"status":-2,"headers":[]}}]}}"#;
    let mut statuses = Vec::new();
    let mut errors = Vec::new();
    crossjar::input::har::read_har_slice(har, Path::new("pw.har"), &mut |item| {
        match item {
            HarItem::Entry(x) => statuses.push(x.status),
            HarItem::EntryError(e) => errors.push(e.to_string()),
            _ => {}
        }
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(statuses, vec![0]);
    assert_eq!(errors.len(), 1, "other negative statuses stay errors: {errors:?}");
    assert!(errors[0].contains("-2"), "{errors:?}");
}

#[test]
fn crossjar_only_reasons_render_as_chrome_silence() {
    use Exclusion::*;
    // Any reason meaning "Chrome never evaluates the cookie" hides the cookie from CDP's lists.
    assert_eq!(chrome_rendering(&[CredentialsNotIncluded, SameSiteLax], false), None);
    assert_eq!(chrome_rendering(&[PreflightNeverCredentialed], false), None);
    assert_eq!(chrome_rendering(&[CookieInOtherPartition], false), None);
    assert_eq!(chrome_rendering(&[InvalidPartitioned], true), None);
    // DevTools' own names pass through, sorted like CDP's lists are compared; a blocked Set-Cookie
    // shows the third-party block alone.
    assert_eq!(chrome_rendering(&[UserPreferences, SameSiteLax], false), Some(vec!["SameSiteLax", "UserPreferences"]));
    assert_eq!(chrome_rendering(&[UserPreferences, SameSiteLax], true), Some(vec!["UserPreferences"]));
    assert_eq!(chrome_rendering(&[], false), Some(vec![]));
}
