//! Backups of a backing service: one file with a ServiceAccount, the scripts ConfigMap, a
//! CronJob per schedule (`<name>-backup-full`, `<name>-backup-incremental`) and the
//! NetworkPolicy of the backup pods. What the jobs run is described in
//! [`super::backup_scripts`].
//!
//! CronJobs run in UTC (`timeZone: Etc/UTC`), never two at once (`concurrencyPolicy:
//! Forbid`), and a run may last until the next one is due (at most six hours).

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{Container, EnvVar, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use nexus_spec::ir::{self, Cron, WorkloadKind};

use super::backup_scripts::{self, Dump, FETCH, RCLONE, RCLONE_IMAGE, SHIP, UPLOAD};
use super::env::{from_secret, literal};
use super::meta::{CHECKSUM_ANNOTATION, Labels, Naming, checked_name};
use super::network::{Flows, backup_group};
use super::objects::{config_map, config_map_volume, service_account};
use super::pod::{self, Mounts, empty_dir, helper_resources};
use super::yaml_stream::{YamlStream, sha256_hex};
use crate::destinations::{self, Value};
use crate::error::RenderError;

/// The annotation that explains, on a StatefulSet, why its backups are not rendered.
pub const UNSUPPORTED_ANNOTATION: &str = "nexus.dev/backup";

const LONGEST_RUN_SECONDS: u64 = 6 * 3600;

/// What a backup needs: the dump and the destinations (the first is where restores read).
pub(crate) struct Plan<'a> {
    pub dump: Dump,
    pub dests: Vec<&'a ir::Destination>,
}

/// The backup plan of `w`, or why its backups are not rendered.
pub(crate) fn plan<'a>(p: &'a ir::Platform, w: &ir::Workload) -> Result<Plan<'a>, String> {
    let WorkloadKind::Backing(engine) = w.kind else {
        return Err("only backing services are backed up".into());
    };
    let dump = backup_scripts::dump(engine).map_err(|why| {
        format!("not rendered: the Kubernetes target cannot back up {engine} yet ({why})")
    })?;
    let dests = destinations::of(p, w)?;
    Ok(Plan { dump, dests })
}

/// Whether backup CronJobs of `w` are rendered.
pub(crate) fn rendered(p: &ir::Platform, w: &ir::Workload) -> bool {
    w.backup.is_some() && plan(p, w).is_ok()
}

/// Why the backups of `w` are not rendered, when it has a backup block that cannot be.
pub(crate) fn unsupported(p: &ir::Platform, w: &ir::Workload) -> Option<String> {
    w.backup.as_ref()?;
    if crate::es_snapshots::plan(p, w).is_some() {
        return None;
    }
    plan(p, w).err()
}

/// What the backup pods of `w` connect to: the dump port of `w` and the S3 port of each
/// MinIO they write to (nothing when its backups are not rendered); off-site stores are
/// [`off_site_ports`].
pub(crate) fn reach<'a>(
    p: &'a ir::Platform,
    w: &'a ir::Workload,
) -> Vec<(&'a ir::Workload, &'a ir::Port)> {
    let Ok(plan) = plan(p, w) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(port) = w.port(plan.dump.port_name).or_else(|| w.main_port()) {
        out.push((w, port));
    }
    for m in destinations::minios(p, &plan.dests) {
        if let Some(port) = m.main_port() {
            out.push((m, port));
        }
    }
    out
}

/// The ports of the off-site stores `w`'s backups are copied to (outside the cluster).
pub(crate) fn off_site_ports(p: &ir::Platform, w: &ir::Workload) -> Vec<u16> {
    let Ok(plan) = plan(p, w) else {
        return Vec::new();
    };
    let mut ports: Vec<u16> = plan
        .dests
        .iter()
        .filter_map(|d| match &d.place {
            ir::Place::External { endpoint, .. } => Some(
                endpoint
                    .rsplit_once(':')
                    .and_then(|(_, port)| port.parse().ok())
                    .unwrap_or(443),
            ),
            ir::Place::InCluster { .. } => None,
        })
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// Whether `w` archives continuously: its backups are rendered, the catalog has an
/// archive for its engine and the spec leaves `continuous` on.
pub(crate) fn archives<'a>(
    p: &'a ir::Platform,
    w: &ir::Workload,
) -> Option<(Plan<'a>, nexus_spec::catalog::Archive)> {
    let b = w.backup.as_ref()?;
    let plan = plan(p, w).ok()?;
    let archive = plan.dump.archive.filter(|_| b.continuous.value)?;
    Some((plan, archive))
}

