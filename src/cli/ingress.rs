//! `crossjar ingress`: predict what each route's proxy emits, judge it per browser for each frontend
//! origin, and report findings; `--compare OLD NEW` reports what a migration changes.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{error, Common, Format, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
use crate::analysis::ingress::{analyse, IngressAnalysis, IngressAnalysisOptions};
use crate::analysis::ingress_compare::compare;
use crate::config;
use crate::input::ingress::{parse_controller_spec, predict_paths, PredictOptions, TlsTermination};
use crate::model::site::Origin;
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
    /// Compare two sets of manifests (files or folders) and report what changes per host/path.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    compare: Option<Vec<PathBuf>>,
    #[command(flatten)]
    common: Common,
}

fn frontends(args: &IngressArgs) -> Result<(Vec<String>, Vec<Origin>), String> {
    let mut list = args.from.clone();
    if list.is_empty() {
        let cwd = std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
        if let Some(cfg) = config::discover(&cwd)? {
            list = cfg.frontends;
        }
    }
    if list.is_empty() {
        return Err("no frontend origin: pass `--from https://app.example` (repeatable), or add\n  [origins]\n  frontends = [\"https://app.example\"]\nto crossjar.toml in the repository".to_owned());
    }
    let mut origins = Vec::new();
    for s in &list {
        let o = Origin::parse(s).map_err(|e| format!("frontend origin `{s}`: {e}"))?;
        if o.is_opaque() {
            return Err(format!("frontend origin `{s}` is opaque; use scheme://host[:port]"));
        }
        origins.push(o);
    }
    Ok((origins.iter().map(Origin::serialize).collect(), origins))
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

/// A report that could not be written: said once, and not at all when the reader went away
/// (`crossjar ingress … | head`).
fn cannot_write(e: &std::io::Error) -> i32 {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        error(format_args!("cannot write the report: {e}"));
    }
    EXIT_INPUT
}

pub(crate) fn run(args: &IngressArgs, out: &mut dyn Write) -> i32 {
    // Reports on large manifest sets run to tens of megabytes: buffer them (stdout is line-buffered).
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    let code = run_buffered(args, &mut buffered);
    if let Err(e) = buffered.flush() {
        return cannot_write(&e);
    }
    code
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
    let mut popts = PredictOptions::default();
    if let Some(spec) = &args.controller {
        match parse_controller_spec(spec) {
            Some(c) => popts.controller = Some(c),
            None => {
                error(format_args!(
                    "--controller `{spec}`: use NAME[@VERSION] with NAME one of ingress-nginx, traefik, gateway-api, istio, aws-alb, gke (e.g. ingress-nginx@1.12)"
                ));
                return EXIT_INPUT;
            }
        }
    }
    popts.tls_terminates_at = args.tls_terminates_at.map(|t| match t {
        TlsAt::Ingress => TlsTermination::Ingress,
        TlsAt::Lb => TlsTermination::Lb,
    });
    let aopts = IngressAnalysisOptions {
        frontends: origins,
        browsers,
        tls_at_lb: args.tls_terminates_at == Some(TlsAt::Lb),
        now: popts.issued_at,
    };
    let run_one = |paths: &[PathBuf]| analyse(predict_paths(paths, &popts), &aopts);
    if let Some(pair) = &args.compare {
        return run_compare(args, &pair[0], &pair[1], &run_one, out);
    }
    let mut analysis = run_one(&args.paths);
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
            let rendered = super::render_ci(ci, &inputs, &diagnostic::from_ingress(&analysis.findings));
            out.write_all(rendered.unwrap_or_default().as_bytes())
        }
    };
    if let Err(e) = written {
        return cannot_write(&e);
    }
    if analysis.routes.is_empty() && !analysis.errors.is_empty() {
        return EXIT_INPUT;
    }
    let code = args.common.fail_on.exit_code(analysis.worst());
    // The process ends right after: freeing every route one by one is measurable on 10 000 objects.
    std::mem::forget(analysis);
    code
}

fn run_compare(
    args: &IngressArgs,
    old: &Path,
    new: &Path,
    run_one: &dyn Fn(&[PathBuf]) -> IngressAnalysis,
    out: &mut dyn Write,
) -> i32 {
    let a = run_one(&[old.to_path_buf()]);
    let b = run_one(&[new.to_path_buf()]);
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
        return cannot_write(&e);
    }
    let regression = changes.iter().any(|c| c.has_regression());
    match args.common.fail_on {
        super::FailOn::Never => EXIT_OK,
        _ if regression => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}
