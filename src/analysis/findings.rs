//! From replayed verdicts to the summary table and the findings.
//!
//! [`Accumulator`] folds in each entry's verdicts as the replay produces them, keeping per (cookie,
//! host) pair only counts and first occurrences: the findings of a capture of any size cost memory
//! for its distinct cookies and hosts, not for its entries. [`analyse`] runs the same fold over a
//! report that kept its entries, so both paths give the same findings.

use crate::model::fast_hash::{HashMap, HashSet};
use std::collections::{BTreeMap, BTreeSet};

use super::affinity::affinity_cookie;
use super::infer::Basis;
use super::report::{CookieCounts, CookieSummary, EntryVerdict, Finding, HarReport, SharedStr};
use super::rules::{RuleId, Severity};
use crate::model::name_id::{same_name, NameId};
use crate::model::profile::Browser;
use crate::model::reason::{Exclusion, Exclusions, Warning};
use crate::model::recent::LastByPosition;
use crate::model::request::RequestKind;

/// Which cookies the report is about.
#[derive(Clone, Debug, Default)]
pub struct Focus {
    /// Cookie names chosen with `--cookie`; when empty, session-affinity cookies plus any cookie that
    /// is sent to a host on some requests and withheld (for a reason worth telling) on others.
    pub cookies: Vec<String>,
    /// Cookies always in focus, in addition (`[cookies] cross_site` in `crossjar.toml`).
    pub also: Vec<String>,
    /// The user's own sites (`[origins] frontends`, `--site`): hosts same-site with one of them are
    /// "own"; when empty, the capture's top-level sites are.
    pub own_sites: Vec<String>,
    /// Every finding in full (`--all`): no grouping of third-party vendors' cookies.
    pub all: bool,
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
    /// Scratch: the pair of each of the first profile's cookies in the current entry.
    first_pairs: Vec<usize>,
    /// Scratch: the same for its `Set-Cookie` lines.
    first_set_pairs: Vec<usize>,
    /// The first preflight to each host (first run): host, entry index, URL; in capture order.
    preflights: Vec<(String, usize, String)>,
    preflight_hosts: HashSet<String>,
    /// The run whose CORS verdicts are reported: Chrome's, else the first (the check is the same in
    /// every browser but for Chrome's Local Network Access).
    cors_run: usize,
    cors: Vec<Finding>,
    cors_reported: HashSet<(String, &'static str)>,
    /// Failed requests per (host, failure as recorded): the first one and how many.
    failures: Vec<((String, String), EntryVerdict, usize)>,
    /// Findings of the HAR unit rules, the first per (rule, host), with how many entries had one.
    unit_findings: Vec<(Finding, usize)>,
    /// Per host: the first request blocked as mixed content, and the profiles that block it.
    mixed: Vec<(String, EntryVerdict, Vec<Browser>)>,
    /// The registrable domains of the capture's top-level pages and of the APIs they call with
    /// credentials or WebSockets.
    top_sites: BTreeSet<String>,
}

/// At most this many (host, failure) groups are kept; a capture of a broken network has one per host.
const FAILURE_GROUPS: usize = 256;

/// The cookie pairs of one host.
#[derive(Default)]
struct HostTally {
    names: HashMap<String, usize>,
    /// `names` by name number, for the names that have one (see `NameId`).
    by_id: HashMap<NameId, usize>,
    pairs: Vec<PairTally>,
    /// The pairs of the host's last entry, in its first profile's cookie order, with their names: the
    /// next request to the host mostly lists the same cookies in the same order, found here without
    /// hashing the name.
    last: LastByPosition,
    /// Per browser: pairs whose cookie has been set at least once, so every later request to the
    /// host counts as one it could have been sent on.
    /// Per browser: requests to the host that could carry cookies (not preflights, not cached), so
    /// far. A pair armed at `n` was related to every one of them since: counted at the end, not per
    /// request (one request per pair would make many cookies on a host quadratic).
    served: Vec<u64>,
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
    hits: BTreeMap<RuleId, Hit>,
    partitioned: BTreeSet<Browser>,
    partition_entry: Option<usize>,
    /// Per browser: the first entry where the capture and the model disagree.
    disagreement: Vec<Option<Box<Disagreement>>>,
    /// The last entry on which the recording browser's own `Cookie` header carried it.
    recorded_sent_last: Option<usize>,
    /// Per browser: a `Set-Cookie` for it was refused for a reason worth telling, on evidence.
    refused: Vec<bool>,
    /// Per browser: the host's `served` count when a `Set-Cookie` for it was first seen; every request
    /// to the host from then on could have carried it.
    armed_at: Vec<Option<u64>>,
    /// Per profile ([`Browser::ALL`] order): what its last two [`PairTally::note`]s depended on,
    /// and their entries, the latest first. A note like one of them on a later entry changes nothing
    /// (every step is a union, a minimum or a first value): most requests to a host repeat the
    /// reasons of the last one of their kind, and two kinds of request (a page's navigations and its
    /// fetches) often take turns.
    noted: [[Option<(NoteKey, usize)>; 2]; Browser::ALL.len()],
}

/// What a [`PairTally::note`] does depends on, but for the entry's index.
#[derive(Clone, Copy, PartialEq, Eq)]
struct NoteKey {
    /// The reasons, as their set's bits ([`Exclusions::bits`]).
    reasons: u64,
    store: bool,
    certain: bool,
    credentials_known: bool,
    kind: RequestKind,
}

const _: () = assert!(Exclusion::ALL.len() <= 64, "NoteKey holds the reasons as the bits of a u64");

/// For a later profile (`b > 0`): the pair the first profile found at position `i`, when it names the
/// same cookie there (every profile reads the same headers, and the jars mostly list the same cookies
/// in the same order), so no map look-up is needed.
fn first_profiles_pair(
    b: usize,
    first_name: Option<(&SharedStr, NameId)>,
    first_pairs: &[usize],
    i: usize,
    name: &SharedStr,
    id: NameId,
) -> Option<usize> {
    let same = first_name.is_some_and(|(first, first_id)| same_name(first, first_id, name, id));
    (b > 0 && same).then(|| first_pairs.get(i).copied()).flatten()
}

impl PairTally {
    /// The summary counts, with the requests since the pair was armed.
    fn counts(&self, served: &[u64]) -> Vec<CookieCounts> {
        let mut counts = self.counts.clone();
        for (b, c) in counts.iter_mut().enumerate() {
            if let (Some(at), Some(now)) = (self.armed_at[b], served.get(b)) {
                c.requests += usize::try_from(now - at).unwrap_or(usize::MAX);
            }
        }
        counts
    }
}

struct Disagreement {
    index: usize,
    method: String,
    url: String,
    recorded: bool,
    sent: bool,
    learned: bool,
    domain: SharedStr,
    path: SharedStr,
}

/// Whether an entry's context rests on what the capture shows or proves: no guessed top level or
/// request kind. (A guessed credentials mode is in each verdict's own basis: it matters only where
/// the verdict hinges on it.)
fn context_known(e: &EntryVerdict) -> bool {
    e.top_level_basis != Basis::Unknown && e.kind_basis != Basis::Unknown
}

impl HostTally {
    /// [`HostTally::pair`] of a name numbered `id`: found by its number after the first time.
    fn numbered_pair(&mut self, name: &str, id: NameId, browsers: usize, focus: &Focus) -> usize {
        if !id.is_known() {
            return self.pair(name, browsers, focus);
        }
        if let Some(&i) = self.by_id.get(&id) {
            return i;
        }
        let i = self.pair(name, browsers, focus);
        self.by_id.insert(id, i);
        i
    }

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
            recorded_sent_last: None,
            refused: vec![false; browsers],
            armed_at: vec![None; browsers],
            noted: Default::default(),
        });
        self.names.insert(name.to_string(), i);
        i
    }
}

