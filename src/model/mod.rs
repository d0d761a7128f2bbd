//! The browser model: sites, cookie parsing, the jar, SameSite, credentials, CORS and browser profiles.
//!
//! Pure: nothing here reads files, the environment or the clock. Every input (HAR, `curl -i`, ingress
//! YAML) is an adapter that builds [`request::RequestContext`]s and `Set-Cookie` lines and asks this
//! module; every output is an adapter over its verdicts.
#![forbid(unsafe_code)]

pub mod cookie;
pub mod cookie_date;
pub mod cors;
pub mod cors_security;
pub mod fast_hash;
pub mod http;
pub mod jar;
pub mod mixed_content;
pub mod name_id;
pub mod profile;
pub mod reason;
pub mod recent;
pub mod request;
pub mod samesite;
pub mod set_cookie;
pub mod severity;
pub mod shared;
pub mod site;
pub mod time;
