//! Wiring for `curl -i` text → `crossjar headers` analysis, without any I/O, so the command line and the
//! local web page judge pasted headers through one code path. The caller reads the text and renders
//! the report; this only validates the request description and connects the layers.

use url::Url;

use crate::analysis::headers::{analyse, HeadersReport, HeadersRequest};
use crate::input::curl;
use crate::model::cookie_date::parse_cookie_date;
use crate::model::http::{Header, Headers};
use crate::model::profile::Browser;
use crate::model::request::{CredentialsMode, RequestKind};
use crate::model::site::Origin;
use crate::model::time::Timestamp;

/// The request the pasted responses answered, as the user typed it (strings, validated here so both
/// front ends give the same messages).
#[derive(Clone, Debug)]
pub struct HeadersParams {
    /// The request URL.
    pub url: String,
    /// The page origin making the request (`None` or empty: the URL's own origin).
    pub from: Option<String>,
    /// The request method (any case). Empty: the `Access-Control-Request-Method` of a preflight
    /// `curl -v` printed, else `GET`.
    pub method: String,
    /// Headers the page sets, each `Name: value`.
    pub request_headers: Vec<String>,
    /// `omit`, `same-origin` or `include`.
    pub credentials: String,
    /// `fetch`, `xhr`, `navigation`, `iframe`, `subresource` or `websocket`.
    pub kind: String,
    /// The (first) response answers the request's preflight (`OPTIONS`), as with
    /// `curl -si -X OPTIONS …`; a `> OPTIONS` request line printed by `curl -v` says so too.
    pub preflight: bool,
}

impl Default for HeadersParams {
    /// No URL yet; the `crossjar headers` defaults for the rest (`fetch`, credentials
    /// `same-origin`, the method from the text or `GET`), so callers can write
    /// `HeadersParams { url, ..Default::default() }`.
    fn default() -> Self {
        HeadersParams {
            url: String::new(),
            from: None,
            method: String::new(),
            request_headers: Vec::new(),
            credentials: "same-origin".to_string(),
            kind: "fetch".to_string(),
            preflight: false,
        }
    }
}

/// The result: the report, plus the problems in the pasted text that did not stop the analysis
/// (each already formatted as `input:line:col: message`).
#[derive(Debug)]
pub struct HeadersOutcome {
    /// The analysis.
    pub report: HeadersReport,
    /// Its findings at their registry severities (before any `crossjar.toml` policy).
    pub findings: Vec<crate::analysis::report::Finding>,
    /// Lines of the text that could not be read; the rest was analysed.
    pub problems: Vec<String>,
}

