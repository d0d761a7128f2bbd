//! Ingress emission prediction: snapshots per fixture plus targeted asserts whose expected values
//! are derived from reference/ingress.md facts (not copied from output).

use crossjar::analysis::ingress::{judge_fact, rule_of, IngressFinding};
use crossjar::input::ingress::{
    nginx, parse_controller_spec, predict_paths, predict_texts, traefik, AllowOrigins, ConfigFact, Controller,
    ControllerVersion, IngressReport, OriginMatch, PredictOptions, TlsTermination,
};
use crossjar::Severity;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingress").join(rel)
}

/// Reads a fixture with paths printed relative to the fixtures folder, so snapshots are stable.
fn predict_fixture(rel: &str, opts: &PredictOptions) -> IngressReport {
    let text = std::fs::read_to_string(fixture(rel)).expect("fixture exists");
    predict_texts(&[(PathBuf::from(rel), text)], opts)
}

fn rules(r: &IngressReport) -> Vec<&'static str> {
    let mut v: Vec<_> = r
        .routes
        .iter()
        .flat_map(|x| x.notes.iter())
        .chain(r.findings.iter())
        .map(|f| rule_of(&f.fact).as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn yaml(text: &str) -> IngressReport {
    predict_texts(&[(PathBuf::from("t.yaml"), text.to_owned())], &PredictOptions::default())
}

#[test]
fn snapshots_of_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingress");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        for f in std::fs::read_dir(&dir).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    for f in files {
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let report = predict_fixture(&rel, &PredictOptions::default());
        let name = rel.replace('/', "__").trim_end_matches(".yaml").to_owned();
        insta::assert_json_snapshot!(name, report);
    }
}

fn opts_at(spec: &str) -> PredictOptions {
    PredictOptions { controller: parse_controller_spec(spec), ..PredictOptions::default() }
}

fn yaml_with(text: &str, opts: &PredictOptions) -> IngressReport {
    predict_texts(&[(PathBuf::from("t.yaml"), text.to_owned())], opts)
}

/// The first reader fact that falls under `rule`, judged (rule, registry severity, fix) as the
/// analysis reports it.
fn finding(r: &IngressReport, rule: &str) -> Option<IngressFinding> {
    r.routes.iter().flat_map(|x| x.notes.iter()).chain(r.findings.iter()).find(|f| is(f, rule)).map(judge_fact)
}

/// Whether a reader fact falls under `rule`.
fn is(f: &ConfigFact, rule: &str) -> bool {
    rule_of(&f.fact).as_str() == rule
}

/// An ingress-nginx Ingress with the given annotation lines (already indented by 4), one path.
fn nginx_ingress(annotations: &str, path: &str, tls: bool) -> String {
    let tls = if tls { "  tls:\n    - hosts: [api.example.com]\n" } else { "" };
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: t\n  annotations:\n{annotations}\nspec:\n  ingressClassName: nginx\n{tls}  rules:\n    - host: api.example.com\n      http:\n        paths:\n          - path: {path}\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port:\n                  number: 80\n"
    )
}

const P: &str = "    nginx.ingress.kubernetes.io";

/// The line (1-based) of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle present") + 1
}

#[test]
fn seed_cookie_has_no_samesite_and_cors_reflects_the_frontend() {
    let r = predict_fixture("ingress-nginx/seed.yaml", &PredictOptions::default());
    assert!(r.errors.is_empty());
    assert_eq!(r.routes.len(), 1);
    let route = &r.routes[0];
    assert_eq!(route.host.as_deref(), Some("jsbundler.coinnation.io"));
    assert_eq!(route.controller, Controller::IngressNginx);
    assert!(route.tls, "spec.tls lists the host, so TLS ends at nginx");
    // reference §1.3: name=value; Path (= the Ingress path); Secure (HTTPS at nginx); HttpOnly; no SameSite.
    let c = &route.affinity[0];
    assert_eq!(c.set_cookie_line, format!("route={}; Path=/; Secure; HttpOnly", nginx::VALUE_PLACEHOLDER));
    assert_eq!(c.same_site, None);
    let cors = route.cors.as_ref().unwrap();
    match &cors.allow_origins {
        AllowOrigins::List { origins } => {
            assert_eq!(origins.len(), 1);
            assert_eq!(origins[0].pattern, "https://kontext.build");
        }
        other => panic!("expected a list, got {other:?}"),
    }
    assert!(cors.allow_credentials, "cors-allow-credentials defaults to true");
    assert!(!cors.vary_origin);
    assert_eq!(cors.preflight_status, Some(204));
    assert!(finding(&r, "cors-wildcard-with-credentials").is_none());
}

#[test]
fn seed_fixed_adds_samesite_none_last() {
    let r = predict_fixture("ingress-nginx/seed-fixed.yaml", &PredictOptions::default());
    let c = &r.routes[0].affinity[0];
    assert_eq!(
        c.set_cookie_line,
        format!("route={}; Path=/; Secure; HttpOnly; SameSite=None", nginx::VALUE_PLACEHOLDER)
    );
    assert!(finding(&r, "secure-missing-tls-before-nginx").is_none());
    assert!(finding(&r, "samesite-case-dropped").is_none());
}

