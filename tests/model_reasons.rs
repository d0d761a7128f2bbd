//! Every exclusion reason and the main warnings, each produced by a real scenario through the public
//! API. The last test checks that no reason name is left without a scenario.

use crossjar::model::jar::{CookieJar, SetOutcome};
use crossjar::model::profile::{Browser, ThirdPartyPolicy};
use crossjar::model::reason::{Exclusion, Warning};
use crossjar::model::request::{CredentialsMode, RequestContext, RequestKind};
use crossjar::model::site::Origin;
use crossjar::model::time::Timestamp;
use std::collections::BTreeSet;
use std::sync::Mutex;
use url::Url;

static SEEN: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

const NOW: Timestamp = Timestamp::from_unix_secs(1_780_000_000);

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn origin(s: &str) -> Option<Origin> {
    Some(Origin::parse(s).unwrap())
}

/// A credentialed cross-site fetch from kontext.build to the bundler.
fn cross_site_fetch(method: &str, target: &str) -> RequestContext {
    RequestContext::new(RequestKind::Fetch, method, url(target), origin("https://kontext.build"), NOW)
        .with_credentials(CredentialsMode::Include)
}

/// A same-site top-level navigation to `target`.
fn navigation(target: &str) -> RequestContext {
    RequestContext::new(RequestKind::Navigation, "GET", url(target), None, NOW)
}

fn record(outcome: &SetOutcome) {
    let mut seen = SEEN.lock().unwrap();
    for r in outcome.status.exclusions() {
        seen.insert(r.as_str());
    }
}

fn set(browser: Browser, line: &str, ctx: &RequestContext) -> SetOutcome {
    let outcome = CookieJar::new(browser).set_from_response(line, ctx);
    record(&outcome);
    outcome
}

fn expect_store_blocked(browser: Browser, line: &str, ctx: &RequestContext, reason: Exclusion) {
    let outcome = set(browser, line, ctx);
    assert!(!outcome.stored, "{browser}: `{line}` should not be stored");
    assert!(outcome.status.has(reason), "{browser}: `{line}` expected {reason}, got {:?}", outcome.status);
}

fn expect_send_blocked(jar: &CookieJar, ctx: &RequestContext, name: &str, reason: Exclusion) {
    let r = jar.retrieve(ctx);
    assert!(r.included.iter().all(|a| a.cookie.name != name), "{name} should be withheld");
    let access = r.excluded.iter().find(|a| a.cookie.name == name).expect("withheld cookie is listed");
    assert!(access.status.has(reason), "expected {reason}, got {:?}", access.status);
    SEEN.lock().unwrap().extend(access.status.exclusions().iter().map(|r| r.as_str()));
}

#[test]
fn parse_failures() {
    let ctx = navigation("https://a.example/");
    expect_store_blocked(Browser::Chrome, "a=b\u{1}", &ctx, Exclusion::DisallowedCharacter);
    expect_store_blocked(
        Browser::Chrome,
        &format!("a={}", "x".repeat(4096)),
        &ctx,
        Exclusion::NameValuePairExceedsMaxSize,
    );
    expect_store_blocked(Browser::Chrome, " ; Path=/", &ctx, Exclusion::NoCookieContent);
    let ftp = RequestContext::new(RequestKind::Navigation, "GET", url("ftp://a.example/x"), None, NOW);
    expect_store_blocked(Browser::Chrome, "a=1", &ftp, Exclusion::SchemeNotSupported);
}

