//! `crossjar.har.v1`: the JSON contract other tools read. Fields may be added, never renamed or dropped.
//! The wire types live here, apart from the analysis types, so a refactor inside cannot break the
//! contract by accident.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::spill::Spill;
use crate::analysis::findings::redact_query;
use crate::analysis::report::{CookieVerdict, EntryVerdict, Finding, HarReport, LimitHit, SetCookieVerdict};
use crate::model::profile::Browser;
use crate::model::reason::{Exclusion, Reason, ReasonSet, Warning};

/// Schema id of the HAR report.
pub const HAR_SCHEMA: &str = "crossjar.har.v1";

#[derive(Serialize)]
struct HarJson<'a> {
    schema: &'static str,
    input: &'a str,
    sanitized: bool,
    creator: Option<&'a str>,
    /// The browser whose own word the capture is (`null` for a client crossjar does not model).
    recorded_by: Option<RecorderJson>,
    entries_read: usize,
    skipped: Vec<Skipped<'a>>,
    /// Skipped entries by kind of problem with counts (absent when none was skipped); `skipped`
    /// lists only the first 20 entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skipped_kinds: Vec<SkippedKindJson<'a>>,
    runs: Vec<RunJson<'a>>,
    summary: Vec<SummaryJson<'a>>,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct RecorderJson {
    browser: &'static str,
    version: Option<u32>,
}

#[derive(Serialize)]
struct Skipped<'a> {
    index: usize,
    reason: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
struct SkippedKindJson<'a> {
    kind: &'a str,
    count: usize,
    first_index: usize,
    first_reason: std::borrow::Cow<'a, str>,
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
        s.collect_seq(self.entries.iter().map(|e| entry(e, self.show_values, entry_url(e, self.show_values))))
    }
}

#[derive(Serialize)]
struct EntryJson<'a> {
    index: usize,
    method: &'a str,
    url: Cow<'a, str>,
    status: u16,
    kind: &'static str,
    kind_basis: &'static str,
    initiator: Option<&'a str>,
    top_level_site: Option<&'a str>,
    top_level_basis: &'static str,
    /// Why the request failed, as recorded (`failed` when only the status says so); `null` otherwise.
    failure: Option<&'a str>,
    /// `blocked` or `upgraded` when an `https:` page's request to `http:` is mixed content in this
    /// profile; `null` otherwise.
    mixed_content: Option<&'static str>,
    same_site: bool,
    credentials: CredentialsJson,
    cached: bool,
    set_cookies: SetCookiesJson<'a>,
    cookies: CookiesJson<'a>,
    cors: Option<CorsJson<'a>>,
    /// Limits the entry passes in this profile (absent when none): `response-headers` (the browser
    /// fails a response this large and reads none of its Set-Cookie lines) or `cookie-pairs` (the
    /// captured Cookie header lists more pairs than any browser holds; only `limit` were read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    limits: Vec<LimitJson>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum LimitJson {
    ResponseHeaders { bytes: u64, limit: u64, set_cookie_lines: usize },
    CookiePairs { pairs: usize, limit: usize },
}

/// Names serialized straight from a set (no `Vec` per list: the writer runs once per entry, profile
/// and cookie, and those lists were most of its allocations).
struct Names<'a, T: Reason>(&'a ReasonSet<T>, fn(&T) -> &'static str);

impl<T: Reason> Serialize for Names<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(self.1))
    }
}

/// An entry's `set_cookies`, converted one at a time while serializing.
struct SetCookiesJson<'a> {
    list: &'a [SetCookieVerdict],
    show_values: bool,
}

impl Serialize for SetCookiesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.list.iter().map(|c| set_cookie(c, self.show_values)))
    }
}

/// An entry's `cookies`, converted one at a time while serializing.
struct CookiesJson<'a> {
    list: &'a [CookieVerdict],
    show_values: bool,
}

impl Serialize for CookiesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.list.iter().map(|c| cookie(c, self.show_values)))
    }
}

#[derive(Serialize)]
struct CorsJson<'a> {
    ok: bool,
    error: Option<&'static str>,
    preflight: Option<PreflightJson>,
    errors: Vec<CorsErrorJson<'a>>,
    preflight_reasons: std::borrow::Cow<'a, [String]>,
    preflight_unobserved: bool,
    credentialed: bool,
    set_cookie_stored_despite_failure: bool,
    basis: &'static str,
}

#[derive(Serialize)]
struct PreflightJson {
    ok: bool,
    error: Option<&'static str>,
}

#[derive(Serialize)]
struct CorsErrorJson<'a> {
    error: &'static str,
    failed_parameter: &'a str,
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
    reasons: Names<'a, Exclusion>,
    warnings: Names<'a, Warning>,
    partition: Option<&'a str>,
    attributes: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    basis: &'static str,
    browser_reasons: &'a [String],
}

#[derive(Serialize)]
struct CookieJson<'a> {
    name: &'a str,
    domain: &'a str,
    sent: bool,
    reasons: Names<'a, Exclusion>,
    warnings: Names<'a, Warning>,
    recorded: Option<bool>,
    learned: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    path: &'a str,
    basis: &'static str,
    model_sent: bool,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    cookie: &'a str,
    host: &'a str,
    affinity: Option<&'static str>,
    browsers: Vec<SummaryBrowserJson>,
    /// The host is one of the user's own sites (or the capture's top-level pages).
    own: bool,
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
pub(crate) struct FindingJson<'a> {
    rule: &'static str,
    severity: &'static str,
    entry: Option<usize>,
    cookie: Option<&'a str>,
    host: Option<&'a str>,
    browsers: Vec<&'static str>,
    message: &'a str,
    fixes: &'a [String],
    /// `known`, or `unknown` when the finding rests on facts the capture does not hold (its severity
    /// is then at most `info`).
    evidence: &'static str,
}

