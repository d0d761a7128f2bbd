//! The ingress reader and predictor, then the browser verdicts: never panics on any YAML, and every
//! error and finding points at a line inside the input.
#![no_main]

use std::path::PathBuf;

use crossjar::analysis::ingress::{analyse, IngressAnalysisOptions};
use crossjar::input::ingress::{predict_texts, PredictOptions};
use crossjar::model::profile::Browser;
use crossjar::model::site::Origin;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    // YAML breaks lines at LF, CRLF and a lone CR; positions count them all.
    let lines = text.replace("\r\n", "\n").replace('\r', "\n").split('\n').count();
    let report = predict_texts(&[(PathBuf::from("f.yaml"), text)], &PredictOptions::default());
    for e in &report.errors {
        let line = e.location.line.unwrap_or(1);
        assert!(line >= 1 && line <= lines + 1, "error on line {line} of {lines}");
    }
    let opts = IngressAnalysisOptions {
        frontends: vec![Origin::parse("https://kontext.build").unwrap()],
        browsers: Browser::ALL.to_vec(),
        tls_at_lb: false,
        now: PredictOptions::default().issued_at,
        default_host: None,
    };
    let analysis = analyse(report, &opts);
    for f in &analysis.findings {
        assert!(f.location.line.unwrap_or(1) <= lines + 1);
    }
});
