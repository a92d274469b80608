//! The all-or-nothing writer.
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

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::OutputError;
use super::manifest::MANIFEST_NAME;
use super::reconcile::{OnDisk, Stale, reconcile};
use super::scan::Disk;
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
    Txn::run(plan, root, &Scope::all(), None)
}

/// Writes `plan`, which describes only the folders of `scope`, into `root`; owned files
/// outside the scope are neither touched nor disowned.
pub fn write_scoped(
    plan: &OutputPlan,
    root: &Path,
    scope: &Scope,
) -> Result<WriteReport, OutputError> {
    Txn::run(plan, root, scope, None)
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
    Txn::run(plan, root, scope, Some(fail_at))
}

/// One step taken in the commit phase, to undo on failure.
enum Step {
    /// `target` did not exist and now holds the new bytes.
    Created(PathBuf),
    /// `target`'s previous bytes are in `backup`.
    Replaced { target: PathBuf, backup: PathBuf },
    /// `target` was removed; its bytes are in `backup`.
    Removed { target: PathBuf, backup: PathBuf },
}

struct Staged {
    target: PathBuf,
    temp: PathBuf,
}

struct Txn<'a> {
    root: &'a Path,
    created_dirs: Vec<PathBuf>,
    temps: Vec<PathBuf>,
    journal: Vec<Step>,
    fault: Option<usize>,
    step: usize,
}

impl<'a> Txn<'a> {
    fn run(
        plan: &OutputPlan,
        root: &'a Path,
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

        let mut txn = Txn {
            root,
            created_dirs: Vec::new(),
            temps: Vec::new(),
            journal: Vec::new(),
            fault,
            step: 0,
        };
        let result = txn
            .stage(&puts)
            .and_then(|staged| txn.commit(staged, &removals));
        match result {
            Ok(()) => {
                txn.clean_up(&removals, &mut report);
                report.written = puts
                    .into_iter()
                    .map(|(rel, _)| rel)
                    .filter(|rel| rel != MANIFEST_NAME)
                    .collect();
                report.removed = removals;
                Ok(report)
            }
            Err(cause) => match txn.roll_back() {
                Ok(()) => Err(cause),
                Err(rollback) => Err(OutputError::RollbackFailed {
                    cause: Box::new(cause),
                    rollback,
                }),
            },
        }
    }

    /// Counts a file-system change; fails on purpose at the injected step.
    fn tick(&mut self, path: &Path) -> Result<(), OutputError> {
        if self.fault == Some(self.step) {
            return Err(OutputError::io(
                "change (injected fault)",
                path,
                std::io::Error::other("fault injected by a test"),
            ));
        }
        self.step += 1;
        Ok(())
    }

    fn stage(&mut self, puts: &[(String, &[u8])]) -> Result<Vec<Staged>, OutputError> {
        let mut staged = Vec::with_capacity(puts.len());
        for (rel, bytes) in puts {
            let target = self.root.join(rel);
            let (dir, name) = split(rel);
            let dir = self.ensure_dir(dir)?;
            let temp = self.create_temp(&dir, name, bytes)?;
            staged.push(Staged { target, temp });
        }
        Ok(staged)
    }

    /// Makes sure the folder `rel` (relative to the root) exists as a real folder, creating
    /// what is missing, one level at a time, and remembering what it created.
    fn ensure_dir(&mut self, rel: &str) -> Result<PathBuf, OutputError> {
        if !self.root.exists() {
            let mut missing = Vec::new();
            let mut p = self.root.to_path_buf();
            while !p.as_os_str().is_empty() && !p.exists() {
                missing.push(p.clone());
                if !p.pop() {
                    break;
                }
            }
            for d in missing.into_iter().rev() {
                self.tick(&d)?;
                fs::create_dir(&d).map_err(|e| OutputError::io("create the folder", &d, e))?;
                self.created_dirs.push(d);
            }
        }
        let mut dir = self.root.to_path_buf();
        for seg in rel.split('/').filter(|s| !s.is_empty()) {
            dir.push(seg);
            match fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(OutputError::Symlink { path: dir });
                }
                Ok(_) => {
                    return Err(OutputError::InTheWay {
                        path: dir,
                        what: "nexus needs a folder here".into(),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    self.tick(&dir)?;
                    fs::create_dir(&dir)
                        .map_err(|e| OutputError::io("create the folder", &dir, e))?;
                    self.created_dirs.push(dir.clone());
                }
                Err(e) => return Err(OutputError::io("read", &dir, e)),
            }
        }
        Ok(dir)
    }

