//! The HAR reader: streams `log.entries` one [`Exchange`] at a time, in memory that does not grow with
//! the file.
//!
//! Regular files are memory-mapped and parsed in place; standard input and anything that cannot be
//! mapped is parsed from a buffered reader with the same visitors. Bodies (`content.text`,
//! `postData.text`) and every field the analysis does not use are skipped without being
//! materialised. Entries are handed to a sink as soon as they are read and then dropped, or handed
//! back to be filled again ([`Spare`], [`view_har_path`]): text is parsed in place from the map and
//! copied once into storage that earlier entries already grew, so that in the steady state reading an
//! entry allocates nothing. (Exchanges stay owned rather than borrowing the map: the analysis keeps
//! and shares headers across entries and threads, and one copy of an entry's few hundred bytes of
//! header text costs far less than the parse around it.) What lies
//! outside entries is bounded too: at most [`MAX_PAGES`] pages are kept, and problems (a malformed
//! page, a skipped entry) are tallied per kind ([`ProblemKind`]), not kept one by one.
//!
//! Leniency: producers disagree (see `test-material.md` §5), so a wrong type inside one entry makes
//! that entry an [`HarItem::EntryError`] (or is tolerated when its meaning is clear, e.g. `"200"` as a
//! status) while the other entries are still delivered. Only broken JSON, or a document that is not a
//! HAR at all, ends the read with an [`InputError`] — after every entry before the break was delivered.

mod de;
#[cfg(test)]
mod tests;

use crate::evidence::{Exchange, InputError, Location, Page};
use de::{Ctx, Fault, LineIndex, RootSeed};
use serde::de::DeserializeSeed;
use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::AtomicUsize;

/// The UTF-8 byte-order mark some producers (mitmproxy, Windows tools) write first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A program named in the HAR (`log.creator`, `log.browser`): tells which producer's quirks to
/// expect and whether a capture is a sanitized Chrome export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Software {
    /// `name` (`WebInspector`, `Firefox`, `chrome-har`, ...).
    pub name: String,
    /// `version` as written.
    pub version: String,
}

/// What `log` says about the capture, as far as it was read when the first entry came.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HarLogInfo {
    /// `log.version` (`1.2`, ...).
    pub version: Option<String>,
    /// `log.creator`.
    pub creator: Option<Software>,
    /// `log.browser` (absent in Chrome DevTools and Safari exports).
    pub browser: Option<Software>,
    /// `log.pages` that precede `log.entries` in the file; later ones are only in [`HarSummary::pages`].
    pub pages: Vec<Page>,
}

/// One item of a streamed HAR, in file order.
// Items are moved once into the sink and dropped; boxing `Exchange` would only add an allocation per entry.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HarItem {
    /// The log's metadata, delivered once, before the first entry (or at the end when there are none).
    Log(HarLogInfo),
    /// One readable entry.
    Entry(Exchange),
    /// One entry that could not be read; it is skipped and the read goes on.
    EntryError(InputError),
}

/// Problems of one kind, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProblemKind {
    /// The problem with array positions left out (`request.headers[n].name: missing`).
    pub kind: String,
    /// The first such problem, in full.
    pub first: String,
    /// How many there were.
    pub count: usize,
    /// The entry of the first one, when it is inside an entry.
    pub first_entry: Option<usize>,
}

/// Problems of more kinds than this are counted together in one last kind.
pub const MAX_PROBLEM_KINDS: usize = 32;

/// At most this many pages of `log.pages` are kept (the rest are counted in a log problem): real
/// captures hold a few hundred, and each kept page costs memory for the whole read.
pub const MAX_PAGES: usize = 100_000;

