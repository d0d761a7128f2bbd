//! web-platform-tests cookie vectors (`wpt/cookies/**/*.json`), replayed through a Chrome jar.
//!
//! Every JSON carries its own `semantics` (page URL, how the cookie is set, where and how it is read,
//! what `expected` means); each replay below says which reading it implements. Common rules:
//! - every vector starts from an empty jar (the WPT helpers drop cookies between cases);
//! - "the page fetch()es set_url" = a `fetch()` from the page's origin with the page as top level,
//!   default credentials (`same-origin`) unless the file says `credentials:'include'`;
//! - "read as document.cookie of URL" = [`CookieJar::script_cookie_string`] for that URL, under the
//!   test page as top level;
//! - the clock is pinned to 2025-01-01T00:00:00Z so the absolute Expires dates (2027, 2038) are in
//!   the future and the past ones in the past, as the vectors intend.
//!
//! CTL vectors flagged `terminating_ctl` encode the old rule (reject); current browsers truncate the
//! line at NUL/LF/CR. They are scored as documented deviations whose current expectation is in
//! `tests/deviations/cookies.toml`.

use super::common::{conformance_dir, read_json, short, Outcome, Suite};
use crossjar::model::jar::CookieJar;
use crossjar::model::profile::Browser;
use crossjar::model::request::{CredentialsMode, RequestContext, RequestKind};
use crossjar::model::site::Origin;
use crossjar::model::time::Timestamp;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use url::Url;

/// 2025-01-01T00:00:00Z.
const CLOCK: Timestamp = Timestamp::from_unix_secs(1_735_689_600);

/// Runs every cookie vector file.
pub fn run() {
    let Some(dir) = conformance_dir("wpt-cookies") else { return };
    let mut suite = Suite::new("wpt-cookies");
    let root = dir.join("wpt");
    let mut files = Vec::new();
    collect_json(&root.join("cookies"), &mut files);
    files.sort();
    if files.is_empty() {
        suite.error(format!("{}: no cookie vector files", root.display()));
    }
    for path in files {
        let rel = path.strip_prefix(&root).unwrap_or(&path).to_string_lossy().trim_end_matches(".json").to_string();
        let doc = match read_json(&path) {
            Ok(v) => v,
            Err(e) => {
                suite.error(e);
                continue;
            }
        };
        let Some(vectors) = doc.get("vectors").and_then(Value::as_array) else {
            suite.error(format!("{}: no `vectors` array", path.display()));
            continue;
        };
        let file = File { rel: &rel, doc: &doc, path: &path };
        for (i, v) in vectors.iter().enumerate() {
            let vid = v.get("id").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| format!("#{i}"));
            let id = format!("{rel}#{vid}");
            match replay(&file, v, &id) {
                Ok(Some(o)) => suite.record(o),
                Ok(None) => {}
                Err(Replay::Skip(reason)) => suite.skip(&id, reason),
                Err(Replay::Bad(msg)) => suite.error(format!("{}: vector {i} ({id}): {msg}", path.display())),
            }
        }
    }
    suite.finish();
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_json(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

struct File<'a> {
    rel: &'a str,
    doc: &'a Value,
    #[allow(dead_code)]
    path: &'a Path,
}

enum Replay {
    /// Cannot be expressed against the model (reason kept here, printed in the summary).
    Skip(&'static str),
    /// The vector does not have the shape its file promises.
    Bad(String),
}

type R = Result<Option<Outcome>, Replay>;

fn s<'v>(v: &'v Value, key: &str) -> Result<&'v str, Replay> {
    v.get(key).and_then(Value::as_str).ok_or_else(|| Replay::Bad(format!("missing string `{key}`")))
}

fn url(v: &str) -> Result<Url, Replay> {
    Url::parse(v).map_err(|e| Replay::Bad(format!("bad URL {v:?}: {e}")))
}

