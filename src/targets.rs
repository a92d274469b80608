//! The generators `nexus render` runs, as data: a folder name and a pure function from the
//! IR to an output plan. A library user can pass their own list in
//! [`CompileOptions::targets`](crate::CompileOptions::targets).

use nexus_render::{OutputPlan, RenderError};
use nexus_spec::ir::Platform;

/// A generator: what it renders into (`k8s`, below the environment's folder) and how.
#[derive(Debug, Clone, Copy)]
pub struct RenderTarget {
    /// The folder under `<env>/` the files go into.
    pub folder: &'static str,
    /// The generator: a pure function of the resolved platform.
    pub render: fn(&Platform) -> Result<OutputPlan, RenderError>,
}

/// The built-in targets, in the order they render: Kubernetes manifests, the Compose
/// project, and the Nginx configuration (only when the platform has a gateway).
pub fn builtin() -> &'static [RenderTarget] {
    &BUILTIN
}

const BUILTIN: [RenderTarget; 3] = [
    RenderTarget {
        folder: "k8s",
        render: nexus_render::k8s::render,
    },
    RenderTarget {
        folder: "compose",
        render: nexus_render::compose::render,
    },
    RenderTarget {
        folder: "nginx",
        render: nginx,
    },
];

/// Nginx with the default options (the version the spec names, unprivileged ports); it
/// renders nothing for a platform without a gateway.
fn nginx(p: &Platform) -> Result<OutputPlan, RenderError> {
    nexus_render::nginx::render(p, &nexus_render::nginx::NginxOptions::default())
}
