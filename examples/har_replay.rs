//! Splits the cost of `crossjar har` (issue #8): times the reader plus the per-browser replay, then
//! the findings pass, then the text rendering, on one file, and prints resident memory after each
//! step. Prints counts and timings only, never cookie values.
//!
//! Usage: `cargo run --release --example har_replay -- FILE.har [--replay-only | --replay-timed | --main-timed] [--profiles N]`
//! (`--replay-only` stops after the replay, for profiling it alone; `--replay-timed` reads every
//! entry into memory first, then times the four profiles' replay alone, on one thread, best of three
//! passes: the per-entry figure of issue #17 without the reader's share; `--main-timed` times what
//! the pipeline's replay thread does with entries the reader's thread prepared: the replay, the
//! findings' and the text story's fold, the verdict lists handed back; best of five).

use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

use crossjar::analysis::findings::{analyse, Accumulator, Focus};
use crossjar::analysis::replay::{Prepared, Replay, ReplayOptions};
use crossjar::input::har::{read_har_path, HarItem};
use crossjar::output::text;

/// The command line's allocator (src/main.rs), so the figures are the pipeline's.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let mut options = ReplayOptions::default();
    // `--profiles N`: the first N default profiles only (what a profile adds, against what an entry
    // costs whatever the number of profiles).
    let args: Vec<String> = std::env::args().collect();
    if let Some(n) = args.iter().position(|a| a == "--profiles").and_then(|i| args.get(i + 1)?.parse().ok()) {
        options.browsers.truncate(n);
    }
    if std::env::args().any(|a| a == "--replay-timed") {
        return replay_timed(path, &options);
    }
    if std::env::args().any(|a| a == "--main-timed") {
        return main_timed(path, &options);
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

/// Reads and prepares every entry first, then times what the pipeline's replay thread does with them:
/// [`Replay::replay_prepared`], the findings' and the story's fold, the lists handed back (best of
/// five passes, each with a fresh replay).
fn main_timed(path: &Path, options: &ReplayOptions) {
    let (creator, exchanges) = read_all(path);
    let mut prepared: Vec<Prepared> = exchanges.iter().map(Prepared::of).collect();
    let mut best = f64::MAX;
    for _ in 0..5 {
        let mut replay = Replay::new(options);
        replay.set_creator(creator.clone());
        let mut findings = Accumulator::new(&options.browsers, &Focus::default());
        let mut story = text::Story::new(&options.browsers);
        let start = Instant::now();
        for (x, p) in exchanges.iter().zip(&mut prepared) {
            let verdicts = replay.replay_prepared(x, p);
            if !verdicts.is_empty() {
                findings.add(&verdicts);
                story.add_entry(&verdicts);
                replay.recycle(verdicts);
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
        std::hint::black_box((replay, findings, story));
    }
    print_best("replay thread's work", options, best, exchanges.len(), 5);
}

/// One timing line: `what` took `best` seconds (best of `passes`) over `entries` entries.
fn print_best(what: &str, options: &ReplayOptions, best: f64, entries: usize, passes: usize) {
    println!(
        "{what} ({} profiles): {best:.3} s for {entries} entries, {:.2} µs per entry (best of {passes})",
        options.browsers.len(),
        best * 1e6 / entries.max(1) as f64
    );
}

/// Every entry of `path` in memory, and the creator line.
fn read_all(path: &Path) -> (Option<String>, Vec<crossjar::evidence::Exchange>) {
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
    (creator, exchanges)
}

/// Reads every entry first, then times [`Replay::replay`] alone over them (best of three passes, each
/// with a fresh replay), verdicts dropped as the streaming pipeline drops them.
fn replay_timed(path: &Path, options: &ReplayOptions) {
    let (creator, exchanges) = read_all(path);
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
    print_best("replay alone", options, best, exchanges.len(), 3);
}
