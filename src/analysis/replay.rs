//! Replays a capture through one cookie jar per browser profile, entry by entry, in capture order.
//!
//! The model's clock is the capture's own (`startedDateTime`), so expiry and the two-minute Lax rule
//! replay as they happened. Cookies that requests carry but no response in the capture set are learned
//! as pre-existing, with whatever attributes the capture lists for them.

use crate::model::fast_hash::{HashMap, HashSet};

use url::Url;

use super::infer::{self, Basis, Recorder};
use super::report::{
    BrowserRun, CookieVerdict, CorsSummary, Credentials, EntryVerdict, HarReport, LimitHit, SetCookieVerdict,
    SharedStr, SkippedKind, SKIPPED_LISTED,
};
use crate::evidence::{Exchange, ListedCookie, Page};
use crate::model::cors::{self, CorsRequest, CorsResponse, PreflightReason, RequestMode};
use crate::model::cors_security::{check_observed, ObservedResponse};
use crate::model::http::{Headers, RequestHeader, RequestHeaderIndex, RequestHeaderLookup};
use crate::model::jar::{CookieAccess, CookieJar, ParsedSetCookie, RequestFacts, Retrieval};
use crate::model::mixed_content::{self, Destination, MixedContent};
use crate::model::name_id::{NameId, NameIds};
use crate::model::profile::Browser;
use crate::model::reason::{Exclusion, Exclusions};
use crate::model::request::{CredentialsMode, RequestContext, RequestKind};
use crate::model::samesite::SameSiteContext;
use crate::model::site::Origin;
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

/// A verdict's lists, emptied and kept for the next entry's verdict (see [`Replay::recycle`]).
type VerdictLists = (Vec<CookieVerdict>, Vec<SetCookieVerdict>, Vec<LimitHit>);

/// Replays exchanges one at a time; call [`Replay::finish`] for the report.
pub struct Replay {
    jars: Vec<CookieJar>,
    runs: Vec<BrowserRun>,
    page_top: HashMap<String, Origin>,
    /// Per HAR page, the origin of its title when the title is a URL (a page whose navigation the
    /// capture lacks): parsed once, when the page is registered, not for each of its entries.
    page_title_origins: HashMap<String, Option<Origin>>,
    last_navigation: Option<Origin>,
    pending_redirects: HashMap<String, Hop>,
    /// The browser whose word the capture is: from the producer's name, then the first User-Agent.
    recorder: Option<Recorder>,
    /// Whether a User-Agent has been looked at for the recorder yet.
    recorder_settled: bool,
    /// The author headers and responses of the last CORS check, refilled by the next one.
    spare_cors: (Headers, Vec<CorsResponse>),
    /// Scratch: per pair of the entry's `Cookie` header, whether a response in the capture set it.
    pairs_set_in_capture: Vec<bool>,
    /// The last entry's shared texts, given again to the next entry that has the same.
    recent: RecentTexts,
    /// The origins of the `Origin` headers of the last CORS requests, parsed once while they repeat.
    origin_headers: crate::model::recent::Recent<Option<Origin>>,
    /// Cookie names numbered as the lines that set them are shared (see [`NameId`]).
    name_ids: NameIds,
    /// An emptied retrieval whose lists the next one fills (no allocation per profile and entry).
    spare_retrieval: Retrieval<'static>,
    /// The last entry's verdicts, handed back by a caller that only looked at them
    /// ([`Replay::recycle`]): the next entry's are written into their lists.
    spare_verdicts: Vec<EntryVerdict>,
    /// The emptied lists of the verdicts handed back, one triple per profile (last profile first).
    spare_lists: Vec<VerdictLists>,
    /// Per site and name: what the requests prove about a cookie the capture never set.
    learned_facts: BySiteAndName<LearnedFacts>,
    /// Entries that list cookies in `request.cookies` / `response.cookies`.
    listed_cookies: usize,
    /// Per site (registrable domain or host) and cookie name: the last `Set-Cookie` line in the
    /// capture that set it.
    set_in_capture: BySiteAndName<String>,
    /// Per site: cookie names learned from requests because the capture never set them.
    learned: NamesBySite,
    first_time: Option<Timestamp>,
    last_time: Timestamp,
    entries: usize,
    skipped: Vec<(usize, String)>,
    skipped_kinds: Vec<SkippedKind>,
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

/// Values per site and cookie name, looked up by borrowed text (no key is built to look one up).
#[derive(Debug)]
struct BySiteAndName<V>(HashMap<String, HashMap<String, V>>);

impl<V> Default for BySiteAndName<V> {
    fn default() -> Self {
        BySiteAndName(HashMap::default())
    }
}

impl<V> BySiteAndName<V> {
    fn get(&self, site: &str, name: &str) -> Option<&V> {
        self.at(site)?.get(name)
    }

    /// The site's names, for several look-ups on one site.
    fn at(&self, site: &str) -> Option<&HashMap<String, V>> {
        self.0.get(site)
    }

    /// The value for the name on the site, if there is one: one look-up per level.
    fn get_mut(&mut self, site: &str, name: &str) -> Option<&mut V> {
        self.0.get_mut(site)?.get_mut(name)
    }

    fn get_or_insert_with(&mut self, site: &str, name: &str, new: impl FnOnce() -> V) -> &mut V {
        if !self.0.contains_key(site) {
            self.0.insert(site.to_string(), HashMap::default());
        }
        let names = self.0.get_mut(site).expect("the site was just added");
        if !names.contains_key(name) {
            names.insert(name.to_string(), new());
        }
        names.get_mut(name).expect("the name was just added")
    }
}

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
                self.0.insert(site.to_string(), std::iter::once(name.to_string()).collect());
                true
            }
        }
    }
}

/// The redirects a browser follows before failing the request (Fetch: "redirect count is 20").
const MAX_REDIRECTS: usize = 20;

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

/// A redirect waiting for its next hop: the chain so far, and the kind and initiator of the request
/// that started it.
struct Hop {
    chain: Vec<Url>,
    kind: RequestKind,
    kind_basis: Basis,
    initiator: Option<Origin>,
}

/// What the requests prove about a cookie whose `Set-Cookie` the capture does not show; anything not
/// proven stays unknown, and verdicts that hinge on it say so.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LearnedFacts {
    /// The host it was first seen on.
    first_host: String,
    /// A `Domain` attribute, proven by the cookie going to two hosts (their common parent).
    domain: Option<String>,
    /// `SameSite` from the producer's cookie list, or `None` proven by a cross-site send in a browser
    /// that treats an unspecified `SameSite` as `Lax` (Chrome 85 and later).
    same_site: Option<String>,
    /// `Secure`: `false` once sent over http, `true` with a proven `SameSite=None` (Chrome needs it),
    /// or as listed.
    secure: Option<bool>,
    /// The longest common prefix of the paths it was sent to (its `Path` is a prefix of it), or the
    /// listed path.
    path: String,
    path_known: bool,
    http_only: bool,
}

impl LearnedFacts {
    fn new(host: &str, path: &str, listed: Option<&ListedCookie>) -> Self {
        let listed_path = listed.and_then(|l| l.path.clone()).filter(|p| p.starts_with('/'));
        LearnedFacts {
            first_host: host.to_string(),
            domain: listed.and_then(|l| l.domain.clone()).filter(|d| d.starts_with('.')),
            same_site: listed.and_then(|l| l.same_site.clone()),
            secure: listed.and_then(|l| l.secure),
            path_known: listed_path.is_some(),
            path: listed_path.unwrap_or_else(|| path.to_string()),
            http_only: listed.and_then(|l| l.http_only).unwrap_or(false),
        }
    }

    /// Takes in one more request that carried the cookie. Allocates nothing unless a fact changes
    /// (a cookie sent with every request of a capture is seen once per request).
    fn saw(&mut self, host: &str, path: &str, secure_url: bool, proves_none: bool) -> Seen {
        let mut seen = Seen::default();
        if !secure_url && self.secure != Some(false) {
            self.secure = Some(false);
            seen.changed = true;
        }
        if proves_none {
            if self.same_site.as_deref() != Some("None") {
                self.same_site = Some("None".into());
                seen.changed = true;
            }
            if self.secure.is_none() {
                self.secure = Some(true);
                seen.changed = true;
            }
        }
        if host != self.first_host {
            let common = common_domain(host, &self.first_host);
            let parent = match &self.domain {
                Some(d) => common_domain(d.trim_start_matches('.'), common),
                None => common,
            };
            let same = self.domain.as_deref().is_some_and(|d| d.strip_prefix('.') == Some(parent));
            if !same && !parent.is_empty() && !crate::model::site::is_public_suffix(parent) {
                self.domain = Some(format!(".{parent}"));
                seen.changed = true;
                seen.moved_domain = true;
            }
        }
        if !self.path_known {
            let common = self.path.chars().zip(path.chars()).take_while(|(a, b)| a == b).count();
            let keep = self.path.char_indices().nth(common).map_or(self.path.len(), |(i, _)| i);
            // Nothing in common leaves `/`.
            let unchanged = if keep == 0 { self.path == "/" } else { keep == self.path.len() };
            if !unchanged {
                self.path.truncate(keep);
                if self.path.is_empty() {
                    self.path.push('/');
                }
                seen.changed = true;
            }
        }
        seen
    }

