//! From replayed verdicts to the summary table and the findings.

use std::collections::{BTreeMap, BTreeSet};

use url::Url;

use super::affinity::affinity_cookie;
use super::report::{BrowserRun, CookieCounts, CookieSummary, EntryVerdict, Finding, HarReport};
use super::rules::{rule, Severity};
use crate::model::profile::Browser;
use crate::model::reason::{Exclusion, Warning};
use crate::model::request::RequestKind;

/// Which cookies the report is about.
#[derive(Clone, Debug, Default)]
pub struct Focus {
    /// Cookie names chosen with `--cookie`; when empty, session-affinity cookies plus any cookie that
    /// is sent to a host on some requests and withheld (for a reason worth telling) on others.
    pub cookies: Vec<String>,
    /// Cookies always in focus, in addition (`[cookies] cross_site` in `crossjar.toml`).
    pub also: Vec<String>,
}

fn host(url: &str) -> String {
    Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)).unwrap_or_default()
}

/// Every entry's host, parsed once, and the entries of each host: the passes below visit only the
/// entries of the (cookie, host) pair they are about, so their cost grows with entries, not with
/// pairs × entries. Every run holds the same entries in the same order.
struct HostIndex {
    of: Vec<String>,
    by_host: std::collections::HashMap<String, Vec<usize>>,
}

impl HostIndex {
    fn new(report: &HarReport) -> Self {
        let of: Vec<String> =
            report.runs.first().map(|r| r.entries.iter().map(|e| host(&e.url)).collect()).unwrap_or_default();
        let mut by_host: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (i, h) in of.iter().enumerate() {
            by_host.entry(h.clone()).or_default().push(i);
        }
        HostIndex { of, by_host }
    }

    fn host(&self, position: usize) -> &str {
        self.of.get(position).map_or("", String::as_str)
    }

    fn entries<'a>(&'a self, run: &'a BrowserRun, host: &str) -> impl Iterator<Item = &'a EntryVerdict> + 'a {
        self.by_host.get(host).into_iter().flatten().filter_map(move |&i| run.entries.get(i))
    }
}

/// Reasons that make a cookie interesting when it is withheld (path and domain mismatches are normal).
fn telling(r: &Exclusion) -> bool {
    !matches!(r, Exclusion::NotOnPath | Exclusion::DomainMismatch)
}

/// Adds the summary table and the findings to a replayed report.
pub fn analyse(report: &mut HarReport, focus: &Focus) {
    let index = HostIndex::new(report);
    let focused = focused_cookies(report, focus, &index);
    report.summary = summarise(report, &focused, &index);
    let mut findings = Vec::new();
    if report.sanitized {
        findings.push(make(
            "capture-sanitized",
            None,
            None,
            None,
            Vec::new(),
            "the capture has no Cookie or Set-Cookie header at all: probably a sanitized export; cookie verdicts below are what the model predicts, not what the capture recorded".into(),
            vec!["export again with \"Allow to generate HAR with sensitive data\" enabled (DevTools → Settings → Network), then `crossjar sanitize` before sharing".into()],
        ));
    }
    cookie_findings(report, &focused, &index, &mut findings);
    preflight_findings(report, &focused, &index, &mut findings);
    cors_findings(report, &index, &mut findings);
    security_findings(report, &mut findings);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.entry.cmp(&b.entry)).then(a.rule.cmp(b.rule)));
    report.findings = findings;
}

fn make(
    rule_id: &'static str,
    entry: Option<usize>,
    cookie: Option<&str>,
    host: Option<&str>,
    browsers: Vec<Browser>,
    message: String,
    fixes: Vec<String>,
) -> Finding {
    let severity = rule(rule_id).map_or(Severity::Warning, |r| r.severity);
    Finding {
        rule: rule_id,
        severity,
        entry,
        cookie: cookie.map(str::to_string),
        host: host.map(str::to_string),
        browsers,
        message,
        fixes,
    }
}

