//! Conformance: every rendered object validates against the Kubernetes JSON schemas in
//! strict mode (no unknown fields), for the oldest and the newest Kubernetes version nexus
//! supports, with `kubernetes-validate` (installed by scripts/install-conformance-tools.sh;
//! see docs/conformance.md).
//!
//! The tool only warns about kinds it has no schema for; any warning fails this test unless
//! the kind is a custom resource nexus renders on purpose ([`ALLOWED_UNKNOWN_KINDS`]).
//! `kustomization.yaml` is not a Kubernetes object and is not validated here.

use crate::support::k8s as k8s_support;

use std::process::Command;

use k8s_support::{all_specs, render_all, scratch, tool, write};

/// The oldest and newest Kubernetes versions nexus supports (k8s-openapi 0.29 covers
/// 1.33–1.37; nexus builds its objects against 1.33).
const VERSIONS: [&str; 2] = ["1.33", "1.37"];

/// Kinds without a schema in the validator that nexus renders on purpose: custom resources,
/// validated against their vendored CRD schemas by `k8s_crds.rs` (and `keda_crd.rs`).
const ALLOWED_UNKNOWN_KINDS: [&str; 7] = [
    "ExternalSecret",
    // KEDA, validated against its CRD by keda_crd.rs.
    "ScaledObject",
    "Gateway",
    "HTTPRoute",
    "RateLimitPolicy",
    "ClientSettingsPolicy",
    "ProxySettingsPolicy",
];

/// Runs the tool's own `main` with its schema loader memoized (docs/conformance.md: the
/// tool parses its 1.8 MB definitions file again for every object, about 15 ms each), when
/// it lives in a Python virtualenv; otherwise runs the tool as it is.
const MEMOIZED_MAIN: &str = "import functools, sys\n\
import kubernetes_validate.utils as u\n\
u.schema_contents = functools.lru_cache(maxsize=None)(u.schema_contents)\n\
from kubernetes_validate.__main__ import main\n\
sys.argv[0] = 'kubernetes-validate'\n\
sys.exit(main())\n";

fn command(validator: &std::path::Path) -> Command {
    let python = validator.with_file_name("python");
    if python.is_file() {
        let mut cmd = Command::new(python);
        cmd.args(["-c", MEMOIZED_MAIN]);
        cmd
    } else {
        Command::new(validator)
    }
}

#[test]
fn rendered_objects_validate_strictly() {
    let validator = match tool("NEXUS_KUBERNETES_VALIDATE", "kubernetes-validate") {
        Ok(v) => v,
        Err(looked) => {
            let msg = format!(
                "SKIPPED conformance/k8s: kubernetes-validate not found ({looked}); run scripts/install-conformance-tools.sh"
            );
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
            eprintln!("{msg}");
            return;
        }
    };
    let dir = scratch("k8s-conformance");
    let mut files = Vec::new();
    for (i, path) in all_specs().iter().enumerate() {
        for (env, plan) in render_all(path) {
            let out = dir.join(format!("{i}-{env}"));
            files.extend(
                write(&plan, &out)
                    .into_iter()
                    .filter(|f| !f.ends_with("kustomization.yaml")),
            );
        }
    }
    assert!(files.len() > 30, "every spec rendered: {}", files.len());
    let mut cmd = command(&validator);
    cmd.args(["--strict", "--quiet"]);
    for v in VERSIONS {
        cmd.args(["-k", v]);
    }
    cmd.args(&files);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", validator.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report = format!("{stdout}{stderr}");
    let bad_warnings: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("WARN"))
        .filter(|l| {
            !ALLOWED_UNKNOWN_KINDS
                .iter()
                .any(|k| l.contains(&format!("for kind {k} ")))
        })
        .collect();
    assert!(
        out.status.success() && !report.contains("ERROR") && bad_warnings.is_empty(),
        "kubernetes-validate failed (exit {:?}):\n{report}\nunexpected warnings: {bad_warnings:#?}",
        out.status.code()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
