//! Wiring shared by the command line and the local web page: input adapter → replay → findings.
//! Nothing here decides anything; it only connects the layers.

use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

use crate::analysis::findings::{analyse, Focus};
use crate::analysis::replay::{Replay, ReplayOptions};
use crate::analysis::report::HarReport;
use crate::evidence::InputError;
use crate::input::har::{read_har_path, read_har_reader, HarItem, HarSummary};

fn sink_into(replay: &mut Replay) -> impl FnMut(HarItem) -> ControlFlow<()> + '_ {
    move |item: HarItem| {
        match item {
            HarItem::Log(info) => {
                replay
                    .set_creator(info.creator.as_ref().map(|c| format!("{} {}", c.name, c.version).trim().to_string()));
                for p in &info.pages {
                    replay.page(p);
                }
            }
            HarItem::Entry(x) => replay.push(&x),
            HarItem::EntryError(e) => replay.skip(e.location.entry.unwrap_or(0), e.message.clone()),
        }
        ControlFlow::Continue(())
    }
}

fn finish(
    replay: Replay,
    name: &str,
    focus: &Focus,
    result: Result<HarSummary, InputError>,
) -> (HarReport, Option<InputError>) {
    let mut report = replay.finish(name);
    analyse(&mut report, focus);
    (report, result.err())
}

/// Reads and analyses a HAR file (`-` reads standard input). Returns the report and the whole-file
/// error, if any; the report then covers the entries read before the error.
pub fn analyse_har_path(path: &Path, options: &ReplayOptions, focus: &Focus) -> (HarReport, Option<InputError>) {
    if path.as_os_str() == "-" {
        return analyse_har_reader(std::io::stdin().lock(), path, options, focus);
    }
    let mut replay = Replay::new(options);
    let result = read_har_path(path, &mut sink_into(&mut replay));
    finish(replay, &path.display().to_string(), focus, result)
}

/// Reads and analyses a HAR from a reader; `name` is used in messages.
pub fn analyse_har_reader(
    reader: impl Read,
    name: &Path,
    options: &ReplayOptions,
    focus: &Focus,
) -> (HarReport, Option<InputError>) {
    let mut replay = Replay::new(options);
    let result = read_har_reader(reader, name, &mut sink_into(&mut replay));
    finish(replay, &name.display().to_string(), focus, result)
}
