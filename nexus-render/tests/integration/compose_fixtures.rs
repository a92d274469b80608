//! Compose and Nginx output of the focused spec fixtures in `tests/fixtures/compose/` and
//! `tests/fixtures/nginx/`: snapshots of every file.

use crate::support::compose_nginx as compose_nginx_support;

use nexus_render::nginx::{NginxOptions, render};

#[test]
fn renders_every_fixture() {
    let platforms = compose_nginx_support::fixture_platforms();
    assert!(platforms.len() >= 3);
    for (name, p) in platforms {
        let mut all = String::new();
        let compose = nexus_render::compose::render(&p).expect("compose renders");
        let nginx = render(&p, &NginxOptions::default()).expect("nginx renders");
        for (dir, plan) in [("compose", compose), ("nginx", nginx)] {
            for (path, bytes) in plan.files() {
                all.push_str(&format!(
                    "==> {dir}/{path} <==\n{}\n",
                    String::from_utf8_lossy(bytes)
                ));
            }
        }
        insta::assert_snapshot!(name, all);
    }
}
