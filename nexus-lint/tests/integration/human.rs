//! The human report of a few fixtures, as reviewed snapshots: the spec excerpt, the label on
//! the offending value, related labels, the help line, waived findings and the summary.

use std::path::PathBuf;

use nexus_lint::report::human::{self, HumanOptions};
use nexus_lint::report::{Report, json};
use nexus_lint::{LintOptions, Linter, Policy};
use nexus_spec::{SourceMap, Spec};

/// Lints a fixture (named relative to the crate, so snapshots do not depend on where the
/// checkout is) with its folder's policy, if any.
fn lint(rel: &str) -> (Report, SourceMap) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(rel)).expect("fixture");
    let spec = Spec::from_str(rel, &text).expect("valid spec");
    let policy_path = root.join(rel).with_file_name("nexus-policy.yaml");
    let policy = if policy_path.exists() {
        nexus_lint::policy::load(&policy_path).expect("policy")
    } else {
        Policy::default()
    };
    let mut linter = Linter::new(
        &policy,
        LintOptions {
            today: "2026-06-01".parse().unwrap(),
        },
    );
    for p in spec.resolve_all().expect("resolves") {
        linter.check(&p);
    }
    (linter.finish(), spec.sources().clone())
}

fn human(rel: &str) -> String {
    let (report, sources) = lint(rel);
    human::render(&report, &sources, HumanOptions::default())
}

/// The report without the infos every fixture has (Compose limits of the base).
fn loud(rel: &str) -> String {
    let (report, sources) = lint(rel);
    let options = HumanOptions {
        min_severity: nexus_spec::Severity::Warning,
        ..HumanOptions::default()
    };
    human::render(&report, &sources, options)
}

#[test]
fn privileged() {
    insta::assert_snapshot!(loud("tests/fixtures/lint/NX-POD-001/fail.yaml"));
}

#[test]
fn budget_with_related_labels() {
    insta::assert_snapshot!(loud("tests/fixtures/lint/NX-RES-008/fail.yaml"));
}

#[test]
fn literal_url_credentials() {
    insta::assert_snapshot!(loud("tests/fixtures/lint/NX-SEC-002/fail.yaml"));
}

#[test]
fn expired_and_valid_waivers() {
    insta::assert_snapshot!(
        "expired_waiver",
        loud("tests/fixtures/lint/NX-WVR-001/fail.yaml")
    );
    insta::assert_snapshot!("waived", human("tests/fixtures/lint/NX-WVR-001/pass.yaml"));
    let (report, sources) = lint("tests/fixtures/lint/NX-WVR-001/pass.yaml");
    let listed = HumanOptions {
        show_waived: true,
        ..HumanOptions::default()
    };
    insta::assert_snapshot!("waived_listed", human::render(&report, &sources, listed));
}

#[test]
fn json_report() {
    let (report, sources) = lint("tests/fixtures/lint/NX-WVR-001/pass.yaml");
    insta::assert_snapshot!(json::render(&report, &sources, "0.0.0-test"));
}
