//! Alerting, exporters and queue-depth autoscaling as resolution sees them, on
//! `specs/nexus.yaml` and on variants of it that must be refused with a fix.

use nexus_spec::Spec;
use nexus_spec::ir::WorkloadKind;
use nexus_spec::model::{Engine, Severity};

fn nexus_yaml() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/nexus.yaml"))
        .expect("specs/nexus.yaml")
}

/// The messages of every problem of `text` (empty when it is valid).
fn problems(text: &str) -> Vec<String> {
    match Spec::from_str("nexus.yaml", text) {
        Ok(spec) => spec.validate().iter().map(|d| d.message.clone()).collect(),
        Err(d) => d.iter().map(|d| d.message.clone()).collect(),
    }
}

fn replaced(from: &str, to: &str) -> String {
    let text = nexus_yaml();
    assert!(text.contains(from), "specs/nexus.yaml has `{from}`");
    text.replacen(from, to, 1)
}

#[test]
fn the_platform_resolves_alerting_exporters_and_the_queue_trigger() {
    let spec = Spec::from_str("nexus.yaml", &nexus_yaml()).expect("loads");
    let p = spec.resolve("production").expect("resolves");
    let a = p.alerting.as_ref().expect("alerting");
    let severities: Vec<Severity> = a.routes.iter().map(|r| r.severity).collect();
    assert_eq!(severities, Severity::ALL);
    assert_eq!(
        a.routes[0].escalate_after_seconds, None,
        "critical does not escalate"
    );
    assert_eq!(a.routes[1].escalate_after_seconds, Some(30 * 60));
    let am = p.workload("alertmanager").expect("alertmanager");
    let files: Vec<&str> = am.secret_files.iter().map(|f| f.secret.as_str()).collect();
    assert_eq!(files, ["alerts-pagerduty-key", "alerts-slack-webhook"]);
    assert!(
        am.env
            .iter()
            .all(|e| e.value.value.secrets().next().is_none()),
        "no secret in the environment"
    );
    for (name, engine) in [
        ("postgres-exporter", Engine::Postgres),
        ("redis-exporter", Engine::Redis),
        ("elasticsearch-exporter", Engine::Elasticsearch),
    ] {
        let x = p.workload(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(x.kind, WorkloadKind::Exporter(engine));
        assert!(x.metrics.is_some(), "{name} is scraped");
        assert!(x.security.run_as_non_root.value, "{name} runs as non-root");
    }
    assert!(
        p.workload("neo4j-exporter").is_none(),
        "no exporter nexus cannot pin"
    );
    assert!(
        p.workload("rabbitmq")
            .and_then(|w| w.metrics.as_ref())
            .is_some(),
        "RabbitMQ's plugin is scraped"
    );
    let q = p
        .workload("backend")
        .and_then(|w| w.autoscaling.as_ref())
        .and_then(|a| a.queue.as_ref())
        .expect("the backend scales on its queue");
    assert_eq!(
        (q.queue.as_str(), q.target_length, q.host_env.as_str()),
        ("nexus.tasks", 100, "RABBITMQ_URL")
    );
}

#[test]
fn a_route_to_an_unknown_receiver_is_refused() {
    let d = problems(&replaced(
        "critical: { receiver: oncall,",
        "critical: { receiver: on-call,",
    ));
    assert!(d.iter().any(|m| m.contains("on-call")), "{d:?}");
}

#[test]
fn a_receiver_with_an_undeclared_secret_is_refused() {
    let d = problems(&replaced(
        "secret: alerts-pagerduty-key }",
        "secret: pagerduty-key }",
    ));
    assert!(d.iter().any(|m| m.contains("pagerduty-key")), "{d:?}");
}

#[test]
fn critical_alerts_cannot_escalate() {
    let d = problems(&replaced(
        "critical: { receiver: oncall, groupWait: 30s, repeatInterval: 1h }",
        "critical: { receiver: oncall, repeatInterval: 1h, escalateAfter: 1h }",
    ));
    assert!(
        d.iter()
            .any(|m| m.contains("critical alerts cannot escalate")),
        "{d:?}"
    );
}

#[test]
fn alertmanager_needs_prometheus() {
    let text = nexus_yaml();
    let start = text
        .find("    prometheus:\n      version: v2.53.0")
        .expect("prometheus block");
    let end = text[start..].find("    grafana:").expect("grafana block") + start;
    let without = format!("{}{}", &text[..start], &text[end..]).replace(
        "      talksTo: [{ workload: prometheus }, { workload: grafana }, { workload: jaeger }]",
        "      talksTo: [{ workload: grafana }, { workload: jaeger }]",
    ).replace("        PROMETHEUS_URL: http://${prometheus.host}:${prometheus.port}\n", "");
    let d = problems(&without);
    assert!(
        d.iter()
            .any(|m| m.contains("Alertmanager without Prometheus")),
        "{d:?}"
    );
}

#[test]
fn queue_scaling_needs_the_queues_amqp_url_in_the_environment() {
    let d = problems(&replaced(
        "        RABBITMQ_URL: amqp://",
        "        RABBITMQ_URL: http://",
    ));
    assert!(
        d.iter()
            .any(|m| m.contains("needs the AMQP URL of `rabbitmq`")),
        "{d:?}"
    );
}
