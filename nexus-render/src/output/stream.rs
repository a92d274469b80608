//! The streaming writer: an output folder written part by part, each part (an
//! environment's files) staged as soon as it is rendered and then dropped, so a write never
//! holds more than one part's bytes. What it keeps of a staged file is its path and hash.
//!
//! ```
//! use nexus_render::{OutputPlan, output};
//! let dir = tempfile::tempdir().unwrap();
//! let mut writer = output::Writer::begin(dir.path(), output::Scope::all(), output::DEFAULT_LOCK_WAIT).unwrap();
//! for env in ["production", "staging"] {
//!     let mut part = OutputPlan::new();
//!     part.add(&format!("{env}/k8s/web.yaml"), "kind: Deployment\n").unwrap();
//!     writer.stage(&part).unwrap(); // written to temporaries; `part` can go
//! }
//! let report = writer.finish().unwrap(); // nothing is in place before this
//! assert_eq!(report.written.len(), 2);
//! ```
//!
//! The guarantees are [the writer's](super): the folder is locked from [`Writer::begin`]
//! to the end; every name a part uses is journaled before the part is staged; nothing is
//! renamed into place before [`Writer::finish`] has staged the manifest and synced; an
//! error at any point, or a writer dropped without `finish`, rolls every staged part back,
//! so the folder is byte-for-byte as before.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::OutputError;
use super::journal::{COMMITTED_NAME, JOURNAL_NAME, Journal, sweep};
use super::lock::Lock;
use super::manifest::{MANIFEST_NAME, Manifest, hash};
use super::reconcile::{Examined, OnDisk, examine};
use super::scan::{Disk, Kind};
use super::txn::{Fault, Stop, Txn};
use super::write::WriteReport;
use super::{Scope, Warning};
use crate::plan::OutputPlan;

/// A write in progress: [`begin`](Writer::begin), [`stage`](Writer::stage) each part,
/// [`finish`](Writer::finish). Dropping it unfinished rolls it back.
#[derive(Debug)]
pub struct Writer {
    root: PathBuf,
    scope: Scope,
    lock: Option<Lock>,
    disk: Disk,
    /// `None` once finished, or after a simulated crash (nothing may be undone then).
    txn: Option<Txn>,
    report: WriteReport,
    /// Warnings about rendered files, by path (sorted at the end, whatever the part order).
    noticed: Vec<(String, Warning)>,
    /// The manifest the write will leave: owned files outside the scope, and the hash of
    /// every file staged or found unchanged so far.
    manifest: Manifest,
}

impl Writer {
    /// Locks `root` (waiting up to `wait` for another writer), finishes what an interrupted
    /// write left, and reads the folder as it is. `scope` is the part of the folder the
    /// staged parts describe completely: an owned file in it that no part holds is removed
    /// by [`finish`](Writer::finish).
    pub fn begin(root: &Path, scope: Scope, wait: Duration) -> Result<Writer, OutputError> {
        Writer::open(root, scope, wait, None)
    }

    /// [`begin`](Writer::begin), failing on purpose at the `at`-th file-system change
    /// (counting from 0), or stopping dead there as `kill -9` would (`crash`: nothing is
    /// undone and the lock file stays). For tests.
    #[cfg(feature = "fault-injection")]
    pub fn begin_with_fault(
        root: &Path,
        scope: Scope,
        at: usize,
        crash: bool,
    ) -> Result<Writer, OutputError> {
        let fault = Fault { at, crash };
        Writer::open(root, scope, super::DEFAULT_LOCK_WAIT, Some(fault))
    }

    pub(crate) fn open(
        root: &Path,
        scope: Scope,
        wait: Duration,
        fault: Option<Fault>,
    ) -> Result<Writer, OutputError> {
        let lock = Lock::exclusive(root, wait)?;
        let mut report = WriteReport::default();
        let mut disk = Disk::scan(root)?;
        if !disk.leftovers().is_empty() {
            report.warnings.push(recover_found(root, &disk)?);
            disk = Disk::scan(root)?;
        }
        let mut manifest = Manifest::new();
        for (path, h) in disk.manifest().entries() {
            if !scope.contains(path) {
                manifest.insert_hash(path, h);
            }
        }
        Ok(Writer {
            root: root.to_path_buf(),
            scope,
            lock: Some(lock),
            disk,
            txn: Some(Txn::new(root, fault)),
            report,
            noticed: Vec::new(),
            manifest,
        })
    }