    /// The line the jars learn it from: only what is proven (or listed), `Path=/` otherwise.
    fn line(&self, name: &str, value: &str) -> String {
        let mut line = if name.is_empty() { value.to_string() } else { format!("{name}={value}") };
        line.push_str(&format!("; Path={}", if self.path_known { self.path.as_str() } else { "/" }));
        if let Some(d) = &self.domain {
            line.push_str(&format!("; Domain={d}"));
        }
        if self.secure == Some(true) {
            line.push_str("; Secure");
        }
        if self.http_only {
            line.push_str("; HttpOnly");
        }
        if let Some(ss) = &self.same_site {
            line.push_str(&format!("; SameSite={ss}"));
        }
        line
    }

    /// Whether a verdict on a request to `host` at `path` rests on an attribute not proven. In a
    /// third-party context it always does: where (which partition, under which policy) the cookie was
    /// set, and whether it is `Partitioned`, the capture cannot show.
    fn unknown_for(
        &self,
        host: &str,
        path: &str,
        secure_url: bool,
        context: SameSiteContext,
        third_party: bool,
    ) -> bool {
        third_party
            || (self.same_site.is_none() && context != SameSiteContext::Strict)
            || (self.secure.is_none() && !secure_url)
            || (self.domain.is_none() && host != self.first_host)
            || (!self.path_known && !crate::model::cookie::path_match(path, &self.path))
    }
}

/// What one more request changed in a cookie's [`LearnedFacts`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Seen {
    /// Some fact changed (the jars must learn the cookie again).
    changed: bool,
    /// Its `Domain` changed (the jars forget it under the old one first).
    moved_domain: bool,
}

/// The longest common dot-separated suffix of two host names, as a part of `a`.
fn common_domain<'a>(a: &'a str, b: &str) -> &'a str {
    let mut start = a.len();
    for (i, (x, y)) in a.rsplit('.').zip(b.rsplit('.')).enumerate() {
        if !x.eq_ignore_ascii_case(y) {
            break;
        }
        // The last label ends the name; each one before it ends one dot before the next begins.
        start -= x.len() + usize::from(i > 0);
    }
    &a[start..]
}

/// One CORS answer kept for the security checks: the `Origin` sent, the CORS headers, the entry.
type CorsObservation = (String, Headers, usize);

/// How many CORS answers per API origin the security checks keep.
const OBSERVATIONS_PER_ORIGIN: usize = 64;

/// Splits a `Cookie` header into (name, value) pairs; a pair without `=` is a nameless cookie.
pub fn cookie_pairs(header: &str) -> Vec<(String, String)> {
    cookie_pairs_bounded(header, usize::MAX).0.into_iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

/// Kinds of skipped entries told apart; more are counted together.
const SKIPPED_KINDS: usize = 32;

/// A skipped entry's problem without what differs between entries: the URL, entry numbers and array
/// positions (digits become `n`).
fn skip_kind(why: &str) -> String {
    for prefix in ["URL has no host", "URL does not parse"] {
        if why.starts_with(prefix) {
            return prefix.to_string();
        }
    }
    let mut kind = String::new();
    let mut in_digits = false;
    for ch in why.chars().take(200) {
        if ch.is_ascii_digit() {
            if !in_digits {
                kind.push('n');
            }
            in_digits = true;
        } else {
            in_digits = false;
            kind.push(ch);
        }
    }
    kind
}

/// The most `Cookie` pairs read from one captured header: no browser's jar holds more cookies than
/// Chromium's 3 300 in all, so a longer header is not what a browser sent, and reading it all would
/// make one entry cost what its pairs squared do.
pub const MAX_COOKIE_PAIRS: usize = 3300;

/// The first `limit` pairs of a `Cookie` header, and how many pairs it holds in all.
fn cookie_pairs_bounded(header: &str, limit: usize) -> (Vec<(&str, &str)>, usize) {
    let mut pairs = Vec::new();
    let mut total = 0;
    for p in header.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        total += 1;
        if pairs.len() < limit {
            pairs.push(match p.find('=') {
                Some(i) => (p[..i].trim(), p[i + 1..].trim()),
                None => ("", p),
            });
        }
    }
    (pairs, total)
}

/// The names of a captured Cookie header's pairs, looked up by a scan while they are few (no
/// allocation: nearly every header) and through a set when many.
struct PairNames<'a> {
    pairs: &'a [(&'a str, &'a str)],
    set: Option<HashSet<&'a str>>,
}

impl<'a> PairNames<'a> {
    const SCANNED: usize = 16;

    fn new(pairs: &'a [(&'a str, &'a str)]) -> Self {
        let set = (pairs.len() > Self::SCANNED).then(|| pairs.iter().map(|(n, _)| *n).collect());
        PairNames { pairs, set }
    }

    fn contains(&self, name: &str) -> bool {
        match &self.set {
            Some(set) => set.contains(name),
            None => self.pairs.iter().any(|(n, _)| *n == name),
        }
    }
}

/// What the replay reads from an exchange before it looks at any state of its own: the URL, the
/// request's kind and initiator as the exchange shows them, and each `Set-Cookie` line parsed.
/// Pure, so the pipeline computes it on the reader's thread while the replay works on earlier
/// entries (two cores: reading and replaying overlap further), and refills it entry after entry.
#[derive(Debug)]
pub struct Prepared {
    url: Result<Url, url::ParseError>,
    kind: RequestKind,
    kind_basis: Basis,
    initiator: Option<Origin>,
    /// One per [`Headers::set_cookie_lines`] line, in order.
    set_cookies: Vec<ParsedSetCookie>,
    /// The response headers' size ([`Headers::byte_size`]), for the browsers' header limits.
    response_bytes: u64,
    /// What the replay looks up in the headers.
    headers: HeaderFacts,
}

/// The answers to the look-ups the replay makes in every entry's headers. Found where the headers
/// were just read (the pipeline's reader thread, whose cache still holds them): on the replay's
/// thread each scan of a dozen header names costs cache misses. Texts keep their room from entry to
/// entry.
#[derive(Debug, Default)]
struct HeaderFacts {
    /// The request shows a `Sec-Fetch-Mode` header.
    has_fetch_mode: bool,
    /// Its first value, as the replay tells modes apart.
    fetch_mode: Option<FetchMode>,
    /// `Sec-Fetch-Dest`'s first value, as mixed content reads it.
    fetch_dest: Option<Destination>,
    /// `Sec-Fetch-Dest: font` (any case).
    dest_is_font: bool,
    /// The request shows a `Sec-Fetch-Storage-Access` header.
    storage_access: bool,
    /// The `Origin` header's first value, trimmed; empty when there is none.
    origin: String,
    /// The response shows `Access-Control-Allow-Origin`.
    allow_origin: bool,
    /// The `Cookie` header ([`Headers::cookie_header`]), when the request shows one.
    has_cookie: bool,
    cookie: String,
    /// Its first [`MAX_COOKIE_PAIRS`] pairs, as byte ranges of `cookie` (name, value), and how many
    /// it holds in all.
    cookie_pairs: Vec<[usize; 4]>,
    cookie_pairs_total: usize,
}

/// `Sec-Fetch-Mode` as the replay tells modes apart (ASCII case ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FetchMode {
    Cors,
    NoCors,
    SameOrigin,
    Other,
}

impl HeaderFacts {
    fn refill(&mut self, x: &Exchange, h: &RequestHeaderIndex<'_>) {
        self.fetch_mode =
            h.value(RequestHeader::SecFetchMode).map(|m| match crate::model::http::ascii_lowercase(m).as_ref() {
                "cors" => FetchMode::Cors,
                "no-cors" => FetchMode::NoCors,
                "same-origin" => FetchMode::SameOrigin,
                _ => FetchMode::Other,
            });
        // Present without a value only when every line of it is empty: scanned again only then.
        self.has_fetch_mode = self.fetch_mode.is_some() || h.has(RequestHeader::SecFetchMode);
        let dest = h.value(RequestHeader::SecFetchDest);
        self.fetch_dest = dest.map(Destination::from_sec_fetch_dest);
        self.dest_is_font = dest.is_some_and(|d| d.eq_ignore_ascii_case("font"));
        self.storage_access = h.has(RequestHeader::SecFetchStorageAccess);
        self.origin.clear();
        self.origin.push_str(h.value(RequestHeader::Origin).map(str::trim).unwrap_or(""));
        self.allow_origin = x.response_headers.contains("access-control-allow-origin");
        self.cookie.clear();
        self.cookie_pairs.clear();
        self.cookie_pairs_total = 0;
        let cookie = h.cookie_header();
        self.has_cookie = cookie.is_some();
        if let Some(c) = cookie {
            self.cookie.push_str(&c);
            let (pairs, total) = cookie_pairs_bounded(&self.cookie, MAX_COOKIE_PAIRS);
            // Every non-empty name and value is a part of the text; an empty one may not be (a pair
            // without `=` has the name `""`): it is the empty range.
            let at = |t: &str| if t.is_empty() { 0 } else { t.as_ptr() as usize - self.cookie.as_ptr() as usize };
            self.cookie_pairs.extend(pairs.iter().map(|(n, v)| [at(n), at(n) + n.len(), at(v), at(v) + v.len()]));
            self.cookie_pairs_total = total;
        }
    }

