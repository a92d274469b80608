//! Reading an input file with bounds: only a regular file (or a link to one) is opened, and
//! never more than the limit plus one byte is read, so a FIFO, a device, a folder or a file
//! that grows while it is read cannot hang nexus or exhaust its memory.

use std::io::Read;
use std::path::Path;

/// Reads at most `max + 1` bytes of the regular file at `path` (the extra byte lets the
/// caller say "too large" with its own diagnostic). A path that is not a regular file, or
/// a link to nothing, is an error saying what it is; a file larger than `max` by its size
/// is refused before anything is read.
///
/// ```
/// let dir = std::env::temp_dir();
/// let err = nexus_spec::load::read_bounded(&dir, 100).unwrap_err();
/// assert!(err.to_string().contains("a folder"));
/// ```
pub fn read_bounded(path: &Path, max: usize) -> std::io::Result<Vec<u8>> {
    let meta = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && path.is_symlink() => {
            return Err(not_regular("a symbolic link to nothing"));
        }
        other => other?,
    };
    check_kind(&meta)?;
    let file = std::fs::File::open(path)?;
    // Again on the open file: the path may have changed since it was looked at.
    let meta = file.metadata()?;
    check_kind(&meta)?;
    let limit = max as u64;
    if meta.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "it is {} bytes, more than the limit of {limit} bytes",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn check_kind(meta: &std::fs::Metadata) -> std::io::Result<()> {
    let ty = meta.file_type();
    if ty.is_file() {
        return Ok(());
    }
    Err(not_regular(if ty.is_dir() {
        "a folder"
    } else {
        special(&ty)
    }))
}

#[cfg(unix)]
fn special(ty: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ty.is_fifo() {
        "a FIFO (named pipe)"
    } else if ty.is_char_device() || ty.is_block_device() {
        "a device"
    } else if ty.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special(_ty: &std::fs::FileType) -> &'static str {
    "a special file"
}

fn not_regular(what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("it is {what}, not a regular file; nexus reads only regular files"),
    )
}