/// Totals over a whole read: what an analysis needs to judge the capture as a whole (for example a
/// sanitized Chrome export: `request.cookies` lists but no `Cookie` headers anywhere).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HarSummary {
    /// Entries delivered as [`HarItem::Entry`].
    pub entries: usize,
    /// Entries delivered as [`HarItem::EntryError`].
    pub entry_errors: usize,
    /// `log.version`.
    pub version: Option<String>,
    /// `log.creator`.
    pub creator: Option<Software>,
    /// `log.browser`.
    pub browser: Option<Software>,
    /// Every readable page of `log.pages`, wherever it stood in the file.
    pub pages: Vec<Page>,
    /// Problems outside entries that were skipped (a malformed page, a `creator` that is not an
    /// object, ...), one per kind of problem: alike problems (a thousand malformed pages) are one
    /// message that names the first and counts the rest. They never stop the read.
    pub log_problems: Vec<InputError>,
    /// Why entries were skipped, one [`ProblemKind`] per kind of problem with its count, in order of
    /// first appearance: what a report shows instead of one line per skipped entry.
    pub entry_error_kinds: Vec<ProblemKind>,
    /// Request and response headers delivered.
    pub headers: usize,
    /// Bytes of header names and values delivered.
    pub header_bytes: u64,
    /// Requests with at least one `Cookie` header.
    pub requests_with_cookie_header: usize,
    /// Requests with an `Authorization` header.
    pub requests_with_authorization: usize,
    /// Responses with at least one `Set-Cookie` header.
    pub responses_with_set_cookie: usize,
    /// `Set-Cookie` lines after unfolding `\n`-folded values.
    pub set_cookie_lines: usize,
    /// Entries with a non-empty `request.cookies` list.
    pub request_cookie_lists: usize,
    /// Entries with a non-empty `request.cookies` list but no `Cookie` header (headers stripped).
    pub request_cookie_lists_without_header: usize,
    /// Entries with a non-empty `response.cookies` list.
    pub response_cookie_lists: usize,
    /// Entries with a non-empty `response.cookies` list but no `Set-Cookie` header.
    pub response_cookie_lists_without_header: usize,
    /// Entries served from a cache.
    pub cached: usize,
    /// Entries with status 0 (failed or blocked).
    pub failed: usize,
    /// Entries with a `redirectURL`.
    pub redirects: usize,
    /// WebSocket messages counted over all entries.
    pub websocket_messages: usize,
    /// Whether the sink stopped the read before the end (the totals then cover only what was read).
    pub stopped_early: bool,
}

impl HarSummary {
    fn count(&mut self, ex: &Exchange) {
        self.entries += 1;
        for h in ex.request_headers.0.iter().chain(&ex.response_headers.0) {
            self.headers += 1;
            self.header_bytes += (h.name.len() + h.value.len()) as u64;
        }
        let has_cookie = ex.request_headers.contains("cookie");
        let has_set_cookie = ex.response_headers.contains("set-cookie");
        self.requests_with_cookie_header += usize::from(has_cookie);
        self.requests_with_authorization += usize::from(ex.request_headers.contains("authorization"));
        self.responses_with_set_cookie += usize::from(has_set_cookie);
        if has_set_cookie {
            // `set_cookie_lines().len()`, without collecting them.
            self.set_cookie_lines += ex.response_headers.get_all("set-cookie").filter(|l| !l.trim().is_empty()).count();
        }
        if !ex.request_cookies.is_empty() {
            self.request_cookie_lists += 1;
            self.request_cookie_lists_without_header += usize::from(!has_cookie);
        }
        if !ex.response_cookies.is_empty() {
            self.response_cookie_lists += 1;
            self.response_cookie_lists_without_header += usize::from(!has_set_cookie);
        }
        self.cached += usize::from(ex.from_cache);
        self.failed += usize::from(ex.status == 0);
        self.redirects += usize::from(ex.redirect_url.is_some());
        self.websocket_messages += ex.websocket_messages;
    }
}

