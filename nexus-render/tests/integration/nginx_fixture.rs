//! Nginx output of the hand-built platform: snapshots of every file, for the default version
//! and for Debian's 1.22.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::platform;
use nexus_render::nginx::{NginxOptions, render};
use nexus_spec::ir::NginxVersion;

fn all(plan: &nexus_render::OutputPlan) -> String {
    let mut out = String::new();
    for (path, bytes) in plan.files() {
        out.push_str(&format!(
            "==> {path} <==\n{}\n",
            String::from_utf8_lossy(bytes)
        ));
    }
    out
}

#[test]
fn renders_the_fixture_platform() {
    let plan = render(&platform(), &NginxOptions::default()).expect("renders");
    insta::assert_snapshot!("fixture_nginx_1_27", all(&plan));
}

#[test]
fn renders_for_nginx_1_22() {
    let opts = NginxOptions {
        version: Some(NginxVersion::new(1, 22, 1)),
        ..NginxOptions::default()
    };
    let plan = render(&platform(), &opts).expect("renders");
    insta::assert_snapshot!("fixture_nginx_1_22", all(&plan));
}
