use super::*;
use crate::model::http::Header;

const PAGE: &str = "https://kontext.build";
const API: &str = "https://jsbundler.coinnation.io/kontext/preview";

fn hdrs(pairs: &[(&str, &str)]) -> Headers {
    Headers(pairs.iter().map(|(n, v)| Header::new(*n, *v)).collect())
}

fn req(method: &str) -> CorsRequest {
    CorsRequest::new(Origin::parse(PAGE).unwrap(), API.parse().unwrap(), method)
}

fn names(errors: &[CorsErrorStatus]) -> Vec<CorsError> {
    errors.iter().map(|e| e.error).collect()
}

fn verdict_errors(v: &CorsVerdict) -> Vec<CorsError> {
    v.errors().into_iter().map(|e| e.error).collect()
}

#[test]
fn names_round_trip_and_describe() {
    for e in CorsError::ALL {
        assert_eq!(CorsError::parse(e.as_str()), Some(*e));
        assert!(!e.description().is_empty());
    }
    assert_eq!(CorsError::parse("allowOriginMismatch"), None);
    assert!(CorsError::LocalNetworkAccessPermissionDenied.is_local_network());
    assert!(!CorsError::AllowOriginMismatch.is_local_network());
}

// --- CORS check, one test per error name -----------------------------------------------------------

#[test]
fn missing_allow_origin() {
    let e = cors_check(PAGE, CredentialsMode::Omit, &hdrs(&[]));
    assert_eq!(names(&e), vec![CorsError::MissingAllowOriginHeader]);
}

