//! Early writeback: while a write stages its parts, a thread of its own asks the kernel to
//! write what is staged so far to disk, so that the `syncfs` before the commit finds
//! little left to wait for. It changes nothing about durability: the commit still syncs
//! everything before the first rename. A flush that fails is ignored here; the commit's
//! own sync reports the problem.
//!
//! The kernel does not write a new file's pages for up to 30 seconds unless asked, so
//! without this every byte a render writes is written to disk during the commit's
//! `syncfs`, with nothing else left to do on either core.

use std::path::Path;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::thread::JoinHandle;

/// How many bytes are staged between two flushes. Smaller writes (a whole platform of a
/// few hundred files) are synced once, at the commit, as before.
const FLUSH_BYTES: usize = 8 << 20;

/// The flushing thread of one write, started at its first [`FLUSH_BYTES`].
#[derive(Debug, Default)]
pub(crate) struct Flusher {
    /// Bytes staged since the last flush was asked for.
    pending: usize,
    running: Option<(SyncSender<()>, JoinHandle<()>)>,
}

impl Flusher {
    /// Notes `bytes` more staged under `root`; asks for a flush once [`FLUSH_BYTES`]
    /// have gathered. A flush already asked for and not started yet covers these too.
    pub(crate) fn staged(&mut self, root: &Path, bytes: usize) {
        self.pending += bytes;
        if self.pending < FLUSH_BYTES {
            return;
        }
        self.pending = 0;
        if self.running.is_none() {
            self.running = start(root);
        }
        if let Some((ask, _)) = &self.running {
            match ask.try_send(()) {
                Ok(()) | Err(TrySendError::Full(())) => {}
                Err(TrySendError::Disconnected(())) => self.running = None,
            }
        }
    }

    /// Waits for the flush under way, if any, and stops the thread.
    pub(crate) fn stop(&mut self) {
        if let Some((ask, thread)) = self.running.take() {
            drop(ask);
            // The thread only calls `syncfs`; a panic there is not this write's concern.
            let _ = thread.join();
        }
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The thread: one `syncfs` of `root`'s file system per request, one request waiting at
/// most. `None` where there is no `syncfs`, or when `root` cannot be opened.
#[cfg(target_os = "linux")]
fn start(root: &Path) -> Option<(SyncSender<()>, JoinHandle<()>)> {
    let dir = std::fs::File::open(root).ok()?;
    let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
    let thread = std::thread::Builder::new()
        .name("nexus-flush".into())
        .spawn(move || {
            for () in asked {
                let _ = rustix::fs::syncfs(&dir);
            }
        })
        .ok()?;
    Some((ask, thread))
}

#[cfg(not(target_os = "linux"))]
fn start(_root: &Path) -> Option<(SyncSender<()>, JoinHandle<()>)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_writes_start_no_thread_and_large_ones_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = Flusher::default();
        f.staged(dir.path(), FLUSH_BYTES - 1);
        assert!(f.running.is_none());
        f.staged(dir.path(), 1);
        assert_eq!(f.running.is_some(), cfg!(target_os = "linux"));
        assert_eq!(f.pending, 0);
        for _ in 0..5 {
            f.staged(dir.path(), FLUSH_BYTES);
        }
        f.stop();
        assert!(f.running.is_none());
    }

    #[test]
    fn a_missing_folder_is_no_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = Flusher::default();
        f.staged(&dir.path().join("absent"), FLUSH_BYTES);
        assert!(f.running.is_none());
    }
}
