//! `crossjar serve` over real sockets: a server on port 0 in this process, raw HTTP/1.1 requests, and
//! the answers a browser (or an attacker's page) would get.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crossjar::cli::serve::{ServeConfig, Server};

/// Uploads run one at a time, so the temporary-file check sees only its own uploads.
static UPLOADS: Mutex<()> = Mutex::new(());

fn start(max_upload: u64) -> u16 {
    start_with(ServeConfig { max_upload, ..ServeConfig::default() })
}

fn start_with(config: ServeConfig) -> u16 {
    let server = Server::bind(&config).expect("bind 127.0.0.1:0");
    let port = server.port();
    assert_ne!(port, 0);
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}/"));
    std::thread::spawn(move || server.run());
    port
}

struct Answer {
    status: u16,
    head: String,
    body: String,
    /// The sizes of the chunks of a `Transfer-Encoding: chunked` answer (empty for any other).
    chunks: Vec<usize>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", &self.body))
    }
}

fn send(port: u16, head: &str, body: &[u8]) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (and stop reading) before the whole body is sent: that is the point of
    // the limit, so a failed write is not a test failure.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no response head in {text:?}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("status in {head:?}"));
    let mut answer = Answer { status, head: head.to_string(), body: body.to_string(), chunks: Vec::new() };
    // Reports stream (their length is not known up front), so they come chunked.
    if answer.header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        (answer.body, answer.chunks) = dechunk(&answer.body);
    }
    answer
}

/// The body of a `Transfer-Encoding: chunked` answer (RFC 9112 §7.1), without extensions or trailers,
/// and the size of each chunk.
fn dechunk(mut raw: &str) -> (String, Vec<usize>) {
    let mut body = String::new();
    let mut sizes = Vec::new();
    loop {
        let (size, rest) = raw.split_once("\r\n").unwrap_or_else(|| panic!("chunk size line in {raw:?}"));
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or_else(|_| panic!("chunk size {size:?}"));
        if size == 0 {
            return (body, sizes);
        }
        body.push_str(&rest[..size]);
        sizes.push(size);
        raw = rest[size..].strip_prefix("\r\n").expect("CRLF after a chunk");
    }
}

fn get(port: u16, path: &str) -> Answer {
    send(port, &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"), b"")
}

fn post(port: u16, path: &str, content_type: &str, body: &[u8]) -> Answer {
    send(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        ),
        body,
    )
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)).unwrap()
}

fn our_temp_files() -> Vec<PathBuf> {
    let prefix = format!("crossjar-upload-{}-", std::process::id());
    std::fs::read_dir(std::env::temp_dir())
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix)))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn page_and_assets_carry_the_security_headers() {
    let port = start(1 << 20);
    for (path, ty) in [("/", "text/html"), ("/app.js", "text/javascript"), ("/app.css", "text/css")] {
        let a = get(port, path);
        assert_eq!(a.status, 200, "{path}");
        assert!(a.header("content-type").unwrap().starts_with(ty), "{path}: {}", a.head);
        assert_eq!(a.header("content-security-policy"), Some("default-src 'self'"));
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(a.header("referrer-policy"), Some("no-referrer"));
    }
    assert_eq!(get(port, "/nope").status, 404);
    assert_eq!(get(port, "/api/har").status, 405);
}

