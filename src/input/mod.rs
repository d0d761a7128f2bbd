//! Input adapters: each turns one capture format into [`crate::evidence`] records or model inputs.

pub mod curl;
pub mod har;
