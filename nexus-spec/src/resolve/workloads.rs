//! Building IR workloads from services, backing services and the monitoring stack.

use super::contract;
use super::ctx::Resolver;
use super::parts;
use super::placeholders::Directory;
use crate::catalog::{self, Component};
use crate::codes;
use crate::ir;
use crate::model::{self, Engine, Exposure, Tier};
use crate::span::{Span, Spanned};
use crate::values::{self, ImageRef, Template};

/// How long a finished migration Job is kept by default: a week, long enough to read its
/// logs after a release.
const MIGRATION_TTL_SECONDS: u32 = 7 * 24 * 3600;

/// Hosts a workload's values name, with where they are named (for the dependency check).
pub(crate) type HostUses = Vec<(String, Span)>;

fn env_vars(
    ctx: &mut Resolver,
    dir: &Directory,
    env: &std::collections::BTreeMap<model::Name, Spanned<String>>,
    hosts: &mut HostUses,
) -> Vec<ir::EnvVar> {
    let mut out = Vec::with_capacity(env.len());
    for (name, value) in env {
        ctx.name(name, "environment variable name", values::name::env_var);
        if let Some(t) = dir.resolve(ctx, value, hosts) {
            out.push(ir::EnvVar {
                name: name.clone(),
                value: Spanned::new(t, value.span),
            });
        }
    }
    out
}

fn literal_env(pairs: &[(&str, &str)]) -> Vec<ir::EnvVar> {
    pairs
        .iter()
        .map(|(k, v)| ir::EnvVar {
            name: Spanned::detached((*k).to_owned()),
            value: Spanned::detached(Template::literal(*v)),
        })
        .collect()
}

fn component_image(
    ctx: &mut Resolver,
    c: &Component,
    version: &Spanned<String>,
    image: Option<&Spanned<String>>,
) -> Option<Spanned<ImageRef>> {
    if let Some(i) = image {
        return ctx.image(i);
    }
    let Some(release) = c.release(&version.value) else {
        ctx.error(
            codes::INVALID_VALUE,
            version.span,
            format!(
                "`{}` is a floating tag: nexus pins one release per series it knows ({}), and two nodes could pull different releases of `{}`",
                values::name::shorten(&version.value),
                c.series(),
                values::name::shorten(&version.value),
            ),
            "not an exact release",
            format!(
                "name a known series or an exact release, such as `\"{}\"`",
                c.releases.first().copied().unwrap_or("1.0.0")
            ),
        );
        return None;
    };
    let text = format!("{}:{}{}", c.image, release, c.tag_suffix);
    match ImageRef::parse(&text) {
        Ok(i) => Some(Spanned::new(i, version.span)),
        Err(msg) => {
            ctx.error(
                codes::INVALID_VALUE,
                version.span,
                format!(
                    "`{}` cannot be an image tag: {msg}",
                    values::name::shorten(&version.value)
                ),
                "invalid version",
                "write the version as the image tag, such as `\"15\"` or `\"8.14.3\"`",
            );
            None
        }
    }
}

/// The metrics endpoint a component's image serves by itself, if any.
fn builtin_metrics(c: &Component, ports: &[ir::Port]) -> Option<ir::Metrics> {
    let (path, port_name) = c.metrics?;
    let port = ports.iter().find(|p| p.name.value == port_name)?;
    Some(ir::Metrics {
        path: path.to_owned(),
        port_name: port_name.to_owned(),
        port: port.port.value,
    })
}

pub(super) fn component_ports(c: &Component) -> Vec<ir::Port> {
    c.ports
        .iter()
        .map(|p| ir::Port {
            name: Spanned::detached(p.name.to_owned()),
            port: Spanned::detached(p.port),
            protocol: model::Protocol::Tcp,
            host_port: None,
            role: p.role,
        })
        .collect()
}

pub(super) fn sorted_env(mut env: Vec<ir::EnvVar>) -> Vec<ir::EnvVar> {
    env.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    env.dedup_by(|a, b| a.name.value == b.name.value);
    env
}

