//! Time and peak memory of the big hostile inputs of issue #9, end to end through the library
//! (read, replay for every profile, analyse, text and JSON reports). A bound a benchmark shows, not a
//! timed test: `cargo run --release --example hostile_bounds` (or without `--release` for debug
//! numbers). Each case runs in its own child process so that its peak RSS (`VmHWM`) is its own.
//!
//! Cases: `million-reader` (1 000 000 tiny entries, reader only), `million` (the same, whole
//! pipeline), `header-50mb`, `deep-100k`, `attributes-10k`. Pass case names to run only those.

use std::fs;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crossjar::analysis::findings::{analyse, Focus};
use crossjar::analysis::replay::{Replay, ReplayOptions};
use crossjar::input::har::{read_har_path, HarItem};
use crossjar::output::{json, text};

const CASES: &[&str] = &["deep-100k", "attributes-10k", "header-50mb", "million-reader", "million"];
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
        "header-50mb" => {
            let big = "x".repeat(50 * 1024 * 1024);
            write!(w, "{},{}", entry(0, "", ""), entry(1, &header("Cookie", &format!("big={big}")), ""))?;
        }
        "million-reader" | "million" => {
            let tiny = entry(0, "", "");
            for i in 0..1_000_000 {
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
fn run_case(case: &str, dir: &Path) {
    let path = dir.join(format!("{case}.har"));
    generate(case, &path).expect("generate");
    let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let before = peak_rss_kib().unwrap_or(0);
    let start = Instant::now();
    let (entries, outcome, out_bytes) = if case == "million-reader" {
        let mut n = 0usize;
        let r = read_har_path(&path, &mut |item| {
            n += usize::from(matches!(item, HarItem::Entry(_)));
            ControlFlow::Continue(())
        });
        (n, r.map(|_| ()).map_err(|e| e.to_string()), 0)
    } else {
        let mut replay = Replay::new(&ReplayOptions::default());
        let mut n = 0usize;
        let r = read_har_path(&path, &mut |item| {
            match item {
                HarItem::Entry(x) => {
                    n += 1;
                    replay.push(&x);
                }
                HarItem::EntryError(e) => replay.skip(e.location.entry.unwrap_or(usize::MAX), e.to_string()),
                _ => {}
            }
            ControlFlow::Continue(())
        });
        let mut report = replay.finish(&path.display().to_string());
        analyse(&mut report, &Focus::default());
        let t = text::har_report(&report, text::TextOptions::default());
        let j = json::har_report(&report, false);
        (n, r.map(|_| ()).map_err(|e| e.to_string()), t.len() + j.len())
    };
    let elapsed = start.elapsed();
    let peak = peak_rss_kib().unwrap_or(0);
    let _ = fs::remove_file(&path);
    println!(
        "{case:<15} input {:>8.1} MB  entries {entries:>8}  {:>8.2} s  peak RSS {:>7.1} MB (generator {:>6.1} MB)  reports {:>8.1} MB  {}",
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
        let dir = PathBuf::from(args.last().expect("dir"));
        run_case(case, &dir);
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
        let status = Command::new(&exe).args(["--child", case]).arg(&dir).status();
        if !status.as_ref().is_ok_and(|s| s.success()) {
            println!("{case:<15} FAILED: {status:?}");
        }
    }
    let _ = fs::remove_dir_all(&dir);
}
