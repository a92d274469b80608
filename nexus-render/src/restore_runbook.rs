//! The restore runbook of an environment, a section of its README: for each backing service
//! whose backups the Kubernetes target renders, what is backed up, the declared recovery
//! objectives, and the steps that bring the data back (the rendered restore Job, then the
//! volume swap) and check it.

use std::fmt::Write;

use nexus_spec::catalog;
use nexus_spec::ir::{Platform, Workload, WorkloadKind};

/// The runbook section, empty when nothing is backed up.
pub(crate) fn restore_runbook(platform: &Platform) -> String {
    let mut out = String::new();
    for w in &platform.workloads {
        section(&mut out, platform, w);
    }
    out
}

fn duration(seconds: u64) -> String {
    match seconds {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn section(out: &mut String, platform: &Platform, w: &Workload) {
    let (Some(b), WorkloadKind::Backing(engine)) = (&w.backup, w.kind) else {
        return;
    };
    let Some(method) = catalog::engine(engine).backup.method() else {
        return;
    };
    if b.destinations.is_empty() {
        return;
    }
    let dest = b
        .destinations
        .iter()
        .map(|d| d.value.as_str())
        .collect::<Vec<_>>()
        .join("` and `");
    let ns = &platform.namespace.value;
    let name = &w.name.value;
    let job = format!("{name}-restore");
    let objective = |label: &str, v: Option<u64>| {
        v.map_or_else(
            || format!("{label} not declared"),
            |s| format!("{label} {}", duration(s)),
        )
    };
    let rpo = objective("RPO", b.rpo_seconds.as_ref().map(|r| r.value));
    let rto = objective("RTO", b.rto_seconds.as_ref().map(|r| r.value));
    let worst = b
        .recovery_point_seconds(engine)
        .filter(|s| *s != u64::MAX)
        .map_or_else(|| "unbounded".to_owned(), duration);
    let deadline = duration(b.rto_seconds.as_ref().map_or(6 * 3600, |r| r.value));
    let _ = writeln!(out, "## Restoring `{name}` ({rpo}, {rto})\n");
    let archived = method.archive.filter(|_| b.continuous.value);
    let mut what = format!(
        "Backups go to `{dest}` under `{ns}/{name}/`: full ones at `{}` (the newest {} kept)",
        b.full.value.as_str(),
        b.keep_full
    );
    if let Some(i) = &b.incremental {
        let _ = write!(
            what,
            ", incremental ones at `{}` (the newest {} kept)",
            i.value.as_str(),
            b.keep_incremental
        );
    }
    if archived.is_some() {
        what.push_str(", and the write-ahead log continuously (`wal/`)");
    }
    let _ = writeln!(
        out,
        "{what}. Worst-case recovery point: {worst}. The restore Job may run for the RTO.\n"
    );
    let fresh = matches!(
        method.tool,
        catalog::DumpTool::PgBasebackup | catalog::DumpTool::RedisCliRdb
    );
    let target = if archived.is_some() {
        "any time inside retention (UTC, `2026-01-31T13:45:00Z`): the newest base backup finished\n   \
         before it is restored and the log replayed up to it; empty restores everything archived"
    } else {
        "a time (UTC, `2026-01-31T13:45:00Z`) to restore the newest backup finished before it;\n   \
         empty restores the newest backup"
    };
    let _ = writeln!(
        out,
        "1. **Choose the point.** In `k8s/80-restore/{name}.yaml`, set `RESTORE_TARGET_TIME` (both\n   \
         containers) to {target}."
    );
    let _ = writeln!(
        out,
        "2. **Run the restore.** `kubectl -n {ns} apply -f k8s/80-restore/{name}.yaml`, then\n   \
         `kubectl -n {ns} wait --for=condition=complete job/{job} --timeout={deadline}` and\n   \
         `kubectl -n {ns} logs job/{job} -c restore`: its last line says `restore: done`."
    );
    if fresh {
        let _ = writeln!(
            out,
            "3. **Swap the volumes.** The restored data is on the claim `{job}`. Stop the engine\n   \
             (`kubectl -n {ns} scale statefulset/{name} --replicas=0`), keep both volumes\n   \
             (`kubectl patch pv <volume> -p '{{\"spec\":{{\"persistentVolumeReclaimPolicy\":\"Retain\"}}}}'`\n   \
             for the volumes of `data-{name}-0` and `{job}`), delete both claims, clear the\n   \
             restored volume's `claimRef`, and create the claim `data-{name}-0` again with\n   \
             `volumeName` set to it; then `kubectl -n {ns} scale statefulset/{name} --replicas=1`."
        );
    } else {
        let _ = writeln!(
            out,
            "3. **Nothing to swap.** The Job imported into the running `{name}`."
        );
    }
    let check = match method.tool {
        catalog::DumpTool::PgBasebackup => format!(
            "`kubectl -n {ns} exec {name}-0 -- psql -U \"$USER\" -d \"$DB\" -c 'select pg_is_in_recovery()'`\n   \
             says `f`, and the newest rows of a table the application writes often are from just\n   \
             before the target"
        ),
        catalog::DumpTool::RedisCliRdb => format!(
            "`kubectl -n {ns} exec {name}-0 -- sh -c 'REDISCLI_AUTH=\"$(cat \"$REDIS_PASSWORD_FILE\")\" redis-cli dbsize'`\n   \
             is the size before the loss, and `config get appendonly` says `yes`"
        ),
        catalog::DumpTool::RabbitmqadminExport => {
            "the users, vhosts, queues and policies are back (`rabbitmqctl list_queues -p <vhost>`);\n   \
             queues are empty: messages are not backed up, so producers resend what was lost"
                .to_owned()
        }
    };
    let _ = writeln!(
        out,
        "4. **Verify.** {check}. Then `kubectl -n {ns} delete job/{job}`.\n"
    );
    let compose = if archived.is_some() {
        "Compose archives the write-ahead log as well (`{name}-wal-ship`), but renders no\n\
         scheduled base backups and no restore service yet: restore with the Kubernetes steps'\n\
         scripts (`k8s/60-backups/{name}.yaml`) by hand.\n"
    } else {
        "Compose renders no scheduled backups and no restore service for it yet: restore with\n\
         the Kubernetes steps' scripts (`k8s/60-backups/{name}.yaml`) by hand.\n"
    };
    let _ = writeln!(out, "{}", compose.replace("{name}", name));
}
