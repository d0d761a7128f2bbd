//! `crossjar sanitize`: a HAR safe to share, safe by default. Replaced by salted hashes (equal values
//! get equal hashes, so the capture still tells one cookie from another):
//!
//! - cookie values (`Cookie`, `Set-Cookie`, the `cookies` lists), names and attributes kept;
//! - every header value but those on the short public list crossjar explains (CORS, `Origin`,
//!   `Sec-Fetch-*`, `Vary`, content negotiation: [`crate::output::redact::header_value_is_public`]),
//!   whatever the header's name or spelling, in both shapes a HAR may hold headers (a list of
//!   `{name, value}` or an object), whatever the value's type; `--keep-header NAME` keeps one;
//! - in URLs (request, `Referer`, `Location`, `Refresh`, `Link`, `redirectURL`, page titles,
//!   `_initiator` and its stack frames, WebPageTest's `_full_url`…): userinfo, the fragment, query
//!   values and token-like path segments (JWT, long hex or base64);
//! - bodies: `postData` (text and params), response content and WebSocket messages, unless
//!   `--keep-bodies`.
//!
//! What browsers decide on stays: names, attributes, lengths, a first control character, and the
//! `__Host-`/`__Secure-` prefix of a nameless cookie's value, so the sanitized capture gives the same
//! verdicts.
//!
//! The input is streamed entry by entry (each entry is held as a JSON value while it is rewritten), so
//! memory is bounded by the largest entry — and that by [`MAX_VALUE_BYTES`], so an endless entry
//! stops with an error naming the limit instead of eating memory.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read, Write};
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::output::diagnostic::fingerprint;
use crate::output::redact;

/// The largest single entry (or other value of `log`) read: 512 MiB of JSON.
pub const MAX_VALUE_BYTES: u64 = 512 << 20;

/// What to keep; everything else that may be secret is replaced.
#[derive(Clone, Debug, Default)]
pub struct SanitizeOptions {
    /// Keep request and response bodies and WebSocket messages (replaced by default).
    pub keep_bodies: bool,
    /// Headers whose values are kept although they are not on the public list (any case).
    pub keep_headers: Vec<String>,
    /// The salt mixed into every hash; equal values get equal hashes within one salt.
    pub salt: String,
    /// The largest single entry read, in bytes; 0 means [`MAX_VALUE_BYTES`].
    pub max_entry_bytes: u64,
}

/// What was replaced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SanitizeStats {
    /// Entries written.
    pub entries: usize,
    /// Values replaced.
    pub replaced: usize,
}

/// Cookie-name prefixes a nameless cookie's value can carry, which browsers check (RFC 6265bis §4.1.3).
const COOKIE_PREFIXES: [&str; 4] = ["__Host-Http-", "__Http-", "__Host-", "__Secure-"];

/// Headers whose value is a URL.
const URL_HEADERS: [&str; 5] = ["referer", "location", "content-location", ":path", "origin-trial-url"];

struct Sanitizer<'o> {
    options: &'o SanitizeOptions,
    replaced: usize,
}

