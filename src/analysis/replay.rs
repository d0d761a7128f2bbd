//! Replays a capture through one cookie jar per browser profile, entry by entry, in capture order.
//!
//! The model's clock is the capture's own (`startedDateTime`), so expiry and the two-minute Lax rule
//! replay as they happened. Cookies that requests carry but no response in the capture set are learned
//! as pre-existing, with whatever attributes the capture lists for them.

use std::collections::{HashMap, HashSet};

use url::Url;

use super::infer::{self, Basis};
use super::report::{BrowserRun, CookieVerdict, CorsSummary, Credentials, EntryVerdict, HarReport, SetCookieVerdict};
use crate::evidence::{Exchange, ListedCookie, Page};
use crate::model::cors::{self, CorsRequest, CorsResponse, RequestMode};
use crate::model::cors_security::{check_observed, ObservedResponse};
use crate::model::http::Headers;
use crate::model::jar::CookieJar;
use crate::model::profile::Browser;
use crate::model::request::{CredentialsMode, RequestContext, RequestKind};
use crate::model::samesite::{is_third_party, top_level_site};
use crate::model::site::{registrable_domain, Origin};
use crate::model::time::Timestamp;

/// What to replay and for whom.
#[derive(Clone, Debug)]
pub struct ReplayOptions {
    /// The browser profiles to replay for.
    pub browsers: Vec<Browser>,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions { browsers: Browser::ALL.to_vec() }
    }
}

/// Replays exchanges one at a time; call [`Replay::finish`] for the report.
pub struct Replay {
    jars: Vec<CookieJar>,
    runs: Vec<BrowserRun>,
    page_top: HashMap<String, Origin>,
    page_titles: HashMap<String, String>,
    last_navigation: Option<Origin>,
    pending_redirects: HashMap<String, Vec<Url>>,
    /// Per site (registrable domain or host): cookie names some `Set-Cookie` in the capture set.
    set_in_capture: NamesBySite,
    /// Per site: cookie names learned from requests because the capture never set them.
    learned: NamesBySite,
    first_time: Option<Timestamp>,
    last_time: Timestamp,
    entries: usize,
    skipped: Vec<(usize, String)>,
    cookie_headers: usize,
    set_cookie_headers: usize,
    creator: Option<String>,
    /// Preflight responses waiting for their actual request, keyed by (URL, Origin).
    pending_preflights: HashMap<(String, String), CorsResponse>,
    /// Per API origin: the CORS answers seen (Origin sent, CORS headers, entry), at most
    /// [`OBSERVATIONS_PER_ORIGIN`] each so memory stays bounded.
    cors_observations: HashMap<String, (Origin, Vec<CorsObservation>)>,
}

/// Cookie names per site, looked up by `&str` without building a key per lookup (replay asks once per
/// cookie, browser and entry).
#[derive(Default)]
struct NamesBySite(HashMap<String, HashSet<String>>);

impl NamesBySite {
    fn contains(&self, site: &str, name: &str) -> bool {
        self.0.get(site).is_some_and(|names| names.contains(name))
    }

    /// Adds the name; `false` when it was there already.
    fn insert(&mut self, site: &str, name: &str) -> bool {
        match self.0.get_mut(site) {
            Some(names) if names.contains(name) => false,
            Some(names) => names.insert(name.to_string()),
            None => {
                self.0.insert(site.to_string(), HashSet::from([name.to_string()]));
                true
            }
        }
    }
}

/// How many redirects and preflights may wait for the request that follows them. One that never came
/// (a redirect the page did not follow, a preflight that failed) would otherwise stay for the whole
/// capture; past this many, an arbitrary one is forgotten, so memory stays bounded.
const PENDING_LIMIT: usize = 4096;

fn make_room<K: Clone + Eq + std::hash::Hash, V>(pending: &mut HashMap<K, V>) {
    if pending.len() >= PENDING_LIMIT {
        if let Some(k) = pending.keys().next().cloned() {
            pending.remove(&k);
        }
    }
}

/// One CORS answer kept for the security checks: the `Origin` sent, the CORS headers, the entry.
type CorsObservation = (String, Headers, usize);

/// How many CORS answers per API origin the security checks keep.
const OBSERVATIONS_PER_ORIGIN: usize = 64;

