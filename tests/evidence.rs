//! Evidence first, on captures nobody here recorded: the public samples in `../shared/samples/har/` and
//! `har-more/` (Chrome, Edge, Firefox, Safari, chrome-har, WebPageTest, mitmproxy, Charles, Insomnia,
//! Playwright, IE11).
//!
//! - For the browser that recorded a capture, what the capture shows wins: every cookie its own
//!   `Cookie` header carries is `sent` in that browser's profile, with basis `recorded`.
//! - No error-level finding names the recording browser for a cookie the capture shows it sending on
//!   that host at or after the finding's entry.
//! - Cookies a browser refused are reported whatever their name.
//! - `capture-sanitized` fires only where cookies were demonstrably stripped.
//!
//! Assertion messages name files, entries and cookie names only, never values.

use std::path::{Path, PathBuf};

#[path = "support/pipeline.rs"]
mod pipeline;

use crossjar::analysis::infer::Basis;
use crossjar::analysis::rules::Severity;

fn samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    let mut out = Vec::new();
    for dir in ["har", "har-more"] {
        let Ok(read) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in read {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "har") {
                out.push(p);
            }
        }
    }
    out.sort();
    if out.is_empty() {
        println!("skipped: no samples under {}", root.display());
    }
    out
}

#[test]
fn the_recording_browser_s_cookie_header_wins_and_no_error_contradicts_it() {
    let (mut total, mut errors_checked) = (0, 0);
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let run = pipeline::run_har(&path);
        let report = &run.report;
        let Some(recorder) = report.recorder else { continue };
        let Some(browser_run) = report.runs.iter().find(|r| r.browser == recorder.browser) else { continue };
        let mut sent_at: std::collections::HashMap<(String, String), Vec<usize>> = Default::default();
        for e in &browser_run.entries {
            for c in &e.cookies {
                if c.recorded == Some(true) {
                    total += 1;
                    sent_at.entry((c.name.to_string(), e.host.to_string())).or_default().push(e.index);
                    assert!(
                        c.sent,
                        "{name}: entry {}: `{}` is in the recording browser's Cookie header",
                        e.index, c.name
                    );
                    assert_eq!(c.basis, Basis::Recorded, "{name}: entry {}: `{}`", e.index, c.name);
                }
            }
        }
        for f in &report.findings {
            let (Some(cookie), Some(host)) = (&f.cookie, &f.host) else { continue };
            if f.severity != Severity::Error || !f.browsers.contains(&recorder.browser) {
                continue;
            }
            errors_checked += 1;
            let shown = sent_at.get(&(cookie.clone(), host.clone())).into_iter().flatten();
            let contradicted: Vec<&usize> = shown.filter(|i| **i >= f.entry.unwrap_or(0)).collect();
            assert!(
                contradicted.is_empty(),
                "{name}: error [{}] on `{cookie}` @ {host} (entry {:?}), but the capture shows it sent at {contradicted:?}",
                f.rule,
                f.entry
            );
        }
    }
    println!("evidence: {total} recorded cookies, each sent in the recording browser's profile; {errors_checked} error findings checked against the captures");
    if !samples().is_empty() {
        assert!(total > 700, "the samples hold {total} recorded cookies: were they read?");
    }
}

#[test]
fn cookies_every_browser_refuses_are_reported_whatever_their_name() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/har-more/chromehar-response-blocked-cookies.har");
    if !path.exists() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let run = pipeline::run_har(&path);
    // Chrome 84 blocked `__cfduid` (no SameSite, set cross-site); it is no affinity cookie and is
    // never sent, so only "every cookie counts" reports it.
    // Its cross-site `Set-Cookie` comes from codesandbox.io, a third-party site of the page
    // (1j7om.csb.app), so by default that vendor's group finding tells it.
    let samesite = |f: &&crossjar::analysis::report::Finding| {
        f.rule.as_str().starts_with("samesite") || (f.rule == "third-party-vendor" && f.message.contains("samesite-"))
    };
    let hits: Vec<_> = run.report.findings.iter().filter(|f| f.message.contains("`__cfduid`")).collect();
    assert!(hits.iter().any(samesite), "{:?}", hits.iter().map(|f| f.rule).collect::<Vec<_>>());
}