impl Sanitizer<'_> {
    /// A salted, stable stand-in for a secret; as long as the original when that is longer (so size
    /// limits still apply to the sanitized capture).
    fn hash(&mut self, value: &str) -> String {
        self.replaced += 1;
        let mut h = format!("h-{}", fingerprint(&[&self.options.salt, value]));
        if value.len() > h.len() {
            h.push_str(&"_".repeat(value.len() - h.len()));
        }
        // A control character decides how browsers parse the line (rejected, or the line ends there):
        // keep the first one so the sanitized capture gives the same verdict.
        if let Some(c) = value.chars().find(|c| c.is_ascii_control() && *c != '\t') {
            h.push(c);
        }
        h
    }

    /// A cookie value without a name: browsers apply the `__Host-`/`__Secure-` rules to it, so the
    /// prefix stays and the rest is hashed.
    fn nameless_value(&mut self, value: &str) -> String {
        for p in COOKIE_PREFIXES {
            if value.len() >= p.len() && value.is_char_boundary(p.len()) && value[..p.len()].eq_ignore_ascii_case(p) {
                let rest = &value[p.len()..];
                return format!(
                    "{}{}",
                    &value[..p.len()],
                    if rest.is_empty() { String::new() } else { self.hash(rest) }
                );
            }
        }
        self.hash(value)
    }

    fn cookie_header(&mut self, v: &str) -> String {
        v.split(';')
            .map(|pair| {
                let p = pair.trim();
                match p.split_once('=') {
                    Some((n, "")) => format!("{n}="),
                    Some((n, val)) if n.trim().is_empty() => format!("{n}={}", self.nameless_value(val)),
                    Some((n, val)) => format!("{n}={}", self.hash(val)),
                    None if p.is_empty() => String::new(),
                    None => self.nameless_value(p),
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn set_cookie_line(&mut self, line: &str) -> String {
        let (pair, rest) = match line.find(';') {
            Some(i) => (&line[..i], &line[i..]),
            None => (line, ""),
        };
        // Empty values stay empty: an empty line is no cookie, `a=` is a cookie with no value.
        let pair = match pair.split_once('=') {
            Some((n, v)) if v.trim().is_empty() => format!("{n}={v}"),
            Some((n, v)) if n.trim().is_empty() => format!("{n}={}", self.nameless_value(v.trim())),
            Some((n, v)) => format!("{n}={}", self.hash(v.trim())),
            None if pair.trim().is_empty() => pair.to_string(),
            None => self.nameless_value(pair.trim()),
        };
        format!("{pair}{rest}")
    }

    fn looks_like_token(v: &str) -> bool {
        (v.len() >= 16 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)))
            || redact::looks_like_token(v)
    }

    /// Query values are replaced whatever their name (deny by default): they never decide a
    /// verdict, and equal values still hash equal, so redirect chains still link up.
    fn query_value(&mut self, _name: &str, value: &str) -> Option<String> {
        (!value.is_empty()).then(|| self.hash(value))
    }

    /// `k=v&k2=v2` with every value hashed (and a bare token-like part).
    fn params(&mut self, text: &str) -> String {
        text.split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if !v.is_empty() => match self.query_value(k, v) {
                    Some(h) => format!("{k}={h}"),
                    None => kv.to_string(),
                },
                None if Self::looks_like_token(kv) => self.hash(kv),
                _ => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// A URL with userinfo, the fragment, query values and token-like path segments
    /// hashed (OAuth's implicit flow puts `access_token` in the fragment).
    fn url(&mut self, url: &str) -> String {
        if let Some(inner) = url.strip_prefix("blob:") {
            return format!("blob:{}", self.url(inner));
        }
        if url.len() > 5 && url.is_char_boundary(5) && url[..5].eq_ignore_ascii_case("data:") {
            return format!("data:{}", self.hash(&url[5..]));
        }
        let (rest, fragment) = match url.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (url, None),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let mut out = String::with_capacity(url.len());
        let path = match rest.find("://") {
            Some(i) => {
                let after = &rest[i + 3..];
                let end = after.find('/').unwrap_or(after.len());
                out.push_str(&rest[..i + 3]);
                match after[..end].rsplit_once('@') {
                    Some((userinfo, host)) => {
                        let h = self.hash(userinfo);
                        out.push_str(&h);
                        out.push('@');
                        out.push_str(host);
                    }
                    None => out.push_str(&after[..end]),
                }
                &after[end..]
            }
            None => rest,
        };
        for (i, seg) in path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            if redact::looks_like_token(seg) {
                let h = self.hash(seg);
                out.push_str(&h);
            } else {
                out.push_str(seg);
            }
        }
        if let Some(q) = query {
            out.push('?');
            let p = self.params(q);
            out.push_str(&p);
        }
        if let Some(f) = fragment {
            out.push('#');
            if !f.is_empty() {
                let h = self.hash(f);
                out.push_str(&h);
            }
        }
        out
    }

    /// `5; url=https://…` (Refresh): the URL part sanitized.
    fn refresh(&mut self, v: &str) -> String {
        let lower = v.to_ascii_lowercase();
        match lower.find("url=") {
            Some(i) => format!("{}{}", &v[..i + 4], self.url(&v[i + 4..])),
            None => self.url(v),
        }
    }

    /// `<https://…>; rel=preload, <…>` (Link): each target sanitized.
    fn link(&mut self, v: &str) -> String {
        let mut out = String::with_capacity(v.len());
        let mut rest = v;
        while let Some(open) = rest.find('<') {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            let close = rest.find('>').unwrap_or(rest.len());
            let u = self.url(&rest[..close]);
            out.push_str(&u);
            rest = &rest[close..];
        }
        out.push_str(rest);
        out
    }

    fn keeps(&self, lower: &str) -> bool {
        self.options.keep_headers.iter().any(|k| k.trim().eq_ignore_ascii_case(lower))
    }

    /// One header value as a string, sanitized for its header.
    fn header_text(&mut self, lower: &str, value: &str) -> String {
        match lower {
            "cookie" | "cookie2" => self.cookie_header(value),
            "set-cookie" | "set-cookie2" => {
                value.split('\n').map(|l| self.set_cookie_line(l)).collect::<Vec<_>>().join("\n")
            }
            n if URL_HEADERS.contains(&n) => self.url(value),
            "refresh" => self.refresh(value),
            "link" => self.link(value),
            n if redact::header_value_is_public(n) => value.to_string(),
            "" => value.to_string(),
            _ if value.is_empty() => String::new(),
            // `Bearer <token>`: the scheme says what kind of credential it was.
            "authorization" | "proxy-authorization" => match value.split_once(' ') {
                Some((scheme, cred)) if !cred.is_empty() => format!("{scheme} {}", self.hash(cred)),
                _ => self.hash(value),
            },
            _ => self.hash(value),
        }
    }

    /// A header value of any JSON type: strings sanitized, lists element by element, anything else
    /// replaced by the hash of its JSON text (unless the header's values are kept).
    fn header_value(&mut self, name: &str, value: &mut Value) {
        let lower = name.trim().to_ascii_lowercase();
        if self.keeps(&lower) {
            return;
        }
        match value {
            Value::Null => {}
            Value::String(s) => {
                let new = self.header_text(&lower, s);
                *s = new;
            }
            Value::Array(items) => {
                for item in items {
                    self.header_value(name, item);
                }
            }
            other => {
                if !redact::header_value_is_public(&lower) {
                    let text = other.to_string();
                    *other = Value::String(self.hash(&text));
                }
            }
        }
    }

    /// Headers as a list of `{name, value}` or as an object of name → value.
    fn headers(&mut self, headers: &mut Value) {
        match headers {
            Value::Array(list) => {
                for h in list {
                    let name = h.get("name").and_then(Value::as_str).unwrap_or("").to_string();
                    if let Some(v) = h.get_mut("value") {
                        self.header_value(&name, v);
                    }
                }
            }
            Value::Object(map) => {
                for (name, v) in map.iter_mut() {
                    self.header_value(name, v);
                }
            }
            _ => {}
        }
    }

    fn cookies(&mut self, cookies: &mut Value) {
        for c in cookies.as_array_mut().into_iter().flatten() {
            let nameless = c.get("name").and_then(Value::as_str).is_some_and(|n| n.trim().is_empty());
            match c.get_mut("value") {
                Some(Value::String(v)) if !v.is_empty() => {
                    let new = if nameless { self.nameless_value(v) } else { self.hash(v) };
                    *v = new;
                }
                Some(v @ (Value::Number(_) | Value::Bool(_) | Value::Array(_) | Value::Object(_))) => {
                    let text = v.to_string();
                    *v = Value::String(self.hash(&text));
                }
                _ => {}
            }
        }
    }

    /// A body field replaced unless bodies are kept, whatever its type.
    fn body_field(&mut self, obj: &mut Value, field: &str) {
        if self.options.keep_bodies {
            return;
        }
        let Some(v) = obj.get_mut(field) else { return };
        let text = match &mut *v {
            Value::Null => return,
            Value::String(s) => std::mem::take(s),
            other => other.to_string(),
        };
        *v = Value::String(format!("[crossjar: body removed, {}]", self.hash(&text)));
    }

    /// Every string under a `url` key (or any key ending in `url`, `URL`, `Url`), at any depth:
    /// `_initiator` with its stack frames and parents, and custom fields such as WebPageTest's
    /// `_full_url`.
    fn urls_within(&mut self, v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    let lower = k.to_ascii_lowercase();
                    if lower.ends_with("url") || lower == "url" {
                        if let Value::String(s) = child {
                            let new = self.url(s);
                            *s = new;
                            continue;
                        }
                    }
                    self.urls_within(child);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.urls_within(i)),
            _ => {}
        }
    }

    fn entry(&mut self, e: &mut Value) {
        if let Some(req) = e.get_mut("request") {
            if let Some(u) = req.get("url").and_then(Value::as_str).map(str::to_string) {
                req["url"] = Value::String(self.url(&u));
            }
            if let Some(h) = req.get_mut("headers") {
                self.headers(h);
            }
            if let Some(c) = req.get_mut("cookies") {
                self.cookies(c);
            }
            for q in req.get_mut("queryString").and_then(Value::as_array_mut).into_iter().flatten() {
                let name = q.get("name").and_then(Value::as_str).unwrap_or("").to_string();
                match q.get_mut("value") {
                    Some(Value::String(v)) => {
                        if let Some(h) = self.query_value(&name, v) {
                            *v = h;
                        }
                    }
                    Some(v @ (Value::Number(_) | Value::Bool(_) | Value::Array(_) | Value::Object(_))) => {
                        let text = v.to_string();
                        if let Some(h) = self.query_value(&name, &text) {
                            *v = Value::String(h);
                        }
                    }
                    _ => {}
                }
            }
            if let Some(pd) = req.get_mut("postData") {
                self.body_field(pd, "text");
                for p in pd.get_mut("params").and_then(Value::as_array_mut).into_iter().flatten() {
                    self.body_field(p, "value");
                    self.body_field(p, "fileName");
                }
            }
        }
        if let Some(resp) = e.get_mut("response") {
            if let Some(h) = resp.get_mut("headers") {
                self.headers(h);
            }
            if let Some(c) = resp.get_mut("cookies") {
                self.cookies(c);
            }
            if let Some(u) = resp.get("redirectURL").and_then(Value::as_str).map(str::to_string) {
                resp["redirectURL"] = Value::String(self.url(&u));
            }
            if let Some(c) = resp.get_mut("content") {
                self.body_field(c, "text");
            }
        }
        for m in e.get_mut("_webSocketMessages").and_then(Value::as_array_mut).into_iter().flatten() {
            self.body_field(m, "data");
        }
        // Custom fields (`_initiator`, `_full_url`, …) at the entry's level and in request/response.
        if let Some(map) = e.as_object_mut() {
            for (k, v) in map.iter_mut() {
                if k.starts_with('_') {
                    if k.to_ascii_lowercase().ends_with("url") {
                        if let Value::String(s) = v {
                            let new = self.url(s);
                            *s = new;
                            continue;
                        }
                    }
                    self.urls_within(v);
                }
            }
            for side in ["request", "response"] {
                if let Some(Value::Object(inner)) = map.get_mut(side) {
                    for (k, v) in inner.iter_mut() {
                        if k.starts_with('_') {
                            if k.to_ascii_lowercase().ends_with("url") {
                                if let Value::String(s) = v {
                                    let new = self.url(s);
                                    *s = new;
                                    continue;
                                }
                            }
                            self.urls_within(v);
                        }
                    }
                }
            }
        }
    }
}

