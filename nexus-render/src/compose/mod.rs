//! The Compose generator: one Compose project per environment, from the same IR as the
//! Kubernetes output.
//!
//! [`render`] writes, relative to the environment's `compose/` folder:
//! - `compose.yaml`: every workload as a service (see `compose/service.rs`), its migration as a
//!   one-shot `NAME-migrate` service that must finish before the workload starts, the
//!   gateway (see `compose/gateway.rs`), one internal network per allowed connection (see
//!   `compose/network.rs`) and a named volume per workload with storage;
//! - `.env.example`: every variable the project needs, without values (see `compose/dotenv.rs`);
//! - `prometheus/prometheus.yml` when the platform has Prometheus (see `compose/prometheus.rs`);
//! - `grafana/datasources.yaml` when Grafana has Prometheus or Jaeger to read (see
//!   `compose/grafana.rs`).
//!
//! Secrets never appear: each is a `${VAR:?message}` interpolation (see `compose/interpolate.rs`).
//!
//! Blue-green: Compose cannot hold two copies behind one name and move traffic between
//! them, so the service `NAME` runs the active slot's image and is the one the gateway and
//! other services reach. The other slot is rendered as `NAME-SLOT` (`backend-green`) with the
//! preview image, under the Compose profile `preview`: it starts only with
//! `docker compose --profile preview up`, is reachable by nothing, and lets the preview
//! image be smoke-tested against the same backing services. Switching slots is a change of
//! `activeSlot` in the spec and a re-render; `docker compose up -d` then recreates `NAME`.
//!
//! PostgreSQL's WAL archiving is rendered as in Kubernetes (see `compose/archive.rs`), and so
//! are scheduled backups (a scheduler service per backed-up engine, see `compose/schedule.rs`) and
//! restores (services under the profile `restore`; see `compose/backup.rs`); Elasticsearch
//! takes its own snapshots, set up by one-shot services (see `compose/es_snapshots.rs`). Not rendered
//! for Compose: autoscaling and disruption budgets, and `hostPort` bindings (only the gateway publishes
//! ports). Stateful workloads run one container, whatever their replica count.

mod archive;
mod backup;
mod dotenv;
mod es_snapshots;
mod gateway;
mod grafana;
mod health;
mod interpolate;
mod minio_setup;
mod model;
mod network;
mod project;
mod prometheus;
mod resources;
mod schedule;
mod service;

use std::collections::{BTreeMap, BTreeSet};

use nexus_spec::ir::{self, Rollout, WorkloadKind};
use nexus_spec::model::Slot;

use crate::error::RenderError;
use crate::output::semantic;
use crate::plan::{OutputPlan, Sink, count_kinds};
use interpolate::{Interpolator, argument, literal};
use model::{DependsOn, Mount, SecretSource, Service, Volume};
use network::Topology;
use project::{Rest, Services};

/// Where Alertmanager's configuration is, relative to the Compose folder.
pub const ALERTMANAGER_PATH: &str = "alertmanager/alertmanager.yml";
/// Where Alertmanager reads it.
pub const ALERTMANAGER_TARGET: &str = "/etc/alertmanager/alertmanager.yml";

/// The Compose profile of blue-green preview slots.
pub const PREVIEW_PROFILE: &str = "preview";

/// Room for one network, volume or secret of `compose.yaml`, generously (see
/// `crate::yaml::to_yaml_sized`); the services' room is their written size.
const COMPOSE_BYTES_PER_OBJECT: usize = 512;

/// Renders the Compose project of one environment.
pub fn render(p: &ir::Platform) -> Result<OutputPlan, RenderError> {
    crate::plan::collect(|sink| render_parts(p, sink))
}

