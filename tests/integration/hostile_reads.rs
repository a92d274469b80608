//! Every input nexus reads is bounded before it is read: a spec or policy that is a FIFO,
//! a device, a folder or a link to nothing is refused with exit 2 and a message saying what
//! it is (never a hang, never unbounded memory); an oversized file is refused by its size.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A spec that validates.
const SPEC: &str = "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: { name: demo, version: 1.0.0 }\nspec:\n  services:\n    web: { image: registry.example.com/demo/web:1.0.0, ports: [{ name: http, port: 8080 }] }\n  environments: { staging: {} }\n";

/// Runs `nexus` in `dir`, killing it (and failing) after 20 s.
fn nexus(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nexus"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nexus {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr)
}

/// `mkfifo` from coreutils; without it the FIFO cases are skipped, except under CI.
fn mkfifo(path: &Path) -> bool {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "mkfifo is needed under CI"
        );
        eprintln!("SKIPPED: the FIFO cases (no mkfifo)");
    }
    ok
}

fn refused(dir: &Path, args: &[&str], what: &str) {
    let (code, stderr) = nexus(dir, args);
    assert_eq!(code, 2, "{args:?}: exit {code}\n{stderr}");
    assert!(
        stderr.contains(what),
        "{args:?}: expected {what:?} in\n{stderr}"
    );
    assert!(
        stderr.len() < 4096,
        "{args:?}: {} bytes of stderr",
        stderr.len()
    );
}

#[test]
fn specs_that_are_not_regular_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.yaml")).unwrap();
    std::os::unix::fs::symlink("missing.yaml", d.join("dangling.yaml")).unwrap();
    refused(d, &["validate", "zero.yaml"], "a device");
    refused(d, &["validate", "/dev/zero"], "a device");
    refused(
        d,
        &["render", "dangling.yaml"],
        "a symbolic link to nothing",
    );
    if mkfifo(&d.join("fifo.yaml")) {
        refused(d, &["validate", "fifo.yaml"], "a FIFO");
        refused(d, &["render", "fifo.yaml", "--check"], "a FIFO");
    }
    // A regular file next to them still works.
    std::fs::write(d.join("ok.yaml"), SPEC).unwrap();
    assert_eq!(nexus(d, &["validate", "ok.yaml"]).0, 0);
}

#[test]
fn policies_that_are_not_regular_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ok.yaml"), SPEC).unwrap();
    std::fs::create_dir(d.join("folder")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", d.join("dangling.yaml")).unwrap();
    let lint = |policy: &str| ["lint", "ok.yaml", "--policy", policy].map(str::to_owned);
    let run = |args: [String; 4], what: &str| {
        refused(d, &args.each_ref().map(String::as_str), what);
    };
    run(lint("/dev/zero"), "a device");
    run(lint("folder"), "a folder");
    run(lint("dangling.yaml"), "a symbolic link to nothing");
    if mkfifo(&d.join("fifo.yaml")) {
        run(lint("fifo.yaml"), "a FIFO");
    }
}

/// `./nexus-policy.yaml` is read when anything has that name: a link to nothing or to a
/// device is an error, not a silent fall-back on the built-in policy.
#[test]
fn an_implicit_policy_that_is_not_a_file_is_an_error() {
    for target in ["nowhere.yaml", "/dev/zero"] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("ok.yaml"), SPEC).unwrap();
        assert_eq!(nexus(d, &["lint", "ok.yaml"]).0, 0);
        std::os::unix::fs::symlink(target, d.join("nexus-policy.yaml")).unwrap();
        refused(d, &["lint", "ok.yaml"], "nexus-policy.yaml");
    }
}

/// A 200 MB policy or spec (sparse: it costs no disk) is refused by its size at once,
/// without being read.
#[test]
fn oversized_inputs_are_refused_by_their_size_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ok.yaml"), SPEC).unwrap();
    for name in ["big-policy.yaml", "big.yaml"] {
        let f = std::fs::File::create(d.join(name)).unwrap();
        f.set_len(200 << 20).unwrap();
    }
    let start = Instant::now();
    refused(
        d,
        &["lint", "ok.yaml", "--policy", "big-policy.yaml"],
        "more than the limit",
    );
    let (code, stderr) = nexus(d, &["validate", "big.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("nexus::yaml::too_large"), "{stderr}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}
