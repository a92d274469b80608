//! Filling created files on threads beside the one that creates them (see
//! `Txn::write_temps`): what is handed over, how many threads take it, and what a filling
//! thread does.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::error::OutputError;

/// A created file's place in the write, the file, the bytes to fill it with, and its path
/// for errors.
pub(super) type Created<'a> = (usize, File, &'a [u8], PathBuf);

/// How many threads fill the files that `Txn::write_temps` creates, at most. One starts at
/// once; the second joins once filling has proved slow ([`Pace`]). Copying bytes into the
/// page cache takes no lock of the folder's, and where the host is slow to hand the guest
/// new pages it is most of a write: one filler then kept a core busy while the other core
/// idled. Where pages are cheap a second filler only burns CPU: the floor's 271 MB took
/// 514 ms on 870 ms of CPU with two, against 430 ms on 430 ms with one.
pub(super) const FILLERS: usize = 2;

/// The pace below which filling is slow, in bytes a second of the filler's own CPU time.
/// The page cache takes new pages at 1 to 3 GB/s when they are cheap. Where each new page
/// costs the host a fault (this project's virtual machine in its slow states) it takes
/// them at about 160 MB/s.
const SLOW_BYTES_PER_SECOND: u128 = 500_000_000;

/// How many bytes a filler writes before it judges its pace.
const SAMPLE_BYTES: u64 = 1 << 20;

/// Whether filling has proved slow in this write: set by the fillers, read by the thread
/// that creates the files, which then starts the second filler. It stays set for the rest
/// of the write, so that later parts start with both.
#[derive(Debug, Default)]
pub(super) struct Pace {
    slow: AtomicBool,
}

impl Pace {
    /// Whether filling has proved slow.
    pub(super) fn is_slow(&self) -> bool {
        self.slow.load(Ordering::Relaxed)
    }

    /// Notes that a filler wrote `bytes` in `cpu` of its own CPU time.
    fn note(&self, bytes: u64, cpu: Duration) {
        if bytes >= SAMPLE_BYTES
            && u128::from(bytes) * 1_000_000_000 < SLOW_BYTES_PER_SECOND * cpu.as_nanos()
        {
            self.slow.store(true, Ordering::Relaxed);
        }
    }
}

/// Fills the files taken from `created` until it closes; gives back the first failure, with
/// the file's place in the write. After a failure the rest are taken and left unfilled (the
/// write is rolled back), so that the creating side never waits on a full channel.
pub(super) fn fill(
    created: &Mutex<Receiver<Vec<Created<'_>>>>,
    pace: &Pace,
) -> Option<(usize, OutputError)> {
    let mut failed = None;
    let (mut bytes, mut cpu) = (0, Duration::ZERO);
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
        let start = thread_cpu_time();
        for (place, mut file, b, path) in batch {
            if failed.is_none() {
                match file.write_all(b) {
                    Ok(()) => bytes += b.len() as u64,
                    Err(e) => failed = Some((place, OutputError::io("write", &path, e))),
                }
            }
        }
        cpu += thread_cpu_time().saturating_sub(start);
        pace.note(bytes, cpu);
    }
    failed
}

/// The CPU time of the calling thread: its own work, not the time other threads had the
/// core. Elsewhere than Linux, the time since an arbitrary moment.
fn thread_cpu_time() -> Duration {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        Duration::new(
            u64::try_from(t.tv_sec).unwrap_or(0),
            u32::try_from(t.tv_nsec).unwrap_or(0),
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START.get_or_init(std::time::Instant::now).elapsed()
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::sync::mpsc::{TryRecvError, sync_channel};

    use super::*;

    #[test]
    fn filling_is_slow_below_500_mb_a_second_once_a_megabyte_is_written() {
        let ms = Duration::from_millis;
        let judged = |bytes, cpu| {
            let pace = Pace::default();
            pace.note(bytes, cpu);
            pace.is_slow()
        };
        // 160 MB/s, what a new page costs when the host must fault it in: slow.
        assert!(judged(16 << 20, ms(100)));
        // 2 GB/s: not slow.
        assert!(!judged(16 << 20, ms(8)));
        // Too little written to judge, however slowly.
        assert!(!judged(SAMPLE_BYTES - 1, ms(1_000)));
        // Once slow, slow for the rest of the write.
        let pace = Pace::default();
        pace.note(16 << 20, ms(100));
        pace.note(64 << 20, ms(101));
        assert!(pace.is_slow());
    }

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
        let (place, e) = fill(&created, &Pace::default()).expect("a file failed to fill");
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
