//! Synthetic nexus platforms for benchmarks, fuzz seeds and tests.
//!
//! [`synth`] writes a valid spec of `n` application services, deterministic for a seed:
//!
//! - every service has a port, health checks, resources, autoscaling, a disruption budget,
//!   a rollout (one in eight blue-green, the rest rolling), a metrics endpoint and a few
//!   environment variables;
//! - dependencies form a DAG: service `i` depends on up to three of the fifty services before
//!   it, and on some backing services, and names each dependency in a `${...}` placeholder;
//! - a handful of backing services (PostgreSQL, Redis, RabbitMQ, Elasticsearch, MinIO) with
//!   credentials, storage and backups, the monitoring stack, and a gateway with TLS, HSTS,
//!   rate limits and a route to every tenth service;
//! - two environments: `staging` overrides replicas, autoscaling and an environment variable
//!   of every fifth service and shrinks storage; `production` takes the base as it is.
//!
//! ```
//! let text = nexus_bench::synth(25, 7);
//! assert_eq!(text, nexus_bench::synth(25, 7));
//! let spec = nexus_spec::Spec::from_str("synth.yaml", &text).unwrap();
//! assert!(spec.validate().is_empty());
//! assert_eq!(spec.environments(), ["production", "staging"]);
//! ```
//!
//! [`peer`] writes the peer workload of `scripts/bench-peer.sh`: `n` services, one
//! environment, each a Deployment, Service, autoscaler, disruption budget and network rules.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]
#![warn(missing_docs)]

use std::fmt::Write;

mod peer;
pub use peer::peer;

/// A small deterministic generator (SplitMix64): same seed, same sequence, on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// The name of service `i`.
pub fn service_name(i: usize) -> String {
    format!("svc-{i:05}")
}

/// One synthetic backing service: name, engine, version, whether it has a user, its
/// database, and whether it has backups.
type BackingRow = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    Option<&'static str>,
    bool,
);

/// Backing services of every synthetic platform.
const BACKING: [BackingRow; 5] = [
    ("postgres", "postgres", "15", true, Some("synth"), true),
    ("redis", "redis", "7", false, None, false),
    ("rabbitmq", "rabbitmq", "3", true, Some("synth"), true),
    (
        "elasticsearch",
        "elasticsearch",
        "8.14.3",
        false,
        None,
        true,
    ),
    (
        "minio",
        "minio",
        "RELEASE.2024-06-13T22-53-53Z",
        true,
        Some("synth-backups"),
        false,
    ),
];

/// Writes a valid platform spec of `n` application services (see the crate documentation),
/// deterministic for `seed`.
pub fn synth(n: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(1200 * n + 8192);
    let w = &mut s;
    header(w, n, seed);
    secrets(w);
    w.push_str(if n == 0 {
        "  services: {}\n"
    } else {
        "  services:\n"
    });
    for i in 0..n {
        service(w, &mut rng, i);
    }
    backing(w);
    monitoring(w);
    gateway(w, n);
    environments(w, &mut rng, n);
    s
}

fn header(w: &mut String, n: usize, seed: u64) {
    let _ = write!(
        w,
        "\
# Synthetic nexus platform: {n} services, seed {seed} (nexus-bench synth).
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata:
  name: synth
  version: 1.0.0
  description: Synthetic platform of {n} services
  labels:
    app.kubernetes.io/part-of: synth
spec:
"
    );
}

fn secrets(w: &mut String) {
    w.push_str("  secrets:\n");
    for (name, ..) in BACKING {
        let _ = writeln!(
            w,
            "    {name}-password: {{ description: Password of {name}., external: {{ store: synth-vault, key: synth/{name}, property: password }} }}"
        );
    }
    w.push_str("    grafana-password: { external: { store: synth-vault, key: synth/grafana, property: password } }\n");
    w.push_str("    jwt-secret: { description: Signing key of session tokens., external: { store: synth-vault, key: synth/app, property: jwt } }\n");
}

