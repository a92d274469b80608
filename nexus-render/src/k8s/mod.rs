//! The Kubernetes target: one resolved environment in, hardened and deterministic manifests
//! out. Every object is a `k8s-openapi` type (or, for the `ExternalSecret` custom resource,
//! a small typed struct) serialized through [`crate::yaml`]; no YAML is written by hand.
//!
//! # Layout
//!
//! Paths are relative to the environment's `k8s/` folder. Files are listed here, and in
//! `kustomization.yaml`, in apply order:
//!
//! | path | holds |
//! | --- | --- |
//! | `00-namespace.yaml` | the Namespace, the `default-deny` and `allow-dns` NetworkPolicies |
//! | `05-placement.yaml` | a `PriorityClass` per tier the environment runs (and one for its jobs), the namespace's `ResourceQuota` and `LimitRange` |
//! | `10-secrets.yaml` | an `ExternalSecret` per secret kept in an external store |
//! | `20-data/<name>.yaml` | each backing service (databases, caches, queues, object storage) |
//! | `20-data/<minio>-setup.yaml` | the setup Job of a MinIO that holds a declared backup destination: buckets, users, policies, lifecycle rules (see `k8s/minio_setup.rs`) |
//! | `30-monitoring/<name>.yaml` | Prometheus (with its scrape configuration and derived alerting rules), Alertmanager (with its routes and receivers), Grafana (with its data sources), Jaeger |
//! | `40-migrations/<name>.yaml` | each service's migration Job, self-contained so it can be applied and waited for first |
//! | `50-services/<name>.yaml` | each application service |
//! | `60-backups/<name>.yaml` | the backup CronJobs of each backing service that has backups |
//! | `70-gateway.yaml` | the gateway as Gateway API objects (Gateway, HTTPRoutes), NGINX Gateway Fabric's policies and the proxy pods' NetworkPolicy (the default edge) |
//! | `70-ingress.yaml` | the gateway's Ingress objects (the `ingress` edge) |
//! | `kustomization.yaml` | every file above, in this order |
//! | `80-restore/<name>.yaml` | the restore Job (and fresh volume) of each backing service whose backups are rendered; applied on demand, so not in `kustomization.yaml` (see `k8s/restore.rs`) |
//!
//! # Kind order
//!
//! Inside a file, objects come in this order: Namespace, PriorityClass (highest first),
//! ResourceQuota, LimitRange, ExternalSecret, ServiceAccount,
//! ConfigMap, Service, StatefulSet, Deployment, Job, CronJob, HorizontalPodAutoscaler (or,
//! for queue-depth autoscaling, a KEDA ScaledObject), PodDisruptionBudget, NetworkPolicy, Ingress; in `70-gateway.yaml`: Gateway, HTTPRoute (the
//! redirect, then routes in route order), RateLimitPolicy, ClientSettingsPolicy,
//! ProxySettingsPolicy, NetworkPolicy. Several objects of one kind come in a fixed
//! order: ExternalSecrets by name; a workload's env ConfigMap before its mounted one;
//! Services `<name>`, `<name>-blue`, `<name>-green`, `<name>-headless`; blue before green;
//! the full backup before the incremental one; Ingresses in route order.
//!
//! # Names and labels
//!
//! Each workload's objects are named after it (`<name>`, `<name>-env` for its ConfigMap,
//! `<name>-headless`, `<name>-blue`/`-green`); its migration is the pod group
//! `<name>-migrate`, its backups `<name>-backup`. Every object carries
//! `app.kubernetes.io/{name,instance,component,part-of,managed-by}`, controllers and pod
//! templates also `app.kubernetes.io/version` (the image tag); `instance` is
//! `<platform>-<environment>`, `component` the tier (`migration`, `backup`, `gateway`,
//! `secret` for the rest). Placeholders for hosts become `<name>.<namespace>.svc.cluster.local`.
//!
//! # Determinism
//!
//! The same IR gives the same bytes: maps are ordered (k8s-openapi writes `apiVersion` and
//! `kind` first, then fields alphabetically), workloads come sorted by name, nothing holds a
//! time stamp or random name, and hashes (the `checksum/config` annotation, migration Job
//! names) are SHA-256 of rendered bytes.
//!
//! The objects are typed against Kubernetes 1.33 (the oldest version nexus supports) and
//! validated against the 1.33 and 1.37 schemas by the conformance test.

pub(crate) mod archive;
pub(crate) mod backup;
pub(crate) mod backup_scripts;
mod contract;
mod custom_resource;
mod env;
mod es_backup;
mod es_snapshot;
mod gateway_api;
mod gateway_policies;
mod ingress;
mod keda;
mod kustomize;
mod meta;
mod migration;
mod minio_setup;
mod monitoring;
mod namespace;
mod network;
mod objects;
mod placement;
mod pod;
mod ports;
mod restore;
mod scaling;
mod secrets;
mod services;
#[cfg(test)]
pub(crate) mod testing;
mod workload;
mod yaml_stream;

