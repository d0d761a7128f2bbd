use super::*;
use crate::model::http::Header;

fn hdrs(pairs: &[(&str, &str)]) -> Headers {
    Headers(pairs.iter().map(|(n, v)| Header::new(*n, *v)).collect())
}

fn api() -> Origin {
    Origin::parse("https://jsbundler.coinnation.io").unwrap()
}

fn observed(origin_sent: &str, h: &[(&str, &str)]) -> Vec<SecurityIssue> {
    let headers = hdrs(h);
    let target = api();
    check_observed(&[ObservedResponse { origin_sent, target: &target, headers: &headers }])
}

fn classes(issues: &[SecurityIssue]) -> Vec<IssueClass> {
    issues.iter().map(|i| i.class).collect()
}

fn regex(p: &str, semantics: RegexSemantics) -> Vec<SecurityIssue> {
    check_pattern(&AllowOriginPattern::Regex { pattern: p.into(), semantics, case_insensitive: false }, true, true)
}

const SEED_OK: &[(&str, &str)] = &[
    ("Access-Control-Allow-Origin", "https://kontext.build"),
    ("Access-Control-Allow-Credentials", "true"),
    ("Vary", "Accept-Encoding, Origin"),
];

#[test]
fn seed_correct_answer_has_no_issue() {
    assert!(observed("https://kontext.build", SEED_OK).is_empty());
}

