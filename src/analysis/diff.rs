//! `crossjar diff`: two analyses of captures taken before and after a fix, compared per cookie, host
//! and browser, and by findings.

use std::collections::BTreeMap;

use super::report::{CookieCounts, Finding, HarReport};
use crate::model::profile::Browser;

/// One cookie on one host in one browser, before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieChange {
    /// Cookie name.
    pub name: String,
    /// Host.
    pub host: String,
    /// Browser.
    pub browser: Browser,
    /// Counts before (`None`: not in the report before).
    pub before: Option<CookieCounts>,
    /// Counts after.
    pub after: Option<CookieCounts>,
}

impl CookieChange {
    /// Whether the cookie now reaches more of its requests (`better`), fewer (`worse`), as many
    /// (`unchanged`), or is in one capture only (`only-before`, `only-after`: nothing to compare).
    pub fn verdict(&self) -> &'static str {
        let sent = |c: &CookieCounts| if c.requests == 0 { 0.0 } else { c.sent as f64 / c.requests as f64 };
        match (&self.before, &self.after) {
            (Some(_), None) => "only-before",
            (None, Some(_)) => "only-after",
            (None, None) => "unchanged",
            (Some(b), Some(a)) => {
                let (b, a) = (sent(b), sent(a));
                if a > b {
                    "better"
                } else if a < b {
                    "worse"
                } else {
                    "unchanged"
                }
            }
        }
    }
}

/// The comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HarDiff {
    /// Input before.
    pub before: String,
    /// Input after.
    pub after: String,
    /// Per cookie, host and browser.
    pub cookies: Vec<CookieChange>,
    /// Findings present before and gone after.
    pub resolved: Vec<Finding>,
    /// Findings new after.
    pub introduced: Vec<Finding>,
}

fn key(f: &Finding) -> (String, Option<String>, Option<String>, Vec<Browser>) {
    (f.rule.to_string(), f.cookie.clone(), f.host.clone(), f.browsers.clone())
}

/// Counts before and after.
type BeforeAfter = (Option<CookieCounts>, Option<CookieCounts>);

/// The cookie names in a report's focus (its summary), sorted, without repeats.
pub fn focused_names(report: &HarReport) -> Vec<String> {
    let mut names: Vec<String> = report.summary.iter().map(|s| s.name.clone()).collect();
    names.sort();
    names.dedup();
    names
}

/// Compares two reports. Compare reports made with the same focus (see
/// [`crate::pipeline::diff_har_paths`]): a cookie in one report's focus only has nothing to be
/// compared with.
pub fn diff(before: &HarReport, after: &HarReport) -> HarDiff {
    let mut table: BTreeMap<(String, String, Browser), BeforeAfter> = BTreeMap::new();
    for s in &before.summary {
        for (b, c) in &s.per_browser {
            table.entry((s.name.clone(), s.host.clone(), *b)).or_default().0 = Some(*c);
        }
    }
    for s in &after.summary {
        for (b, c) in &s.per_browser {
            table.entry((s.name.clone(), s.host.clone(), *b)).or_default().1 = Some(*c);
        }
    }
    let cookies = table
        .into_iter()
        .map(|((name, host, browser), (before, after))| CookieChange { name, host, browser, before, after })
        .collect();
    let before_keys: Vec<_> = before.findings.iter().map(key).collect();
    let after_keys: Vec<_> = after.findings.iter().map(key).collect();
    HarDiff {
        before: before.input.clone(),
        after: after.input.clone(),
        cookies,
        resolved: before.findings.iter().filter(|f| !after_keys.contains(&key(f))).cloned().collect(),
        introduced: after.findings.iter().filter(|f| !before_keys.contains(&key(f))).cloned().collect(),
    }
}
