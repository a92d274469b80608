//! One workload as a Compose service: image, command, environment, health check, resources,
//! volumes and the hardened security settings the Kubernetes output has too.

use std::collections::BTreeMap;

use nexus_spec::ir::{self, WorkloadKind};
use nexus_spec::model::Seccomp;

use super::health;
use super::interpolate::{Interpolator, argument, literal};
use super::model::{Deploy, Mount, Service, ServiceSecret};
use super::resources::deploy_resources;

/// Restart policy of long-running services (Kubernetes restarts them too).
pub(super) const RESTART: &str = "unless-stopped";

/// The named volume holding a workload's data.
pub(super) fn data_volume(workload: &str) -> String {
    format!("{workload}-data")
}

/// The named volume holding a seeded folder of a workload (`elasticsearch-config`). Docker
/// fills a new named volume with the image's files at the path it is mounted on, so the
/// folder starts as the image ships it and stays writable; it keeps the files across
/// restarts (after an engine upgrade, remove the volume to take the new release's
/// defaults).
pub(super) fn seed_volume(workload: &str, path: &str) -> String {
    format!("{workload}-{}", path_slug(path))
}

/// The last component of a path, folded to lower-case letters, digits and `-`.
fn path_slug(path: &str) -> String {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let slug: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "root".to_owned()
    } else {
        slug.to_owned()
    }
}

/// The environment of a workload, as Compose text.
pub(super) fn environment(
    w: &ir::Workload,
    interp: &Interpolator<'_>,
) -> Result<BTreeMap<String, String>, crate::RenderError> {
    w.env
        .iter()
        .map(|e| Ok((e.name.value.clone(), interp.template(&e.value.value)?)))
        .collect()
}

/// The service of a workload, without networks or `depends_on` (the caller adds those).
pub(super) fn service(
    w: &ir::Workload,
    interp: &Interpolator<'_>,
    labels: &BTreeMap<String, String>,
) -> Result<Service, crate::RenderError> {
    let environment = environment(w, interp)?;
    let translate = |v: &Vec<String>| {
        v.iter()
            .map(|a| argument(a, &environment))
            .collect::<Vec<_>>()
    };
    let mut svc = Service {
        image: literal(&w.image.value.to_string()),
        entrypoint: w.command.as_ref().map(translate),
        command: w.args.as_ref().map(translate),
        restart: RESTART.to_owned(),
        healthcheck: health::healthcheck(w),
        deploy: deploy(
            (w.kind == WorkloadKind::Service).then_some(w.replicas.value),
            &w.resources,
        ),
        labels: workload_labels(labels, w),
        ..Service::default()
    };
    svc.environment = environment;
    harden(&mut svc, &w.security);
    if let Some(storage) = &w.storage {
        svc.volumes.push(Mount {
            kind: "volume".into(),
            source: data_volume(&w.name.value),
            target: literal(&storage.mount_path),
            read_only: false,
        });
    }
    for path in &w.security.seeded_paths {
        svc.volumes.push(Mount {
            kind: "volume".into(),
            source: seed_volume(&w.name.value, path),
            target: literal(path),
            read_only: false,
        });
    }
    svc.shm_size = w.shm_mib.map(|m| format!("{m}m"));
    svc.secrets = w
        .secret_files
        .iter()
        .map(|f| ServiceSecret {
            source: f.secret.clone(),
            target: literal(&f.path),
        })
        .collect();
    for hp in &w.security.host_paths {
        svc.volumes.push(Mount {
            kind: "bind".into(),
            source: literal(&hp.host_path.value),
            target: literal(&hp.mount_path),
            read_only: hp.read_only,
        });
    }
    Ok(svc)
}

/// `deploy`, when there is anything to say.
pub(super) fn deploy(replicas: Option<u32>, r: &ir::Resources) -> Option<Deploy> {
    let resources = deploy_resources(r);
    (replicas.is_some() || resources.is_some()).then_some(Deploy {
        replicas,
        resources,
    })
}

/// The platform's labels (values already escaped) plus the workload's own.
pub(super) fn workload_labels(
    labels: &BTreeMap<String, String>,
    w: &ir::Workload,
) -> BTreeMap<String, String> {
    let mut l = labels.clone();
    l.insert("nexus.dev/workload".into(), w.name.value.clone());
    l.insert("nexus.dev/tier".into(), w.tier.as_str().into());
    l
}

/// Applies the security settings: user, read-only root with tmpfs, capabilities,
/// no-new-privileges, seccomp and host namespaces.
pub(super) fn harden(svc: &mut Service, s: &ir::Security) {
    svc.user = Some(format!("{}:{}", s.run_as_user.value, s.run_as_group.value));
    svc.read_only = s.read_only_root_filesystem.value;
    svc.tmpfs = s.writable_paths.iter().map(|p| literal(p)).collect();
    svc.cap_drop = s
        .capabilities_drop
        .iter()
        .map(|c| literal(&c.value))
        .collect();
    svc.cap_add = s
        .capabilities_add
        .iter()
        .map(|c| literal(&c.value))
        .collect();
    if !s.allow_privilege_escalation.value {
        svc.security_opt.push("no-new-privileges:true".into());
    }
    if s.seccomp.value == Seccomp::Unconfined {
        svc.security_opt.push("seccomp:unconfined".into());
    }
    svc.privileged = s.privileged.value;
    if s.host_network.value {
        svc.network_mode = Some("host".into());
    }
    if s.host_pid.value {
        svc.pid = Some("host".into());
    }
    if s.host_ipc.value {
        svc.ipc = Some("host".into());
    }
}
