//! Comparing a rendered file with an output folder: what is on disk at its path now. Both
//! the writer ([`super::Writer`]) and check mode ([`super::Checker`]) start from this, so
//! they cannot disagree about what a render would change.

use rayon::prelude::*;

use super::error::OutputError;
use super::manifest::{Manifest, hash};
use super::scan::{Disk, Kind};
use crate::plan::OutputPlan;

/// One rendered file of a part, examined: what [`on_disk`] found at its path (as the
/// caller chose to keep it) and the hash the manifest will record.
pub(crate) struct Examined<'p, T> {
    pub(crate) path: &'p str,
    pub(crate) bytes: &'p [u8],
    pub(crate) found: T,
    pub(crate) hash: String,
}

/// Examines every file of `part` on every core, in the part's order. Reading back and
/// hashing thousands of files is most of what a check or a re-render does, and each file
/// is independent. `keep` turns what was found into what the caller holds on to (a writer
/// drops the old bytes at once; a check keeps them for its report).
pub(crate) fn examine<'p, T: Send>(
    disk: &Disk,
    part: &'p OutputPlan,
    keep: impl Fn(Result<OnDisk, OutputError>) -> T + Sync,
) -> Vec<Examined<'p, T>> {
    let files: Vec<(&str, &[u8])> = part.files().collect();
    files
        .into_par_iter()
        .map(|(path, bytes)| Examined {
            path,
            bytes,
            found: keep(on_disk(disk, disk.manifest(), path, bytes)),
            hash: hash(bytes),
        })
        .collect()
}

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

/// What is on disk at `path`, where `bytes` are rendered: every folder on the way must be
/// a real folder or not exist yet; `old` is the manifest found (who owns what).
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
            let owned = old.get(path);
            let Some(before) = disk.differing(path, bytes)? else {
                return Ok(OnDisk::Same {
                    adopted: owned.is_none(),
                });
            };
            if owned.is_none() {
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
