//! The transaction that puts a decided set of files into place: journal, stage
//! temporaries (in one go, or part by part as a streaming write renders them), commit by
//! backup-and-rename, and either remove the journal (the commit point) and clean up, or
//! roll back from the journal.
//!
//! A folder the write creates is staged whole: created under a temporary name beside
//! its place, its files written into it under their own names, and renamed into place
//! at the commit. A fresh render of an environment is one rename, not one per file, and
//! its files are not journaled one by one.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::error::OutputError;
use super::fill::{Created, FILLERS, Pace, fill};
use super::flush::Flusher;
use super::journal::{COMMITTED_NAME, JOURNAL_NAME, Journal, Put, Removal, Staged};
use super::warning::Warning;

/// A failure injected by a test: at the `at`-th file-system change, fail (and roll back),
/// or stop dead as a killed process would (`crash`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fault {
    pub(crate) at: usize,
    pub(crate) crash: bool,
}

#[derive(Debug)]
pub(crate) struct Txn {
    root: PathBuf,
    journal: Journal,
    /// The journal's temporary, until renamed into place.
    journal_temp: Option<PathBuf>,
    /// Whether the journal lists names that its copy on disk does not.
    dirty: bool,
    /// Folders to create, as they are on disk until the commit (inside a staged folder),
    /// outermost first; and how many of them exist.
    to_make: Vec<String>,
    made_dirs: usize,
    /// Folders already looked at, and every temporary and backup name given out.
    known: HashSet<String>,
    taken: HashSet<PathBuf>,
    /// Each folder this write creates, with where it is until the commit: the staged
    /// folder, or a folder inside one. Nothing is in them but what this write puts, so
    /// no name in them is looked up on disk, and their files are written under their
    /// own names.
    created: HashMap<String, String>,
    fault: Option<Fault>,
    step: usize,
    /// This process's id, part of every temporary's name (asked once, not per file).
    pid: u32,
    /// Writes the staged files to disk while the next parts render.
    flusher: Flusher,
    /// Whether filling has been slow so far in this write (how many threads fill).
    pace: Pace,
}

/// Why a transaction stopped.
pub(crate) enum Stop {
    /// It failed and rolled back (or failed to).
    Failed(OutputError),
    /// A test's simulated crash: nothing was undone.
    Crashed(OutputError),
}

impl Txn {
    /// A transaction on the folder `root`; `fault` fails it on purpose at that step.
    pub(crate) fn new(root: &Path, fault: Option<Fault>) -> Self {
        Txn {
            root: root.to_path_buf(),
            journal: Journal::new(),
            journal_temp: None,
            dirty: false,
            to_make: Vec::new(),
            made_dirs: 0,
            known: HashSet::new(),
            taken: HashSet::new(),
            created: HashMap::new(),
            fault,
            step: 0,
            pid: std::process::id(),
            flusher: Flusher::default(),
            pace: Pace::default(),
        }
    }

    /// Whether anything was staged or planned.
    pub(crate) fn has_work(&self) -> bool {
        !self.journal.puts.is_empty()
            || !self.journal.removals.is_empty()
            || !self.journal.staged.is_empty()
    }

    /// Stages `puts`: names them, journals the names (durably) when there are new ones,
    /// creates the folders they need and writes each to its temporary, or into its staged
    /// folder. Nothing is put in place; on an error the caller [`fail`](Txn::fail)s the
    /// transaction.
    pub(crate) fn stage(&mut self, puts: &[(String, &[u8])]) -> Result<(), OutputError> {
        if puts.is_empty() {
            return Ok(());
        }
        let targets = self.plan(puts)?;
        if self.dirty {
            self.persist_journal()?;
        }
        self.make_dirs()?;
        self.write_temps(&targets, puts)?;
        let bytes = puts.iter().map(|(_, b)| b.len()).sum();
        self.flusher.staged(&self.root, bytes);
        Ok(())
    }

    /// Commits what was staged, and the planned removals: sync, rename into place, sync,
    /// the commit point, clean-up. Returns what clean-up could not do.
    pub(crate) fn commit(mut self) -> Result<Vec<Warning>, Stop> {
        self.flusher.stop();
        let result = (if self.dirty {
            self.persist_journal()
        } else {
            Ok(())
        })
        .and_then(|()| self.sync())
        .and_then(|()| self.rename_all())
        .and_then(|()| self.sync())
        .and_then(|()| self.finish_journal());
        match result {
            Ok(()) => Ok(self.clean_up()),
            Err(cause) => Err(self.fail(cause)),
        }
    }

