//! The write journal: what a write is about to do, made durable before it changes anything
//! in place, so that whatever stops it (an error, `kill -9`, a power cut) the folder can be
//! put back exactly as it was.
//!
//! `<out>/.nexus-journal` lists the folders the write creates, each staged whole under a
//! temporary name beside it, and for every other file it puts or removes: the temporary
//! holding the new bytes and the backup name the old bytes get.
//! The write's commit point is the renaming of the journal to `.nexus-committed` (after
//! the renames are durable); clean-up then deletes the backups, and the folders removed
//! files left empty, and last the committed journal:
//!
//! - `.nexus-journal` present: the write did not finish. [`Journal::roll_back`] restores
//!   every backup, removes every temporary and every file the write created, and the
//!   folders it created (staged or renamed into place): the folder is exactly the old
//!   output.
//! - `.nexus-committed` present: every rename is done; [`Journal::clean_up`] finishes the
//!   clean-up: exactly the new output.
//! - neither: `.nexus-old-*` backups and `.nexus-tmp-*` temporaries (files, or staged
//!   folders) still around are garbage ([`is_leftover`]), and removing them changes no
//!   output.
//!
//! Every step of the roll-back looks at what is on disk and is safe to repeat, so a
//! roll-back stopped half-way is finished by the next one.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::OutputError;
use crate::plan::check_path;

/// The journal's file name, at the root of the output folder.
pub const JOURNAL_NAME: &str = ".nexus-journal";

/// The journal's name once the write has committed, until clean-up is done.
pub(super) const COMMITTED_NAME: &str = ".nexus-committed";

/// The format written. Version 2 adds staged folders; a version 1 journal (an earlier
/// nexus's, left by an interrupted write) is still read.
const FORMAT: &str = "nexus-journal/v2";
const FORMAT_V1: &str = "nexus-journal/v1";

/// Largest journal read back (a write of 100,000 files takes about 20 MB).
const MAX_JOURNAL: u64 = 256 << 20;

/// One file put in place.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Put {
    /// The rendered file.
    pub(crate) path: String,
    /// The temporary that holds its new bytes until renamed over it.
    pub(crate) temp: String,
    /// Where its previous bytes are linked before the rename (`None`: it did not exist).
    pub(crate) backup: Option<String>,
}

/// One stale file removed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Removal {
    pub(crate) path: String,
    pub(crate) backup: String,
}

/// A folder the write creates, staged whole: its files are written, under their own names,
/// into `temp` (beside it), and `temp` is renamed to `path` at the commit. One rename puts
/// a whole new environment in place.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Staged {
    pub(crate) path: String,
    pub(crate) temp: String,
}

/// What a write is about to do (all paths relative to the output folder).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Journal {
    format: String,
    /// Folders the write creates one by one, outermost first (version 1 only: version 2
    /// stages every new folder whole).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) dirs: Vec<String>,
    /// Folders the write creates, each staged whole, in the order staged.
    #[serde(default)]
    pub(crate) staged: Vec<Staged>,
    /// Files put in folders that exist.
    pub(crate) puts: Vec<Put>,
    pub(crate) removals: Vec<Removal>,
}

/// Whether a file name is one the writer gives its temporaries, backups or journal: in a
/// folder nexus holds the lock of, such a file is left from an interrupted write.
pub fn is_leftover(name: &str) -> bool {
    name == JOURNAL_NAME
        || name == COMMITTED_NAME
        || (name.starts_with('.') && (name.contains(".nexus-tmp-") || name.contains(".nexus-old-")))
}

