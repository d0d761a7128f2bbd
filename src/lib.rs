//! crossjar: why did the browser (not) store or send this cookie, and why could (not) the page read
//! this cross-origin response?
//!
//! The [`model`] is a pure browser model (RFC 6265bis cookies, SameSite, credentials, partitioning,
//! per-browser profiles); inputs (HAR, `curl -i`, ingress YAML) and outputs (text, JSON, SARIF) are
//! adapters around it.
//!
//! ```
//! use crossjar::model::jar::CookieJar;
//! use crossjar::model::profile::Browser;
//! use crossjar::model::reason::Exclusion;
//! use crossjar::model::request::{CredentialsMode, RequestContext, RequestKind};
//! use crossjar::model::site::Origin;
//! use crossjar::model::time::Timestamp;
//!
//! let page = Origin::parse("https://kontext.build").unwrap();
//! let url = url::Url::parse("https://jsbundler.coinnation.io/kontext/preview").unwrap();
//! let now = Timestamp::from_unix_secs(1_780_000_000);
//! // fetch(url, { method: 'POST', credentials: 'include' }) from the page:
//! let request = RequestContext::new(RequestKind::Fetch, "POST", url, Some(page), now)
//!     .with_credentials(CredentialsMode::Include);
//!
//! // The ingress's default sticky cookie has no SameSite: Chrome treats it as Lax and refuses it
//! // (DevTools names it `SchemefulSameSiteUnspecifiedTreatedAsLax`).
//! let mut chrome = CookieJar::new(Browser::Chrome);
//! let outcome = chrome.set_from_response("route=3f2a; Path=/; HttpOnly", &request);
//! assert!(!outcome.stored);
//! assert!(outcome.status.has(Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax));
//!
//! // With SameSite=None; Secure it is stored and sent on the next call.
//! let outcome = chrome.set_from_response("route=3f2a; Path=/; HttpOnly; SameSite=None; Secure", &request);
//! assert!(outcome.stored);
//! assert_eq!(chrome.retrieve(&request).cookie_header().as_deref(), Some("route=3f2a"));
//!
//! // Safari's ITP blocks it anyway in this third-party context.
//! let mut safari = CookieJar::new(Browser::Safari);
//! let outcome = safari.set_from_response("route=3f2a; Path=/; HttpOnly; SameSite=None; Secure", &request);
//! assert!(outcome.status.has(Exclusion::ThirdPartyBlockedByItp));
//! ```
//!
//! ## The application layer
//!
//! One function per input, typed parameters in, a report out; the command line and the local web
//! page call the same ones. [`run_har_path`] (and [`analyse_har_path`], [`stream_har_path`] for
//! large captures) for HAR files, [`analyse_headers_text`] for `curl -i` / `curl -v` output,
//! [`analyse_ingress_text`] for manifests, [`diff_har_paths`] for before/after captures. Every
//! finding names its rule ([`RuleId`], documented in the [`RULES`] registry) and carries the
//! registry's [`Severity`]; [`load_policy`] and [`apply_to_findings`] apply a repository's
//! `crossjar.toml` to them, as the command line does.
//!
//! ```
//! use crossjar::{analyse_headers_text, Browser, HeadersParams, RuleId, Severity};
//!
//! // `curl -si -X OPTIONS …` printed this answer to the preflight of a credentialed PUT.
//! let text = "HTTP/2 204\r\naccess-control-allow-origin: https://app.example\r\n\
//!             access-control-allow-credentials: true\r\naccess-control-allow-methods: GET, POST\r\n\r\n";
//! let params = HeadersParams {
//!     url: "https://api.example/items/7".into(),
//!     from: Some("https://app.example".into()),
//!     method: "PUT".into(),
//!     credentials: "include".into(),
//!     preflight: true,
//!     ..Default::default()
//! };
//! let out = analyse_headers_text("answer.txt", text, &params, &[Browser::Chrome]).unwrap();
//! let f = &out.findings[0];
//! assert_eq!((f.rule, f.severity), (RuleId::CorsCheckFailed, Severity::Error));
//! assert!(f.message.contains("MethodDisallowedByPreflightResponse"));
//!
//! // A HAR capture: the report, what the reader made of the file, entries it could not read.
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/har/seed-a-default-credentials.har");
//! let run = crossjar::run_har_path(path.as_ref(), &Default::default(), &Default::default());
//! assert!(run.result.is_ok() && run.entry_errors.is_empty());
//! assert!(run.report.findings.iter().any(|f| f.rule == RuleId::CredentialsNotIncluded));
//! ```
#![warn(missing_docs)]

pub mod analysis;
#[doc(hidden)]
pub mod cli;
pub mod config;
pub mod evidence;
pub mod input;
/// Where a JSON string's plain text ends (the HAR reader's scans, the JSON report's escaping).
pub(crate) mod json_text;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod pipeline_headers;
pub mod pipeline_ingress;
pub mod pipeline_policy;
/// Hiding secrets in what reports print: URLs, token-like values, the header allow-list.
pub mod redact;
pub mod sanitize;
pub mod server;
#[cfg(test)]
mod test_support;

// The application layer: typed parameters in, a report out. The command line, the local web page,
// the tests and library users call these.
pub use analysis::diff::HarDiff;
pub use analysis::findings::Focus;
pub use analysis::headers::HeadersReport;
pub use analysis::headers::HeadersRequest;
pub use analysis::replay::ReplayOptions;
pub use analysis::report::{Finding, HarReport};
pub use analysis::rules::{Category, Input, Rule, RuleId, Severity, UnknownRule, RULES};
pub use config::{Config, ConfigError};
pub use evidence::InputError;
pub use model::profile::Browser;
pub use model::site::Origin;
pub use pipeline::{
    analyse_har_path, analyse_har_reader, diff_har_paths, run_har_path, stream_har_path, stream_har_path_by_ref,
    stream_har_reader, stream_har_reader_by_ref, EntrySink, EntryView, HarRun,
};
pub use pipeline_headers::{
    analyse_headers, analyse_headers_text, HeadersError, HeadersErrorKind, HeadersOutcome, HeadersParams,
};
pub use pipeline_ingress::{analyse_ingress_text, parse_frontends, IngressOutcome, IngressParams, IngressParamsError};
pub use pipeline_policy::{apply_to_findings, load_policy};
