//! The human report: summary first, then findings with their fixes, then the story per request.

use crate::model::fast_hash::HashMap;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use crate::analysis::findings::{cors_fixes, fixes_for, redact_query, rule_for_exclusion};
use crate::analysis::infer::Basis;
use crate::analysis::report::{EntryVerdict, Finding, HarReport};
use crate::model::name_id::{same_name, NameId};
use crate::model::profile::Browser;
use crate::model::recent::LastByPosition;
use crate::model::request::RequestKind;
use crate::model::shared::SharedStr;
use crate::output::{escape, redact};

/// Options for the text report.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// Print cookie values.
    pub show_values: bool,
    /// Findings only.
    pub quiet: bool,
}

/// A severity label styled for terminals (the CLI strips styles when output is not a terminal or
/// `NO_COLOR` is set).
fn severity_label(s: crate::analysis::rules::Severity) -> String {
    use crate::analysis::rules::Severity;
    let code = match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;34",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

fn list(items: &[&str]) -> String {
    items.join(", ")
}

/// Renders a HAR report that kept its entries as text.
pub fn har_report(r: &HarReport, opts: TextOptions) -> String {
    let mut story = Story::new(&r.runs.iter().map(|run| run.browser).collect::<Vec<_>>());
    let count = r.runs.iter().map(|run| run.entries.len()).max().unwrap_or(0);
    for i in 0..count {
        story.add(r.runs.iter().filter_map(|run| run.entries.get(i)));
    }
    har_report_with_story(r, &story, opts)
}

/// Renders a HAR report as text, the story from entries kept while the replay ran.
pub fn har_report_with_story(r: &HarReport, story: &Story, opts: TextOptions) -> String {
    // Everything from the input is escaped for the terminal (`\u{1b}`); only the findings' own
    // styles are raw escape sequences, so the sections without styles are escaped whole.
    let mut out = String::new();
    if !opts.quiet {
        let mut head = String::new();
        let _ = writeln!(
            head,
            "{}: {} entries{}{}",
            r.input,
            r.entries,
            r.creator.as_deref().map(|c| format!(", recorded by {c}")).unwrap_or_default(),
            if r.sanitized { ", sanitized export (no Cookie/Set-Cookie headers)" } else { "" }
        );
        let skipped: usize = r.skipped_kinds.iter().map(|k| k.count).sum();
        if skipped <= r.skipped.len() {
            for (i, why) in &r.skipped {
                let why = if opts.show_values { why.into() } else { redact::message(why) };
                let _ = writeln!(head, "  skipped entry {i}: {why}");
            }
        } else {
            // Many skipped entries: one line per kind of problem, with its count and first entry.
            for k in &r.skipped_kinds {
                let why = if opts.show_values { k.first.as_str().into() } else { redact::message(&k.first) };
                let _ = match k.count {
                    1 => writeln!(head, "  skipped entry {}: {why}", k.first_index),
                    n => writeln!(head, "  skipped {n} entries like entry {}: {why}", k.first_index),
                };
            }
        }
        summary(&mut head, r);
        out.push_str(&escape::text(&head));
    }
    findings(&mut out, &r.findings);
    if !opts.quiet {
        let mut story_text = String::new();
        story.render(&mut story_text, r, opts);
        out.push_str(&escape::text(&story_text));
    }
    totals(&mut out, &r.findings);
    out
}

/// The last line of a text report: how many findings of each severity.
pub fn totals(out: &mut String, findings: &[Finding]) {
    use crate::analysis::rules::Severity;
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        out,
        "\nTotal: {} ({}, {}, {})",
        plural(findings.len(), "finding", "findings"),
        plural(count(Severity::Error), "error", "errors"),
        plural(count(Severity::Warning), "warning", "warnings"),
        format_args!("{} info", count(Severity::Info)),
    );
}

/// How many entries the story shows per cookie: the first ones tell how it went; the JSON report
/// lists every entry.
pub const STORY_ENTRIES_PER_COOKIE: usize = 20;

/// How many distinct cookie names the story keeps entries for.
pub const STORY_NAMES: usize = 512;

/// No line in [`Story`]'s `line_by_id`.
const NO_LINE: u32 = u32::MAX;

/// How many entries listing a cookie the story looks at for changes; later ones are only counted.
const STORY_LOOK: usize = 200;

/// Up to this many cookies looked at in one entry are told apart by a scan of their names, more
/// through a map.
const LOOKED_SCANNED: usize = 8;