impl Journal {
    pub(crate) fn new() -> Self {
        Journal {
            format: FORMAT.to_owned(),
            dirs: Vec::new(),
            staged: Vec::new(),
            puts: Vec::new(),
            removals: Vec::new(),
        }
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// The journal `name` in `root`, if there is one. Every path in it must be a safe relative
    /// path, and temporaries and backups must be leftover names beside their file, so a
    /// tampered journal cannot make nexus touch anything outside the folder.
    pub(crate) fn load(root: &Path, name: &str) -> Result<Option<Journal>, OutputError> {
        let path = root.join(name);
        let bad = |message: String| OutputError::Manifest {
            path: path.clone(),
            message,
        };
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(OutputError::io("read", &path, e)),
            Ok(m) if !m.file_type().is_file() => {
                return Err(bad("it is not a regular file".into()));
            }
            Ok(_) => {}
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_JOURNAL + 1).read_to_end(&mut bytes))
            .map_err(|e| OutputError::io("read", &path, e))?;
        if bytes.len() as u64 > MAX_JOURNAL {
            return Err(bad(format!("it is larger than {MAX_JOURNAL} bytes")));
        }
        let j: Journal = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        if j.format != FORMAT && j.format != FORMAT_V1 {
            return Err(bad(format!("unknown format `{}`", j.format)));
        }
        j.validate().map_err(bad)?;
        Ok(Some(j))
    }

    fn validate(&self) -> Result<(), String> {
        let safe = |p: &str| check_path(p).map_err(|e| e.to_string());
        let beside = |file: &str, other: &str| -> Result<(), String> {
            safe(other)?;
            let name = other.rsplit('/').next().unwrap_or(other);
            if parent(file) != parent(other) || !is_leftover(name) {
                return Err(format!(
                    "`{other}` is not a temporary or backup of `{file}`"
                ));
            }
            Ok(())
        };
        for d in &self.dirs {
            safe(d)?;
        }
        for d in &self.staged {
            safe(&d.path)?;
            beside(&d.path, &d.temp)?;
        }
        for p in &self.puts {
            safe(&p.path)?;
            beside(&p.path, &p.temp)?;
            if let Some(b) = &p.backup {
                beside(&p.path, b)?;
            }
        }
        for r in &self.removals {
            safe(&r.path)?;
            beside(&r.path, &r.backup)?;
        }
        Ok(())
    }

    /// Puts the folder back as it was before the write, whatever step it stopped at.
    /// Returns what could not be undone.
    pub(crate) fn roll_back(&self, root: &Path) -> Result<(), String> {
        let mut failures = Vec::new();
        let mut note = |what: &str, p: &Path, r: std::io::Result<()>| match r {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                failures.push(format!("{what} `{}`: {e}", p.display()));
            }
            _ => {}
        };
        let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
        for r in self.removals.iter().rev() {
            let (target, backup) = (root.join(&r.path), root.join(&r.backup));
            if exists(&backup) {
                note("restore", &target, std::fs::rename(&backup, &target));
                // Renaming a link onto another link of the same file does nothing.
                note("remove", &backup, std::fs::remove_file(&backup));
            }
        }
        for p in self.puts.iter().rev() {
            let (target, temp) = (root.join(&p.path), root.join(&p.temp));
            match &p.backup {
                Some(b) => {
                    let backup = root.join(b);
                    if exists(&backup) {
                        note("restore", &target, std::fs::rename(&backup, &target));
                        note("remove", &backup, std::fs::remove_file(&backup));
                    }
                    // Without a backup, the target was never replaced.
                }
                // A new file: present without its temporary means it was renamed in.
                None if !exists(&temp) && exists(&target) => {
                    note("remove", &target, std::fs::remove_file(&target));
                }
                None => {}
            }
            if exists(&temp) {
                note("remove", &temp, std::fs::remove_file(&temp));
            }
        }
        for d in self.staged.iter().rev() {
            let (target, temp) = (root.join(&d.path), root.join(&d.temp));
            if exists(&temp) {
                note("remove", &temp, std::fs::remove_dir_all(&temp));
            } else if exists(&target) {
                // The folder did not exist when the write began, and the lock kept other
                // writers out: present without its temporary means it was renamed in.
                note("remove", &target, std::fs::remove_dir_all(&target));
            }
        }
        for d in self.dirs.iter().rev() {
            // A folder someone else put a file in since is left (not ours to empty).
            let _ = std::fs::remove_dir(root.join(d));
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }
}

