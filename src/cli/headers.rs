//! `crossjar headers`: reads the text, hands it to [`crate::pipeline_headers`] (the same path the web
//! page takes), renders.

use std::io::Write;

use super::{error, render_ci, Format, HeadersArgs, EXIT_INPUT};
use crate::output::{diagnostic, json, text};
use crate::pipeline_headers::{analyse_headers_text, HeadersErrorKind, HeadersParams};

pub(crate) fn run(args: &HeadersArgs, out: &mut dyn Write) -> i32 {
    let browsers = match args.common.browsers() {
        Ok(b) => b,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let (_, policy) = match super::policy::load(&args.common) {
        Ok(p) => p,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let textin = match crate::input::read_text_bounded(
        &args.file,
        crate::input::MAX_CURL_BYTES,
        "`curl -i` output (save only the headers: curl -sS -D - -o /dev/null URL)",
    ) {
        Ok(t) => t,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let params = HeadersParams {
        url: args.url.clone(),
        from: args.from.clone(),
        method: args.method.clone().unwrap_or_default(),
        request_headers: args.request_headers.clone(),
        credentials: args.credentials.clone(),
        kind: args.kind.clone(),
        preflight: args.preflight,
    };
    let input = args.file.display().to_string();
    let outcome = match analyse_headers_text(&input, &textin, &params, &browsers) {
        Ok(o) => o,
        Err(e) => {
            for p in &e.problems {
                error(p);
            }
            match e.kind {
                // The message starts with the field's name; the command line spells it as an option.
                HeadersErrorKind::Field(_) => error(format_args!("--{e}")),
                _ => error(e),
            }
            return EXIT_INPUT;
        }
    };
    let mut code = 0;
    for p in &outcome.problems {
        error(p);
        code = EXIT_INPUT;
    }
    let (report, mut found) = (outcome.report, outcome.findings);
    super::policy::apply_findings(&policy, &input, &mut found);
    if let Some(path) = &args.common.write_baseline {
        return match super::policy::write_baseline(path, &diagnostic::from_findings(&input, &found)) {
            Ok(()) => 0,
            Err(e) => {
                error(e);
                EXIT_INPUT
            }
        };
    }
    let rendered = match args.common.format {
        Format::Text => text::headers_report(&report, &found, args.common.quiet),
        Format::Json => json::headers_report(&report, &found) + "\n",
        ci => render_ci(
            ci,
            crate::analysis::rules::Input::Headers,
            std::slice::from_ref(&input),
            &diagnostic::from_findings(&input, &found),
        )
        .unwrap_or_default(),
    };
    let _ = out.write_all(rendered.as_bytes());
    code.max(args.common.fail_on.exit_code(found.iter().map(|f| f.severity).max()))
}