/// Splits a `Cookie` header into (name, value) pairs; a pair without `=` is a nameless cookie.
pub fn cookie_pairs(header: &str) -> Vec<(String, String)> {
    header
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.find('=') {
            Some(i) => (p[..i].trim().to_string(), p[i + 1..].trim().to_string()),
            None => (String::new(), p.to_string()),
        })
        .collect()
}

fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or("").to_ascii_lowercase()
}

impl Replay {
    /// A replay for the given profiles.
    pub fn new(options: &ReplayOptions) -> Self {
        Replay {
            jars: options.browsers.iter().map(|b| CookieJar::new(*b)).collect(),
            runs: options.browsers.iter().map(|b| BrowserRun { browser: *b, entries: Vec::new() }).collect(),
            page_top: HashMap::new(),
            page_titles: HashMap::new(),
            last_navigation: None,
            pending_redirects: HashMap::new(),
            set_in_capture: NamesBySite::default(),
            learned: NamesBySite::default(),
            first_time: None,
            last_time: Timestamp(0),
            entries: 0,
            skipped: Vec::new(),
            cookie_headers: 0,
            set_cookie_headers: 0,
            creator: None,
            pending_preflights: HashMap::new(),
            cors_observations: HashMap::new(),
        }
    }

    /// Records the producer (`WebInspector 537.36`), used to recognise sanitized Chrome exports.
    pub fn set_creator(&mut self, creator: Option<String>) {
        self.creator = creator;
    }

    /// Registers a HAR page; its title is used as the top level when it is a URL and no navigation
    /// for the page is in the capture.
    pub fn page(&mut self, page: &Page) {
        self.page_titles.insert(page.id.clone(), page.title.clone());
    }

    /// Records an entry that could not be read.
    pub fn skip(&mut self, index: usize, why: String) {
        self.entries += 1;
        self.skipped.push((index, why));
    }

    fn top_level_for(&self, x: &Exchange, kind: RequestKind, url: &Url, initiator: Option<&Origin>) -> Option<Origin> {
        if kind == RequestKind::Navigation {
            return Some(Origin::of_url(url));
        }
        if let Some(p) = x.page_ref.as_deref() {
            if let Some(o) = self.page_top.get(p) {
                return Some(o.clone());
            }
            if let Some(o) = self.page_titles.get(p).and_then(|t| Url::parse(t).ok()).map(|u| Origin::of_url(&u)) {
                if !o.is_opaque() {
                    return Some(o);
                }
            }
        }
        self.last_navigation.clone().or_else(|| initiator.cloned())
    }

    /// Replays one exchange and keeps its verdicts in the report's runs.
    pub fn push(&mut self, x: &Exchange) {
        let verdicts = self.replay(x);
        for (run, verdict) in self.runs.iter_mut().zip(verdicts) {
            run.entries.push(verdict);
        }
    }