#[test]
fn foreign_host_headers_are_refused() {
    let port = start(1 << 20);
    for host in [format!("evil.example:{port}"), "127.0.0.1".to_string(), format!("127.0.0.1:{}", port ^ 1)] {
        let a = send(port, &format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"), b"");
        assert_eq!(a.status, 403, "Host {host}");
        assert!(a.json()["error"].as_str().unwrap().contains("Host"), "{}", a.body);
    }
    // No Host at all, or two of them.
    assert_eq!(send(port, "GET / HTTP/1.1\r\n\r\n", b"").status, 403);
    let two = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n");
    assert_eq!(send(port, &two, b"").status, 403);
    // The allowed names, in any case.
    assert_eq!(send(port, &format!("GET / HTTP/1.1\r\nHost: LOCALHOST:{port}\r\n\r\n"), b"").status, 200);
}

#[test]
fn api_calls_from_other_origins_are_refused() {
    let port = start(1 << 20);
    let body = fixture("har/seed-a-default-credentials.har");
    let head = format!(
        "POST /api/har HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: https://evil.example\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let a = send(port, &head, &body);
    assert_eq!(a.status, 403, "{}", a.body);
}

#[test]
fn uploads_over_the_limit_get_413() {
    let _g = UPLOADS.lock().unwrap_or_else(|e| e.into_inner());
    let port = start(1000);
    let body = vec![b' '; 5000];
    let a = post(port, "/api/har", "application/json", &body);
    assert_eq!(a.status, 413, "{}", a.body);
    let msg = a.json()["error"].as_str().unwrap().to_string();
    assert!(msg.contains("5000 bytes") && msg.contains("1000"), "{msg}");
    // The limit comes from the configuration, and the page can ask for it.
    assert_eq!(get(port, "/api/limits").json()["max_upload"], 1000);
    // Exactly at the limit is accepted (and then judged as a HAR).
    let mut at = b"{\"log\": {\"entries\": []}}".to_vec();
    at.resize(1000, b' ');
    assert_eq!(post(port, "/api/har", "application/json", &at).status, 200);
}

#[test]
fn bad_framing_is_refused() {
    let port = start(1 << 20);
    let chunked = format!(
        "POST /api/har HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    );
    assert_eq!(send(port, &chunked, b"").status, 501);
    assert_eq!(send(port, &format!("POST /api/har HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"), b"").status, 411);
    let huge_head = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX: {}\r\n\r\n", "a".repeat(20_000));
    assert_eq!(send(port, &huge_head, b"").status, 431);
    assert_eq!(send(port, "BLAH\r\n\r\n", b"").status, 400);
}

#[test]
fn a_good_har_gives_the_har_v1_report() {
    let _g = UPLOADS.lock().unwrap_or_else(|e| e.into_inner());
    let before = our_temp_files();
    let port = start(1 << 20);
    let body = fixture("har/seed-a-default-credentials.har");
    let a = post(port, "/api/har?browser=chrome,firefox&name=seed-a.har", "application/json", &body);
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["schema"], "crossjar.har.v1");
    assert_eq!(v["input"], "seed-a.har", "the report names the upload, not the temporary file");
    let browsers: Vec<&str> = v["runs"].as_array().unwrap().iter().map(|r| r["browser"].as_str().unwrap()).collect();
    assert_eq!(browsers, ["chrome", "firefox"]);
    // The seed: the cross-site fetch without credentials drops the sticky cookie.
    let chrome = &v["runs"][0]["entries"];
    let set = chrome
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["set_cookies"].as_array().unwrap().iter().map(move |s| (e, s)))
        .find(|(_, s)| s["name"] == "route")
        .expect("a Set-Cookie for route");
    assert_eq!(set.0["kind"], "fetch");
    assert_eq!(set.1["stored"], false);
    assert!(set.1["reasons"].as_array().unwrap().iter().any(|r| r == "CredentialsNotIncluded"));
    assert!(set.1.get("value").is_none(), "values are hidden unless asked for");
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "credentials-not-included"));

    let shown = post(port, "/api/har?show_values=1", "application/json", &body).json();
    let values: Vec<&serde_json::Value> = shown["runs"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["set_cookies"].as_array().unwrap())
        .filter_map(|s| s.get("value"))
        .collect();
    assert!(!values.is_empty(), "show_values=1 reveals values");

    assert_eq!(post(port, "/api/har?browser=netscape", "application/json", &body).status, 400);
    assert_eq!(post(port, "/api/har?show_values=maybe", "application/json", &body).status, 400);
    assert_eq!(our_temp_files(), before, "temporary uploads are removed");
}

