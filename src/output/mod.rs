//! Output adapters: reports to bytes. Values are redacted here unless the user asked for them.

pub mod diagnostic;
pub mod diff;
pub mod escape;
pub mod github;
pub mod ingress_json;
pub mod ingress_text;
pub mod json;
pub mod junit;
pub mod redact;
pub mod sarif;
pub mod spill;
pub mod text;
pub mod web;
