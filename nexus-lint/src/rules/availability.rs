//! Availability: replicas, disruption budgets, health checks and backups.

use nexus_spec::Severity::Warning;
use nexus_spec::catalog;
use nexus_spec::ir::{DisruptionBudget, WorkloadKind};

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

use super::{max_replicas, min_replicas};

pub(super) static RULES: &[&Rule] = &[
    &TOO_FEW_REPLICAS,
    &NO_DISRUPTION_BUDGET,
    &BUDGET_BLOCKS,
    &AUTOSCALING_VS_BUDGET,
    &NO_READINESS,
    &NO_LIVENESS,
    &NO_BACKUP,
    &super::recovery::POLICY_RECOVERY_POINT,
    &BACKUP_DESTINATION,
    &BACKUP_RETENTION,
    &BACKUP_NOT_RENDERED,
];

fn duration(seconds: u64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

pub(super) static TOO_FEW_REPLICAS: Rule = Rule {
    id: "NX-AVL-001",
    group: Group::Availability,
    title: "Fewer replicas than the policy's minimum for the tier",
    severity: Warning,
    enabled: true,
    rationale: "A workload with fewer replicas than its tier requires goes down whenever one pod is rescheduled, evicted or updated.",
    fix: "Raise `replicas` (or `autoscaling.minReplicas`) to the tier's minimum, or lower the minimum for this environment in the policy.",
    compliance: Compliance::NONE,
    check: |ctx, p, out| {
        for w in &p.workloads {
            let (n, span) = min_replicas(w);
            let min = ctx.min_replicas(w.tier);
            if n < min {
                out.add(&Subject::workload(w), span, format!("`{}` runs {n} replica(s); the policy asks at least {min} for the {} tier in `{}`", w.name.value, w.tier, ctx.environment))
                    .label(format!("below {min}"));
            }
        }
    },
};

pub(super) static NO_DISRUPTION_BUDGET: Rule = Rule {
    id: "NX-AVL-002",
    group: Group::Availability,
    title: "Multi-replica workload without a disruption budget",
    severity: Warning,
    enabled: true,
    rationale: "Without a disruption budget a node drain may evict every replica at once, and the redundancy the replicas pay for is lost during maintenance.",
    fix: "Add `disruptionBudget: { minAvailable: N }` (or `maxUnavailable`).",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            if max_replicas(w) > 1 && w.disruption_budget.is_none() {
                out.add(
                    &Subject::workload(w),
                    w.replicas.span,
                    format!(
                        "`{}` runs up to {} replicas but has no disruption budget",
                        w.name.value,
                        max_replicas(w)
                    ),
                )
                .label("no disruption budget");
            }
        }
    },
};

pub(super) static BUDGET_BLOCKS: Rule = Rule {
    id: "NX-AVL-003",
    group: Group::Availability,
    title: "Disruption budget blocks or allows every eviction",
    severity: Warning,
    enabled: true,
    rationale: "A budget that never allows an eviction (`maxUnavailable: 0`, or `minAvailable` at the replica count) stalls every node drain and cluster upgrade; one that allows all replicas down at once protects nothing.",
    fix: "Choose a budget strictly between the two: for N replicas, `minAvailable` from 1 to N-1.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            let Some(b) = &w.disruption_budget else {
                continue;
            };
            let replicas = w.replicas.value;
            let problem = match b {
                DisruptionBudget::MaxUnavailable(m) if m.value == 0 => {
                    Some((m.span, "never allows an eviction".to_owned()))
                }
                DisruptionBudget::MinAvailable(m)
                    if w.autoscaling.is_none() && m.value >= replicas =>
                {
                    Some((
                        m.span,
                        format!("never allows an eviction of its {replicas} replica(s)"),
                    ))
                }
                DisruptionBudget::MaxUnavailable(m)
                    if w.autoscaling.is_none() && m.value >= replicas =>
                {
                    Some((
                        m.span,
                        format!("allows all {replicas} replica(s) down at once"),
                    ))
                }
                _ => None,
            };
            if let Some((span, why)) = problem {
                out.add(
                    &Subject::workload(w),
                    span,
                    format!("the disruption budget of `{}` {why}", w.name.value),
                )
                .label(why);
            }
        }
    },
};

pub(super) static AUTOSCALING_VS_BUDGET: Rule = Rule {
    id: "NX-AVL-004",
    group: Group::Availability,
    title: "Autoscaling bounds inconsistent with the disruption budget",
    severity: Warning,
    enabled: true,
    rationale: "The autoscaler may shrink the workload to `minReplicas`; a budget sized for more replicas then blocks every drain at low load, and one that tolerates `minReplicas` pods down allows a full outage.",
    fix: "Keep `minAvailable` below `autoscaling.minReplicas` (or `maxUnavailable` below it), or raise `minReplicas`.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            let (Some(a), Some(b)) = (&w.autoscaling, &w.disruption_budget) else {
                continue;
            };
            let min = a.min_replicas.value;
            let problem = match b {
                DisruptionBudget::MinAvailable(m) if m.value >= min => Some((
                    m.span,
                    format!(
                        "`minAvailable: {}` blocks every eviction when the autoscaler is at `minReplicas: {min}`",
                        m.value
                    ),
                )),
                DisruptionBudget::MaxUnavailable(m) if m.value > 0 && m.value >= min => Some((
                    m.span,
                    format!(
                        "`maxUnavailable: {}` allows every pod down when the autoscaler is at `minReplicas: {min}`",
                        m.value
                    ),
                )),
                _ => None,
            };
            if let Some((span, why)) = problem {
                out.add(
                    &Subject::workload(w),
                    span,
                    format!("`{}`: {why}", w.name.value),
                )
                .label("inconsistent with autoscaling")
                .related(a.min_replicas.span, "minReplicas");
            }
        }
    },
};

