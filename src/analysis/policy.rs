//! The repository's policy applied to findings, once, before any output: per-rule severity overrides,
//! ignores (each with its reason), and a baseline of known findings so CI fails only on new ones.

use super::rules::{RuleId, Severity};

/// A rule's configured severity; `Off` drops its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Report at this severity.
    At(Severity),
    /// Do not report.
    Off,
}

/// One ignore: the rule, optional subject filters, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    /// The rule.
    pub rule: RuleId,
    /// Only findings about this cookie.
    pub cookie: Option<String>,
    /// Only findings about this host.
    pub host: Option<String>,
    /// Only findings in this file (as given on the command line).
    pub file: Option<String>,
    /// Why it is ignored (required).
    pub reason: String,
}

/// What the policy needs to know about a finding.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The rule.
    pub rule: RuleId,
    /// Cookie name, if any.
    pub cookie: Option<&'a str>,
    /// Host, if any.
    pub host: Option<&'a str>,
    /// File.
    pub file: &'a str,
    /// Stable fingerprint (see `output::diagnostic::fingerprint`).
    pub fingerprint: &'a str,
}

/// The policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Per-rule severity.
    pub levels: Vec<(RuleId, Level)>,
    /// Ignores.
    pub ignores: Vec<Ignore>,
    /// Fingerprints of findings already known (baseline).
    pub baseline: Vec<String>,
}

/// What the policy decides for a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict<'p> {
    /// Report it at this severity.
    Report(Severity),
    /// Drop it: ignored with this reason.
    Ignored(&'p str),
    /// Drop it: the rule is off.
    Off,
    /// Drop it: it is in the baseline.
    Known,
}

impl Policy {
    /// Decides one finding whose default severity is `severity`.
    pub fn decide(&self, s: Subject<'_>, severity: Severity) -> Verdict<'_> {
        let matches = |want: &Option<String>, have: Option<&str>| want.as_deref().is_none_or(|w| Some(w) == have);
        if let Some(i) = self.ignores.iter().find(|i| {
            i.rule == s.rule
                && matches(&i.cookie, s.cookie)
                && matches(&i.host, s.host)
                && matches(&i.file, Some(s.file))
        }) {
            return Verdict::Ignored(&i.reason);
        }
        if self.baseline.iter().any(|f| f == s.fingerprint) {
            return Verdict::Known;
        }
        match self.levels.iter().find(|(r, _)| *r == s.rule).map(|(_, l)| *l) {
            Some(Level::Off) => Verdict::Off,
            Some(Level::At(sev)) => Verdict::Report(sev),
            None => Verdict::Report(severity),
        }
    }

    /// Whether the policy changes nothing.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty() && self.ignores.is_empty() && self.baseline.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(rule: RuleId, cookie: Option<&str>) -> Subject<'_> {
        Subject { rule, cookie, host: Some("h"), file: "f.har", fingerprint: "abc" }
    }

    const R1: RuleId = RuleId::CookiePartitioned;
    const R2: RuleId = RuleId::CaptureDisagrees;
    const R3: RuleId = RuleId::ThirdPartyCookieBlocked;
    const R4: RuleId = RuleId::CookieRejected;

    #[test]
    fn ignores_then_baseline_then_levels() {
        let p = Policy {
            levels: vec![(R1, Level::At(Severity::Info)), (R2, Level::Off)],
            ignores: vec![Ignore {
                rule: R3,
                cookie: Some("_ga".into()),
                host: None,
                file: None,
                reason: "analytics".into(),
            }],
            baseline: vec!["known".into()],
        };
        assert_eq!(p.decide(subject(R1, None), Severity::Error), Verdict::Report(Severity::Info));
        assert_eq!(p.decide(subject(R2, None), Severity::Error), Verdict::Off);
        assert_eq!(p.decide(subject(R3, Some("_ga")), Severity::Error), Verdict::Ignored("analytics"));
        assert_eq!(p.decide(subject(R3, Some("route")), Severity::Error), Verdict::Report(Severity::Error));
        let known = Subject { fingerprint: "known", ..subject(R4, None) };
        assert_eq!(p.decide(known, Severity::Warning), Verdict::Known);
        assert!(Policy::default().is_empty());
    }
}