#[test]
fn seed_behind_a_tls_terminating_lb_loses_secure() {
    let opts = PredictOptions { tls_terminates_at: Some(TlsTermination::Lb), ..PredictOptions::default() };
    let r = predict_fixture("ingress-nginx/seed.yaml", &opts);
    assert_eq!(
        r.routes[0].affinity[0].set_cookie_line,
        format!("route={}; Path=/; HttpOnly", nginx::VALUE_PLACEHOLDER)
    );
    let f = finding(&r, "secure-missing-tls-before-nginx").expect("fires");
    assert_eq!(f.severity, Severity::Warning, "no SameSite=None, so not yet fatal");
    assert_eq!(f.fix.as_deref(), Some("`nginx.ingress.kubernetes.io/session-cookie-secure: \"true\"`"));
    // The fixed seed keeps Secure because the annotation forces it.
    let r = predict_fixture("ingress-nginx/seed-fixed.yaml", &opts);
    assert!(r.routes[0].affinity[0].secure);
}

#[test]
fn samesite_none_behind_lb_is_an_error_pointing_at_the_samesite_annotation() {
    let text = nginx_ingress(&format!("{P}/affinity: cookie\n{P}/session-cookie-samesite: \"None\""), "/", false);
    let r = yaml(&text);
    // Browsers reject SameSite=None without Secure: the error is that rule's; the missing Secure is
    // not reported a second time as a warning.
    let f = finding(&r, "samesite-none-without-secure").unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert!(finding(&r, "secure-missing-tls-before-nginx").is_none());
    assert_eq!(f.location.line, Some(line_of(&text, "samesite")));
    assert_eq!(
        r.routes[0].affinity[0].set_cookie_line,
        format!("INGRESSCOOKIE={}; Path=/; HttpOnly; SameSite=None", nginx::VALUE_PLACEHOLDER)
    );
}

#[test]
fn default_cors_is_wildcard_with_credentials() {
    let text = nginx_ingress(&format!("{P}/enable-cors: \"true\""), "/", true);
    let r = yaml(&text);
    let cors = r.routes[0].cors.as_ref().unwrap();
    assert_eq!(cors.allow_origins, AllowOrigins::Any);
    assert!(cors.allow_credentials);
    assert_eq!(cors.allow_methods.as_deref(), Some(nginx::DEFAULT_CORS_METHODS));
    assert_eq!(cors.max_age, Some(1_728_000));
    let f = finding(&r, "cors-wildcard-with-credentials").unwrap();
    assert_eq!(f.severity, Severity::Error);
    let line = line_of(&text, "enable-cors");
    assert_eq!(
        (f.location.line, f.location.column),
        (Some(line), Some(text.lines().nth(line - 1).unwrap().find('"').unwrap() + 1))
    );
    assert!(f.fix.as_deref().unwrap().contains("cors-allow-origin"));
    // With credentials off the wildcard is fine.
    let r =
        yaml(&nginx_ingress(&format!("{P}/enable-cors: \"true\"\n{P}/cors-allow-credentials: \"false\""), "/", true));
    assert!(finding(&r, "cors-wildcard-with-credentials").is_none());
}

#[test]
fn cors_annotations_without_enable_cors_do_nothing() {
    let r = yaml(&nginx_ingress(&format!("{P}/cors-allow-origin: \"https://a.example\""), "/", true));
    assert!(r.routes[0].cors.is_none());
    assert!(finding(&r, "cors-without-enable-cors").is_some());
}

#[test]
fn lower_case_samesite_is_dropped_exact_case_kept() {
    for (written, kept) in [("none", None), ("NONE", None), ("lax", None), ("None", Some("None")), ("Lax", Some("Lax"))]
    {
        let text =
            nginx_ingress(&format!("{P}/affinity: cookie\n{P}/session-cookie-samesite: \"{written}\""), "/", true);
        let r = yaml(&text);
        let c = &r.routes[0].affinity[0];
        assert_eq!(c.same_site.as_deref(), kept, "{written}");
        assert_eq!(c.set_cookie_line.contains("SameSite"), kept.is_some());
        assert_eq!(finding(&r, "samesite-case-dropped").is_some(), kept.is_none(), "{written}");
    }
}

#[test]
fn regex_path_becomes_the_cookie_path_unless_overridden() {
    let path = "/api(/|$)(.*)";
    let r = yaml(&nginx_ingress(&format!("{P}/affinity: cookie\n{P}/use-regex: \"true\""), path, true));
    assert_eq!(r.routes[0].affinity[0].path.as_deref(), Some(path));
    assert!(r.routes[0].affinity[0].set_cookie_line.contains(&format!("; Path={path};")));
    assert_eq!(finding(&r, "regex-cookie-path").unwrap().severity, Severity::Error);
    let r = yaml(&nginx_ingress(
        &format!("{P}/affinity: cookie\n{P}/use-regex: \"true\"\n{P}/session-cookie-path: /api"),
        path,
        true,
    ));
    assert_eq!(r.routes[0].affinity[0].path.as_deref(), Some("/api"));
    assert!(finding(&r, "regex-cookie-path").is_none());
    // A plain path is the cookie Path as written (e2e affinity.go: /foo/bar → Path=/foo/bar).
    let r = yaml(&nginx_ingress(&format!("{P}/affinity: cookie"), "/foo/bar", true));
    assert_eq!(r.routes[0].affinity[0].path.as_deref(), Some("/foo/bar"));
    assert!(finding(&r, "regex-cookie-path").is_none());
}

