//! crossjar: why did the browser (not) store or send this cookie, and why could (not) the page read
//! this cross-origin response?
#![warn(missing_docs)]

pub mod cli;
pub mod evidence;
pub mod input;
pub mod model;
