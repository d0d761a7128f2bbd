//! `crossjar har`: one or many captures; with several files they are analysed on `-j` threads and
//! printed in input order.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use super::{error, render_ci, Format, HarArgs, EXIT_INPUT};
use crate::analysis::findings::Focus;
use crate::analysis::policy::Policy;
use crate::analysis::replay::ReplayOptions;
use crate::analysis::report::HarReport;
use crate::output::diagnostic::{self, Diagnostic};
use crate::output::{json, text};
use crate::pipeline::stream_har_path_by_ref;

/// What one file contributes to the command's output and exit code.
struct FileResult {
    rendered: Rendered,
    input: String,
    diagnostics: Vec<Diagnostic>,
    code: i32,
    error: Option<String>,
}

/// A file's report, ready to print in input order.
enum Rendered {
    /// The CI formats are rendered once at the end, or the report went straight to the output.
    Nothing,
    Text(String),
    /// The JSON entries wait in temporary files; `finish` writes the document to the output.
    Json(Box<(json::HarJsonStream, HarReport)>),
}

impl Rendered {
    /// Writes the report to `out`. With `passthrough` (`out` is the process's standard output,
    /// unmodified), a JSON report is written to standard output's own handle instead, after `out` is
    /// flushed: its entries then go from their temporary files to the output by the kernel
    /// (`copy_file_range`, `splice` or `sendfile`) rather than read back through a buffer, which
    /// took about 3% of the CPU samples of `--format json` on a 200 MB capture (issue #17).
    fn write(self, out: &mut dyn Write, passthrough: bool) -> std::io::Result<()> {
        match self {
            Rendered::Nothing => Ok(()),
            Rendered::Text(t) => out.write_all(t.as_bytes()),
            Rendered::Json(pending) => {
                let (stream, report) = *pending;
                if !passthrough {
                    return finish_json(stream, &report, out);
                }
                out.flush()?;
                // A concrete `StdoutLock`, not `dyn Write`: `std::io::copy` sees the descriptor.
                finish_json(stream, &report, &mut std::io::stdout().lock())
            }
        }
    }
}

