//! `crossjar har`.

use std::io::Write;

use super::{error, Format, HarArgs, EXIT_INPUT};
use crate::analysis::findings::Focus;
use crate::analysis::replay::ReplayOptions;
use crate::output::{json, text};
use crate::pipeline::analyse_har_path;

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
        let (report, err) = analyse_har_path(path, &options, &focus);
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
