//! Wiring for pasted ingress YAML → `crossjar ingress` analysis, without any I/O, so the local web page
//! predicts and judges manifests through the same library calls as the command line
//! ([`predict_texts`] then [`analyse`]). The caller renders the result (`crossjar.ingress.v1`).
//!
//! The options arrive as the strings a person typed; they are validated here, with messages that say
//! what to type instead.

use std::path::PathBuf;

use crate::analysis::ingress::{analyse, IngressAnalysis, IngressAnalysisOptions};
use crate::input::ingress::{parse_controller_spec, predict_texts, PredictOptions, TlsTermination};
use crate::model::profile::Browser;
use crate::model::site::Origin;

/// What changes the prediction besides the YAML, as typed (the CLI's `--from`, `--tls-terminates-at`,
/// `--controller`).
#[derive(Clone, Debug, Default)]
pub struct IngressParams {
    /// Origins of frontend pages that call these hosts with credentials; empty strings are ignored.
    pub from: Vec<String>,
    /// `ingress`, `lb`, or `None`/empty to infer from each Ingress's `spec.tls`.
    pub tls_terminates_at: Option<String>,
    /// `NAME[@VERSION]` for Ingress objects whose class names no known controller; `None`/empty: none.
    pub controller: Option<String>,
}

/// The analysis, plus the frontend origins as serialised in the report's `frontends`.
#[derive(Debug)]
pub struct IngressOutcome {
    /// Routes, findings, and the documents that could not be read (each naming `input:line:col`).
    pub analysis: IngressAnalysis,
    /// The frontend origins, serialised, in the order given.
    pub frontends: Vec<String>,
}

/// Why nothing was analysed: an option is invalid or missing; the message names it and says what to
/// give instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressParamsError {
    /// What is wrong, in words that say what to do next.
    pub message: String,
}

impl std::fmt::Display for IngressParamsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IngressParamsError {}

fn fail(message: String) -> Result<IngressOutcome, IngressParamsError> {
    Err(IngressParamsError { message })
}

/// Parses frontend origins as typed (`--from`, the web page's list, `crossjar.toml`): blank entries
/// are skipped, duplicates kept once; returns them serialised (for the report's `frontends`) and
/// parsed. An empty result is an error that says what to give.
pub fn parse_frontends(from: &[String]) -> Result<(Vec<String>, Vec<Origin>), IngressParamsError> {
    let fail = |message: String| Err(IngressParamsError { message });
    let mut origins: Vec<Origin> = Vec::new();
    let mut frontends: Vec<String> = Vec::new();
    for s in from.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let o = match Origin::parse(s) {
            Ok(o) => o,
            Err(e) => return fail(format!("frontend origin `{s}`: {e}")),
        };
        if o.is_opaque() {
            return fail(format!(
                "frontend origin `{s}` is opaque; use scheme://host[:port], e.g. https://app.example"
            ));
        }
        let name = o.serialize();
        if !frontends.contains(&name) {
            frontends.push(name);
            origins.push(o);
        }
    }
    if origins.is_empty() {
        return fail(
            "no frontend origin: give the origin of the page that calls these hosts with credentials, \
             e.g. https://app.example (the `from` list; `crossjar ingress --from` on the command line)"
                .to_owned(),
        );
    }
    Ok((frontends, origins))
}

