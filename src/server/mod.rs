//! The local web page's server (`crossjar serve`): hyper's HTTP/1.1 on tokio's current-thread runtime,
//! loopback only. The analysis runs in this process through the same library calls as the command
//! line; the capture never leaves the machine.
//!
//! Bounded whatever the clients do:
//! - **time**: a request head must arrive within the I/O timeout (hyper's header-read timeout); a body
//!   may pause at most that long between chunks, and is cut once slower than 256 KiB/s after a grace
//!   of twice the timeout; a client that stops reading its answer is dropped after the timeout. Slow
//!   clients hold only a connection slot (of [`MAX_CONNECTIONS`]), never the page or a worker.
//! - **memory**: heads are at most [`MAX_HEAD`]; an upload goes, chunk by chunk, to an owner-only
//!   temporary file that is unlinked as soon as it is open (nothing named on disk, nothing left after
//!   a kill); report entries go to files of the same kind; every report leaves through a channel of a
//!   few chunks of at most [`REPORT_CHUNK`] bytes, never as one string.
//! - **size**: bodies are refused over their limit from the announced `Content-Length`; a HAR report
//!   over the report limit keeps its first entries and says "report truncated: use the CLI"; a
//!   headers or ingress report is first rendered into a counter that stops at the limit, and one over
//!   it gets that note instead of the report.
//! - **work**: at most [`MAX_ANALYSES`] analyses at once, each holding a semaphore permit that is
//!   released when its worker ends, however it ends.
//!
//! The Host/Origin/`Sec-Fetch-Site` guards, the security headers and the no-CORS rule live in
//! `guard` (a private module), applied to every request and answer.

// Handlers refuse with the answer itself; a refusal is rare and is sent at once, so its size does
// not matter.
#![allow(clippy::result_large_err)]

mod body;
mod guard;

use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};

use crate::output::spill::Spill;
use body::ChunkWriter;
pub use body::Out;

use crate::analysis::findings::Focus;
use crate::analysis::replay::ReplayOptions;
use crate::analysis::rules::rule;
use crate::model::profile::Browser;
use crate::output::json;
use crate::output::{ingress_json, web};
use crate::pipeline::stream_har_reader_by_ref;
use crate::pipeline_headers::{analyse_headers_text, HeadersParams};
use crate::pipeline_ingress::{analyse_ingress_text, IngressParams};

/// Default upload limit: 1 GiB, enough for long captures, small enough to refuse a runaway upload.
pub const DEFAULT_MAX_UPLOAD: u64 = 1 << 30;
/// Default report limit: 64 MiB of JSON is more than a browser tab shows comfortably.
pub const DEFAULT_MAX_REPORT: u64 = 64 << 20;
/// The longest request line plus headers accepted (hyper's read buffer); browsers send 1–2 KiB.
pub const MAX_HEAD: usize = 16 * 1024;
/// The longest piece of a report the server holds before handing it to the socket (each becomes one
/// HTTP chunk): a report's memory is a few of these, however long the report.
pub const REPORT_CHUNK: usize = 64 * 1024;
/// The largest `POST /api/headers` body: pasted `curl -i` output is small.
pub const MAX_HEADERS_BODY: u64 = 4 * 1024 * 1024;
/// The largest `POST /api/ingress` body: pasted manifests (Helm output of a whole cluster included).
pub const MAX_INGRESS_BODY: u64 = 16 * 1024 * 1024;
/// The name pasted manifests get in locations and messages (`pasted.yaml:LINE:COL`).
pub const PASTED_YAML: &str = "pasted.yaml";
/// Connections open at once; more get 503 at once. Cheap: an idle connection is a few KiB.
pub const MAX_CONNECTIONS: usize = 256;
/// Analyses running at once (the machine's cores, and a little more); more get 503 "busy".
pub const MAX_ANALYSES: usize = 4;
/// Default I/O timeout: for a request head, between body chunks, and for a client to take an answer.
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a connection may live, whatever it does (a backstop; the timeouts above end it first).
const CONNECTION_DEADLINE: Duration = Duration::from_secs(30 * 60);
/// What a report over the limit ends with if even its summary does not fit.
const TRUNCATED_NOTE: &str =
    "\n\ncrossjar: report truncated at the page's size limit; use the CLI for the whole report\n";

