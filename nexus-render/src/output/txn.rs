//! The transaction that puts a decided set of files into place: stage temporaries, commit
//! by backup-and-rename, undo every step taken on failure, clean up on success.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Warning;
use super::error::OutputError;

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

pub(crate) struct Txn<'a> {
    root: &'a Path,
    created_dirs: Vec<PathBuf>,
    /// Folders (relative) known to exist as real folders.
    known_dirs: HashSet<String>,
    /// Temporaries created, in staging order; the first `committed` were renamed into place.
    temps: Vec<PathBuf>,
    committed: usize,
    journal: Vec<Step>,
    fault: Option<usize>,
    step: usize,
}

impl<'a> Txn<'a> {
    /// A transaction on the folder `root`; `fault` fails it on purpose at that step.
    pub(crate) fn new(root: &'a Path, fault: Option<usize>) -> Self {
        Txn {
            root,
            created_dirs: Vec::new(),
            known_dirs: HashSet::new(),
            temps: Vec::new(),
            committed: 0,
            journal: Vec::new(),
            fault,
            step: 0,
        }
    }

    /// Puts every file of `puts` in place and removes `removals`, all or nothing. Returns
    /// what clean-up could not do.
    pub(crate) fn apply(
        mut self,
        puts: &[(String, &[u8])],
        removals: &[String],
    ) -> Result<Vec<Warning>, OutputError> {
        let result = self
            .stage(puts)
            .and_then(|staged| self.commit(staged, removals));
        match result {
            Ok(()) => Ok(self.clean_up(removals)),
            Err(cause) => match self.roll_back() {
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
        self.sync_temps()?;
        Ok(staged)
    }

    /// Makes every temporary's bytes durable before any is renamed into place (so a crash
    /// cannot leave an empty or partial file under a rendered name). On Linux one `syncfs`
    /// of the output's file system does it: an `fsync` per file cost more than rendering
    /// (11,500 files at 5,000 services). Elsewhere, each temporary is synced.
    fn sync_temps(&self) -> Result<(), OutputError> {
        if self.temps.is_empty() {
            return Ok(());
        }
        #[cfg(target_os = "linux")]
        {
            let root = File::open(self.root).map_err(|e| OutputError::io("open", self.root, e))?;
            rustix::fs::syncfs(&root)
                .map_err(|e| OutputError::io("sync the file system of", self.root, e.into()))
        }
        #[cfg(not(target_os = "linux"))]
        {
            for temp in &self.temps {
                File::open(temp)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| OutputError::io("sync", temp, e))?;
            }
            Ok(())
        }
    }

    /// Makes sure the folder `rel` (relative to the root) exists as a real folder, creating
    /// what is missing, one level at a time, and remembering what it created.
    fn ensure_dir(&mut self, rel: &str) -> Result<PathBuf, OutputError> {
        if self.known_dirs.contains(rel) {
            return Ok(self.root.join(rel));
        }
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
        self.known_dirs.insert(rel.to_owned());
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
            // Staged in the order the temporaries were created: this one is no longer a
            // temporary to remove on roll-back.
            self.committed += 1;
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
        let committed = self.committed.min(self.temps.len());
        for temp in self.temps.drain(committed..) {
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

    fn clean_up(&mut self, removals: &[String]) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let mut dirs: Vec<PathBuf> = Vec::new();
        for step in self.journal.drain(..) {
            let target = match step {
                Step::Created(target) => target,
                Step::Replaced { target, backup } | Step::Removed { target, backup } => {
                    if let Err(e) = fs::remove_file(&backup) {
                        warnings.push(Warning::Cleanup {
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
        warnings
    }
}

/// `a/b/c.yaml` → (`a/b`, `c.yaml`); `c.yaml` → (``, `c.yaml`).
fn split(rel: &str) -> (&str, &str) {
    match rel.rfind('/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    }
}
