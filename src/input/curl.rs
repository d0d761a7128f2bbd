//! Reads HTTP responses as `curl -i` and `curl -v` print them.
//!
//! One file may hold several responses: redirects (`curl -i -L`), interim `HTTP/1.1 100 Continue`,
//! a proxy's `HTTP/1.1 200 Connection established`, or several captures pasted one after another.
//! Status lines may be HTTP/1.0, 1.1, 2 or 3 (`HTTP/2 200`); lines may end in CRLF or LF. In `curl -v`
//! output, `< ` lines are the response, `> ` lines the request (kept as [`RawRequest`]), `* ` lines
//! are curl's own notes (ignored), and unprefixed lines are the body (ignored). Obsolete line folding
//! (a header line starting with a space or tab) is joined to the previous header with one space.
//!
//! Broken lines are reported as [`CurlError`]s with their line and column, and the rest of the file is
//! still read, so the good parts can be analysed.
//!
//! ```
//! let text = "HTTP/2 200 \r\naccess-control-allow-origin: https://kontext.build\r\n\r\n{}";
//! let parsed = crossjar::input::curl::parse(text);
//! assert!(parsed.errors.is_empty());
//! assert_eq!(parsed.responses[0].status, 200);
//! assert_eq!(parsed.responses[0].headers.get("Access-Control-Allow-Origin"), Some("https://kontext.build"));
//! ```

use crate::model::http::{Header, Headers};
use std::fmt;

/// A request as `curl -v` prints it (`> GET /path HTTP/1.1` and its `> Name: value` lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRequest {
    /// The method (`GET`, `OPTIONS`, ...).
    pub method: String,
    /// The request target as printed (usually a path, `host:port` for `CONNECT`).
    pub target: String,
    /// The version from the request line (`HTTP/1.1`), or `HTTP/2` when curl printed none.
    pub http_version: String,
    /// The request headers as printed.
    pub headers: Headers,
    /// The 1-based line of the request line.
    pub line: usize,
}

/// One response: its status line and headers (the body is not kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// The protocol as printed: `HTTP/1.1`, `HTTP/2`, `HTTP/3`, ...
    pub http_version: String,
    /// The reason phrase (empty for HTTP/2 and HTTP/3).
    pub reason: String,
    /// The headers, in order, duplicates kept.
    pub headers: Headers,
    /// The 1-based line of the status line.
    pub line: usize,
    /// The request `curl -v` printed before this response, if any.
    pub request: Option<RawRequest>,
}

impl RawResponse {
    /// Whether this is an interim `1xx` response (`100 Continue`, `103 Early Hints`), not an answer
    /// to the request.
    pub fn is_interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }

    /// Whether this is a proxy's answer to `CONNECT` (`200 Connection established`) that precedes the
    /// real response when curl goes through a proxy.
    pub fn is_proxy_connect(&self) -> bool {
        let connect = self.request.as_ref().is_some_and(|r| r.method == "CONNECT");
        (200..300).contains(&self.status) && (connect || self.reason.eq_ignore_ascii_case("connection established"))
    }
}

/// The responses that answer the request: interim `1xx` and proxy `CONNECT` answers dropped, so what
/// is left is the redirect hops followed by the final response.
pub fn exchange_responses(responses: &[RawResponse]) -> Vec<&RawResponse> {
    responses.iter().filter(|r| !r.is_interim() && !r.is_proxy_connect()).collect()
}

/// A line that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurlError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in characters) where the problem starts.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CurlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for CurlError {}

/// What [`parse`] found: every response it could read and every problem, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CurlParse {
    /// The responses, in file order.
    pub responses: Vec<RawResponse>,
    /// The problems, in file order.
    pub errors: Vec<CurlError>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first status line.
    Start,
    /// In a response's header block.
    Headers,
    /// In a request's header block (`curl -v`).
    RequestHeaders,
    /// After the blank line that ends a header block.
    AfterBlank,
    /// In a body.
    Body,
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Parses `HTTP/<version> <3 digits>[ <reason>]`; `Err((column, message))` when the line starts like a
/// status line but is malformed; `Ok(None)` when it does not start with `HTTP/`.
/// A parsed status line: version, status code, reason phrase.
type StatusLine = (String, u16, String);

/// A problem at a column.
type ColumnError = (usize, String);

