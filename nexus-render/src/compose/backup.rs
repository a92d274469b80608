//! Backups and restores of a backed-up engine in Compose, running the Kubernetes target's
//! scripts (see `k8s/backup_scripts.rs`) from bind-mounted files under `<name>/scripts/`.
//! See `docs/decisions/0021-compose-backups.md`.
//!
//! Backups, always running:
//! - `<name>-backup`, the engine's image: `schedule.sh` (see [`super::schedule`]) runs
//!   `dump.sh` at each scheduled minute into `backup-spool/` on the engine's data volume (a
//!   sibling of the data folder, owned by the engine's user as the volume is);
//! - `<name>-backup-upload`, the rclone image: `upload-loop.sh` hands each finished dump to
//!   `upload.sh`, which stores it under `<bucket>/<project>/<name>/<full|incremental>/` and
//!   applies the retention, as the CronJobs do.
//!
//! Restores, under the profile `restore` (`docker compose --profile restore run --rm
//! <name>-restore`):
//! - `<name>-restore-fetch`, the rclone image: `fetch.sh` brings the newest backup finished
//!   at or before `RESTORE_TARGET_TIME` (and the archived WAL) into the volume
//!   `<name>-restore-spool`. It runs as uid 0 with every capability dropped: Docker creates
//!   a new named volume owned by root, and only root without `CAP_DAC_OVERRIDE` may write
//!   to it (the files it writes are world-readable for the next step);
//! - `<name>-restore`, the engine's image, after the fetch succeeded: `restore.sh` fills the
//!   fresh volume `<name>-restore` (PostgreSQL, Redis), or imports into the running engine
//!   (RabbitMQ's definitions).
//!
//! Every service gets the workload's hardening (user, read-only root, dropped capabilities,
//! no new privileges), the helper containers' resources, and only the networks it needs:
//! the dump and a RabbitMQ import reach the engine, the uploader and the fetch the
//! destination (see [`super::network::Topology`]).

use std::collections::BTreeMap;

use nexus_spec::catalog;
use nexus_spec::ir::{self, WorkloadKind};

use super::archive::s3_environment;
use super::interpolate::{literal, secret_ref};
use super::model::{DependsOn, Deploy, DeployResources, Mount, ResourceFigures, Service};
use super::network::{Topology, joining_outbound};
use super::schedule;
use super::service;
use crate::destinations;
use crate::error::RenderError;
use crate::k8s::backup::{Plan, plan};
use crate::k8s::backup_scripts::{FETCH, RCLONE, RCLONE_IMAGE, UPLOAD};

/// Suffix of the scheduler (`postgres-backup`).
pub(super) const BACKUP: &str = "-backup";
/// Suffix of the uploader (`postgres-backup-upload`).
pub(super) const UPLOADER: &str = "-backup-upload";
/// Suffix of the restore service and of the fresh volume it fills (`postgres-restore`).
pub(super) const RESTORE: &str = "-restore";
/// Suffix of the restore's fetch step (`postgres-restore-fetch`).
pub(super) const FETCHER: &str = "-restore-fetch";
/// Suffix of the volume the fetch step fills (`postgres-restore-spool`).
pub(super) const SPOOL: &str = "-restore-spool";
/// The Compose profile of restores.
pub(super) const PROFILE: &str = "restore";
/// The folder, under the engine's data path, where dumps wait for the uploader.
pub(super) const BACKUP_SPOOL: &str = "backup-spool";

/// What the backups of one workload add to the project.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    /// Services by name.
    pub services: Vec<(String, Service)>,
    /// Files (path under the Compose folder, text).
    pub files: Vec<(String, String)>,
    /// Named volumes to declare.
    pub volumes: Vec<String>,
    /// The services that read the destinations' secrets.
    pub destination_users: Vec<String>,
    /// The secrets those services read.
    pub destination_secrets: Vec<String>,
}

/// The backup plan of `w` when Compose renders its backups (the same as Kubernetes: an
/// engine the catalog can dump, a destination with credentials, and a data volume).
pub(crate) fn backed_up<'a>(p: &'a ir::Platform, w: &ir::Workload) -> Option<Plan<'a>> {
    w.backup.as_ref()?;
    w.storage.as_ref()?;
    plan(p, w).ok()
}

/// Whether any backup uploader of `p` copies off-site (it then joins the outbound network).
pub(crate) fn copies_off_site(p: &ir::Platform) -> bool {
    p.workloads
        .iter()
        .any(|w| backed_up(p, w).is_some_and(|plan| destinations::off_site(&plan.dests)))
}

/// The edges (client, server) of the backup and restore services of `w`.
pub(crate) fn edges(p: &ir::Platform, w: &ir::Workload) -> Vec<(String, String)> {
    let Some(plan) = backed_up(p, w) else {
        return Vec::new();
    };
    let name = &w.name.value;
    let derived = |s| nexus_spec::names::derived(name, s);
    let mut out = vec![(derived(BACKUP), name.clone())];
    for m in crate::destinations::minios(p, &plan.dests) {
        out.push((derived(UPLOADER), m.name.value.clone()));
        out.push((derived(FETCHER), m.name.value.clone()));
    }
    if !plan.dump.fresh_volume {
        out.push((derived(RESTORE), name.clone()));
    }
    out
}

