//! The cookie jar of one browser profile: storing (RFC 6265bis §5.7) and retrieving (§5.8.3), with
//! every reason for every decision.
//!
//! Decisions do not stop at the first failing rule. A `Set-Cookie` on a response whose request did not
//! include credentials is reported as `CredentialsNotIncluded` *and* with whatever else would have
//! stopped it, because the fix needs all of them.

use super::fast_hash::{HashMap, HashSet};
use std::borrow::Cow;

use super::cookie::{default_path, domain_match, is_ip_literal, path_match, StoredCookie};
use super::http::starts_with_ignore_case;
use super::name_id::{NameId, NameIds};
use super::profile::{Browser, BrowserProfile, ThirdPartyPolicy};
use super::reason::{Exclusion, InclusionStatus, Warning};
use super::request::{CredentialsMode, RequestContext, RequestKind};
use super::samesite::{same_site_facts_and_top_site, SameSiteContext};
use super::set_cookie::{parse_set_cookie, SameSiteAttr, SetCookie};
use super::shared::SharedStr;
use super::site::{is_loopback_host, is_public_suffix, Origin, Site};
use super::time::Timestamp;
use url::{Host, Url};

/// The result of offering one `Set-Cookie` line to the jar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetOutcome {
    /// The cookie's name (empty when the line did not parse or is nameless).
    pub name: String,
    /// Every exclusion reason and warning.
    pub status: InclusionStatus,
    /// Whether the cookie is now in the jar.
    pub stored: bool,
    /// Whether the line deleted a cookie (or would have, had it been accepted): expiry in the past.
    pub deleted: bool,
    /// The partition (top-level site) it was stored in, if partitioned.
    pub partition: Option<Site>,
    /// The parsed line, when it parsed.
    pub cookie: Option<SetCookie>,
}

/// A `Set-Cookie` line parsed once for every profile's jar that reads it: the parse does not depend
/// on the browser, and a replay offers each line to four jars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedSetCookie {
    /// The parsed line, or why it did not parse (`DisallowedCharacter`, `NoCookieContent`, …).
    pub cookie: Result<SetCookie, Exclusion>,
    /// The cookie's name, shared by every jar that stores it (empty when the line did not parse).
    pub name: SharedStr,
    /// The cookie's value, shared likewise.
    pub value: SharedStr,
    /// The name's number ([`ParsedSetCookie::share_numbered`]), carried by the cookies stored from it.
    pub name_id: NameId,
}

impl ParsedSetCookie {
    /// Parses `line` (see [`parse_set_cookie`]).
    pub fn parse(line: &str) -> Self {
        let cookie = parse_set_cookie(line);
        let (name, value) = match &cookie {
            Ok(c) => (SharedStr::from(c.name.as_str()), SharedStr::from(c.value.as_str())),
            Err(_) => (SharedStr::default(), SharedStr::default()),
        };
        ParsedSetCookie { cookie, name, value, name_id: NameId::UNKNOWN }
    }

    /// Parses `line` without making the shared name and value yet (see [`ParsedSetCookie::share`]):
    /// a line parsed on one thread and stored by jars on another keeps each reference count on the
    /// thread that uses it.
    pub fn parse_unshared(line: &str) -> Self {
        ParsedSetCookie {
            cookie: parse_set_cookie(line),
            name: SharedStr::default(),
            value: SharedStr::default(),
            name_id: NameId::UNKNOWN,
        }
    }

    /// Makes the shared name and value from the parsed line.
    pub fn share(&mut self) {
        if let Ok(c) = &self.cookie {
            self.name = SharedStr::from(c.name.as_str());
            self.value = SharedStr::from(c.value.as_str());
        }
    }

    /// [`ParsedSetCookie::share`], numbering the name in `ids` (see [`NameId`]).
    pub fn share_numbered(&mut self, ids: &mut NameIds) {
        self.share();
        self.name_id = if self.cookie.is_ok() { ids.id(&self.name) } else { NameId::UNKNOWN };
    }

    /// Lets go of the shared name and value (the jars keep their own references).
    pub fn unshare(&mut self) {
        self.name = SharedStr::default();
        self.value = SharedStr::default();
        self.name_id = NameId::UNKNOWN;
    }
}

/// A jar's decision on a [`ParsedSetCookie`]: [`SetOutcome`] without the copies of the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetDecision {
    /// Whether the jar read the line at all: `false` when the request's scheme carries no cookies
    /// (the outcome then names no cookie).
    pub read: bool,
    /// Every exclusion reason and warning.
    pub status: InclusionStatus,
    /// Whether the cookie is now in the jar.
    pub stored: bool,
    /// Whether the line deleted a cookie (or would have, had it been accepted): expiry in the past.
    pub deleted: bool,
    /// The partition (top-level site) it was stored in, if partitioned.
    pub partition: Option<Site>,
}

impl SetOutcome {
    /// The outcome of a parsed line from the jar's decision on it (the line names no cookie when
    /// the jar did not read it).
    pub fn of(line: ParsedSetCookie, decision: SetDecision) -> Self {
        let cookie = if decision.read { line.cookie.ok() } else { None };
        SetOutcome {
            name: cookie.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            status: decision.status,
            stored: decision.stored,
            deleted: decision.deleted,
            partition: decision.partition,
            cookie,
        }
    }
}

/// One cookie's verdict for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieAccess<'a> {
    /// The cookie, lent by the jar (a verdict copies only what it keeps).
    pub cookie: &'a StoredCookie,
    /// Why it was withheld (empty when sent), and warnings.
    pub status: InclusionStatus,
}

/// What the jar would send with a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Retrieval<'a> {
    /// Cookies sent, in the order the browser writes them in the `Cookie` header (longer paths first,
    /// then earlier creation).
    pub included: Vec<CookieAccess<'a>>,
    /// Cookies of the same registrable domain that were withheld, each with every reason.
    pub excluded: Vec<CookieAccess<'a>>,
}

