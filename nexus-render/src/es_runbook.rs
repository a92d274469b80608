//! The restore runbook's section for an engine that takes its own snapshots
//! (Elasticsearch; see [`crate::es_snapshots`]): what the repository holds, and the steps
//! that restore the newest successful snapshot into the running cluster and check it, in
//! Kubernetes and in Compose.

use std::fmt::Write;

use nexus_spec::ir::{Platform, Workload, WorkloadKind};

use crate::restore_runbook::{Objectives, duration};

/// Writes the section of `w` into `out`; nothing when its snapshots are not set up.
pub(crate) fn section(out: &mut String, platform: &Platform, w: &Workload) {
    let (Some(b), WorkloadKind::Backing(engine)) = (&w.backup, w.kind) else {
        return;
    };
    let Some(s) = crate::es_snapshots::plan(platform, w) else {
        let _ = writeln!(
            out,
            "## `{}` is not backed up\n\n\
             Its snapshots need an in-cluster backup destination declaring a snapshot user for\n\
             it (`spec.backupDestinations.<minio>.snapshotUsers`); none does, so no target sets\n\
             its repository up and its data is lost with its volume.\n",
            w.name.value
        );
        return;
    };
    let ns = &platform.namespace.value;
    let name = &w.name.value;
    let repo = &s.dest.name.value;
    let Objectives { rpo, rto, worst } = Objectives::of(b, engine);
    let policies = s
        .policies()
        .iter()
        .map(|p| {
            format!(
                "`{name}-{}` at `{}` (the newest {} kept)",
                p.kind,
                p.cron.as_str(),
                p.keep
            )
        })
        .collect::<Vec<_>>()
        .join(" and ");
    let job = format!("{name}-restore");
    let curl = |path: &str| {
        format!("sh -c 'curl -s -u \"elastic:$ELASTIC_PASSWORD\" \"http://127.0.0.1:9200/{path}\"'")
    };
    let _ = writeln!(
        out,
        "## Restoring `{name}` ({rpo}, {rto})\n\n\
         Elasticsearch takes its own snapshots into the repository `{repo}` (bucket `{bucket}`,\n\
         under `{ns}/{name}/snapshots/`, written by the MinIO user `{user}`), with the snapshot\n\
         lifecycle policies {policies}. Worst-case recovery point: {worst}. Only the in-cluster\n\
         MinIO holds them: a repository must delete, which the off-site writer cannot (the spec's\n\
         NX-AVL-021 waiver). The Job `{name}-backup-setup` registers the repository and the\n\
         policies; after a change of them, or on a new cluster, delete the Job and apply\n\
         `k8s/60-backups/{name}.yaml` again.\n",
        bucket = s.dest.bucket,
        user = s.user.user,
    );
    let _ = writeln!(
        out,
        "1. **Check the snapshots.** `kubectl -n {ns} exec {name}-0 -- {}`\n   \
         lists them, newest last; the restore takes the newest with status `SUCCESS`.",
        curl(&format!("_cat/snapshots/{repo}?v&s=end_epoch"))
    );
    let _ = writeln!(
        out,
        "2. **Run the restore.** `kubectl -n {ns} apply -f k8s/80-restore/{name}.yaml`, then\n   \
         `kubectl -n {ns} wait --for=condition=complete job/{job} --timeout={}` and\n   \
         `kubectl -n {ns} logs job/{job}`: it names the snapshot and prints the result, with\n   \
         `\"failed\":0` among its shards.",
        duration(b.rto_seconds.as_ref().map_or(6 * 3600, |r| r.value))
    );
    let _ = writeln!(
        out,
        "3. **Nothing to swap.** The indices are restored into the running cluster (system\n   \
         indices and the cluster's global state are left as they are). Indices created after\n   \
         the snapshot were closed and stay closed: reopen or delete each."
    );
    let _ = writeln!(
        out,
        "4. **Verify.** `kubectl -n {ns} exec {name}-0 -- {}`\n   \
         shows every index open with the document counts from before the loss. Then\n   \
         `kubectl -n {ns} delete job/{job}`.\n",
        curl("_cat/indices?v&h=index,status,health,docs.count")
    );
    let _ = writeln!(
        out,
        "**In Compose** (run in `compose/`): `{name}-keystore` puts the snapshot user's keys into\n\
         the keystore before `{name}` starts, and `{name}-snapshots-full` and\n\
         `{name}-snapshots-incremental` register the repository and the policies on every\n\
         `docker compose up`. Restore with `docker compose --profile restore run --rm {job}`,\n\
         check and verify as above with `docker compose exec {name}` in place of `kubectl exec`.\n"
    );
}