/// [`render`], handing each file beside the project (configuration, scripts, the alerting
/// rules and dashboards: at 5,000 services the largest files of the environment) to `sink`
/// as soon as it is rendered, and the project and `.env.example` last.
pub fn render_parts(p: &ir::Platform, sink: &mut Sink<'_>) -> Result<(), RenderError> {
    let interp = Interpolator::new(p);
    let labels = platform_labels(p);
    let topology = Topology::new(p, p.gateway.as_ref().map(|_| gateway::NAME));
    let mut services = Services::default();
    let mut vars: BTreeMap<String, dotenv::Variable> = BTreeMap::new();
    let mut extra_files = ExtraFiles {
        sink,
        seen: BTreeSet::new(),
    };
    let mut backup_volumes = Vec::new();
    for w in &p.workloads {
        let name = &w.name.value;
        let mut svc = service::service(w, &interp, &labels)?;
        svc.depends_on = depends_on(p, w);
        set_networks(&mut svc, topology.of(name));
        if w.kind == WorkloadKind::Prometheus {
            extra_files.add(prometheus::PATH.to_owned(), prometheus::render(p, w)?)?;
            extra_files.add(prometheus::RULES_PATH.to_owned(), prometheus::rules(p)?)?;
            for (path, target) in [
                (prometheus::PATH, prometheus::TARGET),
                (prometheus::RULES_PATH, prometheus::RULES_TARGET),
            ] {
                svc.volumes.push(Mount {
                    kind: "bind".into(),
                    source: format!("./{path}"),
                    target: target.into(),
                    read_only: true,
                });
            }
        }
        if w.kind == WorkloadKind::Alertmanager
            && let Some(a) = &p.alerting
        {
            extra_files.add(
                ALERTMANAGER_PATH.to_owned(),
                crate::alerts::alertmanager::render(a)?,
            )?;
            svc.volumes.push(Mount {
                kind: "bind".into(),
                source: format!("./{ALERTMANAGER_PATH}"),
                target: ALERTMANAGER_TARGET.into(),
                read_only: true,
            });
            // Receivers are outside: the one non-internal network besides the gateway's.
            svc.network_mode = None;
            svc.networks = network::joining_outbound(std::mem::take(&mut svc.networks), true);
        }
        if w.kind == WorkloadKind::Grafana {
            let dashboards = crate::dashboards::dashboards(p)?;
            if !dashboards.is_empty() {
                extra_files.add(
                    grafana::PROVIDER_PATH.to_owned(),
                    crate::dashboards::provider()?,
                )?;
                for (file, text) in dashboards {
                    extra_files.add(format!("{}/{file}", grafana::DASHBOARDS_PATH), text)?;
                }
                for (source, target) in [
                    (
                        grafana::PROVIDER_PATH.to_owned(),
                        grafana::PROVIDER_TARGET.to_owned(),
                    ),
                    (
                        grafana::DASHBOARDS_PATH.to_owned(),
                        crate::dashboards::DASHBOARDS_DIR.to_owned(),
                    ),
                ] {
                    svc.volumes.push(Mount {
                        kind: "bind".into(),
                        source: format!("./{source}"),
                        target,
                        read_only: true,
                    });
                }
            }
        }
        if w.kind == WorkloadKind::Grafana
            && let Some(text) = grafana::render(p)?
        {
            extra_files.add(grafana::PATH.to_owned(), text)?;
            svc.volumes.push(Mount {
                kind: "bind".into(),
                source: format!("./{}", grafana::PATH),
                target: grafana::TARGET.into(),
                read_only: true,
            });
        }
        let mut companions = Vec::new();
        for setup in minio_setup::waits_for(p, w) {
            svc.depends_on.insert(setup, minio_setup::completed());
        }
        if let Some((setup_name, setup, files, used)) = minio_setup::render(p, w, &svc, &topology)?
        {
            for s in used.iter().filter_map(|s| p.secret(s)) {
                note_secret(&mut vars, s, &setup_name);
            }
            extra_files.extend(files)?;
            companions.push((setup_name, setup));
        }
        if let Some((ship_name, ship, files, used)) = archive::render(p, w, &mut svc, &topology)? {
            for s in used.iter().filter_map(|s| p.secret(s)) {
                note_secret(&mut vars, s, &ship_name);
            }
            extra_files.extend(files)?;
            companions.push((ship_name, ship));
        }
        let backups = backup::render(p, w, &svc, &topology)?;
        for s in backups
            .destination_secrets
            .iter()
            .filter_map(|s| p.secret(s))
        {
            for user in &backups.destination_users {
                note_secret(&mut vars, s, user);
            }
        }
        for (path, text) in backups.files {
            // The WAL shipper brings some of the same scripts.
            if !extra_files.seen.contains(&path) {
                extra_files.add(path, text)?;
            }
        }
        backup_volumes.extend(backups.volumes.into_iter().map(|v| (v, w)));
        companions.extend(backups.services);
        if let Some(snapshots) = es_snapshots::render(p, w, &mut svc, &topology)? {
            for (secret, user) in &snapshots.secrets {
                if let Some(s) = p.secret(secret) {
                    note_secret(&mut vars, s, user);
                }
            }
            extra_files.extend(snapshots.files)?;
            companions.extend(snapshots.services);
        }
        if let Some(m) = &w.migration {
            let job = migration(w, m, &svc, &topology);
            let job_name = nexus_spec::names::derived(name, nexus_spec::names::MIGRATE);
            svc.depends_on.insert(
                job_name.clone(),
                DependsOn {
                    condition: "service_completed_successfully".into(),
                },
            );
            companions.push((job_name, job));
        }
        if let Rollout::BlueGreen { active, .. } = &w.rollout {
            let slot = match active.value {
                Slot::Blue => Slot::Green,
                Slot::Green => Slot::Blue,
            };
            // The service takes traffic with the active slot's image; the idle slot runs
            // beside it under the preview profile with its own.
            if let Some(i) = w.rollout.slot_image(active.value) {
                svc.image = literal(&i.value.to_string());
            }
            let mut preview = svc.clone();
            if let Some(i) = w.rollout.slot_image(slot) {
                preview.image = literal(&i.value.to_string());
            }
            preview.profiles = vec![PREVIEW_PROFILE.into()];
            preview.depends_on.remove(&nexus_spec::names::derived(
                name,
                nexus_spec::names::MIGRATE,
            ));
            preview.deploy = service::deploy(None, &w.resources);
            set_networks(&mut preview, topology.outbound(name));
            preview
                .labels
                .insert("nexus.dev/slot".into(), slot.as_str().into());
            svc.labels
                .insert("nexus.dev/slot".into(), active.value.as_str().into());
            companions.push((nexus_spec::names::slot(name, slot), preview));
        }
        for secret in w.secrets() {
            let s = p.secret(secret).ok_or_else(|| {
                RenderError::Unrenderable(format!("`{name}` uses the unknown secret `{secret}`"))
            })?;
            let v = vars.entry(s.env_var.clone()).or_default();
            v.description = format!(
                "Secret `{}`. {}",
                s.name.value,
                s.description.as_deref().unwrap_or("")
            );
            v.used_by.insert(name.clone());
            // Backup and restore services use the engine's secret only when they log in.
            let reference = format!("${{{}:", s.env_var);
            v.used_by.extend(
                companions
                    .iter()
                    .filter(|(_, c)| {
                        !matches!(
                            c.labels.get("nexus.dev/role").map(String::as_str),
                            Some("backup" | "restore")
                        ) || c.environment.values().any(|e| e.contains(&reference))
                    })
                    .map(|(n, _)| n.clone()),
            );
        }
        services.insert(name.clone(), &svc)?;
        for (n, c) in companions {
            services.insert(n, &c)?;
        }
    }
    if let Some(gw) = &p.gateway {
        services.insert(
            gateway::NAME.into(),
            &gateway::service(p, gw, &topology, &labels),
        )?;
        if gw.tls.is_some() {
            for (var, what) in [
                (gateway::CERT_VAR, "certificate (PEM, full chain)"),
                (gateway::KEY_VAR, "private key (PEM)"),
            ] {
                if vars.contains_key(var) {
                    return Err(RenderError::Unrenderable(format!(
                        "a secret uses the variable `{var}`, which the gateway needs for its TLS files; give the secret another `env`"
                    )));
                }
                vars.insert(
                    var.into(),
                    dotenv::Variable {
                        description: format!("Path on the Docker host of the gateway's TLS {what}; mounted read-only."),
                        used_by: BTreeSet::from([gateway::NAME.to_owned()]),
                    },
                );
            }
        }
    }
    let mut volumes = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    for (name, w) in backup_volumes {
        volumes.insert(
            name,
            Volume {
                labels: service::workload_labels(&labels, w),
            },
        );
    }
    for w in &p.workloads {
        let volume = || Volume {
            labels: service::workload_labels(&labels, w),
        };
        if w.storage.is_some() {
            volumes.insert(service::data_volume(&w.name.value), volume());
        }
        for path in &w.security.seeded_paths {
            volumes.insert(service::seed_volume(&w.name.value, path), volume());
        }
        for f in &w.secret_files {
            let s = p.secret(&f.secret).ok_or_else(|| {
                RenderError::Unrenderable(format!(
                    "`{}` uses the unknown secret `{}`",
                    w.name.value, f.secret
                ))
            })?;
            secrets.insert(
                f.secret.clone(),
                SecretSource {
                    environment: s.env_var.clone(),
                },
            );
        }
    }
    let labels = std::sync::Arc::new(labels);
    let rest = Rest {
        networks: network::with_outbound(
            topology.networks(&labels, p.gateway.is_some()),
            &labels,
            p.alerting.is_some() || archive::ships_off_site(p) || backup::copies_off_site(p),
        ),
        volumes,
        secrets,
    };
    // What built the project is not needed to write it. At 5,000 services the network
    // topology alone is about 28 MB, alive beside the project's YAML otherwise.
    drop((topology, interp));
    // The project is written after its header in the same string: at 5,000 services it is
    // 16 MB, which `header + &yaml` would copy once more and hold twice.
    let mut compose_yaml = format!(
        "# Compose project of {} {} ({}), generated by nexus: do not edit.\n# Secrets come from the environment or `.env`; see .env.example.\n",
        p.name.value, p.version.value, p.environment.value
    );
    // Sized up front (see `crate::yaml::to_yaml_sized`): the services are already written.
    compose_yaml.reserve(crate::yaml::room(
        services.bytes()
            + COMPOSE_BYTES_PER_OBJECT
                * (1 + rest.networks.len() + rest.volumes.len() + rest.secrets.len()),
    ));
    let contents = project::contents(&services, &rest);
    project::append(&mut compose_yaml, &p.namespace.value, services, &rest)?;
    let mut plan = OutputPlan::new();
    plan.add_with_contents("compose.yaml", compose_yaml, contents)?;
    let title = format!(
        "Variables of the Compose project {} ({} {}).",
        p.namespace.value, p.name.value, p.environment.value
    );
    plan.add(".env.example", dotenv::render(&title, &vars))?;
    (extra_files.sink)(plan)
}