    /// Stops the transaction because of `cause`: rolls back every step taken (or, for a
    /// test's simulated crash, nothing).
    pub(crate) fn fail(mut self, cause: OutputError) -> Stop {
        self.flusher.stop();
        if self.fault.is_some_and(|f| f.crash) {
            return Stop::Crashed(cause);
        }
        match self.roll_back() {
            Ok(()) => Stop::Failed(cause),
            Err(rollback) => Stop::Failed(OutputError::RollbackFailed {
                cause: Box::new(cause),
                rollback,
            }),
        }
    }

    /// Counts a file-system change; fails on purpose at the injected step.
    fn tick(&mut self, path: &Path) -> Result<(), OutputError> {
        if self.fault.is_some_and(|f| f.at == self.step) {
            return Err(OutputError::io(
                "change (injected fault)",
                path,
                std::io::Error::other("fault injected by a test"),
            ));
        }
        self.step += 1;
        Ok(())
    }

    /// Decides every name the puts will use (folders to create, temporaries, backups)
    /// before anything changes, so the journal can list them. Returns where each put is
    /// written until the commit.
    fn plan(&mut self, puts: &[(String, &[u8])]) -> Result<Vec<String>, OutputError> {
        let mut targets = Vec::with_capacity(puts.len());
        for (rel, _) in puts {
            let (dir, name) = split(rel);
            self.plan_dirs(dir)?;
            // In a folder this write creates, the file is new: it is written under its
            // own name into the staged folder, which the commit renames whole.
            if let Some(staged) = self.created.get(dir) {
                targets.push(format!("{staged}/{name}"));
                continue;
            }
            let temp = self.free_name(dir, name, "tmp", true)?;
            let backup = if fs::symlink_metadata(self.root.join(rel)).is_ok() {
                Some(self.free_name(dir, name, "old", true)?)
            } else {
                None
            };
            targets.push(temp.clone());
            self.journal.puts.push(Put {
                path: rel.clone(),
                temp,
                backup,
            });
            self.dirty = true;
        }
        Ok(targets)
    }

    /// Decides the backup names of the stale files to remove at the commit.
    pub(crate) fn plan_removals(&mut self, removals: &[String]) -> Result<(), OutputError> {
        for rel in removals {
            let (dir, name) = split(rel);
            let backup = self.free_name(dir, name, "old", true)?;
            self.journal.removals.push(Removal {
                path: rel.clone(),
                backup,
            });
            self.dirty = true;
        }
        Ok(())
    }

    /// A name for `name`'s temporary or backup (`what`) beside it in `dir`, not given out
    /// before; with `look`, also not on disk (a leftover, or someone else's file).
    fn free_name(
        &mut self,
        dir: &str,
        name: &str,
        what: &str,
        look: bool,
    ) -> Result<String, OutputError> {
        for n in 0..64 {
            let file = format!(".{name}.nexus-{what}-{}-{n}", self.pid);
            let rel = if dir.is_empty() {
                file
            } else {
                format!("{dir}/{file}")
            };
            let path = self.root.join(&rel);
            if (!look || fs::symlink_metadata(&path).is_err()) && self.taken.insert(path) {
                return Ok(rel);
            }
        }
        Err(OutputError::io(
            "find a free temporary name in",
            self.root.join(dir),
            std::io::Error::other("64 names taken"),
        ))
    }