fn strings(v: &Value, key: &str) -> Result<Vec<String>, Replay> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .ok_or_else(|| Replay::Bad(format!("missing string array `{key}`")))
}

fn origin(u: &Url) -> Origin {
    Origin::of_url(u)
}

fn outcome(id: &str, input: String, expected: String, actual: String) -> Option<Outcome> {
    Some(Outcome { id: id.to_string(), input, expected, actual })
}

fn replay(f: &File, v: &Value, id: &str) -> R {
    let rel = f.rel;
    if rel.ends_with("-ctl") || rel.ends_with("-ctl.sub") {
        return dom_cookie_test(f, v, id);
    }
    match rel {
        "cookies/path/match" => path_match(f, v, id),
        "cookies/path/match-segment-boundaries.https" => segment_boundaries(f, v, id),
        "cookies/path/match-percent-encoded.https" => percent_encoded(f, v, id),
        "cookies/path/non-ascii-path-attribute.https" => non_ascii_path(f, v, id),
        "cookies/prefix/__host.explicit-path.https" => explicit_path(v, id),
        r if r.starts_with("cookies/prefix/") => prefix_header(f, v, id),
        "cookies/samesite/setcookie-lax.https" => setcookie_lax(f, v, id),
        "cookies/samesite/multiple-samesite-attributes.https" => samesite_matrix(f, v, id, Matrix::Multiple),
        r if r.starts_with("cookies/samesite/") => samesite_matrix(f, v, id, Matrix::Plain),
        "cookies/schemeful-same-site/schemeful.tentative" => schemeful(v, id),
        "cookies/samesite-none-secure/cookies-without-samesite-must-be-secure.https" => none_secure(f, v, id),
        _ if v.get("set_cookie").is_some() && v.get("read_url").is_some() => http_cookie_test(f, v, id),
        _ => Err(Replay::Bad(format!("no replay for file {rel}"))),
    }
}

fn page(f: &File) -> Result<Url, Replay> {
    url(s(f.doc, "page_url")?)
}

/// A `fetch()` from `page` to `target` (GET), page as top level.
fn fetch_ctx(page: &Url, target: Url, mode: CredentialsMode, time: Timestamp) -> RequestContext {
    RequestContext::new(RequestKind::Fetch, "GET", target, Some(origin(page)), time)
        .with_top_level(Some(origin(page)))
        .with_credentials(mode)
}

/// `httpCookieTest` and `httpRedirectCookieTest`: Set-Cookie on a same-origin fetch, then
/// `document.cookie` of `read_url` (the echo page for default-path cases, the page itself, or the
/// redirect target for domain.json).
fn http_cookie_test(f: &File, v: &Value, id: &str) -> R {
    let page = page(f)?;
    let set_url = url(s(v, "set_url")?)?;
    let read_url = url(s(v, "read_url")?)?;
    let lines = strings(v, "set_cookie")?;
    let expected = s(v, "expected")?.to_string();
    let mut jar = CookieJar::new(Browser::Chrome);
    let ctx = fetch_ctx(&page, set_url.clone(), CredentialsMode::SameOrigin, CLOCK);
    for l in &lines {
        jar.set_from_response(l, &ctx);
    }
    let actual = jar.script_cookie_string(&read_url, Some(&origin(&page)), CLOCK.plus_secs(1));
    let input = format!(
        "fetch {set_url} from {page} -> Set-Cookie {}; read document.cookie at {read_url}",
        lines.iter().map(|l| short(l)).collect::<Vec<_>>().join(" | ")
    );
    Ok(outcome(id, input, expected, actual))
}

