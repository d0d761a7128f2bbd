//! `crossjar headers`: one request described on the command line, the responses `curl -i` printed,
//! and per browser: is a preflight needed, does CORS pass, is each `Set-Cookie` stored, would it be sent
//! back on the next such request.

use url::Url;

use crate::model::cors::{self, CorsRequest, CorsResponse, CorsVerdict, RequestMode};
use crate::model::http::Headers;
use crate::model::jar::CookieJar;
use crate::model::profile::Browser;
use crate::model::reason::{Exclusion, Warning};
use crate::model::request::{CredentialsMode, RequestContext, RequestKind};
use crate::model::site::Origin;
use crate::model::time::Timestamp;

/// The request the responses answered, as the user describes it.
#[derive(Clone, Debug)]
pub struct HeadersRequest {
    /// The request URL.
    pub url: Url,
    /// The page origin making the request (`None`: the URL's own origin, i.e. same-origin).
    pub from: Option<Origin>,
    /// The method.
    pub method: String,
    /// Headers the page sets (`Content-Type: application/json`, custom headers).
    pub headers: Headers,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The kind of request.
    pub kind: RequestKind,
    /// The (first) response answers this request's preflight (`crossjar headers --preflight`, or
    /// `curl -v` printed `> OPTIONS` before it): it is judged as a preflight answer, even when the
    /// request as described needs none.
    pub preflight: bool,
}

/// What one browser does with one `Set-Cookie`.
#[derive(Clone, Debug)]
pub struct HeaderCookie {
    /// Cookie name.
    pub name: String,
    /// Stored.
    pub stored: bool,
    /// Why not (all reasons).
    pub reasons: Vec<Exclusion>,
    /// Warnings.
    pub warnings: Vec<Warning>,
    /// Sent back on the next identical request.
    pub sent_next: bool,
    /// Why not, on the next request.
    pub next_reasons: Vec<Exclusion>,
}

/// One browser's verdict.
#[derive(Clone, Debug)]
pub struct HeadersVerdict {
    /// The browser.
    pub browser: Browser,
    /// The CORS verdict (absent for navigations, WebSockets and same-origin requests).
    pub cors: Option<CorsVerdict>,
    /// Every `Set-Cookie` of the final response.
    pub cookies: Vec<HeaderCookie>,
}

/// The report for `crossjar headers`.
#[derive(Clone, Debug)]
pub struct HeadersReport {
    /// Input name.
    pub input: String,
    /// The request as analysed.
    pub request: HeadersRequest,
    /// Responses read (after dropping `100 Continue` and proxy `CONNECT` answers).
    pub responses: usize,
    /// Per browser.
    pub verdicts: Vec<HeadersVerdict>,
    /// The headers of every response judged, in order: the preflight answer (when there is one)
    /// first, then the redirect hops and the final response. Rules that judge header values (not
    /// browser verdicts) read these.
    pub answers: Vec<Answer>,
}

/// One response of the input, as a rule sees it.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers, in order, duplicates kept.
    pub headers: Headers,
    /// Whether it answered the preflight.
    pub preflight: bool,
}

fn mode_of(kind: RequestKind) -> RequestMode {
    match kind {
        RequestKind::Navigation | RequestKind::Iframe => RequestMode::Navigate,
        RequestKind::WebSocket => RequestMode::WebSocket,
        RequestKind::Subresource => RequestMode::NoCors,
        _ => RequestMode::Cors,
    }
}