impl Retrieval<'_> {
    /// Empties the retrieval and hands its buffers on, for another request's or jar's retrieval: a
    /// replay retrieves four times per entry, and reusing the lists saves two allocations each time.
    pub fn recycle<'b>(self) -> Retrieval<'b> {
        Retrieval { included: recycle_accesses(self.included), excluded: recycle_accesses(self.excluded) }
    }

    /// The `Cookie` header value the browser sends, or `None` when it sends none.
    pub fn cookie_header(&self) -> Option<String> {
        if self.included.is_empty() {
            None
        } else {
            Some(self.included.iter().map(|a| a.cookie.pair()).collect::<Vec<_>>().join("; "))
        }
    }
}

/// An emptied list's allocation, for accesses lent by another jar borrow. Mapping an empty vector's
/// iterator in place keeps its buffer (the element layouts are the same), so no `unsafe` is needed.
fn recycle_accesses<'b>(mut list: Vec<CookieAccess<'_>>) -> Vec<CookieAccess<'b>> {
    list.clear();
    list.into_iter().map(|_| unreachable!("the list was emptied")).collect()
}

/// A cookie jar modelling one browser profile.
#[derive(Clone, Debug)]
pub struct CookieJar {
    profile: BrowserProfile,
    /// Cookies by site: the registrable domain of the cookie's domain (the domain itself for IP
    /// addresses and public suffixes). A request looks only at the buckets of its host's suffixes, so
    /// it costs what its own site's cookies cost, not the whole jar. Each bucket keeps creation
    /// (sequence) order, which is the order of the jar.
    sites: HashMap<String, Vec<StoredCookie>>,
    /// The fewest dots of any key `sites` has held (never raised when a bucket goes). A key that is a
    /// proper suffix of a site has fewer dots than the site, so when none has fewer, a request looks
    /// up its own site's bucket alone, without walking the site's suffixes (issue #17: the walk was
    /// about a quarter of a retrieval).
    min_key_dots: usize,
    next_sequence: u64,
    /// Cookies in all buckets (for the profile's total limit).
    total: usize,
}

/// The bucket a cookie domain belongs to: its site domain, from the recent sites' cache (a site sets
/// its cookies again and again, each a public-suffix look-up otherwise).
fn site_key(domain: &str) -> std::sync::Arc<str> {
    super::site::shared_site_domain(domain)
}

/// A host and its label suffixes: `a.b.c`, `b.c`, `c`. Every bucket holding a cookie related to the
/// host is among them (a related cookie's domain is the host, a suffix of it, or in the host's site).
fn host_suffixes(host: &str) -> HostSuffixes<'_> {
    HostSuffixes { next: Some(host), first: true }
}

/// [`host_suffixes`]'s iterator: a byte search from one dot to the next, where a host is a few dozen
/// bytes at most (a `match_indices` searcher costs more to set up than the search; issue #17).
struct HostSuffixes<'a> {
    next: Option<&'a str>,
    /// The host itself is given even when empty; the suffixes only when not.
    first: bool,
}

impl<'a> Iterator for HostSuffixes<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let text = self.next?;
            self.next = text.bytes().position(|b| b == b'.').map(|i| &text[i + 1..]);
            if std::mem::replace(&mut self.first, false) || !text.is_empty() {
                return Some(text);
            }
        }
    }
}

fn dots(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'.').count()
}

/// Where the `Set-Cookie` came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    Http,
    Script,
}

impl CookieJar {
    /// An empty jar for `browser`.
    pub fn new(browser: Browser) -> Self {
        Self::with_profile(browser.profile().clone())
    }

    /// An empty jar following a custom profile (a row of the table with some knobs changed).
    pub fn with_profile(profile: BrowserProfile) -> Self {
        CookieJar { profile, sites: HashMap::default(), min_key_dots: usize::MAX, next_sequence: 0, total: 0 }
    }

    /// The profile this jar follows.
    pub fn profile(&self) -> &BrowserProfile {
        &self.profile
    }

    /// The browser this jar follows.
    pub fn browser(&self) -> Browser {
        self.profile.browser
    }

    /// Every cookie in the jar, including expired ones not yet purged.
    /// In creation order.
    pub fn cookies(&self) -> impl Iterator<Item = &StoredCookie> {
        let mut all: Vec<&StoredCookie> = self.sites.values().flatten().collect();
        all.sort_by_key(|c| c.sequence);
        all.into_iter()
    }

    /// Drops cookies that have expired at `now`.
    pub fn purge_expired(&mut self, now: Timestamp) {
        for bucket in self.sites.values_mut() {
            bucket.retain(|c| !c.is_expired(now));
        }
        self.sites.retain(|_, bucket| !bucket.is_empty());
        self.total = self.sites.values().map(Vec::len).sum();
    }

    /// Whether the jar holds a cookie of this name that a request to `host` could carry (its domain is
    /// the host or a parent of it), whatever else would withhold it.
    pub fn holds(&self, host: &str, name: &str) -> bool {
        self.holds_from(host, host, name)
    }

    /// [`CookieJar::holds`] with the host's site known ([`super::site::shared_site_domain`]): a
    /// bucket's key is its cookies' registrable domain (or the domain, when it has none), so no key
    /// lies between a host and its site and the look-ups start at the site.
    pub(crate) fn holds_from(&self, host: &str, host_site: &str, name: &str) -> bool {
        self.buckets_from(host_site)
            .flat_map(|(_, bucket)| bucket)
            .any(|c| c.name == name && (c.domain == host || (!c.host_only && domain_match(host, &c.domain))))
    }

