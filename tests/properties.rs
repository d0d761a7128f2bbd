//! Properties of the model (issue #9), checked with proptest over generated inputs: the `Set-Cookie`
//! round trip, the domain- and path-match laws of RFC 6265bis §5.1.3–§5.1.4, the jar's consistency
//! (never stored and excluded at once; deterministic replays; retrieval order as browsers define it),
//! and the RFC 3339 round trip of timestamps.

use crossjar::model::cookie::StoredCookie;
use crossjar::model::cookie::{default_path, domain_match, path_match};
use crossjar::model::jar::{CookieJar, ParsedSetCookie, RequestFacts, Retrieval, SetOutcome};
use crossjar::model::profile::Browser;
use crossjar::model::reason::InclusionStatus;
use crossjar::model::request::{CredentialsMode, RequestContext, RequestKind};
use crossjar::model::set_cookie::{parse_set_cookie, SetCookie};
use crossjar::model::site::Origin;
use crossjar::model::time::Timestamp;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use url::Url;

// ---------------------------------------------------------------------------------------------
// Set-Cookie: parse → Display → parse.

const ATTRIBUTES: &[&str] = &[
    "Path=/",
    "Path=/a/b",
    "path=",
    "Path=rel",
    "Domain=example.com",
    "Domain=.Example.COM",
    "Domain=.",
    "Domain=..x",
    "Domain=. spaced",
    "Domain=",
    "Secure",
    "HttpOnly",
    "SameSite=None",
    "samesite=lax",
    "SameSite=Strict",
    "SameSite=bogus",
    "SameSite=",
    "Partitioned",
    "Max-Age=0",
    "Max-Age=-5",
    "Max-Age=99999999999999999999999",
    "Max-Age=1e3",
    "Expires=Wed, 21 Oct 2015 07:28:00 GMT",
    "expires=Sun, 06-Nov-94 08:49:37 GMT",
    "Expires=not a date",
    "Unknown=1",
];

/// A `Set-Cookie` line: a name-value pair (possibly nameless, possibly with `=` or quotes in the
/// value), then attributes from the pool and free text, with odd spacing.
fn set_cookie_line() -> impl Strategy<Value = String> {
    let pair = prop_oneof![
        ("[A-Za-z0-9_!#$%&'*+.^`|~-]{1,8}", "[ -:<-~]{0,12}").prop_map(|(n, v)| format!("{n}={v}")),
        "[ -:<-~]{1,12}",
        "=[ -:<-~]{0,12}",
    ];
    let attr = prop_oneof![4 => select(ATTRIBUTES).prop_map(str::to_string), 1 => "[ -:<-~]{0,16}"];
    (pair, prop::collection::vec((attr, "[ \t]{0,2}"), 0..8)).prop_map(|(pair, attrs)| {
        let mut line = pair;
        for (a, ws) in attrs {
            line.push(';');
            line.push_str(&ws);
            line.push_str(&a);
        }
        line
    })
}

fn without_ignored(mut c: SetCookie) -> SetCookie {
    c.ignored.clear();
    c
}

proptest! {
    #[test]
    fn set_cookie_parse_display_parse_is_stable(line in set_cookie_line()) {
        if let Ok(c) = parse_set_cookie(&line) {
            let written = c.to_string();
            let again = parse_set_cookie(&written);
            prop_assert!(again.is_ok(), "{written:?} does not parse: {again:?}");
            let again = again.unwrap();
            // What took effect survives; ignored attributes are not written back.
            prop_assert_eq!(without_ignored(again.clone()), without_ignored(c), "written as {:?}", written);
            // And writing is a fixed point.
            prop_assert_eq!(again.to_string(), written);
        }
    }

    #[test]
    fn set_cookie_parse_never_panics_on_any_text(line in "\\PC{0,64}|[\\x00-\\x7f]{0,64}") {
        let _ = parse_set_cookie(&line);
    }
}