/// `domCookieTest`: `document.cookie = cookie_string` on the page, read back on the page.
fn dom_cookie_test(f: &File, v: &Value, id: &str) -> R {
    let page = page(f)?;
    let read_url = url(s(v, "read_url")?)?;
    let line = s(v, "cookie_string")?;
    let expected = s(v, "expected")?.to_string();
    let mut jar = CookieJar::new(Browser::Chrome);
    let top = origin(&page);
    jar.set_from_script(line, &page, Some(&top), CLOCK);
    let actual = jar.script_cookie_string(&read_url, Some(&top), CLOCK.plus_secs(1));
    Ok(outcome(id, format!("document.cookie = {} on {page}", short(line)), expected, actual))
}

/// cookies/path/match: `NAME=1; path=P` set by script in, or by a fetch from, the iframe at
/// document_url; visible in that iframe's document.cookie? The fetch URL is not in the extract; the
/// semantics say relative paths fall back to `/cookies/path`, which is the default-path of any URL in
/// that directory, so the document URL itself stands in for it.
fn path_match(_f: &File, v: &Value, id: &str) -> R {
    let doc = url(s(v, "document_url")?)?;
    let name = s(v, "cookie_name")?;
    let line = format!("{name}=1; path={}", s(v, "path_attribute")?);
    let expected =
        v.get("expected_visible_in_document").and_then(Value::as_bool).ok_or(Replay::Bad("no bool".into()))?;
    let mut jar = CookieJar::new(Browser::Chrome);
    let top = origin(&doc);
    match s(v, "set_via")? {
        "document.cookie" => {
            jar.set_from_script(&line, &doc, Some(&top), CLOCK);
        }
        "http" => {
            jar.set_from_response(&line, &fetch_ctx(&doc, doc.clone(), CredentialsMode::SameOrigin, CLOCK));
        }
        other => return Err(Replay::Bad(format!("unknown set_via {other}"))),
    }
    let visible = has_cookie(&jar.script_cookie_string(&doc, Some(&top), CLOCK.plus_secs(1)), name);
    Ok(outcome(id, format!("{line:?} via {} on {doc}", s(v, "set_via")?), vis(expected), vis(visible)))
}

fn vis(b: bool) -> String {
    if b { "visible" } else { "not visible" }.to_string()
}

/// Whether a `document.cookie` / Cookie header string holds a cookie named `name`.
fn has_cookie(list: &str, name: &str) -> bool {
    list.split("; ").any(|c| c.split_once('=').map(|(n, _)| n) == Some(name))
}

fn names(list: Option<&str>) -> BTreeSet<String> {
    list.unwrap_or("")
        .split("; ")
        .filter(|c| !c.is_empty())
        .map(|c| c.split_once('=').map(|(n, _)| n).unwrap_or("").to_string())
        .collect()
}

/// match-segment-boundaries: Set-Cookie from cookie.py, then a credentialed fetch of request_url;
/// the Cookie header the server saw ("" = none).
fn segment_boundaries(f: &File, v: &Value, id: &str) -> R {
    let page = page(f)?;
    let set_url = url(s(v, "set_url")?)?;
    let req = url(s(v, "request_url")?)?;
    let lines = strings(v, "set_cookie")?;
    let mut jar = CookieJar::new(Browser::Chrome);
    for l in &lines {
        jar.set_from_response(l, &fetch_ctx(&page, set_url.clone(), CredentialsMode::Include, CLOCK));
    }
    let header =
        jar.retrieve(&fetch_ctx(&page, req.clone(), CredentialsMode::Include, CLOCK.plus_secs(1))).cookie_header();
    Ok(outcome(
        id,
        format!("Set-Cookie {:?} from {set_url}; fetch {req}", lines),
        s(v, "expected_cookie_header")?.to_string(),
        header.unwrap_or_default(),
    ))
}

