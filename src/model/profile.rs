//! Browser profiles as data: one row per browser policy, each with its version notes and sources.
//!
//! A profile holds only policy knobs; the algorithms in [`super::jar`] read them. Where browsers differ
//! the difference is a field here, never a special case in the algorithm.

use std::fmt;

/// Which browser (and setting) a verdict is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Browser {
    /// Chrome / Edge / Chromium with third-party cookies allowed (the default for regular windows).
    Chrome,
    /// Chrome with third-party cookies blocked (Incognito, or the user setting).
    Chrome3pcBlocked,
    /// Firefox with Total Cookie Protection (the default since Firefox 103).
    Firefox,
    /// Safari with Intelligent Tracking Prevention (full third-party cookie blocking).
    Safari,
}

impl Browser {
    /// Every profile, in report order.
    pub const ALL: &'static [Browser] =
        &[Browser::Chrome, Browser::Chrome3pcBlocked, Browser::Firefox, Browser::Safari];

    /// The id used on the command line and in JSON (`chrome`, `chrome-3pc-blocked`, `firefox`, `safari`).
    pub fn as_str(self) -> &'static str {
        self.profile().id
    }

    /// Parses [`Browser::as_str`]'s ids.
    pub fn parse(s: &str) -> Option<Browser> {
        Browser::ALL.iter().copied().find(|b| b.as_str() == s)
    }

    /// Parses a list of ids as the command line and the web page take them: comma-separated, repeated,
    /// `all` for every profile; duplicates are dropped, order kept. Empty input means all.
    pub fn parse_list<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Vec<Browser>, String> {
        let mut out: Vec<Browser> = Vec::new();
        for part in items.into_iter().flat_map(|v| v.split(',')).map(str::trim).filter(|p| !p.is_empty()) {
            let found: &[Browser] = match part {
                "all" => Browser::ALL,
                other => &[Browser::parse(other).ok_or_else(|| {
                    format!("unknown browser `{other}`: use chrome, chrome-3pc-blocked, firefox, safari or all")
                })?],
            };
            for b in found {
                if !out.contains(b) {
                    out.push(*b);
                }
            }
        }
        if out.is_empty() {
            out.extend_from_slice(Browser::ALL);
        }
        Ok(out)
    }

    /// The policy table row for this browser.
    pub fn profile(self) -> &'static BrowserProfile {
        match self {
            Browser::Chrome => &PROFILES[0],
            Browser::Chrome3pcBlocked => &PROFILES[1],
            Browser::Firefox => &PROFILES[2],
            Browser::Safari => &PROFILES[3],
        }
    }
}

impl fmt::Display for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a browser does with unpartitioned cookies in a third-party (cross-site) context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ThirdPartyPolicy {
    /// Allowed (subject to SameSite).
    Allow,
    /// Blocked by user preference; `Partitioned` cookies still work (Chrome Incognito / setting).
    BlockUnpartitioned,
    /// Every third-party cookie is kept in a jar keyed by the top-level site (Firefox TCP).
    PartitionAll,
    /// Blocked by Chrome's third-party cookie phase-out or its test cohort (`ThirdPartyPhaseout`; no
    /// row of the table uses it: build a custom profile for it).
    BlockUnpartitionedPhaseout,
    /// Blocked by ITP; `Partitioned` cookies work where CHIPS ships (Safari 26.2+).
    BlockUnpartitionedItp,
}

/// One browser's cookie policy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BrowserProfile {
    /// Which browser.
    pub browser: Browser,
    /// Short id (`chrome`, `chrome-3pc-blocked`, `firefox`, `safari`).
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// The versions this row describes.
    pub versions: &'static str,
    /// Cookies without a valid `SameSite` are treated as `Lax` (Chrome 85+; not Firefox, not Safari).
    pub lax_by_default: bool,
    /// Chrome's "Lax allowing unsafe": unspecified-SameSite cookies younger than this many seconds still
    /// go on a cross-site top-level navigation with an unsafe method (POST). `None` where not applied.
    pub lax_allow_unsafe_max_age_secs: Option<i64>,
    /// http and https of one registrable domain are cross-site (Chrome 89+ schemeful same-site).
    pub schemeful_same_site: bool,
    /// SameSite exclusions are reported under Chrome DevTools' `Schemeful…` names whatever the schemes
    /// (recorded: Chromium 156 with schemeful same-site, its default, reports `SchemefulSameSiteStrict`
    /// etc. also between two https sites; see `tests/browser_conformance.rs`).
    pub schemeful_reason_names: bool,
    /// A cross-site hop in the redirect chain makes the request cross-site (RFC 6265bis §5.2; recorded:
    /// Firefox 153 does, Chromium 156 does not and only warns; Safari: not recorded, assumed not).
    pub same_site_considers_redirect_chain: bool,
    /// `SameSite=None` without `Secure` is rejected (Chrome 80+, Firefox 131+; Safari: not implemented).
    pub none_requires_secure: bool,
    /// Unpartitioned cookies in third-party contexts.
    pub third_party: ThirdPartyPolicy,
    /// `Partitioned` (CHIPS) is honoured (Chrome 114+, Firefox 141+, Safari 26.2+).
    pub partitioned_cookies: bool,
    /// Upper bound on a cookie's lifetime in days (RFC 6265bis §5.5 recommends 400).
    pub max_lifetime_days: Option<i64>,
    /// `__Http-` and `__Host-Http-` prefixes are enforced (Chrome 140+, Firefox 143+, not Safari).
    pub http_prefixes: bool,
    /// `Secure` cookies may be set from and sent to `http://localhost` (Safari: no, webkit.org/b/281149).
    pub localhost_is_secure: bool,
    /// How many cookies the jar keeps, and how far it purges when a limit is passed.
    pub cookie_limits: CookieLimits,
    /// The most response-header bytes (names and values, decoded) the browser accepts; a larger
    /// response fails the request before any `Set-Cookie` is read.
    pub response_header_limit: u64,
    /// Notes on versions and behaviour a report may quote.
    pub notes: &'static [&'static str],
    /// Where the facts come from.
    pub sources: &'static [&'static str],
}

