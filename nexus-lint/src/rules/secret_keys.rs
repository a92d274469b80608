//! Secrets across environments: each environment reads its own store keys.

use nexus_spec::Severity::Error;

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[&SHARED_STORE_KEY];

pub(super) static SHARED_STORE_KEY: Rule = Rule {
    id: "NX-SEC-031",
    group: Group::Secrets,
    title: "Two environments read the same secret store key",
    severity: Error,
    enabled: true,
    rationale: "When staging and production read a secret from the same store key, staging holds production's credentials and signing keys: anyone who can read staging's namespace (or its debug logs) can act as production, and rotating one environment's key rotates the other's. Each environment should read its own key, so that access to one grants nothing in another.",
    fix: "Name the environment in the key: `external: { store: vault, key: app/{environment}/db }` reads `app/staging/db` in staging and `app/production/db` in production. If two environments must share a value, waive this finding for the secret and say why.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["CC6.1", "CC6.3"],
    },
    check: |ctx, p, out| {
        for s in &p.secrets {
            let Some(x) = &s.external else { continue };
            if x.shared_with.is_empty() {
                continue;
            }
            let t = Subject {
                object: s.name.value.clone(),
                container: None,
                span: s.name.span,
            };
            out.add(
                &t,
                x.key_span,
                format!(
                    "the secret `{}` reads the store key `{}` of `{}`, which {} also reads",
                    s.name.value,
                    x.key,
                    x.store.value,
                    x.shared_with
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .label(format!("the same key in `{}`", ctx.environment));
        }
    },
};
