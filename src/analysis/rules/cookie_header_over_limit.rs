//! A rule as a unit (see `cors_allow_credentials_not_true.rs` for the layout).
//!
//! No browser's jar holds more than a few thousand cookies (Chromium 3 300 in all and 180 per site,
//! Firefox 3 000 and 180), so no browser sends a `Cookie` header of more pairs than that. A capture
//! that shows one was not recorded from a browser as it is (a proxy merged headers, a script built
//! it). The replay reads the first [`MAX_COOKIE_PAIRS`](crate::analysis::replay::MAX_COOKIE_PAIRS) pairs as evidence and says so here rather
//! than dropping the rest silently; reading them all would make one entry cost its pairs squared.

use super::{finding, Facts, RuleId};
use crate::analysis::findings::redact_query;
use crate::analysis::replay::MAX_COOKIE_PAIRS;
use crate::analysis::report::{Finding, LimitHit};

const RULE: RuleId = RuleId::CookieHeaderOverLimit;

/// One finding for an entry whose captured `Cookie` header lists more pairs than were read.
pub(super) fn check(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Facts::HarEntry { verdicts, .. } = facts else { return };
    // The header is the capture's, the same for every profile: the first verdict tells.
    let Some(e) = verdicts.first() else { return };
    let Some(pairs) = e.limits.iter().find_map(|l| match l {
        LimitHit::CookiePairs { pairs, .. } => Some(*pairs),
        LimitHit::ResponseHeaders { .. } => None,
    }) else {
        return;
    };
    let mut f = finding(
        RULE,
        format!(
            "entry {} {} {}: the captured Cookie header lists {pairs} pairs, more than any browser holds cookies (Chromium keeps at most 3300): not what a browser sent; only the first {MAX_COOKIE_PAIRS} were read",
            e.index,
            e.method,
            redact_query(&e.url),
        ),
        vec![
            "capture: record the HAR in the browser itself (DevTools' Network panel, Playwright's recordHar); a proxy or script may have merged the Cookie headers of many requests".into(),
        ],
    );
    f.entry = Some(e.index);
    f.host = Some(e.host.to_string());
    out.push(f);
}
