//! The streaming serde visitors behind the HAR reader.
//!
//! Every value the reader keeps is read through a visitor that accepts any JSON kind, so a wrong type
//! inside an entry never aborts the parse: it becomes a problem recorded for that entry while the
//! parser stays in step. Only broken JSON (or a file that is not a HAR at all) stops the whole read.
//! Bodies and every field we do not need are skipped with [`IgnoredAny`], which does not recurse.
//!
//! A document in memory is first read by [`fast`], which takes the usual entries in one pass and
//! hands everything else to these visitors.

use super::{HarItem, HarLogInfo, HarSummary, ProblemKind, Software, MAX_PAGES, MAX_PROBLEM_KINDS};
use crate::evidence::{BlockedCookie, Exchange, Header, Headers, InputError, ListedCookie, Location, Page};
use crate::model::time::Timestamp;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::AtomicUsize;

#[path = "fast.rs"]
pub(super) mod fast;

/// Why the visitors stopped the parse on purpose (the serde error itself only carries a marker).
#[derive(Debug)]
pub(super) enum Fault {
    /// Valid JSON, but not a HAR; the text says what was found instead.
    NotHar(String),
    /// The sink asked to stop.
    Stopped,
}

/// A problem inside one entry: the field path and what was wrong with it.
pub(super) type Problem = String;

/// State shared by all visitors of one read.
pub(super) struct Ctx<'s> {
    pub sink: &'s mut dyn FnMut(HarItem) -> ControlFlow<()>,
    pub summary: HarSummary,
    pub info: HarLogInfo,
    pub log_emitted: bool,
    pub log_problems: ProblemTally,
    /// Skipped entries' problems, by kind.
    pub entry_problems: ProblemTally,
    pub next_index: usize,
    /// The entry whose object has been opened but not yet closed.
    pub open_entry: Option<usize>,
    /// Whether the root object was opened (the input is JSON so far).
    pub root_started: bool,
    /// Whether the parse is inside `log.entries`.
    pub in_entries: bool,
    pub fault: Option<Fault>,
    /// The input name, for locations.
    pub file: &'s Path,
    /// The whole input when it is one slice (file mode): turns key addresses into line/column.
    pub src: Option<&'s [u8]>,
    /// Incremental newline counting over `src` (entries come in file order).
    pub lines: LineIndex,
    /// An exchange the sink is done with, to fill again (`None`: start from an empty one).
    pub spare: &'s mut dyn FnMut() -> Option<Exchange>,
    /// Storage of exchanges already delivered, reused for the next ones.
    pub pool: Pool,
    /// Entries already delivered by a one-pass read that handed the document back
    /// ([`fast::Outcome::Restart`]): skipped, not delivered again.
    pub skip_entries: usize,
    /// Where the one-pass read is in the document (the offset after the last entry it read), for a
    /// thread that maps the pages ahead of it ([`super::MappedHar::populate`]).
    pub progress: Option<&'s AtomicUsize>,
}

/// How many emptied strings, headers and cookies the [`Pool`] keeps at most: enough for the entries
/// of real captures, and a bound so that one huge entry does not keep its memory for the whole read.
const POOL_STRINGS: usize = 64;
const POOL_HEADERS: usize = 1024;
const POOL_COOKIES: usize = 1024;

/// The strings, headers and listed cookies of exchanges the sink handed back, emptied: the next
/// entries' text is copied into them instead of into new allocations, so that in the steady state an
/// entry costs the reader no allocation (only bytes copied out of the input). Text that JSON escapes
/// forced the parser to unescape arrives owned and is moved in as it is.
#[derive(Default)]
pub(super) struct Pool {
    strings: Vec<String>,
    headers: Vec<Header>,
    cookies: Vec<ListedCookie>,
}

/// Makes `slot` hold `text`, in its own allocation when it has room.
fn set_text(slot: &mut String, text: Cow<'_, str>) {
    match text {
        Cow::Owned(s) => *slot = s,
        Cow::Borrowed(t) if oversized(slot.capacity(), t.len()) => *slot = t.to_owned(),
        Cow::Borrowed(t) => {
            slot.clear();
            slot.push_str(t);
        }
    }
}

/// Whether an allocation of `capacity` bytes is too large to keep for `len` bytes of text: reused
/// strings would otherwise all grow to the largest text they ever held, and the read-ahead keeps
/// hundreds of exchanges in flight.
fn oversized(capacity: usize, len: usize) -> bool {
    capacity > 4 * len + 64
}

impl Pool {
    /// `text` as an owned string, in a pooled allocation when it was borrowed.
    fn string(&mut self, text: Cow<'_, str>) -> String {
        match text {
            Cow::Owned(s) => s,
            Cow::Borrowed(t) => match self.strings.pop() {
                Some(mut s) if !oversized(s.capacity(), t.len()) => {
                    s.push_str(t);
                    s
                }
                _ => t.to_owned(),
            },
        }
    }

    fn put_string(&mut self, mut s: String) {
        if self.strings.len() < POOL_STRINGS && s.capacity() > 0 {
            s.clear();
            self.strings.push(s);
        }
    }

    fn put_option(&mut self, slot: &mut Option<String>) {
        if let Some(s) = slot.take() {
            self.put_string(s);
        }
    }

    fn header(&mut self, name: Cow<'_, str>, value: Cow<'_, str>) -> Header {
        match self.headers.pop() {
            Some(mut h) => {
                set_text(&mut h.name, name);
                set_text(&mut h.value, value);
                h
            }
            None => Header { name: name.into_owned(), value: value.into_owned() },
        }
    }

    /// Adds a header to `out`, in pooled storage when there is some. The pooled header is moved in
    /// first and its texts written in place: written on the stack and then moved, its strings' last
    /// words were read back across the stores that had just written them, a stalled load per header.
    pub(super) fn push_header(&mut self, out: &mut Vec<Header>, name: Cow<'_, str>, value: Cow<'_, str>) {
        match self.headers.pop() {
            Some(h) => {
                out.push(h);
                if let Some(h) = out.last_mut() {
                    set_text(&mut h.name, name);
                    set_text(&mut h.value, value);
                }
            }
            None => out.push(Header { name: name.into_owned(), value: value.into_owned() }),
        }
    }

    /// Empties `list` into the pool (the list keeps its capacity), last header first, so the pool
    /// hands them out again in the list's order: the next entry's headers are mostly the same names
    /// in the same order, and each then finds a string of about its size (no growing).
    fn put_headers(&mut self, list: &mut Vec<Header>) {
        let room = POOL_HEADERS.saturating_sub(self.headers.len());
        self.headers.extend(list.drain(..).rev().take(room));
    }

    /// An empty listed cookie, in pooled storage when there is some.
    fn cookie(&mut self) -> ListedCookie {
        let Some(mut c) = self.cookies.pop() else { return ListedCookie::default() };
        c.name.clear();
        c.value.clear();
        for slot in [&mut c.domain, &mut c.path, &mut c.same_site] {
            if let Some(s) = slot.take() {
                self.put_string(s);
            }
        }
        (c.secure, c.http_only) = (None, None);
        c
    }

    fn put_cookies(&mut self, list: &mut Vec<ListedCookie>) {
        let room = POOL_COOKIES.saturating_sub(self.cookies.len());
        self.cookies.extend(list.drain(..).take(room));
    }