    /// Compares `part` with the folder and writes its new and changed files to
    /// temporaries; nothing is put in place yet. A file in the way (foreign, a link, a
    /// folder), a path outside the scope or staged before, or a failing disk stops the
    /// write: everything staged so far is removed and the error returned.
    pub fn stage(&mut self, part: &OutputPlan) -> Result<(), OutputError> {
        let result = self.compare(part);
        let puts = match result {
            Ok(puts) => puts,
            Err(e) => return Err(self.fail(e)),
        };
        let Some(txn) = self.txn.as_mut() else {
            return Err(OutputError::Interrupted);
        };
        match txn.stage(&puts) {
            Ok(()) => {
                for (path, _) in puts {
                    self.report.written.push(path);
                }
                Ok(())
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Decides, for every file of `part`, whether it must be written.
    fn compare<'p>(
        &mut self,
        part: &'p OutputPlan,
    ) -> Result<Vec<(String, &'p [u8])>, OutputError> {
        let mut puts = Vec::new();
        // The old bytes are not needed: a writer only decides whether to write.
        let examined = examine(&self.disk, part, |found| {
            found.map(|f| match f {
                OnDisk::Owned(_) => OnDisk::Owned(Vec::new()),
                OnDisk::Edited(_) => OnDisk::Edited(Vec::new()),
                OnDisk::Foreign(_) => OnDisk::Foreign(Vec::new()),
                other => other,
            })
        });
        for Examined {
            path,
            bytes,
            found,
            hash,
        } in examined
        {
            if !self.scope.contains(path) || path == MANIFEST_NAME {
                return Err(OutputError::OutOfScope(path.to_owned()));
            }
            if self.manifest.get(path).is_some() {
                return Err(OutputError::InTheWay {
                    path: self.root.join(path),
                    what: "two rendered files claim this path".into(),
                });
            }
            match found? {
                OnDisk::Absent | OnDisk::Owned(_) => puts.push((path.to_owned(), bytes)),
                OnDisk::Edited(_) => {
                    let w = Warning::EditedOverwritten(path.to_owned());
                    self.noticed.push((path.to_owned(), w));
                    puts.push((path.to_owned(), bytes));
                }
                OnDisk::Same { adopted } => {
                    self.report.unchanged += 1;
                    if adopted {
                        let w = Warning::Adopted(path.to_owned());
                        self.noticed.push((path.to_owned(), w));
                    }
                }
                OnDisk::Foreign(_) => {
                    return Err(OutputError::InTheWay {
                        path: self.root.join(path),
                        what: "a file nexus did not write, with other content".into(),
                    });
                }
                OnDisk::Blocked(e) => return Err(e),
            }
            self.manifest.insert_hash(path, &hash);
        }
        Ok(puts)
    }

    /// Removes the stale files of the scope, stages the manifest, and puts everything
    /// staged in place, all or nothing.
    pub fn finish(mut self) -> Result<WriteReport, OutputError> {
        let mut stale_warnings = Vec::new();
        let removals = match self.stale(&mut stale_warnings) {
            Ok(r) => r,
            Err(e) => return Err(self.fail(e)),
        };
        // Recovery first, then rendered files (by path), stale files, foreign files.
        let mut noticed = std::mem::take(&mut self.noticed);
        noticed.sort_by(|a, b| a.0.cmp(&b.0));
        let warnings = &mut self.report.warnings;
        warnings.extend(noticed.into_iter().map(|(_, w)| w));
        warnings.extend(stale_warnings);
        let (disk, scope, manifest) = (&self.disk, &self.scope, &self.manifest);
        warnings.extend(
            disk.non_folders()
                .filter(|(p, _)| {
                    *p != MANIFEST_NAME
                        && scope.contains(p)
                        && manifest.get(p).is_none()
                        && disk.manifest().get(p).is_none()
                })
                .map(|(p, _)| Warning::Foreign(p.to_owned())),
        );

        let manifest = self.manifest.to_bytes();
        let manifest_put = if self.disk.manifest_bytes() == Some(manifest.as_slice()) {
            Vec::new()
        } else {
            vec![(MANIFEST_NAME.to_owned(), manifest.as_slice())]
        };
        let Some(mut txn) = self.txn.take() else {
            return Err(OutputError::Interrupted);
        };
        if !txn.has_work() && manifest_put.is_empty() && removals.is_empty() {
            return Ok(std::mem::take(&mut self.report));
        }
        let done = match txn
            .plan_removals(&removals)
            .and_then(|()| txn.stage(&manifest_put))
        {
            Ok(()) => txn.commit(),
            Err(e) => Err(txn.fail(e)),
        };
        match done {
            Ok(cleanup) => {
                self.lock = None;
                self.report.warnings.extend(cleanup);
            }
            Err(Stop::Failed(e)) => return Err(e),
            Err(Stop::Crashed(e)) => {
                self.abandon_lock();
                return Err(e);
            }
        }
        self.report.written.sort();
        self.report.removed = removals;
        Ok(std::mem::take(&mut self.report))
    }

    /// Owned files in scope that no part held: those unchanged since written are removed;
    /// the others are kept, disowned, with a warning.
    fn stale(&self, warnings: &mut Vec<Warning>) -> Result<Vec<String>, OutputError> {
        let mut removals = Vec::new();
        let old = self.disk.manifest();
        for (path, h) in old.entries() {
            if !self.scope.contains(path) || self.manifest.get(path).is_some() {
                continue;
            }
            match self.disk.kind(path) {
                None => {}
                Some(Kind::File) => {
                    if hash(&self.disk.read(path)?) == h {
                        removals.push(path.to_owned());
                    } else {
                        warnings.push(Warning::EditedKept(path.to_owned()));
                    }
                }
                Some(_) => warnings.push(Warning::Replaced(path.to_owned())),
            }
        }
        Ok(removals)
    }

    /// Rolls back what was staged (or, for a simulated crash, leaves it) and passes `e` on.
    fn fail(&mut self, e: OutputError) -> OutputError {
        let Some(txn) = self.txn.take() else {
            return e;
        };
        match txn.fail(e) {
            Stop::Failed(e) => e,
            Stop::Crashed(e) => {
                self.abandon_lock();
                e
            }
        }
    }

    fn abandon_lock(&mut self) {
        let lock = self.lock.take();
        #[cfg(feature = "fault-injection")]
        if let Some(lock) = lock {
            lock.abandon();
        }
        #[cfg(not(feature = "fault-injection"))]
        drop(lock);
    }
}

impl Drop for Writer {
    /// An unfinished write is rolled back (best effort; a failure leaves the journal, and
    /// the next write finishes the roll-back).
    fn drop(&mut self) {
        if let Some(txn) = self.txn.take() {
            let _ = txn.fail(OutputError::Interrupted);
        }
    }
}

/// Finishes what an interrupted write left in `root`: rolls its journal back (the folder
/// is then exactly as before that write) and removes every temporary and backup.
pub(crate) fn recover_found(root: &Path, disk: &Disk) -> Result<Warning, OutputError> {
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