#[test]
fn credentials_and_preflights() {
    let fetch = cross_site_fetch("POST", "https://jsbundler.coinnation.io/kontext/preview")
        .with_credentials(CredentialsMode::SameOrigin);
    for &b in Browser::ALL {
        expect_store_blocked(b, "route=1; Path=/; SameSite=None; Secure", &fetch, Exclusion::CredentialsNotIncluded);
    }
    let mut preflight = fetch.clone();
    preflight.kind = RequestKind::Preflight;
    preflight.method = "OPTIONS".into();
    expect_store_blocked(
        Browser::Chrome,
        "route=1; SameSite=None; Secure",
        &preflight,
        Exclusion::PreflightNeverCredentialed,
    );

    // Stored with credentials, then withheld from a default-mode fetch and from the preflight.
    let mut jar = CookieJar::new(Browser::Chrome);
    let include = fetch.clone().with_credentials(CredentialsMode::Include);
    assert!(jar.set_from_response("route=1; Path=/; SameSite=None; Secure", &include).stored);
    expect_send_blocked(&jar, &fetch, "route", Exclusion::CredentialsNotIncluded);
    expect_send_blocked(&jar, &preflight, "route", Exclusion::PreflightNeverCredentialed);
    assert_eq!(jar.retrieve(&include).cookie_header().as_deref(), Some("route=1"));
}

#[test]
fn same_origin_default_mode_does_send() {
    let page = origin("https://app.example");
    let mut jar = CookieJar::new(Browser::Chrome);
    let ctx = RequestContext::new(RequestKind::Fetch, "GET", url("https://app.example/api"), page.clone(), NOW);
    assert_eq!(ctx.credentials, CredentialsMode::SameOrigin);
    assert!(jar.set_from_response("sid=1", &ctx).stored);
    assert_eq!(jar.retrieve(&ctx).cookie_header().as_deref(), Some("sid=1"));
    // Same-site but cross-origin: the default mode sends nothing.
    let api = RequestContext::new(RequestKind::Fetch, "GET", url("https://api.app.example/x"), page, NOW);
    let outcome = jar.set_from_response("other=1", &api);
    assert!(outcome.status.has(Exclusion::CredentialsNotIncluded));
}

#[test]
fn secure_domain_path_and_prefixes() {
    let http = navigation("http://a.example/dir/page");
    expect_store_blocked(Browser::Chrome, "s=1; Secure", &http, Exclusion::SecureOnly);
    expect_store_blocked(Browser::Chrome, "d=1; Domain=other.example", &http, Exclusion::InvalidDomain);
    expect_store_blocked(Browser::Chrome, "d=1; Domain=example", &http, Exclusion::InvalidDomain);
    expect_store_blocked(Browser::Chrome, "d=1; Domain=bücher.example", &http, Exclusion::DomainNonAscii);
    let https = navigation("https://a.example/");
    expect_store_blocked(Browser::Chrome, "__Secure-x=1", &https, Exclusion::InvalidPrefix);
    expect_store_blocked(
        Browser::Chrome,
        "__Host-x=1; Secure; Path=/; Domain=a.example",
        &https,
        Exclusion::InvalidPrefix,
    );
    expect_store_blocked(Browser::Chrome, "__Host-x=1; Secure", &https, Exclusion::InvalidPrefix);
    expect_store_blocked(Browser::Chrome, "__Http-x=1; Secure", &https, Exclusion::InvalidPrefix);
    assert!(set(Browser::Safari, "__Http-x=1; Secure", &https).stored, "Safari does not enforce __Http-");
    assert!(set(Browser::Chrome, "__Host-x=1; Secure; Path=/", &https).stored);
    expect_store_blocked(Browser::Chrome, "p=1; Partitioned", &https, Exclusion::InvalidPartitioned);

    let mut jar = CookieJar::new(Browser::Chrome);
    assert!(jar.set_from_response("s=1; Secure; Path=/", &navigation("https://a.example/")).stored);
    assert!(jar.set_from_response("p=1; Path=/dir", &navigation("https://a.example/")).stored);
    assert!(jar.set_from_response("h=1", &navigation("https://www.a.example/")).stored);
    let outcome = jar.set_from_response("s=2; Path=/", &navigation("http://a.example/"));
    record(&outcome);
    assert!(outcome.status.has(Exclusion::OverwriteSecure));
    let plain = navigation("http://a.example/other");
    expect_send_blocked(&jar, &plain, "s", Exclusion::SecureOnly);
    expect_send_blocked(&jar, &plain, "p", Exclusion::NotOnPath);
    expect_send_blocked(&jar, &plain, "h", Exclusion::DomainMismatch);
}

