//! Streaming check mode: an output folder compared with a rendering part by part, each part
//! (an environment's files) compared as soon as it is rendered and then dropped, so a check
//! never holds more than one part's bytes plus the files that differ.
//!
//! ```
//! use nexus_render::{OutputPlan, output};
//! let dir = tempfile::tempdir().unwrap();
//! let mut checker = output::Checker::begin(dir.path(), output::Scope::all(), output::DEFAULT_LOCK_WAIT).unwrap();
//! for env in ["production", "staging"] {
//!     let mut part = OutputPlan::new();
//!     part.add(&format!("{env}/k8s/web.yaml"), "kind: Deployment\n").unwrap();
//!     checker.compare(&part).unwrap(); // `part` can go
//! }
//! let drift = checker.finish().unwrap();
//! assert_eq!(drift.paths(output::Change::New).count(), 2);
//! ```
//!
//! The report is [`check`](fn@super::check)'s for the same files in one plan (that function
//! is a one-part check): what a check keeps of a file that matches is its path and hash
//! (for the manifest it compares at the end); of a file that differs, what the report
//! shows (both sides' bytes). The shared lock is taken in [`Checker::begin`] and held to
//! [`Checker::finish`].

use std::path::Path;
use std::time::Duration;

use super::check::{Change, Drift, FileChange};
use super::error::OutputError;
use super::lock::{LOCK_NAME, Lock};
use super::manifest::{MANIFEST_NAME, Manifest, hash};
use super::reconcile::{Examined, OnDisk, examine};
use super::scan::{Disk, Kind};
use super::scope::Scope;
use super::warning::Warning;
use crate::plan::OutputPlan;

/// An output folder under a reader's lock, read as it is: where a check starts, before
/// it knows which part of the folder it covers. The lock is held until the check that
/// [`Checker::begin_read`] makes of it ends, or until this is dropped.
#[derive(Debug)]
pub struct ReadFolder {
    lock: Option<Lock>,
    disk: Disk,
}

impl ReadFolder {
    /// Takes a reader's lock on `root` (waiting up to `wait` for a writer to finish; with
    /// no wait, a folder a writer holds is an [`OutputError::Locked`] at once) and reads
    /// the folder as it is.
    pub fn read(root: &Path, wait: Duration) -> Result<ReadFolder, OutputError> {
        let lock = Lock::shared(root, wait)?;
        let disk = Disk::scan(root)?;
        Ok(ReadFolder { lock, disk })
    }
}

/// A check in progress: [`begin`](Checker::begin), [`compare`](Checker::compare) each part,
/// [`finish`](Checker::finish).
#[derive(Debug)]
pub struct Checker {
    /// Held until the check ends; `Some` also means a lock file no writer holds was found.
    lock: Option<Lock>,
    disk: Disk,
    scope: Scope,
    /// The files that differ so far.
    changes: Vec<FileChange>,
    /// Warnings about rendered files, by path (sorted at the end, whatever the part order).
    noticed: Vec<(String, Warning)>,
    /// The manifest a write would leave: owned files outside the scope, and the hash of
    /// every file compared so far.
    manifest: Manifest,
}

impl Checker {
    /// Takes a reader's lock on `root` (waiting up to `wait` for a writer to finish) and
    /// reads the folder as it is. `scope` is the part of the folder the compared parts
    /// describe completely: an owned file in it that no part holds is stale.
    pub fn begin(root: &Path, scope: Scope, wait: Duration) -> Result<Checker, OutputError> {
        Ok(Checker::begin_read(ReadFolder::read(root, wait)?, scope))
    }

    /// [`begin`](Checker::begin) with the folder already locked and read, so that the
    /// reading can overlap other work (`nexus::check_to` reads the folder while the specs
    /// are validated, when no writer holds it).
    ///
    /// ```
    /// use nexus_render::OutputPlan;
    /// use nexus_render::output::{self, Checker, ReadFolder};
    /// let dir = tempfile::tempdir().unwrap();
    /// let folder = ReadFolder::read(dir.path(), std::time::Duration::ZERO).unwrap();
    /// // ... work out which part of the folder the check covers ...
    /// let mut checker = Checker::begin_read(folder, output::Scope::all());
    /// let mut part = OutputPlan::new();
    /// part.add("staging/k8s/web.yaml", "kind: Deployment\n").unwrap();
    /// checker.compare(&part).unwrap();
    /// assert_eq!(checker.finish().unwrap().paths(output::Change::New).count(), 1);
    /// ```
    pub fn begin_read(folder: ReadFolder, scope: Scope) -> Checker {
        let ReadFolder { lock, disk } = folder;
        let mut manifest = Manifest::new();
        for (path, h) in disk.manifest().entries() {
            if !scope.contains(path) {
                manifest.insert_hash(path, h);
            }
        }
        Checker {
            lock,
            disk,
            scope,
            changes: Vec::new(),
            noticed: Vec::new(),
            manifest,
        }
    }