    /// An empty exchange for entry `index`, built from `spare`'s storage when there is one.
    fn exchange(&mut self, spare: Option<Exchange>, index: usize) -> Exchange {
        let Some(mut x) = spare else { return Exchange { index, ..Exchange::default() } };
        // Request headers are read first: they go on top of the pool.
        self.put_headers(&mut x.response_headers.0);
        self.put_headers(&mut x.request_headers.0);
        self.put_cookies(&mut x.request_cookies);
        self.put_cookies(&mut x.response_cookies);
        x.blocked_cookies.clear();
        for slot in [
            &mut x.page_ref,
            &mut x.redirect_url,
            &mut x.resource_type,
            &mut x.initiator_type,
            &mut x.initiator_url,
            &mut x.error,
            &mut x.mime_type,
        ] {
            self.put_option(slot);
        }
        x.method.clear();
        x.url.clear();
        x.http_version.clear();
        // Every other field starts from its default, whatever fields `Exchange` gains.
        Exchange {
            index,
            method: x.method,
            url: x.url,
            http_version: x.http_version,
            request_headers: x.request_headers,
            request_cookies: x.request_cookies,
            response_headers: x.response_headers,
            response_cookies: x.response_cookies,
            blocked_cookies: x.blocked_cookies,
            ..Exchange::default()
        }
    }
}

impl Ctx<'_> {
    /// The error for an unreadable entry, placed at its first key when the address is known.
    fn entry_error(&mut self, index: usize, key_addr: Option<usize>, problem: Problem) -> InputError {
        let mut location = Location { file: self.file.to_path_buf(), entry: Some(index), ..Location::default() };
        if let (Some(src), Some(addr)) = (self.src, key_addr) {
            // The key's text starts after its opening quote.
            let offset = addr.wrapping_sub(src.as_ptr() as usize).wrapping_sub(1);
            if offset <= src.len() {
                let (line, column) = self.lines.position(src, offset);
                location.line = Some(line);
                location.column = Some(column);
            }
        }
        InputError { location, message: format!("entry skipped: {problem}") }
    }
}

/// Problems grouped by kind, so that a million alike problems cost one line and a count: the kind is
/// the message with array positions left out (`log.pages[n]`, `request.headers[n].name`). At most
/// [`MAX_PROBLEM_KINDS`] kinds are kept apart; problems of any further kind are counted together.
#[derive(Default, Debug)]
pub(super) struct ProblemTally {
    kinds: Vec<ProblemKind>,
    other: Option<ProblemKind>,
    /// The kind of the problem being counted (kept to spare an allocation per problem).
    scratch: String,
}

/// The kind of the problems counted together once [`MAX_PROBLEM_KINDS`] kinds are kept apart.
pub(super) const OTHER_PROBLEMS: &str = "other problems";

/// Writes `message` into `out` with every `[digits]` written `[n]`.
fn problem_kind(message: &str, out: &mut String) {
    out.clear();
    let mut rest = message;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(']') {
            out.push('n');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
}

impl ProblemTally {
    /// Counts one problem (of the entry `entry`, if it is inside one).
    pub(super) fn push(&mut self, message: String, entry: Option<usize>) {
        problem_kind(&message, &mut self.scratch);
        if let Some(k) = self.kinds.iter_mut().find(|k| k.kind == self.scratch) {
            k.count += 1;
            return;
        }
        if self.kinds.len() < MAX_PROBLEM_KINDS {
            let kind = self.scratch.clone();
            self.kinds.push(ProblemKind { kind, first: message, count: 1, first_entry: entry });
            return;
        }
        let other = self.other.get_or_insert_with(|| ProblemKind {
            kind: OTHER_PROBLEMS.into(),
            first: message,
            count: 0,
            first_entry: entry,
        });
        other.count += 1;
    }

    /// The kinds in order of first appearance, the counted-together rest last.
    pub(super) fn into_kinds(self) -> Vec<ProblemKind> {
        let mut kinds = self.kinds;
        kinds.extend(self.other);
        kinds
    }
}

/// Line and column of byte offsets, counted incrementally so that increasing offsets cost one pass
/// over the input in total.
#[derive(Default)]
pub(super) struct LineIndex {
    offset: usize,
    line: usize,
    line_start: usize,
}

impl LineIndex {
    /// 1-based line and column (in bytes) of `offset` in `src`.
    pub(super) fn position(&mut self, src: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(src.len());
        if offset < self.offset {
            *self = LineIndex::default();
        }
        for (i, &b) in src[self.offset..offset].iter().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        (self.line + 1, offset - self.line_start + 1)
    }
}

const MARKER: &str = "crossjar: stopped by visitor";

fn fault<E: de::Error>(ctx: &mut Ctx<'_>, f: Fault) -> E {
    ctx.fault = Some(f);
    E::custom(MARKER)
}

// ---------------------------------------------------------------------------------------------
// Field names.

/// A set of known object keys; anything else maps to the `Other` variant and is skipped.
trait Key: Sized {
    fn from_name(s: &str) -> Self;
    /// Whether this is a key the reader does not use.
    fn is_other(&self) -> bool;
}

macro_rules! keys {
    ($name:ident { $($v:ident => $s:literal),* $(,)? }) => {
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        enum $name { $($v,)* Other }
        impl From<$name> for u32 {
            /// The key's position in its table (the one-pass reader marks keys seen by it).
            fn from(k: $name) -> u32 {
                k as u32
            }
        }
        impl Key for $name {
            fn from_name(s: &str) -> Self {
                match s { $($s => $name::$v,)* _ => $name::Other }
            }
            fn is_other(&self) -> bool {
                matches!(self, $name::Other)
            }
        }
    };
}

keys!(RootKey { Log => "log" });
keys!(LogKey { Version => "version", Creator => "creator", Browser => "browser", Pages => "pages", Entries => "entries" });
keys!(SoftwareKey { Name => "name", Version => "version" });
keys!(PageKey { Id => "id", Title => "title", Started => "startedDateTime" });
keys!(EntryKey {
    PageRef => "pageref",
    Started => "startedDateTime",
    Request => "request",
    Response => "response",
    ResourceType => "_resourceType",
    Initiator => "_initiator",
    InitiatorType => "_initiator_type",
    FromCache => "_fromCache",
    FetchType => "_fetchType",
    WsMessages => "_webSocketMessages",
    Error => "_error",
    FailureText => "_failureText",
    BlockedCookies => "_blockedCookies",
});
keys!(RequestKey {
    Method => "method",
    Url => "url",
    HttpVersion => "httpVersion",
    Headers => "headers",
    Cookies => "cookies",
    BlockedCookies => "_blockedCookies",
    BlockedCookiesCdp => "blockedCookies",
    AssociatedCookies => "_associatedCookies",
    AssociatedCookiesCdp => "associatedCookies",
});
keys!(ResponseKey {
    Status => "status",
    HttpVersion => "httpVersion",
    Headers => "headers",
    Cookies => "cookies",
    RedirectUrl => "redirectURL",
    Error => "_error",
    FailureText => "_failureText",
    BlockedCookies => "_blockedCookies",
    BlockedCookiesCdp => "blockedCookies",
    FromDiskCache => "fromDiskCache",
    FromPrefetchCache => "fromPrefetchCache",
    FulfilledBy => "_fulfilledBy",
});
keys!(HeaderKey { Name => "name", Value => "value" });
keys!(CookieKey {
    Name => "name",
    Value => "value",
    Domain => "domain",
    Path => "path",
    Secure => "secure",
    HttpOnly => "httpOnly",
    SameSite => "sameSite",
});
keys!(BlockedKey {
    Reasons => "blockedReasons",
    Reason => "blockedReason",
    CookieLine => "cookieLine",
    Cookie => "cookie",
    Name => "name",
});
keys!(NameKey { Name => "name" });
keys!(InitiatorKey { Type => "type", Url => "url", Stack => "stack" });
keys!(StackKey { CallFrames => "callFrames" });
keys!(FrameKey { Url => "url" });

/// A key plus, when the parser could lend it from the input slice, the key's address.
struct K<T>(T, Option<usize>);

impl<'de, T: Key> de::Deserialize<'de> for K<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Key> Visitor<'de> for V<T> {
            type Value = K<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<K<T>, E> {
                Ok(K(T::from_name(s), Some(s.as_ptr() as usize)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<K<T>, E> {
                Ok(K(T::from_name(s), None))
            }
        }
        d.deserialize_identifier(V(std::marker::PhantomData))
    }
}

// ---------------------------------------------------------------------------------------------
// Lenient values.

/// Visitor methods that drain a value of an unexpected kind and report the kind instead of failing.
macro_rules! reject_scalars {
    () => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Err("a string"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Err("a number"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Err("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Err("a number"))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Err("a boolean"))
        }
    };
}
macro_rules! reject_seq {
    () => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Err("an array"))
        }
    };
}
macro_rules! reject_map {
    () => {
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Err("an object"))
        }
    };
}
macro_rules! reject_unit {
    () => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Err("null"))
        }
    };
}

