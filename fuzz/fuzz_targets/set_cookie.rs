//! The `Set-Cookie` parser: never panics, and a parsed line written back with `Display` parses to the
//! same cookie (the serialiser must not drop, invent or re-order meaning).
#![no_main]

use crossjar::model::set_cookie::{parse_set_cookie, MAX_NAME_VALUE_BYTES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let Ok(cookie) = parse_set_cookie(&line) else { return };
    assert!(cookie.name.len() + cookie.value.len() <= MAX_NAME_VALUE_BYTES);
    assert!(!(cookie.name.is_empty() && cookie.value.is_empty()));
    let written = cookie.to_string();
    let again = parse_set_cookie(&written).expect("a serialised cookie parses");
    // Ignored attributes are not written back; everything that took effect must survive.
    let mut a = cookie.clone();
    let mut b = again;
    a.ignored.clear();
    b.ignored.clear();
    assert_eq!(a, b, "round trip through {written:?}");
});