/// The helper containers' figures, as the Kubernetes backup steps have.
fn helper_deploy() -> Option<Deploy> {
    let d = nexus_spec::placement::CONTAINER_DEFAULTS;
    let figures = |cpu: &str, mem: &str| -> Option<ResourceFigures> {
        Some(ResourceFigures {
            cpus: ir::Quantity::parse(cpu)
                .ok()
                .map(|q| super::resources::cpus(&q)),
            memory: ir::Quantity::parse(mem)
                .ok()
                .map(|q| super::resources::memory(&q)),
        })
    };
    Some(Deploy {
        replicas: None,
        resources: Some(DeployResources {
            limits: figures(d.limit_cpu, d.limit_memory),
            reservations: figures(d.request_cpu, d.request_memory),
        }),
    })
}

pub(super) fn bind(source: String, target: &str, read_only: bool) -> Mount {
    Mount {
        kind: "bind".into(),
        source,
        target: target.to_owned(),
        read_only,
    }
}

fn volume(source: String, target: &str, read_only: bool) -> Mount {
    Mount {
        kind: "volume".into(),
        source,
        target: literal(target),
        read_only,
    }
}

/// The variables of a step that connects to the engine, as `k8s::backup::engine_env`.
fn engine_environment(
    p: &ir::Platform,
    w: &ir::Workload,
    plan: &Plan<'_>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let port = w
        .port(plan.dump.port_name)
        .or_else(|| w.main_port())
        .map_or(0, |p| p.port.value);
    let mut env = BTreeMap::from([
        ("BACKUP_HOST".to_owned(), w.name.value.clone()),
        ("BACKUP_PORT".to_owned(), port.to_string()),
    ]);
    if let Some(c) = &w.credentials {
        env.insert("BACKUP_USER".to_owned(), literal(&c.user));
        let database = w.database.clone().unwrap_or_else(|| c.user.clone());
        env.insert("BACKUP_DATABASE".to_owned(), literal(&database));
        let secret = p.secret(&c.password_secret.value).ok_or_else(|| {
            RenderError::Unrenderable(format!(
                "`{}` uses the unknown secret `{}`",
                w.name.value, c.password_secret.value
            ))
        })?;
        env.insert(plan.dump.password_var.to_owned(), secret_ref(secret)?);
    }
    Ok(env)
}

/// A helper service of `w`: its labels with `role`, its hardening and the helpers'
/// resources, networks from `topology` (none when it reaches nothing).
pub(super) fn helper(
    w: &ir::Workload,
    svc: &Service,
    image: String,
    script: &str,
    role: &str,
) -> Service {
    let mut s = Service {
        image,
        entrypoint: Some(vec!["/bin/sh".into(), format!("/scripts/{script}")]),
        restart: service::RESTART.to_owned(),
        labels: svc.labels.clone(),
        deploy: helper_deploy(),
        ..Service::default()
    };
    service::harden(&mut s, &w.security);
    s.labels.insert("nexus.dev/role".into(), role.into());
    s
}