/// Where `w`'s backups live in the bucket: `<namespace>/<workload>`.
pub(crate) fn prefix(ctx: &Naming<'_>, w: &ir::Workload) -> String {
    format!("{}/{}", ctx.ns(), w.name.value)
}

/// The variables of a step that talks to the destinations (`rclone.sh` reads them; see
/// [`crate::destinations::vars`]).
pub(crate) fn s3_env(ctx: &Naming<'_>, plan: &Plan<'_>, prefix: String) -> Vec<EnvVar> {
    let host = |w: &str| ctx.host(w);
    destinations::vars(ctx.platform, &plan.dests, &host, prefix)
        .into_iter()
        .map(|(name, v)| match v {
            Value::Literal(text) => literal(&name, text),
            Value::Secret(secret) => from_secret(&name, &secret),
        })
        .collect()
}

/// The variables of a step that connects to the engine `w` (the dump, a restore into the
/// running engine).
pub(crate) fn engine_env(ctx: &Naming<'_>, w: &ir::Workload, dump: &Dump) -> Vec<EnvVar> {
    let port = w
        .port(dump.port_name)
        .or_else(|| w.main_port())
        .map_or(0, |p| p.port.value);
    let mut env = vec![
        literal("BACKUP_HOST", ctx.host(&w.name.value)),
        literal("BACKUP_PORT", port.to_string()),
    ];
    if let Some(c) = &w.credentials {
        env.push(literal("BACKUP_USER", c.user.clone()));
        let database = w.database.clone().unwrap_or_else(|| c.user.clone());
        env.push(literal("BACKUP_DATABASE", database));
        env.push(from_secret(dump.password_var, &c.password_secret.value));
    }
    env
}

/// The scripts ConfigMap's data: every step's script.
fn scripts(dump: &Dump) -> BTreeMap<String, String> {
    let mut data = BTreeMap::from([
        ("dump.sh".to_owned(), dump.script.to_owned()),
        ("fetch.sh".to_owned(), FETCH.to_owned()),
        ("rclone.sh".to_owned(), RCLONE.to_owned()),
        ("restore.sh".to_owned(), dump.restore.to_owned()),
        ("upload.sh".to_owned(), UPLOAD.to_owned()),
    ]);
    if dump.archive.is_some() {
        data.insert("ship.sh".to_owned(), SHIP.to_owned());
    }
    data
}

/// Renders the backups of `w`, if it has any the Kubernetes target supports.
pub(crate) fn render(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    flows: &Flows,
) -> Result<Option<YamlStream>, RenderError> {
    let (Some(b), Ok(plan)) = (&w.backup, plan(ctx.platform, w)) else {
        return Ok(None);
    };
    let name = &w.name.value;
    let group = backup_group(name);
    let labels = ctx.labels(&group, "backup");
    let mut docs = YamlStream::new();
    docs.push(&service_account(ctx, &group, labels.clone()))?;
    let cm = config_map(ctx, &group, labels.clone(), scripts(&plan.dump));
    let checksum = sha256_hex(docs.push(&cm)?.as_bytes());
    let schedules = [
        ("full", Some(&b.full), b.keep_full),
        ("incremental", b.incremental.as_ref(), b.keep_incremental),
    ];
    for (kind, cron, keep) in schedules {
        let Some(cron) = cron else { continue };
        let job = CronJobInput {
            w,
            plan: &plan,
            wal: b.continuous.value && plan.dump.archive.is_some() && kind == "full",
            group: &group,
            kind,
            cron: &cron.value,
            keep,
            checksum: &checksum,
        };
        docs.push(&job.cron_job(ctx)?)?;
    }
    docs.push(&flows.policy(ctx, &group, labels))?;
    Ok(Some(docs))
}

