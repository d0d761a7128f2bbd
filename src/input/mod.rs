//! Input adapters: each turns one capture format into [`crate::evidence`] records.

pub mod har;
