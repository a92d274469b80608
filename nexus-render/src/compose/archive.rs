//! PostgreSQL's WAL archiving in Compose, as in Kubernetes (see `k8s/archive.rs` and
//! `docs/decisions/0015-point-in-time-recovery.md`): the server gets the same
//! client-authentication file (bind-mounted from `<name>/pg_hba.conf`) and the same
//! archiving arguments, and a service `<name>-wal-ship` (the rclone image) shares its data
//! volume and moves the spool to the backup destination with the same `ship.sh`
//! (bind-mounted from `<name>/scripts/`). The shipper reaches the destination over a network
//! of its own, like every other allowed connection.
//!
//! The scheduled base backups and the restore services are `compose/backup.rs`.

use std::collections::BTreeMap;

use nexus_spec::catalog::{self, Archive};
use nexus_spec::ir::{self, WorkloadKind};

use super::interpolate::{literal, secret_ref};
use super::model::{Mount, Service};
use super::network::Topology;
use super::service;
use crate::destinations;
use crate::error::RenderError;
use crate::k8s::archive::{HBA, HBA_DIR};
use crate::k8s::backup_scripts::{RCLONE, RCLONE_IMAGE, SHIP, archive_command};

/// Suffix of the shipper's service (`postgres-wal-ship`).
pub(super) const SHIPPER: &str = "-wal-ship";

/// Where `w`'s WAL goes: its backup destinations and the archive, when `w` archives.
pub(crate) fn shipping<'a>(
    p: &'a ir::Platform,
    w: &ir::Workload,
) -> Option<(Vec<&'a ir::Destination>, Archive)> {
    let WorkloadKind::Backing(engine) = w.kind else {
        return None;
    };
    w.backup.as_ref().filter(|b| b.continuous.value)?;
    let archive = catalog::engine(engine).backup.method()?.archive?;
    let dests = destinations::of(p, w).ok()?;
    w.storage.as_ref()?;
    Some((dests, archive))
}

/// Whether any WAL shipper of `p` copies off-site (it then joins the outbound network).
pub(crate) fn ships_off_site(p: &ir::Platform) -> bool {
    p.workloads
        .iter()
        .filter_map(|w| shipping(p, w))
        .any(|(dests, _)| destinations::off_site(&dests))
}

/// The environment of a Compose step that talks to `dests` (the same variables as in
/// Kubernetes, from [`destinations::vars`]), and the secrets it reads.
pub(crate) fn s3_environment(
    p: &ir::Platform,
    dests: &[&ir::Destination],
    prefix: &str,
) -> Result<(BTreeMap<String, String>, Vec<String>), RenderError> {
    let host = |w: &str| w.to_owned();
    let vars = destinations::vars(p, dests, &host, prefix.to_owned());
    let used = destinations::secrets(&vars)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut out = BTreeMap::new();
    for (name, v) in vars {
        let value = match v {
            destinations::Value::Literal(text) => literal(&text),
            destinations::Value::Secret(s) => {
                let secret = p.secret(&s).ok_or_else(|| {
                    RenderError::Unrenderable(format!(
                        "a backup destination uses the unknown secret `{s}`"
                    ))
                })?;
                secret_ref(secret)?
            }
        };
        out.insert(name, value);
    }
    Ok((out, used))
}

/// The shipper: its service name, the service, and the files it and the server read
/// (path under the Compose folder, text), and the secrets it reads.
pub(crate) type Shipper = (String, Service, Vec<(String, String)>, Vec<String>);

/// Adds archiving to `svc` (the server) and returns the shipper, when `w` archives.
pub(crate) fn render(
    p: &ir::Platform,
    w: &ir::Workload,
    svc: &mut Service,
    topology: &Topology,
) -> Result<Option<Shipper>, RenderError> {
    let Some((dests, archive)) = shipping(p, w) else {
        return Ok(None);
    };
    let Some(storage) = &w.storage else {
        return Ok(None);
    };
    let name = &w.name.value;
    let data = storage.mount_path.trim_end_matches('/');
    let spool = format!("{data}/{}", archive.spool);
    let args = [
        format!("hba_file={HBA_DIR}/pg_hba.conf"),
        "archive_mode=on".to_owned(),
        format!("archive_command={}", archive_command(&spool)),
        format!("archive_timeout={}", archive.timeout_seconds),
    ];
    let command = svc.command.get_or_insert_with(Vec::new);
    for a in args {
        command.push("-c".to_owned());
        command.push(literal(&a));
    }
    let bind = |source: String, target: String| Mount {
        kind: "bind".into(),
        source,
        target,
        read_only: true,
    };
    svc.volumes.push(bind(
        format!("./{name}/pg_hba.conf"),
        format!("{HBA_DIR}/pg_hba.conf"),
    ));
    let (mut environment, secrets) =
        s3_environment(p, &dests, &format!("{}/{name}/wal", p.namespace.value))?;
    environment.insert("SHIP_SECONDS".to_owned(), archive.ship_seconds.to_string());
    environment.insert("WAL_SPOOL".to_owned(), literal(&spool));
    let ship_name = nexus_spec::names::derived(name, SHIPPER);
    let mut ship = Service {
        image: RCLONE_IMAGE.to_owned(),
        entrypoint: Some(vec!["/bin/sh".into(), "/scripts/ship.sh".into()]),
        restart: service::RESTART.to_owned(),
        environment,
        labels: svc.labels.clone(),
        ..Service::default()
    };
    service::harden(&mut ship, &w.security);
    ship.tmpfs.clear();
    ship.labels
        .insert("nexus.dev/role".into(), "wal-ship".into());
    ship.volumes = vec![
        Mount {
            kind: "volume".into(),
            source: service::data_volume(name),
            target: literal(data),
            read_only: false,
        },
        bind(format!("./{name}/scripts"), "/scripts".to_owned()),
    ];
    for setup in super::minio_setup::setups_of(&dests) {
        ship.depends_on
            .insert(setup, super::minio_setup::completed());
    }
    let networks = super::network::joining_outbound(
        topology.outbound(&ship_name),
        destinations::off_site(&dests),
    );
    super::set_networks(&mut ship, networks);
    let files = vec![
        (format!("{name}/pg_hba.conf"), HBA.to_owned()),
        (format!("{name}/scripts/rclone.sh"), RCLONE.to_owned()),
        (format!("{name}/scripts/ship.sh"), SHIP.to_owned()),
    ];
    Ok(Some((ship_name, ship, files, secrets)))
}
