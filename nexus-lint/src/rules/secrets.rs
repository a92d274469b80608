//! Secrets: values that must never be written into a spec or a generated file.

use std::collections::BTreeSet;

use nexus_spec::Severity::{Error, Info};
use nexus_spec::values::Segment;

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[
    &LITERAL_SECRET,
    &URL_CREDENTIALS,
    &UNDECLARED,
    &NOT_EXTERNAL,
    &UNUSED,
];

const CREDENTIALS: Compliance = Compliance {
    cis: &[],
    nsa: &["C-0012 Applications credentials in configuration files"],
    pss: None,
    soc2: &["CC6.1", "CC6.6", "CC6.7"],
};

/// Whether an environment variable's name says it holds a credential.
pub(crate) fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if matches!(
        words.last(),
        Some(&("FILE" | "PATH" | "DIR" | "URL" | "URI" | "HOST" | "ENABLED" | "USER" | "USERNAME"))
    ) {
        return false;
    }
    let single = [
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "SECRET",
        "TOKEN",
        "CREDENTIAL",
        "CREDENTIALS",
        "APIKEY",
        "PASSPHRASE",
        "PRIVATEKEY",
    ];
    let key_kinds = [
        "API",
        "PRIVATE",
        "SECRET",
        "ENCRYPTION",
        "SIGNING",
        "MASTER",
        "AUTH",
        "LICENSE",
        "ACCOUNT",
    ];
    words.iter().any(|w| single.contains(w))
        || words
            .windows(2)
            .any(|p| p[1] == "KEY" && key_kinds.contains(&p[0]))
}

/// The credential written literally inside a URL's user-info, if any. Secret placeholders
/// count as not literal.
fn literal_url_password(segments: &[Segment]) -> Option<String> {
    const SECRET: char = '\u{1}';
    let text: String = segments
        .iter()
        .map(|s| match s {
            Segment::Text(t) => t.clone(),
            Segment::Secret(_) => SECRET.to_string(),
            Segment::Host(h) => h.clone(),
        })
        .collect();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("://") {
        rest = &rest[i + 3..];
        let end = rest.find(['/', '?', '#', ' ', '\t']).unwrap_or(rest.len());
        let authority = &rest[..end];
        if let Some(at) = authority.rfind('@')
            && let Some((_, password)) = authority[..at].split_once(':')
            && !password.is_empty()
            && password.chars().any(|c| c != SECRET)
        {
            return Some(password.replace(SECRET, "${secret}"));
        }
    }
    None
}

pub(super) static LITERAL_SECRET: Rule = Rule {
    id: "NX-SEC-001",
    group: Group::Secrets,
    title: "Credential-like variable with a literal value",
    severity: Error,
    enabled: true,
    rationale: "A password or token written into the spec is in version control, in every generated file and in every log of them, forever; it cannot be rotated without a commit.",
    fix: "Declare a secret under `spec.secrets` and use `${secrets.NAME}` as the value.",
    compliance: CREDENTIALS,
    check: |_, p, out| {
        for w in &p.workloads {
            for e in &w.env {
                let segments = e.value.value.segments();
                let has_secret = segments.iter().any(|s| matches!(s, Segment::Secret(_)));
                let literal: String = segments
                    .iter()
                    .filter_map(|s| match s {
                        Segment::Text(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect();
                let trivial = literal.trim().is_empty()
                    || literal.starts_with('/')
                    || matches!(
                        literal.to_ascii_lowercase().as_str(),
                        "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1"
                    );
                if !has_secret && !trivial && secret_like(&e.name.value) {
                    out.add(
                        &Subject::workload(w),
                        e.value.span,
                        format!(
                            "`{}` sets `{}` to a literal value",
                            w.name.value, e.name.value
                        ),
                    )
                    .label("literal credential")
                    .related(e.name.span, "credential-like name");
                }
            }
        }
    },
};

pub(super) static URL_CREDENTIALS: Rule = Rule {
    id: "NX-SEC-002",
    group: Group::Secrets,
    title: "Credentials written inside a URL",
    severity: Error,
    enabled: true,
    rationale: "A password inside a connection string (`scheme://user:password@host`) is as exposed as any other literal credential, and URLs are logged more often than anything else.",
    fix: "Write the password part as `${secrets.NAME}`: `postgresql://${db.user}:${secrets.db-password}@${db.host}/app`.",
    compliance: CREDENTIALS,
    check: |_, p, out| {
        for w in &p.workloads {
            for e in &w.env {
                if literal_url_password(e.value.value.segments()).is_some() {
                    out.add(
                        &Subject::workload(w),
                        e.value.span,
                        format!(
                            "`{}` sets `{}` to a URL with a literal password",
                            w.name.value, e.name.value
                        ),
                    )
                    .label("password inside the URL");
                }
            }
            let lines = super::credentials::command_lines(w);
            for a in lines.iter().flat_map(|(_, line, _)| line) {
                if literal_url_password(&[Segment::Text(a.clone())]).is_some() {
                    out.add(
                        &Subject::workload(w),
                        w.span,
                        format!(
                            "`{}` passes a URL with a literal password on its command line",
                            w.name.value
                        ),
                    )
                    .label("password in command or args");
                }
            }
        }
    },
};

pub(super) static UNDECLARED: Rule = Rule {
    id: "NX-SEC-003",
    group: Group::Secrets,
    title: "Reference to an undeclared secret",
    severity: Error,
    enabled: true,
    rationale: "A reference to a secret the platform does not declare renders as a reference to nothing: the workload fails at start, or worse, starts with an empty password.",
    fix: "Declare the secret under `spec.secrets`, or correct the name.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            for e in &w.env {
                for s in e.value.value.secrets() {
                    if p.secret(s).is_none() {
                        out.add(
                            &Subject::workload(w),
                            e.value.span,
                            format!(
                                "`{}` uses the undeclared secret `{s}` in `{}`",
                                w.name.value, e.name.value
                            ),
                        )
                        .label("undeclared secret");
                    }
                }
            }
            if let Some(c) = &w.credentials
                && p.secret(&c.password_secret.value).is_none()
            {
                out.add(
                    &Subject::workload(w),
                    c.password_secret.span,
                    format!(
                        "`{}` takes its password from the undeclared secret `{}`",
                        w.name.value, c.password_secret.value
                    ),
                )
                .label("undeclared secret");
            }
        }
    },
};