#[test]
fn sanitized_only_where_cookies_were_demonstrably_stripped() {
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let run = pipeline::run_har(&path);
        let fired = run.report.findings.iter().any(|f| f.rule == "capture-sanitized");
        // Firefox, Safari, Charles and Insomnia keep cookies in their exports: a capture of theirs
        // without any is of a site that set none.
        if ["firefox.har", "safari.har", "charles.har", "insomnia.har"].contains(&name.as_str()) {
            assert!(!fired, "{name}: capture-sanitized on a producer that keeps cookies");
        }
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/capture-sanitized/fires.har");
    assert!(pipeline::run_har(&fixture).report.sanitized, "a DevTools export without any cookie header");
}

#[test]
fn a_redirect_hop_keeps_the_kind_of_the_request_that_started_the_chain() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/har-more/playwright-har-redirect.har");
    if !path.exists() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let run = pipeline::run_har(&path);
    let chrome = &run.report.runs[0];
    // https://theverge.com/ → http://www.theverge.com/ → https://www.theverge.com/: the http hop has
    // no fetch metadata, yet it is the same top-level navigation.
    for e in chrome.entries.iter().take(3) {
        assert_eq!(e.kind.as_str(), "navigation", "entry {} {}", e.index, e.url.split('?').next().unwrap_or(""));
    }
    assert!(run.report.findings.iter().all(|f| f.severity != Severity::Error), "{:?}", run.report.findings);
}

/// A report a person acts on in one screen: on a news site's capture (hundreds of vendor cookies)
/// the text stays short, the site's own findings come first, vendors are grouped, and no two findings
/// say the same thing.
#[test]
fn a_news_site_capture_reads_in_one_screen() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/har/www.nytimes.com.har");
    if !path.exists() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let run = pipeline::run_har(&path);
    let findings = &run.report.findings;
    let lines = run.text.lines().count();
    println!("nytimes: {} findings, {lines} lines of text", findings.len());
    assert!(findings.len() <= 40, "{} findings", findings.len());
    assert!(lines <= 400, "{lines} lines");
    let own = |f: &crossjar::analysis::report::Finding| f.host.as_deref().is_some_and(|h| h.ends_with("nytimes.com"));
    let first_vendor = findings.iter().position(|f| f.rule == "third-party-vendor").expect("vendors are grouped");
    assert!(findings[..first_vendor].iter().any(own), "own findings come before the vendors'");
    let mut seen = std::collections::HashSet::new();
    for f in findings {
        assert!(seen.insert((f.rule, f.cookie.clone(), f.host.clone(), f.message.clone())), "duplicate: {}", f.message);
    }
}

/// An https page's fetch() to a plain-http API is blocked as mixed content in every browser; the
/// request the capture shows as failed is told so, never "CORS ok".
#[test]
fn an_https_page_calling_http_is_mixed_content() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/har/mixed-content-http-api.har");
    let run = pipeline::run_har(&path);
    let mixed: Vec<_> = run.report.findings.iter().filter(|f| f.rule == "mixed-content-blocked").collect();
    assert_eq!(mixed.len(), 1, "{:?}", run.report.findings);
    assert_eq!(mixed[0].browsers.len(), 4, "every profile blocks blockable content");
    for r in &run.report.runs {
        let e = &r.entries[1];
        assert_eq!(e.mixed_content.map(|m| m.as_str()), Some("blocked"), "{}", r.browser);
        assert!(e.cors.as_ref().is_some_and(|c| !c.ok), "{}: a failed request is never CORS ok", r.browser);
    }
}
