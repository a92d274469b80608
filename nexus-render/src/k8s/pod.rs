//! Pieces of pod specs: security contexts, probes, resources, ports and volumes, rendered
//! from what the IR says (hardened unless the spec loosened it; lint judges, not this code).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EmptyDirVolumeSource, ExecAction, HTTPGetAction,
    HostPathVolumeSource, LocalObjectReference, PodSecurityContext, PodSpec, Probe,
    ResourceRequirements, SeccompProfile, SecurityContext, TCPSocketAction, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use nexus_spec::ir;
use nexus_spec::model::{Protocol, Seccomp};

use super::yaml_stream::sha256_hex;
use crate::error::RenderError;

/// The protocol name Kubernetes uses.
pub(crate) fn protocol(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
    }
}

/// The pod-level security context: user, groups and seccomp.
pub(crate) fn pod_security(s: &ir::Security) -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(s.run_as_non_root.value),
        run_as_user: Some(s.run_as_user.value),
        run_as_group: Some(s.run_as_group.value),
        fs_group: Some(s.fs_group),
        seccomp_profile: Some(seccomp(s.seccomp.value)),
        ..PodSecurityContext::default()
    }
}

fn seccomp(s: Seccomp) -> SeccompProfile {
    SeccompProfile {
        type_: match s {
            Seccomp::RuntimeDefault => "RuntimeDefault",
            Seccomp::Unconfined => "Unconfined",
        }
        .to_owned(),
        ..SeccompProfile::default()
    }
}

/// The container-level security context.
pub(crate) fn container_security(s: &ir::Security) -> SecurityContext {
    let names = |v: &[nexus_spec::Spanned<String>]| -> Option<Vec<String>> {
        (!v.is_empty()).then(|| v.iter().map(|c| c.value.clone()).collect())
    };
    SecurityContext {
        allow_privilege_escalation: Some(s.allow_privilege_escalation.value),
        capabilities: Some(Capabilities {
            add: names(&s.capabilities_add),
            drop: names(&s.capabilities_drop),
        }),
        privileged: Some(s.privileged.value),
        read_only_root_filesystem: Some(s.read_only_root_filesystem.value),
        run_as_non_root: Some(s.run_as_non_root.value),
        seccomp_profile: Some(seccomp(s.seccomp.value)),
        ..SecurityContext::default()
    }
}

/// A probe.
pub(crate) fn probe(p: &ir::Probe) -> Result<Probe, RenderError> {
    let mut out = Probe {
        initial_delay_seconds: Some(super::meta::int(
            p.initial_delay_seconds,
            "initialDelaySeconds",
        )?),
        period_seconds: Some(super::meta::int(p.period_seconds, "periodSeconds")?),
        timeout_seconds: Some(super::meta::int(p.timeout_seconds, "timeoutSeconds")?),
        failure_threshold: Some(super::meta::int(p.failure_threshold, "failureThreshold")?),
        ..Probe::default()
    };
    match &p.action {
        ir::ProbeAction::Http {
            path, port_name, ..
        } => {
            out.http_get = Some(HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::String(port_name.clone()),
                ..HTTPGetAction::default()
            });
        }
        ir::ProbeAction::Tcp { port_name, .. } => {
            out.tcp_socket = Some(TCPSocketAction {
                port: IntOrString::String(port_name.clone()),
                ..TCPSocketAction::default()
            });
        }
        ir::ProbeAction::Exec { command } => {
            out.exec = Some(ExecAction {
                command: Some(command.clone()),
            });
        }
    }
    Ok(out)
}

/// Requests and limits, when the spec gives any.
pub(crate) fn resources(r: &ir::Resources) -> Option<ResourceRequirements> {
    let figures = |cpu: &Option<nexus_spec::Spanned<ir::Quantity>>,
                   memory: &Option<nexus_spec::Spanned<ir::Quantity>>| {
        let m: BTreeMap<String, Quantity> = [("cpu", cpu), ("memory", memory)]
            .into_iter()
            .filter_map(|(k, v)| {
                v.as_ref()
                    .map(|q| (k.to_owned(), Quantity(q.value.as_str().to_owned())))
            })
            .collect();
        (!m.is_empty()).then_some(m)
    };
    let requests = figures(&r.cpu_request, &r.memory_request);
    let limits = figures(&r.cpu_limit, &r.memory_limit);
    (requests.is_some() || limits.is_some()).then(|| ResourceRequirements {
        requests,
        limits,
        ..ResourceRequirements::default()
    })
}

/// The resources of helper containers nexus adds (image seeds, waits, backup steps): the
/// namespace's container defaults, so the quota counts them (see [`nexus_spec::placement`]).
pub(crate) fn helper_resources() -> ResourceRequirements {
    let d = nexus_spec::placement::CONTAINER_DEFAULTS;
    let q = |cpu: &str, mem: &str| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_owned())),
            ("memory".to_owned(), Quantity(mem.to_owned())),
        ])
    };
    ResourceRequirements {
        requests: Some(q(d.request_cpu, d.request_memory)),
        limits: Some(q(d.limit_cpu, d.limit_memory)),
        ..ResourceRequirements::default()
    }
}