    /// The `Cookie` header's pairs (see `cookie_pairs`).
    fn pairs(&self) -> Option<Vec<(&str, &str)>> {
        let text = &self.cookie;
        self.has_cookie.then(|| self.cookie_pairs.iter().map(|&[a, b, c, d]| (&text[a..b], &text[c..d])).collect())
    }
}

/// The texts consecutive entries mostly share (a page's requests go to few hosts, under one top
/// level): each is given again while it stays the same, so an entry shares them rather than
/// allocating its own.
#[derive(Debug, Default)]
struct RecentTexts {
    method: RecentText,
    host: RecentText,
    top_site: RecentShown<crate::model::site::Site>,
    initiator: RecentShown<Origin>,
    attributes: RecentAttributes,
}

/// The attributes (as a verdict shows them) of recent `Set-Cookie` lines, by the lines' attribute
/// text, which alone decides them ([`crate::model::set_cookie::attribute_text`]): a site sets few
/// distinct cookies, each again and again, so most lines need no formatting.
#[derive(Debug)]
struct RecentAttributes(crate::model::recent::Recent<SharedStr>);

impl Default for RecentAttributes {
    fn default() -> Self {
        RecentAttributes(crate::model::recent::Recent::new(Self::SLOTS))
    }
}

impl RecentAttributes {
    const SLOTS: usize = 16;

    /// The attributes of `cookie`, parsed from `line`.
    fn of(&mut self, line: &str, cookie: &crate::model::set_cookie::SetCookie) -> SharedStr {
        let key = crate::model::set_cookie::attribute_text(line);
        self.0.get_or_compute(key, || SharedStr::from(cookie.attributes_text()))
    }
}

/// One text of [`RecentTexts`].
#[derive(Debug, Default)]
struct RecentText {
    text: SharedStr,
}

impl RecentText {
    /// `text` shared: the last one when equal, else a new one that is kept.
    fn again(&mut self, text: &str) -> SharedStr {
        if self.text.as_str() != text {
            self.text = SharedStr::from(text);
        }
        self.text.clone()
    }
}

/// One text of [`RecentTexts`] written from a value (an origin, a site), kept with that value: an
/// equal value writes the same text, so the text is written only when the value changes (writing
/// it for every entry cost 1.6% of the replay thread's instructions on a base64 capture).
#[derive(Debug)]
struct RecentShown<T> {
    value: Option<T>,
    shown: RecentText,
    scratch: String,
}

impl<T> Default for RecentShown<T> {
    fn default() -> Self {
        RecentShown { value: None, shown: RecentText::default(), scratch: String::new() }
    }
}

impl<T: PartialEq + Clone + std::fmt::Display> RecentShown<T> {
    /// `value` written, shared with the last entry's text when equal.
    fn again(&mut self, value: &T) -> SharedStr {
        use std::fmt::Write;
        if self.value.as_ref() != Some(value) {
            self.scratch.clear();
            let _ = write!(self.scratch, "{value}");
            self.shown.again(&self.scratch);
            self.value = Some(value.clone());
        }
        self.shown.text.clone()
    }
}

impl Default for Prepared {
    fn default() -> Self {
        Prepared {
            url: Err(url::ParseError::EmptyHost),
            kind: RequestKind::Unknown,
            kind_basis: Basis::Unknown,
            initiator: None,
            set_cookies: Vec::new(),
            response_bytes: 0,
            headers: HeaderFacts::default(),
        }
    }
}

impl Prepared {
    /// The prepared facts of `x`.
    pub fn of(x: &Exchange) -> Self {
        let mut p = Prepared::default();
        p.refill(x);
        p
    }

    /// Makes these the prepared facts of `x`, reusing the line list's room.
    pub fn refill(&mut self, x: &Exchange) {
        self.url = Url::parse(&x.url);
        // The request headers asked about below, found in one scan of them.
        let index = RequestHeaderIndex::new(&x.request_headers);
        (self.kind, self.kind_basis) = infer::request_kind_with_basis_in(x, &index);
        self.initiator = infer::initiator_in(x, self.kind, &index);
        self.set_cookies.clear();
        let set_cookies = &mut self.set_cookies;
        x.response_headers.each_set_cookie_line(|line| set_cookies.push(ParsedSetCookie::parse_unshared(line)));
        self.response_bytes = x.response_headers.byte_size();
        self.headers.refill(x, &index);
    }
}

impl Replay {
    /// A replay for the given profiles.
    pub fn new(options: &ReplayOptions) -> Self {
        Replay {
            jars: options.browsers.iter().map(|b| CookieJar::new(*b)).collect(),
            runs: options.browsers.iter().map(|b| BrowserRun { browser: *b, entries: Vec::new() }).collect(),
            page_top: HashMap::default(),
            page_title_origins: HashMap::default(),
            last_navigation: None,
            pending_redirects: HashMap::default(),
            recorder: None,
            recorder_settled: false,
            learned_facts: BySiteAndName::default(),
            spare_retrieval: Retrieval::default(),
            spare_verdicts: Vec::new(),
            spare_lists: Vec::new(),
            spare_cors: Default::default(),
            pairs_set_in_capture: Vec::new(),
            recent: RecentTexts::default(),
            listed_cookies: 0,
            set_in_capture: BySiteAndName::default(),
            learned: NamesBySite::default(),
            first_time: None,
            last_time: Timestamp(0),
            entries: 0,
            skipped: Vec::new(),
            skipped_kinds: Vec::new(),
            cookie_headers: 0,
            set_cookie_headers: 0,
            creator: None,
            pending_preflights: HashMap::default(),
            cors_observations: HashMap::default(),
            origin_headers: crate::model::recent::Recent::new(4),
            name_ids: NameIds::default(),
        }
    }

    /// Records the producer (`WebInspector 537.36`), used to recognise sanitized Chrome exports.
    pub fn set_creator(&mut self, creator: Option<String>) {
        self.recorder =
            creator.as_deref().and_then(infer::creator_browser).map(|browser| Recorder { browser, major: None });
        self.creator = creator;
    }

    /// Settles the recording browser from the first `User-Agent` that names one: it gives the version,
    /// and the browser too when the producer's name did not (proxies, chrome-har, Playwright).
    fn note_recorder(&mut self, x: &Exchange) {
        if self.recorder_settled {
            return;
        }
        let Some(ua) = x.request_headers.get("user-agent") else { return };
        let from_ua = infer::user_agent_browser(ua);
        match (self.recorder, from_ua) {
            (None, Some(r)) => self.recorder = Some(r),
            (Some(c), Some(r)) if c.browser == r.browser => self.recorder = Some(r),
            _ => {}
        }
        if from_ua.is_some() || self.creator.is_some() {
            self.recorder_settled = true;
        }
    }

    /// The jar that plays the recording browser, if the capture is a browser's and it is replayed.
    fn recorder_index(&self) -> Option<usize> {
        let want = self.recorder?.browser;
        self.jars.iter().position(|j| j.browser() == want)
    }

    /// Puts a cookie the recording browser sent back into its jar: the model refused (or evicted) the
    /// line that set it, the browser evidently kept it. The captured line is stored as if set where it
    /// could not be refused for its context; failing that, the bare pair.
    fn restore(&mut self, jar: usize, site: &str, name: &str, value: &str, base: &RequestContext) {
        let ctx = RequestContext::new(RequestKind::Navigation, "GET", base.url.clone(), None, base.time);
        let ids = &mut self.name_ids;
        let stored = self
            .set_in_capture
            .get(site, name)
            .is_some_and(|line| self.jars[jar].set_from_response_numbered(line, &ctx, ids).stored);
        if !stored {
            self.jars[jar].set_from_response_numbered(&learned_set_cookie(name, value, None), &ctx, ids);
        }
    }

    /// Learns (or learns more about) a cookie the capture never set, from one request that carried it;
    /// `listed` is what the capture lists of the request's cookies (HAR `request.cookies`).
    #[allow(clippy::too_many_arguments)]
    fn learn(
        &mut self,
        site: &str,
        host: &str,
        name: &str,
        value: &str,
        listed: &[ListedCookie],
        base: &RequestContext,
        schemeful_context: SameSiteContext,
    ) {
        let secure_url = matches!(base.url.scheme(), "https" | "wss");
        let proves_none =
            self.recorder.is_some_and(|r| r.chrome_at_least(85)) && schemeful_context == SameSiteContext::CrossSite;
        let path = base.url.path();
        // Nearly every request carries names already learned and tells nothing new about them: that
        // is found with one look-up per level, before anything is inserted.
        let (seen, fresh, line, first_host) = match self.learned_facts.get_mut(site, name) {
            Some(facts) => {
                let seen = facts.saw(host, path, secure_url, proves_none);
                if !seen.changed {
                    return;
                }
                (seen, false, facts.line(name, value), facts.first_host.clone())
            }
            None => {
                // What the capture lists of the cookie (the first of that name) matters to a new name.
                let listed_as = listed.iter().find(|c| c.name == name);
                let facts =
                    self.learned_facts.get_or_insert_with(site, name, || LearnedFacts::new(host, path, listed_as));
                let seen = facts.saw(host, path, secure_url, proves_none);
                (seen, true, facts.line(name, value), facts.first_host.clone())
            }
        };
        let moved_domain = seen.moved_domain;
        self.learned.insert(site, name);
        let learn_at = self.first_time.unwrap_or(base.time).plus_secs(-3600);
        let ctx = RequestContext::new(RequestKind::Navigation, "GET", base.url.clone(), None, learn_at);
        for jar in &mut self.jars {
            if moved_domain && !fresh {
                jar.forget(&first_host, name);
            }
            jar.set_from_response_numbered(&line, &ctx, &mut self.name_ids);
        }
    }