/// Any JSON value, with containers skipped (only their kind is kept).
///
/// A string borrows from the input when the parser can lend it (a memory map, no escapes in it).
#[derive(Debug, Clone, PartialEq)]
enum Scalar<'de> {
    Str(Cow<'de, str>),
    U(u64),
    I(i64),
    F(f64),
    Bool(bool),
    Null,
    Container(&'static str),
}

impl<'de> Scalar<'de> {
    fn kind(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "a string",
            Scalar::U(_) | Scalar::I(_) | Scalar::F(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Null => "null",
            Scalar::Container(k) => k,
        }
    }

    /// Text where a string is expected: strings as they are, numbers written out (their meaning is
    /// clear), `null` as absent. Anything else is a problem.
    fn text(self, field: impl fmt::Display) -> Result<Option<String>, Problem> {
        Ok(self.cow(field)?.map(Cow::into_owned))
    }

    /// [`Scalar::text`] without a copy: borrowed from the input when it could be.
    fn cow(self, field: impl fmt::Display) -> Result<Option<Cow<'de, str>>, Problem> {
        match self {
            Scalar::Str(s) => Ok(Some(s)),
            Scalar::U(n) => Ok(Some(Cow::Owned(n.to_string()))),
            Scalar::I(n) => Ok(Some(Cow::Owned(n.to_string()))),
            Scalar::F(n) => Ok(Some(Cow::Owned(n.to_string()))),
            Scalar::Null => Ok(None),
            other => Err(format!("{field}: expected a string, found {}", other.kind())),
        }
    }

    /// Like [`Scalar::text`], with an empty string also meaning absent.
    fn nonempty_text(self, field: impl fmt::Display) -> Result<Option<String>, Problem> {
        Ok(self.nonempty_cow(field)?.map(Cow::into_owned))
    }

    /// Like [`Scalar::cow`], with an empty string also meaning absent.
    fn nonempty_cow(self, field: impl fmt::Display) -> Result<Option<Cow<'de, str>>, Problem> {
        Ok(self.cow(field)?.filter(|s| !s.is_empty()))
    }

    /// A cache flag: `true`, or a non-empty string other than `"false"` (Chrome writes `"memory"` or
    /// `"disk"`).
    fn flag(self, field: impl fmt::Display) -> Result<bool, Problem> {
        match self {
            Scalar::Bool(b) => Ok(b),
            Scalar::Null => Ok(false),
            Scalar::Str(s) => Ok(!s.is_empty() && s != "false"),
            other => Err(format!("{field}: expected a boolean or a string, found {}", other.kind())),
        }
    }
}

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(s)))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::U(n))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::I(n))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::F(n))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Bool(b))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Scalar<'de>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Container("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Scalar<'de>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Container("an object"))
            }
        }
        d.deserialize_any(V)
    }
}

/// An object whose wanted members are all scalars: the `(key, value)` pairs in order, or the kind
/// found instead of an object.
type FieldList<'de, T> = Result<Vec<(T, Scalar<'de>)>, &'static str>;

fn read_fields<'de, T: Key + PartialEq, D: Deserializer<'de>>(d: D) -> Result<FieldList<'de, T>, D::Error> {
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Key + PartialEq> Visitor<'de> for V<T> {
        type Value = FieldList<'de, T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(K(key, _)) = a.next_key::<K<T>>()? {
                if key.is_other() {
                    a.next_value::<IgnoredAny>()?;
                } else {
                    out.push((key, a.next_value::<Scalar>()?));
                }
            }
            Ok(Ok(out))
        }
        reject_scalars!();
        reject_seq!();
        reject_unit!();
    }
    d.deserialize_any(V(std::marker::PhantomData))
}

/// A seed wrapper so `read_fields` can be used with `next_value_seed` / `next_element_seed`.
struct FieldsSeed<T>(std::marker::PhantomData<T>);

impl<T> FieldsSeed<T> {
    fn new() -> Self {
        FieldsSeed(std::marker::PhantomData)
    }
}

impl<'de, T: Key + PartialEq> DeserializeSeed<'de> for FieldsSeed<T> {
    type Value = FieldList<'de, T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        read_fields::<T, D>(d)
    }
}

// ---------------------------------------------------------------------------------------------
// Root and log.

/// The whole document: an object with `log`.
pub(super) struct RootSeed<'c, 's>(pub &'c mut Ctx<'s>);

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(RootVisitor(self.0))
    }
}

struct RootVisitor<'c, 's>(&'c mut Ctx<'s>);

/// Names of the first few keys seen, to say what a non-HAR object holds.
fn note_key(seen: &mut Vec<String>, count: &mut usize, name: Option<String>) {
    *count += 1;
    if let Some(n) = name {
        if seen.len() < 5 {
            seen.push(n.chars().take(40).collect());
        }
    }
}

fn describe_keys(seen: &[String], count: usize) -> String {
    if count == 0 {
        return "it is empty".to_owned();
    }
    let mut s = seen.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
    if count > seen.len() {
        s.push_str(&format!(" and {} more", count - seen.len()));
    }
    format!("found keys {s}")
}

/// A key as plain text (for messages about unexpected documents).
struct KeyText(String);

impl<'de> de::Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<KeyText, E> {
                Ok(KeyText(s.to_owned()))
            }
        }
        d.deserialize_identifier(V)
    }
}