/// Reads the HAR at `path`, memory-mapped when it is a regular file, streaming otherwise.
///
/// Entries go to `sink` as they are read; returning [`ControlFlow::Break`] stops the read (the
/// summary then has `stopped_early`). An `Err` means the file as a whole could not be read further;
/// entries before the break were already delivered. `-` is not special here: pass standard input to
/// [`read_har_reader`].
pub fn read_har_path(path: &Path, sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>) -> Result<HarSummary, InputError> {
    read_har_path_reusing(path, sink, &mut || None)
}

/// Hands back an exchange the sink is done with, for the reader to fill again: its strings and lists
/// keep their allocations, so that reading an entry allocates nothing once they have grown. `None`
/// when there is none yet.
pub type Spare<'a> = dyn FnMut() -> Option<Exchange> + 'a;

/// [`read_har_path`] for a sink that gives exchanges back through `spare` (see [`Spare`]).
pub fn read_har_path_reusing(
    path: &Path,
    sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>,
    spare: &mut Spare<'_>,
) -> Result<HarSummary, InputError> {
    match open_har(path)? {
        OpenedHar::Mapped(map) => read_har_slice_reusing(map.bytes(), path, sink, spare),
        OpenedHar::Stream(file) => read_har_reader_reusing(file, path, sink, spare),
    }
}

/// A HAR file opened for reading: memory-mapped when it is a regular, non-empty file that can be
/// mapped, else to be streamed.
pub(crate) enum OpenedHar {
    Mapped(MappedHar),
    Stream(File),
}

/// Opens the HAR at `path` ([`OpenedHar`]); the error names the file.
pub(crate) fn open_har(path: &Path) -> Result<OpenedHar, InputError> {
    let file = File::open(path).map_err(|e| whole_file(path, format!("cannot open the file: {e}")))?;
    let is_nonempty_file = file.metadata().map(|m| m.is_file() && m.len() > 0).unwrap_or(false);
    if is_nonempty_file {
        // SAFETY: `Mmap::map` is unsafe because the file may change while mapped: a truncation makes
        // reads fault (SIGBUS) and a concurrent rewrite changes bytes the parser is borrowing. The map
        // is read-only, lives only while the file is read, and nothing borrowed from it escapes
        // (entries are owned). HAR files are finished exports that nothing writes while they are
        // analysed; this is the same trade-off ripgrep makes, accepted for the constant memory and 3x
        // lower CPU over streaming (crates.md §4). Callers who cannot accept it use `read_har_reader`.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(OpenedHar::Mapped(MappedHar { map }));
        }
    }
    Ok(OpenedHar::Stream(file))
}

/// A HAR file's bytes, memory-mapped ([`open_har`]).
pub(crate) struct MappedHar {
    map: memmap2::Mmap,
}

impl MappedHar {
    /// The whole file.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Maps the file's pages in `offset..offset + len` into the page table (`MADV_POPULATE_READ`),
    /// as reading them would fault them in one small group at a time. On a body-heavy capture those
    /// faults were up to about half of the reader's scan of a 200 MB file (less in quieter states of
    /// the machine); a thread with time to spare takes them ahead of the reader. `false` when the system cannot (Linux before 5.14, other systems):
    /// the reader then faults them in itself, as it always may.
    pub(crate) fn populate(&self, offset: usize, len: usize) -> bool {
        #[cfg(target_os = "linux")]
        {
            self.map.advise_range(memmap2::Advice::PopulateRead, offset, len).is_ok()
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (offset, len);
            false
        }
    }

    /// Takes the pages in `offset..offset + len` out of the page table (`MADV_DONTNEED`): the reader
    /// has passed them, and a page still mapped when the process exits is unmapped then, after the
    /// analysis, where nothing else overlaps it (about 8 ms for a 200 MB capture, on the wall time).
    /// Released behind the reader instead, the unmapping shares the second core with the analysis. A
    /// released page read again is faulted in again from the page cache, with the same bytes.
    pub(crate) fn release(&self, offset: usize, len: usize) -> bool {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: the map is shared (MAP_SHARED) and read-only: after MADV_DONTNEED its pages read
            // as the file's bytes again (faulted in from the page cache), so every slice of the map
            // keeps reading what it read before; nothing is freed that a reference could see change.
            unsafe { self.map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len) }.is_ok()
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (offset, len);
            false
        }
    }
}

