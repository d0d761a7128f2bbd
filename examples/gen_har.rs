//! Writes realistic synthetic HAR captures for the benchmarks of issue #8, deterministically from a
//! seed: pages on several first-party sites (a `github.io`-style private suffix among them), third-party
//! widgets and trackers, `Set-Cookie` lines with varied attributes (session-affinity `route`,
//! `SameSite=None` without `Secure`, `__Host-` prefixes, `Max-Age=0` deletions, partitioned cookies),
//! redirect chains, CORS preflight + actual pairs (some failing), WebSockets with messages, cached
//! entries, and response bodies of a chosen size with JSON escapes in them.
//!
//! Usage:
//!   gen_har [--size 100M] [--seed 1] [--body 8K] [--base64-bodies] [--cookies-per-host 0] [--out FILE]
//!   gen_har --files 1000 --size 20K --dir DIR        (DIR/cap-0000.har ...)
//!
//! `--size` is the approximate total; the file stops at the first entry past it. With
//! `--cookies-per-host K` every first-party document response sets one more of K cookies per site, and
//! requests carry every cookie set so far (the jar-retrieval stress case). Bodies are JSON text with
//! escapes every few bytes; with `--base64-bodies` they are base64 (`"encoding": "base64"`, as HAR
//! exporters write images and fonts), text a JSON parser skips at memory speed. Output is never committed.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};

/// splitmix64: small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn token(&mut self, len: usize) -> String {
        const ALPHA: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..len).map(|_| ALPHA[self.below(ALPHA.len() as u64) as usize] as char).collect()
    }
}