impl<'de> Visitor<'de> for RootVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR object with \"log\"")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        self.0.root_started = true;
        let (mut seen, mut count, mut found_log) = (Vec::new(), 0, false);
        while let Some(KeyText(name)) = a.next_key::<KeyText>()? {
            if RootKey::from_name(&name) == RootKey::Log {
                found_log = true;
                a.next_value_seed(LogSeed(&mut *self.0))?;
            } else {
                note_key(&mut seen, &mut count, Some(name));
                a.next_value::<IgnoredAny>()?;
            }
        }
        if !found_log {
            let msg = format!("not a HAR: the top-level object has no \"log\" ({})", describe_keys(&seen, count));
            return Err(fault(self.0, Fault::NotHar(msg)));
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(fault(self.0, Fault::NotHar("not a HAR: the top level is an array, not an object with \"log\"".into())))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(not_har(self.0, "a string"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(not_har(self.0, "a number"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(not_har(self.0, "a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(not_har(self.0, "a number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(not_har(self.0, "a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(not_har(self.0, "null"))
    }
}

/// The whole-file error for a document that is a scalar, not an object with `log`.
fn not_har<E: de::Error>(ctx: &mut Ctx<'_>, what: &str) -> E {
    fault(ctx, Fault::NotHar(format!("not a HAR: the document is {what}, not an object with \"log\"")))
}

struct LogSeed<'c, 's>(&'c mut Ctx<'s>);

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(LogVisitor(self.0))
    }
}

struct LogVisitor<'c, 's>(&'c mut Ctx<'s>);

fn software(fields: FieldList<SoftwareKey>, at: &str, problems: &mut ProblemTally) -> Option<Software> {
    match fields {
        Ok(fields) => {
            let mut sw = Software::default();
            for (k, v) in fields {
                let (slot, name) = match k {
                    SoftwareKey::Name => (&mut sw.name, "name"),
                    SoftwareKey::Version => (&mut sw.version, "version"),
                    SoftwareKey::Other => continue,
                };
                match v.text(format_args!("{at}.{name}")) {
                    Ok(t) => *slot = t.unwrap_or_default(),
                    Err(p) => problems.push(p, None),
                }
            }
            Some(sw)
        }
        Err("null") => None,
        Err(kind) => {
            problems.push(format!("{at}: expected an object, found {kind}; ignored"), None);
            None
        }
    }
}

impl<'de> Visitor<'de> for LogVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the HAR \"log\" object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let ctx = self.0;
        let (mut seen, mut count, mut found_entries) = (Vec::new(), 0, false);
        while let Some(KeyText(name)) = a.next_key::<KeyText>()? {
            let key = LogKey::from_name(&name);
            note_key(&mut seen, &mut count, Some(name));
            match key {
                LogKey::Version | LogKey::Creator | LogKey::Browser | LogKey::Pages => {
                    a.next_value_seed(LogMember { ctx: &mut *ctx, key })?
                }
                LogKey::Entries => {
                    found_entries = true;
                    if !ctx.log_emitted {
                        ctx.log_emitted = true;
                        if (ctx.sink)(HarItem::Log(ctx.info.clone())).is_break() {
                            return Err(fault(ctx, Fault::Stopped));
                        }
                    }
                    a.next_value_seed(EntriesSeed(&mut *ctx))?;
                }
                LogKey::Other => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !found_entries {
            let msg = format!("not a HAR: \"log\" has no \"entries\" ({})", describe_keys(&seen, count));
            return Err(fault(ctx, Fault::NotHar(msg)));
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(fault(self.0, Fault::NotHar("not a HAR: \"log\" is an array, expected an object".into())))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(fault(self.0, Fault::NotHar("not a HAR: \"log\" is a string, expected an object".into())))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(fault(self.0, Fault::NotHar("not a HAR: \"log\" is a number, expected an object".into())))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(fault(self.0, Fault::NotHar("not a HAR: \"log\" is a number, expected an object".into())))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(fault(self.0, Fault::NotHar("not a HAR: \"log\" is a number, expected an object".into())))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(fault(self.0, Fault::NotHar("not a HAR: \"log\" is a boolean, expected an object".into())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(fault(self.0, Fault::NotHar("not a HAR: \"log\" is null, expected an object".into())))
    }
}

/// One member of `log` other than `entries` (the one-pass read hands them here too).
struct LogMember<'c, 's> {
    ctx: &'c mut Ctx<'s>,
    key: LogKey,
}

impl<'de> DeserializeSeed<'de> for LogMember<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let ctx = self.ctx;
        match self.key {
            LogKey::Version => match <Scalar as de::Deserialize>::deserialize(d)?.text("log.version") {
                Ok(v) => ctx.info.version = v,
                Err(p) => ctx.log_problems.push(p, None),
            },
            LogKey::Creator => {
                let f = FieldsSeed::<SoftwareKey>::new().deserialize(d)?;
                ctx.info.creator = software(f, "log.creator", &mut ctx.log_problems);
            }
            LogKey::Browser => {
                let f = FieldsSeed::<SoftwareKey>::new().deserialize(d)?;
                ctx.info.browser = software(f, "log.browser", &mut ctx.log_problems);
            }
            LogKey::Pages => PagesSeed(ctx).deserialize(d)?,
            LogKey::Entries | LogKey::Other => {
                <IgnoredAny as de::Deserialize>::deserialize(d)?;
            }
        }
        Ok(())
    }
}

struct PagesSeed<'c, 's>(&'c mut Ctx<'s>);

impl<'de> DeserializeSeed<'de> for PagesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(PagesVisitor(self.0))
    }
}

struct PagesVisitor<'c, 's>(&'c mut Ctx<'s>);

impl<'de> Visitor<'de> for PagesVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of pages")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let ctx = self.0;
        let (mut i, mut over) = (0, 0usize);
        while let Some(fields) = a.next_element_seed(FieldsSeed::<PageKey>::new())? {
            match page(fields, i) {
                Ok(_) if ctx.info.pages.len() >= MAX_PAGES => over += 1,
                Ok(p) => ctx.info.pages.push(p),
                Err(problem) => ctx.log_problems.push(problem, None),
            }
            i += 1;
        }
        if over > 0 {
            ctx.log_problems.push(
                format!("log.pages: {over} pages after the first {MAX_PAGES} ignored (entries that refer to them are read without their page)"),
                None,
            );
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.0.log_problems.push("log.pages: expected an array, found an object; ignored".into(), None);
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.0.log_problems.push("log.pages: expected an array, found a string; ignored".into(), None);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.0.log_problems.push("log.pages: expected an array, found a number; ignored".into(), None);
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.0.log_problems.push("log.pages: expected an array, found a number; ignored".into(), None);
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.0.log_problems.push("log.pages: expected an array, found a number; ignored".into(), None);
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.0.log_problems.push("log.pages: expected an array, found a boolean; ignored".into(), None);
        Ok(())
    }
}

fn page(fields: FieldList<PageKey>, i: usize) -> Result<Page, Problem> {
    let fields = fields.map_err(|kind| format!("log.pages[{i}]: expected an object, found {kind}; page ignored"))?;
    let mut p = Page::default();
    for (k, v) in fields {
        match k {
            PageKey::Id => p.id = v.text(format_args!("log.pages[{i}].id"))?.unwrap_or_default(),
            PageKey::Title => p.title = v.text(format_args!("log.pages[{i}].title"))?.unwrap_or_default(),
            PageKey::Started => {
                p.started =
                    v.text(format_args!("log.pages[{i}].startedDateTime"))?.and_then(|s| Timestamp::parse_rfc3339(&s))
            }
            PageKey::Other => {}
        }
    }
    Ok(p)
}

// ---------------------------------------------------------------------------------------------
// Entries.

struct EntriesSeed<'c, 's>(&'c mut Ctx<'s>);

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(EntriesVisitor(self.0))
    }
}

struct EntriesVisitor<'c, 's>(&'c mut Ctx<'s>);

impl EntriesVisitor<'_, '_> {
    fn not_array<E: de::Error>(self, kind: &str) -> E {
        fault(self.0, Fault::NotHar(format!("not a HAR: \"log.entries\" is {kind}, expected an array")))
    }
}

impl<'de> Visitor<'de> for EntriesVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the array \"log.entries\"")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let ctx = self.0;
        ctx.in_entries = true;
        loop {
            let index = ctx.next_index;
            if index < ctx.skip_entries {
                // Delivered by the one-pass read before it handed the document back.
                if a.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
                ctx.next_index += 1;
                continue;
            }
            let Some(outcome) = a.next_element_seed(EntrySeed(&mut *ctx))? else { break };
            if deliver(ctx, index, outcome).is_break() {
                return Err(fault(ctx, Fault::Stopped));
            }
        }
        ctx.in_entries = false;
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.not_array("an object"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.not_array("a string"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.not_array("a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.not_array("null"))
    }
}

/// One entry: the exchange, or the address of its first key (slice mode) and the first problem.
type EntryOutcome = Result<Exchange, (Option<usize>, Problem)>;

/// Counts entry `index` and hands it (or its error) to the sink.
fn deliver(ctx: &mut Ctx<'_>, index: usize, outcome: EntryOutcome) -> ControlFlow<()> {
    ctx.next_index += 1;
    let item = match outcome {
        Ok(ex) => {
            ctx.summary.count(&ex);
            HarItem::Entry(ex)
        }
        Err((key_addr, problem)) => {
            ctx.summary.entry_errors += 1;
            ctx.entry_problems.push(problem.clone(), Some(index));
            HarItem::EntryError(ctx.entry_error(index, key_addr, problem))
        }
    };
    (ctx.sink)(item)
}

/// The exchange of an entry read without problems: the response's HTTP version where the request
/// has none, and the response's media type.
fn finish_exchange(mut b: Builder, pool: &mut Pool) -> Exchange {
    if b.ex.http_version.is_empty() {
        std::mem::swap(&mut b.ex.http_version, &mut b.response_http_version);
    }
    pool.put_string(b.response_http_version);
    // The response's media type, for producers that record no resource type.
    b.ex.mime_type = b.ex.response_headers.get("content-type").map(|v| pool.string(Cow::Borrowed(v.trim())));
    b.ex
}

struct EntrySeed<'c, 's>(&'c mut Ctx<'s>);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_, '_> {
    type Value = EntryOutcome;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<EntryOutcome, D::Error> {
        d.deserialize_any(EntryVisitor(self.0))
    }
}