// ---------------------------------------------------------------------------------------------
// Domain-match and path-match laws.

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?"
}

fn domain() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..4).prop_map(|l| l.join("."))
}

fn ipv4() -> impl Strategy<Value = String> {
    any::<[u8; 4]>().prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]))
}

fn request_path() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z0-9._%-]{0,5}", 0..5).prop_map(|s| format!("/{}", s.join("/")))
}

proptest! {
    #[test]
    fn a_domain_matches_itself_and_its_subdomains(d in domain(), sub in label()) {
        let subdomain = format!("{sub}.{d}");
        // `0.0.0.0` is an IPv4 literal, not a subdomain: IP hosts only match themselves (tested below).
        prop_assume!(subdomain.parse::<std::net::Ipv4Addr>().is_err());
        prop_assert!(domain_match(&d, &d));
        prop_assert!(domain_match(&subdomain, &d));
        // Never the other way round: a cookie for a subdomain is not sent to the parent.
        prop_assert!(!domain_match(&d, &subdomain));
    }

    #[test]
    fn a_domain_never_matches_a_sibling(parent in domain(), a in label(), b in label()) {
        prop_assume!(a != b);
        let (host, sibling, glued) = (format!("{a}.{parent}"), format!("{b}.{parent}"), format!("{a}{parent}"));
        prop_assert!(!domain_match(&host, &sibling));
        // Nor a host that merely ends with the same characters (`evilexample.com` vs `example.com`).
        prop_assert!(!domain_match(&glued, &parent));
    }

    #[test]
    fn ip_literals_only_match_themselves(ip in ipv4(), other in ipv4(), d in domain()) {
        prop_assert!(domain_match(&ip, &ip));
        // No suffix of an IP address is a domain of it (`1.2.3.4` is not in `2.3.4`).
        for (i, _) in ip.match_indices('.') {
            prop_assert!(!domain_match(&ip, &ip[i + 1..]), "{ip} matched {}", &ip[i + 1..]);
        }
        prop_assert_eq!(domain_match(&ip, &other), ip == other);
        prop_assert!(!domain_match(&ip, &d) || ip == d);
        for v6 in ["[::1]", "[2001:db8::1]"] {
            prop_assert!(domain_match(v6, v6));
            prop_assert!(!domain_match(v6, "1]") && !domain_match(v6, &d));
        }
    }

    #[test]
    fn path_match_laws(p in request_path(), extra in "[a-z0-9]{1,3}") {
        prop_assert!(path_match(&p, &p), "reflexive");
        prop_assert!(path_match(&p, default_path(&p)), "{p} vs its default path {}", default_path(&p));
        prop_assert!(path_match(&p, "/"), "every path is under /");
        // A cookie path longer than the request path never matches.
        let longer = format!("{p}{extra}");
        prop_assert!(!path_match(&p, &longer));
        // A prefix that does not end at a `/` boundary does not match (`/ab` is not under `/a`).
        prop_assert!(!path_match(&longer, &p) || p.ends_with('/'));
        // The default path is a prefix of the path and is itself absolute.
        let dp = default_path(&p);
        prop_assert!(dp.starts_with('/') && p.starts_with(dp));
    }
}

// ---------------------------------------------------------------------------------------------
// The jar.

const HOSTS: &[&str] = &[
    "example.com",
    "www.example.com",
    "api.example.com",
    "example.org",
    "127.0.0.1",
    "github.io",
    "user.github.io",
    "a.user.github.io",
];
const PATHS: &[&str] = &["/", "/a", "/a/", "/a/b", "/ab", "/a/b/c"];
const KINDS: &[RequestKind] = &[
    RequestKind::Navigation,
    RequestKind::Iframe,
    RequestKind::Subresource,
    RequestKind::Fetch,
    RequestKind::Xhr,
    RequestKind::WebSocket,
    RequestKind::Preflight,
    RequestKind::Unknown,
];