fn status_line(line: &str) -> Result<Option<StatusLine>, ColumnError> {
    if !line.starts_with("HTTP/") {
        return Ok(None);
    }
    let (version, rest) = line.split_once(' ').unwrap_or((line, ""));
    let ver = &version[5..];
    let valid_version = matches!(ver.split_once('.'), Some((a, b)) if !a.is_empty() && !b.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit()))
        || (!ver.is_empty() && ver.bytes().all(|c| c.is_ascii_digit()));
    if !valid_version {
        return Err((6, format!("`{version}` is not an HTTP version (expected HTTP/1.1, HTTP/2, ...)")));
    }
    let rest = rest.trim_start_matches(' ');
    let code_col = line.len() - rest.len() + 1;
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    if code.len() != 3 || !code.bytes().all(|c| c.is_ascii_digit()) {
        return Err((code_col, format!("expected a three-digit status code after `{version}`, found `{code}`")));
    }
    let status: u16 = code.parse().map_err(|_| (code_col, "status code out of range".to_string()))?;
    if status < 100 {
        return Err((code_col, format!("status code {status} is below 100")));
    }
    Ok(Some((version.to_string(), status, reason.trim().to_string())))
}

fn request_line(line: &str) -> Option<(String, String, String)> {
    let mut parts = line.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next().unwrap_or("HTTP/2");
    if method.is_empty()
        || !method.chars().all(is_token_char)
        || !version.starts_with("HTTP/")
        || parts.next().is_some()
    {
        return None;
    }
    Some((method.to_string(), target.to_string(), version.to_string()))
}

struct Parser {
    out: CurlParse,
    state: State,
    pending_request: Option<RawRequest>,
    reported_junk: bool,
}

impl Parser {
    fn error(&mut self, line: usize, column: usize, message: impl Into<String>) {
        self.out.errors.push(CurlError { line, column, message: message.into() });
    }

    fn current_headers(&mut self) -> Option<&mut Headers> {
        match self.state {
            State::Headers => self.out.responses.last_mut().map(|r| &mut r.headers),
            State::RequestHeaders => self.pending_request.as_mut().map(|r| &mut r.headers),
            _ => None,
        }
    }

    /// A header line, an obs-fold continuation or a broken line, inside a header block. `offset` is the
    /// number of prefix characters (`< `) stripped before `text`, for columns.
    fn header_line(&mut self, n: usize, text: &str, offset: usize) {
        if text.starts_with([' ', '\t']) {
            let folded = text.trim_matches([' ', '\t']).to_string();
            match self.current_headers().and_then(|h| h.0.last_mut()) {
                Some(last) => {
                    if !folded.is_empty() {
                        if !last.value.is_empty() {
                            last.value.push(' ');
                        }
                        last.value.push_str(&folded);
                    }
                }
                None => self.error(n, offset + 1, "continuation line (starts with a space or tab) before any header"),
            }
            return;
        }
        let Some(colon) = text.find(':') else {
            self.error(n, offset + 1, format!("expected `Name: value`, found `{}`", truncate(text)));
            return;
        };
        let name = &text[..colon];
        if let Some(bad) = name.char_indices().find(|(_, c)| !is_token_char(*c)) {
            let col = offset + name[..bad.0].chars().count() + 1;
            let msg = if name.is_empty() {
                "header line has an empty name".to_string()
            } else {
                format!("invalid character {:?} in header name `{}`", bad.1, truncate(name))
            };
            self.error(n, col, msg);
            return;
        }
        if name.is_empty() {
            self.error(n, offset + 1, "header line has an empty name");
            return;
        }
        let value = text[colon + 1..].trim_matches([' ', '\t']).to_string();
        if let Some(h) = self.current_headers() {
            h.0.push(Header::new(name, value));
        }
    }

    fn start_response(&mut self, n: usize, version: String, status: u16, reason: String) {
        self.out.responses.push(RawResponse {
            status,
            http_version: version,
            reason,
            headers: Headers::default(),
            line: n,
            request: self.pending_request.take(),
        });
        self.state = State::Headers;
    }

