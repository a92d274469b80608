//! Every class of spec error, end to end through `nexus validate`: the full diagnostic
//! output is a reviewed snapshot and the exit code is 1. Hostile inputs are refused
//! cleanly (exit 1 or 2, never a panic) and quickly.

use crate::support::cli as support;

use support::{fixture, nexus};

/// The fixtures a test below refuses on a clock instead (their diagnostics are not the point).
const REFUSED_FAST: &[&str] = &["alias-bomb", "deep-nesting"];

/// Every fixture under `tests/fixtures/invalid/` is refused by `nexus validate` with exit 1,
/// its diagnostics on stderr as a reviewed snapshot (`…@<fixture>.yaml.snap`): a new
/// fixture is a new case without a new test.
#[test]
fn every_invalid_fixture_is_refused_with_its_diagnostic() {
    insta::glob!("../fixtures/invalid", "*.yaml", |file| {
        let Some(name) = file.file_stem().and_then(|s| s.to_str()) else {
            panic!("{}: not a UTF-8 name", file.display());
        };
        if REFUSED_FAST.contains(&name) {
            return;
        }
        let path = format!("tests/fixtures/invalid/{name}.yaml");
        let run = nexus(&["validate", &path]);
        assert_eq!(run.code, 1, "{name}: exit code\n{}", run.stderr);
        assert!(run.stdout.is_empty(), "{name}: diagnostics go to stderr");
        insta::assert_snapshot!(run.stderr);
    });
}

/// Hostile inputs: refused with exit 1 or 2 within ten seconds, with a message, no panic.
/// Refusing takes milliseconds; without the limits these inputs run for minutes (a
/// billion nodes, a quadratic parse). Ten seconds leaves room for starting the debug
/// binary on a CI machine loaded by the other tests of this binary.
fn refused_fast(path: &str, expect_code: &str) {
    let run = nexus(&["validate", path]);
    assert!(
        run.code == 1 || run.code == 2,
        "{path}: exit {} {}",
        run.code,
        run.stderr
    );
    assert!(
        run.stderr.contains(expect_code),
        "{path}: expected {expect_code} in\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked"),
        "{path}: panicked\n{}",
        run.stderr
    );
    assert!(
        run.elapsed.as_secs_f64() < 10.0,
        "{path}: took {:?}",
        run.elapsed
    );
}

#[test]
fn alias_bomb_is_refused() {
    refused_fast(
        "tests/fixtures/invalid/alias-bomb.yaml",
        "nexus::yaml::alias_budget",
    );
}

#[test]
fn deep_nesting_is_refused() {
    refused_fast(
        "tests/fixtures/invalid/deep-nesting.yaml",
        "nexus::yaml::too_deep",
    );
}

#[test]
fn huge_file_is_refused() {
    let dir = tempdir();
    let path = dir.join("huge.yaml");
    // 100 MB of a valid-looking comment: refused by size before parsing.
    let mut f = std::fs::File::create(&path).unwrap();
    let line = format!("# {}\n", "x".repeat(1022));
    use std::io::Write;
    for _ in 0..100 * 1024 {
        f.write_all(line.as_bytes()).unwrap();
    }
    drop(f);
    refused_fast(path.to_str().unwrap(), "nexus::yaml::too_large");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn nul_bytes_are_refused() {
    let dir = tempdir();
    let path = dir.join("nul.yaml");
    std::fs::write(&path, b"apiVersion: nexus.dev/v1alpha1\nkind: Plat\0form\n").unwrap();
    let run = nexus(&["validate", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("nexus::yaml::"), "{}", run.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_path_is_a_usage_error() {
    let run = nexus(&["validate", "does/not/exist.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nexus::io"), "{}", run.stderr);
}

#[test]
fn the_real_spec_is_valid() {
    let run = nexus(&["validate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fixture("invalid").is_dir());
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "nexus-test-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

#[test]
fn rendered_output_is_never_read_as_specs() {
    // `nexus validate .` from the repository root walks specs/ and skips generated/,
    // which holds the output manifest.
    let run = nexus(&["validate", "."]);
    assert!(!run.stderr.contains("generated/"), "{}", run.stderr);
}

/// A name nexus derives for one workload, claimed by another (issue 14): refused at
/// `nexus validate` with exit 1, located at the workload, naming both claimants (the full
/// diagnostic is the fixture's snapshot, above).
fn collides(name: &str, needles: &[&str]) {
    let path = format!("tests/fixtures/invalid/{name}.yaml");
    let run = nexus(&["validate", &path]);
    assert_eq!(run.code, 1, "{name}: exit code\n{}", run.stderr);
    assert!(
        run.stderr.contains("nexus::spec::name_collision"),
        "{name}: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("{path}:")),
        "{name}: located\n{}",
        run.stderr
    );
    // Messages wrap at the terminal width: search the text with its wrapping undone.
    let flat: Vec<&str> = run
        .stderr
        .lines()
        .map(|l| l.trim_start().trim_start_matches('│').trim())
        .collect();
    let flat = flat.join(" ");
    for n in needles {
        assert!(flat.contains(n), "{name}: `{n}` in\n{}", run.stderr);
    }
}
#[test]
fn a_service_named_like_a_backup_group_is_refused() {
    collides(
        "name-collision-backup",
        &["`db-backup` is claimed twice", "by `db` (its backup jobs'"],
    );
}
#[test]
fn a_service_named_like_a_headless_service_is_refused() {
    collides(
        "name-collision-headless",
        &[
            "`db-headless` is claimed twice",
            "by `db` (its headless Service)",
        ],
    );
}
#[test]
fn a_service_named_gateway_is_refused() {
    collides(
        "name-collision-gateway",
        &[
            "`gateway` is claimed twice",
            "nexus (the gateway's Compose service)",
        ],
    );
}
#[test]
fn a_service_named_like_a_migration_is_refused() {
    collides(
        "name-collision-migrate",
        &[
            "Compose name `api-migrate` is claimed twice",
            "Kubernetes name `api-migrate` is claimed twice",
            "by `api` (its migration's",
        ],
    );
}
#[test]
fn a_variable_with_the_secret_helper_prefix_is_refused() {
    collides(
        "name-collision-env-var",
        &["`NEXUS_SECRET_DB_PASSWORD` of `api` uses the prefix `NEXUS_SECRET_`"],
    );
}
