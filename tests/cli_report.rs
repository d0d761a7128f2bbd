//! What a person sees from each command: errors on stderr only, a totals line, `-q`, `headers
//! --preflight`, `diff` on the same cookies, JUnit per input kind, closed pipes.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[path = "support/binary.rs"]
mod binary;
use binary::crossjar;

/// A folder of its own under the temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("crossjar-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn entry(i: usize, url: &str, kind: &str, request: &[(&str, &str)], response: &[(&str, &str)]) -> serde_json::Value {
    let headers = |h: &[(&str, &str)]| -> Vec<serde_json::Value> {
        h.iter().map(|(n, v)| serde_json::json!({"name": n, "value": v})).collect()
    };
    let mut e = serde_json::json!({
        "startedDateTime": format!("2026-05-01T10:00:0{i}.000Z"), "time": 1,
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1", "headers": headers(request),
                    "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": headers(response),
                     "cookies": [], "content": {"size": 0, "mimeType": "text/plain"}, "redirectURL": "",
                     "headersSize": -1, "bodySize": 0},
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, "_resourceType": kind
    });
    if kind == "fetch" {
        e["_initiator"] = serde_json::json!({"type": "script", "url": "https://app.example/"});
    }
    e
}

/// A capture where `sid` is set by a top-level visit to the API and then used by a credentialed
/// fetch from another site; `fixed` is after the fix (SameSite=None, the fetch carries it).
fn capture(fixed: bool) -> String {
    let attrs = if fixed { "sid=1; Path=/; Secure; SameSite=None" } else { "sid=1; Path=/; Secure; SameSite=Lax" };
    let mut fetch = vec![("origin", "https://app.example")];
    if fixed {
        fetch.push(("cookie", "sid=1"));
    }
    let cors = [("access-control-allow-origin", "https://app.example"), ("access-control-allow-credentials", "true")];
    let entries = vec![
        entry(0, "https://api.example/login", "document", &[], &[("set-cookie", attrs)]),
        entry(1, "https://api.example/home", "document", &[("cookie", "sid=1")], &[]),
        entry(2, "https://app.example/", "document", &[], &[]),
        entry(3, "https://api.example/data", "fetch", &fetch, &cors),
    ];
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}})
        .to_string()
}

#[test]
fn diff_compares_the_same_cookies_on_both_sides() {
    let dir = TempDir::new("diff-focus");
    let (before, after) = (dir.write("before.har", &capture(false)), dir.write("after.har", &capture(true)));
    // After the fix `sid` is sent on every request, so on its own the capture puts no cookie in focus.
    let (_, alone, _) = crossjar(&["har", &after, "--browser", "chrome", "--format", "json"]);
    let alone: serde_json::Value = serde_json::from_str(&alone).unwrap();
    assert!(alone["summary"].as_array().unwrap().is_empty(), "{alone}");
    let (code, out, stderr) = crossjar(&["diff", &before, &after, "--browser", "chrome", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sid: Vec<&serde_json::Value> =
        d["cookies"].as_array().unwrap().iter().filter(|c| c["cookie"] == "sid").collect();
    assert_eq!(sid.len(), 1, "{d}");
    assert_eq!(sid[0]["verdict"], "better", "{}", sid[0]);
    assert_eq!(sid[0]["after"]["sent"], 2);
    // Findings have the one wire shape of `crossjar.har.v1` (with `entry` and `fixes`).
    let resolved = &d["resolved"][0];
    assert!(resolved["fixes"].as_array().is_some_and(|f| !f.is_empty()) && resolved["entry"] == 3, "{resolved}");
    // And the other way round the fix undone is worse.
    let d: serde_json::Value =
        serde_json::from_str(&crossjar(&["diff", &after, &before, "--browser", "chrome", "--format", "json"]).1)
            .unwrap();
    assert_eq!(d["cookies"][0]["verdict"], "worse");
    // Standard input is read once: the diff still works (each side keeps its own focus).
    let out = Command::new(env!("CARGO_BIN_EXE_crossjar"))
        .args(["diff", "-", after.as_str(), "--browser", "chrome", "--format", "json"])
        .stdin(std::fs::File::open(&before).unwrap())
        .output()
        .unwrap();
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["before"], "-");
    assert!(d["resolved"].as_array().is_some_and(|r| r.len() == 2), "{d}");
    // -q: findings only.
    let (_, quiet, _) = crossjar(&["diff", &before, &after, "--browser", "chrome", "-q"]);
    assert!(!quiet.contains("sid @ api.example") && quiet.contains("Findings resolved: 2"), "{quiet}");
}

#[test]
fn a_missing_file_is_an_error_on_stderr_only() {
    for args in [
        vec!["har", "fixtures/har/does-not-exist.har"],
        vec!["har", "fixtures/har/does-not-exist.har", "--format", "json"],
        vec!["headers", "fixtures/headers/does-not-exist.txt", "--url", "https://a.example/"],
        vec!["diff", "fixtures/har/does-not-exist.har", "fixtures/har/does-not-exist.har"],
    ] {
        let (code, stdout, stderr) = crossjar(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains("does-not-exist"), "{args:?}: {stderr}");
        if args[0] != "diff" {
            assert_eq!(stdout, "", "{args:?}");
        }
    }
}

#[test]
fn text_reports_end_with_the_totals_and_tell_no_empty_story() {
    let (_, text, _) = crossjar(&["har", "fixtures/har/seed-a-default-credentials.har"]);
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("Total: 4 findings (2 errors,"), "{last}");
    assert!(text.contains("\nStory (per request; cookies in focus: route)"));
    let dir = TempDir::new("no-story");
    let after = dir.write("after.har", &capture(true));
    let (_, text, _) = crossjar(&["har", &after, "--browser", "chrome"]);
    assert!(!text.contains("Story"), "{text}");
    assert!(text.ends_with("Total: 1 finding (0 errors, 1 warning, 0 info)\n"), "{text}");
}