/// Counts what the parser has read since the current value began and stops it past
/// [`MAX_VALUE_BYTES`], so one endless entry cannot take all memory.
struct Bounded<R> {
    inner: R,
    since_mark: Rc<Cell<u64>>,
    limit: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.since_mark.get() > self.limit {
            return Err(io::Error::other(format!(
                "an entry (or another value of `log`) is over {} bytes, the limit for one entry",
                self.limit
            )));
        }
        let n = self.inner.read(buf)?;
        self.since_mark.set(self.since_mark.get() + n as u64);
        Ok(n)
    }
}

/// Streams the HAR read from `input` to `out`, sanitized. Errors name the place (line and column), or
/// the limit that was hit.
pub fn sanitize_har(input: impl Read, out: &mut dyn Write, options: &SanitizeOptions) -> Result<SanitizeStats, String> {
    let since_mark = Rc::new(Cell::new(0));
    let reader = io::BufReader::with_capacity(
        64 * 1024,
        Bounded {
            inner: input,
            since_mark: Rc::clone(&since_mark),
            limit: if options.max_entry_bytes == 0 { MAX_VALUE_BYTES } else { options.max_entry_bytes },
        },
    );
    let mut reader = SkipBom { inner: reader, checked: false };
    reader.skip();
    let mut s = Sanitizer { options, replaced: 0 };
    let mut ctx = Ctx { out, s: &mut s, entries: 0, io: None, since_mark };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = MapSeed(&mut ctx, Level::Root).deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = ctx.io.take() {
        return Err(format!("cannot write the output ({e})"));
    }
    let entries = ctx.entries;
    result.map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    Ok(SanitizeStats { entries, replaced: s.replaced })
}