/// The URL as an entry shows it: as captured with `--show-values`, else redacted.
fn entry_url(e: &EntryVerdict, show_values: bool) -> Cow<'_, str> {
    if show_values {
        Cow::Borrowed(&e.url)
    } else {
        Cow::Owned(redact_query(&e.url))
    }
}

/// `url` is [`entry_url`]'s (computed once for the profiles' verdicts on one entry).
fn entry<'a>(e: &'a EntryVerdict, show_values: bool, url: Cow<'a, str>) -> EntryJson<'a> {
    EntryJson {
        index: e.index,
        method: &e.method,
        url,
        status: e.status,
        kind: e.kind.as_str(),
        kind_basis: e.kind_basis.as_str(),
        initiator: e.initiator.as_deref(),
        top_level_site: e.top_level_site.as_deref(),
        top_level_basis: e.top_level_basis.as_str(),
        failure: e.failure.as_deref(),
        mixed_content: e.mixed_content.map(|m| m.as_str()),
        same_site: e.same_site,
        credentials: CredentialsJson {
            mode: e.credentials.mode.map_or("unknown", |m| m.as_str()),
            basis: e.credentials.basis.as_str(),
            assumed: e.credentials.assumed.as_str(),
        },
        cached: e.cached,
        set_cookies: SetCookiesJson { list: &e.set_cookies, show_values },
        cookies: CookiesJson { list: &e.cookies, show_values },
        limits: e
            .limits
            .iter()
            .map(|l| match *l {
                LimitHit::ResponseHeaders { bytes, limit, set_cookie_lines } => {
                    LimitJson::ResponseHeaders { bytes, limit, set_cookie_lines }
                }
                LimitHit::CookiePairs { pairs, limit } => LimitJson::CookiePairs { pairs, limit },
            })
            .collect(),
        cors: e.cors.as_ref().map(|c| CorsJson {
            ok: c.ok,
            error: c.error.map(|e| e.as_str()),
            preflight: c.preflight.map(|(ok, error)| PreflightJson { ok, error: error.map(|e| e.as_str()) }),
            errors: c.errors.iter().map(|(e, p)| CorsErrorJson { error: e.as_str(), failed_parameter: p }).collect(),
            preflight_reasons: std::borrow::Cow::Borrowed(&c.preflight_reasons),
            preflight_unobserved: c.preflight_unobserved,
            credentialed: c.credentialed,
            set_cookie_stored_despite_failure: c.set_cookie_stored_despite_failure,
            basis: c.basis.as_str(),
        }),
    }
}

fn set_cookie(s: &SetCookieVerdict, show_values: bool) -> SetCookieJson<'_> {
    SetCookieJson {
        name: &s.name,
        stored: s.stored,
        deleted: s.deleted,
        reasons: Names(&s.reasons, |r| r.as_str()),
        warnings: Names(&s.warnings, |w| w.as_str()),
        partition: s.partition.as_deref(),
        attributes: &s.attributes,
        value: show_values.then_some(s.value.as_str()),
        basis: s.basis.as_str(),
        browser_reasons: &s.browser_reasons,
    }
}

fn cookie(c: &CookieVerdict, show_values: bool) -> CookieJson<'_> {
    CookieJson {
        name: &c.name,
        domain: &c.domain,
        sent: c.sent,
        reasons: Names(&c.reasons, |r| r.as_str()),
        warnings: Names(&c.warnings, |w| w.as_str()),
        recorded: c.recorded,
        learned: c.learned,
        value: show_values.then_some(c.value.as_str()),
        path: &c.path,
        basis: c.basis.as_str(),
        model_sent: c.model_sent,
    }
}

/// A finding's one wire shape (`crossjar.har.v1`, `crossjar.headers.v1`, `crossjar.diff.v1`).
pub(crate) fn finding(f: &Finding) -> FindingJson<'_> {
    FindingJson {
        rule: f.rule.as_str(),
        severity: f.severity.as_str(),
        entry: f.entry,
        cookie: f.cookie.as_deref(),
        host: f.host.as_deref(),
        browsers: f.browsers.iter().map(|b| b.as_str()).collect(),
        message: &f.message,
        fixes: &f.fixes,
        evidence: if f.unknown { "unknown" } else { "known" },
    }
}

/// The report as `crossjar.har.v1` JSON (pretty-printed). Values only with `show_values`.
pub fn har_report(report: &HarReport, show_values: bool) -> String {
    serde_json::to_string_pretty(&har_doc(report, show_values)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Writes the same bytes as [`har_report`] to `out` without holding the whole text in memory (a
/// large capture's report is many times the size of its verdicts).
pub fn write_har_report(out: impl Write, report: &HarReport, show_values: bool) -> io::Result<()> {
    write_document(out, report, |run, out| {
        let entries = &report.runs[run].entries;
        let mut element = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            element.clear();
            write_entry_element(&mut element, i == 0, e, show_values, &entry_url(e, show_values));
            out.write_all(&element)?;
        }
        Ok(!entries.is_empty())
    })
}

fn har_doc(report: &HarReport, show_values: bool) -> HarJson<'_> {
    HarJson {
        schema: HAR_SCHEMA,
        input: &report.input,
        sanitized: report.sanitized,
        creator: report.creator.as_deref(),
        recorded_by: report.recorder.map(|r| RecorderJson { browser: r.browser.as_str(), version: r.major }),
        entries_read: report.entries,
        skipped: skipped(report),
        skipped_kinds: skipped_kinds(report),
        runs: report
            .runs
            .iter()
            .map(|r| RunJson { browser: r.browser.as_str(), entries: EntriesJson { entries: &r.entries, show_values } })
            .collect(),
        summary: summary(report),
        findings: report.findings.iter().map(finding).collect(),
    }
}

fn skipped_kinds(report: &HarReport) -> Vec<SkippedKindJson<'_>> {
    report
        .skipped_kinds
        .iter()
        .map(|k| SkippedKindJson {
            kind: &k.kind,
            count: k.count,
            first_index: k.first_index,
            first_reason: crate::output::redact::message(&k.first),
        })
        .collect()
}

