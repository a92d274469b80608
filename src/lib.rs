//! nexus: a declarative infrastructure compiler.
#![forbid(unsafe_code)]
pub use nexus_spec as spec;