struct Options {
    size: u64,
    seed: u64,
    body: usize,
    base64_bodies: bool,
    cookies_per_host: usize,
    out: Option<String>,
    files: usize,
    dir: Option<String>,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let (num, mul) = match s.to_ascii_uppercase().chars().last() {
        Some('K') => (&s[..s.len() - 1], 1u64 << 10),
        Some('M') => (&s[..s.len() - 1], 1 << 20),
        Some('G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<u64>().map(|n| n * mul).map_err(|e| format!("bad size `{s}`: {e}"))
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        size: 100 << 20,
        seed: 1,
        body: 8 << 10,
        base64_bodies: false,
        cookies_per_host: 0,
        out: None,
        files: 0,
        dir: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--size" => o.size = parse_size(&val()?)?,
            "--seed" => o.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--body" => o.body = parse_size(&val()?)? as usize,
            "--base64-bodies" => o.base64_bodies = true,
            "--cookies-per-host" => {
                o.cookies_per_host = val()?.parse().map_err(|e| format!("--cookies-per-host: {e}"))?
            }
            "--out" => o.out = Some(val()?),
            "--files" => o.files = val()?.parse().map_err(|e| format!("--files: {e}"))?,
            "--dir" => o.dir = Some(val()?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if o.files > 0 && o.dir.is_none() {
        return Err("--files needs --dir".into());
    }
    Ok(o)
}

fn main() {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("gen_har: {e}");
            std::process::exit(2);
        }
    };
    let result = if let Some(dir) = &o.dir {
        (0..o.files.max(1)).try_for_each(|i| {
            let path = format!("{dir}/cap-{i:04}.har");
            let f = std::fs::File::create(&path)?;
            write_har(&mut BufWriter::new(f), &o, o.seed.wrapping_add(i as u64)).map(|_| ())
        })
    } else if let Some(out) = &o.out {
        std::fs::File::create(out).and_then(|f| write_har(&mut BufWriter::new(f), &o, o.seed)).map(|n| {
            eprintln!("gen_har: {out}: {n} entries");
        })
    } else {
        write_har(&mut BufWriter::new(std::io::stdout().lock()), &o, o.seed).map(|_| ())
    };
    if let Err(e) = result {
        eprintln!("gen_har: {e}");
        std::process::exit(1);
    }
}

/// JSON string escaping (quotes included).
fn js(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// First-party sites; each has `www`, `api` and `ws` hosts. One is under a private public suffix.
const SITES: &[&str] =
    &["shop.example", "news.example", "bank.example", "team.github.io", "travel.example.co.uk", "media.example"];
/// Third-party hosts embedded in every site.
const THIRD: &[&str] =
    &["cdn.widgets.example", "pixel.tracker.example", "ads.adnet.example", "login.idp.example", "fonts.static.example"];

struct Entry {
    page: usize,
    time_ms: u64,
    method: &'static str,
    url: String,
    resource_type: &'static str,
    initiator: Option<(&'static str, String)>,
    req_headers: Vec<(String, String)>,
    status: u16,
    resp_headers: Vec<(String, String)>,
    redirect: String,
    mime: &'static str,
    body: Option<String>,
    /// `body` is base64.
    base64: bool,
    from_cache: bool,
    ws_messages: usize,
}

struct Gen {
    rng: Rng,
    body: usize,
    base64_bodies: bool,
    cookies_per_host: usize,
    /// Per site: cookies (name=value) a request to it carries.
    jar: Vec<Vec<(String, String)>>,
    time_ms: u64,
    page: usize,
}

const UA: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

impl Gen {
    fn body_text(&mut self) -> String {
        if self.base64_bodies {
            const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = String::with_capacity(self.body);
            while s.len() + 4 <= self.body.max(4) {
                let r = self.rng.next();
                for i in 0..4 {
                    s.push(B64[((r >> (6 * i)) & 63) as usize] as char);
                }
            }
            return s;
        }
        let mut s = String::with_capacity(self.body + 64);
        s.push_str("{\"items\":[");
        while s.len() < self.body {
            let n = self.rng.below(1_000_000);
            let _ = write!(s, "{{\"id\":{n},\"name\":\"item \\\"{n}\\\" café\",\"tags\":[\"a\",\"b\"]}},");
            if self.rng.chance(10) {
                s.push_str("\n\t");
            }
        }
        s.push_str("{}]}");
        s
    }

    fn cookie_header(&self, site: usize) -> Option<(String, String)> {
        let jar = &self.jar[site];
        (!jar.is_empty())
            .then(|| ("cookie".to_string(), jar.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")))
    }

    fn remember(&mut self, site: usize, name: &str, value: &str) {
        let jar = &mut self.jar[site];
        match jar.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.to_string(),
            None => jar.push((name.to_string(), value.to_string())),
        }
    }

    fn base_headers(&self, host: &str, path: &str, dest: &str, mode: &str, site_rel: &str) -> Vec<(String, String)> {
        vec![
            (":authority".into(), host.into()),
            (":method".into(), "GET".into()),
            (":path".into(), path.into()),
            (":scheme".into(), "https".into()),
            ("accept".into(), "*/*".into()),
            ("accept-encoding".into(), "gzip, deflate, br, zstd".into()),
            ("sec-fetch-dest".into(), dest.into()),
            ("sec-fetch-mode".into(), mode.into()),
            ("sec-fetch-site".into(), site_rel.into()),
            ("user-agent".into(), UA.into()),
        ]
    }

    fn tick(&mut self) -> u64 {
        self.time_ms += 5 + self.rng.below(400);
        self.time_ms
    }

    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        method: &'static str,
        url: String,
        resource_type: &'static str,
        initiator: Option<(&'static str, String)>,
        req_headers: Vec<(String, String)>,
        status: u16,
        resp_headers: Vec<(String, String)>,
    ) -> Entry {
        Entry {
            page: self.page,
            time_ms: self.tick(),
            method,
            url,
            resource_type,
            initiator,
            req_headers,
            status,
            resp_headers,
            redirect: String::new(),
            mime: "text/html",
            body: None,
            base64: self.base64_bodies,
            from_cache: false,
            ws_messages: 0,
        }
    }

    /// One page visit: a redirect into the site, the document, subresources, third parties, CORS, a
    /// WebSocket.
    fn page_visit(&mut self) -> Vec<Entry> {
        self.page += 1;
        let s = self.rng.below(SITES.len() as u64) as usize;
        let site = SITES[s];
        let www = format!("www.{site}");
        let origin = format!("https://{www}");
        let mut out = Vec::new();

        // Redirect chain: http apex → https www (sometimes).
        if self.rng.chance(30) {
            let mut e = self.entry(
                "GET",
                format!("http://{site}/"),
                "document",
                Some(("other", String::new())),
                self.base_headers(site, "/", "document", "navigate", "none"),
                301,
                vec![("location".into(), format!("{origin}/")), ("content-length".into(), "0".into())],
            );
            e.redirect = format!("{origin}/");
            out.push(e);
        }

        // The document, with cookies.
        let mut req = self.base_headers(&www, "/", "document", "navigate", "none");
        if let Some(c) = self.cookie_header(s) {
            req.push(c);
        }
        let mut resp = vec![("content-type".into(), "text/html; charset=utf-8".into())];
        let sid = self.rng.token(32);
        resp.push(("set-cookie".into(), format!("sid={sid}; Path=/; Secure; HttpOnly; SameSite=Lax")));
        self.remember(s, "sid", &sid);
        let route = format!("{:x}", self.rng.next() & 0xffff_ffff);
        let route_line = match self.rng.below(3) {
            0 => format!("route={route}; Path=/; HttpOnly"),
            1 => format!("route={route}; Path=/; Secure; HttpOnly; SameSite=None"),
            _ => format!("route={route}; Path=/; SameSite=None"),
        };
        resp.push(("set-cookie".into(), route_line));
        self.remember(s, "route", &route);
        if self.rng.chance(20) {
            let v = self.rng.token(16);
            resp.push(("set-cookie".into(), format!("__Host-csrf={v}; Path=/; Secure; SameSite=Strict")));
            self.remember(s, "__Host-csrf", &v);
        }
        if self.rng.chance(10) {
            resp.push(("set-cookie".into(), "old_pref=; Max-Age=0; Path=/".into()));
        }
        if self.cookies_per_host > 0 {
            let k = self.jar[s].len() % self.cookies_per_host;
            let v = self.rng.token(12);
            let name = format!("c{k}");
            let attrs = ["; Path=/", "; Path=/; Secure", "; Path=/app; SameSite=Strict", "; Domain=.{site}; Path=/"]
                [self.rng.below(4) as usize]
                .replace("{site}", site);
            resp.push(("set-cookie".into(), format!("{name}={v}{attrs}")));
            self.remember(s, &name, &v);
        }
        let mut doc =
            self.entry("GET", format!("{origin}/"), "document", Some(("other", String::new())), req, 200, resp);
        doc.body = Some(self.body_text());
        out.push(doc);

        // Same-site subresources (some from cache).
        for i in 0..(2 + self.rng.below(4)) {
            let path = format!("/static/app-{i}.js");
            let mut req = self.base_headers(&www, &path, "script", "no-cors", "same-origin");
            if let Some(c) = self.cookie_header(s) {
                req.push(c);
            }
            let mut e = self.entry(
                "GET",
                format!("{origin}{path}"),
                "script",
                Some(("parser", format!("{origin}/"))),
                req,
                200,
                vec![("content-type".into(), "application/javascript".into())],
            );
            e.mime = "application/javascript";
            e.from_cache = self.rng.chance(15);
            if self.rng.chance(30) {
                e.body = Some(self.body_text());
            }
            out.push(e);
        }

        // Third parties: widgets and trackers setting cross-site cookies.
        for _ in 0..(1 + self.rng.below(3)) {
            let t = THIRD[self.rng.below(THIRD.len() as u64) as usize];
            let path = format!("/p?id={}&ref={}", self.rng.token(8), self.rng.token(6));
            let mut req = self.base_headers(t, &path, "image", "no-cors", "cross-site");
            if self.rng.chance(50) {
                req.push(("cookie".into(), format!("_tp={}", self.rng.token(20))));
            }
            let line = match self.rng.below(4) {
                0 => format!("_tp={}; Path=/; Secure; SameSite=None", self.rng.token(20)),
                1 => format!("_tp={}; Path=/; SameSite=None", self.rng.token(20)),
                2 => format!("_tp={}; Path=/; Secure; SameSite=None; Partitioned", self.rng.token(20)),
                _ => format!("_tp={}; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT", self.rng.token(20)),
            };
            let mut e = self.entry(
                "GET",
                format!("https://{t}{path}"),
                "image",
                Some(("parser", format!("{origin}/"))),
                req,
                200,
                vec![("content-type".into(), "image/gif".into()), ("set-cookie".into(), line)],
            );
            e.mime = "image/gif";
            out.push(e);
        }

        // CORS: preflight + actual to the site's API (credentialed; some answers are wrong).
        for _ in 0..(1 + self.rng.below(2)) {
            let api = format!("https://api.{site}");
            let path = format!("/v1/items/{}", self.rng.below(10_000));
            let broken = self.rng.below(4);
            let mut pre_req = self.base_headers(&format!("api.{site}"), &path, "empty", "cors", "same-site");
            pre_req[1].1 = "OPTIONS".into();
            pre_req.push(("origin".into(), origin.clone()));
            pre_req.push(("access-control-request-method".into(), "PUT".into()));
            pre_req.push(("access-control-request-headers".into(), "content-type,x-csrf-token".into()));
            let mut pre_resp = vec![
                ("access-control-allow-methods".into(), "GET, PUT, POST".into()),
                ("access-control-allow-headers".into(), "content-type, x-csrf-token".into()),
                ("access-control-max-age".into(), "600".into()),
            ];
            match broken {
                0 => pre_resp.push(("access-control-allow-origin".into(), "*".into())),
                _ => pre_resp.push(("access-control-allow-origin".into(), origin.clone())),
            }
            if broken != 1 {
                pre_resp.push(("access-control-allow-credentials".into(), "true".into()));
            }
            let pre = self.entry(
                "OPTIONS",
                format!("{api}{path}"),
                "preflight",
                Some(("preflight", format!("{api}{path}"))),
                pre_req,
                if broken == 2 { 404 } else { 204 },
                pre_resp,
            );
            out.push(pre);
            let mut req = self.base_headers(&format!("api.{site}"), &path, "empty", "cors", "same-site");
            req[1].1 = "PUT".into();
            req.push(("origin".into(), origin.clone()));
            req.push(("content-type".into(), "application/json".into()));
            req.push(("x-csrf-token".into(), self.rng.token(16)));
            if let Some(c) = self.cookie_header(s) {
                req.push(c);
            }
            let mut resp = vec![
                ("content-type".into(), "application/json".into()),
                ("access-control-allow-origin".into(), origin.clone()),
                ("access-control-allow-credentials".into(), "true".into()),
                ("vary".into(), "Origin".into()),
            ];
            if self.rng.chance(30) {
                resp.push((
                    "set-cookie".into(),
                    format!("api_sess={}; Path=/; Secure; SameSite=None", self.rng.token(24)),
                ));
            }
            let mut e = self.entry(
                "PUT",
                format!("{api}{path}"),
                "fetch",
                Some(("script", format!("{origin}/app.js"))),
                req,
                200,
                resp,
            );
            e.mime = "application/json";
            e.body = Some(self.body_text());
            out.push(e);
        }

        // A WebSocket now and then.
        if self.rng.chance(25) {
            let host = format!("ws.{site}");
            let mut req = self.base_headers(&host, "/socket", "empty", "websocket", "same-site");
            req.push(("origin".into(), origin.clone()));
            req.push(("upgrade".into(), "websocket".into()));
            if let Some(c) = self.cookie_header(s) {
                req.push(c);
            }
            let mut e = self.entry(
                "GET",
                format!("wss://{host}/socket"),
                "websocket",
                Some(("script", format!("{origin}/app.js"))),
                req,
                101,
                vec![("upgrade".into(), "websocket".into()), ("connection".into(), "Upgrade".into())],
            );
            e.ws_messages = 2 + self.rng.below(6) as usize;
            out.push(e);
        }
        out
    }
}

fn timestamp(ms: u64) -> String {
    // 2026-11-20T10:00:00Z plus ms, written for up to ~50 days (enough for any generated capture).
    let total_s = ms / 1000;
    let (d, rem) = (total_s / 86_400, total_s % 86_400);
    let (h, m, s) = (10 + rem / 3600, (rem % 3600) / 60, rem % 60);
    let (day_extra, h) = (h / 24, h % 24);
    let day = 20 + d + day_extra;
    let (month, day) = if day > 30 { (12, day - 30) } else { (11, day) };
    format!("2026-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{:03}Z", ms % 1000)
}

fn headers_json(out: &mut String, headers: &[(String, String)]) {
    out.push('[');
    for (i, (n, v)) in headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "\n      {{\"name\": {}, \"value\": {}}}", js(n), js(v));
    }
    out.push_str("\n     ]");
}

fn entry_json(e: &Entry) -> String {
    let mut o = String::with_capacity(2048 + e.body.as_ref().map_or(0, |b| b.len() + b.len() / 8));
    o.push_str("\n   {\n");
    if let Some((t, url)) = &e.initiator {
        if url.is_empty() {
            let _ = writeln!(o, "    \"_initiator\": {{\"type\": {}}},", js(t));
        } else {
            let _ = writeln!(o, "    \"_initiator\": {{\"type\": {}, \"url\": {}}},", js(t), js(url));
        }
    }
    let _ = writeln!(o, "    \"_resourceType\": {},", js(e.resource_type));
    let _ = writeln!(o, "    \"pageref\": \"page_{}\",", e.page);
    if e.from_cache {
        o.push_str("    \"_fromCache\": \"disk\",\n");
    }
    if e.ws_messages > 0 {
        o.push_str("    \"_webSocketMessages\": [");
        for i in 0..e.ws_messages {
            let _ = write!(
                o,
                "{}{{\"type\": \"{}\", \"time\": {}.5, \"opcode\": 1, \"data\": \"{{\\\"seq\\\":{i}}}\"}}",
                if i > 0 { ", " } else { "" },
                if i % 2 == 0 { "send" } else { "receive" },
                e.time_ms / 1000 + i as u64
            );
        }
        o.push_str("],\n");
    }
    let _ = write!(
        o,
        "    \"request\": {{\n     \"method\": {}, \"url\": {}, \"httpVersion\": \"h2\",\n     \"headers\": ",
        js(e.method),
        js(&e.url)
    );
    headers_json(&mut o, &e.req_headers);
    o.push_str(",\n     \"queryString\": [], \"cookies\": [], \"headersSize\": -1, \"bodySize\": 0\n    },\n");
    let _ = write!(
        o,
        "    \"response\": {{\n     \"status\": {}, \"statusText\": \"\", \"httpVersion\": \"h2\",\n     \"headers\": ",
        e.status
    );
    headers_json(&mut o, &e.resp_headers);
    let _ = write!(
        o,
        ",\n     \"cookies\": [],\n     \"content\": {{\"size\": {}, \"mimeType\": {}",
        e.body.as_ref().map_or(0, |b| b.len()),
        js(e.mime)
    );
    if let Some(b) = &e.body {
        let _ = write!(o, ", \"text\": {}", js(b));
        if e.base64 {
            o.push_str(", \"encoding\": \"base64\"");
        }
    }
    let _ = write!(
        o,
        "}},\n     \"redirectURL\": {}, \"headersSize\": -1, \"bodySize\": -1, \"_transferSize\": 300, \"_error\": null\n    }},\n",
        js(&e.redirect)
    );
    let _ = write!(
        o,
        "    \"cache\": {{}}, \"serverIPAddress\": \"203.0.113.10\", \"startedDateTime\": \"{}\", \"time\": 40,\n    \"timings\": {{\"blocked\": 1, \"dns\": -1, \"ssl\": -1, \"connect\": -1, \"send\": 0.1, \"wait\": 30, \"receive\": 1}}\n   }}",
        timestamp(e.time_ms)
    );
    o
}

/// Writes one HAR; returns the number of entries.
fn write_har(w: &mut impl Write, o: &Options, seed: u64) -> std::io::Result<usize> {
    let mut g = Gen {
        rng: Rng(seed),
        body: o.body,
        base64_bodies: o.base64_bodies,
        cookies_per_host: o.cookies_per_host,
        jar: vec![Vec::new(); SITES.len()],
        time_ms: 0,
        page: 0,
    };
    let head = "{\n \"log\": {\n  \"version\": \"1.2\",\n  \"creator\": {\"name\": \"WebInspector\", \"version\": \"537.36\"},\n  \"entries\": [";
    w.write_all(head.as_bytes())?;
    let mut written = head.len() as u64;
    let mut n = 0usize;
    let mut pages = Vec::new();
    'outer: loop {
        let start = g.time_ms;
        let entries = g.page_visit();
        pages.push((g.page, start, entries[0].url.clone()));
        for e in &entries {
            let mut text = entry_json(e);
            if n > 0 {
                text.insert(0, ',');
            }
            w.write_all(text.as_bytes())?;
            written += text.len() as u64;
            n += 1;
            if written >= o.size {
                break 'outer;
            }
        }
    }
    // Pages after the entries (producers differ; the reader accepts both orders).
    w.write_all(b"\n  ],\n  \"pages\": [")?;
    for (i, (id, start, title)) in pages.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        write!(
            w,
            "{sep}\n   {{\"startedDateTime\": \"{}\", \"id\": \"page_{id}\", \"title\": {}, \"pageTimings\": {{}}}}",
            timestamp(*start),
            js(title)
        )?;
    }
    w.write_all(b"\n  ]\n }\n}\n")?;
    w.flush()?;
    Ok(n)
}
