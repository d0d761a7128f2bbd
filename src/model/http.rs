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

/// [`Headers::get`] over a list of headers.
fn first_value<'h>(headers: &'h [Header], name: &str) -> Option<&'h str> {
    // A plain loop: the look-up runs a dozen times per entry, and the iterator chain of `get_all`
    // costs several times as much.
    for h in headers {
        if h.name.len() == name.len() && h.name.eq_ignore_ascii_case(name) {
            if let Some(line) = h.one_line() {
                return Some(line);
            }
            if let Some(line) = h.lines().next() {
                return Some(line);
            }
        }
    }
    None
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
        let single = self.one_line();
        let lines = single.is_none().then(|| self.value.split('\n').map(strip_cr).filter(|l| !l.trim().is_empty()));
        single.into_iter().chain(lines.into_iter().flatten())
    }

    /// The value as its one line (a trailing `\r` dropped) when it is not folded, as nearly every
    /// value is; `None` for a `\n`-folded value. The look-ups that run for every entry take this
    /// case without [`Header::lines`]' iterator.
    pub fn one_line(&self) -> Option<&str> {
        (!self.value.contains('\n')).then(|| strip_cr(&self.value))
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
        all_values(&self.0, name)
    }

    /// The first value of `name` (case-insensitive); of a `\n`-folded value, its first line.
    pub fn get(&self, name: &str) -> Option<&str> {
        first_value(&self.0, name)
    }

    /// Whether a header named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|h| h.name.len() == name.len() && h.name.eq_ignore_ascii_case(name))
    }

    /// The size of these headers as header lines on the wire (`name: value` and a line break per
    /// line, `\n`-folded values counted as the lines they stand for): what browsers' header-size
    /// limits count.
    pub fn byte_size(&self) -> u64 {
        let line_size = |h: &Header, l: &str| (h.name.len() + l.len() + 4) as u64;
        // A plain loop for the one-line values nearly every header has.
        self.0
            .iter()
            .map(|h| match h.one_line() {
                Some(line) => line_size(h, line),
                None => h.lines().map(|l| line_size(h, l)).sum(),
            })
            .sum()
    }

    /// Every `Set-Cookie` line, with `\n`-folded values unfolded and empty lines dropped.
    pub fn set_cookie_lines(&self) -> Vec<&str> {
        let mut lines = Vec::new();
        self.each_set_cookie_line(|line| lines.push(line));
        lines
    }

    /// Hands each of [`Headers::set_cookie_lines`] to `each`, in order: a plain loop over the
    /// headers, as the replay asks for every entry (the iterator chain of
    /// [`Headers::set_cookie_line_iter`] cost several times as much).
    pub fn each_set_cookie_line<'a>(&'a self, mut each: impl FnMut(&'a str)) {
        for h in &self.0 {
            if h.name.len() != 10 || !h.name.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            match h.one_line() {
                Some(line) if line.trim().is_empty() => {}
                Some(line) => each(line),
                // Folded: its lines are the non-empty ones already.
                None => h.lines().for_each(&mut each),
            }
        }
    }

    /// [`Headers::set_cookie_lines`] without collecting them.
    pub fn set_cookie_line_iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.get_all("set-cookie").filter(|l| !l.trim().is_empty())
    }

    /// The request's `Cookie` header, with HTTP/2 cookie crumbs (several `cookie` entries) joined by
    /// `; ` as RFC 9113 §8.2.3 says. `None` when no `Cookie` header was captured.
    pub fn cookie_header(&self) -> Option<std::borrow::Cow<'_, str>> {
        cookie_header_of(&self.0)
    }
}

/// [`Headers::get_all`] over a list of headers.
fn all_values<'a>(headers: &'a [Header], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    // Lengths first: most names differ in length, and comparing them costs nothing.
    headers
        .iter()
        .filter(move |h| h.name.len() == name.len() && h.name.eq_ignore_ascii_case(name))
        .flat_map(Header::lines)
}

/// [`Headers::cookie_header`] over a list of headers.
fn cookie_header_of(headers: &[Header]) -> Option<std::borrow::Cow<'_, str>> {
    let mut crumbs = all_values(headers, "cookie");
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

