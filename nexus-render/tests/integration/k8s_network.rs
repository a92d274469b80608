//! The NetworkPolicies open exactly what is used: a dependency opens the target's client
//! ports only, `talksTo` opens the ports it names, and jobs reach only what they use.

use crate::support::k8s as k8s_support;

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

/// Two services that call each other: a cycle of `talksTo`, beside an acyclic `dependsOn`.
const MUTUAL: &str = r#"apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: {name: shop, version: 1.0.0}
spec:
  services:
    orders:
      image: registry.example.com/shop/orders:1.0.0
      ports: [{name: http, port: 8080}]
      env: {PAYMENTS_URL: "http://${payments.host}:${payments.port}"}
      talksTo: [{workload: payments}]
    payments:
      image: registry.example.com/shop/payments:1.0.0
      ports: [{name: grpc, port: 9090}]
      env: {ORDERS_URL: "http://${orders.host}:${orders.port}"}
      dependsOn: [orders]
      talksTo: [{workload: orders}]
  environments:
    production: {}
"#;

#[test]
fn two_services_that_call_each_other_are_open_both_ways() {
    let spec = Spec::from_str("mutual.yaml", MUTUAL).expect("the spec loads");
    assert!(spec.validate().is_empty(), "{:?}", spec.validate());
    let plan = render(&spec, "production");
    let orders = policy(&plan, "50-services/orders.yaml", "orders");
    let payments = policy(&plan, "50-services/payments.yaml", "payments");
    assert_eq!(
        rules(&orders, "egress", "to").get("payments"),
        Some(&vec![9090])
    );
    assert_eq!(
        rules(&orders, "ingress", "from").get("payments"),
        Some(&vec![8080])
    );
    assert_eq!(
        rules(&payments, "egress", "to").get("orders"),
        Some(&vec![8080])
    );
    assert_eq!(
        rules(&payments, "ingress", "from").get("orders"),
        Some(&vec![9090])
    );

    // Compose: each reaches the other over its own edge network; only dependsOn orders the
    // start, so there is no cycle for Compose to refuse.
    let platform = spec.resolve("production").expect("resolves");
    let compose = nexus_render::compose::render(&platform).expect("compose renders");
    let text = std::str::from_utf8(compose.get("compose.yaml").expect("compose.yaml")).unwrap();
    let doc: Value = serde_saphyr::from_str(text).unwrap();
    let services = &doc["services"];
    assert!(
        services["orders"]["depends_on"].get("payments").is_none(),
        "{text}"
    );
    assert!(
        services["payments"]["depends_on"].get("orders").is_some(),
        "{text}"
    );
    let networks = |s: &str| -> Vec<String> {
        match &services[s]["networks"] {
            Value::Object(m) => m.keys().cloned().collect(),
            Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    for s in ["orders", "payments"] {
        let n = networks(s);
        assert!(n.contains(&"orders_to_payments".to_owned()), "{s}: {n:?}");
        assert!(n.contains(&"payments_to_orders".to_owned()), "{s}: {n:?}");
    }
}

#[test]
fn a_placeholder_needs_its_target_in_depends_on_or_talks_to() {
    let text = MUTUAL.replace("      talksTo: [{workload: payments}]\n", "");
    let spec = Spec::from_str("mutual.yaml", &text).expect("the spec loads");
    let errors = format!("{:?}", spec.validate());
    assert!(
        errors.contains(
            "`orders` uses `payments` but declares it in neither `dependsOn` nor `talksTo`"
        ),
        "{errors}"
    );
}

#[test]
fn depends_on_stays_acyclic() {
    let text = MUTUAL.replace(
        "      talksTo: [{workload: payments}]\n",
        "      dependsOn: [payments]\n",
    );
    let spec = Spec::from_str("mutual.yaml", &text).expect("the spec loads");
    let errors = format!("{:?}", spec.validate());
    assert!(
        errors.contains("dependency cycle: orders → payments → orders"),
        "{errors}"
    );
}

#[test]
fn the_graph_draws_talks_to_apart_from_depends_on() {
    let spec = Spec::from_str("mutual.yaml", MUTUAL).expect("the spec loads");
    let platform = spec.resolve("production").expect("resolves");
    let graph = nexus_render::graph::Graph::from_platform(&platform);
    let mermaid = graph.mermaid();
    let dot = graph.dot();
    // payments depends on orders (and talks to it: one solid edge); orders only talks back.
    assert_eq!(mermaid.matches("-.->").count(), 1, "{mermaid}");
    assert_eq!(mermaid.matches(" --> ").count(), 1, "{mermaid}");
    assert_eq!(dot.matches("style=dotted").count(), 1, "{dot}");
}
