//! Secrets: names, variables and store keys, resolved for one environment.
//!
//! A store key may name the environment it is read in: `{environment}` in
//! `external.key` is replaced by the environment's name (`nexus/{environment}/postgres` is
//! `nexus/staging/postgres` in staging), so one declaration gives every environment its own
//! key (decision record 0013). Each resolved reference also lists the other environments that
//! read the same store key, for lint rule NX-SEC-031.

use super::ctx::Resolver;
use super::overlaid::Overlaid;
use crate::codes;
use crate::ir;
use crate::model::ExternalSecretRef;
use crate::span::Spanned;
use crate::values;

/// The placeholder of a store key that names the environment.
pub(super) const ENVIRONMENT_PLACEHOLDER: &str = "{environment}";

/// The store key `x` names in `environment`.
pub(crate) fn store_key(x: &ExternalSecretRef, environment: &str) -> String {
    x.key.value.replace(ENVIRONMENT_PLACEHOLDER, environment)
}

/// Braces in a key other than `{environment}` are refused: a key template knows no other
/// placeholder, and a typo (`{enviroment}`) would otherwise become a literal key shared by
/// every environment.
fn check_key(ctx: &mut Resolver, key: &Spanned<String>) {
    let rest = key.value.replace(ENVIRONMENT_PLACEHOLDER, "");
    if rest.contains(['{', '}']) {
        ctx.error(
            codes::INVALID_VALUE,
            key.span,
            format!(
                "the store key `{}` has a placeholder other than `{ENVIRONMENT_PLACEHOLDER}`",
                values::name::shorten(&key.value)
            ),
            "unknown placeholder",
            "a store key may name the environment as `{environment}` (`app/{environment}/db`); write every other part literally",
        );
    }
}

pub(super) fn secrets(
    ctx: &mut Resolver,
    spec: &Overlaid<'_>,
    environment: &str,
    environments: &[String],
) -> Vec<ir::Secret> {
    let mut out = Vec::new();
    for (name, s) in spec.secrets() {
        ctx.name(name, "secret name", values::name::dns1123_label);
        let env_var = match &s.env {
            Some(e) => {
                ctx.name(e, "environment variable name", values::name::env_var);
                e.value.clone()
            }
            None => name.value.to_ascii_uppercase().replace('-', "_"),
        };
        if let Some(d) = &s.description {
            ctx.single_line(d, "secret description");
        }
        let external = s.external.as_ref().map(|x| {
            ctx.name(&x.store, "secret store name", values::name::dns1123_label);
            ctx.single_line(&x.key, "secret store key");
            check_key(ctx, &x.key);
            if let Some(p) = &x.property {
                ctx.single_line(p, "secret store property");
            }
            let key = store_key(x, environment);
            ir::ExternalSecret {
                store: x.store.clone(),
                store_kind: x.store_kind.map(|k| k.value).unwrap_or_default(),
                shared_with: shared_with(spec, x, &key, environment, environments),
                key,
                key_span: x.key.span,
                property: x.property.as_ref().map(|p| p.value.clone()),
            }
        });
        out.push(ir::Secret {
            name: name.clone(),
            env_var,
            description: s.description.as_ref().map(|d| d.value.clone()),
            external,
        });
    }
    let mut vars: Vec<(&str, &Spanned<String>)> =
        out.iter().map(|s| (s.env_var.as_str(), &s.name)).collect();
    vars.sort_by(|a, b| a.0.cmp(b.0));
    for pair in vars.windows(2) {
        if pair[0].0 == pair[1].0 {
            ctx.error(
                codes::DUPLICATE_NAME,
                pair[1].1.span,
                format!(
                    "secrets `{}` and `{}` both use the variable `{}`",
                    pair[0].1.value, pair[1].1.value, pair[0].0
                ),
                "same variable",
                "give one of them another `env` name",
            );
        }
    }
    out
}

/// The other environments in which some secret is read from the same store and key as `x`
/// is here (sorted). The property is not compared: stores grant access by key, so an
/// environment allowed to read a key can read every property under it.
fn shared_with(
    spec: &Overlaid<'_>,
    x: &ExternalSecretRef,
    key: &str,
    environment: &str,
    environments: &[String],
) -> Vec<String> {
    environments
        .iter()
        .filter(|other| other.as_str() != environment)
        .filter(|other| {
            spec.secrets()
                .values()
                .filter_map(|s| s.external.as_ref())
                .any(|y| {
                    y.store.value == x.store.value
                        && y.store_kind.map(|k| k.value) == x.store_kind.map(|k| k.value)
                        && store_key(y, other) == key
                })
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::Spec;

    fn spec(key: &str) -> Spec {
        let text = format!(
            "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: {{ name: demo, version: 1.0.0 }}\nspec:\n  secrets:\n    db: {{ external: {{ store: vault, key: \"{key}\" }} }}\n  services:\n    web:\n      image: registry.example.com/demo/web:1.0.0\n      env: {{ PASSWORD: \"${{secrets.db}}\" }}\n  environments:\n    staging: {{}}\n    production: {{}}\n"
        );
        Spec::from_str("demo.yaml", &text).expect("loads")
    }

    fn external(spec: &Spec, env: &str) -> crate::ir::ExternalSecret {
        let p = spec.resolve(env).expect("resolves");
        p.secrets[0].external.clone().expect("external")
    }

    #[test]
    fn the_environment_in_the_key_gives_each_environment_its_own_key() {
        let s = spec("app/{environment}/db");
        assert!(!s.validate().has_errors());
        let (st, pr) = (external(&s, "staging"), external(&s, "production"));
        assert_eq!(st.key, "app/staging/db");
        assert_eq!(pr.key, "app/production/db");
        assert!(st.shared_with.is_empty() && pr.shared_with.is_empty());
    }

    #[test]
    fn a_literal_key_is_shared_with_every_other_environment() {
        let s = spec("app/db");
        assert_eq!(external(&s, "staging").shared_with, vec!["production"]);
        assert_eq!(external(&s, "production").shared_with, vec!["staging"]);
    }

    #[test]
    fn another_placeholder_in_a_key_is_refused() {
        let d = spec("app/{enviroment}/db").validate();
        assert!(d.has_errors());
        assert!(
            d.iter()
                .any(|d| d.message.contains("placeholder other than")),
            "{d:?}"
        );
    }
}