/// Container ports.
pub(crate) fn ports(w: &ir::Workload) -> Option<Vec<ContainerPort>> {
    let out: Vec<ContainerPort> = w
        .ports
        .iter()
        .map(|p| ContainerPort {
            name: Some(p.name.value.clone()),
            container_port: i32::from(p.port.value),
            host_port: p.host_port.as_ref().map(|h| i32::from(h.value)),
            protocol: Some(protocol(p.protocol).to_owned()),
            ..ContainerPort::default()
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

/// A volume name for a path: `prefix-` + the path's characters folded into a DNS label,
/// shortened with a hash when too long.
pub(crate) fn path_volume_name(prefix: &str, path: &str) -> String {
    let mut slug = String::new();
    for c in path.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "root" } else { slug };
    let name = format!("{prefix}-{slug}");
    if name.len() <= 63 {
        name
    } else {
        let hash = sha256_hex(path.as_bytes());
        format!("{}-{}", name[..50].trim_end_matches('-'), &hash[..8])
    }
}

/// Volumes and mounts a container and its pod share.
#[derive(Debug, Default)]
pub(crate) struct Mounts {
    /// Pod volumes.
    pub volumes: Vec<Volume>,
    /// Container mounts.
    pub mounts: Vec<VolumeMount>,
}

impl Mounts {
    /// Adds a volume and its mount.
    pub(super) fn add(&mut self, volume: Volume, mount_path: &str, read_only: bool) {
        self.mounts.push(VolumeMount {
            name: volume.name.clone(),
            mount_path: mount_path.to_owned(),
            read_only: read_only.then_some(true),
            ..VolumeMount::default()
        });
        self.volumes.push(volume);
    }

    /// Adds a mount of a volume that is not a pod volume (a volumeClaimTemplate).
    pub(super) fn mount_only(&mut self, name: &str, mount_path: &str) {
        self.mounts.push(VolumeMount {
            name: name.to_owned(),
            mount_path: mount_path.to_owned(),
            ..VolumeMount::default()
        });
    }

    /// The writable paths (an emptyDir each, except `skip`, the data path) and the node
    /// directories the IR asks for.
    pub(super) fn security(&mut self, s: &ir::Security, skip: Option<&str>) {
        for path in &s.writable_paths {
            if Some(path.as_str()) != skip {
                self.add(empty_dir(&path_volume_name("rw", path)), path, false);
            }
        }
        for h in &s.host_paths {
            let volume = Volume {
                name: path_volume_name("host", &h.mount_path),
                host_path: Some(HostPathVolumeSource {
                    path: h.host_path.value.clone(),
                    ..HostPathVolumeSource::default()
                }),
                ..Volume::default()
            };
            self.add(volume, &h.mount_path, h.read_only);
        }
    }

    /// Pod volumes, or none.
    pub(super) fn volumes(&self) -> Option<Vec<Volume>> {
        (!self.volumes.is_empty()).then(|| self.volumes.clone())
    }

    /// Container mounts, or none.
    pub(super) fn mounts(&self) -> Option<Vec<VolumeMount>> {
        (!self.mounts.is_empty()).then(|| self.mounts.clone())
    }
}

/// An emptyDir volume.
pub(crate) fn empty_dir(name: &str) -> Volume {
    Volume {
        name: name.to_owned(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Volume::default()
    }
}

/// A pod spec with the hardened settings every nexus pod shares: its own service account
/// without a token, no service-link variables, the IR's security context and host
/// namespaces only where the IR turns them on.
pub(crate) fn pod_spec(
    service_account: &str,
    security: &ir::Security,
    containers: Vec<Container>,
    mounts: &Mounts,
) -> PodSpec {
    let on = |b: bool| b.then_some(true);
    PodSpec {
        automount_service_account_token: Some(false),
        containers,
        enable_service_links: Some(false),
        host_ipc: on(security.host_ipc.value),
        host_network: on(security.host_network.value),
        host_pid: on(security.host_pid.value),
        security_context: Some(pod_security(security)),
        service_account_name: Some(service_account.to_owned()),
        volumes: mounts.volumes(),
        ..PodSpec::default()
    }
}

/// Sets the pod's `imagePullSecrets`: the pull secret of every declared private registry
/// that one of its containers (init containers included) pulls from, sorted.
pub(crate) fn pull_secrets(platform: &ir::Platform, spec: &mut PodSpec) {
    let images = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .filter_map(|c| c.image.as_deref());
    let names: std::collections::BTreeSet<&String> = images
        .filter_map(|i| ir::ImageRef::parse(i).ok()?.registry)
        .filter_map(|r| platform.pull_secrets.get(&r))
        .collect();
    spec.image_pull_secrets = (!names.is_empty()).then(|| {
        names
            .into_iter()
            .map(|n| LocalObjectReference { name: n.clone() })
            .collect()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_names_are_dns_labels() {
        assert_eq!(path_volume_name("rw", "/tmp"), "rw-tmp");
        assert_eq!(
            path_volume_name("rw", "/var/cache/nginx"),
            "rw-var-cache-nginx"
        );
        assert_eq!(path_volume_name("rw", "/.minio"), "rw-minio");
        assert_eq!(path_volume_name("rw", "/"), "rw-root");
        let long = path_volume_name("rw", &format!("/{}", "a/".repeat(60)));
        assert!(long.len() <= 63, "{long}");
        assert!(!long.contains("--"));
    }
}
