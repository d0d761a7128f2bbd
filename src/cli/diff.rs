//! `crossjar diff BEFORE AFTER`.

use std::io::Write;

use super::{error, DiffArgs, Format, EXIT_INPUT, EXIT_OK};
use crate::analysis::diff::diff;
use crate::analysis::findings::Focus;
use crate::analysis::replay::ReplayOptions;
use crate::output::diff as render;
use crate::pipeline::stream_har_path;

pub(crate) fn run(args: &DiffArgs, out: &mut dyn Write) -> i32 {
    let browsers = match args.common.browsers() {
        Ok(b) => b,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    if args.before.as_os_str() == "-" && args.after.as_os_str() == "-" {
        error("standard input (`-`) can be read only once: give `-` for one side, a file for the other");
        return EXIT_INPUT;
    }
    let options = ReplayOptions { browsers };
    let focus = Focus { cookies: args.cookies.clone(), ..Focus::default() };
    // The diff compares summaries and findings: entry verdicts are not kept.
    let (before, e1) = stream_har_path(&args.before, &options, &focus, &mut |_| {});
    let (after, e2) = stream_har_path(&args.after, &options, &focus, &mut |_| {});
    let mut code = EXIT_OK;
    for e in [e1, e2].into_iter().flatten() {
        error(e);
        code = EXIT_INPUT;
    }
    let d = diff(&before, &after);
    let rendered = match args.common.format {
        Format::Json => render::json(&d),
        _ => render::text(&d),
    };
    let _ = out.write_all(rendered.as_bytes());
    if code == EXIT_OK {
        // Fail when the fix made things worse: a finding at or above --fail-on appeared.
        code = args.common.fail_on.exit_code(d.introduced.iter().map(|f| f.severity).max());
    }
    code
}
