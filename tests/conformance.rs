//! Conformance harness: replays the public cookie test vectors in `../shared/conformance/` through
//! the model and prints one summary line per suite. Fails on any failure that is not a documented
//! deviation (`tests/deviations/cookies.toml`), and on any deviation that has gone stale.
//!
//! The vectors are read in place and never copied into the repository. Without `../shared` every
//! test prints one line and passes.

#[path = "conformance/common.rs"]
mod common;
#[path = "conformance/go_jar.rs"]
mod go_jar;
#[path = "conformance/http_state.rs"]
mod http_state;
#[path = "conformance/tough.rs"]
mod tough;
#[path = "conformance/wpt.rs"]
mod wpt;

#[test]
fn http_state_parser_suite() {
    http_state::run_parser();
}

#[test]
fn http_state_date_examples() {
    http_state::run_dates();
}

#[test]
fn wpt_cookie_vectors() {
    wpt::run();
}

#[test]
fn go_cookiejar_tables() {
    go_jar::run();
}

#[test]
fn tough_cookie_tables() {
    tough::run();
}

#[test]
fn harness_self_checks() {
    common::self_checks();
    assert_eq!(
        http_state::imf_fixdate(crossjar::model::time::Timestamp::from_unix_secs(1_197_306_144)),
        "Mon, 10 Dec 2007 17:02:24 GMT"
    );
    assert_eq!(http_state::imf_fixdate(crossjar::model::time::Timestamp(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
}