    /// Replays one exchange and hands back its verdicts, one per profile in [`ReplayOptions::browsers`]
    /// order (none when the entry is skipped), without keeping them: streaming callers fold them into
    /// findings and outputs and drop them, so memory does not grow with the capture.
    pub fn replay(&mut self, x: &Exchange) -> Vec<EntryVerdict> {
        self.entries += 1;
        let url = match Url::parse(&x.url) {
            Ok(u) if u.host().is_some() => u,
            Ok(_) => {
                self.skipped.push((x.index, format!("URL has no host: {}", x.url)));
                return Vec::new();
            }
            Err(e) => {
                self.skipped.push((x.index, format!("URL does not parse ({e})")));
                return Vec::new();
            }
        };
        let time = x.started.unwrap_or(self.last_time).max(self.last_time);
        self.last_time = time;
        self.first_time.get_or_insert(time);

        let mut kind = infer::request_kind(x);
        // Without fetch metadata an HTML document after the page's first one is a frame, not a new top
        // level (ad and widget iframes in older captures).
        if kind == RequestKind::Navigation && !x.request_headers.contains("sec-fetch-mode") {
            let page_has_top = match x.page_ref.as_deref() {
                Some(p) => self.page_top.contains_key(p),
                None => false,
            };
            if page_has_top {
                kind = RequestKind::Iframe;
            }
        }
        let initiator = infer::initiator(x, kind);
        let top_level = self.top_level_for(x, kind, &url, initiator.as_ref());
        if kind == RequestKind::Navigation {
            let o = Origin::of_url(&url);
            // A main-frame navigation replaces the top level (one HAR page per tab in Playwright's
            // captures; recorded: a later navigation in the same tab is the new top level).
            if let Some(p) = x.page_ref.as_deref() {
                self.page_top.insert(p.to_string(), o.clone());
            }
            self.last_navigation = Some(o);
        }
        let chain = self.pending_redirects.remove(url.as_str()).unwrap_or_default();
        let cookie_header = x.request_headers.cookie_header();
        let set_cookie_lines = x.response_headers.set_cookie_lines();
        if cookie_header.is_some() {
            self.cookie_headers += 1;
        }
        self.set_cookie_headers += set_cookie_lines.len();
        let recorded_pairs = cookie_header.as_deref().map(cookie_pairs);

        // Learn cookies that requests carry but the capture never set.
        let host = host_of(&url);
        let site = registrable_domain(&host).unwrap_or(&host).to_string();
        // The names the captured Cookie header carried, for the per-cookie `recorded` flag.
        let recorded_names: Option<HashSet<&str>> =
            recorded_pairs.as_ref().map(|pairs| pairs.iter().map(|(n, _)| n.as_str()).collect());
        if let Some(pairs) = &recorded_pairs {
            let learn_at = self.first_time.unwrap_or(time).plus_secs(-3600);
            for (name, value) in pairs {
                if self.set_in_capture.contains(&site, name) || !self.learned.insert(&site, name) {
                    continue;
                }
                let line = learned_set_cookie(name, value, x.request_cookies.iter().find(|c| c.name == *name));
                let ctx = RequestContext::new(RequestKind::Navigation, "GET", url.clone(), None, learn_at);
                for jar in &mut self.jars {
                    jar.set_from_response(&line, &ctx);
                }
            }
        }

        // Credentials mode and its basis.
        let mut base = RequestContext::new(kind, &x.method, url.clone(), initiator.clone(), time)
            .with_top_level(top_level.clone())
            .with_redirect_chain(chain.clone());
        let storage_access = x.request_headers.contains("sec-fetch-storage-access");
        let fetch_mode = x.request_headers.get("sec-fetch-mode").map(str::to_ascii_lowercase);
        let (mode, basis) = match infer::fixed_credentials(kind) {
            Some(m) => (Some(m), Basis::Recorded),
            None if base.is_same_origin_with_initiator() => (Some(CredentialsMode::SameOrigin), Basis::Inferred),
            None if recorded_pairs.is_some() => (Some(CredentialsMode::Include), Basis::Recorded),
            None if storage_access => (Some(CredentialsMode::Include), Basis::Inferred),
            None if kind == RequestKind::Subresource && fetch_mode.as_deref() != Some("cors") => {
                (Some(CredentialsMode::Include), Basis::Inferred)
            }
            // A request that never got an answer shows only provisional headers: a missing Cookie
            // header says nothing there.
            None if x.status == 0 => (None, Basis::Unknown),
            None => {
                // The signature of fetch's default mode: the jar held a cookie this request would have
                // carried with credentials, yet the capture shows no Cookie header.
                let probe = base.clone().with_credentials(CredentialsMode::Include);
                let capture_jar = self.capture_browser_index();
                if self.jars[capture_jar].retrieve(&probe).cookie_header().is_some()
                    || chromium_without_storage_access(x)
                {
                    (Some(CredentialsMode::SameOrigin), Basis::Inferred)
                } else {
                    (None, Basis::Unknown)
                }
            }
        };
        let (mut mode, mut basis) = (mode, basis);
        let mut cors_input = self.cors_input(x, kind, &url, initiator.as_ref(), mode.unwrap_or(base.credentials));
        // A failed request whose mode is unknown: if only a credentialed request fails the CORS check
        // the capture shows, the failure itself says the page asked for credentials.
        if let (Some((req, pre, resp)), None, true) = (cors_input.as_mut(), mode, x.status == 0) {
            let browser = self.jars.first().map_or(Browser::Chrome, |j| j.browser());
            let with = CorsRequest { credentials: CredentialsMode::Include, ..req.clone() };
            if !cors::evaluate(&with, pre.as_ref(), resp, browser).ok
                && cors::evaluate(req, pre.as_ref(), resp, browser).ok
            {
                req.credentials = CredentialsMode::Include;
                (mode, basis) = (Some(CredentialsMode::Include), Basis::Inferred);
            }
        }
        let assumed = mode.unwrap_or(base.credentials);
        base.credentials = assumed;
        let credentials = Credentials { mode, assumed, basis };
        self.observe_cors(x, &url);

        // The same for every profile: computed once, cloned into each run's verdict.
        let top_site = top_level.as_ref().map(|_| top_level_site(&base).to_string());
        let initiator_text = initiator.as_ref().map(Origin::serialize);
        // Same-site or not, with and without the scheme: at most two answers for every profile.
        let third_party = [is_third_party(&base, false), is_third_party(&base, true)];
        // The CORS verdict differs between profiles only by Local Network Access, and a line's
        // attributes not at all: computed once, cloned into each verdict.
        let mut cors_verdicts: [Option<CorsSummary>; 2] = [None, None];
        let mut attributes: Vec<Option<String>> = vec![None; set_cookie_lines.len()];
        let mut verdicts = Vec::with_capacity(self.jars.len());
        for jar in &mut self.jars {
            let browser = jar.browser();
            let profile = jar.profile();
            let same_site = !third_party[usize::from(profile.schemeful_same_site)];
            let mut cookies = Vec::new();
            let mut set_cookies = Vec::new();
            if !x.from_cache {
                let retrieval = jar.retrieve(&base);
                for (access, sent) in
                    retrieval.included.iter().map(|a| (a, true)).chain(retrieval.excluded.iter().map(|a| (a, false)))
                {
                    let c = &access.cookie;
                    let recorded = recorded_names.as_ref().map(|names| names.contains(c.name.as_str()));
                    cookies.push(CookieVerdict {
                        name: c.name.clone(),
                        domain: c.domain.clone(),
                        sent,
                        reasons: access.status.exclusions().to_vec(),
                        warnings: access.status.warnings().to_vec(),
                        recorded,
                        learned: false,
                        value: c.value.clone(),
                    });
                }
                for (line, attributes) in set_cookie_lines.iter().zip(attributes.iter_mut()) {
                    let outcome = jar.set_from_response(line, &base);
                    set_cookies.push(SetCookieVerdict {
                        name: outcome.name.clone(),
                        stored: outcome.stored,
                        deleted: outcome.deleted,
                        reasons: outcome.status.exclusions().to_vec(),
                        warnings: outcome.status.warnings().to_vec(),
                        partition: outcome.partition.as_ref().map(|s| s.to_string()),
                        attributes: attributes
                            .get_or_insert_with(|| outcome.cookie.as_ref().map(attributes_of).unwrap_or_default())
                            .clone(),
                        value: outcome.cookie.as_ref().map(|c| c.value.clone()).unwrap_or_default(),
                    });
                }
            }
            for c in &mut cookies {
                c.learned = self.learned.contains(&site, &c.name);
            }
            verdicts.push(EntryVerdict {
                index: x.index,
                method: x.method.clone(),
                url: x.url.clone(),
                host: host.clone(),
                status: x.status,
                kind,
                initiator: initiator_text.clone(),
                top_level_site: top_site.clone(),
                same_site,
                credentials: credentials.clone(),
                set_cookies,
                cookies,
                cached: x.from_cache,
                cors: cors_input.as_ref().map(|(req, pre, resp)| {
                    cors_verdicts[usize::from(cors::has_local_network_access(browser))]
                        .get_or_insert_with(|| cors_summary(cors::evaluate(req, pre.as_ref(), resp, browser)))
                        .clone()
                }),
            });
        }
        for line in &set_cookie_lines {
            if let Ok(c) = crate::model::set_cookie::parse_set_cookie(line) {
                self.set_in_capture.insert(&site, &c.name);
            }
        }
        if (300..400).contains(&x.status) {
            let target =
                x.redirect_url.as_deref().or_else(|| x.response_headers.get("location")).and_then(|l| url.join(l).ok());
            if let Some(t) = target {
                let mut next = chain;
                next.push(url);
                make_room(&mut self.pending_redirects);
                self.pending_redirects.insert(t.to_string(), next);
            }
        }
        verdicts
    }