    /// Notes which folders on the way to `rel` must be created; refuses a link or a file
    /// where a folder must be. The outermost missing one is staged under a temporary
    /// name (journaled); those inside it are created inside the staged folder.
    fn plan_dirs(&mut self, rel: &str) -> Result<(), OutputError> {
        let mut end = 0;
        let segments = rel.split('/').filter(|s| !s.is_empty());
        for seg in segments {
            end += seg.len() + usize::from(end > 0);
            let sub = &rel[..end];
            if !self.known.insert(sub.to_owned()) {
                continue;
            }
            let (parent, name) = split(sub);
            if let Some(inside) = self.created.get(parent) {
                let staged = format!("{inside}/{name}");
                self.to_make.push(staged.clone());
                self.created.insert(sub.to_owned(), staged);
                continue;
            }
            let dir = self.root.join(sub);
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
                    let temp = self.free_name(parent, name, "tmp", true)?;
                    self.journal.staged.push(Staged {
                        path: sub.to_owned(),
                        temp: temp.clone(),
                    });
                    self.dirty = true;
                    self.to_make.push(temp.clone());
                    self.created.insert(sub.to_owned(), temp);
                }
                Err(e) => return Err(OutputError::io("read", &dir, e)),
            }
        }
        Ok(())
    }

    /// Writes the journal to a temporary, makes it durable, and renames it into place.
    fn persist_journal(&mut self) -> Result<(), OutputError> {
        let name = format!(".{JOURNAL_NAME}.nexus-tmp-{}-0", self.pid);
        let temp = self.root.join(name);
        self.tick(&temp)?;
        let mut file = create_new(&temp)?;
        self.journal_temp = Some(temp.clone());
        file.write_all(&self.journal.to_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| OutputError::io("write", &temp, e))?;
        let path = self.root.join(JOURNAL_NAME);
        self.tick(&path)?;
        // Over the previous journal of this write, if any: either copy is whole.
        fs::rename(&temp, &path).map_err(|e| OutputError::io("move into place", &path, e))?;
        self.journal_temp = None;
        self.dirty = false;
        sync_dir(&self.root);
        Ok(())
    }

    /// Creates the staged folders, and the folders inside them, not created yet,
    /// outermost first.
    fn make_dirs(&mut self) -> Result<(), OutputError> {
        while self.made_dirs < self.to_make.len() {
            let dir = self.root.join(&self.to_make[self.made_dirs]);
            self.tick(&dir)?;
            fs::create_dir(&dir).map_err(|e| OutputError::io("create the folder", &dir, e))?;
            self.made_dirs += 1;
        }
        Ok(())
    }

    /// Writes `puts` to `targets`, their temporaries or places in staged folders. This thread
    /// creates the files, in order, while one other fills them, and a second once filling
    /// has proved slow (up to [`FILLERS`]; see [`Pace`]): creating is serialized by the
    /// folder's lock in the kernel anyway (two threads creating in one folder only spin on
    /// it), but filling can run beside it. With a test's fault injected the files are
    /// written one by one, so that the failing step is always the same file.
    fn write_temps(
        &mut self,
        targets: &[String],
        puts: &[(String, &[u8])],
    ) -> Result<(), OutputError> {
        if self.fault.is_some() {
            for (target, (_, bytes)) in targets.iter().zip(puts) {
                let temp = self.root.join(target);
                self.tick(&temp)?;
                let mut file = create_new(&temp)?;
                file.write_all(bytes)
                    .map_err(|e| OutputError::io("write", &temp, e))?;
            }
            return Ok(());
        }
        let (root, pace) = (&self.root, &self.pace);
        std::thread::scope(|scope| {
            let (batches, created) = std::sync::mpsc::sync_channel::<Vec<Created<'_>>>(4);
            // Only the fillers hold the receiving end (this side keeps a weak handle to
            // start the second): once all have stopped, even by a panic, it is dropped and
            // this side's sends fail instead of waiting.
            let created = Arc::new(Mutex::new(created));
            let handle = Arc::downgrade(&created);
            let mut fillers = vec![scope.spawn(move || fill(&created, pace))];
            let mut more = || {
                if fillers.len() < FILLERS
                    && pace.is_slow()
                    && let Some(created) = handle.upgrade()
                {
                    fillers.push(scope.spawn(move || fill(&created, pace)));
                }
            };
            more();
            let mut batch = super::batch::Batch::<Created<'_>>::default();
            let creating = puts.iter().zip(targets).enumerate().try_for_each(
                |(place, ((_, bytes), target))| {
                    let path = root.join(target);
                    let file = create_new(&path)?;
                    if let Some(full) = batch.push((place, file, bytes, path), bytes.len()) {
                        more();
                        // The fillers stop taking files only once this side is done.
                        let _ = batches.send(full);
                    }
                    Ok(())
                },
            );
            let _ = batches.send(batch.files);
            drop(batches);
            // The first file, in the write's order, that failed to fill.
            let mut failed: Option<(usize, OutputError)> = None;
            for filler in fillers {
                let stopped = || {
                    let e = std::io::Error::other("a writing thread stopped");
                    Some((0, OutputError::io("write into", root, e)))
                };
                if let Some((place, e)) = filler.join().unwrap_or_else(|_| stopped())
                    && failed.as_ref().is_none_or(|(first, _)| place < *first)
                {
                    failed = Some((place, e));
                }
            }
            // A file that failed to fill was created before any that failed to create.
            failed.map_or(Ok(()), |(_, e)| Err(e)).and(creating)
        })?;
        self.step += puts.len();
        Ok(())
    }

    /// Makes every change so far durable. On Linux one `syncfs` of the output's file
    /// system does it: an `fsync` per file cost more than rendering (11,500 files at 5,000
    /// services). Elsewhere, each temporary and each touched folder is synced.
    fn sync(&mut self) -> Result<(), OutputError> {
        #[cfg(target_os = "linux")]
        {
            let root =
                File::open(&self.root).map_err(|e| OutputError::io("open", &self.root, e))?;
            rustix::fs::syncfs(&root)
                .map_err(|e| OutputError::io("sync the file system of", &self.root, e.into()))
        }
        #[cfg(not(target_os = "linux"))]
        {
            for p in &self.journal.puts {
                for rel in [&p.temp, &p.path] {
                    if let Ok(f) = File::open(self.root.join(rel)) {
                        f.sync_all()
                            .map_err(|e| OutputError::io("sync", self.root.join(rel), e))?;
                    }
                }
                sync_dir(&self.root.join(split(&p.path).0));
            }
            // A staged folder, before or after its rename: every file and folder in it,
            // and the folder that holds it.
            for d in &self.journal.staged {
                for rel in [&d.temp, &d.path] {
                    let dir = self.root.join(rel);
                    if dir.is_dir() {
                        sync_tree(&dir).map_err(|e| OutputError::io("sync", &dir, e))?;
                    }
                }
                sync_dir(&self.root.join(split(&d.path).0));
            }
            Ok(())
        }
    }

    fn rename_all(&mut self) -> Result<(), OutputError> {
        for d in self.journal.staged.clone() {
            let target = self.root.join(&d.path);
            self.tick(&target)?;
            fs::rename(self.root.join(&d.temp), &target)
                .map_err(|e| OutputError::io("move into place", &target, e))?;
        }
        for p in self.journal.puts.clone() {
            let target = self.root.join(&p.path);
            if let Some(b) = &p.backup {
                let backup = self.root.join(b);
                self.tick(&backup)?;
                // Linking fails rather than replace an existing file.
                fs::hard_link(&target, &backup)
                    .map_err(|e| OutputError::io("back up", &target, e))?;
            }
            self.tick(&target)?;
            fs::rename(self.root.join(&p.temp), &target)
                .map_err(|e| OutputError::io("move into place", &target, e))?;
        }
        for r in self.journal.removals.clone() {
            let (target, backup) = (self.root.join(&r.path), self.root.join(&r.backup));
            self.tick(&backup)?;
            fs::hard_link(&target, &backup).map_err(|e| OutputError::io("back up", &target, e))?;
            self.tick(&target)?;
            fs::remove_file(&target).map_err(|e| OutputError::io("remove", &target, e))?;
        }
        Ok(())
    }

    /// The commit point: once the journal is renamed to `.nexus-committed`, the new
    /// output stands.
    fn finish_journal(&mut self) -> Result<(), OutputError> {
        let path = self.root.join(JOURNAL_NAME);
        self.tick(&path)?;
        fs::rename(&path, self.root.join(COMMITTED_NAME))
            .map_err(|e| OutputError::io("commit", &path, e))?;
        sync_dir(&self.root);
        Ok(())
    }

    /// Undoes every step taken, then drops the journal. When undoing fails, the journal
    /// stays, so the next render finishes the roll-back.
    fn roll_back(&mut self) -> Result<(), String> {
        self.journal.roll_back(&self.root)?;
        if let Some(temp) = self.journal_temp.take() {
            let _ = fs::remove_file(temp);
        }
        match fs::remove_file(self.root.join(JOURNAL_NAME)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("remove the journal: {e}"));
            }
            _ => {}
        }
        sync_dir(&self.root);
        Ok(())
    }

    /// Deletes backups and emptied folders, then the committed journal.
    fn clean_up(&mut self) -> Vec<Warning> {
        let mut warnings: Vec<Warning> = (self.journal.clean_up(&self.root).into_iter())
            .map(|(path, e)| Warning::Cleanup {
                path: self.root.join(path).display().to_string(),
                message: e.to_string(),
            })
            .collect();
        let committed = self.root.join(COMMITTED_NAME);
        if warnings.is_empty()
            && let Err(e) = fs::remove_file(&committed)
        {
            warnings.push(Warning::Cleanup {
                path: committed.display().to_string(),
                message: e.to_string(),
            });
        }
        warnings
    }
}

/// Creates `path`, exclusively: never an existing file, never through a link.
fn create_new(path: &Path) -> Result<File, OutputError> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| OutputError::io("create", path, e))
}

/// Makes every file in `dir` durable, and the folders' entries (best effort for those).
#[cfg(not(target_os = "linux"))]
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let ty = entry.file_type()?;
        if ty.is_dir() {
            sync_tree(&entry.path())?;
        } else if ty.is_file() {
            File::open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir);
    Ok(())
}

/// Makes a folder's entries durable; best effort (not every platform can sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

/// `a/b/c.yaml` → (`a/b`, `c.yaml`); `c.yaml` → (``, `c.yaml`).
fn split(rel: &str) -> (&str, &str) {
    match rel.rfind('/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    }
}