/// Drops a UTF-8 byte-order mark at the start.
struct SkipBom<R> {
    inner: R,
    checked: bool,
}

impl<R: io::BufRead> SkipBom<R> {
    fn skip(&mut self) {
        if self.checked {
            return;
        }
        self.checked = true;
        if let Ok(buf) = self.inner.fill_buf() {
            if buf.starts_with(b"\xEF\xBB\xBF") {
                self.inner.consume(3);
            }
        }
    }
}

impl<R: io::BufRead> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

struct Ctx<'a, 'o> {
    out: &'a mut dyn Write,
    s: &'a mut Sanitizer<'o>,
    entries: usize,
    io: Option<std::io::Error>,
    /// Bytes read since the current value began (see [`Bounded`]).
    since_mark: Rc<Cell<u64>>,
}

impl Ctx<'_, '_> {
    fn write(&mut self, bytes: &[u8]) {
        if self.io.is_none() {
            if let Err(e) = self.out.write_all(bytes) {
                self.io = Some(e);
            }
        }
    }
    fn value(&mut self, v: &Value) {
        let text = serde_json::to_vec(v).unwrap_or_default();
        self.write(&text);
    }
    fn key(&mut self, k: &str) {
        let text = serde_json::to_vec(k).unwrap_or_default();
        self.write(&text);
        self.write(b":");
    }
}