/// (cookie name, host) pairs the report focuses on.
fn focused_cookies(report: &HarReport, focus: &Focus, index: &HostIndex) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut sent: BTreeSet<(String, String)> = BTreeSet::new();
    let mut withheld: BTreeSet<(String, String)> = BTreeSet::new();
    for run in &report.runs {
        for (position, e) in run.entries.iter().enumerate() {
            let h = index.host(position).to_string();
            for s in &e.set_cookies {
                let key = (s.name.clone(), h.clone());
                if focus.cookies.contains(&s.name) || (focus.cookies.is_empty() && affinity_cookie(&s.name).is_some()) {
                    out.insert(key.clone());
                }
                if !s.stored && !s.deleted && s.reasons.iter().any(telling) {
                    withheld.insert(key);
                }
            }
            for c in &e.cookies {
                let key = (c.name.clone(), h.clone());
                if focus.cookies.contains(&c.name) || (focus.cookies.is_empty() && affinity_cookie(&c.name).is_some()) {
                    out.insert(key.clone());
                }
                if c.sent {
                    sent.insert(key);
                } else if c.reasons.iter().any(telling) {
                    withheld.insert(key);
                }
            }
        }
    }
    if focus.cookies.is_empty() {
        out.extend(sent.intersection(&withheld).cloned());
    }
    out
}

fn summarise(report: &HarReport, focused: &BTreeSet<(String, String)>, index: &HostIndex) -> Vec<CookieSummary> {
    focused
        .iter()
        .map(|(name, h)| {
            let per_browser = report
                .runs
                .iter()
                .map(|run| {
                    let mut counts = CookieCounts::default();
                    // Preflights never carry cookies (their own finding says so); they are not counted.
                    for e in index.entries(run, h).filter(|e| e.kind != RequestKind::Preflight) {
                        for s in e.set_cookies.iter().filter(|s| s.name == *name) {
                            counts.set += 1;
                            counts.stored += usize::from(s.stored);
                        }
                        if let Some(c) = e.cookies.iter().find(|c| c.name == *name) {
                            counts.requests += 1;
                            counts.sent += usize::from(c.sent);
                        } else if !e.cached && (e.set_cookies.iter().any(|s| s.name == *name) || counts.set > 0) {
                            // A request to the host while the cookie was not (yet) in the jar.
                            counts.requests += 1;
                        }
                    }
                    (run.browser, counts)
                })
                .collect();
            CookieSummary { name: name.clone(), host: h.clone(), affinity: affinity_cookie(name), per_browser }
        })
        .collect()
}

/// One group of findings: rule, with the reasons that trigger it.
const GROUPS: &[(&str, &[Exclusion])] = &[
    ("credentials-not-included", &[Exclusion::CredentialsNotIncluded]),
    (
        "samesite-unspecified-cross-site",
        &[Exclusion::SameSiteUnspecifiedTreatedAsLax, Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax],
    ),
    (
        "samesite-blocks-cross-site",
        &[
            Exclusion::SameSiteLax,
            Exclusion::SameSiteStrict,
            Exclusion::SchemefulSameSiteLax,
            Exclusion::SchemefulSameSiteStrict,
        ],
    ),
    ("samesite-none-insecure", &[Exclusion::SameSiteNoneInsecure]),
    (
        "third-party-cookie-blocked",
        &[Exclusion::UserPreferences, Exclusion::ThirdPartyBlockedByItp, Exclusion::ThirdPartyPhaseout],
    ),
    (
        "cookie-rejected",
        &[
            Exclusion::SecureOnly,
            Exclusion::InvalidDomain,
            Exclusion::DomainNonAscii,
            Exclusion::InvalidPrefix,
            Exclusion::InvalidPartitioned,
            Exclusion::NameValuePairExceedsMaxSize,
            Exclusion::DisallowedCharacter,
            Exclusion::NoCookieContent,
            Exclusion::OverwriteSecure,
            Exclusion::SchemeNotSupported,
        ],
    ),
];

#[derive(Default)]
struct Hit {
    first_entry: Option<usize>,
    browsers: BTreeSet<Browser>,
    store: bool,
    send_kinds: BTreeSet<&'static str>,
    reasons: BTreeSet<Exclusion>,
    first: Option<(String, String, RequestKind, String)>,
}

