//! Recovery objectives: the worst-case recovery point of a backed-up engine, computed from
//! the engine catalog's backup mechanism and the declared schedules, against the `rpo` the
//! spec declares for it.

use nexus_spec::Severity::Error;
use nexus_spec::ir::WorkloadKind;

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[&RECOVERY_POINT];

fn duration(seconds: u64) -> String {
    match seconds {
        u64::MAX => "more than a year".to_owned(),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 && s > 3600 => format!("{}h{}m", s / 3600, s % 3600 / 60),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
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
            let (Some(b), WorkloadKind::Backing(engine)) = (&w.backup, w.kind) else {
                continue;
            };
            let Some(rpo) = &b.rpo_seconds else { continue };
            // An engine nexus cannot back up is NX-AVL-011's finding.
            let Some(worst) = b.recovery_point_seconds(engine) else {
                continue;
            };
            if worst <= rpo.value {
                continue;
            }
            let archived = b.continuous.value
                && nexus_spec::catalog::engine(engine)
                    .backup
                    .method()
                    .is_some_and(|m| m.archive.is_some());
            let (span, how) = if archived {
                (rpo.span, "continuous archiving".to_owned())
            } else {
                let s = b.tightest_schedule();
                let off = if b.continuous.value {
                    String::new()
                } else {
                    " (continuous archiving is off)".to_owned()
                };
                (s.span, format!("the schedules{off}"))
            };
            out.add(
                &Subject::workload(w),
                span,
                format!(
                    "`{}` can lose up to {} of data with {how}; its recovery point objective is {}",
                    w.name.value,
                    duration(worst),
                    duration(rpo.value)
                ),
            )
            .label(format!("recovery point up to {}", duration(worst)));
        }
    },
};

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration(3660), "1h1m");
        assert_eq!(super::duration(86_460), "24h1m");
        assert_eq!(super::duration(3000), "50m");
        assert_eq!(super::duration(90), "90s");
        assert_eq!(super::duration(u64::MAX), "more than a year");
    }
}
