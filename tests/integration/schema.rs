//! The committed JSON Schema equals the one generated from the types, `nexus schema` prints
//! it, and every spec under `specs/` validates against it.

use crate::support::cli as support;

use support::{nexus, root};

fn committed() -> String {
    std::fs::read_to_string(root().join("specs/nexus.schema.json"))
        .expect("specs/nexus.schema.json exists")
}

#[test]
fn committed_schema_matches_the_types() {
    assert!(
        committed() == nexus::spec::schema::json_schema(),
        "specs/nexus.schema.json is stale: run `cargo run -- schema > specs/nexus.schema.json`"
    );
}

#[test]
fn nexus_schema_prints_the_committed_schema() {
    let run = nexus(&["schema"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, committed());
}

#[test]
fn every_spec_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&committed()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let files = nexus::spec::discover(&[root().join("specs")]).unwrap();
    assert!(!files.is_empty());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let limits = nexus::spec::Limits::default();
        let node =
            nexus::spec::load::parse(&text, nexus::spec::FileId(0), &limits).expect("parses");
        let json = nexus::spec::load::node_to_json(&node);
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let schema: serde_json::Value = serde_json::from_str(&committed()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let bad = serde_json::json!({
        "apiVersion": "nexus.dev/v1alpha1", "kind": "Platform",
        "metadata": { "name": "x", "version": "1.0.0" },
        "spec": { "services": { "web": { "image": "a:1", "replcas": 2 } } }
    });
    assert!(!validator.is_valid(&bad), "unknown keys must be rejected");
    let ok = serde_json::json!({
        "apiVersion": "nexus.dev/v1alpha1", "kind": "Platform",
        "metadata": { "name": "x", "version": "1.0.0" },
        "spec": { "services": { "web": { "image": "a:1", "x-note": "free" } } }
    });
    let errors: Vec<String> = validator.iter_errors(&ok).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "x- keys are allowed: {errors:?}");
}
