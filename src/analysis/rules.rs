//! The rules: each finding comes from one of these, with a stable id, a default severity, a category
//! and a documentation page under `rules/` (embedded, printed by `crossjar explain ID`).

use std::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something to know.
    Info,
    /// Likely to break some users or browsers.
    Warning,
    /// Breaks the cookie or the cross-origin read.
    Error,
}

impl Severity {
    /// `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses [`Severity::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// Storing and sending cookies.
    Cookie,
    /// Cross-origin reads.
    Cors,
    /// What an ingress or gateway emits.
    Ingress,
    /// The capture itself.
    Capture,
    /// Security of a configuration.
    Security,
}

impl Category {
    /// `cookie`, `cors`, `ingress`, `capture`, `security`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cookie => "cookie",
            Category::Cors => "cors",
            Category::Ingress => "ingress",
            Category::Capture => "capture",
            Category::Security => "security",
        }
    }
}

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, kebab-case.
    pub id: &'static str,
    /// Category.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// One line: what it detects.
    pub summary: &'static str,
    /// The Markdown documentation page (`rules/ID.md`).
    pub doc: &'static str,
}

macro_rules! rules {
    ($($id:literal, $cat:ident, $sev:ident, $summary:literal;)+) => {
        /// Every rule, sorted by id.
        pub static RULES: &[Rule] = &[
            $(Rule {
                id: $id,
                category: Category::$cat,
                severity: Severity::$sev,
                summary: $summary,
                doc: include_str!(concat!("../../rules/", $id, ".md")),
            },)+
        ];
    };
}

rules! {
    "capture-disagrees", Capture, Info, "the capture shows a cookie sent (or not) where the model says otherwise";
    "capture-sanitized", Capture, Warning, "the HAR has no Cookie or Set-Cookie headers at all: probably a sanitized export";
    "cookie-partitioned", Cookie, Info, "the cookie lives in a partition keyed by the top-level site";
    "cookie-rejected", Cookie, Warning, "a Set-Cookie is rejected (Secure over http, bad Domain, prefix, size, characters)";
    "cors-check-failed", Cors, Error, "a cross-origin response or its preflight fails the CORS check: the page cannot read it";
    "cors-cookie-stored-unreadable", Cors, Info, "a credentialed response failed CORS but its Set-Cookie was stored";
    "cors-misconfiguration", Security, Warning, "the CORS allow-list is exploitable or broken (reflection, null, http origins, regex mistakes, missing Vary)";
    "credentials-not-included", Cookie, Error, "a cross-origin request did not include credentials, so its Set-Cookie was ignored and no cookie was sent";
    "preflight-not-sticky", Cookie, Info, "a CORS preflight never carries the sticky cookie, so it reaches an arbitrary backend";
    "samesite-blocks-cross-site", Cookie, Error, "a SameSite=Lax or Strict cookie is needed on cross-site requests";
    "samesite-none-insecure", Cookie, Error, "SameSite=None without Secure is rejected";
    "samesite-unspecified-cross-site", Cookie, Error, "a cookie without SameSite is used cross-site: Chrome treats it as Lax";
    "third-party-cookie-blocked", Cookie, Warning, "third-party cookie blocking (Safari ITP, Chrome Incognito) stops the cookie";
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