    /// Registers a HAR page; its title is used as the top level when it is a URL and no navigation
    /// for the page is in the capture.
    pub fn page(&mut self, page: &Page) {
        let origin = Url::parse(&page.title).ok().map(|u| Origin::of_url(&u));
        self.page_title_origins.insert(page.id.clone(), origin);
    }

    /// Records an entry that could not be read.
    pub fn skip(&mut self, index: usize, why: String) {
        self.entries += 1;
        self.note_skipped(index, why);
    }

    /// Lists a skipped entry (the first [`SKIPPED_LISTED`]) and counts it under its kind.
    fn note_skipped(&mut self, index: usize, why: String) {
        let kind = skip_kind(&why);
        let kinds = self.skipped_kinds.len();
        match self.skipped_kinds.iter_mut().find(|k| k.kind == kind) {
            Some(k) => k.count += 1,
            None if kinds < SKIPPED_KINDS => {
                self.skipped_kinds.push(SkippedKind { kind, first_index: index, first: why.clone(), count: 1 })
            }
            // Kinds past the limit are counted together in the last one.
            None => {
                if let Some(k) = self.skipped_kinds.last_mut() {
                    k.kind = "other problems".into();
                    k.count += 1;
                }
            }
        }
        if self.skipped.len() < SKIPPED_LISTED {
            self.skipped.push((index, why));
        }
    }

    /// The top-level origin of a request and how it was established: the page's navigation in the
    /// capture (`recorded`); the page's title URL, or for a request whose page the capture lacks, the
    /// document that made it (`Referer`/`Origin`) checked against the nearest navigation (`inferred`);
    /// the nearest navigation alone (`unknown`).
    fn top_level_for(
        &self,
        x: &Exchange,
        kind: RequestKind,
        kind_basis: Basis,
        url: &Url,
        initiator: Option<&Origin>,
    ) -> (Option<Origin>, Basis) {
        if kind == RequestKind::Navigation {
            let basis = if kind_basis == Basis::Recorded { Basis::Recorded } else { Basis::Inferred };
            return (Some(Origin::of_url(url)), basis);
        }
        let page = x.page_ref.as_deref().filter(|p| !p.is_empty());
        if let Some(p) = page {
            if let Some(o) = self.page_top.get(p) {
                return (Some(o.clone()), Basis::Recorded);
            }
            if let Some(o) = self.page_title_origins.get(p).and_then(Option::as_ref) {
                if !o.is_opaque() {
                    return (Some(o.clone()), Basis::Inferred);
                }
            }
        }
        let nav = self.last_navigation.as_ref();
        match (initiator, nav) {
            (Some(i), Some(n)) if i.is_same_site_with(n, true) => (Some(n.clone()), Basis::Inferred),
            // The capture does not hold the request's page: the document that made it is the best
            // evidence of the top level (it is the top level for the page's own subresources).
            (Some(i), None) => (Some(i.clone()), Basis::Inferred),
            (Some(i), Some(_)) if page.is_some() => (Some(i.clone()), Basis::Inferred),
            (Some(_), Some(n)) => (Some(n.clone()), Basis::Unknown),
            (None, Some(n)) => (Some(n.clone()), if page.is_none() { Basis::Inferred } else { Basis::Unknown }),
            (None, None) => (None, Basis::Unknown),
        }
    }

    /// Replays one exchange and keeps its verdicts in the report's runs.
    pub fn push(&mut self, x: &Exchange) {
        let verdicts = self.replay(x);
        for (run, verdict) in self.runs.iter_mut().zip(verdicts) {
            run.entries.push(verdict);
        }
    }

    /// Takes back verdicts the caller only looked at: the next entry's verdicts are written into
    /// their lists, so a streaming replay allocates no lists per entry and profile (a caller that
    /// keeps verdicts simply does not hand them back).
    pub fn recycle(&mut self, mut verdicts: Vec<EntryVerdict>) {
        self.spare_lists.clear();
        // Reversed: the next entry pops each profile's own lists, the likeliest to fit.
        self.spare_lists.extend(verdicts.drain(..).rev().map(|v| {
            let (mut cookies, mut set_cookies, mut limits) = (v.cookies, v.set_cookies, v.limits);
            cookies.clear();
            set_cookies.clear();
            limits.clear();
            (cookies, set_cookies, limits)
        }));
        self.spare_verdicts = verdicts;
    }

    /// Replays one exchange and hands back its verdicts, one per profile in [`ReplayOptions::browsers`]
    /// order (none when the entry is skipped), without keeping them: streaming callers fold them into
    /// findings and outputs and drop them (or hand them back, see [`Replay::recycle`]), so memory does
    /// not grow with the capture.
    pub fn replay(&mut self, x: &Exchange) -> Vec<EntryVerdict> {
        self.replay_prepared(x, &mut Prepared::of(x))
    }

