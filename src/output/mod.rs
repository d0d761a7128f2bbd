//! Output adapters: reports to bytes. Values are redacted here unless the user asked for them.

pub mod diagnostic;
pub(crate) mod diff;
pub(crate) mod github;
pub mod ingress_json;
pub(crate) mod ingress_text;
pub mod json;
pub(crate) mod junit;
pub(crate) mod sarif;
mod spill;
pub mod text;
pub(crate) mod web;