pub use backup::UNSUPPORTED_ANNOTATION as BACKUP_ANNOTATION;
pub use backup_scripts::{MC_IMAGE, RCLONE_IMAGE};
pub use env::SECRET_VAR_PREFIX;
pub use es_snapshot::{ES_KEYSTORE, ES_SNAPSHOT_RESTORE, ES_SNAPSHOT_SETUP, slm_schedule};
pub use gateway_api::GATEWAY_API_VERSION;
pub use gateway_policies::NGF_POLICY_API_VERSION;
pub use keda::SCALED_OBJECT_API_VERSION;
pub use meta::{CHECKSUM_ANNOTATION, CLUSTER_DOMAIN, SECRET_KEY, SLOT_LABEL};
pub use placement::{LIMITS_NAME, QUOTA_NAME};
pub use restore::DIR as RESTORE_DIR;
pub use secrets::EXTERNAL_SECRET_API_VERSION;

use nexus_spec::ir::{self, WorkloadKind};
use nexus_spec::model::EdgeKind;
use rayon::prelude::*;

use crate::error::RenderError;
use crate::plan::{OutputPlan, Sink, count_kinds};
use crate::yaml::to_yaml;
use kustomize::Resources;
use meta::Naming;
use network::Flows;
use yaml_stream::YamlStream;

/// The numbered sections of workload files, in apply order.
#[derive(Clone, Copy)]
enum Section {
    Data = 0,
    Monitoring = 1,
    Migrations = 2,
    Services = 3,
    Backups = 4,
    /// Applied on demand: not in `kustomization.yaml`.
    Restore = 5,
}

/// The files of one workload, each with its section.
struct WorkloadFiles {
    files: Vec<(Section, (String, YamlStream))>,
}

fn render_workload(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    flows: &Flows,
) -> Result<WorkloadFiles, RenderError> {
    let name = &w.name.value;
    let mut files = Vec::new();
    match w.kind {
        WorkloadKind::Backing(_) => {
            let docs = workload::render(ctx, w, flows, Vec::new())?;
            files.push((Section::Data, (format!("20-data/{name}.yaml"), docs)));
            if let Some(docs) = minio_setup::render(ctx, w, flows)? {
                files.push((Section::Data, (format!("20-data/{name}-setup.yaml"), docs)));
            }
        }
        WorkloadKind::Prometheus
        | WorkloadKind::Grafana
        | WorkloadKind::Jaeger
        | WorkloadKind::Alertmanager
        | WorkloadKind::Exporter(_) => {
            let extra = match w.kind {
                WorkloadKind::Prometheus => vec![monitoring::prometheus(ctx, w)?],
                WorkloadKind::Grafana => monitoring::grafana(ctx, w)?,
                WorkloadKind::Alertmanager => {
                    monitoring::alertmanager(ctx, w)?.into_iter().collect()
                }
                _ => Vec::new(),
            };
            let docs = workload::render(ctx, w, flows, extra)?;
            files.push((
                Section::Monitoring,
                (format!("30-monitoring/{name}.yaml"), docs),
            ));
        }
        WorkloadKind::Service => {}
    }
    if let Some(m) = &w.migration {
        let docs = migration::render(ctx, w, m, flows)?;
        files.push((
            Section::Migrations,
            (format!("40-migrations/{name}.yaml"), docs),
        ));
    }
    if w.kind == WorkloadKind::Service {
        let docs = workload::render(ctx, w, flows, Vec::new())?;
        files.push((
            Section::Services,
            (format!("50-services/{name}.yaml"), docs),
        ));
    }
    if let Some(docs) = backup::render(ctx, w, flows)? {
        files.push((Section::Backups, (format!("60-backups/{name}.yaml"), docs)));
    }
    if let Some(docs) = es_backup::render(ctx, w, flows)? {
        files.push((Section::Backups, (format!("60-backups/{name}.yaml"), docs)));
    }
    if let Some(docs) = es_backup::restore(ctx, w)? {
        files.push((
            Section::Restore,
            (format!("{}/{name}.yaml", restore::DIR), docs),
        ));
    }
    if let Some(docs) = restore::render(ctx, w)? {
        files.push((
            Section::Restore,
            (format!("{}/{name}.yaml", restore::DIR), docs),
        ));
    }
    Ok(WorkloadFiles { files })
}

/// The file that lists every rendered file in apply order.
pub const KUSTOMIZATION: &str = "kustomization.yaml";

/// The gateway's file: Gateway API objects and NGINX Gateway Fabric's policies, or the
/// Ingress objects (docs/decisions/0016-gateway-api-edge.md).
fn edge(ctx: &Naming<'_>, g: &ir::Gateway) -> Result<(String, YamlStream), RenderError> {
    let mut docs = YamlStream::new();
    match g.kubernetes.edge {
        EdgeKind::GatewayApi => {
            let r = gateway_api::render(ctx, g)?;
            docs.push(&r.gateway)?;
            for route in &r.routes {
                docs.push(route)?;
            }
            let p = gateway_policies::render(ctx, g, &r.route_names);
            for x in &p.rate_limits {
                docs.push(x)?;
            }
            for x in &p.client_settings {
                docs.push(x)?;
            }
            for x in &p.proxy_settings {
                docs.push(x)?;
            }
            if let Some(np) = network::edge_proxy_policy(ctx, g) {
                docs.push(&np)?;
            }
            Ok(("70-gateway.yaml".into(), docs))
        }
        EdgeKind::Ingress => {
            for i in ingress::render(ctx, g) {
                docs.push(&i)?;
            }
            Ok(("70-ingress.yaml".into(), docs))
        }
    }
}

