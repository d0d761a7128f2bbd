//! The cookie date parser (RFC 6265bis §5.1.1): never panics, and every date it accepts lies in the
//! years the algorithm allows (1601 and later) and formats back to a date that parses to itself.
#![no_main]

use crossjar::model::cookie_date::parse_cookie_date;
use crossjar::model::set_cookie::http_date;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(t) = parse_cookie_date(&text) else { return };
    // 1601-01-01T00:00:00Z is -11 644 473 600 s.
    assert!(t.unix_secs() >= -11_644_473_600, "{t:?} before 1601");
    let written = http_date(t);
    assert_eq!(parse_cookie_date(&written), Some(t), "{written}");
});
