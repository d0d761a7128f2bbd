//! The analysis result, independent of any output format.

use crate::model::cors::CorsError;
use crate::model::cors_security::SecurityIssue;
use crate::model::name_id::NameId;
use crate::model::profile::Browser;
use crate::model::reason::{Exclusions, Warnings};
use crate::model::request::{CredentialsMode, RequestKind};
pub use crate::model::shared::SharedStr;

use super::infer::Basis;
use super::rules::{RuleId, Severity};

/// The credentials mode of a request and how it was established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The mode; `None` when unknown (the model then assumes the kind's default).
    pub mode: Option<CredentialsMode>,
    /// The mode the model assumed to compute verdicts.
    pub assumed: CredentialsMode,
    /// How the mode was established.
    pub basis: Basis,
}

/// A `Set-Cookie` on the response, and what the browser did with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookieVerdict {
    /// Cookie name.
    pub name: SharedStr,
    /// The name's number in the replay ([`NameId::UNKNOWN`] when it has none): the findings and
    /// the report tell names apart by it.
    pub name_id: NameId,
    /// Stored by the model's jar.
    pub stored: bool,
    /// The line deleted the cookie (expiry in the past).
    pub deleted: bool,
    /// Every reason it was not stored.
    pub reasons: Exclusions,
    /// Warnings.
    pub warnings: Warnings,
    /// The partition it went to (top-level site), if partitioned.
    pub partition: Option<String>,
    /// The cookie's attributes as parsed (for reports), e.g. `Path=/; HttpOnly`.
    pub attributes: SharedStr,
    /// The value (reports show it only with `--show-values`).
    pub value: SharedStr,
    /// `recorded` when the recording browser itself named this cookie blocked (its reasons are in
    /// `browser_reasons`), else `predicted` (the model's verdict on the captured line).
    pub basis: Basis,
    /// The recording browser's own blocked reasons for this line, when the exporter kept them.
    pub browser_reasons: Vec<String>,
}

/// A jar cookie related to the request, and whether it is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieVerdict {
    /// Cookie name.
    pub name: SharedStr,
    /// The name's number in the replay (see [`SetCookieVerdict::name_id`]).
    pub name_id: NameId,
    /// The cookie's domain (host for host-only cookies).
    pub domain: SharedStr,
    /// Sent according to the model.
    pub sent: bool,
    /// Every reason it was withheld.
    pub reasons: Exclusions,
    /// Warnings.
    pub warnings: Warnings,
    /// Whether the capture shows it sent; `None` when the capture cannot tell (sanitized export,
    /// cached entry, no request headers).
    pub recorded: Option<bool>,
    /// The cookie was not set in the capture but seen in a request: its attributes are guessed.
    pub learned: bool,
    /// The value (reports show it only with `--show-values`).
    pub value: SharedStr,
    /// The cookie's path.
    pub path: SharedStr,
    /// How `sent` was established: `recorded` (the recording browser's own `Cookie` header says so; it
    /// overrides the model), `predicted` (the model, from known attributes), `unknown` (the verdict rests
    /// on attributes the capture does not show, e.g. `SameSite` of a cookie set before recording).
    pub basis: Basis,
    /// What the model alone says (equal to `sent` unless the capture overruled it).
    pub model_sent: bool,
}

/// Calls `f` with `verdicts` as a list of references, kept on the stack for up to eight profiles:
/// the findings and the story take an entry's verdicts so, once per entry, without an allocation.
pub(crate) fn with_refs<R>(verdicts: &[EntryVerdict], f: impl FnOnce(&[&EntryVerdict]) -> R) -> R {
    const ON_STACK: usize = 8;
    match verdicts.len() {
        0 => f(&[]),
        n if n <= ON_STACK => {
            let refs: [&EntryVerdict; ON_STACK] = std::array::from_fn(|i| &verdicts[i.min(n - 1)]);
            f(&refs[..n])
        }
        _ => f(&verdicts.iter().collect::<Vec<_>>()),
    }
}