/// Replaces `ZZ` in a template with the raw bytes, when they are UTF-8 (the model takes `&str`).
fn fill_template(v: &Value) -> Result<String, Replay> {
    let t = s(v, "set_cookie_template")?;
    match v.get("raw_bytes_hex").and_then(Value::as_str) {
        None => Ok(t.to_string()),
        Some(hex) => {
            let bytes: Option<Vec<u8>> = (0..hex.len())
                .step_by(2)
                .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                .collect();
            let bytes = bytes.ok_or_else(|| Replay::Bad(format!("bad hex {hex}")))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Replay::Skip("raw bytes are not UTF-8; the model's Set-Cookie API takes &str, so a lone non-UTF-8 byte cannot be expressed")
            })?;
            Ok(t.replace("ZZ", &text))
        }
    }
}

/// match-percent-encoded: is the cookie in document.cookie of the probe document?
fn percent_encoded(f: &File, v: &Value, id: &str) -> R {
    let page = page(f)?;
    let line = fill_template(v)?;
    let set_url = url(s(v, "set_url")?)?;
    let doc = url(s(v, "document_url")?)?;
    let name = line.split('=').next().unwrap_or("").to_string();
    let expected = v.get("expected_sent").and_then(Value::as_bool).ok_or(Replay::Bad("no expected_sent".into()))?;
    let mut jar = CookieJar::new(Browser::Chrome);
    jar.set_from_response(&line, &fetch_ctx(&page, set_url, CredentialsMode::SameOrigin, CLOCK));
    let visible = has_cookie(&jar.script_cookie_string(&doc, Some(&origin(&page)), CLOCK.plus_secs(1)), &name);
    Ok(outcome(id, format!("Set-Cookie {line:?}; document.cookie at {doc}"), vis(expected), vis(visible)))
}

/// non-ascii-path-attribute: after one Set-Cookie, each check is the Cookie header of a credentialed
/// fetch (echo.py body), or the set of cookies received (list.py body, only `{}` = none is used).
fn non_ascii_path(f: &File, v: &Value, id: &str) -> R {
    let page = page(f)?;
    let line = fill_template(v)?;
    let set_url = url(s(v, "set_url")?)?;
    let checks = v.get("checks").and_then(Value::as_array).ok_or(Replay::Bad("no checks".into()))?;
    let mut jar = CookieJar::new(Browser::Chrome);
    jar.set_from_response(&line, &fetch_ctx(&page, set_url, CredentialsMode::Include, CLOCK));
    let (mut exp, mut act) = (Vec::new(), Vec::new());
    for c in checks {
        let req = url(s(c, "request_url")?)?;
        let want = s(c, "expected_body")?;
        let header =
            jar.retrieve(&fetch_ctx(&page, req.clone(), CredentialsMode::Include, CLOCK.plus_secs(1))).cookie_header();
        let got = if req.path().ends_with("/list.py") {
            if want != "{}" {
                return Err(Replay::Skip("list.py body other than {} needs the server's JSON rendering"));
            }
            if header.is_none() {
                "{}".to_string()
            } else {
                format!("{{cookies: {}}}", header.unwrap_or_default())
            }
        } else if let Some(prefix) = want.strip_prefix("startsWith:") {
            let h = header.unwrap_or_default();
            if h.starts_with(prefix) {
                want.to_string()
            } else {
                h
            }
        } else {
            header.unwrap_or_default()
        };
        exp.push(format!("{}: {want}", req.path()));
        act.push(format!("{}: {got}", req.path()));
    }
    Ok(outcome(id, format!("Set-Cookie {line:?}"), exp.join(" | "), act.join(" | ")))
}

/// __host.explicit-path: document.cookie on document_url; stored = visible in document.cookie there
/// (or at expected_visible_at).
fn explicit_path(v: &Value, id: &str) -> R {
    let doc = url(s(v, "document_url")?)?;
    let line = s(v, "cookie_string")?;
    let at = match v.get("expected_visible_at").and_then(Value::as_str) {
        Some(u) => url(u)?,
        None => doc.clone(),
    };
    let expected = v.get("expected_stored").and_then(Value::as_bool).ok_or(Replay::Bad("no expected_stored".into()))?;
    let name = line.split('=').next().unwrap_or("");
    let mut jar = CookieJar::new(Browser::Chrome);
    let top = origin(&doc);
    jar.set_from_script(line, &doc, Some(&top), CLOCK);
    let stored = has_cookie(&jar.script_cookie_string(&at, Some(&origin(&at)), CLOCK.plus_secs(1)), name);
    Ok(outcome(id, format!("document.cookie = {line:?} on {doc}; read at {at}"), stored_s(expected), stored_s(stored)))
}

