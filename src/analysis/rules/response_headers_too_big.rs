//! A rule as a unit (see `cors_allow_credentials_not_true.rs` for the layout).
//!
//! Browsers refuse a response whose header block is larger than they accept: Chromium fails it with
//! `ERR_RESPONSE_HEADERS_TOO_BIG` past 256 KiB (`net/http/http_stream_parser.cc`, and the same cap on
//! an HTTP/2 header list); Firefox past `network.http.max_response_header_size`, 384 KiB. The request
//! fails, the page sees a network error, and not one `Set-Cookie` of the response is read. Safari
//! publishes no figure; Chromium's is assumed and said so on the rule page. This is also the replay's
//! bound on one entry: a million `Set-Cookie` lines are measured, not replayed.

use super::{finding, Facts, RuleId};
use crate::analysis::findings::redact_query;
use crate::analysis::headers::HeadersReport;
use crate::analysis::report::{Finding, LimitHit};
use crate::model::profile::Browser;

const RULE: RuleId = RuleId::ResponseHeadersTooBig;

const FIX: &str = "server: keep a response's headers well under 256 KiB: fewer and shorter Set-Cookie lines (one session cookie pointing at server-side state), no large custom headers";

/// `262 144` → `256 KiB`, `24 900 000` → `23.7 MiB`.
pub(crate) fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Each limit the failing profiles have, with their names: `["256 KiB in chrome, safari", …]`.
fn limits_passed(failing: &[Browser]) -> Vec<String> {
    let mut limits: Vec<(u64, Vec<&str>)> = Vec::new();
    for b in failing {
        let limit = b.profile().response_header_limit;
        match limits.iter_mut().find(|(l, _)| *l == limit) {
            Some((_, names)) => names.push(b.as_str()),
            None => limits.push((limit, vec![b.as_str()])),
        }
    }
    limits.iter().map(|(l, names)| format!("{} in {}", size(*l), names.join(", "))).collect()
}

/// One finding for a response some profile fails for its size: a HAR entry, or the final response
/// given to `crossjar headers`.
pub(super) fn check(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if let Facts::Headers(report) = facts {
        return check_headers(report, out);
    }
    let Facts::HarEntry { verdicts, browsers } = facts else { return };
    let mut failing = Vec::new();
    let mut hit = None;
    for (v, b) in verdicts.iter().zip(browsers.iter()) {
        for l in &v.limits {
            if let LimitHit::ResponseHeaders { bytes, set_cookie_lines, .. } = *l {
                failing.push(*b);
                hit = Some((v, bytes, set_cookie_lines));
            }
        }
    }
    let limits = limits_passed(&failing);
    let Some((e, bytes, lines)) = hit else { return };
    let cookies = match lines {
        0 => String::new(),
        1 => "; its one Set-Cookie line is never read".to_string(),
        n => format!("; none of its {n} Set-Cookie lines is read"),
    };
    let mut f = finding(
        RULE,
        format!(
            "entry {} {} {}: the response's headers are {}, more than the browser accepts ({}): it fails the request (ERR_RESPONSE_HEADERS_TOO_BIG in Chrome){cookies}",
            e.index,
            e.method,
            redact_query(&e.url),
            size(bytes),
            limits.join(", "),
        ),
        vec![FIX.into()],
    );
    f.entry = Some(e.index);
    f.host = Some(e.host.to_string());
    f.browsers = failing;
    out.push(f);
}

/// `crossjar headers`: the final response's size against each browser's limit.
fn check_headers(report: &HeadersReport, out: &mut Vec<Finding>) {
    let Some(last) = report.answers.iter().rfind(|a| !a.preflight) else { return };
    let bytes = last.headers.byte_size();
    let failing: Vec<Browser> =
        report.verdicts.iter().map(|v| v.browser).filter(|b| bytes > b.profile().response_header_limit).collect();
    if failing.is_empty() {
        return;
    }
    let lines = last.headers.set_cookie_lines().len();
    let limits = limits_passed(&failing);
    let mut f = finding(
        RULE,
        format!(
            "the response from {} is {} of headers, more than the browser accepts ({}): it fails the request (ERR_RESPONSE_HEADERS_TOO_BIG in Chrome) and reads none of its {lines} Set-Cookie lines",
            report.request.url.host_str().unwrap_or(""),
            size(bytes),
            limits.join(", "),
        ),
        vec![FIX.into()],
    );
    f.host = report.request.url.host_str().map(str::to_string);
    f.browsers = failing;
    out.push(f);
}