/// The entries the story can show, collected while the replay runs. Which cookies the report
/// focuses on is known only at the end, so for every cookie name it keeps up to
/// [`STORY_ENTRIES_PER_COOKIE`] entries that list it, trimmed to that cookie (no CORS verdict, no
/// other cookies): the first, and each one where some browser's verdict on the cookie changed
/// (a repeat of the same outcome tells nothing new). Memory grows with cookie names, not entries.
pub struct Story {
    browsers: Vec<Browser>,
    /// Per cookie name: the kept entries (one trimmed verdict per browser), how many were not shown,
    /// how many were looked at, and the last kept outcome's signature.
    by_name: HashMap<String, usize>,
    /// `by_name` by name number (see `NameId`), [`NO_LINE`] where not yet looked up.
    line_by_id: Vec<u32>,
    lines: Vec<StoryLine>,
    /// Entries taken so far.
    entries_seen: u64,
    /// The last entry's first-profile cookies, by position: each name and its line. Consecutive
    /// requests mostly list the same cookies in the same order, found here without a map look-up.
    last: LastByPosition,
}

/// One cookie's part of the story.
#[derive(Default)]
struct StoryLine {
    /// Kept entries, one trimmed verdict per browser each.
    kept: Vec<Vec<EntryVerdict>>,
    /// Entries listing the cookie that are not shown.
    more: usize,
    /// Entries looked at for changes.
    looked: usize,
    /// The signature of the last kept outcome.
    last: u64,
    /// The last entry that listed the cookie (one entry lists it once per browser).
    stamp: u64,
}

impl Story {
    /// An empty story for these profiles, in the order verdicts will come.
    pub fn new(browsers: &[Browser]) -> Self {
        Story {
            browsers: browsers.to_vec(),
            by_name: HashMap::default(),
            line_by_id: Vec::new(),
            lines: Vec::new(),
            entries_seen: 0,
            last: LastByPosition::default(),
        }
    }