#[test]
fn wildcard_ok_without_credentials_but_not_with() {
    let h = hdrs(&[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")]);
    assert!(cors_check(PAGE, CredentialsMode::SameOrigin, &h).is_empty());
    assert_eq!(names(&cors_check(PAGE, CredentialsMode::Include, &h)), vec![CorsError::WildcardOriginNotAllowed]);
}

#[test]
fn two_header_lines_are_multiple_values() {
    let h = hdrs(&[("Access-Control-Allow-Origin", PAGE), ("access-control-allow-origin", PAGE)]);
    let e = cors_check(PAGE, CredentialsMode::Omit, &h);
    assert_eq!(names(&e), vec![CorsError::MultipleAllowOriginValues]);
    assert_eq!(e[0].failed_parameter, format!("{PAGE}, {PAGE}"));
}

#[test]
fn invalid_value_and_mismatch() {
    let check = |v: &str| names(&cors_check(PAGE, CredentialsMode::Omit, &hdrs(&[("Access-Control-Allow-Origin", v)])));
    assert_eq!(check("null"), vec![CorsError::InvalidAllowOriginValue]);
    assert_eq!(check(""), vec![CorsError::InvalidAllowOriginValue]);
    assert_eq!(check("https://kontext.build/"), vec![CorsError::AllowOriginMismatch]);
    assert_eq!(check("HTTPS://kontext.build"), vec![CorsError::AllowOriginMismatch]);
    assert_eq!(check("http://kontext.build"), vec![CorsError::AllowOriginMismatch]);
    assert!(check(" \thttps://kontext.build \t").is_empty(), "HTTP whitespace is trimmed");
}

#[test]
fn credentials_must_be_exactly_true() {
    let with = |acac: Option<&str>| {
        let mut h = hdrs(&[("Access-Control-Allow-Origin", PAGE)]);
        if let Some(v) = acac {
            h.0.push(Header::new("Access-Control-Allow-Credentials", v));
        }
        names(&cors_check(PAGE, CredentialsMode::Include, &h))
    };
    assert!(with(Some("true")).is_empty());
    assert_eq!(with(Some("True")), vec![CorsError::InvalidAllowCredentials]);
    assert_eq!(with(None), vec![CorsError::InvalidAllowCredentials]);
    // ACAC is ignored without `include`.
    let h = hdrs(&[("Access-Control-Allow-Origin", PAGE)]);
    assert!(cors_check(PAGE, CredentialsMode::SameOrigin, &h).is_empty());
}

#[test]
fn every_failure_is_kept() {
    let h = hdrs(&[("Access-Control-Allow-Origin", "https://other.example")]);
    let e = cors_check(PAGE, CredentialsMode::Include, &h);
    assert_eq!(names(&e), vec![CorsError::AllowOriginMismatch, CorsError::InvalidAllowCredentials]);
}

// --- Safelisting and preflight reasons -------------------------------------------------------------

#[test]
fn safelisted_headers() {
    assert!(is_cors_safelisted_request_header("Content-Type", "text/plain;charset=UTF-8"));
    assert!(is_cors_safelisted_request_header("content-type", "multipart/form-data; boundary=x"));
    assert!(!is_cors_safelisted_request_header("Content-Type", "application/json"));
    assert!(!is_cors_safelisted_request_header("Content-Type", "text /plain"));
    assert!(!is_cors_safelisted_request_header("Accept", "\"x\""));
    assert!(is_cors_safelisted_request_header("Accept", "*/*"));
    assert!(is_cors_safelisted_request_header("Accept-Language", "en-US,en;q=0.9"));
    assert!(!is_cors_safelisted_request_header("Accept-Language", "en@x"));
    assert!(is_cors_safelisted_request_header("Range", "bytes=0-"));
    assert!(!is_cors_safelisted_request_header("Range", "bytes=-5"));
    assert!(!is_cors_safelisted_request_header("Range", "bytes=5-1"));
    assert!(!is_cors_safelisted_request_header("Accept", &"a".repeat(129)));
    assert!(is_cors_safelisted_request_header("Accept", &"a".repeat(128)));
    assert!(!is_cors_safelisted_request_header("Authorization", "Bearer x"));
}

#[test]
fn total_safelisted_size_over_1024_makes_all_unsafe() {
    let mut h = Headers::default();
    for name in ["Accept", "Accept-Language", "Content-Language"] {
        h.0.push(Header::new(name, "a".repeat(120)));
    }
    assert!(cors_unsafe_request_header_names(&h).is_empty());
    for i in 0..6 {
        h.0.push(Header::new("Accept", format!("{i}{}", "b".repeat(120))));
    }
    assert_eq!(cors_unsafe_request_header_names(&h), vec!["accept", "accept-language", "content-language"]);
}

#[test]
fn preflight_reasons_are_complete_and_sorted() {
    let h = hdrs(&[
        ("X-Trace", "1"),
        ("Content-Type", "application/json"),
        ("Cookie", "ignored=1"),
        ("Sec-Fetch-Mode", "cors"),
        ("Accept", "*/*"),
    ]);
    let r = preflight_reasons("patch", &h, true);
    assert_eq!(
        r,
        vec![
            PreflightReason::Method("patch".into()),
            PreflightReason::Header("content-type".into()),
            PreflightReason::Header("x-trace".into()),
            PreflightReason::UploadListenersOrStream,
        ]
    );
    // As the reports word them; the text joined directly is what the formatter writes.
    let texts: Vec<String> = r.iter().map(PreflightReason::text).collect();
    assert_eq!(
        texts,
        [
            "method patch is not CORS-safelisted",
            "request header `content-type` is not CORS-safelisted",
            "request header `x-trace` is not CORS-safelisted",
            "upload listeners or a streamed body",
        ]
    );
    assert_eq!(texts, r.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert!(preflight_reasons("get", &hdrs(&[("Accept", "*/*")]), false).is_empty());
    assert!(is_forbidden_request_header("X-HTTP-Method-Override", "TRACE"));
    assert!(!is_forbidden_request_header("X-HTTP-Method-Override", "PATCH"));
}

#[test]
fn needs_preflight_only_cross_origin_cors() {
    let json = req("POST").with_header("Content-Type", "application/json");
    assert!(needs_preflight(&json));
    assert!(!needs_preflight(&json.clone().with_mode(RequestMode::NoCors)));
    let mut same = json;
    same.url = "https://kontext.build/api".parse().unwrap();
    assert!(!needs_preflight(&same));
}

// --- Preflight check ----------------------------------------------------------------------------------

fn ok_preflight() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Access-Control-Allow-Origin", PAGE),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "POST, PUT"),
        ("Access-Control-Allow-Headers", "content-type"),
    ]
}

fn preflight_errors(
    status: u16,
    h: &[(&str, &str)],
    creds: CredentialsMode,
    method: &str,
    unsafe_h: &[&str],
) -> Vec<CorsError> {
    let unsafe_h: Vec<String> = unsafe_h.iter().map(|s| s.to_string()).collect();
    names(&preflight_check(PAGE, creds, method, &unsafe_h, &CorsResponse::new(status, hdrs(h))))
}

#[test]
fn preflight_ok() {
    assert!(preflight_errors(204, &ok_preflight(), CredentialsMode::Include, "PUT", &["content-type"]).is_empty());
}

#[test]
fn preflight_status_and_redirect() {
    let h = ok_preflight();
    assert_eq!(
        preflight_errors(404, &h, CredentialsMode::Include, "PUT", &[]),
        vec![CorsError::PreflightInvalidStatus]
    );
    let status = preflight_check(PAGE, CredentialsMode::Include, "PUT", &[], &CorsResponse::new(500, hdrs(&h)));
    assert_eq!(status[0].failed_parameter, "", "DevTools gives no parameter for a bad status");
    assert_eq!(
        preflight_errors(302, &h, CredentialsMode::Include, "PUT", &[]),
        vec![CorsError::PreflightDisallowedRedirect]
    );
}

#[test]
fn preflight_variants_of_origin_errors() {
    let base = |acao: Option<&str>, acac: Option<&str>| {
        let mut h: Vec<(&str, &str)> = vec![("Access-Control-Allow-Methods", "PUT")];
        if let Some(v) = acao {
            h.push(("Access-Control-Allow-Origin", v));
        }
        if let Some(v) = acac {
            h.push(("Access-Control-Allow-Credentials", v));
        }
        preflight_errors(200, &h, CredentialsMode::Include, "PUT", &[])
    };
    assert_eq!(base(None, Some("true")), vec![CorsError::PreflightMissingAllowOriginHeader]);
    assert_eq!(base(Some("*"), Some("true")), vec![CorsError::PreflightWildcardOriginNotAllowed]);
    assert_eq!(
        base(Some("https://a.example, https://b.example"), Some("true")),
        vec![CorsError::PreflightMultipleAllowOriginValues]
    );
    assert_eq!(base(Some("null"), Some("true")), vec![CorsError::PreflightInvalidAllowOriginValue]);
    assert_eq!(base(Some("https://a.example"), Some("true")), vec![CorsError::PreflightAllowOriginMismatch]);
    assert_eq!(base(Some(PAGE), None), vec![CorsError::PreflightInvalidAllowCredentials]);
}

#[test]
fn preflight_lists_invalid() {
    let mut h = ok_preflight();
    h[2] = ("Access-Control-Allow-Methods", "Bad method name");
    assert_eq!(
        preflight_errors(200, &h, CredentialsMode::Include, "PUT", &[]),
        vec![CorsError::InvalidAllowMethodsPreflightResponse]
    );
    let mut h = ok_preflight();
    h[3] = ("Access-Control-Allow-Headers", "content-type, header name with space");
    assert_eq!(
        preflight_errors(200, &h, CredentialsMode::Include, "PUT", &["content-type"]),
        vec![CorsError::InvalidAllowHeadersPreflightResponse]
    );
}

#[test]
fn preflight_coverage_and_star() {
    let star = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*"),
    ];
    // Without credentials `*` covers any method and header except Authorization.
    assert!(preflight_errors(200, &star, CredentialsMode::SameOrigin, "PATCH", &["x-a"]).is_empty());
    assert_eq!(
        preflight_errors(200, &star, CredentialsMode::SameOrigin, "PATCH", &["authorization", "x-a"]),
        vec![CorsError::HeaderDisallowedByPreflightResponse]
    );
    // With credentials `*` is a literal name.
    let lit = [
        ("Access-Control-Allow-Origin", PAGE),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*"),
    ];
    assert_eq!(
        preflight_errors(200, &lit, CredentialsMode::Include, "PATCH", &["x-a"]),
        vec![CorsError::MethodDisallowedByPreflightResponse, CorsError::HeaderDisallowedByPreflightResponse]
    );
    // Method match is case-sensitive; header match is not.
    let h = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "put"),
        ("Access-Control-Allow-Headers", "X-A"),
    ];
    assert_eq!(
        preflight_errors(200, &h, CredentialsMode::Omit, "PUT", &["x-a"]),
        vec![CorsError::MethodDisallowedByPreflightResponse]
    );
}