fn stored_s(b: bool) -> String {
    if b { "stored" } else { "not stored" }.to_string()
}

/// Prefix header tests: the page fetch()es set.py on set_url's origin with credentials:'include'
/// (one Set-Cookie), then that origin's list.py with credentials; does the cookie come back?
fn prefix_header(f: &File, v: &Value, id: &str) -> R {
    let page = page(f)?;
    let set_url = url(s(v, "set_url")?)?;
    let lines: Vec<String> = strings(v, "set_cookie")?.iter().map(|l| l.replace("<random>", "v1")).collect();
    let expected =
        v.get("should_exist_via_http").and_then(Value::as_bool).ok_or(Replay::Bad("no expectation".into()))?;
    let mut jar = CookieJar::new(Browser::Chrome);
    for l in &lines {
        jar.set_from_response(l, &fetch_ctx(&page, set_url.clone(), CredentialsMode::Include, CLOCK));
    }
    let list = set_url.join("/cookies/resources/list.py").map_err(|e| Replay::Bad(e.to_string()))?;
    let got = jar.retrieve(&fetch_ctx(&page, list.clone(), CredentialsMode::Include, CLOCK.plus_secs(1)));
    let name = lines.first().and_then(|l| l.split('=').next()).unwrap_or("").to_string();
    let sent = got.included.iter().any(|c| c.cookie.name == name);
    Ok(outcome(
        id,
        format!("fetch {set_url} from {page}: Set-Cookie {lines:?}; fetch {list}"),
        sent_s(expected),
        sent_s(sent),
    ))
}

fn sent_s(b: bool) -> String {
    if b { "sent" } else { "not sent" }.to_string()
}

#[derive(Clone, Copy, PartialEq)]
enum Matrix {
    Plain,
    Multiple,
}

/// The cookies the SameSite matrices set on cookie_origin (setSameSite.py: one of each kind).
const PLAIN_COOKIES: [&str; 4] = [
    "samesite_strict=1; SameSite=Strict; path=/",
    "samesite_lax=1; SameSite=Lax; path=/",
    "samesite_none=1; SameSite=None; Secure; path=/",
    "samesite_unspecified=1; path=/",
];

/// Cookies of setSameSiteMultiAttribute.py (from the file's note).
const MULTI_COOKIES: [&str; 10] = [
    "samesite_unsupported=1;SameSite=Unsupported;path=/;Secure",
    "samesite_unsupported_none=1;SameSite=Unsupported;SameSite=None;path=/;Secure",
    "samesite_unsupported_lax=1;SameSite=Unsupported;SameSite=Lax;path=/",
    "samesite_unsupported_strict=1;SameSite=Unsupported;SameSite=Strict;path=/",
    "samesite_none_unsupported=1;SameSite=None;SameSite=Unsupported;path=/;Secure",
    "samesite_lax_unsupported=1;SameSite=Lax;SameSite=Unsupported;path=/;Secure",
    "samesite_strict_unsupported=1;SameSite=Strict;SameSite=Unsupported;path=/;Secure",
    "samesite_lax_none=1;SameSite=Lax;SameSite=None;path=/;Secure",
    "samesite_lax_strict=1;SameSite=Lax;SameSite=Strict;path=/",
    "samesite_strict_lax=1;SameSite=Strict;SameSite=Lax;path=/",
];

