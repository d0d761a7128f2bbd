//! Static CORS security checks: what captured responses and configured allow-origin patterns reveal,
//! judged without sending a request.
//!
//! The classes are those Corsy and CORScanner probe for (origin reflection, `null`, `http://` origins,
//! prefix/suffix matching, unescaped dots, any-subdomain and third-party trust) plus spec-derived ones
//! (`*` with credentials, a list in one `Access-Control-Allow-Origin`, a specific value without
//! `Vary: Origin`). Regex patterns are not read by eye: they are compiled (with `regex-automata`, a
//! linear-time engine, so a hostile pattern cannot stall the check) and run against concrete attacker
//! origins built from the domain the pattern names (`https://kontext.build.attacker.example`,
//! `https://evilkontext.build`, `https://kontextxbuild...`); an issue is raised only when such an
//! origin is accepted, and its message names it, so every finding comes with its proof.
//!
//! ```
//! use crossjar::model::cors_security::{check_pattern, AllowOriginPattern, IssueClass, RegexSemantics};
//!
//! let p = AllowOriginPattern::Regex {
//!     pattern: r"https://kontext\.build".into(),
//!     semantics: RegexSemantics::Search,
//!     case_insensitive: true,
//! };
//! let issues = check_pattern(&p, true, true);
//! assert!(issues.iter().any(|i| i.class == IssueClass::UnanchoredPattern));
//! ```

use super::cookie::domain_match;
use super::http::Headers;
use super::site::{is_public_suffix, registrable_domain, Origin};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use std::fmt;

/// What kind of weakness an issue is. Ids are stable (reports, JSON, suppressions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum IssueClass {
    /// Any origin is accepted (reflected or matched by a catch-all pattern).
    OriginReflected,
    /// `Origin: null` is accepted; sandboxed iframes and `data:` documents let anyone send it.
    NullOriginAllowed,
    /// A plain-`http://` origin is trusted by an `https://` API: a network attacker can inject into it.
    HttpOriginTrusted,
    /// A specific (reflected) `Access-Control-Allow-Origin` without `Vary: Origin`: shared caches may
    /// serve one origin's answer to another.
    MissingVaryOrigin,
    /// `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`: browsers refuse
    /// credentialed reads, so the config is broken.
    WildcardWithCredentials,
    /// A regex has an unescaped `.` that lets a look-alike domain pass.
    UnescapedDot,
    /// A regex is not anchored, so prefix (`target.com.attacker.example`) or suffix (`eviltarget.com`)
    /// look-alikes pass.
    UnanchoredPattern,
    /// A wildcard or regex trusts every subdomain (one takeover or XSS anywhere reads the API), or a
    /// deeper or broader set than one level of one domain.
    WildcardSubdomain,
    /// Several origins in one `Access-Control-Allow-Origin` value: browsers never accept a list.
    CommaSeparatedOrigins,
    /// A trusted origin hosts third-party user content (github.io, codepen.io, jsfiddle.net, ...).
    ThirdPartyUserContent,
    /// A pattern could not be analysed (it does not compile, or names no domain).
    PatternNotAnalysed,
}

impl IssueClass {
    /// The stable kebab-case id.
    pub fn id(self) -> &'static str {
        match self {
            IssueClass::OriginReflected => "origin-reflected",
            IssueClass::NullOriginAllowed => "null-origin-allowed",
            IssueClass::HttpOriginTrusted => "http-origin-trusted",
            IssueClass::MissingVaryOrigin => "missing-vary-origin",
            IssueClass::WildcardWithCredentials => "wildcard-with-credentials",
            IssueClass::UnescapedDot => "unescaped-dot",
            IssueClass::UnanchoredPattern => "unanchored-pattern",
            IssueClass::WildcardSubdomain => "wildcard-subdomain",
            IssueClass::CommaSeparatedOrigins => "comma-separated-origins",
            IssueClass::ThirdPartyUserContent => "third-party-user-content",
            IssueClass::PatternNotAnalysed => "pattern-not-analysed",
        }
    }
}

impl fmt::Display for IssueClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How exploitable an issue is (not a finding's [`Severity`](super::severity::Severity): the
/// analysis maps it); credentials (`Access-Control-Allow-Credentials: true`) raise most classes,
/// because then the attacker reads with the victim's cookies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Risk {
    /// Worth knowing; not a weakness by itself.
    Info,
    /// A weakness that needs another flaw to exploit.
    Low,
    /// Exploitable in some setups.
    Medium,
    /// Exploitable by any website.
    High,
}