    /// The buckets among `start` and its suffixes, in that order: those that can hold a cookie
    /// related to a host whose site (or the host itself) is `start`. Only `start`'s own when no key
    /// has fewer dots than it ([`CookieJar::min_key_dots`]).
    fn buckets_from<'a, 's>(
        &'a self,
        start: &'s str,
    ) -> impl Iterator<Item = (&'a String, &'a Vec<StoredCookie>)> + use<'a, 's> {
        let suffixes = if dots(start) > self.min_key_dots { usize::MAX } else { 1 };
        host_suffixes(start).take(suffixes).filter_map(|s| self.sites.get_key_value(s))
    }

    /// Removes every cookie of this name that a request to `host` could carry (the recording browser
    /// said it refused the line that set it).
    pub fn forget(&mut self, host: &str, name: &str) {
        let keys: Vec<String> =
            host_suffixes(host).filter(|s| self.sites.contains_key(*s)).map(str::to_string).collect();
        for key in keys {
            if let Some(bucket) = self.sites.get_mut(&key) {
                let before = bucket.len();
                bucket.retain(|c| {
                    !(c.name == name && (c.domain == host || (!c.host_only && domain_match(host, &c.domain))))
                });
                self.total -= before - bucket.len();
                if bucket.is_empty() {
                    self.sites.remove(&key);
                }
            }
        }
    }

    /// Keeps the jar within the profile's limits after a cookie was added to the bucket `key` (RFC
    /// 6265bis §5.7's eviction order: expired first, then non-`Secure`, then the oldest; browsers rank
    /// by last access, which a replay of a capture approximates by creation).
    fn enforce_limits(&mut self, key: &str, now: Timestamp) {
        let limits = self.profile.cookie_limits;
        if let Some(bucket) = self.sites.get_mut(key) {
            if bucket.len() > limits.per_site {
                let before = bucket.len();
                evict(bucket, limits.per_site_purge_to, now);
                self.total -= before - bucket.len();
            }
        }
        if self.total > limits.total {
            let mut all: Vec<(bool, bool, Timestamp, u64)> =
                self.sites.values().flatten().map(|c| (!c.is_expired(now), c.secure, c.creation, c.sequence)).collect();
            all.sort_unstable();
            let remove: HashSet<u64> = all.iter().take(self.total - limits.total_purge_to).map(|t| t.3).collect();
            for bucket in self.sites.values_mut() {
                bucket.retain(|c| !remove.contains(&c.sequence));
            }
            self.sites.retain(|_, b| !b.is_empty());
            self.total = self.sites.values().map(Vec::len).sum();
        }
    }

    /// Offers a `Set-Cookie` response header (one line) received for the request `ctx`.
    pub fn set_from_response(&mut self, line: &str, ctx: &RequestContext) -> SetOutcome {
        self.set(line, ctx, &RequestFacts::of(ctx), Api::Http)
    }

    /// [`CookieJar::set_from_response`], numbering the cookie's name in `ids` (see [`NameId`]).
    pub fn set_from_response_numbered(&mut self, line: &str, ctx: &RequestContext, ids: &mut NameIds) -> SetOutcome {
        let mut parsed = ParsedSetCookie::parse(line);
        if parsed.cookie.is_ok() {
            parsed.name_id = ids.id(&parsed.name);
        }
        let decision = self.decide(&parsed, ctx, &RequestFacts::of(ctx), Api::Http);
        SetOutcome::of(parsed, decision)
    }

    /// [`CookieJar::set_from_response`] with the request's facts computed once for every profile and
    /// line ([`RequestFacts::of`] of the same `ctx`).
    pub fn set_from_response_with(&mut self, line: &str, ctx: &RequestContext, facts: &RequestFacts) -> SetOutcome {
        self.set(line, ctx, facts, Api::Http)
    }

    /// [`CookieJar::set_from_response_with`] for a line parsed once for every profile
    /// ([`ParsedSetCookie::parse`]): the decision alone, without copies of the line.
    pub fn set_parsed_from_response(
        &mut self,
        line: &ParsedSetCookie,
        ctx: &RequestContext,
        facts: &RequestFacts,
    ) -> SetDecision {
        self.decide(line, ctx, facts, Api::Http)
    }

    /// `document.cookie = line` in a document at `document_url` under the top-level origin `top_level`
    /// (`None`: the document is itself top level).
    pub fn set_from_script(
        &mut self,
        line: &str,
        document_url: &Url,
        top_level: Option<&Origin>,
        time: Timestamp,
    ) -> SetOutcome {
        let ctx = script_context(document_url, top_level, time);
        self.set(line, &ctx, &RequestFacts::of(&ctx), Api::Script)
    }

    /// What `document.cookie` returns in a document at `document_url` under `top_level`.
    pub fn script_cookie_string(&self, document_url: &Url, top_level: Option<&Origin>, time: Timestamp) -> String {
        let ctx = script_context(document_url, top_level, time);
        self.retrieve_with(&ctx, &RequestFacts::of(&ctx), Api::Script)
            .included
            .iter()
            .map(|a| a.cookie.pair())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Which cookies go out with the request `ctx`, and why each related cookie does not.
    pub fn retrieve(&self, ctx: &RequestContext) -> Retrieval<'_> {
        self.retrieve_with(ctx, &RequestFacts::of(ctx), Api::Http)
    }