#[test]
fn max_age_and_expires_in_lua_resty_cookie_order_and_nginx_date_format() {
    let text = nginx_ingress(
        &format!("{P}/affinity: cookie\n{P}/session-cookie-name: route\n{P}/session-cookie-expires: \"172800\"\n{P}/session-cookie-max-age: \"172800\"\n{P}/session-cookie-domain: example.com"),
        "/",
        true,
    );
    let r = yaml(&text);
    // Issued 2026-01-01T00:00:00Z (a Thursday) + 48 h = Saturday 3 Jan 2026, nginx's 2-digit dashed form.
    assert_eq!(
        r.routes[0].affinity[0].set_cookie_line,
        format!("route={}; Expires=Sat, 03-Jan-26 00:00:00 GMT; Max-Age=172800; Domain=example.com; Path=/; Secure; HttpOnly", nginx::VALUE_PLACEHOLDER)
    );
    assert!(finding(&r, "cookie-max-age-zero").is_none());
    let text = nginx_ingress(&format!("{P}/affinity: cookie\n{P}/session-cookie-max-age: \"0\""), "/", true);
    let r = yaml(&text);
    assert!(r.routes[0].affinity[0].set_cookie_line.contains("; Max-Age=0;"));
    let f = finding(&r, "cookie-max-age-zero").unwrap();
    assert_eq!(f.location.line, Some(line_of(&text, "max-age")));
}

#[test]
fn invalid_values_fall_back_from_1_12_and_pass_through_before() {
    let text = nginx_ingress(
        &format!(
            "{P}/affinity: cookie\n{P}/session-cookie-name: \"${{ns}}_sticky\"\n{P}/session-cookie-path: \"/; Secure\""
        ),
        "/",
        true,
    );
    let r = yaml_with(&text, &opts_at("ingress-nginx@1.12"));
    let c = &r.routes[0].affinity[0];
    assert_eq!(c.name, nginx::DEFAULT_COOKIE_NAME);
    assert_eq!(c.path.as_deref(), Some("/"));
    let falls: Vec<_> = r.routes[0].notes.iter().filter(|f| is(f, "invalid-annotation-fallback")).collect();
    assert_eq!(falls.len(), 2);
    assert_eq!(falls[0].location.line, Some(line_of(&text, "cookie-name")));
    // 1.11: no validation, the `; Secure` injection of issue #6812 still works.
    let r = yaml_with(&text, &opts_at("ingress-nginx@1.11"));
    let c = &r.routes[0].affinity[0];
    assert_eq!(c.name, "${ns}_sticky");
    assert!(c.set_cookie_line.contains("; Path=/; Secure; "));
}

#[test]
fn http_origin_variable_by_version() {
    let text = nginx_ingress(&format!("{P}/enable-cors: \"true\"\n{P}/cors-allow-origin: \"$http_origin\""), "/", true);
    // ≥1.12: validator fails → default `*` (and then wildcard + credentials).
    let r = yaml_with(&text, &opts_at("ingress-nginx@1.12.0"));
    assert_eq!(r.routes[0].cors.as_ref().unwrap().allow_origins, AllowOrigins::Any);
    assert!(finding(&r, "cors-wildcard-with-credentials").is_some());
    // 1.0.5–1.11: the entry is skipped, nothing is left, no CORS headers.
    let r = yaml_with(&text, &opts_at("ingress-nginx@1.11.3"));
    assert_eq!(r.routes[0].cors.as_ref().unwrap().allow_origins, AllowOrigins::Nothing);
}

#[test]
fn origin_lists_split_from_1_0_5_only() {
    let text = nginx_ingress(
        &format!("{P}/enable-cors: \"true\"\n{P}/cors-allow-origin: \"https://a.example, https://*.b.example\""),
        "/",
        true,
    );
    let r = yaml(&text);
    match &r.routes[0].cors.as_ref().unwrap().allow_origins {
        AllowOrigins::List { origins } => {
            assert_eq!(origins.len(), 2);
            assert_eq!(origins[1].matching, OriginMatch::OneLabelWildcard);
        }
        o => panic!("{o:?}"),
    }
    assert!(finding(&r, "cors-comma-separated-origins").is_none());
    let r = yaml_with(&text, &opts_at("ingress-nginx@1.0.4"));
    assert!(finding(&r, "cors-comma-separated-origins").is_some());
    assert_eq!(r.routes[0].cors.as_ref().unwrap().allow_origins, AllowOrigins::Any);
}

#[test]
fn deep_wildcard_origin_is_flagged() {
    let r = yaml(&nginx_ingress(
        &format!("{P}/enable-cors: \"true\"\n{P}/cors-allow-origin: \"https://*.*.b.example\""),
        "/",
        true,
    ));
    assert!(finding(&r, "cors-wildcard-too-deep").is_some());
    let r = yaml(&nginx_ingress(
        &format!("{P}/enable-cors: \"true\"\n{P}/cors-allow-origin: \"https://*.b.example\""),
        "/",
        true,
    ));
    assert!(finding(&r, "cors-wildcard-too-deep").is_none());
}

