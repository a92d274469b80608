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
//!
//! # Crates
//!
//! The facade re-exports the crates it is made of, so one dependency reaches all of them:
//!
//! - [`spec`] ([`nexus_spec`]): the spec types, YAML loading with spans, validation,
//!   environment overlays and the resolved IR ([`ir`]).
//! - [`lint`] ([`nexus_lint`]): the rule catalog, policies, waivers, and reports (human, JSON,
//!   SARIF); [`lint_all`] runs it over specs.
//! - [`render`] ([`nexus_render`]): the generators, the output plan, atomic writing and
//!   check mode; [`compile_all`] runs them over specs.
//! - [`miette`]: every error and problem is a [`miette::Diagnostic`]; a
//!   [`Diagnostics`] or [`CompileError`] converts into a [`miette::Report`] with `?`.
//!
//! # Features
//!
//! - `cli` (default): the `nexus` binary and what only it needs (clap, miette's terminal
//!   drawing, the human lint report), and the Kubernetes API version the binary renders
//!   against (`k8s-openapi/v1_33`).
//! - `mimalloc` (default): mimalloc as the binary's allocator; never the library's.
//!
//! A program that embeds nexus turns both off and picks the Kubernetes API version itself, in
//! its own dependency on `k8s-openapi` (any of `v1_33` to `v1_37`), as `k8s-openapi` asks of
//! every library (docs/decisions/0018-library-and-binary-features.md):
//!
//! ```toml
//! [dependencies]
//! nexus = { version = "0.1", default-features = false }
//! k8s-openapi = { version = "0.29", features = ["v1_37"] }
//! ```
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]
#![warn(missing_docs)]

mod compile;
mod environment;
pub mod select;
pub mod targets;
mod workflows;

pub use compile::{
    CompileError, CompileOptions, Compiled, RenderToError, check_to, compile, compile_all,
    render_to,
};
pub use miette;
pub use nexus_lint as lint;
pub use nexus_render as render;
pub use nexus_render::graph::Graph;
pub use nexus_render::output::{Drift, OutputError, Scope, Warning, WriteReport};
pub use nexus_render::{OutputPlan, RenderError};
pub use nexus_spec as spec;
pub use nexus_spec::{Diagnostic, Diagnostics, Spec, ir};
pub use targets::{Generator, RenderTarget};
/// The former name of [`RenderTarget`].
#[deprecated(
    since = "0.1.1",
    note = "renamed to `RenderTarget`: a generator and its folder"
)]
pub type Target = RenderTarget;
pub use workflows::{Linted, graph_all, lint_all};

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
