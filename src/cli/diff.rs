//! `crossjar diff BEFORE AFTER`.

use std::io::Write;

use super::{error, DiffArgs, Format, EXIT_INPUT, EXIT_OK};
use crate::analysis::findings::Focus;
use crate::analysis::replay::ReplayOptions;
use crate::output::diff as render;
use crate::pipeline::diff_har_paths;

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
    let (d, errors) = diff_har_paths(&args.before, &args.after, &options, &focus);
    let mut code = EXIT_OK;
    for e in errors {
        error(e);
        code = EXIT_INPUT;
    }
    let rendered = match args.common.format {
        Format::Json => render::json(&d),
        _ => render::text(&d, args.common.quiet),
    };
    let _ = out.write_all(rendered.as_bytes());
    if code == EXIT_OK {
        // Fail when the fix made things worse: a finding at or above --fail-on appeared.
        code = args.common.fail_on.exit_code(d.introduced.iter().map(|f| f.severity).max());
    }
    code
}
