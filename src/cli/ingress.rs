//! `crossjar ingress`: predict what each route's proxy emits, judge it per browser for each frontend
//! origin, and report findings; `--compare OLD NEW` reports what a migration changes.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{error, Common, Format, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
use crate::analysis::ingress::{analyse, IngressAnalysis, IngressAnalysisOptions};
use crate::analysis::ingress_compare::compare;
use crate::config;
use crate::input::ingress::{parse_controller_spec, predict_paths, PredictOptions, TlsTermination};
use crate::output::ingress_text::Snippets;
use crate::output::{diagnostic, ingress_json, ingress_text};

/// Where TLS ends (`--tls-terminates-at`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TlsAt {
    /// At the ingress proxy: it sees HTTPS (ingress-nginx then adds `Secure` itself).
    Ingress,
    /// At a load balancer in front: the proxy sees plain HTTP.
    Lb,
}

#[derive(Args, Debug)]
pub(crate) struct IngressArgs {
    /// YAML files or folders (multi-document, `kind: List`, Helm output).
    #[arg(value_name = "PATH", required_unless_present = "compare")]
    paths: Vec<PathBuf>,
    /// Origin of a frontend page that calls these hosts with credentials (repeatable); default: `[origins]
    /// frontends` in crossjar.toml.
    #[arg(long = "from", value_name = "ORIGIN")]
    from: Vec<String>,
    /// Where TLS ends; default: inferred from each Ingress's `spec.tls`.
    #[arg(long, value_enum)]
    tls_terminates_at: Option<TlsAt>,
    /// The controller (and version) for Ingress objects whose class names none, e.g. `ingress-nginx@1.12`;
    /// `traefik@3.5` or later reads nginx-class Ingresses through Traefik's ingress-nginx provider.
    #[arg(long, value_name = "NAME@VERSION")]
    controller: Option<String>,
    /// The host name to judge routes that name none (an HTTPRoute whose Gateway is not in the input,
    /// a DestinationRule on its own).
    #[arg(long, value_name = "HOST")]
    host: Option<String>,
    /// With `--compare`: the controller for the OLD side (default: `--controller`), e.g. `ingress-nginx@1.12`.
    #[arg(long, value_name = "NAME@VERSION", requires = "compare")]
    old_controller: Option<String>,
    /// With `--compare`: the controller for the NEW side (default: `--controller`), e.g. `traefik@3.6` to
    /// read the same nginx-class YAML through Traefik's ingress-nginx provider.
    #[arg(long, value_name = "NAME@VERSION", requires = "compare")]
    new_controller: Option<String>,
    /// Compare two sets of manifests (files or folders) and report what changes per host/path.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    compare: Option<Vec<PathBuf>>,
    #[command(flatten)]
    common: Common,
}

/// The frontend origins as given (`--from`), else from `crossjar.toml`; parsed by the application
/// layer, as for the web page.
fn frontends(args: &IngressArgs) -> Result<(Vec<String>, Vec<crate::Origin>), String> {
    let mut list = args.from.clone();
    if list.is_empty() {
        let cwd = std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
        if let Some(cfg) = config::discover(&cwd)? {
            list = cfg.frontends;
        }
    }
    if list.iter().all(|s| s.trim().is_empty()) {
        return Err("no frontend origin: pass `--from https://app.example` (repeatable), or add\n  [origins]\n  frontends = [\"https://app.example\"]\nto crossjar.toml in the repository".to_owned());
    }
    crate::pipeline_ingress::parse_frontends(&list).map_err(|e| e.message)
}

fn snippets(a: &IngressAnalysis) -> Snippets {
    let mut wanted: Vec<(PathBuf, usize)> =
        a.findings.iter().filter_map(|f| Some((f.location.file.clone(), f.location.line?))).collect();
    wanted.sort();
    wanted.dedup();
    let mut out = Snippets::new();
    let mut current: Option<(PathBuf, Vec<String>)> = None;
    for (file, line) in wanted {
        if current.as_ref().is_none_or(|(f, _)| *f != file) {
            let lines =
                std::fs::read_to_string(&file).map(|t| t.lines().map(str::to_owned).collect()).unwrap_or_default();
            current = Some((file.clone(), lines));
        }
        if let Some(text) = current.as_ref().and_then(|(_, l)| l.get(line.checked_sub(1)?)) {
            out.insert((file, line), text.trim_end().to_owned());
        }
    }
    out
}

/// The output, remembering whether a write already failed, so one failure is reported once (a closed
/// pipe fails the write and then the final flush again).
struct Tracked<'a> {
    inner: &'a mut dyn Write,
    failed: bool,
}

impl Write for Tracked<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.failed |= r.is_err();
        r
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.failed |= r.is_err();
        r
    }
}

/// A closed pipe (`crossjar ingress … | head`) is the reader's choice: nothing to report.
fn report_write_error(e: &std::io::Error) {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        error(format_args!("cannot write the report: {e}"));
    }
}

