//! Build a platform in code, without YAML, and render it:
//! `cargo run --example builder`. The built spec is validated by the same rules as a file;
//! a problem's location names the line of this program that built it.

use nexus::spec::model::{Environment, Port, ResourceFigures, Resources, Service, Tier};
use nexus::{CompileOptions, Spec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let resources = Resources {
        requests: ResourceFigures {
            cpu: Some("250m".into()),
            memory: Some("256Mi".into()),
        },
        limits: ResourceFigures {
            cpu: Some("500m".into()),
            memory: Some("512Mi".into()),
        },
    };
    let spec = Spec::builder("shop", "2.1.0")
        .description("A shop built in code")
        .service(
            "web",
            Service {
                image: "registry.example.com/shop/web:2.1.0".into(),
                tier: Some(Tier::Frontend.into()),
                ports: vec![Port {
                    name: "http".into(),
                    port: 8080.into(),
                    ..Port::default()
                }],
                resources,
                ..Service::default()
            },
        )
        .environment("staging", Environment::default())
        .build()?;
    let problems = spec.validate();
    if problems.has_errors() {
        return Err(problems.into());
    }
    let compiled = nexus::compile(&spec, &CompileOptions::default())?;
    for (path, bytes) in compiled.plan.files() {
        println!("{path} ({} bytes)", bytes.len());
    }
    Ok(())
}