    /// Takes one entry: one verdict per browser, in the order given to [`Story::new`].
    pub fn add<'a>(&mut self, verdicts: impl IntoIterator<Item = &'a EntryVerdict>) {
        let verdicts: Vec<&EntryVerdict> = verdicts.into_iter().collect();
        self.add_refs(&verdicts);
    }

    /// [`Story::add`] of one entry's verdicts as the replay hands them, without collecting them.
    pub fn add_entry(&mut self, verdicts: &[EntryVerdict]) {
        crate::analysis::report::with_refs(verdicts, |refs| self.add_refs(refs));
    }

    fn add_refs(&mut self, verdicts: &[&EntryVerdict]) {
        self.entries_seen += 1;
        let stamp = self.entries_seen;
        // Every response line, and every cookie some profile's jar holds for the request (one
        // browser may have stored what another refused), each name once. Profiles' jars usually list
        // the same cookies in the same order, so a name equal to the first profile's at the same
        // position is a repeat without a map look-up.
        let first = verdicts.first().copied();
        // The names looked at, each with its number (see `NameId`).
        let mut looked: Vec<(&SharedStr, NameId)> = Vec::new();
        for (k, v) in verdicts.iter().enumerate() {
            for (i, s) in v.set_cookies.iter().enumerate() {
                // Every profile reads the same lines: the first profile's look settled each name.
                if k > 0
                    && first
                        .and_then(|f| f.set_cookies.get(i))
                        .is_some_and(|f| same_name(&f.name, f.name_id, &s.name, s.name_id))
                {
                    continue;
                }
                if self.line_of(&s.name, s.name_id).is_some_and(|l| self.worth_looking(l, stamp)) {
                    looked.push((&s.name, s.name_id));
                }
            }
            for (i, c) in v.cookies.iter().enumerate() {
                if k > 0
                    && first
                        .and_then(|f| f.cookies.get(i))
                        .is_some_and(|f| same_name(&f.name, f.name_id, &c.name, c.name_id))
                {
                    continue;
                }
                let line = match self.last.get(i, &c.name, c.name_id).filter(|_| k == 0) {
                    Some(line) => Some(line),
                    None => self.line_of(&c.name, c.name_id),
                };
                let Some(line) = line else { continue };
                if k == 0 {
                    self.last.remember(i, &c.name, c.name_id, line);
                }
                if self.worth_looking(line, stamp) {
                    looked.push((&c.name, c.name_id));
                }
            }
        }
        if looked.is_empty() {
            return;
        }
        // Each looked-at cookie's outcome in every profile, hashed in one walk of the entry's verdicts:
        // profile by profile, response lines before cookies, by position (for each name the order a
        // sorted index of (name, profile, line or cookie, position) gives, without sorting the
        // entry's hundreds of cookies on a site that sets many).
        let few = looked.len() <= LOOKED_SCANNED;
        let slot_of_name: HashMap<&str, usize> = if few {
            HashMap::default()
        } else {
            looked.iter().enumerate().map(|(slot, (n, _))| (n.as_str(), slot)).collect()
        };
        let slot_of = |name: &SharedStr, id: NameId| {
            if few {
                looked.iter().position(|(n, n_id)| same_name(n, *n_id, name, id))
            } else {
                slot_of_name.get(name.as_str()).copied()
            }
        };
        let mut outcomes: Vec<(std::collections::hash_map::DefaultHasher, bool)> =
            vec![(std::collections::hash_map::DefaultHasher::new(), false); looked.len()];
        for (k, v) in verdicts.iter().enumerate() {
            for s in &v.set_cookies {
                if let Some(slot) = slot_of(&s.name, s.name_id) {
                    let (h, sets) = &mut outcomes[slot];
                    (k, s.stored, s.deleted, &s.reasons).hash(h);
                    *sets = true;
                }
            }
            for c in &v.cookies {
                if let Some(slot) = slot_of(&c.name, c.name_id) {
                    (k, c.sent, &c.reasons).hash(&mut outcomes[slot].0);
                }
            }
        }
        // A WebSocket handshake carries cookies under its own rules: its first one is always told.
        let websocket: Vec<bool> = verdicts.iter().map(|v| v.kind == RequestKind::WebSocket).collect();
        for ((name, id), (mut h, sets)) in looked.into_iter().zip(outcomes) {
            websocket.hash(&mut h);
            let signature = h.finish();
            let Some(line) = self.known_line(name, id) else { continue };
            let line = &mut self.lines[line];
            if !line.kept.is_empty() && signature == line.last && !sets {
                line.more += 1;
                continue;
            }
            line.last = signature;
            line.kept.push(verdicts.iter().map(|v| trimmed(v, name)).collect());
        }
    }

    /// Cookie `name`'s line (new for a new name), unless past [`STORY_NAMES`] names: then new names
    /// are not kept at all, so memory stays bounded on a capture of thousands of distinct cookies
    /// (the JSON report has every entry).
    ///
    /// A numbered name's line is found by its number after the first time (see `NameId`).
    fn line_of(&mut self, name: &str, id: NameId) -> Option<usize> {
        if let Some(line) = self.numbered_line(id) {
            return Some(line);
        }
        let line = match self.by_name.get(name) {
            Some(&line) => line,
            None if self.lines.len() >= STORY_NAMES => return None,
            None => {
                self.lines.push(StoryLine::default());
                self.by_name.insert(name.to_string(), self.lines.len() - 1);
                self.lines.len() - 1
            }
        };
        if let Some(at) = id.index() {
            if self.line_by_id.len() <= at {
                self.line_by_id.resize(at + 1, NO_LINE);
            }
            self.line_by_id[at] = u32::try_from(line).unwrap_or(NO_LINE);
        }
        Some(line)
    }

    /// Cookie `name`'s line, when it has one (numbered `id`).
    fn known_line(&self, name: &str, id: NameId) -> Option<usize> {
        self.numbered_line(id).or_else(|| self.by_name.get(name).copied())
    }

    /// The line `line_by_id` holds for a numbered name, once looked up.
    fn numbered_line(&self, id: NameId) -> Option<usize> {
        let at = id.index()?;
        self.line_by_id.get(at).filter(|&&l| l != NO_LINE).map(|&l| l as usize)
    }

    /// Whether the entry numbered `stamp` is one to look at for the cookie of `line` (counted as
    /// looked at): the first time the entry lists it, and while the cookie's story has room.
    fn worth_looking(&mut self, line: usize, stamp: u64) -> bool {
        let line = &mut self.lines[line];
        if line.stamp == stamp {
            return false;
        }
        line.stamp = stamp;
        if line.kept.len() >= STORY_ENTRIES_PER_COOKIE || line.looked >= STORY_LOOK {
            line.more += 1;
            return false;
        }
        line.looked += 1;
        true
    }

    fn render(&self, out: &mut String, r: &HarReport, opts: TextOptions) {
        if r.runs.is_empty() {
            return;
        }
        let mut focus: Vec<&str> = Vec::new();
        for s in r.summary.iter().filter(|s| s.own || !r.grouped) {
            if !focus.contains(&s.name.as_str()) {
                focus.push(&s.name);
            }
        }
        if focus.is_empty() {
            // Nothing to tell: the summary already said no cookie is in focus.
            return;
        }
        let _ = writeln!(out, "\nStory (per request; cookies in focus: {})", list(&focus));
        // Entry index → one merged verdict per browser, holding only cookies in focus.
        let mut steps: BTreeMap<usize, Vec<EntryVerdict>> = BTreeMap::new();
        let mut cut = Vec::new();
        for name in &focus {
            let Some(StoryLine { kept, more, .. }) = self.by_name.get(*name).map(|&l| &self.lines[l]) else { continue };
            for entry in kept {
                let Some(index) = entry.first().map(|e| e.index) else { continue };
                match steps.get_mut(&index) {
                    Some(merged) => {
                        for (m, e) in merged.iter_mut().zip(entry) {
                            m.set_cookies.extend(e.set_cookies.iter().cloned());
                            m.cookies.extend(e.cookies.iter().cloned());
                        }
                    }
                    None => {
                        steps.insert(index, entry.clone());
                    }
                }
            }
            if *more > 0 {
                cut.push((*name, *more));
            }
        }
        for per_browser in steps.values() {
            step(out, &self.browsers, per_browser, &focus, opts);
        }
        for (name, more) in cut {
            let _ = writeln!(
                out,
                "\n  … {more} more entries with `{name}` not shown (the story shows the entries where a verdict changes, at most {STORY_ENTRIES_PER_COOKIE} per cookie; --format json lists every entry)"
            );
        }
    }
}