    /// [`Replay::replay`] with what depends on the exchange alone computed beforehand (by
    /// [`Prepared::refill`] of the same exchange, on another thread while this one replays earlier
    /// entries). Copies what it keeps, so `prepared` can be refilled for a later entry on the thread
    /// that allocated it.
    pub fn replay_prepared(&mut self, x: &Exchange, prepared: &mut Prepared) -> Vec<EntryVerdict> {
        self.entries += 1;
        // Borrowed, not taken: what the reader's thread allocated is freed there (no allocation
        // crosses threads to be freed); the request context below holds the one copy.
        let url: &Url = match &prepared.url {
            Ok(u) if u.host().is_some() => u,
            Ok(_) => {
                self.note_skipped(x.index, format!("URL has no host: {}", x.url));
                return Vec::new();
            }
            Err(e) => {
                self.note_skipped(x.index, format!("URL does not parse ({e})"));
                return Vec::new();
            }
        };
        let time = x.started.unwrap_or(self.last_time).max(self.last_time);
        self.last_time = time;
        self.first_time.get_or_insert(time);
        self.note_recorder(x);
        if !x.request_cookies.is_empty() || !x.response_cookies.is_empty() {
            self.listed_cookies += 1;
        }

        // A redirect hop is the same request as the one that started the chain: it keeps that one's
        // kind and initiator (a hop over http: carries no fetch metadata).
        let hop = self.pending_redirects.remove(url.as_str());
        let (mut kind, mut kind_basis) = (prepared.kind, prepared.kind_basis);
        if let Some(h) = &hop {
            (kind, kind_basis) = (h.kind, h.kind_basis);
        } else if kind == RequestKind::Navigation && !prepared.headers.has_fetch_mode {
            // Without fetch metadata an HTML document after the page's first one is a frame, not a new
            // top level (ad and widget iframes in older captures).
            let page_has_top = x.page_ref.as_deref().is_some_and(|p| self.page_top.contains_key(p));
            if page_has_top {
                kind = RequestKind::Iframe;
                kind_basis = Basis::Inferred;
            }
        }
        let initiator = match &hop {
            Some(h) => h.initiator.clone(),
            None if kind == prepared.kind => prepared.initiator.clone(),
            None => infer::initiator(x, kind),
        };
        let (top_level, top_level_basis) = self.top_level_for(x, kind, kind_basis, url, initiator.as_ref());
        if kind == RequestKind::Navigation {
            let o = Origin::of_url(url);
            // A main-frame navigation replaces the top level (one HAR page per tab in Playwright's
            // captures; recorded: a later navigation in the same tab is the new top level).
            if let Some(p) = x.page_ref.as_deref() {
                self.page_top.insert(p.to_string(), o.clone());
            }
            self.last_navigation = Some(o);
        }
        let chain = hop.map(|h| h.chain).unwrap_or_default();
        let failure =
            if x.from_cache { None } else { x.error.clone().or_else(|| (x.status == 0).then(|| "failed".to_string())) };
        let set_cookie_lines = x.response_headers.set_cookie_lines();
        let header_facts = &prepared.headers;
        if header_facts.has_cookie {
            self.cookie_headers += 1;
        }
        self.set_cookie_headers += set_cookie_lines.len();
        let cookie_pairs_total = header_facts.cookie_pairs_total;
        let recorded_pairs = header_facts.pairs();
        let mut response_bytes = prepared.response_bytes;
        // Borrowed from the URL (its host is lower case but for an opaque host of another scheme).
        let host = crate::model::http::ascii_lowercase(url.host_str().unwrap_or(""));
        let host: &str = &host;
        // The jar's facts ask the same cache for the same host: one public-suffix look-up per host.
        let site = crate::model::site::shared_site_domain(host);
        let site: &str = &site;
        // The names the captured Cookie header carried, for the per-cookie `recorded` flag.
        let recorded_names = recorded_pairs.as_deref().map(PairNames::new);

        // Credentials mode and its basis.
        let mut base = RequestContext::new(kind, &x.method, url.clone(), initiator.clone(), time)
            .with_top_level(top_level.clone())
            .with_redirect_chain(chain.clone());
        let (storage_access, fetch_mode) = (header_facts.storage_access, header_facts.fetch_mode);
        let (mode, basis) = match infer::fixed_credentials(kind) {
            Some(m) => (Some(m), Basis::Recorded),
            None if base.is_same_origin_with_initiator() && initiator.is_some() => {
                (Some(CredentialsMode::SameOrigin), Basis::Inferred)
            }
            None if recorded_pairs.is_some() => (Some(CredentialsMode::Include), Basis::Recorded),
            None if storage_access => (Some(CredentialsMode::Include), Basis::Inferred),
            // Images, scripts, styles and media load in no-cors mode, which always has credentials;
            // a `crossorigin` load (fonts always) is CORS with `same-origin` unless the page asked for
            // `use-credentials`, which a Cookie header would have shown above.
            None if kind == RequestKind::Subresource => match fetch_mode {
                Some(FetchMode::Cors) => (Some(CredentialsMode::SameOrigin), Basis::Inferred),
                Some(_) => (Some(CredentialsMode::Include), Basis::Recorded),
                None if header_facts.dest_is_font => (Some(CredentialsMode::SameOrigin), Basis::Inferred),
                None => (Some(CredentialsMode::Include), Basis::Inferred),
            },
            // A request that never got an answer shows only provisional headers: a missing Cookie
            // header says nothing there.
            None if failure.is_some() => (None, Basis::Unknown),
            None if kind == RequestKind::Unknown => (None, Basis::Unknown),
            None => {
                // The signature of fetch's default mode: the jar held a cookie this request would have
                // carried with credentials, yet the capture shows no Cookie header.
                let probe = base.clone().with_credentials(CredentialsMode::Include);
                let capture_jar = self.capture_browser_index();
                let would_carry = self.jars[capture_jar]
                    .retrieve(&probe)
                    .included
                    .iter()
                    .any(|a| !self.learned.contains(site, &a.cookie.name));
                if would_carry || chromium_without_storage_access(x) {
                    (Some(CredentialsMode::SameOrigin), Basis::Inferred)
                } else {
                    (None, Basis::Unknown)
                }
            }
        };
        let (mut mode, mut basis) = (mode, basis);
        let mut cors_input =
            self.cors_input(x, header_facts, kind, url, initiator.as_ref(), mode.unwrap_or(base.credentials));
        // A failed request whose mode is unknown: if only a credentialed request fails the CORS check
        // the capture shows, the failure itself says the page asked for credentials.
        if let (Some((req, Some(pre), resp)), None, true) = (cors_input.as_mut(), mode, failure.is_some()) {
            let browser = self.jars.first().map_or(Browser::Chrome, |j| j.browser());
            // The request as it is and with credentials: one request, its mode switched in place.
            let without = req.credentials;
            req.credentials = CredentialsMode::Include;
            let fails_with = !cors::evaluate(req, Some(&*pre), resp, browser).ok;
            req.credentials = without;
            if fails_with && cors::evaluate(req, Some(&*pre), resp, browser).ok {
                req.credentials = CredentialsMode::Include;
                (mode, basis) = (Some(CredentialsMode::Include), Basis::Inferred);
            }
        }
        let assumed = mode.unwrap_or(base.credentials);
        base.credentials = assumed;
        let credentials = Credentials { mode, assumed, basis };
        self.observe_cors(x, header_facts, url);

        // Cookies the request carried: learn those the capture never set (attributes from what the
        // evidence proves), and put back into the recording browser's jar those it evidently kept.
        let recorder = self.recorder_index();
        // Names the recording browser's jar had lost (the model refused or evicted them) and got back.
        let mut restored: HashSet<&str> = HashSet::default();
        // What every profile's jar computes the same: once per request (it depends on the request
        // alone, not on what the jars hold).
        let facts = RequestFacts::of(&base);
        if let Some(pairs) = &recorded_pairs {
            let context = *facts.request_contexts();
            // Which pairs a response in the capture set (nothing below sets any): the site's names
            // looked up once.
            let set_here = self.set_in_capture.at(site);
            let mut set_in_capture = std::mem::take(&mut self.pairs_set_in_capture);
            set_in_capture.clear();
            set_in_capture
                .extend(pairs.iter().map(|(name, _)| set_here.is_some_and(|names| names.contains_key(*name))));
            for (&(name, value), &set) in pairs.iter().zip(&set_in_capture) {
                if set {
                    if let Some(r) = recorder {
                        if !self.jars[r].holds_from(host, site, name) {
                            self.restore(r, site, name, value, &base);
                            restored.insert(name);
                        }
                    }
                    continue;
                }
                self.learn(site, host, name, value, &x.request_cookies, &base, context.schemeful);
            }
            self.pairs_set_in_capture = set_in_capture;
        }

        // The same for every profile: computed once, cloned into each run's verdict.
        let top_site = top_level.as_ref().map(|_| self.recent.top_site.again(facts.top_site()));
        let initiator_text = initiator.as_ref().map(|o| self.recent.initiator.again(o));
        // Same-site or not, with and without the scheme: at most two answers for every profile.
        let third_party = [facts.third_party(false), facts.third_party(true)];
        let contexts = *facts.request_contexts();
        let secure_url = matches!(url.scheme(), "https" | "wss");
        // The CORS verdict differs between profiles only by Local Network Access (and only for a
        // request that shows both address spaces), and a line's attributes not at all: computed
        // once, cloned into each verdict.
        let mut cors_verdicts: [Option<std::sync::Arc<CorsSummary>>; 2] = [None, None];
        // Each line parsed once for every profile (and for `set_in_capture` below); its attributes
        // written once, when a verdict first needs them.
        if prepared.set_cookies.len() != set_cookie_lines.len() {
            // Prepared for another exchange: the lines are parsed again.
            prepared.set_cookies = set_cookie_lines.iter().map(|l| ParsedSetCookie::parse_unshared(l)).collect();
            response_bytes = x.response_headers.byte_size();
        }
        for line in &mut prepared.set_cookies {
            line.share_numbered(&mut self.name_ids);
        }
        let parsed_lines = &prepared.set_cookies;
        let mut attributes: Vec<Option<SharedStr>> = vec![None; set_cookie_lines.len()];
        // Mixed content is judged against the document that made the request (else the top level).
        let mixed_page = initiator.as_ref().filter(|o| !o.is_opaque()).or(top_level.as_ref());
        let destination = header_facts.fetch_dest.unwrap_or_else(|| destination_of(x, kind));
        // The list and the verdicts' lists handed back (see `recycle`), to be filled again.
        let mut verdicts = std::mem::take(&mut self.spare_verdicts);
        verdicts.reserve_exact(self.jars.len());
        // The entry's texts, shared by every profile's verdict.
        let (entry_method, entry_url, entry_host) =
            (self.recent.method.again(&x.method), SharedStr::from(x.url.as_str()), self.recent.host.again(host));
        // The blocked-cookie reasons the exporter wrote (the recording browser's own), by name, the
        // first of each: one look-up per line or cookie.
        let mut blocked_lines: HashMap<&str, &crate::evidence::BlockedCookie> = HashMap::default();
        let mut blocked_sends: Vec<&str> = Vec::new();
        if recorder.is_some() {
            let mut seen = HashSet::default();
            for b in x.blocked_cookies.iter().rev().filter(|b| b.on_response) {
                blocked_lines.insert(b.name.as_str(), b);
            }
            for b in x.blocked_cookies.iter().filter(|b| !b.on_response) {
                if seen.insert(b.name.as_str()) {
                    blocked_sends.push(b.name.as_str());
                }
            }
        }
        // The names learned on this site and what the capture showed of them, looked up once rather
        // than per cookie and profile.
        let learned_here = self.learned.0.get(site);
        let learned_facts_here = self.learned_facts.at(site);
        for (j, jar) in self.jars.iter_mut().enumerate() {
            let browser = jar.browser();
            let profile = jar.profile();
            let schemeful = profile.schemeful_same_site;
            let same_site = !third_party[usize::from(schemeful)];
            // A response larger than the browser accepts fails before any Set-Cookie is read.
            let too_big = response_bytes > profile.response_header_limit;
            let header_limit = profile.response_header_limit;
            let is_recorder = recorder == Some(j);
            // Empty, as `recycle` keeps them.
            let (mut cookies, mut set_cookies, mut limits) = self.spare_lists.pop().unwrap_or_default();
            if cookie_pairs_total > MAX_COOKIE_PAIRS {
                limits.push(LimitHit::CookiePairs { pairs: cookie_pairs_total, limit: MAX_COOKIE_PAIRS });
            }
            if !x.from_cache {
                let retrieval = jar.retrieve_reusing(&base, &facts, std::mem::take(&mut self.spare_retrieval));
                // Each verdict is written where the list keeps it (an extend from an iterator of known
                // length), not built aside and moved in: a verdict is 120 bytes, about 24 an entry.
                let verdict_of = |access: &CookieAccess<'_>, sent: bool| {
                    let c = &access.cookie;
                    let recorded = recorded_names.as_ref().map(|names| names.contains(c.name.as_str()));
                    let learned = learned_here.is_some_and(|names| names.contains(c.name.as_str()));
                    let mut reasons = access.status.exclusion_set();
                    let mut basis = Basis::Predicted;
                    // Sent or not may hinge on a credentials mode the capture does not show.
                    if credentials.basis == Basis::Unknown && hinges_on_credentials(sent, &reasons) {
                        basis = Basis::Unknown;
                    }
                    if learned {
                        if let Some(facts) = learned_facts_here.and_then(|names| names.get(c.name.as_str())) {
                            let context = contexts.for_profile(schemeful);
                            if facts.unknown_for(host, url.path(), secure_url, context, !same_site) {
                                basis = Basis::Unknown;
                            }
                        }
                    }
                    // The recording browser's own Cookie header is its word: it wins over the model
                    // (where they part, `capture-disagrees` says so).
                    let (mut shown_sent, mut model_sent) = (sent, sent);
                    if let (true, Some(r)) = (is_recorder, recorded) {
                        if restored.contains(c.name.as_str()) {
                            model_sent = false;
                        }
                        shown_sent = r;
                        basis = Basis::Recorded;
                        if r {
                            reasons.clear();
                        }
                    }
                    CookieVerdict {
                        name: c.name.clone(),
                        name_id: c.name_id,
                        domain: c.domain.clone(),
                        sent: shown_sent,
                        reasons,
                        warnings: access.status.warning_set(),
                        recorded,
                        learned,
                        value: c.value.clone(),
                        path: c.path.clone(),
                        basis,
                        model_sent,
                    }
                };
                // One call of `verdict_of` (not one per list), so it is built in place: built aside,
                // its flags written byte by byte were read back as one word, a stalled load per verdict.
                cookies.extend(
                    retrieval
                        .included
                        .iter()
                        .map(|a| (a, true))
                        .chain(retrieval.excluded.iter().map(|a| (a, false)))
                        .map(|(a, sent)| verdict_of(a, sent)),
                );
                self.spare_retrieval = retrieval.recycle();
                // A cookie the recording browser sent that its jar here does not hold at all (a learned
                // one restored above is held): still its word.
                if let (true, Some(pairs)) = (is_recorder, &recorded_pairs) {
                    // The cookies the jar holds, before any is added here: scanned while few.
                    let held_count = cookies.len();
                    let held: Option<HashSet<SharedStr>> =
                        (held_count > PairNames::SCANNED).then(|| cookies.iter().map(|c| c.name.clone()).collect());
                    for (name, value) in pairs {
                        let is_held = match &held {
                            Some(set) => set.contains(*name),
                            None => cookies[..held_count].iter().any(|c| c.name == *name),
                        };
                        if !is_held {
                            cookies.push(CookieVerdict {
                                name: (*name).into(),
                                name_id: NameId::UNKNOWN,
                                domain: host.into(),
                                sent: true,
                                reasons: Default::default(),
                                warnings: Default::default(),
                                recorded: Some(true),
                                learned: true,
                                value: (*value).into(),
                                path: "/".into(),
                                basis: Basis::Recorded,
                                model_sent: false,
                            });
                        }
                    }
                }
                if too_big {
                    limits.push(LimitHit::ResponseHeaders {
                        bytes: response_bytes,
                        limit: header_limit,
                        set_cookie_lines: set_cookie_lines.len(),
                    });
                }
                let lines = if too_big { &[][..] } else { &parsed_lines[..] };
                for ((line, attributes), text) in lines.iter().zip(attributes.iter_mut()).zip(&set_cookie_lines) {
                    let outcome = jar.set_parsed_from_response(line, &base, &facts);
                    let cookie = line.cookie.as_ref().ok().filter(|_| outcome.read);
                    let mut verdict = SetCookieVerdict {
                        name: if outcome.read { line.name.clone() } else { SharedStr::default() },
                        name_id: if outcome.read { line.name_id } else { NameId::UNKNOWN },
                        stored: outcome.stored,
                        deleted: outcome.deleted,
                        reasons: outcome.status.exclusion_set(),
                        warnings: outcome.status.warning_set(),
                        partition: outcome.partition.as_ref().map(|s| s.to_string()),
                        attributes: match cookie {
                            Some(c) => attributes.get_or_insert_with(|| self.recent.attributes.of(text, c)).clone(),
                            None => SharedStr::default(),
                        },
                        value: if cookie.is_some() { line.value.clone() } else { SharedStr::default() },
                        basis: if credentials.basis == Basis::Unknown
                            && hinges_on_credentials(outcome.stored, outcome.status.exclusions())
                        {
                            Basis::Unknown
                        } else {
                            Basis::Predicted
                        },
                        browser_reasons: Vec::new(),
                    };
                    if is_recorder {
                        if let Some(b) = blocked_lines.get(verdict.name.as_str()) {
                            verdict.basis = Basis::Recorded;
                            verdict.browser_reasons = b.reasons.clone();
                            if verdict.stored {
                                jar.forget(host, &verdict.name);
                                verdict.stored = false;
                            }
                        }
                    }
                    set_cookies.push(verdict);
                }
                if is_recorder && !blocked_sends.is_empty() {
                    let blocked: HashSet<&str> = blocked_sends.iter().copied().collect();
                    let mut done: HashSet<SharedStr> = HashSet::default();
                    // The first not-yet-recorded cookie of each blocked name, as a scan per name did.
                    for c in cookies.iter_mut() {
                        if c.basis != Basis::Recorded
                            && blocked.contains(c.name.as_str())
                            && done.insert(c.name.clone())
                        {
                            c.sent = false;
                            c.basis = Basis::Recorded;
                        }
                    }
                }
            }
            verdicts.push(EntryVerdict {
                index: x.index,
                method: entry_method.clone(),
                url: entry_url.clone(),
                host: entry_host.clone(),
                status: x.status,
                kind,
                kind_basis,
                initiator: initiator_text.clone(),
                top_level_site: top_site.clone(),
                top_level_basis,
                failure: failure.clone(),
                mixed_content: mixed_page
                    .map(|page| mixed_content::check(page, url, destination, browser))
                    .filter(|m| *m != MixedContent::NotMixed),
                same_site,
                credentials: credentials.clone(),
                set_cookies,
                cookies,
                cached: x.from_cache,
                cors: cors_input.as_ref().map(|(req, pre, resp)| {
                    // A response the browser failed for its size never reached the page.
                    if too_big {
                        return cors_summary(cors::evaluate(req, pre.as_ref(), resp, browser), true).into();
                    }
                    cors_verdicts[usize::from(cors::local_network_gate_applies(req, browser))]
                        .get_or_insert_with(|| {
                            cors_summary(cors::evaluate(req, pre.as_ref(), resp, browser), failure.is_some()).into()
                        })
                        .clone()
                }),
                limits,
            });
        }
        // Lines no browser read (the response was too large for all) set nothing.
        let read_by_some = self.jars.iter().any(|j| response_bytes <= j.profile().response_header_limit);
        for (line, parsed) in set_cookie_lines.iter().zip(parsed_lines).filter(|_| read_by_some) {
            if let Ok(c) = &parsed.cookie {
                let last = self.set_in_capture.get_or_insert_with(site, &c.name, String::new);
                last.clear();
                last.push_str(line);
            }
        }
        if (300..400).contains(&x.status) {
            let target =
                x.redirect_url.as_deref().or_else(|| x.response_headers.get("location")).and_then(|l| url.join(l).ok());
            if let Some(t) = target {
                // Browsers follow at most 20 redirects (Fetch's redirect count; Chromium's and Firefox's
                // limit too): a longer chain is not followed, and keeping it would make a redirect loop
                // of n hops cost n² (the chain goes with every hop).
                let mut next = chain;
                if next.len() < MAX_REDIRECTS {
                    next.push(url.clone());
                }
                make_room(&mut self.pending_redirects);
                self.pending_redirects.insert(t.to_string(), Hop { chain: next, kind, kind_basis, initiator });
            }
        }
        if let Some((req, _, responses)) = cors_input {
            self.spare_cors = (req.headers, responses);
        }
        for line in &mut prepared.set_cookies {
            line.unshare();
        }
        verdicts
    }

    /// The CORS request, paired preflight and response for a CORS-mode exchange; records preflights
    /// for the request that follows them.
    fn cors_input(
        &mut self,
        x: &Exchange,
        header_facts: &HeaderFacts,
        kind: RequestKind,
        url: &Url,
        initiator: Option<&Origin>,
        credentials: CredentialsMode,
    ) -> Option<(CorsRequest, Option<CorsResponse>, Vec<CorsResponse>)> {
        let origin_header = header_facts.origin.as_str();
        if kind == RequestKind::Preflight {
            let key = (url.as_str().to_owned(), origin_header.to_owned());
            make_room(&mut self.pending_preflights);
            // The CORS headers only: the preflight check reads no other.
            let cors_headers = x.response_headers.0.iter().filter(|h| is_access_control_header(&h.name)).cloned();
            self.pending_preflights.insert(key, CorsResponse::new(x.status, Headers(cors_headers.collect())));
            return None;
        }
        let mode = header_facts.fetch_mode;
        let cors_mode = match kind {
            RequestKind::Fetch | RequestKind::Xhr => !matches!(mode, Some(FetchMode::NoCors | FetchMode::SameOrigin)),
            RequestKind::Subresource | RequestKind::Unknown => mode == Some(FetchMode::Cors),
            _ => false,
        };
        if !cors_mode {
            return None;
        }
        let origin = match origin_header {
            "null" => Origin::opaque(),
            "" => initiator?.clone(),
            o => self.origin_headers.get_or_compute(o, || Origin::parse(o).ok())?,
        };
        let mut req =
            CorsRequest::new(origin, url.clone(), &x.method).with_credentials(credentials).with_mode(RequestMode::Cors);
        // The lists of the entry before, refilled (see `spare_cors`).
        let (mut author, mut responses) = std::mem::take(&mut self.spare_cors);
        author_headers_into(&x.request_headers, &mut author);
        req.headers = author;
        // A request stopped by its failed preflight may show only provisional headers (no `Origin`):
        // then the preflight for the same URL is its preflight.
        let preflight = if self.pending_preflights.is_empty() {
            // Most requests have none waiting: no keys are built.
            None
        } else {
            self.pending_preflights.remove(&(url.as_str().to_owned(), origin_header.to_owned())).or_else(|| {
                let key = self
                    .pending_preflights
                    .keys()
                    .find(|(u, _)| origin_header.is_empty() && *u == url.as_str())
                    .cloned();
                key.and_then(|k| self.pending_preflights.remove(&k))
            })
        };
        responses.truncate(1);
        match responses.first_mut() {
            _ if x.status == 0 => responses.clear(),
            Some(r) => {
                r.status = x.status;
                r.headers.clone_from(&x.response_headers);
            }
            None => responses.push(CorsResponse::new(x.status, x.response_headers.clone())),
        }
        Some((req, preflight, responses))
    }

    /// Keeps the CORS headers of an answer for the security checks.
    fn observe_cors(&mut self, x: &Exchange, header_facts: &HeaderFacts, url: &Url) {
        if !header_facts.allow_origin {
            return;
        }
        // Looked up by the URL's own text: most responses come from origins already full.
        let key = Origin::serialization_of_url(url);
        let seen = match self.cors_observations.get_mut(key.as_ref()) {
            Some((_, seen)) if seen.len() >= OBSERVATIONS_PER_ORIGIN => return,
            Some((_, seen)) => seen,
            None => &mut self.cors_observations.entry(key.into_owned()).or_insert((Origin::of_url(url), Vec::new())).1,
        };
        let keep = ["access-control-allow-origin", "access-control-allow-credentials", "vary"];
        let headers = Headers(
            x.response_headers
                .0
                .iter()
                .filter(|h| keep.iter().any(|k| h.name.eq_ignore_ascii_case(k)))
                .cloned()
                .collect(),
        );
        let origin_sent = header_facts.origin.clone();
        seen.push((origin_sent, headers, x.index));
    }

    /// Which jar plays the browser that recorded the capture (for inferring from absences).
    fn capture_browser_index(&self) -> usize {
        self.recorder_index().unwrap_or(0)
    }

    /// Whether the capture demonstrably had its cookies stripped: not one `Cookie` or `Set-Cookie`
    /// header, and either the producer's own cookie lists still name cookies, or the producer is
    /// Chrome DevTools, whose export leaves both headers out unless "Allow to generate HAR with
    /// sensitive data" is on. Other producers (Firefox, Safari, proxies, REST clients) keep them, so a
    /// capture of theirs without cookies is a site that set none.
    pub fn looks_sanitized(&self) -> bool {
        let no_headers = self.entries > 0 && self.cookie_headers == 0 && self.set_cookie_headers == 0;
        let devtools = self.creator.as_deref().is_some_and(|c| c.to_ascii_lowercase().starts_with("webinspector"));
        no_headers && (self.listed_cookies > 0 || devtools)
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
            recorder: self.recorder,
            creator: self.creator,
            entries: self.entries,
            skipped: self.skipped,
            skipped_kinds: self.skipped_kinds,
            runs: self.runs,
            summary: Vec::new(),
            grouped: false,
            findings: Vec::new(),
        }
    }
}

