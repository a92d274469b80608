//! Reading a rendered Compose service: its interpolated environment and its healthcheck.

use std::collections::BTreeMap;

use serde_json::Value;

use super::objects::{string_list, strings};

/// Compose interpolation of one value: `$$` is `$`; `${VAR}`, `${VAR:-default}`,
/// `${VAR-default}`, `${VAR:?err}`, `${VAR?err}` and `$VAR` read `vars` (an unset
/// required variable fails the test, as `docker compose` refuses the file).
pub fn interpolate(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end = body.find('}').expect("a closed ${...}");
            let expr = &body[..end];
            let cut = expr.find([':', '-', '?']).unwrap_or(expr.len());
            let (name, op) = expr.split_at(cut);
            let set = vars
                .get(name)
                .filter(|v| !(op.starts_with(':') && v.is_empty()));
            let op = op.trim_start_matches(':');
            match (set, op.chars().next()) {
                (Some(v), _) => out.push_str(v),
                (None, Some('-')) => out.push_str(&interpolate(&op[1..], vars)),
                (None, Some('?')) => panic!("compose requires ${name}: {}", &op[1..]),
                (None, _) => {}
            }
            rest = &body[end + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
            } else if let Some(v) = vars.get(&after[..len]) {
                out.push_str(v);
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    out
}

/// A service of `compose.yaml`.
pub fn service<'a>(compose: &'a Value, name: &str) -> &'a Value {
    let s = &compose["services"][name];
    assert!(s.is_object(), "compose.yaml has no service {name}");
    s
}

/// A service's `environment` (mapping or list), interpolated.
pub fn environment(service: &Value, vars: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let env = &service["environment"];
    let pairs: Vec<(String, String)> = if env.is_object() {
        strings(env).into_iter().collect()
    } else {
        string_list(env)
            .unwrap_or_default()
            .into_iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (kv, String::new()),
            })
            .collect()
    };
    pairs
        .into_iter()
        .map(|(k, v)| (k, interpolate(&v, vars)))
        .collect()
}

/// The healthcheck `test` as an argv, as written (before interpolation): `CMD` as is,
/// `CMD-SHELL` (or a string) through `sh -c`; `None` when the service has none or
/// disables it.
pub fn healthcheck_raw(service: &Value) -> Option<Vec<String>> {
    let check = &service["healthcheck"];
    if check["disable"] == Value::Bool(true) {
        return None;
    }
    let raw: Vec<String> = match check["test"].as_str() {
        Some(s) => vec!["CMD-SHELL".into(), s.to_owned()],
        None => string_list(&check["test"])?,
    };
    match raw.first().map(String::as_str) {
        Some("CMD") => Some(raw[1..].to_vec()),
        Some("CMD-SHELL") => Some(vec!["sh".into(), "-c".into(), raw[1..].join(" ")]),
        Some("NONE") | None => None,
        Some(other) => panic!("healthcheck test starts with {other}"),
    }
}

/// The healthcheck argv as the Docker engine runs it: interpolated with `vars`.
pub fn healthcheck(service: &Value, vars: &BTreeMap<String, String>) -> Option<Vec<String>> {
    Some(
        healthcheck_raw(service)?
            .iter()
            .map(|a| interpolate(a, vars))
            .collect(),
    )
}

/// The healthcheck argv with only `$$` unescaped (to read which programs it runs).
pub fn healthcheck_unresolved(service: &Value) -> Option<Vec<String>> {
    Some(
        healthcheck_raw(service)?
            .iter()
            .map(|a| a.replace("$$", "$"))
            .collect(),
    )
}

/// A service's `secrets` as (path in the container, content): short syntax at
/// `/run/secrets/NAME`, long syntax at its `target`. The content is the test's value of the
/// top-level secret's `environment` variable, or of a variable named like the secret.
pub fn secret_files(
    compose: &Value,
    service: &Value,
    vars: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    super::objects::list(&service["secrets"])
        .iter()
        .map(|s| {
            let source = s
                .as_str()
                .or(s["source"].as_str())
                .expect("a secret source");
            let target = s["target"].as_str().unwrap_or(source);
            let path = if target.starts_with('/') {
                target.to_owned()
            } else {
                format!("/run/secrets/{target}")
            };
            let top = &compose["secrets"][source];
            let var = top["environment"].as_str().unwrap_or(source);
            let value = vars
                .get(var)
                .unwrap_or_else(|| panic!("the test gives no value for secret {source} (${var})"));
            (path, value.clone())
        })
        .collect()
}

#[test]
fn interpolation_follows_compose() {
    let vars = BTreeMap::from([("A".to_owned(), "p$w".to_owned())]);
    assert_eq!(
        interpolate("$$A ${A:?x} $A ${B:-d} ${B}", &vars),
        "$A p$w p$w d "
    );
}

#[test]
fn secret_files_follow_compose() {
    let compose: Value = serde_json::json!({
        "secrets": { "db": { "environment": "DB_PASSWORD" }, "key": { "file": "./key" } }
    });
    let service = serde_json::json!({ "secrets": ["db", { "source": "key", "target": "/etc/k" }] });
    let vars = BTreeMap::from([
        ("DB_PASSWORD".to_owned(), "p".to_owned()),
        ("key".to_owned(), "k".to_owned()),
    ]);
    assert_eq!(
        secret_files(&compose, &service, &vars),
        [
            ("/run/secrets/db".to_owned(), "p".to_owned()),
            ("/etc/k".to_owned(), "k".to_owned())
        ]
    );
}