fn cookie_findings(
    report: &HarReport,
    focused: &BTreeSet<(String, String)>,
    index: &HostIndex,
    out: &mut Vec<Finding>,
) {
    for (name, h) in focused {
        let mut hits: BTreeMap<&'static str, Hit> = BTreeMap::new();
        let mut partitioned: BTreeSet<Browser> = BTreeSet::new();
        let mut partition_entry = None;
        for run in &report.runs {
            for e in index.entries(run, h) {
                let mut note = |reasons: &[Exclusion], store: bool| {
                    for (rule_id, members) in GROUPS {
                        let matched: Vec<Exclusion> = reasons.iter().copied().filter(|r| members.contains(r)).collect();
                        if matched.is_empty() {
                            continue;
                        }
                        let hit = hits.entry(rule_id).or_default();
                        hit.first_entry = Some(hit.first_entry.map_or(e.index, |i| i.min(e.index)));
                        hit.browsers.insert(run.browser);
                        hit.store |= store;
                        if !store {
                            hit.send_kinds.insert(e.kind.as_str());
                        }
                        hit.reasons.extend(matched);
                        if hit.first.is_none() {
                            let mode = e.credentials.mode.map_or("unknown", |m| m.as_str());
                            hit.first = Some((
                                e.method.clone(),
                                e.url.clone(),
                                e.kind,
                                format!("{mode}, {}", e.credentials.basis.as_str()),
                            ));
                        }
                    }
                };
                for s in e.set_cookies.iter().filter(|s| s.name == *name) {
                    note(&s.reasons, true);
                    if s.stored && s.warnings.contains(&Warning::Partitioned) {
                        partitioned.insert(run.browser);
                        partition_entry.get_or_insert(e.index);
                    }
                }
                for c in e.cookies.iter().filter(|c| c.name == *name && !c.sent) {
                    note(&c.reasons, false);
                }
            }
        }
        for (rule_id, hit) in hits {
            let Some((method, url, kind, creds)) = hit.first.clone() else { continue };
            let browsers: Vec<Browser> = hit.browsers.iter().copied().collect();
            let reasons: Vec<&str> = hit.reasons.iter().map(|r| r.as_str()).collect();
            let what = match (hit.store, hit.send_kinds.is_empty()) {
                (true, true) => "is not stored".to_string(),
                (false, _) => {
                    format!("is not sent on {}", hit.send_kinds.iter().copied().collect::<Vec<_>>().join("/"))
                }
                (true, false) => format!(
                    "is not stored, nor sent on {}",
                    hit.send_kinds.iter().copied().collect::<Vec<_>>().join("/")
                ),
            };
            let message = format!(
                "`{name}` on {h} {what} ({}): first at entry {} {method} {} ({} , credentials {creds})",
                reasons.join(", "),
                hit.first_entry.unwrap_or(0),
                redact_query(&url),
                kind.as_str(),
            )
            .replace(" , ", ", ");
            out.push(make(rule_id, hit.first_entry, Some(name), Some(h), browsers, message, fixes_for(rule_id)));
        }
        if !partitioned.is_empty() {
            out.push(make(
                "cookie-partitioned",
                partition_entry,
                Some(name),
                Some(h),
                partitioned.iter().copied().collect(),
                format!(
                    "`{name}` on {h} is stored in the top-level site's partition: sent only under that top-level site"
                ),
                fixes_for("cookie-partitioned"),
            ));
        }
        disagreements(report, name, h, index, out);
    }
}

fn disagreements(report: &HarReport, name: &str, h: &str, index: &HostIndex, out: &mut Vec<Finding>) {
    let creator = report.creator.as_deref().unwrap_or("").to_ascii_lowercase();
    let capture_browser = if creator.contains("firefox") {
        Browser::Firefox
    } else if creator.contains("webkit web inspector") {
        Browser::Safari
    } else {
        Browser::Chrome
    };
    let Some(run) = report.runs.iter().find(|r| r.browser == capture_browser) else { return };
    for e in index.entries(run, h) {
        for c in e.cookies.iter().filter(|c| c.name == name) {
            let Some(recorded) = c.recorded else { continue };
            if recorded == c.sent {
                continue;
            }
            let why = if c.learned {
                "the cookie was set before the capture started, so its attributes are guessed"
            } else if recorded {
                "the browser that recorded the capture allowed it (another version or setting, or a storage-access grant)"
            } else {
                // `recorded` is known only when the request carried a Cookie header, so credentials
                // went with it: the recording browser held back (or no longer had) this one cookie.
                "the request carried other cookies, so it had credentials: the browser that recorded the capture withheld this one (blocked by a setting, or deleted, expired or replaced there)"
            };
            out.push(make(
                "capture-disagrees",
                Some(e.index),
                Some(name),
                Some(h),
                vec![capture_browser],
                format!(
                    "`{name}`: the capture shows it {} on entry {} {} {}, the {} model says {}: {why}",
                    if recorded { "sent" } else { "not sent" },
                    e.index,
                    e.method,
                    redact_query(&e.url),
                    capture_browser,
                    if c.sent { "sent" } else { "withheld" },
                ),
                Vec::new(),
            ));
            return;
        }
    }
}

