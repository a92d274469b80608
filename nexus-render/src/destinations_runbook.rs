//! The backup destinations section of an environment's README: where every copy goes, who
//! writes it, how long it is kept, and what the owner of a store outside the cluster must
//! set on it (nexus configures the in-cluster MinIO only).

use std::fmt::Write;

use nexus_spec::ir::{self, Platform};

use crate::minio_setup::{self, NONCURRENT_DAYS};

/// The section, empty when no backup names a destination.
pub(crate) fn destinations_runbook(p: &Platform) -> String {
    if p.backup_destinations.is_empty() {
        return String::new();
    }
    let ns = &p.namespace.value;
    let mut out = String::from(
        "## Backup destinations\n\n\
         Every backup and every archived WAL segment is written to each destination its\n\
         engine names; restores read the first one that holds a backup.\n\n\
         | destination | where | bucket | written by |\n| --- | --- | --- | --- |\n",
    );
    for d in &p.backup_destinations {
        let (place, writer) = match (&d.place, &d.access_key) {
            (
                ir::Place::InCluster {
                    workload,
                    managed: true,
                },
                ir::AccessKey::Literal(u),
            ) => (
                format!("MinIO `{workload}` (in the cluster)"),
                format!("user `{u}`: write, list, read; never delete"),
            ),
            (ir::Place::InCluster { workload, .. }, _) => (
                format!("MinIO `{workload}` (in the cluster)"),
                "MinIO's root user (declare the destination to get a backup user)".to_owned(),
            ),
            (ir::Place::External { endpoint, .. }, _) => (
                format!("`{endpoint}` (outside the cluster)"),
                format!("the key in secrets `{}`", d.secret_key_secret),
            ),
        };
        let _ = writeln!(
            out,
            "| `{}` | {place} | `{}` | {writer} |",
            d.name.value, d.bucket
        );
    }
    out.push('\n');
    for (d, m) in minio_setup::managed(p) {
        let _ = writeln!(
            out,
            "The setup of `{}` (`k8s/20-data/{m}-setup.yaml`, Compose service `{m}-setup`) is the\n\
             only step that uses MinIO's root user. It makes the bucket `{}` with versioning{}, the\n\
             lifecycle rules below, the backup user and{} its policy. A Job cannot change: after a\n\
             change of the setup, `kubectl -n {ns} delete job/{m}-setup` and apply again.\n",
            d.name.value,
            d.bucket,
            d.object_lock_days.map_or_else(String::new, |n| format!(
                " and object lock (compliance mode, {n} days: no one deletes a version younger)"
            )),
            d.app.as_ref().map_or_else(String::new, |a| format!(
                " the backend's user `{}` limited to its bucket `{}`, each with",
                a.user, a.bucket
            )),
            m = m.name.value,
        );
        for u in &d.snapshot_users {
            let _ = writeln!(
                out,
                "It also makes `{}`, the user the snapshot repository of `{}` writes with: it may\n\
                 read, write, list and delete under `{ns}/{}/snapshots/` only (a repository deletes\n\
                 its stale files and old snapshots; versioning keeps what it deletes). No lifecycle\n\
                 rule covers that prefix: the snapshot policies keep their own count.\n",
                u.user, u.workload, u.workload
            );
        }
    }
    let offsite: Vec<&ir::Destination> = p
        .backup_destinations
        .iter()
        .filter(|d| d.minio().is_none())
        .collect();
    let rules_of = p.backup_destinations.iter().find(|d| d.managed());
    if let Some(d) = rules_of {
        out.push_str("Retention, as lifecycle rules (the spec's count of backups times the schedule's longest\ninterval, rounded up to days):\n\n| prefix | expires after |\n| --- | --- |\n");
        let rules = minio_setup::lifecycle(p, d, ns);
        for r in rules["Rules"].as_array().into_iter().flatten() {
            let prefix = r["Filter"]["Prefix"].as_str().unwrap_or("");
            if let Some(days) = r["Expiration"]["Days"].as_u64() {
                let _ = writeln!(out, "| `{prefix}` | {days} days |");
            }
        }
        let _ = writeln!(
            out,
            "| every noncurrent version | {NONCURRENT_DAYS} days after it was replaced |\n"
        );
    }
    for d in offsite {
        let _ = writeln!(
            out,
            "**Off-site store `{}`** (bucket `{}`): nexus writes to it but does not configure it.\n\
             Its owner must (1) turn versioning on, ideally object lock; (2) give the writer whose\n\
             keys are in the secrets a policy like the in-cluster backup user's\n\
             (`backup-policy.json` of the setup, with this bucket): list, read, write, never delete;\n\
             (3) set the same lifecycle rules (the table above, on this bucket's `{ns}/` prefixes);\n\
             (4) allow this cluster's egress addresses. Check it with a restore from it: a restore\n\
             reads the off-site copy when the in-cluster bucket holds no backup.\n",
            d.name.value, d.bucket
        );
    }
    out
}
