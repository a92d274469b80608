//! Building a [`Spec`] in code, from the typed model, without writing YAML.
//!
//! A built spec goes through exactly what a spec file goes through: the model is written out
//! as JSON (a subset of YAML) and loaded by the same loader, so the same limits, the same
//! validation and the same resolution apply, and every value gets a span in that text.
//! Diagnostics name the text `<built at FILE:LINE:COLUMN>`, the place in the embedding
//! program that called [`Spec::builder`] (or [`Spec::from_model`]), and show the built value
//! in its JSON form. Values made in code carry detached spans until then (`"x".into()`,
//! [`Spanned::detached`](crate::Spanned::detached)).
//!
//! ```
//! use nexus_spec::Spec;
//! use nexus_spec::model::{Environment, Port, Service};
//!
//! let spec = Spec::builder("demo", "1.0.0")
//!     .service(
//!         "web",
//!         Service {
//!             image: "registry.example.com/demo/web:1.0.0".into(),
//!             ports: vec![Port { name: "http".into(), port: 8080.into(), ..Port::default() }],
//!             ..Service::default()
//!         },
//!     )
//!     .environment("staging", Environment::default())
//!     .build()
//!     .unwrap();
//! let platform = spec.resolve("staging").unwrap();
//! assert_eq!(platform.workloads[0].name.value, "web");
//!
//! // Refused by the same rules as a file, and the diagnostic says where it was built.
//! let spec = Spec::builder("demo", "1.0.0")
//!     .service("web", Service { image: "web:1.0".into(), ports: vec![Port { name: "http".into(), port: 0.into(), ..Port::default() }], ..Service::default() })
//!     .environment("staging", Environment::default())
//!     .build()
//!     .unwrap();
//! let problems = spec.validate();
//! assert!(problems.has_errors());
//! assert!(problems.to_string().contains("<built at "), "{problems}");
//! ```

use std::panic::Location;

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Limits;
use crate::model::{
    API_VERSION, BackingService, Environment, Gateway, KIND_PLATFORM, Metadata, Monitoring,
    PlatformFile, PlatformSpec, Registry, Secret, Service, Waiver,
};
use crate::spec::Spec;

/// Assembles a platform in code; [`SpecBuilder::build`] makes it a [`Spec`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct SpecBuilder {
    file: PlatformFile,
    origin: &'static Location<'static>,
}

impl Spec {
    /// Starts a platform named `name` at release `version` (both checked when the spec is
    /// validated, like everything else).
    #[track_caller]
    pub fn builder(name: &str, version: &str) -> SpecBuilder {
        SpecBuilder {
            file: PlatformFile {
                api_version: API_VERSION.into(),
                kind: KIND_PLATFORM.into(),
                metadata: Metadata {
                    name: name.into(),
                    version: version.into(),
                    ..Metadata::default()
                },
                spec: PlatformSpec::default(),
            },
            origin: Location::caller(),
        }
    }

    /// A spec from a whole typed model (one made in code, or a loaded spec's
    /// [`Spec::file`] changed in code).
    #[track_caller]
    pub fn from_model(file: &PlatformFile) -> Result<Spec, Diagnostics> {
        from_model_at(file, Location::caller())
    }
}

fn from_model_at(
    file: &PlatformFile,
    origin: &'static Location<'static>,
) -> Result<Spec, Diagnostics> {
    let name = format!(
        "<built at {}:{}:{}>",
        origin.file(),
        origin.line(),
        origin.column()
    );
    let text = serde_json::to_string_pretty(file).map_err(|e| {
        Diagnostics(vec![
            Diagnostic::error(
                codes::ENVELOPE,
                format!("the platform built at {name} cannot be written out: {e}"),
            )
            .with_help("build the model with values nexus can serialize"),
        ])
    })?;
    Spec::load(&name, text.as_bytes(), &Limits::default())
}

impl SpecBuilder {
    /// Sets what the platform is, for humans.
    pub fn description(mut self, text: &str) -> Self {
        self.file.metadata.description = Some(text.into());
        self
    }

    /// Adds (or replaces) an application service.
    pub fn service(mut self, name: &str, service: Service) -> Self {
        self.file.spec.services.insert(name.into(), service);
        self
    }

    /// Adds (or replaces) a backing service.
    pub fn backing_service(mut self, name: &str, backing: BackingService) -> Self {
        self.file.spec.backing_services.insert(name.into(), backing);
        self
    }

    /// Adds (or replaces) a secret reference.
    pub fn secret(mut self, name: &str, secret: Secret) -> Self {
        self.file.spec.secrets.insert(name.into(), secret);
        self
    }

    /// Sets the monitoring stack.
    pub fn monitoring(mut self, monitoring: Monitoring) -> Self {
        self.file.spec.monitoring = Some(monitoring);
        self
    }

    /// Sets the gateway.
    pub fn gateway(mut self, gateway: Gateway) -> Self {
        self.file.spec.gateway = Some(gateway);
        self
    }

    /// Adds (or replaces) a private registry by host.
    pub fn registry(mut self, host: &str, registry: Registry) -> Self {
        self.file.spec.registries.insert(host.into(), registry);
        self
    }

    /// Adds (or replaces) an environment.
    pub fn environment(mut self, name: &str, environment: Environment) -> Self {
        self.file.spec.environments.insert(name.into(), environment);
        self
    }

    /// Adds a waiver.
    pub fn waiver(mut self, waiver: Waiver) -> Self {
        self.file.spec.waivers.push(waiver);
        self
    }

    /// The model built so far.
    pub fn model(&self) -> &PlatformFile {
        &self.file
    }

    /// Makes the [`Spec`]: loaded like a file, with the same limits; validate and resolve
    /// it like any other. Fails with the loader's diagnostics (a duplicate or unknown key
    /// cannot be built, so in practice only limits).
    pub fn build(self) -> Result<Spec, Diagnostics> {
        from_model_at(&self.file, self.origin)
    }
}

impl From<SpecBuilder> for PlatformFile {
    fn from(b: SpecBuilder) -> PlatformFile {
        b.file
    }
}