const API: &str = "https://api.example/x";
const APP: &str = "https://app.example";

#[test]
fn headers_judges_a_preflight_answer_as_one() {
    let dir = TempDir::new("preflight");
    let answer = dir.write(
        "options.txt",
        "HTTP/2 204\r\naccess-control-allow-origin: https://app.example\r\naccess-control-allow-credentials: true\r\naccess-control-allow-methods: GET, POST\r\n\r\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["headers", answer.as_str(), "--url", API, "--from", APP, "--credentials", "include"];
        args.extend(extra);
        args.extend(["--browser", "chrome", "--format", "json"]);
        let (code, out, err) = crossjar(&args);
        (code, serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("{e}: {err}")))
    };
    // PUT needs a preflight; the answer does not list it.
    let (code, r) = run(&["--preflight", "--method", "PUT"]);
    assert_eq!(code, 1);
    assert_eq!(r["request"]["preflight"], true);
    let cors = &r["verdicts"][0]["cors"];
    assert!(cors.to_string().contains("MethodDisallowedByPreflightResponse"), "{cors}");
    // A GET needs none, but the answer given is still checked as a preflight answer (and passes).
    let (code, r) = run(&["--preflight"]);
    assert_eq!((code, &r["request"]["preflight"]), (0, &serde_json::json!(true)));
    // Without --preflight the same text is the actual response to the GET.
    let (_, r) = run(&[]);
    assert_eq!(r["request"]["preflight"], false);

    // `curl -v` printed the OPTIONS request: a preflight, for the method it asked about.
    let verbose = dir.write(
        "verbose.txt",
        "> OPTIONS /x HTTP/1.1\n> Host: api.example\n> Origin: https://app.example\n> Access-Control-Request-Method: PUT\n>\n< HTTP/1.1 204 No Content\n< Access-Control-Allow-Origin: https://app.example\n< Access-Control-Allow-Credentials: true\n< Access-Control-Allow-Methods: PUT\n<\n",
    );
    let (code, out, err) = crossjar(&[
        "headers",
        &verbose,
        "--url",
        API,
        "--from",
        APP,
        "--credentials",
        "include",
        "--browser",
        "chrome",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&r["request"]["method"], &r["request"]["preflight"]),
        (&serde_json::json!("PUT"), &serde_json::json!(true))
    );

    // -q: the findings and the totals, no per-browser story.
    let (_, quiet, _) = crossjar(&[
        "headers",
        &answer,
        "--url",
        API,
        "--from",
        APP,
        "--credentials",
        "include",
        "--preflight",
        "--method",
        "PUT",
        "-q",
    ]);
    assert!(quiet.starts_with("error[cors-check-failed]"), "{quiet}");
    assert!(!quiet.contains("  chrome\n") && quiet.trim_end().ends_with("0 info)"), "{quiet}");
}

