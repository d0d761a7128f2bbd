//! Input adapters: turn captures and configs into evidence records, model inputs and predictions.

pub mod curl;
pub mod har;
pub(crate) mod har_lines;
pub mod ingress;
