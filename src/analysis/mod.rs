//! Analysis: replays evidence through the model and turns verdicts into findings. Knows no file format
//! and no output format.

pub mod affinity;
pub mod diff;
pub mod findings;
pub mod headers;
pub mod infer;
pub mod ingress;
pub mod ingress_compare;
pub mod policy;
pub mod replay;
pub mod report;
pub mod rules;
