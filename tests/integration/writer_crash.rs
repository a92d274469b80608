//! A write stopped dead (a crash, `kill -9`) at any point: the next write restores exactly
//! the old or exactly the new output and removes every leftover; `render --check` reports
//! leftovers as drift until then.

use crate::support::render as render_support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nexus::render::output::{self, Change, LOCK_NAME, OutputError};
use nexus::{Spec, Warning};
use render_support::{options, shop, tree};

/// The writer's crash hook stops it at each file-system change in turn, leaving everything
/// as a killed process would (lock file included). Each time, `--check` sees leftovers and
/// the next write rolls the interrupted one back: the tree is byte-for-byte as before.
#[test]
fn a_crash_at_any_step_is_rolled_back_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let v1 = nexus::compile(&Spec::from_str("shop.yaml", &shop()).unwrap(), &options()).unwrap();
    v1.write(&out).unwrap();
    std::fs::write(out.join("staging/notes.md"), "a foreign file\n").unwrap();
    let before = tree(&out);

    // v2 changes files, adds a folder, and drops production (stale files are removed).
    let text = shop()
        .replace(
            "        api: { replicas: 1 }",
            "        api: { replicas: 2 }",
        )
        .replace(
            "    production:\n      services:\n        api: { replicas: 3 }\n",
            "",
        );
    let mut o = options();
    o.targets.push(nexus::RenderTarget {
        folder: "extra/deeper",
        render: nexus::Generator::Whole(render_support::inventory),
    });
    let v2 = nexus::compile(&Spec::from_str("shop.yaml", &text).unwrap(), &o).unwrap();

    let mut crashes = 0;
    for step in 0.. {
        match output::write_with_crash(&v2.plan, &out, &v2.scope, step) {
            Err(OutputError::Io { action, .. }) => {
                assert!(action.contains("injected"), "step {step}: {action}");
                let drift = v1.check(&out).unwrap();
                let leftovers: Vec<_> = drift.paths(Change::Leftover).collect();
                assert!(leftovers.contains(&LOCK_NAME), "step {step}: {leftovers:?}");
                let report = v1.write(&out).unwrap();
                assert!(
                    report.written.is_empty() && report.removed.is_empty(),
                    "step {step}: the old output was not restored: {report:?}"
                );
                assert_eq!(tree(&out), before, "step {step}");
                crashes += 1;
            }
            Err(e) => panic!("step {step}: unexpected error {e}"),
            Ok(_) => break,
        }
    }
    assert!(crashes > 20, "only {crashes} steps were tried");
    assert!(v2.check(&out).unwrap().is_clean());
}