/// A browser's cookie store limits (RFC 6265bis §5.7 lets a user agent cap cookies per domain and in
/// total; every browser does). Passing a limit evicts down to its `purge_to` figure: expired cookies
/// first, then non-`Secure` before `Secure` ones, then the oldest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookieLimits {
    /// Cookies per site (Chromium's eTLD+1 "domain key"; Firefox counts per base domain too).
    pub per_site: usize,
    /// Cookies left in the site after a purge.
    pub per_site_purge_to: usize,
    /// Cookies in the whole jar.
    pub total: usize,
    /// Cookies left in the jar after a purge.
    pub total_purge_to: usize,
}

/// Chromium's `CookieMonster`: 180 per eTLD+1, purging 30 (to 150); 3300 in all, purging 300 (to 3000)
/// (`net/cookies/cookie_monster.cc`, `kDomainMaxCookies`, `kDomainPurgeCookies`, `kMaxCookies`,
/// `kPurgeCookies`).
const CHROMIUM_LIMITS: CookieLimits =
    CookieLimits { per_site: 180, per_site_purge_to: 150, total: 3300, total_purge_to: 3000 };

/// Firefox: `network.cookie.maxPerHost` 180 (per base domain) and `network.cookie.maxNumber` 3000; over
/// either, the oldest cookie goes (one at a time).
const FIREFOX_LIMITS: CookieLimits =
    CookieLimits { per_site: 180, per_site_purge_to: 180, total: 3000, total_purge_to: 3000 };

/// Safari (CFNetwork) publishes no figures; Chromium's are assumed, the RFC's floor (50 per domain,
/// 3000 in all) being below what sites rely on in Safari.
const SAFARI_LIMITS: CookieLimits = CHROMIUM_LIMITS;

/// Chromium fails a response whose headers pass 256 KiB with `ERR_RESPONSE_HEADERS_TOO_BIG`
/// (`net/http/http_stream_parser.cc` `kMaxHeaderBufSize`; HTTP/2's header list is capped at the same
/// `kSpdyMaxHeaderListSize`).
const CHROMIUM_RESPONSE_HEADER_LIMIT: u64 = 256 * 1024;

/// Firefox: `network.http.max_response_header_size`, 393 216 bytes (384 KiB) by default.
const FIREFOX_RESPONSE_HEADER_LIMIT: u64 = 393_216;

/// Safari publishes no figure; Chromium's is assumed.
const SAFARI_RESPONSE_HEADER_LIMIT: u64 = CHROMIUM_RESPONSE_HEADER_LIMIT;

