//! A write to stdout or stderr that fails (a full disk, a closed pipe; here `/dev/full`)
//! is an I/O error: exit 2, and a message on the stream that still works. Before, a check's
//! diff was dropped silently with exit 1, and `graph` and `schema` exited 2 saying nothing.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::cli as support;

/// `/dev/full`, or `None` (skipped, except under CI) where there is none.
fn full() -> Option<File> {
    match File::options().write(true).open("/dev/full") {
        Ok(f) => Some(f),
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "/dev/full: {e}");
            eprintln!("SKIPPED: no /dev/full ({e})");
            None
        }
    }
}

/// Runs nexus with stdout (`to_stdout`) or stderr on `/dev/full`; the other stream piped.
fn run(dir: &Path, args: &[&str], to_stdout: bool) -> Option<(i32, String)> {
    let full = full()?;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nexus"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    if to_stdout {
        cmd.stdout(full).stderr(Stdio::piped());
    } else {
        cmd.stderr(full).stdout(Stdio::piped());
    }
    let out = cmd.output().unwrap();
    let other = if to_stdout { out.stderr } else { out.stdout };
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&other).into_owned(),
    ))
}

#[test]
fn a_failed_write_to_stdout_is_exit_2_with_a_message_on_stderr() {
    let root = support::root();
    let shop = root.join("tests/fixtures/render/shop.yaml");
    let shop = shop.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 6] = [
        // drift (nothing rendered yet) with a diff to print
        &["render", shop, "--out", "out", "--check", "--diff"],
        &["graph", shop],
        &["schema"],
        &["explain", "--list"],
        &["lint", shop, "--format", "json"],
        &["--help"],
    ];
    for args in cases {
        let Some((code, stderr)) = run(dir.path(), args, true) else {
            return;
        };
        assert_eq!(code, 2, "{args:?}: exit {code}\n{stderr}");
        if args != ["--help"] {
            assert!(
                stderr.contains("cannot write to standard output"),
                "{args:?}: {stderr}"
            );
        }
    }
}

#[test]
fn a_failed_write_to_stderr_is_exit_2_with_a_message_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.yaml"), "kind: Nope\n").unwrap();
    for args in [&["validate", "bad.yaml"][..], &["render", "missing.yaml"]] {
        let Some((code, stdout)) = run(dir.path(), args, false) else {
            return;
        };
        assert_eq!(code, 2, "{args:?}: exit {code}\n{stdout}");
        assert!(
            stdout.contains("cannot write to standard error"),
            "{args:?}: {stdout}"
        );
    }
}