    /// [`CookieJar::retrieve`] with the request's facts computed once for every profile
    /// ([`RequestFacts::of`] of the same `ctx`).
    pub fn retrieve_using(&self, ctx: &RequestContext, facts: &RequestFacts) -> Retrieval<'_> {
        self.retrieve_with(ctx, facts, Api::Http)
    }

    /// [`CookieJar::retrieve_using`] into the buffers of an earlier retrieval (see
    /// [`Retrieval::recycle`]).
    pub fn retrieve_reusing(&self, ctx: &RequestContext, facts: &RequestFacts, spare: Retrieval<'_>) -> Retrieval<'_> {
        self.retrieve_into(ctx, facts, Api::Http, spare.recycle())
    }

    fn is_secure_url(&self, url: &Url) -> bool {
        match url.scheme() {
            "https" | "wss" => true,
            "http" | "ws" => {
                self.profile().localhost_is_secure && url.host().is_some_and(|h| is_loopback_host(&h.to_owned()))
            }
            _ => false,
        }
    }

    fn set(&mut self, line: &str, ctx: &RequestContext, facts: &RequestFacts, api: Api) -> SetOutcome {
        let line = ParsedSetCookie::parse(line);
        let decision = self.decide(&line, ctx, facts, api);
        SetOutcome::of(line, decision)
    }

    /// Decides one parsed line (RFC 6265bis §5.7), storing the cookie when every rule admits it.
    fn decide(&mut self, line: &ParsedSetCookie, ctx: &RequestContext, facts: &RequestFacts, api: Api) -> SetDecision {
        let profile = self.profile.clone();
        let profile = &profile;
        let mut status = InclusionStatus::new();
        if api == Api::Http && !ctx.includes_credentials() {
            status.exclude(if ctx.kind == RequestKind::Preflight {
                Exclusion::PreflightNeverCredentialed
            } else {
                Exclusion::CredentialsNotIncluded
            });
        }
        let fail = |read: bool, status: InclusionStatus| SetDecision {
            read,
            status,
            stored: false,
            deleted: false,
            partition: None,
        };
        if !matches!(ctx.url.scheme(), "http" | "https" | "ws" | "wss") {
            status.exclude(Exclusion::SchemeNotSupported);
            return fail(false, status);
        }
        let parsed = match &line.cookie {
            Ok(c) => c,
            Err(reason) => {
                status.exclude(*reason);
                return fail(true, status);
            }
        };
        if parsed.ignored.iter().any(|i| i.why == super::set_cookie::IgnoredWhy::ValueTooLong) {
            status.warn(Warning::WarnAttributeValueExceedsMaxSize);
        }
        if matches!(parsed.same_site, SameSiteAttr::Invalid(_)) {
            status.warn(Warning::InvalidSameSiteValue);
        }
        let secure_origin = self.is_secure_url(&ctx.url);
        let host: &str = &facts.host;
        let now = ctx.time;

        // Domain (§5.7 steps 7–10).
        let mut host_only = true;
        let mut domain = Cow::Borrowed(host);
        if let Some(d) = parsed.domain.as_deref() {
            if d.is_empty() {
                // `Domain=.`: Chromium rejects it (cookie_store_unittest.h, InvalidDomainTest).
                status.exclude(Exclusion::InvalidDomain);
            } else if !d.is_ascii() {
                status.exclude(Exclusion::DomainNonAscii);
            } else {
                match canonical_domain_attribute(d) {
                    None => status.exclude(Exclusion::InvalidDomain),
                    Some(canon) => {
                        if is_ip_literal(host) || is_ip_literal(&canon) {
                            // An IP host accepts only its own address, and the cookie stays host-only.
                            if canon != host {
                                status.exclude(Exclusion::InvalidDomain);
                            }
                        } else if is_public_suffix(&canon) {
                            if canon != host {
                                status.exclude(Exclusion::InvalidDomain);
                            }
                        } else if !domain_match(host, &canon) {
                            status.exclude(Exclusion::InvalidDomain);
                        } else {
                            host_only = false;
                            domain = Cow::Owned(canon);
                        }
                    }
                }
            }
        }

        // Path (§5.7 step 11).
        let path = match parsed.path.as_deref() {
            Some(p) if p.starts_with('/') => p,
            _ => default_path(ctx.url.path()),
        };

        // Secure (§5.7 steps 12–13).
        if parsed.secure && !secure_origin {
            status.exclude(Exclusion::SecureOnly);
        }
        // HttpOnly from script (§5.7 steps 14–15).
        if parsed.http_only && api == Api::Script {
            status.exclude(Exclusion::HttpOnlyFromScript);
        }

        // SameSite (§5.7 steps 17–19).
        let contexts = &facts.response_contexts;
        let context =
            contexts.for_profile_with_chain(profile.schemeful_same_site, profile.same_site_considers_redirect_chain);
        // Chrome with schemeful same-site names every SameSite exclusion `Schemeful…` (recorded:
        // Chromium 156, also between two https sites); otherwise the plain names.
        let cross_only_by_scheme = profile.schemeful_same_site
            && (profile.schemeful_reason_names
                || (contexts.schemeful == SameSiteContext::CrossSite
                    && contexts.schemeless != SameSiteContext::CrossSite));
        if context == SameSiteContext::CrossSite {
            match &parsed.same_site {
                SameSiteAttr::Strict => status.exclude(if cross_only_by_scheme {
                    Exclusion::SchemefulSameSiteStrict
                } else {
                    Exclusion::SameSiteStrict
                }),
                SameSiteAttr::Lax => status.exclude(if cross_only_by_scheme {
                    Exclusion::SchemefulSameSiteLax
                } else {
                    Exclusion::SameSiteLax
                }),
                SameSiteAttr::Unspecified | SameSiteAttr::Invalid(_) => {
                    status.warn(Warning::WarnSameSiteUnspecifiedCrossSiteContext);
                    if profile.lax_by_default {
                        status.exclude(if cross_only_by_scheme {
                            Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax
                        } else {
                            Exclusion::SameSiteUnspecifiedTreatedAsLax
                        });
                    }
                }
                SameSiteAttr::None => {}
            }
        }
        if parsed.same_site == SameSiteAttr::None && !parsed.secure {
            if profile.none_requires_secure {
                status.exclude(Exclusion::SameSiteNoneInsecure);
            } else {
                status.warn(Warning::WarnSameSiteNoneInsecure);
            }
        }

        // Prefixes (§5.7 steps 20–22; __Http- and __Host-Http- from the layered-cookies draft).
        if !prefix_ok(parsed, secure_origin, api, profile) {
            status.exclude(Exclusion::InvalidPrefix);
        }

        // Partitioning and third-party policy.
        let third_party = facts.third_party[usize::from(profile.schemeful_same_site)];
        let chips = parsed.partitioned && profile.partitioned_cookies;
        let mut partition = None;
        if chips {
            if !parsed.secure {
                status.exclude(Exclusion::InvalidPartitioned);
            }
            partition = Some(facts.top_site.clone());
        }
        if third_party && !chips {
            match profile.third_party {
                ThirdPartyPolicy::Allow => status.warn(Warning::WarnThirdPartyPhaseout),
                ThirdPartyPolicy::BlockUnpartitioned => status.exclude(Exclusion::UserPreferences),
                ThirdPartyPolicy::BlockUnpartitionedPhaseout => status.exclude(Exclusion::ThirdPartyPhaseout),
                ThirdPartyPolicy::BlockUnpartitionedItp => status.exclude(Exclusion::ThirdPartyBlockedByItp),
                ThirdPartyPolicy::PartitionAll => partition = Some(facts.top_site.clone()),
            }
        }
        if partition.is_some() {
            status.warn(Warning::Partitioned);
        }

        // Expiry (§5.7 step 6, §5.5 cap).
        let mut expires = match (parsed.max_age, parsed.expires) {
            (Some(ma), _) if ma <= 0 => Some(Timestamp(i64::MIN)),
            (Some(ma), _) => Some(now.plus_secs(ma)),
            (None, Some(e)) => Some(e),
            (None, None) => None,
        };
        if let (Some(days), Some(e)) = (profile.max_lifetime_days, expires) {
            let cap = now.plus_secs(days * 86_400);
            if e > cap {
                expires = Some(cap);
                status.warn(Warning::ExpiryCapped);
            }
        }
        let deleting = expires.is_some_and(|e| e <= now);

        // The cookie's name is the line's: by number when both have one (see `NameId`).
        let same_as_line = |c: &StoredCookie| {
            if c.name_id.is_known() && line.name_id.is_known() {
                c.name_id == line.name_id
            } else {
                c.name == parsed.name
            }
        };

        // Leave secure cookies alone (§5.7 step 16).
        if !parsed.secure && !secure_origin {
            // Only buckets whose key is a suffix of the domain, or ends with it, can hold a cookie
            // whose domain domain-matches it either way.
            let shadows_secure = self
                .sites
                .iter()
                .filter(|(key, _)| key.ends_with(&*domain) || domain.ends_with(key.as_str()))
                .flat_map(|(_, bucket)| bucket)
                .any(|c| {
                    same_as_line(c)
                        && c.secure
                        && (domain_match(&c.domain, &domain) || domain_match(&domain, &c.domain))
                        && path_match(path, &c.path)
                });
            if shadows_secure {
                status.exclude(Exclusion::OverwriteSecure);
            }
        }

        // Overwrite (§5.7 step 23).
        let key = site_key(&domain);
        let key: &str = &key;
        let existing = self.sites.get(key).and_then(|bucket| {
            bucket.iter().position(|c| {
                same_as_line(c)
                    && c.domain == *domain
                    && c.host_only == host_only
                    && c.path == path
                    && c.partition == partition
            })
        });
        if let (Some(i), Api::Script) = (existing, api) {
            if self.sites[key][i].http_only {
                status.exclude(Exclusion::HttpOnlyFromScript);
            }
        }

        if !status.is_included() {
            return SetDecision { read: true, status, stored: false, deleted: deleting, partition };
        }
        if deleting {
            if let (Some(i), Some(bucket)) = (existing, self.sites.get_mut(key)) {
                bucket.remove(i);
                self.total -= 1;
                if bucket.is_empty() {
                    self.sites.remove(key);
                }
            }
            status.warn(Warning::Deleted);
            return SetDecision { read: true, status, stored: false, deleted: true, partition };
        }
        if !self.sites.contains_key(key) {
            self.sites.insert(key.to_string(), Vec::new());
            self.min_key_dots = self.min_key_dots.min(dots(key));
        }
        let bucket = self.sites.get_mut(key).expect("the bucket was just made");
        let creation = existing.map_or(now, |i| bucket[i].creation);
        let sequence = match existing {
            Some(i) => bucket[i].sequence,
            None => {
                self.next_sequence += 1;
                self.next_sequence
            }
        };
        let cookie = StoredCookie {
            name: line.name.clone(),
            name_id: line.name_id,
            value: line.value.clone(),
            domain: SharedStr::from(&*domain),
            path: path.into(),
            host_only,
            secure: parsed.secure,
            http_only: parsed.http_only,
            same_site: parsed.same_site.clone(),
            partitioned_attr: chips,
            partition: partition.clone(),
            expires,
            creation,
            sequence,
            from_script: api == Api::Script,
        };
        match existing {
            Some(i) => bucket[i] = cookie,
            None => {
                bucket.push(cookie);
                self.total += 1;
                self.enforce_limits(key, now);
            }
        }
        SetDecision { read: true, status, stored: true, deleted: false, partition }
    }

    fn retrieve_with(&self, ctx: &RequestContext, facts: &RequestFacts, api: Api) -> Retrieval<'_> {
        self.retrieve_into(ctx, facts, api, Retrieval::default())
    }

    /// The retrieval, written into `out` (empty, perhaps with room from an earlier one).
    fn retrieve_into<'a>(
        &'a self,
        ctx: &RequestContext,
        facts: &RequestFacts,
        api: Api,
        mut out: Retrieval<'a>,
    ) -> Retrieval<'a> {
        let profile = self.profile();
        let host: &str = &facts.host;
        let host_site: &str = &facts.host_site;
        let secure_url = self.is_secure_url(&ctx.url);
        let contexts = &facts.request_contexts;
        let context =
            contexts.for_profile_with_chain(profile.schemeful_same_site, profile.same_site_considers_redirect_chain);
        let third_party = facts.third_party[usize::from(profile.schemeful_same_site)];
        let top_site = &facts.top_site;
        let credentials = api == Api::Script || ctx.includes_credentials();
        if !matches!(ctx.url.scheme(), "http" | "https" | "ws" | "wss") {
            // Only cookieable schemes carry cookies (Chromium CookieMonster's cookieable schemes).
            return out;
        }
        // Nearly always one bucket, the host's site, already in jar order: read in place. Several
        // (a cookie on a public-suffix host) are merged back into jar order. A bucket's key is its
        // cookies' registrable domain (or the domain, when it has none), so no key lies between the
        // host and its site: the look-ups start at the site.
        let mut buckets = self.buckets_from(host_site);
        let (first, second) = (buckets.next(), buckets.next());
        let single = if second.is_none() { first } else { None };
        // Each cookie with whether its bucket's key is the host's site, asked once per bucket.
        let of_bucket = |(key, bucket): (&'a String, &'a Vec<StoredCookie>)| {
            let host_sites = key == host_site;
            bucket.iter().map(move |c| (host_sites, c))
        };
        let mut merged: Vec<(bool, &StoredCookie)> = Vec::new();
        if second.is_some() {
            merged = first.into_iter().chain(second).chain(buckets).flat_map(of_bucket).collect();
            merged.sort_by_key(|(_, c)| c.sequence);
        }
        // Most related cookies go out: one allocation instead of growing push by push.
        out.included.reserve(single.map_or(merged.len(), |(_, bucket)| bucket.len()));
        let candidates = single.into_iter().flat_map(of_bucket).chain(merged.iter().copied());
        let request_path = ctx.url.path();
        for (host_sites, cookie) in candidates {
            if cookie.is_expired(ctx.time) {
                continue;
            }
            // Every cookie in a bucket has the bucket's key as its site.
            let related = host_sites || cookie.domain == host || domain_match(host, &cookie.domain);
            if !related {
                continue;
            }
            let mut status = InclusionStatus::new();
            if !credentials {
                status.exclude(if ctx.kind == RequestKind::Preflight {
                    Exclusion::PreflightNeverCredentialed
                } else {
                    Exclusion::CredentialsNotIncluded
                });
            }
            let domain_ok = if cookie.host_only { cookie.domain == host } else { domain_match(host, &cookie.domain) };
            if !domain_ok {
                status.exclude(Exclusion::DomainMismatch);
            }
            if !path_match(request_path, &cookie.path) {
                status.exclude(Exclusion::NotOnPath);
            }
            if cookie.secure && !secure_url {
                status.exclude(Exclusion::SecureOnly);
            }
            if cookie.http_only && api == Api::Script {
                continue;
            }
            self.same_site_verdict(cookie, ctx, contexts, context, &mut status);
            if cookie.same_site == SameSiteAttr::None && !cookie.secure && profile.none_requires_secure {
                status.exclude(Exclusion::SameSiteNoneInsecure);
            }
            match &cookie.partition {
                Some(key) => {
                    if key != top_site {
                        status.exclude(Exclusion::CookieInOtherPartition);
                    } else {
                        status.warn(Warning::Partitioned);
                    }
                }
                None if third_party => match profile.third_party {
                    ThirdPartyPolicy::Allow => status.warn(Warning::WarnThirdPartyPhaseout),
                    ThirdPartyPolicy::BlockUnpartitioned => status.exclude(Exclusion::UserPreferences),
                    ThirdPartyPolicy::BlockUnpartitionedPhaseout => status.exclude(Exclusion::ThirdPartyPhaseout),
                    ThirdPartyPolicy::BlockUnpartitionedItp => status.exclude(Exclusion::ThirdPartyBlockedByItp),
                    ThirdPartyPolicy::PartitionAll => status.exclude(Exclusion::CookieInOtherPartition),
                },
                None => {}
            }
            let access = CookieAccess { cookie, status };
            if access.status.is_included() {
                out.included.push(access);
            } else {
                out.excluded.push(access);
            }
        }
        out.included.sort_by(|a, b| {
            b.cookie
                .path
                .len()
                .cmp(&a.cookie.path.len())
                .then(a.cookie.creation.cmp(&b.cookie.creation))
                .then(a.cookie.sequence.cmp(&b.cookie.sequence))
        });
        out
    }

    fn same_site_verdict(
        &self,
        cookie: &StoredCookie,
        ctx: &RequestContext,
        contexts: &super::samesite::ContextPair,
        context: SameSiteContext,
        status: &mut InclusionStatus,
    ) {
        let profile = self.profile();
        // Which contexts admit the cookie; evaluated for the schemeless context too, so a verdict that
        // only the scheme changes gets Chrome's Schemeful… name.
        let admits = |c: SameSiteContext| -> bool {
            match &cookie.same_site {
                SameSiteAttr::None => true,
                SameSiteAttr::Strict => c == SameSiteContext::Strict,
                SameSiteAttr::Lax => matches!(c, SameSiteContext::Strict | SameSiteContext::LaxSafe),
                SameSiteAttr::Unspecified | SameSiteAttr::Invalid(_) => {
                    if !profile.lax_by_default {
                        return true;
                    }
                    match c {
                        SameSiteContext::Strict | SameSiteContext::LaxSafe => true,
                        SameSiteContext::LaxUnsafe => profile
                            .lax_allow_unsafe_max_age_secs
                            .is_some_and(|max| ctx.time < cookie.creation.plus_secs(max)),
                        SameSiteContext::CrossSite => false,
                    }
                }
            }
        };
        if cookie.same_site.is_unspecified() && context != SameSiteContext::Strict {
            status.warn(Warning::WarnSameSiteUnspecifiedCrossSiteContext);
        }
        if admits(context) {
            if cookie.same_site.is_unspecified() && profile.lax_by_default && context == SameSiteContext::LaxUnsafe {
                status.warn(Warning::WarnSameSiteUnspecifiedLaxAllowUnsafe);
            }
            if !admits(contexts.chain_aware) {
                status.warn(Warning::WarnCrossSiteRedirectDowngradeChangesInclusion);
            }
            return;
        }
        let by_scheme = profile.schemeful_same_site && (profile.schemeful_reason_names || admits(contexts.schemeless));
        let reason = match (&cookie.same_site, by_scheme) {
            (SameSiteAttr::Strict, false) => Exclusion::SameSiteStrict,
            (SameSiteAttr::Strict, true) => Exclusion::SchemefulSameSiteStrict,
            (SameSiteAttr::Lax, false) => Exclusion::SameSiteLax,
            (SameSiteAttr::Lax, true) => Exclusion::SchemefulSameSiteLax,
            (_, false) => Exclusion::SameSiteUnspecifiedTreatedAsLax,
            (_, true) => Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax,
        };
        status.exclude(reason);
    }
}