impl PairTally {
    /// Records a withheld or refused cookie under the rules its reasons belong to.
    fn note(&mut self, reasons: &Exclusions, store: bool, e: &EntryVerdict, browser: Browser, certain: bool) {
        // Most cookies go out and most lines are stored: nothing to look up.
        if reasons.is_empty() {
            return;
        }
        let key = NoteKey {
            reasons: reasons.bits(),
            store,
            certain,
            credentials_known: e.credentials.basis != Basis::Unknown,
            kind: e.kind,
        };
        let noted = &mut self.noted[browser as usize];
        if noted.iter().flatten().any(|&(k, index)| k == key && e.index >= index) {
            return;
        }
        *noted = [Some((key, e.index)), noted[0]];
        for ((rule_id, members), mask) in GROUPS.iter().zip(GROUP_BITS) {
            if key.reasons & mask == 0 {
                continue;
            }
            let hit = self.hits.entry(*rule_id).or_default();
            // "Credentials not included" is itself the guess when the mode is unknown.
            hit.certain |=
                certain && (*rule_id != RuleId::CredentialsNotIncluded || e.credentials.basis != Basis::Unknown);
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
                    e.method.to_string(),
                    e.url.to_string(),
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
            hosts: HashMap::default(),
            stamp: 0,
            first_pairs: Vec::new(),
            first_set_pairs: Vec::new(),
            preflights: Vec::new(),
            preflight_hosts: HashSet::default(),
            cors_run: browsers.iter().position(|b| *b == Browser::Chrome).unwrap_or(0),
            cors: Vec::new(),
            cors_reported: HashSet::default(),
            failures: Vec::new(),
            unit_findings: Vec::new(),
            mixed: Vec::new(),
            top_sites: BTreeSet::new(),
        }
    }

    /// Folds in one entry: `verdicts[i]` is the verdict of the `i`-th browser given to [`Accumulator::new`].
    pub fn add(&mut self, verdicts: &[EntryVerdict]) {
        super::report::with_refs(verdicts, |refs| self.add_refs(refs));
    }

