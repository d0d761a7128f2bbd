//! The command line (wiring only): parse arguments, call inputs, analysis and outputs, choose the exit
//! code (0: no error-level finding; 1: error-level findings; 2: usage error or unreadable input).

mod diff;
mod har;
mod headers;
mod ingress;
mod policy;
mod sanitize;
pub mod serve;

use std::ffi::OsString;
use std::io::Write;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::analysis::rules::{RuleId, Severity, RULES};
use crate::Browser;

/// Exit code: nothing at or above the `--fail-on` level.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings at or above the `--fail-on` level.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage error or unreadable input.
pub const EXIT_INPUT: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "crossjar",
    version = concat!(
        env!("CARGO_PKG_VERSION"),
        " (Public Suffix List: the snapshot compiled into psl ",
        env!("CROSSJAR_PSL_VERSION"),
        ")"
    ),
    about = "Why did the browser (not) store or send this cookie, and why could (not) the page read this cross-origin response?",
    long_about = None,
    after_help = "Examples:\n  crossjar har capture.har\n  crossjar har capture.har --cookie route --browser chrome --format json\n  curl -si -X OPTIONS https://api.example/x -H 'Origin: https://app.example' \\\n      -H 'Access-Control-Request-Method: POST' \\\n    | crossjar headers - --preflight --method POST --credentials include \\\n      --url https://api.example/x --from https://app.example\n  curl -si https://api.example/x -H 'Origin: https://app.example' \\\n    | crossjar headers - --credentials include --url https://api.example/x --from https://app.example\n  crossjar explain samesite-unspecified-cross-site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay a HAR capture through the browser model and explain every cookie, per browser.
    Har(HarArgs),
    /// Judge a response printed by `curl -i` / `curl -v`: CORS, preflight, Set-Cookie, per browser.
    Headers(HeadersArgs),
    /// Write a copy of a HAR that is safe to share: cookie values, credentials and token-like query
    /// values hashed (names and attributes kept, so findings stay the same).
    Sanitize(SanitizeArgs),
    /// Compare two captures (before and after a fix): which cookies now reach which requests, per
    /// browser, and which findings went away or appeared.
    Diff(DiffArgs),
    /// Predict the sticky cookie and CORS headers Kubernetes ingress manifests emit, and judge them per browser for each frontend origin.
    Ingress(ingress::IngressArgs),
    /// List every rule.
    Rules,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these definitions.
    Man,
    /// Print a rule's documentation.
    Explain {
        /// The rule id (see `crossjar rules`).
        rule: String,
    },
    /// Serve a local web page (127.0.0.1 only): drop a HAR or paste `curl -i` output and see the story.
    Serve(serve::ServeArgs),
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Human-readable report.
    Text,
    /// Versioned JSON (`crossjar.har.v1`, `crossjar.headers.v1`).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one test case per rule and input.
    Junit,
    /// GitHub Actions workflow annotations (`::error file=…::…`).
    Github,
}

/// Renders diagnostics in one of the CI formats (`None` for text and JSON, which are per report).
pub(crate) fn render_ci(
    format: Format,
    kind: crate::analysis::rules::Input,
    inputs: &[String],
    diagnostics: &[crate::output::diagnostic::Diagnostic],
) -> Option<String> {
    use crate::output::{github, junit, sarif};
    match format {
        Format::Sarif => Some(sarif::render(diagnostics) + "\n"),
        Format::Junit => Some(junit::render(kind, inputs, diagnostics)),
        Format::Github => Some(github::render(diagnostics)),
        Format::Text | Format::Json => None,
    }
}

/// Which findings make the exit code 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Error-level findings.
    Error,
    /// Warnings and errors.
    Warning,
    /// Never (exit 0 unless the input is unreadable).
    Never,
}

impl FailOn {
    pub(crate) fn exit_code(self, worst: Option<Severity>) -> i32 {
        let threshold = match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Never => return EXIT_OK,
        };
        if worst.is_some_and(|w| w >= threshold) {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }
}

/// Options shared by the analysing commands.
#[derive(Args, Debug, Clone)]
pub(crate) struct Common {
    /// Browser profiles: chrome, chrome-3pc-blocked, firefox, safari, or all (repeatable).
    #[arg(long = "browser", value_name = "BROWSER", default_value = "all")]
    browsers: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print cookie values and full URLs (they are hidden by default: captures hold secrets).
    #[arg(long)]
    show_values: bool,
    /// Print findings only.
    #[arg(long, short)]
    quiet: bool,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// The configuration file (default: `crossjar.toml` in the working directory or an ancestor).
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Report only findings not in this baseline (written by `--write-baseline`).
    #[arg(long, value_name = "FILE")]
    baseline: Option<std::path::PathBuf>,
    /// Write the current findings' fingerprints to FILE as a baseline, then exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<std::path::PathBuf>,
}

impl Common {
    pub(crate) fn browsers(&self) -> Result<Vec<Browser>, String> {
        Browser::parse_list(self.browsers.iter().map(String::as_str))
    }
}