    /// A line that is not part of a header block: a status line, or body / junk.
    fn outside_line(&mut self, n: usize, text: &str, offset: usize) {
        let at_boundary = matches!(self.state, State::Start | State::AfterBlank);
        match status_line(text) {
            Ok(Some((v, s, r))) if at_boundary || self.state == State::Body => self.start_response(n, v, s, r),
            Err((col, msg)) if at_boundary => self.error(n, offset + col, msg),
            _ => {
                if self.state == State::Start && !text.trim().is_empty() && !self.reported_junk {
                    self.reported_junk = true;
                    self.error(
                        n,
                        offset + 1,
                        format!("expected a status line such as `HTTP/1.1 200 OK`, found `{}`", truncate(text)),
                    );
                } else if self.state == State::AfterBlank && !text.is_empty() {
                    self.state = State::Body;
                }
            }
        }
    }
}

fn truncate(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

/// Reads every response in `text` (`curl -i` or `curl -v` output). Never fails: problems are
/// collected in [`CurlParse::errors`], and a file without any status line gets one error.
pub fn parse(text: &str) -> CurlParse {
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let verbose = lines.iter().any(|l| l.starts_with("< HTTP/") || l.starts_with("> "));
    let mut p = Parser { out: CurlParse::default(), state: State::Start, pending_request: None, reported_junk: false };
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        if verbose {
            if let Some(rest) = raw.strip_prefix('<') {
                let text = rest.strip_prefix(' ').unwrap_or(rest);
                if p.state == State::RequestHeaders {
                    p.state = State::AfterBlank;
                }
                if text.is_empty() {
                    if p.state == State::Headers {
                        p.state = State::AfterBlank;
                    }
                } else if p.state == State::Headers && !text.starts_with("HTTP/") {
                    p.header_line(n, text, 2);
                } else {
                    p.outside_line(n, text, 2);
                }
            } else if let Some(rest) = raw.strip_prefix('>') {
                let text = rest.strip_prefix(' ').unwrap_or(rest);
                if text.is_empty() {
                    if p.state == State::RequestHeaders {
                        p.state = State::AfterBlank;
                    }
                } else if p.state == State::RequestHeaders {
                    p.header_line(n, text, 2);
                } else if let Some((method, target, version)) = request_line(text) {
                    p.pending_request = Some(RawRequest {
                        method,
                        target,
                        http_version: version,
                        headers: Headers::default(),
                        line: n,
                    });
                    p.state = State::RequestHeaders;
                } else {
                    p.error(
                        n,
                        3,
                        format!("expected a request line such as `GET / HTTP/1.1`, found `{}`", truncate(text)),
                    );
                }
            }
            // `* ` notes, `{ `/`} ` data markers and unprefixed body lines are ignored.
            continue;
        }
        match p.state {
            State::Headers if raw.is_empty() => p.state = State::AfterBlank,
            State::Headers => p.header_line(n, raw, 0),
            _ => p.outside_line(n, raw, 0),
        }
    }
    if p.out.responses.is_empty() && p.out.errors.is_empty() {
        p.error(1, 1, "no HTTP response found (expected `curl -i` or `curl -v` output starting with a status line)");
    }
    p.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_response_crlf_with_body() {
        let t = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: route=3f2a; Path=/\r\n\r\nhello\r\nHTTP/1.1 is in the body\r\n";
        let p = parse(t);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.responses.len(), 1);
        let r = &p.responses[0];
        assert_eq!((r.status, r.http_version.as_str(), r.reason.as_str(), r.line), (200, "HTTP/1.1", "OK", 1));
        assert_eq!(r.headers.set_cookie_lines(), vec!["route=3f2a; Path=/"]);
    }

    #[test]
    fn http2_status_line_with_trailing_space_lf() {
        let p = parse("HTTP/2 204 \nvary: Origin\n\n");
        let r = &p.responses[0];
        assert_eq!((r.status, r.http_version.as_str(), r.reason.as_str()), (204, "HTTP/2", ""));
        assert_eq!(r.headers.get("Vary"), Some("Origin"));
        let p = parse("HTTP/3 200\nx: 1\n");
        assert_eq!(p.responses[0].http_version, "HTTP/3");
        let p = parse("HTTP/1.0 404 Not Found\n\n");
        assert_eq!((p.responses[0].status, p.responses[0].reason.as_str()), (404, "Not Found"));
    }

    #[test]
    fn redirect_chain_and_continue() {
        let t = "HTTP/1.1 100 Continue\n\nHTTP/1.1 302 Found\nLocation: /b\n\nHTTP/1.1 200 OK\nX: y\n\nbody";
        let p = parse(t);
        assert!(p.errors.is_empty());
        let st: Vec<(u16, usize)> = p.responses.iter().map(|r| (r.status, r.line)).collect();
        assert_eq!(st, vec![(100, 1), (302, 3), (200, 6)]);
        let ex: Vec<u16> = exchange_responses(&p.responses).iter().map(|r| r.status).collect();
        assert_eq!(ex, vec![302, 200]);
    }

    #[test]
    fn proxy_connection_established_is_dropped() {
        let t = "HTTP/1.1 200 Connection established\n\nHTTP/2 200 \naccess-control-allow-origin: *\n\n";
        let p = parse(t);
        assert_eq!(p.responses.len(), 2);
        let ex = exchange_responses(&p.responses);
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].headers.get("access-control-allow-origin"), Some("*"));
    }

    #[test]
    fn obs_fold_is_joined() {
        let p = parse("HTTP/1.1 200 OK\nAccess-Control-Allow-Headers: content-type,\n\tx-trace\n\n");
        assert!(p.errors.is_empty());
        assert_eq!(p.responses[0].headers.get("access-control-allow-headers"), Some("content-type, x-trace"));
    }

    #[test]
    fn verbose_output_with_request() {
        let t = "*   Trying 203.0.113.7:443...\n\
                 * Connected to jsbundler.coinnation.io\n\
                 > OPTIONS /kontext/preview HTTP/2\n\
                 > Host: jsbundler.coinnation.io\n\
                 > Origin: https://kontext.build\n\
                 > Access-Control-Request-Method: POST\n\
                 > \n\
                 < HTTP/2 404 \n\
                 < content-type: text/html\n\
                 < \n\
                 <html>not found</html>\n\
                 * Connection #0 left intact\n";
        let p = parse(t);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.responses.len(), 1);
        let r = &p.responses[0];
        assert_eq!((r.status, r.line), (404, 8));
        let req = r.request.as_ref().unwrap();
        assert_eq!((req.method.as_str(), req.target.as_str(), req.line), ("OPTIONS", "/kontext/preview", 3));
        assert_eq!(req.headers.get("origin"), Some("https://kontext.build"));
        assert_eq!(r.headers.get("content-type"), Some("text/html"));
    }

    #[test]
    fn broken_lines_are_reported_and_rest_is_read() {
        let t = "$ curl -i https://x.example\nHTTP/1.1 200 OK\nGood: 1\nno colon here\nBad Name: 2\n: empty\n\tfolded\nAlso-Good: 3\n\n";
        let p = parse(t);
        let where_: Vec<(usize, usize)> = p.errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(where_, vec![(1, 1), (4, 1), (5, 4), (6, 1)]);
        assert!(p.errors[0].to_string().starts_with("line 1, column 1: expected a status line"));
        let h = &p.responses[0].headers;
        assert_eq!(h.get("good"), Some("1 folded"));
        assert_eq!(h.get("also-good"), Some("3"));
        assert_eq!(h.0.len(), 2);
    }

    #[test]
    fn bad_status_lines() {
        let p = parse("HTTP/1.1 2000 OK\n\n");
        assert_eq!((p.errors[0].line, p.errors[0].column), (1, 10));
        assert!(p.responses.is_empty());
        let p = parse("HTTP/x 200 OK\n");
        assert_eq!(p.errors[0].column, 6);
        let p = parse("");
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].message.contains("no HTTP response"));
        let p = parse("HTTP/1.1 099 Low\n");
        assert!(p.errors[0].message.contains("below 100"));
    }

    #[test]
    fn continuation_before_any_header_is_an_error() {
        let p = parse("HTTP/1.1 200 OK\n  stray\nX: 1\n");
        assert_eq!((p.errors[0].line, p.errors[0].column), (2, 1));
        assert_eq!(p.responses[0].headers.get("x"), Some("1"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for t in [
            "HTTP/",
            "HTTP/1.1",
            "HTTP/1.1 ",
            "< ",
            "> ",
            ">",
            "<",
            "\r\n\r\n",
            "HTTP/1.1 200 OK\n:\n",
            "> GET\n< HTTP/2 200\n< é: x\n",
            "HTTP/1.1 200 é\nÄ: 1\n",
        ] {
            let _ = parse(t);
        }
    }
}
