//! MinIO's setup Job (see [`crate::minio_setup`]): `20-data/<minio>-setup.yaml` holds the
//! ServiceAccount, the ConfigMap `<minio>-setup` (the script, the policies, the lifecycle
//! rules), the Job `<minio>-setup` and its NetworkPolicy (MinIO's S3 port, nothing else).
//! The Job retries until MinIO answers; a Job's template cannot change, so after a change
//! of the setup delete the Job and apply again (the environment README says so).

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, EnvVar, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use nexus_spec::ir;

use super::backup_scripts::MC_IMAGE;
use super::env::{from_secret, literal};
use super::meta::{CHECKSUM_ANNOTATION, Naming, checked_name};
use super::network::Flows;
use super::objects::{config_map, config_map_volume, service_account};
use super::pod::{self, Mounts, empty_dir};
use super::yaml_stream::{YamlStream, sha256_hex};
use crate::destinations;
use crate::error::RenderError;
use crate::minio_setup::{self, SUFFIX, Var};

/// The pod group (and Job) of the setup of MinIO `minio`.
pub(crate) fn group(minio: &str) -> String {
    nexus_spec::names::derived(minio, SUFFIX)
}

/// Renders the setup of `w`, when `w` is the MinIO of a declared backup destination.
pub(crate) fn render(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    flows: &Flows,
) -> Result<Option<YamlStream>, RenderError> {
    let p = ctx.platform;
    let Some((d, _)) = minio_setup::managed(p)
        .into_iter()
        .find(|(_, m)| m.name.value == w.name.value)
    else {
        return Ok(None);
    };
    let name = checked_name(group(&w.name.value), 63, "Job")?;
    let labels = ctx.labels(&name, "setup");
    let mut docs = YamlStream::new();
    docs.push(&service_account(ctx, &name, labels.clone()))?;
    let data: BTreeMap<String, String> = minio_setup::files(p, d, ctx.ns()).into_iter().collect();
    let cm = config_map(ctx, &name, labels.clone(), data);
    let checksum = sha256_hex(docs.push(&cm)?.as_bytes());
    let host = |m: &str| ctx.host(m);
    let env: Vec<EnvVar> = minio_setup::vars(w, d, destinations::endpoint(p, d, &host))
        .into_iter()
        .map(|(n, v)| match v {
            Var::Literal(text) => literal(&n, text),
            Var::Secret(s) => from_secret(&n, &s),
        })
        .collect();
    let s = &w.security;
    let mut mounts = Mounts::default();
    mounts.add(empty_dir("tmp"), "/tmp", false);
    mounts.add(config_map_volume("setup", &name, 0o555), "/setup", true);
    mounts.security(s, None);
    let container = Container {
        command: Some(vec!["/bin/sh".into(), "/setup/setup.sh".into()]),
        env: Some(env),
        image: Some(MC_IMAGE.to_owned()),
        name: "setup".to_owned(),
        resources: Some(pod::helper_resources()),
        security_context: Some(pod::container_security(s)),
        volume_mounts: mounts.mounts(),
        ..Container::default()
    };
    let mut spec = pod::pod_spec(&name, s, vec![container], &mounts);
    spec.restart_policy = Some("OnFailure".to_owned());
    pod::pull_secrets(p, &mut spec);
    super::placement::priority(ctx, nexus_spec::placement::JOBS, &mut spec);
    let mut annotations = ctx.annotations().unwrap_or_default();
    annotations.insert(CHECKSUM_ANNOTATION.into(), checksum);
    let job = Job {
        metadata: ctx.meta(&name, labels.clone()),
        spec: Some(JobSpec {
            active_deadline_seconds: Some(3600),
            backoff_limit: Some(6),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    annotations: Some(annotations),
                    labels: Some(labels.clone()),
                    ..ObjectMeta::default()
                }),
                spec: Some(spec),
            },
            ..JobSpec::default()
        }),
        ..Job::default()
    };
    docs.push(&job)?;
    docs.push(&flows.policy(ctx, &name, labels))?;
    Ok(Some(docs))
}
