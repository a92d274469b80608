//! Hand-built IR for the Compose and Nginx tests: small platforms whose every value the test
//! controls, including values IR validation would refuse (to test the renderers' own
//! escaping), plus helpers shared by the conformance tests.
#![allow(dead_code)]

pub mod nginx_parse;
pub mod running;
pub mod specs;
pub mod stubs;
pub mod tools;

#[allow(unused_imports)]
pub use specs::{fixture_platforms, spec_platforms};

use std::collections::BTreeMap;

use nexus_spec::Span;
use nexus_spec::Spanned;
use nexus_spec::ir::*;
use nexus_spec::model::{Engine, Exposure, Protocol, Seccomp, Slot, Tier, TlsVersion};

pub fn s<T>(v: T) -> Spanned<T> {
    Spanned::detached(v)
}

pub fn q(text: &str) -> Spanned<Quantity> {
    s(Quantity::parse(text).expect("quantity"))
}

pub fn image(text: &str) -> Spanned<ImageRef> {
    s(ImageRef::parse(text).expect("image"))
}

pub fn security(uid: i64, writable: &[&str]) -> Security {
    let mut writable_paths: Vec<String> = std::iter::once("/tmp")
        .chain(writable.iter().copied())
        .map(str::to_owned)
        .collect();
    writable_paths.sort();
    Security {
        run_as_user: s(uid),
        run_as_group: s(uid),
        fs_group: uid,
        run_as_non_root: s(true),
        read_only_root_filesystem: s(true),
        allow_privilege_escalation: s(false),
        privileged: s(false),
        capabilities_add: vec![],
        capabilities_drop: vec![s("ALL".to_owned())],
        capabilities_drop_span: Span::DETACHED,
        seccomp: s(Seccomp::RuntimeDefault),
        host_network: s(false),
        host_pid: s(false),
        host_ipc: s(false),
        host_paths: vec![],
        writable_paths,
        seeded_paths: vec![],
    }
}

pub fn port(name: &str, n: u16) -> Port {
    Port {
        name: s(name.to_owned()),
        port: s(n),
        protocol: Protocol::Tcp,
        host_port: None,
        role: nexus_spec::ir::PortRole::Client,
    }
}

pub fn probe(action: ProbeAction) -> Probe {
    Probe {
        action,
        initial_delay_seconds: 0,
        period_seconds: 10,
        timeout_seconds: 1,
        failure_threshold: 3,
        span: Span::DETACHED,
    }
}

pub fn http(path: &str, port: u16) -> Probe {
    probe(ProbeAction::Http {
        path: path.into(),
        port_name: "http".into(),
        port,
    })
}

pub fn env(name: &str, segments: Vec<Segment>) -> EnvVar {
    EnvVar {
        name: s(name.to_owned()),
        value: s(Template::from_segments(segments)),
    }
}

pub fn text(t: &str) -> Segment {
    Segment::Text(t.to_owned())
}

pub fn resources(cpu_req: &str, mem_req: &str, cpu_lim: &str, mem_lim: &str) -> Resources {
    Resources {
        cpu_request: Some(q(cpu_req)),
        memory_request: Some(q(mem_req)),
        cpu_limit: Some(q(cpu_lim)),
        memory_limit: Some(q(mem_lim)),
    }
}

/// A workload with the given basics and empty everything else.
pub fn workload(name: &str, kind: WorkloadKind, tier: Tier, img: &str, uid: i64) -> Workload {
    Workload {
        name: s(name.to_owned()),
        kind,
        tier,
        image: image(img),
        command: None,
        args: None,
        ports: vec![],
        env: vec![],
        resources: Resources::default(),
        replicas: s(1),
        health: Health::default(),
        depends_on: vec![],
        talks_to: vec![],
        autoscaling: None,
        disruption_budget: None,
        rollout: Rollout::Rolling {
            max_surge: "25%".into(),
            max_unavailable: "0".into(),
        },
        migration: None,
        backup: None,
        storage: None,
        credentials: None,
        database: None,
        exposure: s(Exposure::Internal),
        metrics: None,
        security: security(uid, &[]),
        secret_files: vec![],
        shm_mib: None,
        span: Span::DETACHED,
    }
}

pub fn secret(name: &str, var: &str, description: &str) -> Secret {
    Secret {
        name: s(name.to_owned()),
        env_var: var.to_owned(),
        description: Some(description.to_owned()),
        external: None,
    }
}

