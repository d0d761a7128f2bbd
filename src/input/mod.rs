//! Input adapters: turn captured text into records the model and the analysis understand.

pub mod curl;
