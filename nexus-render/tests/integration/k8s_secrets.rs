//! No secret value ever reaches the rendered manifests. The test sets every secret's
//! environment variable (the one Compose and `.env` files read) to a known canary string,
//! renders every environment of every spec, and greps the output for the canaries, raw and
//! base64-encoded (as a Secret's `data` would hold them).
//!
//! Setting environment variables is `unsafe` in a running test process, so the test runs
//! its own binary again as a child with the variables set.

use crate::support::k8s as k8s_support;

use std::process::Command;

use k8s_support::{all_specs, load, render};

const CHILD: &str = "NEXUS_K8S_SECRET_CANARY_CHILD";

fn canary(var: &str) -> String {
    format!("canary-{var}-9f2c71e4")
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every secret variable of every environment of every spec.
fn secret_vars() -> Vec<String> {
    let mut vars = Vec::new();
    for path in all_specs() {
        let spec = load(&path);
        for env in spec.environments() {
            let p = spec.resolve(&env).expect("resolves");
            vars.extend(p.secrets.iter().map(|s| s.env_var.clone()));
        }
    }
    vars.sort();
    vars.dedup();
    vars
}

#[test]
fn secret_values_never_reach_the_output() {
    let vars = secret_vars();
    assert!(vars.len() >= 10, "the specs name their secrets: {vars:?}");
    let mut child = Command::new(std::env::current_exe().expect("the test binary"));
    child.args([
        "--exact",
        "k8s_secrets::canary_child",
        "--nocapture",
        "--test-threads=1",
    ]);
    child.env(CHILD, "1");
    for v in &vars {
        child.env(v, canary(v));
    }
    let out = child.output().expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the child ran the check: {stdout}"
    );
    assert!(stdout.contains("canaries checked"), "{stdout}");
}

/// The check itself; does nothing unless started by the test above.
#[test]
fn canary_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let vars = secret_vars();
    let mut needles = Vec::new();
    for v in &vars {
        let value = std::env::var(v).unwrap_or_else(|_| panic!("{v} is set"));
        assert_eq!(value, canary(v));
        needles.push(base64(value.as_bytes()));
        needles.push(value);
    }
    let mut files = 0;
    for path in all_specs() {
        let spec = load(&path);
        for env in spec.environments() {
            let plan = render(&spec, &env);
            for (file, bytes) in plan.files() {
                let text = String::from_utf8_lossy(bytes);
                for n in &needles {
                    assert!(!text.contains(n.as_str()), "{file} of {env} holds {n}");
                }
                files += 1;
            }
        }
    }
    assert!(files > 20);
    println!("{} canaries checked in {files} files", needles.len());
}

#[test]
fn base64_matches_the_standard() {
    assert_eq!(base64(b"Man"), "TWFu");
    assert_eq!(base64(b"Ma"), "TWE=");
    assert_eq!(base64(b"M"), "TQ==");
}
