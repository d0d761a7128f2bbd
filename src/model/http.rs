//! Headers as captured: names and values exactly as written, duplicates and order kept.
//!
//! `http::HeaderMap` cannot hold what captures contain (pseudo-headers, `\n`-folded values, wire
//! order), so the model and every input share this small list type.

/// One header as captured: name and value exactly as written (case, order and duplicates kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The header name as captured (`Set-Cookie`, `set-cookie`, `:authority`).
    pub name: String,
    /// The value as captured. HAR producers sometimes fold several `Set-Cookie` lines into one value
    /// separated by `\n`; [`Headers::set_cookie_lines`] unfolds them.
    pub value: String,
}

impl Header {
    /// A header from name and value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header { name: name.into(), value: value.into() }
    }
}

/// A list of headers with case-insensitive look-ups that keep every duplicate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<Header>);

impl Headers {
    /// Every value of `name` (case-insensitive), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
    }

    /// Whether a header named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every `Set-Cookie` line, with `\n`-folded values unfolded and empty lines dropped.
    pub fn set_cookie_lines(&self) -> Vec<&str> {
        self.get_all("set-cookie")
            .flat_map(|v| v.split('\n'))
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    /// The request's `Cookie` header, with HTTP/2 cookie crumbs (several `cookie` entries) joined by
    /// `; ` as RFC 9113 §8.2.3 says. `None` when no `Cookie` header was captured.
    pub fn cookie_header(&self) -> Option<String> {
        let crumbs: Vec<&str> = self.get_all("cookie").collect();
        if crumbs.is_empty() {
            None
        } else {
            Some(crumbs.join("; "))
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
    }
}
