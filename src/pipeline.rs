//! Wiring shared by the command line and the local web page: input adapter → replay → findings.
//! Nothing here decides anything; it only connects the layers.
//!
//! Two shapes: [`stream_har_path`] hands each entry's verdicts to the caller and drops them, so memory
//! does not grow with the capture (the command line); [`analyse_har_path`] keeps every verdict in the
//! report (the web page, `crossjar diff`, tests, library users).

use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::analysis::findings::{Accumulator, Focus};
use crate::analysis::replay::{Prepared, Replay, ReplayOptions};
use crate::analysis::report::{EntryVerdict, HarReport};
use crate::evidence::Exchange;
use crate::evidence::InputError;
use crate::input::har::{
    open_har, read_har_reader_reusing, read_mapped_har_reusing, view_har_path, view_har_reader, HarItem, HarSummary,
    MappedHar, OpenedHar, Spare,
};

/// Receives one entry's verdicts, one per profile in [`ReplayOptions::browsers`] order.
pub type EntrySink<'a> = dyn FnMut(Vec<EntryVerdict>) + 'a;

/// Looks at one entry's verdicts, one per profile in [`ReplayOptions::browsers`] order; their room
/// is reused for the next entry's.
pub type EntryView<'a> = dyn FnMut(&[EntryVerdict]) + 'a;

/// What the stream hands verdicts to: a caller that keeps them takes them out of the list (an
/// [`EntrySink`]); what is left is handed back to the replay to be filled again ([`Replay::recycle`]).
type Handed<'a> = dyn FnMut(&mut Vec<EntryVerdict>) + 'a;

fn sink_into<'a>(
    replay: &'a mut Replay,
    findings: &'a mut Accumulator,
    mut entry_errors: Option<&'a mut Vec<InputError>>,
    each: &'a mut Handed<'a>,
) -> impl FnMut(&HarItem, Option<&mut Prepared>) -> ControlFlow<()> + 'a {
    move |item: &HarItem, prepared: Option<&mut Prepared>| {
        match item {
            HarItem::Log(info) => {
                replay
                    .set_creator(info.creator.as_ref().map(|c| format!("{} {}", c.name, c.version).trim().to_string()));
                for p in &info.pages {
                    replay.page(p);
                }
            }
            HarItem::Entry(x) => {
                let mut verdicts = match prepared {
                    Some(p) => replay.replay_prepared(x, p),
                    None => replay.replay(x),
                };
                if !verdicts.is_empty() {
                    findings.add(&verdicts);
                    each(&mut verdicts);
                    replay.recycle(verdicts);
                }
            }
            HarItem::EntryError(e) => {
                replay.skip(e.location.entry.unwrap_or(0), e.message.clone());
                // The first entry errors, placed; the report's `skipped_kinds` counts them all.
                if let Some(kept) = entry_errors.as_deref_mut().filter(|k| k.len() < MAX_ENTRY_ERRORS_KEPT) {
                    kept.push(e.clone());
                }
            }
        }
        ControlFlow::Continue(())
    }
}

/// Everything one HAR gives through the pipeline: the report (with every entry's verdicts), what
/// the reader made of the file (or the error that stopped it; the report then covers the entries
/// before it) and the entries that could not be read (each skipped, the rest analysed).
#[derive(Debug)]
pub struct HarRun {
    /// The analysis.
    pub report: HarReport,
    /// The file's summary, or the error that ended the read.
    pub result: Result<HarSummary, InputError>,
    /// Entries that could not be read, each placed (file, line, column, entry): the first
    /// [`MAX_ENTRY_ERRORS_KEPT`] (the report's `skipped_kinds` counts every one).
    pub entry_errors: Vec<InputError>,
}

/// Entry errors kept one by one in [`HarRun::entry_errors`]: a file of millions of broken entries
/// must not cost memory per entry.
pub const MAX_ENTRY_ERRORS_KEPT: usize = 1000;

/// Reads and analyses a HAR file (`-` reads standard input) keeping every entry's verdicts, and
/// hands back everything the reader found too ([`HarRun`]).
pub fn run_har_path(path: &Path, options: &ReplayOptions, focus: &Focus) -> HarRun {
    let mut kept = Vec::new();
    let mut run = stream_all(path, options, focus, true, &mut |v| kept.push(std::mem::take(v)));
    run.report = with_entries(run.report, kept);
    run
}

