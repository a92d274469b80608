//! Elasticsearch's snapshots in Kubernetes (see [`crate::es_snapshots`]):
//!
//! - `60-backups/<name>.yaml`: the backup pod group's ServiceAccount, the ConfigMap
//!   `<name>-backup` (`keystore.sh`, `setup.sh`, `restore.sh`: the text of
//!   [`super::es_snapshot`]), the Job `<name>-backup-setup` (one step per snapshot
//!   policy, each registering the repository and its policy; the Elasticsearch image has
//!   curl) and the group's NetworkPolicy (the cluster's HTTP port, nothing else);
//! - `80-restore/<name>.yaml`: the Job `<name>-restore` (applied on demand), which
//!   restores the newest successful snapshot into the running cluster;
//! - in the server's pod ([`pod_additions`]): the `keystore` init container, after the
//!   seed of the config folder and on the same emptyDir, and the S3 client's settings.
//!
//! A Job's template cannot change: after a change of the setup, delete the Job and apply
//! again (the environment README says so, as for MinIO's setup).

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, EnvVar, PodTemplateSpec, Volume, VolumeMount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use nexus_spec::ir;

use super::env::{from_secret, literal};
use super::meta::{CHECKSUM_ANNOTATION, Labels, Naming, checked_name};
use super::network::{Flows, backup_group};
use super::objects::{config_map, config_map_volume, service_account};
use super::pod::{self, Mounts, empty_dir};
use super::yaml_stream::{YamlStream, sha256_hex};
use crate::destinations::Value;
use crate::error::RenderError;
use crate::es_snapshots::{self, SCRIPTS, Snapshots};

/// Where the scripts are mounted.
const SCRIPTS_DIR: &str = "/scripts";
/// The pod volume of the scripts in the server's pod.
const SCRIPTS_VOLUME: &str = "snapshot-scripts";
/// The folder the keystore lives in (the image's config folder, seeded).
const CONFIG_DIR: &str = "/usr/share/elasticsearch/config";

fn env_of(vars: Vec<(String, Value)>) -> Vec<EnvVar> {
    vars.into_iter()
        .map(|(n, v)| match v {
            Value::Literal(text) => literal(&n, text),
            Value::Secret(s) => from_secret(&n, &s),
        })
        .collect()
}

fn es_url(ctx: &Naming<'_>, w: &ir::Workload) -> String {
    let port = w.main_port().map_or(9200, |p| p.port.value);
    format!("http://{}:{port}", ctx.host(&w.name.value))
}

/// The step of a Job: `script` from the ConfigMap in the Elasticsearch image.
fn step(w: &ir::Workload, name: &str, script: &str, env: Vec<EnvVar>, m: &Mounts) -> Container {
    Container {
        command: Some(vec!["/bin/sh".into(), format!("{SCRIPTS_DIR}/{script}")]),
        env: Some(env),
        image: Some(w.image.value.to_string()),
        name: name.to_owned(),
        resources: Some(pod::helper_resources()),
        security_context: Some(pod::container_security(&w.security)),
        volume_mounts: m.mounts(),
        ..Container::default()
    }
}

/// A Job of the backup pod group running `containers` (the last one the main container).
fn job(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    name: &str,
    mut containers: Vec<Container>,
    m: &Mounts,
    (deadline, retries): (u64, i32),
    annotations: BTreeMap<String, String>,
) -> Result<Job, RenderError> {
    let group = backup_group(&w.name.value);
    let labels: Labels = ctx.labels(&group, "backup");
    let main = containers
        .pop()
        .ok_or_else(|| RenderError::Unrenderable(format!("the Job `{name}` has no step")))?;
    let mut spec = pod::pod_spec(&group, &w.security, vec![main], m);
    spec.init_containers = (!containers.is_empty()).then_some(containers);
    spec.restart_policy = Some("Never".to_owned());
    pod::pull_secrets(ctx.platform, &mut spec);
    super::placement::priority(ctx, nexus_spec::placement::JOBS, &mut spec);
    Ok(Job {
        metadata: ctx.meta(name, labels.clone()),
        spec: Some(JobSpec {
            active_deadline_seconds: Some(i64::try_from(deadline).unwrap_or(i64::MAX)),
            backoff_limit: Some(retries),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    annotations: (!annotations.is_empty()).then_some(annotations),
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(spec),
            },
            ..JobSpec::default()
        }),
        ..Job::default()
    })
}

fn job_mounts(w: &ir::Workload) -> Mounts {
    let group = backup_group(&w.name.value);
    let mut m = Mounts::default();
    m.add(empty_dir("tmp"), "/tmp", false);
    m.add(
        config_map_volume("scripts", &group, 0o555),
        SCRIPTS_DIR,
        true,
    );
    m
}

