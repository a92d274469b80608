//! What a write or check noticed that is not an error.

/// Something a write or check noticed that is not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A file nexus did not write; left alone.
    Foreign(String),
    /// A file nexus did not write held exactly the rendered bytes; nexus owns it now.
    Adopted(String),
    /// A file nexus wrote was edited by hand and is rendered again: the edit is overwritten.
    EditedOverwritten(String),
    /// A file nexus wrote was edited by hand and is no longer rendered: kept, and no longer
    /// owned.
    EditedKept(String),
    /// A file nexus wrote is no longer a regular file: left alone, no longer owned.
    Replaced(String),
    /// An earlier write was interrupted; its changes were rolled back (when it had begun
    /// committing) and its leftover temporaries and backups removed.
    Recovered {
        /// Whether the interrupted write had begun changing files in place.
        rolled_back: bool,
        /// How many leftover files were removed.
        removed: usize,
    },
    /// After a successful write, a backup could not be deleted.
    Cleanup {
        /// The backup.
        path: String,
        /// Why.
        message: String,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::Foreign(p) => write!(f, "`{p}` was not written by nexus; left alone"),
            Warning::Adopted(p) => write!(
                f,
                "`{p}` was not written by nexus but holds exactly the rendered bytes; nexus owns it now"
            ),
            Warning::EditedOverwritten(p) => write!(
                f,
                "`{p}` was edited by hand since nexus wrote it; the edit is overwritten (change the spec instead)"
            ),
            Warning::EditedKept(p) => write!(
                f,
                "`{p}` is no longer rendered but was edited by hand; kept, and no longer owned by nexus"
            ),
            Warning::Replaced(p) => write!(
                f,
                "`{p}` was written by nexus but is no longer a regular file; left alone"
            ),
            Warning::Recovered {
                rolled_back,
                removed,
            } => write!(
                f,
                "an earlier render into this folder was interrupted; {}{removed} leftover file(s) removed",
                if *rolled_back {
                    "its changes were rolled back and "
                } else {
                    ""
                }
            ),
            Warning::Cleanup { path, message } => {
                write!(f, "could not delete the backup `{path}`: {message}")
            }
        }
    }
}