/// Chrome before schemeful reason naming: the plain DevTools names (a custom profile; the table's
/// Chrome rows use the `Schemeful…` names, as Chromium 156 reports them).
fn plain_named_chrome() -> CookieJar {
    let mut p = Browser::Chrome.profile().clone();
    p.schemeful_reason_names = false;
    CookieJar::with_profile(p)
}

#[test]
fn same_site_on_store_and_send() {
    let fetch = cross_site_fetch("GET", "https://jsbundler.coinnation.io/x");
    // Chromium 156 names every SameSite exclusion `Schemeful…` (recorded), https to https included.
    expect_store_blocked(Browser::Chrome, "a=1; SameSite=Strict; Secure", &fetch, Exclusion::SchemefulSameSiteStrict);
    expect_store_blocked(Browser::Chrome, "a=1; SameSite=Lax; Secure", &fetch, Exclusion::SchemefulSameSiteLax);
    expect_store_blocked(Browser::Chrome, "a=1; Secure", &fetch, Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax);
    expect_store_blocked(Browser::Chrome, "a=1; SameSite=None", &fetch, Exclusion::SameSiteNoneInsecure);
    expect_store_blocked(Browser::Firefox, "a=1; SameSite=Lax", &fetch, Exclusion::SameSiteLax);
    expect_store_blocked(Browser::Firefox, "a=1; SameSite=Strict", &fetch, Exclusion::SameSiteStrict);
    assert!(set(Browser::Firefox, "a=1; Secure", &fetch).stored, "Firefox has no Lax-by-default");
    let outcome = plain_named_chrome().set_from_response("a=1; Secure", &fetch);
    record(&outcome);
    assert!(outcome.status.has(Exclusion::SameSiteUnspecifiedTreatedAsLax));

    // Schemeful: an http page of the same registrable domain is cross-site for Chrome only; the
    // plain-named Chrome uses the Schemeful name exactly there.
    let downgrade = RequestContext::new(
        RequestKind::Fetch,
        "GET",
        url("https://api.example.com/x"),
        origin("http://www.example.com"),
        NOW,
    )
    .with_credentials(CredentialsMode::Include);
    let outcome = plain_named_chrome().set_from_response("a=1; SameSite=Strict", &downgrade);
    assert!(outcome.status.has(Exclusion::SchemefulSameSiteStrict), "{:?}", outcome.status);
    let outcome = plain_named_chrome().set_from_response("a=1; SameSite=Strict", &fetch);
    assert!(outcome.status.has(Exclusion::SameSiteStrict), "{:?}", outcome.status);
    expect_store_blocked(Browser::Chrome, "a=1; SameSite=Lax", &downgrade, Exclusion::SchemefulSameSiteLax);
    expect_store_blocked(Browser::Chrome, "a=1", &downgrade, Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax);
    assert!(set(Browser::Firefox, "a=1; SameSite=Strict", &downgrade).stored);

    // Sending: cookies set by a first-party visit, then a cross-site fetch.
    let mut jar = CookieJar::new(Browser::Chrome);
    for line in
        ["st=1; SameSite=Strict; Secure", "lx=1; SameSite=Lax; Secure", "un=1; Secure", "no=1; SameSite=None; Secure"]
    {
        assert!(jar.set_from_response(line, &navigation("https://jsbundler.coinnation.io/")).stored);
    }
    let later = RequestContext { time: NOW.plus_secs(600), ..fetch.clone() };
    expect_send_blocked(&jar, &later, "st", Exclusion::SchemefulSameSiteStrict);
    expect_send_blocked(&jar, &later, "lx", Exclusion::SchemefulSameSiteLax);
    expect_send_blocked(&jar, &later, "un", Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax);
    assert_eq!(jar.retrieve(&later).cookie_header().as_deref(), Some("no=1"));

    // A cross-site top-level GET navigation carries Lax and unspecified cookies, not Strict.
    let nav = RequestContext::new(
        RequestKind::Navigation,
        "GET",
        url("https://jsbundler.coinnation.io/"),
        origin("https://kontext.build"),
        NOW.plus_secs(600),
    );
    let r = jar.retrieve(&nav);
    let sent: Vec<_> = r.included.iter().map(|a| a.cookie.name.as_str()).collect();
    assert_eq!(sent, vec!["lx", "un", "no"]);
    expect_send_blocked(&jar, &nav, "st", Exclusion::SchemefulSameSiteStrict);

    // A cross-site top-level POST: unspecified cookies go only while younger than 2 minutes.
    let post = RequestContext { method: "POST".into(), time: NOW.plus_secs(60), ..nav.clone() };
    let r = jar.retrieve(&post);
    let young = r.included.iter().find(|a| a.cookie.name == "un").expect("young cookie is sent");
    assert!(young.status.has_warning(Warning::WarnSameSiteUnspecifiedLaxAllowUnsafe));
    let old = RequestContext { time: NOW.plus_secs(121), ..post };
    expect_send_blocked(&jar, &old, "un", Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax);
    expect_send_blocked(&jar, &old, "lx", Exclusion::SchemefulSameSiteLax);

    // A cross-site hop in a redirect chain does not change the context (recorded Chromium 156), only
    // warns.
    let back = RequestContext::new(
        RequestKind::Subresource,
        "GET",
        url("https://jsbundler.coinnation.io/px"),
        origin("https://jsbundler.coinnation.io"),
        NOW.plus_secs(600),
    )
    .with_redirect_chain(vec![url("https://kontext.build/r")]);
    let r = jar.retrieve(&back);
    let strict = r.included.iter().find(|a| a.cookie.name == "st").expect("Strict cookie still sent");
    assert!(strict.status.has_warning(Warning::WarnCrossSiteRedirectDowngradeChangesInclusion));
}

