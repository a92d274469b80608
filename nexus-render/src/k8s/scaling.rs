//! HorizontalPodAutoscalers (autoscaling/v2) and PodDisruptionBudgets (policy/v1).

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use nexus_spec::ir;

use super::meta::{Labels, Naming, int, selector};
use crate::error::RenderError;

fn resource_metric(name: &str, percent: u32) -> Result<MetricSpec, RenderError> {
    Ok(MetricSpec {
        resource: Some(ResourceMetricSource {
            name: name.to_owned(),
            target: MetricTarget {
                average_utilization: Some(int(percent, "target utilisation")?),
                type_: "Utilization".to_owned(),
                ..MetricTarget::default()
            },
        }),
        type_: "Resource".to_owned(),
        ..MetricSpec::default()
    })
}

/// An autoscaler for the controller `target` (kind `kind`), named after it.
pub(crate) fn hpa(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    a: &ir::Autoscaling,
    kind: &str,
    target: &str,
) -> Result<HorizontalPodAutoscaler, RenderError> {
    let mut metrics = Vec::new();
    if let Some(cpu) = &a.target_cpu {
        metrics.push(resource_metric("cpu", cpu.value)?);
    }
    if let Some(memory) = &a.target_memory {
        metrics.push(resource_metric("memory", memory.value)?);
    }
    Ok(HorizontalPodAutoscaler {
        metadata: ctx.meta(target, ctx.labels(&w.name.value, w.tier.as_str())),
        // An `Option` in older Kubernetes versions, required in newer ones (k8s-openapi 0.29:
        // from 1.36 for CronJob and HPA, 1.37 for Deployment and StatefulSet); `into` fits both.
        spec: HorizontalPodAutoscalerSpec {
            max_replicas: int(a.max_replicas.value, "maxReplicas")?,
            metrics: (!metrics.is_empty()).then_some(metrics),
            min_replicas: Some(int(a.min_replicas.value, "minReplicas")?),
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".to_owned()),
                kind: kind.to_owned(),
                name: target.to_owned(),
            },
            ..HorizontalPodAutoscalerSpec::default()
        }
        .into(),
        ..HorizontalPodAutoscaler::default()
    })
}

/// A disruption budget named `name` over the pods `pods` select. Unhealthy pods may always
/// be evicted, so a crash-looping pod cannot block a node drain.
pub(crate) fn pdb(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    budget: &ir::DisruptionBudget,
    name: &str,
    pods: Labels,
) -> Result<PodDisruptionBudget, RenderError> {
    let (min_available, max_unavailable) = match budget {
        ir::DisruptionBudget::MinAvailable(n) => {
            (Some(IntOrString::Int(int(n.value, "minAvailable")?)), None)
        }
        ir::DisruptionBudget::MaxUnavailable(n) => (
            None,
            Some(IntOrString::Int(int(n.value, "maxUnavailable")?)),
        ),
    };
    Ok(PodDisruptionBudget {
        metadata: ctx.meta(name, ctx.labels(&w.name.value, w.tier.as_str())),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable,
            min_available,
            selector: Some(selector(pods)),
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".to_owned()),
        }),
        ..PodDisruptionBudget::default()
    })
}