pub(crate) fn run(args: &IngressArgs, out: &mut dyn Write) -> i32 {
    // Reports on large manifest sets run to tens of megabytes: buffer them (stdout is line-buffered).
    let mut tracked = Tracked { inner: out, failed: false };
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut tracked);
    let code = run_buffered(args, &mut buffered);
    let flushed = buffered.flush();
    drop(buffered);
    match flushed {
        Ok(()) => code,
        // Already reported by the write that failed first.
        Err(_) if code == EXIT_INPUT && tracked.failed => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            report_write_error(&e);
            EXIT_INPUT
        }
    }
}

fn run_buffered(args: &IngressArgs, out: &mut dyn Write) -> i32 {
    let browsers = match args.common.browsers() {
        Ok(b) => b,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let (names, origins) = match frontends(args) {
        Ok(f) => f,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let mut popts = PredictOptions { default_host: args.host.clone(), ..PredictOptions::default() };
    let parse = |flag: &str, spec: &Option<String>| -> Result<Option<_>, ()> {
        match spec {
            None => Ok(None),
            Some(spec) => match parse_controller_spec(spec) {
                Some(c) => Ok(Some(c)),
                None => {
                    error(format_args!(
                        "--{flag} `{spec}`: use NAME[@VERSION] with NAME one of ingress-nginx, traefik, gateway-api, istio, aws-alb, gke, contour (e.g. ingress-nginx@1.12)"
                    ));
                    Err(())
                }
            },
        }
    };
    let (Ok(controller), Ok(old_controller), Ok(new_controller)) = (
        parse("controller", &args.controller),
        parse("old-controller", &args.old_controller),
        parse("new-controller", &args.new_controller),
    ) else {
        return EXIT_INPUT;
    };
    popts.controller = controller;
    popts.tls_terminates_at = args.tls_terminates_at.map(|t| match t {
        TlsAt::Ingress => TlsTermination::Ingress,
        TlsAt::Lb => TlsTermination::Lb,
    });
    let aopts = IngressAnalysisOptions {
        frontends: origins,
        browsers,
        tls_at_lb: args.tls_terminates_at == Some(TlsAt::Lb),
        now: popts.issued_at,
        default_host: args.host.clone(),
    };
    if let Some(pair) = &args.compare {
        let side = |c: Option<_>| PredictOptions { controller: c.or(popts.controller), ..popts.clone() };
        let (old_opts, new_opts) = (side(old_controller), side(new_controller));
        let a = analyse(predict_paths(std::slice::from_ref(&pair[0]), &old_opts), &aopts);
        let b = analyse(predict_paths(std::slice::from_ref(&pair[1]), &new_opts), &aopts);
        return run_compare(args, a, b, out);
    }
    let mut analysis = analyse(predict_paths(&args.paths, &popts), &aopts);
    for e in &analysis.errors {
        error(e);
    }
    match super::policy::load(&args.common) {
        Ok((_, policy)) => super::policy::apply_ingress(&policy, &mut analysis.findings),
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    }
    if let Some(path) = &args.common.write_baseline {
        return match super::policy::write_baseline(path, &diagnostic::from_ingress(&analysis.findings)) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                error(e);
                EXIT_INPUT
            }
        };
    }
    let written = match args.common.format {
        Format::Json => ingress_json::write(out, &analysis, &names),
        Format::Text => ingress_text::write(out, &analysis, &snippets(&analysis), args.common.quiet),
        ci => {
            let inputs: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
            let rendered = super::render_ci(
                ci,
                crate::analysis::rules::Input::Ingress,
                &inputs,
                &diagnostic::from_ingress(&analysis.findings),
            );
            out.write_all(rendered.unwrap_or_default().as_bytes())
        }
    };
    if let Err(e) = written {
        report_write_error(&e);
        return EXIT_INPUT;
    }
    // Any input that could not be read (a file, a document, a template) makes the run incomplete:
    // exit 2, after the readable part has been reported.
    if !analysis.errors.is_empty() {
        return EXIT_INPUT;
    }
    let code = args.common.fail_on.exit_code(analysis.worst());
    // The process ends right after: freeing every route one by one is measurable on 10 000 objects.
    std::mem::forget(analysis);
    code
}

fn run_compare(args: &IngressArgs, a: IngressAnalysis, b: IngressAnalysis, out: &mut dyn Write) -> i32 {
    for e in a.errors.iter().chain(&b.errors) {
        error(e);
    }
    if (a.routes.is_empty() && !a.errors.is_empty()) || (b.routes.is_empty() && !b.errors.is_empty()) {
        return EXIT_INPUT;
    }
    let changes = compare(&a, &b);
    let written = match args.common.format {
        Format::Json => ingress_json::write_compare(out, &changes),
        // The comparison has no findings of its own: CI formats get the text.
        _ => ingress_text::write_compare(out, &changes),
    };
    if let Err(e) = written {
        report_write_error(&e);
        return EXIT_INPUT;
    }
    if !a.errors.is_empty() || !b.errors.is_empty() {
        return EXIT_INPUT;
    }
    let regression = changes.iter().any(|c| c.has_regression());
    match args.common.fail_on {
        super::FailOn::Never => EXIT_OK,
        _ if regression => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}