/// The setup file (`60-backups/<name>.yaml`), when `w` is a snapshotted Elasticsearch.
pub(crate) fn render(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    flows: &Flows,
) -> Result<Option<YamlStream>, RenderError> {
    let Some(s) = es_snapshots::plan(ctx.platform, w) else {
        return Ok(None);
    };
    let group = backup_group(&w.name.value);
    let labels = ctx.labels(&group, "backup");
    let mut docs = YamlStream::new();
    docs.push(&service_account(ctx, &group, labels.clone()))?;
    let data = SCRIPTS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let checksum = sha256_hex(
        docs.push(&config_map(ctx, &group, labels.clone(), data))?
            .as_bytes(),
    );
    let m = job_mounts(w);
    let mut steps = Vec::new();
    for policy in s.policies() {
        let env = env_of(s.vars(w, ctx.ns(), es_url(ctx, w), Some(&policy))?);
        steps.push(step(
            w,
            &format!("slm-{}", policy.kind),
            "setup.sh",
            env,
            &m,
        ));
    }
    let mut annotations = ctx.annotations().unwrap_or_default();
    annotations.insert(CHECKSUM_ANNOTATION.into(), checksum);
    let name = checked_name(format!("{group}-setup"), 63, "Job")?;
    docs.push(&job(ctx, w, &name, steps, &m, (3600, 6), annotations)?)?;
    docs.push(&flows.policy(ctx, &group, labels))?;
    Ok(Some(docs))
}

/// The restore file (`80-restore/<name>.yaml`), when `w` is a snapshotted Elasticsearch.
pub(crate) fn restore(
    ctx: &Naming<'_>,
    w: &ir::Workload,
) -> Result<Option<YamlStream>, RenderError> {
    let Some(s) = es_snapshots::plan(ctx.platform, w) else {
        return Ok(None);
    };
    let name = checked_name(
        nexus_spec::names::derived(&w.name.value, super::restore::SUFFIX),
        63,
        "Job",
    )?;
    let env = env_of(s.vars(w, ctx.ns(), es_url(ctx, w), None)?);
    let m = job_mounts(w);
    let deadline = s.backup.rto_seconds.as_ref().map_or(6 * 3600, |r| r.value);
    let steps = vec![step(w, "restore", "restore.sh", env, &m)];
    let mut docs = YamlStream::new();
    docs.push(&job(
        ctx,
        w,
        &name,
        steps,
        &m,
        (deadline, 0),
        BTreeMap::new(),
    )?)?;
    Ok(Some(docs))
}

/// What the snapshots add to the server's pod.
pub(crate) struct PodAdditions {
    /// The S3 client's settings, appended to the server's environment.
    pub env: Vec<EnvVar>,
    /// The `keystore` init container (after the seed containers).
    pub init: Container,
    /// The scripts' volume.
    pub volume: Volume,
}

/// What the snapshots of `w` add to its pod, with `mounts` the server's (the keystore step
/// mounts its config folder and `/tmp`).
pub(crate) fn pod_additions(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    mounts: &Mounts,
) -> Option<PodAdditions> {
    let s: Snapshots<'_> = es_snapshots::plan(ctx.platform, w)?;
    let env = es_snapshots::client_settings(&ctx.host(&s.minio.name.value), s.minio)
        .into_iter()
        .map(|(k, v)| literal(&k, v))
        .collect();
    let mut volume_mounts: Vec<VolumeMount> = mounts
        .mounts
        .iter()
        .filter(|m| m.mount_path == CONFIG_DIR || m.mount_path == "/tmp")
        .cloned()
        .collect();
    volume_mounts.push(VolumeMount {
        name: SCRIPTS_VOLUME.to_owned(),
        mount_path: SCRIPTS_DIR.to_owned(),
        read_only: Some(true),
        ..VolumeMount::default()
    });
    let init = Container {
        command: Some(vec!["/bin/sh".into(), format!("{SCRIPTS_DIR}/keystore.sh")]),
        env: Some(env_of(s.keystore_vars())),
        image: Some(w.image.value.to_string()),
        name: "keystore".to_owned(),
        resources: Some(pod::helper_resources()),
        security_context: Some(pod::container_security(&w.security)),
        volume_mounts: Some(volume_mounts),
        ..Container::default()
    };
    Some(PodAdditions {
        env,
        init,
        volume: config_map_volume(SCRIPTS_VOLUME, &backup_group(&w.name.value), 0o555),
    })
}