fn service(w: &mut String, rng: &mut Rng, i: usize) {
    let name = service_name(i);
    let frontend = i.is_multiple_of(10);
    let tier = if frontend { "frontend" } else { "backend" };
    let port = 8000 + (i % 1000);
    let _ = write!(
        w,
        "    {name}:
      image: registry.synth.example/synth/{name}:1.{}.{}
      tier: {tier}
      ports:
        - {{ name: http, port: {port} }}
",
        i % 7,
        i % 13
    );
    // Dependencies: up to three of the fifty services before this one, and some backing
    // services. Each is also named in an environment variable's placeholder.
    let mut deps: Vec<String> = Vec::new();
    if i > 0 {
        let window = i.min(50);
        for _ in 0..rng.below(4) {
            let d = service_name(i - 1 - rng.below(window));
            if !deps.contains(&d) {
                deps.push(d);
            }
        }
    }
    let mut backs: Vec<usize> = Vec::new();
    if !frontend {
        for (k, _) in BACKING.iter().enumerate() {
            if rng.one_in(3) {
                backs.push(k);
            }
        }
    }
    w.push_str("      env:\n        LOG_LEVEL: info\n");
    let _ = writeln!(w, "        SERVICE_NAME: {name}");
    let _ = writeln!(
        w,
        "        OTEL_EXPORTER_OTLP_ENDPOINT: http://${{jaeger.host}}:${{jaeger.otlp-http.port}}"
    );
    for d in &deps {
        let var = d.to_uppercase().replace('-', "_");
        let _ = writeln!(w, "        {var}_URL: http://${{{d}.host}}:${{{d}.port}}");
    }
    for &k in &backs {
        let (b, engine, _, user, db, _) = BACKING[k];
        let var = b.to_uppercase();
        match (engine, user, db) {
            ("postgres", ..) => {
                let _ = writeln!(
                    w,
                    "        {var}_URL: postgresql://${{{b}.user}}:${{secrets.{b}-password}}@${{{b}.host}}:${{{b}.port}}/${{{b}.database}}"
                );
            }
            ("redis", ..) => {
                let _ = writeln!(
                    w,
                    "        {var}_URL: redis://:${{secrets.{b}-password}}@${{{b}.host}}:${{{b}.port}}/0"
                );
            }
            (_, true, _) => {
                let _ = writeln!(w, "        {var}_HOST: ${{{b}.host}}:${{{b}.port}}");
                let _ = writeln!(w, "        {var}_USER: ${{{b}.user}}");
                let _ = writeln!(w, "        {var}_PASSWORD: ${{secrets.{b}-password}}");
            }
            _ => {
                let _ = writeln!(
                    w,
                    "        {var}_URL: http://elastic:${{secrets.{b}-password}}@${{{b}.host}}:${{{b}.port}}"
                );
            }
        }
        deps.push(b.to_owned());
    }
    if !frontend && rng.one_in(4) {
        w.push_str("        JWT_SECRET: ${secrets.jwt-secret}\n");
    }
    deps.push("jaeger".to_owned());
    let (cpu, mem) = [("100m", "128Mi"), ("250m", "256Mi"), ("500m", "512Mi")][rng.below(3)];
    let _ = write!(
        w,
        "      resources:
        requests: {{ cpu: {cpu}, memory: {mem} }}
        limits: {{ cpu: \"1\", memory: 1Gi }}
      replicas: 2
      health:
        readiness: {{ http: {{ path: /health/ready, port: http }}, periodSeconds: 10 }}
        liveness: {{ http: {{ path: /health/live, port: http }}, initialDelaySeconds: 15 }}
      dependsOn: [{}]
      autoscaling: {{ minReplicas: 2, maxReplicas: {}, targetCpuUtilization: 70 }}
      disruptionBudget: {{ minAvailable: 1 }}
",
        deps.join(", "),
        4 + rng.below(8)
    );
    if i % 8 == 3 {
        w.push_str("      rollout: { strategy: blue-green, activeSlot: blue }\n");
    } else {
        w.push_str(
            "      rollout: { strategy: rolling, maxSurge: \"25%\", maxUnavailable: \"0\" }\n",
        );
    }
    if backs.contains(&0) && rng.one_in(2) {
        w.push_str("      migrations:\n        command: [migrate, up]\n");
    }
    if is_routed(i) {
        w.push_str("      exposure: public\n");
    }
    w.push_str("      metrics: { path: /metrics, port: http }\n");
}

/// Whether service `i` gets a gateway route: every tenth one (the frontends).
fn is_routed(i: usize) -> bool {
    i.is_multiple_of(10)
}

fn backing(w: &mut String) {
    w.push_str("  backingServices:\n");
    for (i, (name, engine, version, user, db, backup)) in BACKING.into_iter().enumerate() {
        let _ = write!(
            w,
            "    {name}:
      engine: {engine}
      version: \"{version}\"
"
        );
        if user {
            let _ = writeln!(
                w,
                "      credentials: {{ user: synth, passwordSecret: {name}-password }}"
            );
        } else {
            let _ = writeln!(
                w,
                "      credentials: {{ passwordSecret: {name}-password }}"
            );
        }
        if let Some(db) = db {
            let _ = writeln!(w, "      database: {db}");
        }
        let _ = write!(
            w,
            "      replicas: {}
      resources:
        requests: {{ cpu: 500m, memory: 1Gi }}
        limits: {{ cpu: \"2\", memory: 4Gi }}
      storage: {{ size: {}Gi }}
",
            if engine == "minio" { 1 } else { 2 },
            20 * (i + 1)
        );
        if backup {
            let _ = write!(
                w,
                "      backup:
        incremental: \"{i} * * * *\"
        full: \"{} 2 * * *\"
        retention: {{ incremental: 48, full: 30 }}
        destination: minio
",
                10 * i
            );
        }
    }
}

fn monitoring(w: &mut String) {
    w.push_str(
        "  monitoring:
    prometheus:
      version: v2.53.0
      retention: 15d
      scrapeInterval: 30s
      resources:
        requests: { cpu: 500m, memory: 2Gi }
        limits: { cpu: \"1\", memory: 4Gi }
      storage: { size: 50Gi }
    grafana:
      version: 11.1.0
      adminPasswordSecret: grafana-password
      subPath: /grafana
      exposure: public
      resources:
        requests: { cpu: 250m, memory: 512Mi }
        limits: { cpu: 500m, memory: 1Gi }
      storage: { size: 5Gi }
    jaeger:
      version: \"1.57\"
      resources:
        requests: { cpu: 250m, memory: 512Mi }
        limits: { cpu: 500m, memory: 1Gi }
",
    );
}

fn gateway(w: &mut String, n: usize) {
    w.push_str(
        "  gateway:
    hosts: [synth.example.com, www.synth.example.com]
    tls: { issuer: letsencrypt-prod, minVersion: TLSv1.2 }
    hsts: { maxAge: 63072000, includeSubdomains: true }
    headers:
      contentSecurityPolicy: \"default-src 'self'; frame-ancestors 'none'\"
    rateLimits:
      api: { requestsPerSecond: 50, burst: 100 }
      auth: { requestsPerMinute: 30, burst: 10 }
    routes:
      - { path: /grafana, service: grafana }
",
    );
    for i in (0..n).filter(|&i| is_routed(i)) {
        let name = service_name(i);
        let limit = if i % 20 == 0 { "api" } else { "auth" };
        let _ = writeln!(
            w,
            "      - {{ path: /{name}, service: {name}, rateLimit: {limit}, maxBodySize: 10Mi, timeout: 60s }}"
        );
    }
    w.push_str(
        "    nginx:
      version: \"1.27\"
      replicas: 2
      resources:
        requests: { cpu: 100m, memory: 128Mi }
        limits: { cpu: 500m, memory: 256Mi }
",
    );
}

fn environments(w: &mut String, rng: &mut Rng, n: usize) {
    w.push_str(
        "  environments:
    production:
      namespace: synth-production
      description: Serves users.
    staging:
      namespace: synth-staging
      description: Pre-production.
",
    );
    w.push_str(if n == 0 {
        "      services: {}\n"
    } else {
        "      services:\n"
    });
    for i in (0..n).step_by(5) {
        let _ = writeln!(
            w,
            "        {}: {{ replicas: 1, env: {{ LOG_LEVEL: debug }}, autoscaling: {{ minReplicas: 1, maxReplicas: {}, targetCpuUtilization: 80 }}, disruptionBudget: {{ maxUnavailable: 1 }} }}",
            service_name(i),
            2 + rng.below(3)
        );
    }
    w.push_str(
        "      backingServices:
        postgres: { storage: { size: 10Gi } }
        minio: { storage: { size: 20Gi } }
      gateway:
        hosts: [staging.synth.example.com]
        tls: { issuer: letsencrypt-staging, minVersion: TLSv1.2 }
        replicas: 1
",
    );
}
