//! `05-placement.yaml` and the placement of pods: a `PriorityClass` per group of pods the
//! environment runs, the namespace's `ResourceQuota` and `LimitRange`, and the topology
//! spread of every workload that may run more than one replica.
//!
//! The quota holds what [`nexus_spec::placement::demand`] counts (every pod at full scale,
//! rollout surge and both blue-green slots included), figure by figure unless the
//! environment declares its own `quota`; the `LimitRange` gives a container that declares
//! nothing [`CONTAINER_DEFAULTS`], so a quota on requests and limits never refuses a pod for
//! lacking them, and caps each container at the largest figures a rendered container has.
//!
//! The spread: pods of one controller (one blue-green slot, one rollout's ReplicaSet) are
//! kept within one of each other across nodes (`DoNotSchedule`: a single node failing never
//! takes more than its share) and across zones where nodes carry a zone label
//! (`ScheduleAnyway`: a cluster without zones, or with unequal ones, still schedules).
//! Tainted nodes the pods cannot run on are not counted as places (`nodeTaintsPolicy:
//! Honor`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    LimitRange, LimitRangeItem, LimitRangeSpec, PodSpec, ResourceQuota, ResourceQuotaSpec,
    TopologySpreadConstraint,
};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use nexus_spec::ir;
use nexus_spec::placement::{
    self, CONTAINER_DEFAULTS, Demand, JOBS, PRIORITIES, container, default_container, max_replicas,
};
use nexus_spec::values::Quantity as SpecQuantity;

use super::meta::{Labels, Naming, selector};
use super::yaml_stream::YamlStream;
use crate::error::RenderError;

/// The name of the namespace's ResourceQuota.
pub const QUOTA_NAME: &str = "platform-quota";
/// The name of the namespace's LimitRange.
pub const LIMITS_NAME: &str = "container-defaults";
/// The node label of a zone.
const ZONE_KEY: &str = "topology.kubernetes.io/zone";
/// The node label of a node.
const HOST_KEY: &str = "kubernetes.io/hostname";
/// The label that tells one Deployment revision's pods from another's.
const TEMPLATE_HASH: &str = "pod-template-hash";

/// Sets the pod's `priorityClassName`: its group's class (a tier, or [`JOBS`]).
pub(crate) fn priority(ctx: &Naming<'_>, group: &str, spec: &mut PodSpec) {
    spec.priority_class_name = Some(placement::priority_class(ctx.ns(), group));
}

/// Spreads the pods `pods` selects across nodes and zones when the workload may run more
/// than one; `revisions` for a Deployment, whose rollout's new pods spread on their own.
pub(crate) fn spread(w: &ir::Workload, pods: &Labels, revisions: bool, spec: &mut PodSpec) {
    if max_replicas(w) < 2 {
        return;
    }
    let constraint = |key: &str, when: &str| TopologySpreadConstraint {
        label_selector: Some(selector(pods.clone())),
        match_label_keys: revisions.then(|| vec![TEMPLATE_HASH.to_owned()]),
        max_skew: 1,
        node_taints_policy: Some("Honor".to_owned()),
        topology_key: key.to_owned(),
        when_unsatisfiable: when.to_owned(),
        ..TopologySpreadConstraint::default()
    };
    spec.topology_spread_constraints = Some(vec![
        constraint(HOST_KEY, "DoNotSchedule"),
        constraint(ZONE_KEY, "ScheduleAnyway"),
    ]);
}

/// CPU as Kubernetes writes it: whole cores, or millicores.
fn cpu(milli: u128) -> Quantity {
    Quantity(if milli.is_multiple_of(1000) {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    })
}

/// Bytes (from thousandths) rounded up to whole mebibytes, or gibibytes when exact.
fn bytes(milli: u128) -> Quantity {
    const MI: u128 = 1 << 20;
    let mib = milli.div_ceil(1000).div_ceil(MI);
    Quantity(if mib.is_multiple_of(1024) {
        format!("{}Gi", mib / 1024)
    } else {
        format!("{mib}Mi")
    })
}

/// A declared figure as written, or the derived one.
fn figure(declared: Option<&nexus_spec::Spanned<SpecQuantity>>, derived: Quantity) -> Quantity {
    declared.map_or(derived, |q| Quantity(q.value.as_str().to_owned()))
}