/// Renders one resolved environment as Kubernetes manifests, with paths relative to the
/// environment's `k8s/` folder (see the module documentation for the layout).
///
/// The same files as [`render_parts`], in one plan.
pub fn render(platform: &ir::Platform) -> Result<OutputPlan, RenderError> {
    crate::plan::collect(|sink| render_parts(platform, sink))
}

/// How many workloads render (in parallel) before their files are handed to the sink: big
/// enough to keep every core busy, small enough that a part is about a megabyte.
const WORKLOADS_PER_PART: usize = 128;

/// [`render`], handing the files to `sink` as they are rendered: the namespace, placement
/// and secrets first, then the files of each group of 128 workloads (Prometheus and
/// Grafana first), the edge, and last `kustomization.yaml`. Only the paths are kept between parts (for
/// the kustomization), so memory does not grow with the number of workloads' files.
///
/// ```
/// # let spec = nexus_spec::Spec::from_str("demo.yaml", r#"
/// # apiVersion: nexus.dev/v1alpha1
/// # kind: Platform
/// # metadata: { name: demo, version: 1.0.0 }
/// # spec:
/// #   services:
/// #     web:
/// #       image: registry.example.com/demo/web:1.0.0
/// #       ports: [{ name: http, port: 8080 }]
/// #   environments:
/// #     staging: {}
/// # "#).unwrap();
/// let platform = spec.resolve("staging").unwrap();
/// let mut parts = Vec::new();
/// nexus_render::k8s::render_parts(&platform, &mut |part| {
///     parts.push(part);
///     Ok(())
/// })
/// .unwrap();
/// let last = parts.last().unwrap();
/// assert!(last.get(nexus_render::k8s::KUSTOMIZATION).is_some());
/// assert_eq!(
///     parts.iter().map(|p| p.len()).sum::<usize>(),
///     nexus_render::k8s::render(&platform).unwrap().len()
/// );
/// ```
pub fn render_parts(platform: &ir::Platform, sink: &mut Sink<'_>) -> Result<(), RenderError> {
    let ctx = Naming::new(platform);
    let flows = Flows::new(platform);
    let mut secrets = YamlStream::new();
    for s in &platform.secrets {
        if let Some(x) = secrets::external_secret(&ctx, s) {
            secrets.push(&x)?;
        }
    }
    let mut resources = Resources::default();
    let head = vec![
        ("00-namespace.yaml".into(), namespace::render(&ctx)?),
        ("05-placement.yaml".into(), placement::render(&ctx)?),
        ("10-secrets.yaml".into(), secrets),
    ];
    sink(resources.part(head.into_iter().map(|f| (None, f)))?)?;
    // Each group's workloads render in parallel; their files are handed over in workload
    // order, so the bytes do not depend on the number of threads. Prometheus and Grafana
    // go first: they embed the environment's alerting rules and dashboards, its largest
    // files, and are handed over and dropped before Compose, rendering beside this target,
    // builds its project, its own largest buffer, at its end. Last, the two overlapped
    // whenever the threads ran at the same pace (heap peak at 5,000 services 187–222 MB
    // against 180–186 MB first).
    let (first, rest): (Vec<_>, Vec<_>) = platform
        .workloads
        .iter()
        .enumerate()
        .partition(|(_, w)| embeds_the_environment(w.kind));
    for group in first
        .chunks(WORKLOADS_PER_PART)
        .chain(rest.chunks(WORKLOADS_PER_PART))
    {
        let rendered: Vec<Result<WorkloadFiles, RenderError>> = group
            .par_iter()
            .map(|(_, w)| render_workload(&ctx, w, &flows))
            .collect();
        let mut files = Vec::new();
        for ((index, _), r) in group.iter().zip(rendered) {
            files.extend(r?.files.into_iter().map(|(s, f)| (Some((s, *index)), f)));
        }
        sink(resources.part(files)?)?;
    }
    if let Some(g) = &platform.gateway {
        sink(resources.part([(None, edge(&ctx, g)?)])?)?;
    }
    let k = kustomize::kustomization(resources.in_apply_order());
    let mut last = OutputPlan::new();
    // A Kustomization has no `metadata.name`: the README calls it a YAML document.
    last.add_with_contents(
        KUSTOMIZATION,
        to_yaml(&k, "kustomization")?.into_bytes(),
        count_kinds([crate::output::semantic::YAML_DOCUMENT]),
    )?;
    sink(last)
}

/// Whether a workload's files hold the whole environment's rules or dashboards.
fn embeds_the_environment(kind: WorkloadKind) -> bool {
    matches!(kind, WorkloadKind::Prometheus | WorkloadKind::Grafana)
}
