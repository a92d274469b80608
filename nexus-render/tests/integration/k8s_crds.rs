//! Custom resources are checked like built-ins: every object nexus renders whose kind is not
//! a built-in Kubernetes kind validates against the upstream CRD schema of a pinned release,
//! vendored under `tests/crds/` (see its README for sources, tags and commits), with unknown
//! fields refused.
//!
//! A CRD's `openAPIV3Schema` does not set `additionalProperties: false` (the API server
//! prunes unknown fields instead, silently), so the test makes every object schema that lists
//! `properties` closed, unless it says `x-kubernetes-preserve-unknown-fields`. The CEL rules
//! (`x-kubernetes-validations`) are not evaluated.

use crate::support::k8s as k8s_support;

use std::collections::BTreeMap;
use std::path::Path;

use k8s_support::{all_specs, render_all, repo};
use serde_json::Value;

/// API groups of built-in kinds (validated by `k8s_conformance.rs`).
const BUILT_IN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "scheduling.k8s.io",
    "kustomize.config.k8s.io",
];

/// API groups of custom resources validated against their CRD by another test: KEDA's
/// ScaledObject, by `keda_crd.rs` (its CRD is vendored as YAML under `crds/keda/`).
const CHECKED_ELSEWHERE: &[&str] = &["keda.sh"];

/// Closes every object schema that declares properties (see the module docs).
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let preserve = map
                .get("x-kubernetes-preserve-unknown-fields")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && !preserve
            {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for v in map.values_mut() {
                strict(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// The vendored schemas, by (apiVersion, kind), made strict.
fn schemas() -> BTreeMap<(String, String), jsonschema::Validator> {
    let dir = repo().join("nexus-render/tests/crds");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("tests/crds") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path.file_stem().and_then(|s| s.to_str()).expect("name");
        let parts: Vec<&str> = name.split('_').collect();
        let [group, kind, version] = parts[..] else {
            panic!("{name}: expected GROUP_KIND_VERSION.json");
        };
        let text = std::fs::read_to_string(&path).expect("read");
        let doc: Value = serde_json::from_str(&text).expect("json");
        let mut schema = doc["schema"].clone();
        strict(&mut schema);
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("{name}: the schema compiles: {e}"));
        out.insert((format!("{group}/{version}"), kind.to_owned()), validator);
    }
    out
}

/// Every document of a rendered YAML file.
fn documents(text: &str) -> Vec<Value> {
    text.split("\n---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| serde_saphyr::from_str::<Value>(d).expect("rendered YAML parses"))
        .collect()
}

/// The errors of one object against its schema; `None` when it is a built-in kind.
fn check(
    schemas: &BTreeMap<(String, String), jsonschema::Validator>,
    doc: &Value,
) -> Option<Vec<String>> {
    let api = doc["apiVersion"].as_str().unwrap_or_default().to_owned();
    let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
    let group = api.rsplit_once('/').map_or("", |(g, _)| g);
    if BUILT_IN_GROUPS.contains(&group) || CHECKED_ELSEWHERE.contains(&group) {
        return None;
    }
    let Some(v) = schemas.get(&(api.clone(), kind.clone())) else {
        return Some(vec![format!(
            "{api} {kind}: a custom resource without a vendored CRD schema"
        )]);
    };
    Some(
        v.iter_errors(doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect(),
    )
}

#[test]
fn every_custom_resource_validates_against_its_pinned_crd() {
    let schemas = schemas();
    assert!(schemas.len() >= 6, "vendored schemas: {}", schemas.len());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for spec in all_specs() {
        for (env, plan) in render_all(&spec) {
            for (path, bytes) in plan.files() {
                let text = std::str::from_utf8(bytes).expect("utf-8");
                for doc in documents(text) {
                    let Some(errors) = check(&schemas, &doc) else {
                        continue;
                    };
                    let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
                    *seen.entry(kind.clone()).or_default() += 1;
                    for e in errors {
                        failures.push(format!(
                            "{} {env} {path} {kind} {}: {e}",
                            spec.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
                            doc["metadata"]["name"].as_str().unwrap_or("?")
                        ));
                    }
                }
            }
        }
    }
    for kind in [
        "Gateway",
        "HTTPRoute",
        "RateLimitPolicy",
        "ClientSettingsPolicy",
        "ProxySettingsPolicy",
        "ExternalSecret",
    ] {
        assert!(seen.contains_key(kind), "no {kind} was rendered: {seen:?}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The strict schemas refuse what the API server would prune or reject: an unknown field, a
/// value outside the schema, a misspelt nested field.
#[test]
fn the_check_refuses_unknown_fields_and_bad_values() {
    let schemas = schemas();
    let plans = render_all(&repo().join("specs/nexus.yaml"));
    let (_, plan) = plans.first().expect("an environment");
    let text = plan
        .files()
        .find(|(p, _)| Path::new(p).file_name().and_then(|n| n.to_str()) == Some("70-gateway.yaml"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("70-gateway.yaml");
    let docs = documents(&text);
    let find = |kind: &str| {
        docs.iter()
            .find(|d| d["kind"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("a {kind}"))
    };
    let ok = |d: &Value| check(&schemas, d).expect("custom").is_empty();
    let gateway = find("Gateway");
    assert!(ok(&gateway));
    let mut bad = gateway.clone();
    bad["spec"]["listenerz"] = Value::Array(Vec::new());
    assert!(!ok(&bad), "an unknown spec field is refused");
    let mut bad = gateway.clone();
    bad["spec"]["listeners"][0]["tls"] = serde_json::json!({"mode": "Terminate", "certRefs": []});
    assert!(!ok(&bad), "a misspelt nested field is refused");
    let limit = find("RateLimitPolicy");
    assert!(ok(&limit));
    let mut bad = limit.clone();
    bad["spec"]["rateLimit"]["local"]["rules"][0]["rate"] = "10/m".into();
    assert!(!ok(&bad), "a rate outside the pattern is refused");
    let route = find("HTTPRoute");
    let mut bad = route.clone();
    bad["spec"]["rules"][0]["matches"] =
        serde_json::json!([{"path": {"type": "Prefix", "value": "/"}}]);
    assert!(!ok(&bad), "an Ingress path type in an HTTPRoute is refused");
}