pub(super) static NOT_EXTERNAL: Rule = Rule {
    id: "NX-SEC-004",
    group: Group::Secrets,
    title: "Secret not kept in an external store",
    severity: Info,
    enabled: true,
    rationale: "A secret without an external store must be created by hand in every cluster and environment; an external store (Vault, a cloud secret manager) keeps one audited, rotatable copy.",
    fix: "Add `external: { store: ..., key: ... }` to the secret.",
    compliance: Compliance {
        cis: &["5.4.2"],
        nsa: &[],
        pss: None,
        soc2: &["CC6.1"],
    },
    check: |_, p, out| {
        for s in p.secrets.iter().filter(|s| s.external.is_none()) {
            let t = Subject {
                object: s.name.value.clone(),
                container: None,
                span: s.name.span,
            };
            out.add(
                &t,
                s.name.span,
                format!(
                    "the secret `{}` is not kept in an external store",
                    s.name.value
                ),
            )
            .label("no external store");
        }
    },
};

pub(super) static UNUSED: Rule = Rule {
    id: "NX-SEC-005",
    group: Group::Secrets,
    title: "Declared secret never used",
    severity: Info,
    enabled: true,
    rationale: "A secret nothing uses is still provisioned, synced and readable in the namespace: access to it is granted for nothing.",
    fix: "Remove the secret, or use it where it was meant to go.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let mut used: BTreeSet<&str> = BTreeSet::new();
        for w in &p.workloads {
            used.extend(w.secrets());
            if let Some(c) = &w.credentials {
                used.insert(&c.password_secret.value);
            }
        }
        // Backup destinations read their keys (the backup steps, MinIO's setup).
        used.extend(p.backup_destinations.iter().flat_map(|d| d.secrets()));
        for s in p
            .secrets
            .iter()
            .filter(|s| !used.contains(s.name.value.as_str()))
        {
            let t = Subject {
                object: s.name.value.clone(),
                container: None,
                span: s.name.span,
            };
            out.add(
                &t,
                s.name.span,
                format!(
                    "the secret `{}` is declared but nothing uses it",
                    s.name.value
                ),
            )
            .label("unused");
        }
    },
};

#[cfg(test)]
mod tests {
    use super::{literal_url_password, secret_like};
    use nexus_spec::values::Segment;

    #[test]
    fn names() {
        for n in [
            "DB_PASSWORD",
            "JWT_SECRET",
            "api_key",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "ENCRYPTION_KEY",
            "PRIVATE_KEY",
        ] {
            assert!(secret_like(n), "{n}");
        }
        for n in [
            "MINIO_ACCESS_KEY",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "NODE_ENV",
            "KEYCLOAK_HOST",
            "SECRETARY",
            "DB_USER",
        ] {
            assert!(!secret_like(n), "{n}");
        }
    }

    #[test]
    fn urls() {
        let t = |s: &str| vec![Segment::Text(s.into())];
        assert!(literal_url_password(&t("postgres://app:hunter2@db/app")).is_some());
        assert!(literal_url_password(&t("redis://:pw@cache:6379")).is_some());
        assert!(literal_url_password(&t("http://user@host/")).is_none());
        assert!(literal_url_password(&t("http://host:8080/a:b@c")).is_none());
        let with_secret = vec![
            Segment::Text("postgres://app:".into()),
            Segment::Secret("db".into()),
            Segment::Text("@".into()),
            Segment::Host("db".into()),
            Segment::Text("/app".into()),
        ];
        assert!(literal_url_password(&with_secret).is_none());
    }
}
