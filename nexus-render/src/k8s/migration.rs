//! A service's migration: a Job in its own file, self-contained (ServiceAccount, ConfigMap
//! with the service's plain environment, Job, NetworkPolicy), so it can be applied and
//! waited for before the new release (the environment README gives the whole apply order,
//! namespace and data stores first):
//!
//! ```text
//! kubectl apply -f 40-migrations/ && kubectl -n NS wait --for=condition=complete job -l app.kubernetes.io/component=migration
//! ```
//!
//! A Job's pod template cannot change once created, so the Job is named per release: the
//! migration's image tag, then the first 6 hex digits of the SHA-256 of its spec
//! (`backend-migrate-1-0-0-a1b2c3`). A new release or command makes a new Job (and runs the
//! migration again, leaving the previous release's Job as history until its
//! `ttlSecondsAfterFinished`); an unchanged one re-applies as a no-op. The command runs as the
//! container's `command` (the image's entrypoint is not used), with the service's
//! environment, security settings and resources.
//!
//! Before it, one init container per dependency that has a readiness command waits in that
//! dependency's own image (`pg_isready` for PostgreSQL) until it accepts clients; the Job's
//! deadline bounds the wait. Its NetworkPolicy opens only the migration's dependencies.

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use nexus_spec::ir;

use super::env;
use super::meta::{Naming, checked_name, int};
use super::network::{Flows, migration_group};
use super::objects::{config_map, service_account};
use super::pod::{self, Mounts};
use super::yaml_stream::{YamlStream, sha256_hex};
use crate::error::RenderError;
use crate::yaml::to_yaml;

/// Renders the migration of `w`.
pub(crate) fn render(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    m: &ir::Migration,
    flows: &Flows,
) -> Result<YamlStream, RenderError> {
    let group = migration_group(&w.name.value);
    let labels = ctx.labels(&group, "migration");
    let mut docs = YamlStream::new();
    docs.push(&service_account(ctx, &group, labels.clone()))?;
    let env_cm = format!("{group}-env");
    let env = env::build(ctx, &w.env, &env_cm)?;
    if !env.config.is_empty() {
        let cm = config_map(ctx, &env_cm, labels.clone(), env.config);
        docs.push(&cm)?;
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
    let waits: Vec<Container> = m.waits.iter().map(|wt| wait(ctx, w, wt)).collect();
    spec.init_containers = (!waits.is_empty()).then_some(waits);
    pod::pull_secrets(ctx.platform, &mut spec);
    super::placement::priority(ctx, nexus_spec::placement::JOBS, &mut spec);
    let template_labels = ctx.versioned_labels(&group, "migration", &m.image.value);
    let job_spec = JobSpec {
        active_deadline_seconds: Some(i64::from(m.timeout_seconds)),
        backoff_limit: Some(int(m.backoff_limit, "backoffLimit")?),
        ttl_seconds_after_finished: Some(int(m.ttl_seconds, "ttlSecondsAfterFinished")?),
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
    let name = checked_name(job_name(&group, &m.image.value, &hash), 63, "Job")?;
    let job = Job {
        metadata: ctx.meta(&name, template_labels),
        spec: Some(job_spec),
        ..Job::default()
    };
    docs.push(&job)?;
    docs.push(&flows.policy(ctx, &group, labels))?;
    Ok(docs)
}

/// The Job's name: the pod group, the release (the image's tag folded into a DNS label,
/// shortened to fit) and 6 hex digits of the spec's hash.
fn job_name(group: &str, image: &ir::ImageRef, hash: &str) -> String {
    let tag: String = image
        .tag
        .as_deref()
        .unwrap_or("latest")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let room = 63usize.saturating_sub(group.len() + 8);
    let tag = tag.get(..room.min(tag.len())).unwrap_or("");
    let tag = tag.trim_matches('-');
    if tag.is_empty() {
        format!("{group}-{}", &hash[..6])
    } else {
        format!("{group}-{tag}-{}", &hash[..6])
    }
}

/// An init container that waits until a dependency accepts clients, in the dependency's
/// image and as its user, polling every 2 seconds (the Job's deadline bounds it).
fn wait(ctx: &Naming<'_>, w: &ir::Workload, wt: &ir::Wait) -> Container {
    let check: Vec<String> = wt
        .command
        .iter()
        .map(|t| {
            t.render(|s| match s {
                ir::Segment::Host(h) => ctx.host(h),
                ir::Segment::Text(t) => t.clone(),
                ir::Segment::Secret(_) => String::new(),
            })
        })
        .collect();
    let script = format!(
        "until {}; do echo 'waiting for {}'; sleep 2; done",
        check.join(" "),
        wt.workload
    );
    let mut security = pod::container_security(&w.security);
    security.run_as_user = Some(i64::from(wt.uid));
    security.run_as_group = Some(i64::from(wt.uid));
    Container {
        command: Some(vec!["sh".to_owned(), "-c".to_owned(), script]),
        image: Some(wt.image.to_string()),
        name: format!("wait-for-{}", wt.workload),
        resources: Some(pod::helper_resources()),
        security_context: Some(security),
        ..Container::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_carry_the_release_and_fit() {
        let image = ir::ImageRef::parse("registry.example.com/shop/api:1.2.0").unwrap();
        assert_eq!(
            job_name("api-migrate", &image, "abcdef0123"),
            "api-migrate-1-2-0-abcdef"
        );
        let long = ir::ImageRef::parse(&format!("r.example.com/a:{}", "v".repeat(120))).unwrap();
        let name = job_name(&"x".repeat(50), &long, "abcdef0123");
        assert!(name.len() <= 63, "{name}");
        assert!(name.ends_with("-abcdef"));
    }
}
