//! Splits the cost of `crossjar har` (issue #8): times the reader plus the per-browser replay, then
//! the findings pass, then the text rendering, on one file, and prints resident memory after each
//! step. Prints counts and timings only, never cookie values.
//!
//! Usage: `cargo run --release --example har_replay -- FILE.har [--replay-only | --replay-timed]`
//! (`--replay-only` stops after the replay, for profiling it alone; `--replay-timed` reads every
//! entry into memory first, then times the four profiles' replay alone, on one thread, best of three
//! passes: the per-entry figure of issue #17 without the reader's share).

use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

use crossjar::analysis::findings::{analyse, Focus};
use crossjar::analysis::replay::{Replay, ReplayOptions};
use crossjar::input::har::{read_har_path, HarItem};
use crossjar::output::text;

/// Resident heap (RssAnon) and file-backed pages (RssFile), from /proc (Linux only).
fn resident() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let pick = |k: &str| status.lines().find(|l| l.starts_with(k)).map_or("?", |l| l[k.len()..].trim());
    format!("anon {}, file {}", pick("RssAnon:"), pick("RssFile:"))
}

fn main() {
    let Some(arg) = std::env::args_os().nth(1) else {
        eprintln!("usage: har_replay FILE.har");
        std::process::exit(2);
    };
    let path = Path::new(&arg);
    let options = ReplayOptions::default();
    if std::env::args().any(|a| a == "--replay-timed") {
        return replay_timed(path, &options);
    }
    let mut replay = Replay::new(&options);
    let start = Instant::now();
    let result = read_har_path(path, &mut |item| {
        match item {
            HarItem::Log(info) => {
                replay.set_creator(info.creator.as_ref().map(|c| format!("{} {}", c.name, c.version)));
                for p in &info.pages {
                    replay.page(p);
                }
            }
            HarItem::Entry(x) => replay.push(&x),
            HarItem::EntryError(e) => replay.skip(e.location.entry.unwrap_or(0), e.message.clone()),
            _ => {}
        }
        ControlFlow::Continue(())
    });
    if let Err(e) = result {
        eprintln!("{e}");
    }
    let mut report = replay.finish(&path.display().to_string());
    let t_replay = start.elapsed();
    let verdicts: usize = report.runs.iter().map(|r| r.entries.len()).sum();
    let cookie_verdicts: usize = report.runs.iter().flat_map(|r| &r.entries).map(|e| e.cookies.len()).sum();
    println!(
        "read + replay: {:.2} s; {} entries, {verdicts} entry verdicts, {cookie_verdicts} cookie verdicts; {}",
        t_replay.as_secs_f64(),
        report.entries,
        resident()
    );
    if std::env::args().any(|a| a == "--replay-only") {
        return;
    }
    let t = Instant::now();
    analyse(&mut report, &Focus::default());
    println!(
        "findings pass: {:.2} s; {} focused cookies, {} findings; {}",
        t.elapsed().as_secs_f64(),
        report.summary.len(),
        report.findings.len(),
        resident()
    );
    let t = Instant::now();
    let out = text::har_report(&report, text::TextOptions::default());
    println!("text rendering: {:.2} s; {} bytes; {}", t.elapsed().as_secs_f64(), out.len(), resident());
}

/// Reads every entry first, then times [`Replay::replay`] alone over them (best of three passes, each
/// with a fresh replay), verdicts dropped as the streaming pipeline drops them.
fn replay_timed(path: &Path, options: &ReplayOptions) {
    let mut creator = None;
    let mut exchanges = Vec::new();
    let result = read_har_path(path, &mut |item| {
        match item {
            HarItem::Log(info) => creator = info.creator.as_ref().map(|c| format!("{} {}", c.name, c.version)),
            HarItem::Entry(x) => exchanges.push(x),
            _ => {}
        }
        ControlFlow::Continue(())
    });
    if let Err(e) = result {
        eprintln!("{e}");
    }
    let mut best = f64::MAX;
    for _ in 0..3 {
        let mut replay = Replay::new(options);
        replay.set_creator(creator.clone());
        let start = Instant::now();
        for x in &exchanges {
            drop(std::hint::black_box(replay.replay(x)));
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "replay alone ({} profiles): {:.3} s for {} entries, {:.2} µs per entry (best of 3)",
        options.browsers.len(),
        best,
        exchanges.len(),
        best * 1e6 / exchanges.len().max(1) as f64
    );
}