/// The profile table.
pub static PROFILES: [BrowserProfile; 4] = [
    BrowserProfile {
        browser: Browser::Chrome,
        id: "chrome",
        name: "Chrome (third-party cookies allowed)",
        versions: "Chrome/Edge 120+ regular window",
        lax_by_default: true,
        lax_allow_unsafe_max_age_secs: Some(120),
        schemeful_same_site: true,
        schemeful_reason_names: true,
        same_site_considers_redirect_chain: false,
        none_requires_secure: true,
        third_party: ThirdPartyPolicy::Allow,
        partitioned_cookies: true,
        max_lifetime_days: Some(400),
        http_prefixes: true,
        localhost_is_secure: true,
        cookie_limits: CHROMIUM_LIMITS,
        response_header_limit: CHROMIUM_RESPONSE_HEADER_LIMIT,
        notes: &[
            "Lax-by-default since Chrome 85 (flags removed in 91)",
            "unspecified-SameSite cookies under 2 minutes old still go on cross-site top-level POSTs (kLaxAllowUnsafeMaxAge)",
            "schemeful same-site: http and https of one domain are cross-site",
            "third-party cookies allowed by default in regular windows (2025-04 decision keeps the user setting)",
        ],
        sources: &[
            "MDN browser-compat-data http/headers/Set-Cookie.json (SameSite.Lax_default, none_requires_secure, schemeful, Partitioned)",
            "chromium net/cookies/cookie_constants.cc (kLaxAllowUnsafeMaxAge)",
            "ChromeDevTools devtools-protocol Network.pdl (blocked reason names)",
        ],
    },
    BrowserProfile {
        browser: Browser::Chrome3pcBlocked,
        id: "chrome-3pc-blocked",
        name: "Chrome (third-party cookies blocked: Incognito or user setting)",
        versions: "Chrome/Edge 120+ Incognito, or Settings → Third-party cookies → Block",
        lax_by_default: true,
        lax_allow_unsafe_max_age_secs: Some(120),
        schemeful_same_site: true,
        schemeful_reason_names: true,
        same_site_considers_redirect_chain: false,
        none_requires_secure: true,
        third_party: ThirdPartyPolicy::BlockUnpartitioned,
        partitioned_cookies: true,
        max_lifetime_days: Some(400),
        http_prefixes: true,
        localhost_is_secure: true,
        cookie_limits: CHROMIUM_LIMITS,
        response_header_limit: CHROMIUM_RESPONSE_HEADER_LIMIT,
        notes: &[
            "Incognito blocks third-party cookies by default; blocked cookies report UserPreferences",
            "Partitioned (CHIPS) cookies keep working, keyed by the top-level site",
        ],
        sources: &[
            "developers.google.com/privacy-sandbox/3pcd/prepare/debug",
            "privacycg/CHIPS explainer",
        ],
    },
    BrowserProfile {
        browser: Browser::Firefox,
        id: "firefox",
        name: "Firefox (Total Cookie Protection)",
        versions: "Firefox 141+ (TCP default since 103; SameSite=None needs Secure since 131; CHIPS since 141)",
        lax_by_default: false,
        lax_allow_unsafe_max_age_secs: None,
        schemeful_same_site: false,
        schemeful_reason_names: false,
        same_site_considers_redirect_chain: true,
        none_requires_secure: true,
        third_party: ThirdPartyPolicy::PartitionAll,
        partitioned_cookies: true,
        max_lifetime_days: Some(400),
        http_prefixes: true,
        localhost_is_secure: true,
        cookie_limits: FIREFOX_LIMITS,
        response_header_limit: FIREFOX_RESPONSE_HEADER_LIMIT,
        notes: &[
            "no Lax-by-default: cookies without SameSite behave like None",
            "third-party cookies live in a jar keyed by the top-level site (Total Cookie Protection)",
            "schemeful same-site only behind network.cookie.sameSite.schemeful",
        ],
        sources: &[
            "MDN State Partitioning guide",
            "MDN browser-compat-data http/headers/Set-Cookie.json",
        ],
    },
    BrowserProfile {
        browser: Browser::Safari,
        id: "safari",
        name: "Safari (Intelligent Tracking Prevention)",
        versions: "Safari 26.2+ (full third-party cookie blocking since 13.1; CHIPS since 26.2)",
        lax_by_default: false,
        lax_allow_unsafe_max_age_secs: None,
        schemeful_same_site: false,
        schemeful_reason_names: false,
        same_site_considers_redirect_chain: false,
        none_requires_secure: false,
        third_party: ThirdPartyPolicy::BlockUnpartitionedItp,
        partitioned_cookies: true,
        max_lifetime_days: None,
        http_prefixes: false,
        localhost_is_secure: false,
        cookie_limits: SAFARI_LIMITS,
        response_header_limit: SAFARI_RESPONSE_HEADER_LIMIT,
        notes: &[
            "cookies of cross-site resources are neither sent nor accepted (ITP), except Partitioned on 26.2+",
            "SameSite=None without Secure is accepted; no Lax-by-default; no schemeful same-site",
            "Secure cookies are not sent to http://localhost (webkit.org/b/281149)",
        ],
        sources: &[
            "webkit.org/blog/10218 (Full Third-Party Cookie Blocking)",
            "MDN browser-compat-data http/headers/Set-Cookie.json",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_lists() {
        assert_eq!(Browser::parse_list(["chrome,firefox", "chrome"]), Ok(vec![Browser::Chrome, Browser::Firefox]));
        assert_eq!(Browser::parse_list([]).unwrap().len(), 4);
        assert_eq!(Browser::parse_list(["safari", "all"]).unwrap()[0], Browser::Safari);
        assert!(Browser::parse_list(["netscape"]).unwrap_err().contains("netscape"));
    }

    #[test]
    fn every_browser_has_its_own_row() {
        for b in Browser::ALL {
            assert_eq!(b.profile().browser, *b);
            assert_eq!(Browser::parse(b.as_str()), Some(*b));
        }
    }
}