/// The files beside the project, each handed to the sink as it is rendered.
struct ExtraFiles<'a, 's> {
    sink: &'a mut Sink<'s>,
    /// Every path handed over so far.
    seen: BTreeSet<String>,
}

impl ExtraFiles<'_, '_> {
    /// Hands one file over; a path handed over before is [`RenderError::DuplicatePath`].
    fn add(&mut self, path: String, text: String) -> Result<(), RenderError> {
        if !self.seen.insert(path.clone()) {
            return Err(RenderError::DuplicatePath(path));
        }
        let mut part = OutputPlan::new();
        // A YAML file besides the project is one document of another tool's configuration
        // (Prometheus, Alertmanager, Grafana): the README need not parse it to say so.
        if semantic::is_yaml(&path) {
            part.add_with_contents(path, text, count_kinds([semantic::YAML_DOCUMENT]))?;
        } else {
            part.add(path, text)?;
        }
        (self.sink)(part)
    }

    fn extend(&mut self, files: Vec<(String, String)>) -> Result<(), RenderError> {
        files
            .into_iter()
            .try_for_each(|(path, text)| self.add(path, text))
    }
}

/// The platform's labels, values escaped for Compose, plus nexus's own.
fn platform_labels(p: &ir::Platform) -> BTreeMap<String, String> {
    let mut l: BTreeMap<String, String> = p
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), literal(v)))
        .collect();
    l.insert("nexus.dev/platform".into(), p.name.value.clone());
    l.insert("nexus.dev/environment".into(), p.environment.value.clone());
    l
}

