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

/// Every verdict of every entry in every browser: what was stored or sent and why, and the CORS
/// outcome. URLs are left out (sanitizing hashes their secrets).
fn verdicts(r: &HarReport) -> Vec<String> {
    let mut out = Vec::new();
    for run in &r.runs {
        for e in &run.entries {
            let sets: Vec<String> = e
                .set_cookies
                .iter()
                .map(|s| format!("{} {} {} {:?} {:?}", s.name, s.stored, s.deleted, s.reasons, s.warnings))
                .collect();
            let sent: Vec<String> =
                e.cookies.iter().map(|c| format!("{} {} {:?} {:?}", c.name, c.sent, c.reasons, c.recorded)).collect();
            let cors = e.cors.as_ref().map(|c| format!("{} {:?}", c.ok, c.error));
            out.push(format!(
                "{} #{} {} {} {:?} {} {sets:?} {sent:?} {cors:?}",
                run.browser.as_str(),
                e.index,
                e.status,
                e.kind.as_str(),
                e.credentials.mode.map(|m| m.as_str()),
                e.same_site
            ));
        }
    }
    out
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
        // The defaults (bodies and every non-public header value replaced) must still keep every finding.
        let mut out = Vec::new();
        let opts = SanitizeOptions { salt: "test".into(), ..SanitizeOptions::default() };
        sanitize_har(&bytes[..], &mut out, &opts).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let sanitized = tmp.join(path.file_name().unwrap());
        std::fs::write(&sanitized, &out).unwrap();
        let (a, ea) = analyse_har_path(&path, &options, &focus);
        let (b, eb) = analyse_har_path(&sanitized, &options, &focus);
        assert!(ea.is_none() && eb.is_none(), "{}", path.display());
        assert_eq!(keys(&a), keys(&b), "{}: findings changed after sanitizing", path.display());
        let (va, vb) = (verdicts(&a), verdicts(&b));
        let changed = va.iter().zip(&vb).filter(|(x, y)| x != y).count() + va.len().abs_diff(vb.len());
        let first: Vec<_> = va.iter().zip(&vb).filter(|(x, y)| x != y).take(2).collect();
        assert_eq!(changed, 0, "{}: {changed} entry verdicts changed after sanitizing: {first:#?}", path.display());
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

/// Secrets planted everywhere a HAR can carry them. Each `PLANT…` marker, the JWT and the long
/// number must be gone after sanitizing with the defaults.
const PLANTED: &str = r#"{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"pages":[{"id":"p1","title":"https://app.example/#access_token=PLANTPAGE1","startedDateTime":"2024-01-01T00:00:00Z"}],"entries":[
{"startedDateTime":"2024-01-01T00:00:00Z","_full_url":"https://api.example/x?token=PLANTFULLURL1",
 "_initiator":{"type":"script","url":"https://app.example/app.js#PLANTINIT1","stack":{"callFrames":[{"functionName":"f","url":"https://bob:PLANTFRAMEUSER1@app.example/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEpXVDEifQ.UExBTlRTSUdOQVRVUkUx.js","lineNumber":1}],"parent":{"callFrames":[{"url":"https://app.example/p.js?access_token=PLANTPARENT1"}]}}},
 "request":{"method":"POST","url":"https://bob:PLANTUSERINFO1@api.example/v1/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEpXVDEifQ.UExBTlRTSUdOQVRVUkUx/x#access_token=PLANTFRAG1","httpVersion":"HTTP/1.1",
  "headers":[{"name":"Origin","value":"https://app.example"},{"name":"Api-Key","value":"PLANTAPIKEY1"},{"name":" X-Api-Key ","value":"PLANTSPACED1"},{"name":"X-Session-Token","value":"PLANTSESSION1"},{"name":"PRIVATE-TOKEN","value":"PLANTPRIVATE1"},{"name":"X-Vault-Token","value":"PLANTVAULT1"},{"name":"Ocp-Apim-Subscription-Key","value":"PLANTAPIM1"},{"name":"X-Forwarded-Authorization","value":"Bearer PLANTFWDAUTH1"},{"name":"Cookie2","value":"$Version=1; PLANTCOOKIE2=PLANTCOOKIE2VALUE"},{"name":"X-Number","value":987654321987654321},{"name":"Cookie","value":"sid=PLANTCOOKIE1; =__Host-PLANTNAMELESS1"}],
  "cookies":[{"name":"sid","value":"PLANTLISTED1"}],"queryString":[{"name":"q","value":"PLANTQUERYTOKENVALUE123456"}],
  "postData":{"mimeType":"application/x-www-form-urlencoded","text":"password=PLANTPOST1","params":[{"name":"password","value":"PLANTPARAM1"}]},"headersSize":-1,"bodySize":0},
 "response":{"status":200,"statusText":"","httpVersion":"HTTP/1.1",
  "headers":{"Set-Cookie":"=__Host-PLANTNAMELESS2; Secure; Path=/","Access-Control-Allow-Origin":"https://app.example","Access-Control-Allow-Credentials":"true","X-Vault-Token":"PLANTVAULT2","Refresh":"0; url=https://d.example/?t=PLANTREFRESH1","Link":"<https://e.example/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEpXVDEifQ.UExBTlRTSUdOQVRVUkUx>; rel=preload"},
  "content":{"size":10,"mimeType":"text/html","text":"PLANTBODY1"},"redirectURL":"","headersSize":-1,"bodySize":0},
 "_webSocketMessages":[{"type":"send","time":1,"opcode":1,"data":"PLANTWS1"}],
 "cache":{},"timings":{"send":0,"wait":0,"receive":0}},
{"startedDateTime":"2024-01-01T00:00:01Z","request":{"method":"GET","url":"https://api.example/y","headers":[{"name":"X-List","value":["PLANTLIST1", 12]}]},"response":{"status":200,"headers":[]}}
]}}"#;