/// One entry of the capture, as one browser profile would have handled it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryVerdict {
    /// Position in `log.entries`.
    pub index: usize,
    /// Method as captured.
    pub method: SharedStr,
    /// URL as captured (query values are redacted by the output layer unless asked).
    pub url: SharedStr,
    /// The URL's host, lower case (what findings and the summary group by).
    pub host: SharedStr,
    /// Response status (0 for failed requests).
    pub status: u16,
    /// Inferred kind.
    pub kind: RequestKind,
    /// How the kind was established.
    pub kind_basis: Basis,
    /// Initiator origin, serialised.
    pub initiator: Option<SharedStr>,
    /// Top-level site (scheme://registrable-domain).
    pub top_level_site: Option<SharedStr>,
    /// How the top-level site was established: `recorded` (a navigation or page in the capture),
    /// `inferred` (fetch metadata, `Referer`, the page title), `unknown` (the nearest navigation,
    /// a guess).
    pub top_level_basis: Basis,
    /// Mixed content in this profile: an `https:` page's request to `http:`/`ws:` that the browser
    /// blocks (or upgrades to `https:`); `None` when not mixed.
    pub mixed_content: Option<crate::model::mixed_content::MixedContent>,
    /// The request failed (status 0 or -1, or the producer recorded an error): the error as recorded,
    /// or `failed` when only the status tells. The response headers were then not recorded.
    pub failure: Option<String>,
    /// Whether the request is same-site with its site for cookies (per the profile's schemefulness).
    pub same_site: bool,
    /// Credentials mode and basis.
    pub credentials: Credentials,
    /// Every `Set-Cookie` on the response.
    pub set_cookies: Vec<SetCookieVerdict>,
    /// Every jar cookie sharing the request's registrable domain; sent ones first, in header order.
    pub cookies: Vec<CookieVerdict>,
    /// The entry was served from a cache (no cookies went out, `Set-Cookie` not processed).
    pub cached: bool,
    /// The CORS verdict, for CORS-mode requests (fetch/XHR and `crossorigin` loads). Shared: the
    /// profiles' verdicts on one request usually hold the same one.
    pub cors: Option<std::sync::Arc<CorsSummary>>,
    /// Limits the entry passes in this profile: a browser's own (it then fails the request), or a
    /// budget past which the capture's evidence is not read (always said, never silently dropped).
    pub limits: Vec<LimitHit>,
}

/// Skipped entries listed one by one in [`HarReport::skipped`]; past this many only
/// [`HarReport::skipped_kinds`] counts them (a file of a million broken entries made a 374 MB report).
pub const SKIPPED_LISTED: usize = 20;

/// Skipped entries of one kind of problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedKind {
    /// The problem with entry numbers, positions and URLs left out (`URL has no host`).
    pub kind: String,
    /// The first such entry.
    pub first_index: usize,
    /// Why the first one was skipped, in full.
    pub first: String,
    /// How many entries were skipped for it.
    pub count: usize,
}

/// A limit one entry passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitHit {
    /// The response headers are larger than the browser accepts: it fails the request
    /// (Chromium's `ERR_RESPONSE_HEADERS_TOO_BIG`) and reads none of its `Set-Cookie` lines.
    ResponseHeaders {
        /// The headers' size as header lines.
        bytes: u64,
        /// The browser's limit.
        limit: u64,
        /// `Set-Cookie` lines the browser therefore never read.
        set_cookie_lines: usize,
    },
    /// The captured `Cookie` header lists more pairs than any browser's jar holds (Chromium keeps at
    /// most 3 300 cookies in all): only the first `limit` pairs are read as evidence.
    CookiePairs {
        /// Pairs in the header.
        pairs: usize,
        /// Pairs read.
        limit: usize,
    },
}

impl EntryVerdict {
    /// A copy without its cookie verdicts (what a per-request finding keeps).
    pub fn clone_without_cookies(&self) -> EntryVerdict {
        EntryVerdict {
            index: self.index,
            method: self.method.clone(),
            url: self.url.clone(),
            host: self.host.clone(),
            status: self.status,
            kind: self.kind,
            kind_basis: self.kind_basis,
            initiator: self.initiator.clone(),
            top_level_site: self.top_level_site.clone(),
            top_level_basis: self.top_level_basis,
            failure: self.failure.clone(),
            mixed_content: self.mixed_content,
            same_site: self.same_site,
            credentials: self.credentials.clone(),
            set_cookies: Vec::new(),
            cookies: Vec::new(),
            cached: self.cached,
            cors: self.cors.clone(),
            limits: self.limits.clone(),
        }
    }
}