/// `keep_errors`: collect the entry errors too (the streaming paths do not, so memory does not grow
/// with a file full of broken entries beyond the replay's own list of skipped entries).
fn stream_all(path: &Path, options: &ReplayOptions, focus: &Focus, keep_errors: bool, each: &mut Handed<'_>) -> HarRun {
    stream(&path.display().to_string(), options, focus, keep_errors, each, |sink| {
        if path.as_os_str() == "-" {
            read_ahead(|s, spare| read_har_reader_reusing(std::io::stdin(), path, s, spare), sink)
        } else if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() >= READ_AHEAD_BYTES) {
            match open_har(path)? {
                OpenedHar::Mapped(map) => read_ahead_mapped(&map, path, sink),
                OpenedHar::Stream(file) => read_ahead(|s, spare| read_har_reader_reusing(file, path, s, spare), sink),
            }
        } else {
            view_har_path(path, &mut |item| sink(item, None))
        }
    })
}

/// Reads and analyses a HAR file (`-` reads standard input), handing each entry's verdicts to `each`
/// instead of keeping them: the report's runs come back without entries. Returns the report and the
/// whole-file error, if any; the report then covers the entries read before the error.
///
/// Standard input and files of [`READ_AHEAD_BYTES`] or more are parsed on a second thread while this
/// one replays, so on two cores reading and replaying overlap.
pub fn stream_har_path(
    path: &Path,
    options: &ReplayOptions,
    focus: &Focus,
    each: &mut EntrySink<'_>,
) -> (HarReport, Option<InputError>) {
    let run = stream_all(path, options, focus, false, &mut |v| each(std::mem::take(v)));
    (run.report, run.result.err())
}

/// [`stream_har_path`] for a caller that only looks at each entry's verdicts ([`EntryView`]): the
/// replay writes the next entry's verdicts into the same lists (the CLI's text and JSON reports).
pub fn stream_har_path_by_ref(
    path: &Path,
    options: &ReplayOptions,
    focus: &Focus,
    each: &mut EntryView<'_>,
) -> (HarReport, Option<InputError>) {
    let run = stream_all(path, options, focus, false, &mut |v| each(v));
    (run.report, run.result.err())
}

/// Inputs from this size on are parsed on their own thread (a smaller one is read before a thread
/// would have started paying off).
pub const READ_AHEAD_BYTES: u64 = 8 << 20;

/// Items travel between the threads in batches of this many (fewer hand-offs); at most
/// [`READ_AHEAD_BATCHES`] batches wait, so memory stays bounded whatever the input's size.
const READ_AHEAD_BATCH: usize = 64;
/// Four, not more: the exchanges in flight are filled again on the reader's thread and read on the
/// replay's, and 256 of them stay in the two cores' caches where 1 024 did not. With 16, both threads
/// ran about a tenth more CPU time on a 200 MB header-heavy capture (medians of 7 runs, per thread;
/// the wall time, less steadily, 2–9% more); 2 and 8 did no better, smaller batches did worse.
const READ_AHEAD_BATCHES: usize = 4;
/// The reader prepares the entries it reads while at least this many batches wait for the replay.
/// One rather than two: on the header-heavy capture the replay is the slower thread and should
/// prepare nothing (with two it prepared 5–8% of the entries); where the reader is the slower one,
/// the replay is waiting, and no batch is waiting for it.
const PREPARE_BACKLOG: usize = 1;

/// What the reader hands over.
type ItemSink<'a> = dyn FnMut(HarItem) -> ControlFlow<()> + 'a;
/// What the replay looks at: an item, with its [`Prepared`] facts when the reader's thread computed
/// them.
type ItemView<'a> = dyn FnMut(&HarItem, Option<&mut Prepared>) -> ControlFlow<()> + 'a;