#[test]
fn ids_are_kebab_case_and_distinct() {
    let all = [
        IssueClass::OriginReflected,
        IssueClass::NullOriginAllowed,
        IssueClass::HttpOriginTrusted,
        IssueClass::MissingVaryOrigin,
        IssueClass::WildcardWithCredentials,
        IssueClass::UnescapedDot,
        IssueClass::UnanchoredPattern,
        IssueClass::WildcardSubdomain,
        IssueClass::CommaSeparatedOrigins,
        IssueClass::ThirdPartyUserContent,
        IssueClass::PatternNotAnalysed,
    ];
    let mut ids: Vec<&str> = all.iter().map(|c| c.id()).collect();
    assert!(ids.iter().all(|id| id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
}

#[test]
fn reflection_with_credentials() {
    let target = api();
    let a = hdrs(&[
        ("Access-Control-Allow-Origin", "https://kontext.build"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Vary", "Origin"),
    ]);
    let b = hdrs(&[
        ("Access-Control-Allow-Origin", "https://attacker.example"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Vary", "Origin"),
    ]);
    let issues = check_observed(&[
        ObservedResponse { origin_sent: "https://kontext.build", target: &target, headers: &a },
        ObservedResponse { origin_sent: "https://attacker.example", target: &target, headers: &b },
    ]);
    assert_eq!(classes(&issues), vec![IssueClass::OriginReflected]);
    assert_eq!(issues[0].risk, Risk::High);
    // Two origins of one site echoed: an allow-list, not reflection.
    let c = hdrs(&[("Access-Control-Allow-Origin", "https://www.kontext.build"), ("Vary", "Origin")]);
    let issues = check_observed(&[
        ObservedResponse { origin_sent: "https://kontext.build", target: &target, headers: &a },
        ObservedResponse { origin_sent: "https://www.kontext.build", target: &target, headers: &c },
    ]);
    assert!(issues.is_empty(), "{issues:?}");
}

#[test]
fn lookalike_echo_is_unanchored() {
    let issues = observed(
        "https://coinnation.io.attacker.example",
        &[("Access-Control-Allow-Origin", "https://coinnation.io.attacker.example"), ("Vary", "Origin")],
    );
    assert_eq!(classes(&issues), vec![IssueClass::UnanchoredPattern]);
    let issues = observed(
        "https://evilcoinnation.io",
        &[("Access-Control-Allow-Origin", "https://evilcoinnation.io"), ("Vary", "Origin")],
    );
    assert_eq!(classes(&issues), vec![IssueClass::UnanchoredPattern]);
    // A real subdomain echoed is not a look-alike.
    assert!(observed(
        "https://app.coinnation.io",
        &[("Access-Control-Allow-Origin", "https://app.coinnation.io"), ("Vary", "Origin")]
    )
    .is_empty());
}

#[test]
fn null_origin() {
    let i = observed("null", &[("Access-Control-Allow-Origin", "null"), ("Access-Control-Allow-Credentials", "true")]);
    assert_eq!(classes(&i)[0], IssueClass::NullOriginAllowed);
    assert_eq!(i[0].risk, Risk::High);
    assert!(!classes(&observed("https://kontext.build", SEED_OK)).contains(&IssueClass::NullOriginAllowed));
}

#[test]
fn http_origin_trusted() {
    let i = observed(
        "http://kontext.build",
        &[("Access-Control-Allow-Origin", "http://kontext.build"), ("Vary", "Origin")],
    );
    assert_eq!(classes(&i), vec![IssueClass::HttpOriginTrusted]);
    // http://localhost is potentially trustworthy (and only reachable locally).
    assert!(observed(
        "http://localhost:3000",
        &[("Access-Control-Allow-Origin", "http://localhost:3000"), ("Vary", "Origin")]
    )
    .is_empty());
}

#[test]
fn missing_vary_origin() {
    let i = observed("https://kontext.build", &[("Access-Control-Allow-Origin", "https://kontext.build")]);
    assert_eq!(classes(&i), vec![IssueClass::MissingVaryOrigin]);
    assert!(observed("https://kontext.build", &[("Access-Control-Allow-Origin", "*")]).is_empty());
    assert!(observed(
        "https://kontext.build",
        &[("Access-Control-Allow-Origin", "https://kontext.build"), ("vary", "*")]
    )
    .is_empty());
}

#[test]
fn wildcard_with_credentials() {
    let i = observed(
        "https://kontext.build",
        &[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")],
    );
    assert_eq!(classes(&i), vec![IssueClass::WildcardWithCredentials]);
    assert!(observed("https://kontext.build", &[("Access-Control-Allow-Origin", "*")]).is_empty());
    let exact = check_pattern(&AllowOriginPattern::Exact("*".into()), true, true);
    assert_eq!(classes(&exact), vec![IssueClass::WildcardWithCredentials]);
    assert!(check_pattern(&AllowOriginPattern::Exact("*".into()), true, false).is_empty());
}

#[test]
fn comma_separated() {
    let i = check_pattern(
        &AllowOriginPattern::Exact("https://kontext.build, https://admin.kontext.build".into()),
        true,
        true,
    );
    assert_eq!(classes(&i), vec![IssueClass::CommaSeparatedOrigins]);
    let i = observed(
        "https://kontext.build",
        &[("Access-Control-Allow-Origin", "https://kontext.build, https://x.example")],
    );
    assert_eq!(classes(&i), vec![IssueClass::CommaSeparatedOrigins]);
    assert!(check_pattern(&AllowOriginPattern::Exact("https://kontext.build".into()), true, true).is_empty());
}

#[test]
fn third_party_user_content() {
    let i = check_pattern(&AllowOriginPattern::Exact("https://codepen.io".into()), true, true);
    assert_eq!((classes(&i), i[0].risk), (vec![IssueClass::ThirdPartyUserContent], Risk::High));
    let i = check_pattern(&AllowOriginPattern::Wildcard("https://*.github.io".into()), true, true);
    assert_eq!(classes(&i), vec![IssueClass::ThirdPartyUserContent]);
    // One GitHub Pages site is its own site: only a reminder.
    let i = check_pattern(&AllowOriginPattern::Exact("https://kontext.github.io".into()), true, true);
    assert_eq!((classes(&i), i[0].risk), (vec![IssueClass::ThirdPartyUserContent], Risk::Low));
    assert!(check_pattern(&AllowOriginPattern::Exact("https://kontext.build".into()), true, true).is_empty());
}

#[test]
fn wildcard_subdomains() {
    let one = check_pattern(&AllowOriginPattern::Wildcard("https://*.kontext.build".into()), true, true);
    assert_eq!((classes(&one), one[0].risk), (vec![IssueClass::WildcardSubdomain], Risk::Medium));
    let deep = check_pattern(&AllowOriginPattern::Wildcard("https://app-*.kontext.build".into()), true, true);
    assert_eq!((classes(&deep), deep[0].risk), (vec![IssueClass::WildcardSubdomain], Risk::High));
    let suffix = check_pattern(&AllowOriginPattern::Wildcard("https://*.co.uk".into()), true, false);
    assert_eq!((classes(&suffix), suffix[0].risk), (vec![IssueClass::WildcardSubdomain], Risk::High));
    let http = check_pattern(&AllowOriginPattern::Wildcard("http://*.kontext.build".into()), true, false);
    assert!(classes(&http).contains(&IssueClass::HttpOriginTrusted));
    // No wildcard: an exact origin.
    assert!(check_pattern(&AllowOriginPattern::Wildcard("https://kontext.build".into()), true, true).is_empty());
}

#[test]
fn regex_unanchored() {
    let i = regex(r"https://kontext\.build", RegexSemantics::Search);
    assert_eq!(classes(&i), vec![IssueClass::UnanchoredPattern]);
    assert!(i[0].message.contains("https://kontext.build.attacker-example.net"));
    assert!(!i[0].message.contains("evilkontext"), "the scheme in the pattern stops suffix look-alikes");
    let i = regex(r"kontext\.build", RegexSemantics::Search);
    assert!(i[0].message.contains("https://kontext.build.attacker-example.net"));
    assert!(i[0].message.contains("https://evilkontext.build"));
    // Suffix only: anchored at the end, not the start.
    // (unanchored at the start it also takes any scheme and any subdomain).
    let i = regex(r"kontext\.build$", RegexSemantics::Search);
    assert_eq!(
        classes(&i),
        vec![IssueClass::UnanchoredPattern, IssueClass::HttpOriginTrusted, IssueClass::WildcardSubdomain]
    );
    assert!(!i[0].message.contains("attacker-example"));
    // Anchored, or a full-match engine: fine.
    assert!(regex(r"^https://kontext\.build$", RegexSemantics::Search).is_empty());
    assert!(regex(r"https://kontext\.build", RegexSemantics::FullMatch).is_empty());
}

#[test]
fn regex_unescaped_dot() {
    let i = regex(r"^https://app.kontext\.build$", RegexSemantics::Search);
    assert_eq!((classes(&i), i[0].risk), (vec![IssueClass::UnescapedDot], Risk::High));
    assert!(i[0].message.contains("https://appxkontext.build"));
    let i = regex(r"^https://kontext.build$", RegexSemantics::Search);
    assert_eq!((classes(&i), i[0].risk), (vec![IssueClass::UnescapedDot], Risk::Low));
    assert!(regex(r"^https://app\.kontext\.build$", RegexSemantics::Search).is_empty());
}

#[test]
fn regex_any_origin_null_http_and_subdomains() {
    assert_eq!(classes(&regex(".*", RegexSemantics::FullMatch)), vec![IssueClass::OriginReflected]);
    assert_eq!(
        classes(&regex(r"^(null|https://kontext\.build)$", RegexSemantics::Search)),
        vec![IssueClass::NullOriginAllowed]
    );
    assert_eq!(
        classes(&regex(r"^https?://kontext\.build$", RegexSemantics::Search)),
        vec![IssueClass::HttpOriginTrusted]
    );
    assert_eq!(
        classes(&regex(r"^https://([a-z0-9-]+\.)*kontext\.build$", RegexSemantics::Search)),
        vec![IssueClass::WildcardSubdomain]
    );
    assert_eq!(
        classes(&regex(r"^https://[a-z0-9-]+\.github\.io$", RegexSemantics::Search)),
        vec![IssueClass::ThirdPartyUserContent]
    );
}

#[test]
fn regex_not_analysed() {
    let i = regex(r"^https://(?!evil)[a-z]+\.kontext\.build$", RegexSemantics::Search);
    assert_eq!(classes(&i), vec![IssueClass::PatternNotAnalysed]);
    assert_eq!(classes(&regex(r"^https://[a-z]+$", RegexSemantics::Search)), vec![IssueClass::PatternNotAnalysed]);
}

#[test]
fn nginx_case_insensitive() {
    let p = AllowOriginPattern::Regex {
        pattern: r"^https://KONTEXT\.build".into(),
        semantics: RegexSemantics::Search,
        case_insensitive: true,
    };
    let i = check_pattern(&p, true, true);
    assert_eq!(classes(&i), vec![IssueClass::UnanchoredPattern]);
    assert!(i[0].message.contains("attacker-example.net") && !i[0].message.contains("evil"));
}

proptest::proptest! {
    /// The same answer as "equal to a listed domain, or ends with a dot and it", on hosts built
    /// from the listed domains' pieces (so near misses such as `xgithub.io` are common).
    #[test]
    fn user_content_domain_is_the_listed_domain_or_a_subdomain(
        prefix in "(|a|x|a\\.|A\\.b\\.)",
        d in proptest::sample::select(USER_CONTENT_DOMAINS),
        upper in proptest::bool::ANY,
        dot in proptest::bool::ANY,
    ) {
        let mut host = format!("{prefix}{d}");
        if upper {
            host = host.to_ascii_uppercase();
        }
        if dot {
            host.push('.');
        }
        let expected = {
            let h = host.trim_end_matches('.').to_ascii_lowercase();
            USER_CONTENT_DOMAINS.iter().copied().find(|d| h == *d || h.ends_with(&format!(".{d}")))
        };
        proptest::prop_assert_eq!(user_content_domain(&host), expected);
    }
}