    fn add_refs(&mut self, verdicts: &[&EntryVerdict]) {
        let Some(first) = verdicts.first() else { return };
        self.stamp += 1;
        let stamp = self.stamp;
        let h: &str = &first.host;
        let browsers = self.browsers.len();
        let tally = match self.hosts.get_mut(h) {
            Some(tally) => tally,
            None => self
                .hosts
                .entry(h.to_string())
                .or_insert(HostTally { served: vec![0; browsers], ..HostTally::default() }),
        };
        self.first_pairs.clear();
        self.first_set_pairs.clear();
        for (b, (e, browser)) in verdicts.iter().zip(self.browsers.iter().copied()).enumerate() {
            // Preflights never carry cookies (their own finding says so): they are not counted.
            let counted = e.kind != RequestKind::Preflight;
            for (i, s) in e.set_cookies.iter().enumerate() {
                // Every profile reads the same lines: the first profile's pair at the same position.
                let first_name = first.set_cookies.get(i).map(|f| (&f.name, f.name_id));
                let p = match first_profiles_pair(b, first_name, &self.first_set_pairs, i, &s.name, s.name_id) {
                    Some(p) => p,
                    None => tally.numbered_pair(&s.name, s.name_id, browsers, &self.focus),
                };
                if b == 0 {
                    self.first_set_pairs.push(p);
                }
                let pair = &mut tally.pairs[p];
                if counted {
                    let c = &mut pair.counts[b];
                    c.set += 1;
                    c.stored += usize::from(s.stored);
                    if c.set == 1 {
                        pair.armed_at[b] = Some(tally.served[b]);
                    }
                }
                let certain = s.basis != Basis::Unknown && context_known(e);
                if !s.stored && !s.deleted && s.reasons.iter().any(telling) {
                    pair.withheld |= certain;
                    pair.refused[b] |= certain;
                }
                pair.note(&s.reasons, true, e, browser, certain);
                if s.stored && s.warnings.contains(&Warning::Partitioned) {
                    pair.partitioned.insert(browser);
                    pair.partition_entry.get_or_insert(e.index);
                }
            }
            for (i, c) in e.cookies.iter().enumerate() {
                // Profiles' jars mostly list the same cookies in the same order: a name equal to the
                // first profile's at the same position is the same pair, without a map look-up.
                let first_name = first.cookies.get(i).map(|f| (&f.name, f.name_id));
                let known = match b {
                    0 => tally.last.get(i, &c.name, c.name_id),
                    _ => first_profiles_pair(b, first_name, &self.first_pairs, i, &c.name, c.name_id),
                };
                let p = match known {
                    Some(p) => p,
                    None => tally.numbered_pair(&c.name, c.name_id, browsers, &self.focus),
                };
                if b == 0 {
                    self.first_pairs.push(p);
                    tally.last.remember(i, &c.name, c.name_id, p);
                }
                let pair = &mut tally.pairs[p];
                if counted && pair.seen[b] != stamp {
                    pair.seen[b] = stamp;
                    // An armed pair's requests are counted from the host's tally at the end.
                    if pair.armed_at[b].is_none() || e.cached {
                        pair.counts[b].requests += 1;
                    }
                    pair.counts[b].sent += usize::from(c.sent);
                }
                let certain = c.basis != Basis::Unknown && context_known(e);
                if c.sent {
                    pair.sent = true;
                } else {
                    if c.reasons.iter().any(telling) {
                        pair.withheld |= certain;
                    }
                    pair.note(&c.reasons, false, e, browser, certain);
                }
                if c.basis == Basis::Recorded && c.sent {
                    pair.recorded_sent_last = Some(pair.recorded_sent_last.map_or(e.index, |i| i.max(e.index)));
                }
                if c.basis == Basis::Recorded && c.sent != c.model_sent {
                    pair.disagreement[b].get_or_insert_with(|| {
                        Box::new(Disagreement {
                            index: e.index,
                            method: e.method.to_string(),
                            url: e.url.to_string(),
                            recorded: c.sent,
                            sent: c.model_sent,
                            learned: c.learned,
                            domain: c.domain.clone(),
                            path: c.path.clone(),
                        })
                    });
                }
            }
            if counted && !e.cached {
                tally.served[b] += 1;
            }
        }
        // The capture's own sites: its top-level pages, and the APIs they call with fetch(), XHR or
        // WebSockets (a cross-site API is the app's own; vendors come as images, scripts, frames).
        let own_kind = match first.kind {
            RequestKind::Navigation | RequestKind::WebSocket => true,
            // A page sends credentials on purpose only to its own API (vendors' beacons go without).
            RequestKind::Fetch | RequestKind::Xhr => {
                first.credentials.mode == Some(crate::model::request::CredentialsMode::Include)
            }
            _ => false,
        };
        if own_kind && self.top_sites.len() < 64 {
            let site = site_of_host(h);
            if !self.top_sites.contains(site) {
                self.top_sites.insert(site.to_string());
            }
        }
        if first.kind == RequestKind::Preflight && !self.preflight_hosts.contains(h) {
            self.preflight_hosts.insert(h.to_string());
            self.preflights.push((h.to_string(), first.index, first.url.to_string()));
        }
        if let Some(e) = verdicts.get(self.cors_run) {
            self.cors_findings(e, h);
        }
        let blocked: Vec<Browser> = verdicts
            .iter()
            .zip(&self.browsers)
            .filter(|(v, _)| v.mixed_content == Some(crate::model::mixed_content::MixedContent::Blocked))
            .map(|(_, b)| *b)
            .collect();
        if !blocked.is_empty() && self.mixed.len() < FAILURE_GROUPS && !self.mixed.iter().any(|(mh, _, _)| *mh == h) {
            self.mixed.push((h.to_string(), first.clone_without_cookies(), blocked));
        }
        let mut found = Vec::new();
        super::rules::run_units(&super::rules::Facts::HarEntry { verdicts, browsers: &self.browsers }, &mut found);
        for f in found {
            let groups = self.unit_findings.len();
            match self.unit_findings.iter_mut().find(|(u, _)| u.rule == f.rule && u.host == f.host) {
                Some(u) => u.1 += 1,
                None if groups < FAILURE_GROUPS => self.unit_findings.push((f, 1)),
                None => {}
            }
        }
        if let Some(failure) = &first.failure {
            let key = (h.to_string(), failure.clone());
            let groups = self.failures.len();
            match self.failures.iter_mut().find(|f| f.0 == key) {
                Some(f) => f.2 += 1,
                None if groups < FAILURE_GROUPS => self.failures.push((key, (*first).clone_without_cookies(), 1)),
                None => {}
            }
        }
    }

