//! Micro-benchmarks of `crossjar har` per entry (issue #17): the HAR reader over a capture in memory
//! (reusing exchanges as the pipeline does, and with a fresh exchange per entry), the replay for the
//! four browser profiles, and the JSON writer. Throughput is per entry; the allocation profiler
//! shows allocations per iteration (an iteration reads or replays the whole capture).
//!
//! The capture is every entry of the HAR fixtures (seeded scenarios and the real browser recordings),
//! repeated to [`ENTRIES`] entries.
//!
//! Run with `cargo bench --bench har`. Wall-clock numbers: on a shared machine compare runs made back
//! to back. `cargo test` does not run them (`harness = false`).

use std::cell::Cell;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crossjar::analysis::findings::{Accumulator, Focus};
use crossjar::analysis::replay::{Replay, ReplayOptions};
use crossjar::evidence::Exchange;
use crossjar::input::har::{read_har_slice, read_har_slice_reusing, HarItem};
use crossjar::output::json::HarJsonStream;
use divan::counter::ItemsCount;
use divan::{black_box, Bencher};

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

/// Entries in the benchmark capture.
const ENTRIES: usize = 2_000;

fn hars(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(items) = std::fs::read_dir(dir) else { return };
    let mut items: Vec<PathBuf> = items.flatten().map(|e| e.path()).collect();
    items.sort();
    for path in items {
        if path.is_dir() {
            hars(&path, out);
        } else if path.extension().is_some_and(|e| e == "har") {
            out.push(path);
        }
    }
}

/// The capture: the fixtures' entries, cycled to [`ENTRIES`], as one HAR document.
fn capture() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths = Vec::new();
    hars(&root.join("har"), &mut paths);
    hars(&root.join("browser"), &mut paths);
    let mut entries = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Ok(har) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        if let Some(list) = har["log"]["entries"].as_array() {
            entries.extend(list.iter().cloned());
        }
    }
    assert!(!entries.is_empty(), "no fixture entries under {}", root.display());
    let many: Vec<serde_json::Value> = entries.iter().cycle().take(ENTRIES).cloned().collect();
    let doc =
        serde_json::json!({"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": many}});
    serde_json::to_vec_pretty(&doc).expect("serializes")
}

fn exchanges(bytes: &[u8]) -> Vec<Exchange> {
    let mut out = Vec::new();
    let _ = read_har_slice(bytes, Path::new("bench.har"), &mut |item| {
        if let HarItem::Entry(x) = item {
            out.push(x);
        }
        ControlFlow::Continue(())
    });
    assert_eq!(out.len(), ENTRIES);
    out
}

/// The reader as the pipeline runs it: each exchange handed back and filled again.
#[divan::bench]
fn reader_reusing(bencher: Bencher) {
    let bytes = capture();
    bencher.counter(ItemsCount::new(ENTRIES)).bench_local(|| {
        let slot = Cell::new(None);
        let _ = read_har_slice_reusing(
            black_box(&bytes),
            Path::new("bench.har"),
            &mut |item| {
                if let HarItem::Entry(x) = black_box(item) {
                    slot.set(Some(x));
                }
                ControlFlow::Continue(())
            },
            &mut || slot.take(),
        );
    });
}

/// The reader with a fresh exchange per entry, dropped after the sink.
#[divan::bench]
fn reader_fresh(bencher: Bencher) {
    let bytes = capture();
    bencher.counter(ItemsCount::new(ENTRIES)).bench_local(|| {
        let _ = read_har_slice(black_box(&bytes), Path::new("bench.har"), &mut |item| {
            black_box(item);
            ControlFlow::Continue(())
        });
    });
}

/// The replay for the four default profiles, from exchanges already read; with the findings
/// accumulator the pipeline feeds.
#[divan::bench]
fn replay_four_profiles(bencher: Bencher) {
    let xs = exchanges(&capture());
    let options = ReplayOptions::default();
    bencher.counter(ItemsCount::new(ENTRIES)).bench_local(|| {
        let mut replay = Replay::new(&options);
        let mut findings = Accumulator::new(&options.browsers, &Focus::default());
        for x in &xs {
            let verdicts = replay.replay(black_box(x));
            findings.add(&verdicts);
            black_box(verdicts);
        }
    });
}

/// The JSON writer: every entry's verdicts of the four profiles into the spill files.
#[divan::bench]
fn json_entries(bencher: Bencher) {
    let xs = exchanges(&capture());
    let options = ReplayOptions::default();
    let mut replay = Replay::new(&options);
    let verdicts: Vec<_> = xs.iter().map(|x| replay.replay(x)).collect();
    bencher.counter(ItemsCount::new(ENTRIES)).bench_local(|| {
        let mut stream = HarJsonStream::new(&options.browsers, false).expect("temp dir writable");
        for v in &verdicts {
            stream.entry(black_box(v)).expect("write");
        }
        black_box(stream.spilled_bytes().expect("size"));
    });
}