/// What the server needs to know.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The largest HAR upload accepted, in bytes.
    pub max_upload: u64,
    /// The largest answer written, in bytes; a HAR report keeps entries up to a quarter of it.
    pub max_report: u64,
    /// Header-read timeout, idle timeout of bodies and answers (see the module doc).
    pub io_timeout: Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            port: 0,
            max_upload: DEFAULT_MAX_UPLOAD,
            max_report: DEFAULT_MAX_REPORT,
            io_timeout: DEFAULT_IO_TIMEOUT,
        }
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
    config: ServeConfig,
    connections: Arc<Semaphore>,
    analyses: Arc<Semaphore>,
}

impl Server {
    /// Binds 127.0.0.1:`config.port` (loopback only, whatever the port).
    pub fn bind(config: &ServeConfig) -> io::Result<Server> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port)))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let ctx = Ctx {
            port,
            config: config.clone(),
            connections: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
            analyses: Arc::new(Semaphore::new(MAX_ANALYSES)),
        };
        Ok(Server { listener, ctx: Arc::new(ctx) })
    }

    /// The bound port (the free one picked when 0 was asked for).
    pub fn port(&self) -> u16 {
        self.ctx.port
    }

    /// The page's address.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.ctx.port)
    }

    /// Serves until the process ends (or the runtime cannot start): one task per connection on this
    /// thread, analyses on at most [`MAX_ANALYSES`] worker threads.
    pub fn run(self) -> io::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .max_blocking_threads(MAX_ANALYSES + 1)
            .thread_name("crossjar-serve")
            .build()?;
        runtime.block_on(accept_loop(self.listener, self.ctx))
    }
}

async fn accept_loop(listener: TcpListener, ctx: Arc<Ctx>) -> io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(ctx.config.io_timeout).keep_alive(false).max_buf_size(MAX_HEAD);
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            // A client that vanished between SYN and accept, or a transient fd shortage.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(slot) = Arc::clone(&ctx.connections).try_acquire_owned() else {
            let _ = stream.try_write(BUSY);
            continue;
        };
        let ctx = Arc::clone(&ctx);
        let conn = http.serve_connection(
            TokioIo::new(stream),
            hyper::service::service_fn({
                let ctx = Arc::clone(&ctx);
                move |req| {
                    let ctx = Arc::clone(&ctx);
                    async move { Ok::<_, Infallible>(handle(req, ctx).await) }
                }
            }),
        );
        tokio::spawn(async move {
            // The slot is this connection's until the task ends, however it ends.
            let _slot: OwnedSemaphorePermit = slot;
            let _ = tokio::time::timeout(CONNECTION_DEADLINE, conn).await;
        });
    }
}

/// The answer to a connection over [`MAX_CONNECTIONS`], written without reading its request.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n\
Content-Length: 52\r\nConnection: close\r\n\r\n{\"error\": \"too many connections at once; try again\"}";

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn answer(code: u16, content_type: &'static str, body: Out) -> Response<Out> {
    let mut r = Response::new(body);
    *r.status_mut() = status(code);
    r.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static(content_type));
    r
}

const JSON: &str = "application/json; charset=utf-8";

fn json_answer(code: u16, body: String) -> Response<Out> {
    answer(code, JSON, Out::text(body))
}

/// `{"error": message}` with `code`.
fn error(code: u16, message: &str) -> Response<Out> {
    json_answer(code, web::error_json(message))
}

fn with_allow(mut r: Response<Out>, allow: &'static str) -> Response<Out> {
    r.headers_mut().insert(hyper::header::ALLOW, hyper::header::HeaderValue::from_static(allow));
    r
}

async fn handle(req: Request<Incoming>, ctx: Arc<Ctx>) -> Response<Out> {
    let (parts, body) = req.into_parts();
    let mut response = match guard::admit(&parts, ctx.port) {
        Ok(()) => route(parts, body, &ctx).await,
        Err(refused) => {
            unread(body);
            refused
        }
    };
    guard::seal(&mut response);
    response
}

/// A body the answer does not need is read and dropped in the background (bounded), so the client
/// gets to read the answer instead of a reset connection.
fn unread(body: Incoming) {
    tokio::spawn(body::drain(body));
}