/// Analyses responses (as `(status, headers)`, in order; the last is the final one; a leading
/// preflight answer is recognised when the request needs one and the first response answered OPTIONS).
pub fn analyse(
    input: &str,
    request: HeadersRequest,
    responses: Vec<(u16, Headers, Option<String>)>,
    browsers: &[Browser],
    time: Timestamp,
) -> HeadersReport {
    let from = request.from.clone().unwrap_or_else(|| Origin::of_url(&request.url));
    let mut cors_req = CorsRequest::new(from.clone(), request.url.clone(), &request.method)
        .with_credentials(request.credentials)
        .with_mode(mode_of(request.kind));
    cors_req.headers = request.headers.clone();
    // A response to an OPTIONS request line (curl -v) or, when a preflight is needed and there are two
    // or more responses, the first one, is the preflight's answer.
    let mut resp: Vec<(u16, Headers, Option<String>)> = responses;
    let needs = cors::needs_preflight(&cors_req);
    // Preflight-only headers (`Access-Control-Allow-Methods`/`-Headers`/`-Max-Age`) on the first answer
    // of a request that needs a preflight mark it as the preflight's answer.
    let preflight_only = |h: &Headers| {
        ["access-control-allow-methods", "access-control-allow-headers", "access-control-max-age"]
            .iter()
            .any(|n| h.contains(n))
    };
    let answered_options = resp.first().is_some_and(|r| r.2.as_deref() == Some("OPTIONS"));
    let preflight = if (request.preflight && !resp.is_empty())
        || answered_options
        || (needs && resp.first().is_some_and(|r| r.2.is_none() && (resp.len() >= 2 || preflight_only(&r.1))))
    {
        let (s, h, _) = resp.remove(0);
        Some(CorsResponse::new(s, h))
    } else {
        None
    };
    // Given a preflight answer for a request that needs none (the description may leave out the
    // method or headers that trigger it), it is still checked as a preflight answer.
    let forced = preflight.as_ref().filter(|_| !needs);
    let mut request = request;
    request.preflight = preflight.is_some();
    let final_headers = resp.last().map(|r| r.1.clone()).unwrap_or_default();
    let cors_responses: Vec<CorsResponse> = resp.iter().map(|(s, h, _)| CorsResponse::new(*s, h.clone())).collect();
    let mut verdicts = Vec::new();
    // The final response's size, against each browser's header limit below.
    let final_bytes = final_headers.byte_size();
    for &browser in browsers {
        let cors = (mode_of(request.kind) != RequestMode::Navigate && mode_of(request.kind) != RequestMode::WebSocket)
            .then(|| cors::evaluate(&cors_req, preflight.as_ref(), &cors_responses, browser))
            .filter(|v| v.cors_applies)
            .map(|v| match forced {
                Some(p) => judge_forced_preflight(v, &cors_req, p),
                None => v,
            });
        let sent_at_all = cors.as_ref().is_none_or(|v| v.preflight.as_ref().is_none_or(|p| p.ok));
        let ctx = RequestContext::new(request.kind, &request.method, request.url.clone(), Some(from.clone()), time)
            .with_credentials(request.credentials);
        let mut jar = CookieJar::new(browser);
        let mut cookies = Vec::new();
        // A response larger than the browser accepts fails before any Set-Cookie is read
        // (`response-headers-too-big` says so).
        let too_big = final_bytes > jar.profile().response_header_limit;
        for line in final_headers.set_cookie_lines().into_iter().filter(|_| !too_big) {
            let outcome = if sent_at_all { Some(jar.set_from_response(line, &ctx)) } else { None };
            let Some(outcome) = outcome else { continue };
            cookies.push(HeaderCookie {
                name: outcome.name.clone(),
                stored: outcome.stored,
                reasons: outcome.status.exclusions().to_vec(),
                warnings: outcome.status.warnings().to_vec(),
                sent_next: false,
                next_reasons: Vec::new(),
            });
        }
        let next = RequestContext { time: time.plus_secs(1), ..ctx };
        let retrieval = jar.retrieve(&next);
        for c in &mut cookies {
            if retrieval.included.iter().any(|a| a.cookie.name == c.name) {
                c.sent_next = true;
            } else if let Some(a) = retrieval.excluded.iter().find(|a| a.cookie.name == c.name) {
                c.next_reasons = a.status.exclusions().to_vec();
            }
        }
        verdicts.push(HeadersVerdict { browser, cors, cookies });
    }
    let answers = preflight
        .iter()
        .map(|p| Answer { status: p.status, headers: p.headers.clone(), preflight: true })
        .chain(resp.iter().map(|(status, headers, _)| Answer {
            status: *status,
            headers: headers.clone(),
            preflight: false,
        }))
        .collect();
    HeadersReport {
        input: input.to_string(),
        request,
        answers,
        responses: resp.len() + usize::from(preflight.is_some()),
        verdicts,
    }
}