#[test]
fn max_age_parsing_and_caps() {
    let h = hdrs(&[("Access-Control-Max-Age", "86400")]);
    assert_eq!(parse_max_age(&h), Some(86400));
    assert_eq!(parse_max_age(&hdrs(&[("Access-Control-Max-Age", "-1")])), None);
    assert_eq!(preflight_cache_seconds(Some(86400), Browser::Chrome), 7200);
    assert_eq!(preflight_cache_seconds(Some(86400), Browser::Firefox), 86400);
    assert_eq!(preflight_cache_seconds(Some(60), Browser::Chrome), 60);
    assert_eq!(preflight_cache_seconds(None, Browser::Firefox), 5);
}

// --- evaluate ----------------------------------------------------------------------------------------------

fn good_response() -> CorsResponse {
    CorsResponse::new(
        200,
        hdrs(&[
            ("Access-Control-Allow-Origin", PAGE),
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin"),
            ("Set-Cookie", "route=3f2a; Path=/; SameSite=None; Secure"),
        ]),
    )
}

#[test]
fn evaluate_seed_ok() {
    let r = req("GET").with_credentials(CredentialsMode::Include);
    let v = evaluate(&r, None, &[good_response()], Browser::Chrome);
    assert!(v.ok && v.readable && v.cors_applies && v.credentialed && !v.needs_preflight);
    assert!(!v.set_cookie_stored_despite_failure());
}

