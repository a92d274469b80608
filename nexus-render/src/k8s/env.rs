//! A container's environment: plain values through a ConfigMap, secrets by reference only.
//!
//! * A value with no secret in it (placeholders for hosts resolve to cluster DNS names) goes
//!   into the workload's ConfigMap and reaches the container through `configMapKeyRef`.
//! * A value that is exactly one secret reaches it through `secretKeyRef`.
//! * A value that embeds a secret (`postgresql://nexus:${secrets.pg}@...`) uses Kubernetes'
//!   `$(VAR)` expansion: the secret is first put into a helper variable
//!   (`NEXUS_SECRET_PG`, by `secretKeyRef`), listed before every other variable because
//!   Kubernetes only expands variables defined earlier in the list; the composite value then
//!   says `$(NEXUS_SECRET_PG)`. Its literal text has every `$` doubled, so no text of the spec
//!   is ever expanded.
//!
//! No secret value is ever written: the Kubernetes Secret named after the nexus secret holds
//! it under the key [`SECRET_KEY`].

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{ConfigMapKeySelector, EnvVar, EnvVarSource, SecretKeySelector};
use nexus_spec::ir::{self, Segment, Template};

use super::meta::{Naming, SECRET_KEY};
use crate::error::RenderError;

/// Prefix of the helper variables that carry a secret into a composite value.
pub const SECRET_VAR_PREFIX: &str = nexus_spec::names::SECRET_VAR_PREFIX;

/// A container's environment, and the ConfigMap data its plain values come from.
#[derive(Debug, Default)]
pub(crate) struct Env {
    /// The `env` list, in the order Kubernetes needs.
    pub vars: Vec<EnvVar>,
    /// ConfigMap data: variable name → value.
    pub config: BTreeMap<String, String>,
}

/// The helper variable that carries `secret`: `NEXUS_SECRET_` + the name in upper snake case.
pub(crate) fn secret_var(secret: &str) -> String {
    format!(
        "{SECRET_VAR_PREFIX}{}",
        secret.to_ascii_uppercase().replace('-', "_")
    )
}

/// An env var read from a key of the Kubernetes Secret named after a nexus secret.
pub(crate) fn from_secret(name: &str, secret: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret.to_owned(),
                key: SECRET_KEY.to_owned(),
                ..SecretKeySelector::default()
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}

/// A literal env var (for values nexus itself sets, never for spec values that could hold
/// `$(`: those go through the ConfigMap).
pub(crate) fn literal(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: Some(escape(&value.into())),
        ..EnvVar::default()
    }
}

/// Escapes text for an `env[].value`, `command` or `args` field: `$` becomes `$$`, so
/// Kubernetes' `$(VAR)` expansion leaves it as written.
pub(crate) fn escape(text: &str) -> String {
    text.replace('$', "$$")
}

fn from_config_map(name: &str, config_map: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value_from: Some(EnvVarSource {
            config_map_key_ref: Some(ConfigMapKeySelector {
                name: config_map.to_owned(),
                key: name.to_owned(),
                ..ConfigMapKeySelector::default()
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}

fn single_secret(t: &Template) -> Option<&str> {
    match t.segments() {
        [Segment::Secret(s)] => Some(s),
        _ => None,
    }
}

fn is_config_map_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Builds the environment of a workload's container. Plain values are read from the
/// ConfigMap `config_map`, which the caller renders from [`Env::config`] when it is not empty.
pub(crate) fn build(
    ctx: &Naming<'_>,
    env: &[ir::EnvVar],
    config_map: &str,
) -> Result<Env, RenderError> {
    let names: BTreeSet<&str> = env.iter().map(|e| e.name.value.as_str()).collect();
    let helpers: BTreeSet<&str> = env
        .iter()
        .filter(|e| single_secret(&e.value.value).is_none())
        .flat_map(|e| e.value.value.secrets())
        .collect();
    let mut out = Env::default();
    for secret in &helpers {
        let var = secret_var(secret);
        if names.contains(var.as_str()) {
            return Err(RenderError::Unrenderable(format!(
                "the environment variable `{var}` clashes with the variable nexus uses to carry the secret `{secret}`; rename it"
            )));
        }
        out.vars.push(from_secret(&var, secret));
    }
    for e in env {
        let name = e.name.value.as_str();
        let t = &e.value.value;
        if let Some(secret) = single_secret(t) {
            out.vars.push(from_secret(name, secret));
        } else if t.secrets().next().is_some() {
            let value = t
                .segments()
                .iter()
                .map(|s| match s {
                    Segment::Text(text) => escape(text),
                    Segment::Host(h) => ctx.host(h),
                    Segment::Secret(secret) => format!("$({})", secret_var(secret)),
                })
                .collect();
            out.vars.push(EnvVar {
                name: name.to_owned(),
                value: Some(value),
                ..EnvVar::default()
            });
        } else {
            if !is_config_map_key(name) {
                return Err(RenderError::Unrenderable(format!(
                    "the environment variable name `{name}` cannot be a ConfigMap key"
                )));
            }
            let value = t.render(|s| match s {
                Segment::Host(h) => ctx.host(h),
                _ => String::new(),
            });
            out.config.insert(name.to_owned(), value);
            out.vars.push(from_config_map(name, config_map));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::testing::platform;
    use nexus_spec::Spanned;

    fn var(name: &str, segments: Vec<Segment>) -> ir::EnvVar {
        ir::EnvVar {
            name: Spanned::detached(name.to_owned()),
            value: Spanned::detached(Template::from_segments(segments)),
        }
    }

    #[test]
    fn secrets_are_references_and_helpers_come_first() {
        let p = platform();
        let ctx = Naming::new(&p);
        let env = vec![
            var(
                "DATABASE_URL",
                vec![
                    Segment::Text("postgresql://u:".into()),
                    Segment::Secret("pg-password".into()),
                    Segment::Text("@".into()),
                    Segment::Host("postgres".into()),
                    Segment::Text(":5432/$(db)".into()),
                ],
            ),
            var("JWT", vec![Segment::Secret("jwt".into())]),
            var("MODE", vec![Segment::Text("$(x)".into())]),
        ];
        let out = build(&ctx, &env, "api-env").unwrap();
        let names: Vec<&str> = out.vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            ["NEXUS_SECRET_PG_PASSWORD", "DATABASE_URL", "JWT", "MODE"]
        );
        assert_eq!(
            out.vars[1].value.as_deref(),
            Some(
                "postgresql://u:$(NEXUS_SECRET_PG_PASSWORD)@postgres.demo-staging.svc.cluster.local:5432/$$(db)"
            )
        );
        assert!(
            out.vars[2]
                .value_from
                .as_ref()
                .unwrap()
                .secret_key_ref
                .is_some()
        );
        assert_eq!(out.config.get("MODE").map(String::as_str), Some("$(x)"));
    }

    #[test]
    fn helper_name_clash_is_an_error() {
        let p = platform();
        let env = vec![
            var(
                "A",
                vec![Segment::Text("x".into()), Segment::Secret("s".into())],
            ),
            var("NEXUS_SECRET_S", vec![Segment::Text("y".into())]),
        ];
        assert!(build(&Naming::new(&p), &env, "cm").is_err());
    }
}