#[test]
fn the_help_example_sends_a_real_preflight() {
    let (_, help, _) = crossjar(&["--help"]);
    // Examples continue over lines ending in `\`, as a shell reads them.
    let joined = help.replace("\\\n", " ");
    let line = joined.lines().find(|l| l.contains("-X OPTIONS")).expect("a preflight example");
    assert!(line.contains("Access-Control-Request-Method") && line.contains("--preflight"), "{line}");
    assert!(line.contains("--method"), "{line}");
}

#[test]
fn junit_lists_only_the_rules_that_apply_to_the_input() {
    let (_, har, _) = crossjar(&["har", "fixtures/har/seed-a-default-credentials.har", "--format", "junit"]);
    assert!(har.contains("crossjar.credentials-not-included") && har.contains("crossjar.capture-disagrees"));
    assert!(!har.contains("crossjar.yaml11-boolean") && !har.contains("crossjar.annotation-ignored"), "{har}");
    let (_, ingress, _) = crossjar(&[
        "ingress",
        "fixtures/ingress/ingress-nginx/seed.yaml",
        "--from",
        "https://kontext.build",
        "--format",
        "junit",
    ]);
    assert!(ingress.contains("crossjar.yaml11-boolean") && !ingress.contains("crossjar.capture-disagrees"));
}

