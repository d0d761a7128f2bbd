//! Headers as captured: names and values exactly as written, duplicates and order kept.
//!
//! `http::HeaderMap` cannot hold what captures contain (pseudo-headers, `\n`-folded values, wire
//! order), so the model and every input share this small list type.
//!
//! A value may hold several header lines folded with `\n`: Chrome's DevTools protocol reports a
//! header the server sent twice as one value joined by `\n`, and HAR exporters built on it (chrome-har,
//! Playwright, some Firefox and proxy exports) write it so, e.g. `Vary: Origin\nAccept-Encoding` or
//! two `Set-Cookie` lines in one value. A header field value cannot contain a line feed (RFC 9110
//! §5.5), so the look-ups unfold it here, once, for every consumer: [`Headers::get_all`] yields each
//! line as its own value, exactly as if the lines had been captured as separate headers. The browser
//! then treats them as it treats repeated header lines: each `Set-Cookie` line is one cookie, and list
//! headers (`Vary`, `Access-Control-*`) combine into one comma-separated list. The captured text itself
//! is kept unchanged in [`Header::value`].

/// `s` in ASCII lower case, copied only when it has an upper-case letter (captured header values,
/// methods and types nearly always arrive in their usual case already).
pub fn ascii_lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(s.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Whether `s` starts with `prefix`, ASCII letters compared case-insensitively (cookie-name prefixes,
/// header-name families).
pub fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// `s` in ASCII upper case, copied only when it has a lower-case letter.
pub fn ascii_uppercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_lowercase()) {
        std::borrow::Cow::Owned(s.to_ascii_uppercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A line without its trailing `\r`.
fn strip_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// One header as captured: name and value exactly as written (case, order and duplicates kept).
#[derive(Debug, PartialEq, Eq)]
pub struct Header {
    /// The header name as captured (`Set-Cookie`, `set-cookie`, `:authority`).
    pub name: String,
    /// The value as captured. HAR producers sometimes fold several header lines into one value
    /// separated by `\n`; the [`Headers`] look-ups unfold them.
    pub value: String,
}

/// `clone_from` reuses the strings' room (the derived one would allocate anew), so a list of
/// headers refilled entry after entry allocates nothing once it has grown.
impl Clone for Header {
    fn clone(&self) -> Self {
        Header { name: self.name.clone(), value: self.value.clone() }
    }

    fn clone_from(&mut self, source: &Self) {
        self.name.clone_from(&source.name);
        self.value.clone_from(&source.value);
    }
}

impl Header {
    /// A header from name and value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header { name: name.into(), value: value.into() }
    }

    /// The header lines this captured value stands for: the value itself, or, when it is folded with
    /// `\n`, each non-empty line (a trailing `\r` dropped).
    pub fn lines(&self) -> impl Iterator<Item = &str> + '_ {
        // Nearly every value is one line: given as it is, without splitting.
        let folded = self.value.contains('\n');
        let single = (!folded).then(|| strip_cr(&self.value));
        let lines = folded.then(|| self.value.split('\n').map(strip_cr).filter(|l| !l.trim().is_empty()));
        single.into_iter().chain(lines.into_iter().flatten())
    }
}

/// A list of headers with case-insensitive look-ups that keep every duplicate.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<Header>);

/// `clone_from` reuses the list's and its headers' room (see [`Header`]'s).
impl Clone for Headers {
    fn clone(&self) -> Self {
        Headers(self.0.clone())
    }

    fn clone_from(&mut self, source: &Self) {
        self.0.clone_from(&source.0);
    }
}

impl Headers {
    /// Every value of `name` (case-insensitive), in order, with `\n`-folded values unfolded into one
    /// value per line (see the module documentation).
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        // Lengths first: most names differ in length, and comparing them costs nothing.
        self.0
            .iter()
            .filter(move |h| h.name.len() == name.len() && h.name.eq_ignore_ascii_case(name))
            .flat_map(Header::lines)
    }

    /// The first value of `name` (case-insensitive); of a `\n`-folded value, its first line.
    pub fn get(&self, name: &str) -> Option<&str> {
        // A plain loop: the look-up runs a dozen times per entry, and the iterator chain of
        // `get_all` costs several times as much.
        for h in &self.0 {
            if h.name.len() == name.len() && h.name.eq_ignore_ascii_case(name) {
                if !h.value.contains('\n') {
                    return Some(strip_cr(&h.value));
                }
                if let Some(line) = h.lines().next() {
                    return Some(line);
                }
            }
        }
        None
    }

    /// Whether a header named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|h| h.name.len() == name.len() && h.name.eq_ignore_ascii_case(name))
    }

    /// The size of these headers as header lines on the wire (`name: value` and a line break per
    /// line, `\n`-folded values counted as the lines they stand for): what browsers' header-size
    /// limits count.
    pub fn byte_size(&self) -> u64 {
        self.0.iter().flat_map(|h| h.lines().map(move |l| (h.name.len() + l.len() + 4) as u64)).sum()
    }

    /// Every `Set-Cookie` line, with `\n`-folded values unfolded and empty lines dropped.
    pub fn set_cookie_lines(&self) -> Vec<&str> {
        self.set_cookie_line_iter().collect()
    }

    /// [`Headers::set_cookie_lines`] without collecting them.
    pub fn set_cookie_line_iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.get_all("set-cookie").filter(|l| !l.trim().is_empty())
    }

    /// The request's `Cookie` header, with HTTP/2 cookie crumbs (several `cookie` entries) joined by
    /// `; ` as RFC 9113 §8.2.3 says. `None` when no `Cookie` header was captured.
    pub fn cookie_header(&self) -> Option<std::borrow::Cow<'_, str>> {
        let mut crumbs = self.get_all("cookie");
        let first = crumbs.next()?;
        // One crumb (nearly every capture): the captured text itself, no copy.
        match crumbs.next() {
            None => Some(std::borrow::Cow::Borrowed(first)),
            Some(second) => {
                let mut joined = format!("{first}; {second}");
                for crumb in crumbs {
                    joined.push_str("; ");
                    joined.push_str(crumb);
                }
                Some(std::borrow::Cow::Owned(joined))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_set_cookie_and_cookie_crumbs() {
        let h = Headers(vec![
            Header::new("Set-Cookie", "a=1; Path=/\nb=2\r\n"),
            Header::new("set-cookie", "c=3"),
            Header::new("cookie", "x=1"),
            Header::new("Cookie", "y=2"),
        ]);
        assert_eq!(h.set_cookie_lines(), vec!["a=1; Path=/", "b=2", "c=3"]);
        assert_eq!(h.cookie_header().as_deref(), Some("x=1; y=2"));
        assert_eq!(Headers::default().cookie_header(), None);
        // "Set-Cookie: a=1; Path=/\r\n" is 25 bytes, "Set-Cookie: b=2\r\n" 17, and so on.
        assert_eq!(h.byte_size(), 25 + 17 + 17 + 13 + 13);
    }

    #[test]
    fn folded_values_are_one_value_per_line_for_every_look_up() {
        let h = Headers(vec![
            Header::new("Vary", "Origin\nAccept-Encoding"),
            Header::new("vary", "Cookie"),
            Header::new("Access-Control-Allow-Origin", "https://a.example\r\nhttps://b.example\n"),
            Header::new("Location", "/next\n"),
            Header::new("X-Empty", ""),
            Header::new("Cookie", "a=1\nb=2"),
        ]);
        assert_eq!(h.get_all("VARY").collect::<Vec<_>>(), ["Origin", "Accept-Encoding", "Cookie"]);
        assert_eq!(
            h.get_all("access-control-allow-origin").collect::<Vec<_>>(),
            ["https://a.example", "https://b.example"]
        );
        assert_eq!(h.get("location"), Some("/next"));
        assert_eq!(h.get("vary"), Some("Origin"));
        // An empty value that is not folded is still a value (an empty `Access-Control-Allow-Origin` fails
        // CORS differently from a missing one).
        assert_eq!(h.get_all("x-empty").collect::<Vec<_>>(), [""]);
        assert!(h.contains("x-empty"));
        assert_eq!(h.cookie_header().as_deref(), Some("a=1; b=2"));
        // The captured text itself is untouched.
        assert_eq!(h.0[0].value, "Origin\nAccept-Encoding");
    }

    /// What the browser makes of folded list headers, through the model's own CORS code.
    #[test]
    fn folded_list_headers_mean_what_repeated_lines_mean() {
        use crate::model::cors::{cors_check, CorsError};
        use crate::model::cors_security::{check_observed, IssueClass, ObservedResponse};
        use crate::model::request::CredentialsMode;
        use crate::model::site::Origin;

        // `Vary: Origin\nAccept-Encoding` does vary on Origin: no missing-vary-origin.
        let target = Origin::of_url(&url::Url::parse("https://api.example/").unwrap());
        let vary = Headers(vec![
            Header::new("Access-Control-Allow-Origin", "https://app.example"),
            Header::new("Vary", "Accept-Encoding\nOrigin"),
        ]);
        let issues =
            check_observed(&[ObservedResponse { origin_sent: "https://app.example", target: &target, headers: &vary }]);
        assert!(!issues.iter().any(|i| i.class == IssueClass::MissingVaryOrigin), "{issues:?}");

        // Two `Access-Control-Allow-Origin` lines folded into one value combine into a list and fail.
        let two =
            Headers(vec![Header::new("Access-Control-Allow-Origin", "https://app.example\nhttps://other.example")]);
        let errors = cors_check("https://app.example", CredentialsMode::Omit, &two);
        assert_eq!(errors.first().map(|e| e.error), Some(CorsError::MultipleAllowOriginValues), "{errors:?}");
    }
}
