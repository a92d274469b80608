//! Filling created files on threads beside the one that creates them (see
//! `Txn::write_temps`): what is handed over, how many threads take it, and what a filling
//! thread does.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::{Mutex, PoisonError};

use super::error::OutputError;

/// A created file's place in the write, the file, the bytes to fill it with, and its path
/// for errors.
pub(super) type Created<'a> = (usize, File, &'a [u8], PathBuf);

/// How many threads fill the files that `Txn::write_temps` creates. Copying bytes into
/// the page cache takes no lock of the folder's, and where the host is slow to hand the
/// guest new pages it is most of a write: one filler kept a core busy while the other
/// core idled.
pub(super) const FILLERS: usize = 2;

/// Fills the files taken from `created` until it closes; gives back the first failure, with
/// the file's place in the write. After a failure the rest are taken and left unfilled (the
/// write is rolled back), so that the creating side never waits on a full channel.
pub(super) fn fill(created: &Mutex<Receiver<Vec<Created<'_>>>>) -> Option<(usize, OutputError)> {
    let mut failed = None;
    // The lock is held while waiting: one filler waits on the channel, the other on the
    // lock. A filler that panicked is reported by its join; the other goes on.
    loop {
        // A statement of its own, so that the lock is let go before the batch is filled.
        let taken = created
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok(batch) = taken else {
            break;
        };
        for (place, mut file, bytes, path) in batch {
            if failed.is_none()
                && let Err(e) = file.write_all(bytes)
            {
                failed = Some((place, OutputError::io("write", &path, e)));
            }
        }
    }
    failed
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::sync::mpsc::{TryRecvError, sync_channel};

    use super::*;

    #[test]
    fn a_filler_reports_its_first_failure_and_takes_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        // A file opened for reading cannot be filled.
        let unwritable = |name: &str| {
            fs::write(path(name), "").unwrap();
            File::open(path(name)).unwrap()
        };
        let (batches, created) = sync_channel::<Vec<Created<'_>>>(3);
        batches
            .send(vec![(0, File::create(path("a")).unwrap(), b"a", path("a"))])
            .unwrap();
        batches
            .send(vec![
                (3, unwritable("d"), b"d", path("d")),
                (5, unwritable("f"), b"f", path("f")),
            ])
            .unwrap();
        batches
            .send(vec![(6, File::create(path("g")).unwrap(), b"g", path("g"))])
            .unwrap();
        drop(batches);
        let created = Mutex::new(created);
        let (place, e) = fill(&created).expect("a file failed to fill");
        assert_eq!(place, 3);
        assert!(
            matches!(&e, OutputError::Io { action: "write", path: p, .. } if *p == path("d")),
            "{e:?}"
        );
        assert_eq!(fs::read(path("a")).unwrap(), b"a");
        // Taken, but not filled once a file had failed.
        assert_eq!(fs::read(path("g")).unwrap(), b"");
        let rest = created.lock().unwrap().try_recv();
        assert!(matches!(rest, Err(TryRecvError::Disconnected)));
    }
}
