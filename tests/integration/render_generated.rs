//! The committed `generated/` is exactly what the README's `nexus render` produces from
//! `specs/` (CI checks the same with `nexus render --check`).

use crate::support::cli as support;

#[test]
fn generated_is_current() {
    let r = support::nexus(&["render", "--check"]);
    assert_eq!(
        r.code, 0,
        "generated/ is not current; run `cargo run -- render` and commit it\n{}{}",
        r.stdout, r.stderr
    );
}

/// The README's file table takes what a file holds from its generator, not by reading the
/// file back: for every file a generator described, the description is what reading the
/// rendered bytes gives. Checked over `specs/`, which uses every generator.
#[test]
fn generator_contents_match_the_rendered_files() {
    let spec = nexus::Spec::from_path(std::path::Path::new("specs/nexus.yaml")).unwrap();
    let compiled = nexus::compile(&spec, &nexus::CompileOptions::default()).unwrap();
    let mut described = 0;
    for (path, bytes) in compiled.plan.files() {
        if let Some(contents) = compiled.plan.contents(path) {
            described += 1;
            assert_eq!(
                contents,
                nexus::render::output::semantic::describe(path, bytes).as_slice(),
                "{path}"
            );
        }
    }
    // Every YAML file (Kubernetes, the Compose project, Prometheus', Alertmanager's and
    // Grafana's configuration): the only files the README would otherwise parse.
    let yaml = compiled
        .plan
        .files()
        .filter(|(p, _)| p.ends_with(".yaml") || p.ends_with(".yml"))
        .count();
    assert!(yaml > 50, "{yaml} YAML files");
    assert_eq!(described, yaml);
}

/// Issue 14: staging must not hold production's credentials. The committed environments'
/// ExternalSecrets read no store key in common.
#[test]
fn staging_and_production_read_no_common_store_key() {
    let keys = |env: &str| -> std::collections::BTreeSet<String> {
        let path = support::root().join(format!("generated/{env}/k8s/10-secrets.yaml"));
        let text = std::fs::read_to_string(&path).expect("the secrets file");
        text.lines()
            .filter_map(|l| l.trim().strip_prefix("key: "))
            .map(str::to_owned)
            .collect()
    };
    let (staging, production) = (keys("staging"), keys("production"));
    assert!(staging.len() >= 5 && production.len() >= 5, "{staging:?}");
    let common: Vec<&String> = staging.intersection(&production).collect();
    assert!(
        common.is_empty(),
        "store keys both environments read: {common:?}"
    );
}