impl Risk {
    /// `info`, `low`, `medium` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Info => "info",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityIssue {
    /// The class.
    pub class: IssueClass,
    /// How exploitable.
    pub risk: Risk,
    /// What was seen and why it matters, naming the evidence (header value, accepted attacker origin).
    pub message: String,
}

fn issue(class: IssueClass, risk: Risk, message: String) -> SecurityIssue {
    SecurityIssue { class, risk, message }
}

fn raise(credentials: bool, with: Risk, without: Risk) -> Risk {
    if credentials {
        with
    } else {
        without
    }
}

/// Domains whose subdomains or pages anyone can publish code on (Corsy's and CORScanner's third-party
/// probe list, plus the same kind of host).
pub const USER_CONTENT_DOMAINS: &[&str] = &[
    "github.io",
    "gitlab.io",
    "codepen.io",
    "jsfiddle.net",
    "jsbin.com",
    "repl.it",
    "replit.dev",
    "webdevout.net",
    "glitch.me",
    "codesandbox.io",
    "stackblitz.io",
];

/// The user-content domain `host` is or lies under (a trailing dot and letter case ignored): the
/// cookie rules' domain-match, which builds no text per listed domain.
fn user_content_domain(host: &str) -> Option<&'static str> {
    let host = crate::model::http::ascii_lowercase(host.trim_end_matches('.'));
    USER_CONTENT_DOMAINS.iter().copied().find(|d| domain_match(&host, d))
}

fn combined(headers: &Headers, name: &str) -> Option<String> {
    let v: Vec<&str> = headers.get_all(name).map(|x| x.trim_matches([' ', '\t'])).collect();
    (!v.is_empty()).then(|| v.join(", "))
}

/// One captured response to a request that carried `Origin: origin_sent`.
#[derive(Clone, Copy, Debug)]
pub struct ObservedResponse<'a> {
    /// The `Origin` the request carried (`null` included).
    pub origin_sent: &'a str,
    /// The request URL's origin (the API).
    pub target: &'a Origin,
    /// The response headers.
    pub headers: &'a Headers,
}

