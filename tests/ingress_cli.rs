//! `crossjar ingress` end to end: snapshots of every ingress fixture in text and JSON, the seed's
//! verdicts asserted one by one, rule registration, `crossjar.toml`, `--compare`, exit codes.

use std::collections::BTreeSet;
use std::path::Path;

use crossjar::analysis::ingress::{CONFIG_RULES, VERDICT_RULES};
use crossjar::analysis::rules::rule;

const FROM: &str = "https://kontext.build";

#[path = "support/binary.rs"]
mod binary;
use binary::{crossjar, crossjar_in};

fn json(args: &[&str]) -> serde_json::Value {
    let (_, stdout, stderr) = crossjar(args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}\n{stdout}"))
}

/// Every ingress fixture, relative to the manifest dir, sorted.
fn fixtures() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingress");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let rel = f.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out.sort();
    out
}

#[test]
fn ingress_fixtures_snapshot_text_and_json() {
    for rel in fixtures() {
        let name = rel.trim_start_matches("fixtures/ingress/").replace('/', "__");
        let mut args = vec!["ingress", rel.as_str(), "--from", FROM];
        if name.contains("seed") {
            // The seed's host: a same-site frontend too, which must get no cross-site findings.
            args.extend(["--from", "https://app.coinnation.io"]);
        }
        let (code, text, stderr) = crossjar(&args);
        // Fixtures with unreadable documents (broken YAML, unrendered templates) exit 2 and still report.
        let unreadable = rel.contains("broken") || rel.contains("templates/");
        assert!(code == 0 || code == 1 || (unreadable && code == 2), "{rel}: exit {code}: {stderr}");
        insta::assert_snapshot!(format!("text__{name}"), text);
        let mut jargs = args.to_vec();
        jargs.extend(["--format", "json"]);
        let (_, out, _) = crossjar(&jargs);
        insta::assert_snapshot!(format!("json__{name}"), out);
    }
}

fn route<'a>(report: &'a serde_json::Value, host: &str) -> &'a serde_json::Value {
    report["routes"].as_array().unwrap().iter().find(|r| r["host"] == host).expect("route for host")
}

fn findings<'a>(report: &'a serde_json::Value, rule_id: &str) -> Vec<&'a serde_json::Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule_id).collect()
}

#[test]
fn seed_cookie_works_in_chrome_only_with_samesite_none_and_secure() {
    let host = "jsbundler.coinnation.io";
    let seed = json(&["ingress", "fixtures/ingress/ingress-nginx/seed.yaml", "--from", FROM, "--format", "json"]);
    let r = route(&seed, host);
    assert_eq!(r["set_cookie"][0], "route=<upstream>|<hash>; Path=/; Secure; HttpOnly");
    let chrome = &r["verdicts"]["chrome"];
    assert_eq!(chrome["origin"], FROM);
    assert_eq!(chrome["stored"], false);
    assert_eq!(chrome["sent"], false);
    assert!(chrome["reasons"].as_array().unwrap().iter().any(|x| x == "set: SchemefulSameSiteUnspecifiedTreatedAsLax"));
    assert_eq!(r["verdicts"]["safari"]["stored"], false);
    let f = findings(&seed, "affinity-cookie-cross-site-blocked");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["severity"], "error");
    let fix = f[0]["fix"].as_str().unwrap();
    assert!(fix.contains("session-cookie-samesite: \"None\""), "{fix}");
    assert!(fix.contains("session-cookie-secure: \"true\""), "{fix}");
    assert!(!fix.contains("Lax") && !fix.contains("Strict"), "never advise Lax/Strict: {fix}");
    // CORS for the exact origin passes, actual and preflight.
    assert_eq!(chrome["cors_ok"], true);
    assert_eq!(chrome["preflight_ok"], true);

    let fixed =
        json(&["ingress", "fixtures/ingress/ingress-nginx/seed-fixed.yaml", "--from", FROM, "--format", "json"]);
    let r = route(&fixed, host);
    let line = r["set_cookie"][0].as_str().unwrap();
    assert!(line.ends_with("; Secure; HttpOnly; SameSite=None"), "{line}");
    let chrome = &r["verdicts"]["chrome"];
    assert_eq!((chrome["stored"].as_bool(), chrome["sent"].as_bool()), (Some(true), Some(true)));
    assert_eq!(chrome["websocket_sent"], true);
    // Safari's ITP still blocks it: third-party cookie blocking, a warning the ingress cannot fix,
    // not the error of a cookie the configuration breaks.
    assert_eq!(r["verdicts"]["safari"]["stored"], false);
    assert!(findings(&fixed, "affinity-cookie-cross-site-blocked").is_empty());
    let f = findings(&fixed, "third-party-cookie-blocked");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["fixes"][0], f[0]["fix"], "`fixes` lists the fix, as in the har and headers contracts");
    assert!(f[0]["message"].as_str().unwrap().contains("safari"));
    assert!(!f[0]["message"].as_str().unwrap().contains("chrome,"), "chrome is fine now");
}