/// An entry's verdict reduced to what the story shows about one cookie.
fn trimmed(e: &EntryVerdict, name: &str) -> EntryVerdict {
    let mut t = e.clone_without_cookies();
    t.cors = None;
    t.set_cookies = e.set_cookies.iter().filter(|s| s.name == name).cloned().collect();
    t.cookies = e.cookies.iter().filter(|c| c.name == name).cloned().collect();
    t
}

fn summary(out: &mut String, r: &HarReport) {
    if r.summary.is_empty() {
        let _ = writeln!(
            out,
            "\nNo session-affinity cookie and no cookie that is sent on some requests and withheld on others. Choose cookies with --cookie NAME."
        );
        return;
    }
    let _ = writeln!(
        out,
        "\nSummary (stored = Set-Cookie lines stored / seen; sent = requests that carried it / requests to the host)"
    );
    let vendors: Vec<&str> = r.summary.iter().filter(|s| r.grouped && !s.own).map(|s| s.host.as_str()).collect();
    for s in r.summary.iter().filter(|s| s.own || !r.grouped) {
        let _ = write!(out, "\n  {} @ {}", s.name, s.host);
        if let Some(a) = s.affinity {
            let _ = write!(out, "  (session affinity: {a})");
        }
        let _ = writeln!(out);
        for (b, c) in &s.per_browser {
            let verdict = match (c.set, c.stored, c.sent) {
                (set, 0, 0) if set > 0 => "✗ never stored",
                (_, _, 0) => "✗ never sent",
                (_, _, sent) if sent == c.requests => "✓ sent on every request",
                _ => "~ sent on some requests",
            };
            let _ = writeln!(
                out,
                "    {:<19} stored {}/{}  sent {}/{}  {verdict}",
                b.as_str(),
                c.stored,
                c.set,
                c.sent,
                c.requests
            );
        }
    }
    if !vendors.is_empty() {
        let mut sites: Vec<&str> = vendors.clone();
        sites.sort_unstable();
        sites.dedup();
        let _ = writeln!(
            out,
            "\n  … and {} cookie{} on {} third-party host{} (see the third-party-vendor findings; --all lists them)",
            vendors.len(),
            if vendors.len() == 1 { "" } else { "s" },
            sites.len(),
            if sites.len() == 1 { "" } else { "s" },
        );
    }
}

fn findings(out: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        let _ = writeln!(out, "\nNo findings.");
        return;
    }
    let _ = writeln!(out);
    for f in findings {
        let message = escape::text(&f.message);
        let _ = writeln!(out, "{}[\x1b[1m{}\x1b[0m]: {message}", severity_label(f.severity), f.rule);
        if !f.browsers.is_empty() {
            let names: Vec<&str> = f.browsers.iter().map(|b| b.as_str()).collect();
            let _ = writeln!(out, "  = browsers: {}", list(&names));
        }
        for fix in &f.fixes {
            let _ = writeln!(out, "  = fix: {}", escape::text(fix));
        }
        let _ = writeln!(out, "  = see: crossjar explain {}", f.rule);
    }
}