/// Writes the JSON document and the line end after it.
fn finish_json<W: Write + ?Sized>(stream: json::HarJsonStream, report: &HarReport, out: &mut W) -> std::io::Result<()> {
    stream.finish(&mut *out, report)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// A closed pipe (`crossjar har big.har | head`) is the reader's choice, not an error.
trait FilterBrokenPipe {
    fn filter_broken_pipe(self) -> std::io::Result<()>;
}

impl FilterBrokenPipe for std::io::Result<()> {
    fn filter_broken_pipe(self) -> std::io::Result<()> {
        match self {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// Analyses one file, streaming: entry verdicts go to the output being built (the story's first
/// entries per cookie, the JSON spill files) and are dropped, so memory does not grow with the file.
/// With `sink` the report is written there at once; without, it is handed back to print in order.
/// `passthrough`: see [`Rendered::write`].
fn analyse_one(
    args: &HarArgs,
    options: &ReplayOptions,
    focus: &Focus,
    policy: &Policy,
    index: usize,
    sink: Option<&mut dyn Write>,
    passthrough: bool,
) -> FileResult {
    let path = &args.files[index];
    let show_values = args.common.show_values;
    let mut story = text::Story::new(&options.browsers);
    let mut spill = None;
    let mut spill_error = None;
    let (mut report, err) = match args.common.format {
        Format::Text => stream_har_path_by_ref(path, options, focus, &mut |v| story.add_entry(v)),
        Format::Json => match json::HarJsonStream::new(&options.browsers, show_values) {
            Ok(stream) => {
                let stream = spill.insert(stream);
                stream_har_path_by_ref(path, options, focus, &mut |v| {
                    if spill_error.is_none() {
                        spill_error = stream.entry(v).err();
                    }
                })
            }
            Err(e) => {
                spill_error = Some(e);
                stream_har_path_by_ref(path, options, focus, &mut |_| {})
            }
        },
        _ => stream_har_path_by_ref(path, options, focus, &mut |_| {}),
    };
    super::policy::apply_findings(policy, &report.input, &mut report.findings);
    // What the exit code and the CI formats need, taken before the report goes to its renderer.
    let mut diagnostics = diagnostic::from_findings(&report.input, &report.findings);
    if matches!(args.common.format, Format::Sarif | Format::Github) && path.as_os_str() != "-" {
        // Point each finding at its entry's line (a second, cheap pass over the file).
        if let Ok(lines) = std::fs::File::open(path).and_then(crate::input::har_lines::har_entry_lines) {
            diagnostic::at_entry_lines(&mut diagnostics, &report.findings, &lines);
        }
    }
    let mut code = args.common.fail_on.exit_code(report.findings.iter().map(|f| f.severity).max());
    let input = report.input.clone();
    let mut error = err.map(|e| {
        code = EXIT_INPUT;
        format!("{e}{}", if report.entries > 0 { " (the entries before it were analysed)" } else { "" })
    });
    // A file that could not be read at all has no report: its error goes to stderr, stdout stays
    // empty (no "No findings." for a missing file).
    let unread = error.is_some() && report.entries == 0 && report.skipped.is_empty();
    let mut rendered = match (args.common.format, spill) {
        _ if unread => Rendered::Nothing,
        (Format::Text, _) => Rendered::Text(text::har_report_with_story(
            &report,
            &story,
            text::TextOptions { show_values, quiet: args.common.quiet },
        )),
        (Format::Json, Some(stream)) if spill_error.is_none() => Rendered::Json(Box::new((stream, report))),
        _ => Rendered::Nothing,
    };
    if let Some(out) = sink {
        let done = std::mem::replace(&mut rendered, Rendered::Nothing).write(out, passthrough);
        if let Err(e) = done.filter_broken_pipe() {
            spill_error.get_or_insert(e);
        }
    }
    if let Some(e) = spill_error {
        code = EXIT_INPUT;
        error.get_or_insert(format!("{input}: cannot write the JSON report: {e}"));
    }
    FileResult { rendered, diagnostics, input, code, error }
}

/// How many files to analyse at once: `-j N`, else the core count, never more than the files.
fn job_count(requested: Option<usize>, files: usize) -> usize {
    let default = || std::thread::available_parallelism().map_or(1, |n| n.get());
    requested.filter(|n| *n > 0).unwrap_or_else(default).min(files).max(1)
}

/// Runs `crossjar har`. `passthrough`: `out` is the process's standard output, unmodified (see
/// [`Rendered::write`]).
pub(crate) fn run(args: &HarArgs, out: &mut dyn Write, passthrough: bool) -> i32 {
    if args.files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        error("standard input (`-`) can be read only once: give `-` once, or save it to a file");
        return EXIT_INPUT;
    }
    let browsers = match args.common.browsers() {
        Ok(b) => b,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let options = ReplayOptions { browsers };
    let (config, policy) = match super::policy::load(&args.common) {
        Ok(p) => p,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let (also, frontends) = config.map(|c| (c.cross_site_cookies, c.frontends)).unwrap_or_default();
    let own_sites = if args.sites.is_empty() { frontends } else { args.sites.clone() };
    let focus = Focus { cookies: args.cookies.clone(), also, own_sites, all: args.all };
    let mut code = 0;
    let mut inputs = Vec::new();
    let mut diagnostics = Vec::new();
    let mut take = |r: FileResult, out: &mut dyn Write| {
        let written = r.rendered.write(out, passthrough).filter_broken_pipe();
        if let Some(e) = r.error.or_else(|| written.err().map(|e| format!("{}: cannot write the report: {e}", r.input)))
        {
            let _ = out.flush();
            error(e);
        }
        code = code.max(r.code);
        inputs.push(r.input);
        diagnostics.extend(r.diagnostics);
    };
    let jobs = job_count(args.jobs, args.files.len());
    if jobs == 1 {
        for i in 0..args.files.len() {
            let r = analyse_one(args, &options, &focus, &policy, i, Some(&mut *out), passthrough);
            take(r, out);
        }
    } else {
        in_parallel(args, &options, &focus, &policy, jobs, |r| take(r, out));
    }
    if let Some(path) = &args.common.write_baseline {
        return match super::policy::write_baseline(path, &diagnostics) {
            Ok(()) => 0,
            Err(e) => {
                error(e);
                EXIT_INPUT
            }
        };
    }
    if let Some(r) = render_ci(args.common.format, crate::analysis::rules::Input::Har, &inputs, &diagnostics) {
        let _ = out.write_all(r.as_bytes());
    }
    code
}

/// Analyses the files on `jobs` threads and hands the results to `emit` in input order. A worker
/// does not start a file more than `2 × jobs` places ahead of the next one to print, so finished
/// reports waiting for a slow file stay few.
fn in_parallel(
    args: &HarArgs,
    options: &ReplayOptions,
    focus: &Focus,
    policy: &Policy,
    jobs: usize,
    mut emit: impl FnMut(FileResult),
) {
    let window = 2 * jobs;
    let next_file = AtomicUsize::new(0);
    // The index of the next result to print, and a wake-up for workers waiting on the window.
    let printed = (Mutex::new(0usize), Condvar::new());
    let (tx, rx) = mpsc::channel::<(usize, FileResult)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next_file, printed) = (&next_file, &printed);
            scope.spawn(move || loop {
                let i = next_file.fetch_add(1, Ordering::Relaxed);
                if i >= args.files.len() {
                    break;
                }
                {
                    let (lock, cv) = printed;
                    let mut done = lock.lock().unwrap_or_else(|p| p.into_inner());
                    while i >= *done + window {
                        done = cv.wait(done).unwrap_or_else(|p| p.into_inner());
                    }
                }
                let r = analyse_one(args, options, focus, policy, i, None, false);
                if tx.send((i, r)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (i, r) in rx {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&next) {
                emit(r);
                next += 1;
                let (lock, cv) = &printed;
                *lock.lock().unwrap_or_else(|p| p.into_inner()) = next;
                cv.notify_all();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::job_count;

    #[test]
    fn jobs_default_to_cores_and_never_exceed_files() {
        assert_eq!(job_count(Some(8), 3), 3);
        assert_eq!(job_count(Some(2), 10), 2);
        assert_eq!(job_count(Some(0), 10), job_count(None, 10));
        assert_eq!(job_count(None, 1), 1);
        assert_eq!(job_count(Some(4), 0), 1);
    }
}

#[cfg(test)]
mod parallel_tests {
    use super::super::{Cli, Command};
    use clap::Parser;

    const FIXTURES: [&str; 3] = [
        "fixtures/har/seed-a-default-credentials.har",
        "fixtures/har/seed-b-include-samesite-unspecified.har",
        "fixtures/har/seed-c-include-samesite-none.har",
    ];

    /// Runs `crossjar har` on files named from the repository root.
    fn run(extra: &[&str], files: &[&str]) -> (i32, String) {
        let root = env!("CARGO_MANIFEST_DIR");
        run_paths(extra, files.iter().map(|f| format!("{root}/{f}")).collect())
    }

    fn run_paths(extra: &[&str], paths: Vec<String>) -> (i32, String) {
        let mut argv: Vec<String> = vec!["crossjar".into(), "har".into()];
        argv.extend(paths);
        argv.extend(extra.iter().map(|s| s.to_string()));
        let Command::Har(args) = Cli::try_parse_from(argv).expect("arguments parse").command else {
            panic!("not the har command")
        };
        let mut out = Vec::new();
        let code = super::run(&args, &mut out, false);
        (code, String::from_utf8(out).expect("UTF-8 output"))
    }

    #[test]
    fn parallel_output_is_the_sequential_output_in_input_order() {
        for format in ["text", "json", "sarif"] {
            // Many files (repeated) so workers finish out of order.
            let files: Vec<&str> = FIXTURES.iter().cycle().take(12).copied().collect();
            let (seq_code, seq) = run(&["-j", "1", "--format", format], &files);
            let (par_code, par) = run(&["-j", "4", "--format", format], &files);
            assert_eq!(seq, par, "format {format}");
            assert_eq!(seq_code, par_code);
            // Each file's report is the one it gives alone, in the order given.
            if format != "sarif" {
                let alone: String = files.iter().map(|f| run(&["--format", format], &[f]).1).collect();
                assert_eq!(par, alone, "format {format}");
            }
        }
    }

    /// Every HAR fixture: what the streaming command prints equals the rendering of the report that
    /// kept every entry (the library's path), in text and JSON, with and without values.
    #[test]
    fn streamed_reports_equal_the_kept_report() {
        use crate::analysis::findings::Focus;
        use crate::analysis::replay::ReplayOptions;
        use crate::output::{json, text};
        let root = env!("CARGO_MANIFEST_DIR");
        let mut files: Vec<String> = FIXTURES.iter().map(|f| f.to_string()).collect();
        for dir in std::fs::read_dir(format!("{root}/fixtures/rules")).expect("fixtures/rules").flatten() {
            if !dir.path().is_dir() {
                continue;
            }
            for f in std::fs::read_dir(dir.path()).expect("rule dir").flatten() {
                if f.path().extension().is_some_and(|e| e == "har") {
                    files.push(f.path().strip_prefix(root).expect("under root").display().to_string());
                }
            }
        }
        assert!(files.len() > 20, "{}", files.len());
        for f in &files {
            let path = std::path::PathBuf::from(format!("{root}/{f}"));
            let (report, _) = crate::pipeline::analyse_har_path(&path, &ReplayOptions::default(), &Focus::default());
            for values in [false, true] {
                let flag: &[&str] = if values { &["--show-values"] } else { &[] };
                let mut args = vec!["--format", "text"];
                args.extend(flag);
                let expected = text::har_report(&report, text::TextOptions { show_values: values, quiet: false });
                assert_eq!(run(&args, &[f]).1, expected, "{f} text");
                let mut args = vec!["--format", "json"];
                args.extend(flag);
                let expected = json::har_report(&report, values) + "\n";
                assert_eq!(run(&args, &[f]).1, expected, "{f} json");
            }
        }
    }

    /// A cookie on many entries: the story shows the first ones and says how many it left out; the
    /// JSON report has every entry.
    #[test]
    fn story_is_bounded_per_cookie() {
        let root = env!("CARGO_MANIFEST_DIR");
        let seed = std::fs::read_to_string(format!("{root}/{}", FIXTURES[2])).expect("seed");
        let mut har: serde_json::Value = serde_json::from_str(&seed).expect("JSON");
        let entries = har["log"]["entries"].as_array().expect("entries").clone();
        let many: Vec<serde_json::Value> = entries.iter().cycle().take(entries.len() * 15).cloned().collect();
        let total = many.len();
        har["log"]["entries"] = serde_json::Value::Array(many);
        let dir = std::env::temp_dir().join(format!("crossjar-story-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("many.har");
        std::fs::write(&file, har.to_string()).expect("write");
        let f = file.display().to_string();
        let (_, out) = run_paths(&["--fail-on", "never"], vec![f.clone()]);
        let story = out.split("\nStory").nth(1).expect("a story");
        let shown = story.lines().filter(|l| l.starts_with("  #")).count();
        assert!(shown > 0 && shown <= super::text::STORY_ENTRIES_PER_COOKIE, "{shown}");
        let route_entries = story.lines().filter(|l| l.trim_start().starts_with("Cookie route")).count()
            + story.lines().filter(|l| l.trim_start().starts_with("Set-Cookie: route")).count();
        assert!(route_entries >= shown, "{story}");
        assert!(story.contains("more entries with `route` not shown"), "{story}");
        let (_, out) = run_paths(&["--format", "json"], vec![f.clone()]);
        let r: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
        assert_eq!(r["runs"][0]["entries"].as_array().expect("entries").len(), total);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn exit_code_is_the_worst_over_files() {
        let (ok_code, _) = run(&["--fail-on", "never"], &FIXTURES);
        assert_eq!(ok_code, 0);
        let worst = FIXTURES.iter().map(|f| run(&["--fail-on", "warning"], &[f]).0).max().unwrap();
        let (code, _) = run(&["--fail-on", "warning", "-j", "3"], &FIXTURES);
        assert_eq!(code, worst);
        let with_missing = [FIXTURES[0], "fixtures/har/does-not-exist.har", FIXTURES[1]];
        let (code, out) = run(&["-j", "2"], &with_missing);
        assert_eq!(code, super::EXIT_INPUT);
        assert!(out.contains("seed-b-include-samesite-unspecified.har"), "files after the broken one are analysed");
    }
}
