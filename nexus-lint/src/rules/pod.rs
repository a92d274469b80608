//! Pod security: what a container may do to the node it runs on.

use nexus_spec::Severity::{Error, Warning};
use nexus_spec::ir::Platform;
use nexus_spec::model::Seccomp;

use crate::ctx::LintRun;
use crate::finding::{Findings, Subject};
use crate::rule::PssLevel::{Baseline, Restricted};
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[
    &PRIVILEGED,
    &PRIVILEGE_ESCALATION,
    &RUN_AS_ROOT_ALLOWED,
    &ROOT_USER,
    &ROOT_GROUP,
    &WRITABLE_ROOT_FS,
    &CAPABILITIES_NOT_DROPPED,
    &CAPABILITY_ADDED,
    &DANGEROUS_CAPABILITY,
    &HOST_NETWORK,
    &HOST_PID,
    &HOST_IPC,
    &HOST_PATH,
    &SENSITIVE_HOST_PATH,
    &WRITABLE_HOST_PATH,
    &SECCOMP_UNCONFINED,
    &HOST_PORT,
    &SYSTEM_NAMESPACE,
];

/// Capabilities the Pod Security Standards' baseline profile lets a container add.
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Node paths whose mount gives a container the node (or its container runtime).
const SENSITIVE_PATHS: &[&str] = &[
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/proc",
    "/root",
    "/run",
    "/sys",
    "/usr",
    "/var/lib/kubelet",
    "/var/run",
];

/// Container runtime sockets.
const RUNTIME_SOCKETS: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "podman.sock",
    "cri-dockerd.sock",
];

pub(super) static PRIVILEGED: Rule = Rule {
    id: "NX-POD-001",
    group: Group::Pod,
    title: "Container runs privileged",
    severity: Error,
    enabled: true,
    rationale: "A privileged container has every capability and sees every device of the node; escaping to the node is trivial, so one compromised process owns the machine and every other workload on it.",
    fix: "Remove `security.privileged: true`; grant the single capability the process needs instead.",
    compliance: Compliance {
        cis: &["5.2.2"],
        nsa: &["C-0057 Privileged container"],
        pss: Some((Baseline, "privileged")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let s = &w.security.privileged;
            if s.value {
                out.add(
                    &Subject::workload(w),
                    s.span,
                    format!("`{}` runs privileged", w.name.value),
                )
                .label("privileged: true");
            }
        }
    },
};

pub(super) static PRIVILEGE_ESCALATION: Rule = Rule {
    id: "NX-POD-002",
    group: Group::Pod,
    title: "Privilege escalation allowed",
    severity: Error,
    enabled: true,
    rationale: "With privilege escalation allowed, a set-user-id binary or file capability in the image can raise a process above the user it started as.",
    fix: "Remove `security.allowPrivilegeEscalation: true` (nexus sets it to false by default).",
    compliance: Compliance {
        cis: &["5.2.6"],
        nsa: &["C-0016 Allow privilege escalation"],
        pss: Some((Restricted, "allowPrivilegeEscalation")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let s = &w.security.allow_privilege_escalation;
            if s.value {
                out.add(
                    &Subject::workload(w),
                    s.span,
                    format!("`{}` lets processes gain privileges", w.name.value),
                )
                .label("allowPrivilegeEscalation: true");
            }
        }
    },
};

pub(super) static RUN_AS_ROOT_ALLOWED: Rule = Rule {
    id: "NX-POD-003",
    group: Group::Pod,
    title: "Container may start as root",
    severity: Warning,
    enabled: true,
    rationale: "Without `runAsNonRoot` the kubelet starts an image whose user is root as root; a container escape then lands as root on the node.",
    fix: "Remove `security.runAsNonRoot: false` and run as the image's unprivileged user (`runAsUser`).",
    compliance: Compliance {
        cis: &["5.2.7"],
        nsa: &["C-0013 Non-root containers"],
        pss: Some((Restricted, "runAsNonRoot")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let s = &w.security.run_as_non_root;
            if !s.value {
                out.add(
                    &Subject::workload(w),
                    s.span,
                    format!("`{}` may start as root", w.name.value),
                )
                .label("runAsNonRoot: false");
            }
        }
    },
};

pub(super) static ROOT_USER: Rule = Rule {
    id: "NX-POD-004",
    group: Group::Pod,
    title: "Container runs as UID 0",
    severity: Error,
    enabled: true,
    rationale: "User id 0 is root; in a container it keeps root's power over every file of the image and of mounted volumes, and over the node after an escape.",
    fix: "Set `security.runAsUser` to an unprivileged id (the image's own user, or 10001).",
    compliance: Compliance {
        cis: &["5.2.7"],
        nsa: &["C-0013 Non-root containers"],
        pss: Some((Restricted, "runAsUser")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let s = &w.security.run_as_user;
            if s.value == 0 {
                out.add(
                    &Subject::workload(w),
                    s.span,
                    format!("`{}` runs as root (UID 0)", w.name.value),
                )
                .label("runAsUser: 0");
            }
        }
    },
};