/// One request with the `Set-Cookie` lines of its response.
#[derive(Clone, Debug)]
struct Step {
    https: bool,
    host: Index,
    path: Index,
    kind: Index,
    post: bool,
    credentials: Option<Index>,
    initiator: Option<(bool, Index)>,
    advance_secs: u16,
    set_cookies: Vec<String>,
}

fn step() -> impl Strategy<Value = Step> {
    (
        any::<bool>(),
        any::<Index>(),
        any::<Index>(),
        any::<Index>(),
        any::<bool>(),
        any::<Option<Index>>(),
        any::<Option<(bool, Index)>>(),
        0u16..400,
        prop::collection::vec(set_cookie_line(), 0..3),
    )
        .prop_map(|(https, host, path, kind, post, credentials, initiator, advance_secs, set_cookies)| Step {
            https,
            host,
            path,
            kind,
            post,
            credentials,
            initiator,
            advance_secs,
            set_cookies,
        })
}

fn context(s: &Step, time: Timestamp) -> RequestContext {
    let scheme = if s.https { "https" } else { "http" };
    let url = Url::parse(&format!("{scheme}://{}{}", s.host.get(HOSTS), s.path.get(PATHS))).unwrap();
    let initiator = s.initiator.as_ref().map(|(https, h)| {
        Origin::parse(&format!("{}://{}", if *https { "https" } else { "http" }, h.get(HOSTS))).unwrap()
    });
    let mut ctx = RequestContext::new(*s.kind.get(KINDS), if s.post { "POST" } else { "GET" }, url, initiator, time);
    if let Some(c) = &s.credentials {
        ctx = ctx.with_credentials(*c.get(&[
            CredentialsMode::Omit,
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
        ]));
    }
    ctx
}

/// A retrieval copied out of the jar, to keep while the jar changes.
#[derive(Debug, PartialEq)]
struct Kept {
    included: Vec<Access>,
    excluded: Vec<Access>,
}

#[derive(Debug, PartialEq)]
struct Access {
    cookie: StoredCookie,
    status: InclusionStatus,
}

impl Kept {
    fn of(r: &Retrieval<'_>) -> Self {
        let copy = |v: &[crossjar::model::jar::CookieAccess<'_>]| {
            v.iter().map(|a| Access { cookie: a.cookie.clone(), status: a.status }).collect()
        };
        Kept { included: copy(&r.included), excluded: copy(&r.excluded) }
    }
}