/// A leftover temporary is drift for `render --check` (exit 1, listed as `leftover`); the
/// next `render` removes it with one warning, and the check is clean again.
#[test]
fn check_reports_leftovers_and_render_removes_them() {
    let dir = render_support::spec_dir(&shop());
    let run = |args: &[&str]| render_support_run(dir.path(), args);
    assert_eq!(run(&["render", "shop.yaml"]).0, 0);
    let left = dir
        .path()
        .join("generated/staging/k8s/.api.yaml.nexus-old-999999-0");
    std::fs::write(&left, "old bytes\n").unwrap();

    let (code, stdout, stderr) = run(&["render", "shop.yaml", "--check"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("leftover"), "{stdout}");
    assert!(stderr.contains("1 leftover"), "{stderr}");

    let (code, _, stderr) = run(&["render", "shop.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(stderr.matches("warning").count(), 1, "{stderr}");
    assert!(!left.exists());
    assert_eq!(run(&["render", "shop.yaml", "--check"]).0, 0);
}

/// A folder left staged by an interrupted write (a new environment, say, under its
/// temporary name) is one leftover: `--check` lists it without looking inside, and the
/// next `render` removes it whole.
#[test]
fn a_leftover_staged_folder_is_reported_and_removed_whole() {
    let dir = render_support::spec_dir(&shop());
    let run = |args: &[&str]| render_support_run(dir.path(), args);
    assert_eq!(run(&["render", "shop.yaml"]).0, 0);
    let staged = dir.path().join("generated/.qa.nexus-tmp-999999-0");
    std::fs::create_dir_all(staged.join("k8s/50-services")).unwrap();
    std::fs::write(
        staged.join("k8s/50-services/api.yaml"),
        "kind: Deployment\n",
    )
    .unwrap();
    std::fs::write(staged.join("README.md"), "half a write\n").unwrap();

    let (code, stdout, stderr) = run(&["render", "shop.yaml", "--check"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains(".qa.nexus-tmp-999999-0"), "{stdout}");
    assert!(!stdout.contains("api.yaml"), "{stdout}");
    assert!(stderr.contains("1 leftover"), "{stderr}");

    let (code, _, stderr) = run(&["render", "shop.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(!staged.exists());
    assert_eq!(run(&["render", "shop.yaml", "--check"]).0, 0);
}

fn render_support_run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nexus"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A spec of `n` services, image tag `tag`, and the environments `envs`.
fn spec(n: usize, tag: &str, envs: &[&str]) -> String {
    let mut text = String::from(
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: { name: demo, version: 1.0.0 }\nspec:\n  services:\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "    s{i}: {{ image: registry.example.com/demo/s{i}:{tag}, ports: [{{ name: http, port: 8080 }}] }}\n"
        ));
    }
    text.push_str("  environments:\n");
    for e in envs {
        text.push_str(&format!("    {e}: {{}}\n"));
    }
    text
}

/// Spawns the real binary rendering into a folder and kills it (`SIGKILL`) after a random
/// delay, over and over, alternating two specs that differ in every workload's files and in
/// an environment (so a write replaces, creates and removes). After each kill, the recovery
/// every write starts with must leave exactly the old or exactly the new rendering, with no
/// leftover. `NEXUS_KILL_RUNS` sets the number of runs (default 100).
#[test]
fn killing_a_render_at_random_points_leaves_old_or_new() {
    let runs: usize = std::env::var("NEXUS_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let specs = [
        spec(25, "1.0.0", &["staging", "production"]),
        spec(25, "2.0.0", &["staging"]),
    ];
    let mut expected = Vec::new();
    let mut slowest = Duration::ZERO;
    for (i, text) in specs.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{i}.yaml")), text).unwrap();
        let start = Instant::now();
        let (code, _, stderr) = render_support_run(
            dir.path(),
            &["render", &format!("{i}.yaml"), "--out", &format!("ref{i}")],
        );
        assert_eq!(code, 0, "{stderr}");
        slowest = slowest.max(start.elapsed());
        expected.push(tree(&dir.path().join(format!("ref{i}"))));
    }
    let out = dir.path().join("out");
    assert_eq!(
        render_support_run(dir.path(), &["render", "0.yaml", "--out", "out"]).0,
        0
    );

    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("kill test: seed {seed}, a whole render takes {slowest:?}");
    let (mut old, mut new, mut finished, mut rolled_back, mut swept) = (0, 0, 0, 0, 0);
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut state = 0;
    let mut done = 0;
    while done < runs && Instant::now() < deadline {
        let next = 1 - state;
        let mut child = Command::new(env!("CARGO_BIN_EXE_nexus"))
            .args(["render", &format!("{next}.yaml"), "--out", "out"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // xorshift64: a delay anywhere from spawn to a little after a whole render.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let span = slowest.as_micros() as u64 * 3 / 2 + 1;
        std::thread::sleep(Duration::from_micros(seed % span));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        }

        let recovered = output::recover(&out, Duration::from_secs(5)).unwrap();
        let now = tree(&out);
        if now == expected[next] {
            new += 1;
            state = next;
        } else if now == expected[state] {
            old += 1;
        } else {
            let differ: Vec<_> = now
                .keys()
                .chain(expected[next].keys())
                .filter(|k| now.get(*k) != expected[next].get(*k))
                .take(10)
                .collect();
            panic!(
                "run {done}: after a kill and {recovered:?}, neither old nor new; first paths that differ from new: {differ:?}"
            );
        }
        let names = now
            .keys()
            .map(|k| k.trim_end_matches('/').rsplit('/').next().unwrap());
        assert!(
            !names.into_iter().any(output::is_leftover),
            "{:?}",
            now.keys()
        );
        assert!(!now.contains_key(LOCK_NAME));
        match recovered {
            Some(Warning::Recovered {
                rolled_back: true, ..
            }) => rolled_back += 1,
            Some(Warning::Recovered { .. }) => swept += 1,
            Some(w) => panic!("{w}"),
            None => {}
        }
        done += 1;
    }
    eprintln!(
        "kill test: {done} runs: {old} left the old output, {new} the new ({finished} of them finished before the kill); recovery rolled back {rolled_back} interrupted commits and removed only leftovers after {swept}"
    );
    assert!(done >= runs.min(20), "only {done} runs in the time allowed");
    let (code, _, stderr) = render_support_run(
        dir.path(),
        &[
            "render",
            &format!("{state}.yaml"),
            "--out",
            "out",
            "--check",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}