/// Checks a preflight answer the request as described would not trigger (FETCH §4.8, as
/// [`cors::evaluate`] does for a needed one); a failure fails the verdict as a failed preflight would.
fn judge_forced_preflight(mut v: CorsVerdict, req: &CorsRequest, answer: &CorsResponse) -> CorsVerdict {
    if !v.request_errors.is_empty() {
        return v;
    }
    let origin = req.origin.serialize();
    let method = cors::normalize_method(&req.method);
    let unsafe_headers = cors::cors_unsafe_request_header_names(&req.headers);
    let errors = cors::preflight_check(&origin, req.credentials, &method, &unsafe_headers, answer);
    let mut result = cors::CheckResult::from_errors(errors, origin, &req.url);
    result.max_age = cors::parse_max_age(&answer.headers);
    if !result.ok {
        v.ok = false;
        v.readable = false;
        v.credentialed = false;
    }
    v.preflight = Some(result);
    v
}

/// The findings of a `crossjar headers` report: CORS failures and cookies not stored or not sent
/// back, each naming the browsers it concerns.
pub fn findings(report: &HeadersReport) -> Vec<super::report::Finding> {
    use super::findings::{cors_fixes, fixes_for, redact_query, rule_for_exclusion};
    use super::report::Finding;
    use super::rules::RuleId;
    let mut out: Vec<Finding> = Vec::new();
    // Where each (rule, cookie, message) already stands in `out`: a response with tens of thousands
    // of cookies must not make merging quadratic.
    let mut index: std::collections::HashMap<(&'static str, Option<String>, String), usize> =
        std::collections::HashMap::new();
    let host = report.request.url.host_str().unwrap_or("").to_string();
    let from = report.request.from.as_ref().map(|o| o.serialize());
    let mut push = |rule_id: RuleId, cookie: Option<String>, browser: Browser, message: String, fixes: Vec<String>| {
        // One finding per (rule, cookie, message), found by index: linear in the lines, not quadratic.
        let key = (rule_id.as_str(), cookie.clone(), message.clone());
        if let Some(&i) = index.get(&key) {
            out[i].browsers.push(browser);
            return;
        }
        index.insert(key, out.len());
        out.push(Finding {
            rule: rule_id,
            severity: rule_id.severity(),
            entry: None,
            cookie,
            host: Some(host.clone()),
            browsers: vec![browser],
            message,
            fixes,
            unknown: false,
        });
    };
    for v in &report.verdicts {
        if let Some(c) = v.cors.as_ref().filter(|c| !c.ok) {
            let errors: Vec<String> = c.errors().iter().map(|e| e.error.as_str().to_string()).collect();
            let first = c.error().map(|e| e.error);
            push(
                RuleId::CorsCheckFailed,
                None,
                v.browser,
                format!(
                    "{} {} from {}: CORS error{}: {}",
                    report.request.method,
                    redact_query(report.request.url.as_str()),
                    from.as_deref().unwrap_or("its own origin"),
                    if c.preflight.as_ref().is_some_and(|p| !p.ok) { " in the preflight" } else { "" },
                    errors.join(", ")
                ),
                first.map(|e| cors_fixes(e, from.as_deref())).unwrap_or_default(),
            );
        }
        for c in &v.cookies {
            let reasons = if c.stored { &c.next_reasons } else { &c.reasons };
            let mut rules: Vec<RuleId> = reasons.iter().filter_map(|r| rule_for_exclusion(*r)).collect();
            rules.dedup();
            for rule_id in rules {
                let names: Vec<&str> =
                    reasons.iter().filter(|r| rule_for_exclusion(**r) == Some(rule_id)).map(|r| r.as_str()).collect();
                push(
                    rule_id,
                    Some(c.name.clone()),
                    v.browser,
                    format!(
                        "`{}` from {host} is {} ({})",
                        c.name,
                        if c.stored { "stored but not sent back" } else { "not stored" },
                        names.join(", ")
                    ),
                    fixes_for(rule_id),
                );
            }
        }
    }
    super::rules::run_units(&super::rules::Facts::Headers(report), &mut out);
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(&b.rule)));
    out
}
