//! The seed case as `curl -i` / `curl -v` fixtures: `https://kontext.build` calls
//! `https://jsbundler.coinnation.io/kontext/preview` with `credentials: 'include'`.

use crossjar::input::curl::{self, exchange_responses};
use crossjar::model::cors::{evaluate, CorsError, CorsRequest, CorsResponse, CorsVerdict, PreflightReason};
use crossjar::model::profile::Browser;
use crossjar::model::request::CredentialsMode;
use crossjar::model::site::Origin;
use std::path::Path;

fn responses(name: &str) -> Vec<CorsResponse> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/headers").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed = curl::parse(&text);
    assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
    exchange_responses(&parsed.responses).into_iter().map(|r| CorsResponse::new(r.status, r.headers.clone())).collect()
}

fn seed(method: &str) -> CorsRequest {
    CorsRequest::new(
        Origin::parse("https://kontext.build").unwrap(),
        "https://jsbundler.coinnation.io/kontext/preview".parse().unwrap(),
        method,
    )
    .with_credentials(CredentialsMode::Include)
}

fn errors(v: &CorsVerdict) -> Vec<CorsError> {
    v.errors().into_iter().map(|e| e.error).collect()
}

/// The verdict for a simple credentialed GET, the same in every browser.
fn get_verdict(fixture: &str) -> CorsVerdict {
    let resp = responses(fixture);
    let first = evaluate(&seed("GET"), None, &resp, Browser::Chrome);
    for b in Browser::ALL {
        assert_eq!(evaluate(&seed("GET"), None, &resp, *b), first, "{fixture}: {b} differs");
    }
    first
}

#[test]
fn correct_answer_passes() {
    let v = get_verdict("seed-correct.txt");
    assert!(v.ok && v.readable && v.credentialed && !v.needs_preflight, "{v:?}");
    assert!(!v.set_cookie_stored_despite_failure());
}

#[test]
fn wildcard_with_credentials_fails_but_cookie_is_stored() {
    let v = get_verdict("seed-wildcard-credentials.txt");
    assert_eq!(errors(&v), vec![CorsError::WildcardOriginNotAllowed]);
    assert!(v.set_cookie_stored_despite_failure());
}

#[test]
fn missing_allow_credentials_fails() {
    let v = get_verdict("seed-no-credentials-header.txt");
    assert_eq!(errors(&v), vec![CorsError::InvalidAllowCredentials]);
    assert_eq!(v.error().unwrap().failed_parameter, "");
    assert!(v.set_cookie_stored_despite_failure());
}

#[test]
fn two_allow_origin_lines_fail_after_100_continue() {
    let resp = responses("seed-two-allow-origin.txt");
    assert_eq!(resp.len(), 1, "100 Continue is not an answer");
    let v = get_verdict("seed-two-allow-origin.txt");
    assert_eq!(errors(&v), vec![CorsError::MultipleAllowOriginValues]);
    assert_eq!(v.error().unwrap().failed_parameter, "https://kontext.build, https://kontext.build");
}

#[test]
fn json_post_preflight_answered_404() {
    let req = seed("POST").with_header("Content-Type", "application/json");
    let pre = responses("seed-preflight-404.txt");
    let v = evaluate(&req, pre.first(), &[], Browser::Chrome);
    assert!(v.needs_preflight);
    assert_eq!(v.preflight_reasons, vec![PreflightReason::Header("content-type".into())]);
    assert_eq!(
        errors(&v),
        vec![
            CorsError::PreflightMissingAllowOriginHeader,
            CorsError::PreflightInvalidAllowCredentials,
            CorsError::PreflightInvalidStatus,
            CorsError::HeaderDisallowedByPreflightResponse,
        ]
    );
    assert!(!v.ok && v.actual.is_none() && !v.set_cookie_stored_despite_failure());
}

#[test]
fn json_post_preflight_without_allow_headers() {
    let req = seed("POST").with_header("Content-Type", "application/json");
    let pre = responses("seed-preflight-no-allow-headers.txt");
    let actual = responses("seed-correct.txt");
    let v = evaluate(&req, pre.first(), &actual, Browser::Firefox);
    assert_eq!(errors(&v), vec![CorsError::HeaderDisallowedByPreflightResponse]);
    assert_eq!(v.error().unwrap().failed_parameter, "content-type");
    assert_eq!(v.preflight.as_ref().unwrap().max_age, Some(86400));
    // The same preflight is fine for a form-encoded POST, and the actual response then passes.
    let form = seed("POST").with_header("Content-Type", "application/x-www-form-urlencoded");
    let v = evaluate(&form, pre.first(), &actual, Browser::Chrome);
    assert!(v.ok && !v.needs_preflight);
}