pub fn route(path: &str, workload: &str, port: u16) -> Route {
    Route {
        path: s(path.to_owned()),
        workload: s(workload.to_owned()),
        port_name: "http".into(),
        port,
        rate_limit: None,
        websocket: false,
        max_body_bytes: 1024 * 1024,
        timeout_seconds: 60,
        span: Span::DETACHED,
    }
}

/// A small platform with one of everything the generators treat specially: an application
/// service with secrets, hosts, a migration, blue-green and metrics; a front end; Postgres
/// (exec probe, storage, credentials); Redis (`$(VAR)` arguments); Prometheus; a TLS gateway
/// with rate limits, a WebSocket route and headers.
pub fn platform() -> Platform {
    let mut api = workload(
        "api",
        WorkloadKind::Service,
        Tier::Backend,
        "registry.example.com/shop/api:2.1.0",
        10001,
    );
    api.ports = vec![port("http", 8000)];
    api.replicas = s(2);
    api.resources = resources("250m", "256Mi", "1", "1Gi");
    api.health.readiness = Some(http("/ready", 8000));
    api.health.liveness = Some(http("/live", 8000));
    api.depends_on = vec![s("postgres".to_owned()), s("redis".to_owned())];
    api.env = vec![
        env(
            "DATABASE_URL",
            vec![
                text("postgresql://shop:"),
                Segment::Secret("db-password".into()),
                text("@"),
                Segment::Host("postgres".into()),
                text(":5432/shop"),
            ],
        ),
        env("GREETING", vec![text("costs $5 ${HOME}")]),
        env(
            "REDIS_URL",
            vec![
                text("redis://:"),
                Segment::Secret("redis-password".into()),
                text("@"),
                Segment::Host("redis".into()),
                text(":6379/0"),
            ],
        ),
    ];
    api.rollout = Rollout::BlueGreen {
        active: s(Slot::Blue),
        blue: api.image.clone(),
        green: image("registry.example.com/shop/api:2.2.0"),
    };
    api.migration = Some(Migration {
        image: image("registry.example.com/shop/api:2.1.0"),
        command: vec!["migrate".into(), "--to".into(), "head".into()],
        backoff_limit: 3,
        timeout_seconds: 600,
        ttl_seconds: 7 * 24 * 3600,
        depends_on: vec![s("postgres".to_owned())],
        waits: vec![],
        span: Span::DETACHED,
    });
    api.metrics = Some(Metrics {
        path: "/metrics".into(),
        port_name: "http".into(),
        port: 8000,
    });
    api.exposure = s(Exposure::Public);

    let mut web = workload(
        "web",
        WorkloadKind::Service,
        Tier::Frontend,
        "registry.example.com/shop/web:2.1.0",
        10001,
    );
    web.ports = vec![port("http", 8080)];
    web.resources = resources("100m", "128Mi", "500m", "256Mi");
    web.health.readiness = Some(http("/", 8080));
    web.security = security(10001, &["/var/cache/nginx"]);
    web.exposure = s(Exposure::Public);

    let mut pg = workload(
        "postgres",
        WorkloadKind::Backing(Engine::Postgres),
        Tier::Data,
        "docker.io/library/postgres:16",
        999,
    );
    pg.ports = vec![port("postgres", 5432)];
    pg.resources = resources("500m", "1Gi", "2", "2Gi");
    let pg_check = ProbeAction::Exec {
        command: vec![
            "sh".into(),
            "-c".into(),
            "pg_isready -U \"$POSTGRES_USER\"".into(),
        ],
    };
    pg.health.readiness = Some(probe(pg_check.clone()));
    pg.health.liveness = Some(probe(pg_check));
    pg.env = vec![
        env("PGDATA", vec![text("/var/lib/postgresql/data/pgdata")]),
        env(
            "POSTGRES_PASSWORD",
            vec![Segment::Secret("db-password".into())],
        ),
        env("POSTGRES_USER", vec![text("shop")]),
    ];
    pg.storage = Some(Storage {
        size: q("10Gi"),
        storage_class: None,
        mount_path: "/var/lib/postgresql/data".into(),
    });
    pg.security = security(999, &["/var/run/postgresql"]);

    let mut redis = workload(
        "redis",
        WorkloadKind::Backing(Engine::Redis),
        Tier::Data,
        "docker.io/library/redis:7",
        999,
    );
    redis.ports = vec![port("redis", 6379)];
    redis.args = Some(vec![
        "redis-server".into(),
        "--requirepass".into(),
        "$(REDIS_PASSWORD)".into(),
    ]);
    redis.env = vec![env(
        "REDIS_PASSWORD",
        vec![Segment::Secret("redis-password".into())],
    )];
    redis.health.liveness = Some(probe(ProbeAction::Tcp {
        port_name: "redis".into(),
        port: 6379,
    }));
    redis.resources = resources("100m", "128Mi", "500m", "512Mi");

    let mut prom = workload(
        "prometheus",
        WorkloadKind::Prometheus,
        Tier::Monitoring,
        "docker.io/prom/prometheus:v2.53.0",
        65534,
    );
    prom.ports = vec![port("web", 9090)];
    prom.args = Some(vec![
        "--config.file=/etc/prometheus/prometheus.yml".into(),
        "--storage.tsdb.path=/prometheus".into(),
    ]);
    prom.health.readiness = Some(probe(ProbeAction::Http {
        path: "/-/ready".into(),
        port_name: "web".into(),
        port: 9090,
    }));
    prom.storage = Some(Storage {
        size: q("5Gi"),
        storage_class: None,
        mount_path: "/prometheus".into(),
    });

    let mut auth = route("/api/auth", "api", 8000);
    auth.rate_limit = Some(s("auth".into()));
    auth.max_body_bytes = 64 * 1024;
    let mut api_route = route("/api", "api", 8000);
    api_route.rate_limit = Some(s("api".into()));
    api_route.max_body_bytes = 50 * 1024 * 1024;
    api_route.timeout_seconds = 120;
    let mut ws = route("/ws", "api", 8000);
    ws.websocket = true;
    ws.timeout_seconds = 3600;

    Platform {
        name: s("shop".into()),
        version: s(semver::Version::new(2, 1, 0)),
        description: None,
        environment: s("staging".into()),
        namespace: s("shop-staging".into()),
        labels: BTreeMap::from([("app.kubernetes.io/part-of".into(), "shop".into())]),
        annotations: BTreeMap::new(),
        workloads: vec![api, pg, prom, redis, web],
        secrets: vec![
            secret("db-password", "DB_PASSWORD", "Password of the `shop` role."),
            secret(
                "redis-password",
                "REDIS_PASSWORD",
                "Password Redis requires.",
            ),
        ],
        backup_destinations: Vec::new(),
        gateway: Some(Gateway {
            hosts: vec![s("shop.example.com".into())],
            tls: Some(GatewayTls {
                issuer: None,
                secret_name: "shop-tls".into(),
                min_version: s(TlsVersion::V1_2),
                certificate: "/etc/nginx/tls/tls.crt".into(),
                certificate_key: "/etc/nginx/tls/tls.key".into(),
                span: Span::DETACHED,
            }),
            hsts: Some(Hsts {
                max_age: s(63_072_000),
                include_subdomains: true,
                preload: false,
            }),
            headers: vec![
                Header {
                    name: "Content-Security-Policy".into(),
                    value: s("default-src 'self'; frame-ancestors 'none'".into()),
                },
                Header {
                    name: "X-Frame-Options".into(),
                    value: s("DENY".into()),
                },
            ],
            rate_limits: vec![
                RateLimit {
                    name: s("api".into()),
                    rate: Rate::PerSecond(20),
                    burst: 40,
                },
                RateLimit {
                    name: s("auth".into()),
                    rate: Rate::PerMinute(10),
                    burst: 5,
                },
            ],
            routes: vec![auth, api_route, ws, route("/", "web", 8080)],
            nginx: NginxGateway {
                version: s(NginxVersion::new(1, 27, 0)),
                image: image("docker.io/nginxinc/nginx-unprivileged:1.27"),
                replicas: 2,
                resources: resources("100m", "64Mi", "500m", "256Mi"),
                bind_address: s("127.0.0.1".into()),
            },
            ingress_class: "nginx".into(),
            kubernetes: nexus_spec::ir::KubernetesEdge {
                edge: nexus_spec::model::EdgeKind::GatewayApi,
                edge_span: Span::DETACHED,
                gateway_class: "nginx".into(),
                controller_namespace: "nginx-gateway".into(),
                controller_labels: [("app.kubernetes.io/name".into(), "nginx-gateway".into())]
                    .into(),
            },
            trusted_proxies: Vec::new(),
            span: Span::DETACHED,
        }),
        scrape_interval_seconds: 30,
        alerting: None,
        pull_secrets: BTreeMap::new(),
        quota: nexus_spec::ir::Quota::default(),
        waivers: vec![],
        span: Span::DETACHED,
    }
}