/// [`read_har_slice_reusing`] over a mapped file that stores in `progress`, entry after entry, how
/// far the read has come (an offset into the document, after any BOM), for a thread that maps pages
/// ahead of it.
pub(crate) fn read_mapped_har_reusing(
    map: &MappedHar,
    name: &Path,
    sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>,
    spare: &mut Spare<'_>,
    progress: &AtomicUsize,
) -> Result<HarSummary, InputError> {
    read_slice(map.bytes(), name, sink, spare, Some(progress))
}

/// [`read_har_path`] that shows each item to `view` instead of handing it over, and fills the same
/// exchange again for the next entry: the cheapest way to read when nothing is kept.
pub fn view_har_path(path: &Path, view: &mut dyn FnMut(&HarItem) -> ControlFlow<()>) -> Result<HarSummary, InputError> {
    let slot = Cell::new(None);
    read_har_path_reusing(path, &mut |item| show(&slot, view, item), &mut || slot.take())
}

/// [`read_har_reader`] that shows each item to `view`, like [`view_har_path`].
pub fn view_har_reader(
    reader: impl Read,
    name: &Path,
    view: &mut dyn FnMut(&HarItem) -> ControlFlow<()>,
) -> Result<HarSummary, InputError> {
    let slot = Cell::new(None);
    read_har_reader_reusing(reader, name, &mut |item| show(&slot, view, item), &mut || slot.take())
}

/// Shows `item` to `view`, then keeps its exchange in `slot` for the next entry.
fn show(
    slot: &Cell<Option<Exchange>>,
    view: &mut dyn FnMut(&HarItem) -> ControlFlow<()>,
    item: HarItem,
) -> ControlFlow<()> {
    let flow = view(&item);
    if let HarItem::Entry(x) = item {
        slot.set(Some(x));
    }
    flow
}

/// Reads a HAR from any reader (standard input, a pipe) in constant memory; `name` is used in
/// locations (`-` for standard input).
pub fn read_har_reader(
    reader: impl Read,
    name: &Path,
    sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>,
) -> Result<HarSummary, InputError> {
    read_har_reader_reusing(reader, name, sink, &mut || None)
}

/// [`read_har_reader`] for a sink that gives exchanges back through `spare` (see [`Spare`]). Text is
/// copied out of the read-ahead buffer here: a reader cannot lend it.
pub fn read_har_reader_reusing(
    reader: impl Read,
    name: &Path,
    sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>,
    spare: &mut Spare<'_>,
) -> Result<HarSummary, InputError> {
    let mut buf = BufReader::with_capacity(64 * 1024, reader);
    let mut bom = false;
    // Skip a BOM; `fill_buf` may return fewer than three bytes on a pipe, so read up to three.
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < 3 {
        let avail = buf.fill_buf().map_err(|e| whole_file(name, format!("cannot read: {e}")))?;
        if avail.is_empty() {
            break;
        }
        let n = avail.len().min(3 - got);
        head[got..got + n].copy_from_slice(&avail[..n]);
        if head[..got + n] != BOM[..got + n] {
            break;
        }
        buf.consume(n);
        got += n;
    }
    if got == 3 {
        bom = true;
    }
    // A partial BOM prefix was consumed: put it back in front.
    let prefix = if bom { &[][..] } else { &head[..got] };
    let de = serde_json::Deserializer::from_reader(prefix.chain(buf));
    run(de, name, Source { bom, ..Source::default() }, sink, spare)
}