    /// The CORS request, paired preflight and response for a CORS-mode exchange; records preflights
    /// for the request that follows them.
    fn cors_input(
        &mut self,
        x: &Exchange,
        kind: RequestKind,
        url: &Url,
        initiator: Option<&Origin>,
        credentials: CredentialsMode,
    ) -> Option<(CorsRequest, Option<CorsResponse>, Vec<CorsResponse>)> {
        let origin_header = x.request_headers.get("origin").map(str::trim).unwrap_or("");
        if kind == RequestKind::Preflight {
            let key = (url.to_string(), origin_header.to_string());
            make_room(&mut self.pending_preflights);
            self.pending_preflights.insert(key, CorsResponse::new(x.status, x.response_headers.clone()));
            return None;
        }
        let mode = x.request_headers.get("sec-fetch-mode").map(str::to_ascii_lowercase);
        let cors_mode = match kind {
            RequestKind::Fetch | RequestKind::Xhr => {
                mode.as_deref() != Some("no-cors") && mode.as_deref() != Some("same-origin")
            }
            RequestKind::Subresource | RequestKind::Unknown => mode.as_deref() == Some("cors"),
            _ => false,
        };
        if !cors_mode {
            return None;
        }
        let origin = match origin_header {
            "null" => Origin::opaque(),
            "" => initiator?.clone(),
            o => Origin::parse(o).ok()?,
        };
        let mut req =
            CorsRequest::new(origin, url.clone(), &x.method).with_credentials(credentials).with_mode(RequestMode::Cors);
        req.headers = author_headers(&x.request_headers);
        // A request stopped by its failed preflight may show only provisional headers (no `Origin`):
        // then the preflight for the same URL is its preflight.
        let preflight = self.pending_preflights.remove(&(url.to_string(), origin_header.to_string())).or_else(|| {
            let key =
                self.pending_preflights.keys().find(|(u, _)| origin_header.is_empty() && *u == url.as_str()).cloned();
            key.and_then(|k| self.pending_preflights.remove(&k))
        });
        let responses =
            if x.status == 0 { Vec::new() } else { vec![CorsResponse::new(x.status, x.response_headers.clone())] };
        Some((req, preflight, responses))
    }

