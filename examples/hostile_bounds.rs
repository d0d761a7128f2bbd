//! Time and peak memory of the big hostile inputs of issue #9, end to end through the library
//! (read, replay for every profile, analyse, text and JSON reports). A bound a benchmark shows, not a
//! timed test: `cargo run --release --example hostile_bounds` (or without `--release` for debug
//! numbers). Each case runs in its own child process so that its peak RSS (`VmHWM`) is its own.
//!
//! Cases: `deep-100k` (JSON nested 100 000 deep), `attributes-10k` (a Set-Cookie with 10 000
//! attributes), `header-5mb` and `header-50mb` (one huge `Cookie` value: time should grow linearly),
//! `hundred-thousand` (100 000 tiny entries, whole pipeline), `million-reader` (1 000 000 tiny
//! entries, reader only), `million` (the same, whole pipeline). Pass case names to run only those.
//!
//! Peak RSS counts the memory-mapped input pages the reader touched, so for a big file it is about
//! the file's size even though the reader's own memory does not grow with it.

use std::fs;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crossjar::analysis::findings::Focus;
use crossjar::analysis::replay::ReplayOptions;
use crossjar::input::har::{read_har_path, HarItem};
use crossjar::output::{json, text};
use crossjar::pipeline::analyse_har_path;

const CASES: &[&str] =
    &["deep-100k", "attributes-10k", "header-5mb", "header-50mb", "hundred-thousand", "million-reader", "million"];
const HEAD: &str = r#"{"log":{"version":"1.2","creator":{"name":"crossjar-bounds","version":"1"},"entries":["#;
const TAIL: &str = "]}}";

fn entry(i: usize, request_headers: &str, response_headers: &str) -> String {
    format!(
        r#"{{"startedDateTime":"2026-05-01T10:00:00.{ms:03}Z","request":{{"method":"GET","url":"https://app.example.com/api/{i}","httpVersion":"HTTP/1.1","headers":[{request_headers}],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0}},"response":{{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[{response_headers}],"cookies":[],"content":{{"size":1,"mimeType":"text/plain","text":"x"}},"redirectURL":"","headersSize":-1,"bodySize":1}},"cache":{{}},"timings":{{"send":0,"wait":1,"receive":0}},"_resourceType":"fetch"}}"#,
        ms = i % 1000
    )
}

fn header(name: &str, value: &str) -> String {
    format!(r#"{{"name":"{name}","value":"{value}"}}"#)
}

fn generate(case: &str, path: &Path) -> std::io::Result<()> {
    let mut w = BufWriter::new(fs::File::create(path)?);
    w.write_all(HEAD.as_bytes())?;
    match case {
        "deep-100k" => write!(w, "{},{}{}", entry(0, "", ""), "[".repeat(100_000), "]".repeat(100_000))?,
        "attributes-10k" => {
            let mut line = String::from("sid=abcdef123456");
            for i in 0..10_000 {
                line.push_str(["; Path=/", "; Secure", "; SameSite=None", "; X-Unknown=1", "; Max-Age=60"][i % 5]);
            }
            w.write_all(entry(0, "", &header("Set-Cookie", &line)).as_bytes())?;
        }
        "header-5mb" | "header-50mb" => {
            let mb = if case == "header-5mb" { 5 } else { 50 };
            let big = "x".repeat(mb * 1024 * 1024);
            write!(w, "{},{}", entry(0, "", ""), entry(1, &header("Cookie", &format!("big={big}")), ""))?;
        }
        "hundred-thousand" | "million-reader" | "million" => {
            let tiny = entry(0, "", "");
            let n = if case == "hundred-thousand" { 100_000 } else { 1_000_000 };
            for i in 0..n {
                if i > 0 {
                    w.write_all(b",")?;
                }
                w.write_all(tiny.as_bytes())?;
            }
        }
        _ => unreachable!("unknown case {case}"),
    }
    w.write_all(TAIL.as_bytes())?;
    w.flush()
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs one case in this process and prints one line.
fn run_case(case: &str, path: &Path) {
    let size = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let before = peak_rss_kib().unwrap_or(0);
    let start = Instant::now();
    let (entries, outcome, out_bytes) = if case == "million-reader" {
        let mut n = 0usize;
        let r = read_har_path(path, &mut |item| {
            n += usize::from(matches!(item, HarItem::Entry(_)));
            ControlFlow::Continue(())
        });
        (n, r.map(|_| ()).map_err(|e| e.to_string()), 0)
    } else {
        let (report, err) = analyse_har_path(path, &ReplayOptions::default(), &Focus::default());
        let t = text::har_report(&report, text::TextOptions::default());
        let j = json::har_report(&report, false);
        let n = report.entries - report.skipped.len();
        (n, err.map_or(Ok(()), |e| Err(e.to_string())), t.len() + j.len())
    };
    let elapsed = start.elapsed();
    let peak = peak_rss_kib().unwrap_or(0);
    println!(
        "{case:<16} input {:>6.1} MB  entries {entries:>7}  {:>7.2} s  peak RSS {:>7.1} MB (at start {:>5.1} MB)  reports {:>6.2} MB  {}",
        size as f64 / 1e6,
        elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
        out_bytes as f64 / 1e6,
        match outcome {
            Ok(()) => "ok".to_string(),
            // The error names the temporary file; keep only what follows it.
            Err(e) => format!("error: {}", e.split_once(": ").map_or(e.as_str(), |(_, m)| m)),
        }
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir: PathBuf = std::env::temp_dir().join(format!("crossjar-bounds-{}", std::process::id()));
    if let Some(case) = args.iter().position(|a| a == "--child").and_then(|i| args.get(i + 1)) {
        run_case(case, &PathBuf::from(args.last().expect("path")));
        return;
    }
    fs::create_dir_all(&dir).expect("temp dir");
    let chosen: Vec<&str> = if args.is_empty() {
        CASES.to_vec()
    } else {
        CASES.iter().copied().filter(|c| args.iter().any(|a| a == c)).collect()
    };
    let exe = std::env::current_exe().expect("own path");
    for case in chosen {
        // Generated here so that the child's peak memory is the analysis's alone.
        let path = dir.join(format!("{case}.har"));
        generate(case, &path).expect("generate");
        let status = Command::new(&exe).args(["--child", case]).arg(&path).status();
        let _ = fs::remove_file(&path);
        if !status.as_ref().is_ok_and(|s| s.success()) {
            println!("{case:<15} FAILED: {status:?}");
        }
    }
    let _ = fs::remove_dir_all(&dir);
}