    /// CORS failures, once per host and error, and responses whose cookies were stored although the
    /// page could not read them.
    fn cors_findings(&mut self, e: &EntryVerdict, h: &str) {
        let Some(c) = &e.cors else { return };
        // A failed request with no recorded answer is `request-failed`'s, not a CORS verdict.
        if let (false, Some(err), false) = (c.ok, c.error, e.failure.is_some() && c.basis == Basis::Recorded) {
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
                    RuleId::CorsCheckFailed,
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
                RuleId::CorsCookieStoredUnreadable,
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
        let own: BTreeSet<String> = if self.focus.own_sites.is_empty() {
            self.top_sites.clone()
        } else {
            self.focus.own_sites.iter().map(|s| site_of_host(own_site_host(s)).to_string()).collect()
        };
        report.summary = focused
            .iter()
            .map(|(h, p)| CookieSummary {
                name: p.name.clone(),
                host: h.to_string(),
                affinity: affinity_cookie(&p.name),
                per_browser: self
                    .browsers
                    .iter()
                    .copied()
                    .zip(p.counts(self.hosts.get(*h).map_or(&[][..], |t| &t.served[..])))
                    .collect(),
                own: own.is_empty() || own.contains(site_of_host(h)) || p.named,
            })
            .collect();
        let mut findings = Vec::new();
        if report.sanitized {
            findings.push(make(
                RuleId::CaptureSanitized,
                None,
                None,
                None,
                Vec::new(),
                "the capture has no Cookie or Set-Cookie header at all: probably a sanitized export; cookie verdicts below are what the model predicts, not what the capture recorded".into(),
                vec!["export again with \"Allow to generate HAR with sensitive data\" enabled (DevTools → Settings → Network), then `crossjar sanitize` before sharing".into()],
            ));
        }
        let capture = report.recorder.map(|r| r.browser);
        let capture_run = capture.and_then(|c| self.browsers.iter().position(|b| *b == c));
        // The story focuses; findings do not: a cookie the recording browser, or every profile,
        // refuses is reported whatever its name.
        let mut judged: Vec<(&str, &PairTally)> = self
            .hosts
            .iter()
            .flat_map(|(h, t)| t.pairs.iter().map(move |p| (h.as_str(), p)))
            .filter(|(h, p)| {
                focused.iter().any(|(fh, fp)| fh == h && fp.name == p.name)
                    || capture_run.is_some_and(|r| p.refused[r])
                    || (!p.refused.is_empty() && p.refused.iter().all(|r| *r))
            })
            .collect();
        judged.sort_by(|a, b| (a.1.name.as_str(), a.0).cmp(&(b.1.name.as_str(), b.0)));
        let mut disagreements_told = HashSet::default();
        for (h, pair) in &judged {
            pair_findings(
                h,
                pair,
                capture_run.zip(capture),
                report.recorder.and_then(|r| r.major),
                &mut disagreements_told,
                &mut findings,
            );
        }
        for (h, e, browsers) in &self.mixed {
            let shown = if e.failure.is_none() && e.status != 0 {
                format!(
                    "; the capture shows it answered (status {}), so the recording browser loaded it (an older version, or an exemption)",
                    e.status
                )
            } else {
                String::new()
            };
            findings.push(make(
                RuleId::MixedContentBlocked,
                Some(e.index),
                None,
                Some(h),
                browsers.clone(),
                format!(
                    "entry {} {} {} ({}) from {}: an https page's request to plain http is blocked as mixed content{shown}",
                    e.index,
                    e.method,
                    redact_query(&e.url),
                    e.kind.as_str(),
                    e.initiator.as_deref().or(e.top_level_site.as_deref()).unwrap_or("an https page"),
                ),
                vec![
                    "server: serve it over https (wss: for WebSockets), or terminate TLS in front of it".into(),
                    "frontend: call the https: URL (no protocol-relative or hard-coded http: URLs)".into(),
                ],
            ));
        }
        for ((h, failure), e, count) in &self.failures {
            findings.push(failure_finding(h, failure, e, *count));
        }
        for (mut f, count) in self.unit_findings {
            if count > 1 {
                f.message.push_str(&format!(" (and {} more entries to this host)", count - 1));
            }
            findings.push(f);
        }
        for (h, index, url) in &self.preflights {
            let Some((_, pair)) = focused.iter().find(|(fh, p)| fh == h && affinity_cookie(&p.name).is_some()) else {
                continue;
            };
            let name = &pair.name;
            findings.push(make(
                RuleId::PreflightNotSticky,
                Some(*index),
                Some(name),
                Some(h),
                Vec::new(),
                format!(
                    "preflight entry {index} OPTIONS {} carries no cookies, so `{name}` cannot pin it: it reaches an arbitrary backend",
                    redact_query(url)
                ),
                fixes_for(RuleId::PreflightNotSticky),
            ));
        }
        findings.extend(self.cors);
        security_findings(report, &mut findings);
        report.findings = present(findings, &own, self.focus.all, &|c| self.focus.names(c));
        report.grouped = !self.focus.all;
    }
}

/// The registrable domain of a host (the host itself for IP addresses and public suffixes).
fn site_of_host(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    crate::model::site::registrable_domain(host).unwrap_or(host)
}

/// The host of an own-site setting, which may be an origin (`https://kontext.build`) or a host.
fn own_site_host(s: &str) -> &str {
    let s = s.split("://").nth(1).unwrap_or(s);
    s.split(['/', ':']).next().unwrap_or(s)
}

/// Rules whose findings about third-party hosts fold into one `third-party-vendor` finding per vendor
/// site: problems of the site's own partners that its owner cannot fix in its own code.
const VENDOR_FOLDED: &[RuleId] = &[
    RuleId::SamesiteUnspecifiedCrossSite,
    RuleId::SamesiteBlocksCrossSite,
    RuleId::SamesiteNoneInsecure,
    RuleId::ThirdPartyCookieBlocked,
    RuleId::CookiePartitioned,
    RuleId::CookieRejected,
    RuleId::CaptureDisagrees,
    RuleId::CredentialsNotIncluded,
];

/// Orders and groups findings for a person: identical findings that differ only by cookie are merged
/// into one naming every cookie; findings about the user's own sites come first; unless `all`, each
/// third-party vendor site's cookie findings become one `third-party-vendor` finding listing its
/// cookies and rules.
pub fn present(
    findings: Vec<Finding>,
    own: &BTreeSet<String>,
    all: bool,
    named: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    // A finding's host may be an origin (`cors-misconfiguration`): the same parse as own sites.
    let host_site = |f: &Finding| f.host.as_deref().map(|h| site_of_host(own_site_host(h)).to_string());
    let is_own = |f: &Finding| host_site(f).is_none_or(|s| own.is_empty() || own.contains(&s));
    let mut kept: Vec<Finding> = Vec::new();
    let mut vendors: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for f in findings {
        let named_cookie = f.cookie.as_deref().is_some_and(named);
        if !all && !named_cookie && f.cookie.is_some() && !is_own(&f) && VENDOR_FOLDED.contains(&f.rule) {
            vendors.entry(host_site(&f).unwrap_or_default()).or_default().push(f);
        } else {
            kept.push(f);
        }
    }
    let mut kept = merge_identical(kept);
    for (site, group) in vendors {
        kept.push(vendor_finding(&site, group));
    }
    kept.sort_by(|a, b| {
        is_own(b)
            .cmp(&is_own(a))
            .then(b.severity.cmp(&a.severity))
            .then(a.entry.cmp(&b.entry))
            .then(a.rule.cmp(&b.rule))
    });
    kept
}

/// Merges findings that say the same thing about different cookies (same rule, host, severity and
/// browsers; the message the same but for the cookie's name) into one naming all of them, and drops
/// exact duplicates.
fn merge_identical(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<(String, Finding, Vec<String>)> = Vec::new();
    for f in findings {
        let shape = match &f.cookie {
            Some(c) => f.message.replacen(&format!("`{c}`"), "`*`", 1),
            None => f.message.clone(),
        };
        let key = format!("{}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{shape}", f.rule, f.host, f.severity, f.browsers);
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, cookies)) => {
                if let Some(c) = f.cookie {
                    if !cookies.contains(&c) {
                        cookies.push(c);
                    }
                }
            }
            None => {
                let cookies = f.cookie.iter().cloned().collect();
                out.push((key, f, cookies));
            }
        }
    }
    out.into_iter()
        .map(|(_, mut f, cookies)| {
            if cookies.len() > 1 {
                let first = format!("`{}`", cookies[0]);
                let all: Vec<String> = cookies.iter().map(|c| format!("`{c}`")).collect();
                f.message = f.message.replacen(&first, &all.join(", "), 1);
            }
            f
        })
        .collect()
}