#[test]
fn evaluate_failed_preflight_stops_request() {
    let r = req("POST").with_credentials(CredentialsMode::Include).with_header("Content-Type", "application/json");
    let pre = CorsResponse::new(404, hdrs(&[]));
    let v = evaluate(&r, Some(&pre), &[good_response()], Browser::Chrome);
    assert!(v.needs_preflight && !v.ok);
    assert!(v.actual.is_none(), "the actual request is never sent");
    assert_eq!(verdict_errors(&v)[0], CorsError::PreflightMissingAllowOriginHeader);
    assert!(verdict_errors(&v).contains(&CorsError::PreflightInvalidStatus));
    assert!(!v.set_cookie_stored_despite_failure());
}

#[test]
fn evaluate_preflight_unobserved() {
    let r = req("PUT");
    let v =
        evaluate(&r, None, &[CorsResponse::new(200, hdrs(&[("Access-Control-Allow-Origin", "*")]))], Browser::Firefox);
    assert!(v.preflight_unobserved && v.ok);
}

#[test]
fn evaluate_modes() {
    let nav = req("GET").with_mode(RequestMode::Navigate);
    assert!(evaluate(&nav, None, &[CorsResponse::new(200, hdrs(&[]))], Browser::Chrome).ok);
    let ws = req("GET").with_mode(RequestMode::WebSocket);
    let v = evaluate(&ws, None, &[CorsResponse::new(101, hdrs(&[]))], Browser::Chrome);
    assert!(v.ok && !v.cors_applies);
    let nc = req("GET").with_mode(RequestMode::NoCors);
    let v = evaluate(&nc, None, &[CorsResponse::new(200, hdrs(&[]))], Browser::Chrome);
    assert!(v.ok && !v.readable && v.error().is_none());
    let so = req("GET").with_mode(RequestMode::SameOrigin);
    let v = evaluate(&so, None, &[], Browser::Chrome);
    assert_eq!(verdict_errors(&v), vec![CorsError::DisallowedByMode]);
    let mut same = req("GET");
    same.url = "https://kontext.build/x".parse().unwrap();
    let v = evaluate(&same, None, &[CorsResponse::new(200, hdrs(&[]))], Browser::Chrome);
    assert!(v.ok && v.readable && !v.cors_applies && v.credentialed);
}

#[test]
fn evaluate_disabled_scheme() {
    let mut r = req("GET");
    r.url = "ftp://files.example/x".parse().unwrap();
    let v = evaluate(&r, None, &[], Browser::Chrome);
    assert_eq!(verdict_errors(&v), vec![CorsError::CorsDisabledScheme]);
}

