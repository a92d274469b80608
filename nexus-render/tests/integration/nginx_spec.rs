//! Nginx output of `specs/nexus.yaml`, every environment, for the spec's version and for
//! Debian's 1.22: snapshots of every file.

use crate::support::compose_nginx as compose_nginx_support;

use nexus_render::nginx::{NginxOptions, render};
use nexus_spec::ir::NginxVersion;

#[test]
fn renders_every_environment_of_the_spec() {
    let platforms = compose_nginx_support::spec_platforms();
    assert!(
        !platforms.is_empty(),
        "specs/nexus.yaml loads and has environments"
    );
    let host = NginxOptions {
        version: Some(NginxVersion::new(1, 22, 1)),
        ..NginxOptions::default()
    };
    for (name, p) in platforms {
        for (label, opts) in [("default", NginxOptions::default()), ("1_22", host.clone())] {
            let plan = render(&p, &opts).expect("renders");
            let mut all = String::new();
            for (path, bytes) in plan.files() {
                all.push_str(&format!(
                    "==> {path} <==\n{}\n",
                    String::from_utf8_lossy(bytes)
                ));
            }
            insta::assert_snapshot!(format!("{name}__{label}"), all);
        }
    }
}
