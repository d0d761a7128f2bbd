//! A one-pass reader for the common shape of a HAR held in memory (a memory map), in front of the
//! serde visitors of [`super::de`].
//!
//! The visitors accept anything and pay serde's per-key and per-value dispatch for every field of
//! every entry. Nearly every entry of a real capture has one shape: `request` and `response` objects
//! whose headers are `{name, value}` strings, a few scalars, and bodies to skip. This reader matches
//! keys with the visitors' own key tables (no UTF-8 work for ASCII keys) and builds the exchange
//! with the very same pooled storage; everything it does not
//! recognise it hands to the visitors, so the visitors stay the one definition of what a HAR entry
//! means:
//! - an entry it does not take whole (a field of another type or shape, an escaped key, a duplicate
//!   key, a problem to report) is read by the visitors from the same bytes, its result kept;
//! - anything doubtful about the document itself (not the usual root and `log`, broken JSON, an entry
//!   the visitors reject as JSON) restarts the whole read with the visitors, which then skip the
//!   entries already delivered. Their error messages and positions are therefore exactly the
//!   visitors'.
//!
//! It is strict where serde_json is: strings with raw control characters, bad escapes, numbers and
//! literals out of the JSON grammar, or nesting past 128 levels are never taken (the visitors decide
//! them). Like serde_json's skipping, it does not check the UTF-8 of text it skips.

use super::{
    Builder, CookieKey, Ctx, EntryKey, EntrySeed, HeaderKey, InitiatorKey, Key, LogKey, LogMember, Pool, RequestKey,
    ResponseKey,
};
use crate::evidence::{Exchange, Header, ListedCookie};
use crate::json_text::special;
use crate::model::time::Timestamp;
use serde::de::DeserializeSeed;
use std::borrow::Cow;
use std::ops::ControlFlow;

/// How a one-pass read ended.
#[derive(Debug, PartialEq, Eq)]
pub(in crate::input::har) enum Outcome {
    /// The whole document was read.
    Done,
    /// The sink asked to stop.
    Stopped,
    /// The visitors must read the document; the first `delivered` entries were already delivered.
    Restart { delivered: usize },
}

/// Why a value was not taken: the caller hands it (or the document) to the visitors.
#[derive(Debug)]
struct NotTaken;

type Taken<T> = Result<T, NotTaken>;

/// Deeper than this the visitors decide (serde_json stops at 128 levels).
const MAX_DEPTH: usize = 120;

/// Reads the HAR in `body` (the input after any BOM) into `ctx`'s sink.
pub(in crate::input::har) fn read(body: &[u8], ctx: &mut Ctx<'_>) -> Outcome {
    let mut s = Scan { b: body, i: 0 };
    match root(&mut s, ctx) {
        Ok(ControlFlow::Continue(())) => Outcome::Done,
        Ok(ControlFlow::Break(())) => Outcome::Stopped,
        Err(NotTaken) => Outcome::Restart { delivered: ctx.next_index },
    }
}

