//! Errors of rendering.

/// Something went wrong while rendering.
///
/// New variants may be added: match with a wildcard arm.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum RenderError {
    /// An output path that is not a safe relative path.
    #[error("refusing to render to the unsafe path `{0}`")]
    #[diagnostic(
        code(nexus::render::unsafe_path),
        help(
            "output paths are built from DNS-1123 names; this is a bug in nexus if it comes from a validated spec"
        )
    )]
    UnsafePath(String),
    /// Two outputs claim the same path.
    #[error("two rendered files claim the path `{0}`")]
    #[diagnostic(
        code(nexus::render::duplicate_path),
        help("two objects got the same file name; rename one of them")
    )]
    DuplicatePath(String),
    /// Serialization failed.
    #[error("could not serialize {what}")]
    #[diagnostic(code(nexus::render::serialize))]
    Serialize {
        /// What was being serialized.
        what: String,
        /// The serializer's error.
        #[source]
        source: serde_saphyr::SerializeError,
    },
    /// A template failed.
    #[error("could not render template {template}")]
    #[diagnostic(code(nexus::render::template))]
    Template {
        /// Template name.
        template: String,
        /// The engine's error, with its kind, line and cause chain.
        #[source]
        source: minijinja::Error,
    },
    /// The receiver of a streaming generator's parts stopped taking them (it failed on an
    /// earlier part, and reports why); the generator ends without rendering the rest.
    #[error("the rendered files are no longer taken: writing an earlier part failed")]
    #[diagnostic(code(nexus::render::stopped))]
    Stopped,
    /// The IR holds something the target cannot express safely.
    #[error("{0}")]
    #[diagnostic(code(nexus::render::unrenderable))]
    Unrenderable(String),
}
