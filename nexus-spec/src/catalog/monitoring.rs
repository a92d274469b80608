//! The monitoring components' rows and the gateway's image. Sources are cited in
//! `docs/engines.md`.

use super::{BuiltinProbe, Component, CredentialEnv, NOT_A_BACKING_SERVICE, PortSpec};

/// Prometheus.
pub const PROMETHEUS: Component = Component {
    image: "docker.io/prom/prometheus",
    tag_suffix: "",
    releases: &["v2.53.5"],
    ports: &[PortSpec::client("web", 9090)],
    data_path: Some("/prometheus"),
    uid: 65534,
    gid: 65534,
    readiness: BuiltinProbe::Http("/-/ready", "web"),
    liveness: BuiltinProbe::Http("/-/healthy", "web"),
    writable_paths: &[],
    seeded_paths: &[],
    tools: &["sh", "wget"],
    env: &[],
    memory: &[],
    shm_percent: 0,
    metrics: None,
    credentials: None,
    args: &[],
    wait: None,
    backup: NOT_A_BACKING_SERVICE,
};

/// Grafana.
pub const GRAFANA: Component = Component {
    image: "docker.io/grafana/grafana",
    tag_suffix: "",
    releases: &["11.1.5"],
    ports: &[PortSpec::client("http", 3000)],
    data_path: Some("/var/lib/grafana"),
    uid: 472,
    gid: 472,
    readiness: BuiltinProbe::Http("/api/health", "http"),
    liveness: BuiltinProbe::Http("/api/health", "http"),
    writable_paths: &["/var/log/grafana"],
    seeded_paths: &[],
    tools: &["sh", "wget", "curl"],
    env: &[
        ("GF_AUTH_ANONYMOUS_ENABLED", "false"),
        ("GF_USERS_ALLOW_SIGN_UP", "false"),
    ],
    memory: &[],
    shm_percent: 0,
    metrics: None,
    credentials: Some(CredentialEnv {
        user: Some("GF_SECURITY_ADMIN_USER"),
        password: "GF_SECURITY_ADMIN_PASSWORD",
        password_format: "{password}",
        password_file: Some("GF_SECURITY_ADMIN_PASSWORD__FILE"),
        database: None,
        default_user: "admin",
    }),
    args: &[],
    wait: None,
    backup: NOT_A_BACKING_SERVICE,
};

/// Jaeger all-in-one.
pub const JAEGER: Component = Component {
    image: "docker.io/jaegertracing/all-in-one",
    tag_suffix: "",
    releases: &["1.57.0"],
    ports: &[
        PortSpec::admin("ui", 16686),
        PortSpec::client("otlp-grpc", 4317),
        PortSpec::client("otlp-http", 4318),
        PortSpec::admin("admin", 14269),
    ],
    data_path: None,
    uid: 10001,
    gid: 10001,
    readiness: BuiltinProbe::Http("/", "admin"),
    liveness: BuiltinProbe::Http("/", "admin"),
    writable_paths: &[],
    seeded_paths: &[],
    tools: &["sh", "wget"],
    env: &[("COLLECTOR_OTLP_ENABLED", "true")],
    memory: &[],
    shm_percent: 0,
    metrics: None,
    credentials: None,
    args: &[],
    wait: None,
    backup: NOT_A_BACKING_SERVICE,
};

/// Alertmanager. One replica: clustering is switched off (`--cluster.listen-address=`), so
/// no cluster port is opened; silences and the notification log live in `/alertmanager`.
pub const ALERTMANAGER: Component = Component {
    image: "docker.io/prom/alertmanager",
    tag_suffix: "",
    releases: &["v0.27.0"],
    ports: &[PortSpec::client("web", 9093)],
    data_path: None,
    uid: 65534,
    gid: 65534,
    readiness: BuiltinProbe::Http("/-/ready", "web"),
    liveness: BuiltinProbe::Http("/-/healthy", "web"),
    writable_paths: &["/alertmanager"],
    seeded_paths: &[],
    tools: &["sh", "wget"],
    env: &[],
    memory: &[],
    shm_percent: 0,
    metrics: None,
    credentials: None,
    args: &[],
    wait: None,
    backup: NOT_A_BACKING_SERVICE,
};

/// The gateway's image (the unprivileged Nginx build: runs as uid 101, listens on 8080). Only
/// `image`, `releases`, `uid`, `gid`, `writable_paths` and `tools` apply; the gateway's
/// ports, probes and settings come from the gateway block.
pub const NGINX: Component = Component {
    image: "docker.io/nginxinc/nginx-unprivileged",
    tag_suffix: "",
    releases: &["1.28.0", "1.27.5", "1.26.3", "1.25.5", "1.24.0", "1.22.1"],
    ports: &[
        PortSpec::client("http", 8080),
        PortSpec::client("https", 8443),
    ],
    data_path: None,
    uid: 101,
    gid: 101,
    readiness: BuiltinProbe::Http("/healthz", "http"),
    liveness: BuiltinProbe::Http("/healthz", "http"),
    writable_paths: &["/var/cache/nginx"],
    seeded_paths: &[],
    tools: &["sh", "curl", "nginx"],
    env: &[],
    memory: &[],
    shm_percent: 0,
    metrics: None,
    credentials: None,
    args: &[],
    wait: None,
    backup: NOT_A_BACKING_SERVICE,
};

/// Default Nginx version the gateway is rendered for.
pub const DEFAULT_NGINX_VERSION: &str = "1.27";
/// Default Nginx image repository.
pub const NGINX_IMAGE: &str = NGINX.image;
/// Non-root uid of the unprivileged Nginx image.
pub const NGINX_UID: u32 = NGINX.uid;
