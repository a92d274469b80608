//! Queue-depth autoscaling: a KEDA `ScaledObject` (API `keda.sh/v1alpha1`) in place of the
//! HorizontalPodAutoscaler of a service whose `autoscaling` names a `queue`. KEDA creates
//! and drives the HPA itself, from the same CPU and memory targets plus the queue's depth;
//! two HPAs on one controller would fight, so nexus renders only the ScaledObject.
//!
//! The RabbitMQ trigger reads its connection from the service's own environment
//! (`hostFromEnv`: the variable holding the AMQP URL; KEDA resolves its `$(VAR)` secret
//! references from the pod spec), so no credential is repeated here. The KEDA operator
//! connects from its namespace (see [`KEDA_NAMESPACE`]); the queue's RabbitMQ lets it in on
//! the AMQP port (see [`super::network`]).
//!
//! k8s-openapi has no types for custom resources, so the object is a small typed struct.
//! The conformance test validates it against the ScaledObject CRD of a pinned KEDA release
//! (`nexus-render/tests/crds/keda/`).

use nexus_spec::ir;
use serde::Serialize;
use std::collections::BTreeMap;

use super::custom_resource::custom_resource;
use super::meta::Naming;

/// The API version of rendered ScaledObjects.
pub const SCALED_OBJECT_API_VERSION: &str = <ScaledObject as k8s_openapi::Resource>::API_VERSION;
/// The namespace the KEDA operator runs in (its Helm chart's default).
pub(super) const KEDA_NAMESPACE: &str = "keda";
/// `app.kubernetes.io/name` of the KEDA operator's pods (its Helm chart's label).
pub(super) const KEDA_OPERATOR_NAME: &str = "keda-operator";

custom_resource! {
    /// A KEDA `ScaledObject`.
    ScaledObject {
        spec: Spec,
        group: "keda.sh",
        version: "v1alpha1",
        kind: "ScaledObject",
        plural: "scaledobjects",
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    scale_target_ref: TargetRef,
    min_replica_count: u32,
    max_replica_count: u32,
    triggers: Vec<Trigger>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TargetRef {
    api_version: &'static str,
    kind: String,
    name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Trigger {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    metric_type: Option<&'static str>,
    metadata: BTreeMap<&'static str, String>,
}

fn resource(kind: &'static str, percent: u32) -> Trigger {
    Trigger {
        kind,
        metric_type: Some("Utilization"),
        metadata: BTreeMap::from([("value", percent.to_string())]),
    }
}

/// The ScaledObject of the controller `target` (kind `kind`), named after it, when `a`
/// scales on a queue.
pub(crate) fn scaled_object(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    a: &ir::Autoscaling,
    kind: &str,
    target: &str,
) -> Option<ScaledObject> {
    let q = a.queue.as_ref()?;
    let mut triggers = Vec::new();
    if let Some(cpu) = &a.target_cpu {
        triggers.push(resource("cpu", cpu.value));
    }
    if let Some(memory) = &a.target_memory {
        triggers.push(resource("memory", memory.value));
    }
    triggers.push(Trigger {
        kind: "rabbitmq",
        metric_type: Some("AverageValue"),
        metadata: BTreeMap::from([
            ("protocol", "amqp".to_owned()),
            ("mode", "QueueLength".to_owned()),
            ("queueName", q.queue.clone()),
            ("value", q.target_length.to_string()),
            ("hostFromEnv", q.host_env.clone()),
        ]),
    });
    Some(ScaledObject {
        metadata: ctx.meta(target, ctx.labels(&w.name.value, w.tier.as_str())),
        spec: Spec {
            scale_target_ref: TargetRef {
                api_version: "apps/v1",
                kind: kind.to_owned(),
                name: target.to_owned(),
            },
            min_replica_count: a.min_replicas.value,
            max_replica_count: a.max_replicas.value,
            triggers,
        },
    })
}