/// The request context of script running in a document: same-origin, credentialed.
/// Evicts from one site's bucket down to `keep` cookies: expired first, then non-`Secure`, then the
/// oldest; the bucket keeps its creation order.
fn evict(bucket: &mut Vec<StoredCookie>, keep: usize, now: Timestamp) {
    let mut order: Vec<(bool, bool, Timestamp, u64)> =
        bucket.iter().map(|c| (!c.is_expired(now), c.secure, c.creation, c.sequence)).collect();
    order.sort_unstable();
    let remove: HashSet<u64> = order.iter().take(bucket.len().saturating_sub(keep)).map(|t| t.3).collect();
    bucket.retain(|c| !remove.contains(&c.sequence));
}

fn script_context(document_url: &Url, top_level: Option<&Origin>, time: Timestamp) -> RequestContext {
    let origin = Origin::of_url(document_url);
    RequestContext::new(RequestKind::Fetch, "GET", document_url.clone(), Some(origin.clone()), time)
        .with_top_level(Some(top_level.cloned().unwrap_or(origin)))
        .with_credentials(CredentialsMode::Include)
}

/// What a request gives every profile's jar the same answer about: its host and site, its same-site
/// contexts for sending and for storing, whether it is third-party (schemeless and schemeful), and its
/// top-level site. Computing them takes public-suffix look-ups and allocations, so the replay computes
/// them once per request and shares them across the profiles and `Set-Cookie` lines
/// (`CookieJar::retrieve` and `set_from_response` compute them themselves).
#[derive(Clone, Debug)]
pub struct RequestFacts {
    /// Shared with the requests to the same host lately ([`canonical_host`]).
    host: std::sync::Arc<str>,
    /// Shared with the request's other sites ([`super::site::shared_site_domain`]).
    host_site: std::sync::Arc<str>,
    request_contexts: super::samesite::ContextPair,
    response_contexts: super::samesite::ContextPair,
    /// Indexed by schemefulness: `[schemeless, schemeful]`.
    third_party: [bool; 2],
    top_site: Site,
}

