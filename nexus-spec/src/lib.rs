//! `nexus-spec`: the nexus platform spec.
//!
//! It owns the spec types, YAML loading with a source span for every value, validation that
//! reports every problem at once, environment overlays, placeholder parsing and the resolved
//! IR that `nexus-lint` and `nexus-render` consume. It knows nothing of any output format or
//! lint rule.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]
#![warn(missing_docs)]

mod build;
pub mod catalog;
pub mod codes;
pub mod diagnostic;
pub mod ir;
pub mod load;
pub mod model;
pub mod names;
pub mod placement;
pub mod resolve;
pub mod schema;
pub mod span;
mod spec;
pub mod suggest;
pub mod values;

pub use build::SpecBuilder;
pub use diagnostic::{Diagnostic, Diagnostics, Label, Severity, SourceFile, SourceMap};
pub use load::Limits;
pub use span::{FileId, Span, Spanned};
pub use spec::{OUTPUT_MANIFEST, Spec, discover};