/// An application service.
pub(crate) fn service(
    ctx: &mut Resolver,
    dir: &Directory,
    name: &model::Name,
    s: &model::Service,
    hosts: &mut HostUses,
) -> Option<ir::Workload> {
    let image = ctx.image(&s.image);
    let ports = parts::ports(ctx, &s.ports);
    let env = env_vars(ctx, dir, &s.env, hosts);
    let resources = parts::resources(ctx, &s.resources);
    let health = parts::health(ctx, &s.health, &ports, None);
    let autoscaling = s
        .autoscaling
        .as_ref()
        .and_then(|a| parts::autoscaling(ctx, a, &env));
    let replicas = parts::replicas(
        ctx,
        s.replicas.as_ref(),
        autoscaling.as_ref().map_or(1, |a| a.min_replicas.value),
    );
    let disruption_budget = s
        .disruption_budget
        .as_ref()
        .and_then(|d| parts::disruption_budget(ctx, d));
    let security = parts::security(
        ctx,
        &s.security,
        parts::ImageUser {
            uid: catalog::DEFAULT_SERVICE_UID,
            ..parts::ImageUser::default()
        },
    );
    let metrics = s.metrics.as_ref().and_then(|m| metrics(ctx, m, &ports));
    for arg in s.command.iter().flatten().chain(s.args.iter().flatten()) {
        ctx.checked(arg, "command argument", |v| {
            if v.contains('\0') {
                Err("a NUL byte".into())
            } else {
                Ok(())
            }
        });
    }
    let image = image?;
    let migration = s.migrations.as_ref().and_then(|m| {
        if m.command.is_empty() {
            ctx.error(
                codes::MISSING_KEY,
                name.span,
                "a migration needs a `command`",
                "empty migration command",
                "write the command that runs the migrations, such as `[alembic, upgrade, head]`",
            );
            return None;
        }
        let mimage = match &m.image {
            Some(i) => ctx.image(i)?,
            None => promoted_image(s, &image),
        };
        Some(ir::Migration {
            image: mimage,
            command: m.command.iter().map(|c| c.value.clone()).collect(),
            backoff_limit: ctx
                .int_or(m.backoff_limit.as_ref(), 3, 0, 100, "backoffLimit")
                .value,
            timeout_seconds: ctx
                .int_or(m.timeout_seconds.as_ref(), 600, 1, 86_400, "timeoutSeconds")
                .value,
            ttl_seconds: m
                .keep_for
                .as_ref()
                .and_then(|k| ctx.duration(k, "migration retention"))
                .map_or(MIGRATION_TTL_SECONDS, |secs| {
                    u32::try_from(secs).unwrap_or(u32::MAX)
                }),
            // Filled in once every workload is known (`migrations::link`).
            depends_on: m.depends_on.as_deref().map(sorted_deps).unwrap_or_default(),
            waits: Vec::new(),
            span: m.command.first().map_or(name.span, |c| c.span),
        })
    });
    let rollout = parts::rollout(ctx, s.rollout.as_ref(), &image);
    if let (Some(m), ir::Rollout::BlueGreen { blue, green, .. }) = (&migration, &rollout)
        && blue.value != image.value
        && green.value != image.value
        && blue.value != green.value
        && s.migrations.as_ref().is_some_and(|mm| mm.image.is_none())
    {
        ctx.error(
            codes::INVALID_VALUE,
            m.span,
            "both slots run another image than the service's, so nexus cannot tell which release the migration is for",
            "migration of which release?",
            "set the service's `image` to the release that is live now and give only the slot of the new release its own image, or give the migration its `image`",
        );
    }
    Some(ir::Workload {
        name: name.clone(),
        kind: ir::WorkloadKind::Service,
        tier: s.tier.map_or(Tier::Backend, |t| t.value),
        image,
        command: s
            .command
            .as_ref()
            .map(|c| c.iter().map(|v| v.value.clone()).collect()),
        args: s
            .args
            .as_ref()
            .map(|c| c.iter().map(|v| v.value.clone()).collect()),
        ports,
        env: sorted_env(env),
        resources,
        replicas,
        health,
        depends_on: sorted_deps(&s.depends_on),
        talks_to: talks(&s.talks_to),
        autoscaling,
        disruption_budget,
        rollout,
        migration,
        backup: None,
        storage: None,
        credentials: None,
        database: None,
        exposure: s.exposure.unwrap_or(Spanned::detached(Exposure::Internal)),
        metrics,
        security,
        secret_files: Vec::new(),
        shm_mib: None,
        span: name.span,
    })
}