/// Runs `read` on a second thread and shows its items to `sink` on this one, in order, each entry
/// with its [`Prepared`] facts. Batches the sink is done with go back to the reader, whose
/// exchanges and prepared facts it fills again (see [`Spare`]): in the steady state little is
/// allocated per entry, and nothing crosses threads to be freed.
///
/// Whichever thread has time prepares: the reader's while the replay is behind (a batch or more
/// waits for it), this one's while the reader is (bodies are most of a capture's bytes, and
/// skipping them is the reader's work), so the load balances itself across the two cores.
fn read_ahead(
    read: impl FnOnce(&mut ItemSink<'_>, &mut Spare<'_>) -> Result<HarSummary, InputError> + Send,
    sink: &mut ItemView<'_>,
) -> Result<HarSummary, InputError> {
    read_ahead_preparing(read, sink, Preparer::Balanced, None)
}

/// [`read_ahead`] over a mapped file, whose pages this thread maps ahead of the reader while it waits
/// for it ([`PagesAhead`]).
fn read_ahead_mapped(map: &MappedHar, path: &Path, sink: &mut ItemView<'_>) -> Result<HarSummary, InputError> {
    let progress = AtomicUsize::new(0);
    let mut ahead = PagesAhead { map, progress: &progress, next: 0 };
    read_ahead_preparing(
        |s, spare| read_mapped_releasing(map, path, s, spare, &progress),
        sink,
        Preparer::Balanced,
        Some(&mut ahead),
    )
}

/// Maps a file's pages ahead of the reader, from the replay's thread while it has nothing to replay.
///
/// A page of a memory map costs a fault the first time it is read. What the faults cost varies with
/// the machine's state: a bare scan of a 200 MB body-heavy capture took 55–67 ms of CPU with its
/// own faults and 32–36 ms with another thread mapping ahead of it at one hour of a night, 35–39 ms
/// and 32–34 ms at another. Where the reader is the slower thread the replay waits for it, and
/// mapping ahead in that time takes the faults off the reader; where the replay is the slower one,
/// it never waits and never maps.
struct PagesAhead<'a> {
    map: &'a MappedHar,
    /// How far the reader has come ([`read_mapped_har_reusing`]).
    progress: &'a AtomicUsize,
    /// Where the next pages to map start.
    next: usize,
}

impl PagesAhead<'_> {
    /// How far ahead of the reader pages are mapped: enough for the reader never to catch up while
    /// the replay waits, little enough that a stopped read has not mapped much it never reads.
    const WINDOW: usize = 32 << 20;
    /// How much is mapped at a time (about a tenth of a millisecond's work): a batch that arrives
    /// meanwhile waits no longer than that.
    const STEP: usize = 1 << 20;

    /// Maps the next pages unless they are [`Self::WINDOW`] ahead of the reader or past the end;
    /// whether it did.
    fn step(&mut self) -> bool {
        let len = self.map.bytes().len();
        let reader_at = self.progress.load(Ordering::Relaxed);
        let start = self.next.max(reader_at);
        if start >= len || start >= reader_at.saturating_add(Self::WINDOW) {
            return false;
        }
        let n = Self::STEP.min(len - start);
        if !self.map.populate(start, n) {
            // The system cannot: the reader faults the pages in itself.
            self.next = len;
            return false;
        }
        self.next = start + n;
        true
    }
}

/// [`read_mapped_har_reusing`], releasing the pages the reader has passed ([`PagesBehind`]).
fn read_mapped_releasing(
    map: &MappedHar,
    path: &Path,
    sink: &mut ItemSink<'_>,
    spare: &mut Spare<'_>,
    progress: &AtomicUsize,
) -> Result<HarSummary, InputError> {
    let mut behind = PagesBehind { map, progress, released: 0 };
    read_mapped_har_reusing(
        map,
        path,
        &mut |item| {
            behind.step();
            sink(item)
        },
        spare,
        progress,
    )
}

/// Releases the map's pages behind the reader ([`MappedHar::release`]), on the reader's thread.
struct PagesBehind<'a> {
    map: &'a MappedHar,
    /// How far the reader has come ([`read_mapped_har_reusing`]).
    progress: &'a AtomicUsize,
    /// Where the pages not yet released start.
    released: usize,
}

impl PagesBehind<'_> {
    /// How much is released at a time: one call per this many bytes read.
    const STEP: usize = 8 << 20;
    /// How far behind the reader pages stay mapped. The one-pass read looks back only within the
    /// entry it is on, which starts past `progress`; what reads further back (a document handed to
    /// the visitors from its start, line numbers counted for a problem's place) faults the released
    /// pages in again and reads the same bytes, so the margin is a cushion, not a condition.
    const MARGIN: usize = 1 << 20;

    fn step(&mut self) {
        let upto = self.progress.load(Ordering::Relaxed).saturating_sub(Self::MARGIN);
        if upto >= self.released.saturating_add(Self::STEP) {
            // Where the system cannot, the pages stay mapped until the end, as they always may.
            self.released = if self.map.release(self.released, upto - self.released) { upto } else { usize::MAX };
        }
    }
}