/// One entry of the story: what each browser did with the cookies in focus.
fn step(out: &mut String, browsers: &[Browser], per_browser: &[EntryVerdict], focus: &[&str], opts: TextOptions) {
    let Some(e) = per_browser.first() else { return };
    entry_header(out, e);
    let per_browser: Vec<(Browser, &EntryVerdict)> = browsers.iter().copied().zip(per_browser).collect();
    for s in e.set_cookies.iter().filter(|s| focus.contains(&s.name.as_str())) {
        let value = if opts.show_values { format!("={}", s.value) } else { String::new() };
        let _ = writeln!(out, "    Set-Cookie: {}{value}; {}", s.name, s.attributes);
        for (b, ev) in &per_browser {
            if let Some(v) = ev.set_cookies.iter().find(|x| x.name == s.name) {
                let mut line = if v.stored {
                    "stored".to_string()
                } else if v.deleted && v.reasons.is_empty() {
                    "deleted".to_string()
                } else {
                    "not stored".to_string()
                };
                if !v.reasons.is_empty() {
                    let rs: Vec<&str> = v.reasons.iter().map(|x| x.as_str()).collect();
                    let _ = write!(line, ": {}", list(&rs));
                }
                if let Some(p) = v.partition.as_ref().filter(|_| v.stored) {
                    let _ = write!(line, " (partition {p})");
                }
                let _ = writeln!(out, "      {:<19} {line}", b.as_str());
            }
        }
    }
    for name in focus {
        let Some(listed) = per_browser.iter().find_map(|(_, ev)| ev.cookies.iter().find(|c| c.name == *name)) else {
            continue;
        };
        let recorded = listed.recorded;
        let rec = match recorded {
            Some(true) => "capture: sent",
            Some(false) => "capture: not sent",
            None => "capture: unknown",
        };
        let _ = writeln!(out, "    Cookie {name} ({rec})");
        for (b, ev) in &per_browser {
            if let Some(c) = ev.cookies.iter().find(|c| c.name == *name) {
                let mut line = if c.sent {
                    "sent".to_string()
                } else {
                    let rs: Vec<&str> = c.reasons.iter().map(|x| x.as_str()).collect();
                    format!("withheld: {}", list(&rs))
                };
                match c.basis {
                    Basis::Recorded if c.sent != c.model_sent => {
                        line.push_str(" (the capture's word; the model says otherwise)")
                    }
                    // An honest "don't know": say what it hinges on and what the model would say.
                    Basis::Unknown => {
                        let on = if e.credentials.basis == Basis::Unknown {
                            "the credentials mode"
                        } else {
                            "attributes of a cookie set before the capture"
                        };
                        line = format!(
                            "unknown: it hinges on {on}, which the capture does not show (the model's guess: {line})"
                        );
                    }
                    _ => {}
                }
                let _ = writeln!(out, "      {:<19} {line}", b.as_str());
            } else {
                let _ = writeln!(out, "      {:<19} not in the jar", b.as_str());
            }
        }
    }
}

fn entry_header(out: &mut String, e: &EntryVerdict) {
    let mode = e.credentials.mode.map_or("unknown", |m| m.as_str());
    let answer = match &e.failure {
        Some(f) => format!("failed ({f})"),
        None => e.status.to_string(),
    };
    let _ = writeln!(out, "\n  #{} {} {} → {answer}", e.index, e.method, redact_query(&e.url));
    let _ = writeln!(
        out,
        "    {}{}{}, {}, credentials {} ({}){}",
        e.kind.as_str(),
        e.initiator.as_deref().map(|i| format!(" from {i}")).unwrap_or_default(),
        e.top_level_site.as_deref().map(|t| format!(" under {t}")).unwrap_or_default(),
        if e.same_site { "same-site" } else { "cross-site" },
        mode,
        e.credentials.basis.as_str(),
        if e.cached { ", served from cache" } else { "" }
    );
}