fn planted_left(out: &str) -> Vec<String> {
    let mut left: Vec<String> = Vec::new();
    for word in out.split(|c: char| !c.is_ascii_alphanumeric()) {
        let planted = word.starts_with("PLANT") && !word.starts_with("PLANTCOOKIE2") // a cookie name stays
            || word.starts_with("PLANTCOOKIE2VALUE")
            || word.starts_with("eyJ")
            || word == "UExBTlRTSUdOQVRVUkUx"
            || word == "987654321987654321";
        if planted && !left.iter().any(|l| l == word) {
            left.push(word.to_string());
        }
    }
    left
}

#[test]
fn planted_secrets_do_not_survive_and_verdicts_stay() {
    let mut out = Vec::new();
    let opts = SanitizeOptions { salt: "s".into(), ..SanitizeOptions::default() };
    sanitize_har(PLANTED.as_bytes(), &mut out, &opts).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(planted_left(&out), Vec::<String>::new(), "survived sanitizing");
    // Nameless cookies keep their prefix (browsers check it); names and public headers stay.
    assert!(out.contains("=__Host-h-") && out.contains("\"Access-Control-Allow-Origin\":\"https://app.example\""));
    assert!(out.contains("Bearer h-") || !out.contains("Bearer"), "{out}");

    let dir = std::env::temp_dir().join(format!("crossjar-sanitize-planted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (before, after) = (dir.join("before.har"), dir.join("after.har"));
    std::fs::write(&before, PLANTED).unwrap();
    std::fs::write(&after, &out).unwrap();
    let (a, ea) = analyse_har_path(&before, &ReplayOptions::default(), &Focus::default());
    let (b, eb) = analyse_har_path(&after, &ReplayOptions::default(), &Focus::default());
    assert!(ea.is_none() && eb.is_none());
    assert!(!verdicts(&a).is_empty());
    assert_eq!(verdicts(&a), verdicts(&b), "verdicts changed after sanitizing");
    assert_eq!(keys(&a), keys(&b));

    // What the user asks to keep is kept.
    let mut kept = Vec::new();
    let opts = SanitizeOptions {
        keep_bodies: true,
        keep_headers: vec!["x-vault-token".into()],
        salt: "s".into(),
        ..SanitizeOptions::default()
    };
    sanitize_har(PLANTED.as_bytes(), &mut kept, &opts).unwrap();
    let left = planted_left(&String::from_utf8(kept).unwrap());
    for k in ["PLANTBODY1", "PLANTPOST1", "PLANTPARAM1", "PLANTWS1", "PLANTVAULT1", "PLANTVAULT2"] {
        assert!(left.iter().any(|l| l == k), "{k} kept on request: {left:?}");
    }
    assert!(!left.iter().any(|l| l == "PLANTAPIKEY1"), "{left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Input is streamed: an endless entry stops at the entry limit with a message naming it, and
/// `/dev/zero` fails at its first byte instead of being read into memory.
#[test]
fn sanitize_reads_in_bounded_memory() {
    struct Endless(bool);
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let start: &[u8] = br#"{"log":{"entries":[{"x":""#;
            if !self.0 {
                self.0 = true;
                buf[..start.len()].copy_from_slice(start);
                return Ok(start.len());
            }
            buf.fill(b'a');
            Ok(buf.len())
        }
    }
    let opts = SanitizeOptions { max_entry_bytes: 1 << 20, ..SanitizeOptions::default() };
    let err = sanitize_har(Endless(false), &mut std::io::sink(), &opts).unwrap_err();
    assert!(err.contains("limit for one entry") && err.contains("1048576"), "{err}");

    #[cfg(unix)]
    {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crossjar"))
            .args(["sanitize", "/dev/zero"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("/dev/zero: line 1, column 1"), "{stderr}");
    }
}

/// A nameless cookie whose value carries a `__Host-`/`__Secure-` prefix is refused by browsers; after
/// sanitizing it must still be (the old sanitizer hashed the prefix away and the cookie was stored).
#[test]
fn nameless_prefixed_cookies_keep_their_verdict() {
    let har = r#"{"log":{"version":"1.2","entries":[{"startedDateTime":"2024-01-01T00:00:00Z",
      "request":{"method":"GET","url":"https://a.example/","headers":[{"name":"Cookie","value":"=__Host-k1"}]},
      "response":{"status":200,"headers":[{"name":"Set-Cookie","value":"=__Host-abc; Secure"},
                                          {"name":"Set-Cookie","value":"__Secure-xyz"}]}}]}}"#;
    let mut out = Vec::new();
    sanitize_har(har.as_bytes(), &mut out, &SanitizeOptions { salt: "s".into(), ..SanitizeOptions::default() })
        .unwrap();
    let dir = std::env::temp_dir().join(format!("crossjar-sanitize-nameless-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (before, after) = (dir.join("before.har"), dir.join("after.har"));
    std::fs::write(&before, har).unwrap();
    std::fs::write(&after, &out).unwrap();
    let (a, _) = analyse_har_path(&before, &ReplayOptions::default(), &Focus::default());
    let (b, _) = analyse_har_path(&after, &ReplayOptions::default(), &Focus::default());
    let _ = std::fs::remove_dir_all(&dir);
    assert!(a.runs[0].entries[0].set_cookies.iter().all(|s| !s.stored), "the model refuses them");
    assert_eq!(verdicts(&a), verdicts(&b));
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains("abc") && !out.contains("xyz") && !out.contains("k1"), "{out}");
}
