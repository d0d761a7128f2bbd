//! `crossjar har`.

use std::io::Write;

use super::{error, render_ci, Format, HarArgs, EXIT_INPUT};
use crate::analysis::findings::Focus;
use crate::analysis::replay::ReplayOptions;
use crate::output::{diagnostic, json, text};
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
    let mut inputs = Vec::new();
    let mut diagnostics = Vec::new();
    for path in &args.files {
        let (report, err) = analyse_har_path(path, &options, &focus);
        let rendered = match args.common.format {
            Format::Text => Some(text::har_report(
                &report,
                text::TextOptions { show_values: args.common.show_values, quiet: args.common.quiet },
            )),
            Format::Json => Some(json::har_report(&report, args.common.show_values) + "\n"),
            _ => None,
        };
        if let Some(r) = rendered {
            let _ = out.write_all(r.as_bytes());
        }
        inputs.push(report.input.clone());
        diagnostics.extend(diagnostic::from_findings(&report.input, &report.findings));
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
    if let Some(r) = render_ci(args.common.format, &inputs, &diagnostics) {
        let _ = out.write_all(r.as_bytes());
    }
    code
}