pub(super) static NO_READINESS: Rule = Rule {
    id: "NX-AVL-005",
    group: Group::Availability,
    title: "No readiness check",
    severity: Warning,
    enabled: true,
    rationale: "Without a readiness check traffic reaches a pod as soon as its process starts, before it can answer, and keeps reaching it when it can no longer answer.",
    fix: "Add `health.readiness` (an HTTP path, a TCP port or a command).",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in p.workloads.iter().filter(|w| w.health.readiness.is_none()) {
            out.add(
                &Subject::workload(w),
                w.span,
                format!("`{}` has no readiness check", w.name.value),
            )
            .label("no health.readiness");
        }
    },
};

pub(super) static NO_LIVENESS: Rule = Rule {
    id: "NX-AVL-006",
    group: Group::Availability,
    title: "No liveness check",
    severity: Warning,
    enabled: true,
    rationale: "Without a liveness check a deadlocked process stays up forever; nothing restarts it.",
    fix: "Add `health.liveness`, checking something cheaper and more lenient than readiness.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in p.workloads.iter().filter(|w| w.health.liveness.is_none()) {
            out.add(
                &Subject::workload(w),
                w.span,
                format!("`{}` has no liveness check", w.name.value),
            )
            .label("no health.liveness");
        }
    },
};

pub(super) static NO_BACKUP: Rule = Rule {
    id: "NX-AVL-007",
    group: Group::Availability,
    title: "Stateful backing service without backups",
    severity: Warning,
    enabled: true,
    rationale: "A volume is not a backup: a bad migration, an accidental delete or a lost disk destroys the only copy.",
    fix: "Add a `backup` block with a schedule and a destination, or waive the finding saying why the data can be lost (a cache).",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.2"],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            if matches!(w.kind, WorkloadKind::Backing(_))
                && w.storage.is_some()
                && w.backup.is_none()
            {
                let span = w.storage.as_ref().map_or(w.span, |s| s.size.span);
                out.add(
                    &Subject::workload(w),
                    span,
                    format!(
                        "`{}` ({}) keeps data but has no backups",
                        w.name.value,
                        w.kind.as_str()
                    ),
                )
                .label("persistent data, no backup");
            }
        }
    },
};

pub(super) static BACKUP_DESTINATION: Rule = Rule {
    id: "NX-AVL-009",
    group: Group::Availability,
    title: "Backups without a destination",
    severity: Warning,
    enabled: true,
    rationale: "Backups kept beside the data they protect are lost with it.",
    fix: "Set `backup.destination` to a MinIO backing service (ideally one replicated off-site).",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.2"],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            if let Some(b) = &w.backup
                && b.destination.is_none()
            {
                out.add(
                    &Subject::workload(w),
                    b.span,
                    format!("backups of `{}` have no destination", w.name.value),
                )
                .label("no destination");
            }
        }
    },
};

pub(super) static BACKUP_RETENTION: Rule = Rule {
    id: "NX-AVL-010",
    group: Group::Availability,
    title: "Backups not kept as long as the policy requires",
    severity: Warning,
    enabled: true,
    rationale: "Corruption is often found days after it happens; if every backup is younger than that, all of them hold the corrupted data.",
    fix: "Keep more full backups (`backup.retention.full`) or take them further apart.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.2"],
    },
    check: |ctx, p, out| {
        let min = ctx.policy.availability.min_backup_retention_seconds;
        for w in &p.workloads {
            let Some(b) = &w.backup else { continue };
            let gap = b.full.value.max_gap_minutes();
            if gap == u64::MAX {
                continue;
            }
            let reach = gap
                .saturating_mul(60)
                .saturating_mul(u64::from(b.keep_full));
            if reach < min {
                out.add(
                    &Subject::workload(w),
                    b.span,
                    format!(
                        "`{}` keeps {} full backup(s), reaching back {}; the policy asks for {}",
                        w.name.value,
                        b.keep_full,
                        duration(reach),
                        duration(min)
                    ),
                )
                .label(format!("reaches back {}", duration(reach)));
            }
        }
    },
};

pub(super) static BACKUP_NOT_RENDERED: Rule = Rule {
    id: "NX-AVL-011",
    group: Group::Availability,
    title: "Backups declared for an engine nexus cannot back up",
    severity: Warning,
    enabled: true,
    rationale: "A `backup` block says the data is protected, but nexus renders backup jobs only for the engines its catalog knows how to dump; for any other engine no target runs the schedule, so the data has no backup and the recovery point the spec promises is not met.",
    fix: "Remove the `backup` block and protect the data another way (the engine's own snapshots or replication, run outside nexus), or waive the finding with the reason and how the data is protected until nexus can back the engine up.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.2"],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let (Some(b), WorkloadKind::Backing(engine)) = (&w.backup, w.kind) else {
                continue;
            };
            if let Some(why) = catalog::engine(engine).backup.gap() {
                out.add(
                    &Subject::workload(w),
                    b.span,
                    format!(
                        "`{}` declares backups, but nexus cannot back up {engine} yet ({why}): no backup is taken",
                        w.name.value
                    ),
                )
                .label(format!("not carried out for {engine}"));
            }
        }
    },
};

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration(86_400 * 7), "7d");
        assert_eq!(super::duration(3600), "1h");
        assert_eq!(super::duration(90), "90s");
    }
}
