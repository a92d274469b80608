//! The all-or-nothing writer: decide what to put and remove, then hand it to a
//! [`Txn`](super::txn::Txn).
//!
//! 0. Lock the folder ([`super::lock`]); finish what an interrupted write left: roll its
//!    journal back and remove its leftovers ([`super::journal`]).
//! 1. Compare the plan with the folder ([`super::reconcile`]); any blocker (a foreign file
//!    or a link in the way, an unreadable manifest) stops here, before anything is touched.
//! 2. Journal: every folder, temporary and backup name the write will use, made durable.
//! 3. Stage: create missing folders, write every new or changed file (and the new manifest)
//!    to a temporary sibling created exclusively (`O_EXCL`, so no link or existing file is
//!    ever opened), and sync.
//! 4. Commit: for a file that exists, hard-link it to its backup name first (exclusive too),
//!    then rename the temporary over it; a stale owned file is hard-linked to a backup and
//!    unlinked. The manifest goes last. Sync, then remove the journal: the commit point.
//! 5. Clean up: delete backups, remove folders that stale files left empty; unlock.
//!
//! A failure in steps 2 to 4 undoes, from the journal, every step taken: backups are
//! renamed back, new files and temporaries removed, created folders removed. The folder is
//! then byte-for-byte what it was. A crash in those steps leaves the journal, and the next
//! write does the same roll-back first.

use std::path::Path;

use std::time::Duration;

use super::error::OutputError;
use super::journal::{COMMITTED_NAME, JOURNAL_NAME, Journal, sweep};
use super::lock::{DEFAULT_LOCK_WAIT, Lock};
use super::manifest::MANIFEST_NAME;
use super::reconcile::{OnDisk, Stale, reconcile};
use super::scan::Disk;
use super::scope::Scope;
use super::txn::{Fault, Stop, Txn};
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
    let lock = Lock::exclusive(root, wait)?;
    let mut report = WriteReport::default();
    let mut disk = Disk::scan(root)?;
    if !disk.leftovers().is_empty() {
        report.warnings.push(recover_found(root, &disk)?);
        disk = Disk::scan(root)?;
    }
    let rec = reconcile(plan, &disk, scope)?;
    let mut puts: Vec<(String, &[u8])> = Vec::new();
    for p in rec.planned {
        match p.on_disk {
            OnDisk::Absent | OnDisk::Owned(_) => puts.push((p.path.to_owned(), p.bytes)),
            OnDisk::Edited(_) => {
                report
                    .warnings
                    .push(Warning::EditedOverwritten(p.path.to_owned()));
                puts.push((p.path.to_owned(), p.bytes));
            }
            OnDisk::Same { adopted } => {
                report.unchanged += 1;
                if adopted {
                    report.warnings.push(Warning::Adopted(p.path.to_owned()));
                }
            }
            OnDisk::Foreign(_) => {
                return Err(OutputError::InTheWay {
                    path: root.join(p.path),
                    what: "a file nexus did not write, with other content".into(),
                });
            }
            OnDisk::Blocked(e) => return Err(e),
        }
    }
    let mut removals = Vec::new();
    for s in rec.stale {
        match s {
            Stale::Intact(p, _) => removals.push(p),
            Stale::Edited(p, _) => report.warnings.push(Warning::EditedKept(p)),
            Stale::NotAFile(p) => report.warnings.push(Warning::Replaced(p)),
        }
    }
    report
        .warnings
        .extend(rec.foreign.into_iter().map(Warning::Foreign));
    let manifest = rec.manifest.to_bytes();
    if disk.manifest_bytes() != Some(manifest.as_slice()) {
        puts.push((MANIFEST_NAME.to_owned(), &manifest));
    }
    if puts.is_empty() && removals.is_empty() {
        return Ok(report);
    }

    let cleanup = match Txn::new(root, fault).apply(&puts, &removals) {
        Ok(warnings) => warnings,
        Err(Stop::Failed(e)) => return Err(e),
        Err(Stop::Crashed(e)) => {
            #[cfg(feature = "fault-injection")]
            lock.abandon();
            return Err(e);
        }
    };
    drop(lock);
    report.warnings.extend(cleanup);
    report.written = puts
        .into_iter()
        .map(|(rel, _)| rel)
        .filter(|rel| rel != MANIFEST_NAME)
        .collect();
    report.removed = removals;
    Ok(report)
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

/// Finishes what an interrupted write left in `root`: rolls its journal back (the folder
/// is then exactly as before that write) and removes every temporary and backup.
fn recover_found(root: &Path, disk: &Disk) -> Result<Warning, OutputError> {
    let journal = Journal::load(root, JOURNAL_NAME)?;
    if let Some(j) = &journal {
        j.roll_back(root)
            .map_err(|rollback| OutputError::RollbackFailed {
                cause: Box::new(OutputError::Interrupted),
                rollback,
            })?;
    } else if let Some(j) = Journal::load(root, COMMITTED_NAME)?
        && let Some((path, e)) = j.clean_up(root).into_iter().next()
    {
        return Err(OutputError::io("remove the backup", root.join(path), e));
    }
    sweep(root, disk.leftovers())?;
    Ok(Warning::Recovered {
        rolled_back: journal.is_some(),
        removed: disk.leftovers().len(),
    })
}
