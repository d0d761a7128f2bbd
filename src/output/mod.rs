//! Output adapters: reports to bytes. Values are redacted here unless the user asked for them.

pub mod ingress_json;
pub mod ingress_text;
pub mod json;
pub mod text;