/// Which of the checked cookies a status means are sent.
fn expected_set(m: Matrix, status: &str) -> Result<BTreeSet<String>, Replay> {
    let (always, strict_only, not_cross): (&[&str], &[&str], &[&str]) = match m {
        Matrix::Plain => (&["samesite_none"], &["samesite_strict"], &["samesite_lax"]),
        Matrix::Multiple => (
            &["samesite_unsupported_none", "samesite_lax_none"],
            &["samesite_unsupported_strict", "samesite_lax_strict"],
            &[
                "samesite_unsupported_lax",
                "samesite_strict_lax",
                "samesite_none_unsupported",
                "samesite_lax_unsupported",
                "samesite_strict_unsupported",
                "samesite_unsupported",
            ],
        ),
    };
    let mut set: BTreeSet<String> = always.iter().map(|s| s.to_string()).collect();
    match status {
        "strict" => set.extend(strict_only.iter().chain(not_cross).map(|s| s.to_string())),
        "lax" => set.extend(not_cross.iter().map(|s| s.to_string())),
        "cross-site" => {}
        other => return Err(Replay::Bad(format!("unknown status {other}"))),
    }
    Ok(set)
}

fn checked_names(m: Matrix) -> BTreeSet<String> {
    expected_set(m, "strict").unwrap_or_default()
}

/// Sets the matrix cookies on `cookie_origin` as a first party: a top-level navigation there, ten
/// minutes before the test request (so Chrome's two-minute Lax-allowing-unsafe window is over).
fn seed(jar: &mut CookieJar, cookie_origin: &Url, m: Matrix) {
    let set_url = cookie_origin.join("/cookies/resources/setSameSite.py").unwrap_or_else(|_| cookie_origin.clone());
    let ctx = RequestContext::new(RequestKind::Navigation, "GET", set_url, None, CLOCK.plus_secs(-600));
    let lines: &[&str] = match m {
        Matrix::Plain => &PLAIN_COOKIES,
        Matrix::Multiple => &MULTI_COOKIES,
    };
    for l in lines {
        jar.set_from_response(l, &ctx);
    }
}

