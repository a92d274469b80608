//! `nexus graph`: Mermaid and DOT, deterministic, one graph per environment.

use crate::support::cli as support;
use crate::support::render as render_support;

use render_support::{shop, spec_dir};
use support::nexus_in;

#[test]
fn mermaid_is_the_default_and_shows_routes_and_dependencies() {
    let dir = spec_dir(&shop());
    let r = nexus_in(dir.path(), &["graph", "shop.yaml", "--env", "production"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("graph_production_mermaid", r.stdout);
}

#[test]
fn dot_is_available_and_deterministic() {
    let dir = spec_dir(&shop());
    let args = ["graph", "shop.yaml", "--env", "staging", "--format", "dot"];
    let a = nexus_in(dir.path(), &args);
    let b = nexus_in(dir.path(), &args);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    insta::assert_snapshot!("graph_staging_dot", a.stdout);
}

#[test]
fn without_env_every_environment_is_printed_with_its_name() {
    let dir = spec_dir(&shop());
    let r = nexus_in(dir.path(), &["graph", "shop.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = r.stdout.find("%% shop-production\nflowchart LR\n").unwrap();
    let s = r.stdout.find("\n%% shop-staging\nflowchart LR\n").unwrap();
    assert!(p < s);
}

#[test]
fn bad_input_exit_codes() {
    let dir = spec_dir(&shop());
    assert_eq!(
        nexus_in(dir.path(), &["graph", "shop.yaml", "--env", "qa"]).code,
        2
    );
    assert_eq!(
        nexus_in(dir.path(), &["graph", "shop.yaml", "--format", "png"]).code,
        2
    );
    std::fs::write(
        dir.path().join("shop.yaml"),
        shop().replace("dependsOn: [db]", "dependsOn: [dbx]"),
    )
    .unwrap();
    assert_eq!(nexus_in(dir.path(), &["graph", "shop.yaml"]).code, 1);
}
