//! The NetworkPolicies open exactly what is used: a dependency opens the target's client
//! ports only, `talksTo` opens the ports it names, and jobs reach only what they use.

mod k8s_support;

use std::collections::BTreeMap;

use k8s_support::{load, nexus_spec, render};
use nexus_spec::Spec;
use serde_json::Value;

/// The YAML documents of one rendered file.
fn docs(plan: &nexus_render::OutputPlan, path: &str) -> Vec<Value> {
    let bytes = plan
        .get(path)
        .unwrap_or_else(|| panic!("{path} is rendered"));
    let text = std::str::from_utf8(bytes).unwrap();
    serde_saphyr::from_multiple::<Value>(text).unwrap()
}

/// The NetworkPolicy named `name` in a rendered file.
fn policy(plan: &nexus_render::OutputPlan, path: &str, name: &str) -> Value {
    docs(plan, path)
        .into_iter()
        .find(|d| d["kind"] == "NetworkPolicy" && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{path} has the policy {name}"))
}

/// A policy's rules of one direction (`egress` / `to` or `ingress` / `from`), as peer pod
/// group → port numbers.
fn rules(policy: &Value, direction: &str, peer: &str) -> BTreeMap<String, Vec<u64>> {
    policy["spec"][direction]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let group = r[peer][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                .as_str()?
                .to_owned();
            let ports = r["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["port"].as_u64())
                .collect();
            Some((group, ports))
        })
        .collect()
}

#[test]
fn the_backend_reaches_only_the_client_ports_of_its_engines() {
    let plan = render(&load(&nexus_spec()), "production");
    let egress = rules(
        &policy(&plan, "50-services/backend.yaml", "backend"),
        "egress",
        "to",
    );
    for (engine, client) in [
        ("elasticsearch", vec![9200]),
        ("rabbitmq", vec![5672]),
        ("minio", vec![9000]),
        ("neo4j", vec![7687]),
        ("postgres", vec![5432]),
        ("redis", vec![6379]),
        ("jaeger", vec![4317, 4318]),
    ] {
        assert_eq!(
            egress.get(engine),
            Some(&client),
            "backend → {engine}: {egress:?}"
        );
    }
    // The engines let the backend in on the same ports only.
    let ingress = rules(
        &policy(&plan, "20-data/elasticsearch.yaml", "elasticsearch"),
        "ingress",
        "from",
    );
    assert_eq!(ingress.get("backend"), Some(&vec![9200]), "{ingress:?}");
}

#[test]
fn the_migration_reaches_only_the_client_port_of_its_database() {
    let plan = render(&load(&nexus_spec()), "production");
    let egress = rules(
        &policy(&plan, "40-migrations/backend.yaml", "backend-migrate"),
        "egress",
        "to",
    );
    assert_eq!(
        egress,
        BTreeMap::from([("postgres".to_owned(), vec![5432])])
    );
}

#[test]
fn the_backup_job_reaches_the_port_its_tool_uses() {
    let plan = render(&load(&nexus_spec()), "production");
    // rabbitmqadmin speaks to the management port: an admin port, opened for this job only.
    let egress = rules(
        &policy(&plan, "60-backups/rabbitmq.yaml", "rabbitmq-backup"),
        "egress",
        "to",
    );
    assert_eq!(egress.get("rabbitmq"), Some(&vec![15672]), "{egress:?}");
    assert_eq!(egress.get("minio"), Some(&vec![9000]), "{egress:?}");
}

const NAMED_PORTS: &str = r#"apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: {name: shop, version: 1.0.0}
spec:
  services:
    ops:
      image: registry.example.com/shop/ops:1.0.0
      ports: [{name: http, port: 8080}]
      dependsOn: [queue]
      talksTo:
        - {workload: queue, ports: [management]}
        - {workload: search}
  backingServices:
    queue: {engine: rabbitmq, version: "4.1", storage: {size: 1Gi}}
    search: {engine: elasticsearch, version: "8.19", storage: {size: 1Gi}}
  environments:
    production: {}
"#;

#[test]
fn talks_to_opens_the_ports_it_names_besides_the_client_ports() {
    let spec = Spec::from_str("named-ports.yaml", NAMED_PORTS).expect("the spec loads");
    let plan = render(&spec, "production");
    let egress = rules(
        &policy(&plan, "50-services/ops.yaml", "ops"),
        "egress",
        "to",
    );
    assert_eq!(egress.get("queue"), Some(&vec![5672, 15672]), "{egress:?}");
    assert_eq!(egress.get("search"), Some(&vec![9200]), "{egress:?}");
}

#[test]
fn talks_to_a_port_the_target_does_not_have_is_refused() {
    let text = NAMED_PORTS.replace("ports: [management]", "ports: [managment]");
    let spec = Spec::from_str("named-ports.yaml", &text).expect("the spec loads");
    let errors = spec
        .resolve("production")
        .expect_err("an unknown port is refused");
    let text = format!("{errors:?}");
    assert!(text.contains("unknown port `managment`"), "{text}");
    assert!(text.contains("did you mean `management`?"), "{text}");
}
