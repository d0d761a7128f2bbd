//! `crossjar sanitize`: a HAR safe to share. Cookie values, credentials in headers, token-like query
//! values and (optionally) bodies are replaced by salted hashes, while names, attributes and the
//! structure stay, so the sanitized capture gives the same findings.
//!
//! The file is streamed entry by entry (each entry is held as a JSON value while it is rewritten), so
//! memory is bounded by the largest entry, not the file.

use std::fmt;
use std::io::Write;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::output::diagnostic::fingerprint;

/// What to replace.
#[derive(Clone, Debug, Default)]
pub struct SanitizeOptions {
    /// Also replace request and response bodies and WebSocket message data.
    pub bodies: bool,
    /// The salt mixed into every hash; equal values get equal hashes within one salt.
    pub salt: String,
}

/// What was replaced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SanitizeStats {
    /// Entries written.
    pub entries: usize,
    /// Values replaced.
    pub replaced: usize,
}

/// Header names whose whole value is a credential.
const SECRET_HEADERS: [&str; 8] = [
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "x-auth-token",
    "x-csrf-token",
    "x-xsrf-token",
    "x-amz-security-token",
    "x-goog-api-key",
];

/// Query parameter names whose value is a secret whatever it looks like.
const SECRET_PARAMS: [&str; 16] = [
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "code",
    "state",
    "key",
    "api_key",
    "apikey",
    "auth",
    "password",
    "secret",
    "client_secret",
    "session",
    "sig",
    "signature",
];

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

    fn cookie_header(&mut self, v: &str) -> String {
        v.split(';')
            .map(|pair| {
                let p = pair.trim();
                match p.split_once('=') {
                    Some((n, "")) => format!("{n}="),
                    Some((n, val)) => format!("{n}={}", self.hash(val)),
                    None if p.is_empty() => String::new(),
                    None => self.hash(p),
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
            Some((n, v)) => format!("{n}={}", self.hash(v.trim())),
            None if pair.trim().is_empty() => pair.to_string(),
            None => self.hash(pair.trim()),
        };
        format!("{pair}{rest}")
    }

    fn looks_like_token(v: &str) -> bool {
        v.len() >= 16 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b))
    }

    fn query_value(&mut self, name: &str, value: &str) -> Option<String> {
        let lower = name.to_ascii_lowercase();
        (SECRET_PARAMS.contains(&lower.as_str()) || Self::looks_like_token(value)).then(|| self.hash(value))
    }

    /// `k=v&k2=v2` with secret-looking values hashed.
    fn params(&mut self, text: &str) -> String {
        text.split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if !v.is_empty() => match self.query_value(k, v) {
                    Some(h) => format!("{k}={h}"),
                    None => kv.to_string(),
                },
                _ => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// A URL with secret-looking query and fragment values hashed (OAuth's implicit flow puts
    /// `access_token` in the fragment).
    fn url(&mut self, url: &str) -> String {
        let (rest, fragment) = match url.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (url, None),
        };
        let mut out = match rest.split_once('?') {
            Some((base, query)) => format!("{base}?{}", self.params(query)),
            None => rest.to_string(),
        };
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(&self.params(f));
        }
        out
    }

    fn headers(&mut self, headers: &mut Value) {
        let Some(list) = headers.as_array_mut() else { return };
        for h in list {
            let name = h.get("name").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
            let Some(value) = h.get("value").and_then(Value::as_str).map(str::to_string) else { continue };
            let new = match name.as_str() {
                "cookie" => Some(self.cookie_header(&value)),
                "set-cookie" => Some(value.split('\n').map(|l| self.set_cookie_line(l)).collect::<Vec<_>>().join("\n")),
                "referer" | "location" | ":path" => Some(self.url(&value)),
                n if SECRET_HEADERS.contains(&n) => Some(match value.split_once(' ') {
                    Some((scheme, cred)) if !cred.is_empty() => format!("{scheme} {}", self.hash(cred)),
                    _ => self.hash(&value),
                }),
                _ => None,
            };
            if let Some(n) = new {
                h["value"] = Value::String(n);
            }
        }
    }

    fn cookies(&mut self, cookies: &mut Value) {
        for c in cookies.as_array_mut().into_iter().flatten() {
            if let Some(v) = c.get("value").and_then(Value::as_str).map(str::to_string) {
                c["value"] = Value::String(self.hash(&v));
            }
        }
    }

    fn body_field(&mut self, obj: &mut Value, field: &str) {
        if let Some(t) = obj.get(field).and_then(Value::as_str).map(str::to_string) {
            obj[field] = Value::String(format!("[crossjar: body removed, {}]", self.hash(&t)));
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
                if let Some(v) = q.get("value").and_then(Value::as_str).map(str::to_string) {
                    if let Some(h) = self.query_value(&name, &v) {
                        q["value"] = Value::String(h);
                    }
                }
            }
            if self.options.bodies {
                if let Some(pd) = req.get_mut("postData") {
                    self.body_field(pd, "text");
                    for p in pd.get_mut("params").and_then(Value::as_array_mut).into_iter().flatten() {
                        self.body_field(p, "value");
                    }
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
            if self.options.bodies {
                if let Some(c) = resp.get_mut("content") {
                    self.body_field(c, "text");
                }
            }
        }
        if self.options.bodies {
            for m in e.get_mut("_webSocketMessages").and_then(Value::as_array_mut).into_iter().flatten() {
                self.body_field(m, "data");
            }
        }
    }
}

/// Streams the HAR in `input` to `out`, sanitized. Errors name the place (line and column).
pub fn sanitize_har(input: &[u8], out: &mut dyn Write, options: &SanitizeOptions) -> Result<SanitizeStats, String> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut s = Sanitizer { options, replaced: 0 };
    let mut ctx = Ctx { out, s: &mut s, entries: 0, io: None };
    let mut de = serde_json::Deserializer::from_slice(input);
    let result = MapSeed(&mut ctx, Level::Root).deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = ctx.io.take() {
        return Err(format!("cannot write the output ({e})"));
    }
    let entries = ctx.entries;
    result.map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    Ok(SanitizeStats { entries, replaced: s.replaced })
}

struct Ctx<'a, 'o> {
    out: &'a mut dyn Write,
    s: &'a mut Sanitizer<'o>,
    entries: usize,
    io: Option<std::io::Error>,
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
        while let Some(mut e) = a.next_element::<Value>()? {
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

    fn run(har: &str, bodies: bool) -> (String, SanitizeStats) {
        let mut out = Vec::new();
        let opts = SanitizeOptions { bodies, salt: "t".into() };
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
        assert!(out.contains("page=2"));
        assert!(out.contains("; Path=/; SameSite=None; Secure"));
        assert!(out.contains("Bearer h-"));
        // The same value hashes the same in the request and in the response.
        let r1 = fingerprint(&["t", "r1"]);
        assert_eq!(out.matches(&r1).count(), 2);
        assert!(out.contains("token=secret-value"), "bodies are kept unless asked");
        let (out, _) = run(har, true);
        assert!(!out.contains("secret-value"));
        serde_json::from_str::<Value>(&out).expect("output is JSON");
    }

    #[test]
    fn bad_json_names_the_place() {
        let mut out = Vec::new();
        let err = sanitize_har(b"{\"log\": {\"entries\": [ {] }", &mut out, &SanitizeOptions::default()).unwrap_err();
        assert!(err.starts_with("line 1, column"), "{err}");
    }
}
