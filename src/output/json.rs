//! `crossjar.har.v1`: the JSON contract other tools read. Fields may be added, never renamed or dropped.
//! The wire types live here, apart from the analysis types, so a refactor inside cannot break the
//! contract by accident.

use serde::Serialize;

use crate::analysis::findings::redact_query;
use crate::analysis::report::{CookieVerdict, EntryVerdict, Finding, HarReport, SetCookieVerdict};

/// Schema id of the HAR report.
pub const HAR_SCHEMA: &str = "crossjar.har.v1";

#[derive(Serialize)]
struct HarJson<'a> {
    schema: &'static str,
    input: &'a str,
    sanitized: bool,
    creator: Option<&'a str>,
    entries_read: usize,
    skipped: Vec<Skipped<'a>>,
    runs: Vec<RunJson<'a>>,
    summary: Vec<SummaryJson<'a>>,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct Skipped<'a> {
    index: usize,
    reason: &'a str,
}

#[derive(Serialize)]
struct RunJson<'a> {
    browser: &'static str,
    entries: EntriesJson<'a>,
}

/// A run's entries, converted one at a time while serializing (no second copy of every verdict).
struct EntriesJson<'a> {
    entries: &'a [EntryVerdict],
    show_values: bool,
}

impl Serialize for EntriesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.entries.iter().map(|e| entry(e, self.show_values)))
    }
}

#[derive(Serialize)]
struct EntryJson<'a> {
    index: usize,
    method: &'a str,
    url: String,
    status: u16,
    kind: &'static str,
    initiator: Option<&'a str>,
    top_level_site: Option<&'a str>,
    same_site: bool,
    credentials: CredentialsJson,
    cached: bool,
    set_cookies: Vec<SetCookieJson<'a>>,
    cookies: Vec<CookieJson<'a>>,
    cors: Option<CorsJson>,
}

#[derive(Serialize)]
struct CorsJson {
    ok: bool,
    error: Option<&'static str>,
    preflight: Option<PreflightJson>,
    errors: Vec<CorsErrorJson>,
    preflight_reasons: Vec<String>,
    preflight_unobserved: bool,
    credentialed: bool,
    set_cookie_stored_despite_failure: bool,
}

#[derive(Serialize)]
struct PreflightJson {
    ok: bool,
    error: Option<&'static str>,
}

#[derive(Serialize)]
struct CorsErrorJson {
    error: &'static str,
    failed_parameter: String,
}

#[derive(Serialize)]
struct CredentialsJson {
    mode: &'static str,
    basis: &'static str,
    assumed: &'static str,
}

#[derive(Serialize)]
struct SetCookieJson<'a> {
    name: &'a str,
    stored: bool,
    deleted: bool,
    reasons: Vec<&'static str>,
    warnings: Vec<&'static str>,
    partition: Option<&'a str>,
    attributes: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

#[derive(Serialize)]
struct CookieJson<'a> {
    name: &'a str,
    domain: &'a str,
    sent: bool,
    reasons: Vec<&'static str>,
    warnings: Vec<&'static str>,
    recorded: Option<bool>,
    learned: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    cookie: &'a str,
    host: &'a str,
    affinity: Option<&'static str>,
    browsers: Vec<SummaryBrowserJson>,
}

#[derive(Serialize)]
struct SummaryBrowserJson {
    browser: &'static str,
    set: usize,
    stored: usize,
    requests: usize,
    sent: usize,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    rule: &'static str,
    severity: &'static str,
    entry: Option<usize>,
    cookie: Option<&'a str>,
    host: Option<&'a str>,
    browsers: Vec<&'static str>,
    message: &'a str,
    fixes: &'a [String],
}

fn entry(e: &EntryVerdict, show_values: bool) -> EntryJson<'_> {
    EntryJson {
        index: e.index,
        method: &e.method,
        url: if show_values { e.url.clone() } else { redact_query(&e.url) },
        status: e.status,
        kind: e.kind.as_str(),
        initiator: e.initiator.as_deref(),
        top_level_site: e.top_level_site.as_deref(),
        same_site: e.same_site,
        credentials: CredentialsJson {
            mode: e.credentials.mode.map_or("unknown", |m| m.as_str()),
            basis: e.credentials.basis.as_str(),
            assumed: e.credentials.assumed.as_str(),
        },
        cached: e.cached,
        set_cookies: e.set_cookies.iter().map(|s| set_cookie(s, show_values)).collect(),
        cookies: e.cookies.iter().map(|c| cookie(c, show_values)).collect(),
        cors: e.cors.as_ref().map(|c| CorsJson {
            ok: c.ok,
            error: c.error.map(|e| e.as_str()),
            preflight: c.preflight.map(|(ok, error)| PreflightJson { ok, error: error.map(|e| e.as_str()) }),
            errors: c
                .errors
                .iter()
                .map(|(e, p)| CorsErrorJson { error: e.as_str(), failed_parameter: p.clone() })
                .collect(),
            preflight_reasons: c.preflight_reasons.clone(),
            preflight_unobserved: c.preflight_unobserved,
            credentialed: c.credentialed,
            set_cookie_stored_despite_failure: c.set_cookie_stored_despite_failure,
        }),
    }
}

fn set_cookie(s: &SetCookieVerdict, show_values: bool) -> SetCookieJson<'_> {
    SetCookieJson {
        name: &s.name,
        stored: s.stored,
        deleted: s.deleted,
        reasons: s.reasons.iter().map(|r| r.as_str()).collect(),
        warnings: s.warnings.iter().map(|w| w.as_str()).collect(),
        partition: s.partition.as_deref(),
        attributes: &s.attributes,
        value: show_values.then_some(s.value.as_str()),
    }
}