/// `depends_on` following the workload's dependencies (see [`wait_for`]).
fn depends_on(p: &ir::Platform, w: &ir::Workload) -> BTreeMap<String, DependsOn> {
    w.depends_on.iter().map(|d| wait_for(p, &d.value)).collect()
}

/// A `depends_on` entry for `name`: healthy when it has a health check, started otherwise
/// (Compose refuses `service_healthy` on a service without one).
pub fn wait_for(p: &ir::Platform, name: &str) -> (String, DependsOn) {
    let healthy = p.workload(name).is_some_and(health::has_healthcheck);
    let condition = if healthy {
        "service_healthy"
    } else {
        "service_started"
    };
    (
        name.to_owned(),
        DependsOn {
            condition: condition.into(),
        },
    )
}

/// Joins `networks`, or no network at all when there are none (never the default network).
/// Records that `user` reads secret `s` (with the secret's description, when no workload
/// using it gave one yet).
fn note_secret(vars: &mut BTreeMap<String, dotenv::Variable>, s: &ir::Secret, user: &str) {
    let v = vars.entry(s.env_var.clone()).or_default();
    if v.description.is_empty() {
        v.description = format!(
            "Secret `{}`. {}",
            s.name.value,
            s.description.as_deref().unwrap_or("")
        );
    }
    v.used_by.insert(user.to_owned());
}