/// Reads a HAR held in memory (a memory map, a test string, a fuzz input).
pub fn read_har_slice(
    bytes: &[u8],
    name: &Path,
    sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>,
) -> Result<HarSummary, InputError> {
    read_har_slice_reusing(bytes, name, sink, &mut || None)
}

/// [`read_har_slice`] for a sink that gives exchanges back through `spare` (see [`Spare`]). Text
/// without JSON escapes is read in place and copied once, into the spare's storage.
pub fn read_har_slice_reusing(
    bytes: &[u8],
    name: &Path,
    sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>,
    spare: &mut Spare<'_>,
) -> Result<HarSummary, InputError> {
    read_slice(bytes, name, sink, spare, None)
}

/// [`read_har_slice_reusing`], storing the one-pass read's progress in `progress` when given.
fn read_slice(
    bytes: &[u8],
    name: &Path,
    sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>,
    spare: &mut Spare<'_>,
    progress: Option<&AtomicUsize>,
) -> Result<HarSummary, InputError> {
    let bom = bytes.starts_with(BOM);
    let source = Source { src: Some(bytes), bom, progress };
    run(serde_json::Deserializer::from_slice(source.body().unwrap_or(bytes)), name, source, sink, spare)
}

/// What [`run`] knows of its input besides the deserializer.
#[derive(Default)]
struct Source<'a> {
    /// The whole input, when it is in memory.
    src: Option<&'a [u8]>,
    /// Whether a BOM came first.
    bom: bool,
    /// Where to report how far the one-pass read has come.
    progress: Option<&'a AtomicUsize>,
}

impl<'a> Source<'a> {
    /// The document after any BOM, when it is in memory.
    fn body(&self) -> Option<&'a [u8]> {
        self.src.map(|src| if self.bom { &src[BOM.len()..] } else { src })
    }
}

/// Reads with the visitors from `de`; a document in memory (`body`, after any BOM) is first read in
/// one pass ([`de::fast`]), which hands it to the visitors when it is not of the usual shape.
fn run<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    name: &Path,
    source: Source<'_>,
    sink: &mut dyn FnMut(HarItem) -> ControlFlow<()>,
    spare: &mut Spare<'_>,
) -> Result<HarSummary, InputError> {
    let mut ctx = Ctx {
        sink,
        summary: HarSummary::default(),
        info: HarLogInfo::default(),
        log_emitted: false,
        log_problems: de::ProblemTally::default(),
        entry_problems: de::ProblemTally::default(),
        next_index: 0,
        open_entry: None,
        in_entries: false,
        root_started: false,
        fault: None,
        file: name,
        src: source.src,
        lines: LineIndex::default(),
        spare,
        pool: de::Pool::default(),
        skip_entries: 0,
        progress: source.progress,
    };
    let one_pass = match source.body() {
        Some(body) if de::fast::enabled() => de::fast::read(body, &mut ctx),
        _ => de::fast::Outcome::Restart { delivered: 0 },
    };
    let result = match one_pass {
        de::fast::Outcome::Done => Ok(()),
        de::fast::Outcome::Stopped => Err(stopped(&mut ctx)),
        de::fast::Outcome::Restart { delivered } => {
            // The visitors read the document from the start; what the one-pass read learned of the
            // log is theirs to find again, its delivered entries (and their counts) stand.
            ctx.info = HarLogInfo::default();
            ctx.log_problems = de::ProblemTally::default();
            (ctx.root_started, ctx.in_entries, ctx.open_entry, ctx.fault) = (false, false, None, None);
            ctx.next_index = 0;
            ctx.skip_entries = delivered;
            RootSeed(&mut ctx).deserialize(&mut de).and_then(|()| de.end())
        }
    };
    let mut summary = std::mem::take(&mut ctx.summary);
    match result {
        Ok(()) => {
            if !ctx.log_emitted {
                ctx.log_emitted = true;
                // Nothing follows: whether the sink wants to stop makes no difference.
                let _ = (ctx.sink)(HarItem::Log(ctx.info.clone()));
            }
        }
        Err(err) => match describe_error(&err, &ctx, source.bom) {
            Some(e) => return Err(e),
            None => summary.stopped_early = true,
        },
    }
    summary.version = ctx.info.version;
    summary.creator = ctx.info.creator;
    summary.browser = ctx.info.browser;
    summary.pages = ctx.info.pages;
    summary.log_problems = ctx
        .log_problems
        .into_kinds()
        .into_iter()
        .map(|k| {
            let message = match k.count {
                0 | 1 => k.first,
                n if k.kind == de::OTHER_PROBLEMS => {
                    format!("{} (and {} more problems of other kinds)", k.first, n - 1)
                }
                n => format!("{} (and {} more like it)", k.first, n - 1),
            };
            InputError { location: Location { file: name.to_path_buf(), ..Location::default() }, message }
        })
        .collect();
    summary.entry_error_kinds = ctx.entry_problems.into_kinds();
    Ok(summary)
}

