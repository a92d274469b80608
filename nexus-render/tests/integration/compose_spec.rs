//! Compose output of `specs/nexus.yaml`, every environment: snapshots of every file.

use crate::support::compose_nginx as compose_nginx_support;

#[test]
fn renders_every_environment_of_the_spec() {
    let platforms = compose_nginx_support::spec_platforms();
    assert!(
        !platforms.is_empty(),
        "specs/nexus.yaml loads and has environments"
    );
    for (name, p) in platforms {
        let plan = nexus_render::compose::render(&p).expect("renders");
        for (path, bytes) in plan.files() {
            let snap = format!("{name}__{}", path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(snap, String::from_utf8_lossy(bytes));
        }
    }
}
