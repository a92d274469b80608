//! The generators `nexus render` runs, as data: a folder name and a pure function from the
//! IR to files. A library user can pass their own list in
//! [`CompileOptions::targets`](crate::CompileOptions::targets).

use nexus_render::plan::{self, Sink};
use nexus_render::{OutputPlan, RenderError};
use nexus_spec::ir::Platform;

/// A generator: what it renders into (`k8s`, below the environment's folder) and how.
#[derive(Debug, Clone, Copy)]
pub struct RenderTarget {
    /// The folder under `<env>/` the files go into.
    pub folder: &'static str,
    /// The generator: a pure function of the resolved platform.
    pub render: Generator,
}

/// How a generator gives its files: all at once, or in parts as it renders them.
///
/// [`render_to`](crate::render_to) stages a streaming generator's parts while it renders
/// the next ones, so a large platform's files are never all in memory; a whole generator's
/// files are staged once it returns. Both render the same bytes.
///
/// ```
/// use nexus::{Generator, OutputPlan};
/// fn notes(_: &nexus::ir::Platform) -> Result<OutputPlan, nexus::render::RenderError> {
///     let mut plan = OutputPlan::new();
///     plan.add("NOTES.txt", "hello\n")?;
///     Ok(plan)
/// }
/// let whole = Generator::Whole(notes);
/// let streaming = Generator::Streaming(nexus::render::k8s::render_parts);
/// # let _ = (whole, streaming);
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Generator {
    /// Returns every file in one plan.
    Whole(fn(&Platform) -> Result<OutputPlan, RenderError>),
    /// Hands its files to a [`Sink`] part by part (see [`nexus_render::plan::Sink`]).
    Streaming(fn(&Platform, &mut Sink<'_>) -> Result<(), RenderError>),
}

impl Generator {
    /// Every file, in one plan.
    pub fn render(&self, platform: &Platform) -> Result<OutputPlan, RenderError> {
        match self {
            Generator::Whole(f) => f(platform),
            Generator::Streaming(f) => plan::collect(|sink| f(platform, sink)),
        }
    }

    /// The files, handed to `sink`: a whole generator's in one part.
    pub fn render_parts(
        &self,
        platform: &Platform,
        sink: &mut Sink<'_>,
    ) -> Result<(), RenderError> {
        match self {
            Generator::Whole(f) => sink(f(platform)?),
            Generator::Streaming(f) => f(platform, sink),
        }
    }
}

/// The built-in targets, in the order they render: Kubernetes manifests, the Compose
/// project, and the Nginx configuration (only when the platform has a gateway).
pub fn builtin() -> &'static [RenderTarget] {
    &BUILTIN
}

const BUILTIN: [RenderTarget; 3] = [
    RenderTarget {
        folder: "k8s",
        render: Generator::Streaming(nexus_render::k8s::render_parts),
    },
    RenderTarget {
        folder: "compose",
        render: Generator::Streaming(nexus_render::compose::render_parts),
    },
    RenderTarget {
        folder: "nginx",
        render: Generator::Whole(nginx),
    },
];

/// Nginx with the default options (the version the spec names, unprivileged ports); it
/// renders nothing for a platform without a gateway.
fn nginx(p: &Platform) -> Result<OutputPlan, RenderError> {
    nexus_render::nginx::render(p, &nexus_render::nginx::NginxOptions::default())
}
