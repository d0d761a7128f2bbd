//! How bad a finding is: the one severity scale of the whole crate.
//!
//! It lives in the model (pure vocabulary, no judgement) so that every layer can name it without an
//! arrow against the layering: the rule registry ([`crate::analysis::rules`]) gives each rule its
//! default, configuration may change it, outputs print it. The CORS security check's
//! exploitability scale is a different quantity ([`super::cors_security::Risk`]).

use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something to know; nothing breaks by itself.
    Info,
    /// Likely to break some users, browsers or setups.
    Warning,
    /// Breaks the cookie, the cross-origin read or the feature the config asks for.
    Error,
}

impl Severity {
    /// Every severity, mildest first.
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

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
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A name that is not `info`, `warning` or `error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSeverity(pub String);

impl fmt::Display for UnknownSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown severity `{}` (expected info, warning or error)", self.0)
    }
}

impl std::error::Error for UnknownSeverity {}

impl FromStr for Severity {
    type Err = UnknownSeverity;
    fn from_str(s: &str) -> Result<Severity, UnknownSeverity> {
        Severity::parse(s).ok_or_else(|| UnknownSeverity(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>(), Ok(s));
        }
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        assert!("fatal".parse::<Severity>().is_err());
        assert_eq!(serde_json::to_string(&Severity::Warning).unwrap(), "\"warning\"");
    }
}
