//! The namespace and its baseline NetworkPolicies: deny every flow in and out, then allow
//! DNS lookups to the cluster DNS service.
//!
//! The Namespace carries Pod Security Admission labels: `warn` and `audit` at `restricted`
//! always; `enforce` at `restricted` only when every pod nexus renders meets it, so a spec
//! that loosens a workload on purpose still deploys (lint reports the loosening).

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use nexus_spec::ir;
use nexus_spec::model::Seccomp;

use super::meta::{Labels, Naming, selector};
use super::network::{NAMESPACE_NAME_LABEL, Ports, policy_ports};
use super::yaml_stream::YamlStream;
use crate::error::RenderError;

/// Namespace of the cluster DNS service.
pub(super) const DNS_NAMESPACE: &str = "kube-system";
/// `k8s-app` label of the cluster DNS pods (CoreDNS keeps kube-dns's label).
pub(super) const DNS_APP: &str = "kube-dns";

/// Whether a workload's pods meet the `restricted` Pod Security Standard.
fn restricted(s: &ir::Security, w: &ir::Workload) -> bool {
    let adds_only_bind = s
        .capabilities_add
        .iter()
        .all(|c| c.value == "NET_BIND_SERVICE");
    s.run_as_non_root.value
        && s.run_as_user.value != 0
        && !s.privileged.value
        && !s.allow_privilege_escalation.value
        && s.capabilities_drop.iter().any(|c| c.value == "ALL")
        && adds_only_bind
        && s.seccomp.value == Seccomp::RuntimeDefault
        && !(s.host_network.value || s.host_pid.value || s.host_ipc.value)
        && s.host_paths.is_empty()
        && w.ports.iter().all(|p| p.host_port.is_none())
}

/// `00-namespace.yaml`: the Namespace and the baseline policies.
pub(crate) fn render(ctx: &Naming<'_>) -> Result<YamlStream, RenderError> {
    let mut labels = ctx.base_labels();
    for mode in ["audit", "warn"] {
        labels.insert(
            format!("pod-security.kubernetes.io/{mode}"),
            "restricted".into(),
        );
    }
    if ctx
        .platform
        .workloads
        .iter()
        .all(|w| restricted(&w.security, w))
    {
        labels.insert(
            "pod-security.kubernetes.io/enforce".into(),
            "restricted".into(),
        );
    }
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(ctx.ns().to_owned()),
            labels: Some(labels),
            annotations: ctx.annotations(),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    let mut docs = YamlStream::new();
    docs.push(&namespace)?;
    let all_pods = LabelSelector::default();
    let deny = NetworkPolicy {
        metadata: ctx.meta(nexus_spec::names::DEFAULT_DENY, ctx.base_labels()),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(all_pods.clone()),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ..NetworkPolicySpec::default()
        }),
    };
    docs.push(&deny)?;
    let dns_peer = NetworkPolicyPeer {
        namespace_selector: Some(selector(Labels::from([(
            NAMESPACE_NAME_LABEL.to_owned(),
            DNS_NAMESPACE.to_owned(),
        )]))),
        pod_selector: Some(selector(Labels::from([(
            "k8s-app".to_owned(),
            DNS_APP.to_owned(),
        )]))),
        ..NetworkPolicyPeer::default()
    };
    let dns = NetworkPolicy {
        metadata: ctx.meta(nexus_spec::names::ALLOW_DNS, ctx.base_labels()),
        spec: Some(NetworkPolicySpec {
            egress: Some(vec![NetworkPolicyEgressRule {
                ports: Some(policy_ports(&Ports::from([(53, "TCP"), (53, "UDP")]))),
                to: Some(vec![dns_peer]),
            }]),
            pod_selector: Some(all_pods),
            policy_types: Some(vec!["Egress".to_owned()]),
            ..NetworkPolicySpec::default()
        }),
    };
    docs.push(&dns)?;
    Ok(docs)
}
