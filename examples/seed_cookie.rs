//! Parse the sticky `route` cookie, store it from the bundler's response to a cross-site `fetch()`,
//! and ask whether the next request carries it, per browser.
//!
//! Run with `cargo run --example seed_cookie`.

use crossjar::model::jar::CookieJar;
use crossjar::model::profile::Browser;
use crossjar::model::request::{CredentialsMode, RequestContext, RequestKind};
use crossjar::model::site::Origin;
use crossjar::model::time::Timestamp;
use url::Url;

fn main() {
    let page = Origin::parse("https://kontext.build").expect("valid origin");
    let url = Url::parse("https://jsbundler.coinnation.io/kontext/preview").expect("valid URL");
    let now = Timestamp::from_unix_secs(1_780_000_000);
    for set_cookie in ["route=3f2a; Path=/; HttpOnly", "route=3f2a; Path=/; HttpOnly; SameSite=None; Secure"] {
        println!("Set-Cookie: {set_cookie}");
        for credentials in [CredentialsMode::SameOrigin, CredentialsMode::Include] {
            for &browser in Browser::ALL {
                let mut jar = CookieJar::new(browser);
                let request = RequestContext::new(RequestKind::Fetch, "POST", url.clone(), Some(page.clone()), now)
                    .with_credentials(credentials);
                let stored = jar.set_from_response(set_cookie, &request);
                let next = RequestContext { time: now.plus_secs(5), ..request.clone() };
                let sent = jar.retrieve(&next).cookie_header().is_some();
                let reasons: Vec<&str> = stored.status.exclusions().iter().map(|r| r.as_str()).collect();
                println!(
                    "  credentials={:<11} {:<18} stored={:<5} sent={:<5} {}",
                    credentials.as_str(),
                    browser.as_str(),
                    stored.stored,
                    sent,
                    reasons.join(", ")
                );
            }
        }
    }
}
