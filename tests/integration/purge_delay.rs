//! The binary runs with mimalloc's purge delay at 10 ms (decision 0036): it starts itself
//! again with `MIMALLOC_PURGE_DELAY` set, as the same process, unless the variable is set
//! already. Seen from outside, in `/proc/PID/environ` of a render that waits for a held
//! lock; the render then finishes with its own exit code.

#![cfg(target_os = "linux")]

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use nexus::render::output::LOCK_NAME;

const SPEC: &str = "apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: demo, version: 1.0.0 }
spec:
  services:
    web: { image: registry.example.com/demo/web:1.0.0, ports: [{ name: http, port: 8080 }] }
  environments: { staging: {} }
";

/// A child process that is killed and reaped when dropped, also when the test fails.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Locks `out`'s lock file as another writer would.
fn hold_lock(out: &Path) -> File {
    std::fs::create_dir(out).unwrap();
    let held = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(out.join(LOCK_NAME))
        .unwrap();
    held.lock().unwrap();
    held
}

/// Waits until `pid` has the lock file open (its `main` is running, past any restart),
/// then gives its environment as the kernel holds it.
fn environment_while_waiting(pid: u32, lock: &Path) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap();
        let holds_lock = fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == lock));
        if holds_lock {
            let raw = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
            return raw
                .split(|&b| b == 0)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect();
        }
        assert!(
            Instant::now() < deadline,
            "process {pid} never opened {lock:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Renders into a locked folder, with `MIMALLOC_PURGE_DELAY` set to `given` (or unset);
/// returns the variable's values in the waiting process's environment. Releases the lock
/// and checks the render then succeeds.
fn purge_delays_seen(given: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), SPEC).unwrap();
    let out = dir.path().join("out");
    let held = hold_lock(&out);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nexus"));
    cmd.args(["render", "a.yaml", "--out", "out", "--wait", "30"])
        .current_dir(dir.path())
        .env_remove("MIMALLOC_PURGE_DELAY");
    if let Some(value) = given {
        cmd.env("MIMALLOC_PURGE_DELAY", value);
    }
    let mut child = Reaped(cmd.spawn().unwrap());
    let lock = out.join(LOCK_NAME).canonicalize().unwrap();
    let seen = environment_while_waiting(child.0.id(), &lock)
        .into_iter()
        .filter_map(|v| v.strip_prefix("MIMALLOC_PURGE_DELAY=").map(str::to_owned))
        .collect();
    drop(held);
    let status = child.0.wait().unwrap();
    assert!(
        status.success(),
        "the render, once the lock was free: {status}"
    );
    assert!(out.join("staging/README.md").is_file());
    seen
}

#[test]
fn the_binary_runs_with_a_10_ms_purge_delay_in_the_same_process() {
    assert_eq!(purge_delays_seen(None), ["10"]);
}

#[test]
fn a_purge_delay_the_user_set_is_kept() {
    assert_eq!(purge_delays_seen(Some("1000")), ["1000"]);
}
