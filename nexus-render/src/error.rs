//! Errors of rendering.

use std::path::PathBuf;

/// Something went wrong while rendering or writing.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
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
    #[error("could not serialize {what}: {message}")]
    #[diagnostic(code(nexus::render::serialize))]
    Serialize {
        /// What was being serialized.
        what: String,
        /// The serializer's message.
        message: String,
    },
    /// A template failed.
    #[error("could not render template {template}: {message}")]
    #[diagnostic(code(nexus::render::template))]
    Template {
        /// Template name.
        template: String,
        /// The engine's message.
        message: String,
    },
    /// The IR holds something the target cannot express safely.
    #[error("{0}")]
    #[diagnostic(code(nexus::render::unrenderable))]
    Unrenderable(String),
    /// File-system error while writing or reading output.
    #[error("{action} `{path}`: {source}")]
    #[diagnostic(code(nexus::io))]
    Io {
        /// What nexus was doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