async fn route(parts: Parts, body: Incoming, ctx: &Arc<Ctx>) -> Response<Out> {
    let get = parts.method == Method::GET || parts.method == Method::HEAD;
    let post = parts.method == Method::POST;
    let path = parts.uri.path().to_string();
    match path.as_str() {
        "/api/har" if post => har(parts, body, ctx).await,
        "/api/headers" if post => headers(parts, body, ctx).await,
        "/api/ingress" if post => ingress(parts, body, ctx).await,
        other => {
            unread(body);
            match other {
                "/api/har" | "/api/headers" | "/api/ingress" => with_allow(error(405, "use POST"), "POST"),
                "/api/limits" if get => json_answer(
                    200,
                    serde_json::json!({ "max_upload": ctx.config.max_upload, "max_report": ctx.config.max_report })
                        .to_string(),
                ),
                p if get && p.starts_with("/api/rules/") => {
                    let id = &p["/api/rules/".len()..];
                    match rule(id) {
                        Some(r) => answer(200, "text/markdown; charset=utf-8", Out::text(r.doc)),
                        None => error(404, &format!("no rule `{}`", crate::output::escape::text(clip(id)))),
                    }
                }
                p => match web::asset(p) {
                    Some((ct, text)) if get => answer(200, ct, Out::text(text)),
                    Some(_) => with_allow(error(405, "use GET"), "GET, HEAD"),
                    None => error(404, &format!("nothing at {}", crate::output::escape::text(clip(p)))),
                },
            }
        }
    }
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(200) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The query's values for `key`, decoded.
fn query_values(parts: &Parts, key: &str) -> Vec<String> {
    url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .collect()
}

fn browsers_param(parts: &Parts) -> Result<Vec<Browser>, Response<Out>> {
    let values = query_values(parts, "browser");
    Browser::parse_list(values.iter().map(|v| v.as_ref())).map_err(|e| error(400, &e))
}

fn flag_param(parts: &Parts, key: &str) -> Result<bool, Response<Out>> {
    match query_values(parts, key).last().map(String::as_str) {
        None | Some("0") | Some("false") | Some("") => Ok(false),
        Some("1") | Some("true") => Ok(true),
        Some(v) => Err(error(400, &format!("{key}=`{}`: use 0 or 1", crate::output::escape::text(clip(v))))),
    }
}

/// The name messages use for the upload: the file name the page sent, without any directory.
fn upload_name(parts: &Parts) -> String {
    let raw = query_values(parts, "name").pop().unwrap_or_default();
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        "upload.har".into()
    } else {
        clean
    }
}

/// Checks the framing of a POST body: `Content-Length` only, at most `limit` bytes.
fn body_length(parts: &Parts, limit: u64, what: &str) -> Result<u64, Response<Out>> {
    if parts.headers.contains_key(hyper::header::TRANSFER_ENCODING) {
        return Err(error(501, "chunked or encoded uploads are not supported: send a Content-Length"));
    }
    let values: Vec<&hyper::header::HeaderValue> =
        parts.headers.get_all(hyper::header::CONTENT_LENGTH).iter().collect();
    let len = match values.as_slice() {
        [] => return Err(error(411, "a Content-Length is required")),
        [v] => v
            .to_str()
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| error(400, "Content-Length is not a number"))?,
        _ => return Err(error(400, "more than one Content-Length")),
    };
    if len > limit {
        return Err(error(
            413,
            &format!("{what} is {len} bytes, over the limit of {limit} bytes (start `crossjar serve --max-upload` with more)"),
        ));
    }
    Ok(len)
}

fn busy() -> Response<Out> {
    error(503, &format!("{MAX_ANALYSES} analyses are already running; try again in a moment"))
}

