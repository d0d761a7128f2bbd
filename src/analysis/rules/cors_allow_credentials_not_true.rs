//! A rule as a unit: its check, message and fixes in this one file; its registry line in
//! `rules.rs` (which declares this module); its page `rules/cors-allow-credentials-not-true.md`;
//! its fixtures in `fixtures/rules/cors-allow-credentials-not-true/`.
//!
//! Fetch's CORS check (FETCH §4.10 step 7) accepts credentials only when
//! `Access-Control-Allow-Credentials` is exactly the bytes `true`; several header lines are combined
//! with `, ` first. So `True`, `TRUE`, `1`, `yes` and a doubled `true, true` (a proxy and the backend
//! both adding it) all refuse a credentialed response — in every browser. `false` is what it says
//! and not reported.

use super::{finding, Facts, RuleId};
use crate::analysis::findings::redact_query;
use crate::analysis::headers::{Answer, HeadersReport};
use crate::analysis::report::Finding;

const RULE: RuleId = RuleId::CorsAllowCredentialsNotTrue;

/// The combined value when it is meant to allow credentials but is not exactly `true`.
fn wrong_value(answer: &Answer) -> Option<String> {
    let values: Vec<&str> = answer
        .headers
        .get_all("access-control-allow-credentials")
        .map(|v| v.trim_matches([' ', '\t', '\r', '\n']))
        .collect();
    if values.is_empty() {
        return None;
    }
    let combined = values.join(", ");
    (combined != "true" && !combined.eq_ignore_ascii_case("false")).then_some(combined)
}

fn message(report: &HeadersReport, answer: &Answer, value: &str) -> String {
    let host = report.request.url.host_str().unwrap_or("");
    let which = if answer.preflight { "the preflight answer" } else { "the response" };
    let effect = if report.request.credentials.as_str() == "include" {
        "so this credentialed request fails CORS"
    } else {
        "so any request with credentials: 'include' would fail CORS"
    };
    format!(
        "{which} from {host} ({} {}) sends `Access-Control-Allow-Credentials: {value}`: browsers accept only the exact lower-case `true`, {effect}",
        report.request.method,
        redact_query(report.request.url.as_str()),
    )
}

fn fixes(value: &str) -> Vec<String> {
    let mut out = vec!["server: send `Access-Control-Allow-Credentials: true` exactly once, lower case (or leave it out when no cookies are needed)".to_string()];
    if value.contains(',') {
        out.push("proxy: add the CORS headers in one place only (the proxy or the backend), not both".to_string());
    }
    out
}

/// Pushes one finding per response whose `Access-Control-Allow-Credentials` is not exactly `true`.
pub(super) fn check(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Facts::Headers(report) = facts else { return };
    for answer in &report.answers {
        let Some(value) = wrong_value(answer) else { continue };
        let mut f = finding(RULE, message(report, answer, &value), fixes(&value));
        f.host = report.request.url.host_str().map(str::to_string);
        // The same check in every browser.
        f.browsers = report.verdicts.iter().map(|v| v.browser).collect();
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::http::{Header, Headers};

    fn answer(values: &[&str]) -> Answer {
        let headers = Headers(values.iter().map(|v| Header::new("Access-Control-Allow-Credentials", *v)).collect());
        Answer { status: 200, headers, preflight: false }
    }

    #[test]
    fn only_exactly_true_or_false_pass() {
        assert_eq!(wrong_value(&answer(&["true"])), None);
        assert_eq!(wrong_value(&answer(&[" true "])), None);
        assert_eq!(wrong_value(&answer(&["false"])), None);
        assert_eq!(wrong_value(&answer(&[])), None);
        assert_eq!(wrong_value(&answer(&["True"])).as_deref(), Some("True"));
        assert_eq!(wrong_value(&answer(&["1"])).as_deref(), Some("1"));
        assert_eq!(wrong_value(&answer(&["true", "true"])).as_deref(), Some("true, true"));
    }

    #[test]
    fn agrees_with_the_models_cors_check() {
        // Whenever the model's CORS check (credentials include) refuses for ACAC alone, the rule fires.
        use crate::model::cors::{cors_check, CorsError};
        use crate::model::request::CredentialsMode;
        for values in [&["True"][..], &["true", "true"], &["1"], &["true"], &["false"]] {
            let mut a = answer(values);
            a.headers.0.push(Header::new("Access-Control-Allow-Origin", "https://app.example"));
            let refused = cors_check("https://app.example", CredentialsMode::Include, &a.headers)
                .iter()
                .any(|e| e.error == CorsError::InvalidAllowCredentials);
            let fires = wrong_value(&a).is_some();
            let is_false = values == ["false"];
            assert_eq!(refused, fires || is_false, "{values:?}");
        }
    }
}