/// Predicts and judges the manifests in `text` exactly as `crossjar ingress` does for a file named
/// `input` (which locations and errors then name). Broken YAML documents become
/// [`IngressAnalysis::errors`] while the other documents are still analysed.
pub fn analyse_ingress_text(
    input: &str,
    text: &str,
    params: &IngressParams,
    browsers: &[Browser],
) -> Result<IngressOutcome, IngressParamsError> {
    let (frontends, origins) = parse_frontends(&params.from)?;
    let tls_terminates_at = match params.tls_terminates_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("ingress") => Some(TlsTermination::Ingress),
        Some("lb") => Some(TlsTermination::Lb),
        Some(other) => {
            return fail(format!(
            "TLS terminates at `{other}`: use ingress, lb, or leave it empty to infer it from each Ingress's spec.tls"
        ))
        }
    };
    let mut popts = PredictOptions { tls_terminates_at, ..PredictOptions::default() };
    if let Some(spec) = params.controller.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        match parse_controller_spec(spec) {
            Some(c) => popts.controller = Some(c),
            None => {
                return fail(format!(
                    "controller `{spec}`: use NAME[@VERSION] with NAME one of ingress-nginx, traefik, gateway-api, istio, aws-alb, gke (e.g. ingress-nginx@1.12)"
                ))
            }
        }
    }
    if text.trim().is_empty() {
        return fail(format!(
            "{input}: no YAML: paste one or more manifests (Ingress, Service, IngressRoute, HTTPRoute, …)"
        ));
    }
    let aopts = IngressAnalysisOptions {
        frontends: origins,
        browsers: browsers.to_vec(),
        tls_at_lb: popts.tls_terminates_at == Some(TlsTermination::Lb),
        now: popts.issued_at,
        default_host: None,
    };
    let report = predict_texts(&[(PathBuf::from(input), text.to_owned())], &popts);
    Ok(IngressOutcome { analysis: analyse(report, &aopts), frontends })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../fixtures/ingress/ingress-nginx/seed.yaml");

    fn from(origins: &[&str]) -> IngressParams {
        IngressParams { from: origins.iter().map(|s| s.to_string()).collect(), ..IngressParams::default() }
    }

    #[test]
    fn the_seed_route_is_judged_per_browser() {
        let out = analyse_ingress_text("pasted.yaml", SEED, &from(&["https://kontext.build/"]), Browser::ALL).unwrap();
        assert_eq!(out.frontends, vec!["https://kontext.build".to_string()]);
        let a = &out.analysis;
        assert!(a.errors.is_empty(), "{:?}", a.errors);
        assert_eq!(a.routes.len(), 1);
        let chrome = a.routes[0].origins[0].browsers.iter().find(|v| v.browser == Browser::Chrome).unwrap();
        assert_eq!(chrome.stored, Some(false));
        let f = a.findings.iter().find(|f| f.rule == "affinity-cookie-cross-site-blocked").expect("the seed finding");
        assert_eq!(f.location.file, PathBuf::from("pasted.yaml"));
        assert_eq!(f.location.line, Some(8));
    }

    #[test]
    fn options_change_the_prediction() {
        // TLS at a load balancer: ingress-nginx sees plain HTTP and no longer adds `Secure` itself.
        let mut p = from(&["https://kontext.build"]);
        p.tls_terminates_at = Some("lb".into());
        let out = analyse_ingress_text("pasted.yaml", SEED, &p, &[Browser::Chrome]).unwrap();
        let line = &out.analysis.routes[0].route.affinity[0].set_cookie_line;
        assert!(!line.contains("Secure"), "{line}");
        let out =
            analyse_ingress_text("pasted.yaml", SEED, &from(&["https://kontext.build"]), &[Browser::Chrome]).unwrap();
        assert!(out.analysis.routes[0].route.affinity[0].set_cookie_line.contains("Secure"));

        p.controller = Some("ingress-nginx@1.12".into());
        let out = analyse_ingress_text("pasted.yaml", SEED, &p, &[Browser::Chrome]).unwrap();
        assert_eq!(out.analysis.routes[0].route.controller_version.to_string(), "1.12.0");
    }

    #[test]
    fn bad_options_say_what_to_give() {
        let no_origin = analyse_ingress_text("pasted.yaml", SEED, &from(&["", "  "]), Browser::ALL).unwrap_err();
        assert!(no_origin.message.contains("no frontend origin"), "{no_origin}");
        let bad = analyse_ingress_text("pasted.yaml", SEED, &from(&["not an origin"]), Browser::ALL).unwrap_err();
        assert!(bad.message.contains("`not an origin`"), "{bad}");
        let mut p = from(&["https://a.example"]);
        p.tls_terminates_at = Some("pod".into());
        assert!(analyse_ingress_text("pasted.yaml", SEED, &p, Browser::ALL).unwrap_err().message.contains("`pod`"));
        p.tls_terminates_at = None;
        p.controller = Some("haproxy@2".into());
        assert!(analyse_ingress_text("pasted.yaml", SEED, &p, Browser::ALL).unwrap_err().message.contains("haproxy"));
        let empty = analyse_ingress_text("pasted.yaml", " \n", &from(&["https://a.example"]), Browser::ALL);
        assert!(empty.unwrap_err().message.starts_with("pasted.yaml: no YAML"));
    }

    #[test]
    fn broken_documents_are_named_and_the_rest_is_analysed() {
        let text = format!("{SEED}---\nkind: Ingress\nmetadata: {{name: x\n");
        let out = analyse_ingress_text("pasted.yaml", &text, &from(&["https://kontext.build"]), Browser::ALL).unwrap();
        let a = &out.analysis;
        assert_eq!(a.routes.len(), 1, "the good document is still analysed");
        assert_eq!(a.errors.len(), 1);
        let shown = a.errors[0].to_string();
        assert!(shown.starts_with("pasted.yaml:"), "{shown}");
        assert!(a.errors[0].location.line.is_some_and(|l| l > SEED.lines().count()), "{shown}");
    }
}
