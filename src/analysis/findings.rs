//! From replayed verdicts to the summary table and the findings.
//!
//! [`Accumulator`] folds in each entry's verdicts as the replay produces them, keeping per (cookie,
//! host) pair only counts and first occurrences: the findings of a capture of any size cost memory
//! for its distinct cookies and hosts, not for its entries. [`analyse`] runs the same fold over a
//! report that kept its entries, so both paths give the same findings.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::affinity::affinity_cookie;
use super::infer::capture_browser;
use super::report::{CookieCounts, CookieSummary, EntryVerdict, Finding, HarReport};
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

impl Focus {
    /// Whether a cookie of this name is in focus whatever the capture shows.
    fn names(&self, name: &str) -> bool {
        self.cookies.iter().chain(&self.also).any(|c| c == name)
            || (self.cookies.is_empty() && affinity_cookie(name).is_some())
    }
}

/// Reasons that make a cookie interesting when it is withheld (path and domain mismatches are normal).
fn telling(r: &Exclusion) -> bool {
    !matches!(r, Exclusion::NotOnPath | Exclusion::DomainMismatch)
}

/// Adds the summary table and the findings to a replayed report that kept its entries.
pub fn analyse(report: &mut HarReport, focus: &Focus) {
    let browsers: Vec<Browser> = report.runs.iter().map(|r| r.browser).collect();
    let mut acc = Accumulator::new(&browsers, focus);
    let count = report.runs.iter().map(|r| r.entries.len()).max().unwrap_or(0);
    for i in 0..count {
        let verdicts: Vec<&EntryVerdict> = report.runs.iter().filter_map(|r| r.entries.get(i)).collect();
        acc.add_refs(&verdicts);
    }
    acc.finish(report);
}

/// Everything the summary and the findings need from the entries, folded in one entry at a time.
pub struct Accumulator {
    browsers: Vec<Browser>,
    focus: Focus,
    hosts: HashMap<String, HostTally>,
    /// Counts entries folded in; marks which pairs an entry listed.
    stamp: u64,
    /// The first preflight to each host (first run): host, entry index, URL; in capture order.
    preflights: Vec<(String, usize, String)>,
    preflight_hosts: HashSet<String>,
    /// The run whose CORS verdicts are reported: Chrome's, else the first (the check is the same in
    /// every browser but for Chrome's Local Network Access).
    cors_run: usize,
    cors: Vec<Finding>,
    cors_reported: HashSet<(String, &'static str)>,
}

/// The cookie pairs of one host.
#[derive(Default)]
struct HostTally {
    names: HashMap<String, usize>,
    pairs: Vec<PairTally>,
    /// Per browser: pairs whose cookie has been set at least once, so every later request to the
    /// host counts as one it could have been sent on.
    armed: Vec<Vec<usize>>,
}

/// One (cookie, host) pair.
struct PairTally {
    name: String,
    /// In focus whatever happens (`--cookie`, configuration, session affinity).
    named: bool,
    sent: bool,
    withheld: bool,
    counts: Vec<CookieCounts>,
    /// Per browser: the stamp of the last entry that listed this cookie (counted once per entry).
    seen: Vec<u64>,
    hits: BTreeMap<&'static str, Hit>,
    partitioned: BTreeSet<Browser>,
    partition_entry: Option<usize>,
    /// Per browser: the first entry where the capture and the model disagree.
    disagreement: Vec<Option<Disagreement>>,
}

struct Disagreement {
    index: usize,
    method: String,
    url: String,
    recorded: bool,
    sent: bool,
    learned: bool,
}

impl HostTally {
    fn pair(&mut self, name: &str, browsers: usize, focus: &Focus) -> usize {
        if let Some(&i) = self.names.get(name) {
            return i;
        }
        let i = self.pairs.len();
        self.pairs.push(PairTally {
            name: name.to_string(),
            named: focus.names(name),
            sent: false,
            withheld: false,
            counts: vec![CookieCounts::default(); browsers],
            seen: vec![0; browsers],
            hits: BTreeMap::new(),
            partitioned: BTreeSet::new(),
            partition_entry: None,
            disagreement: (0..browsers).map(|_| None).collect(),
        });
        self.names.insert(name.to_string(), i);
        i
    }
}

impl PairTally {
    /// Records a withheld or refused cookie under the rules its reasons belong to.
    fn note(&mut self, reasons: &[Exclusion], store: bool, e: &EntryVerdict, browser: Browser) {
        for (rule_id, members) in GROUPS {
            if !reasons.iter().any(|r| members.contains(r)) {
                continue;
            }
            let hit = self.hits.entry(rule_id).or_default();
            hit.first_entry = Some(hit.first_entry.map_or(e.index, |i| i.min(e.index)));
            hit.browsers.insert(browser);
            hit.store |= store;
            if !store {
                hit.send_kinds.insert(e.kind.as_str());
            }
            hit.reasons.extend(reasons.iter().copied().filter(|r| members.contains(r)));
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
    }
}

impl Accumulator {
    /// An empty fold for runs of these profiles (in the order the verdicts will come).
    pub fn new(browsers: &[Browser], focus: &Focus) -> Self {
        Accumulator {
            browsers: browsers.to_vec(),
            focus: focus.clone(),
            hosts: HashMap::new(),
            stamp: 0,
            preflights: Vec::new(),
            preflight_hosts: HashSet::new(),
            cors_run: browsers.iter().position(|b| *b == Browser::Chrome).unwrap_or(0),
            cors: Vec::new(),
            cors_reported: HashSet::new(),
        }
    }

