//! Output adapters: reports to bytes. Values are redacted here unless the user asked for them.

pub mod json;
pub mod text;
pub mod web;
