//! Micro-benchmarks of the model's hot paths (issue #8): the `Set-Cookie` parser, the public-suffix
//! lookup, jar retrieval with 1 000 cookies per site, and the CORS check.
//!
//! Run with `cargo bench --bench model`. These are wall-clock numbers: on a shared machine compare
//! runs made back to back, not across days. `cargo test` does not run them (`harness = false`).

use crossjar::model::cors::cors_check;
use crossjar::model::http::{Header, Headers};
use crossjar::model::jar::CookieJar;
use crossjar::model::profile::Browser;
use crossjar::model::request::{CredentialsMode, RequestContext, RequestKind};
use crossjar::model::set_cookie::parse_set_cookie;
use crossjar::model::site::{registrable_domain, Origin};
use crossjar::model::time::Timestamp;
use divan::{black_box, Bencher};
use url::Url;

fn main() {
    divan::main();
}

const SET_COOKIE_LINES: &[&str] = &[
    "sid=0123456789abcdef0123456789abcdef; Path=/; Secure; HttpOnly; SameSite=Lax",
    "route=1a2b3c4d; Path=/; HttpOnly",
    "_tp=abcdefghijklmnopqrst; Path=/; Domain=.tracker.example; Expires=Wed, 21 Oct 2037 07:28:00 GMT; SameSite=None; Secure; Partitioned",
    "__Host-csrf=v; Path=/; Secure; SameSite=Strict; Max-Age=3600",
    "odd; SameSite=Bogus; Max-Age=; Domain=",
];

#[divan::bench(args = SET_COOKIE_LINES)]
fn set_cookie_parse(line: &str) {
    let _ = black_box(parse_set_cookie(black_box(line)));
}

const HOSTS: &[&str] =
    &["www.example.com", "a.b.c.example.co.uk", "team.github.io", "x.y.compute.herokuapp.com", "localhost", "com"];

#[divan::bench(args = HOSTS)]
fn psl_registrable_domain(host: &str) {
    black_box(registrable_domain(black_box(host)));
}

/// A jar holding `per_site` cookies on each of 10 sites; the request goes to one of them.
fn jar_with(per_site: usize) -> (CookieJar, RequestContext) {
    let mut jar = CookieJar::new(Browser::Chrome);
    let t = Timestamp(1_790_000_000_000);
    for site in 0..10 {
        let url = Url::parse(&format!("https://www.site{site}.example/")).expect("URL");
        let top = Some(Origin::of_url(&url));
        let ctx = RequestContext::new(RequestKind::Navigation, "GET", url, top, t);
        for i in 0..per_site {
            let attrs = ["; Path=/", "; Path=/; Secure; SameSite=None", "; Path=/app; SameSite=Strict"][i % 3];
            jar.set_from_response(&format!("c{i}=value{i}{attrs}"), &ctx);
        }
    }
    let url = Url::parse("https://www.site3.example/app/page").expect("URL");
    let initiator = Some(Origin::parse("https://www.other.example").expect("origin"));
    let ctx =
        RequestContext::new(RequestKind::Fetch, "GET", url, initiator, t).with_credentials(CredentialsMode::Include);
    (jar, ctx)
}

#[divan::bench(args = [10, 100, 1000])]
fn jar_retrieve(bencher: Bencher, per_site: usize) {
    let (jar, ctx) = jar_with(per_site);
    bencher.bench_local(|| black_box(jar.retrieve(black_box(&ctx))));
}

fn headers(pairs: &[(&str, &str)]) -> Headers {
    Headers(pairs.iter().map(|(n, v)| Header::new(*n, *v)).collect())
}

#[divan::bench]
fn cors_check_pass(bencher: Bencher) {
    let h = headers(&[
        ("content-type", "application/json"),
        ("access-control-allow-origin", "https://app.example"),
        ("access-control-allow-credentials", "true"),
        ("vary", "Origin"),
    ]);
    bencher.bench_local(|| black_box(cors_check(black_box("https://app.example"), CredentialsMode::Include, &h)));
}

#[divan::bench]
fn cors_check_fail(bencher: Bencher) {
    let h = headers(&[("access-control-allow-origin", "*"), ("access-control-allow-origin", "https://app.example")]);
    bencher.bench_local(|| black_box(cors_check(black_box("https://app.example"), CredentialsMode::Include, &h)));
}