/// `POST /api/har`: the upload goes to an unlinked owner-only spill file as it arrives (holding no
/// worker, so a slow client delays only itself), then one worker analyses it and the report streams
/// back.
async fn har(parts: Parts, body: Incoming, ctx: &Arc<Ctx>) -> Response<Out> {
    let idle = ctx.config.io_timeout;
    let checked = (|| {
        let len = body_length(&parts, ctx.config.max_upload, "the upload")?;
        Ok((len, browsers_param(&parts)?, flag_param(&parts, "show_values")?))
    })();
    let (len, browsers, show_values) = match checked {
        Ok(c) => c,
        Err(r) => {
            unread(body);
            return r;
        }
    };
    let name = upload_name(&parts);
    let mut spill = match Spill::new() {
        Ok(s) => s,
        Err(e) => {
            unread(body);
            return error(500, &format!("cannot create a temporary file in {} ({e})", std::env::temp_dir().display()));
        }
    };
    if let Err(cut) = body::receive(body, len, idle, |chunk| io::Write::write_all(spill.writer(), chunk)).await {
        let (code, message) = cut.answer(&format!("{}: the upload", crate::output::escape::text(&name)), len);
        return error(code, &message);
    }
    let Ok(permit) = Arc::clone(&ctx.analyses).try_acquire_owned() else { return busy() };
    let cookies: Vec<String> = query_values(&parts, "cookie")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let job = HarJob {
        name,
        options: ReplayOptions { browsers },
        focus: Focus { cookies, ..Focus::default() },
        show_values,
        cap: ctx.config.max_report,
    };
    on_worker(ctx, permit, move |reply| job.run(spill, reply)).await
}

/// One HAR upload's analysis, on a worker thread.
struct HarJob {
    name: String,
    options: ReplayOptions,
    focus: Focus,
    show_values: bool,
    cap: u64,
}

impl HarJob {
    fn run(&self, upload: Spill, reply: Reply) {
        let prepared = upload
            .into_reader()
            .and_then(|r| json::HarJsonStream::new(&self.options.browsers, self.show_values).map(|s| (r, s)));
        let (mut reader, mut stream) = match prepared {
            Ok(p) => p,
            Err(e) => return reply.whole(error(500, &format!("cannot use a temporary file ({e})"))),
        };
        // Entries are kept up to a quarter of the cap (the last one may pass it): the rest of the answer
        // (summary, findings, the note) fits in the other three.
        let entry_budget = self.cap / 4;
        let mut kept = 0usize;
        let mut truncated = false;
        let mut spill_failed = None;
        let (report, err) =
            stream_har_reader_by_ref(&mut reader, Path::new(&self.name), &self.options, &self.focus, &mut |verdicts| {
                if truncated || spill_failed.is_some() {
                    return;
                }
                match stream.spilled_bytes() {
                    Ok(n) if n > entry_budget => truncated = true,
                    Ok(_) => match stream.entry(verdicts) {
                        Ok(()) => kept += 1,
                        Err(e) => spill_failed = Some(e),
                    },
                    Err(e) => spill_failed = Some(e),
                }
            });
        drop(reader);
        let (code, message) = if let Some(e) = spill_failed {
            (500, Some(format!("cannot write a temporary file ({e})")))
        } else if let Some(e) = err {
            (422, Some(e.to_string()))
        } else if truncated {
            let message = format!(
                "report truncated: the page shows at most {} of report, here the first {kept} of {} entries; \
                 use the CLI for the whole report (crossjar har {})",
                human_size(self.cap),
                report.entries,
                self.name
            );
            (422, Some(message))
        } else {
            (200, None)
        };
        let Some(message) = message else {
            let mut out = reply.stream(code);
            if stream.finish(&mut out, &report).is_ok() {
                let _ = out.finish();
            }
            return;
        };
        if code != 422 || report.entries == 0 {
            return reply.whole(error(code, &crate::output::escape::text(&message)));
        }
        let mut out = reply.stream(code);
        let written = (|| {
            let start = web::error_with_report_start(&crate::output::escape::text(&message));
            io::Write::write_all(&mut out, start.as_bytes())?;
            stream.finish(&mut out, &report)?;
            io::Write::write_all(&mut out, b"}")
        })();
        if written.is_ok() {
            let _ = out.finish();
        }
    }
}