/// The request's destination for the mixed-content check: `Sec-Fetch-Dest` when recorded, else the
/// kind and the response type.
/// What the request is for when it shows no `Sec-Fetch-Dest` (which says it itself).
fn destination_of(x: &Exchange, kind: RequestKind) -> Destination {
    let mime = crate::model::http::ascii_lowercase(x.mime_type.as_deref().unwrap_or(""));
    match kind {
        RequestKind::Navigation => Destination::Document,
        RequestKind::Iframe => Destination::Iframe,
        RequestKind::Fetch | RequestKind::Xhr | RequestKind::Preflight => Destination::Fetch,
        RequestKind::WebSocket => Destination::WebSocket,
        _ if mime.starts_with("image/") => Destination::Image,
        _ if mime.starts_with("audio/") => Destination::Audio,
        _ if mime.starts_with("video/") => Destination::Video,
        _ if mime.contains("javascript") => Destination::Script,
        _ if mime.starts_with("text/css") => Destination::Style,
        _ => Destination::Other,
    }
}

/// Whether a verdict could change with the credentials mode: it went through (so with `omit` it would
/// not), or credentials are its only reason (so with `include` it might have gone through). A cookie
/// withheld for another reason too (SameSite, path, Secure) is withheld whatever the mode: the jar
/// collects every reason.
fn hinges_on_credentials(passed: bool, reasons: &Exclusions) -> bool {
    passed || reasons.iter().all(|r| is_credentials_reason(*r))
}

