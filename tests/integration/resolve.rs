//! Resolution of the real spec through the library API: overlays applied, defaults filled,
//! placeholders resolved but hosts and secrets kept symbolic.

use nexus::Spec;
use nexus::ir::{Rollout, Segment, WorkloadKind};
use nexus::spec::model::{Engine, Exposure, Slot};

fn spec() -> Spec {
    Spec::from_path(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/specs/nexus.yaml"
    )))
    .expect("specs/nexus.yaml loads")
}

#[test]
fn environments_are_resolved_side_by_side() {
    let spec = spec();
    assert_eq!(spec.environments(), vec!["production", "staging"]);
    let staging = spec.resolve("staging").unwrap();
    let production = spec.resolve("production").unwrap();
    assert_eq!(staging.namespace.value, "nexus-staging");
    assert_eq!(production.namespace.value, "nexus-production");

    let backend_s = staging.workload("backend").unwrap();
    let backend_p = production.workload("backend").unwrap();
    assert_eq!(backend_s.replicas.value, 2, "staging overlay");
    assert_eq!(backend_p.replicas.value, 3, "base value");
    let level = |w: &nexus::ir::Workload| {
        w.env
            .iter()
            .find(|e| e.name.value == "LOG_LEVEL")
            .unwrap()
            .value
            .value
            .as_literal()
            .unwrap()
    };
    assert_eq!(level(backend_s), "debug");
    assert_eq!(level(backend_p), "info");
    assert_eq!(
        staging.gateway.as_ref().unwrap().hosts[0].value,
        "staging.nexus.example.com"
    );
    assert_eq!(
        staging
            .workload("postgres")
            .unwrap()
            .storage
            .as_ref()
            .unwrap()
            .size
            .value
            .as_str(),
        "20Gi"
    );
    assert_eq!(
        production
            .workload("postgres")
            .unwrap()
            .storage
            .as_ref()
            .unwrap()
            .size
            .value
            .as_str(),
        "50Gi"
    );
}

#[test]
fn overlay_values_keep_the_overlay_span() {
    let staging = spec().resolve("staging").unwrap();
    let backend = staging.workload("backend").unwrap();
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/nexus.yaml")).unwrap();
    let line = text
        .lines()
        .nth(backend.replicas.span.line as usize - 1)
        .unwrap();
    assert_eq!(
        line.trim(),
        "replicas: 2",
        "the span points at the staging overlay"
    );
}

#[test]
fn placeholders_stay_symbolic_for_hosts_and_secrets() {
    let p = spec().resolve("production").unwrap();
    let backend = p.workload("backend").unwrap();
    let url = &backend
        .env
        .iter()
        .find(|e| e.name.value == "DATABASE_URL")
        .unwrap()
        .value
        .value;
    assert_eq!(
        url.segments(),
        &[
            Segment::Text("postgresql://nexus:".into()),
            Segment::Secret("postgres-password".into()),
            Segment::Text("@".into()),
            Segment::Host("postgres".into()),
            Segment::Text(":5432/nexus".into()),
        ]
    );
    assert_eq!(
        backend.secrets(),
        vec![
            "elasticsearch-password",
            "encryption-key",
            "jwt-secret",
            "mfa-secret",
            "minio-app-password",
            "neo4j-password",
            "postgres-password",
            "rabbitmq-password",
            "redis-password"
        ]
    );
}

#[test]
fn defaults_are_hardened_and_engines_known() {
    let p = spec().resolve("production").unwrap();
    let pg = p.workload("postgres").unwrap();
    assert_eq!(pg.kind, WorkloadKind::Backing(Engine::Postgres));
    assert_eq!(
        pg.image.value.to_string(),
        "docker.io/library/postgres:15.19"
    );
    assert_eq!(pg.ports[0].port.value, 5432);
    assert_eq!(pg.security.run_as_user.value, 999);
    assert!(pg.security.read_only_root_filesystem.value);
    assert!(!pg.security.allow_privilege_escalation.value);
    assert_eq!(pg.security.capabilities_drop[0].value, "ALL");
    assert!(
        pg.security
            .writable_paths
            .contains(&"/var/run/postgresql".to_owned())
    );
    assert!(pg.health.readiness.is_some() && pg.health.liveness.is_some());
    let backup = pg.backup.as_ref().unwrap();
    assert_eq!(
        backup.incremental.as_ref().unwrap().value.max_gap_minutes(),
        60
    );
    assert_eq!(backup.full.value.max_gap_minutes(), 24 * 60);
    // The password reaches PostgreSQL as a file, never through its environment.
    assert!(!pg.env.iter().any(|e| e.name.value == "POSTGRES_PASSWORD"));
    let pw = pg
        .env
        .iter()
        .find(|e| e.name.value == "POSTGRES_PASSWORD_FILE")
        .unwrap();
    assert_eq!(
        pw.value.value.segments(),
        &[Segment::Text("/run/secrets/nexus/postgres-password".into())]
    );
    assert_eq!(pg.secret_files.len(), 1);
    assert_eq!(pg.secret_files[0].secret, "postgres-password");
    assert_eq!(
        pg.secret_files[0].path,
        "/run/secrets/nexus/postgres-password"
    );

    let backend = p.workload("backend").unwrap();
    assert_eq!(backend.exposure.value, Exposure::Public);
    assert!(
        matches!(&backend.rollout, Rollout::BlueGreen { active, .. } if active.value == Slot::Blue)
    );
    assert_eq!(backend.security.run_as_user.value, 10001);
    assert!(backend.security.run_as_non_root.value);
}

#[test]
fn gateway_routes_resolve_longest_prefix_first() {
    let p = spec().resolve("production").unwrap();
    let g = p.gateway.unwrap();
    let paths: Vec<&str> = g.routes.iter().map(|r| r.path.value.as_str()).collect();
    assert_eq!(paths, vec!["/api/auth", "/grafana", "/api", "/ws", "/"]);
    let api = g.routes.iter().find(|r| r.path.value == "/api").unwrap();
    assert_eq!(
        (api.port, api.max_body_bytes, api.timeout_seconds),
        (8000, 50 * 1024 * 1024, 120)
    );
    assert!(g.hsts.is_some());
    assert!(g.headers.iter().any(|h| h.name == "X-Content-Type-Options"));
}

#[test]
fn an_unknown_environment_is_a_diagnostic() {
    let err = spec().resolve("prod").unwrap_err();
    assert_eq!(
        err.as_slice()[0].code,
        nexus::spec::codes::UNKNOWN_ENVIRONMENT
    );
    assert!(
        err.as_slice()[0]
            .help
            .as_deref()
            .unwrap()
            .contains("production")
    );
}