/// `65536` → `64 KiB`, `67108864` → `64 MiB`.
fn human_size(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// Reads a small JSON body (already length-checked) and decodes it; the error names the place
/// (`request body:LINE:COL`).
async fn json_body<T: serde::de::DeserializeOwned>(
    parts: &Parts,
    body: Incoming,
    limit: u64,
    what: &str,
    idle: Duration,
) -> Result<T, Response<Out>> {
    let checked = body_length(parts, limit, what).and_then(|len| {
        // Requiring JSON also makes a cross-origin browser send a preflight, which this server never
        // answers with CORS headers.
        let json_type =
            parts.headers.get(hyper::header::CONTENT_TYPE).and_then(|t| t.to_str().ok()).is_some_and(|t| {
                t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if json_type {
            Ok(len)
        } else {
            Err(error(415, "send the request as Content-Type: application/json"))
        }
    });
    let len = match checked {
        Ok(l) => l,
        Err(r) => {
            unread(body);
            return Err(r);
        }
    };
    let mut bytes = Vec::with_capacity(len.min(1 << 20) as usize);
    if let Err(cut) = body::receive(body, len, idle, |chunk| {
        bytes.extend_from_slice(chunk);
        Ok(())
    })
    .await
    {
        let (code, message) = cut.answer("the request body", len);
        return Err(error(code, &message));
    }
    serde_json::from_slice(&bytes).map_err(|e| error(400, &format!("request body:{}:{}: {e}", e.line(), e.column())))
}

/// How a worker answers: a whole (small) answer, or a status and then a report streamed through a
/// [`ChunkWriter`], so no report is ever held whole in memory.
struct Reply {
    answer: oneshot::Sender<Response<Out>>,
    out_tx: mpsc::Sender<hyper::body::Bytes>,
    out_rx: mpsc::Receiver<hyper::body::Bytes>,
    runtime: tokio::runtime::Handle,
    cap: u64,
    idle: Duration,
}

impl Reply {
    fn whole(self, r: Response<Out>) {
        let _ = self.answer.send(r);
    }

    /// Answers `code` at once; the body is what is then written to the returned writer.
    fn stream(self, code: u16) -> ChunkWriter {
        let _ = self.answer.send(answer(code, JSON, Out::Stream(self.out_rx)));
        ChunkWriter::new(self.out_tx, self.runtime, self.cap, self.idle, TRUNCATED_NOTE)
    }

    /// Sends the report `render` writes with `code`, wrapped as `{"error": message, "report": …}`
    /// when there is a message. `render` runs twice: first into a counter that keeps nothing and stops
    /// at the cap, to choose between the report and the "use the CLI" answer before the status goes
    /// out; then into the answer, chunk by chunk. Memory stays a few chunks whatever the report's size.
    fn report(
        self,
        code: u16,
        message: Option<&str>,
        cli: &str,
        render: impl Fn(&mut dyn io::Write) -> io::Result<()>,
    ) {
        let prefix = message.map(web::error_with_report_start);
        let suffix: &[u8] = if prefix.is_some() { b"}" } else { b"" };
        let write_all = |out: &mut dyn io::Write| {
            out.write_all(prefix.as_deref().unwrap_or("").as_bytes())?;
            render(out)?;
            out.write_all(suffix)
        };
        // The chunk writer keeps room for its own note under the cap: a report that fits here is sent whole.
        let fits = self.cap.saturating_sub(TRUNCATED_NOTE.len() as u64);
        let mut counter = Counter { counted: 0, limit: fits };
        match write_all(&mut counter) {
            Ok(()) => {}
            Err(_) if counter.counted > fits => {
                let cap = human_size(self.cap);
                return self.whole(error(
                    422,
                    &format!(
                        "report truncated: it is over the page's limit of {cap}; use the CLI for the whole report ({cli})"
                    ),
                ));
            }
            Err(e) => return self.whole(error(500, &format!("cannot render the report ({e})"))),
        }
        let mut out = self.stream(code);
        if write_all(&mut out).is_ok() {
            let _ = out.finish();
        }
    }
}

/// A writer that only counts, and fails once past `limit` (so an oversized report costs no more than
/// the limit's worth of rendering to find out).
struct Counter {
    counted: u64,
    limit: u64,
}

impl io::Write for Counter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.counted += data.len() as u64;
        if self.counted > self.limit {
            return Err(io::Error::other("over the report limit"));
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `job` on a worker thread holding `permit`; the job answers through its [`Reply`].
async fn on_worker(ctx: &Ctx, permit: OwnedSemaphorePermit, job: impl FnOnce(Reply) + Send + 'static) -> Response<Out> {
    let (out_tx, out_rx) = mpsc::channel(body::CHANNEL_CHUNKS);
    let (answer_tx, answer_rx) = oneshot::channel();
    let reply = Reply {
        answer: answer_tx,
        out_tx,
        out_rx,
        runtime: tokio::runtime::Handle::current(),
        cap: ctx.config.max_report,
        idle: ctx.config.io_timeout,
    };
    let worker = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        job(reply)
    });
    match answer_rx.await {
        Ok(r) => r,
        // The job ended without answering: it panicked (it should not).
        Err(_) => {
            let _ = worker.await;
            error(500, "the analysis stopped unexpectedly")
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

async fn headers(parts: Parts, body: Incoming, ctx: &Arc<Ctx>) -> Response<Out> {
    let parsed: HeadersBody =
        match json_body(&parts, body, MAX_HEADERS_BODY, "the pasted text", ctx.config.io_timeout).await {
            Ok(p) => p,
            Err(r) => return r,
        };
    let Ok(permit) = Arc::clone(&ctx.analyses).try_acquire_owned() else { return busy() };
    on_worker(ctx, permit, move |reply| headers_answer(parsed, reply)).await
}

fn headers_answer(parsed: HeadersBody, reply: Reply) {
    let browsers: Vec<Browser> = Browser::ALL
        .iter()
        .copied()
        .filter(|b| match parsed.browser.as_deref().map(str::trim) {
            None | Some("") | Some("all") => true,
            Some(one) => b.as_str() == one,
        })
        .collect();
    if browsers.is_empty() {
        return reply.whole(error(
            400,
            &format!(
                "unknown browser `{}`: use chrome, chrome-3pc-blocked, firefox, safari or all",
                crate::output::escape::text(clip(parsed.browser.as_deref().unwrap_or_default()))
            ),
        ));
    }
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
            let findings = crate::analysis::headers::findings(&out.report);
            let (code, message) = match out.problems.first() {
                None => (200, None),
                Some(p) => (422, Some(p.as_str())),
            };
            reply.report(code, message, "crossjar headers", |w| json::write_headers_report(w, &out.report, &findings));
        }
        Err(e) => reply.whole(error(if e.problems.is_empty() { 400 } else { 422 }, &e.message)),
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

async fn ingress(parts: Parts, body: Incoming, ctx: &Arc<Ctx>) -> Response<Out> {
    let parsed: IngressBody =
        match json_body(&parts, body, MAX_INGRESS_BODY, "the pasted YAML", ctx.config.io_timeout).await {
            Ok(p) => p,
            Err(r) => return r,
        };
    let Ok(permit) = Arc::clone(&ctx.analyses).try_acquire_owned() else { return busy() };
    on_worker(ctx, permit, move |reply| ingress_answer(parsed, reply)).await
}

fn ingress_answer(parsed: IngressBody, reply: Reply) {
    let browser_list = parsed.browsers.map(OneOrMany::into_vec).unwrap_or_default();
    let browsers = match Browser::parse_list(browser_list.iter().map(String::as_str)) {
        Ok(b) => b,
        Err(e) => return reply.whole(error(400, &e)),
    };
    let params = IngressParams {
        from: parsed.from.map(OneOrMany::into_vec).unwrap_or_default(),
        tls_terminates_at: parsed.tls_terminates_at,
        controller: parsed.controller,
    };
    let out = match analyse_ingress_text(PASTED_YAML, &parsed.yaml, &params, &browsers) {
        Ok(o) => o,
        Err(e) => return reply.whole(error(400, &e.message)),
    };
    // Every broken document, one a line; the report still covers the documents that were read.
    let message = (!out.analysis.errors.is_empty())
        .then(|| out.analysis.errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
    let code = if message.is_some() { 422 } else { 200 };
    reply.report(code, message.as_deref(), "crossjar ingress", |w| {
        ingress_json::write(w, &out.analysis, &out.frontends)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_answer_is_well_framed() {
        let text = std::str::from_utf8(BUSY).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let len: usize = head.lines().find_map(|l| l.strip_prefix("Content-Length: ")).unwrap().parse().unwrap();
        assert_eq!(len, body.len());
        assert!(serde_json::from_str::<serde_json::Value>(body).is_ok());
    }

    #[test]
    fn sizes_are_named_for_people() {
        assert_eq!(human_size(64 << 20), "64 MiB");
        assert_eq!(human_size(16 * 1024), "16 KiB");
        assert_eq!(human_size(1000), "1000 bytes");
    }
}