pub(super) static ROOT_GROUP: Rule = Rule {
    id: "NX-POD-005",
    group: Group::Pod,
    title: "Container runs with root group",
    severity: Warning,
    enabled: true,
    rationale: "Group id 0 owns many system files; a process in the root group can read or write them even as a non-root user.",
    fix: "Set `security.runAsGroup` and `security.fsGroup` to an unprivileged id.",
    compliance: Compliance {
        cis: &[],
        nsa: &["C-0013 Non-root containers"],
        pss: None,
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let s = &w.security.run_as_group;
            if s.value == 0 || w.security.fs_group == 0 {
                let what = if s.value == 0 {
                    "runAsGroup: 0"
                } else {
                    "fsGroup: 0"
                };
                out.add(
                    &Subject::workload(w),
                    s.span,
                    format!("`{}` runs with the root group", w.name.value),
                )
                .label(what);
            }
        }
    },
};

pub(super) static WRITABLE_ROOT_FS: Rule = Rule {
    id: "NX-POD-006",
    group: Group::Pod,
    title: "Root filesystem is writable",
    severity: Warning,
    enabled: true,
    rationale: "A writable root filesystem lets an intruder replace binaries and plant tools that survive in the container; a read-only one confines writes to the paths you list.",
    fix: "Remove `security.readOnlyRootFilesystem: false` and list the paths the process writes in `security.writablePaths`.",
    compliance: Compliance {
        cis: &[],
        nsa: &["C-0017 Immutable container filesystem"],
        pss: None,
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let s = &w.security.read_only_root_filesystem;
            if !s.value {
                out.add(
                    &Subject::workload(w),
                    s.span,
                    format!("`{}` has a writable root filesystem", w.name.value),
                )
                .label("readOnlyRootFilesystem: false");
            }
        }
    },
};

pub(super) static CAPABILITIES_NOT_DROPPED: Rule = Rule {
    id: "NX-POD-007",
    group: Group::Pod,
    title: "Capabilities not dropped",
    severity: Warning,
    enabled: true,
    rationale: "Container runtimes grant a default set of capabilities (NET_RAW among them, which allows packet spoofing); a process that needs none should keep none.",
    fix: "Drop `ALL` capabilities (the default: remove `security.capabilities.drop`) and add back only what the process needs.",
    compliance: Compliance {
        cis: &["5.2.8", "5.2.10"],
        nsa: &["C-0046 Insecure capabilities"],
        pss: Some((Restricted, "capabilities_restricted")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let s = &w.security;
            if !s.capabilities_drop.iter().any(|c| c.value == "ALL") {
                out.add(
                    &Subject::workload(w),
                    s.capabilities_drop_span,
                    format!("`{}` does not drop all capabilities", w.name.value),
                )
                .label("`ALL` is not in this list");
            }
        }
    },
};

pub(super) static CAPABILITY_ADDED: Rule = Rule {
    id: "NX-POD-008",
    group: Group::Pod,
    title: "Capability added",
    severity: Warning,
    enabled: true,
    rationale: "Each added capability widens what a compromised process can do; the restricted profile allows adding only NET_BIND_SERVICE.",
    fix: "Remove the capability from `security.capabilities.add`, or waive the finding with the reason the process needs it.",
    compliance: Compliance {
        cis: &["5.2.9"],
        nsa: &["C-0046 Insecure capabilities"],
        pss: Some((Restricted, "capabilities_restricted")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            for c in &w.security.capabilities_add {
                let name = c.value.as_str();
                if name != "NET_BIND_SERVICE" && BASELINE_CAPABILITIES.contains(&name) {
                    out.add(
                        &Subject::workload(w),
                        c.span,
                        format!("`{}` adds the capability {name}", w.name.value),
                    )
                    .label("added capability");
                }
            }
        }
    },
};

pub(super) static DANGEROUS_CAPABILITY: Rule = Rule {
    id: "NX-POD-009",
    group: Group::Pod,
    title: "Dangerous capability added",
    severity: Error,
    enabled: true,
    rationale: "Capabilities outside the baseline set (SYS_ADMIN, NET_ADMIN, SYS_MODULE, SYS_PTRACE, NET_RAW, BPF, ALL...) let a process reconfigure or read the node, load kernel modules or escape the container.",
    fix: "Remove the capability from `security.capabilities.add`; if a tool truly needs it, run that tool outside the platform.",
    compliance: Compliance {
        cis: &["5.2.8", "5.2.9"],
        nsa: &["C-0046 Insecure capabilities"],
        pss: Some((Baseline, "capabilities_baseline")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            for c in &w.security.capabilities_add {
                let name = c.value.as_str();
                if !BASELINE_CAPABILITIES.contains(&name) {
                    out.add(
                        &Subject::workload(w),
                        c.span,
                        format!("`{}` adds the dangerous capability {name}", w.name.value),
                    )
                    .label("outside the baseline set");
                }
            }
        }
    },
};

