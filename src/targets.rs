//! The generators `nexus render` runs, as data: a folder name and a pure function from the
//! IR to an output plan. A library user can pass their own list in
//! [`CompileOptions::targets`](crate::CompileOptions::targets).

use nexus_render::{OutputPlan, RenderError};
use nexus_spec::ir::Platform;

/// A generator: what it renders into (`k8s`, below the environment's folder) and how.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The folder under `<env>/` the files go into.
    pub folder: &'static str,
    /// The generator: a pure function of the resolved platform.
    pub render: fn(&Platform) -> Result<OutputPlan, RenderError>,
}

/// The built-in targets, in the order they render.
///
/// WIRING: the Kubernetes, Compose and Nginx generators are merged from their branches;
/// each lands here as one entry (`Target { folder: "k8s", render: nexus_render::k8s::render }`).
pub fn builtin() -> &'static [Target] {
    &BUILTIN
}

const BUILTIN: [Target; 0] = [];