struct CronJobInput<'a> {
    w: &'a ir::Workload,
    plan: &'a Plan<'a>,
    /// This run prunes the archived WAL its base backups no longer need.
    wal: bool,
    group: &'a str,
    kind: &'a str,
    cron: &'a Cron,
    keep: u32,
    checksum: &'a str,
}

impl CronJobInput<'_> {
    fn upload_env(&self, ctx: &Naming<'_>) -> Vec<EnvVar> {
        let base = prefix(ctx, self.w);
        let mut env = s3_env(ctx, self.plan, format!("{base}/{}", self.kind));
        // Declared in-cluster destinations keep backups by lifecycle rules (the backup
        // user cannot delete); only a MinIO named directly has the upload delete.
        if destinations::deletes_by_script(&self.plan.dests) {
            env.push(literal("BACKUP_KEEP", self.keep.to_string()));
            if self.wal {
                env.push(literal("BACKUP_WAL", format!("{base}/wal")));
            }
        }
        env.sort_by(|a, b| a.name.cmp(&b.name));
        env
    }

    fn cron_job(&self, ctx: &Naming<'_>) -> Result<CronJob, RenderError> {
        let w = self.w;
        let s = &w.security;
        let mut mounts = Mounts::default();
        mounts.add(empty_dir("backup"), "/backup", false);
        mounts.add(
            config_map_volume("scripts", self.group, 0o555),
            "/scripts",
            true,
        );
        mounts.security(s, None);
        let step = |name: &str, image: String, env: Vec<EnvVar>| Container {
            command: Some(vec!["/bin/sh".into(), format!("/scripts/{name}.sh")]),
            env: Some(env),
            image: Some(image),
            name: name.to_owned(),
            resources: Some(helper_resources()),
            security_context: Some(pod::container_security(s)),
            volume_mounts: mounts.mounts(),
            ..Container::default()
        };
        let dump = step(
            "dump",
            w.image.value.to_string(),
            engine_env(ctx, w, &self.plan.dump),
        );
        let upload = step("upload", RCLONE_IMAGE.to_owned(), self.upload_env(ctx));
        let mut spec = pod::pod_spec(self.group, s, vec![upload], &mounts);
        spec.init_containers = Some(vec![dump]);
        spec.restart_policy = Some("Never".to_owned());
        pod::pull_secrets(ctx.platform, &mut spec);
        super::placement::priority(ctx, nexus_spec::placement::JOBS, &mut spec);
        let labels: Labels = ctx.labels(self.group, "backup");
        let mut annotations = ctx.annotations().unwrap_or_default();
        annotations.insert(CHECKSUM_ANNOTATION.into(), self.checksum.to_owned());
        let longest = self
            .cron
            .max_gap_minutes()
            .saturating_mul(60)
            .min(LONGEST_RUN_SECONDS);
        let name = checked_name(format!("{}-{}", self.group, self.kind), 52, "CronJob")?;
        Ok(CronJob {
            metadata: ctx.meta(&name, labels.clone()),
            // An `Option` in older Kubernetes versions, required in newer ones (k8s-openapi 0.29:
            // from 1.36 for CronJob and HPA, 1.37 for Deployment and StatefulSet); `into` fits both.
            spec: CronJobSpec {
                concurrency_policy: Some("Forbid".to_owned()),
                failed_jobs_history_limit: Some(3),
                job_template: JobTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some(labels.clone()),
                        ..ObjectMeta::default()
                    }),
                    spec: Some(JobSpec {
                        active_deadline_seconds: Some(i64::try_from(longest).unwrap_or(21_600)),
                        backoff_limit: Some(2),
                        template: PodTemplateSpec {
                            metadata: Some(ObjectMeta {
                                annotations: Some(annotations),
                                labels: Some(labels),
                                ..ObjectMeta::default()
                            }),
                            spec: Some(spec),
                        },
                        ..JobSpec::default()
                    }),
                },
                schedule: self.cron.as_str().to_owned(),
                successful_jobs_history_limit: Some(3),
                time_zone: Some("Etc/UTC".to_owned()),
                ..CronJobSpec::default()
            }
            .into(),
            ..CronJob::default()
        })
    }
}