fn is_credentials_reason(r: Exclusion) -> bool {
    matches!(r, Exclusion::CredentialsNotIncluded | Exclusion::PreflightNeverCredentialed)
}

/// The request headers a page's script could have set: captured headers minus those the browser adds
/// itself (forbidden names, `Sec-*`, HTTP/2 pseudo-headers, and the ones Chromium and Firefox add on
/// their own), so a preflight is predicted only for what the page asked for.
fn author_headers_into(captured: &Headers, out: &mut Headers) {
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
    let authored = captured.0.iter().filter(|h| {
        !h.name.starts_with(':')
            && !cors::is_forbidden_request_header(&h.name, &h.value)
            && !BROWSER_ADDED.iter().any(|b| b.eq_ignore_ascii_case(&h.name))
    });
    // Refilled in place: the list and its strings keep their room from the entry before.
    let mut kept = 0;
    for h in authored {
        match out.0.get_mut(kept) {
            Some(slot) => slot.clone_from(h),
            None => out.0.push(h.clone()),
        }
        kept += 1;
    }
    out.0.truncate(kept);
}

/// Whether a response header is one of the `Access-Control-*` headers, the only ones a preflight
/// check reads.
fn is_access_control_header(name: &str) -> bool {
    crate::model::http::starts_with_ignore_case(name, "access-control-")
}