#[test]
fn third_party_policies_and_partitions() {
    let fetch = cross_site_fetch("POST", "https://jsbundler.coinnation.io/kontext/preview");
    let line = "route=1; Path=/; SameSite=None; Secure";
    expect_store_blocked(Browser::Chrome3pcBlocked, line, &fetch, Exclusion::UserPreferences);
    expect_store_blocked(Browser::Safari, line, &fetch, Exclusion::ThirdPartyBlockedByItp);
    let mut phaseout = Browser::Chrome3pcBlocked.profile().clone();
    phaseout.third_party = ThirdPartyPolicy::BlockUnpartitionedPhaseout;
    let outcome = CookieJar::with_profile(phaseout).set_from_response(line, &fetch);
    record(&outcome);
    assert!(outcome.status.has(Exclusion::ThirdPartyPhaseout));

    // Partitioned cookies survive third-party blocking, keyed by the top-level site.
    for b in [Browser::Chrome3pcBlocked, Browser::Safari, Browser::Firefox] {
        let mut jar = CookieJar::new(b);
        let outcome = jar.set_from_response("route=1; Path=/; SameSite=None; Secure; Partitioned", &fetch);
        assert!(outcome.stored, "{b}");
        assert_eq!(outcome.partition.as_ref().map(|s| s.to_string()).as_deref(), Some("https://kontext.build"));
        assert!(jar.retrieve(&fetch).cookie_header().is_some());
        let elsewhere = RequestContext::new(
            RequestKind::Fetch,
            "POST",
            url("https://jsbundler.coinnation.io/kontext/preview"),
            origin("https://other.example"),
            NOW,
        )
        .with_credentials(CredentialsMode::Include);
        expect_send_blocked(&jar, &elsewhere, "route", Exclusion::CookieInOtherPartition);
    }

    // Firefox partitions unpartitioned third-party cookies; its first-party cookies stay out of them.
    let mut firefox = CookieJar::new(Browser::Firefox);
    assert!(
        firefox
            .set_from_response("fp=1; SameSite=None; Secure", &navigation("https://jsbundler.coinnation.io/"))
            .stored
    );
    let outcome = firefox.set_from_response("route=1; Path=/", &fetch);
    assert!(outcome.stored);
    assert!(outcome.status.has_warning(Warning::Partitioned));
    expect_send_blocked(&firefox, &fetch, "fp", Exclusion::CookieInOtherPartition);

    // Chrome 3PC blocked withholds a first-party cookie in a third-party context.
    let mut blocked = CookieJar::new(Browser::Chrome3pcBlocked);
    assert!(
        blocked
            .set_from_response("fp=1; SameSite=None; Secure", &navigation("https://jsbundler.coinnation.io/"))
            .stored
    );
    expect_send_blocked(&blocked, &fetch, "fp", Exclusion::UserPreferences);
    let mut safari = CookieJar::new(Browser::Safari);
    assert!(
        safari.set_from_response("fp=1; SameSite=None; Secure", &navigation("https://jsbundler.coinnation.io/")).stored
    );
    expect_send_blocked(&safari, &fetch, "fp", Exclusion::ThirdPartyBlockedByItp);
}

