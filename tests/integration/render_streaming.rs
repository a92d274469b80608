//! `nexus::render_to` streams inside an environment: the Kubernetes target hands over its
//! files a group of workloads at a time while the other targets render beside it. The
//! folder it writes must be the whole in-memory rendering's, byte for byte, whatever
//! order the parts arrive in; and it must stay all-or-nothing.

use std::path::Path;
use std::time::Duration;

use nexus::{CompileOptions, Spec};

use crate::support::render::{shop, tree};

/// The render fixture with `n` more services, so the Kubernetes target renders in several
/// groups of workloads.
fn shop_with(n: usize) -> Spec {
    let mut extra = String::new();
    for i in 0..n {
        extra.push_str(&format!(
            "    svc-{i:03}:\n      image: registry.example.com/shop/svc-{i:03}:1.0.0\n      ports: [{{ name: http, port: 8080 }}]\n"
        ));
    }
    let text = shop().replacen("  services:\n", &format!("  services:\n{extra}"), 1);
    Spec::from_str("shop.yaml", &text).unwrap()
}

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn a_streamed_render_writes_the_whole_rendering() {
    let spec = shop_with(300);
    let compiled = nexus::compile(&spec, &CompileOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let streamed = dir.path().join("streamed");
    compiled.write(&whole).unwrap();
    let report = nexus::render_to(
        vec![spec.clone()],
        &CompileOptions::default(),
        &streamed,
        WAIT,
    )
    .unwrap();
    assert_eq!(report.written.len(), compiled.plan.len());
    assert_eq!(tree(&streamed), tree(&whole));
    assert!(
        nexus::check_to(vec![spec], &CompileOptions::default(), &whole, WAIT)
            .unwrap()
            .is_clean()
    );
}

#[test]
fn the_kustomization_lists_every_group_in_apply_order() {
    let compiled = nexus::compile(&shop_with(300), &CompileOptions::default()).unwrap();
    let k = compiled
        .plan
        .get("production/k8s/kustomization.yaml")
        .unwrap();
    let k = String::from_utf8_lossy(k);
    let listed: Vec<&str> = k
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("- "))
        .collect();
    let services: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|p| p.starts_with("50-services/"))
        .collect();
    // Every service, once, by name (the workloads' order), across the groups.
    assert_eq!(services.len(), 302, "{listed:?}");
    assert!(services.windows(2).all(|w| w[0] < w[1]), "{services:?}");
    // Sections in apply order: the files before the workloads, data, services, the edge.
    let first = |prefix: &str| listed.iter().position(|p| p.starts_with(prefix)).unwrap();
    assert_eq!(&listed[..2], ["00-namespace.yaml", "05-placement.yaml"]);
    assert!(first("05-placement") < first("20-data/"));
    assert!(first("20-data/") < first("50-services/"));
    assert_eq!(listed.last(), Some(&"70-gateway.yaml"));
    for path in &listed {
        let full = format!("production/k8s/{path}");
        assert!(
            compiled.plan.get(&full).is_some(),
            "{full} is listed but not rendered"
        );
    }
}

#[test]
fn a_file_in_the_way_of_a_late_group_leaves_the_folder_as_it_was() {
    let spec = shop_with(300);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    nexus::render_to(vec![shop_with(0)], &CompileOptions::default(), &out, WAIT).unwrap();
    // A file nexus did not write, where the last group of services goes.
    let foreign = out.join("staging/k8s/50-services/svc-299.yaml");
    std::fs::write(&foreign, "kind: Mine\n").unwrap();
    let before = tree(&out);
    let err = nexus::render_to(vec![spec], &CompileOptions::default(), &out, WAIT).unwrap_err();
    assert!(
        matches!(
            err,
            nexus::RenderToError::Output(nexus::OutputError::InTheWay { .. })
        ),
        "{err:?}"
    );
    assert_eq!(tree(&out), before);
    assert!(Path::new(&foreign).exists());
}