/// Why nothing could be analysed.
#[derive(Debug)]
pub struct HeadersError {
    /// What is wrong and where, in words that say what to do next.
    pub message: String,
    /// Problems found in the text before giving up (`input:line:col: message`).
    pub problems: Vec<String>,
    /// Which part of the input is wrong.
    pub kind: HeadersErrorKind,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What a [`HeadersError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeadersErrorKind {
    /// A field of the request description ([`HeadersParams`]): `url`, `from`, `credentials`, `kind`
    /// or `request-header` (the message starts with this name; the command line adds `--`).
    Field(&'static str),
    /// The text holds no HTTP response.
    NoResponse,
}

impl std::fmt::Display for HeadersError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HeadersError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

fn field(
    name: &'static str,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
) -> HeadersError {
    HeadersError { message, problems: Vec::new(), kind: HeadersErrorKind::Field(name), source }
}

/// The method a `curl -v` preflight asked about (`> Access-Control-Request-Method: POST`).
fn requested_method(responses: &[&curl::RawResponse]) -> Option<String> {
    let request = responses.first()?.request.as_ref().filter(|r| r.method == "OPTIONS")?;
    request.headers.get("access-control-request-method").map(|m| m.trim().to_string()).filter(|m| !m.is_empty())
}

/// The instant verdicts are judged at when the last response has no `Date` header: fixed, so the
/// same text gives the same verdicts tomorrow.
pub const FIXED_NOW: Timestamp = Timestamp::from_unix_secs(1_780_000_000);

/// Parses the `curl -i` / `curl -v` text and judges its responses per browser, exactly as
/// `crossjar headers` does. `input` names the text in messages (a file name, or `pasted text`).
pub fn analyse_headers_text(
    input: &str,
    text: &str,
    params: &HeadersParams,
    browsers: &[Browser],
) -> Result<HeadersOutcome, HeadersError> {
    let url = Url::parse(params.url.trim())
        .map_err(|e| field("url", format!("url `{}` is not a URL ({e})", params.url.trim()), Some(Box::new(e))))?;
    let from = match params.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(f) => Some(Origin::parse(f).map_err(|e| field("from", format!("from: {e}"), None))?),
        None => None,
    };
    let credentials = CredentialsMode::parse(params.credentials.trim()).ok_or_else(|| {
        let c = params.credentials.trim();
        field("credentials", format!("credentials `{c}`: use omit, same-origin or include"), None)
    })?;
    let kind = RequestKind::parse(params.kind.trim()).filter(|k| *k != RequestKind::Preflight).ok_or_else(|| {
        let k = params.kind.trim();
        field("kind", format!("kind `{k}`: use fetch, xhr, navigation, iframe, subresource or websocket"), None)
    })?;
    let mut headers = Vec::new();
    for h in params.request_headers.iter().map(|h| h.trim()).filter(|h| !h.is_empty()) {
        match h.split_once(':') {
            Some((n, v)) if !n.trim().is_empty() => headers.push(Header::new(n.trim(), v.trim())),
            _ => return Err(field("request-header", format!("request-header `{h}`: write it as `Name: value`"), None)),
        }
    }
    let method = params.method.trim().to_string();
    let request =
        HeadersRequest { url, from, method, headers: Headers(headers), credentials, kind, preflight: params.preflight };
    analyse_headers(input, text, request, browsers)
}

/// [`analyse_headers_text`] for a request already typed: parses the `curl -i` / `curl -v` text and
/// judges its responses per browser. An empty `request.method` takes the
/// `Access-Control-Request-Method` of a preflight `curl -v` printed, else `GET`.
pub fn analyse_headers(
    input: &str,
    text: &str,
    mut request: HeadersRequest,
    browsers: &[Browser],
) -> Result<HeadersOutcome, HeadersError> {
    let parsed = curl::parse(text);
    let problems: Vec<String> =
        parsed.errors.iter().map(|e| format!("{input}:{}:{}: {}", e.line, e.column, e.message)).collect();
    let exchanges = curl::exchange_responses(&parsed.responses);
    if request.method.trim().is_empty() {
        request.method = requested_method(&exchanges).unwrap_or_else(|| "GET".to_string());
    }
    request.method = request.method.trim().to_ascii_uppercase();
    let responses: Vec<(u16, Headers, Option<String>)> = exchanges
        .into_iter()
        .map(|r| (r.status, r.headers.clone(), r.request.as_ref().map(|q| q.method.clone())))
        .collect();
    if responses.is_empty() {
        return Err(HeadersError {
            message: format!("{input}: no HTTP response found (expected a status line such as `HTTP/2 200`)"),
            problems,
            kind: HeadersErrorKind::NoResponse,
            source: None,
        });
    }
    // The response's own `Date` judges expiry; without one, a fixed instant keeps verdicts reproducible.
    let now = responses.last().and_then(|r| r.1.get("date")).and_then(parse_cookie_date).unwrap_or(FIXED_NOW);
    let report = analyse(input, request, responses, browsers, now);
    let findings = crate::analysis::headers::findings(&report);
    Ok(HeadersOutcome { report, findings, problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(url: &str) -> HeadersParams {
        HeadersParams {
            url: url.into(),
            from: Some("https://app.example".into()),
            method: "post".into(),
            request_headers: vec!["Content-Type: application/json".into()],
            credentials: "include".into(),
            kind: "fetch".into(),
            preflight: false,
        }
    }

    #[test]
    fn judges_a_set_cookie_per_browser() {
        let text = "HTTP/2 200\r\naccess-control-allow-origin: https://app.example\r\n\
                    access-control-allow-credentials: true\r\nset-cookie: route=1; Path=/\r\n\r\n";
        let out = analyse_headers_text("pasted", text, &params("https://api.other/x"), Browser::ALL).unwrap();
        assert_eq!(out.report.verdicts.len(), Browser::ALL.len());
        let chrome = out.report.verdicts.iter().find(|v| v.browser == Browser::Chrome).unwrap();
        // No SameSite on a cross-site credentialed fetch: Chrome treats it as Lax and refuses it.
        assert!(!chrome.cookies[0].stored);
        assert_eq!(out.report.request.method, "POST");
    }

    #[test]
    fn invalid_fields_are_named() {
        let mut p = params("not a url");
        let e = analyse_headers_text("pasted", "HTTP/1.1 200 OK\r\n\r\n", &p, Browser::ALL).unwrap_err();
        assert!(e.message.starts_with("url `not a url`"), "{}", e.message);
        p.url = "https://api.other/".into();
        p.credentials = "always".into();
        let e = analyse_headers_text("pasted", "HTTP/1.1 200 OK\r\n\r\n", &p, Browser::ALL).unwrap_err();
        assert!(e.message.contains("credentials `always`"), "{}", e.message);
        p.credentials = "omit".into();
        p.request_headers = vec!["nocolon".into()];
        let e = analyse_headers_text("pasted", "HTTP/1.1 200 OK\r\n\r\n", &p, Browser::ALL).unwrap_err();
        assert!(e.message.starts_with("request-header `nocolon`"), "{}", e.message);
        assert_eq!(e.kind, HeadersErrorKind::Field("request-header"));
    }

    #[test]
    fn a_typed_request_takes_the_method_a_verbose_preflight_asked_about() {
        let request = HeadersRequest {
            url: Url::parse("https://api.other/x").unwrap(),
            from: Some(Origin::parse("https://app.example").unwrap()),
            method: String::new(),
            headers: Headers::default(),
            credentials: CredentialsMode::Include,
            kind: RequestKind::Fetch,
            preflight: false,
        };
        let text = "> OPTIONS /x HTTP/1.1\n> Access-Control-Request-Method: delete\n>\n< HTTP/1.1 204 No Content\n\
                    < Access-Control-Allow-Origin: https://app.example\n< Access-Control-Allow-Credentials: true\n\
                    < Access-Control-Allow-Methods: DELETE\n<\n";
        let out = analyse_headers("verbose.txt", text, request, &[Browser::Firefox]).unwrap();
        assert_eq!(out.report.request.method, "DELETE");
        assert!(out.report.request.preflight);
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        assert!(out.report.verdicts[0].cors.as_ref().is_some_and(|c| c.preflight.as_ref().is_some_and(|p| p.ok)));
    }

    #[test]
    fn text_without_a_response_is_an_error_naming_the_input() {
        let e = analyse_headers_text("clip.txt", "hello\n", &params("https://api.other/"), Browser::ALL).unwrap_err();
        assert!(e.message.starts_with("clip.txt: no HTTP response"), "{}", e.message);
    }
}