/// The CORS verdict of one request (with its preflight, when the capture has it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsSummary {
    /// Whether the page could use the response.
    pub ok: bool,
    /// The error DevTools shows (`Network.CorsError` name), if any.
    pub error: Option<CorsError>,
    /// Every failure, DevTools names with the failed parameter.
    pub errors: Vec<(CorsError, String)>,
    /// Whether the browser sends a preflight, and why.
    pub preflight_reasons: Vec<String>,
    /// The preflight's own verdict, when the capture has the preflight: (ok, first error).
    pub preflight: Option<(bool, Option<CorsError>)>,
    /// A preflight is needed but the capture does not show one (the preflight cache may have answered).
    pub preflight_unobserved: bool,
    /// The request carried credentials.
    pub credentialed: bool,
    /// `Set-Cookie` on the response was stored although the page cannot read it.
    pub set_cookie_stored_despite_failure: bool,
    /// `recorded` when the capture shows the request failed (no response recorded: `ok` is false
    /// and the error unknown), `predicted` when the check ran on the captured response headers.
    pub basis: Basis,
}

/// All entries for one browser profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserRun {
    /// The profile.
    pub browser: Browser,
    /// One verdict per analysed entry, in capture order.
    pub entries: Vec<EntryVerdict>,
}

/// A finding: one rule firing on one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: RuleId,
    /// Severity (after configuration).
    pub severity: Severity,
    /// The entry it points at, if any.
    pub entry: Option<usize>,
    /// The cookie it is about, if any.
    pub cookie: Option<String>,
    /// The host it is about, if any.
    pub host: Option<String>,
    /// The browsers it concerns.
    pub browsers: Vec<Browser>,
    /// One line in the style of DevTools and linters.
    pub message: String,
    /// The fixes, one per side (frontend, server, cookie, architecture).
    pub fixes: Vec<String>,
    /// The finding rests on facts the capture does not hold (a guessed credentials mode, top level,
    /// or attributes of a cookie set before recording): its severity is then at most `info`, below
    /// the rule's default.
    pub unknown: bool,
}

/// Per cookie and host: what happened in each browser (the report's summary table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieSummary {
    /// Cookie name.
    pub name: String,
    /// Host that set or received it.
    pub host: String,
    /// Who sets cookies of this name, when it is a known session-affinity cookie.
    pub affinity: Option<&'static str>,
    /// Per browser: (Set-Cookie lines seen, stored, requests it was related to, sent).
    pub per_browser: Vec<(Browser, CookieCounts)>,
    /// The host is one of the user's own sites (or the capture's top-level pages): reports show own
    /// cookies first and third-party vendors' in summary unless `--all`.
    pub own: bool,
}

/// Counts for one cookie, host and browser.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CookieCounts {
    /// `Set-Cookie` lines for it.
    pub set: usize,
    /// Of which stored.
    pub stored: usize,
    /// Requests to the host where it was in the jar (or would have been).
    pub requests: usize,
    /// Of which it was sent on.
    pub sent: usize,
}

/// The whole analysis of one HAR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HarReport {
    /// The input's name as given.
    pub input: String,
    /// The capture looks like a sanitized export (no `Cookie`/`Set-Cookie` at all).
    pub sanitized: bool,
    /// The HAR creator (`WebInspector 537.36`, `Firefox 111.0.1`, ...).
    pub creator: Option<String>,
    /// The browser whose own word the capture is (from the producer and the `User-Agent`), if any.
    pub recorder: Option<super::infer::Recorder>,
    /// Entries read.
    pub entries: usize,
    /// Entries skipped, each with why: the first [`SKIPPED_LISTED`] of them (all of them are counted
    /// in `skipped_kinds`).
    pub skipped: Vec<(usize, String)>,
    /// Skipped entries by kind of problem, in order of first appearance, each with its count: what a
    /// report shows instead of one line per entry when there are many.
    pub skipped_kinds: Vec<SkippedKind>,
    /// One run per browser profile.
    pub runs: Vec<BrowserRun>,
    /// The summary table.
    pub summary: Vec<CookieSummary>,
    /// Findings, the user's own sites first, then most severe first.
    pub findings: Vec<Finding>,
    /// Third-party vendors' cookies are grouped (the default; `--all` turns it off).
    pub grouped: bool,
    /// CORS security issues seen in the captured answers, per host (with the first entry showing it).
    pub security: Vec<(String, usize, SecurityIssue)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_refs_lends_every_verdict_in_order() {
        for n in [0, 1, 4, 8, 9, 20] {
            let x = crate::evidence::Exchange {
                method: "GET".into(),
                url: "https://a.example/".into(),
                status: 200,
                ..Default::default()
            };
            let one = crate::analysis::replay::Replay::new(&Default::default()).replay(&x).remove(0);
            let verdicts: Vec<EntryVerdict> = (0..n).map(|index| EntryVerdict { index, ..one.clone() }).collect();
            let seen = with_refs(&verdicts, |refs| refs.iter().map(|v| v.index).collect::<Vec<_>>());
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
    }
}
