//! Credentials recognised by their shape, whatever the variable is called: private keys,
//! cloud access keys, JWTs, and passwords passed as command-line options.

use nexus_spec::Severity::Error;
use nexus_spec::Span;
use nexus_spec::ir::Workload;
use nexus_spec::values::Segment;

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[&SHAPED_SECRET, &PASSWORD_OPTION];

const CREDENTIALS: Compliance = Compliance {
    cis: &[],
    nsa: &["C-0012 Applications credentials in configuration files"],
    pss: None,
    soc2: &["CC6.1", "CC6.6", "CC6.7"],
};

/// What kind of credential `text` holds, if its shape says it is one.
pub(crate) fn credential_shape(text: &str) -> Option<&'static str> {
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") {
        return Some("a PEM private key");
    }
    let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    for w in words {
        if is_aws_access_key_id(w) {
            return Some("an AWS access key id");
        }
        if is_jwt(w) {
            return Some("a JSON Web Token");
        }
    }
    None
}

/// `AKIA` and the other AWS key-id prefixes, then 16 upper-case letters and digits.
fn is_aws_access_key_id(w: &str) -> bool {
    const PREFIXES: [&str; 6] = ["AKIA", "ASIA", "ABIA", "ACCA", "AIDA", "AROA"];
    w.len() == 20
        && PREFIXES.iter().any(|p| w.starts_with(p))
        && w.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `header.payload.signature`, the first two base64url JSON objects (`eyJ` is `{"`).
fn is_jwt(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    let b64 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts[0].len() >= 10
        && parts[1].len() >= 10
        && parts.iter().all(|p| b64(p))
}

/// Option names whose value is a credential.
const SECRET_OPTIONS: [&str; 9] = [
    "password",
    "passwd",
    "pass",
    "token",
    "secret",
    "api-key",
    "apikey",
    "access-key",
    "secret-key",
];

/// The first `--password X` / `--password=X` (and the like, see [`SECRET_OPTIONS`]) in a
/// command line whose value is literal: not a variable (`$VAR`, `$(VAR)`, `${...}`). Each
/// argument is also split on white space, for a shell command in one string.
pub(crate) fn literal_password_option(args: &[String]) -> Option<String> {
    let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
    for (i, w) in words.iter().enumerate() {
        let Some(option) = w.strip_prefix("--") else {
            continue;
        };
        let (name, value) = match option.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (option, words.get(i + 1).copied()),
        };
        let name = name.to_ascii_lowercase();
        let secret = SECRET_OPTIONS
            .iter()
            .any(|o| name == *o || name.ends_with(&format!("-{o}")));
        let literal = value
            .map(|v| v.trim_matches(['"', '\'']))
            .is_some_and(|v| !v.is_empty() && !v.starts_with('-') && !v.contains('$'));
        if secret && literal {
            return Some(format!("--{name}"));
        }
    }
    None
}

/// Every command line a workload runs (its command and args, and its migration's), with
/// what it is called in a finding.
pub(super) fn command_lines(w: &Workload) -> Vec<(&'static str, Vec<String>, Span)> {
    let mut out = Vec::new();
    let main: Vec<String> = w
        .command
        .iter()
        .chain(w.args.iter())
        .flatten()
        .cloned()
        .collect();
    if !main.is_empty() {
        out.push(("command line", main, w.span));
    }
    if let Some(m) = &w.migration {
        out.push(("migration command", m.command.clone(), m.span));
    }
    out
}

/// An env value's literal text (secret placeholders left out).
fn literal_text(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Text(t) | Segment::Host(t) => t.as_str(),
            Segment::Secret(_) => " ",
        })
        .collect()
}

pub(super) static SHAPED_SECRET: Rule = Rule {
    id: "NX-SEC-006",
    group: Group::Secrets,
    title: "Value shaped like a credential",
    severity: Error,
    enabled: true,
    rationale: "A private key, an AWS access key id or a JSON Web Token is a credential whatever the variable or argument holding it is called; written into the spec, it is in version control and every generated file.",
    fix: "Declare a secret under `spec.secrets` and use `${secrets.NAME}` in the variable (for a command line, pass it through an environment variable set from the secret).",
    compliance: CREDENTIALS,
    check: |_, p, out| {
        for w in &p.workloads {
            for e in &w.env {
                if let Some(kind) = credential_shape(&literal_text(e.value.value.segments())) {
                    out.add(
                        &Subject::workload(w),
                        e.value.span,
                        format!(
                            "`{}` sets `{}` to {kind}, written literally",
                            w.name.value, e.name.value
                        ),
                    )
                    .label("literal credential");
                }
            }
            for (what, line, span) in command_lines(w) {
                if let Some(kind) = line.iter().find_map(|a| credential_shape(a)) {
                    out.add(
                        &Subject::workload(w),
                        span,
                        format!("`{}` passes {kind} on its {what}", w.name.value),
                    )
                    .label("literal credential");
                }
            }
        }
    },
};

pub(super) static PASSWORD_OPTION: Rule = Rule {
    id: "NX-SEC-007",
    group: Group::Secrets,
    title: "Password passed as a command-line option",
    severity: Error,
    enabled: true,
    rationale: "`--password hunter2` on a command line is in the spec, in every generated manifest, and visible to anyone who can list processes on the node.",
    fix: "Set an environment variable from a secret (`DB_PASSWORD: ${secrets.db-password}`) and have the program read it, or pass `--password=$(DB_PASSWORD)` so Kubernetes expands it.",
    compliance: CREDENTIALS,
    check: |_, p, out| {
        for w in &p.workloads {
            for (what, line, span) in command_lines(w) {
                if let Some(option) = literal_password_option(&line) {
                    out.add(
                        &Subject::workload(w),
                        span,
                        format!(
                            "`{}` passes a literal `{option}` on its {what}",
                            w.name.value
                        ),
                    )
                    .label("literal password option");
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::{credential_shape, literal_password_option};

    #[test]
    fn shapes() {
        let pem =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(credential_shape(pem), Some("a PEM private key"));
        assert_eq!(
            credential_shape("id=AKIAIOSFODNN7EXAMPLE;"),
            Some("an AWS access key id")
        );
        let jwt = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(credential_shape(jwt), Some("a JSON Web Token"));
        for fine in [
            "-----BEGIN CERTIFICATE-----",
            "AKIAIOSFODNN7EXAMPL",
            "akiaiosfodnn7example",
            "registry.example.com/demo/web:1.0.0",
            "a.b.c",
            "https://example.com/eyJ.eyJ.x",
        ] {
            assert_eq!(credential_shape(fine), None, "{fine}");
        }
    }

    #[test]
    fn password_options() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let found = |a: &[&str]| literal_password_option(&v(a));
        assert_eq!(
            found(&["migrate", "--password", "hunter2"]),
            Some("--password".into())
        );
        assert_eq!(
            found(&["migrate", "--password=hunter2"]),
            Some("--password".into())
        );
        assert_eq!(
            found(&["sh", "-c", "migrate --db-password 's3cret' up"]),
            Some("--db-password".into())
        );
        assert_eq!(found(&["tool", "--api-key=abc"]), Some("--api-key".into()));
        for fine in [
            &["migrate", "--password", "$(DB_PASSWORD)"][..],
            &["migrate", "--password=${DB_PASSWORD}"],
            &["migrate", "--password-file", "/run/secrets/db"],
            &["migrate", "--password"],
            &["migrate", "--password", "--verbose"],
            &["migrate", "--passes", "3"],
        ] {
            assert_eq!(found(fine), None, "{fine:?}");
        }
    }
}
