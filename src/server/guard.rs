//! The guards every request passes before any handler sees it, and the headers every answer leaves
//! with — kept apart from the handlers so no route can forget them.
//!
//! - **Host** must be `127.0.0.1:PORT` or `localhost:PORT`, exactly once (DNS-rebinding defence: a page
//!   on evil.example that rebinds its name to 127.0.0.1 still sends `Host: evil.example:PORT`).
//! - **API calls** (`/api/…`) must not come from another origin: an `Origin` other than the page's own,
//!   or `Sec-Fetch-Site: cross-site`, is refused, so a page elsewhere cannot make this process work.
//! - **Answers** carry the page's security headers (CSP `default-src 'self'`, `nosniff`, no referrer,
//!   no framing, no caching) and never an `Access-Control-*` header: no other origin may read them.

// Handlers refuse with the answer itself; a refusal is rare and is sent at once, so its size does
// not matter.
#![allow(clippy::result_large_err)]

use hyper::header::{HeaderName, HeaderValue};
use hyper::http::request::Parts;
use hyper::Response;

use super::{error, Out};
use crate::output::web;

/// Why a request was refused before routing, as the answer to send.
pub(super) fn admit(parts: &Parts, port: u16) -> Result<(), Response<Out>> {
    let hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    let mut host_values = parts.headers.get_all(hyper::header::HOST).iter();
    let host = host_values.next().and_then(|h| h.to_str().ok());
    let host_ok =
        host_values.next().is_none() && host.is_some_and(|h| hosts.iter().any(|ok| ok.eq_ignore_ascii_case(h)));
    if !host_ok {
        return Err(error(403, &format!("this server answers only to Host {} or {}", hosts[0], hosts[1])));
    }
    if parts.uri.path().starts_with("/api/") {
        let origins = [format!("http://{}", hosts[0]), format!("http://{}", hosts[1])];
        let foreign_origin = parts
            .headers
            .get_all(hyper::header::ORIGIN)
            .iter()
            .any(|o| o.to_str().map_or(true, |o| !origins.iter().any(|ok| ok.eq_ignore_ascii_case(o))));
        let cross_site = parts
            .headers
            .get_all("sec-fetch-site")
            .iter()
            .any(|s| s.to_str().map_or(true, |s| s.eq_ignore_ascii_case("cross-site")));
        if foreign_origin || cross_site {
            return Err(error(403, "API calls are accepted only from the crossjar page itself"));
        }
    }
    Ok(())
}

/// Adds the security headers and removes anything that would let another origin read the answer.
pub(super) fn seal(response: &mut Response<Out>) {
    let headers = response.headers_mut();
    let cors: Vec<HeaderName> = headers.keys().filter(|n| n.as_str().starts_with("access-control-")).cloned().collect();
    for name in cors {
        headers.remove(name);
    }
    for (name, value) in web::SECURITY_HEADERS {
        if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}
