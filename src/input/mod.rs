//! Input adapters: turn captures and configs into evidence records and predictions.

pub mod ingress;
