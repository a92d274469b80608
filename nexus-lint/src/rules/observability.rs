//! Observability: what the monitoring and autoscaling a spec declares needs, and what a target
//! cannot carry out.

use nexus_spec::Severity::Warning;

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[&QUEUE_SCALING_IN_COMPOSE];

pub(super) static QUEUE_SCALING_IN_COMPOSE: Rule = Rule {
    id: "NX-AVL-040",
    group: Group::Availability,
    title: "Queue-depth autoscaling is not carried out in Compose",
    severity: Warning,
    enabled: true,
    rationale: "Queue-depth autoscaling is a KEDA ScaledObject in Kubernetes. Compose has no autoscaler and no KEDA: its project runs the service's fixed replica count, so a growing queue is not worked off faster and its backlog (and the latency of every message in it) grows until the load falls.",
    fix: "Nothing to change for Kubernetes. For Compose, size `replicas` for the queue's peak rate, watch the `QueueGrowing` alert, or waive the finding for environments only Compose runs when a backlog is acceptable there.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.1"],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let Some(q) = w.autoscaling.as_ref().and_then(|a| a.queue.as_ref()) else {
                continue;
            };
            out.add(
                &Subject::workload(w),
                q.span,
                format!(
                    "`{}` scales on the depth of `{}` in Kubernetes (KEDA); Compose runs {} fixed replica(s) however long the queue grows",
                    w.name.value, q.queue, w.replicas.value
                ),
            )
            .label("no queue-depth autoscaling in Compose");
        }
    },
};