/// Which thread prepares an entry's facts: [`read_ahead`] balances; tests pin each thread in turn.
#[derive(Clone, Copy, Debug)]
enum Preparer {
    Balanced,
    #[cfg(test)]
    Reader,
    #[cfg(test)]
    Replay,
}

fn read_ahead_preparing(
    read: impl FnOnce(&mut ItemSink<'_>, &mut Spare<'_>) -> Result<HarSummary, InputError> + Send,
    sink: &mut ItemView<'_>,
    preparer: Preparer,
    mut ahead: Option<&mut PagesAhead<'_>>,
) -> Result<HarSummary, InputError> {
    use std::sync::mpsc;
    /// Each item with the prepared facts to fill, and whether the reader filled them.
    type Batch = Vec<(HarItem, Prepared, bool)>;
    // Batches sent and not yet replayed: how far behind the replay is. (The reader's own count of
    // batches not yet handed back lags: it takes one back per batch it sends, so after a pause of the
    // reader it counted the replay behind when it had caught up, and the reader prepared nearly every
    // entry even where it was the slower thread.)
    let backlog = AtomicUsize::new(0);
    let backlog = &backlog;
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Batch>(READ_AHEAD_BATCHES);
        let (done_tx, done_rx) = mpsc::channel::<Batch>();
        let reader = scope.spawn(move || {
            let mut batch: Batch = Vec::with_capacity(READ_AHEAD_BATCH);
            // Exchanges and prepared facts of finished batches, to be filled again (at most a
            // batch's worth is kept).
            let spares = std::cell::RefCell::new(Vec::<Exchange>::with_capacity(READ_AHEAD_BATCH));
            let mut spare_prepared: Vec<Prepared> = Vec::with_capacity(READ_AHEAD_BATCH);
            let mut spare = || spares.borrow_mut().pop();
            // Batches sent and not yet handed back.
            let mut in_flight = 0usize;
            let result = read(
                &mut |item| {
                    let mut prepared = spare_prepared.pop().unwrap_or_default();
                    let reader_prepares = match preparer {
                        // The replay is behind: a batch or more waits for it.
                        Preparer::Balanced => backlog.load(Ordering::Relaxed) >= PREPARE_BACKLOG,
                        #[cfg(test)]
                        Preparer::Reader => true,
                        #[cfg(test)]
                        Preparer::Replay => false,
                    };
                    let ready = match &item {
                        HarItem::Entry(x) if reader_prepares => {
                            prepared.refill(x);
                            true
                        }
                        _ => false,
                    };
                    batch.push((item, prepared, ready));
                    if batch.len() == READ_AHEAD_BATCH {
                        // Reuse a finished batch's buffer and keep its exchanges; the rest is dropped here.
                        // When the replay is behind, the send below would wait anyway: wait for a
                        // finished batch instead, so the reader refills exchanges rather than
                        // allocating new ones (fails only once the replay has stopped).
                        let done =
                            if in_flight >= READ_AHEAD_BATCHES { done_rx.recv().ok() } else { done_rx.try_recv().ok() };
                        let next = match done {
                            Some(mut done) => {
                                in_flight -= 1;
                                let mut spares = spares.borrow_mut();
                                for (item, prepared, _) in done.drain(..) {
                                    if let (HarItem::Entry(x), true) = (item, spares.len() < READ_AHEAD_BATCH) {
                                        spares.push(x);
                                    }
                                    if spare_prepared.len() < READ_AHEAD_BATCH {
                                        spare_prepared.push(prepared);
                                    }
                                }
                                done
                            }
                            None => Vec::with_capacity(READ_AHEAD_BATCH),
                        };
                        backlog.fetch_add(1, Ordering::Relaxed);
                        if tx.send(std::mem::replace(&mut batch, next)).is_err() {
                            return ControlFlow::Break(());
                        }
                        in_flight += 1;
                    }
                    ControlFlow::Continue(())
                },
                &mut spare,
            );
            if !batch.is_empty() {
                backlog.fetch_add(1, Ordering::Relaxed);
                let _ = tx.send(batch);
            }
            drop(tx);
            // Until the replay has seen everything: free what it hands back.
            for done in done_rx {
                drop(done);
            }
            result
        });
        // The facts of entries the reader left unprepared, filled here.
        let mut own = Prepared::default();
        // The next batch; while none is ready, pages are mapped ahead of the reader.
        let next_batch = |ahead: &mut Option<&mut PagesAhead<'_>>| loop {
            match rx.try_recv() {
                Ok(batch) => return Some(batch),
                Err(mpsc::TryRecvError::Disconnected) => return None,
                Err(mpsc::TryRecvError::Empty) => {
                    if !ahead.as_mut().is_some_and(|a| a.step()) {
                        return rx.recv().ok();
                    }
                }
            }
        };
        'items: while let Some(mut batch) = next_batch(&mut ahead) {
            for (item, prepared, ready) in &mut batch {
                let prepared = match item {
                    HarItem::Entry(x) if !*ready => {
                        own.refill(x);
                        &mut own
                    }
                    _ => prepared,
                };
                if sink(item, Some(prepared)).is_break() {
                    break 'items;
                }
            }
            backlog.fetch_sub(1, Ordering::Relaxed);
            let _ = done_tx.send(batch);
        }
        // A sink that stopped: the reader's next send fails, which stops it.
        drop(rx);
        drop(done_tx);
        reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// [`stream_har_path`] from a reader; `name` is used in messages.