/// The error a sink's stop is carried by (as when the visitors stop for it).
fn stopped(ctx: &mut Ctx<'_>) -> serde_json::Error {
    ctx.fault = Some(Fault::Stopped);
    <serde_json::Error as serde::de::Error>::custom("stopped")
}

fn whole_file(name: &Path, message: String) -> InputError {
    InputError { location: Location { file: name.to_path_buf(), ..Location::default() }, message }
}

/// Turns a serde_json error into a whole-file error that says what went wrong and where, or `None`
/// when the sink stopped the read on purpose.
fn describe_error(err: &serde_json::Error, ctx: &Ctx<'_>, bom: bool) -> Option<InputError> {
    let line = err.line();
    // serde_json counts columns in bytes from the start of the parsed text; the BOM precedes it.
    let column = if bom && line == 1 { err.column() + BOM.len() } else { err.column() };
    let location = Location {
        file: ctx.file.to_path_buf(),
        line: (line > 0).then_some(line),
        column: (line > 0).then_some(column),
        entry: ctx.open_entry,
    };
    let inside = match ctx.open_entry {
        Some(n) => format!(" inside entry {n}"),
        None => String::new(),
    };
    let message = match &ctx.fault {
        Some(Fault::Stopped) => return None,
        Some(Fault::NotHar(msg)) => msg.clone(),
        None => json_error_message(err, ctx, &inside, line),
    };
    Some(InputError { location, message })
}

fn json_error_message(err: &serde_json::Error, ctx: &Ctx<'_>, inside: &str, line: usize) -> String {
    use serde_json::error::Category;
    let text = err.to_string();
    // serde_json appends " at line L column C"; the location carries that already.
    let what = text.rfind(" at line ").map_or(text.as_str(), |i| &text[..i]);
    match err.classify() {
        Category::Io => format!("cannot read: {what}"),
        Category::Eof => match ctx.open_entry {
            Some(n) => format!(
                "file ends inside entry {n} at line {line}: the file is truncated; the {n} entries before it were read"
            ),
            None if ctx.in_entries => format!(
                "file ends inside \"log.entries\" at line {line}, after {} entries: the file is truncated",
                ctx.next_index
            ),
            None if !ctx.root_started => "the file is empty: expected a HAR (JSON with \"log\")".to_owned(),
            None => format!("file ends at line {line} before the HAR is complete: the file is truncated"),
        },
        Category::Syntax | Category::Data => {
            if what.contains("recursion limit exceeded") {
                format!(
                    "JSON nested more than 128 levels deep{inside}: crossjar stops there instead of risking its stack"
                )
            } else if what.contains("invalid unicode code point") {
                format!("invalid UTF-8{inside}: a HAR must be UTF-8 text")
            } else if !ctx.root_started {
                format!("not JSON (a HAR is a JSON document): {what}")
            } else {
                format!("invalid JSON{inside}: {what}")
            }
        }
    }
}
