//! The all-or-nothing writer: decide what to put and remove, then hand it to a
//! [`Txn`](super::txn::Txn).
//!
//! 1. Compare the plan with the folder ([`super::reconcile`]); any blocker (a foreign file
//!    or a link in the way, an unreadable manifest) stops here, before anything is touched.
//! 2. Stage: create missing folders, write every new or changed file (and the new manifest)
//!    to a temporary sibling created exclusively (`O_EXCL`, so no link or existing file is
//!    ever opened) and synced to disk.
//! 3. Commit: for a file that exists, hard-link it to a backup name first (exclusive too),
//!    then rename the temporary over it; a stale owned file is hard-linked to a backup and
//!    unlinked. The manifest goes last.
//! 4. Clean up: delete backups, remove folders that stale files left empty.
//!
//! A failure in step 2 or 3 undoes, in reverse, every step taken: backups are renamed back,
//! new files and temporaries removed, created folders removed. The folder is then
//! byte-for-byte what it was.

use std::path::Path;

use super::error::OutputError;
use super::manifest::MANIFEST_NAME;
use super::reconcile::{OnDisk, Stale, reconcile};
use super::scan::Disk;
use super::txn::Txn;
use super::{Scope, Warning};
use crate::plan::OutputPlan;

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    run(plan, root, &Scope::all(), None)
}

/// Writes `plan`, which describes only the folders of `scope`, into `root`; owned files
/// outside the scope are neither touched nor disowned.
pub fn write_scoped(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
) -> Result<WriteReport, OutputError> {
    run(plan, root, scope, None)
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
    run(plan, root, scope, Some(fail_at))
}

fn run(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
    fault: Option<usize>,
) -> Result<WriteReport, OutputError> {
    let disk = Disk::scan(root)?;
    let rec = reconcile(plan, &disk, scope)?;
    let mut report = WriteReport::default();
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

    let cleanup = Txn::new(root, fault).apply(&puts, &removals)?;
    report.warnings.extend(cleanup);
    report.written = puts
        .into_iter()
        .map(|(rel, _)| rel)
        .filter(|rel| rel != MANIFEST_NAME)
        .collect();
    report.removed = removals;
    Ok(report)
}
