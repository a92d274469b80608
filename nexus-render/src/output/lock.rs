//! The output folder's advisory lock, so two renders into one folder never interleave.
//!
//! A writer holds an exclusive lock on `<out>/.nexus-lock` (which names its process id)
//! from before its first read of the folder until after its last rename, then removes the
//! file. A check holds a shared lock while it reads, so it never sees a write half-done.
//! A lock file left by a process that died is harmless: the operating system released its
//! lock with the process; the next render takes it and removes it, and a check reports it.
//!
//! Removing a lock file races with a process that opened it and waits: that process could
//! lock a file no longer in the folder. So after locking, the file's identity is compared
//! with what the path names now, and the lock is taken again when they differ.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::error::OutputError;

/// The lock file's name, at the root of the output folder.
pub const LOCK_NAME: &str = ".nexus-lock";

/// How long a render waits for another one on the same folder, unless told otherwise.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(10);

/// How often a waiting render tries the lock again.
const POLL: Duration = Duration::from_millis(25);

/// A held lock; released (and, for a writer, the file removed) when dropped.
#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
    file: Option<File>,
    exclusive: bool,
    /// Folders created to hold the lock file, outermost first; removed on release when
    /// they are empty (a write that failed leaves no folder behind).
    created: Vec<PathBuf>,
}

impl Lock {
    /// The writer's lock on `root`, creating `root` when it is missing.
    pub(crate) fn exclusive(root: &Path, wait: Duration) -> Result<Lock, OutputError> {
        refuse_non_folder(root)?;
        let created = create_folders(root)?;
        let mut lock = Lock {
            path: root.join(LOCK_NAME),
            file: None,
            exclusive: true,
            created,
        };
        let deadline = Instant::now() + wait;
        loop {
            refuse_special(&lock.path)?;
            let file = open(&lock.path, true)?;
            take(&file, &lock.path, true, deadline, wait)?;
            if same_file(&file, &lock.path) {
                write_pid(&file).map_err(|e| OutputError::io("write", &lock.path, e))?;
                lock.file = Some(file);
                return Ok(lock);
            }
        }
    }

    /// A reader's lock on `root`: `None` when there is no lock file (no writer is at work,
    /// as a writer creates it before reading). `Some` means a lock file exists that no
    /// writer holds: left by a process that died.
    pub(crate) fn shared(root: &Path, wait: Duration) -> Result<Option<Lock>, OutputError> {
        refuse_non_folder(root)?;
        let path = root.join(LOCK_NAME);
        let deadline = Instant::now() + wait;
        loop {
            match std::fs::symlink_metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(OutputError::io("read", &path, e)),
                Ok(_) => refuse_special(&path)?,
            }
            let file = match open(&path, false) {
                Err(OutputError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    return Ok(None);
                }
                other => other?,
            };
            take(&file, &path, false, deadline, wait)?;
            if same_file(&file, &path) {
                return Ok(Some(Lock {
                    path,
                    file: Some(file),
                    exclusive: false,
                    created: Vec::new(),
                }));
            }
        }
    }

    /// Releases the lock as a killed process would: the lock file stays. For tests that
    /// simulate a crash.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn abandon(mut self) {
        self.file = None;
        self.exclusive = false;
        self.created.clear();
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self.exclusive && self.file.is_some() {
            // Removed while still locked, so no other process can lock this file and
            // believe it holds the folder (see the module docs).
            let _ = std::fs::remove_file(&self.path);
        }
        self.file = None;
        for dir in self.created.iter().rev() {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
}

/// An output folder that exists but is not a folder (the user named it: a link to a
/// folder is fine).
fn refuse_non_folder(root: &Path) -> Result<(), OutputError> {
    match std::fs::metadata(root) {
        Ok(m) if !m.is_dir() => Err(OutputError::InTheWay {
            path: root.to_path_buf(),
            what: "the output folder is not a folder".into(),
        }),
        _ => Ok(()),
    }
}

/// Creates `root` and missing parents, returning those created, outermost first.
fn create_folders(root: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let mut missing = Vec::new();
    let mut p = root.to_path_buf();
    while !p.as_os_str().is_empty() && std::fs::symlink_metadata(&p).is_err() {
        missing.push(p.clone());
        if !p.pop() {
            break;
        }
    }
    let mut created = Vec::new();
    for d in missing.into_iter().rev() {
        match std::fs::create_dir(&d) {
            Ok(()) => created.push(d),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                for c in created.iter().rev() {
                    let _ = std::fs::remove_dir(c);
                }
                return Err(OutputError::io("create the folder", &d, e));
            }
        }
    }
    Ok(created)
}

/// A lock file that is a link, folder or device is refused, never opened.
fn refuse_special(path: &Path) -> Result<(), OutputError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(OutputError::Symlink {
            path: path.to_path_buf(),
        }),
        Ok(m) if !m.file_type().is_file() => Err(OutputError::InTheWay {
            path: path.to_path_buf(),
            what: "nexus keeps its lock file here but found something else".into(),
        }),
        _ => Ok(()),
    }
}

fn open(path: &Path, write: bool) -> Result<File, OutputError> {
    let mut options = OpenOptions::new();
    options.read(true);
    if write {
        options.write(true).create(true).truncate(false);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never through a link, even one that appeared since `refuse_special` looked.
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options
        .open(path)
        .map_err(|e| OutputError::io("open the lock file", path, e))
}

/// Locks `file`, trying again until `deadline`.
fn take(
    file: &File,
    path: &Path,
    exclusive: bool,
    deadline: Instant,
    wait: Duration,
) -> Result<(), OutputError> {
    loop {
        let attempt = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match attempt {
            Ok(()) => return Ok(()),
            // A file system without locks: nothing to wait for.
            Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                return Ok(());
            }
            Err(TryLockError::Error(e)) => return Err(OutputError::io("lock", path, e)),
            Err(TryLockError::WouldBlock) => {
                let now = Instant::now();
                if now >= deadline {
                    return Err(OutputError::Locked {
                        path: path.to_path_buf(),
                        holder: holder(file),
                        waited: wait.as_secs_f64(),
                    });
                }
                std::thread::sleep(POLL.min(deadline - now));
            }
        }
    }
}

/// Who holds the lock, as its file says.
fn holder(file: &File) -> String {
    let mut text = String::new();
    let mut reader = file;
    let _ = reader.rewind();
    let _ = reader.take(64).read_to_string(&mut text);
    match text.trim().parse::<u32>() {
        Ok(pid) => format!("process {pid}"),
        Err(_) => "another process".to_owned(),
    }
}

fn write_pid(mut file: &File) -> std::io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())
}

/// Whether `path` still names the open `file` (not a file that replaced it).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}