/// The ResourceQuota's `hard` figures.
fn hard(p: &ir::Platform, d: &Demand) -> BTreeMap<String, Quantity> {
    let q = &p.quota;
    let pods = q
        .pods
        .as_ref()
        .map_or(d.pods, |n| u64::from(n.value))
        .to_string();
    let mut hard = BTreeMap::from([
        (
            "limits.cpu".to_owned(),
            figure(q.limits_cpu.as_ref(), cpu(d.limits.cpu)),
        ),
        (
            "limits.memory".to_owned(),
            figure(q.limits_memory.as_ref(), bytes(d.limits.memory)),
        ),
        ("pods".to_owned(), Quantity(pods)),
        (
            "requests.cpu".to_owned(),
            figure(q.requests_cpu.as_ref(), cpu(d.requests.cpu)),
        ),
        (
            "requests.memory".to_owned(),
            figure(q.requests_memory.as_ref(), bytes(d.requests.memory)),
        ),
    ]);
    if d.claims > 0 || q.storage.is_some() {
        hard.insert(
            "persistentvolumeclaims".to_owned(),
            Quantity(d.claims.to_string()),
        );
        hard.insert(
            "requests.storage".to_owned(),
            figure(q.storage.as_ref(), bytes(d.storage)),
        );
    }
    hard
}

/// The largest limits of any container nexus renders in the environment.
fn largest_limits(p: &ir::Platform) -> placement::Figures {
    p.workloads
        .iter()
        .map(|w| container(&w.resources).limits)
        .fold(default_container().limits, placement::Figures::max)
}

/// The groups whose pods the environment runs: its workloads' tiers, and [`JOBS`] when a
/// migration or backup runs.
fn groups(p: &ir::Platform) -> Vec<&'static placement::Priority> {
    PRIORITIES
        .iter()
        .filter(|pr| {
            p.workloads.iter().any(|w| {
                if pr.group == JOBS {
                    w.migration.is_some() || w.backup.is_some()
                } else {
                    w.tier.as_str() == pr.group
                }
            })
        })
        .collect()
}

/// `05-placement.yaml`: PriorityClasses, the ResourceQuota and the LimitRange.
pub(crate) fn render(ctx: &Naming<'_>) -> Result<YamlStream, RenderError> {
    let p = ctx.platform;
    let mut docs = YamlStream::new();
    for pr in groups(p) {
        // `value` is an `i32` up to Kubernetes 1.36 and optional from 1.37 on: `.into()`
        // builds at every version, and is a no-op conversion at the default one.
        #[allow(clippy::useless_conversion)]
        let class = PriorityClass {
            description: Some(pr.description.to_owned()),
            global_default: Some(false),
            metadata: ObjectMeta {
                name: Some(placement::priority_class(ctx.ns(), pr.group)),
                labels: Some(ctx.base_labels()),
                annotations: ctx.annotations(),
                ..ObjectMeta::default()
            },
            preemption_policy: Some(
                if pr.preempts {
                    "PreemptLowerPriority"
                } else {
                    "Never"
                }
                .to_owned(),
            ),
            value: pr.value.into(),
        };
        docs.push(&class)?;
    }
    let demand = placement::demand(p);
    let quota = ResourceQuota {
        metadata: ctx.meta(QUOTA_NAME, ctx.base_labels()),
        spec: Some(ResourceQuotaSpec {
            hard: Some(hard(p, &demand)),
            ..ResourceQuotaSpec::default()
        }),
        ..ResourceQuota::default()
    };
    docs.push(&quota)?;
    let d = CONTAINER_DEFAULTS;
    let pair = |c: &str, m: &str| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(c.to_owned())),
            ("memory".to_owned(), Quantity(m.to_owned())),
        ])
    };
    let most = largest_limits(p);
    let limits = LimitRange {
        metadata: ctx.meta(LIMITS_NAME, ctx.base_labels()),
        spec: Some(LimitRangeSpec {
            limits: vec![LimitRangeItem {
                default: Some(pair(d.limit_cpu, d.limit_memory)),
                default_request: Some(pair(d.request_cpu, d.request_memory)),
                max: Some(BTreeMap::from([
                    ("cpu".to_owned(), cpu(most.cpu)),
                    ("memory".to_owned(), bytes(most.memory)),
                ])),
                type_: "Container".to_owned(),
                ..LimitRangeItem::default()
            }],
        }),
    };
    docs.push(&limits)?;
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_written_as_kubernetes_writes_them() {
        assert_eq!(cpu(12_000).0, "12");
        assert_eq!(cpu(12_500).0, "12500m");
        assert_eq!(bytes(2 * 1024 * 1024 * 1024 * 1000).0, "2Gi");
        assert_eq!(bytes(1536 * 1024 * 1024 * 1000).0, "1536Mi");
        // Rounded up, never down: a quota one byte short refuses the last pod.
        assert_eq!(bytes(1000 * 1024 * 1024 + 1).0, "2Mi");
    }
}