fn host_namespace(
    p: &Platform,
    out: &mut Findings,
    pick: fn(&nexus_spec::ir::Security) -> &nexus_spec::Spanned<bool>,
    what: &str,
    key: &str,
) {
    for w in &p.workloads {
        let s = pick(&w.security);
        if s.value {
            out.add(
                &Subject::workload(w),
                s.span,
                format!("`{}` shares the node's {what}", w.name.value),
            )
            .label(format!("{key}: true"));
        }
    }
}

pub(super) static HOST_NETWORK: Rule = Rule {
    id: "NX-POD-010",
    group: Group::Pod,
    title: "Host network namespace shared",
    severity: Error,
    enabled: true,
    rationale: "A container on the host network sees every interface of the node, can bind its ports and sniff its traffic, and bypasses network policies.",
    fix: "Remove `security.hostNetwork: true`; publish ports through the workload's `ports` and the gateway.",
    compliance: Compliance {
        cis: &["5.2.5"],
        nsa: &["C-0041 HostNetwork access"],
        pss: Some((Baseline, "hostNamespaces")),
        soc2: &[],
    },
    check: |_: &LintRun<'_>, p, out| {
        host_namespace(
            p,
            out,
            |s| &s.host_network,
            "network namespace",
            "hostNetwork",
        )
    },
};

pub(super) static HOST_PID: Rule = Rule {
    id: "NX-POD-011",
    group: Group::Pod,
    title: "Host PID namespace shared",
    severity: Error,
    enabled: true,
    rationale: "A container in the node's process namespace sees and can signal every process on the node, and can read their environments.",
    fix: "Remove `security.hostPID: true`.",
    compliance: Compliance {
        cis: &["5.2.3"],
        nsa: &["C-0038 Host PID/IPC privileges"],
        pss: Some((Baseline, "hostNamespaces")),
        soc2: &[],
    },
    check: |_, p, out| host_namespace(p, out, |s| &s.host_pid, "process namespace", "hostPID"),
};

pub(super) static HOST_IPC: Rule = Rule {
    id: "NX-POD-012",
    group: Group::Pod,
    title: "Host IPC namespace shared",
    severity: Error,
    enabled: true,
    rationale: "A container in the node's IPC namespace can read and write the shared memory of every process on the node.",
    fix: "Remove `security.hostIPC: true`.",
    compliance: Compliance {
        cis: &["5.2.4"],
        nsa: &["C-0038 Host PID/IPC privileges"],
        pss: Some((Baseline, "hostNamespaces")),
        soc2: &[],
    },
    check: |_, p, out| host_namespace(p, out, |s| &s.host_ipc, "IPC namespace", "hostIPC"),
};

pub(super) static HOST_PATH: Rule = Rule {
    id: "NX-POD-013",
    group: Group::Pod,
    title: "Node directory mounted",
    severity: Warning,
    enabled: true,
    rationale: "A host path ties the workload to one node and exposes that node's files to the container; persistent volumes do the same job without either.",
    fix: "Replace the entry of `security.hostPaths` with `storage` (a persistent volume).",
    compliance: Compliance {
        cis: &["5.2.12"],
        nsa: &[],
        pss: Some((Baseline, "hostPathVolumes")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            for h in &w.security.host_paths {
                out.add(
                    &Subject::workload(w),
                    h.host_path.span,
                    format!(
                        "`{}` mounts the node directory `{}`",
                        w.name.value, h.host_path.value
                    ),
                )
                .label("host path");
            }
        }
    },
};

fn is_sensitive(path: &str) -> bool {
    let trimmed = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    RUNTIME_SOCKETS.iter().any(|s| trimmed.ends_with(s))
        || SENSITIVE_PATHS.iter().any(|s| {
            trimmed == *s
                || (*s != "/"
                    && trimmed.starts_with(s)
                    && trimmed.as_bytes().get(s.len()) == Some(&b'/'))
        })
}

