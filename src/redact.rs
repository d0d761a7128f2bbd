//! What reports hide unless the user asks for values (`--show-values`): deny by default.
//!
//! - **URLs** print without userinfo (`https://…@host`), with query values and the whole fragment as
//!   `…`, and with path segments that look like tokens (a JWT, a long run of hex or base64) as `…`.
//!   URLs inside free text (a skipped entry's reason, an error message) get the same treatment.
//! - **Header values** print only for the short list of headers crossjar explains and that carry no
//!   secret ([`header_value_is_public`](crate::redact::header_value_is_public)); cookie headers keep their names and attributes, never their
//!   values. `crossjar sanitize` keeps the same list.

use std::borrow::Cow;

/// The stand-in for anything hidden.
pub const HIDDEN: &str = "…";

/// Headers whose values are never secret and that crossjar's explanations quote: CORS, the request's
/// context, caching and content negotiation. Everything else is hidden (or replaced by `sanitize`).
/// `Cookie` and `Set-Cookie` are handled apart: names and attributes stay, values go.
const PUBLIC_HEADERS: &[&str] = &[
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-allow-private-network",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-request-method",
    "access-control-request-headers",
    "access-control-request-private-network",
    "origin",
    "vary",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
    "sec-fetch-user",
    "sec-fetch-storage-access",
    "content-type",
    "content-language",
    "content-length",
    "range",
    "x-http-method",
    "x-http-method-override",
    "x-method-override",
    "cache-control",
    "pragma",
    "age",
    "date",
    "expires",
    "timing-allow-origin",
    "cross-origin-resource-policy",
    "cross-origin-opener-policy",
    "cross-origin-embedder-policy",
    "referrer-policy",
    "strict-transport-security",
    "upgrade",
    "connection",
    "host",
    ":authority",
    ":method",
    ":scheme",
    ":status",
    "user-agent",
    "x-requested-with",
    "purpose",
    "sec-purpose",
    "priority",
    "upgrade-insecure-requests",
    "accept",
    "accept-encoding",
    "accept-language",
    "content-encoding",
    "transfer-encoding",
    "server",
    "via",
    "status",
];

/// Whether a header's value may be printed (and is kept by `sanitize`): on the short public list.
/// Names compare without case and without stray spaces around them.
pub fn header_value_is_public(name: &str) -> bool {
    let name = name.trim();
    PUBLIC_HEADERS.iter().any(|p| p.eq_ignore_ascii_case(name))
}

/// Whether the header carries cookies (names and attributes shown, values hidden).
pub fn is_cookie_header(name: &str) -> bool {
    let name = name.trim();
    ["cookie", "set-cookie", "cookie2", "set-cookie2"].iter().any(|c| c.eq_ignore_ascii_case(name))
}

/// A header's value as a report may print it: as it is for a public header, cookie values hidden
/// for a cookie header, `…` for anything else.
pub fn header_value<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if header_value_is_public(name) {
        return Cow::Borrowed(value);
    }
    if name.trim().eq_ignore_ascii_case("cookie") {
        let pairs: Vec<String> = value
            .split(';')
            .map(|p| match p.split_once('=') {
                Some((n, v)) if !v.trim().is_empty() => format!("{}={HIDDEN}", n.trim()),
                _ => p.trim().to_string(),
            })
            .collect();
        return Cow::Owned(pairs.join("; "));
    }
    if name.trim().eq_ignore_ascii_case("set-cookie") {
        let lines: Vec<String> = value
            .split('\n')
            .map(|line| {
                let (pair, attrs) = line.split_once(';').map_or((line, None), |(p, a)| (p, Some(a)));
                let pair = match pair.split_once('=') {
                    Some((n, v)) if !v.trim().is_empty() => format!("{}={HIDDEN}", n.trim()),
                    _ => pair.trim().to_string(),
                };
                match attrs {
                    Some(a) => format!("{pair};{a}"),
                    None => pair,
                }
            })
            .collect();
        return Cow::Owned(lines.join("\n"));
    }
    Cow::Borrowed(HIDDEN)
}

/// A JWT: three base64url parts, the first a JSON header (`eyJ`).
fn is_jwt(s: &str) -> bool {
    if !s.starts_with("eyJ") {
        return false;
    }
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts[..2].iter().all(|p| p.len() >= 4)
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// A run that reads like a key rather than a word: 16+ hex digits (with a digit among them), or
/// 20+ base64 characters that switch between lower case, upper case and digits as often as random
/// text does (a slug such as `a-long-article-title-2024` hardly switches at all).
fn is_token_run(s: &str) -> bool {
    let hex = s.len() >= 16 && s.bytes().all(|b| b.is_ascii_hexdigit()) && s.bytes().any(|b| b.is_ascii_digit());
    if hex {
        return true;
    }
    if s.len() < 20 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')) {
        return false;
    }
    let class = |b: u8| match b {
        b'a'..=b'z' => 1,
        b'A'..=b'Z' => 2,
        b'0'..=b'9' => 3,
        _ => 0,
    };
    let switches =
        s.as_bytes().windows(2).filter(|w| class(w[0]) != 0 && class(w[1]) != 0 && class(w[0]) != class(w[1])).count();
    switches * 5 >= s.len()
}

/// Whether a path segment looks like a token: a JWT, or a token-like run between `-`, `_`, `.`, `~`.
pub fn looks_like_token(segment: &str) -> bool {
    // Most segments hold no escape: they are read as they are, without a copy.
    let decoded = if segment.contains("%3") {
        Cow::Owned(segment.replace("%3D", "=").replace("%3d", "="))
    } else {
        Cow::Borrowed(segment)
    };
    is_jwt(&decoded) || is_token_run(&decoded) || decoded.split(['-', '_', '.', '~']).any(is_token_run)
}