/// The document: `{"log": {...}}`, other top-level members skipped, then only whitespace.
fn root(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> Taken<ControlFlow<()>> {
    s.ws();
    s.expect(b'{')?;
    ctx.root_started = true;
    let mut found_log = false;
    let mut first = true;
    while let Some(key) = s.next_key_in_object(&mut first)? {
        if key == "log" {
            if found_log {
                return Err(NotTaken);
            }
            found_log = true;
            if log(s, ctx)?.is_break() {
                return Ok(ControlFlow::Break(()));
            }
        } else {
            s.skip_value(0)?;
        }
    }
    s.ws();
    if !found_log || s.i != s.b.len() {
        return Err(NotTaken);
    }
    Ok(ControlFlow::Continue(()))
}

/// `log`: `entries` read here, its other members by the visitors' own code.
fn log(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> Taken<ControlFlow<()>> {
    s.ws();
    s.expect(b'{')?;
    let mut found_entries = false;
    let mut first = true;
    while let Some(key) = s.next_key_in_object(&mut first)? {
        match LogKey::from_name(key) {
            LogKey::Entries => {
                if found_entries {
                    return Err(NotTaken);
                }
                found_entries = true;
                if !ctx.log_emitted {
                    ctx.log_emitted = true;
                    if (ctx.sink)(super::HarItem::Log(ctx.info.clone())).is_break() {
                        return Ok(ControlFlow::Break(()));
                    }
                }
                if entries(s, ctx)?.is_break() {
                    return Ok(ControlFlow::Break(()));
                }
            }
            LogKey::Other => s.skip_value(0)?,
            key => {
                // One member through the visitors: the same code decides it as in a full read.
                s.ws();
                let mut de = serde_json::Deserializer::from_slice(&s.b[s.i..]);
                let start = s.i;
                LogMember { ctx: &mut *ctx, key }.deserialize(&mut de).map_err(|_| NotTaken)?;
                s.i = end_of_value(s.b, start)?;
            }
        }
    }
    if !found_entries {
        return Err(NotTaken);
    }
    Ok(ControlFlow::Continue(()))
}

/// `log.entries`: each entry taken here or read by the visitors, and delivered.
fn entries(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> Taken<ControlFlow<()>> {
    s.ws();
    s.expect(b'[')?;
    ctx.in_entries = true;
    s.ws();
    if s.peek() == Some(b']') {
        s.i += 1;
        ctx.in_entries = false;
        return Ok(ControlFlow::Continue(()));
    }
    loop {
        s.ws();
        let start = s.i;
        let index = ctx.next_index;
        let outcome = match entry(s, ctx, index) {
            Ok(ex) => {
                #[cfg(test)]
                TAKEN.with(|n| n.set(n.get() + 1));
                Ok(ex)
            }
            Err(NotTaken) => {
                // The visitors read this entry from its first byte.
                s.i = start;
                let mut de = serde_json::Deserializer::from_slice(&s.b[start..]);
                let outcome = EntrySeed(&mut *ctx).deserialize(&mut de).map_err(|_| NotTaken)?;
                s.i = end_of_value(s.b, start)?;
                outcome
            }
        };
        if let Some(progress) = ctx.progress {
            progress.store(s.i, std::sync::atomic::Ordering::Relaxed);
        }
        if super::deliver(ctx, index, outcome).is_break() {
            return Ok(ControlFlow::Break(()));
        }
        s.ws();
        match s.bump()? {
            b',' => continue,
            b']' => break,
            _ => return Err(NotTaken),
        }
    }
    ctx.in_entries = false;
    Ok(ControlFlow::Continue(()))
}

/// Where the value the visitors just read from `start` ends (serde_json does not say).
fn end_of_value(b: &[u8], start: usize) -> Taken<usize> {
    let mut t = Scan { b, i: start };
    t.skip_value(0)?;
    Ok(t.i)
}

/// Which members of an object were seen, by key (a duplicate is left to the visitors, which let
/// the last win).
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn first<K: Copy + Into<u32>>(&mut self, key: K) -> Taken<()> {
        let bit = 1u32.checked_shl(key.into()).ok_or(NotTaken)?;
        if self.0 & bit != 0 {
            return Err(NotTaken);
        }
        self.0 |= bit;
        Ok(())
    }
}

/// One entry of the usual shape, or `NotTaken` (nothing delivered; the pool keeps what it lent).
fn entry(s: &mut Scan<'_>, ctx: &mut Ctx<'_>, index: usize) -> Taken<Exchange> {
    s.expect(b'{')?;
    ctx.open_entry = Some(index);
    let mut pool = std::mem::take(&mut ctx.pool);
    let ex = pool.exchange((ctx.spare)(), index);
    let mut b = Builder { ex, pool, ..Builder::default() };
    // A missing request, URL or method is a problem to report, with its place: the visitors say it.
    let taken = entry_members(s, &mut b).is_ok() && b.has_request && b.has_url && b.has_method;
    ctx.pool = std::mem::take(&mut b.pool);
    if !taken {
        // Its storage goes back to the pool for the visitors' read of the same entry.
        let _ = ctx.pool.exchange(Some(b.ex), index);
        return Err(NotTaken);
    }
    ctx.open_entry = None;
    Ok(super::finish_exchange(b, &mut ctx.pool))
}

fn entry_members(s: &mut Scan<'_>, b: &mut Builder) -> Taken<()> {
    let mut seen = Seen::default();
    let mut first = true;
    while let Some(key) = s.next_key_in_object(&mut first)? {
        let key = EntryKey::from_name(key);
        match key {
            EntryKey::PageRef => {
                seen.first(key)?;
                Builder::set_opt(&mut b.pool, &mut b.ex.page_ref, s.nonempty_text()?);
            }
            EntryKey::Started => {
                seen.first(key)?;
                b.ex.started = s.text_or_null()?.and_then(|t| Timestamp::parse_rfc3339(&t));
            }
            EntryKey::Request => {
                seen.first(key)?;
                b.has_request = true;
                request(s, b)?;
            }
            EntryKey::Response => {
                seen.first(key)?;
                response(s, b)?;
            }
            EntryKey::ResourceType => {
                seen.first(key)?;
                Builder::set_opt(&mut b.pool, &mut b.ex.resource_type, s.nonempty_text()?);
            }
            EntryKey::Initiator => {
                seen.first(key)?;
                initiator(s, b)?;
            }
            EntryKey::InitiatorType => {
                seen.first(key)?;
                Builder::set_opt(&mut b.pool, &mut b.ex.initiator_type, s.nonempty_text()?);
            }
            EntryKey::FromCache => b.ex.from_cache |= s.flag()?,
            EntryKey::FetchType => b.ex.from_cache |= super::mentions_cache(s.text_or_null()?),
            EntryKey::Error | EntryKey::FailureText => {
                let v = s.text_or_null()?;
                b.error_text(v);
            }
            EntryKey::WsMessages => {
                seen.first(key)?;
                b.ex.websocket_messages = s.count_elements()?;
            }
            EntryKey::BlockedCookies => return Err(NotTaken),
            EntryKey::Other => s.skip_value(0)?,
        }
    }
    Ok(())
}

fn request(s: &mut Scan<'_>, b: &mut Builder) -> Taken<()> {
    s.ws();
    s.expect(b'{')?;
    let mut seen = Seen::default();
    let mut first = true;
    while let Some(key) = s.next_key_in_object(&mut first)? {
        let key = RequestKey::from_name(key);
        match key {
            RequestKey::Method => {
                seen.first(key)?;
                let v = s.text_or_null()?;
                b.has_method = v.is_some();
                super::set_text(&mut b.ex.method, v.unwrap_or(Cow::Borrowed("")));
            }
            RequestKey::Url => {
                seen.first(key)?;
                let v = s.text_or_null()?;
                b.has_url = v.is_some();
                super::set_text(&mut b.ex.url, v.unwrap_or(Cow::Borrowed("")));
            }
            RequestKey::HttpVersion => {
                seen.first(key)?;
                let v = s.text_or_null()?;
                super::set_text(&mut b.ex.http_version, v.unwrap_or(Cow::Borrowed("")));
            }
            RequestKey::Headers => {
                seen.first(key)?;
                headers(s, &mut b.pool, &mut b.ex.request_headers.0)?;
            }
            RequestKey::Cookies => {
                seen.first(key)?;
                cookies(s, &mut b.pool, &mut b.ex.request_cookies)?;
            }
            RequestKey::BlockedCookies
            | RequestKey::BlockedCookiesCdp
            | RequestKey::AssociatedCookies
            | RequestKey::AssociatedCookiesCdp => return Err(NotTaken),
            RequestKey::Other => s.skip_value(0)?,
        }
    }
    Ok(())
}

fn response(s: &mut Scan<'_>, b: &mut Builder) -> Taken<()> {
    s.ws();
    if s.literal_null() {
        return Ok(());
    }
    s.expect(b'{')?;
    let mut seen = Seen::default();
    let mut first = true;
    while let Some(key) = s.next_key_in_object(&mut first)? {
        let key = ResponseKey::from_name(key);
        match key {
            ResponseKey::Status => {
                seen.first(key)?;
                b.ex.status = s.status()?;
            }
            ResponseKey::HttpVersion => {
                seen.first(key)?;
                let v = s.text_or_null()?;
                super::set_text(&mut b.response_http_version, v.unwrap_or(Cow::Borrowed("")));
            }
            ResponseKey::Headers => {
                seen.first(key)?;
                headers(s, &mut b.pool, &mut b.ex.response_headers.0)?;
            }
            ResponseKey::Cookies => {
                seen.first(key)?;
                cookies(s, &mut b.pool, &mut b.ex.response_cookies)?;
            }
            ResponseKey::RedirectUrl => {
                seen.first(key)?;
                Builder::set_opt(&mut b.pool, &mut b.ex.redirect_url, s.nonempty_text()?);
            }
            ResponseKey::Error | ResponseKey::FailureText => {
                let v = s.text_or_null()?;
                b.error_text(v);
            }
            ResponseKey::FromDiskCache | ResponseKey::FromPrefetchCache => b.ex.from_cache |= s.flag()?,
            ResponseKey::FulfilledBy => b.ex.from_cache |= super::mentions_cache(s.text_or_null()?),
            ResponseKey::BlockedCookies | ResponseKey::BlockedCookiesCdp => return Err(NotTaken),
            ResponseKey::Other => s.skip_value(0)?,
        }
    }
    Ok(())
}

/// `headers`: an array of `{name, value}` strings (a `null` value is empty), or `null`.
fn headers(s: &mut Scan<'_>, pool: &mut Pool, out: &mut Vec<Header>) -> Taken<()> {
    pool.put_headers(out);
    if !s.array_or_null()? {
        return Ok(());
    }
    let mut first = true;
    while s.next_element(&mut first)? {
        s.expect(b'{')?;
        let open = s.i;
        if let Some((name, value)) = s.name_then_value() {
            pool.push_header(out, name, value);
            continue;
        }
        // Another shape: read again from the `{`, member by member.
        s.i = open;
        let (mut name, mut value) = (None, None);
        let mut inner = true;
        while let Some(key) = s.next_key_in_object(&mut inner)? {
            match HeaderKey::from_name(key) {
                HeaderKey::Name if name.is_none() => name = Some(s.text_or_null()?.ok_or(NotTaken)?),
                HeaderKey::Value if value.is_none() => value = Some(s.text_or_null()?.unwrap_or(Cow::Borrowed(""))),
                HeaderKey::Name | HeaderKey::Value => return Err(NotTaken),
                HeaderKey::Other => s.skip_value(1)?,
            }
        }
        let name = name.ok_or(NotTaken)?;
        pool.push_header(out, name, value.unwrap_or(Cow::Borrowed("")));
    }
    Ok(())
}

/// `cookies`: an array of cookie objects whose fields are strings, booleans or `null`, or `null`.
fn cookies(s: &mut Scan<'_>, pool: &mut Pool, out: &mut Vec<ListedCookie>) -> Taken<()> {
    pool.put_cookies(out);
    if !s.array_or_null()? {
        return Ok(());
    }
    let mut first = true;
    while s.next_element(&mut first)? {
        s.expect(b'{')?;
        let mut c = pool.cookie();
        let mut seen = Seen::default();
        let mut inner = true;
        while let Some(key) = s.next_key_in_object(&mut inner)? {
            let key = CookieKey::from_name(key);
            match key {
                CookieKey::Name => {
                    seen.first(key)?;
                    super::set_text(&mut c.name, s.text_or_null()?.unwrap_or(Cow::Borrowed("")));
                }
                CookieKey::Value => {
                    seen.first(key)?;
                    super::set_text(&mut c.value, s.text_or_null()?.unwrap_or(Cow::Borrowed("")));
                }
                CookieKey::Domain => {
                    seen.first(key)?;
                    Builder::set_opt(pool, &mut c.domain, s.nonempty_text()?);
                }
                CookieKey::Path => {
                    seen.first(key)?;
                    Builder::set_opt(pool, &mut c.path, s.nonempty_text()?);
                }
                CookieKey::Secure => {
                    seen.first(key)?;
                    c.secure = Some(s.flag()?);
                }
                CookieKey::HttpOnly => {
                    seen.first(key)?;
                    c.http_only = Some(s.flag()?);
                }
                CookieKey::SameSite => {
                    seen.first(key)?;
                    Builder::set_opt(pool, &mut c.same_site, s.nonempty_text()?);
                }
                CookieKey::Other => s.skip_value(1)?,
            }
        }
        out.push(c);
    }
    Ok(())
}

/// `_initiator`: a URL string, `null`, or `{type, url, ...}` without a `stack` (a stack's first
/// frame stands in for a missing URL: the visitors read those).
fn initiator(s: &mut Scan<'_>, b: &mut Builder) -> Taken<()> {
    s.ws();
    match s.peek() {
        Some(b'"') => {
            let v = s.text()?;
            if !v.is_empty() {
                Builder::set_opt(&mut b.pool, &mut b.ex.initiator_url, Some(v));
            }
            Ok(())
        }
        Some(b'n') if s.literal_null() => Ok(()),
        Some(b'{') => {
            s.i += 1;
            let mut seen = Seen::default();
            let mut url = None;
            let mut first = true;
            while let Some(key) = s.next_key_in_object(&mut first)? {
                let key = InitiatorKey::from_name(key);
                match key {
                    InitiatorKey::Type => {
                        seen.first(key)?;
                        Builder::set_opt(&mut b.pool, &mut b.ex.initiator_type, s.nonempty_text()?);
                    }
                    InitiatorKey::Url => {
                        seen.first(key)?;
                        url = s.nonempty_text()?;
                    }
                    InitiatorKey::Stack => return Err(NotTaken),
                    InitiatorKey::Other => s.skip_value(1)?,
                }
            }
            if let Some(u) = url {
                Builder::set_opt(&mut b.pool, &mut b.ex.initiator_url, Some(u));
            }
            Ok(())
        }
        _ => Err(NotTaken),
    }
}

/// A cursor over the input.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) -> Taken<u8> {
        let c = self.peek().ok_or(NotTaken)?;
        self.i += 1;
        Ok(c)
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Taken<()> {
        self.ws();
        if self.bump()? == c {
            Ok(())
        } else {
            Err(NotTaken)
        }
    }

    /// In an object, after `{` or a member: `true` at the next key's opening quote (the separator
    /// consumed), `false` past the closing `}`.
    fn next_member(&mut self, first: &mut bool) -> Taken<bool> {
        self.ws();
        match self.bump()? {
            b'}' => return Ok(false),
            b',' if !*first => self.ws(),
            b'"' if *first => self.i -= 1,
            _ => return Err(NotTaken),
        }
        *first = false;
        if self.peek() == Some(b'"') {
            Ok(true)
        } else {
            Err(NotTaken)
        }
    }

    /// After `{` (whitespace allowed): the next key, its `:` consumed, or `None` at `}`.
    fn next_key_in_object(&mut self, first: &mut bool) -> Taken<Option<&'a str>> {
        if !self.next_member(first)? {
            return Ok(None);
        }
        let start = self.i + 1;
        // A key with an escape is left to the visitors; any other must be UTF-8, as the visitors
        // require of every key they read.
        let len = special(&self.b[start..]).ok_or(NotTaken)?;
        if self.b[start + len] != b'"' {
            return Err(NotTaken);
        }
        let key = utf8(&self.b[start..start + len])?;
        self.i = start + len + 1;
        self.expect(b':')?;
        Ok(Some(key))
    }

    /// After `[`: whether another element follows (its separator consumed, whitespace skipped).
    fn next_element(&mut self, first: &mut bool) -> Taken<bool> {
        self.ws();
        match self.peek().ok_or(NotTaken)? {
            b']' => {
                self.i += 1;
                return Ok(false);
            }
            b',' if !*first => {
                self.i += 1;
                self.ws();
            }
            _ if *first => {}
            _ => return Err(NotTaken),
        }
        *first = false;
        Ok(true)
    }

    /// Opens an array (`true`) or consumes `null` (`false`, an empty list); anything else is not
    /// taken.
    fn array_or_null(&mut self) -> Taken<bool> {
        if self.literal_null() {
            return Ok(false);
        }
        self.expect(b'[')?;
        Ok(true)
    }

    /// Consumes `null` if it is next.
    fn literal_null(&mut self) -> bool {
        self.ws();
        if self.b[self.i..].starts_with(b"null") {
            self.i += 4;
            true
        } else {
            false
        }
    }

    /// A string, borrowed when it has no escapes.
    ///
    /// Inlined into its callers with the escape-free case: returned through memory, the text's three
    /// words were written one by one and read back two at a time, a stalled load per string (with
    /// [`Pool::push_header`], 7% of the reader's CPU time on a header-heavy capture).
    #[inline(always)]
    fn text(&mut self) -> Taken<Cow<'a, str>> {
        self.expect(b'"')?;
        let start = self.i;
        let j = start + special(&self.b[start..]).ok_or(NotTaken)?;
        if self.b[j] == b'"' {
            self.i = j + 1;
            return utf8(&self.b[start..j]).map(Cow::Borrowed);
        }
        self.text_escaped(start, j)
    }

    /// [`Scan::text`] of a string with an escape (or a control character) at `j`.
    #[cold]
    #[inline(never)]
    fn text_escaped(&mut self, start: usize, mut j: usize) -> Taken<Cow<'a, str>> {
        let mut owned = self.b[start..j].to_vec();
        loop {
            match self.b[j] {
                b'"' => break,
                b'\\' => j = unescape(self.b, j, &mut owned)?,
                _ => return Err(NotTaken),
            }
            let n = special(&self.b[j..]).ok_or(NotTaken)?;
            owned.extend_from_slice(&self.b[j..j + n]);
            j += n;
        }
        self.i = j + 1;
        String::from_utf8(owned).map(Cow::Owned).map_err(|_| NotTaken)
    }

    /// After a header object's `{`: its members when they are the usual two, `"name"` then `"value"`
    /// (a string and a string or `null`, which is empty), through its `}`. `None` for any other shape,
    /// which the caller reads again member by member from the `{`: the same answer, at the cost of the
    /// key look-ups this spares the 1.6 million headers of the 200 MB header-heavy capture.
    fn name_then_value(&mut self) -> Option<(Cow<'a, str>, Cow<'a, str>)> {
        self.ws();
        self.word(b"\"name\"").ok()?;
        self.expect(b':').ok()?;
        let name = self.text_or_null().ok()??;
        self.expect(b',').ok()?;
        self.ws();
        self.word(b"\"value\"").ok()?;
        self.expect(b':').ok()?;
        let value = self.text_or_null().ok()?.unwrap_or(Cow::Borrowed(""));
        self.expect(b'}').ok()?;
        Some((name, value))
    }

    /// A non-empty string; an empty one or `null` is absent (as the visitors' `Scalar::nonempty_cow`).
    fn nonempty_text(&mut self) -> Taken<Option<Cow<'a, str>>> {
        Ok(self.text_or_null()?.filter(|t| !t.is_empty()))
    }

    /// A string or `null` (absent); anything else is not taken. Inlined as [`Scan::text`] is.
    #[inline(always)]
    fn text_or_null(&mut self) -> Taken<Option<Cow<'a, str>>> {
        self.ws();
        if self.literal_null() {
            return Ok(None);
        }
        self.text().map(Some)
    }

    /// A cache flag: `true`/`false`, `null` (false), or a string (`"false"` and `""` are false).
    fn flag(&mut self) -> Taken<bool> {
        self.ws();
        let rest = &self.b[self.i..];
        if rest.starts_with(b"true") {
            self.i += 4;
            Ok(true)
        } else if rest.starts_with(b"false") {
            self.i += 5;
            Ok(false)
        } else if self.literal_null() {
            Ok(false)
        } else {
            let t = self.text()?;
            Ok(!t.is_empty() && t != "false")
        }
    }

    /// `response.status`: a non-negative integer up to 65535, or -1 (Playwright: no response).
    fn status(&mut self) -> Taken<u16> {
        self.ws();
        let negative = self.peek() == Some(b'-');
        let start = self.i + usize::from(negative);
        let digits = self.b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        let end = start + digits;
        // A fraction, an exponent or a leading zero is the visitors' to judge.
        if digits == 0 || digits > 5 || (digits > 1 && self.b[start] == b'0') {
            return Err(NotTaken);
        }
        if matches!(self.b.get(end), Some(b'.' | b'e' | b'E')) {
            return Err(NotTaken);
        }
        let n: u32 = std::str::from_utf8(&self.b[start..end]).ok().and_then(|t| t.parse().ok()).ok_or(NotTaken)?;
        self.i = end;
        match (negative, n) {
            (true, 1) => Ok(0),
            (true, _) => Err(NotTaken),
            (false, n) => u16::try_from(n).map_err(|_| NotTaken),
        }
    }

    /// Counts an array's elements (`null` is none).
    fn count_elements(&mut self) -> Taken<usize> {
        if !self.array_or_null()? {
            return Ok(0);
        }
        let (mut n, mut first) = (0, true);
        while self.next_element(&mut first)? {
            self.skip_value(1)?;
            n += 1;
        }
        Ok(n)
    }

    /// Skips one value, checking it is JSON as serde_json does when it skips.
    fn skip_value(&mut self, depth: usize) -> Taken<()> {
        if depth > MAX_DEPTH {
            return Err(NotTaken);
        }
        self.ws();
        match self.peek().ok_or(NotTaken)? {
            b'"' => self.skip_string(),
            b'{' => {
                self.i += 1;
                let mut first = true;
                while self.skip_key(&mut first)? {
                    self.skip_value(depth + 1)?;
                }
                Ok(())
            }
            b'[' => {
                self.i += 1;
                let mut first = true;
                while self.next_element(&mut first)? {
                    self.skip_value(depth + 1)?;
                }
                Ok(())
            }
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => Err(NotTaken),
        }
    }

    /// In a skipped object: the next key (not read, only checked), or `false` at `}`.
    fn skip_key(&mut self, first: &mut bool) -> Taken<bool> {
        if !self.next_member(first)? {
            return Ok(false);
        }
        self.skip_string()?;
        self.expect(b':')?;
        Ok(true)
    }

    fn word(&mut self, w: &[u8]) -> Taken<()> {
        if self.b[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(())
        } else {
            Err(NotTaken)
        }
    }

    /// A number in JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn skip_number(&mut self) -> Taken<()> {
        let b = self.b;
        let mut j = self.i;
        if b.get(j) == Some(&b'-') {
            j += 1;
        }
        let digits = |j: usize| b[j.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
        match b.get(j) {
            Some(b'0') => {
                j += 1;
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    return Err(NotTaken);
                }
            }
            Some(b'1'..=b'9') => j += digits(j),
            _ => return Err(NotTaken),
        }
        if b.get(j) == Some(&b'.') {
            let n = digits(j + 1);
            if n == 0 {
                return Err(NotTaken);
            }
            j += 1 + n;
        }
        if let Some(b'e' | b'E') = b.get(j) {
            j += 1;
            if let Some(b'+' | b'-') = b.get(j) {
                j += 1;
            }
            let n = digits(j);
            if n == 0 {
                return Err(NotTaken);
            }
            j += n;
        }
        self.i = j;
        Ok(())
    }

    /// A string skipped: escapes and control characters checked, the text itself not (bodies are
    /// nearly all of a capture's bytes).
    fn skip_string(&mut self) -> Taken<()> {
        self.i += 1;
        loop {
            self.i += special(&self.b[self.i..]).ok_or(NotTaken)?;
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return Ok(());
                }
                b'\\' => self.i = skip_escape(self.b, self.i)?,
                _ => return Err(NotTaken),
            }
        }
    }
}