/// SameSite matrices (`create_test(cookie_origin, target, status)`): which cookies go out with the
/// request; for iframes also what the framed document's document.cookie shows.
fn samesite_matrix(f: &File, v: &Value, id: &str, m: Matrix) -> R {
    let page = url(s(v, "initiator_page")?)?;
    let cookie_origin = url(s(v, "cookie_origin")?)?;
    let chain = v.get("url_chain").and_then(Value::as_array).ok_or(Replay::Bad("no url_chain".into()))?;
    let rtype = s(v, "request_type")?;
    let status = s(v, "expected_status")?;
    let mut hops: Vec<(String, Url)> = Vec::new();
    for h in chain {
        hops.push((s(h, "hop")?.to_string(), url(s(h, "origin")?)?));
    }
    let Some((_, final_origin)) = hops.last().cloned() else { return Err(Replay::Bad("empty url_chain".into())) };
    let final_url = final_origin.join("/cookies/resources/list.py").map_err(|e| Replay::Bad(e.to_string()))?;
    // Redirect hops become the redirect chain: A/redirectWithCORSHeaders.py?status=307&location=B.
    let mut redirect_chain = Vec::new();
    let mut initiator = origin(&page);
    for (kind, o) in &hops[..hops.len() - 1] {
        match kind.as_str() {
            "redirect-307" => redirect_chain.push(
                o.join(&format!("/cookies/resources/redirectWithCORSHeaders.py?status=307&location={final_url}"))
                    .map_err(|e| Replay::Bad(e.to_string()))?,
            ),
            // navigateTo(A, B): a document on A navigates the frame to B, so A initiates.
            "navigate-from" => initiator = origin(o),
            other => return Err(Replay::Bad(format!("unknown hop {other}"))),
        }
    }
    let (kind, method) = if rtype.starts_with("fetch()") {
        (RequestKind::Fetch, "GET")
    } else if rtype.starts_with("<img>") {
        (RequestKind::Subresource, "GET")
    } else if rtype.starts_with("<iframe>") {
        (RequestKind::Iframe, "GET")
    } else if rtype.starts_with("top-level form POST") {
        (RequestKind::Navigation, "POST")
    } else if rtype.starts_with("top-level form GET") {
        (RequestKind::Navigation, "GET")
    } else if rtype.starts_with("window.open()") {
        // Source quirk (see the file's note): the test opens cookie_origin directly and never the
        // redirect URL, so the request actually made has no redirect chain.
        redirect_chain.clear();
        (RequestKind::Navigation, "GET")
    } else {
        return Err(Replay::Bad(format!("unknown request_type {rtype}")));
    };
    let mut jar = CookieJar::new(Browser::Chrome);
    seed(&mut jar, &cookie_origin, m);
    let ctx = RequestContext::new(kind, method, final_url.clone(), Some(initiator.clone()), CLOCK)
        .with_top_level(Some(origin(&page)))
        .with_redirect_chain(redirect_chain.clone())
        .with_credentials(CredentialsMode::Include);
    let checked = checked_names(m);
    let sent: BTreeSet<String> =
        jar.retrieve(&ctx).included.iter().map(|c| c.cookie.name.to_string()).filter(|n| checked.contains(n)).collect();
    let mut expected = format!("sent {:?}", expected_set(m, status)?);
    let mut actual = format!("sent {sent:?}");
    if let Some(dom) = v.get("expected_dom_status").and_then(Value::as_str) {
        let want: BTreeSet<String> = match dom {
            "same-site" => checked.clone(),
            "cross-site" => expected_set(m, "cross-site")?,
            other => return Err(Replay::Bad(format!("unknown dom status {other}"))),
        };
        let seen: BTreeSet<String> = names(Some(&jar.script_cookie_string(&final_url, Some(&origin(&page)), CLOCK)))
            .into_iter()
            .filter(|n| checked.contains(n))
            .collect();
        expected.push_str(&format!(", document.cookie {want:?}"));
        actual.push_str(&format!(", document.cookie {seen:?}"));
    }
    let _ = f;
    let input = format!(
        "{rtype} from {} to {final_url} (initiator {}, redirects {:?}), cookies set on {cookie_origin}",
        page,
        initiator.serialize(),
        redirect_chain.iter().map(Url::as_str).collect::<Vec<_>>()
    );
    Ok(outcome(id, input, expected, actual))
}

/// setcookie-lax: a window on window_origin fetches SECURE_ORIGIN's setSameSite.py with credentials;
/// which cookies then show in the test page's document.cookie?
fn setcookie_lax(f: &File, v: &Value, id: &str) -> R {
    let page = page(f)?;
    let window = url(s(v, "window_origin")?)?;
    let exp =
        v.get("expected_in_document_cookie").and_then(Value::as_object).ok_or(Replay::Bad("no expectation".into()))?;
    let set_url = page.join("/cookies/resources/setSameSite.py").map_err(|e| Replay::Bad(e.to_string()))?;
    let mut jar = CookieJar::new(Browser::Chrome);
    let ctx = fetch_ctx(&window, set_url, CredentialsMode::Include, CLOCK);
    for l in PLAIN_COOKIES {
        jar.set_from_response(l, &ctx);
    }
    let seen = names(Some(&jar.script_cookie_string(&page, Some(&origin(&page)), CLOCK.plus_secs(1))));
    let want: BTreeSet<String> =
        exp.iter().filter(|(_, b)| b.as_bool() == Some(true)).map(|(k, _)| k.clone()).collect();
    let got: BTreeSet<String> = seen.into_iter().filter(|n| exp.contains_key(n)).collect();
    Ok(outcome(
        id,
        format!("credentialed fetch from {window} sets {PLAIN_COOKIES:?}"),
        format!("{want:?}"),
        format!("{got:?}"),
    ))
}

