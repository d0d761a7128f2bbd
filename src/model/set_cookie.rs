//! The `Set-Cookie` parser exactly as RFC 6265bis (draft -22) §5.6 tells a user agent, including its
//! leniency: a line without `=` is a nameless cookie, attribute names are case-insensitive and the last
//! one wins, invalid attribute values are ignored (and recorded here, so they can be explained).
//!
//! Where browsers and the draft part ways the browsers win, documented at the spot: NUL, CR and LF end
//! the line (current web-platform-tests and Chromium's `ParsedCookie`) instead of voiding it.

use super::cookie_date::parse_cookie_date;
use super::reason::Exclusion;
use super::time::Timestamp;
use std::fmt;

/// The 4096-byte limit on name plus value (RFC 6265bis §5.6 step 5; Chromium `kMaxCookieNamePlusValueSize`).
pub const MAX_NAME_VALUE_BYTES: usize = 4096;
/// The 1024-byte limit on one attribute value (RFC 6265bis §5.6; Chromium `kMaxCookieAttributeValueSize`).
pub const MAX_ATTRIBUTE_VALUE_BYTES: usize = 1024;

/// The `SameSite` attribute as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum SameSiteAttr {
    /// No `SameSite` attribute ("Default" enforcement).
    #[default]
    Unspecified,
    /// A value other than `Strict`/`Lax`/`None` (kept for explanations); enforced as unspecified.
    Invalid(String),
    /// `SameSite=None`.
    None,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=Strict`.
    Strict,
}

impl SameSiteAttr {
    /// `None`, `Lax`, `Strict`, or `unspecified`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SameSiteAttr::Unspecified | SameSiteAttr::Invalid(_) => "unspecified",
            SameSiteAttr::None => "None",
            SameSiteAttr::Lax => "Lax",
            SameSiteAttr::Strict => "Strict",
        }
    }

    /// Whether the enforcement is "Default" (no valid value).
    pub fn is_unspecified(&self) -> bool {
        matches!(self, SameSiteAttr::Unspecified | SameSiteAttr::Invalid(_))
    }
}

/// Why an attribute was ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IgnoredWhy {
    /// The value is over 1024 bytes.
    ValueTooLong,
    /// `Expires` is not a cookie date.
    InvalidDate,
    /// `Max-Age` is not an optional `-` and digits.
    InvalidMaxAge,
    /// `SameSite` is not `Strict`, `Lax` or `None`.
    InvalidSameSite,
    /// `Path` is empty or does not start with `/`, so the default path is used.
    RelativePath,
    /// `Domain=` with no value.
    EmptyDomain,
    /// The attribute name is not one browsers know.
    UnknownAttribute,
}

impl IgnoredWhy {
    /// A short phrase for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            IgnoredWhy::ValueTooLong => "value longer than 1024 bytes",
            IgnoredWhy::InvalidDate => "not a cookie date",
            IgnoredWhy::InvalidMaxAge => "not a number of seconds",
            IgnoredWhy::InvalidSameSite => "not Strict, Lax or None",
            IgnoredWhy::RelativePath => "empty or relative path: the default path is used",
            IgnoredWhy::EmptyDomain => "empty Domain attribute",
            IgnoredWhy::UnknownAttribute => "unknown attribute",
        }
    }
}

/// One attribute the parser did not use, and why.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IgnoredAttribute {
    /// The attribute name as written.
    pub name: String,
    /// Why it was ignored.
    pub why: IgnoredWhy,
}

/// A parsed `Set-Cookie` line: the cookie and the attributes that survived parsing.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SetCookie {
    /// The name (may be empty: `Set-Cookie: abc` is a nameless cookie with value `abc`).
    pub name: String,
    /// The value, quotes included (they are part of the value).
    pub value: String,
    /// The last valid `Expires`.
    pub expires: Option<Timestamp>,
    /// The last valid `Max-Age`, in seconds (beats `Expires` whatever the order).
    pub max_age: Option<i64>,
    /// The last non-empty `Domain` attribute's value, with one leading `.` removed and lower-cased
    /// (`Some("")` for `Domain=.`, which browsers reject).
    pub domain: Option<String>,
    /// The last `Path` attribute's value as written; the storage step uses the default path when it is
    /// empty or does not start with `/`.
    pub path: Option<String>,
    /// `Secure` was present.
    pub secure: bool,
    /// `HttpOnly` was present.
    pub http_only: bool,
    /// The last `SameSite` attribute.
    pub same_site: SameSiteAttr,
    /// `Partitioned` (CHIPS) was present.
    pub partitioned: bool,
    /// Attributes that were present but not used, with the reason.
    pub ignored: Vec<IgnoredAttribute>,
}

/// Whether a byte is a control character browsers refuse in a cookie line (`%x00-08 / %x0A-1F / %x7F`).
fn is_ctl(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0A..=0x1F | 0x7F)
}

fn trim_wsp(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// The line up to its end: browsers end it at NUL, CR or LF (Chromium ParsedCookie's terminator
/// set; WPT `terminating_ctl` vectors); RFC 6265bis -22 would void it instead.
fn terminated(line: &str) -> &str {
    // By byte: the three are ASCII, so the position is a character boundary; the char-set search
    // of `str::find` cost ten instructions a byte, most of a short line's attribute look-up.
    match line.bytes().position(|b| matches!(b, b'\0' | b'\r' | b'\n')) {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The name-value pair and the attributes' text: before and after the first `;`.
fn split_pair(line: &str) -> (&str, &str) {
    match line.find(';') {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, ""),
    }
}

/// The text a line's attributes are parsed from, and which alone decides them: two lines with the
/// same attribute text that both parse have equal attributes, whatever their names and values.
pub fn attribute_text(line: &str) -> &str {
    split_pair(terminated(line)).1
}

/// Parses one `Set-Cookie` header value. On failure returns the DevTools reason
/// (`DisallowedCharacter`, `NameValuePairExceedsMaxSize`, `NoCookieContent`).
pub fn parse_set_cookie(line: &str) -> Result<SetCookie, Exclusion> {
    let line = terminated(line);
    if line.bytes().any(is_ctl) {
        return Err(Exclusion::DisallowedCharacter);
    }
    let (pair, attributes) = split_pair(line);
    let (name, value) = match pair.find('=') {
        Some(i) => (trim_wsp(&pair[..i]), trim_wsp(&pair[i + 1..])),
        None => ("", trim_wsp(pair)),
    };
    if name.len() + value.len() > MAX_NAME_VALUE_BYTES {
        return Err(Exclusion::NameValuePairExceedsMaxSize);
    }
    if name.is_empty() && value.is_empty() {
        return Err(Exclusion::NoCookieContent);
    }
    let mut cookie = SetCookie { name: name.to_string(), value: value.to_string(), ..SetCookie::default() };
    for av in attributes.split(';') {
        let (attr_name, attr_value) = match av.find('=') {
            Some(i) => (trim_wsp(&av[..i]), trim_wsp(&av[i + 1..])),
            None => (trim_wsp(av), ""),
        };
        if attr_name.is_empty() && attr_value.is_empty() {
            continue;
        }
        let ignore = |cookie: &mut SetCookie, why| {
            cookie.ignored.push(IgnoredAttribute { name: attr_name.to_string(), why });
        };
        if attr_value.len() > MAX_ATTRIBUTE_VALUE_BYTES {
            ignore(&mut cookie, IgnoredWhy::ValueTooLong);
            continue;
        }
        // Lower-cased on the stack: a name longer than the buffer is none of the known ones.
        let mut lower = [0u8; 16];
        let name = match lower.get_mut(..attr_name.len()) {
            Some(buf) => {
                buf.copy_from_slice(attr_name.as_bytes());
                buf.make_ascii_lowercase();
                std::str::from_utf8(buf).unwrap_or_default()
            }
            None => "",
        };
        match name {
            "expires" => match parse_cookie_date(attr_value) {
                Some(t) => cookie.expires = Some(t),
                None => ignore(&mut cookie, IgnoredWhy::InvalidDate),
            },
            "max-age" => match parse_max_age(attr_value) {
                Some(n) => cookie.max_age = Some(n),
                None => ignore(&mut cookie, IgnoredWhy::InvalidMaxAge),
            },
            // An empty value is ignored (§5.6.3 "SHOULD ignore the cookie-av entirely"), so an earlier
            // Domain stays in force; `Domain=.` is not empty and leaves `Some("")`, which Chrome rejects.
            "domain" if attr_value.is_empty() => ignore(&mut cookie, IgnoredWhy::EmptyDomain),
            "domain" => {
                let d = attr_value.strip_prefix('.').unwrap_or(attr_value);
                cookie.domain = Some(d.to_ascii_lowercase());
            }
            "path" => {
                if !attr_value.starts_with('/') {
                    ignore(&mut cookie, IgnoredWhy::RelativePath);
                }
                cookie.path = Some(attr_value.to_string());
            }
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => {
                let is = |known: &str| attr_value.eq_ignore_ascii_case(known);
                cookie.same_site = if is("none") {
                    SameSiteAttr::None
                } else if is("lax") {
                    SameSiteAttr::Lax
                } else if is("strict") {
                    SameSiteAttr::Strict
                } else {
                    ignore(&mut cookie, IgnoredWhy::InvalidSameSite);
                    SameSiteAttr::Invalid(attr_value.to_string())
                }
            }
            "partitioned" => cookie.partitioned = true,
            _ => ignore(&mut cookie, IgnoredWhy::UnknownAttribute),
        }
    }
    Ok(cookie)
}

/// `Max-Age`: an optional `-` then digits (RFC 6265bis §5.6.2); too large a number saturates.
fn parse_max_age(v: &str) -> Option<i64> {
    let (negative, digits) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.bytes().fold(0i64, |acc, d| acc.saturating_mul(10).saturating_add(i64::from(d - b'0')));
    Some(if negative { -n } else { n })
}

impl fmt::Display for SetCookie {
    /// Writes the cookie back as a `Set-Cookie` value (name, value and the attributes that took effect).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            // A nameless cookie's value may hold `=` (`==x` is name "" and value "=x"): the leading `=`
            // keeps it from being read back as a name.
            if self.value.contains('=') {
                f.write_str("=")?;
            }
            f.write_str(&self.value)?;
        } else {
            f.write_str(&self.name)?;
            f.write_str("=")?;
            f.write_str(&self.value)?;
        }
        self.write_attributes(f)
    }
}

impl SetCookie {
    /// The attributes that took effect, as [`Display`](fmt::Display) writes them after the name and
    /// value but without the first `; ` (`Path=/; Secure`). Joined piece by piece: a verdict lists
    /// the attributes of every line it reads, and a formatter costs several times as much.
    pub fn attributes_text(&self) -> String {
        let mut text = String::new();
        // Writing to a `String` cannot fail.
        let _ = self.write_attributes(&mut text);
        if text.starts_with("; ") {
            text.drain(..2);
        }
        text
    }

    /// Writes each attribute that took effect as `; Name=value`, piece by piece (no formatting).
    fn write_attributes(&self, out: &mut impl fmt::Write) -> fmt::Result {
        if let Some(p) = &self.path {
            out.write_str("; Path=")?;
            out.write_str(p)?;
        }
        if let Some(d) = &self.domain {
            // The parser drops one leading `.`: put one back when the value is empty (`Domain=.`), or
            // starts with a dot (`Domain=..x`) or with whitespace the parser would trim
            // (`Domain=. x`), so the line reads back as the same domain.
            let dot = if d.is_empty() || d.starts_with(['.', ' ', '\t']) { "." } else { "" };
            out.write_str("; Domain=")?;
            out.write_str(dot)?;
            out.write_str(d)?;
        }
        if let Some(m) = self.max_age {
            out.write_str("; Max-Age=")?;
            out.write_str(&m.to_string())?;
        }
        if let Some(e) = self.expires {
            out.write_str("; Expires=")?;
            out.write_str(&http_date(e))?;
        }
        if self.secure {
            out.write_str("; Secure")?;
        }
        if self.http_only {
            out.write_str("; HttpOnly")?;
        }
        match &self.same_site {
            SameSiteAttr::Unspecified => {}
            SameSiteAttr::Invalid(v) => {
                out.write_str("; SameSite=")?;
                out.write_str(v)?;
            }
            other => {
                out.write_str("; SameSite=")?;
                out.write_str(other.as_str())?;
            }
        }
        if self.partitioned {
            out.write_str("; Partitioned")?;
        }
        Ok(())
    }
}

/// Formats an instant as an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`).
pub fn http_date(t: Timestamp) -> String {
    let secs = t.unix_secs();
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = super::time::civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Attribute names match case-insensitively, and a name longer than any known one (even one that
    /// starts with a known name) is unknown.
    #[test]
    fn attribute_names_match_in_any_case_and_only_whole() {
        let c = parse_set_cookie("a=b; SECURE; hTtPoNlY; PATH=/x; sAmEsItE=NONE; Max-AGE=5; PARTITIONED").unwrap();
        assert!(c.secure && c.http_only && c.partitioned);
        assert_eq!((c.path.as_deref(), c.max_age, &c.same_site), (Some("/x"), Some(5), &SameSiteAttr::None));
        let c = parse_set_cookie("a=b; securesecuresecure; Path/=x; samesite=laxx; expires_and_more=1").unwrap();
        assert!(!c.secure && c.path.is_none());
        assert_eq!(c.same_site, SameSiteAttr::Invalid("laxx".into()));
        let unknown = c.ignored.iter().filter(|i| i.why == IgnoredWhy::UnknownAttribute).count();
        assert_eq!(unknown, 3, "{:?}", c.ignored);
    }

    /// Fuzz finding (set_cookie target): a nameless cookie whose value holds `=`, and the domains the
    /// parser keeps after dropping one dot, must survive `Display` and a second parse.
    #[test]
    fn display_round_trips_nameless_values_with_equals_and_dotted_domains() {
        for line in [
            "==x",
            "=a=b; Path=s/",
            "v; Domain=.",
            "v; Domain=..x",
            "n=v; Domain=.Example.COM",
            "shdh=/; Domain=. path=/",
        ] {
            let c = parse_set_cookie(line).unwrap();
            let written = c.to_string();
            let mut again = parse_set_cookie(&written).unwrap();
            again.ignored = c.ignored.clone();
            assert_eq!(again, c, "{line:?} written as {written:?}");
        }
        assert_eq!(parse_set_cookie("==x").unwrap().to_string(), "==x");
        assert_eq!(parse_set_cookie("abc").unwrap().to_string(), "abc");
    }

    #[test]
    fn nameless_and_empty() {
        let c = parse_set_cookie("abc").unwrap();
        assert_eq!((c.name.as_str(), c.value.as_str()), ("", "abc"));
        let c = parse_set_cookie("=abc").unwrap();
        assert_eq!((c.name.as_str(), c.value.as_str()), ("", "abc"));
        assert_eq!(parse_set_cookie("="), Err(Exclusion::NoCookieContent));
        assert_eq!(parse_set_cookie("   ; Path=/"), Err(Exclusion::NoCookieContent));
    }

    #[test]
    fn attributes_last_wins_case_insensitive() {
        let c =
            parse_set_cookie("route=3f2a; path=/a; PATH=/b; SameSite=Lax; samesite=NONE; secure; HTTPONLY").unwrap();
        assert_eq!(c.path.as_deref(), Some("/b"));
        assert_eq!(c.same_site, SameSiteAttr::None);
        assert!(c.secure && c.http_only);
        let c = parse_set_cookie("a=1; SameSite=Lax; SameSite=bogus").unwrap();
        assert_eq!(c.same_site, SameSiteAttr::Invalid("bogus".into()));
        assert_eq!(c.ignored, vec![IgnoredAttribute { name: "SameSite".into(), why: IgnoredWhy::InvalidSameSite }]);
    }

    #[test]
    fn max_age_and_expires() {
        let c = parse_set_cookie("a=1; Max-Age=60; Expires=Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(c.max_age, Some(60));
        assert!(c.expires.is_some());
        let c = parse_set_cookie("a=1; Max-Age=; Max-Age=1e3; Max-Age=-5").unwrap();
        assert_eq!(c.max_age, Some(-5));
        assert_eq!(c.ignored.len(), 2);
        let c = parse_set_cookie("a=1; Max-Age=99999999999999999999999").unwrap();
        assert_eq!(c.max_age, Some(i64::MAX));
    }

    #[test]
    fn control_characters_and_sizes() {
        assert_eq!(parse_set_cookie("a=b\u{1}c"), Err(Exclusion::DisallowedCharacter));
        assert_eq!(parse_set_cookie("a=b\u{7f}"), Err(Exclusion::DisallowedCharacter));
        assert_eq!(parse_set_cookie("a=b\tc").unwrap().value, "b\tc");
        assert_eq!(parse_set_cookie("a=b\nc=d").unwrap().value, "b", "LF ends the line");
        // The limit counts name and value, not the `=`: 1 + 4096 bytes is one too many.
        let big = format!("a={}", "x".repeat(4096));
        assert_eq!(parse_set_cookie(&big), Err(Exclusion::NameValuePairExceedsMaxSize));
        let ok = format!("a={}", "x".repeat(4095));
        assert!(parse_set_cookie(&ok).is_ok());
        let long_path = format!("a=1; Path=/{}", "p".repeat(1024));
        let c = parse_set_cookie(&long_path).unwrap();
        assert_eq!(c.path, None);
        assert_eq!(c.ignored[0].why, IgnoredWhy::ValueTooLong);
    }

    #[test]
    fn domain_leading_dot_and_display() {
        let c = parse_set_cookie("a=\"q\"; Domain=.Example.COM; Partitioned").unwrap();
        assert_eq!(c.domain.as_deref(), Some("example.com"));
        assert_eq!(c.value, "\"q\"");
        assert_eq!(c.to_string(), "a=\"q\"; Domain=example.com; Partitioned");
        assert_eq!(http_date(Timestamp::from_unix_secs(1_445_412_480)), "Wed, 21 Oct 2015 07:28:00 GMT");
    }
}
