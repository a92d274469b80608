//! Helpers for end-to-end tests of the `nexus` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// What a run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: std::time::Duration,
}

/// Runs `nexus` with arguments, from the repository root, without colour.
pub fn nexus(args: &[&str]) -> Run {
    nexus_in(&root(), args)
}

/// Runs `nexus` in a directory.
pub fn nexus_in(dir: &Path, args: &[&str]) -> Run {
    let start = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_nexus"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the nexus binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}