/// Every rule's fixture runs the command its registry line says it applies to.
#[test]
fn rule_fixtures_use_an_input_the_rule_applies_to() {
    use crossjar::analysis::rules::{Input, RuleId};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for id in RuleId::ALL {
        let Ok(args) = std::fs::read_to_string(root.join("fixtures/rules").join(id.as_str()).join("args")) else {
            continue;
        };
        let command = args.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#')).unwrap();
        let input = match command.split_whitespace().next().unwrap() {
            "har" => Input::Har,
            "headers" => Input::Headers,
            _ => Input::Ingress,
        };
        assert!(id.applies_to(input), "{id}: its fixture runs `{}`", input.as_str());
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    for args in [
        &["man"][..],
        &["rules"],
        &["har", "fixtures/har/seed-a-default-credentials.har"],
        &["har", "fixtures/har/seed-a-default-credentials.har", "--format", "json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crossjar"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -0`: the reader goes away before anything is written.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(stderr, "", "{args:?}");
        assert!(status.code().is_some_and(|c| c <= 1), "{args:?}: {status}");
    }
}

#[test]
fn sarif_and_github_point_at_the_entry_line_of_a_har() {
    let f = "fixtures/har/seed-a-default-credentials.har";
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(f)).unwrap();
    // The fixture is pretty-printed: each entry opens on a line of its own, three spaces in.
    let start = text.lines().position(|l| l.trim() == "\"entries\": [").unwrap();
    let entry_lines: Vec<usize> =
        text.lines().enumerate().skip(start).filter(|(_, l)| *l == "   {").map(|(i, _)| i + 1).collect();
    let (_, json, _) = crossjar(&["har", f, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let (_, sarif, _) = crossjar(&["har", f, "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    let mut pointed = 0;
    for (r, f) in results.iter().zip(findings) {
        let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() as usize;
        if let Some(entry) = f["entry"].as_u64() {
            assert_eq!(line, entry_lines[entry as usize], "{}", f["rule"]);
            pointed += 1;
        }
    }
    assert!(pointed >= 3, "{pointed}");
    let (_, github, _) = crossjar(&["har", f, "--format", "github"]);
    assert!(github.contains(&format!("line={},", entry_lines[2])), "{github}");
}

#[test]
fn explain_suggests_the_nearest_rule() {
    let (code, out, err) = crossjar(&["explain", "samesite-none-insecur"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("did you mean `samesite-none-insecure`"), "{err}");
    let (code, page, _) = crossjar(&["explain", "cors-allow-credentials-not-true"]);
    assert_eq!(code, 0);
    assert!(page.starts_with("# cors-allow-credentials-not-true\n"));
}

#[test]
fn rules_lists_columns_aligned_with_the_inputs_each_applies_to() {
    let (code, out, _) = crossjar(&["rules"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), crossjar::RULES.len());
    // The category starts in the same column on every line.
    // Where the second column starts.
    let col = |l: &str| {
        let end = l.find(' ')?;
        Some(end + l[end..].find(|c: char| c != ' ')?)
    };
    let first = col(lines[0]).unwrap();
    assert!(lines.iter().all(|l| col(l) == Some(first)), "{out}");
    let line = lines.iter().find(|l| l.starts_with("cors-allow-credentials-not-true ")).unwrap();
    assert!(line.split_whitespace().nth(3) == Some("headers"), "{line}");
    let line = lines.iter().find(|l| l.starts_with("cors-check-failed ")).unwrap();
    assert!(line.split_whitespace().nth(3) == Some("har,headers,ingress"), "{line}");
}

/// `crossjar.toml` applies to ingress findings too (their rule ids are parsed into the registry's).
#[test]
fn the_policy_applies_to_ingress_findings() {
    let dir = TempDir::new("ingress-policy");
    let cfg = dir.write("crossjar.toml", "[severity]\naffinity-cookie-cross-site-blocked = \"info\"\n");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "ingress",
            "fixtures/ingress/ingress-nginx/seed.yaml",
            "--from",
            "https://kontext.build",
            "--format",
            "json",
        ];
        args.extend(extra);
        let (code, out, err) = crossjar(&args);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        let sev: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "affinity-cookie-cross-site-blocked")
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect();
        (code, sev)
    };
    let (_, plain) = run(&[]);
    assert!(plain.iter().any(|s| s == "error"), "{plain:?}");
    let (_, with) = run(&["--config", &cfg]);
    assert!(!with.is_empty() && with.iter().all(|s| s == "info"), "{with:?}");
}

#[test]
fn sanitize_is_quiet_with_q() {
    let dir = TempDir::new("sanitize-q");
    let out = dir.0.join("s.har");
    let out = out.to_str().unwrap();
    let f = "fixtures/har/seed-a-default-credentials.har";
    let (code, _, stderr) = crossjar(&["sanitize", f, "-o", out, "--salt", "x"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("sanitized 8 entries"), "{stderr}");
    let (code, _, stderr) = crossjar(&["sanitize", f, "-o", out, "--salt", "x", "-q"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

/// A JSON report on standard output is written straight to it (its entries copied from their
/// temporary files by the kernel where it can): the same bytes whether standard output is a pipe, a
/// new file or a file opened for appending (where `copy_file_range` is refused), for one file or
/// several in a row.
#[test]
fn a_json_report_is_the_same_bytes_to_a_pipe_and_to_files() {
    let root = env!("CARGO_MANIFEST_DIR");
    let files = ["fixtures/har/seed-a-default-credentials.har", "fixtures/har/seed-c-include-samesite-none.har"];
    for f in files {
        assert!(Path::new(root).join(f).exists(), "{f}");
    }
    let dir = std::env::temp_dir().join(format!("crossjar-json-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, args) in
        [vec!["har", files[0], "--format", "json"], vec!["har", files[0], files[1], "--format", "json", "-j", "1"]]
            .into_iter()
            .enumerate()
    {
        let run = |stdout: Stdio| {
            Command::new(env!("CARGO_BIN_EXE_crossjar"))
                .args(&args)
                .current_dir(root)
                .stdout(stdout)
                .stderr(Stdio::null())
                .status()
                .unwrap()
        };
        let piped = Command::new(env!("CARGO_BIN_EXE_crossjar")).args(&args).current_dir(root).output().unwrap().stdout;
        let documents = serde_json::Deserializer::from_slice(&piped).into_iter::<serde_json::Value>();
        assert_eq!(documents.map(|d| d.unwrap()["schema"].clone()).filter(|s| s == "crossjar.har.v1").count(), i + 1);
        let new_file = dir.join(format!("new-{i}.json"));
        run(Stdio::from(std::fs::File::create(&new_file).unwrap()));
        assert!(std::fs::read(&new_file).unwrap() == piped, "{args:?} to a new file");
        let appended = dir.join(format!("appended-{i}.json"));
        std::fs::write(&appended, b"before\n").unwrap();
        run(Stdio::from(std::fs::OpenOptions::new().append(true).open(&appended).unwrap()));
        assert!(std::fs::read(&appended).unwrap() == [&b"before\n"[..], &piped].concat(), "{args:?} appended");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
