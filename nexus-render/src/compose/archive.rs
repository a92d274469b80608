//! PostgreSQL's WAL archiving in Compose, as in Kubernetes (see `k8s/archive.rs` and
//! `docs/decisions/0015-point-in-time-recovery.md`): the server gets the same
//! client-authentication file (bind-mounted from `<name>/pg_hba.conf`) and the same
//! archiving arguments, and a service `<name>-wal-ship` (the rclone image) shares its data
//! volume and moves the spool to the backup destination with the same `ship.sh`
//! (bind-mounted from `<name>/scripts/`). The shipper reaches the destination over a network
//! of its own, like every other allowed connection.
//!
//! Not rendered for Compose yet: the scheduled base backups (Compose has no scheduler) and
//! the restore services; see the environment README.

use std::collections::BTreeMap;

use nexus_spec::catalog::{self, Archive};
use nexus_spec::ir::{self, WorkloadKind};

use super::interpolate::{literal, secret_ref};
use super::model::{Mount, Service};
use super::network::Topology;
use super::service;
use crate::error::RenderError;
use crate::k8s::archive::{HBA, HBA_DIR};
use crate::k8s::backup_scripts::{RCLONE, RCLONE_IMAGE, SHIP, archive_command};

/// Suffix of the shipper's service (`postgres-wal-ship`).
pub(super) const SHIPPER: &str = "-wal-ship";

/// Where `w`'s WAL goes: the destination MinIO and the archive, when `w` archives.
pub(crate) fn shipping<'a>(
    p: &'a ir::Platform,
    w: &ir::Workload,
) -> Option<(&'a ir::Workload, Archive)> {
    let WorkloadKind::Backing(engine) = w.kind else {
        return None;
    };
    let b = w.backup.as_ref().filter(|b| b.continuous.value)?;
    let archive = catalog::engine(engine).backup.method()?.archive?;
    let dest = p.workload(&b.destination.as_ref()?.value)?;
    dest.credentials.as_ref()?;
    w.storage.as_ref()?;
    Some((dest, archive))
}

/// The shipper: its service name, the service, and the files it and the server read
/// (path under the Compose folder, text).
pub(crate) type Shipper = (String, Service, Vec<(String, String)>);

/// Adds archiving to `svc` (the server) and returns the shipper, when `w` archives.
pub(crate) fn render(
    p: &ir::Platform,
    w: &ir::Workload,
    svc: &mut Service,
    topology: &Topology,
) -> Result<Option<Shipper>, RenderError> {
    let Some((dest, archive)) = shipping(p, w) else {
        return Ok(None);
    };
    let (Some(storage), Some(creds)) = (&w.storage, &dest.credentials) else {
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
    let secret = p.secret(&creds.password_secret.value).ok_or_else(|| {
        RenderError::Unrenderable(format!(
            "`{}` uses the unknown secret `{}`",
            dest.name.value, creds.password_secret.value
        ))
    })?;
    let port = dest.main_port().map_or(9000, |p| p.port.value);
    let environment = BTreeMap::from([
        ("BACKUP_ACCESS_KEY".to_owned(), literal(&creds.user)),
        (
            "BACKUP_BUCKET".to_owned(),
            literal(dest.database.as_deref().unwrap_or("backups")),
        ),
        (
            "BACKUP_ENDPOINT".to_owned(),
            format!("http://{}:{port}", dest.name.value),
        ),
        (
            "BACKUP_PREFIX".to_owned(),
            literal(&format!("{}/{name}/wal", p.namespace.value)),
        ),
        ("BACKUP_SECRET_KEY".to_owned(), secret_ref(secret)?),
        ("SHIP_SECONDS".to_owned(), archive.ship_seconds.to_string()),
        ("WAL_SPOOL".to_owned(), literal(&spool)),
    ]);
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
    super::set_networks(&mut ship, topology.outbound(&ship_name));
    let files = vec![
        (format!("{name}/pg_hba.conf"), HBA.to_owned()),
        (format!("{name}/scripts/rclone.sh"), RCLONE.to_owned()),
        (format!("{name}/scripts/ship.sh"), SHIP.to_owned()),
    ];
    Ok(Some((ship_name, ship, files)))
}
