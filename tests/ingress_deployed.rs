//! `crossjar ingress` on manifests as people deploy them (issue 16): each test takes a fixture adapted
//! from a public manifest (its first line names the source) and checks the behaviour the issue asks
//! for. Expected values come from the controllers' documented behaviour, not from the output.

use std::path::{Path, PathBuf};

use crossjar::analysis::ingress::{analyse, BrowserVerdict, IngressAnalysis, IngressAnalysisOptions, RouteVerdicts};
use crossjar::input::ingress::{predict_paths, PredictOptions};
use crossjar::model::profile::Browser;
use crossjar::model::site::Origin;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingress").join(rel)
}

fn run_with(rel: &str, popts: PredictOptions, host: Option<&str>) -> IngressAnalysis {
    let aopts = IngressAnalysisOptions {
        frontends: vec![Origin::parse("https://app.example.com").unwrap()],
        browsers: Browser::ALL.to_vec(),
        tls_at_lb: false,
        now: popts.issued_at,
        default_host: host.map(str::to_owned),
    };
    analyse(predict_paths(&[fixture(rel)], &popts), &aopts)
}

fn run(rel: &str) -> IngressAnalysis {
    run_with(rel, PredictOptions::default(), None)
}

fn verdict(rv: &RouteVerdicts, b: Browser) -> &BrowserVerdict {
    rv.origins[0].browsers.iter().find(|v| v.browser == b).unwrap()
}

fn rules(a: &IngressAnalysis) -> Vec<&'static str> {
    a.findings.iter().map(|f| f.rule).collect()
}

// Why, bullet 1: TLS read from where each controller terminates it.

#[test]
fn alb_https_listener_means_https_and_awsalbcors_is_kept() {
    let a = run("tls/alb-https-listener.yaml");
    let rv = &a.routes[0];
    assert!(rv.route.tls, "certificate-arn + an HTTPS listen-port: TLS at the ALB");
    assert!(rv.origins[0].url.starts_with("https://"), "{}", rv.origins[0].url);
    let chrome = verdict(rv, Browser::Chrome);
    assert_eq!(
        chrome.stored,
        Some(true),
        "AWSALBCORS (SameSite=None; Secure) is stored over https: {:?}",
        chrome.reasons
    );
    assert!(!chrome.reasons.iter().any(|r| r.contains("SecureOnly")), "{:?}", chrome.reasons);
    // Only third-party blocking is left, which nothing in the ingress fixes: a warning, not an error.
    let f = a.findings.iter().find(|f| f.rule == "affinity-cookie-cross-site-blocked").unwrap();
    assert_eq!(f.severity.as_str(), "warning", "{}", f.message);
    assert!(!rules(&a).contains(&"mixed-content-blocked"));
}

#[test]
fn traefik_router_tls_means_https() {
    let a = run("tls/traefik-router-tls.yaml");
    let rv = &a.routes[0];
    assert!(rv.route.tls);
    assert!(rv.route.tls_source.as_deref().unwrap().contains("router.tls"));
    let chrome = verdict(rv, Browser::Chrome);
    assert_eq!((chrome.stored, chrome.sent), (Some(true), Some(true)), "{:?}", chrome.reasons);
    assert!(!a.findings.iter().any(|f| f.severity.as_str() == "error"), "{:?}", rules(&a));
}

#[test]
fn gateway_https_listener_gives_tls_and_the_host() {
    let a = run("tls/gateway-https-listener.yaml");
    let rv = &a.routes[0];
    assert_eq!(rv.route.host.as_deref(), Some("api.example.com"), "hostname from the listener");
    assert!(rv.route.tls);
    assert!(rv.skipped.is_none());
    assert_eq!(rv.origins[0].url, "https://api.example.com/");
}

#[test]
fn istio_gateway_tls_server_means_https_and_the_cookie_is_kept() {
    let a = run("tls/istio-gateway-tls.yaml");
    let rv = &a.routes[0];
    assert!(rv.route.tls, "{:?}", rv.route.tls_source);
    let chrome = verdict(rv, Browser::Chrome);
    assert_eq!(chrome.stored, Some(true), "{:?}", chrome.reasons);
    let ff = verdict(rv, Browser::Firefox);
    assert_eq!(ff.stored, Some(true), "{:?}", ff.reasons);
}

#[test]
fn an_http_only_route_from_an_https_frontend_is_mixed_content_in_every_browser() {
    let a = run("../rules/mixed-content-blocked/fires.yaml");
    let rv = &a.routes[0];
    assert!(!rv.route.tls);
    assert!(rv.origins[0].mixed_content_blocked);
    for v in &rv.origins[0].browsers {
        assert_eq!(v.cors_ok, Some(false), "{:?}", v.browser);
        assert!(v.reasons.iter().any(|r| r.starts_with("mixed-content:")), "{:?}", v.reasons);
    }
    let f = a.findings.iter().find(|f| f.rule == "mixed-content-blocked").unwrap();
    assert_eq!(f.severity.as_str(), "error");
    assert!(f.message.contains("chrome, chrome-3pc-blocked, firefox, safari"), "{}", f.message);
    // An https frontend calling http is not a CORS question the backend can answer.
    assert!(!rules(&a).contains(&"cors-left-to-backend"));
}