pub fn stream_har_reader(
    reader: impl Read,
    name: &Path,
    options: &ReplayOptions,
    focus: &Focus,
    each: &mut EntrySink<'_>,
) -> (HarReport, Option<InputError>) {
    stream_reader(reader, name, options, focus, &mut |v| each(std::mem::take(v)))
}

/// [`stream_har_path_by_ref`] from a reader; `name` is used in messages.
pub fn stream_har_reader_by_ref(
    reader: impl Read,
    name: &Path,
    options: &ReplayOptions,
    focus: &Focus,
    each: &mut EntryView<'_>,
) -> (HarReport, Option<InputError>) {
    stream_reader(reader, name, options, focus, &mut |v| each(v))
}

fn stream_reader(
    reader: impl Read,
    name: &Path,
    options: &ReplayOptions,
    focus: &Focus,
    each: &mut Handed<'_>,
) -> (HarReport, Option<InputError>) {
    let run = stream(&name.display().to_string(), options, focus, false, each, |sink| {
        view_har_reader(reader, name, &mut |item| sink(item, None))
    });
    (run.report, run.result.err())
}

/// Replays what `read` shows, folds it into the findings, and hands verdicts to `each`.
fn stream(
    name: &str,
    options: &ReplayOptions,
    focus: &Focus,
    keep_errors: bool,
    each: &mut Handed<'_>,
    read: impl FnOnce(&mut ItemView<'_>) -> Result<HarSummary, InputError>,
) -> HarRun {
    let mut replay = Replay::new(options);
    let mut findings = Accumulator::new(&options.browsers, focus);
    let mut entry_errors = Vec::new();
    let mut sink = sink_into(&mut replay, &mut findings, keep_errors.then_some(&mut entry_errors), each);
    let result = read(&mut sink);
    drop(sink);
    let mut report = replay.finish(name);
    findings.finish(&mut report);
    HarRun { report, result, entry_errors }
}

/// Reads and analyses a HAR file (`-` reads standard input), keeping every entry's verdicts in the
/// report's runs.
pub fn analyse_har_path(path: &Path, options: &ReplayOptions, focus: &Focus) -> (HarReport, Option<InputError>) {
    let mut kept = Vec::new();
    let (report, err) = stream_har_path(path, options, focus, &mut |v| kept.push(v));
    (with_entries(report, kept), err)
}

/// Reads and analyses a HAR from a reader, keeping every entry's verdicts; `name` is used in messages.
pub fn analyse_har_reader(
    reader: impl Read,
    name: &Path,
    options: &ReplayOptions,
    focus: &Focus,
) -> (HarReport, Option<InputError>) {
    let mut kept = Vec::new();
    let (report, err) = stream_har_reader(reader, name, options, focus, &mut |v| kept.push(v));
    (with_entries(report, kept), err)
}

/// Analyses two captures (before and after a fix) on the same cookies and compares them. Without
/// `--cookie` names, each capture's focus may differ (a fixed cookie is no longer "sent on some
/// requests and withheld on others"); then both are analysed again with the union of the two
/// focus sets named, so every cookie is compared with itself (not when one of them is standard
/// input, `-`, which cannot be read twice). Returns the whole-file errors too.
pub fn diff_har_paths(
    before: &Path,
    after: &Path,
    options: &ReplayOptions,
    focus: &Focus,
) -> (crate::analysis::diff::HarDiff, Vec<InputError>) {
    use crate::analysis::diff::{diff, focused_names};
    // The diff compares summaries and findings: entry verdicts are not kept.
    let run = |focus: &Focus| {
        let (b, e1) = stream_har_path_by_ref(before, options, focus, &mut |_| {});
        let (a, e2) = stream_har_path_by_ref(after, options, focus, &mut |_| {});
        (b, a, [e1, e2].into_iter().flatten().collect::<Vec<_>>())
    };
    let (mut b, mut a, mut errors) = run(focus);
    let (names_b, names_a) = (focused_names(&b), focused_names(&a));
    // Standard input cannot be read a second time: then each capture keeps its own focus.
    let rereadable = before.as_os_str() != "-" && after.as_os_str() != "-";
    if focus.cookies.is_empty() && names_b != names_a && rereadable {
        let mut cookies = names_b;
        cookies.extend(names_a);
        cookies.sort();
        cookies.dedup();
        (b, a, errors) = run(&Focus { cookies, also: focus.also.clone(), ..focus.clone() });
    }
    (diff(&b, &a), errors)
}

/// Moves per-entry verdict lists into the report's per-browser runs.
fn with_entries(mut report: HarReport, kept: Vec<Vec<EntryVerdict>>) -> HarReport {
    for run in &mut report.runs {
        run.entries.reserve(kept.len());
    }
    for verdicts in kept {
        for (run, v) in report.runs.iter_mut().zip(verdicts) {
            run.entries.push(v);
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::har::{read_har_path, read_har_path_reusing, read_har_slice, read_har_slice_reusing};
    use std::path::PathBuf;

    fn items_of(read: impl FnOnce(&mut ItemSink<'_>) -> Result<HarSummary, InputError>) -> Vec<HarItem> {
        let mut items = Vec::new();
        let _ = read(&mut |item| {
            items.push(item);
            ControlFlow::Continue(())
        });
        items
    }

    fn items_ahead(
        read: impl FnOnce(&mut ItemSink<'_>, &mut Spare<'_>) -> Result<HarSummary, InputError> + Send,
    ) -> Vec<HarItem> {
        let mut items = Vec::new();
        let _ = read_ahead(read, &mut |item, _| {
            items.push(item.clone());
            ControlFlow::Continue(())
        });
        items
    }

    /// A HAR of `n` copies of the seed's entries, larger than one batch.
    fn many_entries(n: usize) -> Vec<u8> {
        let root = env!("CARGO_MANIFEST_DIR");
        let seed = std::fs::read_to_string(format!("{root}/fixtures/har/seed-c-include-samesite-none.har")).unwrap();
        let mut har: serde_json::Value = serde_json::from_str(&seed).unwrap();
        let entries = har["log"]["entries"].as_array().unwrap().clone();
        let many: Vec<serde_json::Value> = entries.iter().cycle().take(n).cloned().collect();
        har["log"]["entries"] = serde_json::Value::Array(many);
        // One broken entry in the middle: errors travel in order too.
        har["log"]["entries"][n / 2]["request"] = serde_json::json!("not a request");
        har.to_string().into_bytes()
    }

    #[test]
    fn read_ahead_hands_over_the_same_items_in_order() {
        let bytes = many_entries(5 * READ_AHEAD_BATCH + 3);
        let name = PathBuf::from("many.har");
        let direct = items_of(|s| read_har_slice(&bytes, &name, s));
        let ahead = items_ahead(|t, spare| read_har_slice_reusing(&bytes, &name, t, spare));
        assert!(direct.len() > 5 * READ_AHEAD_BATCH);
        assert!(direct.iter().any(|i| matches!(i, HarItem::EntryError(_))));
        assert_eq!(direct, ahead);
        let root = env!("CARGO_MANIFEST_DIR");
        for f in std::fs::read_dir(format!("{root}/fixtures/har")).unwrap().flatten() {
            let path = f.path();
            assert_eq!(
                items_of(|s| read_har_path(&path, s)),
                items_ahead(|t, spare| read_har_path_reusing(&path, t, spare))
            );
        }
    }

    /// A mapped file read ahead hands over the same items as a plain read, whatever pages the
    /// replay's thread mapped while it waited (how many depends on timing, so it is not asserted); the
    /// reader's progress ends where `entries` closes, and mapping from there reaches the file's end.
    #[test]
    fn pages_mapped_ahead_leave_the_items_unchanged() {
        let dir = std::env::temp_dir().join(format!("crossjar-pages-ahead-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("many.har");
        // A few steps of mapping long (about 2 KB an entry), so that the replay's thread waits and maps.
        let bytes = many_entries(2000);
        assert!(bytes.len() > 2 * PagesAhead::STEP, "{}", bytes.len());
        std::fs::write(&path, &bytes).unwrap();
        let Ok(OpenedHar::Mapped(map)) = open_har(&path) else { panic!("not mapped") };
        let progress = AtomicUsize::new(0);
        let mut ahead = PagesAhead { map: &map, progress: &progress, next: 0 };
        let mut items = Vec::new();
        let result = read_ahead_preparing(
            |t, spare| read_mapped_releasing(&map, &path, t, spare, &progress),
            &mut |item, _| {
                items.push(item.clone());
                ControlFlow::Continue(())
            },
            Preparer::Balanced,
            Some(&mut ahead),
        );
        assert!(result.is_ok());
        assert_eq!(items, items_of(|s| read_har_slice(&bytes, &path, s)));
        // The reader reported its way to the end of the last entry (the array closes there); mapping
        // goes on from there to the file's end.
        assert_eq!(bytes[progress.load(Ordering::Relaxed)], b']');
        while ahead.step() {}
        #[cfg(target_os = "linux")]
        assert_eq!(ahead.next, bytes.len());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Pages released behind the reader read the file's bytes again, and a read through released
    /// pages gives the same items.
    #[test]
    fn pages_released_behind_the_reader_read_the_same() {
        let dir = std::env::temp_dir().join(format!("crossjar-pages-behind-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("many.har");
        // Past a step and the margin (about 1.5 KB an entry), so that the reader releases some.
        let bytes = many_entries(8000);
        assert!(bytes.len() > PagesBehind::STEP + PagesBehind::MARGIN, "{}", bytes.len());
        std::fs::write(&path, &bytes).unwrap();
        let Ok(OpenedHar::Mapped(map)) = open_har(&path) else { panic!("not mapped") };
        let progress = AtomicUsize::new(0);
        let items = items_of(|s| read_mapped_releasing(&map, &path, s, &mut || None, &progress));
        assert_eq!(items, items_of(|s| read_har_slice(&bytes, &path, s)));
        // Released in full, the map still reads the file; and read again, the same items.
        #[cfg(target_os = "linux")]
        assert!(map.release(0, bytes.len()));
        assert!(map.bytes() == bytes.as_slice());
        assert_eq!(items, items_of(|s| read_mapped_releasing(&map, &path, s, &mut || None, &progress)));
        // A step at a time, a margin behind the reader.
        let mut behind = PagesBehind { map: &map, progress: &progress, released: 0 };
        progress.store(PagesBehind::STEP + PagesBehind::MARGIN - 1, Ordering::Relaxed);
        behind.step();
        assert_eq!(behind.released, 0);
        progress.store(PagesBehind::STEP + PagesBehind::MARGIN + 5, Ordering::Relaxed);
        behind.step();
        #[cfg(target_os = "linux")]
        assert_eq!(behind.released, PagesBehind::STEP + 5);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Pages are mapped a step at a time, from where the reader is, no further than the window ahead
    /// of it, and not past the end.
    #[cfg(target_os = "linux")]
    #[test]
    fn pages_ahead_stay_within_the_window() {
        let dir = std::env::temp_dir().join(format!("crossjar-pages-window-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.bin");
        let len = PagesAhead::WINDOW + 3 * PagesAhead::STEP + 123;
        std::fs::write(&path, vec![b' '; len]).unwrap();
        let Ok(OpenedHar::Mapped(map)) = open_har(&path) else { panic!("not mapped") };
        let progress = AtomicUsize::new(0);
        let mut ahead = PagesAhead { map: &map, progress: &progress, next: 0 };
        let mut steps = 0;
        while ahead.step() {
            steps += 1;
        }
        assert_eq!((steps, ahead.next), (PagesAhead::WINDOW / PagesAhead::STEP, PagesAhead::WINDOW));
        // The reader moves past what was mapped: mapping resumes from the reader, to the end.
        progress.store(PagesAhead::WINDOW + PagesAhead::STEP + 7, Ordering::Relaxed);
        assert!(ahead.step());
        assert_eq!(ahead.next, PagesAhead::WINDOW + 2 * PagesAhead::STEP + 7);
        while ahead.step() {}
        assert_eq!(ahead.next, len);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Whichever thread computes an entry's [`Prepared`] facts (the reader's, the replay's, or each
    /// in turn as the load shifts), the verdicts are those of a replay that computes them itself.
    #[test]
    fn facts_prepared_on_either_thread_give_the_same_verdicts() {
        let bytes = many_entries(5 * READ_AHEAD_BATCH + 3);
        let name = PathBuf::from("many.har");
        let (options, focus) = (ReplayOptions::default(), Focus::default());
        let verdicts =
            |threaded: Option<Preparer>| {
                let mut kept = Vec::new();
                let run = stream("many.har", &options, &focus, false, &mut |v| kept.push(std::mem::take(v)), |sink| {
                    match threaded {
                        Some(preparer) => read_ahead_preparing(
                            |t, spare| read_har_slice_reusing(&bytes, &name, t, spare),
                            sink,
                            preparer,
                            None,
                        ),
                        None => read_har_slice(&bytes, &name, &mut |item| sink(&item, None)),
                    }
                });
                (run.report.entries, kept)
            };
        let alone = verdicts(None);
        assert!(alone.0 > 5 * READ_AHEAD_BATCH && alone.1.iter().any(|v| !v[0].set_cookies.is_empty()));
        for preparer in [Preparer::Reader, Preparer::Replay, Preparer::Balanced] {
            assert_eq!(verdicts(Some(preparer)), alone, "{preparer:?}");
        }
    }

    /// Verdicts shown by reference are written into the lists of the entry before (the replay takes
    /// them back): they must be exactly the verdicts handed over one by one, on captures whose entries
    /// hold different numbers of cookies, lines and limits.
    #[test]
    fn verdicts_written_into_recycled_lists_equal_fresh_ones() {
        let root = env!("CARGO_MANIFEST_DIR");
        let (options, focus) = (ReplayOptions::default(), Focus::default());
        // Every capture among the fixtures, and the public samples where they are present.
        let mut files = crate::test_support::har_files(&PathBuf::from(format!("{root}/fixtures")));
        files.extend(crate::test_support::har_files(&PathBuf::from(format!("{root}/../shared/samples"))));
        let mut compared = 0;
        for path in &files {
            let mut owned = Vec::new();
            let (report, _) = stream_har_path(path, &options, &focus, &mut |v| owned.push(v));
            let mut shown = Vec::new();
            let (again, _) = stream_har_path_by_ref(path, &options, &focus, &mut |v| shown.push(v.to_vec()));
            assert_eq!(owned, shown, "{}", path.display());
            assert_eq!(report.findings, again.findings, "{}", path.display());
            compared += owned.len();
        }
        assert!(compared > 100, "{compared}");
    }

    #[test]
    fn a_sink_that_stops_stops_the_reader() {
        let bytes = many_entries(40 * READ_AHEAD_BATCH);
        let name = PathBuf::from("many.har");
        let mut seen = 0;
        let mut sink = |_: &HarItem, _: Option<&mut Prepared>| {
            seen += 1;
            if seen == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        // Returns (no deadlock with the reader blocked on a full channel) and reports the read.
        let _ = read_ahead(|t, spare| read_har_slice_reusing(&bytes, &name, t, spare), &mut sink);
        assert_eq!(seen, 3);
    }
}
