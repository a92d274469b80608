//! Renders into one output folder never interleave: a render holds the folder's lock from
//! its first read to its last rename; another waits (`--wait`, 10 s by default), then
//! exits 2 naming the holder.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use nexus::render::output::LOCK_NAME;

fn nexus(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nexus"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A spec of `n` services with image tag `tag`.
fn spec(n: usize, tag: &str) -> String {
    let mut text = String::from(
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: { name: demo, version: 1.0.0 }\nspec:\n  services:\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "    s{i}: {{ image: registry.example.com/demo/s{i}:{tag}, ports: [{{ name: http, port: 8080 }}] }}\n"
        ));
    }
    text.push_str("  environments: { staging: {}, production: {} }\n");
    text
}

/// While another process holds the lock, a render waits `--wait` seconds, then exits 2
/// naming that process, having changed nothing; once the lock is released it renders.
#[test]
fn a_held_lock_makes_a_render_wait_then_refuse_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), spec(3, "1.0.0")).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut held = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(out.join(LOCK_NAME))
        .unwrap();
    held.lock().unwrap();
    writeln!(held, "4242").unwrap();

    let start = std::time::Instant::now();
    let run = nexus(
        dir.path(),
        &["render", "a.yaml", "--out", "out", "--wait", "0.5"],
    );
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(start.elapsed() >= std::time::Duration::from_millis(500));
    assert!(stderr.contains("nexus::output::locked"), "{stderr}");
    assert!(stderr.contains("process 4242"), "{stderr}");
    let entries: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(entries.len(), 1, "only the lock file: {entries:?}");

    // A check waits the same way rather than read a folder being written.
    let run = nexus(
        dir.path(),
        &["render", "a.yaml", "--out", "out", "--check", "--wait", "0"],
    );
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    // The folder is read beside validation only when no writer holds it: a held folder is
    // still waited for, for as long as asked.
    let start = std::time::Instant::now();
    let run = nexus(
        dir.path(),
        &[
            "render", "a.yaml", "--out", "out", "--check", "--wait", "0.5",
        ],
    );
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    assert!(start.elapsed() >= std::time::Duration::from_millis(500));
    // And an invalid spec is reported at once, not after the wait.
    std::fs::write(
        dir.path().join("bad.yaml"),
        spec(3, "1.0.0").replace("s1:", "S_1:"),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let run = nexus(
        dir.path(),
        &[
            "render", "bad.yaml", "--out", "out", "--check", "--wait", "30",
        ],
    );
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("S_1"), "{stderr}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{stderr}"
    );

    drop(held);
    let run = nexus(dir.path(), &["render", "a.yaml", "--out", "out"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(!out.join(LOCK_NAME).exists(), "the lock file is removed");
    let run = nexus(dir.path(), &["render", "a.yaml", "--out", "out", "--check"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
}

/// Two renders of different specs started together into one folder: each either renders
/// or is refused with the lock's message, and the folder ends as exactly one spec's
/// complete rendering (its `--check` is clean), never a mix.
#[test]
fn concurrent_renders_of_different_specs_leave_one_complete_result() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), spec(100, "1.0.0")).unwrap();
    std::fs::write(dir.path().join("b.yaml"), spec(80, "2.0.0")).unwrap();
    for round in 0..3 {
        let spawn = |name: &str| {
            Command::new(env!("CARGO_BIN_EXE_nexus"))
                .args(["render", name, "--out", "out"])
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("a.yaml"), spawn("b.yaml"));
        for (name, child) in [("a", a), ("b", b)] {
            let run = child.wait_with_output().unwrap();
            let stderr = text(&run.stderr);
            match run.status.code() {
                Some(0) => {}
                Some(2) => assert!(stderr.contains("nexus::output::locked"), "{stderr}"),
                other => panic!("round {round}, {name}: exit {other:?}\n{stderr}"),
            }
        }
        let clean: Vec<_> = ["a.yaml", "b.yaml"]
            .into_iter()
            .filter(|s| {
                let run = nexus(dir.path(), &["render", s, "--out", "out", "--check"]);
                run.status.code() == Some(0)
            })
            .collect();
        assert_eq!(clean.len(), 1, "round {round}: clean for {clean:?}");
    }
}

/// A lock file that is a link is refused, never opened: the file it points at keeps its
/// bytes.
#[test]
fn a_linked_lock_file_is_refused_and_its_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), spec(2, "1.0.0")).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("precious.txt"), "keep\n").unwrap();
    std::os::unix::fs::symlink("../precious.txt", dir.path().join("out").join(LOCK_NAME)).unwrap();
    let run = nexus(dir.path(), &["render", "a.yaml", "--out", "out"]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("symbolic link"),
        "{}",
        text(&run.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("precious.txt")).unwrap(),
        "keep\n"
    );
}