fn preflight_findings(
    report: &HarReport,
    focused: &BTreeSet<(String, String)>,
    index: &HostIndex,
    out: &mut Vec<Finding>,
) {
    let Some(run) = report.runs.first() else { return };
    let mut done = BTreeSet::new();
    for (position, e) in run.entries.iter().enumerate().filter(|(_, e)| e.kind == RequestKind::Preflight) {
        let h = index.host(position).to_string();
        let Some((name, _)) = focused.iter().find(|(n, fh)| *fh == h && affinity_cookie(n).is_some()) else {
            continue;
        };
        if done.insert(h.clone()) {
            out.push(make(
                "preflight-not-sticky",
                Some(e.index),
                Some(name),
                Some(&h),
                Vec::new(),
                format!(
                    "preflight entry {} OPTIONS {} carries no cookies, so `{name}` cannot pin it: it reaches an arbitrary backend",
                    e.index,
                    redact_query(&e.url)
                ),
                fixes_for("preflight-not-sticky"),
            ));
        }
    }
}

/// The rule that an exclusion reason belongs to, if any.
pub fn rule_for_exclusion(r: Exclusion) -> Option<&'static str> {
    GROUPS.iter().find(|(_, members)| members.contains(&r)).map(|(id, _)| *id)
}

/// Replaces query values with `…` so tokens in URLs are never printed.
pub fn redact_query(url: &str) -> String {
    match url.split_once('?') {
        None => url.to_string(),
        Some((base, query)) => {
            let q: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) if !v.is_empty() => format!("{k}=…"),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{base}?{}", q.join("&"))
        }
    }
}

/// The fixes for a rule, one line per side.
pub fn fixes_for(rule_id: &str) -> Vec<String> {
    let lines: &[&str] = match rule_id {
        "credentials-not-included" => &[
            "frontend: fetch(url, { credentials: 'include' }) / xhr.withCredentials = true / crossorigin=\"use-credentials\"",
            "server: Access-Control-Allow-Origin: <exact page origin> (not *), Access-Control-Allow-Credentials: true, Vary: Origin — on the preflight too",
            "cookie: SameSite=None; Secure (add Partitioned for Safari and Chrome with third-party cookies blocked)",
            "architecture: serve the API from the page's origin, or route on a session id in the URL instead of a cookie",
        ],
        "samesite-unspecified-cross-site" => &[
            "cookie: add SameSite=None; Secure (never Strict or Lax for a cookie a cross-site frontend needs)",
            "ingress-nginx: nginx.ingress.kubernetes.io/session-cookie-samesite: \"None\" and session-cookie-secure: \"true\"",
            "architecture: host the API on a subdomain of the page's site to make the requests same-site",
        ],
        "samesite-blocks-cross-site" => &[
            "cookie: a cookie needed on cross-site requests must be SameSite=None; Secure",
            "architecture: make the requests same-site (API on a subdomain of the page's registrable domain)",
        ],
        "samesite-none-insecure" => &["cookie: add Secure and serve over HTTPS"],
        "third-party-cookie-blocked" => &[
            "cookie: add Partitioned (CHIPS: Chrome 114+, Firefox 141+, Safari 26.2+)",
            "architecture: serve the API same-site with the page, or carry the session id in the URL or a header",
        ],
        "cookie-partitioned" => &["none needed for a session pinned for one frontend; to share across top-level sites, move the API same-site"],
        "cookie-rejected" => &["cookie: follow the reason (HTTPS for Secure, a Domain the host belongs to, prefix rules, size)"],
        "preflight-not-sticky" => &[
            "server: answer OPTIONS statelessly on every backend, or at the ingress",
            "frontend: avoid the preflight where the API allows (safelisted Content-Type, no custom headers)",
        ],
        _ => &[],
    };
    lines.iter().map(|s| s.to_string()).collect()
}

