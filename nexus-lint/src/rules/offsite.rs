//! Where backups go: an off-site copy, and object-storage users with least privilege
//! (issue 13; `docs/decisions/0020-backup-destinations-and-least-privilege.md`).

use nexus_spec::Severity::Warning;
use nexus_spec::ir::{self, Place};

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[&OFF_SITE, &ROOT_WRITER];

fn destinations<'a>(p: &'a ir::Platform, b: &ir::Backup) -> Vec<&'a ir::Destination> {
    b.destinations
        .iter()
        .filter_map(|n| p.backup_destination(&n.value))
        .collect()
}

pub(super) static OFF_SITE: Rule = Rule {
    id: "NX-AVL-021",
    group: Group::Availability,
    title: "Backups without an off-site copy",
    severity: Warning,
    enabled: true,
    rationale: "Copies kept only in the cluster are lost with it: a deleted namespace, a lost storage backend, a compromised cluster admin or a region outage takes the data and every backup of it. Elasticsearch's snapshots are one such copy whatever the destinations say: nexus registers its repository on the in-cluster MinIO only, since a repository must delete and the off-site writer cannot.",
    fix: "Declare a backup destination outside the cluster (`spec.backupDestinations.<name>.endpoint`, a bucket in another region) and add it to `backup.destinations`. For Elasticsearch, replicate the bucket's snapshot prefix off-site outside nexus (MinIO's bucket replication) and waive the finding with how.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.2"],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let Some(b) = &w.backup else { continue };
            let dests = destinations(p, b);
            // No destination at all is NX-AVL-009's finding.
            if dests.is_empty() {
                continue;
            }
            let span = b.destinations.first().map_or(b.span, |d| d.span);
            // An engine's own snapshot repository lives on the in-cluster MinIO only: a
            // repository deletes its stale files and old snapshots, which an off-site
            // writer may not (decision 0023).
            let snapshots = matches!(w.kind, ir::WorkloadKind::Backing(e)
                if nexus_spec::catalog::engine(e).backup.snapshots());
            if snapshots {
                out.add(
                    &Subject::workload(w),
                    span,
                    format!(
                        "the snapshots of `{}` stay in the cluster: nexus registers its snapshot repository on the in-cluster MinIO only",
                        w.name.value
                    ),
                )
                .label("no off-site repository");
                continue;
            }
            if dests.iter().any(|d| d.minio().is_none()) {
                continue;
            }
            out.add(
                &Subject::workload(w),
                span,
                format!(
                    "every backup of `{}` stays in the cluster: no destination is off-site",
                    w.name.value
                ),
            )
            .label("in-cluster only");
        }
    },
};

pub(super) static ROOT_WRITER: Rule = Rule {
    id: "NX-AVL-022",
    group: Group::Availability,
    title: "Backups written with MinIO's root account",
    severity: Warning,
    enabled: true,
    rationale: "A backup job that holds MinIO's root key can delete every backup, and so can anyone who reads its pod's environment. Naming the MinIO itself as the destination writes with that key and keeps retention by deleting objects.",
    fix: "Declare the MinIO as a backup destination (`spec.backupDestinations.<name>: { minio: <name>, bucket, credentials: { accessKey, secretKeySecret } }`) and name that: its setup step creates a backup user that cannot delete and sets lifecycle rules.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["CC6.1", "CC6.3"],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let Some(b) = &w.backup else { continue };
            for (n, d) in b
                .destinations
                .iter()
                .filter_map(|n| Some((n, p.backup_destination(&n.value)?)))
            {
                if matches!(d.place, Place::InCluster { managed: false, .. }) {
                    out.add(
                        &Subject::workload(w),
                        n.span,
                        format!(
                            "backups of `{}` are written to `{}` with MinIO's root account",
                            w.name.value, n.value
                        ),
                    )
                    .label("the root user writes here");
                }
            }
        }
    },
};
