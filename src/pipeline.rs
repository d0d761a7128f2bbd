//! Wiring shared by the command line and the local web page: input adapter → replay → findings.
//! Nothing here decides anything; it only connects the layers.
//!
//! Two shapes: [`stream_har_path`] hands each entry's verdicts to the caller and drops them, so memory
//! does not grow with the capture (the command line); [`analyse_har_path`] keeps every verdict in the
//! report (the web page, `crossjar diff`, tests, library users).

use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

use crate::analysis::findings::{Accumulator, Focus};
use crate::analysis::replay::{Replay, ReplayOptions};
use crate::analysis::report::{EntryVerdict, HarReport};
use crate::evidence::InputError;
use crate::input::har::{read_har_path, read_har_reader, HarItem, HarSummary};

/// Receives one entry's verdicts, one per profile in [`ReplayOptions::browsers`] order.
pub type EntrySink<'a> = dyn FnMut(Vec<EntryVerdict>) + 'a;

fn sink_into<'a>(
    replay: &'a mut Replay,
    findings: &'a mut Accumulator,
    each: &'a mut EntrySink<'a>,
) -> impl FnMut(HarItem) -> ControlFlow<()> + 'a {
    move |item: HarItem| {
        match item {
            HarItem::Log(info) => {
                replay
                    .set_creator(info.creator.as_ref().map(|c| format!("{} {}", c.name, c.version).trim().to_string()));
                for p in &info.pages {
                    replay.page(p);
                }
            }
            HarItem::Entry(x) => {
                let verdicts = replay.replay(&x);
                if !verdicts.is_empty() {
                    findings.add(&verdicts);
                    each(verdicts);
                }
            }
            HarItem::EntryError(e) => replay.skip(e.location.entry.unwrap_or(0), e.message.clone()),
        }
        ControlFlow::Continue(())
    }
}

/// Reads and analyses a HAR file (`-` reads standard input), handing each entry's verdicts to `each`
/// instead of keeping them: the report's runs come back without entries. Returns the report and the
/// whole-file error, if any; the report then covers the entries read before the error.
pub fn stream_har_path(
    path: &Path,
    options: &ReplayOptions,
    focus: &Focus,
    each: &mut EntrySink<'_>,
) -> (HarReport, Option<InputError>) {
    if path.as_os_str() == "-" {
        return stream_har_reader(std::io::stdin().lock(), path, options, focus, each);
    }
    let mut replay = Replay::new(options);
    let mut findings = Accumulator::new(&options.browsers, focus);
    let result = read_har_path(path, &mut sink_into(&mut replay, &mut findings, each));
    finish(replay, findings, &path.display().to_string(), result)
}

/// [`stream_har_path`] from a reader; `name` is used in messages.
pub fn stream_har_reader(
    reader: impl Read,
    name: &Path,
    options: &ReplayOptions,
    focus: &Focus,
    each: &mut EntrySink<'_>,
) -> (HarReport, Option<InputError>) {
    let mut replay = Replay::new(options);
    let mut findings = Accumulator::new(&options.browsers, focus);
    let result = read_har_reader(reader, name, &mut sink_into(&mut replay, &mut findings, each));
    finish(replay, findings, &name.display().to_string(), result)
}

fn finish(
    replay: Replay,
    findings: Accumulator,
    name: &str,
    result: Result<HarSummary, InputError>,
) -> (HarReport, Option<InputError>) {
    let mut report = replay.finish(name);
    findings.finish(&mut report);
    (report, result.err())
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
