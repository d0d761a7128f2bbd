//! The command line end to end: snapshots of every fixture in text and JSON, exit codes, and the
//! seed case's verdicts asserted one by one.

use std::process::Command;

#[path = "support/binary.rs"]
mod binary;
use binary::crossjar;

fn json(args: &[&str]) -> serde_json::Value {
    let (_, stdout, stderr) = crossjar(args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}\n{stdout}"))
}

#[test]
fn har_fixtures_snapshot_text_and_json() {
    insta::glob!("../fixtures/har", "*.har", |path| {
        let rel = format!("fixtures/har/{}", path.file_name().unwrap().to_str().unwrap());
        let rel = rel.as_str();
        let (code, text, _) = crossjar(&["har", rel]);
        assert!(code == 0 || code == 1, "{rel}: exit {code}");
        insta::assert_snapshot!("text", text);
        let (_, json_out, _) = crossjar(&["har", rel, "--format", "json"]);
        insta::assert_snapshot!("json", json_out);
    });
}

/// Arguments describing the request each `curl -i` fixture answered.
fn headers_args(name: &str) -> Vec<&'static str> {
    let mut args = vec![
        "--url",
        "https://jsbundler.coinnation.io/kontext/preview",
        "--from",
        "https://kontext.build",
        "--credentials",
        "include",
    ];
    if name.contains("preflight") {
        args.extend(["--method", "POST", "--request-header", "Content-Type: application/json"]);
    }
    args
}

#[test]
fn headers_fixtures_snapshot_text_and_json() {
    insta::glob!("../fixtures/headers", "*.txt", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let rel = format!("fixtures/headers/{name}");
        let mut args = vec!["headers", rel.as_str()];
        args.extend(headers_args(name));
        let (code, text, stderr) = crossjar(&args);
        assert!(code == 0 || code == 1, "{name}: exit {code}: {stderr}");
        insta::assert_snapshot!("text", text);
        args.extend(["--format", "json"]);
        let (_, json_out, _) = crossjar(&args);
        insta::assert_snapshot!("json", json_out);
    });
}

fn entry<'a>(report: &'a serde_json::Value, browser: &str, index: u64) -> &'a serde_json::Value {
    let run = report["runs"].as_array().unwrap().iter().find(|r| r["browser"] == browser).expect("run for browser");
    run["entries"].as_array().unwrap().iter().find(|e| e["index"] == index).expect("entry")
}

fn route_set_cookie(e: &serde_json::Value) -> &serde_json::Value {
    e["set_cookies"].as_array().unwrap().iter().find(|s| s["name"] == "route").expect("route Set-Cookie")
}