/// CORS failures (from the first run: the CORS check is the same in every browser but for Chrome's
/// Local Network Access) and what the captured answers show about the allow-list.
fn cors_findings(report: &HarReport, index: &HostIndex, out: &mut Vec<Finding>) {
    let Some(run) = report.runs.iter().find(|r| r.browser == Browser::Chrome).or(report.runs.first()) else { return };
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    for (position, e) in run.entries.iter().enumerate() {
        let Some(c) = &e.cors else { continue };
        let h = index.host(position).to_string();
        if !c.ok {
            let Some(err) = c.error else { continue };
            if reported.insert((h.clone(), err.as_str().to_string())) {
                let params: Vec<String> = c
                    .errors
                    .iter()
                    .map(|(e, p)| if p.is_empty() { e.as_str().to_string() } else { format!("{} (`{p}`)", e.as_str()) })
                    .collect();
                let preflight = match c.preflight {
                    Some((false, _)) => " in the preflight",
                    _ => "",
                };
                out.push(make(
                    "cors-check-failed",
                    Some(e.index),
                    None,
                    Some(&h),
                    Vec::new(),
                    format!(
                        "entry {} {} {} from {}: CORS error{preflight}: {}{}",
                        e.index,
                        e.method,
                        redact_query(&e.url),
                        e.initiator.as_deref().unwrap_or("an unknown origin"),
                        params.join(", "),
                        if c.credentialed { " (credentials: include)" } else { "" },
                    ),
                    cors_fixes(err, e.initiator.as_deref()),
                ));
            }
        }
        if c.set_cookie_stored_despite_failure && e.set_cookies.iter().any(|s| s.stored) {
            let names: Vec<&str> = e.set_cookies.iter().filter(|s| s.stored).map(|s| s.name.as_str()).collect();
            out.push(make(
                "cors-cookie-stored-unreadable",
                Some(e.index),
                names.first().copied(),
                Some(&h),
                Vec::new(),
                format!(
                    "entry {}: the response failed CORS, yet its cookies ({}) were stored: the page cannot read the response, the next request carries them",
                    e.index,
                    names.join(", ")
                ),
                Vec::new(),
            ));
        }
    }
}

/// The fixes for a CORS error, naming the page origin.
pub fn cors_fixes(err: crate::model::cors::CorsError, origin: Option<&str>) -> Vec<String> {
    use crate::model::cors::CorsError as E;
    let origin = origin.unwrap_or("<the page origin>");
    let lines: Vec<String> = match err {
        E::WildcardOriginNotAllowed | E::PreflightWildcardOriginNotAllowed => vec![
            format!("server: Access-Control-Allow-Origin: {origin} (exact; `*` is refused with credentials) and Vary: Origin"),
            "ingress-nginx: cors-allow-origin defaults to `*`: set it to the frontend origin".into(),
        ],
        E::MissingAllowOriginHeader | E::PreflightMissingAllowOriginHeader => vec![
            format!("server: answer with Access-Control-Allow-Origin: {origin} (on the preflight too) and Vary: Origin"),
        ],
        E::InvalidAllowCredentials | E::PreflightInvalidAllowCredentials => vec![
            "server: Access-Control-Allow-Credentials: true (exactly, lower case), on the preflight too".into(),
        ],
        E::MultipleAllowOriginValues | E::PreflightMultipleAllowOriginValues => vec![
            format!("server: send one Access-Control-Allow-Origin with one origin ({origin}); a list or two headers always fail (often two layers both add it)"),
        ],
        E::AllowOriginMismatch | E::PreflightAllowOriginMismatch | E::InvalidAllowOriginValue | E::PreflightInvalidAllowOriginValue => vec![
            format!("server: Access-Control-Allow-Origin must be exactly `{origin}` (scheme, host, port; no trailing slash or path)"),
        ],
        E::PreflightInvalidStatus | E::PreflightDisallowedRedirect => vec![
            "server: answer OPTIONS with 204/200 (no redirect, no auth challenge) and the CORS headers".into(),
            "ingress: let the ingress answer preflights (ingress-nginx enable-cors) if the backend cannot".into(),
        ],
        E::MethodDisallowedByPreflightResponse | E::InvalidAllowMethodsPreflightResponse => vec![
            "server: list the method in Access-Control-Allow-Methods (`*` does not count with credentials)".into(),
        ],
        E::HeaderDisallowedByPreflightResponse | E::InvalidAllowHeadersPreflightResponse => vec![
            "server: list each request header in Access-Control-Allow-Headers (e.g. content-type; `*` does not count with credentials or for Authorization)".into(),
        ],
        _ => vec!["see `crossjar explain cors-check-failed`".into()],
    };
    lines
}

/// What the captured CORS answers reveal about the allow-list (reflection, `null`, `http://` origins,
/// missing `Vary: Origin`, `*` with credentials).
fn security_findings(report: &HarReport, out: &mut Vec<Finding>) {
    use crate::model::cors_security::Severity as S;
    for (origin, entry, issue) in &report.security {
        let mut f = make(
            "cors-misconfiguration",
            Some(*entry),
            None,
            Some(origin),
            Vec::new(),
            format!("{origin} [{}]: {}", issue.class.id(), issue.message),
            vec![
                "server: keep an explicit allow-list of exact origins, answer with the one that matched, add Vary: Origin".into(),
                "never allow `null`, http:// origins for an https API, or hosts where anyone can publish".into(),
            ],
        );
        f.severity = match issue.severity {
            S::High => Severity::Error,
            S::Medium | S::Low => Severity::Warning,
            _ => Severity::Info,
        };
        out.push(f);
    }
}
