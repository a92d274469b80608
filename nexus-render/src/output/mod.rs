//! Writing an [`OutputPlan`](crate::OutputPlan) into an output folder all-or-nothing, and
//! checking a folder against a plan without writing.
//!
//! - **Ownership.** The folder holds a manifest ([`manifest::MANIFEST_NAME`]) of the files
//!   nexus wrote and their SHA-256. nexus replaces or removes a file only when the manifest
//!   lists it *and* its bytes still hash to the listed value. Anything else in the folder is
//!   foreign: never touched, reported as a [`Warning`]. A foreign file where a rendered file
//!   must go is an error, unless it already holds exactly the rendered bytes (then nexus
//!   adopts it). An owned file edited by hand is overwritten when it is still rendered (the
//!   spec is the source of truth) and kept, disowned, when it is not.
//! - **Atomicity.** Everything is compared first; then every name the write will use is
//!   journaled; every new file is written to a temporary sibling (created exclusively; all
//!   made durable before the first rename); each target is hard-linked to a backup and the
//!   temporary renamed over it; the journal is marked committed; backups are deleted. A
//!   failure at any step before the commit point undoes the steps taken, so the folder is
//!   byte-for-byte as before; a crash there is undone by the next write ([`recover`]).
//! - **Exclusion.** A write holds the folder's lock ([`LOCK_NAME`]) from its first read to
//!   its last rename; a check holds it shared. Another process waits, then gets
//!   [`OutputError::Locked`].
//! - **Links.** No symbolic link inside the folder is followed: a link on the way to a
//!   rendered file, or in its place, is an error; links elsewhere are foreign entries.
//!
//! ```
//! use nexus_render::{OutputPlan, output};
//! let dir = tempfile::tempdir().unwrap();
//! let mut plan = OutputPlan::new();
//! plan.add("staging/k8s/web.yaml", "kind: Deployment\n").unwrap();
//! let report = output::write(&plan, dir.path()).unwrap();
//! assert_eq!(report.written, vec!["staging/k8s/web.yaml".to_string()]);
//! assert!(output::check(&plan, dir.path()).unwrap().is_clean());
//! ```

mod check;
mod error;
mod journal;
mod lock;
pub mod manifest;
mod reconcile;
mod scan;
pub mod semantic;
mod txn;
mod udiff;
mod write;

pub use check::{Change, Drift, FileChange, check, check_scoped, check_waiting};
pub use error::OutputError;
pub use journal::{JOURNAL_NAME, is_leftover};
pub use lock::{DEFAULT_LOCK_WAIT, LOCK_NAME};
pub use manifest::{MANIFEST_NAME, Manifest};
pub use udiff::unified_diff;
pub use write::{WriteReport, recover, write, write_scoped, write_waiting};
#[cfg(feature = "fault-injection")]
pub use write::{write_with_crash, write_with_fault};

/// The part of an output folder a write or check covers: the whole folder, or some of its
/// sub-folders (rendering one environment must not remove the others).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    folders: Option<Vec<String>>,
}

impl Scope {
    /// The whole folder.
    pub fn all() -> Self {
        Scope { folders: None }
    }

    /// Only these sub-folders (relative `/`-paths such as `staging` or `shop/staging`).
    pub fn folders<I, S>(folders: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Scope {
            folders: Some(
                folders
                    .into_iter()
                    .map(|f| f.into().trim_matches('/').to_owned())
                    .collect(),
            ),
        }
    }

    /// Whether `path` lies inside the scope.
    pub fn contains(&self, path: &str) -> bool {
        match &self.folders {
            None => true,
            Some(fs) => fs.iter().any(|f| {
                path.strip_prefix(f.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            }),
        }
    }
}

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