/// Replays the steps into a fresh jar: per step the retrieval, then every `Set-Cookie` outcome.
fn replay(browser: Browser, steps: &[Step]) -> Vec<(Kept, Vec<SetOutcome>)> {
    let mut jar = CookieJar::new(browser);
    let mut time = Timestamp::from_unix_secs(1_780_000_000);
    steps
        .iter()
        .map(|s| {
            time = time.plus_secs(i64::from(s.advance_secs));
            let ctx = context(s, time);
            let r = Kept::of(&jar.retrieve(&ctx));
            let outs = s.set_cookies.iter().map(|l| jar.set_from_response(l, &ctx)).collect();
            (r, outs)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_cookie_is_never_both_stored_and_excluded(steps in prop::collection::vec(step(), 1..8)) {
        for b in Browser::ALL {
            for (r, outs) in replay(*b, &steps) {
                for o in &outs {
                    prop_assert!(!o.stored || o.status.is_included(), "{b}: stored with {:?}", o.status.exclusions());
                    prop_assert!(o.stored || o.deleted || !o.status.is_included(), "{b}: neither stored nor excluded: {o:?}");
                }
                for a in &r.included {
                    prop_assert!(a.status.is_included(), "{b}: sent with {:?}", a.status.exclusions());
                }
                for a in &r.excluded {
                    prop_assert!(!a.status.is_included(), "{b}: withheld with no reason");
                    prop_assert!(!r.included.iter().any(|i| i.cookie == a.cookie), "{b}: both sent and withheld");
                }
            }
        }
    }

    #[test]
    fn the_same_sequence_replayed_twice_gives_the_same_verdicts(steps in prop::collection::vec(step(), 1..8)) {
        for b in Browser::ALL {
            prop_assert_eq!(replay(*b, &steps), replay(*b, &steps));
        }
    }

    /// A retrieval weighs every unexpired cookie in the jar that the request's host could relate to
    /// (its domain is the host or a parent of it, or in the host's site), however the jar files them.
    #[test]
    fn a_retrieval_weighs_every_related_cookie(steps in prop::collection::vec(step(), 1..8)) {
        use crossjar::model::site::registrable_domain;
        for b in Browser::ALL {
            let mut jar = CookieJar::new(*b);
            let mut time = Timestamp::from_unix_secs(1_780_000_000);
            for s in &steps {
                time = time.plus_secs(i64::from(s.advance_secs));
                let ctx = context(s, time);
                let host = s.host.get(HOSTS).to_string();
                let site = registrable_domain(&host).unwrap_or(&host).to_string();
                let mut expected: Vec<String> = jar
                    .cookies()
                    .filter(|c| !c.is_expired(time))
                    .filter(|c| {
                        registrable_domain(&c.domain).unwrap_or(&c.domain) == site
                            || c.domain == host
                            || domain_match(&host, &c.domain)
                    })
                    .map(|c| format!("{c:?}"))
                    .collect();
                let r = jar.retrieve(&ctx);
                let mut weighed: Vec<String> =
                    r.included.iter().chain(&r.excluded).map(|a| format!("{:?}", a.cookie)).collect();
                expected.sort();
                weighed.sort();
                prop_assert_eq!(weighed, expected, "{}: {}", b, host);
                for l in &s.set_cookies {
                    jar.set_from_response(l, &ctx);
                }
            }
        }
    }

    /// The replay's fast paths (buffers reused across retrievals, each line parsed once for every
    /// profile) decide exactly what the plain API does.
    #[test]
    fn reused_buffers_and_lines_parsed_once_decide_the_same(steps in prop::collection::vec(step(), 1..8)) {
        for b in Browser::ALL {
            let mut jar = CookieJar::new(*b);
            let mut time = Timestamp::from_unix_secs(1_780_000_000);
            let mut spare: Retrieval<'static> = Retrieval::default();
            let fast: Vec<(Kept, Vec<SetOutcome>)> = steps
                .iter()
                .map(|s| {
                    time = time.plus_secs(i64::from(s.advance_secs));
                    let ctx = context(s, time);
                    let facts = RequestFacts::of(&ctx);
                    let r = jar.retrieve_reusing(&ctx, &facts, std::mem::take(&mut spare));
                    let kept = Kept::of(&r);
                    spare = r.recycle();
                    let outs = s
                        .set_cookies
                        .iter()
                        .map(|l| {
                            let line = ParsedSetCookie::parse(l);
                            let decision = jar.set_parsed_from_response(&line, &ctx, &facts);
                            SetOutcome::of(line, decision)
                        })
                        .collect();
                    (kept, outs)
                })
                .collect();
            prop_assert_eq!(fast, replay(*b, &steps));
        }
    }
}

/// A recycled retrieval keeps its lists' room (the replay's reason to recycle at all).
#[test]
fn a_recycled_retrieval_keeps_its_room() {
    let mut jar = CookieJar::new(Browser::Chrome);
    let ctx = RequestContext::new(
        RequestKind::Navigation,
        "GET",
        Url::parse("https://a.example/").unwrap(),
        None,
        Timestamp::from_unix_secs(1_780_000_000),
    );
    for i in 0..10 {
        jar.set_from_response(&format!("c{i}=1"), &ctx);
    }
    let first = jar.retrieve(&ctx);
    assert_eq!(first.included.len(), 10);
    let spare: Retrieval<'static> = first.recycle();
    assert!(spare.included.is_empty() && spare.included.capacity() >= 10, "{}", spare.included.capacity());
}

/// Distinct cookies (name, path) set on `https://example.com/a/b/c` and read back from there.
fn cookie_set() -> impl Strategy<Value = Vec<(String, &'static str)>> {
    prop::collection::btree_set(("[a-e]", select(&["/", "/a", "/a/", "/a/b", "/a/b/c"][..])), 1..8)
        .prop_map(|s| s.into_iter().collect())
}

fn set_all(order: &[(String, &str, i64)]) -> Vec<(String, String)> {
    let mut jar = CookieJar::new(Browser::Chrome);
    let url = Url::parse("https://example.com/a/b/c").unwrap();
    let page = Origin::parse("https://example.com").ok();
    let base = Timestamp::from_unix_secs(1_780_000_000);
    for (name, path, at) in order {
        let ctx = RequestContext::new(RequestKind::Navigation, "GET", url.clone(), page.clone(), base.plus_secs(*at));
        let out = jar.set_from_response(&format!("{name}=v; Path={path}; Secure; SameSite=Lax"), &ctx);
        assert!(out.stored, "{name} {path}: {:?}", out.status);
    }
    let ctx = RequestContext::new(RequestKind::Navigation, "GET", url, page, base.plus_secs(1000));
    jar.retrieve(&ctx).included.iter().map(|a| (a.cookie.name.to_string(), a.cookie.path.to_string())).collect()
}

proptest! {
    #[test]
    fn retrieval_order_is_longer_path_then_earlier_creation(
        cookies in cookie_set(),
        seed in any::<u64>(),
    ) {
        // A permutation of the set (Fisher-Yates driven by the seed).
        let mut permuted: Vec<usize> = (0..cookies.len()).collect();
        let mut x = seed | 1;
        for i in (1..permuted.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            permuted.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let by_len = |v: &[(String, String)]| v.windows(2).all(|w| w[0].1.len() >= w[1].1.len());

        // Distinct creation times (cookie i created at second i), inserted in permuted order: the
        // retrieval is fully defined and does not depend on the insertion order.
        let timed: Vec<(String, &str, i64)> = cookies.iter().enumerate().map(|(i, (n, p))| (n.clone(), *p, i as i64)).collect();
        let timed_permuted: Vec<_> = permuted.iter().map(|&i| timed[i].clone()).collect();
        let a = set_all(&timed);
        let b = set_all(&timed_permuted);
        prop_assert_eq!(&a, &b);
        let mut expected: Vec<(usize, String, String)> =
            cookies.iter().enumerate().map(|(i, (n, p))| (i, n.clone(), p.to_string())).collect();
        expected.sort_by(|x, y| y.2.len().cmp(&x.2.len()).then(x.0.cmp(&y.0)));
        let expected: Vec<(String, String)> = expected.into_iter().map(|(_, n, p)| (n, p)).collect();
        prop_assert_eq!(&a, &expected);

        // The same creation time: the same cookies, longer paths first; among equal path lengths
        // the order of setting decides (browsers keep creation times strictly increasing).
        let same_time: Vec<(String, &str, i64)> = permuted.iter().map(|&i| (cookies[i].0.clone(), cookies[i].1, 0)).collect();
        let c = set_all(&same_time);
        prop_assert!(by_len(&c), "{c:?}");
        let mut sorted_a = a.clone();
        let mut sorted_c = c.clone();
        sorted_a.sort();
        sorted_c.sort();
        prop_assert_eq!(sorted_a, sorted_c);
        let mut expected_same: Vec<(usize, String, String)> =
            same_time.iter().enumerate().map(|(i, (n, p, _))| (i, n.clone(), p.to_string())).collect();
        expected_same.sort_by(|x, y| y.2.len().cmp(&x.2.len()).then(x.0.cmp(&y.0)));
        let expected_same: Vec<(String, String)> = expected_same.into_iter().map(|(_, n, p)| (n, p)).collect();
        prop_assert_eq!(c, expected_same);
    }
}

// ---------------------------------------------------------------------------------------------
// Time.

proptest! {
    #[test]
    fn rfc3339_round_trip(ms in -62_167_219_200_000i64..253_402_300_800_000) {
        // Years 0000 to 9999: the range RFC 3339 writes with four digits.
        let t = Timestamp(ms);
        prop_assert_eq!(Timestamp::parse_rfc3339(&t.to_rfc3339()), Some(t), "{}", t.to_rfc3339());
    }
}

// ---------------------------------------------------------------------------------------------
// Whole captures.

#[path = "support/pipeline.rs"]
mod pipeline;

/// The same capture analysed twice (two fresh replays, whose hash maps iterate in different orders)
/// gives identical reports and identical text and JSON.
#[test]
fn the_same_capture_replayed_twice_gives_the_same_report() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("fixtures/hostile/wrong-types.har"), root.join("fixtures/hostile/bom.har")];
    let shared = root.join("../shared/samples/har");
    if shared.is_dir() {
        for name in ["chrome.har", "firefox.har", "safari.har", "edge.har", "websocket.har"] {
            files.push(shared.join(name));
        }
    } else {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "properties: {} is absent; fixtures only", shared.display());
    }
    for f in files.iter().filter(|f| f.is_file()) {
        let a = pipeline::run_har(f);
        let b = pipeline::run_har(f);
        let name = f.file_name().unwrap().to_string_lossy();
        assert!(a.report == b.report, "{name}: reports differ");
        assert!(a.text == b.text, "{name}: text reports differ");
        assert!(a.json == b.json, "{name}: JSON reports differ");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The same-site answers computed once per request (what the replay shares across profiles)
    /// equal the ones each function computes on its own.
    #[test]
    fn same_site_facts_equal_the_separate_answers(s in step()) {
        use crossjar::model::samesite::{is_third_party, request_context, response_context, same_site_facts};
        let ctx = context(&s, Timestamp::from_unix_secs(1_780_000_000));
        let (request, response, third_party) = same_site_facts(&ctx);
        prop_assert_eq!(request, request_context(&ctx));
        prop_assert_eq!(response, response_context(&ctx));
        prop_assert_eq!(third_party, [is_third_party(&ctx, false), is_third_party(&ctx, true)]);
    }
}

/// URLs whose origins differ in every part an origin has: scheme (tuple, `blob:`, opaque ones),
/// host kind (name, IDN, IPv4, IPv6, trailing dot) and port (default, explicit default, other).
const ORIGIN_URLS: &[&str] = &[
    "https://kontext.build/",
    "https://KONTEXT.build:443/a?b",
    "https://kontext.build:8443/",
    "http://kontext.build/",
    "http://kontext.build:443/",
    "ws://kontext.build/socket",
    "wss://kontext.build/socket",
    "ftp://kontext.build/file",
    "https://jsbundler.coinnation.io/",
    "https://kontext.build./",
    "https://bücher.example/",
    "https://xn--bcher-kva.example/",
    "http://127.0.0.1:8080/",
    "http://0x7f.1:8080/",
    "http://[::1]/",
    "http://[0:0::1]:80/",
    "blob:https://kontext.build/1234",
    "blob:null/1234",
    "data:text/plain,hi",
    "file:///etc/hosts",
    "about:blank",
    "custom://kontext.build/",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The origin and site read straight off a URL (what the hot path uses) equal the ones built
    /// through the URL's origin.
    #[test]
    fn origins_and_sites_read_off_a_url_equal_the_built_ones(a in select(ORIGIN_URLS), b in select(ORIGIN_URLS)) {
        use crossjar::model::site::Site;
        let (a, b) = (Url::parse(a).unwrap(), Url::parse(b).unwrap());
        let origin = Origin::of_url(&a);
        prop_assert_eq!(origin.is_origin_of(&b), origin == Origin::of_url(&b));
        prop_assert_eq!(Site::of_url(&b), Origin::of_url(&b).site());
    }
}