    /// Folds in one entry: `verdicts[i]` is the verdict of the `i`-th browser given to [`Accumulator::new`].
    pub fn add(&mut self, verdicts: &[EntryVerdict]) {
        let refs: Vec<&EntryVerdict> = verdicts.iter().collect();
        self.add_refs(&refs);
    }

    fn add_refs(&mut self, verdicts: &[&EntryVerdict]) {
        let Some(first) = verdicts.first() else { return };
        self.stamp += 1;
        let stamp = self.stamp;
        let h = first.host.clone();
        let browsers = self.browsers.len();
        if !self.hosts.contains_key(&h) {
            self.hosts.insert(h.clone(), HostTally { armed: vec![Vec::new(); browsers], ..HostTally::default() });
        }
        let Some(tally) = self.hosts.get_mut(&h) else { return };
        for (b, (e, browser)) in verdicts.iter().zip(self.browsers.iter().copied()).enumerate() {
            // Preflights never carry cookies (their own finding says so): they are not counted.
            let counted = e.kind != RequestKind::Preflight;
            for s in &e.set_cookies {
                let p = tally.pair(&s.name, browsers, &self.focus);
                let pair = &mut tally.pairs[p];
                if counted {
                    let c = &mut pair.counts[b];
                    c.set += 1;
                    c.stored += usize::from(s.stored);
                    if c.set == 1 {
                        tally.armed[b].push(p);
                    }
                }
                if !s.stored && !s.deleted && s.reasons.iter().any(telling) {
                    pair.withheld = true;
                }
                pair.note(&s.reasons, true, e, browser);
                if s.stored && s.warnings.contains(&Warning::Partitioned) {
                    pair.partitioned.insert(browser);
                    pair.partition_entry.get_or_insert(e.index);
                }
            }
            for c in &e.cookies {
                let p = tally.pair(&c.name, browsers, &self.focus);
                let pair = &mut tally.pairs[p];
                if counted && pair.seen[b] != stamp {
                    pair.seen[b] = stamp;
                    pair.counts[b].requests += 1;
                    pair.counts[b].sent += usize::from(c.sent);
                }
                if c.sent {
                    pair.sent = true;
                } else {
                    if c.reasons.iter().any(telling) {
                        pair.withheld = true;
                    }
                    pair.note(&c.reasons, false, e, browser);
                }
                if let Some(recorded) = c.recorded.filter(|r| *r != c.sent) {
                    pair.disagreement[b].get_or_insert_with(|| Disagreement {
                        index: e.index,
                        method: e.method.clone(),
                        url: e.url.clone(),
                        recorded,
                        sent: c.sent,
                        learned: c.learned,
                    });
                }
            }
            if counted && !e.cached {
                // A request to the host while a cookie once set was not in the jar.
                for &p in &tally.armed[b] {
                    if tally.pairs[p].seen[b] != stamp {
                        tally.pairs[p].counts[b].requests += 1;
                    }
                }
            }
        }
        if first.kind == RequestKind::Preflight && !self.preflight_hosts.contains(&h) {
            self.preflight_hosts.insert(h.clone());
            self.preflights.push((h.clone(), first.index, first.url.clone()));
        }
        if let Some(e) = verdicts.get(self.cors_run) {
            self.cors_findings(e, &h);
        }
    }