/// The request headers an entry's preparation asks about (kind, initiator, fetch metadata,
/// `Cookie`). Each is asked for several times, over a dozen headers or more: a
/// [`RequestHeaderIndex`] finds all of them in one scan of the list instead of one scan per question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestHeader {
    /// `Origin`.
    Origin,
    /// `Cookie`.
    Cookie,
    /// `Referer`.
    Referer,
    /// `Upgrade`.
    Upgrade,
    /// `Sec-Fetch-Mode`.
    SecFetchMode,
    /// `Sec-Fetch-Dest`.
    SecFetchDest,
    /// `Sec-Fetch-Site`.
    SecFetchSite,
    /// `X-Requested-With`.
    XRequestedWith,
    /// `Sec-Fetch-Storage-Access`.
    SecFetchStorageAccess,
    /// `Access-Control-Request-Method`.
    AccessControlRequestMethod,
}

impl RequestHeader {
    const ALL: [RequestHeader; 10] = [
        RequestHeader::Origin,
        RequestHeader::Cookie,
        RequestHeader::Referer,
        RequestHeader::Upgrade,
        RequestHeader::SecFetchMode,
        RequestHeader::SecFetchDest,
        RequestHeader::SecFetchSite,
        RequestHeader::XRequestedWith,
        RequestHeader::SecFetchStorageAccess,
        RequestHeader::AccessControlRequestMethod,
    ];

    /// The name, lower case.
    pub fn name(self) -> &'static str {
        match self {
            RequestHeader::Origin => "origin",
            RequestHeader::Cookie => "cookie",
            RequestHeader::Referer => "referer",
            RequestHeader::Upgrade => "upgrade",
            RequestHeader::SecFetchMode => "sec-fetch-mode",
            RequestHeader::SecFetchDest => "sec-fetch-dest",
            RequestHeader::SecFetchSite => "sec-fetch-site",
            RequestHeader::XRequestedWith => "x-requested-with",
            RequestHeader::SecFetchStorageAccess => "sec-fetch-storage-access",
            RequestHeader::AccessControlRequestMethod => "access-control-request-method",
        }
    }

    /// The header a captured name is (ASCII case ignored), if it is one of these: the length and
    /// one telling byte pick the only candidate, which is then compared whole.
    fn of(name: &str) -> Option<RequestHeader> {
        let b = name.as_bytes();
        let candidate = match (b.len(), b.first().map(|c| c | 0x20)) {
            (6, Some(b'o')) => RequestHeader::Origin,
            (6, Some(b'c')) => RequestHeader::Cookie,
            (7, Some(b'r')) => RequestHeader::Referer,
            (7, Some(b'u')) => RequestHeader::Upgrade,
            (14, _) => match b[10] | 0x20 {
                b'm' => RequestHeader::SecFetchMode,
                b'd' => RequestHeader::SecFetchDest,
                b's' => RequestHeader::SecFetchSite,
                _ => return None,
            },
            (16, _) => RequestHeader::XRequestedWith,
            (24, _) => RequestHeader::SecFetchStorageAccess,
            (29, _) => RequestHeader::AccessControlRequestMethod,
            _ => return None,
        };
        eq_lower(b, candidate.name().as_bytes()).then_some(candidate)
    }
}

/// Whether `name` equals `lower` (lower case) with ASCII case ignored, without a branch per byte: at
/// a letter of `lower`, `name`'s byte with its case bit set must be that letter (only the letter in
/// either case is); elsewhere the bytes must be equal.
fn eq_lower(name: &[u8], lower: &[u8]) -> bool {
    name.len() == lower.len()
        && name.iter().zip(lower).fold(0u8, |diff, (&n, &l)| {
            let case = if l.is_ascii_lowercase() { 0x20 } else { 0 };
            diff | ((n | case) ^ l)
        }) == 0
}

/// Look-ups of the [`RequestHeader`]s: over the list itself ([`Headers`], a scan per look-up) or
/// over a [`RequestHeaderIndex`] of it (one scan for all of them).
pub trait RequestHeaderLookup {
    /// [`Headers::get`] of the header.
    fn value(&self, header: RequestHeader) -> Option<&str>;
    /// [`Headers::contains`] of the header.
    fn has(&self, header: RequestHeader) -> bool;
}

impl RequestHeaderLookup for Headers {
    fn value(&self, header: RequestHeader) -> Option<&str> {
        self.get(header.name())
    }

    fn has(&self, header: RequestHeader) -> bool {
        self.contains(header.name())
    }
}

