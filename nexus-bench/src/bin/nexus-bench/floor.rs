//! What this machine charges for a fresh render's files alone: the same folders and files,
//! with the same bytes, created and filled in a new folder with nothing rendered. No
//! renderer that writes those files can take less, so when this floor is above a target,
//! the target is out of reach on this machine, whatever nexus does.
//!
//! It is the lower bound of the writing, not all of it: it does not sync (nexus's
//! `syncfs` overlaps rendering through early writeback) and writes each file with one
//! call, from memory read beforehand. It creates and fills as nexus's writer does: one
//! thread creates the files in order and hands them over in batches to one that fills
//! them, and to a second once filling has proved slow. Its figures move with the
//! machine's state: on the project's virtual machine a page of new file cache costs the
//! host a fault of its own, and `docs/performance.md` shows the same 160 MB taking
//! 0.05 s or 1 s.
//!
//! `nexus-bench floor SRC DEST` copies the tree SRC (a rendered folder) into DEST, which
//! must not exist, and prints the wall and CPU milliseconds of the writing.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::ms;

/// A folder's contents, read into memory: folders (outermost first) and files, by
/// relative path, in sorted order.
#[derive(Default)]
pub(crate) struct Tree {
    dirs: Vec<PathBuf>,
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Tree {
    /// Reads every folder and regular file under `root`.
    pub(crate) fn read(root: &Path) -> Result<Tree, String> {
        let mut tree = Tree::default();
        let mut pending = vec![PathBuf::new()];
        while let Some(rel) = pending.pop() {
            let mut entries: Vec<_> = fs::read_dir(root.join(&rel))
                .and_then(|d| d.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("{}: {e}", root.join(&rel).display()))?;
            entries.sort_by_key(|e| e.file_name());
            for entry in entries.iter().rev() {
                let path = rel.join(entry.file_name());
                let ty = entry.file_type().map_err(|e| e.to_string())?;
                if ty.is_dir() {
                    tree.dirs.push(path.clone());
                    pending.push(path);
                } else if ty.is_file() {
                    let bytes = fs::read(entry.path())
                        .map_err(|e| format!("{}: {e}", entry.path().display()))?;
                    tree.files.push((path, bytes));
                }
            }
        }
        tree.files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(tree)
    }

    /// How many files, and their bytes.
    pub(crate) fn size(&self) -> (usize, usize) {
        (
            self.files.len(),
            self.files.iter().map(|(_, b)| b.len()).sum(),
        )
    }

    /// Creates `dest` and writes the tree into it; the wall time it took. Like nexus's
    /// writer, this thread creates the files in order while one thread fills them, and a
    /// second once filling has gone slower than [`SLOW_BYTES_PER_SECOND`].
    pub(crate) fn write(&self, dest: &Path) -> Result<Duration, String> {
        let start = Instant::now();
        fs::create_dir(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        for dir in &self.dirs {
            let path = dest.join(dir);
            fs::create_dir(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let slow = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let (batches, created) = mpsc::sync_channel::<Vec<Created<'_>>>(4);
            let created = Arc::new(Mutex::new(created));
            let handle = Arc::downgrade(&created);
            let slow = &slow;
            let mut fillers = vec![scope.spawn(move || fill(&created, slow))];
            let mut batch = Vec::new();
            let mut batch_bytes = 0;
            let creating = self.files.iter().try_for_each(|(rel, bytes)| {
                let path = dest.join(rel);
                let file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                batch.push((file, bytes.as_slice(), path));
                batch_bytes += bytes.len();
                if batch.len() < BATCH_FILES && batch_bytes < BATCH_BYTES {
                    return Ok(());
                }
                batch_bytes = 0;
                if fillers.len() < FILLERS
                    && slow.load(Ordering::Relaxed)
                    && let Some(created) = handle.upgrade()
                {
                    fillers.push(scope.spawn(move || fill(&created, slow)));
                }
                batches
                    .send(std::mem::take(&mut batch))
                    .map_err(|_| "the filling threads stopped".to_owned())
            });
            let _ = batches.send(batch);
            drop(batches);
            for filler in fillers {
                filler
                    .join()
                    .map_err(|_| "a filling thread panicked".to_owned())??;
            }
            creating
        })?;
        Ok(start.elapsed())
    }
}

/// How the floor hands files over, as nexus's writer does
/// (`nexus-render/src/output/fill.rs` and `batch.rs`), so that the floor is written the way
/// a render is: at most this many filling threads, the second once filling is slower than
/// this many bytes a second after a sample of this many bytes, and batches of this many
/// files or bytes, whichever comes first. The writer judges the pace by its filler's CPU
/// time; the floor renders nothing beside its fillers, so it uses their wall time.
const FILLERS: usize = 2;
const SLOW_BYTES_PER_SECOND: u128 = 500_000_000;
const SAMPLE_BYTES: u64 = 1 << 20;
const BATCH_FILES: usize = 32;
const BATCH_BYTES: usize = 256 << 10;

/// A created file, the bytes to fill it with, and its path for errors.
type Created<'a> = (File, &'a [u8], PathBuf);

/// Fills the files taken from `created` until it closes; sets `slow` once it has filled
/// slower than [`SLOW_BYTES_PER_SECOND`].
fn fill(created: &Mutex<Receiver<Vec<Created<'_>>>>, slow: &AtomicBool) -> Result<(), String> {
    let (mut bytes, mut busy) = (0u64, Duration::ZERO);
    loop {
        let taken = created.lock().map_err(|e| e.to_string())?.recv();
        let Ok(batch) = taken else {
            return Ok(());
        };
        let start = Instant::now();
        for (mut file, b, path) in batch {
            file.write_all(b)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            bytes += b.len() as u64;
        }
        busy += start.elapsed();
        if bytes >= SAMPLE_BYTES
            && u128::from(bytes) * 1_000_000_000 < SLOW_BYTES_PER_SECOND * busy.as_nanos()
        {
            slow.store(true, Ordering::Relaxed);
        }
    }
}

/// `nexus-bench floor SRC DEST`: prints `WALL_MS CPU_MS FILES BYTES` of writing SRC's tree
/// into DEST (CPU `-` where `/proc/self/stat` is not there).
pub(crate) fn command(args: &[String]) -> Result<(), String> {
    let [src, dest] = args else {
        return Err("usage: nexus-bench floor SRC DEST".to_owned());
    };
    let tree = Tree::read(Path::new(src))?;
    let cpu_before = cpu_time();
    let wall = tree.write(Path::new(dest))?;
    let cpu = cpu_before
        .zip(cpu_time())
        .map_or("-".to_owned(), |(a, b)| format!("{:.0}", ms(b - a)));
    let (files, bytes) = tree.size();
    println!("{:.1} {cpu} {files} {bytes}", ms(wall));
    Ok(())
}

/// The user and system time of this process so far, from `/proc/self/stat` (in clock
/// ticks of 10 ms: Linux fixes `USER_HZ` at 100 for user space).
fn cpu_time() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its `)` are fixed.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_writes_the_same_tree_and_refuses_an_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        fs::create_dir_all(src.join("staging/k8s")).unwrap();
        fs::create_dir_all(src.join("empty")).unwrap();
        fs::write(src.join(".nexus-manifest.json"), "{}\n").unwrap();
        fs::write(src.join("staging/k8s/web.yaml"), "kind: Deployment\n").unwrap();
        fs::write(src.join("staging/README.md"), vec![b'x'; 100_000]).unwrap();

