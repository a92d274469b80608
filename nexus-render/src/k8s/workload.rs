//! One workload's servers, as one file: ServiceAccount, ConfigMaps, Services, the
//! controller(s), autoscalers, disruption budgets and the NetworkPolicy.
//!
//! * Stateless workloads are Deployments; stateful ones ([`WorkloadKind::is_stateful`]) are
//!   StatefulSets behind a headless Service, with a `data` volumeClaimTemplate at the data
//!   path (an emptyDir when the spec gives no storage).
//! * A blue-green workload is two Deployments, `<name>-blue` and `<name>-green`, each with
//!   its own image (`rollout.blue.image`, `rollout.green.image`, each defaulting to the
//!   service's image), autoscaler and budget, with the same bounds. Only the Service `<name>`
//!   names the active slot, so switching `activeSlot` changes one line of output and no
//!   Deployment's image, and switching back restores the previous files.
//! * When autoscaling is on, `replicas` is left out of the controller so that applying the
//!   manifests again does not undo the autoscaler's work.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment, StatefulSet,
    StatefulSetSpec,
};
use k8s_openapi::api::core::v1::{Container, EnvVar, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use nexus_spec::catalog;
use nexus_spec::ir::{self, ImageRef, Rollout, WorkloadKind};
use nexus_spec::model::Slot;
use sha2::{Digest, Sha256};

use super::archive;
use super::backup;
use super::contract;
use super::env;
use super::meta::{CHECKSUM_ANNOTATION, Labels, Naming, SLOT_LABEL, int, selector};
use super::network::Flows;
use super::objects::{config_map, config_map_volume, service_account, volume_claim};
use super::placement;
use super::pod::{self, Mounts};
use super::scaling;
use super::services::{self, SLOTS, slot_selector};
use super::yaml_stream::{YamlStream, finish_hex};
use crate::error::RenderError;

/// Extra configuration a workload reads from files (Prometheus' scrape configuration,
/// Grafana's data sources).
#[derive(Debug, Clone)]
pub(crate) struct MountedConfig {
    /// ConfigMap name.
    pub name: String,
    /// File name → contents.
    pub data: BTreeMap<String, String>,
    /// Where the files appear in the container.
    pub mount_path: &'static str,
}

/// Where a component keeps its data, from the catalog.
fn catalog_data_path(kind: WorkloadKind) -> Option<&'static str> {
    catalog::component(kind).and_then(|c| c.data_path)
}

/// A workload's pod template parts that do not depend on the slot.
struct Pod<'a> {
    w: &'a ir::Workload,
    env: Vec<EnvVar>,
    checksum: Option<String>,
    mounts: Mounts,
    init: Vec<Container>,
    /// What backups add to the pod (PostgreSQL's archiving).
    additions: Option<archive::Additions>,
    /// The scripts' volume of Elasticsearch's snapshots (its keystore step).
    snapshot_volume: Option<k8s_openapi::api::core::v1::Volume>,
}

/// The main container of a workload.
pub(crate) fn container(
    w: &ir::Workload,
    image: &ImageRef,
    env: Vec<EnvVar>,
    mounts: &Mounts,
) -> Result<Container, RenderError> {
    let probe = |p: &Option<ir::Probe>| p.as_ref().map(pod::probe).transpose();
    Ok(Container {
        args: w.args.clone(),
        command: w.command.clone(),
        env: (!env.is_empty()).then_some(env),
        image: Some(image.to_string()),
        liveness_probe: probe(&w.health.liveness)?,
        name: w.name.value.clone(),
        ports: pod::ports(w),
        readiness_probe: probe(&w.health.readiness)?,
        resources: pod::resources(&w.resources),
        security_context: Some(pod::container_security(&w.security)),
        startup_probe: probe(&w.health.startup)?,
        volume_mounts: mounts.mounts(),
        ..Container::default()
    })
}

