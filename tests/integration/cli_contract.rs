//! The command-line contract every subcommand shares (README, "The command line"): an
//! unknown environment and a folder without specs are usage errors (exit 2) with the same
//! words everywhere; the human lint report never prints a literal credential and counts
//! waived findings in one line unless asked for them.

use crate::support::cli as support;

use support::{nexus, nexus_in, root};

/// Every subcommand that takes `--env`.
const WITH_ENV: [&[&str]; 4] = [
    &["lint"],
    &["graph"],
    &["render", "--check"],
    &["render", "--out", "target/cli-contract-never-written"],
];

#[test]
fn an_unknown_environment_is_a_usage_error_with_one_code_everywhere() {
    for command in WITH_ENV {
        let mut args = command.to_vec();
        args.extend(["--env", "prod"]);
        let run = nexus(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("nexus::unknown_environment")
                && run.stderr.contains("has no environment `prod`")
                && run.stderr.contains("it has: production, staging"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("no environment\n") && !run.stderr.contains("nexus lint:"),
            "{args:?} must not report a run over no environment: {}",
            run.stderr
        );
    }
    assert!(!root().join("target/cli-contract-never-written").exists());
}

#[test]
fn a_folder_without_specs_is_a_usage_error_in_every_subcommand() {
    let empty = tempfile::tempdir().unwrap();
    // A file that is not a spec, so the folder is not empty, only spec-less.
    std::fs::write(empty.path().join("notes.txt"), "not a spec\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap();
    let folder = empty.path().to_str().unwrap();
    for args in [
        vec!["validate", folder],
        vec!["lint", folder],
        vec!["graph", folder],
        vec!["render", folder, "--out", out],
        vec!["render", folder, "--out", out, "--check"],
    ] {
        let run = nexus(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("error: no spec files (*.yaml, *.yml) found"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // Without a path, `specs/` of the working folder is read: missing, it is an I/O error.
    let run = nexus_in(empty.path(), &["validate"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_yml_spec_is_read_like_a_yaml_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("specs/nexus.yaml"),
        dir.path().join("nexus.yml"),
    )
    .unwrap();
    let run = nexus(&["validate", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("1 spec file(s) valid"),
        "{}",
        run.stderr
    );
}

/// A repository walked from its root: the YAML of other tools in hidden files and folders
/// (CI workflows, pre-commit) is not read as specs, in every subcommand; named on the
/// command line, a hidden file is read like any other.
#[test]
fn hidden_files_and_folders_in_a_walked_folder_are_not_specs() {
    let repo = tempfile::tempdir().unwrap();
    let r = repo.path();
    std::fs::create_dir_all(r.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(r.join("platform")).unwrap();
    std::fs::write(
        r.join(".github/workflows/ci.yml"),
        "name: ci\non: push\njobs: {}\n",
    )
    .unwrap();
    std::fs::write(r.join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    std::fs::copy(
        root().join("specs/nexus.yaml"),
        r.join("platform/nexus.yaml"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("generated");
    let out = out.to_str().unwrap();
    for args in [
        vec!["validate", "."],
        vec!["graph", "."],
        vec!["render", ".", "--out", out],
        vec!["render", ".", "--out", out, "--check"],
    ] {
        let run = nexus_in(r, &args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains(".github"), "{args:?}: {}", run.stderr);
    }
    let run = nexus_in(r, &["validate", "."]);
    assert!(
        run.stderr.contains("1 spec file(s) valid"),
        "{}",
        run.stderr
    );
    let run = nexus_in(r, &["validate", ".github/workflows/ci.yml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("unknown key `jobs`"), "{}", run.stderr);
}

fn lint_fixture(rule: &str, args: &[&str]) -> support::Run {
    let dir = root().join("nexus-lint/tests/fixtures/lint").join(rule);
    let mut all = vec!["lint", "--today", "2026-06-01"];
    all.extend_from_slice(args);
    nexus_in(&dir, &all)
}

#[test]
fn the_human_report_masks_literal_credentials_in_its_excerpts() {
    // An env value (NX-SEC-001) and a password on a migration's command line (NX-SEC-007).
    for rule in ["NX-SEC-001", "NX-SEC-007"] {
        let run = lint_fixture(rule, &["fail.yaml"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains(rule), "{}", run.stderr);
        assert!(
            !run.stderr.contains("hunter2"),
            "{rule}: the excerpt shows the credential:\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("*******"), "{}", run.stderr);
    }
}

#[test]
fn waived_findings_are_one_line_unless_asked_for() {
    let run = lint_fixture("NX-WVR-001", &["pass.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let waived: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("waived"))
        .collect();
    assert!(
        waived
            .iter()
            .any(|l| l.starts_with("waived: ") && l.contains("--show-waived")),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("Compose is only used on laptops"),
        "the reason is listed without --show-waived:\n{}",
        run.stderr
    );

    let shown = lint_fixture("NX-WVR-001", &["pass.yaml", "--show-waived"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown
            .stderr
            .contains("waived: Compose is only used on laptops"),
        "{}",
        shown.stderr
    );
}
