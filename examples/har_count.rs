//! Runs the streaming HAR reader over a file (or standard input with `-`) and counts entries and
//! `Set-Cookie` lines: the reader's cost next to `har_parse_baseline` (issue #8). Prints counts and
//! error locations only, never header values.
//!
//! Usage: `cargo run --release --example har_count -- FILE.har [--owned]`. By default the items are
//! shown by reference and the reader fills the same exchange again (as `crossjar har` reads);
//! `--owned` hands each item over and drops it (a fresh exchange per entry).

use crossjar::input::har::{read_har_path, read_har_reader, view_har_path, view_har_reader, HarItem};
use std::ops::ControlFlow;
use std::path::Path;

fn main() {
    let Some(arg) = std::env::args_os().nth(1) else {
        eprintln!("usage: har_count FILE.har|-");
        std::process::exit(2);
    };
    let path = Path::new(&arg);
    let (mut entries, mut set_cookie_lines, mut entry_errors) = (0usize, 0usize, 0usize);
    let owned = std::env::args().any(|a| a == "--owned");
    let mut view = |item: &HarItem| {
        match item {
            HarItem::Entry(e) => {
                entries += 1;
                set_cookie_lines += e.response_headers.set_cookie_lines().len();
            }
            HarItem::EntryError(e) => {
                entry_errors += 1;
                eprintln!("{e}");
            }
            _ => {}
        }
        ControlFlow::Continue(())
    };
    let result = match (arg == "-", owned) {
        (true, false) => view_har_reader(std::io::stdin().lock(), path, &mut view),
        (false, false) => view_har_path(path, &mut view),
        (true, true) => read_har_reader(std::io::stdin().lock(), path, &mut |item| view(&item)),
        (false, true) => read_har_path(path, &mut |item| view(&item)),
    };
    println!("entries {entries}, set-cookie lines {set_cookie_lines}, entry errors {entry_errors}");
    // Resident memory at the end, split into heap (anonymous) and mapped file pages (Linux only).
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        let pick = |k: &str| status.lines().find(|l| l.starts_with(k)).map(|l| l[k.len()..].trim().to_owned());
        if let (Some(anon), Some(file)) = (pick("RssAnon:"), pick("RssFile:")) {
            eprintln!("resident at end: anonymous {anon}, file-backed {file}");
        }
    }
    match result {
        Ok(s) => println!(
            "summary: {} headers ({} bytes), {} requests with Cookie, {} responses with Set-Cookie",
            s.headers, s.header_bytes, s.requests_with_cookie_header, s.responses_with_set_cookie
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