/// Renders a `crossjar headers` report as text.
///
/// `findings` are the report's (after configuration); with `quiet` only they are printed. The report
/// ends with the totals line; text from the input is escaped for a terminal.
pub fn headers_report(r: &crate::analysis::headers::HeadersReport, findings: &[Finding], quiet: bool) -> String {
    // The body is all input-derived text, escaped whole; the findings escape their own messages and
    // keep their styles.
    let mut out = if quiet { String::new() } else { escape::text(&headers_body(r)).into_owned() };
    self::findings(&mut out, findings);
    totals(&mut out, findings);
    if quiet {
        out = out.trim_start_matches('\n').to_string();
    }
    out
}

fn headers_body(r: &crate::analysis::headers::HeadersReport) -> String {
    let mut out = String::new();
    let q = &r.request;
    let from = q.from.as_ref().map(|o| o.serialize()).unwrap_or_else(|| "its own origin".into());
    let _ = writeln!(
        out,
        "{}: {} response(s) to {} {} from {from} ({}, credentials {})",
        r.input,
        r.responses,
        q.method,
        redact_query(q.url.as_str()),
        q.kind.as_str(),
        q.credentials.as_str()
    );
    for v in &r.verdicts {
        let _ = writeln!(out, "\n  {}", v.browser.as_str());
        match &v.cors {
            None => {
                let _ = writeln!(out, "    CORS: not applicable (same-origin, navigation, WebSocket or no-cors)");
            }
            Some(c) => {
                if c.needs_preflight {
                    let reasons: Vec<String> = c.preflight_reasons.iter().map(|p| p.to_string()).collect();
                    let seen = match &c.preflight {
                        Some(p) if p.ok => "answered correctly".to_string(),
                        Some(p) => format!(
                            "FAILS: {}",
                            p.errors.iter().map(|e| e.error.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                        None => "not in the input".to_string(),
                    };
                    let _ = writeln!(out, "    preflight: needed ({}); {seen}", reasons.join("; "));
                } else if let Some(p) = &c.preflight {
                    // --preflight (or `> OPTIONS`) for a request that, as described, needs none.
                    let seen = if p.ok {
                        "answered correctly".to_string()
                    } else {
                        format!("FAILS: {}", p.errors.iter().map(|e| e.error.as_str()).collect::<Vec<_>>().join(", "))
                    };
                    let _ = writeln!(
                        out,
                        "    preflight: not needed for {} as described (a non-safelisted method or header would need one); the answer given, checked as a preflight answer: {seen}",
                        q.method
                    );
                } else {
                    let _ = writeln!(out, "    preflight: not needed");
                }
                if c.ok && c.actual.is_none() {
                    let _ = writeln!(out, "    CORS: the actual response is not in the input");
                } else if c.ok {
                    let _ = writeln!(out, "    CORS: ✓ the page can read the response");
                } else {
                    let errs: Vec<String> = c
                        .errors()
                        .iter()
                        .map(|e| {
                            if e.failed_parameter.is_empty() {
                                e.error.as_str().to_string()
                            } else {
                                format!("{} (`{}`)", e.error.as_str(), e.failed_parameter)
                            }
                        })
                        .collect();
                    let _ = writeln!(out, "    CORS: ✗ {}", errs.join(", "));
                    if c.set_cookie_stored_despite_failure() && v.cookies.iter().any(|c| c.stored) {
                        let _ = writeln!(out, "          (the cookies on the response are stored all the same)");
                    }
                    let mut fixes: Vec<String> = Vec::new();
                    for e in c.errors() {
                        for fix in cors_fixes(e.error, q.from.as_ref().map(|o| o.serialize()).as_deref()) {
                            if !fixes.contains(&fix) {
                                fixes.push(fix);
                            }
                        }
                    }
                    for fix in fixes {
                        let _ = writeln!(out, "      fix: {fix}");
                    }
                }
            }
        }
        for c in &v.cookies {
            let stored = if c.stored {
                "✓ stored".to_string()
            } else {
                format!("✗ not stored: {}", c.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "))
            };
            let next = if c.sent_next {
                "✓ sent on the next such request".to_string()
            } else if c.stored {
                format!(
                    "✗ not sent on the next such request: {}",
                    c.next_reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
                )
            } else {
                String::new()
            };
            let _ =
                writeln!(out, "    Set-Cookie {}: {stored}{}{next}", c.name, if next.is_empty() { "" } else { "; " });
            let mut rules: Vec<_> =
                c.reasons.iter().chain(&c.next_reasons).filter_map(|r| rule_for_exclusion(*r)).collect();
            rules.dedup();
            for rule in rules {
                for fix in fixes_for(rule) {
                    let _ = writeln!(out, "      fix: {fix}");
                }
            }
        }
    }
    out
}
