//! Compose interpolation: how values reach `compose.yaml` text.
//!
//! Compose interpolates `$VAR` and `${VAR}` in every value of the file, so:
//! - literal text has each `$` doubled (`$$`), so a spec value can never name a variable;
//! - a secret becomes `${VAR:?message}`, with `VAR` the secret's [`ir::Secret::env_var`]:
//!   `docker compose` refuses to start when it is unset or empty, and no value is written;
//! - a host placeholder becomes the Compose service name (the workload's name);
//! - Kubernetes-style `$(VAR)` references in arguments become the Compose value of that
//!   variable of the same container (`$$(VAR)` stays a literal `$(VAR)`), as the kubelet
//!   would expand them.

use std::collections::BTreeMap;

use nexus_spec::ir::{self, Segment, Template};

use crate::error::RenderError;

/// Escapes literal text for Compose: every `$` becomes `$$`.
pub(super) fn literal(text: &str) -> String {
    text.replace('$', "$$")
}

/// Whether `name` is a shell-style variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub(super) fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The `${VAR:?message}` reference of a secret.
pub(super) fn secret_ref(secret: &ir::Secret) -> Result<String, RenderError> {
    if !is_var_name(&secret.env_var) {
        return Err(RenderError::Unrenderable(format!(
            "the secret `{}` has the environment variable name `{}`, which Compose cannot interpolate",
            secret.name.value, secret.env_var
        )));
    }
    Ok(required(&secret.env_var))
}

/// `${VAR:?see .env.example}`: the value of `VAR`, and a refusal to start without one.
pub(super) fn required(var: &str) -> String {
    format!("${{{var}:?see .env.example}}")
}

/// Renders [`Template`]s for one platform.
#[derive(Debug)]
pub(super) struct Interpolator<'a> {
    platform: &'a ir::Platform,
}

impl<'a> Interpolator<'a> {
    /// An interpolator over the platform's secrets and workloads.
    pub(super) fn new(platform: &'a ir::Platform) -> Self {
        Interpolator { platform }
    }

    /// A value as Compose text.
    pub(super) fn template(&self, t: &Template) -> Result<String, RenderError> {
        let mut out = String::new();
        for s in t.segments() {
            match s {
                Segment::Text(text) => out.push_str(&literal(text)),
                Segment::Secret(name) => {
                    let secret = self.platform.secret(name).ok_or_else(|| {
                        RenderError::Unrenderable(format!(
                            "a value refers to the unknown secret `{name}`"
                        ))
                    })?;
                    out.push_str(&secret_ref(secret)?);
                }
                Segment::Host(name) => {
                    if self.platform.workload(name).is_none() {
                        return Err(RenderError::Unrenderable(format!(
                            "a value refers to the host of the unknown workload `{name}`"
                        )));
                    }
                    out.push_str(name);
                }
            }
        }
        Ok(out)
    }
}

/// Translates one argument: literal text escaped, `$(VAR)` replaced by `env[VAR]` (already
/// Compose text) when the container defines `VAR`, `$$` read as a literal `$`.
pub(super) fn argument(arg: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = arg;
    while let Some(i) = rest.find('$') {
        out.push_str(&literal(&rest[..i]));
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("$$") {
            out.push_str("$$");
            rest = after;
            continue;
        }
        if let Some(inner) = tail.strip_prefix("$(")
            && let Some(close) = inner.find(')')
            && let Some(value) = env.get(&inner[..close])
        {
            out.push_str(value);
            rest = &inner[close + 1..];
            continue;
        }
        out.push_str("$$");
        rest = &tail[1..];
    }
    out.push_str(&literal(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_text_doubles_every_dollar() {
        assert_eq!(literal("a$b${c}"), "a$$b$${c}");
    }

    #[test]
    fn arguments_expand_like_the_kubelet() {
        let env = BTreeMap::from([("PASS".to_owned(), "${PASS_VAR:?x}".to_owned())]);
        assert_eq!(argument("--requirepass", &env), "--requirepass");
        assert_eq!(argument("$(PASS)", &env), "${PASS_VAR:?x}");
        assert_eq!(argument("a=$(PASS)!", &env), "a=${PASS_VAR:?x}!");
        assert_eq!(argument("$$(PASS)", &env), "$$(PASS)");
        assert_eq!(argument("$(OTHER)", &env), "$$(OTHER)");
        assert_eq!(argument("cost $5 ${HOME}", &env), "cost $$5 $${HOME}");
        assert_eq!(argument("$(PASS", &env), "$$(PASS");
    }

    #[test]
    fn var_names() {
        assert!(is_var_name("POSTGRES_PASSWORD"));
        assert!(is_var_name("_x1"));
        for bad in ["", "1A", "A-B", "A}B", "A B", "A:?B"] {
            assert!(!is_var_name(bad), "{bad}");
        }
    }
}