/// Checks the escape at `b[at]` (a backslash) as serde_json does when it skips a string (any
/// `\\uXXXX`, paired or not); the index after it.
fn skip_escape(b: &[u8], at: usize) -> Taken<usize> {
    match b.get(at + 1).ok_or(NotTaken)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Ok(at + 2),
        b'u' => hex4(b, at + 2).map(|_| at + 6),
        _ => Err(NotTaken),
    }
}

/// Decodes the escape at `b[at]` (a backslash) onto `out`; the index after it. A lone or unpaired
/// surrogate is not taken (serde_json rejects it where it keeps the text).
fn unescape(b: &[u8], at: usize, out: &mut Vec<u8>) -> Taken<usize> {
    let c = *b.get(at + 1).ok_or(NotTaken)?;
    let simple = match c {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let hi = hex4(b, at + 2)?;
            let (code, next) = match hi {
                0xD800..=0xDBFF => {
                    if b.get(at + 6..at + 8) != Some(b"\\u") {
                        return Err(NotTaken);
                    }
                    let lo = hex4(b, at + 8)?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return Err(NotTaken);
                    }
                    (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), at + 12)
                }
                0xDC00..=0xDFFF => return Err(NotTaken),
                _ => (hi, at + 6),
            };
            let ch = char::from_u32(code).ok_or(NotTaken)?;
            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            return Ok(next);
        }
        _ => return Err(NotTaken),
    };
    out.push(simple);
    Ok(at + 2)
}

/// `bytes` as text if they are UTF-8. Nearly all a capture's keys and header texts are ASCII, which
/// needs no more than one quick pass.
fn utf8(bytes: &[u8]) -> Taken<&str> {
    if bytes.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8.
        #[allow(unsafe_code)]
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).map_err(|_| NotTaken)
}

fn hex4(b: &[u8], at: usize) -> Taken<u32> {
    let digits = b.get(at..at + 4).ok_or(NotTaken)?;
    let mut n = 0;
    for &d in digits {
        n = n * 16 + char::from(d).to_digit(16).ok_or(NotTaken)?;
    }
    Ok(n)
}

/// Whether the one-pass reader may be used: always, but tests can turn it off to compare.
pub(in crate::input::har) fn enabled() -> bool {
    #[cfg(test)]
    {
        !DISABLED.with(std::cell::Cell::get)
    }
    #[cfg(not(test))]
    {
        true
    }
}

#[cfg(test)]
thread_local! {
    /// Set by tests to read with the visitors alone.
    pub(in crate::input::har) static DISABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Entries this reader took whole (tests: that it is used at all).
    pub(in crate::input::har) static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}
