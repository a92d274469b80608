//! A service's migration: a Job in its own file, self-contained (ServiceAccount, ConfigMap
//! with the service's plain environment, Job, NetworkPolicy), so it can be applied and
//! waited for before the new release:
//!
//! ```text
//! kubectl apply -f 40-migrations/ && kubectl wait --for=condition=complete job -l app.kubernetes.io/component=migration
//! ```
//!
//! A Job's pod template cannot change once created, so the Job's name ends in the first 8
//! hex digits of the SHA-256 of its spec: a new image or command makes a new Job (and runs
//! the migration again), an unchanged one re-applies as a no-op. The command runs as the
//! container's `command` (the image's entrypoint is not used), with the service's
//! environment, security settings and resources.

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use nexus_spec::ir;

use super::docs::{Docs, sha256_hex};
use super::env;
use super::meta::{Ctx, checked_name, int};
use super::network::{Flows, migration_group};
use super::objects::{config_map, service_account};
use super::pod::{self, Mounts};
use crate::error::RenderError;
use crate::yaml::to_yaml;

/// Renders the migration of `w`.
pub(crate) fn render(
    ctx: &Ctx<'_>,
    w: &ir::Workload,
    m: &ir::Migration,
    flows: &Flows,
) -> Result<Docs, RenderError> {
    let group = migration_group(&w.name.value);
    let labels = ctx.labels(&group, "migration");
    let mut docs = Docs::new();
    docs.push(
        &service_account(ctx, &group, labels.clone()),
        "ServiceAccount",
    )?;
    let env_cm = format!("{group}-env");
    let env = env::build(ctx, &w.env, &env_cm)?;
    if !env.config.is_empty() {
        let cm = config_map(ctx, &env_cm, labels.clone(), env.config);
        docs.push(&cm, "ConfigMap")?;
    }
    let mut mounts = Mounts::default();
    mounts.security(&w.security, None);
    let container = Container {
        command: Some(m.command.clone()),
        env: (!env.vars.is_empty()).then_some(env.vars),
        image: Some(m.image.value.to_string()),
        name: "migrate".to_owned(),
        resources: pod::resources(&w.resources),
        security_context: Some(pod::container_security(&w.security)),
        volume_mounts: mounts.mounts(),
        ..Container::default()
    };
    let mut spec = pod::pod_spec(&group, &w.security, vec![container], &mounts);
    spec.restart_policy = Some("Never".to_owned());
    let template_labels = ctx.versioned_labels(&group, "migration", &m.image.value);
    let job_spec = JobSpec {
        active_deadline_seconds: Some(i64::from(m.timeout_seconds)),
        backoff_limit: Some(int(m.backoff_limit, "backoffLimit")?),
        template: PodTemplateSpec {
            metadata: Some(ObjectMeta {
                annotations: ctx.annotations(),
                labels: Some(template_labels.clone()),
                ..ObjectMeta::default()
            }),
            spec: Some(spec),
        },
        ..JobSpec::default()
    };
    let hash = sha256_hex(to_yaml(&job_spec, "Job spec")?.as_bytes());
    let name = checked_name(format!("{group}-{}", &hash[..8]), 63, "Job")?;
    let job = Job {
        metadata: ctx.meta(&name, template_labels),
        spec: Some(job_spec),
        ..Job::default()
    };
    docs.push(&job, "Job")?;
    docs.push(&flows.policy(ctx, &group, labels), "NetworkPolicy")?;
    Ok(docs)
}
