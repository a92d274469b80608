//! Helpers shared by the test modules.

pub mod cli;
pub mod render;