/// Where each [`RequestHeader`] first appears in a request's headers. Its look-ups answer exactly
/// what [`Headers::get`] and [`Headers::contains`] answer.
pub struct RequestHeaderIndex<'h> {
    headers: &'h [Header],
    first: [u32; RequestHeader::ALL.len()],
}

impl<'h> RequestHeaderIndex<'h> {
    /// Indexes `headers` in one scan.
    pub fn new(headers: &'h Headers) -> Self {
        let mut first = [u32::MAX; RequestHeader::ALL.len()];
        for (i, h) in headers.0.iter().enumerate() {
            if let Some(header) = RequestHeader::of(&h.name) {
                let slot = &mut first[header as usize];
                if *slot == u32::MAX {
                    *slot = u32::try_from(i).unwrap_or(u32::MAX);
                }
            }
        }
        RequestHeaderIndex { headers: &headers.0, first }
    }

    /// The headers from the first one that is `header` on.
    fn starting_at_first(&self, header: RequestHeader) -> Option<&'h [Header]> {
        self.headers.get(usize::try_from(self.first[header as usize]).ok()?..)
    }

    /// [`Headers::cookie_header`].
    pub fn cookie_header(&self) -> Option<std::borrow::Cow<'h, str>> {
        cookie_header_of(self.starting_at_first(RequestHeader::Cookie)?)
    }
}

impl RequestHeaderLookup for RequestHeaderIndex<'_> {
    fn value(&self, header: RequestHeader) -> Option<&str> {
        let rest = self.starting_at_first(header)?;
        // The first of that name, nearly always one line: its value, without comparing names again.
        rest.first().and_then(Header::one_line).or_else(|| first_value(rest, header.name()))
    }

    fn has(&self, header: RequestHeader) -> bool {
        self.first[header as usize] != u32::MAX
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
        /// The index answers every look-up exactly as the list does: names in any case, near misses
        /// (same length, one byte off, pseudo-headers), duplicates, folded and empty values.
        #[test]
        fn the_request_header_index_answers_as_the_list(
            list in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        proptest::sample::select(RequestHeader::ALL.to_vec()).prop_map(|h| h.name().to_string()),
                        proptest::sample::select(RequestHeader::ALL.to_vec()).prop_map(|h| h.name().to_ascii_uppercase()),
                        proptest::sample::select(RequestHeader::ALL.to_vec()).prop_map(|h| {
                            let mut n = h.name().as_bytes().to_vec();
                            let at = n.len() / 2;
                            n[at] ^= 0x01;
                            String::from_utf8_lossy(&n).into_owned()
                        }),
                        proptest::sample::select(vec![
                            ":method", ":scheme", "accept", "Sec-Fetch-User", "sec-fetch-modE", "x-requested-by",
                            "sec_fetch_mode", "Origin\r", "cookie2", "Referrer",
                        ]).prop_map(str::to_string),
                    ],
                    proptest::sample::select(vec!["v", "", "a\nb", "\n\n", "x\r", " y ", "c=1; d=2"]),
                ),
                0..8,
            )
        ) {
            let headers = Headers(list.iter().map(|(n, v)| Header::new(n.as_str(), *v)).collect());
            let index = RequestHeaderIndex::new(&headers);
            for header in RequestHeader::ALL {
                prop_assert_eq!(index.value(header), headers.get(header.name()), "{:?}", header);
                prop_assert_eq!(index.has(header), headers.contains(header.name()), "{:?}", header);
            }
            prop_assert_eq!(index.cookie_header(), headers.cookie_header());
        }
    }

    #[test]
    fn set_cookie_lines_by_loop_are_the_iterators() {
        let h = Headers(vec![
            Header::new("Set-Cookie", "a=1; Path=/\nb=2\r\n"),
            Header::new("set-cookie", "  "),
            Header::new("SET-COOKIE", "c=3\r"),
            Header::new("set-cookie", "\n\n"),
            Header::new("set-cookiE", ""),
            Header::new("set-cookie2", "d=4"),
            Header::new("Cookie", "e=5"),
            Header::new("set-cookie", "f=6"),
        ]);
        let by_iterator: Vec<&str> = h.set_cookie_line_iter().collect();
        assert_eq!(h.set_cookie_lines(), by_iterator);
        assert_eq!(by_iterator, ["a=1; Path=/", "b=2", "c=3", "f=6"]);
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
