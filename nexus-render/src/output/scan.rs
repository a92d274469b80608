//! Reading an output folder as it is, without following any symbolic link.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::OutputError;
use super::journal::is_leftover;
use super::lock::LOCK_NAME;
use super::manifest::{MANIFEST_NAME, Manifest};
use super::readback;

/// Deepest folder nesting walked; deeper trees are an error rather than a stack risk.
const MAX_DEPTH: usize = 64;

/// What a path in the output folder is, as `lstat` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A regular file.
    File,
    /// A real folder.
    Dir,
    /// A symbolic link (never followed).
    Symlink,
    /// A socket, device or FIFO.
    Other,
}

impl Kind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::File => "a file nexus did not write",
            Kind::Dir => "a folder",
            Kind::Symlink => "a symbolic link",
            Kind::Other => "a special file",
        }
    }
}

/// The output folder as found: every entry by relative `/`-path, and the manifest.
#[derive(Debug)]
pub(crate) struct Disk {
    root: PathBuf,
    entries: BTreeMap<String, Kind>,
    /// Regular files named like a temporary, backup or journal of an interrupted write,
    /// and folders named like a staged folder, sorted (not in `entries`; nothing inside a
    /// staged folder is listed).
    leftovers: Vec<String>,
    manifest: Manifest,
    manifest_bytes: Option<Vec<u8>>,
}

impl Disk {
    /// Scans `root`. A missing root is an empty folder; a root that is not a folder is an
    /// error. The root itself may be a link (the caller chose it); nothing inside it is
    /// followed.
    pub(crate) fn scan(root: &Path) -> Result<Disk, OutputError> {
        let mut disk = Disk {
            root: root.to_path_buf(),
            entries: BTreeMap::new(),
            leftovers: Vec::new(),
            manifest: Manifest::new(),
            manifest_bytes: None,
        };
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(OutputError::InTheWay {
                    path: root.to_path_buf(),
                    what: "the output folder is not a folder".into(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(disk),
            Err(e) => return Err(OutputError::io("read", root, e)),
        }
        walk(root, "", 0, &mut disk.entries)?;
        // The lock file is the lock's business (see `lock.rs`), not the folder's content.
        disk.entries.remove(LOCK_NAME);
        disk.entries.retain(|rel, kind| {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            if matches!(kind, Kind::File | Kind::Dir) && is_leftover(name) {
                disk.leftovers.push(rel.clone());
                false
            } else {
                true
            }
        });
        match disk.entries.get(MANIFEST_NAME) {
            None => {}
            Some(Kind::File) => {
                let bytes = disk.read(MANIFEST_NAME)?;
                disk.manifest =
                    Manifest::parse(&bytes).map_err(|message| OutputError::Manifest {
                        path: root.join(MANIFEST_NAME),
                        message,
                    })?;
                disk.manifest_bytes = Some(bytes);
            }
            Some(k) => {
                return Err(OutputError::Manifest {
                    path: root.join(MANIFEST_NAME),
                    message: format!("it is {}", k.describe()),
                });
            }
        }
        Ok(disk)
    }

    /// The folder scanned.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// What is at `rel`.
    pub(crate) fn kind(&self, rel: &str) -> Option<Kind> {
        self.entries.get(rel).copied()
    }

    /// Files left by an interrupted write, sorted.
    pub(crate) fn leftovers(&self) -> &[String] {
        &self.leftovers
    }

    /// The manifest found (empty when there is none).
    pub(crate) fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The manifest's bytes as found.
    pub(crate) fn manifest_bytes(&self) -> Option<&[u8]> {
        self.manifest_bytes.as_deref()
    }

    /// Every entry that is not a folder, sorted.
    pub(crate) fn non_folders(&self) -> impl Iterator<Item = (&str, Kind)> {
        self.entries
            .iter()
            .filter(|(_, k)| **k != Kind::Dir)
            .map(|(p, k)| (p.as_str(), *k))
    }

    /// The bytes of the regular file at `rel` (never through a link, even one that appeared
    /// since the scan).
    pub(crate) fn read(&self, rel: &str) -> Result<Vec<u8>, OutputError> {
        readback::read(&self.root.join(rel))
    }

    /// `None` when the regular file at `rel` holds exactly `bytes`; otherwise its bytes, as
    /// [`read`](Disk::read) gives them. A matching file is compared a slice at a time, never
    /// held whole.
    pub(crate) fn differing(
        &self,
        rel: &str,
        bytes: &[u8],
    ) -> Result<Option<Vec<u8>>, OutputError> {
        readback::differing(&self.root.join(rel), bytes)
    }
}

fn walk(
    dir: &Path,
    prefix: &str,
    depth: usize,
    out: &mut BTreeMap<String, Kind>,
) -> Result<(), OutputError> {
    if depth > MAX_DEPTH {
        return Err(OutputError::InTheWay {
            path: dir.to_path_buf(),
            what: format!("folders nest deeper than {MAX_DEPTH} levels"),
        });
    }
    let entries = std::fs::read_dir(dir).map_err(|e| OutputError::io("list", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| OutputError::io("list", dir, e))?;
        let ty = entry
            .file_type()
            .map_err(|e| OutputError::io("read", entry.path(), e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let leftover = is_leftover(&name);
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let kind = if ty.is_symlink() {
            Kind::Symlink
        } else if ty.is_dir() {
            Kind::Dir
        } else if ty.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        // A folder left staged by an interrupted write is a leftover as a whole.
        if kind == Kind::Dir && !leftover {
            walk(&entry.path(), &rel, depth + 1, out)?;
        }
        out.insert(rel, kind);
    }
    Ok(())
}