fn sorted_deps(deps: &[model::Name]) -> Vec<Spanned<String>> {
    let mut d = deps.to_vec();
    d.sort();
    d.dedup();
    d
}

fn talks(list: &[model::TalksTo]) -> Vec<ir::Talk> {
    let mut out: Vec<ir::Talk> = list
        .iter()
        .map(|t| ir::Talk {
            workload: t.workload.clone(),
            ports: t.ports.clone(),
        })
        .collect();
    out.sort_by(|a, b| a.workload.value.cmp(&b.workload.value));
    out
}

fn metrics(ctx: &mut Resolver, m: &model::Metrics, ports: &[ir::Port]) -> Option<ir::Metrics> {
    let port = ports.iter().find(|p| p.name.value == m.port.value);
    let Some(port) = port else {
        ctx.unresolved(
            codes::UNRESOLVED_REFERENCE,
            &m.port,
            "port",
            ports.iter().map(|p| p.name.value.as_str()),
        );
        return None;
    };
    let path = m
        .path
        .clone()
        .unwrap_or(Spanned::detached("/metrics".to_owned()));
    ctx.checked(&path, "metrics path", values::name::url_path);
    Some(ir::Metrics {
        path: path.value,
        port_name: port.name.value.clone(),
        port: port.port.value,
    })
}

/// A typed backing service.
pub(crate) fn backing(
    ctx: &mut Resolver,
    name: &model::Name,
    b: &model::BackingService,
) -> Option<ir::Workload> {
    let engine = b.engine.value;
    let c = catalog::engine(engine);
    let image = component_image(ctx, c, &b.version, b.image.as_ref());
    let ports = component_ports(c);
    let metrics = builtin_metrics(c, &ports);
    let resources = parts::resources(ctx, &b.resources);
    let health = parts::health(ctx, &b.health, &ports, Some((c.readiness, c.liveness)));
    let security = parts::security(ctx, &b.security, parts::ImageUser::of(c));
    let storage = match (&b.storage, c.data_path) {
        (Some(s), Some(path)) => parts::storage(ctx, s, path),
        (None, _) if engine != Engine::Redis => {
            ctx.error(
                codes::MISSING_KEY,
                name.span,
                format!(
                    "the {engine} backing service `{}` needs `storage`",
                    name.value
                ),
                "no storage",
                "add `storage: { size: 20Gi }` so its data survives restarts",
            );
            None
        }
        _ => None,
    };
    let credentials = b.credentials.as_ref().map(|cr| {
        if let Some(u) = &cr.user {
            ctx.single_line(u, "user name");
        }
        ir::Credentials {
            user: cr.user.as_ref().map_or_else(
                || {
                    c.credentials
                        .map_or("admin", |ce| ce.default_user)
                        .to_owned()
                },
                |u| u.value.clone(),
            ),
            password_secret: cr.password_secret.clone(),
        }
    });
    if let Some(db) = &b.database {
        ctx.single_line(db, "database name");
    }
    let database = b.database.as_ref().map(|d| d.value.clone());
    let mut env = literal_env(c.env);
    let mut secret_files = Vec::new();
    if let Some(cr) = &credentials {
        let (vars, files) = contract::credentials(c, cr, database.as_deref());
        env.extend(vars);
        secret_files.extend(files);
    }
    let (memory_env, memory_args) = contract::memory(c, &resources);
    env.extend(memory_env);
    let mut args: Vec<String> = c.args.iter().map(|a| (*a).to_owned()).collect();
    args.extend(memory_args);
    let shm_mib = contract::shm_mib(c, &resources);
    let backup = b.backup.as_ref().and_then(|bk| parts::backup(ctx, bk));
    let disruption_budget = b
        .disruption_budget
        .as_ref()
        .and_then(|d| parts::disruption_budget(ctx, d));
    let replicas = parts::replicas(ctx, b.replicas.as_ref(), 1);
    let image = image?;
    Some(ir::Workload {
        name: name.clone(),
        kind: ir::WorkloadKind::Backing(engine),
        tier: Tier::Data,
        rollout: ir::Rollout::Rolling {
            max_surge: "0".into(),
            max_unavailable: "1".into(),
        },
        image,
        command: None,
        args: (!args.is_empty()).then_some(args),
        ports,
        env: sorted_env(env),
        resources,
        replicas,
        health,
        depends_on: Vec::new(),
        talks_to: Vec::new(),
        autoscaling: None,
        disruption_budget,
        migration: None,
        backup,
        storage,
        credentials,
        database,
        exposure: Spanned::detached(Exposure::Internal),
        metrics,
        security,
        secret_files,
        shm_mib,
        span: name.span,
    })
}