#[test]
fn balanced_mode_flagged_persistent_not() {
    let r = yaml(&nginx_ingress(&format!("{P}/affinity: cookie"), "/", true));
    assert!(finding(&r, "affinity-mode-balanced").is_some());
    let r = yaml(&nginx_ingress(&format!("{P}/affinity: cookie\n{P}/affinity-mode: persistent"), "/", true));
    assert!(finding(&r, "affinity-mode-balanced").is_none());
}

#[test]
fn conditional_samesite_none_gives_two_variants() {
    let r = yaml(&nginx_ingress(
        &format!("{P}/affinity: cookie\n{P}/session-cookie-samesite: \"None\"\n{P}/session-cookie-conditional-samesite-none: \"true\""),
        "/",
        true,
    ));
    let a = &r.routes[0].affinity;
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].same_site.as_deref(), Some("None"));
    assert_eq!(a[1].same_site, None);
    assert!(a[1].condition.is_some());
}

#[test]
fn preflight_not_sticky_only_with_affinity_and_cors() {
    let r = yaml(&nginx_ingress(&format!("{P}/affinity: cookie\n{P}/enable-cors: \"true\""), "/", true));
    assert!(finding(&r, "preflight-not-sticky").is_some());
    let r = yaml(&nginx_ingress(&format!("{P}/affinity: cookie"), "/", true));
    assert!(finding(&r, "preflight-not-sticky").is_none());
}

#[test]
fn annotation_hygiene_duplicates_yaml11_and_non_strings() {
    let text = nginx_ingress(
        &format!("{P}/affinity: cookie\n{P}/affinity: cookie\n{P}/enable-cors: yes\n{P}/cors-max-age: 600\n    a.example/quoted: \"yes\"\n    a.example/single: 'on'"),
        "/",
        true,
    );
    let r = yaml(&text);
    let dup = finding(&r, "duplicate-annotation").unwrap();
    assert_eq!((dup.location.line, dup.location.column), (Some(line_of(&text, "affinity") + 1), Some(5)));
    let y11: Vec<_> = r.findings.iter().filter(|f| is(f, "yaml11-boolean")).collect();
    assert_eq!(y11.len(), 1, "only the plain `yes`, not the quoted ones: {y11:?}");
    assert_eq!(y11[0].location.line, Some(line_of(&text, "enable-cors")));
    let ns: Vec<_> = r.findings.iter().filter(|f| is(f, "annotation-not-string")).collect();
    assert_eq!(ns.len(), 1);
    assert_eq!(ns[0].location.line, Some(line_of(&text, "max-age")));
}

#[test]
fn broken_document_reported_others_analysed() {
    let r = predict_fixture("ingress-nginx/broken.yaml", &PredictOptions::default());
    let names: Vec<_> = r.routes.iter().map(|x| x.object.as_str()).collect();
    assert_eq!(names, ["Ingress/default/before", "Ingress/default/after"]);
    assert_eq!(r.errors.len(), 1);
    let e = &r.errors[0];
    assert_eq!(e.location.file, PathBuf::from("ingress-nginx/broken.yaml"));
    // The error lies inside the second document (lines 17-23 of the file), not at its chunk-relative line.
    let l = e.location.line.unwrap();
    assert!((18..=24).contains(&l), "line {l}");
    assert!(e.location.column.is_some());
}

