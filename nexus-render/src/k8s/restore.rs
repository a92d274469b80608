//! The restore of a backed-up engine, rendered, not described: `80-restore/<name>.yaml`
//! holds a Job `<name>-restore` and, for engines restored into a fresh volume, the
//! PersistentVolumeClaim `<name>-restore` it fills. The file is not in
//! `kustomization.yaml`: it is applied on demand (`kubectl apply -f`), after setting
//! `RESTORE_TARGET_TIME` in it when a point in time is wanted (PostgreSQL; empty restores
//! the newest data the backups hold).
//!
//! The Job's pods are the backup pod group (`<name>-backup`): its ServiceAccount, and its
//! NetworkPolicy, which lets them reach the engine and the backup destination only. The
//! first step (`fetch.sh`, the rclone image) brings the newest backup finished at or
//! before the target time, and the archived WAL where the engine archives; the second
//! (`restore.sh`, the engine's image) restores it: see [`super::backup_scripts`]. The Job
//! may run for the declared recovery time objective (`backup.rto`, six hours without one).

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, EnvVar, PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, PodTemplateSpec,
    Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use nexus_spec::catalog;
use nexus_spec::ir::{self, WorkloadKind};

use super::backup::{self, Plan};
use super::backup_scripts::RCLONE_IMAGE;
use super::env::literal;
use super::meta::{Naming, checked_name};
use super::network::backup_group;
use super::objects::config_map_volume;
use super::pod::{self, Mounts, empty_dir};
use super::yaml_stream::YamlStream;
use crate::error::RenderError;

/// The folder of restore files, applied on demand.
pub const DIR: &str = "80-restore";

/// Suffix of the restore Job and its volume (`postgres-restore`).
pub(super) const SUFFIX: &str = "-restore";

const DEFAULT_DEADLINE_SECONDS: u64 = 6 * 3600;

/// Renders the restore of `w`, if its backups are rendered.
pub(crate) fn render(
    ctx: &Naming<'_>,
    w: &ir::Workload,
) -> Result<Option<YamlStream>, RenderError> {
    let (Some(b), Ok(plan)) = (&w.backup, backup::plan(ctx.platform, w)) else {
        return Ok(None);
    };
    let WorkloadKind::Backing(engine) = w.kind else {
        return Ok(None);
    };
    let name = checked_name(nexus_spec::names::derived(&w.name.value, SUFFIX), 63, "Job")?;
    let group = backup_group(&w.name.value);
    let labels = ctx.labels(&group, "backup");
    let mut docs = YamlStream::new();
    // Redis and PostgreSQL are restored into an empty volume; RabbitMQ's definitions are
    // imported into the running broker.
    let fresh = plan.dump.fresh_volume;
    let data_path = w.storage.as_ref().map(|s| s.mount_path.as_str());
    let mut mounts = Mounts::default();
    if let (true, Some(s), Some(path)) = (fresh, &w.storage, data_path) {
        docs.push(&claim(ctx, &name, s, labels.clone()))?;
        mounts.add(
            Volume {
                name: "data".to_owned(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: name.clone(),
                    read_only: None,
                }),
                ..Volume::default()
            },
            path,
            false,
        );
    }
    mounts.add(empty_dir("restore"), "/restore", false);
    mounts.add(
        config_map_volume("scripts", &group, 0o555),
        "/scripts",
        true,
    );
    mounts.security(&w.security, data_path.filter(|_| fresh));
    // The engine runs here as in its own pod: with the same shared memory.
    if let (true, Some(mib)) = (fresh, w.shm_mib) {
        mounts.add(super::contract::shm(mib), "/dev/shm", false);
    }
    let s = &w.security;
    let step = |step: &str, image: String, env: Vec<EnvVar>| Container {
        command: Some(vec!["/bin/sh".into(), format!("/scripts/{step}.sh")]),
        env: Some(env),
        image: Some(image),
        name: step.to_owned(),
        resources: Some(pod::helper_resources()),
        security_context: Some(pod::container_security(s)),
        volume_mounts: mounts.mounts(),
        ..Container::default()
    };
    let fetch = step(
        "fetch",
        RCLONE_IMAGE.to_owned(),
        fetch_env(ctx, w, &plan, b),
    );
    let restore = step(
        "restore",
        w.image.value.to_string(),
        restore_env(ctx, w, &plan, engine),
    );
    let mut spec = pod::pod_spec(&group, s, vec![restore], &mounts);
    spec.init_containers = Some(vec![fetch]);
    spec.restart_policy = Some("Never".to_owned());
    pod::pull_secrets(ctx.platform, &mut spec);
    super::placement::priority(ctx, nexus_spec::placement::JOBS, &mut spec);
    let deadline = b
        .rto_seconds
        .as_ref()
        .map_or(DEFAULT_DEADLINE_SECONDS, |r| r.value);
    let job = Job {
        metadata: ctx.meta(&name, labels.clone()),
        spec: Some(JobSpec {
            active_deadline_seconds: Some(i64::try_from(deadline).unwrap_or(i64::MAX)),
            backoff_limit: Some(0),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(spec),
            },
            ..JobSpec::default()
        }),
        ..Job::default()
    };
    docs.push(&job)?;
    Ok(Some(docs))
}

fn target_time() -> EnvVar {
    literal("RESTORE_TARGET_TIME", "")
}

fn fetch_env(ctx: &Naming<'_>, w: &ir::Workload, plan: &Plan<'_>, b: &ir::Backup) -> Vec<EnvVar> {
    let base = backup::prefix(ctx, w);
    let mut env = backup::s3_env(ctx, plan, base.clone());
    if plan.dump.archive.is_some() && b.continuous.value {
        env.push(literal("BACKUP_WAL", format!("{base}/wal")));
    }
    env.push(target_time());
    env.sort_by(|a, b| a.name.cmp(&b.name));
    env
}

fn restore_env(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    plan: &Plan<'_>,
    engine: nexus_spec::model::Engine,
) -> Vec<EnvVar> {
    let mut env = backup::engine_env(ctx, w, &plan.dump);
    for (k, v) in catalog::engine(engine).env {
        env.push(literal(k, *v));
    }
    env.push(target_time());
    env.sort_by(|a, b| a.name.cmp(&b.name));
    env
}

fn claim(
    ctx: &Naming<'_>,
    name: &str,
    s: &ir::Storage,
    labels: super::meta::Labels,
) -> PersistentVolumeClaim {
    super::objects::volume_claim(ctx.meta(name, labels), s)
}