impl Pod<'_> {
    fn template(
        &self,
        ctx: &Naming<'_>,
        image: &ImageRef,
        slot: Option<Slot>,
    ) -> Result<PodTemplateSpec, RenderError> {
        let w = self.w;
        let mut labels = ctx.versioned_labels(&w.name.value, w.tier.as_str(), image);
        if let Some(s) = slot {
            labels.insert(SLOT_LABEL.into(), s.as_str().into());
        }
        let mut annotations = ctx.annotations().unwrap_or_default();
        if let Some(c) = &self.checksum {
            annotations.insert(CHECKSUM_ANNOTATION.into(), c.clone());
        }
        let mut c = container(w, image, self.env.clone(), &self.mounts)?;
        let mut containers = Vec::new();
        let mut extra_volumes = Vec::new();
        if let Some(a) = &self.additions {
            c.args.get_or_insert_with(Vec::new).extend(a.args.clone());
            containers.extend(a.sidecars.clone());
            extra_volumes.extend(a.volumes.clone());
        }
        containers.insert(0, c);
        let mut spec = pod::pod_spec(&w.name.value, &w.security, containers, &self.mounts);
        extra_volumes.extend(self.snapshot_volume.clone());
        if !extra_volumes.is_empty() {
            spec.volumes
                .get_or_insert_with(Vec::new)
                .extend(extra_volumes);
        }
        spec.init_containers = (!self.init.is_empty()).then(|| self.init.clone());
        pod::pull_secrets(ctx.platform, &mut spec);
        placement::priority(ctx, w.tier.as_str(), &mut spec);
        let pods = match slot {
            Some(s) => slot_selector(ctx, &w.name.value, s),
            None => ctx.selector_labels(&w.name.value),
        };
        placement::spread(w, &pods, !w.kind.is_stateful(), &mut spec);
        Ok(PodTemplateSpec {
            metadata: Some(ObjectMeta {
                annotations: (!annotations.is_empty()).then_some(annotations),
                labels: Some(labels),
                ..ObjectMeta::default()
            }),
            spec: Some(spec),
        })
    }
}

fn int_or_percent(v: &str) -> IntOrString {
    v.parse::<i32>()
        .map_or_else(|_| IntOrString::String(v.to_owned()), IntOrString::Int)
}

/// Renders a workload's servers.
pub(crate) fn render(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    flows: &Flows,
    extra: Vec<MountedConfig>,
) -> Result<YamlStream, RenderError> {
    let name = &w.name.value;
    let labels = ctx.labels(name, w.tier.as_str());
    let mut docs = YamlStream::new();
    docs.push(&service_account(ctx, name, labels.clone()))?;
    let env_cm = nexus_spec::names::derived(name, nexus_spec::names::ENV);
    let env = env::build(ctx, &w.env, &env_cm)?;
    // The pods' checksum covers every ConfigMap they mount, hashed as each is written:
    // Prometheus's rules and Grafana's dashboards are tens of MB at 5,000 services, and
    // are neither copied nor gathered again.
    let mut config_hash: Option<Sha256> = None;
    if !env.config.is_empty() {
        let cm = config_map(ctx, &env_cm, labels.clone(), env.config.clone());
        let yaml = docs.push(&cm)?;
        config_hash.get_or_insert_with(Sha256::new).update(yaml);
    }
    let mut mounts = Mounts::default();
    let additions = archive::additions(ctx, w);
    let mut configs = extra;
    configs.extend(additions.as_ref().map(|a| a.config.clone()));
    for (i, x) in configs.into_iter().enumerate() {
        // Prometheus's rules and Grafana's dashboards are tens of MB: room for them up
        // front, with each line's indent (see `crate::yaml::to_yaml_sized`).
        docs.reserve(x.data.iter().map(|(k, v)| 64 + k.len() + 2 * v.len()).sum());
        let cm = config_map(ctx, &x.name, labels.clone(), x.data);
        let yaml = docs.push(&cm)?;
        config_hash.get_or_insert_with(Sha256::new).update(yaml);
        let volume = match i {
            0 => "config".to_owned(),
            _ => format!("config-{}", i + 1),
        };
        mounts.add(
            config_map_volume(&volume, &x.name, 0o444),
            x.mount_path,
            true,
        );
    }
    let stateful = w.kind.is_stateful();
    for s in services::for_workload(ctx, w, stateful || w.metrics.is_some())? {
        docs.push(&s)?;
    }
    let data_path = w
        .storage
        .as_ref()
        .map(|s| s.mount_path.as_str())
        .or_else(|| catalog_data_path(w.kind))
        .filter(|_| stateful);
    match (data_path, &w.storage) {
        (Some(path), Some(_)) => mounts.mount_only("data", path),
        (Some(path), None) => mounts.add(pod::empty_dir("data"), path, false),
        (None, _) => {}
    }
    mounts.security(&w.security, data_path);
    let mut init = contract::apply(w, &mut mounts);
    let mut env_vars = env.vars;
    let snapshots = super::es_backup::pod_additions(ctx, w, &mounts);
    let snapshot_volume = snapshots.map(|a| {
        init.push(a.init);
        env_vars.extend(a.env);
        a.volume
    });
    let pod = Pod {
        w,
        env: env_vars,
        snapshot_volume,
        checksum: config_hash.map(finish_hex),
        mounts,
        init,
        additions,
    };
    let replicas = match w.autoscaling {
        Some(_) => None,
        None => Some(int(w.replicas.value, "replicas")?),
    };
    // (kind, controller name, the selector of its pods)
    let mut controllers: Vec<(&str, String, Labels)> = Vec::new();
    if stateful {
        let set = statefulset(ctx, &pod, replicas)?;
        docs.push(&set)?;
        controllers.push(("StatefulSet", name.clone(), ctx.selector_labels(name)));
    } else {
        match &w.rollout {
            Rollout::Rolling {
                max_surge,
                max_unavailable,
            } => {
                let strategy = (max_surge.as_str(), max_unavailable.as_str());
                let d = deployment(ctx, &pod, name, None, &w.image.value, replicas, strategy)?;
                docs.push(&d)?;
                controllers.push(("Deployment", name.clone(), ctx.selector_labels(name)));
            }
            Rollout::BlueGreen { blue, green, .. } => {
                // Each slot runs its own image whichever is active: switching `activeSlot`
                // changes only the selector of the Service that takes traffic.
                for slot in SLOTS {
                    let image = match slot {
                        Slot::Blue => &blue.value,
                        Slot::Green => &green.value,
                    };
                    let d_name = nexus_spec::names::slot(name, slot);
                    let d = deployment(
                        ctx,
                        &pod,
                        &d_name,
                        Some(slot),
                        image,
                        replicas,
                        (nexus_spec::placement::SLOT_MAX_SURGE, "0"),
                    )?;
                    docs.push(&d)?;
                    controllers.push(("Deployment", d_name, slot_selector(ctx, name, slot)));
                }
            }
        }
    }
    if let Some(a) = &w.autoscaling {
        for (kind, target, _) in &controllers {
            match super::keda::scaled_object(ctx, w, a, kind, target) {
                Some(so) => docs.push(&so)?,
                None => docs.push(&scaling::hpa(ctx, w, a, kind, target)?)?,
            };
        }
    }
    if let Some(b) = &w.disruption_budget {
        for (_, target, pods) in &controllers {
            let pdb = scaling::pdb(ctx, w, b, target, pods.clone())?;
            docs.push(&pdb)?;
        }
    }
    docs.push(&flows.policy(ctx, name, labels))?;
    Ok(docs)
}