    /// CORS failures, once per host and error, and responses whose cookies were stored although the
    /// page could not read them.
    fn cors_findings(&mut self, e: &EntryVerdict, h: &str) {
        let Some(c) = &e.cors else { return };
        if let (false, Some(err)) = (c.ok, c.error) {
            if self.cors_reported.insert((h.to_string(), err.as_str())) {
                let params: Vec<String> = c
                    .errors
                    .iter()
                    .map(|(e, p)| if p.is_empty() { e.as_str().to_string() } else { format!("{} (`{p}`)", e.as_str()) })
                    .collect();
                let preflight = match c.preflight {
                    Some((false, _)) => " in the preflight",
                    _ => "",
                };
                self.cors.push(make(
                    "cors-check-failed",
                    Some(e.index),
                    None,
                    Some(h),
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
            self.cors.push(make(
                "cors-cookie-stored-unreadable",
                Some(e.index),
                names.first().copied(),
                Some(h),
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

    /// Writes the summary table and the findings into the report.
    pub fn finish(self, report: &mut HarReport) {
        let mut focused: Vec<(&str, &PairTally)> = self
            .hosts
            .iter()
            .flat_map(|(h, t)| t.pairs.iter().map(move |p| (h.as_str(), p)))
            .filter(|(_, p)| p.named || (self.focus.cookies.is_empty() && p.sent && p.withheld))
            .collect();
        focused.sort_by(|a, b| (a.1.name.as_str(), a.0).cmp(&(b.1.name.as_str(), b.0)));
        report.summary = focused
            .iter()
            .map(|(h, p)| CookieSummary {
                name: p.name.clone(),
                host: h.to_string(),
                affinity: affinity_cookie(&p.name),
                per_browser: self.browsers.iter().copied().zip(p.counts.iter().copied()).collect(),
            })
            .collect();
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
        let capture = capture_browser(report.creator.as_deref());
        let capture_run = self.browsers.iter().position(|b| *b == capture);
        for (h, pair) in &focused {
            pair_findings(h, pair, capture_run.map(|i| (i, capture)), &mut findings);
        }
        for (h, index, url) in &self.preflights {
            let Some((_, pair)) = focused.iter().find(|(fh, p)| fh == h && affinity_cookie(&p.name).is_some()) else {
                continue;
            };
            let name = &pair.name;
            findings.push(make(
                "preflight-not-sticky",
                Some(*index),
                Some(name),
                Some(h),
                Vec::new(),
                format!(
                    "preflight entry {index} OPTIONS {} carries no cookies, so `{name}` cannot pin it: it reaches an arbitrary backend",
                    redact_query(url)
                ),
                fixes_for("preflight-not-sticky"),
            ));
        }
        findings.extend(self.cors);
        security_findings(report, &mut findings);
        findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.entry.cmp(&b.entry)).then(a.rule.cmp(b.rule)));
        report.findings = findings;
    }
}

/// The findings of one (cookie, host) pair in focus.
fn pair_findings(h: &str, pair: &PairTally, capture: Option<(usize, Browser)>, out: &mut Vec<Finding>) {
    let name = pair.name.as_str();
    for (rule_id, hit) in &pair.hits {
        let Some((method, url, kind, creds)) = hit.first.clone() else { continue };
        let browsers: Vec<Browser> = hit.browsers.iter().copied().collect();
        let reasons: Vec<&str> = hit.reasons.iter().map(|r| r.as_str()).collect();
        let kinds = || hit.send_kinds.iter().copied().collect::<Vec<_>>().join("/");
        let what = match (hit.store, hit.send_kinds.is_empty()) {
            (true, true) => "is not stored".to_string(),
            (false, _) => format!("is not sent on {}", kinds()),
            (true, false) => format!("is not stored, nor sent on {}", kinds()),
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
    if !pair.partitioned.is_empty() {
        out.push(make(
            "cookie-partitioned",
            pair.partition_entry,
            Some(name),
            Some(h),
            pair.partitioned.iter().copied().collect(),
            format!("`{name}` on {h} is stored in the top-level site's partition: sent only under that top-level site"),
            fixes_for("cookie-partitioned"),
        ));
    }
    let Some((run, capture_browser)) = capture else { return };
    let Some(d) = pair.disagreement.get(run).and_then(Option::as_ref) else { return };
    let why = if d.learned {
        "the cookie was set before the capture started, so its attributes are guessed"
    } else if d.recorded {
        "the browser that recorded the capture allowed it (another version or setting, or a storage-access grant)"
    } else {
        // `recorded` is known only when the request carried a Cookie header, so credentials went with
        // it: the recording browser held back (or no longer had) this one cookie.
        "the request carried other cookies, so it had credentials: the browser that recorded the capture withheld this one (blocked by a setting, or deleted, expired or replaced there)"
    };
    out.push(make(
        "capture-disagrees",
        Some(d.index),
        Some(name),
        Some(h),
        vec![capture_browser],
        format!(
            "`{name}`: the capture shows it {} on entry {} {} {}, the {} model says {}: {why}",
            if d.recorded { "sent" } else { "not sent" },
            d.index,
            d.method,
            redact_query(&d.url),
            capture_browser,
            if d.sent { "sent" } else { "withheld" },
        ),
        Vec::new(),
    ));
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

/// The rule that an exclusion reason belongs to, if any.
pub fn rule_for_exclusion(r: Exclusion) -> Option<&'static str> {
    GROUPS.iter().find(|(_, members)| members.contains(&r)).map(|(id, _)| *id)
}

/// A URL as reports print it: query values, fragment, userinfo and token-like path segments as `…`
/// (see [`crate::output::redact::url`]).
pub fn redact_query(url: &str) -> String {
    crate::output::redact::url(url)
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