    /// Keeps the CORS headers of an answer for the security checks.
    fn observe_cors(&mut self, x: &Exchange, url: &Url) {
        if !x.response_headers.contains("access-control-allow-origin") {
            return;
        }
        let target = Origin::of_url(url);
        let key = target.serialize();
        let (_, seen) = self.cors_observations.entry(key).or_insert_with(|| (target, Vec::new()));
        if seen.len() >= OBSERVATIONS_PER_ORIGIN {
            return;
        }
        let keep = ["access-control-allow-origin", "access-control-allow-credentials", "vary"];
        let headers = Headers(
            x.response_headers
                .0
                .iter()
                .filter(|h| keep.iter().any(|k| h.name.eq_ignore_ascii_case(k)))
                .cloned()
                .collect(),
        );
        let origin_sent = x.request_headers.get("origin").unwrap_or("").trim().to_string();
        seen.push((origin_sent, headers, x.index));
    }

    /// Which jar plays the browser that recorded the capture (for inferring from absences).
    fn capture_browser_index(&self) -> usize {
        let want = infer::capture_browser(self.creator.as_deref());
        self.jars.iter().position(|j| j.browser() == want).unwrap_or(0)
    }

    /// Whether the capture looks like a sanitized export: there are entries, yet not one `Cookie` or
    /// `Set-Cookie` header.
    pub fn looks_sanitized(&self) -> bool {
        self.entries > 0 && self.cookie_headers == 0 && self.set_cookie_headers == 0
    }

    /// The report (findings and summary are added by the caller's analysis step).
    pub fn finish(self, input: &str) -> HarReport {
        // A sanitized export needs no fix-up afterwards, so verdicts can stream: with no Cookie header
        // anywhere every `recorded` is already unknown, and with no Cookie or Set-Cookie the jar stays
        // empty, so credentials are never inferred from a missing Cookie header. What remains
        // (Chrome's missing `Sec-Fetch-Storage-Access`) survives sanitizing, which removes only
        // Cookie, Set-Cookie and Authorization.
        let sanitized = self.looks_sanitized();
        let mut security = Vec::new();
        let mut origins: Vec<_> = self.cors_observations.into_iter().collect();
        origins.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, (target, seen)) in origins {
            let observed: Vec<ObservedResponse<'_>> = seen
                .iter()
                .map(|(origin_sent, headers, _)| ObservedResponse { origin_sent, target: &target, headers })
                .collect();
            let first = seen.first().map_or(0, |s| s.2);
            // One issue per class and API origin: the first answer showing it is evidence enough.
            let mut classes = Vec::new();
            for issue in check_observed(&observed) {
                if !classes.contains(&issue.class) {
                    classes.push(issue.class);
                    security.push((key.clone(), first, issue));
                }
            }
        }
        HarReport {
            security,
            input: input.to_string(),
            sanitized,
            creator: self.creator,
            entries: self.entries,
            skipped: self.skipped,
            runs: self.runs,
            summary: Vec::new(),
            findings: Vec::new(),
        }
    }
}