    fn create_temp(
        &mut self,
        dir: &Path,
        name: &str,
        bytes: &[u8],
    ) -> Result<PathBuf, OutputError> {
        let (temp, mut file) = self.create_exclusive(dir, name, "tmp")?;
        self.temps.push(temp.clone());
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| OutputError::io("write", &temp, e))?;
        Ok(temp)
    }

    /// Creates a new file `.NAME.nexus-WHAT-PID-N` that did not exist before.
    fn create_exclusive(
        &mut self,
        dir: &Path,
        name: &str,
        what: &str,
    ) -> Result<(PathBuf, File), OutputError> {
        let mut last = None;
        for n in 0..64 {
            let path = dir.join(format!(".{name}.nexus-{what}-{}-{n}", std::process::id()));
            self.tick(&path)?;
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(f) => return Ok((path, f)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(OutputError::io("create", &path, e)),
            }
        }
        let e = last.unwrap_or_else(|| std::io::Error::other("no free temporary name"));
        Err(OutputError::io("create a temporary file in", dir, e))
    }

    /// Hard-links `target` to a fresh backup name (linking fails rather than replace an
    /// existing file, so no foreign file is ever clobbered).
    fn back_up(&mut self, target: &Path) -> Result<PathBuf, OutputError> {
        let dir = target.parent().unwrap_or(self.root);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for n in 0..64 {
            let backup = dir.join(format!(".{name}.nexus-old-{}-{n}", std::process::id()));
            self.tick(&backup)?;
            match fs::hard_link(target, &backup) {
                Ok(()) => return Ok(backup),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(OutputError::io("back up", target, e)),
            }
        }
        Err(OutputError::io(
            "back up",
            target,
            std::io::Error::other("no free backup name"),
        ))
    }

    fn commit(&mut self, staged: Vec<Staged>, removals: &[String]) -> Result<(), OutputError> {
        for s in staged {
            let exists = fs::symlink_metadata(&s.target).is_ok();
            if exists {
                let backup = self.back_up(&s.target)?;
                self.journal.push(Step::Replaced {
                    target: s.target.clone(),
                    backup,
                });
            }
            self.tick(&s.target)?;
            fs::rename(&s.temp, &s.target)
                .map_err(|e| OutputError::io("move into place", &s.target, e))?;
            self.temps.retain(|t| t != &s.temp);
            if !exists {
                self.journal.push(Step::Created(s.target));
            }
        }
        for rel in removals {
            let target = self.root.join(rel);
            let backup = self.back_up(&target)?;
            self.journal.push(Step::Removed {
                target: target.clone(),
                backup,
            });
            self.tick(&target)?;
            fs::remove_file(&target).map_err(|e| OutputError::io("remove", &target, e))?;
        }
        Ok(())
    }

    fn roll_back(&mut self) -> Result<(), String> {
        let mut failures = Vec::new();
        let mut note = |what: &str, p: &Path, r: std::io::Result<()>| {
            if let Err(e) = r {
                failures.push(format!("{what} `{}`: {e}", p.display()));
            }
        };
        for step in self.journal.drain(..).rev() {
            match step {
                Step::Created(target) => note("remove", &target, fs::remove_file(&target)),
                Step::Replaced { target, backup } | Step::Removed { target, backup } => {
                    note("restore", &target, fs::rename(&backup, &target));
                    // Renaming a link onto another link of the same file does nothing.
                    if fs::symlink_metadata(&backup).is_ok() {
                        note("remove", &backup, fs::remove_file(&backup));
                    }
                }
            }
        }
        for temp in self.temps.drain(..) {
            note("remove", &temp, fs::remove_file(&temp));
        }
        for dir in self.created_dirs.drain(..).rev() {
            note("remove the folder", &dir, fs::remove_dir(&dir));
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }

    fn clean_up(&mut self, removals: &[String], report: &mut WriteReport) {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for step in self.journal.drain(..) {
            let target = match step {
                Step::Created(target) => target,
                Step::Replaced { target, backup } | Step::Removed { target, backup } => {
                    if let Err(e) = fs::remove_file(&backup) {
                        report.warnings.push(Warning::Cleanup {
                            path: backup.display().to_string(),
                            message: e.to_string(),
                        });
                    }
                    target
                }
            };
            if let Some(d) = target.parent() {
                dirs.push(d.to_path_buf());
            }
        }
        // Folders that removed files left empty go too (never the root, never a non-empty
        // folder: `remove_dir` refuses those).
        for rel in removals {
            let mut dir = split(rel).0.to_owned();
            while !dir.is_empty() && fs::remove_dir(self.root.join(&dir)).is_ok() {
                dir = split(&dir).0.to_owned();
            }
        }
        dirs.sort();
        dirs.dedup();
        for d in dirs {
            // Make the renames durable; best effort (not every platform can sync a folder).
            if let Ok(f) = File::open(&d) {
                let _ = f.sync_all();
            }
        }
    }
}

/// `a/b/c.yaml` → (`a/b`, `c.yaml`); `c.yaml` → (``, `c.yaml`).
fn split(rel: &str) -> (&str, &str) {
    match rel.rfind('/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    }
}
