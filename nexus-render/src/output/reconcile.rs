//! Comparing an output plan with an output folder: for every rendered file, what is on disk
//! now; which owned files are stale; which files are foreign. Both the writer and check mode
//! start from this, so they cannot disagree about what a render would change.

use super::error::OutputError;
use super::manifest::{MANIFEST_NAME, Manifest, hash};
use super::scan::{Disk, Kind};
use super::scope::Scope;
use crate::plan::OutputPlan;

/// What is on disk at the path of a rendered file.
#[derive(Debug)]
pub(crate) enum OnDisk {
    /// Nothing.
    Absent,
    /// Exactly the rendered bytes (owned, or foreign and now adopted).
    Same {
        /// Whether the manifest did not list it.
        adopted: bool,
    },
    /// A file nexus wrote, unchanged since: safe to replace.
    Owned(Vec<u8>),
    /// A file nexus wrote but someone edited since.
    Edited(Vec<u8>),
    /// A file nexus did not write, with other bytes.
    Foreign(Vec<u8>),
    /// Something that is not a regular file, here or on the way (a link, a folder, a file
    /// where a folder must be).
    Blocked(OutputError),
}

/// A rendered file and what it would replace.
#[derive(Debug)]
pub(crate) struct Planned<'p> {
    pub(crate) path: &'p str,
    pub(crate) bytes: &'p [u8],
    pub(crate) on_disk: OnDisk,
}

/// An owned file that is no longer rendered.
#[derive(Debug)]
pub(crate) enum Stale {
    /// Unchanged since nexus wrote it: removed by a write.
    Intact(String, Vec<u8>),
    /// Edited since: a write keeps it and disowns it.
    Edited(String, Vec<u8>),
    /// No longer a regular file: left alone and disowned.
    NotAFile(String),
}

/// The comparison.
#[derive(Debug)]
pub(crate) struct Reconciled<'p> {
    pub(crate) planned: Vec<Planned<'p>>,
    pub(crate) stale: Vec<Stale>,
    /// Entries in scope that are neither rendered nor owned.
    pub(crate) foreign: Vec<String>,
    /// The manifest after a successful write.
    pub(crate) manifest: Manifest,
}

/// Compares `plan` with `disk` within `scope`.
pub(crate) fn reconcile<'p>(
    plan: &'p OutputPlan,
    disk: &Disk,
    scope: &Scope,
) -> Result<Reconciled<'p>, OutputError> {
    let old = disk.manifest();
    let mut planned = Vec::with_capacity(plan.len());
    for (path, bytes) in plan.files() {
        if !scope.contains(path) || path == MANIFEST_NAME {
            return Err(OutputError::OutOfScope(path.to_owned()));
        }
        let on_disk = on_disk(disk, old, path, bytes)?;
        planned.push(Planned {
            path,
            bytes,
            on_disk,
        });
    }

    let mut stale = Vec::new();
    let mut manifest = Manifest::new();
    for (path, h) in old.entries() {
        if !scope.contains(path) {
            manifest.insert_hash(path, h);
            continue;
        }
        if plan.get(path).is_some() {
            continue;
        }
        match disk.kind(path) {
            None => {}
            Some(Kind::File) => {
                let before = disk.read(path)?;
                if hash(&before) == h {
                    stale.push(Stale::Intact(path.to_owned(), before));
                } else {
                    stale.push(Stale::Edited(path.to_owned(), before));
                }
            }
            Some(_) => stale.push(Stale::NotAFile(path.to_owned())),
        }
    }
    for (path, bytes) in plan.files() {
        manifest.insert(path, bytes);
    }

    let foreign = disk
        .non_folders()
        .filter(|(p, _)| {
            *p != MANIFEST_NAME
                && scope.contains(p)
                && plan.get(p).is_none()
                && old.get(p).is_none()
        })
        .map(|(p, _)| p.to_owned())
        .collect();

    Ok(Reconciled {
        planned,
        stale,
        foreign,
        manifest,
    })
}

pub(crate) fn on_disk(
    disk: &Disk,
    old: &Manifest,
    path: &str,
    bytes: &[u8],
) -> Result<OnDisk, OutputError> {
    // Every folder on the way must be a real folder or not exist yet.
    let mut end = 0;
    while let Some(i) = path[end..].find('/') {
        let dir = &path[..end + i];
        match disk.kind(dir) {
            None | Some(Kind::Dir) => {}
            Some(Kind::Symlink) => {
                return Ok(OnDisk::Blocked(OutputError::Symlink {
                    path: disk.root().join(dir),
                }));
            }
            Some(k) => {
                return Ok(OnDisk::Blocked(OutputError::InTheWay {
                    path: disk.root().join(dir),
                    what: format!("nexus needs a folder here but found {}", k.describe()),
                }));
            }
        }
        end += i + 1;
    }
    Ok(match disk.kind(path) {
        None => OnDisk::Absent,
        Some(Kind::File) => {
            let before = disk.read(path)?;
            let owned = old.get(path);
            if before == bytes {
                OnDisk::Same {
                    adopted: owned.is_none(),
                }
            } else if owned.is_none() {
                OnDisk::Foreign(before)
            } else if owned == Some(hash(&before).as_str()) {
                OnDisk::Owned(before)
            } else {
                OnDisk::Edited(before)
            }
        }
        Some(Kind::Symlink) => OnDisk::Blocked(OutputError::Symlink {
            path: disk.root().join(path),
        }),
        Some(k) => OnDisk::Blocked(OutputError::InTheWay {
            path: disk.root().join(path),
            what: format!("nexus renders a file here but found {}", k.describe()),
        }),
    })
}