/// Common shape of a monitoring component.
pub(crate) struct MonitoringInput<'a> {
    pub kind: ir::WorkloadKind,
    pub component: &'static Component,
    pub version: &'a Spanned<String>,
    pub image: Option<&'a Spanned<String>>,
    pub resources: &'a model::Resources,
    pub storage: Option<&'a model::Storage>,
    pub security: &'a model::Security,
    pub exposure: Option<Spanned<Exposure>>,
    pub args: Vec<String>,
    pub env: Vec<ir::EnvVar>,
    pub credentials: Option<ir::Credentials>,
    pub span: Span,
}

/// A monitoring component (Prometheus, Grafana, Jaeger).
pub(crate) fn monitoring(ctx: &mut Resolver, m: MonitoringInput<'_>) -> Option<ir::Workload> {
    let c = m.component;
    let image = component_image(ctx, c, m.version, m.image);
    let ports = component_ports(c);
    let resources = parts::resources(ctx, m.resources);
    let health = parts::health(
        ctx,
        &model::Health::default(),
        &ports,
        Some((c.readiness, c.liveness)),
    );
    let security = parts::security(ctx, m.security, parts::ImageUser::of(c));
    let storage = match (m.storage, c.data_path) {
        (Some(s), Some(path)) => parts::storage(ctx, s, path),
        _ => None,
    };
    let mut env = literal_env(c.env);
    env.extend(m.env);
    let mut secret_files = Vec::new();
    if let Some(cr) = &m.credentials {
        let (vars, files) = contract::credentials(c, cr, None);
        env.extend(vars);
        secret_files.extend(files);
    }
    Some(ir::Workload {
        name: Spanned::new(m.kind.as_str().to_owned(), m.span),
        kind: m.kind,
        tier: Tier::Monitoring,
        image: image?,
        command: None,
        args: (!m.args.is_empty()).then_some(m.args),
        ports,
        env: sorted_env(env),
        resources,
        replicas: Spanned::detached(1),
        health,
        depends_on: Vec::new(),
        talks_to: Vec::new(),
        autoscaling: None,
        disruption_budget: None,
        rollout: ir::Rollout::Rolling {
            max_surge: "0".into(),
            max_unavailable: "1".into(),
        },
        migration: None,
        backup: None,
        storage,
        credentials: m.credentials,
        database: None,
        exposure: m.exposure.unwrap_or(Spanned::detached(Exposure::Internal)),
        metrics: None,
        security,
        secret_files,
        shm_mib: None,
        span: m.span,
    })
}

/// The image a blue-green service's migration runs by default: the release being promoted,
/// that is the slot image that differs from the service's `image` (the live release). It does
/// not depend on `activeSlot`, so switching traffic renders the same migration Job.
fn promoted_image(
    s: &crate::model::Service,
    image: &Spanned<crate::values::ImageRef>,
) -> Spanned<crate::values::ImageRef> {
    let slots = s.rollout.as_ref().filter(|r| {
        r.strategy
            .is_some_and(|st| st.value == crate::model::RolloutStrategy::BlueGreen)
    });
    slots
        .into_iter()
        .flat_map(|r| [&r.blue, &r.green])
        .flatten()
        .filter_map(|slot| slot.image.as_ref())
        .filter_map(|i| {
            crate::values::ImageRef::parse(&i.value)
                .ok()
                .map(|v| Spanned::new(v, i.span))
        })
        .find(|i| i.value != image.value)
        .unwrap_or_else(|| image.clone())
}