fn skipped(report: &HarReport) -> Vec<Skipped<'_>> {
    report.skipped.iter().map(|(i, r)| Skipped { index: *i, reason: crate::output::redact::message(r) }).collect()
}

fn summary(report: &HarReport) -> Vec<SummaryJson<'_>> {
    report
        .summary
        .iter()
        .map(|s| SummaryJson {
            cookie: &s.name,
            host: &s.host,
            affinity: s.affinity,
            own: s.own,
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
        .collect()
}

// The writers below lay out [`HarJson`] by hand so a run's entries can come from anywhere (the report,
// or a spill file). They rely on serde_json's pretty layout: a value nested `d` levels deep prints as
// it does alone with `2 * d` more spaces after every newline (JSON strings hold no raw newline), and a
// non-empty array or object is the opener, each element on its own indented line (`,` between), then
// a newline, the outer indentation and the closer. The tests hold this against [`har_report`].

/// Nesting of the values of the document's fields.
const FIELD_DEPTH: usize = 1;
/// Nesting of the elements of `runs`.
const RUN_DEPTH: usize = 2;
/// Nesting of the fields of a run.
const RUN_FIELD_DEPTH: usize = 3;
/// Nesting of the elements of a run's `entries`.
const ENTRY_DEPTH: usize = 4;

/// The indentation of `depth`.
fn pad(depth: usize) -> &'static [u8] {
    const SPACES: &[u8] = &[b' '; 2 * ENTRY_DEPTH];
    &SPACES[..2 * depth]
}

/// serde_json's pretty layout (two spaces a level) starting `depth` levels deep: the same bytes as
/// pretty-printing alone and indenting every line after the first, without scanning the output again.
struct NestedPretty {
    depth: usize,
    /// Whether the innermost open array or object has an element yet.
    has_value: bool,
}

/// A comma, a line break and indentation for 31 levels: a separator and the next line's indent are
/// one write (a report's lines are nearly half indentation, and it runs to millions of lines).
const BREAK: &[u8] = b",\n                                                              ";

impl NestedPretty {
    /// A line break (after a comma unless `first`) and the indentation of the current depth.
    fn new_line<W: ?Sized + Write>(&self, out: &mut W, first: bool) -> io::Result<()> {
        // The first write starts at the comma or the line break; any further one is spaces only.
        let (mut from, mut left) = (usize::from(first), 2 * self.depth);
        loop {
            let n = left.min(BREAK.len() - 2);
            out.write_all(&BREAK[from..2 + n])?;
            left -= n;
            if left == 0 {
                return Ok(());
            }
            from = 2;
        }
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, opener: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(opener)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, closer: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(out, true)?;
        }
        out.write_all(closer)
    }

    fn element<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.new_line(out, first)
    }
}

