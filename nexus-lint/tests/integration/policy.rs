//! Reading `nexus-policy.yaml`: every setting, and every kind of mistake reported at once
//! with its position.

use nexus_lint::policy::{self, RuleSetting};
use nexus_spec::Severity;
use nexus_spec::model::{Tier, TlsVersion};

const FULL: &str = r#"
apiVersion: nexus.dev/v1alpha1
kind: LintPolicy
rules:
  NX-IMG-002: warning
  NX-RES-003: off
resources:
  maxLimitRequestRatio: { cpu: 3, memory: 1.5 }
  requests:
    cpu: { min: 50m, max: "4" }
    memory: { min: 32Mi, max: 16Gi }
availability:
  minReplicas: { backend: 3, data: 2 }
  rpo: 1h
  minBackupRetention: 14d
images:
  allowedRegistries: [registry.example.com, "*.mirror.example.com"]
network:
  forbiddenTierEdges:
    - { from: frontend, to: data }
    - { from: monitoring, to: data }
tls: { minVersion: TLSv1.3, hstsMinAge: 31536000 }
nginx: { minVersion: "1.27" }
environments:
  production:
    budget:
      requests: { cpu: "16", memory: 64Gi }
      limits: { cpu: "32", memory: 128Gi }
      storage: 1Ti
    minReplicas: { frontend: 3 }
    rpo: 15m
"#;

#[test]
fn every_setting_is_read() {
    let p = policy::parse("nexus-policy.yaml", FULL).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(p.rules["NX-IMG-002"], RuleSetting::On(Severity::Warning));
    assert_eq!(p.rules["NX-RES-003"], RuleSetting::Off);
    assert_eq!(p.resources.max_cpu_ratio, Some(3.0));
    assert_eq!(p.resources.max_memory_ratio, Some(1.5));
    assert_eq!(p.resources.cpu_request.min.as_ref().unwrap().milli(), 50);
    assert_eq!(p.availability.min_replicas[&Tier::Backend], 3);
    assert_eq!(
        p.availability.min_replicas[&Tier::Frontend],
        2,
        "unset tiers keep the default"
    );
    assert_eq!(p.availability.rpo_seconds, 3600);
    assert_eq!(p.availability.min_backup_retention_seconds, 14 * 86_400);
    assert_eq!(p.images.allowed_registries.len(), 2);
    assert_eq!(p.network.forbidden_tier_edges.len(), 2);
    assert_eq!(p.tls.min_version, TlsVersion::V1_3);
    assert_eq!(p.tls.hsts_min_age, 31_536_000);
    assert_eq!(p.nginx.min_version.to_string(), "1.27.0");
    let prod = &p.environments["production"];
    let budget = prod.budget.as_ref().unwrap();
    assert_eq!(budget.requests_cpu.as_ref().unwrap().milli(), 16_000);
    assert_eq!(budget.storage.as_ref().unwrap().as_str(), "1Ti");
    assert_eq!(prod.min_replicas[&Tier::Frontend], 3);
    assert_eq!(prod.rpo_seconds, Some(900));
}

#[test]
fn the_smallest_policy_is_the_default() {
    let p = policy::parse(
        "p.yaml",
        "apiVersion: nexus.dev/v1alpha1\nkind: LintPolicy\n",
    )
    .unwrap();
    assert!(p.rules.is_empty());
    assert_eq!(p.availability.rpo_seconds, 24 * 3600);
}

fn problems(text: &str) -> Vec<(String, String)> {
    let d = policy::parse("nexus-policy.yaml", text).expect_err("invalid");
    d.iter()
        .map(|d| (d.code.to_owned(), d.location().unwrap_or_default()))
        .collect()
}

#[test]
fn unknown_keys_are_errors() {
    let p = problems(
        "apiVersion: nexus.dev/v1alpha1\nkind: LintPolicy\nimages:\n  allowedRegistry: [docker.io]\n",
    );
    assert_eq!(
        p,
        vec![(
            "nexus::spec::unknown_key".to_owned(),
            "nexus-policy.yaml:4:3".to_owned()
        )]
    );
}

#[test]
fn every_bad_value_is_reported_at_once() {
    let text = r#"apiVersion: nexus.dev/v1alpha1
kind: Policy
rules:
  NX-POD-999: off
  NX-POD-001: loud
resources:
  maxLimitRequestRatio: { cpu: 0.5 }
  requests:
    memory: { min: 1Gi, max: 1Mi }
availability:
  rpo: soon
environments:
  production:
    budget: { storage: lots }
nginx: { minVersion: latest }
"#;
    let codes: Vec<String> = problems(text)
        .into_iter()
        .map(|(c, l)| format!("{c} {l}"))
        .collect();
    assert_eq!(
        codes,
        [
            "nexus::policy::envelope nexus-policy.yaml:2:7",
            "nexus::policy::unknown_rule nexus-policy.yaml:4:3",
            "nexus::policy::invalid_value nexus-policy.yaml:5:15",
            "nexus::policy::invalid_value nexus-policy.yaml:7:32",
            "nexus::policy::invalid_value nexus-policy.yaml:9:30",
            "nexus::policy::invalid_value nexus-policy.yaml:11:8",
            "nexus::policy::invalid_value nexus-policy.yaml:14:24",
            "nexus::policy::invalid_value nexus-policy.yaml:15:22",
        ]
    );
}