#[test]
fn alias_bomb_ends_with_a_clear_error() {
    let mut text = String::from("apiVersion: v1\nkind: Ingress\nmetadata:\n  name: bomb\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = 'a';
    for c in 'b'..='j' {
        text.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = c;
    }
    let start = std::time::Instant::now();
    let r = yaml(&text);
    assert!(start.elapsed().as_secs() < 10);
    assert!(r.routes.is_empty());
    assert_eq!(r.errors.len(), 1);
    let msg = &r.errors[0].message;
    assert!(msg.starts_with("YAML document skipped") && (msg.contains("alias") || msg.contains("budget")), "{msg}");
    assert!(r.errors[0].location.line.is_some());
}

#[test]
fn list_helm_and_non_ingress_objects() {
    let r = predict_fixture("ingress-nginx/list-and-helm.yaml", &PredictOptions::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let objs: Vec<_> = r.routes.iter().map(|x| (x.object.as_str(), x.path.as_str())).collect();
    assert_eq!(
        objs,
        [("Ingress/shop/from-list", "/cart"), ("Ingress/shop/shop-helm", "/"), ("Ingress/shop/shop-helm", "/admin")]
    );
    // Each location gets its own cookie Path (reference §1.4).
    assert_eq!(
        r.routes[2].affinity[0].set_cookie_line,
        format!("SHOP={}; Domain=example.com; Path=/admin; Secure; HttpOnly", nginx::VALUE_PLACEHOLDER)
    );
    // The list Ingress has no spec.tls: no Secure.
    assert!(!r.routes[0].affinity[0].secure);
}

#[test]
fn folders_are_read_recursively_and_missing_paths_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingress");
    let missing = root.join("does-not-exist.yaml");
    let r = predict_paths(&[root.clone(), missing.clone()], &PredictOptions::default());
    assert!(r.routes.iter().any(|x| x.host.as_deref() == Some("jsbundler.coinnation.io")));
    assert!(r.routes.iter().any(|x| x.controller == Controller::Traefik));
    assert!(r.errors.iter().any(|e| e.location.file == missing));
    assert!(r.errors.iter().any(|e| e.location.file.ends_with("broken.yaml")));
}

#[test]
fn controller_specs_parse() {
    assert_eq!(
        parse_controller_spec("ingress-nginx@1.12"),
        Some((Controller::IngressNginx, ControllerVersion::new(1, 12, 0)))
    );
    assert_eq!(parse_controller_spec("traefik@v3.6.14"), Some((Controller::Traefik, ControllerVersion::new(3, 6, 14))));
    assert_eq!(parse_controller_spec("traefik"), Some((Controller::Traefik, Controller::Traefik.default_version())));
    assert_eq!(parse_controller_spec("haproxy@1"), None);
    assert_eq!(parse_controller_spec("traefik@x.y"), None);
}

#[test]
fn nginx_annotations_on_an_alb_ingress_are_dead() {
    let text = nginx_ingress(&format!("{P}/enable-cors: \"true\""), "/", true)
        .replace("ingressClassName: nginx", "ingressClassName: alb");
    let r = yaml(&text);
    assert!(finding(&r, "annotation-ignored").is_some());
    assert!(r.routes[0].cors.is_none());
}

#[test]
fn rules_fire_on_their_fixtures() {
    let cases: &[(&str, &[&str])] = &[
        ("ingress-nginx/cors-default-wildcard.yaml", &["cors-wildcard-with-credentials"]),
        ("ingress-nginx/samesite-lowercase.yaml", &["samesite-case-dropped"]),
        // SameSite=None without Secure behind the LB: the error is the rejected cookie.
        ("ingress-nginx/tls-at-lb.yaml", &["samesite-none-without-secure"]),
        ("ingress-nginx/regex-path.yaml", &["regex-cookie-path"]),
        ("ingress-nginx/max-age.yaml", &["cookie-max-age-zero"]),
        ("ingress-nginx/invalid-fallback.yaml", &["invalid-annotation-fallback"]),
        ("ingress-nginx/origins.yaml", &["cors-wildcard-too-deep"]),
        ("ingress-nginx/hygiene.yaml", &["duplicate-annotation", "yaml11-boolean", "annotation-not-string"]),
        ("ingress-nginx/persistent-conditional.yaml", &["preflight-not-sticky"]),
    ];
    for (file, want) in cases {
        let r = predict_fixture(file, &PredictOptions::default());
        let got = rules(&r);
        for w in *want {
            assert!(got.contains(w), "{file}: {w} missing from {got:?}");
        }
        // Each firing fixture also holds a document that must not fire: at most one route has the rule.
        for w in *want {
            let n = r.routes.iter().filter(|x| x.notes.iter().any(|f| is(f, w))).count();
            assert!(n <= 1, "{file}: {w} fired on {n} routes");
        }
    }
    assert!(!rules(&predict_fixture("ingress-nginx/persistent-conditional.yaml", &PredictOptions::default()))
        .contains(&"affinity-mode-balanced"));
}

fn traefik_service_pair(samesite: &str, extra: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\nspec:\n  ingressClassName: traefik\n  rules:\n    - host: api.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port:\n                  number: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    traefik.ingress.kubernetes.io/service.sticky.cookie: \"true\"\n    traefik.ingress.kubernetes.io/service.sticky.cookie.samesite: {samesite}\n{extra}"
    )
}

#[test]
fn traefik_defaults_hashed_name_no_flags_and_samesite_case_by_version() {
    // Defaults (reference §2.1): hashed name, Path=/, no Secure/HttpOnly, Go order.
    let text = traefik_service_pair("lax", "");
    let r = yaml(&text);
    assert_eq!(r.routes[0].controller, Controller::Traefik);
    assert_eq!(
        r.routes[0].affinity[0].set_cookie_line,
        format!("{}={}; Path=/; SameSite=Lax", traefik::DEFAULT_NAME_PLACEHOLDER, traefik::VALUE_PLACEHOLDER)
    );
    // Capitalised `None` is silently dropped before 3.6.14, kept from 3.6.14.
    let text =
        traefik_service_pair("None", "    traefik.ingress.kubernetes.io/service.sticky.cookie.secure: \"true\"\n");
    let old = yaml_with(&text, &opts_at("traefik@3.6.13"));
    assert_eq!(old.routes[0].affinity[0].same_site, None);
    let f = finding(&old, "samesite-case-dropped").unwrap();
    assert_eq!(f.location.line, Some(line_of(&text, "samesite")));
    let new = yaml_with(&text, &opts_at("traefik@3.6.14"));
    assert_eq!(new.routes[0].affinity[0].same_site.as_deref(), Some("None"));
    assert!(new.routes[0].affinity[0].set_cookie_line.ends_with("; Secure; SameSite=None"));
    assert!(finding(&new, "samesite-case-dropped").is_none());
}

