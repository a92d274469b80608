//! Waivers: matched by rule, object and container; reported as waived; expired, stale and
//! invalid waivers are findings; environments are judged together.

use nexus_lint::{Date, LintOptions, Linter, Policy, Report};
use nexus_spec::{Severity, Spec};

const SPEC: &str = r#"
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: demo, version: 1.0.0 }
spec:
  services:
    web:
      image: registry.example.com/demo/web:1.0.0
      ports: [{ name: http, port: 8080 }]
      resources:
        requests: { cpu: 250m, memory: 256Mi }
        limits: { cpu: 500m, memory: 512Mi }
      replicas: 2
      disruptionBudget: { minAvailable: 1 }
      health:
        readiness: { http: { path: /ready, port: http } }
        liveness: { http: { path: /live, port: http } }
      migrations:
        command: [migrate, up]
        image: registry.example.com/demo/migrate:latest
      security: { readOnlyRootFilesystem: false }
  environments:
    staging: {}
    production:
      services:
        web: { replicas: 3 }
  waivers:
WAIVERS
"#;

fn lint(waivers: &str, today: &str) -> Report {
    let text = SPEC.replace("WAIVERS", waivers);
    let spec = Spec::from_str("spec.yaml", &text).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(!spec.validate().has_errors(), "{:?}", spec.validate());
    let policy = Policy::default();
    let mut linter = Linter::new(
        &policy,
        LintOptions {
            today: today.parse::<Date>().unwrap(),
        },
    );
    for p in spec.resolve_all().unwrap() {
        linter.check(&p);
    }
    linter.finish()
}

fn ids(r: &Report, waived: bool) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.is_waived() == waived && f.severity > Severity::Info)
        .map(|f| {
            format!(
                "{} {}{}",
                f.rule.id,
                f.object,
                f.container
                    .as_deref()
                    .map(|c| format!("/{c}"))
                    .unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn without_waivers_the_findings_count() {
    let r = lint("    []", "2026-06-01");
    assert_eq!(
        ids(&r, false),
        ["NX-IMG-001 web/migrations", "NX-POD-006 web"]
    );
    assert!(r.fails(Severity::Warning));
}

#[test]
fn waived_findings_stay_in_the_report_and_do_not_fail_it() {
    let r = lint(
        "    - { rule: NX-POD-006, object: web, reason: writes its cache to /app/cache, expires: 2027-01-01 }\n    - { rule: NX-IMG-001, object: web, container: migrations, reason: the migration image is rebuilt per release }",
        "2026-06-01",
    );
    assert_eq!(ids(&r, false), Vec::<String>::new());
    assert_eq!(
        ids(&r, true),
        ["NX-IMG-001 web/migrations", "NX-POD-006 web"]
    );
    assert!(!r.fails(Severity::Warning));
    let w = r
        .findings
        .iter()
        .find(|f| f.rule.id == "NX-POD-006")
        .unwrap()
        .waiver
        .clone()
        .unwrap();
    assert_eq!(w.reason, "writes its cache to /app/cache");
    assert_eq!(w.expires, Some("2027-01-01".parse().unwrap()));
    assert_eq!(r.summary().waived, 2);
}

#[test]
fn a_container_waiver_covers_only_that_container() {
    let r = lint(
        "    - { rule: NX-POD-006, object: web, container: migrations, reason: only the job writes }",
        "2026-06-01",
    );
    // The main container's finding still counts, and the waiver matched nothing.
    assert_eq!(
        ids(&r, false),
        [
            "NX-IMG-001 web/migrations",
            "NX-POD-006 web",
            "NX-WVR-002 web/migrations"
        ]
    );
}

#[test]
fn an_expired_waiver_is_a_finding_and_waives_nothing() {
    let r = lint(
        "    - { rule: NX-POD-006, object: web, reason: temporary, expires: 2026-06-01 }",
        "2026-06-01",
    );
    assert_eq!(
        ids(&r, false),
        [
            "NX-IMG-001 web/migrations",
            "NX-POD-006 web",
            "NX-WVR-001 web"
        ]
    );
    let r = lint(
        "    - { rule: NX-POD-006, object: web, reason: temporary, expires: 2026-06-02 }",
        "2026-06-01",
    );
    assert_eq!(ids(&r, false), ["NX-IMG-001 web/migrations"]);
}

#[test]
fn a_waiver_is_stale_only_if_it_matches_nothing_in_any_environment() {
    // NX-AVL-003 does not fire; NX-AVL-001 fires nowhere either: both waivers are stale.
    let r = lint(
        "    - { rule: NX-AVL-003, object: web, reason: old }",
        "2026-06-01",
    );
    assert!(ids(&r, false).contains(&"NX-WVR-002 web".to_owned()));
    // A waiver limited to one environment is judged there only.
    let r = lint(
        "    - { rule: NX-POD-006, object: web, reason: staging only, environments: [staging] }",
        "2026-06-01",
    );
    let open: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule.id == "NX-POD-006" && !f.is_waived())
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].environments, ["production"]);
    let waived: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule.id == "NX-POD-006" && f.is_waived())
        .collect();
    assert_eq!(waived[0].environments, ["staging"]);
    assert!(!ids(&r, false).iter().any(|i| i.starts_with("NX-WVR")));
}

#[test]
fn unknown_rules_and_objects_make_a_waiver_invalid() {
    let r = lint(
        "    - { rule: NX-POD-666, object: web, reason: typo }\n    - { rule: NX-POD-006, object: wbe, reason: typo }",
        "2026-06-01",
    );
    let invalid: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule.id == "NX-WVR-003")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(invalid.len(), 2, "{invalid:?}");
    assert!(ids(&r, false).contains(&"NX-POD-006 web".to_owned()));
}

#[test]
fn findings_shared_by_environments_are_reported_once() {
    let r = lint("    []", "2026-06-01");
    let f = r
        .findings
        .iter()
        .find(|f| f.rule.id == "NX-POD-006")
        .unwrap();
    assert_eq!(f.environments, ["production", "staging"]);
    assert_eq!(r.environments, ["production", "staging"]);
}

/// NX-SEC-031 (issue 14): two environments reading one store key is an error, unless the
/// secret is waived for that rule.
#[test]
fn a_shared_store_key_is_an_error_unless_waived() {
    let spec = |waivers: &str| {
        format!(
            r#"
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: {{ name: demo, version: 1.0.0 }}
spec:
  secrets:
    maps-key: {{ external: {{ store: vault, key: demo/maps }} }}
  services:
    web:
      image: registry.example.com/demo/web:1.0.0
      env: {{ MAPS_KEY: "${{secrets.maps-key}}" }}
  environments:
    staging: {{}}
    production: {{}}
  waivers: {waivers}
"#
        )
    };
    let shared = |text: &str| {
        let spec = Spec::from_str("spec.yaml", text).unwrap_or_else(|d| panic!("{d:?}"));
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
        let r = linter.finish();
        let f: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule.id == "NX-SEC-031")
            .map(|f| (f.severity, f.is_waived()))
            .collect();
        (f, r.fails(Severity::Error))
    };
    let (found, fails) = shared(&spec("[]"));
    assert!(!found.is_empty() && fails, "{found:?}");
    assert!(found.iter().all(|(s, w)| *s == Severity::Error && !w));
    let (found, fails) = shared(&spec(
        "[{ rule: NX-SEC-031, object: maps-key, reason: One read-only key of a third party serves both environments. }]",
    ));
    assert!(
        !found.is_empty() && found.iter().all(|(_, w)| *w),
        "{found:?}"
    );
    assert!(!fails);
}