fn deployment(
    ctx: &Naming<'_>,
    pod: &Pod<'_>,
    name: &str,
    slot: Option<Slot>,
    image: &ImageRef,
    replicas: Option<i32>,
    (max_surge, max_unavailable): (&str, &str),
) -> Result<Deployment, RenderError> {
    let w = pod.w;
    let mut labels = ctx.versioned_labels(&w.name.value, w.tier.as_str(), image);
    let pods = match slot {
        Some(s) => {
            labels.insert(SLOT_LABEL.into(), s.as_str().into());
            slot_selector(ctx, &w.name.value, s)
        }
        None => ctx.selector_labels(&w.name.value),
    };
    Ok(Deployment {
        metadata: ctx.meta(name, labels),
        // An `Option` in older Kubernetes versions, required in newer ones (k8s-openapi 0.29:
        // from 1.36 for CronJob and HPA, 1.37 for Deployment and StatefulSet); `into` fits both.
        spec: DeploymentSpec {
            replicas,
            selector: selector(pods),
            strategy: Some(DeploymentStrategy {
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(int_or_percent(max_surge)),
                    max_unavailable: Some(int_or_percent(max_unavailable)),
                }),
                type_: Some("RollingUpdate".to_owned()),
            }),
            template: pod.template(ctx, image, slot)?,
            ..DeploymentSpec::default()
        }
        .into(),
        ..Deployment::default()
    })
}

fn statefulset(
    ctx: &Naming<'_>,
    pod: &Pod<'_>,
    replicas: Option<i32>,
) -> Result<StatefulSet, RenderError> {
    let w = pod.w;
    let name = &w.name.value;
    let claims = w.storage.as_ref().map(|s| {
        let meta = ObjectMeta {
            name: Some("data".to_owned()),
            ..ObjectMeta::default()
        };
        vec![volume_claim(meta, s)]
    });
    let mut metadata = ctx.meta(
        name,
        ctx.versioned_labels(name, w.tier.as_str(), &w.image.value),
    );
    if let Some(reason) = backup::unsupported(ctx.platform, w) {
        metadata
            .annotations
            .get_or_insert_with(Labels::new)
            .insert(backup::UNSUPPORTED_ANNOTATION.into(), reason);
    }
    Ok(StatefulSet {
        metadata,
        // An `Option` in older Kubernetes versions, required in newer ones (k8s-openapi 0.29:
        // from 1.36 for CronJob and HPA, 1.37 for Deployment and StatefulSet); `into` fits both.
        spec: StatefulSetSpec {
            replicas,
            selector: selector(ctx.selector_labels(name)),
            service_name: Some(nexus_spec::names::derived(
                name,
                nexus_spec::names::HEADLESS,
            )),
            template: pod.template(ctx, &w.image.value, None)?,
            volume_claim_templates: claims,
            ..StatefulSetSpec::default()
        }
        .into(),
        ..StatefulSet::default()
    })
}
