//! The bare-parse baseline of issue #8: validates a HAR as JSON with `serde_json` and `IgnoredAny`
//! over a memory map (or standard input with `-`), keeping nothing. `crossjar har` is measured
//! against this.
//!
//! Usage: `cargo run --release --example har_parse_baseline -- FILE.har`

use serde::de::{Deserialize, IgnoredAny};

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: har_parse_baseline FILE.har|-");
        std::process::exit(2);
    };
    let result = if path == "-" {
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(std::io::stdin().lock()));
        IgnoredAny::deserialize(&mut de).and_then(|_| de.end())
    } else {
        let file = std::fs::File::open(&path).unwrap_or_else(|e| {
            eprintln!("{}: {e}", path.to_string_lossy());
            std::process::exit(2);
        });
        // SAFETY: read-only map of a file nothing else writes during the run (a benchmark input).
        let map = unsafe { memmap2::Mmap::map(&file) }.unwrap_or_else(|e| {
            eprintln!("{}: cannot map: {e}", path.to_string_lossy());
            std::process::exit(2);
        });
        let bytes = map.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&map);
        let mut de = serde_json::Deserializer::from_slice(bytes);
        IgnoredAny::deserialize(&mut de).and_then(|_| de.end())
    };
    match result {
        Ok(()) => println!("valid JSON"),
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            std::process::exit(2);
        }
    }
}
