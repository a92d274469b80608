//! Validation of rendered KEDA objects against the vendored CRD (`tests/crds/keda/`): the
//! CRD's OpenAPI v3 schema as a JSON Schema, closed (every object that declares properties
//! refuses others, unless the schema says it keeps unknown fields).

use std::path::Path;

use serde_json::Value;

/// Closes every object schema under `v` that lists `properties`.
fn close(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let open = map
                .get("x-kubernetes-preserve-unknown-fields")
                .is_some_and(|b| b == &Value::Bool(true));
            if map.contains_key("properties") && !map.contains_key("additionalProperties") && !open
            {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for child in map.values_mut() {
                close(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close),
        _ => {}
    }
}

/// The closed schema of `version` of the CRD in `file`.
pub fn crd_schema(file: &Path, version: &str) -> Value {
    let text = std::fs::read_to_string(file).expect("the CRD is vendored");
    let crd: Value = serde_saphyr::from_str(&text).expect("the CRD parses");
    let mut schema = crd["spec"]["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .find(|v| v["name"] == version)
        .unwrap_or_else(|| panic!("version {version}"))["schema"]["openAPIV3Schema"]
        .clone();
    close(&mut schema);
    schema
}

/// The problems `doc` has against `schema` (empty when it is valid).
pub fn problems(schema: &Value, doc: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the CRD schema compiles");
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}