/// One finding for a third-party vendor site: its cookies and what happens to them, at `info` (the
/// site owner cannot change a vendor's cookies; `--all` lists each finding in full).
fn vendor_finding(site: &str, group: Vec<Finding>) -> Finding {
    let mut cookies: Vec<&str> = Vec::new();
    let mut rules: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut browsers: BTreeSet<Browser> = BTreeSet::new();
    for f in &group {
        if let Some(c) = f.cookie.as_deref() {
            if !cookies.contains(&c) {
                cookies.push(c);
            }
        }
        *rules.entry(f.rule.as_str()).or_default() += 1;
        browsers.extend(f.browsers.iter().copied());
    }
    let worst = group.iter().map(|f| f.severity).max().unwrap_or(Severity::Info);
    let entry = group.iter().filter_map(|f| f.entry).min();
    let shown: Vec<String> = cookies.iter().take(8).map(|c| format!("`{c}`")).collect();
    let more = if cookies.len() > 8 { format!(" and {} more", cookies.len() - 8) } else { String::new() };
    let rule_list: Vec<String> =
        rules.iter().map(|(r, n)| if *n > 1 { format!("{r} ×{n}") } else { r.to_string() }).collect();
    let mut f = make(
        RuleId::ThirdPartyVendor,
        entry,
        cookies.first().copied(),
        Some(site),
        browsers.into_iter().collect(),
        format!(
            "third-party site {site} ({} cookie{}{}): {} — at worst {worst}; `--all` lists each",
            cookies.len(),
            if cookies.len() == 1 { "" } else { "s" },
            if shown.is_empty() { String::new() } else { format!(": {}{more}", shown.join(", ")) },
            rule_list.join(", ")
        ),
        vec!["vendor: these cookies are set by a partner's servers; ask the vendor, or drop the integration if it breaks your pages".into()],
    );
    f.severity = f.severity.min(worst);
    f
}