struct EntryVisitor<'c, 's>(&'c mut Ctx<'s>);

/// An exchange being filled, with the first problem met.
#[derive(Default)]
struct Builder {
    ex: Exchange,
    problem: Option<Problem>,
    has_request: bool,
    has_url: bool,
    has_method: bool,
    response_http_version: String,
    /// The read's pool, lent to this entry.
    pool: Pool,
}

impl Builder {
    /// Records why the request failed; the first non-empty text found wins (producers that write
    /// several write the same text). A value that is not text is ignored: it is secondary evidence and
    /// the status still says whether a response came.
    fn error(&mut self, reason: Scalar<'_>) {
        self.error_text(reason.nonempty_cow("").ok().flatten());
    }

    /// [`Builder::error`] for text already read (`None`: absent).
    fn error_text(&mut self, reason: Option<Cow<'_, str>>) {
        if self.ex.error.is_none() {
            self.ex.error = reason.filter(|r| !r.is_empty()).map(|v| self.pool.string(v));
        }
    }

    /// `slot` set to `text` (absent text: `None`), in pooled storage.
    fn set_opt(pool: &mut Pool, slot: &mut Option<String>, text: Option<Cow<'_, str>>) {
        pool.put_option(slot);
        *slot = text.map(|t| pool.string(t));
    }

    fn note(&mut self, r: Result<(), Problem>) {
        if let Err(p) = r {
            self.problem.get_or_insert(p);
        }
    }
}

impl<'de> Visitor<'de> for EntryVisitor<'_, '_> {
    type Value = EntryOutcome;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR entry object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<EntryOutcome, A::Error> {
        let ctx = self.0;
        let index = ctx.next_index;
        ctx.open_entry = Some(index);
        let mut pool = std::mem::take(&mut ctx.pool);
        let ex = pool.exchange((ctx.spare)(), index);
        let mut b = Builder { ex, pool, ..Builder::default() };
        let mut first_key = None;
        while let Some(K(key, addr)) = a.next_key::<K<EntryKey>>()? {
            if first_key.is_none() {
                first_key = Some(addr);
            }
            let r = match key {
                EntryKey::PageRef => a
                    .next_value::<Scalar>()?
                    .nonempty_cow("pageref")
                    .map(|v| Builder::set_opt(&mut b.pool, &mut b.ex.page_ref, v)),
                EntryKey::Started => a
                    .next_value::<Scalar>()?
                    .cow("startedDateTime")
                    .map(|v| b.ex.started = v.and_then(|s| Timestamp::parse_rfc3339(&s))),
                EntryKey::Request => {
                    b.has_request = true;
                    a.next_value_seed(RequestSeed(&mut b))?
                }
                EntryKey::Response => a.next_value_seed(ResponseSeed(&mut b))?,
                EntryKey::ResourceType => a
                    .next_value::<Scalar>()?
                    .nonempty_cow("_resourceType")
                    .map(|v| Builder::set_opt(&mut b.pool, &mut b.ex.resource_type, v)),
                EntryKey::Initiator => a.next_value_seed(InitiatorSeed(&mut b))?,
                EntryKey::InitiatorType => a
                    .next_value::<Scalar>()?
                    .nonempty_cow("_initiator_type")
                    .map(|v| Builder::set_opt(&mut b.pool, &mut b.ex.initiator_type, v)),
                EntryKey::FromCache => a.next_value::<Scalar>()?.flag("_fromCache").map(|f| b.ex.from_cache |= f),
                EntryKey::FetchType => {
                    a.next_value::<Scalar>()?.cow("_fetchType").map(|v| b.ex.from_cache |= mentions_cache(v))
                }
                // Why the request failed, wherever the producer put it: the first one found is kept.
                EntryKey::BlockedCookies => {
                    a.next_value_seed(BlockedSeed { out: &mut b.ex.blocked_cookies, side: None, associated: false })?;
                    Ok(())
                }
                EntryKey::Error | EntryKey::FailureText => {
                    b.error(a.next_value::<Scalar>()?);
                    Ok(())
                }
                EntryKey::WsMessages => a
                    .next_value_seed(CountSeed)?
                    .map(|n| b.ex.websocket_messages = n)
                    .map_err(|kind| format!("_webSocketMessages: expected an array, found {kind}")),
                EntryKey::Other => {
                    a.next_value::<IgnoredAny>()?;
                    Ok(())
                }
            };
            b.note(r);
        }
        ctx.open_entry = None;
        ctx.pool = std::mem::take(&mut b.pool);
        let addr = first_key.flatten();
        if b.problem.is_none() {
            if !b.has_request {
                b.problem = Some("request: missing".into());
            } else if !b.has_url {
                b.problem = Some("request.url: missing".into());
            } else if !b.has_method {
                b.problem = Some("request.method: missing".into());
            }
        }
        if let Some(p) = b.problem {
            return Ok(Err((addr, p)));
        }
        Ok(Ok(finish_exchange(b, &mut ctx.pool)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<EntryOutcome, A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err((None, "expected an object, found an array".into())))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<EntryOutcome, E> {
        Ok(Err((None, "expected an object, found a string".into())))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<EntryOutcome, E> {
        Ok(Err((None, "expected an object, found a number".into())))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<EntryOutcome, E> {
        Ok(Err((None, "expected an object, found a number".into())))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<EntryOutcome, E> {
        Ok(Err((None, "expected an object, found a number".into())))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<EntryOutcome, E> {
        Ok(Err((None, "expected an object, found a boolean".into())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<EntryOutcome, E> {
        Ok(Err((None, "expected an object, found null".into())))
    }
}

/// Whether a producer's cache note (`_fetchType: Memory Cache`, `_fulfilledBy: ServiceWorker cache`)
/// says cache, in any case.
fn mentions_cache(text: Option<Cow<'_, str>>) -> bool {
    text.is_some_and(|s| s.as_bytes().windows(5).any(|w| w.eq_ignore_ascii_case(b"cache")))
}

/// Counts the elements of an array (`_webSocketMessages`) without keeping them; `null` is 0.
struct CountSeed;

impl<'de> DeserializeSeed<'de> for CountSeed {
    type Value = Result<usize, &'static str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Result<usize, &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut n = 0;
                while a.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Ok(n))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(0))
            }
            reject_scalars!();
            reject_map!();
        }
        d.deserialize_any(V)
    }
}

struct RequestSeed<'b>(&'b mut Builder);

impl<'de> DeserializeSeed<'de> for RequestSeed<'_> {
    type Value = Result<(), Problem>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V<'b>(&'b mut Builder);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Result<(), &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the request object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let b = self.0;
                while let Some(K(key, _)) = a.next_key::<K<RequestKey>>()? {
                    let r = match key {
                        RequestKey::Method => a.next_value::<Scalar>()?.cow("request.method").map(|v| {
                            b.has_method = v.is_some();
                            set_text(&mut b.ex.method, v.unwrap_or(Cow::Borrowed("")));
                        }),
                        RequestKey::Url => a.next_value::<Scalar>()?.cow("request.url").map(|v| {
                            b.has_url = v.is_some();
                            set_text(&mut b.ex.url, v.unwrap_or(Cow::Borrowed("")));
                        }),
                        RequestKey::HttpVersion => a
                            .next_value::<Scalar>()?
                            .cow("request.httpVersion")
                            .map(|v| set_text(&mut b.ex.http_version, v.unwrap_or(Cow::Borrowed("")))),
                        RequestKey::Headers => {
                            let out = std::mem::take(&mut b.ex.request_headers.0);
                            a.next_value_seed(HeadersSeed { pool: &mut b.pool, out })?
                                .map(|h| b.ex.request_headers = h)
                                .map_err(|p| format!("request.headers{p}"))
                        }
                        RequestKey::Cookies => {
                            let out = std::mem::take(&mut b.ex.request_cookies);
                            a.next_value_seed(CookiesSeed { pool: &mut b.pool, out })?
                                .map(|c| b.ex.request_cookies = c)
                                .map_err(|p| format!("request.cookies{p}"))
                        }
                        RequestKey::BlockedCookies | RequestKey::BlockedCookiesCdp => {
                            let out = &mut b.ex.blocked_cookies;
                            a.next_value_seed(BlockedSeed { out, side: Some(false), associated: false })?;
                            Ok(())
                        }
                        RequestKey::AssociatedCookies | RequestKey::AssociatedCookiesCdp => {
                            let out = &mut b.ex.blocked_cookies;
                            a.next_value_seed(BlockedSeed { out, side: Some(false), associated: true })?;
                            Ok(())
                        }
                        RequestKey::Other => {
                            a.next_value::<IgnoredAny>()?;
                            Ok(())
                        }
                    };
                    b.note(r);
                }
                Ok(Ok(()))
            }
            reject_scalars!();
            reject_seq!();
            reject_unit!();
        }
        Ok(d.deserialize_any(V(self.0))?.map_err(|kind| format!("request: expected an object, found {kind}")))
    }
}