impl RequestFacts {
    /// The facts of `ctx`.
    pub fn of(ctx: &RequestContext) -> Self {
        let host = canonical_host(&ctx.url);
        let (request_contexts, response_contexts, third_party, top_site) = same_site_facts_and_top_site(ctx);
        RequestFacts {
            host_site: super::site::shared_site_domain(&host),
            host,
            request_contexts,
            response_contexts,
            third_party,
            top_site,
        }
    }

    /// Whether the request is third-party, with or without the scheme.
    pub fn third_party(&self, schemeful: bool) -> bool {
        self.third_party[usize::from(schemeful)]
    }

    /// The top-level site ([`super::samesite::top_level_site`]): the partition key.
    pub fn top_site(&self) -> &Site {
        &self.top_site
    }

    /// The same-site contexts for sending cookies with the request.
    pub fn request_contexts(&self) -> &super::samesite::ContextPair {
        &self.request_contexts
    }
}

/// The URL's host as the jar compares it: lower case, IPv6 in brackets.
/// Shared with the requests to the same host name lately: a capture's requests go to few hosts.
fn canonical_host(url: &Url) -> std::sync::Arc<str> {
    thread_local! {
        static RECENT_HOSTS: std::cell::RefCell<super::recent::Recent<std::sync::Arc<str>>> =
            const { std::cell::RefCell::new(super::recent::Recent::new(8)) };
    }
    match url.host() {
        Some(Host::Domain(d)) => {
            RECENT_HOSTS.with(|recent| recent.borrow_mut().get_or_compute(d, || d.to_ascii_lowercase().into()))
        }
        Some(Host::Ipv4(ip)) => ip.to_string().into(),
        Some(Host::Ipv6(ip)) => format!("[{ip}]").into(),
        None => "".into(),
    }
}