#[test]
fn cors_default_wildcard_with_credentials_is_rejected() {
    let report = json(&[
        "ingress",
        "fixtures/ingress/ingress-nginx/cors-default-wildcard.yaml",
        "--from",
        FROM,
        "--format",
        "json",
    ]);
    let r = &report["routes"][0];
    let answer = &r["verdicts_by_origin"][0]["actual"]["headers"];
    assert!(answer.as_array().unwrap().iter().any(|h| h["name"] == "Access-Control-Allow-Origin" && h["value"] == "*"));
    for b in ["chrome", "firefox", "safari"] {
        assert_eq!(r["verdicts"][b]["cors_ok"], false, "{b}");
        assert!(r["verdicts"][b]["reasons"].as_array().unwrap().iter().any(|x| x == "cors: WildcardOriginNotAllowed"));
    }
    let f = findings(&report, "cors-wildcard-with-credentials");
    assert!(!f.is_empty());
    assert!(f[0]["fix"].as_str().unwrap().contains("cors-allow-origin"));
    let (code, _, _) =
        crossjar(&["ingress", "fixtures/ingress/ingress-nginx/cors-default-wildcard.yaml", "--from", FROM]);
    assert_eq!(code, 1);
}

#[test]
fn origin_not_allowed_and_same_site_frontend() {
    let seed = "fixtures/ingress/ingress-nginx/seed.yaml";
    let other = json(&["ingress", seed, "--from", "https://evil.example", "--format", "json"]);
    let r = &other["routes"][0];
    assert_eq!(r["verdicts"]["chrome"]["cors_ok"], false);
    assert_eq!(r["verdicts_by_origin"][0]["preflight"]["answered_by"], "backend");
    assert_eq!(findings(&other, "cors-origin-not-allowed").len(), 1);

    // A subdomain of the API's registrable domain is same-site: the cookie works without SameSite=None.
    let same = json(&["ingress", seed, "--from", "https://app.coinnation.io", "--format", "json"]);
    let v = &same["routes"][0]["verdicts_by_origin"][0];
    assert_eq!(v["cross_site"], false);
    assert_eq!(v["verdicts"]["chrome"]["stored"], true);
    assert!(findings(&same, "affinity-cookie-cross-site-blocked").is_empty());
}

#[test]
fn every_emitted_rule_is_registered_and_listed() {
    let listed: BTreeSet<&str> = CONFIG_RULES.iter().chain(VERDICT_RULES).copied().collect();
    for id in &listed {
        let r = rule(id).unwrap_or_else(|| panic!("rule `{id}` is not registered"));
        assert!(r.doc.starts_with(&format!("# {id}\n")), "rules/{id}.md has the wrong title");
        // Pages shared with `crossjar har` predate the ingress work and have fewer sections.
        let shared = ["cors-check-failed", "cors-misconfiguration", "preflight-not-sticky"].contains(id);
        let sections: &[&str] = if shared {
            &["## What it detects", "## Fix"]
        } else {
            &["## What it detects", "## Why it matters", "## Fix", "## Example", "## References"]
        };
        for section in sections {
            assert!(r.doc.contains(section), "rules/{id}.md lacks {section}");
        }
    }
    let mut emitted = BTreeSet::new();
    for rel in fixtures() {
        for from in [FROM, "https://evil.example"] {
            let report = json(&["ingress", &rel, "--from", from, "--format", "json"]);
            for f in report["findings"].as_array().unwrap() {
                emitted.insert(f["rule"].as_str().unwrap().to_owned());
            }
        }
    }
    for id in &emitted {
        assert!(listed.contains(id.as_str()), "`{id}` is emitted but not in CONFIG_RULES/VERDICT_RULES");
    }
    // The fixtures exercise most rules; the const lists cover the rest.
    assert!(emitted.len() >= 25, "only {} rules fire on the fixtures: {emitted:?}", emitted.len());
}

