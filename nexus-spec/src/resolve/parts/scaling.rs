//! How many copies run: autoscaling (CPU and queue depth), disruption budgets and replica counts.

use crate::codes;
use crate::ir;
use crate::model;
use crate::resolve::ctx::Resolver;
use crate::span::Spanned;
use crate::values::Segment;

/// Autoscaling bounds checked.
pub(crate) fn autoscaling(
    ctx: &mut Resolver,
    a: &model::Autoscaling,
    env: &[ir::EnvVar],
) -> Option<ir::Autoscaling> {
    let min = ctx.int_code(
        &a.min_replicas,
        1,
        10_000,
        "minReplicas",
        codes::AUTOSCALING_BOUNDS,
    )?;
    let max = ctx.int_code(
        &a.max_replicas,
        1,
        10_000,
        "maxReplicas",
        codes::AUTOSCALING_BOUNDS,
    )?;
    if min.value > max.value {
        ctx.push(
            crate::Diagnostic::error(
                codes::AUTOSCALING_BOUNDS,
                format!(
                    "autoscaling minReplicas ({}) is above maxReplicas ({})",
                    min.value, max.value
                ),
            )
            .with_label(min.span, "minimum")
            .with_label(max.span, "maximum")
            .with_help("make minReplicas at most maxReplicas"),
        );
        return None;
    }
    let cpu = a
        .target_cpu_utilization
        .as_ref()
        .and_then(|v| ctx.int(v, 1, 1000, "targetCpuUtilization"));
    let memory = a
        .target_memory_utilization
        .as_ref()
        .and_then(|v| ctx.int(v, 1, 1000, "targetMemoryUtilization"));
    let queue = a.queue.as_ref().and_then(|q| queue_trigger(ctx, q, env));
    if cpu.is_none()
        && memory.is_none()
        && a.target_cpu_utilization.is_none()
        && a.target_memory_utilization.is_none()
        && a.queue.is_none()
    {
        ctx.error(
            codes::MISSING_KEY,
            a.min_replicas.span,
            "autoscaling needs a target: `targetCpuUtilization`, `targetMemoryUtilization` or `queue`",
            "no target",
            "add `targetCpuUtilization: 70`",
        );
    }
    Some(ir::Autoscaling {
        min_replicas: min,
        max_replicas: max,
        target_cpu: cpu,
        target_memory: memory,
        queue,
        span: a.min_replicas.span,
    })
}

/// Queue-depth autoscaling: the queue, the target and the environment variable that holds
/// the AMQP URL of the queue's RabbitMQ (the autoscaler reads the connection from it, so the
/// credentials stay where the service has them).
fn queue_trigger(
    ctx: &mut Resolver,
    q: &model::QueueScaling,
    env: &[ir::EnvVar],
) -> Option<ir::QueueTrigger> {
    let target_length = ctx.int(&q.target_length, 1, 1_000_000, "targetLength");
    ctx.single_line(&q.queue, "queue name");
    let host_env = env.iter().find(|e| {
        let segments = e.value.value.segments();
        matches!(segments.first(), Some(Segment::Text(t)) if t.starts_with("amqp://") || t.starts_with("amqps://"))
            && segments
                .iter()
                .any(|s| matches!(s, Segment::Host(h) if *h == q.workload.value))
    });
    let Some(host_env) = host_env else {
        ctx.error(
            codes::UNRESOLVED_REFERENCE,
            q.workload.span,
            format!(
                "queue-depth autoscaling needs the AMQP URL of `{}` in the service's environment",
                q.workload.value
            ),
            "no variable holds its AMQP URL",
            format!(
                "add one, e.g. `RABBITMQ_URL: amqp://${{{w}.user}}:${{secrets.PASSWORD}}@${{{w}.host}}:${{{w}.port}}/${{{w}.database}}`: the autoscaler connects with it",
                w = q.workload.value
            ),
        );
        return None;
    };
    Some(ir::QueueTrigger {
        workload: q.workload.clone(),
        queue: q.queue.value.clone(),
        target_length: target_length?.value,
        host_env: host_env.name.value.clone(),
        span: q.workload.span,
    })
}

/// A disruption budget: exactly one of the two fields.
pub(crate) fn disruption_budget(
    ctx: &mut Resolver,
    d: &model::DisruptionBudget,
) -> Option<ir::DisruptionBudget> {
    match (&d.min_available, &d.max_unavailable) {
        (Some(m), None) => ctx
            .int(m, 0, 10_000, "minAvailable")
            .map(ir::DisruptionBudget::MinAvailable),
        (None, Some(m)) => ctx
            .int(m, 0, 10_000, "maxUnavailable")
            .map(ir::DisruptionBudget::MaxUnavailable),
        (Some(a), Some(_)) => {
            ctx.error(
                codes::INVALID_VALUE,
                a.span,
                "a disruption budget takes `minAvailable` or `maxUnavailable`, not both",
                "both given",
                "keep one of them",
            );
            None
        }
        (None, None) => None,
    }
}

/// Replicas, defaulting to `default`.
pub(crate) fn replicas(ctx: &mut Resolver, r: Option<&Spanned<i64>>, default: u32) -> Spanned<u32> {
    ctx.int_or(r, default, 0, 10_000, "replicas")
}