/// A URL as a report prints it (see the module doc). Anything that is not a URL comes back as it is
/// but for token-like path segments.
pub fn url(u: &str) -> String {
    // `blob:https://a.example/uuid`: the inner URL, redacted. `data:` carries its content: hidden.
    if let Some(rest) = u.strip_prefix("blob:") {
        return format!("blob:{}", url(rest));
    }
    if u.len() > 5 && u[..5].eq_ignore_ascii_case("data:") {
        return format!("data:{HIDDEN}");
    }
    let (rest, fragment) = match u.split_once('#') {
        Some((r, _)) => (r, true),
        None => (u, false),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(u.len());
    let path = match rest.find("://") {
        Some(i) => {
            let after = &rest[i + 3..];
            let end = after.find('/').unwrap_or(after.len());
            let authority = &after[..end];
            out.push_str(&rest[..i + 3]);
            match authority.rsplit_once('@') {
                Some((_, host)) => {
                    out.push_str(HIDDEN);
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            &after[end..]
        }
        None => rest,
    };
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(if looks_like_token(seg) { HIDDEN } else { seg });
    }
    if let Some(q) = query {
        out.push('?');
        for (i, kv) in q.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match kv.split_once('=') {
                Some((k, v)) if !v.is_empty() => {
                    out.push_str(k);
                    out.push('=');
                    out.push_str(HIDDEN);
                }
                _ if looks_like_token(kv) => out.push_str(HIDDEN),
                _ => out.push_str(kv),
            }
        }
    }
    if fragment {
        out.push('#');
        out.push_str(HIDDEN);
    }
    out
}

/// Whether a word of free text is a URL to redact.
fn is_url_word(w: &str) -> bool {
    let lower = w.get(..w.len().min(12)).unwrap_or(w).to_ascii_lowercase();
    w.contains("://") || lower.starts_with("blob:") || lower.starts_with("data:") || lower.starts_with("javascript:")
}

/// Free text (a reason, an error message) with every URL in it redacted; URLs are taken to end at
/// whitespace or at a quote, backtick, bracket or parenthesis.
pub fn message(text: &str) -> Cow<'_, str> {
    if !text.contains(':') {
        return Cow::Borrowed(text);
    }
    let is_stop = |c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '<' | '>' | '(' | ')' | '[' | ']');
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(|c: char| !is_stop(c)).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(is_stop).unwrap_or(rest.len());
        let word = &rest[..end];
        // Trailing punctuation of the sentence is not part of the URL.
        let trimmed = word.trim_end_matches([',', ';', '.', ':']);
        if is_url_word(trimmed) {
            let r = url(trimmed);
            changed |= r != trimmed;
            out.push_str(&r);
            out.push_str(&word[trimmed.len()..]);
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

    #[test]
    fn urls_lose_userinfo_query_values_fragments_and_tokens() {
        let u = format!("https://bob:hunter2@api.example:8443/v1/{JWT}/files?q=1&flag#access_token=abc");
        assert_eq!(url(&u), "https://…@api.example:8443/v1/…/files?q=…&flag#…");
        assert_eq!(url("https://a.example/u/0123456789abcdef0123/x"), "https://a.example/u/…/x");
        assert_eq!(url("https://a.example/reset/dGhpcyBpcyBhIHNlY3JldCB0b2tlbg2/"), "https://a.example/reset/…/");
        // Ordinary paths stay readable: words, short ids, UUID parts, dates.
        let plain =
            "https://a.example/blog/2024-01-31/this-is-a-long-article-title/550e8400-e29b-41d4-a716-446655440000";
        assert_eq!(url(plain), plain);
        assert_eq!(url("blob:https://a.example/uuid?token=x"), "blob:https://a.example/uuid?token=…");
        assert_eq!(url("data:text/html,secret"), "data:…");
        // Empty values and bare keys stay; a bare token does not; `%3D` is read as `=`.
        assert_eq!(url(&format!("https://a.example/p?a=&b&c=1&&{JWT}")), "https://a.example/p?a=&b&c=…&&…");
        assert_eq!(url("https://a.example/k/dGhpcyBpcyBhIHNlY3JldCB0b2tlbg%3D%3D"), "https://a.example/k/…");
        assert_eq!(url("https://a.example/k/eyJnot-a-jwt"), "https://a.example/k/eyJnot-a-jwt");
    }

    #[test]
    fn urls_in_messages_are_redacted() {
        let m = "URL has no host: blob:https://a.example/uuid?token=BLOB (see `https://u:p@x.example/#t=1`).";
        assert_eq!(message(m), "URL has no host: blob:https://a.example/uuid?token=… (see `https://…@x.example/#…`).");
        assert!(matches!(message("no URL here: fine"), Cow::Borrowed(_)));
    }

    #[test]
    fn header_values_are_hidden_unless_public() {
        assert_eq!(header_value("Access-Control-Allow-Origin", "https://a.example"), "https://a.example");
        assert_eq!(header_value(" Vary ", "Origin"), "Origin");
        for secret in ["Api-Key", "X-Session-Token", "PRIVATE-TOKEN", "Authorization", "X-Anything"] {
            assert_eq!(header_value(secret, "s3cr3t"), HIDDEN, "{secret}");
        }
        assert_eq!(header_value("cookie", "a=1; b=; c"), "a=…; b=; c");
        assert_eq!(header_value("Set-Cookie", "sid=x; Path=/; Secure\nb=2"), "sid=…; Path=/; Secure\nb=…");
    }
}
