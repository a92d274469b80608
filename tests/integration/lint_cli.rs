//! `nexus lint` and `nexus explain` end to end: exit codes, where each format goes, and the
//! policy file. Fixture runs happen inside the fixture's folder, so the repository's own
//! `nexus-policy.yaml` does not apply to them.

use crate::support::cli as support;

use support::{nexus, nexus_in, root};

fn in_fixture(rule: &str, args: &[&str]) -> support::Run {
    let dir = root().join("nexus-lint/tests/fixtures/lint").join(rule);
    let mut all = vec!["lint", "--today", "2026-06-01"];
    all.extend_from_slice(args);
    nexus_in(&dir, &all)
}

#[test]
fn an_error_fails_the_default_threshold() {
    let run = in_fixture("NX-POD-001", &["fail.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "the human report goes to stderr");
    assert!(
        run.stderr.contains("fail.yaml:46:21: error"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("NX-POD-001"));
    assert!(run.stderr.contains("1 error(s)"));
}

#[test]
fn fail_on_sets_the_threshold() {
    assert_eq!(
        in_fixture("NX-AVL-002", &["fail.yaml"]).code,
        0,
        "a warning passes --fail-on error"
    );
    assert_eq!(
        in_fixture("NX-AVL-002", &["fail.yaml", "--fail-on", "warning"]).code,
        1
    );
    assert_eq!(
        in_fixture("NX-AVL-002", &["pass.yaml", "--fail-on", "warning"]).code,
        0
    );
    assert_eq!(
        in_fixture("NX-AVL-002", &["pass.yaml", "--fail-on", "info"]).code,
        1,
        "the base has infos"
    );
}

#[test]
fn waived_findings_do_not_fail() {
    let run = in_fixture(
        "NX-WVR-001",
        &["pass.yaml", "--fail-on", "warning", "--show-waived"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("waived: Compose is only used on laptops"),
        "{}",
        run.stderr
    );
    let run = in_fixture("NX-WVR-001", &["fail.yaml", "--fail-on", "warning"]);
    assert_eq!(run.code, 1, "an expired waiver is a warning");
}

#[test]
fn json_goes_to_stdout() {
    let run = in_fixture("NX-SEC-001", &["fail.yaml", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(doc["schemaVersion"], 1);
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "NX-SEC-001")
        .unwrap();
    assert_eq!(f["location"]["file"], "fail.yaml");
    assert_eq!(f["severity"], "error");
}

#[test]
fn sarif_can_be_written_to_a_file() {
    let out = std::env::temp_dir().join(format!("nexus-lint-{}.sarif", std::process::id()));
    let run = in_fixture(
        "NX-NET-001",
        &[
            "fail.yaml",
            "--format",
            "sarif",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "NX-NET-001")
        .unwrap();
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fail.yaml"
    );
}

#[test]
fn a_policy_file_beside_the_spec_is_read() {
    // The NX-IMG-002 folder's policy turns the rule (off by default) on.
    let run = in_fixture("NX-IMG-002", &["fail.yaml", "--fail-on", "warning"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("NX-IMG-002"));
    let run = in_fixture(
        "NX-IMG-002",
        &["fail.yaml", "--policy", "../NX-POD-001/nonexistent.yaml"],
    );
    assert_eq!(run.code, 2, "an unreadable policy is a usage error");
}

#[test]
fn an_invalid_policy_is_a_usage_error() {
    let bad = std::env::temp_dir().join(format!("nexus-policy-{}.yaml", std::process::id()));
    std::fs::write(
        &bad,
        "apiVersion: nexus.dev/v1alpha1\nkind: LintPolicy\nrules: { NX-POD-999: off }\n",
    )
    .unwrap();
    let run = in_fixture(
        "NX-POD-001",
        &["pass.yaml", "--policy", bad.to_str().unwrap()],
    );
    let _ = std::fs::remove_file(&bad);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("there is no rule `NX-POD-999`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_invalid_spec_fails_without_linting() {
    let run = nexus(&["lint", "tests/fixtures/invalid/unknown-keys.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("nexus::spec::unknown_key"));
}

#[test]
fn explain_prints_a_rule_and_the_list() {
    let run = nexus(&["explain", "nx-net-001"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .starts_with("NX-NET-001  Public routes served without TLS"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("SOC 2        CC6.1, CC6.6, CC6.7"));
    let list = nexus(&["explain", "--list"]);
    assert_eq!(list.code, 0);
    assert_eq!(list.stdout.lines().count(), nexus_lint::rules::all().len());
    let unknown = nexus(&["explain", "NX-NET-01"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("did you mean NX-NET-001?"));
}

/// On a fixed day, so that a commit's tests answer the same whatever the date: the
/// platform's waivers (`specs/nexus.yaml`) expire on 2027-02-22, and from then on its own
/// `nexus lint` counts their findings again, as it should. That is a review for the
/// platform's owners, not a regression of this repository's code.
#[test]
fn the_repository_specs_lint_clean_at_warning() {
    let run = nexus(&[
        "lint",
        "--today",
        "2026-12-05",
        "--fail-on",
        "warning",
        "--min-severity",
        "warning",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn several_specs_make_one_report_with_their_own_files() {
    let dir = root().join("nexus-lint/tests/fixtures/lint");
    let run = nexus_in(
        &dir,
        &[
            "lint",
            "--today",
            "2026-06-01",
            "--format",
            "json",
            "NX-POD-001/fail.yaml",
            "NX-POD-010/fail.yaml",
        ],
    );
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let at = |rule: &str| {
        let f = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap();
        f["location"]["file"].as_str().unwrap().to_owned()
    };
    assert_eq!(at("NX-POD-001"), "NX-POD-001/fail.yaml");
    assert_eq!(at("NX-POD-010"), "NX-POD-010/fail.yaml");
}

#[test]
fn min_severity_hides_but_counts() {
    let run = in_fixture("NX-AVL-002", &["fail.yaml", "--min-severity", "warning"]);
    assert!(!run.stderr.contains(": info\n"), "{}", run.stderr);
    assert!(run.stderr.contains("NX-AVL-002"));
    assert!(
        run.stderr.contains("below warning not shown"),
        "{}",
        run.stderr
    );
}