#[test]
fn evaluate_wildcard_with_credentials_still_stores_cookie() {
    let r = req("GET").with_credentials(CredentialsMode::Include);
    let resp = CorsResponse::new(
        200,
        hdrs(&[("Access-Control-Allow-Origin", "*"), ("Set-Cookie", "route=3f2a; Path=/; HttpOnly")]),
    );
    let v = evaluate(&r, None, &[resp], Browser::Chrome);
    assert_eq!(verdict_errors(&v), vec![CorsError::WildcardOriginNotAllowed, CorsError::InvalidAllowCredentials]);
    assert!(v.set_cookie_stored_despite_failure());
}

#[test]
fn redirect_taints_origin_to_null() {
    let r = req("GET");
    let hop1 = CorsResponse::new(
        302,
        hdrs(&[("Access-Control-Allow-Origin", "*"), ("Location", "https://cdn.example/asset.js")]),
    );
    let fin = CorsResponse::new(200, hdrs(&[("Access-Control-Allow-Origin", PAGE)]));
    let v = evaluate(&r, None, &[hop1.clone(), fin], Browser::Chrome);
    assert_eq!(v.redirects.len(), 1);
    assert!(v.redirects[0].ok);
    let actual = v.actual.as_ref().unwrap();
    assert_eq!(actual.origin_sent, "null");
    assert_eq!(names(&actual.errors), vec![CorsError::AllowOriginMismatch]);
    let fin_null = CorsResponse::new(200, hdrs(&[("Access-Control-Allow-Origin", "null")]));
    assert!(evaluate(&r, None, &[hop1, fin_null], Browser::Chrome).ok);
}

#[test]
fn same_origin_redirect_to_cross_origin_keeps_origin() {
    let mut r = req("GET");
    r.url = "https://kontext.build/go".parse().unwrap();
    let hop1 = CorsResponse::new(302, hdrs(&[("Location", API)]));
    let fin = CorsResponse::new(200, hdrs(&[("Access-Control-Allow-Origin", PAGE)]));
    let v = evaluate(&r, None, &[hop1, fin], Browser::Chrome);
    assert!(v.cors_applies && v.ok);
    assert_eq!(v.actual.unwrap().origin_sent, PAGE);
}

#[test]
fn redirect_with_userinfo() {
    let r = req("GET");
    let hop1 = CorsResponse::new(
        307,
        hdrs(&[("Access-Control-Allow-Origin", "*"), ("Location", "https://user:pw@cdn.example/x")]),
    );
    let v = evaluate(&r, None, &[hop1, CorsResponse::new(200, hdrs(&[]))], Browser::Chrome);
    assert_eq!(verdict_errors(&v), vec![CorsError::RedirectContainsCredentials]);
    assert!(v.actual.is_none());
}

#[test]
fn local_network_access() {
    let mut r = req("GET");
    r.local_network = LocalNetwork {
        initiator: Some(AddressSpace::Public),
        target: Some(AddressSpace::Local),
        declared_target: None,
        permission_granted: Some(false),
    };
    let v = evaluate(&r, None, &[], Browser::Chrome);
    assert_eq!(verdict_errors(&v), vec![CorsError::LocalNetworkAccessPermissionDenied]);
    assert!(evaluate(&r, None, &[], Browser::Firefox).request_errors.is_empty());
    r.local_network.permission_granted = Some(true);
    assert!(local_network_check(&r, Browser::Chrome).is_none());
    r.local_network.declared_target = Some(AddressSpace::Loopback);
    assert_eq!(local_network_check(&r, Browser::Chrome).unwrap().error, CorsError::InvalidLocalNetworkAccess);
    let mut insecure = r.clone();
    insecure.origin = Origin::parse("http://kontext.build").unwrap();
    insecure.local_network.declared_target = None;
    assert_eq!(local_network_check(&insecure, Browser::Chrome).unwrap().error, CorsError::InsecureLocalNetwork);
}

