//! nexus: a declarative infrastructure compiler.
//!
//! One typed platform spec in; validated with source-located diagnostics, linted for
//! security and resource policy, and rendered deterministically into Kubernetes manifests,
//! a Docker Compose project and Nginx configuration.
//!
//! ```
//! let spec = nexus::Spec::from_path(std::path::Path::new("specs/nexus.yaml")).unwrap();
//! assert!(spec.validate().is_empty());
//! let staging = spec.resolve("staging").unwrap();
//! assert_eq!(staging.namespace.value, "nexus-staging");
//! ```
//!
//! The GitOps workflow, embedded: compile to an in-memory plan, write it all-or-nothing,
//! or check a folder against it (what `nexus render` and `nexus render --check` do).
//!
//! ```
//! use nexus::{CompileOptions, Spec};
//! let spec = Spec::from_path(std::path::Path::new("specs/nexus.yaml")).unwrap();
//! let compiled = nexus::compile(&spec, &CompileOptions::default()).unwrap();
//! assert!(compiled.plan.get("staging/README.md").is_some());
//!
//! let out = tempfile::tempdir().unwrap();
//! assert!(!compiled.check(out.path()).unwrap().is_clean()); // nothing written yet
//! compiled.write(out.path()).unwrap();
//! assert!(compiled.check(out.path()).unwrap().is_clean());
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod compile;
pub mod targets;

pub use compile::{CompileError, CompileOptions, Compiled, compile, compile_all};
pub use nexus_render as render;
pub use nexus_render::graph::Graph;
pub use nexus_render::output::{Drift, OutputError, Scope, Warning, WriteReport};
pub use nexus_render::{OutputPlan, RenderError};
pub use nexus_spec as spec;
pub use nexus_spec::{Diagnostic, Diagnostics, Spec, ir};
pub use targets::Target;

/// Writes a plan that describes the whole of `dir`, all-or-nothing: an owned file the plan
/// no longer holds is removed, a file nexus did not write is never touched. See
/// [`nexus_render::output`] for the guarantees.
///
/// ```
/// let mut plan = nexus::OutputPlan::new();
/// plan.add("staging/k8s/web.yaml", "kind: Deployment\n").unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// let report = nexus::write(&plan, dir.path()).unwrap();
/// assert_eq!(report.written, ["staging/k8s/web.yaml"]);
/// ```
pub fn write(plan: &OutputPlan, dir: &std::path::Path) -> Result<WriteReport, OutputError> {
    nexus_render::output::write(plan, dir)
}

/// Compares `dir` with a plan that describes all of it, writing nothing.
///
/// ```
/// let mut plan = nexus::OutputPlan::new();
/// plan.add("staging/k8s/web.yaml", "kind: Deployment\n").unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// nexus::write(&plan, dir.path()).unwrap();
/// plan = nexus::OutputPlan::new();
/// plan.add("staging/k8s/web.yaml", "kind: Deployment\nreplicas: 2\n").unwrap();
/// let drift = nexus::check(&plan, dir.path()).unwrap();
/// assert_eq!(drift.changes[0].path, "staging/k8s/web.yaml");
/// print!("{}", drift.changes[0].unified_diff());
/// ```
pub fn check(plan: &OutputPlan, dir: &std::path::Path) -> Result<Drift, OutputError> {
    nexus_render::output::check(plan, dir)
}

/// The dependency and exposure graph of one resolved environment; print it with
/// [`Graph::mermaid`] or [`Graph::dot`].
pub fn graph(platform: &ir::Platform) -> Graph {
    Graph::from_platform(platform)
}