#[test]
fn a_broken_har_names_the_place_and_keeps_what_was_read() {
    let _g = UPLOADS.lock().unwrap_or_else(|e| e.into_inner());
    let before = our_temp_files();
    let port = start(1 << 20);
    let a = post(port, "/api/har?name=notes.txt", "application/json", b"{\"log\": {\"entries\": [\n  }");
    assert_eq!(a.status, 422, "{}", a.body);
    let msg = a.json()["error"].as_str().unwrap().to_string();
    assert!(msg.starts_with("notes.txt:2:"), "the place, under the upload's name: {msg}");
    assert!(a.json().get("report").is_none(), "nothing was read, so no partial report");

    // Cut the seed HAR after its third entry: the first entries are still analysed.
    let full = String::from_utf8(fixture("har/seed-a-default-credentials.har")).unwrap();
    let cut = full.match_indices("\"startedDateTime\"").nth(3).expect("four entries").0;
    let a = post(port, "/api/har?name=cut.har", "application/json", &full.as_bytes()[..cut]);
    assert_eq!(a.status, 422, "{}", a.body);
    let v = a.json();
    let msg = v["error"].as_str().unwrap();
    assert!(msg.starts_with("cut.har:"), "{msg}");
    assert!(!msg.contains("crossjar-upload"), "the temporary path never shows: {msg}");
    assert_eq!(v["report"]["schema"], "crossjar.har.v1");
    assert!(v["report"]["entries_read"].as_u64().unwrap() >= 2, "{}", v["report"]["entries_read"]);
    assert_eq!(our_temp_files(), before, "temporary uploads are removed");
}

#[test]
fn rules_are_served_as_markdown() {
    let port = start(1 << 20);
    let a = get(port, "/api/rules/credentials-not-included");
    assert_eq!(a.status, 200);
    assert!(a.header("content-type").unwrap().starts_with("text/markdown"));
    assert!(a.body.starts_with("# credentials-not-included"), "{}", a.body);
    assert_eq!(get(port, "/api/rules/no-such-rule").status, 404);
}

#[test]
fn pasted_headers_give_the_headers_v1_report() {
    let port = start(1 << 20);
    let text = String::from_utf8(fixture("headers/seed-wildcard-credentials.txt")).unwrap();
    let req = serde_json::json!({
        "text": text,
        "url": "https://jsbundler.coinnation.io/kontext/preview",
        "from": "https://kontext.build",
        "method": "POST",
        "request_headers": ["Content-Type: application/json"],
        "credentials": "include",
        "kind": "fetch",
    });
    let a = post(port, "/api/headers", "application/json", req.to_string().as_bytes());
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["schema"], "crossjar.headers.v1");
    assert_eq!(v["verdicts"].as_array().unwrap().len(), 4);
    // `*` with credentials fails CORS in every browser.
    assert!(v["verdicts"].as_array().unwrap().iter().all(|b| b["cors"]["ok"] == false), "{}", a.body);

    let bad = post(port, "/api/headers", "application/json", b"{\"text\": 1}");
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].as_str().unwrap().starts_with("request body:1:"), "{}", bad.body);
    let no_url = serde_json::json!({ "text": text, "url": "nope" });
    let a = post(port, "/api/headers", "application/json", no_url.to_string().as_bytes());
    assert_eq!(a.status, 400);
    assert!(a.json()["error"].as_str().unwrap().starts_with("url `nope`"), "{}", a.body);
    assert_eq!(post(port, "/api/headers", "text/plain", req.to_string().as_bytes()).status, 415);
}

/// Public sample HARs of a few hundred entries answer in reasonable time (debug build).
#[test]
fn public_sample_hars_are_analysed() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/har");
    if !shared.is_dir() {
        println!("web_server: ../shared/samples/har absent, sample upload test skipped");
        return;
    }
    let _g = UPLOADS.lock().unwrap_or_else(|e| e.into_inner());
    let port = start(1 << 30);
    for name in ["ferguson.har", "www.nytimes.com.har"] {
        let body = std::fs::read(shared.join(name)).unwrap();
        let t = Instant::now();
        let a = post(port, &format!("/api/har?name={name}"), "application/json", &body);
        let v = a.json();
        assert_eq!(v["schema"], "crossjar.har.v1", "{name}: {}", a.status);
        assert!(v["entries_read"].as_u64().unwrap() > 100, "{name}");
        eprintln!(
            "web_server: {name}: {} bytes, {} entries, HTTP {} in {} ms",
            body.len(),
            v["entries_read"],
            a.status,
            t.elapsed().as_millis()
        );
    }
}

