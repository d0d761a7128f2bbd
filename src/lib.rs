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
#![warn(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod config;
pub mod evidence;
pub mod input;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod pipeline_headers;
pub mod pipeline_ingress;
pub mod sanitize;
pub mod server;
