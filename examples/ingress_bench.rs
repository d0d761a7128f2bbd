//! Times `predict_texts` on one file holding 10 000 ingress-nginx Ingress objects (issue #5 asks
//! for under a second). Run with `cargo run --example ingress_bench [--release] [N] [--write FILE]`;
//! `--write FILE` only writes the generated manifests, to time the whole CLI on them:
//! `/usr/bin/time -v crossjar ingress FILE --from https://kontext.build --format json >/dev/null`.

use crossjar::input::ingress::{predict_texts, PredictOptions};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let write_to = args.iter().position(|a| a == "--write").and_then(|i| args.get(i + 1));
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app-{i}\n  namespace: ns-{ns}\n  annotations:\n    nginx.ingress.kubernetes.io/affinity: cookie\n    nginx.ingress.kubernetes.io/session-cookie-name: route\n    nginx.ingress.kubernetes.io/session-cookie-samesite: \"None\"\n    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n    nginx.ingress.kubernetes.io/cors-allow-origin: \"https://app-{i}.example.com\"\nspec:\n  ingressClassName: nginx\n  tls:\n    - hosts: [api-{i}.example.com]\n  rules:\n    - host: api-{i}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port:\n                  number: 80\n",
            ns = i % 50
        ));
    }
    if let Some(path) = write_to {
        std::fs::write(path, &text).expect("the output file is writable");
        println!("wrote {n} Ingress objects ({} bytes) to {path}", text.len());
        return;
    }
    let bytes = text.len();
    let start = Instant::now();
    let report = predict_texts(&[(PathBuf::from("bench.yaml"), text)], &PredictOptions::default());
    let elapsed = start.elapsed();
    println!(
        "{n} Ingress objects ({:.1} MB): {} routes, {} errors in {:.3} s",
        bytes as f64 / 1e6,
        report.routes.len(),
        report.errors.len(),
        elapsed.as_secs_f64()
    );
}