/// Checks captured responses: `*` with credentials, `null` allowed, `http://` origins trusted by an
/// `https://` API, user-content origins, a specific value without `Vary: Origin`, and reflection (the
/// response echoes two unrelated origins, or echoes one that is neither same-site with the API nor
/// with the other observed origins only when it is an obvious look-alike of the API's domain).
pub fn check_observed(observed: &[ObservedResponse<'_>]) -> Vec<SecurityIssue> {
    let mut out = Vec::new();
    let mut echoed: Vec<(String, bool)> = Vec::new();
    for o in observed {
        let Some(acao) = combined(o.headers, "access-control-allow-origin") else { continue };
        let creds = combined(o.headers, "access-control-allow-credentials").as_deref() == Some("true");
        if acao == "*" {
            if creds {
                out.push(issue(
                    IssueClass::WildcardWithCredentials,
                    Risk::Medium,
                    "`Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`: browsers refuse credentialed reads (WildcardOriginNotAllowed); the server probably means to allow specific origins, and if it reflects them elsewhere check that list".into(),
                ));
            }
            continue;
        }
        if acao.contains(',') {
            out.push(issue(
                IssueClass::CommaSeparatedOrigins,
                Risk::Low,
                format!("`Access-Control-Allow-Origin: {acao}` holds a list; browsers accept exactly one origin (MultipleAllowOriginValues). Pick the request's origin from an allow-list and send only it"),
            ));
            continue;
        }
        out.extend(single_origin_issues(&acao, o.target, creds, "the response allows"));
        let vary_origin = o.headers.get_all("vary").flat_map(|v| v.split(',')).any(|t| {
            let t = t.trim();
            t.eq_ignore_ascii_case("origin") || t == "*"
        });
        if !vary_origin {
            out.push(issue(
                IssueClass::MissingVaryOrigin,
                Risk::Low,
                format!("`Access-Control-Allow-Origin: {acao}` without `Vary: Origin`: a shared cache (CDN, proxy) can serve this answer to a page on another origin, which then fails CORS or reads what it should not"),
            ));
        }
        if acao == o.origin_sent {
            echoed.push((acao.clone(), creds));
        }
    }
    // Reflection: two echoed origins on different sites, or an echoed look-alike of the API's domain.
    let mut sites: Vec<String> = Vec::new();
    for (o, _) in &echoed {
        if let Ok(origin) = Origin::parse(o) {
            let site = origin.site().domain().unwrap_or_default().to_string();
            if !sites.contains(&site) {
                sites.push(site);
            }
        }
    }
    let creds = echoed.iter().any(|(_, c)| *c);
    if sites.len() >= 2 {
        out.push(issue(
            IssueClass::OriginReflected,
            raise(creds, Risk::High, Risk::Medium),
            format!(
                "the server echoes unrelated origins ({}){}: any website can read these responses{}",
                echoed.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>().join(", "),
                if creds { " with `Access-Control-Allow-Credentials: true`" } else { "" },
                if creds { " with the visitor's cookies" } else { "" }
            ),
        ));
    }
    for o in observed {
        let (Some(host), Some(target_host)) = (host_of(o.origin_sent), o.target.host().map(|h| h.to_string())) else {
            continue;
        };
        let target_rd = registrable_domain(&target_host).unwrap_or(&target_host).to_string();
        let acao = combined(o.headers, "access-control-allow-origin");
        if acao.as_deref() != Some(o.origin_sent) || domain_match(&host, &target_rd) {
            continue;
        }
        if host.starts_with(&format!("{target_rd}.")) || host.ends_with(&target_rd) {
            out.push(issue(
                IssueClass::UnanchoredPattern,
                raise(creds, Risk::High, Risk::Medium),
                format!("the server accepted the look-alike origin `{}` for `{target_rd}`: its origin check matches a prefix or suffix, not the whole host", o.origin_sent),
            ));
        }
    }
    out
}

fn host_of(origin: &str) -> Option<String> {
    let o = Origin::parse(origin).ok()?;
    o.host().map(|h| h.to_string())
}

/// Issues of one trusted origin value (from a response or a config): `null`, `http://`, user content.
fn single_origin_issues(value: &str, target: &Origin, creds: bool, what: &str) -> Vec<SecurityIssue> {
    let mut out = Vec::new();
    if value == "null" {
        out.push(issue(
            IssueClass::NullOriginAllowed,
            raise(creds, Risk::High, Risk::Medium),
            format!(
                "{what} `Origin: null`; any page can send it from a sandboxed iframe or a `data:` document{}",
                if creds { ", and credentials are allowed" } else { "" }
            ),
        ));
        return out;
    }
    let Ok(origin) = Origin::parse(value) else { return out };
    if origin.scheme() == Some("http") && target.scheme() == Some("https") && !origin.is_potentially_trustworthy() {
        out.push(issue(
            IssueClass::HttpOriginTrusted,
            raise(creds, Risk::High, Risk::Medium),
            format!("{what} `{value}` over plain http for an https API: anyone on the network path can inject script into that origin and read the API"),
        ));
    }
    if let Some(host) = origin.host().map(|h| h.to_string()) {
        if let Some(d) = user_content_domain(&host) {
            let shared = host == d || (!is_public_suffix(d) && registrable_domain(&host) == Some(d));
            out.push(issue(
                IssueClass::ThirdPartyUserContent,
                if shared { raise(creds, Risk::High, Risk::Medium) } else { Risk::Low },
                if shared {
                    format!("{what} `{value}`, where anyone can publish code ({d})")
                } else {
                    format!("{what} `{value}` on {d}, which hosts user content; make sure this subdomain is yours and cannot be taken over")
                },
            ));
        }
    }
    out
}

/// How a server matches a regex against the `Origin` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegexSemantics {
    /// The regex may match anywhere in the value (nginx `if ($http_origin ~ ...)`, Go's
    /// `regexp.MatchString` as Traefik's `accessControlAllowOriginListRegex` uses it): unanchored
    /// unless the pattern has `^...$`.
    Search,
    /// The regex must match the whole value (Envoy `safe_regex`, RE2 full match).
    FullMatch,
}

