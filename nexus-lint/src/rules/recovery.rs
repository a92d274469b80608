//! Recovery objectives: the worst-case recovery point of a backed-up engine, computed from
//! the engine catalog's backup mechanism and the declared schedules, against the `rpo` the
//! spec declares for it.

use nexus_spec::Severity::{Error, Warning};
use nexus_spec::Span;
use nexus_spec::ir::{Workload, WorkloadKind};

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[&RECOVERY_POINT];

/// The worst-case recovery point of one backed-up workload, and what bounds it.
struct RecoveryPoint {
    /// Seconds of data a restore may lose at most (`u64::MAX`: more than a year).
    worst: u64,
    /// Continuous archiving bounds it (not the schedules).
    archived: bool,
    /// The schedule that bounds it when nothing archives.
    schedule_span: Span,
    /// "continuous archiving", or "the schedules" with why archiving does not count.
    how: String,
}

impl RecoveryPoint {
    /// `None` when the workload has no backups, or is an engine nexus cannot back up
    /// (NX-AVL-011's finding).
    fn of(w: &Workload) -> Option<Self> {
        let (Some(b), WorkloadKind::Backing(engine)) = (&w.backup, w.kind) else {
            return None;
        };
        let worst = b.recovery_point_seconds(engine)?;
        let archived = b.continuous.value
            && nexus_spec::catalog::engine(engine)
                .backup
                .method()
                .is_some_and(|m| m.archive.is_some());
        let how = if archived {
            "continuous archiving".to_owned()
        } else if b.continuous.value {
            "the schedules".to_owned()
        } else {
            "the schedules (continuous archiving is off)".to_owned()
        };
        Some(Self {
            worst,
            archived,
            schedule_span: b.tightest_schedule().span,
            how,
        })
    }
}

fn duration(seconds: u64) -> String {
    if seconds == u64::MAX {
        return "more than a year".to_owned();
    }
    let parts = [
        (seconds / 86_400, "d"),
        (seconds % 86_400 / 3600, "h"),
        (seconds % 3600 / 60, "m"),
        (seconds % 60, "s"),
    ];
    let text: String = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if text.is_empty() {
        "0s".to_owned()
    } else {
        text
    }
}

pub(super) static RECOVERY_POINT: Rule = Rule {
    id: "NX-AVL-020",
    group: Group::Availability,
    title: "Backups cannot meet the declared recovery point objective",
    severity: Error,
    enabled: true,
    rationale: "`backup.rpo` promises how much recent data a restore may lose at most. Without continuous archiving, what is lost is everything written since the last backup that finished: up to the longest gap between two scheduled runs plus the run itself. With PostgreSQL's WAL archiving it is the last unshipped segment (the segment timeout plus the shipping interval). A promise the mechanism cannot keep is found out on the day of the restore.",
    fix: "Turn continuous archiving back on (`backup.continuous: true`, PostgreSQL), or schedule backups so that no two runs are further apart than the `rpo` less a minute (`*/30 * * * *`), or declare the `rpo` the backups actually give.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.2", "A1.3"],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let Some(rpo) = w.backup.as_ref().and_then(|b| b.rpo_seconds.as_ref()) else {
                continue;
            };
            let Some(point) = RecoveryPoint::of(w) else {
                continue;
            };
            if point.worst <= rpo.value {
                continue;
            }
            let span = if point.archived {
                rpo.span
            } else {
                point.schedule_span
            };
            out.add(
                &Subject::workload(w),
                span,
                format!(
                    "`{}` can lose up to {} of data with {}; its recovery point objective is {}",
                    w.name.value,
                    duration(point.worst),
                    point.how,
                    duration(rpo.value)
                ),
            )
            .label(format!("recovery point up to {}", duration(point.worst)));
        }
    },
};

/// The policy's recovery point objective, for engines that declare none of their own, and
/// against a declared `backup.rpo` looser than the policy allows. A declared `rpo` the
/// backups cannot keep is NX-AVL-020's finding, so one cause gives one finding.
pub(super) static POLICY_RECOVERY_POINT: Rule = Rule {
    id: "NX-AVL-008",
    group: Group::Availability,
    title: "Backups miss the policy's recovery point objective",
    severity: Warning,
    enabled: true,
    rationale: "The policy's `rpo` is the most data the business accepts to lose in an environment. An engine that declares no `rpo` of its own is held to it: its worst-case recovery point (continuous archiving where the engine has it, otherwise the longest gap between backups plus the run) must fit. An engine that declares a looser `rpo` than the policy promises less than the business asked for.",
    fix: "Keep continuous archiving on (PostgreSQL), schedule backups (incremental ones are cheap) at least as often as the policy's `rpo` less a minute, or declare `backup.rpo` no looser than the policy's.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.2"],
    },
    check: |ctx, p, out| {
        let policy = ctx.rpo_seconds();
        for w in &p.workloads {
            let Some(b) = &w.backup else { continue };
            if let Some(rpo) = &b.rpo_seconds {
                if rpo.value > policy {
                    out.add(
                        &Subject::workload(w),
                        rpo.span,
                        format!(
                            "`{}` declares a recovery point objective of {}; the policy in `{}` allows {}",
                            w.name.value,
                            duration(rpo.value),
                            ctx.environment,
                            duration(policy)
                        ),
                    )
                    .label(format!("looser than the policy's {}", duration(policy)));
                }
                continue;
            }
            let Some(point) = RecoveryPoint::of(w) else {
                continue;
            };
            if point.worst <= policy {
                continue;
            }
            let span = if point.archived {
                b.full.span
            } else {
                point.schedule_span
            };
            out.add(
                &Subject::workload(w),
                span,
                format!(
                    "`{}` can lose up to {} of data with {}; the recovery point objective in `{}` is {}",
                    w.name.value,
                    duration(point.worst),
                    point.how,
                    ctx.environment,
                    duration(policy)
                ),
            )
            .label(format!("recovery point up to {}", duration(point.worst)));
        }
    },
};

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration(3660), "1h1m");
        assert_eq!(super::duration(86_460), "1d1m");
        assert_eq!(super::duration(7 * 86_400 + 60), "7d1m");
        assert_eq!(super::duration(86_400), "1d");
        assert_eq!(super::duration(0), "0s");
        assert_eq!(super::duration(3000), "50m");
        assert_eq!(super::duration(90), "1m30s");
        assert_eq!(super::duration(u64::MAX), "more than a year");
    }
}
