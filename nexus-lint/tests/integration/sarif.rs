//! The SARIF report validates against the OASIS SARIF 2.1.0 schema (vendored in
//! `tests/data`, see its README), and carries what GitHub code scanning reads.

use nexus_lint::report::{Report, sarif};
use nexus_lint::{AppliedWaiver, Finding, rules};
use nexus_spec::{FileId, Label, Severity, SourceMap, Span};
use serde_json::Value;

fn schema_validator() -> jsonschema::Validator {
    let text = include_str!("../data/sarif-schema-2.1.0.json");
    // The published schema's `run.language` pattern has a stray `]` that is not a valid
    // ECMA-262 regex, so jsonschema refuses to compile the schema. Replace that one pattern
    // with the one it means (we never emit `language`); the vendored file stays unchanged.
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    assert!(
        !text.contains("]?$"),
        "the schema's language pattern moved; update this fix-up"
    );
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// Every `uri` in the document, wherever it is.
fn uris(doc: &Value, out: &mut Vec<String>) {
    match doc {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("uri", Value::String(s)) => out.push(s.clone()),
                    _ => uris(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| uris(v, out)),
        _ => {}
    }
}

fn assert_valid(doc: &Value) {
    let v = schema_validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    // Draft-07 does not check formats by default; check the one our output depends on.
    let uri_ref = jsonschema::options()
        .should_validate_formats(true)
        .build(&serde_json::json!({ "type": "string", "format": "uri-reference" }))
        .unwrap();
    let mut found = Vec::new();
    uris(doc, &mut found);
    for u in found {
        assert!(
            uri_ref.is_valid(&Value::from(u.clone())),
            "`{u}` is not a URI reference"
        );
    }
}

fn span(text: &str, needle: &str) -> Span {
    let offset = text.find(needle).expect("needle");
    let line = text[..offset].matches('\n').count() as u32 + 1;
    let column = (offset - text[..offset].rfind('\n').map_or(0, |i| i + 1)) as u32 + 1;
    Span::at(FileId(0), offset, needle.len(), line, column)
}

fn sample() -> (Report, SourceMap) {
    let text = "spec:\n  services:\n    api:\n      security: { privileged: true }\n      resources: { limits: { memory: 4Gi } }\n";
    let mut sources = SourceMap::new();
    sources.add("specs/my app.yaml", text);
    let rule = |id| rules::find(id).expect("rule");
    let finding = |id, at: &str, message: &str| Finding {
        rule: rule(id),
        severity: rule(id).severity,
        message: message.into(),
        label: "here".into(),
        object: "api".into(),
        container: None,
        span: span(text, at),
        related: vec![],
        help: None,
        environments: vec!["production".into(), "staging".into()],
        waiver: None,
    };
    let mut waived = finding("NX-RES-009", "4Gi", "`api` may use 4Gi");
    waived.waiver = Some(AppliedWaiver {
        reason: "measured; the engine caps itself".into(),
        expires: Some("2027-01-31".parse().unwrap()),
        span: span(text, "api"),
    });
    waived.related.push(Label {
        span: span(text, "resources"),
        text: "the request".into(),
    });
    let mut detached = finding("NX-AVL-005", "api", "`api` has no readiness check");
    detached.span = Span::DETACHED;
    let report = Report::new(
        vec![
            finding("NX-POD-001", "true", "`api` runs privileged"),
            waived,
            detached,
        ],
        vec!["production".into(), "staging".into()],
    );
    (report, sources)
}

#[test]
fn sarif_validates_against_the_schema() {
    let (report, sources) = sample();
    let doc: Value = serde_json::from_str(&sarif::render(&report, &sources, "0.1.0")).unwrap();
    assert_valid(&doc);
}

#[test]
fn sarif_of_an_empty_report_validates() {
    let doc: Value = serde_json::from_str(&sarif::render(
        &Report::default(),
        &SourceMap::new(),
        "0.1.0",
    ))
    .unwrap();
    assert_valid(&doc);
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        rules::all().len()
    );
}

#[test]
fn sarif_carries_what_code_scanning_reads() {
    let (report, sources) = sample();
    let doc: Value = serde_json::from_str(&sarif::render(&report, &sources, "0.1.0")).unwrap();
    let run = &doc["runs"][0];
    let rules_meta = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules_meta[idx]["id"], id, "ruleIndex points at the rule");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "specs/my%20app.yaml"
        );
    }
    let privileged = results
        .iter()
        .find(|r| r["ruleId"] == "NX-POD-001")
        .unwrap();
    assert_eq!(privileged["level"], "error");
    let region = &privileged["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(4), Some(31))
    );
    let waived = results
        .iter()
        .find(|r| r["ruleId"] == "NX-RES-009")
        .unwrap();
    assert_eq!(waived["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        waived["suppressions"][0]["justification"],
        "measured; the engine caps itself"
    );
    let meta = &rules_meta[privileged["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(meta["defaultConfiguration"]["level"], "error");
    assert_eq!(meta["properties"]["security-severity"], "8.0");
    assert!(
        meta["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("CIS-5.2.2"))
    );
    let _ = Severity::Error;
}

#[test]
fn the_schema_check_is_live() {
    let (report, sources) = sample();
    let mut doc: Value = serde_json::from_str(&sarif::render(&report, &sources, "0.1.0")).unwrap();
    doc["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(
        !schema_validator().is_valid(&doc),
        "a bad level must not validate"
    );
}