pub(super) static SENSITIVE_HOST_PATH: Rule = Rule {
    id: "NX-POD-014",
    group: Group::Pod,
    title: "Sensitive node path or runtime socket mounted",
    severity: Error,
    enabled: true,
    rationale: "Mounting the container runtime's socket, or node directories such as `/`, `/etc`, `/proc`, `/sys`, `/dev` or `/var/run`, hands the container control of the node: it can start privileged containers or rewrite the node's configuration.",
    fix: "Remove the mount; talk to the runtime or node through an API with its own authorization instead.",
    compliance: Compliance {
        cis: &["5.2.12"],
        nsa: &[],
        pss: Some((Baseline, "hostPathVolumes")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            for h in &w.security.host_paths {
                if is_sensitive(&h.host_path.value) {
                    out.add(
                        &Subject::workload(w),
                        h.host_path.span,
                        format!(
                            "`{}` mounts the sensitive node path `{}`",
                            w.name.value, h.host_path.value
                        ),
                    )
                    .label("gives the container the node");
                }
            }
        }
    },
};

pub(super) static WRITABLE_HOST_PATH: Rule = Rule {
    id: "NX-POD-015",
    group: Group::Pod,
    title: "Node directory mounted writable",
    severity: Warning,
    enabled: true,
    rationale: "A writable host path lets the container change files on the node, which other workloads and the node itself may trust.",
    fix: "Mount the host path read-only (remove `readOnly: false`).",
    compliance: Compliance {
        cis: &["5.2.12"],
        nsa: &[],
        pss: Some((Baseline, "hostPathVolumes")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            for h in w.security.host_paths.iter().filter(|h| !h.read_only) {
                out.add(
                    &Subject::workload(w),
                    h.host_path.span,
                    format!(
                        "`{}` mounts the node directory `{}` writable",
                        w.name.value, h.host_path.value
                    ),
                )
                .label("readOnly: false");
            }
        }
    },
};

pub(super) static SECCOMP_UNCONFINED: Rule = Rule {
    id: "NX-POD-016",
    group: Group::Pod,
    title: "Seccomp disabled",
    severity: Error,
    enabled: true,
    rationale: "Without a seccomp profile every system call reaches the kernel, including the rarely used ones most kernel exploits go through.",
    fix: "Remove `security.seccomp: unconfined` (the default is the runtime's profile).",
    compliance: Compliance {
        cis: &["5.7.2"],
        nsa: &["C-0055 Linux hardening"],
        pss: Some((Baseline, "seccompProfile_baseline")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let s = &w.security.seccomp;
            if s.value == Seccomp::Unconfined {
                out.add(
                    &Subject::workload(w),
                    s.span,
                    format!("`{}` runs without seccomp filtering", w.name.value),
                )
                .label("seccomp: unconfined");
            }
        }
    },
};

pub(super) static HOST_PORT: Rule = Rule {
    id: "NX-POD-017",
    group: Group::Pod,
    title: "Port bound on the node",
    severity: Warning,
    enabled: true,
    rationale: "A host port opens the node itself to traffic, bypasses network policies and limits the workload to one replica per node.",
    fix: "Remove `hostPort` and reach the workload through its service or the gateway.",
    compliance: Compliance {
        cis: &["5.2.13"],
        nsa: &["C-0044 Container hostPort"],
        pss: Some((Baseline, "hostPorts")),
        soc2: &[],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            for port in &w.ports {
                if let Some(h) = &port.host_port {
                    out.add(
                        &Subject::workload(w),
                        h.span,
                        format!("`{}` binds port {} on the node", w.name.value, h.value),
                    )
                    .label("hostPort");
                }
            }
        }
    },
};

pub(super) static SYSTEM_NAMESPACE: Rule = Rule {
    id: "NX-POD-018",
    group: Group::Pod,
    title: "Workloads in the default or a system namespace",
    severity: Warning,
    enabled: true,
    rationale: "The `default` and `kube-*` namespaces are shared with everything else in the cluster, so quotas, network policies and access rules cannot be scoped to the platform.",
    fix: "Give the environment its own `namespace` (the default is `<platform>-<environment>`).",
    compliance: Compliance {
        cis: &["5.7.1", "5.7.4"],
        nsa: &[],
        pss: None,
        soc2: &[],
    },
    check: |_, p, out| {
        let ns = &p.namespace;
        if matches!(
            ns.value.as_str(),
            "default" | "kube-system" | "kube-public" | "kube-node-lease"
        ) {
            out.add(
                &Subject::platform(p),
                ns.span,
                format!(
                    "environment `{}` deploys into the `{}` namespace",
                    p.environment.value, ns.value
                ),
            )
            .label("shared namespace");
        }
    },
};

#[cfg(test)]
mod tests {
    use super::is_sensitive;

    #[test]
    fn sensitive_paths() {
        for p in [
            "/",
            "/etc",
            "/etc/",
            "/var/run/docker.sock",
            "/run/containerd/containerd.sock",
            "/proc/1",
            "/home/me",
        ] {
            assert!(is_sensitive(p), "{p}");
        }
        for p in ["/data", "/srv/app", "/etcd", "/opt/logs"] {
            assert!(!is_sensitive(p), "{p}");
        }
    }
}