#[test]
fn traefik_never_adds_secure_itself() {
    let r = yaml(&traefik_service_pair("none", ""));
    let c = &r.routes[0].affinity[0];
    assert!(!c.secure);
    assert_eq!(finding(&r, "samesite-none-without-secure").unwrap().severity, Severity::Error);
}

#[test]
fn traefik_crd_rejects_capitals_between_3_4_and_3_6_13() {
    let text = std::fs::read_to_string(fixture("traefik/ingressroute.yaml")).unwrap();
    let r = yaml_with(&text, &opts_at("traefik@3.5.0"));
    // The TraefikService writes `sameSite: None`.
    let f = finding(&r, "samesite-rejected-by-crd").unwrap();
    assert_eq!(f.location.line, Some(line_of(&text, "sameSite: None")));
    let r = yaml_with(&text, &opts_at("traefik@3.3.0"));
    assert!(finding(&r, "samesite-rejected-by-crd").is_none());
    assert!(finding(&r, "samesite-case-dropped").is_some());
}

#[test]
fn traefik_wildcard_with_credentials_by_version() {
    let text = std::fs::read_to_string(fixture("traefik/ingressroute.yaml")).unwrap();
    let old = yaml_with(&text, &opts_at("traefik@3.6.21"));
    assert_eq!(old.routes[0].cors.as_ref().unwrap().allow_origins, AllowOrigins::Any);
    assert!(finding(&old, "cors-wildcard-with-credentials").is_some());
    // Before 3.6.22 an unset max age is sent as 0.
    assert_eq!(old.routes[0].cors.as_ref().unwrap().max_age, Some(0));
    let new = yaml_with(&text, &opts_at("traefik@3.6.22"));
    assert_eq!(new.routes[0].cors.as_ref().unwrap().allow_origins, AllowOrigins::Reflect);
    assert!(finding(&new, "cors-wildcard-with-credentials").is_none());
    assert_eq!(new.routes[0].cors.as_ref().unwrap().max_age, None);
}

#[test]
fn traefik_ingressroute_routes_and_cors_findings() {
    let r = predict_fixture("traefik/ingressroute.yaml", &PredictOptions::default());
    let hp: Vec<_> = r.routes.iter().map(|x| (x.host.as_deref(), x.path.as_str())).collect();
    assert_eq!(hp, [(Some("shop.example.com"), "/api"), (Some("shop.example.com"), "/")]);
    assert!(r.routes.iter().all(|x| x.tls));
    let c = &r.routes[0].affinity[0];
    assert_eq!(
        c.set_cookie_line,
        format!("shop_route={}; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=None", traefik::VALUE_PLACEHOLDER)
    );
    let cors = r.routes[0].cors.as_ref().unwrap();
    assert!(cors.answers_preflight && !cors.unmatched_preflight_forwarded);
    assert_eq!(cors.preflight_status, Some(200));
    for rule in
        ["cors-comma-separated-origins", "cors-wildcard-literal", "cors-origin-regex-unanchored", "cors-no-vary-origin"]
    {
        assert!(finding(&r, rule).is_some(), "{rule}");
    }
    // Only the unanchored regex is flagged, not the anchored one.
    assert_eq!(r.routes[0].notes.iter().filter(|f| is(f, "cors-origin-regex-unanchored")).count(), 1);
    // Weighted stickiness from the TraefikService: negative maxAge → Max-Age=0.
    assert!(r.routes[1].affinity[0].set_cookie_line.contains("; Max-Age=0"));
    assert!(finding(&r, "cookie-max-age-zero").is_some());
}

#[test]
fn traefik_service_annotations_on_the_ingress_are_ignored() {
    let r = predict_fixture("traefik/wrong-object.yaml", &PredictOptions::default());
    assert!(r.routes[0].affinity.is_empty());
    // Ignored annotations are the registry's warning wherever they sit (an Ingress or another controller).
    assert_eq!(finding(&r, "annotation-ignored").unwrap().severity, Severity::Warning);
    let r = predict_fixture("traefik/service-sticky.yaml", &PredictOptions::default());
    assert!(finding(&r, "annotation-ignored").is_none());
    assert_eq!(r.routes[0].affinity.len(), 1);
    assert!(r.routes[0].cors.as_ref().unwrap().vary_origin);
}

#[test]
fn gateway_api_envoy_gateway_cookie_and_cors() {
    let r = predict_fixture("gateway-api/session-and-cors.yaml", &PredictOptions::default());
    assert_eq!(r.routes.len(), 2);
    let api = &r.routes[0];
    assert_eq!(api.controller, Controller::GatewayApi);
    // Envoy: quoted value, Max-Age from absoluteTimeout (Permanent), Path = the PathPrefix, HttpOnly, nothing else.
    assert_eq!(api.affinity[0].set_cookie_line, "route=\"<base64-upstream>\"; Max-Age=3600; Path=/api; HttpOnly");
    assert!(finding(&r, "gateway-api-experimental").is_some());
    let cors = api.cors.as_ref().unwrap();
    match &cors.allow_origins {
        AllowOrigins::List { origins } => assert_eq!(origins[1].matching, OriginMatch::AnyLabelsWildcard),
        o => panic!("{o:?}"),
    }
    assert_eq!(cors.max_age, Some(5), "Gateway API maxAge defaults to 5 s");
    // `*` + credentials must be answered with the request origin, never `*`.
    assert_eq!(r.routes[1].cors.as_ref().unwrap().allow_origins, AllowOrigins::Reflect);
    assert!(r.routes[1].notes.iter().any(|f| is(f, "cors-reflects-any-origin")));
    // Session lifetime: no Max-Age.
    let text = std::fs::read_to_string(fixture("gateway-api/session-and-cors.yaml"))
        .unwrap()
        .replace("lifetimeType: Permanent", "lifetimeType: Session");
    let r = yaml(&text);
    assert_eq!(r.routes[0].affinity[0].max_age, None);
    assert!(!r.routes[0].affinity[0].set_cookie_line.contains("Max-Age"));
}

