//! Output adapters: reports to bytes. Values are redacted here unless the user asked for them.

pub mod diagnostic;
pub mod diff;
pub mod escape;
pub mod github;
pub mod ingress_json;
pub(crate) mod ingress_text;
pub mod json;
pub mod junit;
pub use crate::redact;
pub mod sarif;
pub(crate) mod spill;
pub mod text;
pub(crate) mod web;
