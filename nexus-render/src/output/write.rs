//! The all-or-nothing writer: decide what to put and remove, then hand it to a
//! [`Txn`](super::txn::Txn). A whole plan is written as one part of a streaming
//! [`Writer`](super::Writer), which also takes a plan part by part (step 3 then runs once
//! per part, each part journaled before it is staged; steps 1 and 4 see every part).
//!
//! 0. Lock the folder ([`super::lock`]); finish what an interrupted write left: roll its
//!    journal back and remove its leftovers ([`super::journal`]).
//! 1. Compare the plan with the folder (`reconcile.rs`); any blocker (a foreign file
//!    or a link in the way, an unreadable manifest) stops here, before anything is touched.
//! 2. Journal: every staged folder, temporary and backup name the write will use, made
//!    durable.
//! 3. Stage: create each missing folder under a temporary name beside it (the outermost
//!    missing one; the folders inside it within), write every new or changed file (and the
//!    new manifest) to a temporary sibling created exclusively (`O_EXCL`, so no link or
//!    existing file is ever opened), or under its own name into its staged folder, and sync.
//! 4. Commit: rename each staged folder into place (one rename for a whole new
//!    environment); for a file that exists, hard-link it to its backup name first
//!    (exclusive too), then rename the temporary over it; a stale owned file is
//!    hard-linked to a backup and unlinked. The manifest goes last. Sync, then remove the
//!    journal: the commit point.
//! 5. Clean up: delete backups, remove folders that stale files left empty; unlock.
//!
//! A failure in steps 2 to 4 undoes, from the journal, every step taken: backups are
//! renamed back, new files, temporaries and staged folders removed. The folder is
//! then byte-for-byte what it was. A crash in those steps leaves the journal, and the next
//! write does the same roll-back first.

use std::path::Path;

use std::time::Duration;

use super::error::OutputError;
use super::lock::{DEFAULT_LOCK_WAIT, Lock};
use super::scan::Disk;
use super::scope::Scope;
use super::stream::{Writer, recover_found};
use super::txn::Fault;
use super::warning::Warning;
use crate::plan::OutputPlan;

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteReport {
    /// Files created or replaced, sorted (the manifest is not listed).
    pub written: Vec<String>,
    /// How many rendered files already held the rendered bytes.
    pub unchanged: usize,
    /// Stale owned files removed, sorted.
    pub removed: Vec<String>,
    /// What was noticed along the way.
    pub warnings: Vec<Warning>,
}

/// Writes `plan` into `root`, which the plan describes completely: an owned file the plan
/// no longer holds is removed. See [the module docs](super) for the guarantees.
pub fn write(plan: &OutputPlan, root: &Path) -> Result<WriteReport, OutputError> {
    run(plan, root, &Scope::all(), DEFAULT_LOCK_WAIT, None)
}

/// Writes `plan`, which describes only the folders of `scope`, into `root`; owned files
/// outside the scope are neither touched nor disowned.
pub fn write_scoped(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
) -> Result<WriteReport, OutputError> {
    run(plan, root, scope, DEFAULT_LOCK_WAIT, None)
}

/// [`write_scoped`], waiting up to `wait` (instead of
/// [`DEFAULT_LOCK_WAIT`](super::DEFAULT_LOCK_WAIT)) for another process writing `root`;
/// after that, [`OutputError::Locked`] names it.
pub fn write_waiting(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
    wait: Duration,
) -> Result<WriteReport, OutputError> {
    run(plan, root, scope, wait, None)
}

/// [`write_scoped`], failing on purpose at the `fail_at`-th file-system change (counting
/// from 0), for tests that prove a failed write leaves the folder as it was.
#[cfg(feature = "fault-injection")]
pub fn write_with_fault(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
    fail_at: usize,
) -> Result<WriteReport, OutputError> {
    let fault = Fault {
        at: fail_at,
        crash: false,
    };
    run(plan, root, scope, DEFAULT_LOCK_WAIT, Some(fault))
}

/// [`write_scoped`], stopping dead at the `crash_at`-th file-system change as `kill -9`
/// would: nothing is undone and the lock file stays. For tests of the recovery.
#[cfg(feature = "fault-injection")]
pub fn write_with_crash(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
    crash_at: usize,
) -> Result<WriteReport, OutputError> {
    let fault = Fault {
        at: crash_at,
        crash: true,
    };
    run(plan, root, scope, DEFAULT_LOCK_WAIT, Some(fault))
}

fn run(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
    wait: Duration,
    fault: Option<Fault>,
) -> Result<WriteReport, OutputError> {
    // The whole plan is one part of a streaming write.
    let mut writer = Writer::open(root, scope.clone(), wait, fault)?;
    writer.stage(plan)?;
    writer.finish()
}

/// Finishes what an interrupted write left in `root` and nothing else: rolls it back when
/// it had begun committing, removes its temporaries, backups and lock file. Every write
/// does this first; `None` when nothing was left.
pub fn recover(root: &Path, wait: Duration) -> Result<Option<Warning>, OutputError> {
    if std::fs::symlink_metadata(root).is_err() {
        return Ok(None);
    }
    let _lock = Lock::exclusive(root, wait)?;
    let disk = Disk::scan(root)?;
    if disk.leftovers().is_empty() {
        return Ok(None);
    }
    recover_found(root, &disk).map(Some)
}