#[test]
fn script_cannot_touch_http_only() {
    let page = url("https://a.example/");
    let mut jar = CookieJar::new(Browser::Chrome);
    let outcome = jar.set_from_script("h=1; HttpOnly", &page, None, NOW);
    record(&outcome);
    assert!(outcome.status.has(Exclusion::HttpOnlyFromScript));
    assert!(jar.set_from_response("h=1; HttpOnly", &navigation("https://a.example/")).stored);
    let outcome = jar.set_from_script("h=2", &page, None, NOW);
    record(&outcome);
    assert!(outcome.status.has(Exclusion::HttpOnlyFromScript));
    assert!(jar.set_from_script("v=1", &page, None, NOW).stored);
    assert_eq!(jar.script_cookie_string(&page, None, NOW), "v=1");
}

#[test]
fn expiry_deletion_and_the_400_day_cap() {
    let ctx = navigation("https://a.example/");
    let mut jar = CookieJar::new(Browser::Chrome);
    let outcome = jar.set_from_response("a=1; Max-Age=100000000", &ctx);
    assert!(outcome.status.has_warning(Warning::ExpiryCapped));
    let stored = jar.cookies().next().unwrap().expires.unwrap();
    assert_eq!(stored, NOW.plus_secs(400 * 86_400));
    let outcome = jar.set_from_response("a=1; Max-Age=0", &ctx);
    assert!(outcome.deleted && !outcome.stored);
    assert_eq!(jar.cookies().count(), 0);
    // Max-Age beats Expires whatever the order.
    let outcome = jar.set_from_response("b=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", &ctx);
    assert!(outcome.stored);
    assert!(jar.retrieve(&RequestContext { time: NOW.plus_secs(59), ..ctx.clone() }).cookie_header().is_some());
    assert!(jar.retrieve(&RequestContext { time: NOW.plus_secs(61), ..ctx }).cookie_header().is_none());
}

#[test]
fn send_order_is_longer_path_then_earlier_creation() {
    let mut jar = CookieJar::new(Browser::Chrome);
    let at = |secs| {
        RequestContext::new(RequestKind::Navigation, "GET", url("https://a.example/a/b/c"), None, NOW.plus_secs(secs))
    };
    assert!(jar.set_from_response("x=1; Path=/", &at(0)).stored);
    assert!(jar.set_from_response("y=1; Path=/a/b", &at(1)).stored);
    assert!(jar.set_from_response("z=1; Path=/", &at(2)).stored);
    assert!(jar.set_from_response("w=1; Path=/a", &at(3)).stored);
    assert_eq!(jar.retrieve(&at(4)).cookie_header().as_deref(), Some("y=1; w=1; x=1; z=1"));
}

/// Runs last by name order is not guaranteed, so it replays the scenarios itself.
#[test]
fn zz_every_exclusion_reason_has_a_scenario() {
    parse_failures();
    credentials_and_preflights();
    secure_domain_path_and_prefixes();
    same_site_on_store_and_send();
    third_party_policies_and_partitions();
    script_cannot_touch_http_only();
    let seen = SEEN.lock().unwrap().clone();
    let missing: Vec<&str> = Exclusion::ALL.iter().map(|r| r.as_str()).filter(|n| !seen.contains(n)).collect();
    assert!(missing.is_empty(), "reasons no scenario produces: {missing:?}");
}

