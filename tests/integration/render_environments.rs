//! Environments render side by side, and an override in one changes only its files.

use crate::support::render as render_support;

use nexus::Spec;
use render_support::{options, shop};

fn compile(text: &str) -> nexus::OutputPlan {
    let spec = Spec::from_str("shop.yaml", text).unwrap();
    nexus::compile(&spec, &options()).unwrap().plan
}

/// The files that differ between two plans, sorted.
fn differing(a: &nexus::OutputPlan, b: &nexus::OutputPlan) -> Vec<String> {
    let mut paths: Vec<&str> = a.files().chain(b.files()).map(|(p, _)| p).collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| a.get(p) != b.get(p))
        .map(str::to_owned)
        .collect()
}

#[test]
fn staging_and_production_render_side_by_side() {
    let plan = compile(&shop());
    for env in ["staging", "production"] {
        assert!(plan.get(&format!("{env}/README.md")).is_some());
        assert!(plan.get(&format!("{env}/inventory/api.yaml")).is_some());
    }
    let staging =
        String::from_utf8(plan.get("staging/inventory/api.yaml").unwrap().to_vec()).unwrap();
    let production =
        String::from_utf8(plan.get("production/inventory/api.yaml").unwrap().to_vec()).unwrap();
    assert!(staging.contains("replicas: 1"), "{staging}");
    assert!(production.contains("replicas: 3"), "{production}");
}

#[test]
fn an_override_in_production_changes_only_production_files() {
    let before = compile(&shop());
    let text = shop().replace(
        "        api: { replicas: 3 }",
        "        api: { replicas: 5, image: registry.example.com/shop/api:1.3.0 }",
    );
    assert_ne!(text, shop(), "the fixture changed; update this test");
    let after = compile(&text);
    let changed = differing(&before, &after);
    assert!(!changed.is_empty());
    assert!(
        changed.iter().all(|p| p.starts_with("production/")),
        "{changed:?}"
    );
    assert!(changed.contains(&"production/inventory/api.yaml".to_string()));
}

#[test]
fn an_override_in_staging_changes_only_staging_files() {
    let before = compile(&shop());
    let text = shop().replace(
        "        api: { replicas: 1 }",
        "        api: { replicas: 2 }",
    );
    let after = compile(&text);
    let changed = differing(&before, &after);
    assert!(!changed.is_empty());
    assert!(
        changed.iter().all(|p| p.starts_with("staging/")),
        "{changed:?}"
    );
}

#[test]
fn one_environment_compiles_into_its_own_scope() {
    let spec = Spec::from_str("shop.yaml", &shop()).unwrap();
    let mut o = options();
    o.environment = Some("staging".into());
    let compiled = nexus::compile(&spec, &o).unwrap();
    assert!(
        compiled
            .plan
            .files()
            .all(|(p, _)| p.starts_with("staging/"))
    );
    assert!(compiled.scope.contains("staging/x") && !compiled.scope.contains("production/x"));
    o.environment = Some("qa".into());
    assert!(matches!(
        nexus::compile(&spec, &o),
        Err(nexus::CompileError::UnknownEnvironment { .. })
    ));
}

#[test]
fn several_specs_render_under_their_platform_names() {
    let a = Spec::from_str("a.yaml", &shop()).unwrap();
    let b = Spec::from_str("b.yaml", &shop().replace("name: shop,", "name: shelf,")).unwrap();
    let compiled = nexus::compile_all(&[a.clone(), b], &options()).unwrap();
    assert!(compiled.plan.get("shop/staging/README.md").is_some());
    assert!(
        compiled
            .plan
            .get("shelf/production/inventory/api.yaml")
            .is_some()
    );
    assert!(matches!(
        nexus::compile_all(&[a.clone(), a], &options()),
        Err(nexus::CompileError::DuplicatePlatform(_))
    ));
}