#[test]
fn browsers_the_local_network_gate_skips_get_one_verdict() {
    // Every combination of the address spaces (none, one or both shown), declared targets and
    // permissions, on a secure and an insecure page: where the gate does not judge the request for a
    // browser, that browser's verdict is the one every such browser gets (callers evaluate it once).
    let spaces = [None, Some(AddressSpace::Loopback), Some(AddressSpace::Local), Some(AddressSpace::Public)];
    let mut judged = 0;
    for origin in ["https://kontext.build", "http://kontext.build"] {
        let triples: Vec<_> =
            spaces.iter().flat_map(|i| spaces.iter().flat_map(|t| spaces.iter().map(|d| (*i, *t, *d)))).collect();
        for (initiator, target, declared) in triples {
            for permission_granted in [None, Some(true), Some(false)] {
                let mut r = req("GET");
                r.origin = Origin::parse(origin).unwrap();
                r.local_network = LocalNetwork { initiator, target, declared_target: declared, permission_granted };
                let response = CorsResponse::new(200, hdrs(&[("Access-Control-Allow-Origin", origin)]));
                let ungated: Vec<CorsVerdict> = Browser::ALL
                    .iter()
                    .filter(|b| !local_network_gate_applies(&r, **b))
                    .map(|b| evaluate(&r, None, std::slice::from_ref(&response), *b))
                    .collect();
                assert!(ungated.windows(2).all(|w| w[0] == w[1]), "{:?}", r.local_network);
                for b in Browser::ALL.iter().filter(|b| !local_network_gate_applies(&r, **b)) {
                    assert!(local_network_check(&r, *b).is_none());
                }
                judged += usize::from(local_network_check(&r, Browser::Chrome).is_some());
            }
        }
    }
    // The gate did judge some of them: the split is not vacuous.
    assert!(judged > 0);
}

#[test]
fn parse_only_errors_are_documented_as_such() {
    for e in [
        CorsError::InvalidResponse,
        CorsError::PreflightMissingAllowExternal,
        CorsError::PreflightInvalidAllowExternal,
        CorsError::NoCorsRedirectModeNotFollow,
    ] {
        assert!(e.description().contains("parse-only"), "{e}");
    }
}

#[test]
fn method_normalisation() {
    assert_eq!(normalize_method("get"), "GET");
    assert_eq!(normalize_method("patch"), "patch");
    assert!(!is_cors_safelisted_method("patch"));
}

/// The byte tables hold exactly the bytes Fetch and RFC 9110 list, for all 256 bytes.
#[test]
fn byte_tables_are_the_listed_classes() {
    for b in 0..=u8::MAX {
        let unsafe_byte = (b < 0x20 && b != 0x09) || b == 0x7f || b"\"():<>?@[\\]{}".contains(&b);
        assert_eq!(is_cors_unsafe_byte(b), unsafe_byte, "CORS-unsafe {b:#04x}");
        let token = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        assert_eq!(is_token_char(b), token, "token {b:#04x}");
        let language = b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b);
        assert_eq!(LANGUAGE_BYTES[usize::from(b)], language, "language {b:#04x}");
    }
}

/// Fetch's forbidden request-header names (besides the `proxy-` and `sec-` families and the
/// method-override headers, whose values decide).
const FORBIDDEN_REQUEST_HEADER_NAMES: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

proptest::proptest! {
    /// The length-indexed list answers as the whole list does: every listed name in any case, the
    /// same names one byte off, and other names of the listed lengths; the families by prefix.
    #[test]
    fn forbidden_names_by_length_are_the_list(
        listed in proptest::sample::select(FORBIDDEN_REQUEST_HEADER_NAMES.to_vec()),
        upper in proptest::collection::vec(proptest::bool::ANY, 30),
        flip in proptest::option::of(0usize..30),
        other in "[a-zA-Z-]{1,31}",
    ) {
        let mut name: Vec<u8> = listed
            .bytes()
            .zip(&upper)
            .map(|(b, &u)| if u { b.to_ascii_uppercase() } else { b })
            .collect();
        if let Some(at) = flip.filter(|&at| at < name.len()) {
            name[at] ^= 0x01;
        }
        let name = String::from_utf8(name).unwrap();
        for candidate in [name.as_str(), other.as_str()] {
            let by_list = FORBIDDEN_REQUEST_HEADER_NAMES.iter().any(|f| f.eq_ignore_ascii_case(candidate))
                || candidate.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("proxy-"))
                || candidate.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sec-"));
            proptest::prop_assert_eq!(is_forbidden_request_header(candidate, "GET"), by_list, "{}", candidate);
        }
    }
}