impl Journal {
    /// After the commit point: deletes the backups, then the folders that removed files
    /// left empty (never the root, never a non-empty folder). Returns the backups that
    /// could not be deleted. Safe to repeat.
    pub(crate) fn clean_up(&self, root: &Path) -> Vec<(String, std::io::Error)> {
        let mut failures = Vec::new();
        let backups = self.puts.iter().filter_map(|p| p.backup.as_ref());
        for b in backups.chain(self.removals.iter().map(|r| &r.backup)) {
            match std::fs::remove_file(root.join(b)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => failures.push((b.clone(), e)),
                _ => {}
            }
        }
        for r in &self.removals {
            let mut dir = parent(&r.path);
            while !dir.is_empty() && std::fs::remove_dir(root.join(dir)).is_ok() {
                dir = parent(dir);
            }
        }
        failures
    }
}

/// Removes leftover files and staged folders (relative paths), and the folders they leave
/// empty.
pub(crate) fn sweep(root: &Path, leftovers: &[String]) -> Result<(), OutputError> {
    for rel in leftovers {
        let path = root.join(rel);
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_dir());
        let removed = if is_dir {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match removed {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(OutputError::io("remove the leftover", &path, e));
            }
            _ => {}
        }
        let mut dir = parent(rel);
        while !dir.is_empty() && std::fs::remove_dir(root.join(dir)).is_ok() {
            dir = parent(dir);
        }
    }
    Ok(())
}

/// `a/b/c` → `a/b`; `c` → ``.
fn parent(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_names() {
        assert!(is_leftover(".web.yaml.nexus-tmp-12-0"));
        assert!(is_leftover(".web.yaml.nexus-old-12-3"));
        assert!(is_leftover(JOURNAL_NAME));
        assert!(!is_leftover("web.yaml"));
        assert!(!is_leftover("notes.nexus-tmp-1"));
    }

    #[test]
    fn refuses_tampered_journals() {
        let dir = tempfile::tempdir().unwrap();
        let bad = [
            r#"{"format":"nexus-journal/v1","dirs":["../x"],"puts":[],"removals":[]}"#,
            r#"{"format":"nexus-journal/v1","dirs":[],"puts":[{"path":"a","temp":"b","backup":null}],"removals":[]}"#,
            r#"{"format":"nexus-journal/v1","dirs":[],"puts":[],"removals":[{"path":"a/x","backup":".x.nexus-old-1-0"}]}"#,
            r#"{"format":"nexus-journal/v9","dirs":[],"puts":[],"removals":[]}"#,
            r#"{"format":"nexus-journal/v2","staged":[{"path":"../x","temp":".x.nexus-tmp-1-0"}],"puts":[],"removals":[]}"#,
            r#"{"format":"nexus-journal/v2","staged":[{"path":"a/x","temp":"b/.x.nexus-tmp-1-0"}],"puts":[],"removals":[]}"#,
            r#"{"format":"nexus-journal/v2","staged":[{"path":"x","temp":"y"}],"puts":[],"removals":[]}"#,
            "{",
        ];
        for b in bad {
            std::fs::write(dir.path().join(JOURNAL_NAME), b).unwrap();
            assert!(Journal::load(dir.path(), JOURNAL_NAME).is_err(), "{b}");
        }
    }

    #[test]
    fn reads_the_journals_of_earlier_versions() {
        let dir = tempfile::tempdir().unwrap();
        let v1 = r#"{"format":"nexus-journal/v1","dirs":["a"],"puts":[{"path":"a/x","temp":"a/.x.nexus-tmp-1-0","backup":null}],"removals":[]}"#;
        std::fs::write(dir.path().join(JOURNAL_NAME), v1).unwrap();
        let j = Journal::load(dir.path(), JOURNAL_NAME).unwrap().unwrap();
        assert_eq!((j.dirs.len(), j.staged.len(), j.puts.len()), (1, 0, 1));
    }
}