impl serde_json::ser::Formatter for NestedPretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.element(out, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.element(out, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` as pretty JSON nested `depth` levels deep.
fn write_nested<W: Write>(out: &mut W, value: &impl Serialize, depth: usize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, NestedPretty { depth, has_value: false });
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// Starts the field `name` of an object whose fields are nested `depth` levels deep.
fn write_key(out: &mut impl Write, first: bool, depth: usize, name: &str) -> io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    out.write_all(pad(depth))?;
    serde_json::to_writer(&mut *out, name).map_err(io::Error::from)?;
    out.write_all(b": ")
}

/// A field whose value is serialized as is.
fn write_field(out: &mut impl Write, first: bool, name: &str, value: &impl Serialize) -> io::Result<()> {
    write_key(out, first, FIELD_DEPTH, name)?;
    write_nested(out, value, FIELD_DEPTH)
}

/// One element of a run's `entries`: separator, indentation, the entry, in the bytes serde_json
/// writes for [`EntryJson`] nested [`ENTRY_DEPTH`] levels deep (the whole-report writers still
/// serialize it; a test holds the two equal on every fixture). By hand because this runs once per
/// entry and profile: serde's field-by-field calls, with every key escape-checked, were about half
/// of the replay thread's time on `--format json`. `url` is the entry's [`entry_url`].
fn write_entry_element(out: &mut Vec<u8>, first: bool, e: &EntryVerdict, show_values: bool, url: &str) {
    out.extend_from_slice(if first { b"\n" } else { b",\n" });
    out.extend_from_slice(pad(ENTRY_DEPTH));
    let mut w = HandWritten { out, depth: ENTRY_DEPTH + 1 };
    w.out.push(b'{');
    w.number("index", true, e.index as u64);
    w.text("method", &e.method);
    w.text("url", url);
    w.number("status", false, u64::from(e.status));
    w.text("kind", e.kind.as_str());
    w.text("kind_basis", e.kind_basis.as_str());
    w.optional_text("initiator", e.initiator.as_deref());
    w.optional_text("top_level_site", e.top_level_site.as_deref());
    w.text("top_level_basis", e.top_level_basis.as_str());
    w.optional_text("failure", e.failure.as_deref());
    w.optional_text("mixed_content", e.mixed_content.map(|m| m.as_str()));
    w.boolean("same_site", e.same_site);
    w.object("credentials", |w| {
        w.text_first("mode", e.credentials.mode.map_or("unknown", |m| m.as_str()));
        w.text("basis", e.credentials.basis.as_str());
        w.text("assumed", e.credentials.assumed.as_str());
    });
    w.boolean("cached", e.cached);
    w.array("set_cookies", &e.set_cookies, |w, s| {
        w.text_first("name", &s.name);
        w.boolean("stored", s.stored);
        w.boolean("deleted", s.deleted);
        w.texts("reasons", s.reasons.iter().map(|r| r.as_str()));
        w.texts("warnings", s.warnings.iter().map(|r| r.as_str()));
        w.optional_text("partition", s.partition.as_deref());
        w.text("attributes", &s.attributes);
        if show_values {
            w.text("value", &s.value);
        }
        w.text("basis", s.basis.as_str());
        w.texts("browser_reasons", s.browser_reasons.iter().map(String::as_str));
    });
    w.array("cookies", &e.cookies, |w, c| {
        w.text_first("name", &c.name);
        w.text("domain", &c.domain);
        w.boolean("sent", c.sent);
        w.texts("reasons", c.reasons.iter().map(|r| r.as_str()));
        w.texts("warnings", c.warnings.iter().map(|r| r.as_str()));
        w.raw("recorded", false, c.recorded.map_or(b"null", json_bool));
        w.boolean("learned", c.learned);
        if show_values {
            w.text("value", &c.value);
        }
        w.text("path", &c.path);
        w.text("basis", c.basis.as_str());
        w.boolean("model_sent", c.model_sent);
    });
    match &e.cors {
        None => w.raw("cors", false, b"null"),
        Some(c) => w.object("cors", |w| {
            w.raw("ok", true, json_bool(c.ok));
            w.optional_text("error", c.error.map(|e| e.as_str()));
            match c.preflight {
                None => w.raw("preflight", false, b"null"),
                Some((ok, error)) => w.object("preflight", |w| {
                    w.raw("ok", true, json_bool(ok));
                    w.optional_text("error", error.map(|e| e.as_str()));
                }),
            }
            w.array("errors", &c.errors, |w, (error, parameter)| {
                w.text_first("error", error.as_str());
                w.text("failed_parameter", parameter);
            });
            w.texts("preflight_reasons", c.preflight_reasons.iter().map(String::as_str));
            w.boolean("preflight_unobserved", c.preflight_unobserved);
            w.boolean("credentialed", c.credentialed);
            w.boolean("set_cookie_stored_despite_failure", c.set_cookie_stored_despite_failure);
            w.text("basis", c.basis.as_str());
        }),
    }
    if !e.limits.is_empty() {
        w.array("limits", &e.limits, |w, l| match *l {
            LimitHit::ResponseHeaders { bytes, limit, set_cookie_lines } => {
                w.text_first("kind", "response-headers");
                w.number("bytes", false, bytes);
                w.number("limit", false, limit);
                w.number("set_cookie_lines", false, set_cookie_lines as u64);
            }
            LimitHit::CookiePairs { pairs, limit } => {
                w.text_first("kind", "cookie-pairs");
                w.number("pairs", false, pairs as u64);
                w.number("limit", false, limit as u64);
            }
        });
    }
    w.close(b'}');
}

/// serde_json's pretty layout written straight into a buffer: the members of the object open at
/// `depth` (each after a line break and its indentation), values as serde_json writes them.
struct HandWritten<'o> {
    out: &'o mut Vec<u8>,
    /// The nesting of the members being written.
    depth: usize,
}

impl HandWritten<'_> {
    /// A line break (after a comma unless `first`) and the indentation of `depth`. An entry is at
    /// most nine levels deep: the comma, line break and indentation are copied as one block of
    /// fixed size (no call to `memcpy`), then cut to length.
    #[inline]
    fn line(&mut self, first: bool, depth: usize) {
        const BLOCK: usize = 32;
        let keep = 2 + 2 * depth;
        if keep > BLOCK {
            // Deeper than any entry: [`NestedPretty`]'s writes (a `Vec` takes every write).
            let _ = NestedPretty { depth, has_value: false }.new_line(self.out, first);
            return;
        }
        let len = self.out.len();
        self.out.extend_from_slice(&BREAK[..BLOCK]);
        // `,\n` and the indent, or the same without the comma.
        if first {
            self.out.copy_within(len + 1..len + keep, len);
            self.out.truncate(len + keep - 1);
        } else {
            self.out.truncate(len + keep);
        }
    }

    /// A member's key (a field name: nothing in it to escape) and the `: ` after it.
    #[inline]
    fn key(&mut self, name: &str, first: bool) {
        self.line(first, self.depth);
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    /// Closes the object or array whose members are at `depth`, on a line of its own.
    fn close(&mut self, closer: u8) {
        self.line(true, self.depth - 1);
        self.out.push(closer);
    }

    fn string(&mut self, text: &str) {
        push_json_string(self.out, text);
    }

    fn text(&mut self, name: &str, text: &str) {
        self.key(name, false);
        self.string(text);
    }

    fn text_first(&mut self, name: &str, text: &str) {
        self.key(name, true);
        self.string(text);
    }

    fn optional_text(&mut self, name: &str, text: Option<&str>) {
        self.key(name, false);
        match text {
            Some(t) => self.string(t),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    /// A member whose value is written as it is (`true`, `false`, `null`).
    fn raw(&mut self, name: &str, first: bool, value: &[u8]) {
        self.key(name, first);
        self.out.extend_from_slice(value);
    }

    fn boolean(&mut self, name: &str, value: bool) {
        self.raw(name, false, json_bool(value));
    }

    /// A number, in serde_json's digits (its `itoa`).
    fn number(&mut self, name: &str, first: bool, n: u64) {
        self.key(name, first);
        let _ = serde_json::to_writer(&mut *self.out, &n);
    }

    /// A member whose value is an object, its members written by `members` (the first with a
    /// `_first` writer or `first` set).
    fn object(&mut self, name: &str, members: impl FnOnce(&mut Self)) {
        self.key(name, false);
        self.out.push(b'{');
        self.depth += 1;
        members(self);
        self.close(b'}');
        self.depth -= 1;
    }

    /// A member whose value is an array of objects, each element's members written by `members`.
    fn array<T>(&mut self, name: &str, items: &[T], mut members: impl FnMut(&mut Self, &T)) {
        self.key(name, false);
        self.out.push(b'[');
        if items.is_empty() {
            self.out.push(b']');
            return;
        }
        for (i, item) in items.iter().enumerate() {
            self.line(i == 0, self.depth + 1);
            self.out.push(b'{');
            self.depth += 2;
            members(self, item);
            self.close(b'}');
            self.depth -= 2;
        }
        self.line(true, self.depth);
        self.out.push(b']');
    }

    /// A member whose value is an array of strings.
    fn texts<'t>(&mut self, name: &str, items: impl ExactSizeIterator<Item = &'t str>) {
        self.key(name, false);
        self.out.push(b'[');
        if items.len() == 0 {
            self.out.push(b']');
            return;
        }
        for (i, item) in items.enumerate() {
            self.line(i == 0, self.depth + 1);
            self.string(item);
        }
        self.line(true, self.depth);
        self.out.push(b']');
    }
}

fn json_bool(value: bool) -> &'static [u8] {
    if value {
        b"true"
    } else {
        b"false"
    }
}

/// `text` as a JSON string, the bytes serde_json writes: as it is between quotes when nothing in it
/// needs an escape (nearly always), else serde_json's own escaping.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    if crate::json_text::special(text.as_bytes()).is_some() {
        let _ = serde_json::to_writer(&mut *out, text);
        return;
    }
    out.reserve(text.len() + 2);
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
}

/// Writes the document; `entries(run, out)` writes the elements of run `run`'s `entries` (each with
/// [`write_entry_element`]) and says whether there was any.
fn write_document<W: Write>(
    out: W,
    report: &HarReport,
    mut entries: impl FnMut(usize, &mut BufWriter<W>) -> io::Result<bool>,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let o = &mut out;
    o.write_all(b"{")?;
    write_field(o, true, "schema", &HAR_SCHEMA)?;
    write_field(o, false, "input", &report.input)?;
    write_field(o, false, "sanitized", &report.sanitized)?;
    write_field(o, false, "creator", &report.creator)?;
    write_field(
        o,
        false,
        "recorded_by",
        &report.recorder.map(|r| RecorderJson { browser: r.browser.as_str(), version: r.major }),
    )?;
    write_field(o, false, "entries_read", &report.entries)?;
    write_field(o, false, "skipped", &skipped(report))?;
    if !report.skipped_kinds.is_empty() {
        write_field(o, false, "skipped_kinds", &skipped_kinds(report))?;
    }
    write_key(o, false, FIELD_DEPTH, "runs")?;
    o.write_all(b"[")?;
    for (i, run) in report.runs.iter().enumerate() {
        o.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        o.write_all(pad(RUN_DEPTH))?;
        o.write_all(b"{")?;
        write_key(o, true, RUN_FIELD_DEPTH, "browser")?;
        write_nested(o, &run.browser.as_str(), RUN_FIELD_DEPTH)?;
        write_key(o, false, RUN_FIELD_DEPTH, "entries")?;
        o.write_all(b"[")?;
        if entries(i, o)? {
            o.write_all(b"\n")?;
            o.write_all(pad(RUN_FIELD_DEPTH))?;
        }
        o.write_all(b"]\n")?;
        o.write_all(pad(RUN_DEPTH))?;
        o.write_all(b"}")?;
    }
    if !report.runs.is_empty() {
        o.write_all(b"\n")?;
        o.write_all(pad(FIELD_DEPTH))?;
    }
    o.write_all(b"]")?;
    write_field(o, false, "summary", &summary(report))?;
    let findings: Vec<_> = report.findings.iter().map(finding).collect();
    write_field(o, false, "findings", &findings)?;
    o.write_all(b"\n}")?;
    out.flush()
}

/// Writes `crossjar.har.v1` while the replay runs: each entry's verdicts are serialized as they come
/// into one temporary file per browser, and the document is assembled at the end. Memory stays the
/// same however long the capture; the same bytes as [`write_har_report`] come out.
///
/// The serialized text is written to the files by a thread of its own, a chunk at a time: the
/// replay's thread only formats (writing the files was a tenth of its time on body-heavy captures).
pub struct HarJsonStream {
    browsers: Vec<Browser>,
    /// One per browser: its `entries` elements not yet handed to the writer.
    pending: Vec<Vec<u8>>,
    /// Hands full chunks (browser, text) to the writer; `None` once it has finished.
    chunks: Option<std::sync::mpsc::SyncSender<(usize, Vec<u8>)>>,
    /// Emptied chunks the writer hands back, to be filled again.
    emptied: std::sync::mpsc::Receiver<Vec<u8>>,
    /// The writer: gives the files back, or the first error writing them.
    writer: Option<std::thread::JoinHandle<io::Result<Vec<Spill>>>>,
    /// Bytes of entry elements serialized so far, over all browsers.
    serialized: u64,
    show_values: bool,
    /// Entries written so far (to each spill).
    entries: usize,
}

/// How much of one browser's text is handed to the writer at once.
const SPILL_CHUNK: usize = 256 * 1024;
/// Chunks waiting for the writer at most (the memory a slow disk can cost).
const SPILL_CHUNKS_WAITING: usize = 4;

impl HarJsonStream {
    /// A writer for runs of `browsers`, in that order. Fails if no temporary file can be created.
    pub fn new(browsers: &[Browser], show_values: bool) -> io::Result<Self> {
        let mut spills = browsers.iter().map(|_| Spill::new()).collect::<io::Result<Vec<_>>>()?;
        let (chunks, to_write) = std::sync::mpsc::sync_channel::<(usize, Vec<u8>)>(SPILL_CHUNKS_WAITING);
        let (give_back, emptied) = std::sync::mpsc::sync_channel::<Vec<u8>>(SPILL_CHUNKS_WAITING + browsers.len());
        let writer = std::thread::Builder::new().name("crossjar-json-spill".into()).spawn(move || {
            let mut failed = None;
            for (run, mut chunk) in to_write {
                if failed.is_none() {
                    failed = spills[run].writer().write_all(&chunk).err();
                }
                chunk.clear();
                let _ = give_back.try_send(chunk);
            }
            match failed {
                Some(e) => Err(e),
                None => Ok(spills),
            }
        })?;
        Ok(HarJsonStream {
            browsers: browsers.to_vec(),
            pending: browsers.iter().map(|_| Vec::with_capacity(SPILL_CHUNK)).collect(),
            chunks: Some(chunks),
            emptied,
            writer: Some(writer),
            serialized: 0,
            show_values,
            entries: 0,
        })
    }

    /// One entry: `verdicts[i]` is browser `i`'s verdict (same order as `browsers` given to `new`).
    pub fn entry(&mut self, verdicts: &[EntryVerdict]) -> io::Result<()> {
        if verdicts.len() != self.pending.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} verdicts for {} browsers", verdicts.len(), self.pending.len()),
            ));
        }
        let first = self.entries == 0;
        // The profiles' verdicts on one entry name the same URL: it is redacted once.
        let mut url: Option<(&str, Cow<'_, str>)> = None;
        // The last element written: its browser, and where it lies in that browser's text.
        let mut last: Option<(usize, std::ops::Range<usize>)> = None;
        for (run, v) in verdicts.iter().enumerate() {
            let start = self.pending[run].len();
            match &last {
                // Profiles mostly agree on an entry, and an element is a function of its verdict: a
                // verdict equal to the last profile's is the same bytes, copied, not written again.
                Some((k, written)) if verdicts[*k] == *v => {
                    let (earlier, rest) = self.pending.split_at_mut(run);
                    rest[0].extend_from_slice(&earlier[*k][written.clone()]);
                }
                _ => {
                    let shown = match &url {
                        Some((captured, shown)) if *captured == v.url.as_str() => shown,
                        _ => &url.insert((v.url.as_str(), entry_url(v, self.show_values))).1,
                    };
                    write_entry_element(&mut self.pending[run], first, v, self.show_values, shown);
                }
            }
            let end = self.pending[run].len();
            self.serialized += (end - start) as u64;
            last = Some((run, start..end));
        }
        // Handed over once every profile's element is written (a copy reads the last one's text).
        for run in 0..self.pending.len() {
            if self.pending[run].len() >= SPILL_CHUNK {
                let next = self.emptied.try_recv().unwrap_or_else(|_| Vec::with_capacity(SPILL_CHUNK));
                let full = std::mem::replace(&mut self.pending[run], next);
                self.hand_over(run, full)?;
            }
        }
        self.entries += 1;
        Ok(())
    }

    /// Gives a chunk of run `run`'s text to the writer.
    fn hand_over(&mut self, run: usize, chunk: Vec<u8>) -> io::Result<()> {
        let sent = self.chunks.as_ref().is_some_and(|c| c.send((run, chunk)).is_ok());
        if sent {
            Ok(())
        } else {
            // The writer stopped: its error says why.
            Err(self.finish_writing().err().unwrap_or_else(|| io::Error::other("the spill writer stopped")))
        }
    }

    /// Hands the rest to the writer and waits for it: the files, holding every element written.
    fn finish_writing(&mut self) -> io::Result<Vec<Spill>> {
        for run in 0..self.pending.len() {
            let rest = std::mem::take(&mut self.pending[run]);
            if !rest.is_empty() {
                if let Some(c) = &self.chunks {
                    let _ = c.send((run, rest));
                }
            }
        }
        self.chunks = None;
        let writer = self.writer.take().ok_or_else(|| io::Error::other("the spill writer already finished"))?;
        writer.join().map_err(|_| io::Error::other("the spill writer panicked"))?
    }

    /// Bytes of entry elements written so far, over all browsers (about the size the document's
    /// `entries` arrays will have).
    pub fn spilled_bytes(&mut self) -> io::Result<u64> {
        Ok(self.serialized)
    }

    /// Writes the whole document to `out`. `report` supplies everything but the entries: its `runs`
    /// name the browsers (their `entries` are ignored — they will be empty in streaming use), and
    /// input/sanitized/creator/entries_read/skipped/summary/findings come from it.
    pub fn finish(mut self, out: impl Write, report: &HarReport) -> io::Result<()> {
        if !report.runs.iter().map(|r| r.browser).eq(self.browsers.iter().copied()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the report's browsers are not the ones the entries were written for",
            ));
        }
        let mut spills = self.finish_writing()?;
        let any = self.entries > 0;
        write_document(out, report, |run, out| {
            spills[run].copy_to(out)?;
            Ok(any)
        })
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
    /// The input's first response was judged as the answer to this request's preflight.
    preflight: bool,
}

#[derive(Serialize)]
struct HeadersVerdictJson<'a> {
    browser: &'static str,
    cors: Option<CorsJson<'a>>,
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

fn cors_json(v: &crate::model::cors::CorsVerdict) -> CorsJson<'_> {
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
            .map(|e| CorsErrorJson { error: e.error.as_str(), failed_parameter: &e.failed_parameter })
            .collect(),
        preflight_reasons: v.preflight_reasons.iter().map(|r| r.to_string()).collect(),
        preflight_unobserved: v.preflight_unobserved,
        credentialed: v.credentialed,
        set_cookie_stored_despite_failure: v.set_cookie_stored_despite_failure(),
        basis: "predicted",
    }
}

/// The `crossjar headers` report as `crossjar.headers.v1` JSON, with its findings (after the
/// repository's policy).
pub fn headers_report(r: &crate::analysis::headers::HeadersReport, findings: &[Finding]) -> String {
    let mut out = Vec::new();
    match write_headers_report(&mut out, r, findings) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("{{\"error\": \"{e}\"}}"),
    }
}

/// [`headers_report`] written to `out` as it is serialised, so a server can stream it without
/// holding the whole text.
pub fn write_headers_report(
    out: impl Write,
    r: &crate::analysis::headers::HeadersReport,
    findings: &[Finding],
) -> io::Result<()> {
    let doc = HeadersJson {
        schema: HEADERS_SCHEMA,
        input: &r.input,
        request: HeadersRequestJson {
            url: redact_query(r.request.url.as_str()),
            from: r.request.from.as_ref().map(|o| o.serialize()),
            method: r.request.method.clone(),
            kind: r.request.kind.as_str(),
            credentials: r.request.credentials.as_str(),
            preflight: r.request.preflight,
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
    serde_json::to_writer_pretty(out, &doc).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analysis::findings::Focus;
    use crate::analysis::replay::ReplayOptions;
    use crate::pipeline::analyse_har_path;

    #[test]
    fn nested_layout_is_serde_jsons_pretty_layout_indented() {
        // Deeper than one `BREAK` indents (31 levels), with empty and non-empty containers.
        let mut value = serde_json::json!({"a": [], "b": {}, "c": [1, "x"]});
        for i in 0..40 {
            value = serde_json::json!({ format!("k{i}"): [value, i] });
        }
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        for depth in [0, 1, ENTRY_DEPTH, 33] {
            let mut out = Vec::new();
            write_nested(&mut out, &value, depth).unwrap();
            let indent = " ".repeat(2 * depth);
            assert_eq!(String::from_utf8(out).unwrap(), pretty.replace('\n', &format!("\n{indent}")), "depth {depth}");
        }
    }

    proptest::proptest! {
        /// A string is written as serde_json writes it: as it is, or escaped where it must be
        /// (quotes, backslashes, control characters; anything else, multi-byte text too, as it is).
        #[test]
        fn hand_written_strings_are_serde_jsons(text in "(?s)[a-z\"\\\\\u{0}-\u{1f}\u{7f}é€😀/ ]{0,80}") {
            let mut out = Vec::new();
            push_json_string(&mut out, &text);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&text).unwrap());
        }
    }

    #[test]
    fn hand_written_lines_break_and_indent_at_any_depth() {
        for depth in 0..40 {
            for first in [true, false] {
                let mut out = b"x".to_vec();
                HandWritten { out: &mut out, depth }.line(first, depth);
                let expected = format!("x{}\n{}", if first { "" } else { "," }, " ".repeat(2 * depth));
                assert_eq!(String::from_utf8(out).unwrap(), expected, "depth {depth}, first {first}");
            }
        }
    }

    /// The hand-written element against serde's derived [`EntryJson`] on entries changed to hold
    /// what the fixtures rarely or never show: the recording browser's own reasons, both limits,
    /// texts that need escapes, a large index, no CORS and a CORS verdict with its preflight.
    #[test]
    fn hand_written_entries_are_serde_jsons_on_every_variant() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/har/seed-c-include-samesite-none.har");
        let (report, _) = analyse_har_path(&path, &ReplayOptions::default(), &Focus::default());
        let mut entries: Vec<EntryVerdict> = report.runs.iter().flat_map(|r| r.entries.iter().cloned()).collect();
        assert!(entries.iter().any(|e| !e.set_cookies.is_empty()) && entries.iter().any(|e| !e.cookies.is_empty()));
        let plain = entries.clone();
        for (i, e) in entries.iter_mut().enumerate() {
            e.index = usize::MAX - i;
            e.failure = Some("net::ERR_FAILED\n\"quoted\" \\ é".into());
            e.limits = vec![
                LimitHit::ResponseHeaders { bytes: u64::MAX, limit: 262_144, set_cookie_lines: 3 },
                LimitHit::CookiePairs { pairs: 0, limit: 180 },
            ];
            for s in &mut e.set_cookies {
                s.browser_reasons = vec!["SameSiteLax".into(), "tab\there".into()];
                s.partition = Some("https://a.example".into());
                s.value = "v\u{1}\u{1f}\u{7f}".into();
            }
            for (k, c) in e.cookies.iter_mut().enumerate() {
                c.recorded = [None, Some(true), Some(false)][k % 3];
                c.value = "\"".into();
            }
            e.cors = match i % 3 {
                0 => None,
                1 => Some(std::sync::Arc::new(crate::analysis::report::CorsSummary {
                    ok: false,
                    error: Some(crate::model::cors::CorsError::PreflightMissingAllowOriginHeader),
                    errors: vec![(crate::model::cors::CorsError::PreflightMissingAllowOriginHeader, "x\"y".into())],
                    preflight_reasons: vec!["method PUT".into(), "header x-token".into()],
                    preflight: Some((false, Some(crate::model::cors::CorsError::PreflightMissingAllowOriginHeader))),
                    preflight_unobserved: true,
                    credentialed: true,
                    set_cookie_stored_despite_failure: true,
                    basis: crate::analysis::infer::Basis::Recorded,
                })),
                _ => e.cors.clone(),
            };
        }
        for (e, first) in entries.iter().chain(&plain).zip([true, false].into_iter().cycle()) {
            for show_values in [false, true] {
                let url = entry_url(e, show_values);
                let mut hand = Vec::new();
                write_entry_element(&mut hand, first, e, show_values, &url);
                let mut derived = Vec::new();
                derived.extend_from_slice(if first { b"\n" } else { b",\n" });
                derived.extend_from_slice(pad(ENTRY_DEPTH));
                write_nested(&mut derived, &entry(e, show_values, Cow::Borrowed(&url)), ENTRY_DEPTH).unwrap();
                assert_eq!(String::from_utf8(hand).unwrap(), String::from_utf8(derived).unwrap(), "entry {}", e.index);
            }
        }
    }

    /// What the stream writer makes of `report` when fed its entries one at a time, then given the
    /// report without them (as in streaming use).
    fn streamed(report: &HarReport, show_values: bool) -> Vec<u8> {
        let browsers: Vec<Browser> = report.runs.iter().map(|r| r.browser).collect();
        let mut stream = HarJsonStream::new(&browsers, show_values).expect("temp dir writable");
        let count = report.runs.first().map_or(0, |r| r.entries.len());
        assert!(report.runs.iter().all(|r| r.entries.len() == count), "{}: runs differ in length", report.input);
        for i in 0..count {
            let verdicts: Vec<EntryVerdict> = report.runs.iter().map(|r| r.entries[i].clone()).collect();
            stream.entry(&verdicts).expect("entry");
        }
        let mut bare = report.clone();
        for run in &mut bare.runs {
            run.entries = Vec::new();
        }
        let mut out = Vec::new();
        stream.finish(&mut out, &bare).expect("finish");
        out
    }

    /// The stream writer and [`write_har_report`] against [`har_report`], which serializes the derived
    /// [`HarJson`] in one go and so does not share their hand layout.
    fn check(report: &HarReport, show_values: bool) {
        let expected = har_report(report, show_values);
        let mut written = Vec::new();
        write_har_report(&mut written, report, show_values).expect("write");
        assert_eq!(String::from_utf8_lossy(&written), expected, "{}: write_har_report", report.input);
        let streamed = streamed(report, show_values);
        assert_eq!(
            String::from_utf8_lossy(&streamed),
            expected,
            "{}: stream (show_values {show_values})",
            report.input
        );
    }

    #[test]
    fn stream_matches_the_whole_report_writer_on_every_fixture() {
        let paths = crate::test_support::har_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
        assert!(paths.len() > 10, "fixtures not found");
        let (mut skipped, mut values_differ, mut entries) = (false, false, false);
        for path in &paths {
            let (report, _) = analyse_har_path(path, &ReplayOptions::default(), &Focus::default());
            skipped |= !report.skipped.is_empty();
            entries |= report.runs.iter().any(|r| r.entries.len() > 1);
            values_differ |= har_report(&report, true) != har_report(&report, false);
            check(&report, false);
            check(&report, true);
        }
        // The fixtures exercise the parts that vary.
        assert!(skipped && values_differ && entries);
    }

    #[test]
    fn stream_matches_with_no_entries_and_with_no_runs() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/har/seed-c-include-samesite-none.har");
        let (mut report, _) = analyse_har_path(&path, &ReplayOptions::default(), &Focus::default());
        assert!(!report.runs.is_empty() && !report.findings.is_empty());
        for run in &mut report.runs {
            run.entries.clear();
        }
        check(&report, false);
        report.runs.clear();
        check(&report, true);
        report.summary.clear();
        report.findings.clear();
        check(&report, false);
    }

    #[test]
    fn stream_refuses_mismatched_browsers() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/har/seed-a-default-credentials.har");
        let (report, _) = analyse_har_path(&path, &ReplayOptions::default(), &Focus::default());
        let browsers: Vec<Browser> = report.runs.iter().map(|r| r.browser).collect();
        assert!(browsers.len() > 1);
        let mut stream = HarJsonStream::new(&browsers, false).expect("temp dir writable");
        let one = &report.runs[0].entries[..1];
        assert_eq!(stream.entry(one).map_err(|e| e.kind()), Err(io::ErrorKind::InvalidInput));
        let mut fewer = report.clone();
        fewer.runs.pop();
        assert_eq!(stream.finish(Vec::new(), &fewer).map_err(|e| e.kind()), Err(io::ErrorKind::InvalidInput));
    }
}