/// The backup and restore services of `w`, when its backups are rendered; `svc` is the
/// engine's service (its labels are copied).
pub(crate) fn render(
    p: &ir::Platform,
    w: &ir::Workload,
    svc: &Service,
    topology: &Topology,
) -> Result<Rendered, RenderError> {
    let (Some(plan), Some(b), Some(storage), WorkloadKind::Backing(engine)) =
        (backed_up(p, w), &w.backup, &w.storage, w.kind)
    else {
        return Ok(Rendered::default());
    };
    let name = &w.name.value;
    let derived = |s| nexus_spec::names::derived(name, s);
    let data = storage.mount_path.trim_end_matches('/');
    let backup_dir = format!("{data}/{BACKUP_SPOOL}");
    let base = format!("{}/{name}", p.namespace.value);
    let archives = plan.dump.archive.is_some() && b.continuous.value;
    let scripts = bind(format!("./{name}/scripts"), "/scripts", true);
    let data_volume = volume(service::data_volume(name), data, false);
    let mut out = Rendered::default();

    // The scheduler: the dump, in the engine's image.
    let mut dump = helper(w, svc, svc.image.clone(), "schedule.sh", "backup");
    dump.environment = engine_environment(p, w, &plan)?;
    dump.environment
        .insert("BACKUP_DIR".into(), literal(&backup_dir));
    dump.volumes = vec![data_volume.clone(), scripts.clone()];
    let dump_name = derived(BACKUP);
    super::set_networks(&mut dump, topology.outbound(&dump_name));

    // The uploader: upload.sh, in the rclone image.
    let mut upload = helper(w, svc, RCLONE_IMAGE.to_owned(), "upload-loop.sh", "backup");
    upload.tmpfs.clear();
    let (environment, secrets) = s3_environment(p, &plan.dests, &base)?;
    upload.environment = environment;
    for (k, v) in [
        ("BACKUP_DIR", literal(&backup_dir)),
        ("UPLOAD_SECONDS", schedule::UPLOAD_SECONDS.to_string()),
    ] {
        upload.environment.insert(k.to_owned(), v);
    }
    // Declared destinations keep backups by their lifecycle rules (the backup user cannot
    // delete); only a MinIO named directly has the uploader delete beyond the retention.
    if destinations::deletes_by_script(&plan.dests) {
        for (k, v) in [
            ("BACKUP_KEEP_FULL", b.keep_full.to_string()),
            ("BACKUP_KEEP_INCREMENTAL", b.keep_incremental.to_string()),
        ] {
            upload.environment.insert(k.to_owned(), v);
        }
        if archives {
            upload
                .environment
                .insert("BACKUP_WAL_FULL".into(), literal(&format!("{base}/wal")));
        }
    }
    upload.volumes = vec![data_volume, scripts.clone()];
    for setup in super::minio_setup::setups_of(&plan.dests) {
        upload
            .depends_on
            .insert(setup, super::minio_setup::completed());
    }
    let upload_name = derived(UPLOADER);
    let off_site = destinations::off_site(&plan.dests);
    super::set_networks(
        &mut upload,
        joining_outbound(topology.outbound(&upload_name), off_site),
    );

    // The restore's fetch: fetch.sh, in the rclone image, into the spool volume.
    let target = "${RESTORE_TARGET_TIME:-}".to_owned();
    let spool = derived(SPOOL);
    let mut fetch = helper(w, svc, RCLONE_IMAGE.to_owned(), "fetch.sh", "restore");
    fetch.tmpfs.clear();
    fetch.user = Some("0:0".into());
    fetch.restart = "no".into();
    fetch.profiles = vec![PROFILE.into()];
    fetch.environment = s3_environment(p, &plan.dests, &base)?.0;
    fetch
        .environment
        .insert("RESTORE_TARGET_TIME".into(), target.clone());
    if archives {
        fetch
            .environment
            .insert("BACKUP_WAL".into(), literal(&format!("{base}/wal")));
    }
    fetch.volumes = vec![volume(spool.clone(), "/restore", false), scripts.clone()];
    let fetch_name = derived(FETCHER);
    super::set_networks(
        &mut fetch,
        joining_outbound(topology.outbound(&fetch_name), off_site),
    );

    // The restore: restore.sh, in the engine's image, into a fresh volume.
    let mut restore = helper(w, svc, svc.image.clone(), "restore.sh", "restore");
    restore.restart = "no".into();
    restore.profiles = vec![PROFILE.into()];
    restore.environment = engine_environment(p, w, &plan)?;
    for (k, v) in catalog::engine(engine).env {
        restore.environment.insert((*k).to_owned(), literal(v));
    }
    restore
        .environment
        .insert("RESTORE_TARGET_TIME".into(), target);
    restore.depends_on = BTreeMap::from([(
        fetch_name.clone(),
        DependsOn {
            condition: "service_completed_successfully".into(),
        },
    )]);
    let restore_name = derived(RESTORE);
    restore.volumes = vec![volume(spool.clone(), "/restore", true), scripts];
    if plan.dump.fresh_volume {
        restore
            .volumes
            .insert(0, volume(restore_name.clone(), data, false));
        restore.shm_size = svc.shm_size.clone();
        out.volumes.push(restore_name.clone());
    }
    super::set_networks(&mut restore, topology.outbound(&restore_name));
    out.volumes.push(spool);

    let crons = (&b.full.value, b.incremental.as_ref().map(|c| &c.value));
    out.files = vec![
        (
            format!("{name}/scripts/dump.sh"),
            plan.dump.script.to_owned(),
        ),
        (format!("{name}/scripts/fetch.sh"), FETCH.to_owned()),
        (format!("{name}/scripts/rclone.sh"), RCLONE.to_owned()),
        (
            format!("{name}/scripts/restore.sh"),
            plan.dump.restore.to_owned(),
        ),
        (
            format!("{name}/scripts/schedule.sh"),
            schedule::script(crons.0, crons.1),
        ),
        (
            format!("{name}/scripts/upload-loop.sh"),
            schedule::UPLOAD_LOOP.to_owned(),
        ),
        (format!("{name}/scripts/upload.sh"), UPLOAD.to_owned()),
    ];
    out.destination_users = vec![upload_name.clone(), fetch_name.clone()];
    out.destination_secrets = secrets;
    out.services = vec![
        (dump_name, dump),
        (upload_name, upload),
        (fetch_name, fetch),
        (restore_name, restore),
    ];
    Ok(out)
}
