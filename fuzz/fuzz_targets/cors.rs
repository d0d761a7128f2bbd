//! The origin and CORS matchers: `Origin::parse`, the CORS check on arbitrary response headers, and
//! the security check of configured allow-origin patterns (exact, wildcard, regex). Never panics; an
//! origin that parses serialises to something that parses to the same origin; a response that passes
//! the CORS check really echoes the origin (or `*` without credentials).
#![no_main]

use arbitrary::Arbitrary;
use crossjar::model::cors::cors_check;
use crossjar::model::cors_security::{check_pattern, AllowOriginPattern, RegexSemantics};
use crossjar::model::http::{Header, Headers};
use crossjar::model::request::CredentialsMode;
use crossjar::model::site::Origin;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Pattern {
    Exact(String),
    Wildcard(String),
    Regex { pattern: String, full_match: bool, case_insensitive: bool },
}

#[derive(Arbitrary, Debug)]
enum Creds {
    Omit,
    SameOrigin,
    Include,
}

#[derive(Arbitrary, Debug)]
struct Input {
    origin: String,
    creds: Creds,
    /// (header index into a small name pool, value)
    headers: Vec<(u8, String)>,
    pattern: Pattern,
    api_https: bool,
    pattern_credentials: bool,
}

const NAMES: &[&str] = &[
    "Access-Control-Allow-Origin",
    "access-control-allow-credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Max-Age",
    "Vary",
    "X-Other",
];

fuzz_target!(|input: Input| {
    if let Ok(o) = Origin::parse(&input.origin) {
        let s = o.serialize();
        if !o.is_opaque() {
            let again = Origin::parse(&s).expect("a serialised origin parses");
            assert_eq!(again, o, "{s}");
        }
    }
    let headers = Headers(
        input.headers.iter().map(|(i, v)| Header::new(NAMES[usize::from(*i) % NAMES.len()], v.clone())).collect(),
    );
    let creds = match input.creds {
        Creds::Omit => CredentialsMode::Omit,
        Creds::SameOrigin => CredentialsMode::SameOrigin,
        Creds::Include => CredentialsMode::Include,
    };
    let errors = cors_check(&input.origin, creds, &headers);
    // The check is given a serialised origin (or `null`); only then is "passed" meaningful: an
    // arbitrary string such as `a, b` could equal two combined allow-origin lines.
    let serialised =
        input.origin == "null" || Origin::parse(&input.origin).is_ok_and(|o| o.serialize() == input.origin);
    if errors.is_empty() && serialised {
        let acao: Vec<&str> = headers.get_all("access-control-allow-origin").collect();
        assert_eq!(acao.len(), 1, "passed with {} allow-origin lines", acao.len());
        // Fetch strips HTTP whitespace (tab, LF, CR, space) from header values.
        let v = acao[0].trim_matches([' ', '\t', '\r', '\n']);
        assert!(v == input.origin || (v == "*" && creds != CredentialsMode::Include), "passed with {v:?}");
    }
    let pattern = match input.pattern {
        Pattern::Exact(s) => AllowOriginPattern::Exact(s),
        Pattern::Wildcard(s) => AllowOriginPattern::Wildcard(s),
        Pattern::Regex { pattern, full_match, case_insensitive } => AllowOriginPattern::Regex {
            pattern,
            semantics: if full_match { RegexSemantics::FullMatch } else { RegexSemantics::Search },
            case_insensitive,
        },
    };
    let _ = check_pattern(&pattern, input.api_https, input.pattern_credentials);
});
