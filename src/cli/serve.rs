//! `crossjar serve`: a local web page for people who would rather drop a HAR (or paste `curl -i` output
//! or ingress YAML) and look than read a terminal report. The analysis runs in this process through the
//! same library calls as the CLI; the capture never leaves the machine.
//!
//! The server is a deliberately small HTTP/1.1 implementation over [`std::net::TcpListener`]: one
//! request per connection, one thread per connection (bounded), a bounded request head, bodies by
//! `Content-Length` only, and read/write timeouts. It binds 127.0.0.1 only and refuses any `Host`
//! other than `127.0.0.1:PORT` or `localhost:PORT` (DNS-rebinding defence), and any API call whose
//! `Origin` is not the page itself (a web page elsewhere cannot make this process do work).

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use serde::Deserialize;

use super::EXIT_INPUT;
use crate::analysis::findings::Focus;
use crate::analysis::replay::ReplayOptions;
use crate::analysis::rules::rule;
use crate::model::profile::Browser;
use crate::output::ingress_json;
use crate::output::json;
use crate::output::web;
use crate::pipeline::analyse_har_path;
use crate::pipeline_headers::{analyse_headers_text, HeadersParams};
use crate::pipeline_ingress::{analyse_ingress_text, IngressParams};

/// Default upload limit: 1 GiB, enough for long captures, small enough to refuse a runaway upload.
pub const DEFAULT_MAX_UPLOAD: u64 = 1 << 30;
/// The longest request line plus headers accepted; real browsers send about 1–2 KiB.
pub const MAX_HEAD: usize = 16 * 1024;
/// The largest `POST /api/headers` body: pasted `curl -i` output is small.
pub const MAX_HEADERS_BODY: u64 = 4 * 1024 * 1024;
/// The largest `POST /api/ingress` body: pasted manifests (Helm output of a whole cluster included).
pub const MAX_INGRESS_BODY: u64 = 16 * 1024 * 1024;
/// The name pasted manifests get in locations and messages (`pasted.yaml:LINE:COL`).
pub const PASTED_YAML: &str = "pasted.yaml";
/// Connections handled at once; more get 503 rather than an unbounded number of threads.
pub const MAX_CONNECTIONS: usize = 16;
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// `crossjar serve` options.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0 picks a free one; the URL is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// The largest HAR upload accepted, in bytes (suffixes K, M, G: powers of 1024).
    #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = parse_size)]
    pub max_upload: u64,
}

