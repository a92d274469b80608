//! Snapshots of the full Kubernetes rendering of `specs/nexus.yaml` (both environments) and
//! of the focused fixtures under `tests/fixtures/k8s/`.

use crate::support::k8s as k8s_support;

use k8s_support::{concat, load, nexus_spec, render};

#[test]
fn nexus_staging() {
    let plan = render(&load(&nexus_spec()), "staging");
    insta::assert_snapshot!("nexus_staging", concat(&plan));
}

#[test]
fn nexus_production() {
    let plan = render(&load(&nexus_spec()), "production");
    insta::assert_snapshot!("nexus_production", concat(&plan));
}

/// Every focused fixture under `tests/fixtures/k8s/`, rendered for each environment it
/// declares (`…@<fixture>.yaml.snap`): a new fixture is a new case without a new test.
#[test]
fn fixtures() {
    insta::glob!("../fixtures/k8s", "*.yaml", |path| {
        let spec = load(path);
        let mut all = String::new();
        for env in spec.environments() {
            all.push_str(&concat(&render(&spec, &env)));
        }
        insta::assert_snapshot!(all);
    });
}

#[test]
fn kustomization_lists_every_file_but_the_restores() {
    for path in k8s_support::all_specs() {
        for (env, plan) in k8s_support::render_all(&path) {
            let k = std::str::from_utf8(plan.get("kustomization.yaml").expect("a kustomization"))
                .expect("UTF-8")
                .to_owned();
            let listed: Vec<&str> = k
                .lines()
                .filter_map(|l| l.trim().strip_prefix("- "))
                .collect();
            // Restores are applied on demand, not with the rest.
            let on_demand = format!("{}/", nexus_render::k8s::RESTORE_DIR);
            let files: Vec<&str> = plan
                .files()
                .map(|(p, _)| p)
                .filter(|p| *p != "kustomization.yaml" && !p.starts_with(&on_demand))
                .collect();
            let mut sorted = listed.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, files, "{} {env}", path.display());
            assert!(
                listed.first() == Some(&"00-namespace.yaml"),
                "the namespace comes first"
            );
        }
    }
}
