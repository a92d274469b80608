//! Exporters: when the platform runs Prometheus, each backing service whose engine serves no
//! metrics itself (see [`crate::catalog::exporter_for`]) gets a workload `<name>-exporter`
//! that connects to its client port with its credentials and is scraped. Passwords stay
//! secret references: a file where the exporter reads one, else a secret in the environment.

use super::ctx::Resolver;
use super::parts;
use super::workloads::{component_ports, sorted_env};
use crate::catalog::{self, Component, SECRET_FILES_DIR};
use crate::ir::{self, WorkloadKind};
use crate::model::{self, Engine, Exposure, Tier};
use crate::span::Spanned;
use crate::values::{ImageRef, Quantity, Segment, Template};

/// The exporter's name for the backing service `name`.
pub fn exporter_name(name: &str) -> String {
    format!("{name}-exporter")
}

/// Adds the exporters of `workloads` (when one of them is Prometheus).
pub(super) fn exporters(ctx: &mut Resolver, workloads: &mut Vec<ir::Workload>) {
    if !workloads.iter().any(|w| w.kind == WorkloadKind::Prometheus) {
        return;
    }
    let mut out = Vec::new();
    for w in workloads.iter() {
        let WorkloadKind::Backing(engine) = w.kind else {
            continue;
        };
        if let Some(c) = catalog::exporter_for(engine)
            && let Some(x) = exporter(ctx, w, engine, c)
        {
            out.push(x);
        }
    }
    workloads.extend(out);
}

fn text(s: &str) -> Segment {
    Segment::Text(s.to_owned())
}

fn var(name: &str, segments: Vec<Segment>) -> ir::EnvVar {
    ir::EnvVar {
        name: Spanned::detached(name.to_owned()),
        value: Spanned::detached(Template::from_segments(segments)),
    }
}

/// The exporter's environment and secret files: where the engine is and how to log in.
fn connection(w: &ir::Workload, engine: Engine) -> (Vec<ir::EnvVar>, Vec<ir::SecretFile>) {
    let host = Segment::Host(w.name.value.clone());
    let port = w.main_port().map_or(0, |p| p.port.value);
    let user = w.credentials.as_ref().map(|c| c.user.clone());
    let secret = w
        .credentials
        .as_ref()
        .map(|c| c.password_secret.value.clone());
    let mut env = Vec::new();
    let mut files = Vec::new();
    match engine {
        Engine::Postgres => {
            let db = w.database.clone().unwrap_or_else(|| "postgres".to_owned());
            env.push(var(
                "DATA_SOURCE_URI",
                vec![host, text(&format!(":{port}/{db}?sslmode=disable"))],
            ));
            if let Some(u) = user {
                env.push(var("DATA_SOURCE_USER", vec![text(&u)]));
            }
            if let Some(s) = secret {
                let path = format!("{SECRET_FILES_DIR}/{s}");
                env.push(var("DATA_SOURCE_PASS_FILE", vec![text(&path)]));
                files.push(ir::SecretFile { secret: s, path });
            }
        }
        Engine::Redis => {
            env.push(var(
                "REDIS_ADDR",
                vec![text("redis://"), host, text(&format!(":{port}"))],
            ));
            if let Some(s) = secret {
                env.push(var("REDIS_PASSWORD", vec![Segment::Secret(s)]));
            }
        }
        Engine::Elasticsearch => {
            // The node's address is the `--es.uri` argument (see `args`): v1.7.0 reads no
            // variable for it.
            if let Some(u) = user {
                env.push(var("ES_USERNAME", vec![text(&u)]));
            }
            if let Some(s) = secret {
                env.push(var("ES_PASSWORD", vec![Segment::Secret(s)]));
            }
        }
        Engine::Neo4j | Engine::Rabbitmq | Engine::Minio => {}
    }
    (env, files)
}

/// Command-line arguments: Elasticsearch's exporter takes the node's address only as a flag
/// (v1.7.0 `main.go`: `es.uri` has no environment variable). The short service name resolves
/// in both targets (Compose's service name; the namespace's search domain in Kubernetes).
fn args(w: &ir::Workload, engine: Engine) -> Option<Vec<String>> {
    let port = w.main_port().map_or(0, |p| p.port.value);
    match engine {
        Engine::Elasticsearch => Some(vec![format!("--es.uri=http://{}:{port}", w.name.value)]),
        _ => None,
    }
}

fn quantity(text: &str) -> Option<Spanned<Quantity>> {
    Quantity::parse(text).ok().map(Spanned::detached)
}

fn exporter(
    ctx: &mut Resolver,
    w: &ir::Workload,
    engine: Engine,
    c: &'static Component,
) -> Option<ir::Workload> {
    let release = c.releases.first()?;
    let image = ImageRef::parse(&format!("{}:{release}{}", c.image, c.tag_suffix)).ok()?;
    let ports = component_ports(c);
    let health = parts::health(
        ctx,
        &model::Health::default(),
        &ports,
        Some((c.readiness, c.liveness)),
    );
    let security = parts::security(ctx, &model::Security::default(), parts::ImageUser::of(c));
    let metrics = c.metrics.and_then(|(path, port_name)| {
        let port = ports.iter().find(|p| p.name.value == port_name)?;
        Some(ir::Metrics {
            path: path.to_owned(),
            port_name: port_name.to_owned(),
            port: port.port.value,
        })
    });
    let (env, mut secret_files) = connection(w, engine);
    secret_files.sort();
    // An exporter answers one scrape at a time with a few queries: a small, fixed budget.
    let resources = ir::Resources {
        cpu_request: quantity("50m"),
        memory_request: quantity("64Mi"),
        cpu_limit: quantity("200m"),
        memory_limit: quantity("64Mi"),
    };
    Some(ir::Workload {
        name: Spanned::new(exporter_name(&w.name.value), w.span),
        kind: WorkloadKind::Exporter(engine),
        tier: Tier::Monitoring,
        image: Spanned::detached(image),
        command: None,
        args: args(w, engine),
        ports,
        env: sorted_env(env),
        resources,
        replicas: Spanned::detached(1),
        health,
        depends_on: vec![Spanned::detached(w.name.value.clone())],
        talks_to: Vec::new(),
        autoscaling: None,
        disruption_budget: None,
        rollout: ir::Rollout::Rolling {
            max_surge: "25%".into(),
            max_unavailable: "0".into(),
        },
        migration: None,
        backup: None,
        storage: None,
        credentials: None,
        database: None,
        exposure: Spanned::detached(Exposure::Internal),
        metrics,
        security,
        secret_files,
        shm_mib: None,
        span: w.span,
    })
}
