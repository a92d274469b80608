//! Check mode: what a write would change, computed without writing.

use std::path::Path;
use std::time::Duration;

use super::check_stream::Checker;
use super::lock::DEFAULT_LOCK_WAIT;
use super::scope::Scope;
use super::udiff::unified_diff;
use super::warning::Warning;
use crate::plan::OutputPlan;

/// How a file differs from what a render would produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Change {
    /// Rendered but not on disk.
    New,
    /// On disk with other bytes (or not as a regular file).
    Changed,
    /// Owned by nexus, on disk, and no longer rendered.
    Stale,
    /// Left by an interrupted write (a temporary, a backup, the journal or a lock file
    /// whose process has ended); the next write removes it.
    Leftover,
}

impl Change {
    /// `new`, `changed` or `stale`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Stale => "stale",
            Change::Leftover => "leftover",
        }
    }
}

/// One file that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Relative path in the output folder.
    pub path: String,
    /// How it differs.
    pub change: Change,
    /// The bytes on disk (`None` when absent, not a regular file, or a leftover).
    pub before: Option<Vec<u8>>,
    /// The rendered bytes (`None` for a stale file).
    pub after: Option<Vec<u8>>,
}

impl FileChange {
    /// A unified diff (`--- a/PATH`, `+++ b/PATH`, three lines of context) from the bytes on
    /// disk to the rendered bytes.
    pub fn unified_diff(&self) -> String {
        unified_diff(&self.path, self.before.as_deref(), self.after.as_deref())
    }
}

/// The difference between an output folder and a plan.
///
/// The manifest is bookkeeping, not output: it is listed (as changed or new) only when every
/// rendered file matches but the manifest does not, so a deleted or hand-edited manifest
/// still fails a check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Drift {
    /// Files that differ, sorted by path.
    pub changes: Vec<FileChange>,
    /// What was noticed (foreign files, edited owned files).
    pub warnings: Vec<Warning>,
}

impl Drift {
    /// Whether the folder is exactly what a render would write.
    pub fn is_clean(&self) -> bool {
        self.changes.is_empty()
    }

    /// The files with this kind of change.
    pub fn paths(&self, change: Change) -> impl Iterator<Item = &str> {
        self.changes
            .iter()
            .filter(move |c| c.change == change)
            .map(|c| c.path.as_str())
    }
}

/// Compares `root` with `plan`, which describes the whole folder.
///
/// ```
/// use nexus_render::{OutputPlan, output::{self, Change}};
/// let dir = tempfile::tempdir().unwrap();
/// let mut plan = OutputPlan::new();
/// plan.add("staging/a.txt", "one\n").unwrap();
/// let drift = output::check(&plan, dir.path()).unwrap();
/// assert_eq!(drift.paths(Change::New).collect::<Vec<_>>(), ["staging/a.txt"]);
/// ```
pub fn check(plan: &OutputPlan, root: &Path) -> Result<Drift, super::OutputError> {
    check_scoped(plan, root, &Scope::all())
}

/// Compares the folders of `scope` in `root` with `plan`.
pub fn check_scoped(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
) -> Result<Drift, super::OutputError> {
    check_waiting(plan, root, scope, DEFAULT_LOCK_WAIT)
}

/// [`check_scoped`], waiting up to `wait` for a write into `root` by another process to
/// finish (a check holds a shared lock while it reads, so it never sees half a write).
pub fn check_waiting(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
    wait: Duration,
) -> Result<Drift, super::OutputError> {
    // A one-part check: the streaming checker holds the one implementation, so a check
    // of one plan and of the same files part by part cannot disagree.
    let mut checker = Checker::begin(root, scope.clone(), wait)?;
    checker.compare(plan)?;
    checker.finish()
}
