//! Structure-aware: random request sequences (URLs from a small host pool, kinds, methods, credentials,
//! `Set-Cookie` lines, times) through one `CookieJar` per browser. Invariants: no panic; a cookie is
//! never both stored and excluded; a stored cookie is in the jar; every cookie the jar says it sends
//! domain- and path-matches the request and is not expired; included and excluded never share a cookie.
#![no_main]

use arbitrary::Arbitrary;
use crossjar::model::cookie::{domain_match, path_match};
use crossjar::model::jar::CookieJar;
use crossjar::model::profile::Browser;
use crossjar::model::request::{CredentialsMode, RequestContext, RequestKind};
use crossjar::model::site::Origin;
use crossjar::model::time::Timestamp;
use libfuzzer_sys::fuzz_target;
use url::Url;

const HOSTS: &[&str] = &[
    "example.com",
    "www.example.com",
    "api.example.com",
    "example.org",
    "sub.example.org",
    "github.io",
    "user.github.io",
    "127.0.0.1",
    "[::1]",
    "localhost",
    "co.uk",
    "shop.co.uk",
];
const PATHS: &[&str] = &["/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "", "/%2F", "/x;y"];
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
const METHODS: &[&str] = &["GET", "POST", "HEAD", "PUT", "OPTIONS", "get"];
const ATTRS: &[&str] = &[
    "Path=/",
    "Path=/a",
    "Path=",
    "Domain=example.com",
    "Domain=.example.com",
    "Domain=example.org",
    "Domain=github.io",
    "Domain=co.uk",
    "Domain=127.0.0.1",
    "Domain=.",
    "Secure",
    "HttpOnly",
    "SameSite=None",
    "SameSite=Lax",
    "SameSite=Strict",
    "SameSite=bogus",
    "Partitioned",
    "Max-Age=0",
    "Max-Age=60",
    "Max-Age=-1",
    "Expires=Wed, 21 Oct 2015 07:28:00 GMT",
    "Expires=Wed, 21 Oct 2099 07:28:00 GMT",
];

#[derive(Arbitrary, Debug)]
struct Step {
    https: bool,
    host: u8,
    path: u8,
    kind: u8,
    method: u8,
    credentials: Option<u8>,
    initiator: Option<(bool, u8)>,
    top_level: Option<(bool, u8)>,
    cross_site_ancestor: bool,
    /// Seconds after the previous step.
    advance: u16,
    set_cookies: Vec<SetLine>,
}

#[derive(Arbitrary, Debug)]
struct SetLine {
    name: u8,
    value: u8,
    prefix: u8,
    attrs: Vec<u8>,
    raw_tail: Option<String>,
}

fn origin(https: bool, host: u8) -> Origin {
    let h = HOSTS[usize::from(host) % HOSTS.len()];
    Origin::parse(&format!("{}://{h}", if https { "https" } else { "http" })).expect("pool origins parse")
}

fn line(s: &SetLine) -> String {
    let prefix = ["", "__Host-", "__Secure-", "__host-"][usize::from(s.prefix) % 4];
    let name = ["a", "b", "sid", ""][usize::from(s.name) % 4];
    let mut l = format!("{prefix}{name}=v{}", s.value % 4);
    for a in s.attrs.iter().take(8) {
        l.push_str("; ");
        l.push_str(ATTRS[usize::from(*a) % ATTRS.len()]);
    }
    if let Some(t) = &s.raw_tail {
        l.push_str(t);
    }
    l
}

fuzz_target!(|steps: Vec<Step>| {
    let mut jars: Vec<CookieJar> = Browser::ALL.iter().map(|b| CookieJar::new(*b)).collect();
    let mut time = Timestamp::from_unix_secs(1_780_000_000);
    for step in steps.iter().take(24) {
        time = time.plus_secs(i64::from(step.advance));
        let host = HOSTS[usize::from(step.host) % HOSTS.len()];
        let path = PATHS[usize::from(step.path) % PATHS.len()];
        let scheme = if step.https { "https" } else { "http" };
        let Ok(url) = Url::parse(&format!("{scheme}://{host}{path}")) else { continue };
        let kind = KINDS[usize::from(step.kind) % KINDS.len()];
        let method = METHODS[usize::from(step.method) % METHODS.len()];
        let initiator = step.initiator.map(|(s, h)| origin(s, h));
        let mut ctx = RequestContext::new(kind, method, url.clone(), initiator, time)
            .with_top_level(step.top_level.map(|(s, h)| origin(s, h)));
        ctx.cross_site_ancestor = step.cross_site_ancestor;
        if let Some(c) = step.credentials {
            ctx = ctx.with_credentials(
                [CredentialsMode::Omit, CredentialsMode::SameOrigin, CredentialsMode::Include][usize::from(c) % 3],
            );
        }
        let req_host = url.host_str().unwrap_or("").to_ascii_lowercase();
        for jar in &mut jars {
            let r = jar.retrieve(&ctx);
            for a in &r.included {
                assert!(a.status.is_included(), "{:?}", jar.browser());
                assert!(domain_match(&req_host, &a.cookie.domain), "{} sent to {req_host}", a.cookie.domain);
                if a.cookie.host_only {
                    assert_eq!(a.cookie.domain, req_host);
                }
                assert!(path_match(url.path(), &a.cookie.path), "{} sent to {}", a.cookie.path, url.path());
                assert!(!a.cookie.is_expired(time));
                assert!(!r.excluded.iter().any(|e| e.cookie == a.cookie), "both included and excluded");
            }
            for e in &r.excluded {
                assert!(!e.status.is_included(), "excluded with no reason");
            }
            for s in &step.set_cookies {
                let l = line(s);
                let out = jar.set_from_response(&l, &ctx);
                if out.stored {
                    assert!(out.status.is_included(), "stored and excluded: {:?}", out.status);
                    let c = out.cookie.as_ref().expect("a stored cookie parsed");
                    assert!(
                        jar.cookies().any(|k| k.name == c.name && k.value == c.value),
                        "reported stored but not in the jar"
                    );
                }
            }
        }
    }
});