/// Parses `1073741824`, `512M`, `1G`, `64k`, `2GiB` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: u64 = num.parse().map_err(|_| format!("`{s}` is not a size: use bytes, or a number with K, M or G"))?;
    let mul: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{s}`: unknown unit; use K, M or G")),
    };
    n.checked_mul(mul).ok_or_else(|| format!("`{s}` is too large"))
}

/// What the server needs to know; [`ServeArgs`] minus the command-line-only `--open`.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The largest HAR upload accepted, in bytes.
    pub max_upload: u64,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig { port: 0, max_upload: DEFAULT_MAX_UPLOAD }
    }
}

/// A bound, not yet running server. Binding and running are separate so the caller (and the tests)
/// learn the port before the first request.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    ctx: Arc<Ctx>,
}

#[derive(Debug)]
struct Ctx {
    port: u16,
    max_upload: u64,
    active: AtomicUsize,
}

impl Server {
    /// Binds 127.0.0.1:`config.port` (loopback only, whatever the port).
    pub fn bind(config: &ServeConfig) -> io::Result<Server> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port)))?;
        let port = listener.local_addr()?.port();
        Ok(Server { listener, ctx: Arc::new(Ctx { port, max_upload: config.max_upload, active: AtomicUsize::new(0) }) })
    }

    /// The bound port (the free one picked when 0 was asked for).
    pub fn port(&self) -> u16 {
        self.ctx.port
    }

    /// The page's address.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.ctx.port)
    }

    /// Serves until the process ends (or accepting fails for good); one thread per connection.
    pub fn run(self) -> io::Result<()> {
        for stream in self.listener.incoming() {
            let stream = match stream {
                Ok(s) => s,
                // A client that vanished between SYN and accept, or a transient fd shortage.
                Err(_) => continue,
            };
            let ctx = Arc::clone(&self.ctx);
            if ctx.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                ctx.active.fetch_sub(1, Ordering::SeqCst);
                let mut s = stream;
                let _ = s.set_write_timeout(Some(IO_TIMEOUT));
                let _ = write_response(&mut s, &Response::error(503, "too many connections at once; try again"), false);
                continue;
            }
            let spawned = std::thread::Builder::new().name("crossjar-serve".into()).spawn({
                let ctx = Arc::clone(&ctx);
                move || {
                    handle(stream, &ctx);
                    ctx.active.fetch_sub(1, Ordering::SeqCst);
                }
            });
            if spawned.is_err() {
                ctx.active.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Ok(())
    }
}

/// Runs `crossjar serve`: prints `crossjar: serving on http://127.0.0.1:PORT/` and serves until
/// interrupted.
pub fn run(args: &ServeArgs) -> i32 {
    let server = match Server::bind(&ServeConfig { port: args.port, max_upload: args.max_upload }) {
        Ok(s) => s,
        Err(e) => {
            super::error(format_args!("cannot listen on 127.0.0.1:{} ({e})", args.port));
            return EXIT_INPUT;
        }
    };
    let url = server.url();
    println!("crossjar: serving on {url}");
    let _ = io::stdout().flush();
    eprintln!(
        "crossjar: loopback only; captures are analysed in this process and never leave the machine (Ctrl-C stops)"
    );
    if args.open {
        open_browser(&url);
    }
    match server.run() {
        Ok(()) => 0,
        Err(e) => {
            super::error(format_args!("server stopped ({e})"));
            EXIT_INPUT
        }
    }
}

fn open_browser(url: &str) {
    let (cmd, pre): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let spawned = std::process::Command::new(cmd)
        .args(pre)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        super::error(format_args!("--open: cannot start `{cmd}` ({e}); open {url} yourself"));
    }
}

/// A parsed request head.
#[derive(Debug)]
struct Request {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn header_count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
    }

    fn query_values(&self, key: &str) -> Vec<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .collect()
    }
}