/// The findings of one (cookie, host) pair in focus.
fn pair_findings(
    h: &str,
    pair: &PairTally,
    capture: Option<(usize, Browser)>,
    capture_major: Option<u32>,
    told: &mut HashSet<(String, String, String)>,
    out: &mut Vec<Finding>,
) {
    // A nameless cookie (`Set-Cookie: abc`) is shown by what it is, not as an empty name.
    let name = if pair.name.is_empty() { "(nameless)" } else { pair.name.as_str() };
    for (rule_id, hit) in &pair.hits {
        let Some((method, url, kind, creds)) = hit.first.clone() else { continue };
        let mut browsers: Vec<Browser> = hit.browsers.iter().copied().collect();
        // The recording browser's own Cookie header carried it at or after this point: the capture
        // contradicts the model for that browser (`capture-disagrees` tells it).
        if let (Some((_, recorder)), Some(last)) = (capture, pair.recorded_sent_last) {
            if last >= hit.first_entry.unwrap_or(0) {
                browsers.retain(|b| *b != recorder);
            }
        }
        if browsers.is_empty() {
            continue;
        }
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
        let mut f =
            make(*rule_id, hit.first_entry, Some(name), Some(h), browsers, message, fixes_for_cookie(*rule_id, name));
        if !hit.certain {
            // No error may rest on a guess: every verdict behind this one depends on something the
            // capture does not show (credentials mode, top level, or the attributes of a cookie set
            // before recording).
            f.severity = f.severity.min(Severity::Info);
            f.unknown = true;
            f.message.push_str(" — unknown: it depends on facts the capture does not hold");
        }
        out.push(f);
    }
    if !pair.partitioned.is_empty() {
        out.push(make(
            RuleId::CookiePartitioned,
            pair.partition_entry,
            Some(name),
            Some(h),
            pair.partitioned.iter().copied().collect(),
            format!("`{name}` on {h} is stored in the top-level site's partition: sent only under that top-level site"),
            fixes_for(RuleId::CookiePartitioned),
        ));
    }
    let Some((run, capture_browser)) = capture else { return };
    let Some(d) = pair.disagreement.get(run).and_then(Option::as_ref) else { return };
    if !told.insert((name.to_string(), d.domain.to_string(), d.path.to_string())) {
        return;
    }
    let model_reasons: BTreeSet<Exclusion> = pair
        .hits
        .values()
        .filter(|h| h.browsers.contains(&capture_browser))
        .flat_map(|h| h.reasons.iter().copied())
        .collect();
    let unspecified = model_reasons.iter().any(|r| {
        matches!(r, Exclusion::SameSiteUnspecifiedTreatedAsLax | Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax)
    });
    let schemeful = model_reasons.iter().any(|r| r.as_str().starts_with("Schemeful"));
    let third_party = model_reasons.iter().any(|r| {
        matches!(r, Exclusion::UserPreferences | Exclusion::ThirdPartyPhaseout | Exclusion::ThirdPartyBlockedByItp)
    });
    let version_note;
    let why = if d.learned {
        "the cookie was set before the capture started (or by a response the capture lacks), so its attributes are guessed"
    } else if d.recorded && unspecified && capture_major.is_some_and(|m| m < 85) {
        version_note = format!(
            "the capture comes from {capture_browser} {}, before Lax-by-default (Chrome 80, rolled out to all by 84/85)",
            capture_major.unwrap_or(0)
        );
        version_note.as_str()
    } else if d.recorded && schemeful && capture_major.is_some_and(|m| m < 89) {
        version_note = format!(
            "the capture comes from {capture_browser} {}, before schemeful same-site (Chrome 89)",
            capture_major.unwrap_or(0)
        );
        version_note.as_str()
    } else if d.recorded && third_party {
        "the recording browser allowed third-party cookies (its settings, an exception or a storage-access grant)"
    } else if d.recorded {
        "the browser that recorded the capture allowed it (another version, an enterprise policy, a storage-access grant, or a response the capture lacks)"
    } else {
        // `recorded` is known only when the request carried a Cookie header, so credentials went with
        // it: the recording browser held back (or no longer had) this one cookie.
        "the request carried other cookies, so it had credentials: the browser that recorded the capture withheld this one (blocked by a setting, or deleted, expired or replaced there)"
    };
    out.push(make(
        RuleId::CaptureDisagrees,
        Some(d.index),
        Some(name),
        Some(h),
        vec![capture_browser],
        format!(
            "`{name}` (domain {}, path {}): the capture shows it {} on entry {} {} {}, the {} model says {}: {why}",
            d.domain,
            d.path,
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
    rule_id: RuleId,
    entry: Option<usize>,
    cookie: Option<&str>,
    host: Option<&str>,
    browsers: Vec<Browser>,
    message: String,
    fixes: Vec<String>,
) -> Finding {
    Finding {
        rule: rule_id,
        severity: rule_id.severity(),
        entry,
        cookie: cookie.map(str::to_string),
        host: host.map(str::to_string),
        browsers,
        message,
        fixes,
        unknown: false,
    }
}

/// One `request-failed` finding for a (host, failure) group: what failed, that the exporter recorded
/// no response headers, the likely causes for that kind of request, and what to capture instead.
fn failure_finding(h: &str, failure: &str, e: &EntryVerdict, count: usize) -> Finding {
    let mut causes: Vec<&str> = Vec::new();
    let upper = failure.to_ascii_uppercase();
    if upper.contains("BLOCKED_BY_CLIENT") {
        causes.push("blocked by the client (an extension or content blocker)");
    }
    if upper.contains("BLOCKED_BY_RESPONSE") || upper.contains("BLOCKED_BY_ORB") {
        causes.push("blocked by the response's own policy (CORP, COEP, ORB)");
    }
    if upper.contains("ABORTED") || upper.contains("CANCELED") {
        causes.push("cancelled by the page or a navigation");
    }
    if upper.contains("NAME_NOT_RESOLVED") || upper.contains("UNKNOWN_HOST") {
        causes.push("the host name did not resolve");
    }
    if upper.contains("CERT") || upper.contains("SSL") {
        causes.push("a TLS certificate error");
    }
    let cross_origin = e.initiator.as_deref().is_some_and(|i| !e.url.starts_with(i));
    if e.cors.is_some() && cross_origin {
        causes.push("CORS: the response or its preflight failed the check (the browser then hides the response from the exporter; the console names the reason)");
    }
    if e.top_level_site.as_deref().is_some_and(|t| t.starts_with("https:")) && e.url.starts_with("http:") {
        causes.push("mixed content: an https page cannot load this http URL");
    }
    if causes.is_empty() {
        causes.push("a network error, a blocked request, or a cancelled one");
    }
    let more = if count > 1 { format!(" (and {} more to this host)", count - 1) } else { String::new() };
    make(
        RuleId::RequestFailed,
        Some(e.index),
        None,
        Some(h),
        Vec::new(),
        format!(
            "entry {} {} {} ({}) failed: `{failure}`{more}; the exporter recorded no response headers, so the cookies and CORS headers of the answer are unknown; likely: {}",
            e.index,
            e.method,
            redact_query(&e.url),
            e.kind.as_str(),
            causes.join("; ")
        ),
        vec![
            "capture: export the HAR from DevTools' Network panel (it keeps blocked and CORS-failed responses' headers), or run the request with `curl -i` and give the output to `crossjar headers`".into(),
        ],
    )
}

/// One group of findings: rule, with the reasons that trigger it.
const GROUPS: &[(RuleId, &[Exclusion])] = &[
    (RuleId::CredentialsNotIncluded, &[Exclusion::CredentialsNotIncluded]),
    (
        RuleId::SamesiteUnspecifiedCrossSite,
        &[Exclusion::SameSiteUnspecifiedTreatedAsLax, Exclusion::SchemefulSameSiteUnspecifiedTreatedAsLax],
    ),
    (
        RuleId::SamesiteBlocksCrossSite,
        &[
            Exclusion::SameSiteLax,
            Exclusion::SameSiteStrict,
            Exclusion::SchemefulSameSiteLax,
            Exclusion::SchemefulSameSiteStrict,
        ],
    ),
    (RuleId::SamesiteNoneInsecure, &[Exclusion::SameSiteNoneInsecure]),
    (
        RuleId::ThirdPartyCookieBlocked,
        &[Exclusion::UserPreferences, Exclusion::ThirdPartyBlockedByItp, Exclusion::ThirdPartyPhaseout],
    ),
    (
        RuleId::CookieRejected,
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

/// Each of [`GROUPS`]' reasons as bits ([`Exclusion::bit`]), as [`NoteKey::reasons`] holds them: whether a verdict's reasons touch a group is one `&` (scanning each group's list for each
/// reason cost 2% of the replay thread's instructions on a header-heavy capture).
const GROUP_BITS: [u64; GROUPS.len()] = {
    let mut bits = [0; GROUPS.len()];
    let mut g = 0;
    while g < GROUPS.len() {
        let members = GROUPS[g].1;
        let mut m = 0;
        while m < members.len() {
            bits[g] |= members[m].bit();
            m += 1;
        }
        g += 1;
    }
    bits
};

#[derive(Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct Hit {
    /// At least one verdict behind it rests on what the capture shows or proves.
    certain: bool,
    first_entry: Option<usize>,
    browsers: BTreeSet<Browser>,
    store: bool,
    send_kinds: BTreeSet<&'static str>,
    reasons: BTreeSet<Exclusion>,
    first: Option<(String, String, RequestKind, String)>,
}

/// The rule that an exclusion reason belongs to, if any.
pub fn rule_for_exclusion(r: Exclusion) -> Option<RuleId> {
    GROUPS.iter().find(|(_, members)| members.contains(&r)).map(|(id, _)| *id)
}

/// A URL as reports print it: query values, fragment, userinfo and token-like path segments as `…`
/// (see [`crate::redact::url`]).
pub fn redact_query(url: &str) -> String {
    crate::redact::url(url)
}

/// The fixes for a rule about one cookie: the generic ones, with the server-specific line only for
/// the server that sets such a cookie (ingress-nginx's annotation for its affinity cookie, the
/// load balancer's stickiness for `AWSALB*` / `AWSELB`), never a guess for a vendor's cookie.
pub fn fixes_for_cookie(rule_id: RuleId, cookie: &str) -> Vec<String> {
    let lower = cookie.to_ascii_lowercase();
    let nginx = matches!(lower.as_str(), "route" | "ingresscookie");
    let samesite_rule = matches!(
        rule_id,
        RuleId::SamesiteUnspecifiedCrossSite | RuleId::SamesiteBlocksCrossSite | RuleId::SamesiteNoneInsecure
    );
    let mut fixes: Vec<String> =
        fixes_for(rule_id).into_iter().filter(|f| !f.starts_with("ingress-nginx:") || nginx).collect();
    if samesite_rule && lower.starts_with("awsalb") {
        fixes.push("AWS ALB: rely on AWSALBCORS (the same stickiness with SameSite=None; Secure) for cross-site calls — AWSALB itself has no SameSite; application-based stickiness (AWSALBAPP) follows your own cookie's attributes".into());
    }
    if samesite_rule && lower.starts_with("awselb") {
        fixes.push("AWS Classic Load Balancer: AWSELB has no SameSite and cannot be given one; use application-controlled stickiness with your own cookie (SameSite=None; Secure), or move to an ALB".into());
    }
    fixes
}

/// The fixes for a rule, one line per side.
pub fn fixes_for(rule_id: RuleId) -> Vec<String> {
    let lines: &[&str] = match rule_id {
        RuleId::CredentialsNotIncluded => &[
            "frontend: fetch(url, { credentials: 'include' }) / xhr.withCredentials = true / crossorigin=\"use-credentials\"",
            "server: Access-Control-Allow-Origin: <exact page origin> (not *), Access-Control-Allow-Credentials: true, Vary: Origin — on the preflight too",
            "cookie: SameSite=None; Secure (add Partitioned for Safari and Chrome with third-party cookies blocked)",
            "architecture: serve the API from the page's origin, or route on a session id in the URL instead of a cookie",
        ],
        RuleId::SamesiteUnspecifiedCrossSite => &[
            "cookie: add SameSite=None; Secure (never Strict or Lax for a cookie a cross-site frontend needs)",
            "ingress-nginx: nginx.ingress.kubernetes.io/session-cookie-samesite: \"None\" and session-cookie-secure: \"true\"",
            "architecture: host the API on a subdomain of the page's site to make the requests same-site",
        ],
        RuleId::SamesiteBlocksCrossSite => &[
            "cookie: a cookie needed on cross-site requests must be SameSite=None; Secure",
            "architecture: make the requests same-site (API on a subdomain of the page's registrable domain)",
        ],
        RuleId::SamesiteNoneInsecure => &["cookie: add Secure and serve over HTTPS"],
        RuleId::ThirdPartyCookieBlocked => &[
            "cookie: add Partitioned (CHIPS: Chrome 114+, Firefox 141+, Safari 26.2+)",
            "architecture: serve the API same-site with the page, or carry the session id in the URL or a header",
        ],
        RuleId::CookiePartitioned => &["none needed for a session pinned for one frontend; to share across top-level sites, move the API same-site"],
        RuleId::CookieRejected => &["cookie: follow the reason (HTTPS for Secure, a Domain the host belongs to, prefix rules, size)"],
        RuleId::PreflightNotSticky => &[
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
    for (origin, entry, issue) in &report.security {
        // The severity is the registry's, as for every rule; the class (and so how exploitable it
        // is, `issue.risk`) is in the message.
        out.push(make(
            RuleId::CorsMisconfiguration,
            Some(*entry),
            None,
            Some(origin),
            Vec::new(),
            format!("{origin} [{}]: {}", issue.class.id(), issue.message),
            vec![
                "server: keep an explicit allow-list of exact origins, answer with the one that matched, add Vary: Origin".into(),
                "never allow `null`, http:// origins for an https API, or hosts where anyone can publish".into(),
            ],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::{Basis, Browser, Exclusion, Exclusions, Focus, HostTally, RequestKind, GROUPS, GROUP_BITS};
    use crate::analysis::report::EntryVerdict;
    use proptest::prelude::*;

    proptest! {
        /// The notes skipped because one like them came before change nothing: a pair that remembers
        /// its last notes ends with the hits of one that forgets them before every note, for any run
        /// of notes from a few kinds, reasons, bases and profiles (entries in capture order).
        #[test]
        fn notes_skipped_as_repeats_change_no_hit(
            steps in proptest::collection::vec((0..3usize, 0..6usize, any::<bool>(), any::<bool>(), any::<bool>(), 0..3usize, 0..2usize), 1..50)
        ) {
            let x = crate::evidence::Exchange {
                method: "GET".into(),
                url: "https://a.example/".into(),
                status: 200,
                ..Default::default()
            };
            let one = crate::analysis::replay::Replay::new(&Default::default()).replay(&x).remove(0);
            let kinds = [RequestKind::Fetch, RequestKind::Navigation, RequestKind::Subresource];
            let reason_sets: [&[Exclusion]; 6] = [
                &[Exclusion::SameSiteUnspecifiedTreatedAsLax],
                &[Exclusion::SameSiteLax, Exclusion::NotOnPath],
                &[Exclusion::ThirdPartyPhaseout],
                &[Exclusion::CredentialsNotIncluded],
                &[Exclusion::SecureOnly, Exclusion::UserPreferences],
                &[],
            ];
            let browsers = [Browser::Chrome, Browser::Firefox, Browser::Safari];
            let mut tallies = [HostTally::default(), HostTally::default()];
            let pairs = tallies.each_mut().map(|t| t.pair("sid", Browser::ALL.len(), &Focus::default()));
            for (index, (kind, reasons, store, certain, known, browser, step)) in steps.into_iter().enumerate() {
                let mut e = EntryVerdict { index: index * 2 + step, kind: kinds[kind], ..one.clone() };
                e.credentials.basis = if known { Basis::Inferred } else { Basis::Unknown };
                for (t, (tally, p)) in tallies.iter_mut().zip(pairs).enumerate() {
                    let pair = &mut tally.pairs[p];
                    if t == 1 {
                        pair.noted = Default::default();
                    }
                    pair.note(&Exclusions::of(reason_sets[reasons]), store, &e, browsers[browser], certain);
                }
            }
            prop_assert_eq!(&tallies[0].pairs[pairs[0]].hits, &tallies[1].pairs[pairs[1]].hits);
        }
    }

    /// A group's bits hold exactly its reasons, for every reason there is.
    #[test]
    fn group_bits_hold_each_groups_reasons() {
        for ((rule, members), bits) in GROUPS.iter().zip(GROUP_BITS) {
            for r in Exclusion::ALL {
                assert_eq!(bits & r.bit() != 0, members.contains(r), "{rule:?} {r:?}");
            }
        }
    }
}