/// The request headers a page's script could have set: captured headers minus those the browser adds
/// itself (forbidden names, `Sec-*`, HTTP/2 pseudo-headers, and the ones Chromium and Firefox add on
/// their own), so a preflight is predicted only for what the page asked for.
fn author_headers(captured: &Headers) -> Headers {
    const BROWSER_ADDED: [&str; 9] = [
        "user-agent",
        "priority",
        "cache-control",
        "pragma",
        "purpose",
        "x-client-data",
        "upgrade-insecure-requests",
        "accept-language",
        "if-none-match",
    ];
    Headers(
        captured
            .0
            .iter()
            .filter(|h| {
                let n = h.name.to_ascii_lowercase();
                !n.starts_with(':')
                    && !cors::is_forbidden_request_header(&h.name, &h.value)
                    && !BROWSER_ADDED.contains(&n.as_str())
            })
            .cloned()
            .collect(),
    )
}

fn cors_summary(v: cors::CorsVerdict) -> CorsSummary {
    CorsSummary {
        ok: v.ok,
        error: v.error().map(|e| e.error),
        errors: v.errors().iter().map(|e| (e.error, e.failed_parameter.clone())).collect(),
        preflight_reasons: v.preflight_reasons.iter().map(|r| r.to_string()).collect(),
        preflight: v.preflight.as_ref().map(|p| (p.ok, p.errors.first().map(|e| e.error))),
        preflight_unobserved: v.preflight_unobserved,
        credentialed: v.credentialed,
        set_cookie_stored_despite_failure: v.set_cookie_stored_despite_failure(),
    }
}

/// A cross-site request from Chrome 133 or later without `Sec-Fetch-Storage-Access`: Chrome adds that
/// header to every cross-site request whose credentials mode is `include`, so its absence means the
/// mode was not `include`.
fn chromium_without_storage_access(x: &Exchange) -> bool {
    let h = &x.request_headers;
    if !h.get("sec-fetch-site").is_some_and(|v| v.eq_ignore_ascii_case("cross-site")) {
        return false;
    }
    let Some(ua) = h.get("user-agent") else { return false };
    let Some(i) = ua.find("Chrome/") else { return false };
    let major: u32 = ua[i + 7..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0);
    major >= 133 && !h.contains("sec-fetch-storage-access")
}

/// A `Set-Cookie` line for a cookie seen in a request but never set in the capture, from whatever the
/// capture lists about it.
fn learned_set_cookie(name: &str, value: &str, listed: Option<&ListedCookie>) -> String {
    let mut line = if name.is_empty() { value.to_string() } else { format!("{name}={value}") };
    let listed = listed.cloned().unwrap_or_default();
    line.push_str(&format!("; Path={}", listed.path.as_deref().filter(|p| p.starts_with('/')).unwrap_or("/")));
    if let Some(d) = listed.domain.as_deref().filter(|d| d.starts_with('.')) {
        line.push_str(&format!("; Domain={d}"));
    }
    if listed.secure == Some(true) {
        line.push_str("; Secure");
    }
    if listed.http_only == Some(true) {
        line.push_str("; HttpOnly");
    }
    if let Some(ss) = listed.same_site.as_deref() {
        line.push_str(&format!("; SameSite={ss}"));
    }
    line
}

fn attributes_of(c: &crate::model::set_cookie::SetCookie) -> String {
    let full = c.to_string();
    match full.find("; ") {
        Some(i) => full[i + 2..].to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_maps_stay_bounded() {
        let mut pending: HashMap<String, usize> = HashMap::new();
        for i in 0..PENDING_LIMIT * 3 {
            make_room(&mut pending);
            pending.insert(format!("https://a.example/{i}"), i);
        }
        assert_eq!(pending.len(), PENDING_LIMIT);
        // The newest one is always there to be paired.
        assert!(pending.contains_key(&format!("https://a.example/{}", PENDING_LIMIT * 3 - 1)));
    }
}
