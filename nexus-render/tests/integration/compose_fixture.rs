//! Compose output of the hand-built platform: snapshots of every file.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::platform;

fn text(plan: &nexus_render::OutputPlan, path: &str) -> String {
    String::from_utf8(plan.get(path).expect(path).to_vec()).expect("utf-8")
}

#[test]
fn renders_the_fixture_platform() {
    let plan = nexus_render::compose::render(&platform()).expect("renders");
    let paths: Vec<&str> = plan.files().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            ".env.example",
            "compose.yaml",
            "prometheus/prometheus.yml",
            "prometheus/rules.yml"
        ]
    );
    insta::assert_snapshot!("fixture_compose_yaml", text(&plan, "compose.yaml"));
    insta::assert_snapshot!("fixture_env_example", text(&plan, ".env.example"));
    insta::assert_snapshot!(
        "fixture_prometheus_yml",
        text(&plan, "prometheus/prometheus.yml")
    );
    insta::assert_snapshot!("fixture_rules_yml", text(&plan, "prometheus/rules.yml"));
}