/// A configured allow-origin entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AllowOriginPattern {
    /// A literal value sent as `Access-Control-Allow-Origin` (or compared exactly). Callers that accept
    /// comma lists by design (ingress-nginx's `cors-allow-origin`) split them first.
    Exact(String),
    /// A wildcard such as `https://*.example.com` (ingress-nginx, Traefik `accessControlAllowOriginList`).
    Wildcard(String),
    /// A regular expression.
    Regex {
        /// The pattern as configured.
        pattern: String,
        /// How the server applies it.
        semantics: RegexSemantics,
        /// Whether matching ignores case (nginx `~*`).
        case_insensitive: bool,
    },
}

/// Checks one configured allow-origin entry of an API. `api_https`: the API is served over https;
/// `credentials`: the config sends `Access-Control-Allow-Credentials: true`.
pub fn check_pattern(pattern: &AllowOriginPattern, api_https: bool, credentials: bool) -> Vec<SecurityIssue> {
    let api = Origin::parse(if api_https { "https://api.invalid" } else { "http://api.invalid" }).ok();
    let Some(api) = api else { return Vec::new() };
    match pattern {
        AllowOriginPattern::Exact(v) => check_exact(v.trim(), &api, credentials),
        AllowOriginPattern::Wildcard(w) => check_wildcard(w.trim(), &api, credentials),
        AllowOriginPattern::Regex { pattern, semantics, case_insensitive } => {
            check_regex(pattern, *semantics, *case_insensitive, &api, credentials)
        }
    }
}

fn check_exact(v: &str, api: &Origin, creds: bool) -> Vec<SecurityIssue> {
    if v == "*" {
        return if creds {
            vec![issue(
                IssueClass::WildcardWithCredentials,
                Risk::Medium,
                "`*` with credentials: browsers refuse credentialed reads (WildcardOriginNotAllowed); list the origins instead".into(),
            )]
        } else {
            Vec::new()
        };
    }
    if v.contains(',') || v.split_whitespace().count() > 1 {
        return vec![issue(
            IssueClass::CommaSeparatedOrigins,
            Risk::Low,
            format!("`{v}` is sent as one `Access-Control-Allow-Origin` value; browsers accept exactly one origin (MultipleAllowOriginValues): match the request's `Origin` against the list and echo only it"),
        )];
    }
    single_origin_issues(v, api, creds, "the config allows")
}

fn check_wildcard(w: &str, api: &Origin, creds: bool) -> Vec<SecurityIssue> {
    let mut out = Vec::new();
    if !w.contains('*') {
        return check_exact(w, api, creds);
    }
    let (scheme, host) = w.split_once("://").unwrap_or(("", w));
    if scheme == "http" && api.scheme() == Some("https") {
        out.push(issue(
            IssueClass::HttpOriginTrusted,
            raise(creds, Risk::High, Risk::Medium),
            format!("`{w}` trusts plain-http origins for an https API"),
        ));
    }
    let host = host.split(':').next().unwrap_or(host).trim_end_matches('/');
    let stars = host.matches('*').count();
    let base = host.strip_prefix("*.");
    match base {
        Some(base) if stars == 1 && user_content_domain(base).is_some() => {
            let d = user_content_domain(base).unwrap_or(base);
            out.push(issue(
                IssueClass::ThirdPartyUserContent,
                raise(creds, Risk::High, Risk::Medium),
                format!("`{w}` trusts every site on {d}, where anyone can publish code"),
            ));
        }
        Some(base) if stars == 1 && (base.is_empty() || is_public_suffix(base) || !base.contains('.')) => {
            out.push(issue(
                IssueClass::WildcardSubdomain,
                Risk::High,
                format!("`{w}` covers every site under the public suffix `{base}`: anyone can register a matching origin"),
            ));
        }
        Some(base) if stars == 1 => out.push(issue(
            IssueClass::WildcardSubdomain,
            raise(creds, Risk::Medium, Risk::Low),
            format!("`{w}` trusts every subdomain of `{base}`: one XSS or subdomain takeover anywhere under it reads this API"),
        )),
        _ => out.push(issue(
            IssueClass::WildcardSubdomain,
            raise(creds, Risk::High, Risk::Medium),
            format!("`{w}` has a wildcard that is not a single leading label (`*.domain`): it matches deeper or partial labels and so more hosts than intended"),
        )),
    }
    out
}