    /// Compares every file of `part` with the folder, keeping what differs. A path outside
    /// the scope, or compared in an earlier part, is an error.
    pub fn compare(&mut self, part: &OutputPlan) -> Result<(), OutputError> {
        for Examined {
            path,
            bytes,
            found,
            hash,
        } in examine(&self.disk, part, |found| found)
        {
            if !self.scope.contains(path) || path == MANIFEST_NAME {
                return Err(OutputError::OutOfScope(path.to_owned()));
            }
            if self.manifest.get(path).is_some() {
                return Err(OutputError::InTheWay {
                    path: self.disk.root().join(path),
                    what: "two rendered files claim this path".into(),
                });
            }
            let (change, before) = match found? {
                OnDisk::Same { .. } => {
                    self.manifest.insert_hash(path, &hash);
                    continue;
                }
                OnDisk::Absent => (Change::New, None),
                OnDisk::Owned(b) | OnDisk::Foreign(b) => (Change::Changed, Some(b)),
                OnDisk::Edited(b) => {
                    let w = Warning::EditedOverwritten(path.to_owned());
                    self.noticed.push((path.to_owned(), w));
                    (Change::Changed, Some(b))
                }
                OnDisk::Blocked(_) => (Change::Changed, None),
            };
            self.manifest.insert_hash(path, &hash);
            self.changes.push(FileChange {
                path: path.to_owned(),
                change,
                before,
                after: Some(bytes.to_vec()),
            });
        }
        Ok(())
    }

    /// The drift: the files that differ (with the stale, the manifest and the leftovers of
    /// an interrupted write), sorted by path; and what was noticed.
    pub fn finish(self) -> Result<Drift, OutputError> {
        let Checker {
            lock,
            disk,
            scope,
            mut changes,
            mut noticed,
            manifest,
        } = self;
        noticed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut warnings: Vec<Warning> = noticed.into_iter().map(|(_, w)| w).collect();
        let old = disk.manifest();
        for (path, h) in old.entries() {
            if !scope.contains(path) || manifest.get(path).is_some() {
                continue;
            }
            let before = match disk.kind(path) {
                None => continue,
                Some(Kind::File) => {
                    let before = disk.read(path)?;
                    if hash(&before) != h {
                        warnings.push(Warning::EditedKept(path.to_owned()));
                    }
                    Some(before)
                }
                Some(_) => {
                    warnings.push(Warning::Replaced(path.to_owned()));
                    None
                }
            };
            changes.push(FileChange {
                path: path.to_owned(),
                change: Change::Stale,
                before,
                after: None,
            });
        }
        let bytes = manifest.to_bytes();
        let on_disk = disk.manifest_bytes();
        if changes.is_empty() && on_disk != Some(bytes.as_slice()) {
            changes.push(FileChange {
                path: MANIFEST_NAME.to_owned(),
                change: if on_disk.is_some() {
                    Change::Changed
                } else {
                    Change::New
                },
                before: on_disk.map(<[u8]>::to_vec),
                after: Some(bytes),
            });
        }
        let stale_lock = lock.is_some().then(|| LOCK_NAME.to_owned());
        for path in disk.leftovers().iter().cloned().chain(stale_lock) {
            changes.push(FileChange {
                path,
                change: Change::Leftover,
                before: None,
                after: None,
            });
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        warnings.extend(
            disk.non_folders()
                .filter(|(p, _)| {
                    *p != MANIFEST_NAME
                        && scope.contains(p)
                        && manifest.get(p).is_none()
                        && old.get(p).is_none()
                })
                .map(|(p, _)| Warning::Foreign(p.to_owned())),
        );
        drop(lock);
        Ok(Drift { changes, warnings })
    }
}