struct ResponseSeed<'b>(&'b mut Builder);

fn status(v: Scalar<'_>) -> Result<u16, Problem> {
    let bad = |what: &str| format!("response.status: expected an HTTP status code, found {what}");
    match v {
        Scalar::U(n) => u16::try_from(n).map_err(|_| bad(&format!("{n}"))),
        Scalar::F(f) if f.fract() == 0.0 && (0.0..=65535.0).contains(&f) => Ok(f as u16),
        Scalar::Str(s) => s
            .trim()
            .parse::<u16>()
            .map_err(|_| bad(&format!("the string {:?}", s.chars().take(20).collect::<String>()))),
        // Playwright's recordHar writes -1 for a request that got no response (Chrome DevTools: 0).
        Scalar::I(-1) => Ok(0),
        Scalar::I(n) => Err(bad(&format!("{n}"))),
        other => Err(bad(other.kind())),
    }
}

impl<'de> DeserializeSeed<'de> for ResponseSeed<'_> {
    type Value = Result<(), Problem>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V<'b>(&'b mut Builder);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Result<(), &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the response object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let b = self.0;
                while let Some(K(key, _)) = a.next_key::<K<ResponseKey>>()? {
                    let r = match key {
                        ResponseKey::Status => status(a.next_value::<Scalar>()?).map(|s| b.ex.status = s),
                        ResponseKey::HttpVersion => a
                            .next_value::<Scalar>()?
                            .cow("response.httpVersion")
                            .map(|v| set_text(&mut b.response_http_version, v.unwrap_or(Cow::Borrowed("")))),
                        ResponseKey::Headers => {
                            let out = std::mem::take(&mut b.ex.response_headers.0);
                            a.next_value_seed(HeadersSeed { pool: &mut b.pool, out })?
                                .map(|h| b.ex.response_headers = h)
                                .map_err(|p| format!("response.headers{p}"))
                        }
                        ResponseKey::Cookies => {
                            let out = std::mem::take(&mut b.ex.response_cookies);
                            a.next_value_seed(CookiesSeed { pool: &mut b.pool, out })?
                                .map(|c| b.ex.response_cookies = c)
                                .map_err(|p| format!("response.cookies{p}"))
                        }
                        ResponseKey::RedirectUrl => a
                            .next_value::<Scalar>()?
                            .nonempty_cow("response.redirectURL")
                            .map(|v| Builder::set_opt(&mut b.pool, &mut b.ex.redirect_url, v)),
                        ResponseKey::BlockedCookies | ResponseKey::BlockedCookiesCdp => {
                            let out = &mut b.ex.blocked_cookies;
                            a.next_value_seed(BlockedSeed { out, side: Some(true), associated: false })?;
                            Ok(())
                        }
                        // `_error` (DevTools-protocol exporters), `_failureText` (Playwright).
                        ResponseKey::Error | ResponseKey::FailureText => {
                            b.error(a.next_value::<Scalar>()?);
                            Ok(())
                        }
                        ResponseKey::FromDiskCache => {
                            a.next_value::<Scalar>()?.flag("response.fromDiskCache").map(|f| b.ex.from_cache |= f)
                        }
                        ResponseKey::FromPrefetchCache => {
                            a.next_value::<Scalar>()?.flag("response.fromPrefetchCache").map(|f| b.ex.from_cache |= f)
                        }
                        ResponseKey::FulfilledBy => a
                            .next_value::<Scalar>()?
                            .cow("response._fulfilledBy")
                            .map(|v| b.ex.from_cache |= mentions_cache(v)),
                        ResponseKey::Other => {
                            a.next_value::<IgnoredAny>()?;
                            Ok(())
                        }
                    };
                    b.note(r);
                }
                Ok(Ok(()))
            }
            // A `null` response means none was recorded: status 0, no headers.
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(()))
            }
            reject_scalars!();
            reject_seq!();
        }
        Ok(d.deserialize_any(V(self.0))?.map_err(|kind| format!("response: expected an object, found {kind}")))
    }
}

/// `headers`: an array of `{name, value}`; also tolerated: `null` and `{}` (no headers) and an object
/// mapping names to values. The error is a path suffix (`[3].name: ...`) for the caller to prefix.
/// The headers are read into `out` (emptied first), with storage from `pool`.
struct HeadersSeed<'p> {
    pool: &'p mut Pool,
    out: Vec<Header>,
}

/// The fields of one header object, borrowed from the input when they can be.
type HeaderFields<'de> = Result<(Option<Scalar<'de>>, Option<Scalar<'de>>), &'static str>;

fn header(pool: &mut Pool, fields: HeaderFields<'_>, i: usize) -> Result<Header, Problem> {
    let (name, value) = fields.map_err(|kind| format!("[{i}]: expected an object {{name, value}}, found {kind}"))?;
    let name = match name {
        Some(n) => n.cow(format_args!("[{i}].name"))?,
        None => None,
    };
    let value = match value {
        Some(v) => v.cow(format_args!("[{i}].value"))?,
        None => None,
    };
    let name = name.ok_or_else(|| format!("[{i}].name: missing"))?;
    Ok(pool.header(name, value.unwrap_or(Cow::Borrowed(""))))
}

/// One `{name, value}` header object, read without an intermediate list (headers are the hot path).
struct HeaderFieldsSeed;

impl<'de> DeserializeSeed<'de> for HeaderFieldsSeed {
    type Value = HeaderFields<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HeaderFields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a header object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let (mut name, mut value) = (None, None);
                while let Some(K(key, _)) = a.next_key::<K<HeaderKey>>()? {
                    match key {
                        HeaderKey::Name => name = Some(a.next_value::<Scalar>()?),
                        HeaderKey::Value => value = Some(a.next_value::<Scalar>()?),
                        HeaderKey::Other => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Ok((name, value)))
            }
            reject_scalars!();
            reject_seq!();
            reject_unit!();
        }
        d.deserialize_any(V)
    }
}