/// The domain a regex names: the longest run of host characters with a dot, after turning `\.` into
/// `.` (e.g. `^https://(www\.)?kontext\.build$` → `kontext.build`).
fn named_domain(pattern: &str) -> Option<String> {
    let lit = pattern.replace("\\.", ".");
    let mut best = String::new();
    for run in lit.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        let run = run.trim_matches('.');
        let labels: Vec<&str> = run.split('.').collect();
        let tld_ok = labels.last().is_some_and(|l| l.len() >= 2 && l.chars().all(|c| c.is_ascii_alphabetic()));
        if labels.len() >= 2 && labels.iter().all(|l| !l.is_empty()) && tld_ok && run.len() > best.len() {
            best = run.to_string();
        }
    }
    (!best.is_empty()).then_some(best)
}

fn check_regex(pattern: &str, semantics: RegexSemantics, ci: bool, api: &Origin, creds: bool) -> Vec<SecurityIssue> {
    let full = match semantics {
        RegexSemantics::Search => pattern.to_string(),
        RegexSemantics::FullMatch => format!("^(?:{pattern})$"),
    };
    let config = syntax::Config::new().case_insensitive(ci).unicode(false).utf8(false);
    let re = match Regex::builder().syntax(config).build(&full) {
        Ok(re) => re,
        Err(e) => {
            return vec![issue(
                IssueClass::PatternNotAnalysed,
                Risk::Info,
                format!(
                    "`{pattern}` could not be analysed ({e}); crossjar's engine has no look-around or backreferences"
                ),
            )]
        }
    };
    let accepts = |o: &str| re.is_match(o.as_bytes());
    let mut out = Vec::new();
    let attacker = "attacker-example.net";
    if accepts(&format!("https://{attacker}")) {
        out.push(issue(
            IssueClass::OriginReflected,
            raise(creds, Risk::High, Risk::Medium),
            format!("`{pattern}` accepts `https://{attacker}`: any origin passes"),
        ));
        return out;
    }
    if accepts("null") {
        out.extend(single_origin_issues("null", api, creds, &format!("`{pattern}` allows")));
    }
    let Some(domain) = named_domain(pattern) else {
        out.push(issue(
            IssueClass::PatternNotAnalysed,
            Risk::Info,
            format!("`{pattern}` names no domain to test look-alikes of"),
        ));
        return out;
    };
    let scheme = if pattern.contains("https") || !pattern.contains("http") { "https" } else { "http" };
    // Prefix and suffix look-alikes.
    let prefix = format!("{scheme}://{domain}.{attacker}");
    let suffix = format!("{scheme}://evil{domain}");
    let accepted: Vec<&String> = [&prefix, &suffix].into_iter().filter(|o| accepts(o)).collect();
    if !accepted.is_empty() {
        out.push(issue(
            IssueClass::UnanchoredPattern,
            raise(creds, Risk::High, Risk::Medium),
            format!(
                "`{pattern}` accepts {}: anchor it (`^https://{}$`) so it matches the whole origin",
                accepted.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(" and "),
                domain.replace('.', "\\.")
            ),
        ));
    }
    // Each dot of the domain replaced by a letter.
    for (i, _) in domain.match_indices('.') {
        let look = format!("{}x{}", &domain[..i], &domain[i + 1..]);
        let o = format!("{scheme}://{look}");
        if accepts(&o) {
            let registrable = look.contains('.');
            out.push(issue(
                IssueClass::UnescapedDot,
                if registrable { raise(creds, Risk::High, Risk::Medium) } else { Risk::Low },
                format!(
                    "`{pattern}` accepts `{o}`: a `.` is unescaped and matches any character{}; write `\\.`",
                    if registrable { ", and an attacker can register that look-alike" } else { "" }
                ),
            ));
            break;
        }
    }
    if scheme == "https" && api.scheme() == Some("https") && accepts(&format!("http://{domain}")) {
        out.extend(single_origin_issues(&format!("http://{domain}"), api, creds, &format!("`{pattern}` allows")));
    }
    if accepts(&format!("{scheme}://attacker-sub.{domain}")) {
        if let Some(d) = user_content_domain(&domain) {
            out.push(issue(
                IssueClass::ThirdPartyUserContent,
                raise(creds, Risk::High, Risk::Medium),
                format!("`{pattern}` trusts any site on {d}, where anyone can publish code"),
            ));
        } else {
            out.push(issue(
                IssueClass::WildcardSubdomain,
                raise(creds, Risk::Medium, Risk::Low),
                format!("`{pattern}` accepts any subdomain of `{domain}`: one XSS or subdomain takeover there reads this API"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