#[test]
fn gateway_api_unsupported_features_by_implementation_and_version() {
    let r = predict_fixture("gateway-api/unsupported.yaml", &PredictOptions::default());
    assert!(r.routes[0].affinity.is_empty());
    assert!(r.routes[0].cors.is_none());
    assert!(finding(&r, "unsupported-by-controller").is_some());
    assert!(finding(&r, "unsupported-by-controller").is_some());
    let text = std::fs::read_to_string(fixture("gateway-api/session-and-cors.yaml")).unwrap();
    let r = yaml_with(&text, &opts_at("gateway-api@1.2"));
    assert!(r.routes[0].cors.is_none());
    assert!(finding(&r, "unsupported-by-controller").is_some());
}

#[test]
fn istio_cookie_attributes_from_1_28_only() {
    let text = std::fs::read_to_string(fixture("istio/destinationrule-cors.yaml")).unwrap();
    let r = yaml(&text);
    let c = &r.routes[0].affinity[0];
    // Envoy order: name="v"; Max-Age; Path; attributes...; HttpOnly.
    assert_eq!(
        c.set_cookie_line,
        format!("route=\"{}\"; Max-Age=3600; Path=/; SameSite=None; Secure; HttpOnly", "<hash>")
    );
    assert!(c.secure);
    let r = yaml_with(&text, &opts_at("istio@1.27"));
    let c = &r.routes[0].affinity[0];
    assert_eq!(c.set_cookie_line, "route=\"<hash>\"; Max-Age=3600; Path=/; HttpOnly");
    let f = finding(&r, "unsupported-by-controller").unwrap();
    assert_eq!(f.location.line, Some(line_of(&text, "attributes:")));
    // No ttl: Envoy never generates the cookie.
    assert!(r.routes[1].affinity.is_empty());
    assert!(r.routes[1].notes.iter().any(|f| is(f, "istio-cookie-not-generated")));
    // CORS: Envoy always reflects; `*` + credentials is permissive.
    let cors = r.routes[1].cors.as_ref().unwrap();
    assert_eq!(cors.allow_origins, AllowOrigins::Reflect);
    assert!(r.routes[1].notes.iter().any(|f| is(f, "cors-reflects-any-origin")));
    assert_eq!(r.routes[0].cors.as_ref().unwrap().max_age, Some(86_400));
    assert!(r.routes[0].cors.as_ref().unwrap().unmatched_preflight_forwarded);
}

#[test]
fn alb_emits_awsalb_and_awsalbcors() {
    let r = predict_fixture("aws-alb/stickiness.yaml", &PredictOptions::default());
    let a = &r.routes[0].affinity;
    assert_eq!(r.routes[0].controller, Controller::AwsAlb);
    let names: Vec<_> = a.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["AWSALB", "AWSALBCORS"]);
    // 2026-01-01T00:00:00Z + 3600 s, IMF-fixdate.
    assert_eq!(a[0].set_cookie_line, "AWSALB=<opaque>; Expires=Thu, 01 Jan 2026 01:00:00 GMT; Path=/");
    assert!(a[1].secure && a[1].same_site.as_deref() == Some("None"));
    assert!(r.routes[0].cors.is_none());
    assert!(r.routes[0].notes.iter().any(|f| is(f, "alb-sticky-needs-ip-target")));
    assert!(r.routes[0].notes.iter().any(|f| is(f, "preflight-not-sticky")));
    assert!(finding(&r, "annotation-ignored").is_some());
    // Service annotations, ip targets, application cookie.
    assert!(r.routes[1].affinity.iter().all(|c| c.name == "AWSALBAPP"));
    assert!(!r.routes[1].notes.iter().any(|f| is(f, "alb-sticky-needs-ip-target")));
}

#[test]
fn gke_backendconfig_by_port() {
    let r = predict_fixture("gke/backendconfig.yaml", &PredictOptions::default());
    let c = &r.routes[0].affinity[0];
    assert_eq!(c.name, "GCLB");
    assert_eq!(c.max_age, Some(600));
    assert_eq!(c.same_site, None);
    assert!(c.unconfirmed.is_some());
    // Port 80 maps to "sticky"; with the port entry removed, "default" (absent) gives no cookie.
    let text = std::fs::read_to_string(fixture("gke/backendconfig.yaml"))
        .unwrap()
        .replace("\"80\": \"sticky\"", "\"81\": \"sticky\"");
    let r = yaml(&text);
    assert!(r.routes[0].affinity.is_empty());
    assert!(finding(&r, "reference-not-found").is_some());
}

