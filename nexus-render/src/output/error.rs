//! Errors of writing or checking an output folder. Every one of them leaves the folder as
//! it was.

use std::path::PathBuf;

/// Why an output folder could not be written or read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum OutputError {
    /// A file-system operation failed.
    #[error("cannot {action} `{path}`: {source}")]
    #[diagnostic(
        code(nexus::io),
        help("check free space and permissions; the previous output was left as it was")
    )]
    Io {
        /// What nexus was doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A symbolic link where nexus would have to go through a folder.
    #[error("refusing to write through the symbolic link `{path}`")]
    #[diagnostic(
        code(nexus::output::symlink),
        help(
            "nexus never follows links inside its output folder; replace the link by a real folder or choose another --out"
        )
    )]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// Something nexus did not write sits where a rendered file or folder must go.
    #[error("`{path}` is in the way: {what}")]
    #[diagnostic(
        code(nexus::output::foreign),
        help(
            "nexus never overwrites what it did not write (see its .nexus-manifest.json); move it away and render again"
        )
    )]
    InTheWay {
        /// The path.
        path: PathBuf,
        /// What is there.
        what: String,
    },
    /// The ownership manifest cannot be read.
    #[error("the ownership manifest `{path}` is unreadable: {message}")]
    #[diagnostic(
        code(nexus::output::manifest),
        help(
            "restore it from version control; deleting it makes nexus treat every file as foreign"
        )
    )]
    Manifest {
        /// The manifest's path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A rendered path lies outside the scope the write was limited to.
    #[error("the rendered file `{0}` lies outside the folders this write may change")]
    #[diagnostic(code(nexus::output::scope))]
    OutOfScope(String),
    /// A write was interrupted (a crash or a kill) before its commit point.
    #[error("an earlier write into this folder was interrupted")]
    #[diagnostic(code(nexus::output::interrupted))]
    Interrupted,
    /// Another process holds the output folder's lock.
    #[error(
        "`{path}` is held by {holder}, which is writing the same output folder (waited {waited} s)"
    )]
    #[diagnostic(
        code(nexus::output::locked),
        help(
            "wait for the other render to finish, or pass a longer --wait; a lock whose process has ended is released by the system and taken over"
        )
    )]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// Who holds it (`process 1234`).
        holder: String,
        /// How long nexus waited, in seconds.
        waited: f64,
    },
    /// A write failed and putting the old output back failed too.
    #[error("{cause}; restoring the previous output also failed: {rollback}")]
    #[diagnostic(
        code(nexus::output::rollback),
        help(
            "the output folder may be partly written; files named `.*.nexus-old-*` hold previous versions"
        )
    )]
    RollbackFailed {
        /// The first failure.
        cause: Box<OutputError>,
        /// What failed while restoring.
        rollback: String,
    },
}

impl OutputError {
    /// An I/O error.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        OutputError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
