//! `crossjar sanitize` keeps the findings and drops the secrets, on every HAR fixture and every public
//! sample HAR.

use std::path::{Path, PathBuf};

use crossjar::analysis::findings::Focus;
use crossjar::analysis::replay::ReplayOptions;
use crossjar::analysis::report::HarReport;
use crossjar::pipeline::analyse_har_path;
use crossjar::sanitize::{sanitize_har, SanitizeOptions};

fn hars() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(root.join("fixtures/har")).unwrap().map(|e| e.unwrap().path()).collect();
    let shared = root.join("../shared/samples/har");
    match std::fs::read_dir(&shared) {
        Ok(dir) => out.extend(dir.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "har"))),
        Err(_) => println!("../shared/samples/har is absent: public samples not checked"),
    }
    out.sort();
    out
}

fn keys(r: &HarReport) -> Vec<String> {
    r.findings
        .iter()
        .map(|f| {
            let browsers: Vec<&str> = f.browsers.iter().map(|b| b.as_str()).collect();
            format!("{} {} {:?} {:?} {:?} {}", f.rule, f.severity, f.entry, f.cookie, f.host, browsers.join(","))
        })
        .collect()
}

/// Every value of a Cookie pair or of a Set-Cookie's name=value pair in the capture that is long
/// enough to be a secret.
fn cookie_values(text: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    let mut out = Vec::new();
    let mut keep = |val: &str| {
        let val = val.trim();
        if val.len() >= 8 {
            out.push(val.to_string());
        }
    };
    for e in v["log"]["entries"].as_array().unwrap() {
        for h in e["request"]["headers"].as_array().into_iter().flatten() {
            if h["name"].as_str().unwrap_or("").eq_ignore_ascii_case("cookie") {
                for pair in h["value"].as_str().unwrap_or("").split(';') {
                    keep(pair.split_once('=').map_or(pair, |(_, v)| v));
                }
            }
        }
        for h in e["response"]["headers"].as_array().into_iter().flatten() {
            if h["name"].as_str().unwrap_or("").eq_ignore_ascii_case("set-cookie") {
                for line in h["value"].as_str().unwrap_or("").split('\n') {
                    let pair = line.split(';').next().unwrap_or("");
                    keep(pair.split_once('=').map_or(pair, |(_, v)| v));
                }
            }
        }
    }
    out
}

#[test]
fn sanitized_captures_give_the_same_findings_and_hold_no_cookie_value() {
    let tmp = std::env::temp_dir().join(format!("crossjar-sanitize-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let options = ReplayOptions::default();
    let focus = Focus::default();
    let mut checked = 0;
    for path in hars() {
        let bytes = std::fs::read(&path).unwrap();
        // With bodies replaced too: the strictest setting must still keep every finding.
        let mut out = Vec::new();
        let opts = SanitizeOptions { bodies: true, salt: "test".into() };
        sanitize_har(&bytes, &mut out, &opts).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let sanitized = tmp.join(path.file_name().unwrap());
        std::fs::write(&sanitized, &out).unwrap();
        let (a, ea) = analyse_har_path(&path, &options, &focus);
        let (b, eb) = analyse_har_path(&sanitized, &options, &focus);
        assert!(ea.is_none() && eb.is_none(), "{}", path.display());
        assert_eq!(keys(&a), keys(&b), "{}: findings changed after sanitizing", path.display());
        // No cookie value of the original is left in a cookie header of the copy.
        let left = cookie_values(&String::from_utf8_lossy(&out));
        let original = cookie_values(&String::from_utf8_lossy(&bytes));
        let leaked = original.iter().filter(|v| left.contains(v)).count();
        assert_eq!(leaked, 0, "{}: {leaked} cookie values survived sanitizing", path.display());
        checked += 1;
    }
    std::fs::remove_dir_all(&tmp).ok();
    println!("sanitize: {checked} captures, findings unchanged, no cookie value left");
}