fn reasons(v: &serde_json::Value) -> Vec<String> {
    v["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect()
}

/// (a) default credentials: never stored, in any browser, because credentials were not included.
#[test]
fn seed_a_default_credentials_never_stores_route() {
    let r = json(&["har", "fixtures/har/seed-a-default-credentials.har", "--format", "json"]);
    for b in ["chrome", "chrome-3pc-blocked", "firefox", "safari"] {
        let post = entry(&r, b, 2);
        assert_eq!(post["credentials"]["mode"], "same-origin", "{b}");
        let s = route_set_cookie(post);
        assert_eq!(s["stored"], false, "{b}");
        assert!(reasons(s).contains(&"CredentialsNotIncluded".to_string()), "{b}: {s}");
    }
    let findings: Vec<&str> = r["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(findings.contains(&"credentials-not-included"), "{findings:?}");
}

/// (b) include, cookie unchanged: Chrome rejects it as (Schemeful)SameSiteUnspecifiedTreatedAsLax, Firefox stores
/// it partitioned under kontext.build, Safari blocks it.
#[test]
fn seed_b_include_with_unspecified_samesite() {
    let r = json(&["har", "fixtures/har/seed-b-include-samesite-unspecified.har", "--format", "json"]);
    let chrome = route_set_cookie(entry(&r, "chrome", 2));
    assert_eq!(chrome["stored"], false);
    // Chrome DevTools names it `SchemefulSameSiteUnspecifiedTreatedAsLax` (recorded: Chromium 156 uses
    // the Schemeful names for every SameSite exclusion).
    assert_eq!(reasons(chrome), vec!["SchemefulSameSiteUnspecifiedTreatedAsLax"]);
    let firefox = route_set_cookie(entry(&r, "firefox", 2));
    assert_eq!(firefox["stored"], true);
    assert_eq!(firefox["partition"], "https://kontext.build");
    let safari = route_set_cookie(entry(&r, "safari", 2));
    assert_eq!(safari["stored"], false);
    assert_eq!(reasons(safari), vec!["ThirdPartyBlockedByItp"]);
    assert_eq!(entry(&r, "chrome", 2)["credentials"]["mode"], "include");
}

/// (c) include, `SameSite=None; Secure`, correct CORS: works in Chrome (stored and sent on the
/// update, the DELETE and the WebSocket), partitioned in Firefox, blocked in Safari.
#[test]
fn seed_c_include_with_samesite_none() {
    let r = json(&["har", "fixtures/har/seed-c-include-samesite-none.har", "--format", "json"]);
    assert_eq!(route_set_cookie(entry(&r, "chrome", 2))["stored"], true);
    for i in [4, 6, 7] {
        let e = entry(&r, "chrome", i);
        let c = e["cookies"].as_array().unwrap().iter().find(|c| c["name"] == "route").expect("route in jar");
        assert_eq!(c["sent"], true, "entry {i}");
        assert_eq!(c["recorded"], true, "entry {i}");
    }
    assert_eq!(entry(&r, "chrome", 7)["kind"], "websocket");
    assert_eq!(entry(&r, "chrome", 2)["cors"]["ok"], true);
    assert_eq!(route_set_cookie(entry(&r, "firefox", 2))["partition"], "https://kontext.build");
    assert_eq!(reasons(route_set_cookie(entry(&r, "safari", 2))), vec!["ThirdPartyBlockedByItp"]);
    // The preflight never carries the cookie.
    let pre = entry(&r, "chrome", 3);
    assert_eq!(pre["kind"], "preflight");
    let c = pre["cookies"].as_array().unwrap().iter().find(|c| c["name"] == "route").unwrap();
    assert_eq!(reasons(c), vec!["PreflightNeverCredentialed"]);
}

/// The `crossjar.har.v1` contract: every promised field is present with its type.
#[test]
fn har_json_contract_shape() {
    let r = json(&["har", "fixtures/har/seed-c-include-samesite-none.har", "--format", "json", "--show-values"]);
    assert_eq!(r["schema"], "crossjar.har.v1");
    assert!(r["input"].is_string() && r["sanitized"].is_boolean());
    for run in r["runs"].as_array().unwrap() {
        assert!(run["browser"].is_string());
        for e in run["entries"].as_array().unwrap() {
            assert!(e["index"].is_u64() && e["method"].is_string() && e["url"].is_string());
            let kinds = ["navigation", "iframe", "subresource", "fetch", "xhr", "websocket", "preflight", "unknown"];
            assert!(kinds.contains(&e["kind"].as_str().unwrap()));
            assert!(e["initiator"].is_string() || e["initiator"].is_null());
            assert!(e["top_level_site"].is_string() || e["top_level_site"].is_null());
            assert!(e["same_site"].is_boolean());
            assert!(["omit", "same-origin", "include", "unknown"].contains(&e["credentials"]["mode"].as_str().unwrap()));
            assert!(["recorded", "inferred", "unknown"].contains(&e["credentials"]["basis"].as_str().unwrap()));
            for s in e["set_cookies"].as_array().unwrap() {
                assert!(s["name"].is_string() && s["stored"].is_boolean());
                assert!(s["reasons"].is_array() && s["warnings"].is_array());
                assert!(s["partition"].is_string() || s["partition"].is_null());
            }
            for c in e["cookies"].as_array().unwrap() {
                assert!(c["name"].is_string() && c["sent"].is_boolean() && c["reasons"].is_array());
                assert!(c["recorded"].is_boolean() || c["recorded"].is_null());
                assert!(c["value"].is_string(), "--show-values prints values");
            }
            let cors = &e["cors"];
            assert!(
                cors.is_null() || (cors["ok"].is_boolean() && (cors["error"].is_string() || cors["error"].is_null()))
            );
            if !cors.is_null() {
                assert!(cors["preflight"].is_null() || cors["preflight"]["ok"].is_boolean());
            }
        }
    }
    for f in r["findings"].as_array().unwrap() {
        assert!(f["rule"].is_string() && f["message"].is_string() && f["browsers"].is_array());
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        assert!(f["entry"].is_u64() || f["entry"].is_null());
        assert!(f["cookie"].is_string() || f["cookie"].is_null());
    }
}

#[test]
fn values_are_hidden_unless_asked() {
    let (_, text, _) = crossjar(&["har", "fixtures/har/seed-c-include-samesite-none.har"]);
    let (_, json_out, _) = crossjar(&["har", "fixtures/har/seed-c-include-samesite-none.har", "--format", "json"]);
    for out in [&text, &json_out] {
        assert!(!out.contains("rt-7d1e"), "a cookie value leaked");
    }
    let (_, shown, _) = crossjar(&["har", "fixtures/har/seed-c-include-samesite-none.har", "--show-values"]);
    assert!(shown.contains("rt-7d1e"));
}

#[test]
fn exit_codes() {
    assert_eq!(crossjar(&["har", "fixtures/har/seed-a-default-credentials.har"]).0, 1, "error findings");
    assert_eq!(crossjar(&["har", "fixtures/har/seed-a-default-credentials.har", "--fail-on", "never"]).0, 0);
    let (code, _, stderr) = crossjar(&["har", "fixtures/does-not-exist.har"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("fixtures/does-not-exist.har"), "{stderr}");
    assert_eq!(crossjar(&["har", "x.har", "--browser", "netscape"]).0, 2);
    assert_eq!(crossjar(&["explain", "no-such-rule"]).0, 2);
    assert_eq!(crossjar(&["--definitely-not-a-flag"]).0, 2);
}

#[test]
fn rules_and_explain() {
    let (code, list, _) = crossjar(&["rules"]);
    assert_eq!(code, 0);
    for r in crossjar::analysis::rules::RULES {
        assert!(list.contains(r.id.as_str()));
        let (code, doc, _) = crossjar(&["explain", r.id.as_str()]);
        assert_eq!(code, 0);
        assert!(doc.starts_with(&format!("# {}", r.id)), "{}: the doc page starts with its id", r.id);
    }
}

#[test]
fn ci_formats_snapshot() {
    let seed = "fixtures/har/seed-a-default-credentials.har";
    for format in ["sarif", "junit", "github"] {
        let (code, out, _) = crossjar(&["har", seed, "--format", format]);
        assert_eq!(code, 1, "{format}: error findings keep exit code 1");
        // The rule catalogue grows with every rule: snapshot what this input produced.
        let produced = match format {
            "sarif" => {
                let log: serde_json::Value = serde_json::from_str(&out).unwrap();
                serde_json::to_string_pretty(&log["runs"][0]["results"]).unwrap()
            }
            "junit" => out.lines().filter(|l| l.contains("<failure")).collect::<Vec<_>>().join("\n"),
            _ => out,
        };
        insta::assert_snapshot!(format!("seed-a-{format}"), produced);
    }
}

/// The parts of SARIF 2.1.0 that GitHub code scanning requires of an upload.
#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let files = ["fixtures/har/seed-a-default-credentials.har", "fixtures/har/seed-b-include-samesite-unspecified.har"];
    let mut args = vec!["har"];
    args.extend(files);
    args.extend(["--format", "sarif"]);
    let log = json(&args);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "crossjar");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string());
        assert!(r["help"]["text"].as_str().unwrap().starts_with("# "));
        assert!(["none", "note", "warning", "error"].contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let mut fingerprints = std::collections::HashSet::new();
    for res in results {
        let rule_id = res["ruleId"].as_str().unwrap();
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], rule_id, "ruleIndex points at the rule");
        assert!(["none", "note", "warning", "error"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(files.contains(&loc["artifactLocation"]["uri"].as_str().unwrap()));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        let fp = res["partialFingerprints"]["crossjarFingerprint/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 16);
        assert!(fingerprints.insert(fp.to_string()), "fingerprints are distinct per finding");
    }
}

#[test]
fn sanitize_and_diff_commands() {
    let out = std::env::temp_dir().join(format!("crossjar-cli-sanitize-{}.har", std::process::id()));
    let out_s = out.to_str().unwrap();
    let (code, _, stderr) =
        crossjar(&["sanitize", "fixtures/har/seed-c-include-samesite-none.har", "-o", out_s, "--salt", "s"]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("rt-7d1e") && text.contains("route=h-"));
    // The sanitized copy gives the same summary.
    let (_, a, _) = crossjar(&["har", "fixtures/har/seed-c-include-samesite-none.har", "--quiet"]);
    let (_, b, _) = crossjar(&["har", out_s, "--quiet"]);
    assert_eq!(a, b);
    std::fs::remove_file(&out).ok();
    assert_eq!(crossjar(&["sanitize", "fixtures/missing.har"]).0, 2);

    let (code, diff, _) = crossjar(&[
        "diff",
        "fixtures/har/seed-a-default-credentials.har",
        "fixtures/har/seed-c-include-samesite-none.har",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "the fix introduced no error");
    let d: serde_json::Value = serde_json::from_str(&diff).unwrap();
    assert_eq!(d["schema"], "crossjar.diff.v1");
    let chrome =
        d["cookies"].as_array().unwrap().iter().find(|c| c["browser"] == "chrome" && c["cookie"] == "route").unwrap();
    assert_eq!(chrome["verdict"], "better");
    let resolved: Vec<&str> = d["resolved"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(resolved.contains(&"credentials-not-included"));
    // Backwards: the fix undone is worse and fails.
    let (code, _, _) = crossjar(&[
        "diff",
        "fixtures/har/seed-c-include-samesite-none.har",
        "fixtures/har/seed-a-default-credentials.har",
    ]);
    assert_eq!(code, 1);
}

#[test]
fn version_completions_and_man_page() {
    let (code, version, _) = crossjar(&["--version"]);
    assert_eq!(code, 0);
    assert!(version.contains("Public Suffix List") && version.contains("psl 2."), "{version}");
    for shell in ["bash", "zsh", "fish"] {
        let (code, script, _) = crossjar(&["completions", shell]);
        assert_eq!(code, 0);
        assert!(script.contains("har") && script.contains("headers"), "{shell}");
    }
    let (code, man, _) = crossjar(&["man"]);
    assert_eq!(code, 0);
    assert!(man.contains(".TH crossjar 1") && man.contains("sanitize"));
}

#[test]
fn config_policy_and_baseline() {
    let dir = std::env::temp_dir().join(format!("crossjar-cli-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("crossjar.toml");
    let headers = [
        "headers",
        "fixtures/headers/seed-wildcard-credentials.txt",
        "--url",
        "https://jsbundler.coinnation.io/kontext/preview",
        "--from",
        "https://kontext.build",
        "--credentials",
        "include",
        "--format",
        "github",
    ];
    let (code, plain, _) = crossjar(&headers);
    assert_eq!(code, 1);
    assert!(plain.contains("cors-check-failed") && plain.contains("samesite-unspecified-cross-site"));

    // Downgrade one rule, ignore the other with a reason: no error-level finding is left.
    std::fs::write(
        &cfg,
        "[severity]\ncors-check-failed = \"warning\"\n[[ignore]]\nrule = \"samesite-unspecified-cross-site\"\nreason = \"route is fixed at the ingress\"\n[[ignore]]\nrule = \"third-party-cookie-blocked\"\nreason = \"known\"\n",
    )
    .unwrap();
    let mut args = headers.to_vec();
    let cfg_s = cfg.to_str().unwrap().to_string();
    args.extend(["--config", cfg_s.as_str()]);
    let (code, out, stderr) = crossjar(&args);
    assert_eq!(code, 0, "{stderr}{out}");
    assert!(out.contains("::warning") && out.contains("cors-check-failed"));
    assert!(!out.contains("samesite-unspecified-cross-site"));

    // A baseline written now makes the next run report nothing.
    let baseline = dir.join("baseline.txt");
    let b = baseline.to_str().unwrap().to_string();
    let mut write = headers.to_vec();
    write.extend(["--write-baseline", b.as_str()]);
    assert_eq!(crossjar(&write).0, 0);
    let mut with = headers.to_vec();
    with.extend(["--baseline", b.as_str()]);
    let (code, out, _) = crossjar(&with);
    assert_eq!((code, out.as_str()), (0, ""));

    // A broken config names the place.
    std::fs::write(&cfg, "[severity]\nno-such-rule = \"error\"\n").unwrap();
    let (code, _, stderr) = crossjar(&args);
    assert_eq!(code, 2);
    assert!(stderr.contains("crossjar.toml:2:"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn har_honours_the_policy_and_cross_site_cookies() {
    let dir = std::env::temp_dir().join(format!("crossjar-cli-har-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("crossjar.toml");
    std::fs::write(
        &cfg,
        "[cookies]\ncross_site = [\"session\"]\n[severity]\nsamesite-unspecified-cross-site = \"off\"\nthird-party-cookie-blocked = \"off\"\npreflight-not-sticky = \"off\"\n[[ignore]]\nrule = \"credentials-not-included\"\ncookie = \"route\"\nreason = \"the frontend fix ships next sprint\"\n",
    )
    .unwrap();
    let c = cfg.to_str().unwrap();
    let (code, out, stderr) =
        crossjar(&["har", "fixtures/har/seed-a-default-credentials.har", "--quiet", "--config", c]);
    assert_eq!(code, 0, "{stderr}{out}");
    assert!(out.contains("No findings."), "{out}");
    let (_, json_out, _) =
        crossjar(&["har", "fixtures/har/seed-a-default-credentials.har", "--format", "json", "--config", c]);
    let r: serde_json::Value = serde_json::from_str(&json_out).unwrap();
    assert!(r["findings"].as_array().unwrap().is_empty());

    // `[cookies] cross_site` puts a cookie in focus although it is neither an affinity cookie nor
    // sent on some requests and withheld on others.
    let summary = |config: Option<&str>| -> Vec<String> {
        let mut args = vec!["har", "fixtures/rules/capture-disagrees/fires.har", "--format", "json"];
        if let Some(c) = config {
            args.extend(["--config", c]);
        }
        let (_, out, _) = crossjar(&args);
        let r: serde_json::Value = serde_json::from_str(&out).unwrap();
        r["summary"].as_array().unwrap().iter().map(|s| s["cookie"].as_str().unwrap().to_string()).collect()
    };
    assert!(!summary(None).contains(&"theme".to_string()));
    std::fs::write(&cfg, "[cookies]\ncross_site = [\"theme\"]\n").unwrap();
    let with = summary(Some(c));
    assert!(with.contains(&"theme".to_string()) && with.contains(&"route".to_string()), "{with:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `crossjar har -` reads standard input (on a second thread) and reports what the file gives.
#[test]
fn har_from_standard_input_equals_har_from_the_file() {
    for f in ["fixtures/har/seed-b-include-samesite-unspecified.har", "fixtures/rules/capture-disagrees/fires.har"] {
        for format in ["text", "json"] {
            let file = std::fs::File::open(format!("{}/{f}", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
            let out = Command::new(env!("CARGO_BIN_EXE_crossjar"))
                .args(["har", "-", "--format", format])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("NO_COLOR", "1")
                .stdin(file)
                .output()
                .expect("the binary runs");
            let (code, from_file, _) = crossjar(&["har", f, "--format", format]);
            assert_eq!(out.status.code(), Some(code), "{f} {format}");
            let from_stdin = String::from_utf8_lossy(&out.stdout);
            let expected = from_file.replace(&format!("\"input\": \"{f}\""), "\"input\": \"-\"").replacen(f, "-", 1);
            assert_eq!(from_stdin, expected, "{f} {format}");
        }
    }
}
