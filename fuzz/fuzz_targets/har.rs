//! The HAR reader over raw bytes: never panics; entry indexes increase; entries and entry errors
//! delivered agree with the summary; a whole-file error names the file.
#![no_main]

use crossjar::input::har::{read_har_slice, HarItem};
use libfuzzer_sys::fuzz_target;
use std::ops::ControlFlow;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let name = Path::new("fuzz.har");
    let (mut entries, mut errors) = (0usize, 0usize);
    let mut last_index: Option<usize> = None;
    let result = read_har_slice(data, name, &mut |item| {
        match item {
            HarItem::Entry(x) => {
                assert!(last_index.is_none_or(|i| x.index > i), "entry index {} after {last_index:?}", x.index);
                last_index = Some(x.index);
                entries += 1;
            }
            HarItem::EntryError(e) => {
                assert_eq!(e.location.file, name);
                if let Some(i) = e.location.entry {
                    assert!(last_index.is_none_or(|l| i > l), "entry error {i} after {last_index:?}");
                    last_index = Some(i);
                }
                errors += 1;
            }
            HarItem::Log(_) => {}
            _ => {}
        }
        ControlFlow::Continue(())
    });
    match result {
        Ok(summary) => {
            assert_eq!(summary.entries, entries);
            assert_eq!(summary.entry_errors, errors);
        }
        Err(e) => {
            assert_eq!(e.location.file, name);
            assert!(!e.message.is_empty());
        }
    }
});
