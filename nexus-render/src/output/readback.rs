//! Reading a file of the output folder back: whole, or compared with rendered bytes a
//! slice at a time. Never through a symbolic link, never blocking on a FIFO, even when one
//! took the place of a file after the folder was scanned.
//!
//! A re-render and a check read back every rendered file that is on disk, and nearly all
//! of them match. Compared a slice at a time, a matching file is never held in memory:
//! no buffer the size of the file is allocated (and faulted in) for each of thousands of
//! files, and each slice is compared while it is still in the processor's cache.

use std::cell::RefCell;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use super::error::OutputError;

/// Largest file nexus reads back (rendered files are far smaller).
const MAX_READ: u64 = 256 << 20;
/// The slice a comparison reads at a time: most rendered files fit in one.
const SLICE: usize = 64 << 10;

thread_local! {
    /// Each thread's slice, made once: a fresh one per file would be zeroed per file.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The bytes of the regular file at `path`, at most [`MAX_READ`] of them.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, OutputError> {
    let (file, _) = open_regular(path)?;
    read_rest(file, Vec::new()).map_err(|e| OutputError::io("read", path, e))
}

/// `None` when the regular file at `path` holds exactly `bytes`; otherwise its bytes, as
/// [`read`] gives them.
pub(crate) fn differing(path: &Path, bytes: &[u8]) -> Result<Option<Vec<u8>>, OutputError> {
    let (file, len) = open_regular(path)?;
    let failed = |e| OutputError::io("read", path, e);
    if usize::try_from(len).ok() != Some(bytes.len()) {
        return read_rest(file, Vec::new()).map(Some).map_err(failed);
    }
    BUFFER
        .with_borrow_mut(|buffer| compare(file, bytes, buffer))
        .map_err(failed)
}

/// Reads `file` a slice at a time into `buffer`, comparing with `bytes`; at the first
/// difference, reads the rest and gives the whole file. The length found when the file was
/// opened is not trusted: a file that grew or shrank since differs.
fn compare(mut file: File, bytes: &[u8], buffer: &mut Vec<u8>) -> std::io::Result<Option<Vec<u8>>> {
    buffer.resize(SLICE, 0);
    let mut at = 0;
    loop {
        let n = match file.read(buffer) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let slice = &buffer[..n];
        if n == 0 {
            // The end: the file is `bytes`, or the part of it read so far.
            return Ok((at != bytes.len()).then(|| bytes[..at].to_vec()));
        }
        if bytes.get(at..at + n) != Some(slice) {
            let mut before = Vec::with_capacity(at + n);
            before.extend_from_slice(&bytes[..at]);
            before.extend_from_slice(slice);
            return read_rest(file, before).map(Some);
        }
        at += n;
    }
}

/// `before` (the file's first bytes, read already) and the rest of `file`, at most
/// [`MAX_READ`] bytes in all.
fn read_rest(file: File, mut before: Vec<u8>) -> std::io::Result<Vec<u8>> {
    let room = MAX_READ.saturating_sub(before.len() as u64);
    file.take(room).read_to_end(&mut before)?;
    Ok(before)
}

/// Opens the regular file at `path` for reading; gives it with its length.
fn open_regular(path: &Path) -> Result<(File, u64), OutputError> {
    let not_regular = || OutputError::InTheWay {
        path: path.to_path_buf(),
        what: "it stopped being a regular file while nexus worked".into(),
    };
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        // One lookup of the path: the open itself refuses a link, does not wait for a
        // FIFO's writer, and the open file is asked what it is.
        let flags = OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY;
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags.bits() as i32)
            .open(path)
        {
            Ok(file) => file,
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                return Err(not_regular());
            }
            Err(e) => return Err(OutputError::io("read", path, e)),
        };
        let meta = file
            .metadata()
            .map_err(|e| OutputError::io("read", path, e))?;
        if !meta.is_file() {
            return Err(not_regular());
        }
        Ok((file, meta.len()))
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Asked first, so that nothing but a regular file is opened.
        let meta = std::fs::symlink_metadata(path).map_err(|e| OutputError::io("read", path, e))?;
        if !meta.file_type().is_file() {
            return Err(not_regular());
        }
        let file = File::open(path).map_err(|e| OutputError::io("read", path, e))?;
        Ok((file, meta.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    /// Bytes over several slices, no two slices alike.
    fn long() -> Vec<u8> {
        (0..SLICE * 3 + 17).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn a_matching_file_is_not_read_whole() {
        for bytes in [Vec::new(), b"kind: Service\n".to_vec(), long()] {
            let (_dir, path) = file(&bytes);
            assert_eq!(differing(&path, &bytes).unwrap(), None);
        }
    }

    #[test]
    fn a_differing_file_is_given_whole_wherever_it_differs() {
        let rendered = long();
        let mut cases = Vec::new();
        for at in [0, SLICE - 1, SLICE, 2 * SLICE + 5, rendered.len() - 1] {
            let mut other = rendered.clone();
            other[at] ^= 0xFF;
            cases.push(other);
        }
        cases.push(rendered[..SLICE].to_vec()); // shorter
        cases.push([rendered.as_slice(), b"more"].concat()); // longer
        cases.push(Vec::new());
        for on_disk in cases {
            let (_dir, path) = file(&on_disk);
            assert_eq!(differing(&path, &rendered).unwrap(), Some(on_disk.clone()));
            assert_eq!(read(&path).unwrap(), on_disk);
        }
    }

    #[test]
    fn a_file_that_changed_length_since_it_was_opened_differs() {
        // `compare` is handed the open file: what it reads decides, not the length asked
        // for when it was opened.
        let rendered = long();
        for on_disk in [&rendered[..SLICE + 3], &rendered[..0]] {
            let (_dir, path) = file(on_disk);
            let mut buffer = Vec::new();
            let found = compare(File::open(&path).unwrap(), &rendered, &mut buffer).unwrap();
            assert_eq!(found.as_deref(), Some(on_disk));
        }
        let (_dir, path) = file(&[rendered.as_slice(), b"x"].concat());
        let found = compare(File::open(&path).unwrap(), &rendered, &mut Vec::new()).unwrap();
        assert_eq!(found.map(|b| b.len()), Some(rendered.len() + 1));
    }

    #[cfg(unix)]
    #[test]
    fn links_folders_and_fifos_are_not_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("target"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("target"), dir.path().join("link")).unwrap();
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let mut names = vec!["link", "folder"];
        if made.is_ok_and(|s| s.success()) {
            names.push("fifo"); // opened without waiting for a writer
        }
        for name in names {
            let path = dir.path().join(name);
            for result in [read(&path).map(drop), differing(&path, b"x").map(drop)] {
                match result {
                    Err(OutputError::InTheWay { what, .. }) => {
                        assert!(
                            what.contains("stopped being a regular file"),
                            "{name}: {what}"
                        )
                    }
                    other => panic!("{name}: {other:?}"),
                }
            }
        }
    }
}