fn set_networks(svc: &mut Service, networks: Vec<String>) {
    if svc.network_mode.is_some() {
        return;
    }
    if networks.is_empty() {
        svc.network_mode = Some("none".into());
    } else {
        svc.networks = networks;
    }
}

/// The one-shot migration service: the workload's environment and security, the
/// migration's image and command, never restarted; it waits for and reaches only the
/// migration's own dependencies (by default the service's databases).
fn migration(w: &ir::Workload, m: &ir::Migration, main: &Service, topology: &Topology) -> Service {
    let mut job = Service {
        image: literal(&m.image.value.to_string()),
        entrypoint: Some(
            m.command
                .iter()
                .map(|a| argument(a, &main.environment))
                .collect(),
        ),
        restart: "no".into(),
        depends_on: main
            .depends_on
            .iter()
            .filter(|(dep, _)| m.depends_on.iter().any(|d| &d.value == *dep))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        environment: main.environment.clone(),
        deploy: service::deploy(None, &w.resources),
        labels: main.labels.clone(),
        ..Service::default()
    };
    service::harden(&mut job, &w.security);
    job.labels
        .insert("nexus.dev/role".into(), "migration".into());
    let reachable: Vec<String> = m
        .depends_on
        .iter()
        .map(|d| Topology::network_name(&w.name.value, &d.value))
        .collect();
    let networks = topology
        .outbound(&w.name.value)
        .into_iter()
        .filter(|n| reachable.contains(n))
        .collect();
    set_networks(&mut job, networks);
    job
}
