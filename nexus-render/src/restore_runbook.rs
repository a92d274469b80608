//! The restore runbook of an environment, a section of its README: for each backing service
//! whose backups are rendered, what is backed up, the declared recovery objectives, and the
//! steps that bring the data back and check it, in Kubernetes (the rendered restore Job,
//! then the volume swap) and in Compose (the `restore` profile, then the volume switch); and
//! for engines whose backups are not carried out, why.

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

/// A section heading's recovery objectives, as the README words them.
pub(crate) struct Objectives {
    /// "RPO 1h", or "RPO not declared".
    pub(crate) rpo: String,
    /// "RTO 4h", or "RTO not declared".
    pub(crate) rto: String,
    /// The worst-case recovery point the mechanism gives, or "unbounded".
    pub(crate) worst: String,
}

impl Objectives {
    pub(crate) fn of(b: &nexus_spec::ir::Backup, engine: nexus_spec::model::Engine) -> Self {
        let objective = |label: &str, v: Option<u64>| {
            v.map_or_else(
                || format!("{label} not declared"),
                |s| format!("{label} {}", duration(s)),
            )
        };
        Self {
            rpo: objective("RPO", b.rpo_seconds.as_ref().map(|r| r.value)),
            rto: objective("RTO", b.rto_seconds.as_ref().map(|r| r.value)),
            worst: b
                .recovery_point_seconds(engine)
                .filter(|s| *s != u64::MAX)
                .map_or_else(|| "unbounded".to_owned(), duration),
        }
    }
}

pub(crate) fn duration(seconds: u64) -> String {
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
    let support = catalog::engine(engine).backup;
    if support.snapshots() {
        crate::es_runbook::section(out, platform, w);
        return;
    }
    let Some(method) = support.method() else {
        if let Some(gap) = support.gap() {
            let _ = writeln!(
                out,
                "## `{}` is not backed up\n\n\
                 The spec declares backups of `{}`, but nexus does not carry them out, in either\n\
                 target: {gap}. The spec's waiver says why and until when; until then its data\n\
                 is lost with its volume.\n",
                w.name.value, w.name.value
            );
        }
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
    let Objectives { rpo, rto, worst } = Objectives::of(b, engine);
    let deadline = duration(b.rto_seconds.as_ref().map_or(6 * 3600, |r| r.value));
    let _ = writeln!(out, "## Restoring `{name}` ({rpo}, {rto})\n");
    let archived = method.archive.filter(|_| b.continuous.value);
    // Declared destinations keep backups by their buckets' lifecycle rules (the backup user
    // cannot delete); only a MinIO named directly has the upload delete beyond the count.
    let by_rules = crate::destinations::of(platform, w)
        .is_ok_and(|d| !crate::destinations::deletes_by_script(&d));
    let kept = |n: u32| {
        if by_rules {
            format!("about {n} kept by the buckets' lifecycle rules")
        } else {
            format!("the newest {n} kept")
        }
    };
    let mut what = format!(
        "Backups go to `{dest}` under `{ns}/{name}/`: full ones at `{}` ({})",
        b.full.value.as_str(),
        kept(b.keep_full)
    );
    if let Some(i) = &b.incremental {
        let _ = write!(
            what,
            ", incremental ones at `{}` ({})",
            i.value.as_str(),
            kept(b.keep_incremental)
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
    compose_steps(out, ns, name, fresh, archived.is_some(), &deadline);
    if method.tool == catalog::DumpTool::RabbitmqadminExport {
        let _ = writeln!(
            out,
            "**What is not backed up.** Messages: the backups hold the broker's definitions only\n\
             (users, vhosts, queues, exchanges, bindings, policies). Every message queued or in\n\
             flight when the broker's volume is lost is lost with it; after a restore the queues\n\
             exist again, empty, and producers must resend.\n"
        );
    }
}

/// The same restore in the Compose project (`compose/`): the `restore` profile's services.
fn compose_steps(out: &mut String, ns: &str, name: &str, fresh: bool, wal: bool, rto: &str) {
    let _ = writeln!(
        out,
        "**In Compose** (run in `compose/`): `{name}-backup` takes the scheduled backups in the\n\
         engine's image and `{name}-backup-upload` stores them, with the same scripts{}. Within the RTO ({rto}):\n",
        if wal {
            " (and `{name}-wal-ship` the write-ahead log)".replace("{name}", name)
        } else {
            String::new()
        }
    );
    let target = if wal {
        "`RESTORE_TARGET_TIME=2026-01-31T13:45:00Z` (UTC, any time inside retention; unset\n   restores everything archived)"
    } else {
        "`RESTORE_TARGET_TIME=2026-01-31T13:45:00Z` (UTC; unset restores the newest backup)"
    };
    let _ = writeln!(
        out,
        "1. **Run the restore.** {target} `docker compose --profile restore run --rm {name}-restore`:\n   \
         `{name}-restore-fetch` fetches the backup first, then the restore's last line says `restore: done`."
    );
    if fresh {
        let _ = writeln!(
            out,
            "2. **Switch the engine to the restored volume.** The data is in the fresh volume\n   \
             `{ns}_{name}-restore`. `docker compose stop {name} {name}-backup {name}-backup-upload{ship}`,\n   \
             then add to `compose.override.yaml` (beside `compose.yaml`; `docker compose` reads it):\n   \
             `volumes: {{ {name}-data: {{ name: {ns}_{name}-restore, external: true }} }}`, and\n   \
             `docker compose up -d`. The old volume `{ns}_{name}-data` stays for inspection. A later\n   \
             restore refuses the volume in use (it is not empty): remove the override and the\n   \
             volume only after copying its data back.",
            ship = if wal {
                format!(" {name}-wal-ship")
            } else {
                String::new()
            }
        );
    } else {
        let _ = writeln!(
            out,
            "2. **Nothing to switch.** The restore imported into the running `{name}`."
        );
    }
    let _ = writeln!(
        out,
        "3. **Verify** as above, with `docker compose exec {name}` in place of `kubectl exec`;\n   \
         `docker compose logs {name}-backup` shows the next scheduled backup. Then\n   \
         `docker volume rm {ns}_{name}-restore-spool`.\n"
    );
}