#[derive(Args, Debug)]
pub(crate) struct HarArgs {
    /// HAR files (`-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<std::path::PathBuf>,
    /// Focus on these cookies (repeatable); default: session-affinity cookies and cookies sent on some
    /// requests and withheld on others.
    #[arg(long = "cookie", value_name = "NAME")]
    cookies: Vec<String>,
    /// Files analysed at once (default: the number of cores); output stays in input order.
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    jobs: Option<usize>,
    /// Your own sites (origin or host, repeatable): findings about them come first, other sites'
    /// cookies are grouped per vendor. Default: `[origins] frontends` in crossjar.toml, else the
    /// capture's top-level pages.
    #[arg(long = "site", value_name = "SITE")]
    sites: Vec<String>,
    /// Every finding in full: no grouping of third-party vendors' cookie findings.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct SanitizeArgs {
    /// The HAR to sanitize (`-` for standard input).
    #[arg(value_name = "IN")]
    input: std::path::PathBuf,
    /// Where to write the result (default: standard output).
    #[arg(short, long, value_name = "OUT")]
    output: Option<std::path::PathBuf>,
    /// Keep request and response bodies, `postData` and WebSocket messages (replaced by default).
    #[arg(long)]
    keep_bodies: bool,
    /// Keep the values of this header although it is not on the public list (repeatable).
    #[arg(long, value_name = "NAME")]
    keep_header: Vec<String>,
    /// Bodies are replaced by default; the old opt-in is accepted and changes nothing.
    #[arg(long, hide = true, conflicts_with = "keep_bodies")]
    bodies: bool,
    /// Salt for the hashes (default: random per run); give one to get the same output twice.
    #[arg(long)]
    salt: Option<String>,
    /// Do not print the summary line (errors are still printed).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
pub(crate) struct DiffArgs {
    /// The capture before the fix.
    before: std::path::PathBuf,
    /// The capture after the fix.
    after: std::path::PathBuf,
    /// Focus on these cookies (repeatable).
    #[arg(long = "cookie", value_name = "NAME")]
    cookies: Vec<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct HeadersArgs {
    /// The response text as `curl -i` or `curl -v` prints it (`-` for standard input).
    #[arg(value_name = "FILE")]
    file: std::path::PathBuf,
    /// The request URL.
    #[arg(long)]
    url: String,
    /// The page origin making the request (default: the URL's own origin).
    #[arg(long, value_name = "ORIGIN")]
    from: Option<String>,
    /// The request method (default: GET; for a `curl -v` preflight, the method its
    /// `Access-Control-Request-Method` names).
    #[arg(long)]
    method: Option<String>,
    /// A header the page sets, `Name: value` (repeatable).
    #[arg(long = "request-header", value_name = "HEADER")]
    request_headers: Vec<String>,
    /// The credentials mode: omit, same-origin or include.
    #[arg(long, default_value = "same-origin")]
    credentials: String,
    /// The kind of request: fetch, xhr, navigation, iframe, subresource, websocket.
    #[arg(long, default_value = "fetch")]
    kind: String,
    /// The text answers the request's preflight (`curl -si -X OPTIONS …`): judge it as the preflight
    /// answer, not as the response. Implied when `curl -v` printed `> OPTIONS` before it.
    #[arg(long)]
    preflight: bool,
    #[command(flatten)]
    common: Common,
}

/// Runs the command line and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_INPUT } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    // Colour only on a terminal that wants it: `anstream` strips the styles for pipes, files and
    // `NO_COLOR`, so redirected output and JSON are plain bytes.
    let stdout = std::io::stdout();
    // A JSON report holds no raw escape byte (serde_json writes control characters as `\u001b`), so
    // it goes out untouched: stripping would scan every byte of a report that can run to gigabytes.
    let plain = matches!(&cli.command, Command::Har(a) if a.common.format == Format::Json);
    let choice = if plain { anstream::ColorChoice::AlwaysAnsi } else { anstream::ColorChoice::Auto };
    let mut out = anstream::AutoStream::new(stdout.lock(), choice);
    match cli.command {
        // JSON goes out untouched (`plain`): standard output may then be written to directly.
        Command::Har(args) => har::run(&args, &mut out, plain),
        Command::Headers(args) => headers::run(&args, &mut out),
        Command::Sanitize(args) => sanitize::run(&args),
        Command::Diff(args) => diff::run(&args, &mut out),
        Command::Serve(args) => serve::run(&args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "crossjar", &mut out);
            EXIT_OK
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut page) {
                Ok(()) => write_all(&mut out, &page, "the man page"),
                Err(e) => {
                    error(format_args!("cannot render the man page ({e})"));
                    EXIT_INPUT
                }
            }
        }
        Command::Ingress(args) => ingress::run(&args, &mut out),
        Command::Rules => {
            let mut text = String::new();
            let width = RULES.iter().map(|r| r.id.as_str().len()).max().unwrap_or(0);
            for r in RULES {
                let inputs: Vec<&str> = r.inputs.iter().map(|i| i.as_str()).collect();
                text.push_str(&format!(
                    "{:<width$} {:<8} {:<8} {:<20} {}\n",
                    r.id,
                    r.category.as_str(),
                    r.severity,
                    inputs.join(","),
                    r.summary
                ));
            }
            write_all(&mut out, text.as_bytes(), "the rules")
        }
        Command::Explain { rule: id } => match id.parse::<RuleId>() {
            Ok(r) => write_all(&mut out, r.doc().as_bytes(), "the rule's page"),
            Err(e) => {
                error(e);
                EXIT_INPUT
            }
        },
    }
}

/// Writes `bytes` to the output; a reader that closed the pipe early (`crossjar man | head`) is its
/// choice, not an error.
fn write_all(out: &mut dyn Write, bytes: &[u8], what: &str) -> i32 {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            error(format_args!("cannot write {what} ({e})"));
            EXIT_INPUT
        }
    }
}

pub(crate) fn error(msg: impl std::fmt::Display) {
    // Messages quote the input (names, URLs): escaped for the terminal, URLs redacted.
    let msg = msg.to_string();
    eprintln!("crossjar: {}", crate::output::escape::text(&crate::output::redact::message(&msg)));
}