#[test]
fn same_yaml_on_traefiks_ingress_nginx_provider() {
    let opts = opts_at("traefik@3.6.14");
    // Seed: no Secure (not automatic on Traefik), HttpOnly always, Go attribute order.
    let r = predict_fixture("ingress-nginx/seed.yaml", &opts);
    assert_eq!(r.routes[0].controller, Controller::Traefik);
    assert_eq!(
        r.routes[0].affinity[0].set_cookie_line,
        format!("route={}; Path=/; HttpOnly", traefik::VALUE_PLACEHOLDER)
    );
    assert!(finding(&r, "annotation-ignored").is_none());
    let r = predict_fixture("ingress-nginx/seed-fixed.yaml", &opts);
    assert_eq!(
        r.routes[0].affinity[0].set_cookie_line,
        format!("route={}; Path=/; HttpOnly; Secure; SameSite=None", traefik::VALUE_PLACEHOLDER)
    );
    // Lower-case `none` works here (lower-cased), unlike on ingress-nginx.
    let text = nginx_ingress(
        &format!("{P}/affinity: cookie\n{P}/session-cookie-samesite: \"none\"\n{P}/session-cookie-secure: \"true\""),
        "/api",
        true,
    );
    let r = yaml_with(&text, &opts);
    assert_eq!(r.routes[0].affinity[0].same_site.as_deref(), Some("None"));
    assert!(finding(&r, "samesite-case-dropped").is_none());
    assert!(finding(&r, "cookie-path-differs-from-ingress-nginx").is_some());
    assert_eq!(r.routes[0].affinity[0].path.as_deref(), Some("/"));
    // Default CORS: literal `*` before 3.6.22, reflected from 3.6.22.
    let text = nginx_ingress(&format!("{P}/enable-cors: \"true\""), "/", true);
    let r = yaml_with(&text, &opts_at("traefik@3.6.21"));
    assert_eq!(r.routes[0].cors.as_ref().unwrap().allow_origins, AllowOrigins::Any);
    assert!(finding(&r, "cors-wildcard-with-credentials").is_some());
    let r = yaml_with(&text, &opts_at("traefik@3.6.22"));
    assert_eq!(r.routes[0].cors.as_ref().unwrap().allow_origins, AllowOrigins::Reflect);
    // Before 3.5 there is no such provider: the nginx-class Ingress stays ingress-nginx.
    let r = yaml_with(&text, &opts_at("traefik@3.4"));
    assert_eq!(r.routes[0].controller, Controller::IngressNginx);
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    const TEMPLATE: &str = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: p\n  annotations:\n    nginx.ingress.kubernetes.io/affinity: cookie\n    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n    nginx.ingress.kubernetes.io/KEY: VALUE\nspec:\n  rules:\n    - host: a.example\n      http:\n        paths:\n          - path: PATH\n            backend: {service: {name: s, port: {number: 80}}}\n";

    const KEYS: &[&str] = &[
        "session-cookie-name",
        "session-cookie-path",
        "session-cookie-samesite",
        "session-cookie-expires",
        "session-cookie-max-age",
        "session-cookie-domain",
        "session-cookie-secure",
        "cors-allow-origin",
        "cors-max-age",
        "cors-allow-credentials",
        "affinity-mode",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Arbitrary bytes as a manifest: an error or a report, never a panic.
        #[test]
        fn arbitrary_text(text in "\\PC{0,300}") {
            let _ = predict_texts(&[(PathBuf::from("p.yaml"), text)], &PredictOptions::default());
        }

        /// Arbitrary annotation values and paths, under every controller version gate.
        #[test]
        fn arbitrary_annotation_values(
            key in 0..KEYS.len(),
            value in "[ -~]{0,40}",
            path in "[ -~]{0,20}",
            spec in prop::sample::select(vec!["ingress-nginx@1.0.4", "ingress-nginx@1.11", "ingress-nginx@1.15", "traefik@3.6.21", "traefik@3.7"]),
        ) {
            let text = TEMPLATE
                .replace("KEY", KEYS[key])
                .replace("VALUE", &format!("'{}'", value.replace('\'', "''")))
                .replace("PATH", &format!("'{}'", path.replace('\'', "''")));
            let r = predict_texts(&[(PathBuf::from("p.yaml"), text)], &opts_at(spec));
            prop_assert!(r.errors.is_empty(), "{:?}", r.errors);
            prop_assert_eq!(r.routes.len(), 1);
            for f in r.routes.iter().flat_map(|x| x.notes.iter()) {
                prop_assert!(f.location.line.is_some());
            }
        }
    }
}

#[test]
fn extreme_numbers_do_not_overflow() {
    for v in ["9223372036854775807", "-9223372036854775808", "999999999999999"] {
        let text = nginx_ingress(
            &format!("{P}/affinity: cookie\n{P}/session-cookie-expires: \"{v}\"\n{P}/session-cookie-max-age: \"{v}\""),
            "/",
            true,
        );
        let r = yaml(&text);
        assert_eq!(r.routes[0].affinity.len(), 1);
        let r = yaml_with(&text, &opts_at("traefik@3.7"));
        assert_eq!(r.routes[0].affinity.len(), 1);
    }
}
