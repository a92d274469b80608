//! Values every target must be able to hold, work a spec may ask for, and what diagnostics
//! may print: each hostile case is refused with a located diagnostic (exit 1), quickly, and
//! the terminal gets no raw control character and no megabyte line.

use crate::support::cli as support;

use std::time::Duration;

use nexus::spec::codes;
use support::nexus_in;

fn shop() -> String {
    std::fs::read_to_string(support::fixture("render/shop.yaml")).unwrap()
}

fn validate(text: &str) -> (i32, String, Duration) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.yaml"), text).unwrap();
    let run = nexus_in(dir.path(), &["validate", "spec.yaml"]);
    (run.code, run.stderr, run.elapsed)
}

/// `maxBodySize: 8Ei` failed `nginx -t`, `16Ei` was clipped, a `9Ei` memory limit became a
/// negative number in Compose, and `timeout: 99999999999999h` failed `nginx -t`.
#[test]
fn values_no_target_can_hold_are_refused_where_they_are_written() {
    let cases = [
        (
            "maxBodySize: 8Ei",
            "{ path: /api, service: api, maxBodySize: 8Ei }",
        ),
        (
            "maxBodySize: 16Ei",
            "{ path: /api, service: api, maxBodySize: 16Ei }",
        ),
        (
            "timeout",
            "{ path: /api, service: api, timeout: 99999999999999h }",
        ),
    ];
    for (what, route) in cases {
        let text = shop().replace("{ path: /api, service: api }", route);
        assert_ne!(text, shop());
        let (code, stderr, _) = validate(&text);
        assert_eq!(code, 1, "{what}: {stderr}");
        assert!(
            stderr.contains("spec.yaml:46:"),
            "{what}: not located\n{stderr}"
        );
        assert!(
            stderr.contains(codes::INVALID_QUANTITY) || stderr.contains(codes::INVALID_DURATION),
            "{what}: {stderr}"
        );
    }
    let text = shop().replace("memory: 512Mi }", "memory: 9Ei }");
    let (code, stderr, _) = validate(&text);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("spec.yaml:16:"), "{stderr}");
    assert!(stderr.contains("8Ei less one"), "{stderr}");
    // The largest value that fits is accepted.
    let text = shop().replace("memory: 512Mi }", "memory: 7Ei }");
    assert_eq!(validate(&text).0, 0);
}

/// 30,000 one-line services in 64 environments (a 1 MB file) took 14 GB in
/// `render --check`; the product is now checked before anything is resolved.
#[test]
fn a_spec_asking_for_too_much_work_is_refused_fast_with_the_figures() {
    let mut text = String::from(
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: { name: big, version: 1.0.0 }\nspec:\n  services:\n",
    );
    for i in 0..30_000 {
        text.push_str(&format!(
            "    s{i}: {{ image: registry.example.com/a/b:1.0.0 }}\n"
        ));
    }
    text.push_str("  environments:\n");
    for i in 0..64 {
        text.push_str(&format!("    e{i:02}: {{}}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.yaml"), &text).unwrap();
    for args in [
        &["validate", "big.yaml"][..],
        &["render", "big.yaml", "--check"],
    ] {
        let run = nexus_in(dir.path(), args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(codes::TOO_MUCH_WORK), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("30000 workloads × 64 environments = 1920000")
                && run.stderr.contains("at most 50000"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("big.yaml:30007:5"), "{}", run.stderr);
        assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
    }
}

/// Terminal escape sequences in a spec value (set the title, clear the screen) reach the
/// terminal escaped, in the message and in the source snippet.
#[test]
fn control_characters_in_values_are_escaped_in_diagnostics() {
    let text = shop().replace(
        "image: registry.example.com/shop/web:1.2.0",
        "image: \"\\e]0;pwned\\a\\e[2J\"",
    );
    let (code, stderr, _) = validate(&text);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    assert!(stderr.contains("\\x{1b}"), "{stderr}");
}

/// A diagnostic on a 5 MB line shows a window around the span, not the line.
#[test]
fn a_diagnostic_on_a_huge_line_prints_a_window_of_it() {
    let mut text = shop();
    text.push_str("x-note: \"");
    text.push_str(&"y".repeat(5 << 20));
    text.push_str("\u{1}\"\n");
    let (code, stderr, _) = validate(&text);
    assert!(
        code == 1,
        "exit {code}: {}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(stderr.len() < 16 << 10, "{} bytes of stderr", stderr.len());
}

/// Credentials recognised by their shape, under names that do not say "password": a PEM
/// private key, an AWS access key id and a JWT in environment variables, and a literal
/// `--password` in a migration command.
#[test]
fn credentials_are_found_by_their_shape() {
    let pem = "-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\\n-----END EC PRIVATE KEY-----";
    let jwt = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    let text = shop().replace(
        "      dependsOn: [db]\n",
        "      dependsOn: [db]\n      migrations: { command: [migrate, --password, hunter2, up] }\n",
    );
    let text = text.replace(
        "        DATABASE_URL:",
        &format!(
            "        TLS_KEY_PEM: \"{pem}\"\n        AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n        UPSTREAM_AUTH: \"{jwt}\"\n        DATABASE_URL:"
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.yaml"), &text).unwrap();
    let run = nexus_in(dir.path(), &["lint", "spec.yaml", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for needle in [
        "a PEM private key",
        "an AWS access key id",
        "a JSON Web Token",
        "literal `--password` on its migration command",
    ] {
        assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
    }
    assert!(run.stdout.contains("\"errors\": 4,"), "{}", run.stdout);
    let explain = nexus_in(dir.path(), &["explain", "NX-SEC-007"]);
    assert!(
        explain
            .stdout
            .contains("Password passed as a command-line option")
    );
}