/// The CORS summary of a verdict; for a request the capture shows failed, never "ok": the failure is
/// recorded, and its cause is the model's finding if it has one (a failed preflight), else unknown.
fn cors_summary(v: cors::CorsVerdict, failed: bool) -> CorsSummary {
    let basis = if failed && v.ok { Basis::Recorded } else { Basis::Predicted };
    CorsSummary {
        basis,
        ok: v.ok && !failed,
        error: v.error().map(|e| e.error),
        errors: v.errors().iter().map(|e| (e.error, e.failed_parameter.clone())).collect(),
        preflight_reasons: v.preflight_reasons.iter().map(PreflightReason::text).collect(),
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
    let chromium_133 = h.get("user-agent").and_then(infer::user_agent_browser).is_some_and(|r| r.chrome_at_least(133));
    chromium_133 && !h.contains("sec-fetch-storage-access")
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the whole line as written back shows after its name and value.
    fn attributes_of(c: &crate::model::set_cookie::SetCookie) -> String {
        let full = c.to_string();
        match full.find("; ") {
            Some(i) => full[i + 2..].to_string(),
            None => String::new(),
        }
    }

    /// The longest common suffix of labels, built label by label: what [`common_domain`] must return.
    fn common_domain_by_labels(a: &str, b: &str) -> String {
        let mut labels: Vec<&str> =
            a.rsplit('.').zip(b.rsplit('.')).take_while(|(x, y)| x.eq_ignore_ascii_case(y)).map(|(x, _)| x).collect();
        labels.reverse();
        labels.join(".")
    }

    #[test]
    fn common_domain_is_the_shared_labels_of_the_first_name() {
        assert_eq!(common_domain("a.Example.com", "b.example.COM"), "Example.com");
        assert_eq!(common_domain("example.com.", "x.example.com."), "example.com.");
        assert_eq!(common_domain("example.com", "example.org"), "");
        assert_eq!(common_domain("x.y", "x.y"), "x.y");
        assert_eq!(common_domain("", "x"), "");
    }

    /// Hosts built from a few labels, so that suffixes are often shared (and empty labels occur).
    fn host() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop_oneof!["", "a", "B", "example", "com", "co", "uk"], 0..5)
            .prop_map(|l| l.join("."))
    }

    proptest! {
        #[test]
        fn common_domain_matches_the_labels(a in host(), b in host()) {
            prop_assert_eq!(common_domain(&a, &b), common_domain_by_labels(&a, &b));
        }

        /// `saw` says a fact changed exactly when the facts differ afterwards, and a moved domain
        /// exactly when the `Domain` differs: `learn` relies on it to skip re-learning.
        #[test]
        fn saw_reports_exactly_what_changed(
            first in host(),
            sends in proptest::collection::vec(
                (host(), prop_oneof!["/", "/a", "/a/b", "/ab", "/b/é", ""], any::<bool>(), any::<bool>()),
                1..6,
            ),
        ) {
            let mut facts = LearnedFacts::new(&first, "/a/b/c", None);
            for (host, path, secure_url, proves_none) in sends {
                let before = facts.clone();
                let seen = facts.saw(&host, &path, secure_url, proves_none);
                prop_assert_eq!(seen.changed, facts != before);
                prop_assert_eq!(seen.moved_domain, facts.domain != before.domain);
            }
        }
    }

    /// A page whose navigation the capture lacks: a URL title is its top level (inferred), for every
    /// entry of the page; a title that is no URL tells nothing.
    #[test]
    fn a_pages_url_title_is_the_top_level_of_its_entries() {
        let mut replay = Replay::new(&ReplayOptions::default());
        let page = |id: &str, title: &str| Page { id: id.into(), title: title.into(), started: None };
        replay.page(&page("p1", "https://app.example/dashboard"));
        replay.page(&page("p2", "Dashboard"));
        let entry = |index: usize, page: &str| Exchange {
            index,
            method: "GET".into(),
            url: "https://api.other.example/data".into(),
            status: 200,
            page_ref: Some(page.into()),
            ..Exchange::default()
        };
        for i in 0..3 {
            let v = replay.replay(&entry(i, "p1"));
            assert_eq!(v[0].top_level_site.as_deref(), Some("https://app.example"), "entry {i}");
            assert_eq!(v[0].top_level_basis, Basis::Inferred);
        }
        let v = replay.replay(&entry(3, "p2"));
        assert_eq!(v[0].top_level_site, None);
    }

    #[test]
    fn a_redirect_loop_keeps_at_most_twenty_hops() {
        let mut replay = Replay::new(&ReplayOptions::default());
        for i in 0..100 {
            let x = Exchange {
                index: i,
                method: "GET".into(),
                url: "https://a.example/".into(),
                status: 302,
                redirect_url: Some("https://a.example/".into()),
                ..Exchange::default()
            };
            replay.replay(&x);
        }
        let hop = replay.pending_redirects.get("https://a.example/").expect("the loop's next hop waits");
        assert_eq!(hop.chain.len(), MAX_REDIRECTS);
    }

    #[test]
    fn pending_maps_stay_bounded() {
        let mut pending: HashMap<String, usize> = HashMap::default();
        for i in 0..PENDING_LIMIT * 3 {
            make_room(&mut pending);
            pending.insert(format!("https://a.example/{i}"), i);
        }
        assert_eq!(pending.len(), PENDING_LIMIT);
        // The newest one is always there to be paired.
        assert!(pending.contains_key(&format!("https://a.example/{}", PENDING_LIMIT * 3 - 1)));
    }

    #[test]
    fn preflights_keep_the_access_control_headers_in_any_case() {
        for name in ["access-control-allow-origin", "Access-Control-Max-Age", "ACCESS-CONTROL-ALLOW-HEADERS"] {
            assert!(is_access_control_header(name), "{name}");
        }
        for name in ["vary", "access-control", "x-access-control-allow-origin", "content-type", "accès-control-x", ""]
        {
            assert!(!is_access_control_header(name), "{name}");
        }
    }

    /// The answers prepared on the reader's thread are the header look-ups they stand for: case,
    /// `\n`-folded values, HTTP/2 cookie crumbs, padding, absent and empty headers, and a `Cookie`
    /// header past the pair limit.
    #[test]
    fn prepared_header_facts_are_the_look_ups_they_replace() {
        use crate::model::http::Header;
        let long_cookie = (0..MAX_COOKIE_PAIRS + 2).map(|i| format!("c{i}=v")).collect::<Vec<_>>().join("; ");
        let requests: Vec<Vec<(&str, &str)>> = vec![
            vec![],
            vec![("Sec-Fetch-Mode", "CORS"), ("Origin", " https://app.example "), ("Cookie", "a=1; b = 2 ;c")],
            vec![("sec-fetch-mode", "no-cors"), ("sec-fetch-dest", "FONT"), ("cookie", "x=1"), ("cookie", "y=2")],
            vec![("Sec-Fetch-Mode", "\n\n"), ("Sec-Fetch-Mode", "same-origin"), ("Sec-Fetch-Dest", "image\nscript")],
            vec![("sec-fetch-mode", "navigate"), ("Sec-Fetch-Storage-Access", "active"), ("origin", "null")],
            vec![("Sec-Fetch-Mode", "websocket"), ("Origin", ""), ("Cookie", ""), ("Sec-Fetch-Dest", "")],
            vec![("Cookie", "a=1\nb=2"), ("Sec-Fetch-Dest", "iframe")],
            vec![("Cookie", &long_cookie)],
        ];
        let responses: Vec<Vec<(&str, &str)>> =
            vec![vec![], vec![("Access-Control-Allow-Origin", "*")], vec![("access-control-allow-origin", "")]];
        let headers = |list: &[(&str, &str)]| Headers(list.iter().map(|(n, v)| Header::new(*n, *v)).collect());
        let mut facts = HeaderFacts::default();
        for (i, request) in requests.iter().enumerate() {
            let x = Exchange {
                request_headers: headers(request),
                response_headers: headers(&responses[i % responses.len()]),
                ..Exchange::default()
            };
            // Refilled in place, after another entry's facts.
            facts.refill(&x, &RequestHeaderIndex::new(&x.request_headers));
            let h = &x.request_headers;
            assert_eq!(facts.has_fetch_mode, h.contains("sec-fetch-mode"), "{request:?}");
            let mode = h.get("sec-fetch-mode").map(crate::model::http::ascii_lowercase);
            assert_eq!(facts.fetch_mode.is_some(), mode.is_some(), "{request:?}");
            assert_eq!(facts.fetch_mode == Some(FetchMode::Cors), mode.as_deref() == Some("cors"));
            assert_eq!(facts.fetch_mode == Some(FetchMode::NoCors), mode.as_deref() == Some("no-cors"));
            assert_eq!(facts.fetch_mode == Some(FetchMode::SameOrigin), mode.as_deref() == Some("same-origin"));
            assert_eq!(facts.fetch_dest, h.get("sec-fetch-dest").map(Destination::from_sec_fetch_dest));
            assert_eq!(facts.dest_is_font, h.get("sec-fetch-dest").is_some_and(|d| d.eq_ignore_ascii_case("font")));
            assert_eq!(facts.storage_access, h.contains("sec-fetch-storage-access"));
            assert_eq!(facts.origin, h.get("origin").map(str::trim).unwrap_or(""));
            assert_eq!(facts.allow_origin, x.response_headers.contains("access-control-allow-origin"));
            let cookie = h.cookie_header();
            assert_eq!(facts.has_cookie, cookie.is_some(), "{request:?}");
            let expected = cookie.as_deref().map(|c| cookie_pairs_bounded(c, MAX_COOKIE_PAIRS));
            assert_eq!(facts.pairs(), expected.as_ref().map(|(pairs, _)| pairs.clone()), "{request:?}");
            assert_eq!(facts.cookie_pairs_total, expected.map_or(0, |(_, total)| total));
        }
        assert_eq!(facts.cookie_pairs_total, MAX_COOKIE_PAIRS + 2);
    }

    #[test]
    fn pair_names_answer_alike_scanned_or_hashed() {
        for n in [0, 1, PairNames::SCANNED, PairNames::SCANNED + 1, 40] {
            let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
            let pairs: Vec<(&str, &str)> = names.iter().map(|s| (s.as_str(), "v")).collect();
            let set = PairNames::new(&pairs);
            assert_eq!(set.set.is_some(), n > PairNames::SCANNED);
            for i in 0..n + 2 {
                assert_eq!(set.contains(&format!("c{i}")), i < n, "{n} pairs, c{i}");
            }
        }
    }

    #[test]
    fn recent_attributes_are_the_lines_own() {
        use crate::model::set_cookie::parse_set_cookie;
        // More distinct attribute texts than slots, seen again after their slots were reused, with
        // names and values that change, and texts that differ only past a terminator or by case.
        let attributes = [
            "Path=/; Secure",
            "path=/; secure",
            "Path=/a; HttpOnly; SameSite=None; Secure",
            "Domain=.example.com; Max-Age=60",
            "Expires=Wed, 21 Oct 2026 07:28:00 GMT; Partitioned; Secure",
            "",
            "Path=/\nDomain=evil.example",
            "Path=/\0; Secure",
            "SameSite=Bogus; Max-Age=x",
        ];
        let mut recent = RecentAttributes::default();
        for round in 0..3 {
            for i in 0..(RecentAttributes::SLOTS + 5) {
                let extra = format!("; Path=/p{}", i % (RecentAttributes::SLOTS + 3));
                for a in &attributes {
                    for pair in [format!("n{round}=v{i}"), format!("=v{i}"), "x".to_string()] {
                        let line = format!("{pair}; {a}{extra}");
                        let Ok(cookie) = parse_set_cookie(&line) else { continue };
                        assert_eq!(recent.of(&line, &cookie).as_str(), attributes_of(&cookie), "{line:?}");
                    }
                }
            }
        }
        assert_eq!(recent.0.len(), RecentAttributes::SLOTS);
    }
}
