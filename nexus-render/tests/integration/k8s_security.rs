//! The generator renders what the IR says: hardened by default, loosened where the spec
//! loosens a setting on purpose (lint judges that, not the generator).

use crate::support::k8s as k8s_support;

use nexus_spec::Spec;

const SPEC: &str = r#"
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: loose, version: 1.0.0 }
spec:
  services:
    strict:
      image: registry.example.com/strict:1.0.0
      ports: [{ name: http, port: 8080 }]
    agent:
      image: registry.example.com/agent:1.0.0
      ports: [{ name: metrics, port: 9100, hostPort: 9100 }]
      security:
        runAsUser: 0
        runAsNonRoot: false
        readOnlyRootFilesystem: false
        allowPrivilegeEscalation: true
        privileged: true
        capabilities: { add: [NET_ADMIN], drop: [MKNOD] }
        seccomp: unconfined
        hostNetwork: true
        hostPid: true
        hostPaths: [{ hostPath: /var/log, mountPath: /host/log }]
        writablePaths: [/var/cache/agent]
  environments:
    dev: {}
"#;

fn file(name: &str) -> String {
    let spec = Spec::from_str("loose.yaml", SPEC).expect("loads");
    let plan = k8s_support::render(&spec, "dev");
    String::from_utf8(plan.get(name).unwrap_or_default().to_vec()).expect("UTF-8")
}

#[test]
fn loosened_settings_are_rendered_as_written() {
    let agent = file("50-services/agent.yaml");
    for expected in [
        "allowPrivilegeEscalation: true",
        "privileged: true",
        "readOnlyRootFilesystem: false",
        "runAsNonRoot: false",
        "runAsUser: 0",
        "type: Unconfined",
        "- NET_ADMIN",
        "- MKNOD",
        "hostNetwork: true",
        "hostPID: true",
        "hostPort: 9100",
        "path: /var/log",
        "mountPath: /host/log",
        "readOnly: true",
        "mountPath: /var/cache/agent",
    ] {
        assert!(
            agent.contains(expected),
            "agent lacks `{expected}`:\n{agent}"
        );
    }
    assert!(
        !agent.contains("- ALL"),
        "the spec's drop list replaces the default"
    );
}

#[test]
fn defaults_are_hardened() {
    let strict = file("50-services/strict.yaml");
    for expected in [
        "automountServiceAccountToken: false",
        "enableServiceLinks: false",
        "allowPrivilegeEscalation: false",
        "privileged: false",
        "readOnlyRootFilesystem: true",
        "runAsNonRoot: true",
        "runAsUser: 10001",
        "type: RuntimeDefault",
        "- ALL",
        "mountPath: /tmp",
    ] {
        assert!(
            strict.contains(expected),
            "strict lacks `{expected}`:\n{strict}"
        );
    }
    for absent in ["hostNetwork", "hostPID", "hostIPC", "hostPort", "hostPath"] {
        assert!(!strict.contains(absent), "strict has `{absent}`");
    }
}

/// Pod Security Admission enforces `restricted` only when every pod meets it, so a spec
/// that loosens a workload still deploys; warn and audit stay at `restricted`.
#[test]
fn namespace_enforces_restricted_only_when_every_pod_meets_it() {
    let ns = file("00-namespace.yaml");
    assert!(!ns.contains("pod-security.kubernetes.io/enforce"), "{ns}");
    assert!(ns.contains("pod-security.kubernetes.io/warn: restricted"));
    assert!(ns.contains("pod-security.kubernetes.io/audit: restricted"));
    let spec = k8s_support::load(&k8s_support::nexus_spec());
    let plan = k8s_support::render(&spec, "production");
    let ns =
        String::from_utf8_lossy(plan.get("00-namespace.yaml").unwrap_or_default()).into_owned();
    assert!(
        ns.contains("pod-security.kubernetes.io/enforce: restricted"),
        "{ns}"
    );
}