/// An answer; bodies are small (JSON reports are built in memory by the JSON output anyway).
#[derive(Debug)]
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    allow: Option<&'static str>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response { status, content_type, body: body.into(), allow: None }
    }

    fn json(status: u16, body: String) -> Self {
        Response::new(status, "application/json; charset=utf-8", body)
    }

    fn error(status: u16, message: &str) -> Self {
        Response::json(status, web::error_json(message))
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn write_response(stream: &mut TcpStream, r: &Response, head_only: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        reason_phrase(r.status),
        r.content_type,
        r.body.len()
    );
    for (n, v) in web::SECURITY_HEADERS {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if let Some(allow) = r.allow {
        head.push_str(&format!("Allow: {allow}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

enum HeadError {
    TooLarge,
    Malformed(String),
    Io,
}

/// Reads the request line and headers, at most [`MAX_HEAD`] bytes in all.
fn read_head(reader: &mut impl BufRead) -> Result<Request, HeadError> {
    let mut used = 0usize;
    let mut lines: Vec<String> = Vec::new();
    loop {
        let mut line = Vec::new();
        let limit = (MAX_HEAD - used) as u64 + 1;
        let n = reader.by_ref().take(limit).read_until(b'\n', &mut line).map_err(|_| HeadError::Io)?;
        if n == 0 {
            return Err(if lines.is_empty() {
                HeadError::Io
            } else {
                HeadError::Malformed("request head ended early".into())
            });
        }
        used += n;
        if used > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
        if !line.ends_with(b"\n") {
            return Err(HeadError::Malformed("request head ended early".into()));
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        if line.is_empty() {
            if lines.is_empty() {
                continue; // tolerate a stray CRLF before the request line (RFC 9112 §2.2)
            }
            break;
        }
        let text = String::from_utf8(line).map_err(|_| HeadError::Malformed("request head is not UTF-8".into()))?;
        lines.push(text);
    }
    let mut parts = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed(format!("bad request line `{}`", lines[0])));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(HeadError::Malformed(format!("unsupported protocol `{version}`")));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = Vec::new();
    for (i, l) in lines[1..].iter().enumerate() {
        if l.starts_with(' ') || l.starts_with('\t') {
            return Err(HeadError::Malformed(format!("header line {} is folded (obsolete line folding)", i + 2)));
        }
        let Some((n, v)) = l.split_once(':') else {
            return Err(HeadError::Malformed(format!("header line {} has no `:`", i + 2)));
        };
        if n.is_empty() || n.contains(|c: char| c.is_ascii_whitespace()) {
            return Err(HeadError::Malformed(format!("header line {} has a bad name", i + 2)));
        }
        headers.push((n.to_string(), v.trim().to_string()));
    }
    Ok(Request { method: method.to_string(), path: path.to_string(), query: query.to_string(), headers })
}

fn handle(stream: TcpStream, ctx: &Ctx) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else { return };
    let mut stream = stream;
    let mut reader = BufReader::with_capacity(64 * 1024, read_half);
    let (response, head_only, unread_body) = match read_head(&mut reader) {
        Ok(req) => {
            let head_only = req.method == "HEAD";
            let mut body = Body { reader: &mut reader, stream: &stream, remaining: 0, continue_sent: false };
            let response = route(&req, &mut body, ctx);
            (response, head_only, body.remaining)
        }
        Err(HeadError::TooLarge) => (Response::error(431, "request head over 16 KiB"), false, 0),
        Err(HeadError::Malformed(m)) => (Response::error(400, &m), false, 0),
        Err(HeadError::Io) => return,
    };
    let _ = write_response(&mut stream, &response, head_only);
    if unread_body > 0 {
        // Read (a bounded part of) what the client is still sending, so closing does not reset the
        // connection before the client has read the answer.
        let _ = stream.shutdown(Shutdown::Write);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = io::copy(&mut reader.take(unread_body.min(64 << 20)), &mut io::sink());
    }
}

/// The request body, read on demand: `remaining` counts what the client announced and has not been
/// read yet.
struct Body<'a, R: BufRead> {
    reader: &'a mut R,
    stream: &'a TcpStream,
    remaining: u64,
    continue_sent: bool,
}

impl<R: BufRead> Body<'_, R> {
    /// Sends `100 Continue` if the client waits for it (curl does for large uploads).
    fn go_ahead(&mut self, req: &Request) {
        if !self.continue_sent && req.header("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
            self.continue_sent = true;
            let mut s = self.stream;
            let _ = s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
    }
}

/// Checks the framing of a POST body: `Content-Length` only, at most `limit` bytes.
fn body_length(req: &Request, limit: u64, what: &str) -> Result<u64, Response> {
    if req.header("transfer-encoding").is_some() {
        return Err(Response::error(501, "chunked or encoded uploads are not supported: send a Content-Length"));
    }
    let values: Vec<&str> =
        req.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("content-length")).map(|(_, v)| v.as_str()).collect();
    let len = match values.as_slice() {
        [] => return Err(Response::error(411, "a Content-Length is required")),
        [v] => v.parse::<u64>().map_err(|_| Response::error(400, &format!("Content-Length `{v}` is not a number")))?,
        _ => return Err(Response::error(400, "more than one Content-Length")),
    };
    if len > limit {
        return Err(Response::error(
            413,
            &format!("{what} is {len} bytes, over the limit of {limit} bytes (start `crossjar serve --max-upload` with more)"),
        ));
    }
    Ok(len)
}

fn route<R: BufRead>(req: &Request, body: &mut Body<'_, R>, ctx: &Ctx) -> Response {
    // DNS-rebinding defence: a page on evil.example that rebinds its name to 127.0.0.1 still sends
    // `Host: evil.example:PORT`.
    let hosts = [format!("127.0.0.1:{}", ctx.port), format!("localhost:{}", ctx.port)];
    let host_ok = req.header_count("host") == 1
        && req.header("host").is_some_and(|h| hosts.iter().any(|ok| ok.eq_ignore_ascii_case(h)));
    if !host_ok {
        return Response::error(403, &format!("this server answers only to Host {} or {}", hosts[0], hosts[1]));
    }
    if let Some(len) = req.header("content-length").and_then(|v| v.parse::<u64>().ok()) {
        body.remaining = len;
    }
    let api = req.path.starts_with("/api/");
    if api {
        // A page elsewhere may not make this process do work: API calls come from the page itself.
        let origins = [format!("http://{}", hosts[0]), format!("http://{}", hosts[1])];
        if let Some(origin) = req.header("origin") {
            if !origins.iter().any(|ok| ok.eq_ignore_ascii_case(origin)) {
                return Response::error(403, "API calls are accepted only from the crossjar page itself");
            }
        }
        if req.header("sec-fetch-site").is_some_and(|s| s.eq_ignore_ascii_case("cross-site")) {
            return Response::error(403, "API calls are accepted only from the crossjar page itself");
        }
    }
    let get = req.method == "GET" || req.method == "HEAD";
    match req.path.as_str() {
        "/api/har" if req.method == "POST" => har(req, body, ctx),
        "/api/headers" if req.method == "POST" => headers(req, body),
        "/api/ingress" if req.method == "POST" => ingress(req, body),
        "/api/har" | "/api/headers" | "/api/ingress" => {
            Response { allow: Some("POST"), ..Response::error(405, "use POST") }
        }
        "/api/limits" if get => Response::json(200, serde_json::json!({ "max_upload": ctx.max_upload }).to_string()),
        p if get && p.starts_with("/api/rules/") => {
            let id = &p["/api/rules/".len()..];
            match rule(id) {
                Some(r) => Response::new(200, "text/markdown; charset=utf-8", r.doc),
                None => Response::error(404, &format!("no rule `{id}`")),
            }
        }
        p => match web::asset(p) {
            Some((ct, text)) if get => Response::new(200, ct, text),
            Some(_) => Response { allow: Some("GET, HEAD"), ..Response::error(405, "use GET") },
            None => Response::error(404, &format!("nothing at {}", p.chars().take(200).collect::<String>())),
        },
    }
}

fn browsers_param(req: &Request) -> Result<Vec<Browser>, Response> {
    let values = req.query_values("browser");
    Browser::parse_list(values.iter().map(|v| v.as_ref())).map_err(|e| Response::error(400, &e))
}

fn flag_param(req: &Request, key: &str) -> Result<bool, Response> {
    match req.query_values(key).last().map(String::as_str) {
        None | Some("0") | Some("false") | Some("") => Ok(false),
        Some("1") | Some("true") => Ok(true),
        Some(v) => Err(Response::error(400, &format!("{key}=`{v}`: use 0 or 1"))),
    }
}

/// The name messages use for the upload: the file name the page sent, never the temporary path.
fn upload_name(req: &Request) -> String {
    let raw = req.query_values("name").pop().unwrap_or_default();
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        "upload.har".into()
    } else {
        clean
    }
}

/// A temporary file that is removed when dropped, whatever happens in between.
struct TempUpload {
    path: PathBuf,
}

impl TempUpload {
    fn create() -> io::Result<(TempUpload, File)> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir();
        let mut last = io::Error::other("no attempt");
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!("crossjar-upload-{}-{nanos}-{n}.har", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(f) => return Ok((TempUpload { path }, f)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempUpload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn har<R: BufRead>(req: &Request, body: &mut Body<'_, R>, ctx: &Ctx) -> Response {
    let len = match body_length(req, ctx.max_upload, "the upload") {
        Ok(l) => l,
        Err(r) => return r,
    };
    let browsers = match browsers_param(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let show_values = match flag_param(req, "show_values") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let cookies: Vec<String> = req
        .query_values("cookie")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let name = upload_name(req);
    let (tmp, mut file) = match TempUpload::create() {
        Ok(t) => t,
        Err(e) => {
            return Response::error(
                500,
                &format!("cannot create a temporary file in {} ({e})", std::env::temp_dir().display()),
            )
        }
    };
    body.go_ahead(req);
    let copied = io::copy(&mut body.reader.by_ref().take(len), &mut file).and_then(|n| file.flush().map(|()| n));
    drop(file);
    match copied {
        Ok(n) => {
            body.remaining = len - n;
            if n < len {
                return Response::error(400, &format!("{name}: the upload ended after {n} of {len} bytes"));
            }
        }
        Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
            return Response::error(408, &format!("{name}: the upload stalled for {}s", IO_TIMEOUT.as_secs()));
        }
        Err(e) => return Response::error(500, &format!("cannot write the temporary file ({e})")),
    }
    let (mut report, err) =
        analyse_har_path(tmp.path(), &ReplayOptions { browsers }, &Focus { cookies, ..Focus::default() });
    drop(tmp);
    report.input = name.clone();
    let rendered = json::har_report(&report, show_values);
    match err {
        None => Response::json(200, rendered),
        Some(mut e) => {
            e.location.file = PathBuf::from(&name);
            let message = e.to_string();
            if report.entries > 0 {
                Response::json(422, web::error_with_report_json(&message, &rendered))
            } else {
                Response::error(422, &message)
            }
        }
    }
}

/// The `POST /api/headers` body: the pasted text and the request it answered.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct HeadersBody {
    text: String,
    url: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    request_headers: Vec<String>,
    #[serde(default)]
    credentials: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    browser: Option<String>,
}

/// Reads a JSON request body of at most `limit` bytes and decodes it; the error names the place
/// (`request body:LINE:COL`).
fn json_body<T: serde::de::DeserializeOwned, R: BufRead>(
    req: &Request,
    body: &mut Body<'_, R>,
    limit: u64,
    what: &str,
) -> Result<T, Response> {
    let len = body_length(req, limit, what)?;
    // Requiring JSON also makes a cross-origin browser send a preflight, which this server never
    // answers with CORS headers.
    let json_type = req
        .header("content-type")
        .is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !json_type {
        return Err(Response::error(415, "send the request as Content-Type: application/json"));
    }
    body.go_ahead(req);
    let mut bytes = Vec::with_capacity(len as usize);
    match body.reader.by_ref().take(len).read_to_end(&mut bytes) {
        Ok(n) => body.remaining = len - n as u64,
        Err(_) => return Err(Response::error(408, "the request body stalled")),
    }
    if body.remaining > 0 {
        return Err(Response::error(400, "the request body ended early"));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| Response::error(400, &format!("request body:{}:{}: {e}", e.line(), e.column())))
}

fn headers<R: BufRead>(req: &Request, body: &mut Body<'_, R>) -> Response {
    let parsed: HeadersBody = match json_body(req, body, MAX_HEADERS_BODY, "the pasted text") {
        Ok(p) => p,
        Err(r) => return r,
    };
    let browsers = match Browser::ALL
        .iter()
        .copied()
        .filter(|b| match parsed.browser.as_deref().map(str::trim) {
            None | Some("") | Some("all") => true,
            Some(one) => b.as_str() == one,
        })
        .collect::<Vec<_>>()
    {
        b if b.is_empty() => {
            return Response::error(
                400,
                &format!(
                    "unknown browser `{}`: use chrome, chrome-3pc-blocked, firefox, safari or all",
                    parsed.browser.unwrap_or_default()
                ),
            )
        }
        b => b,
    };
    let params = HeadersParams {
        url: parsed.url,
        from: parsed.from,
        method: parsed.method.unwrap_or_else(|| "GET".into()),
        request_headers: parsed.request_headers,
        credentials: parsed.credentials.unwrap_or_else(|| "same-origin".into()),
        kind: parsed.kind.unwrap_or_else(|| "fetch".into()),
        preflight: false,
    };
    match analyse_headers_text("pasted text", &parsed.text, &params, &browsers) {
        Ok(out) => {
            let rendered = json::headers_report(&out.report, &crate::analysis::headers::findings(&out.report));
            match out.problems.first() {
                None => Response::json(200, rendered),
                Some(p) => Response::json(422, web::error_with_report_json(p, &rendered)),
            }
        }
        Err(e) => Response::error(if e.problems.is_empty() { 400 } else { 422 }, &e.message),
    }
}

/// A JSON field that takes one string or a list of them (`"from": "https://a.example"` or
/// `"from": ["https://a.example", "https://b.example"]`).
#[derive(Deserialize, Debug)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// The `POST /api/ingress` body: the pasted manifests and what `crossjar ingress` takes as options.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct IngressBody {
    yaml: String,
    #[serde(default)]
    from: Option<OneOrMany>,
    #[serde(default)]
    browsers: Option<OneOrMany>,
    #[serde(default)]
    tls_terminates_at: Option<String>,
    #[serde(default)]
    controller: Option<String>,
}

fn ingress<R: BufRead>(req: &Request, body: &mut Body<'_, R>) -> Response {
    let parsed: IngressBody = match json_body(req, body, MAX_INGRESS_BODY, "the pasted YAML") {
        Ok(p) => p,
        Err(r) => return r,
    };
    let browser_list = parsed.browsers.map(OneOrMany::into_vec).unwrap_or_default();
    let browsers = match Browser::parse_list(browser_list.iter().map(String::as_str)) {
        Ok(b) => b,
        Err(e) => return Response::error(400, &e),
    };
    let params = IngressParams {
        from: parsed.from.map(OneOrMany::into_vec).unwrap_or_default(),
        tls_terminates_at: parsed.tls_terminates_at,
        controller: parsed.controller,
    };
    let out = match analyse_ingress_text(PASTED_YAML, &parsed.yaml, &params, &browsers) {
        Ok(o) => o,
        Err(e) => return Response::error(400, &e.message),
    };
    let mut rendered = Vec::new();
    if let Err(e) = ingress_json::write(&mut rendered, &out.analysis, &out.frontends) {
        return Response::error(500, &format!("cannot render the report ({e})"));
    }
    let rendered = String::from_utf8_lossy(&rendered);
    if out.analysis.errors.is_empty() {
        Response::json(200, rendered.into_owned())
    } else {
        // Every broken document, one a line; the report still covers the documents that were read.
        let message = out.analysis.errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        Response::json(422, web::error_with_report_json(&message, &rendered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("1T").is_err());
        assert!(parse_size("G").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn heads_are_bounded_and_parsed() {
        let ok = b"\r\nPOST /api/har?browser=chrome&name=a%20b.har HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
        let mut r = &ok[..];
        let req = read_head(&mut r).ok().unwrap();
        assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/api/har"));
        assert_eq!(req.query_values("name"), vec!["a b.har".to_string()]);
        assert_eq!(req.header("content-length"), Some("3"));
        assert_eq!(r, b"abc", "the body is left unread");

        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(matches!(read_head(&mut big.as_bytes()), Err(HeadError::TooLarge)));
        assert!(matches!(read_head(&mut &b"GET / HTTP/1.1\r\n folded\r\n\r\n"[..]), Err(HeadError::Malformed(_))));
        assert!(matches!(read_head(&mut &b"GET /\r\n\r\n"[..]), Err(HeadError::Malformed(_))));
        assert!(matches!(read_head(&mut &b"GET / HTTP/1.1\r\nHost: x"[..]), Err(HeadError::Malformed(_))));
    }

    #[test]
    fn upload_names_never_carry_a_path() {
        let req =
            |q: &str| Request { method: "POST".into(), path: "/api/har".into(), query: q.into(), headers: vec![] };
        assert_eq!(upload_name(&req("name=..%2F..%2Fetc%2Fpasswd")), "passwd");
        assert_eq!(upload_name(&req("name=C:%5Cx%5Ccap.har")), "cap.har");
        assert_eq!(upload_name(&req("")), "upload.har");
    }

    #[test]
    fn temp_uploads_are_removed_on_drop() {
        let (t, f) = TempUpload::create().unwrap();
        let p = t.path().to_path_buf();
        drop(f);
        assert!(p.exists());
        drop(t);
        assert!(!p.exists());
    }
}
