//! Validate and render agree over names (issue 14): for generated specs whose service names
//! sit near the names nexus derives (`db-backup`, `api-migrate`, `gateway`, `allow-dns`...)
//! and whose variables sit near nexus's own prefix (`NEXUS_SECRET_`), every spec that
//! `validate` accepts renders every target of every environment, and no Kubernetes folder
//! holds two objects of one kind with one name (which `kubectl kustomize` refuses).

use std::collections::BTreeMap;

use nexus::spec::{Spec, ir::Platform};
use nexus_render::nginx::NginxOptions;
use proptest::prelude::*;
use proptest::test_runner::Config;

const STEMS: &[&str] = &["db", "api", "web", "gateway", "store", "allow", "default"];
const SUFFIXES: &[&str] = &[
    "",
    "-backup",
    "-backup-full",
    "-backup-incremental",
    "-backups",
    "-headless",
    "-headles",
    "-env",
    "-envs",
    "-migrate",
    "-migrate-env",
    "-migrated",
    "-blue",
    "-green",
    "-greens",
    "-dns",
    "-deny",
    "-config",
    "-datasources",
    "-data",
    "2",
];
const VARS: &[&str] = &[
    "NEXUS_SECRET_DB_PASSWORD",
    "NEXUS_SECRET_X",
    "NEXUS_SECRET",
    "NEXUS_SECRETS_DB_PASSWORD",
    "XNEXUS_SECRET_DB_PASSWORD",
    "NEXUS_DB_PASSWORD",
    "DB_PASSWORD",
];

fn cases() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

#[derive(Debug, Clone)]
struct Case {
    /// Extra services: (stem, suffix, blue-green, migration, variable).
    extra: Vec<(usize, usize, bool, bool, Option<usize>)>,
    api_blue_green: bool,
    gateway: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(
            (
                0..STEMS.len(),
                0..SUFFIXES.len(),
                any::<bool>(),
                any::<bool>(),
                proptest::option::of(0..VARS.len()),
            ),
            1..4,
        ),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(extra, api_blue_green, gateway)| Case {
            extra,
            api_blue_green,
            gateway,
        })
}

fn service(name: &str, blue_green: bool, migration: bool, var: Option<&str>) -> String {
    let mut s = format!(
        "    {name}:\n      image: registry.example.com/shop/{name}:1.0.0\n      ports: [{{ name: http, port: 8080 }}]\n      dependsOn: [db]\n      env:\n        DATABASE_URL: postgresql://shop:${{secrets.db-password}}@${{db.host}}/shop\n"
    );
    if let Some(v) = var {
        s.push_str(&format!("        {v}: plain\n"));
    }
    if blue_green {
        s.push_str("      rollout: { strategy: blue-green, activeSlot: blue }\n");
    }
    if migration {
        s.push_str("      migrations: { command: [migrate, up] }\n");
    }
    s
}

fn text(c: &Case) -> String {
    let mut services = BTreeMap::new();
    services.insert(
        "api".to_owned(),
        service("api", c.api_blue_green, true, None),
    );
    for (stem, suffix, bg, mig, var) in &c.extra {
        let name = format!("{}{}", STEMS[*stem], SUFFIXES[*suffix]);
        if name == "db" || name == "store" {
            continue;
        }
        let body = service(&name, *bg, *mig, var.map(|v| VARS[v]));
        services.entry(name).or_insert(body);
    }
    let mut t = String::from(
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: { name: shop, version: 1.0.0 }\nspec:\n  secrets:\n    db-password: {}\n    store-password: {}\n  services:\n",
    );
    for body in services.values() {
        t.push_str(body);
    }
    t.push_str(
        "  backingServices:\n    db:\n      engine: postgres\n      version: \"15\"\n      credentials: { user: shop, passwordSecret: db-password }\n      database: shop\n      storage: { size: 1Gi }\n      backup: { full: \"0 2 * * *\", destination: store }\n    store:\n      engine: minio\n      version: RELEASE.2024-06-13T22-53-53Z\n      credentials: { user: shop, passwordSecret: store-password }\n      database: backups\n      storage: { size: 1Gi }\n",
    );
    if c.gateway {
        t.push_str("  gateway:\n    hosts: [shop.example.com]\n    routes:\n      - { path: /, service: api }\n");
    }
    t.push_str("  environments:\n    staging: {}\n    production: {}\n");
    t
}

/// (kind, name) of every document of a rendered Kubernetes file.
fn objects(bytes: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    for doc in text.split("---\n") {
        let kind = doc.lines().find_map(|l| l.strip_prefix("kind: "));
        let name = doc
            .lines()
            .skip_while(|l| *l != "metadata:")
            .find_map(|l| l.strip_prefix("  name: "));
        if let (Some(k), Some(n)) = (kind, name) {
            out.push((k.to_owned(), n.to_owned()));
        }
    }
    out
}

fn render_every_target(p: &Platform) -> Result<(), String> {
    let env = &p.environment.value;
    let k8s = nexus_render::k8s::render(p).map_err(|e| format!("{env}/k8s: {e}"))?;
    nexus_render::compose::render(p).map_err(|e| format!("{env}/compose: {e}"))?;
    nexus_render::nginx::render(p, &NginxOptions::default())
        .map_err(|e| format!("{env}/nginx: {e}"))?;
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    for (path, bytes) in k8s.files() {
        for o in objects(bytes) {
            if let Some(first) = seen.insert(o.clone(), path.to_owned()) {
                return Err(format!("{env}: {} `{}` in {first} and {path}", o.0, o.1));
            }
        }
    }
    if seen.is_empty() {
        return Err(format!("{env}: no Kubernetes object found"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn a_spec_that_validates_renders_every_target(c in case()) {
        let t = text(&c);
        let spec = Spec::from_str("names.yaml", &t).map_err(|d| TestCaseError::fail(format!("{:?}\n{t}", d.as_slice())))?;
        if spec.validate().has_errors() {
            return Ok(());
        }
        let platforms = spec.resolve_all().map_err(|d| TestCaseError::fail(format!("{:?}", d.as_slice())))?;
        for p in &platforms {
            render_every_target(p).map_err(|e| TestCaseError::fail(format!("{e}\n{t}")))?;
        }
    }
}

/// The reserved names themselves are refused, the near ones are not: the property above
/// sees both sides.
#[test]
fn near_names_validate_and_reserved_names_do_not() {
    let with = |stem: usize, suffix: usize, var: Option<usize>| {
        let c = Case {
            extra: vec![(stem, suffix, false, false, var)],
            api_blue_green: true,
            gateway: true,
        };
        !Spec::from_str("names.yaml", &text(&c))
            .expect("loads")
            .validate()
            .has_errors()
    };
    let idx = |s: &str| SUFFIXES.iter().position(|x| *x == s).expect("suffix");
    // db-backup, db-headless, api-migrate, api-blue, gateway: refused.
    assert!(!with(0, idx("-backup"), None));
    assert!(!with(0, idx("-headless"), None));
    assert!(!with(1, idx("-migrate"), None));
    assert!(!with(1, idx("-blue"), None));
    assert!(!with(3, idx(""), None));
    assert!(!with(5, idx("-dns"), None));
    assert!(!with(2, idx(""), Some(0)));
    // db-backups, db-headles, api-migrated, web with NEXUS_SECRETS_...: accepted.
    assert!(with(0, idx("-backups"), None));
    assert!(with(0, idx("-headles"), None));
    assert!(with(1, idx("-migrated"), None));
    assert!(with(2, idx(""), Some(3)));
    assert!(with(3, idx("2"), None));
}
