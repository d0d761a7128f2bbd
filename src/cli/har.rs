//! `crossjar har`.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use super::{error, Format, HarArgs, EXIT_INPUT};
use crate::analysis::findings::{analyse, Focus};
use crate::analysis::replay::{Replay, ReplayOptions};
use crate::analysis::report::HarReport;
use crate::evidence::InputError;
use crate::input::har::{read_har_path, read_har_reader, HarItem, HarSummary};
use crate::output::{json, text};

/// Reads and analyses one HAR; returns the report and the whole-file error, if any (the report then
/// covers the entries read before it).
pub fn analyse_har(path: &Path, options: &ReplayOptions, focus: &Focus) -> (HarReport, Option<InputError>) {
    let mut replay = Replay::new(options);
    let mut sink = |item: HarItem| {
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
    };
    let result: Result<HarSummary, InputError> = if path.as_os_str() == "-" {
        read_har_reader(std::io::stdin().lock(), Path::new("-"), &mut sink)
    } else {
        read_har_path(path, &mut sink)
    };
    let mut report = replay.finish(&path.display().to_string());
    analyse(&mut report, focus);
    (report, result.err())
}

pub(crate) fn run(args: &HarArgs, out: &mut dyn Write) -> i32 {
    let browsers = match args.common.browsers() {
        Ok(b) => b,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let options = ReplayOptions { browsers };
    let focus = Focus { cookies: args.cookies.clone() };
    let mut code = 0;
    for path in &args.files {
        let (report, err) = analyse_har(path, &options, &focus);
        let rendered = match args.common.format {
            Format::Text => text::har_report(
                &report,
                text::TextOptions { show_values: args.common.show_values, quiet: args.common.quiet },
            ),
            Format::Json => json::har_report(&report, args.common.show_values) + "\n",
        };
        let _ = out.write_all(rendered.as_bytes());
        let worst = report.findings.iter().map(|f| f.severity).max();
        code = code.max(args.common.fail_on.exit_code(worst));
        if let Some(e) = err {
            error(format_args!(
                "{e}{}",
                if report.entries > 0 { " (the entries before it were analysed)" } else { "" }
            ));
            code = EXIT_INPUT;
        }
    }
    code
}
