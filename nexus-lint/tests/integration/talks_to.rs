//! The network rules judge `talksTo` connections like `dependsOn` ones: a connection the
//! policy forbids between tiers is reported whichever list declares it.

use nexus_lint::{Date, LintOptions, Linter, Policy, Report};
use nexus_spec::Spec;

const SPEC: &str = r#"
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: demo, version: 1.0.0 }
spec:
  services:
    web:
      image: registry.example.com/demo/web:1.0.0
      tier: frontend
      ports: [{ name: http, port: 8080 }]
      LIST: [CONNECTION]
  backingServices:
    db: { engine: postgres, version: "16", storage: { size: 1Gi } }
  environments:
    production: {}
"#;

fn lint(list: &str, connection: &str) -> Report {
    let text = SPEC.replace("LIST", list).replace("CONNECTION", connection);
    let spec = Spec::from_str("spec.yaml", &text).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(!spec.validate().has_errors(), "{:?}", spec.validate());
    let policy = Policy::default();
    let mut linter = Linter::new(
        &policy,
        LintOptions {
            today: "2026-06-01".parse::<Date>().unwrap(),
        },
    );
    for p in spec.resolve_all().unwrap() {
        linter.check(&p);
    }
    linter.finish()
}

fn forbidden_edges(r: &Report) -> Vec<&str> {
    r.findings
        .iter()
        .filter(|f| f.rule.id == "NX-NET-005")
        .map(|f| f.message.as_str())
        .collect()
}

#[test]
fn a_forbidden_tier_edge_is_reported_from_either_list() {
    for (list, connection) in [("dependsOn", "db"), ("talksTo", "{ workload: db }")] {
        let r = lint(list, connection);
        assert_eq!(
            forbidden_edges(&r),
            ["`web` (frontend) connects to `db` (data); the policy forbids frontend → data"],
            "{list}"
        );
    }
}