/// The jar keeps cookies by site; a host-only cookie on a public suffix (its own bucket) is still
/// related to requests to hosts under it, and every verdict lists cookies in jar (creation) order.
#[test]
fn cookies_of_a_public_suffix_host_are_related_to_hosts_under_it() {
    let mut jar = CookieJar::new(Browser::Firefox);
    assert!(jar.set_from_response("suffix=1; Path=/", &navigation("https://github.io/")).stored);
    assert!(jar.set_from_response("own=1; Path=/", &navigation("https://user.github.io/")).stored);
    assert!(jar.set_from_response("late=1; Path=/", &navigation("https://github.io/")).stored);
    assert!(jar.set_from_response("other=1; Path=/", &navigation("https://example.com/")).stored);
    let r = jar.retrieve(&navigation("https://user.github.io/"));
    let included: Vec<&str> = r.included.iter().map(|a| a.cookie.name.as_str()).collect();
    assert_eq!(included, ["own"]);
    let excluded: Vec<&str> = r.excluded.iter().map(|a| a.cookie.name.as_str()).collect();
    assert_eq!(excluded, ["suffix", "late"], "both host-only cookies of github.io, in creation order");
    assert!(r.excluded.iter().all(|a| a.status.has(Exclusion::DomainMismatch)));
    let all: Vec<&str> = jar.cookies().map(|c| c.name.as_str()).collect();
    assert_eq!(all, ["suffix", "own", "late", "other"]);
}

/// Browser cookie limits (Chromium `CookieMonster`: 180 per eTLD+1 purging to 150, 3300 in all purging
/// to 3000; Firefox: 180 per base domain, 3000 in all): a capture of many distinct cookies keeps the
/// jar bounded, and eviction takes non-`Secure` cookies before `Secure` ones, oldest first.
#[test]
fn cookie_limits_bound_the_jar_and_evict_non_secure_oldest_first() {
    use crossjar::model::jar::CookieJar;
    use crossjar::model::profile::Browser;
    use crossjar::model::request::{RequestContext, RequestKind};
    use crossjar::model::time::Timestamp;
    let url = url::Url::parse("https://app.example.com/").unwrap();
    let ctx =
        |t: i64| RequestContext::new(RequestKind::Navigation, "GET", url.clone(), None, Timestamp::from_unix_secs(t));
    let mut chrome = CookieJar::new(Browser::Chrome);
    // Ten Secure cookies first (the oldest), then non-Secure ones.
    for i in 0..10 {
        chrome.set_from_response(&format!("s{i}=v; Secure"), &ctx(1_000 + i));
    }
    for i in 0..20_000 {
        chrome.set_from_response(&format!("c{i}=v"), &ctx(2_000 + i));
    }
    let n = chrome.cookies().count();
    assert!((150..=180).contains(&n), "chrome keeps {n}");
    assert_eq!(chrome.cookies().filter(|c| c.secure).count(), 10, "Secure cookies outlive older non-Secure ones");
    assert!(chrome.cookies().any(|c| c.name == "c19999"), "the newest cookie stays");
    assert!(!chrome.cookies().any(|c| c.name == "c0"), "the oldest non-Secure cookie went");

    let mut firefox = CookieJar::new(Browser::Firefox);
    for i in 0..500 {
        firefox.set_from_response(&format!("c{i}=v"), &ctx(2_000 + i));
    }
    assert_eq!(firefox.cookies().count(), 180);

    // The total limit across sites.
    let mut many = CookieJar::new(Browser::Chrome);
    for site in 0..40 {
        let u = url::Url::parse(&format!("https://s{site}.example/")).unwrap();
        for i in 0..100 {
            let c = RequestContext::new(
                RequestKind::Navigation,
                "GET",
                u.clone(),
                None,
                Timestamp::from_unix_secs(5_000 + site * 100 + i),
            );
            many.set_from_response(&format!("c{i}=v"), &c);
        }
    }
    let total = many.cookies().count();
    assert!((3000..=3300).contains(&total), "chrome keeps {total} in all");
}