        let tree = Tree::read(&src).unwrap();
        assert_eq!(tree.size(), (3, 3 + 17 + 100_000));
        let dest = dir.path().join("dest");
        tree.write(&dest).unwrap();
        assert!(dest.join("empty").is_dir());
        for rel in [
            ".nexus-manifest.json",
            "staging/k8s/web.yaml",
            "staging/README.md",
        ] {
            assert_eq!(
                fs::read(dest.join(rel)).unwrap(),
                fs::read(src.join(rel)).unwrap(),
                "{rel}"
            );
        }
        assert_eq!(Tree::read(&dest).unwrap().size(), tree.size());
        // A second write into the same place is refused, not merged.
        assert!(tree.write(&dest).unwrap_err().contains("exists"));
    }

    #[test]
    fn the_cpu_clock_moves_with_work() {
        if !Path::new("/proc/self/stat").exists() {
            return;
        }
        let before = cpu_time().expect("utime and stime are read");
        let spin = Instant::now();
        let mut x = 0u64;
        // Busy until the clock shows 30 ms more (three ticks), however loaded the machine.
        while cpu_time().unwrap() < before + Duration::from_millis(30) {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_add(1));
            }
            assert!(
                spin.elapsed() < Duration::from_secs(20),
                "the clock did not move"
            );
        }
    }
}