/// A `Domain` attribute canonicalised as a host (IDNA, IPv4 forms, brackets), or `None` if it is not a
/// valid host.
fn canonical_domain_attribute(d: &str) -> Option<String> {
    match Host::parse(d).ok()? {
        Host::Domain(s) => Some(s),
        Host::Ipv4(ip) => Some(ip.to_string()),
        Host::Ipv6(ip) => Some(format!("[{ip}]")),
    }
}

/// Cookie-name prefix rules; prefixes match case-insensitively (RFC 6265bis §5.4).
fn prefix_ok(c: &SetCookie, secure_origin: bool, api: Api, profile: &BrowserProfile) -> bool {
    let secure = c.secure && secure_origin;
    let host_rules = secure && c.domain.is_none() && c.path.as_deref() == Some("/");
    let http_only = c.http_only && api == Api::Http;
    if c.name.is_empty() {
        let mut banned = vec!["__Secure-", "__Host-"];
        if profile.http_prefixes {
            banned.extend(["__Http-", "__Host-Http-"]);
        }
        return !banned.iter().any(|p| starts_with_ignore_case(&c.value, p));
    }
    if profile.http_prefixes && starts_with_ignore_case(&c.name, "__Host-Http-") {
        return host_rules && http_only;
    }
    if starts_with_ignore_case(&c.name, "__Host-") {
        return host_rules;
    }
    if profile.http_prefixes && starts_with_ignore_case(&c.name, "__Http-") {
        return secure && http_only;
    }
    if starts_with_ignore_case(&c.name, "__Secure-") {
        return secure;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::Timestamp;

    /// Starting at the host's site finds what starting at the host finds: cookies of the site, of a
    /// host under it, of a public-suffix host, and of a registrable domain that is a parent of another
    /// site (a private public suffix: `s3.amazonaws.com` under `amazonaws.com`).
    #[test]
    fn holds_from_the_site_agrees_with_holds_from_the_host() {
        let mut jar = CookieJar::new(Browser::Chrome);
        let now = Timestamp::from_unix_secs(1_780_000_000);
        let sets = [
            ("https://www.example.co.uk/", "site=1; Domain=example.co.uk"),
            ("https://www.example.co.uk/", "hostonly=1"),
            ("https://a.b.example.co.uk/", "deep=1; Domain=b.example.co.uk"),
            ("https://github.io/", "suffixhost=1"),
            ("https://amazonaws.com/", "parent=1; Domain=amazonaws.com"),
            ("https://bucket.s3.amazonaws.com/", "bucket=1"),
        ];
        for (url, line) in sets {
            let ctx = RequestContext::new(RequestKind::Navigation, "GET", Url::parse(url).unwrap(), None, now);
            assert!(jar.set_from_response(line, &ctx).stored, "{line} from {url}");
        }
        let hosts = [
            "www.example.co.uk",
            "example.co.uk",
            "a.b.example.co.uk",
            "c.b.example.co.uk",
            "github.io",
            "x.github.io",
            "amazonaws.com",
            "bucket.s3.amazonaws.com",
            "other.s3.amazonaws.com",
            "co.uk",
        ];
        let names = ["site", "hostonly", "deep", "suffixhost", "parent", "bucket", "none"];
        let mut held = 0;
        for host in hosts {
            let site = crate::model::site::shared_site_domain(host);
            for name in names {
                let from_host = jar.holds(host, name);
                assert_eq!(jar.holds_from(host, &site, name), from_host, "{name} for {host} (site {site})");
                held += usize::from(from_host);
            }
        }
        // Not all false: `site` on four hosts, `parent` on three, one each for the rest.
        assert!(held >= 12, "{held}");
    }

    proptest::proptest! {
        /// The suffix iterator gives the host, then what follows each dot when not empty, as a
        /// `match_indices` chain does (empty labels, leading and trailing dots included).
        #[test]
        fn host_suffixes_are_the_host_and_what_follows_each_dot(host in "[a.é]{0,12}") {
            let expected: Vec<&str> = std::iter::once(host.as_str())
                .chain(host.match_indices('.').map(|(i, _)| &host[i + 1..]).filter(|s| !s.is_empty()))
                .collect();
            proptest::prop_assert_eq!(host_suffixes(&host).collect::<Vec<_>>(), expected);
        }
    }

    /// What a request's look-ups find is what a scan of every cookie in the jar finds, after each
    /// cookie is added: while every key has as many dots as the sites asked about (only the site's
    /// own bucket is looked at) and once a shorter key (`github.io`, `amazonaws.com`) makes the
    /// look-ups walk the sites' suffixes.
    #[test]
    fn the_buckets_looked_at_hold_every_related_cookie() {
        let mut jar = CookieJar::new(Browser::Chrome);
        let now = Timestamp::from_unix_secs(1_780_000_000);
        let sets = [
            ("https://www.example.co.uk/", "site=1; Domain=example.co.uk"),
            ("https://a.b.example.co.uk/", "deep=1; Domain=b.example.co.uk"),
            ("https://x.github.io/", "pages=1"),
            ("https://github.io/", "suffixhost=1"),
            ("https://bucket.s3.amazonaws.com/", "bucket=1"),
            ("https://amazonaws.com/", "parent=1; Domain=amazonaws.com"),
        ];
        let hosts = [
            "www.example.co.uk",
            "a.b.example.co.uk",
            "x.github.io",
            "github.io",
            "bucket.s3.amazonaws.com",
            "amazonaws.com",
            "co.uk",
        ];
        let names = ["site", "deep", "pages", "suffixhost", "bucket", "parent"];
        let mut checked = [0usize; 2];
        for (url, line) in sets {
            let ctx = RequestContext::new(RequestKind::Navigation, "GET", Url::parse(url).unwrap(), None, now);
            assert!(jar.set_from_response(line, &ctx).stored, "{line} from {url}");
            for host in hosts {
                let site = crate::model::site::shared_site_domain(host);
                for name in names {
                    let scanned = jar.cookies().any(|c| {
                        c.name == name && (c.domain == host || (!c.host_only && domain_match(host, &c.domain)))
                    });
                    assert_eq!(jar.holds_from(host, &site, name), scanned, "{name} for {host} after {line}");
                    assert_eq!(jar.holds(host, name), scanned, "{name} for {host} after {line}");
                    checked[usize::from(dots(&site) > jar.min_key_dots)] += 1;
                }
            }
        }
        // Both ways of looking were taken.
        assert!(checked[0] > 0 && checked[1] > 0, "{checked:?}");
    }
}