#[test]
fn large_uploads_get_100_continue_first() {
    let _g = UPLOADS.lock().unwrap_or_else(|e| e.into_inner());
    let port = start(1 << 20);
    let body = fixture("har/seed-a-default-credentials.har");
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /api/har HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut interim = [0u8; 25];
    s.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(&body).unwrap();
    let mut rest = String::new();
    let _ = s.read_to_string(&mut rest);
    assert!(rest.starts_with("HTTP/1.1 200 OK\r\n"), "{}", &rest[..rest.len().min(200)]);
}

/// The command itself: `crossjar serve --port 0` prints where it listens, and serves there.
#[test]
fn the_serve_command_prints_its_url() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossjar"))
        .args(["serve", "--port", "0", "--max-upload", "2K"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: Option<u16> = line
        .trim_end()
        .strip_prefix("crossjar: serving on http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix('/'))
        .and_then(|p| p.parse().ok());
    let answers = port.map(|p| (get(p, "/").status, get(p, "/api/limits").json()["max_upload"].clone()));
    let _ = child.kill();
    let _ = child.wait();
    let port = port.unwrap_or_else(|| panic!("no URL line: {line:?}"));
    assert_ne!(port, 0);
    assert_eq!(answers, Some((200, serde_json::json!(2048))));
}

fn ingress_post(port: u16, req: &serde_json::Value) -> Answer {
    post(port, "/api/ingress", "application/json", req.to_string().as_bytes())
}

#[test]
fn pasted_ingress_gives_the_cli_s_ingress_v1_report() {
    let port = start(1 << 20);
    let yaml = String::from_utf8(fixture("ingress/ingress-nginx/seed.yaml")).unwrap();
    let a = ingress_post(
        port,
        &serde_json::json!({ "yaml": yaml, "from": ["https://kontext.build"], "browsers": "all",
                             "tls_terminates_at": null, "controller": null }),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["schema"], "crossjar.ingress.v1");
    assert_eq!(v["frontends"], serde_json::json!(["https://kontext.build"]));
    let route = &v["routes"][0];
    assert_eq!(route["file"], "pasted.yaml");
    assert_eq!(route["host"], "jsbundler.coinnation.io");
    assert_eq!(route["verdicts"]["chrome"]["stored"], false);
    assert_eq!(route["verdicts"]["firefox"]["stored"], true);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "affinity-cookie-cross-site-blocked")
        .unwrap_or_else(|| panic!("the seed finding: {}", a.body));
    assert_eq!((f["file"].as_str(), f["line"].as_u64()), (Some("pasted.yaml"), Some(8)));
    assert!(f["fix"].as_str().unwrap().contains("session-cookie-samesite: \"None\""), "{f}");

    // Byte for byte what `crossjar ingress --format json` writes for a file of that name.
    let dir = std::env::temp_dir().join(format!("crossjar-web-ingress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pasted.yaml"), &yaml).unwrap();
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_crossjar"))
        .args(["ingress", "pasted.yaml", "--from", "https://kontext.build", "--format", "json", "--fail-on", "never"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(a.body, String::from_utf8_lossy(&cli.stdout), "the page's answer is the CLI's report");

    // Options reach the prediction: one browser, TLS at a load balancer (no `Secure` added), a version.
    let a = ingress_post(
        port,
        &serde_json::json!({ "yaml": yaml, "from": "https://kontext.build", "browsers": ["chrome"],
                             "tls_terminates_at": "lb", "controller": "ingress-nginx@1.12" }),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    let verdicts = v["routes"][0]["verdicts"].as_object().unwrap();
    assert_eq!(verdicts.keys().collect::<Vec<_>>(), ["chrome"]);
    assert!(!v["routes"][0]["set_cookie"][0].as_str().unwrap().contains("Secure"), "{}", v["routes"][0]);
    assert_eq!(v["routes"][0]["controller_version"], "1.12.0");
}

#[test]
fn broken_ingress_yaml_names_the_line_and_keeps_the_rest() {
    let port = start(1 << 20);
    let yaml = String::from_utf8(fixture("ingress/ingress-nginx/broken.yaml")).unwrap();
    let a = ingress_post(port, &serde_json::json!({ "yaml": yaml, "from": ["https://kontext.build"] }));
    assert_eq!(a.status, 422, "{}", a.body);
    let v = a.json();
    let msg = v["error"].as_str().unwrap();
    // The second document's flow mapping never closes; the parser notices on the line after it.
    assert!(msg.starts_with("pasted.yaml:23:1: "), "{msg}");
    let report = &v["report"];
    assert_eq!(report["schema"], "crossjar.ingress.v1");
    let hosts: Vec<&str> = report["routes"].as_array().unwrap().iter().map(|r| r["host"].as_str().unwrap()).collect();
    assert_eq!(hosts, ["a.example", "b.example"], "the documents before and after are still analysed");
    assert_eq!(report["errors"][0]["line"], 23);
}

#[test]
fn ingress_without_a_frontend_says_how_to_give_one() {
    let port = start(1 << 20);
    let yaml = String::from_utf8(fixture("ingress/ingress-nginx/seed.yaml")).unwrap();
    for req in [
        serde_json::json!({ "yaml": yaml }),
        serde_json::json!({ "yaml": yaml, "from": [] }),
        serde_json::json!({ "yaml": yaml, "from": ["  "] }),
    ] {
        let a = ingress_post(port, &req);
        assert_eq!(a.status, 400, "{}", a.body);
        let msg = a.json()["error"].as_str().unwrap().to_string();
        assert!(msg.contains("no frontend origin") && msg.contains("https://app.example"), "{msg}");
    }
    let bad = |req: serde_json::Value, needle: &str| {
        let a = ingress_post(port, &req);
        assert_eq!(a.status, 400, "{req}: {}", a.body);
        let msg = a.json()["error"].as_str().unwrap().to_string();
        assert!(msg.contains(needle), "{req}: {msg}");
    };
    bad(serde_json::json!({ "yaml": yaml, "from": ["kontext.build"] }), "`kontext.build`");
    bad(serde_json::json!({ "yaml": yaml, "from": ["https://a.example"], "browsers": "netscape" }), "netscape");
    bad(serde_json::json!({ "yaml": yaml, "from": ["https://a.example"], "controller": "haproxy" }), "haproxy");
    bad(serde_json::json!({ "yaml": yaml, "from": ["https://a.example"], "tls_terminates_at": "pod" }), "`pod`");
    bad(serde_json::json!({ "yaml": "", "from": ["https://a.example"] }), "pasted.yaml: no YAML");
    bad(serde_json::json!({ "yaml": yaml, "origin": "https://a.example" }), "request body:1:");
}

#[test]
fn the_ingress_endpoint_has_the_same_defences() {
    let port = start(1 << 20);
    let body = serde_json::json!({ "yaml": "kind: List\n", "from": ["https://a.example"] }).to_string();
    let foreign = format!(
        "POST /api/ingress HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: https://evil.example\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    assert_eq!(send(port, &foreign, body.as_bytes()).status, 403);
    let rebound = format!(
        "POST /api/ingress HTTP/1.1\r\nHost: evil.example:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    assert_eq!(send(port, &rebound, body.as_bytes()).status, 403);
    assert_eq!(post(port, "/api/ingress", "text/plain", body.as_bytes()).status, 415);
    assert_eq!(get(port, "/api/ingress").status, 405);
    // Over the size limit: refused from the announced length, before any of the body is read.
    let huge = format!(
        "POST /api/ingress HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        crossjar::cli::serve::MAX_INGRESS_BODY + 1
    );
    let a = send(port, &huge, b"");
    assert_eq!(a.status, 413, "{}", a.body);
    assert!(a.json()["error"].as_str().unwrap().contains("the pasted YAML"), "{}", a.body);
    // A manifest list with no routes is analysed, not refused.
    let a = post(port, "/api/ingress", "application/json", body.as_bytes());
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["routes"], serde_json::json!([]));
}

/// Slow clients (heads trickling in a byte at a time, bodies that stall) hold nothing the page needs:
/// the page and the API still answer while they hang on, and the server drops them after its timeout.
/// (The hand-written server gave every connection a thread for 30 s per read: 16 such clients made it
/// answer 503 to everyone.)
#[test]
fn slow_clients_cannot_lock_others_out() {
    let port = start_with(ServeConfig { io_timeout: Duration::from_secs(2), ..ServeConfig::default() });
    let started = Instant::now();
    let trickle: Vec<_> = (0..24)
        .map(|i| {
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                let head = if i % 2 == 0 {
                    format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ")
                } else {
                    format!(
                        "POST /api/har HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 100000\r\n\r\n{{\"log\""
                    )
                };
                s.write_all(head.as_bytes()).unwrap();
                // One byte every 300 ms until the server hangs up (a generous ceiling: 60 s).
                let mut answer = Vec::new();
                s.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
                while started.elapsed() < Duration::from_secs(60) {
                    if s.write_all(b" ").is_err() {
                        break;
                    }
                    let mut buf = [0u8; 4096];
                    match s.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => answer.extend_from_slice(&buf[..n]),
                        Err(_) => {}
                    }
                }
                (started.elapsed(), String::from_utf8_lossy(&answer).into_owned())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // While they hang on, others are served.
    assert_eq!(get(port, "/").status, 200);
    let text = String::from_utf8(fixture("headers/seed-wildcard-credentials.txt")).unwrap();
    let req = serde_json::json!({ "text": text, "url": "https://a.example/x", "from": "https://b.example" });
    assert_eq!(post(port, "/api/headers", "application/json", req.to_string().as_bytes()).status, 200);
    for (i, t) in trickle.into_iter().enumerate() {
        let (elapsed, answer) = t.join().unwrap();
        assert!(elapsed < Duration::from_secs(60), "slow client {i} was never dropped");
        if i % 2 == 1 {
            // The stalled upload is told why (a byte every 300 ms is not a stall, but its budget ends).
            assert!(answer.starts_with("HTTP/1.1 408") || answer.starts_with("HTTP/1.1 400"), "{i}: {answer}");
        }
    }
}

/// A report over the page's limit keeps its first entries, stays valid JSON, and says to use the CLI.
#[test]
fn oversized_reports_are_truncated_with_a_note() {
    let body = fixture("har/seed-a-default-credentials.har");
    let full = post(start(1 << 20), "/api/har", "application/json", &body);
    assert_eq!(full.status, 200);
    let cap = 16 * 1024;
    assert!(full.body.len() > cap, "the fixture's report ({} bytes) is over the test's cap", full.body.len());
    let port = start_with(ServeConfig { max_report: cap as u64, ..ServeConfig::default() });
    let a = post(port, "/api/har?name=seed.har", "application/json", &body);
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(a.body.len() <= cap, "{} bytes answered for a cap of {cap}", a.body.len());
    let v = a.json();
    let msg = v["error"].as_str().unwrap();
    assert!(msg.contains("report truncated") && msg.contains("CLI") && msg.contains("seed.har"), "{msg}");
    let kept = v["report"]["runs"][0]["entries"].as_array().unwrap().len();
    let all = full.json()["runs"][0]["entries"].as_array().unwrap().len();
    assert!(kept < all, "{kept} of {all} entries kept");
    assert_eq!(v["report"]["entries_read"], full.json()["entries_read"], "every entry was still analysed");
    assert_eq!(v["report"]["findings"], full.json()["findings"], "findings cover the whole capture");
}

/// Uploads never become a named file: nothing in the temporary directory while one is in flight, and
/// nothing left after SIGTERM. (The hand-written server wrote `crossjar-upload-PID-….har` with the
/// default, world-readable mode and left it behind when killed.)
#[cfg(unix)]
#[test]
fn uploads_leave_no_temporary_file_even_when_killed() {
    use std::io::BufRead;
    use std::os::unix::fs::PermissionsExt;
    use std::process::{Command, Stdio};
    let tmp = std::env::temp_dir().join(format!("crossjar-web-tmp-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossjar"))
        .args(["serve", "--port", "0"])
        .env("TMPDIR", &tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line.trim_end().trim_end_matches('/').rsplit(':').next().unwrap().parse().unwrap();
    let body = fixture("har/seed-a-default-credentials.har");
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!("POST /api/har HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n", body.len());
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&body[..body.len() / 2]).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let during: Vec<(PathBuf, u32)> = std::fs::read_dir(&tmp)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| (e.path(), e.metadata().unwrap().permissions().mode()))
        .collect();
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    let after: Vec<PathBuf> = std::fs::read_dir(&tmp).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(during.iter().all(|(_, mode)| mode & 0o077 == 0), "readable by others during the upload: {during:?}");
    assert!(during.is_empty(), "no named file for an upload: {during:?}");
    assert!(after.is_empty(), "left behind after SIGTERM: {after:?}");
}

/// Reports of pasted ingress YAML and `curl -i` text leave in pieces of at most `REPORT_CHUNK` bytes
/// (hyper frames each piece the server hands over as one HTTP chunk), so the server never holds a
/// whole report; one over the page's limit gets the "use the CLI" answer. (Both endpoints used to
/// build the report as one string and send it with a Content-Length.)
#[test]
fn large_pasted_reports_stream_in_bounded_chunks() {
    use crossjar::cli::serve::REPORT_CHUNK;
    let port = start(1 << 20);
    let limited = start_with(ServeConfig { max_report: 256 * 1024, ..ServeConfig::default() });

    let seed = String::from_utf8(fixture("ingress/ingress-nginx/seed.yaml")).unwrap();
    let routes = 120;
    let yaml = (0..routes).map(|i| seed.replace("jsbundler", &format!("svc{i}"))).collect::<Vec<_>>().join("\n---\n");
    let ingress = serde_json::json!({ "yaml": yaml, "from": ["https://kontext.build"] });
    let mut text = String::from("HTTP/2 200\r\ncontent-type: text/plain\r\n");
    for i in 0..300 {
        text.push_str(&format!("set-cookie: c{i}=v; Path=/; SameSite=Lax\r\n"));
    }
    text.push_str("\r\n");
    let headers = serde_json::json!({ "text": text, "url": "https://a.example/x", "from": "https://b.example" });

    for (path, req, cli) in
        [("/api/ingress", &ingress, "crossjar ingress"), ("/api/headers", &headers, "crossjar headers")]
    {
        let a = post(port, path, "application/json", req.to_string().as_bytes());
        assert_eq!(a.status, 200, "{path}: {}", &a.body[..a.body.len().min(300)]);
        assert_eq!(a.header("content-length"), None, "{path}: streamed, not sent whole: {}", a.head);
        assert!(a.body.len() > 4 * REPORT_CHUNK, "{path}: the report ({} bytes) is large for the test", a.body.len());
        assert!(a.chunks.len() > 4, "{path}: {} chunks", a.chunks.len());
        assert!(a.chunks.iter().all(|&n| n <= REPORT_CHUNK), "{path}: a chunk over {REPORT_CHUNK}: {:?}", a.chunks);
        let v = a.json();
        match path {
            "/api/ingress" => assert_eq!(v["routes"].as_array().map(Vec::len), Some(routes)),
            _ => assert_eq!(v["verdicts"][0]["set_cookies"].as_array().map(Vec::len), Some(300)),
        }

        // Over the page's limit: refused before any of the report goes out, and the answer says why.
        let a = post(limited, path, "application/json", req.to_string().as_bytes());
        assert_eq!(a.status, 422, "{path}: {}", &a.body[..a.body.len().min(300)]);
        let msg = a.json()["error"].as_str().unwrap().to_string();
        assert!(msg.contains("report truncated") && msg.contains("256 KiB") && msg.contains(cli), "{path}: {msg}");
        assert!(a.body.len() < 1024, "{path}: only the note, {} bytes", a.body.len());
    }
}