/// Schemeful same-site: the http page sets Strict/Lax cookies by script, then (subresource) frames
/// target, or (navigation) target's page navigates the top level back to the insecure origin.
fn schemeful(v: &Value, id: &str) -> R {
    let init = url(s(v, "initiator_origin")?)?;
    let target = url(s(v, "target_origin")?)?;
    let exp = v.get("expected").and_then(Value::as_object).ok_or(Replay::Bad("no expected".into()))?;
    let mut jar = CookieJar::new(Browser::Chrome);
    let page = init.join("/cookies/schemeful-same-site/test.html").map_err(|e| Replay::Bad(e.to_string()))?;
    for name in exp.keys() {
        let ss = if name.ends_with("strict") { "Strict" } else { "Lax" };
        jar.set_from_script(
            &format!("{name}=1; SameSite={ss}; path=/"),
            &page,
            Some(&origin(&page)),
            CLOCK.plus_secs(-600),
        );
    }
    let ctx = if id.contains("#subresource") {
        let u = target.join("/cookies/resources/postToParent.py").map_err(|e| Replay::Bad(e.to_string()))?;
        RequestContext::new(RequestKind::Iframe, "GET", u, Some(origin(&page)), CLOCK)
            .with_top_level(Some(origin(&page)))
    } else {
        let u = init.join("/cookies/resources/postToParent.py").map_err(|e| Replay::Bad(e.to_string()))?;
        RequestContext::new(RequestKind::Navigation, "GET", u, Some(origin(&target)), CLOCK)
    };
    let sent = jar.retrieve(&ctx).included.iter().map(|c| c.cookie.name.to_string()).collect::<BTreeSet<_>>();
    let want: BTreeMap<String, String> =
        exp.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("?").to_string())).collect();
    let got: BTreeMap<String, String> = exp.keys().map(|k| (k.clone(), sent_s(sent.contains(k)))).collect();
    Ok(outcome(
        id,
        format!("{} from {init} towards {target}", s(v, "request_type")?),
        format!("{want:?}"),
        format!("{got:?}"),
    ))
}

/// SameSite=None without Secure is rejected; with Secure it is stored and sent (same-origin fetches).
fn none_secure(_f: &File, v: &Value, id: &str) -> R {
    let o = url(s(v, "set_url_origin")?)?;
    let page = o.join("/cookies/samesite-none-secure/test.html").map_err(|e| Replay::Bad(e.to_string()))?;
    let lines: Vec<String> = strings(v, "set_cookie_inferred")?.iter().map(|l| l.replace("<v>", "1")).collect();
    let exp = v.get("expected").and_then(Value::as_object).ok_or(Replay::Bad("no expected".into()))?;
    let set_url = o.join("/cookies/resources/setSameSiteNone.py").map_err(|e| Replay::Bad(e.to_string()))?;
    let mut jar = CookieJar::new(Browser::Chrome);
    for l in &lines {
        jar.set_from_response(l, &fetch_ctx(&page, set_url.clone(), CredentialsMode::Include, CLOCK));
    }
    let list = o.join("/cookies/resources/list.py").map_err(|e| Replay::Bad(e.to_string()))?;
    let sent: BTreeSet<String> = jar
        .retrieve(&fetch_ctx(&page, list, CredentialsMode::Include, CLOCK.plus_secs(1)))
        .included
        .iter()
        .map(|c| c.cookie.name.to_string())
        .collect();
    let want: BTreeMap<String, String> =
        exp.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("?").to_string())).collect();
    let got: BTreeMap<String, String> = exp
        .keys()
        .map(|k| (k.clone(), if sent.contains(k) { "stored and sent" } else { "rejected" }.to_string()))
        .collect();
    Ok(outcome(id, format!("Set-Cookie {lines:?} on {o}"), format!("{want:?}"), format!("{got:?}")))
}
