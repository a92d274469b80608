//! A spec built in code (`Spec::builder`, `Spec::from_model`) is the spec a file would be:
//! the NEXUS platform, taken apart into its typed model and built again, renders the same
//! bytes; a built spec is refused by the same rules, with diagnostics that say where in the
//! program it was built.

use nexus::spec::model::{Environment, Port, Service};
use nexus::{CompileOptions, Spec};

fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_nexus_platform_rebuilt_from_its_model_renders_the_same_bytes() {
    let path = repo().join("specs/nexus.yaml");
    let from_file = Spec::from_path(&path).expect("specs/nexus.yaml loads");
    let built = Spec::from_model(from_file.file()).expect("the model builds");
    assert!(
        built
            .name()
            .starts_with("<built at tests/integration/builder.rs:"),
        "{}",
        built.name()
    );
    let options = CompileOptions::default();
    let a = nexus::compile(&from_file, &options).expect("the file compiles");
    let b = nexus::compile(&built, &options).expect("the built spec compiles");
    let files_a: Vec<(&str, &[u8])> = a.plan.files().collect();
    let files_b: Vec<(&str, &[u8])> = b.plan.files().collect();
    assert_eq!(files_a.len(), files_b.len());
    for ((pa, ba), (pb, bb)) in files_a.iter().zip(&files_b) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between the file and the built spec");
    }
}

#[test]
fn a_built_platform_validates_resolves_and_renders() {
    let spec = Spec::builder("demo", "1.0.0")
        .service(
            "web",
            Service {
                image: "registry.example.com/demo/web:1.0.0".into(),
                ports: vec![Port {
                    name: "http".into(),
                    port: 8080.into(),
                    ..Port::default()
                }],
                ..Service::default()
            },
        )
        .environment("staging", Environment::default())
        .build()
        .expect("builds");
    assert!(!spec.validate().has_errors());
    let compiled = nexus::compile(&spec, &CompileOptions::default()).expect("compiles");
    assert!(
        compiled
            .plan
            .get("staging/k8s/50-services/web.yaml")
            .is_some()
    );
}

#[test]
fn a_built_platform_is_refused_by_the_same_rules_with_its_origin() {
    let line = line!() + 1;
    let spec = Spec::builder("demo", "not-a-version")
        .service(
            "web",
            Service {
                image: "registry.example.com/demo/web:1.0.0".into(),
                ports: vec![Port {
                    name: "http".into(),
                    port: 70000.into(),
                    ..Port::default()
                }],
                ..Service::default()
            },
        )
        .environment("staging", Environment::default())
        .build()
        .expect("loads: checks come with validation");
    let problems = spec.validate();
    assert!(problems.has_errors());
    let text = problems.to_string();
    // Both problems, each located in the built text, which is named after the call site.
    let origin = format!("<built at tests/integration/builder.rs:{line}:");
    assert!(text.contains(&origin), "{text}");
    assert!(text.contains("70000"), "{text}");
    assert!(text.contains("not-a-version"), "{text}");
}
