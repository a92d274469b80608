//! Conformance: the Docker Compose v2 loader (`docker-compose config`) accepts every
//! rendered Compose project, and refuses to run one whose variables are unset.
//! See docs/conformance.md.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::{platform, tools};
use nexus_render::nginx::NginxOptions;
use nexus_spec::ir;

fn platforms() -> Vec<(String, ir::Platform)> {
    let mut out = vec![("fixture".to_owned(), platform())];
    let mut bare = platform();
    bare.gateway = None;
    out.push(("fixture-no-gateway".to_owned(), bare));
    out.extend(compose_nginx_support::spec_platforms());
    out.extend(compose_nginx_support::fixture_platforms());
    out
}

/// Writes `compose/` and `nginx/` side by side, as an environment folder holds them.
fn write_env(name: &str, p: &ir::Platform) -> (std::path::PathBuf, Vec<String>) {
    let dir = tools::scratch(name);
    let compose = nexus_render::compose::render(p).expect("compose renders");
    tools::write_plan(&dir.join("compose"), &compose);
    let nginx = nexus_render::nginx::render(p, &NginxOptions::default()).expect("nginx renders");
    tools::write_plan(&dir.join("nginx"), &nginx);
    let example = String::from_utf8(compose.get(".env.example").expect(".env.example").to_vec())
        .expect("utf-8");
    (dir.join("compose"), tools::env_example_vars(&example))
}

#[test]
fn compose_accepts_every_rendered_project() {
    let test = "compose_config";
    let Some(dc) = tools::find(test, "NEXUS_DOCKER_COMPOSE", "docker-compose") else {
        return;
    };
    for (name, p) in platforms() {
        let (dir, vars) = write_env(&format!("{test}-{name}"), &p);
        let values: Vec<(String, String)> = vars
            .iter()
            .map(|v| (v.clone(), "dummy-value".to_owned()))
            .collect();
        let (ok, out) = tools::compose_config(&dc, &dir, &values);
        assert!(
            ok,
            "docker-compose config refused the {name} project:\n{out}"
        );
        // With the preview profile on, too.
        let mut with_profile = values.clone();
        with_profile.push(("COMPOSE_PROFILES".into(), "preview".into()));
        let (ok, out) = tools::compose_config(&dc, &dir, &with_profile);
        assert!(
            ok,
            "docker-compose config refused the {name} project with the preview profile:\n{out}"
        );
    }
}

#[test]
fn compose_refuses_to_run_without_each_variable() {
    let test = "compose_required_vars";
    let Some(dc) = tools::find(test, "NEXUS_DOCKER_COMPOSE", "docker-compose") else {
        return;
    };
    let (dir, vars) = write_env(test, &platform());
    assert!(!vars.is_empty());
    for missing in &vars {
        let values: Vec<(String, String)> = vars
            .iter()
            .filter(|v| *v != missing)
            .map(|v| (v.clone(), "x".to_owned()))
            .collect();
        let (ok, out) = tools::compose_config(&dc, &dir, &values);
        assert!(
            !ok && out.contains(missing.as_str()),
            "compose ran without {missing}:\n{out}"
        );
    }
}