fn cookie(c: &CookieVerdict, show_values: bool) -> CookieJson<'_> {
    CookieJson {
        name: &c.name,
        domain: &c.domain,
        sent: c.sent,
        reasons: c.reasons.iter().map(|r| r.as_str()).collect(),
        warnings: c.warnings.iter().map(|w| w.as_str()).collect(),
        recorded: c.recorded,
        learned: c.learned,
        value: show_values.then_some(c.value.as_str()),
    }
}

fn finding(f: &Finding) -> FindingJson<'_> {
    FindingJson {
        rule: f.rule,
        severity: f.severity.as_str(),
        entry: f.entry,
        cookie: f.cookie.as_deref(),
        host: f.host.as_deref(),
        browsers: f.browsers.iter().map(|b| b.as_str()).collect(),
        message: &f.message,
        fixes: &f.fixes,
    }
}

/// The report as `crossjar.har.v1` JSON (pretty-printed). Values only with `show_values`.
pub fn har_report(report: &HarReport, show_values: bool) -> String {
    serde_json::to_string_pretty(&har_doc(report, show_values)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Writes the same bytes as [`har_report`] to `out` without holding the whole text in memory (a
/// large capture's report is many times the size of its verdicts).
pub fn write_har_report(out: impl std::io::Write, report: &HarReport, show_values: bool) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, &har_doc(report, show_values)).map_err(std::io::Error::from)?;
    std::io::Write::flush(&mut out)
}

fn har_doc(report: &HarReport, show_values: bool) -> HarJson<'_> {
    HarJson {
        schema: HAR_SCHEMA,
        input: &report.input,
        sanitized: report.sanitized,
        creator: report.creator.as_deref(),
        entries_read: report.entries,
        skipped: report.skipped.iter().map(|(i, r)| Skipped { index: *i, reason: r }).collect(),
        runs: report
            .runs
            .iter()
            .map(|r| RunJson { browser: r.browser.as_str(), entries: EntriesJson { entries: &r.entries, show_values } })
            .collect(),
        summary: report
            .summary
            .iter()
            .map(|s| SummaryJson {
                cookie: &s.name,
                host: &s.host,
                affinity: s.affinity,
                browsers: s
                    .per_browser
                    .iter()
                    .map(|(b, c)| SummaryBrowserJson {
                        browser: b.as_str(),
                        set: c.set,
                        stored: c.stored,
                        requests: c.requests,
                        sent: c.sent,
                    })
                    .collect(),
            })
            .collect(),
        findings: report.findings.iter().map(finding).collect(),
    }
}

/// Schema id of the `crossjar headers` report.
pub const HEADERS_SCHEMA: &str = "crossjar.headers.v1";

#[derive(Serialize)]
struct HeadersJson<'a> {
    schema: &'static str,
    input: &'a str,
    request: HeadersRequestJson,
    responses: usize,
    verdicts: Vec<HeadersVerdictJson<'a>>,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct HeadersRequestJson {
    url: String,
    from: Option<String>,
    method: String,
    kind: &'static str,
    credentials: &'static str,
}

#[derive(Serialize)]
struct HeadersVerdictJson<'a> {
    browser: &'static str,
    cors: Option<CorsJson>,
    set_cookies: Vec<HeaderCookieJson<'a>>,
}

#[derive(Serialize)]
struct HeaderCookieJson<'a> {
    name: &'a str,
    stored: bool,
    reasons: Vec<&'static str>,
    warnings: Vec<&'static str>,
    sent_next: bool,
    next_reasons: Vec<&'static str>,
}

fn cors_json(v: &crate::model::cors::CorsVerdict) -> CorsJson {
    CorsJson {
        ok: v.ok,
        error: v.error().map(|e| e.error.as_str()),
        preflight: v
            .preflight
            .as_ref()
            .map(|p| PreflightJson { ok: p.ok, error: p.errors.first().map(|e| e.error.as_str()) }),
        errors: v
            .errors()
            .iter()
            .map(|e| CorsErrorJson { error: e.error.as_str(), failed_parameter: e.failed_parameter.clone() })
            .collect(),
        preflight_reasons: v.preflight_reasons.iter().map(|r| r.to_string()).collect(),
        preflight_unobserved: v.preflight_unobserved,
        credentialed: v.credentialed,
        set_cookie_stored_despite_failure: v.set_cookie_stored_despite_failure(),
    }
}

/// The `crossjar headers` report as `crossjar.headers.v1` JSON, with its findings (after the
/// repository's policy).
pub fn headers_report(r: &crate::analysis::headers::HeadersReport, findings: &[Finding]) -> String {
    let doc = HeadersJson {
        schema: HEADERS_SCHEMA,
        input: &r.input,
        request: HeadersRequestJson {
            url: redact_query(r.request.url.as_str()),
            from: r.request.from.as_ref().map(|o| o.serialize()),
            method: r.request.method.clone(),
            kind: r.request.kind.as_str(),
            credentials: r.request.credentials.as_str(),
        },
        responses: r.responses,
        verdicts: r
            .verdicts
            .iter()
            .map(|v| HeadersVerdictJson {
                browser: v.browser.as_str(),
                cors: v.cors.as_ref().map(cors_json),
                set_cookies: v
                    .cookies
                    .iter()
                    .map(|c| HeaderCookieJson {
                        name: &c.name,
                        stored: c.stored,
                        reasons: c.reasons.iter().map(|r| r.as_str()).collect(),
                        warnings: c.warnings.iter().map(|w| w.as_str()).collect(),
                        sent_next: c.sent_next,
                        next_reasons: c.next_reasons.iter().map(|r| r.as_str()).collect(),
                    })
                    .collect(),
            })
            .collect(),
        findings: findings.iter().map(finding).collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