impl<'de> DeserializeSeed<'de> for HeadersSeed<'_> {
    type Value = Result<Headers, Problem>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V<'p>(HeadersSeed<'p>);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Result<Headers, Problem>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of headers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let HeadersSeed { pool, mut out } = self.0;
                let (mut problem, mut i) = (None, 0);
                while let Some(fields) = a.next_element_seed(HeaderFieldsSeed)? {
                    match header(pool, fields, i) {
                        Ok(h) => out.push(h),
                        Err(p) => {
                            problem.get_or_insert(p);
                        }
                    }
                    i += 1;
                }
                Ok(problem.map_or(Ok(Headers(out)), Err))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let HeadersSeed { pool, mut out } = self.0;
                let mut problem = None;
                while let Some(KeyText(name)) = a.next_key::<KeyText>()? {
                    match a.next_value::<Scalar>()?.cow(format_args!(".{name}")) {
                        Ok(v) => pool.push_header(&mut out, Cow::Owned(name), v.unwrap_or(Cow::Borrowed(""))),
                        Err(p) => {
                            problem.get_or_insert(p);
                        }
                    }
                }
                Ok(problem.map_or(Ok(Headers(out)), Err))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(Headers(self.0.out)))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Err(": expected an array of {name, value}, found a string".into()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Err(": expected an array of {name, value}, found a number".into()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Err(": expected an array of {name, value}, found a number".into()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Err(": expected an array of {name, value}, found a number".into()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Err(": expected an array of {name, value}, found a boolean".into()))
            }
        }
        let HeadersSeed { pool, mut out } = self;
        pool.put_headers(&mut out);
        d.deserialize_any(V(HeadersSeed { pool, out }))
    }
}

/// `cookies`: an array of `{name, value, domain?, path?}`; `null` is an empty list. Also read, since
/// listed cookies are secondary evidence and the `Cookie` / `Set-Cookie` headers carry the same facts:
/// one cookie object where the array belongs (Internet Explorer 11's Network Inspector writes
/// `"cookies": {"name": ..., "value": ...}`), and an object mapping cookie names to values.
struct CookiesSeed<'p> {
    pool: &'p mut Pool,
    /// Where the cookies go (emptied first).
    out: Vec<ListedCookie>,
}

/// One listed cookie from its fields; `at` is the path suffix for messages (`[3]`, or empty for a
/// lone cookie object).
fn cookie(pool: &mut Pool, fields: FieldList<'_, CookieKey>, at: &dyn fmt::Display) -> Result<ListedCookie, Problem> {
    let fields = fields.map_err(|kind| format!("{at}: expected an object, found {kind}"))?;
    let mut c = pool.cookie();
    for (k, v) in fields {
        cookie_field(pool, &mut c, k, v, at)?;
    }
    Ok(c)
}

/// Sets the field `k` of a listed cookie.
fn cookie_field(
    pool: &mut Pool,
    c: &mut ListedCookie,
    k: CookieKey,
    v: Scalar<'_>,
    at: &dyn fmt::Display,
) -> Result<(), Problem> {
    match k {
        CookieKey::Name => set_text(&mut c.name, v.cow(format_args!("{at}.name"))?.unwrap_or(Cow::Borrowed(""))),
        CookieKey::Value => set_text(&mut c.value, v.cow(format_args!("{at}.value"))?.unwrap_or(Cow::Borrowed(""))),
        CookieKey::Domain => Builder::set_opt(pool, &mut c.domain, v.nonempty_cow(format_args!("{at}.domain"))?),
        CookieKey::Path => Builder::set_opt(pool, &mut c.path, v.nonempty_cow(format_args!("{at}.path"))?),
        // Secondary evidence: a wrong type here is dropped, not an entry error.
        CookieKey::Secure => c.secure = v.flag(format_args!("{at}.secure")).ok(),
        CookieKey::HttpOnly => c.http_only = v.flag(format_args!("{at}.httpOnly")).ok(),
        CookieKey::SameSite => {
            let v = v.nonempty_cow(format_args!("{at}.sameSite")).ok().flatten();
            Builder::set_opt(pool, &mut c.same_site, v)
        }
        CookieKey::Other => {}
    }
    Ok(())
}

/// One element of a `cookies` array, read straight into pooled storage (no list of fields between).
struct CookieSeed<'p> {
    pool: &'p mut Pool,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for CookieSeed<'_> {
    type Value = Result<ListedCookie, Problem>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V<'p>(CookieSeed<'p>);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Result<Result<ListedCookie, Problem>, &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a cookie object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let CookieSeed { pool, index } = self.0;
                let (mut c, mut problem) = (pool.cookie(), None);
                while let Some(K(key, _)) = a.next_key::<K<CookieKey>>()? {
                    if key.is_other() {
                        a.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    let v = a.next_value::<Scalar>()?;
                    if problem.is_none() {
                        problem = cookie_field(pool, &mut c, key, v, &format_args!("[{index}]")).err();
                    }
                }
                Ok(Ok(problem.map_or(Ok(c), Err)))
            }
            reject_scalars!();
            reject_seq!();
            reject_unit!();
        }
        let index = self.index;
        Ok(d.deserialize_any(V(self))?
            .unwrap_or_else(|kind| Err(format!("[{index}]: expected an object, found {kind}"))))
    }
}

impl<'de> DeserializeSeed<'de> for CookiesSeed<'_> {
    type Value = Result<Vec<ListedCookie>, Problem>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let CookiesSeed { pool, mut out } = self;
        pool.put_cookies(&mut out);
        d.deserialize_any(CookieList(CookiesSeed { pool, out }))
    }
}

struct CookieList<'p>(CookiesSeed<'p>);