#[test]
fn frontends_from_crossjar_toml_or_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("crossjar-ingress-cli-{}", std::process::id()));
    let nested = dir.join("deploy/k8s");
    std::fs::create_dir_all(&nested).unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingress/ingress-nginx/seed.yaml");
    let seed = seed.to_str().unwrap();

    let (code, out, err) = crossjar_in(&nested, &["ingress", seed]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("--from") && err.contains("crossjar.toml"), "{err}");

    std::fs::write(dir.join("crossjar.toml"), "[origins]\nfrontends = [\"https://kontext.build\"]\n").unwrap();
    let (code, out, err) = crossjar_in(&nested, &["ingress", seed, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["frontends"][0], FROM);
    assert_eq!(v["routes"][0]["verdicts"]["chrome"]["stored"], false);

    std::fs::write(dir.join("crossjar.toml"), "[origins]\nfrontends = https://x\n").unwrap();
    let (code, _, err) = crossjar_in(&nested, &["ingress", seed]);
    assert_eq!(code, 2);
    assert!(err.contains("crossjar.toml:2:"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exit_codes_and_unreadable_input() {
    let (code, _, err) = crossjar(&["ingress", "fixtures/ingress/missing.yaml", "--from", FROM]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing.yaml"), "{err}");
    let (code, _, _) =
        crossjar(&["ingress", "fixtures/ingress/ingress-nginx/seed.yaml", "--from", FROM, "--fail-on", "never"]);
    assert_eq!(code, 0);
    let (code, _, err) = crossjar(&["ingress", "fixtures/ingress/ingress-nginx/seed.yaml", "--from", "not an origin"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) =
        crossjar(&["ingress", "fixtures/ingress/ingress-nginx/seed.yaml", "--from", FROM, "--controller", "nope"]);
    assert_eq!(code, 2);
}

#[test]
fn compare_reports_what_the_gateway_api_migration_loses() {
    let args =
        ["ingress", "--compare", "fixtures/ingress-migration/old", "fixtures/ingress-migration/new", "--from", FROM];
    let (code, text, err) = crossjar(&args);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("compare_text", text);
    let mut jargs = args.to_vec();
    jargs.extend(["--format", "json"]);
    let v = json(&jargs);
    assert_eq!(v["schema"], "crossjar.ingress-compare.v1");
    let r = &v["routes"][0];
    assert_eq!(r["controllers"]["old"], "ingress-nginx");
    assert_eq!(r["controllers"]["new"], "gateway-api");
    let change = |what: &str| r["changes"].as_array().unwrap().iter().find(|c| c["what"] == what).cloned();
    let ss = change("cookie SameSite").expect("SameSite change");
    assert_eq!(
        (ss["old"].as_str(), ss["new"].as_str(), ss["regression"].as_bool()),
        (Some("None"), Some("-"), Some(true))
    );
    assert_eq!(change("chrome stored (from https://kontext.build)").unwrap()["regression"], true);
    assert!(change("cookie name").is_none(), "the name stays `route`");
    // Comparing a set with itself changes nothing.
    let (code, text, _) = crossjar(&[
        "ingress",
        "--compare",
        "fixtures/ingress-migration/old",
        "fixtures/ingress-migration/old",
        "--from",
        FROM,
    ]);
    assert_eq!(code, 0);
    assert!(text.contains("no change"));
}
