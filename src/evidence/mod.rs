//! The contract between input adapters (HAR, `curl -i`, ingress YAML) and the analysis.
//!
//! Inputs turn bytes into these plain records; the analysis never sees a file format. Records are
//! owned and per entry, so a reader can stream a capture of any size in constant memory.

use crate::model::time::Timestamp;
use std::fmt;
use std::path::PathBuf;

/// One header as captured: name and value exactly as written (case, order and duplicates kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The header name as captured (`Set-Cookie`, `set-cookie`, `:authority`).
    pub name: String,
    /// The value as captured. HAR producers sometimes fold several `Set-Cookie` lines into one value
    /// separated by `\n`; [`Headers::set_cookie_lines`] unfolds them.
    pub value: String,
}

impl Header {
    /// A header from name and value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header { name: name.into(), value: value.into() }
    }
}

/// A list of headers with case-insensitive look-ups that keep every duplicate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<Header>);

impl Headers {
    /// Every value of `name` (case-insensitive), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
    }

    /// Whether a header named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every `Set-Cookie` line, with `\n`-folded values unfolded and empty lines dropped.
    pub fn set_cookie_lines(&self) -> Vec<&str> {
        self.get_all("set-cookie")
            .flat_map(|v| v.split('\n'))
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    /// The request's `Cookie` header, with HTTP/2 cookie crumbs (several `cookie` entries) joined by
    /// `; ` as RFC 9113 §8.2.3 says. `None` when no `Cookie` header was captured.
    pub fn cookie_header(&self) -> Option<String> {
        let crumbs: Vec<&str> = self.get_all("cookie").collect();
        if crumbs.is_empty() {
            None
        } else {
            Some(crumbs.join("; "))
        }
    }
}

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
    /// `response._error` (`net::ERR_FAILED`, ...), if the producer recorded one.
    pub error: Option<String>,
    /// Whether the response came from a cache (`_fromCache`, `_fetchType: Memory Cache`, ...).
    pub from_cache: bool,
    /// Number of recorded WebSocket messages (`_webSocketMessages`).
    pub websocket_messages: usize,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_set_cookie_and_cookie_crumbs() {
        let h = Headers(vec![
            Header::new("Set-Cookie", "a=1; Path=/\nb=2\r\n"),
            Header::new("set-cookie", "c=3"),
            Header::new("cookie", "x=1"),
            Header::new("Cookie", "y=2"),
        ]);
        assert_eq!(h.set_cookie_lines(), vec!["a=1; Path=/", "b=2", "c=3"]);
        assert_eq!(h.cookie_header().as_deref(), Some("x=1; y=2"));
        assert_eq!(Headers::default().cookie_header(), None);
    }
}