impl<'de> Visitor<'de> for CookieList<'_> {
    type Value = Result<Vec<ListedCookie>, Problem>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of cookies")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        let CookiesSeed { pool, mut out } = self.0;
        let (mut problem, mut i) = (None, 0);
        while let Some(c) = a.next_element_seed(CookieSeed { pool: &mut *pool, index: i })? {
            match c {
                Ok(c) => out.push(c),
                Err(p) => {
                    problem.get_or_insert(p);
                }
            }
            i += 1;
        }
        Ok(problem.map_or(Ok(out), Err))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(self.0.out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        let CookiesSeed { pool, mut out } = self.0;
        let mut members = Vec::new();
        while let Some(KeyText(key)) = a.next_key::<KeyText>()? {
            let value = a.next_value::<Scalar>()?;
            members.push((key, value));
        }
        if members.iter().any(|(k, _)| CookieKey::from_name(k) == CookieKey::Name) {
            // One cookie object (IE11).
            let fields = members
                .into_iter()
                .map(|(k, v)| (CookieKey::from_name(&k), v))
                .filter(|(k, _)| !k.is_other())
                .collect();
            return Ok(cookie(pool, Ok(fields), &"").map(|c| {
                out.push(c);
                out
            }));
        }
        // Names mapped to values; a member whose value is not text is dropped.
        out.extend(members.into_iter().filter_map(|(name, v)| {
            let value = v.text("").ok()?.unwrap_or_default();
            Some(ListedCookie { name, value, ..ListedCookie::default() })
        }));
        Ok(Ok(out))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err(": expected an array, found a string".into()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err(": expected an array, found a number".into()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err(": expected an array, found a number".into()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(": expected an array, found a number".into()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err(": expected an array, found a boolean".into()))
    }
}

/// `_initiator`: DevTools' object `{type, url?, stack?}` or chrome-har's flattened URL string.
/// When the object has no `url`, the first call frame's URL (`stack.callFrames[0].url`) stands in.
/// A malformed `stack` is ignored (it is only a fallback); a malformed `type` or `url` is a problem.
struct InitiatorSeed<'x>(&'x mut Builder);

impl<'de> DeserializeSeed<'de> for InitiatorSeed<'_> {
    type Value = Result<(), Problem>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V<'x>(&'x mut Builder);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Result<(), Problem>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an initiator object or URL")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                if !s.is_empty() {
                    let b = self.0;
                    Builder::set_opt(&mut b.pool, &mut b.ex.initiator_url, Some(Cow::Borrowed(s)));
                }
                Ok(Ok(()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                if !s.is_empty() {
                    let b = self.0;
                    Builder::set_opt(&mut b.pool, &mut b.ex.initiator_url, Some(Cow::Borrowed(s)));
                }
                Ok(Ok(()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let b = self.0;
                let (mut url, mut frame_url, mut problem) = (None, None, None);
                while let Some(K(key, _)) = a.next_key::<K<InitiatorKey>>()? {
                    let r = match key {
                        InitiatorKey::Type => a
                            .next_value::<Scalar>()?
                            .nonempty_cow("_initiator.type")
                            .map(|v| Builder::set_opt(&mut b.pool, &mut b.ex.initiator_type, v)),
                        InitiatorKey::Url => a.next_value::<Scalar>()?.nonempty_cow("_initiator.url").map(|v| url = v),
                        InitiatorKey::Stack => {
                            frame_url = a.next_value_seed(StackSeed)?;
                            Ok(())
                        }
                        InitiatorKey::Other => {
                            a.next_value::<IgnoredAny>()?;
                            Ok(())
                        }
                    };
                    if let Err(p) = r {
                        problem.get_or_insert(p);
                    }
                }
                if let Some(u) = url.or(frame_url.map(Cow::Owned)) {
                    Builder::set_opt(&mut b.pool, &mut b.ex.initiator_url, Some(u));
                }
                Ok(problem.map_or(Ok(()), Err))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Err("_initiator: expected an object or a string, found an array".into()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Err("_initiator: expected an object or a string, found a number".into()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Err("_initiator: expected an object or a string, found a number".into()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Err("_initiator: expected an object or a string, found a number".into()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Err("_initiator: expected an object or a string, found a boolean".into()))
            }
        }
        d.deserialize_any(V(self.0))
    }
}

/// `_initiator.stack`: yields `callFrames[0].url` when present and non-empty.
struct StackSeed;

impl<'de> DeserializeSeed<'de> for StackSeed {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Result<Option<String>, &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a stack object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut url = None;
                while let Some(K(key, _)) = a.next_key::<K<StackKey>>()? {
                    match key {
                        StackKey::CallFrames => url = a.next_value_seed(FramesSeed)?,
                        StackKey::Other => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Ok(url))
            }
            reject_scalars!();
            reject_seq!();
            reject_unit!();
        }
        Ok(d.deserialize_any(V)?.ok().flatten())
    }
}

/// `stack.callFrames`: the URL of the first frame.
struct FramesSeed;

impl<'de> DeserializeSeed<'de> for FramesSeed {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Result<Option<String>, &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of call frames")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut url = None;
                if let Some(Ok(fields)) = a.next_element_seed(FieldsSeed::<FrameKey>::new())? {
                    for (k, v) in fields {
                        if k == FrameKey::Url {
                            url = v.nonempty_text("url").ok().flatten();
                        }
                    }
                }
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Ok(url))
            }
            reject_scalars!();
            reject_map!();
            reject_unit!();
        }
        Ok(d.deserialize_any(V)?.ok().flatten())
    }
}

// ---------------------------------------------------------------------------------------------
// Blocked cookies.

/// Blocked-cookie lists in the shapes of the Chrome DevTools protocol, wherever a HAR keeps them:
/// `Network.responseReceivedExtraInfo.blockedCookies` (`{blockedReasons, cookieLine, cookie?}`, a
/// `Set-Cookie` the browser refused), `Network.requestWillBeSentExtraInfo.blockedCookies` (before
/// Chrome 120: `{blockedReasons, cookie}`, a jar cookie it did not send) and its successor
/// `associatedCookies` (`{blockedReasons, cookie, exemptionReason?}`: only those with reasons count).
/// An entry-level list (`side` `None`) is sorted by shape: an item with a `cookieLine` is a
/// `Set-Cookie`. Secondary evidence: a malformed list or item is dropped, never an entry error.
struct BlockedSeed<'x> {
    out: &'x mut Vec<BlockedCookie>,
    /// `Some(true)`: response side; `Some(false)`: request side; `None`: by each item's shape.
    side: Option<bool>,
    /// `associatedCookies`: items without reasons were sent, not blocked.
    associated: bool,
}

impl<'de> DeserializeSeed<'de> for BlockedSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'x>(BlockedSeed<'x>);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Result<(), &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of blocked cookies")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let BlockedSeed { out, side, associated } = self.0;
                while let Some(item) = a.next_element_seed(BlockedItemSeed)? {
                    let Some(item) = item else { continue };
                    if item.reasons.is_empty() && (associated || item.name.is_none()) {
                        continue;
                    }
                    let on_response = side.unwrap_or(item.has_line);
                    out.push(BlockedCookie { name: item.name.unwrap_or_default(), on_response, reasons: item.reasons });
                }
                Ok(Ok(()))
            }
            reject_scalars!();
            reject_map!();
            reject_unit!();
        }
        // Anything but an array is ignored.
        let _ = d.deserialize_any(V(self))?;
        Ok(())
    }
}

/// One blocked-cookie item, if it was an object.
struct BlockedItem {
    /// The cookie's name: `cookie.name`, the name in `cookieLine`, or `name`.
    name: Option<String>,
    reasons: Vec<String>,
    has_line: bool,
}

/// The name of a `Set-Cookie` line: what precedes the first `=` of its first `;`-separated part
/// (RFC 6265bis §5.6: a pair without `=` is a nameless cookie).
fn line_name(line: &str) -> String {
    let pair = line.split(';').next().unwrap_or("");
    pair.split_once('=').map_or("", |(n, _)| n).trim().to_owned()
}

struct BlockedItemSeed;

impl<'de> DeserializeSeed<'de> for BlockedItemSeed {
    type Value = Option<BlockedItem>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Result<BlockedItem, &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a blocked cookie object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let (mut cookie_name, mut line, mut plain_name, mut reasons) = (None, None, None, Vec::new());
                while let Some(K(key, _)) = a.next_key::<K<BlockedKey>>()? {
                    match key {
                        BlockedKey::Reasons => reasons.extend(a.next_value_seed(StringsSeed)?),
                        BlockedKey::Reason => {
                            reasons.extend(a.next_value::<Scalar>()?.nonempty_text("").ok().flatten())
                        }
                        BlockedKey::CookieLine => line = a.next_value::<Scalar>()?.text("").ok().flatten(),
                        BlockedKey::Cookie => {
                            if let Ok(fields) = a.next_value_seed(FieldsSeed::<NameKey>::new())? {
                                for (_, v) in fields {
                                    cookie_name = v.text("").ok().flatten();
                                }
                            }
                        }
                        BlockedKey::Name => plain_name = a.next_value::<Scalar>()?.text("").ok().flatten(),
                        BlockedKey::Other => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let has_line = line.is_some();
                let name = cookie_name.or_else(|| line.as_deref().map(line_name)).or(plain_name);
                Ok(Ok(BlockedItem { name, reasons, has_line }))
            }
            reject_scalars!();
            reject_seq!();
            reject_unit!();
        }
        Ok(d.deserialize_any(V)?.ok())
    }
}

/// An array of strings (other members dropped); a lone string is a list of one; anything else is
/// empty.
struct StringsSeed;

impl<'de> DeserializeSeed<'de> for StringsSeed {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Result<Vec<String>, &'static str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = a.next_element::<Scalar>()? {
                    if let Scalar::Str(s) = v {
                        if !s.is_empty() {
                            out.push(s.into_owned());
                        }
                    }
                }
                Ok(Ok(out))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Ok(if s.is_empty() { Vec::new() } else { vec![s.to_owned()] }))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Err("a number"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Err("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Err("a number"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Err("a boolean"))
            }
            reject_map!();
            reject_unit!();
        }
        Ok(d.deserialize_any(V)?.unwrap_or_default())
    }
}
