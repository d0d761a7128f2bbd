//! The contract between input adapters (HAR, `curl -i`, ingress YAML) and the analysis.
//!
//! Inputs turn bytes into these plain records; the analysis never sees a file format. Records are
//! owned and per entry, so a reader can stream a capture of any size in constant memory.

pub mod ingress;

use crate::model::time::Timestamp;
use std::fmt;
use std::path::PathBuf;

pub use crate::model::http::{Header, Headers};

/// A cookie as a HAR producer listed it in `request.cookies` / `response.cookies` (secondary evidence:
/// often incomplete or wrong).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ListedCookie {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
    /// `domain`, if given.
    pub domain: Option<String>,
    /// `path`, if given.
    pub path: Option<String>,
    /// `secure`, if given.
    pub secure: Option<bool>,
    /// `httpOnly`, if given.
    pub http_only: Option<bool>,
    /// `sameSite` (`Strict`, `Lax`, `None`), if given (Chrome DevTools fills it from the cookie store).
    pub same_site: Option<String>,
}

/// A cookie the recording browser reported blocked, with its reasons in the browser's own words
/// (DevTools' `Network.SetCookieBlockedReason` / `Network.CookieBlockedReason` names such as
/// `SameSiteLax`, `SameSiteUnspecifiedTreatedAsLax`, `ThirdPartyPhaseout`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BlockedCookie {
    /// Cookie name (empty for a nameless cookie or a line that did not parse).
    pub name: String,
    /// `true` for a `Set-Cookie` the browser refused to store, `false` for a jar cookie it did not send.
    pub on_response: bool,
    /// The reasons, as the browser named them.
    pub reasons: Vec<String>,
}

/// One request/response pair from a capture.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exchange {
    /// Position in the input (`log.entries` index for a HAR, response number for `curl -i`).
    pub index: usize,
    /// The HAR `pageref`, if any.
    pub page_ref: Option<String>,
    /// When the request started (`startedDateTime`).
    pub started: Option<Timestamp>,
    /// Request method as captured.
    pub method: String,
    /// Request URL as captured.
    pub url: String,
    /// HTTP version as captured (`http/2.0`, `h3`, `HTTP/1.1`, `""`).
    pub http_version: String,
    /// Request headers.
    pub request_headers: Headers,
    /// `request.cookies`.
    pub request_cookies: Vec<ListedCookie>,
    /// Response status; 0 when the request failed or was blocked.
    pub status: u16,
    /// Response headers.
    pub response_headers: Headers,
    /// `response.cookies`.
    pub response_cookies: Vec<ListedCookie>,
    /// `response.redirectURL`, if non-empty.
    pub redirect_url: Option<String>,
    /// `_resourceType` (Chrome: `document`, `xhr`, `fetch`, `websocket`, `script`, `preflight`, ...).
    pub resource_type: Option<String>,
    /// `_initiator.type` (`parser`, `script`, `preflight`, `other`, ...).
    pub initiator_type: Option<String>,
    /// `_initiator.url` (or chrome-har's flattened initiator URL).
    pub initiator_url: Option<String>,
    /// Why the request failed, if the producer recorded it: `response._error`, the entry's `_error`, or
    /// Playwright's `response._failureText` (`net::ERR_FAILED`, `NS_ERROR_...`, ...).
    pub error: Option<String>,
    /// Cookies the recording browser itself reported blocked on this exchange (DevTools'
    /// `blockedCookies` / `blockedReasons` style fields, where an exporter keeps them): the browser's own
    /// word, which the replay compares with the model's.
    pub blocked_cookies: Vec<BlockedCookie>,
    /// Whether the response came from a cache (`_fromCache`, `_fetchType: Memory Cache`, ...).
    pub from_cache: bool,
    /// Number of recorded WebSocket messages (`_webSocketMessages`).
    pub websocket_messages: usize,
    /// The response `Content-Type` / `content.mimeType`, if any.
    pub mime_type: Option<String>,
}

/// A page from HAR `log.pages`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// `id`.
    pub id: String,
    /// `title` (often the page URL).
    pub title: String,
    /// `startedDateTime`.
    pub started: Option<Timestamp>,
}

/// Where in an input something is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The file (or `-` for standard input).
    pub file: PathBuf,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// HAR entry index, if the place is inside an entry.
    pub entry: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(e) = self.entry {
            write!(f, " (entry {e})")?;
        }
        Ok(())
    }
}

/// An input that could not be read (fully or in part).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// Where.
    pub location: Location,
    /// What is wrong, in words that say what to do next.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for InputError {}