/// Which object a [`MapSeed`] copies: the document root or `log`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Log,
}

/// Copies an object key by key, descending into `log` and streaming `log.entries`.
struct MapSeed<'c, 'a, 'o>(&'c mut Ctx<'a, 'o>, Level);
struct EntriesSeed<'c, 'a, 'o>(&'c mut Ctx<'a, 'o>);

impl<'de> DeserializeSeed<'de> for MapSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MapSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.1 == Level::Root { "a HAR document (an object with `log`)" } else { "the `log` object" })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let MapSeed(ctx, level) = self;
        ctx.write(b"{");
        let mut first = true;
        while let Some(k) = a.next_key::<String>()? {
            if !first {
                ctx.write(b",");
            }
            first = false;
            ctx.key(&k);
            ctx.since_mark.set(0);
            match (level, k.as_str()) {
                (Level::Root, "log") => a.next_value_seed(MapSeed(&mut *ctx, Level::Log))?,
                (Level::Log, "entries") => a.next_value_seed(EntriesSeed(&mut *ctx))?,
                (_, key) => {
                    let mut v: Value = a.next_value()?;
                    if level == Level::Log && key == "pages" {
                        for p in v.as_array_mut().into_iter().flatten() {
                            if let Some(t) = p.get("title").and_then(Value::as_str).map(str::to_string) {
                                p["title"] = Value::String(ctx.s.url(&t));
                            }
                        }
                    }
                    ctx.value(&v);
                }
            }
        }
        ctx.write(if level == Level::Root { b"}\n" } else { b"}" });
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `entries` array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let ctx = self.0;
        ctx.write(b"[");
        ctx.since_mark.set(0);
        while let Some(mut e) = a.next_element::<Value>()? {
            ctx.since_mark.set(0);
            if ctx.entries > 0 {
                ctx.write(b",");
            }
            ctx.s.entry(&mut e);
            ctx.value(&e);
            ctx.entries += 1;
        }
        ctx.write(b"]");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(har: &str, keep_bodies: bool) -> (String, SanitizeStats) {
        let mut out = Vec::new();
        let opts = SanitizeOptions { keep_bodies, salt: "t".into(), ..SanitizeOptions::default() };
        let stats = sanitize_har(har.as_bytes(), &mut out, &opts).unwrap();
        (String::from_utf8(out).unwrap(), stats)
    }

    #[test]
    fn values_go_names_and_attributes_stay() {
        let har = r#"{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"https://a.example/x?access_token=abc&page=2","headers":[{"name":"Cookie","value":"route=r1; sid=secret-value"},{"name":"Authorization","value":"Bearer eyJhbGciOi.x.y"}],"cookies":[{"name":"sid","value":"secret-value"}]},"response":{"status":200,"headers":[{"name":"Set-Cookie","value":"route=r1; Path=/; SameSite=None; Secure\nsid=secret-value; HttpOnly"}],"content":{"text":"token=secret-value"}}}]}}"#;
        let (out, stats) = run(har, false);
        assert_eq!(stats.entries, 1);
        assert!(!out.contains("\"value\":\"secret-value\"") && !out.contains("sid=secret-value"), "{out}");
        assert!(!out.contains("eyJhbGciOi"));
        assert!(!out.contains("access_token=abc"));
        assert!(out.contains("page=h-"), "names stay, every query value goes");
        assert!(out.contains("; Path=/; SameSite=None; Secure"));
        assert!(out.contains("Bearer h-"));
        // The same value hashes the same in the request and in the response.
        let r1 = fingerprint(&["t", "r1"]);
        assert_eq!(out.matches(&r1).count(), 2);
        assert!(!out.contains("secret-value"), "bodies are replaced by default");
        let (out, _) = run(har, true);
        assert!(out.contains("token=secret-value"), "--keep-bodies keeps them");
        serde_json::from_str::<Value>(&out).expect("output is JSON");
    }

    #[test]
    fn bad_json_names_the_place() {
        let mut out = Vec::new();
        let err =
            sanitize_har(&b"{\"log\": {\"entries\": [ {] }"[..], &mut out, &SanitizeOptions::default()).unwrap_err();
        assert!(err.starts_with("line 1, column"), "{err}");
    }
}
