//! What backups add to the server's own pod (PostgreSQL, the one engine whose catalog row
//! has an archive; see `docs/decisions/0015-point-in-time-recovery.md`):
//!
//! - **Client authentication** (`hba_file`, from the ConfigMap `<name>-config` at
//!   [`HBA_DIR`]): the official image's own rules (the container's socket trusted, every
//!   network client by SCRAM password) plus the replication rule base backups need, which
//!   the image does not write. Rendered whenever the backups are.
//! - **WAL archiving**, when `backup.continuous` is on (the default): `archive_mode=on`, an
//!   `archive_command` that copies each finished segment into a spool folder on the data
//!   volume, `archive_timeout` from the catalog, and a `wal-ship` container beside the
//!   server (the rclone image) that moves the spool to `<bucket>/<namespace>/<name>/wal/`
//!   every `ship_seconds`. The spool lives on the persistent volume, so a segment the server
//!   counts as archived survives a restart of the pod before it is shipped.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, EnvVar, Volume, VolumeMount};
use nexus_spec::ir;

use super::backup::{self, Plan};
use super::backup_scripts::{RCLONE_IMAGE, archive_command};
use super::env::literal;
use super::meta::Naming;
use super::network::backup_group;
use super::objects::config_map_volume;
use super::pod;
use super::workload::MountedConfig;

/// Where the server reads `pg_hba.conf`.
pub(crate) const HBA_DIR: &str = "/etc/nexus";

/// The rules of `pg_hba.conf`.
pub(crate) const HBA: &str = "\
# Written by nexus: who may connect to this PostgreSQL, and how.
# The container's own socket (the image's entrypoint, health checks): trusted, as in the image.
local all all trust
# Every client over the network, by SCRAM password, as in the image.
host all all all scram-sha-256
# Base backups (pg_basebackup) over the replication protocol, by SCRAM password.
host replication all all scram-sha-256
";

/// The additions to the server's pod.
pub(crate) struct Additions {
    /// The `hba_file` ConfigMap, mounted at [`HBA_DIR`].
    pub config: MountedConfig,
    /// Arguments appended to the server's.
    pub args: Vec<String>,
    /// Containers beside the server.
    pub sidecars: Vec<Container>,
    /// Pod volumes the sidecars need.
    pub volumes: Vec<Volume>,
}

/// What `w`'s backups add to its pod, if they need anything there.
pub(crate) fn additions(ctx: &Naming<'_>, w: &ir::Workload) -> Option<Additions> {
    let b = w.backup.as_ref()?;
    let plan = backup::plan(ctx.platform, w).ok()?;
    let archive = plan.dump.archive?;
    let mut args = vec!["-c".to_owned(), format!("hba_file={HBA_DIR}/pg_hba.conf")];
    let config = MountedConfig {
        name: nexus_spec::names::derived(&w.name.value, "-config"),
        data: BTreeMap::from([("pg_hba.conf".to_owned(), HBA.to_owned())]),
        mount_path: HBA_DIR,
    };
    let data_path = w.storage.as_ref().map(|s| s.mount_path.clone())?;
    let mut out = Additions {
        config,
        args: Vec::new(),
        sidecars: Vec::new(),
        volumes: Vec::new(),
    };
    if b.continuous.value {
        let spool = format!("{}/{}", data_path.trim_end_matches('/'), archive.spool);
        args.extend(
            [
                "archive_mode=on".to_owned(),
                format!("archive_command={}", archive_command(&spool)),
                format!("archive_timeout={}", archive.timeout_seconds),
            ]
            .into_iter()
            .flat_map(|a| ["-c".to_owned(), a]),
        );
        let env = ship_env(ctx, w, &plan, &spool, archive.ship_seconds);
        out.volumes.push(config_map_volume(
            "backup-scripts",
            &backup_group(&w.name.value),
            0o555,
        ));
        out.sidecars.push(shipper(w, env, &data_path));
    }
    out.args = args;
    Some(out)
}

fn ship_env(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    plan: &Plan<'_>,
    spool: &str,
    every: u64,
) -> Vec<EnvVar> {
    let mut env = backup::s3_env(ctx, plan, format!("{}/wal", backup::prefix(ctx, w)));
    env.push(literal("SHIP_SECONDS", every.to_string()));
    env.push(literal("WAL_SPOOL", spool));
    env.sort_by(|a, b| a.name.cmp(&b.name));
    env
}

/// The `wal-ship` container: the data volume (for the spool) and the backup scripts.
fn shipper(w: &ir::Workload, env: Vec<EnvVar>, data_path: &str) -> Container {
    let mount = |name: &str, path: &str, read_only: bool| VolumeMount {
        name: name.to_owned(),
        mount_path: path.to_owned(),
        read_only: read_only.then_some(true),
        ..VolumeMount::default()
    };
    Container {
        command: Some(vec!["/bin/sh".into(), "/scripts/ship.sh".into()]),
        env: Some(env),
        image: Some(RCLONE_IMAGE.to_owned()),
        name: "wal-ship".to_owned(),
        resources: Some(pod::helper_resources()),
        security_context: Some(pod::container_security(&w.security)),
        volume_mounts: Some(vec![
            mount("data", data_path, false),
            mount("backup-scripts", "/scripts", true),
        ]),
        ..Container::default()
    }
}
