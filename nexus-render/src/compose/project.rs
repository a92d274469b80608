//! `compose.yaml` put together: each service written as YAML as soon as it is built, and
//! the project's name, its services in name order, and its networks, volumes and secrets
//! joined at the end.
//!
//! A service's YAML is a block of its own under `services:`, the same whichever services
//! are beside it, so writing it early gives the bytes that writing the whole project at
//! once gives (the tests and the renderings checked in hold that). Holding the built
//! services instead (6,400 per environment at 5,000 workloads) kept every field's string
//! and map alive until the end: writing them early took 16 to 21 MB off the synthetic
//! render's peak and 2.4% off the check's CPU time (`docs/performance.md`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::{Network, SecretSource, Service, Volume};
use crate::error::RenderError;
use crate::plan::Contents;

/// The key the services are under.
const SERVICES: &str = "services";
/// The line that opens the services, before the first one's entry.
const SERVICES_LINE: &str = "services:\n";

/// A project's services so far, each already written as its entry under `services:`.
#[derive(Debug, Default)]
pub(super) struct Services {
    texts: BTreeMap<String, String>,
    /// The texts' bytes, all told.
    bytes: usize,
    /// Where each service is written before its text is copied out at its own size.
    scratch: String,
}

impl Services {
    /// Adds the service `name`, written at once; a second service of the same name is an
    /// error (Compose would keep only one of them).
    pub(super) fn insert(&mut self, name: String, svc: &Service) -> Result<(), RenderError> {
        if self.texts.contains_key(&name) {
            return Err(RenderError::Unrenderable(format!(
                "two Compose services would be called `{name}`; rename the workload that clashes with the gateway, a migration (`NAME-migrate`) or a preview slot (`NAME-blue`/`NAME-green`)"
            )));
        }
        self.scratch.clear();
        let entry = BTreeMap::from([(SERVICES, BTreeMap::from([(name.as_str(), svc)]))]);
        crate::yaml::append_yaml(&mut self.scratch, &entry, "compose.yaml")?;
        let Some(body) = self.scratch.strip_prefix(SERVICES_LINE) else {
            return Err(RenderError::Unrenderable(format!(
                "the Compose service `{name}` was not written as a block under `services:`"
            )));
        };
        self.bytes += body.len();
        self.texts.insert(name, body.to_owned());
        Ok(())
    }

    /// The bytes the services take in `compose.yaml`, `services:` aside.
    pub(super) fn bytes(&self) -> usize {
        self.bytes
    }

    /// How many services there are.
    pub(super) fn len(&self) -> usize {
        self.texts.len()
    }
}

/// What follows the services in `compose.yaml`.
#[derive(Debug, Serialize)]
pub(super) struct Rest {
    /// Networks by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, Network>,
    /// Named volumes by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub volumes: BTreeMap<String, Volume>,
    /// Secrets mounted as files, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, SecretSource>,
}

impl Rest {
    fn is_empty(&self) -> bool {
        self.networks.is_empty() && self.volumes.is_empty() && self.secrets.is_empty()
    }
}

/// The project's name, the first key of `compose.yaml`.
#[derive(Serialize)]
struct Head<'a> {
    name: &'a str,
}

/// Appends the project `name` to `out`: its name, `services` and `rest`, as one YAML
/// document. Each service's text is freed as it is copied.
pub(super) fn append(
    out: &mut String,
    name: &str,
    services: Services,
    rest: &Rest,
) -> Result<(), RenderError> {
    crate::yaml::append_yaml(out, &Head { name }, "compose.yaml")?;
    if services.texts.is_empty() {
        let none: BTreeMap<&str, BTreeMap<String, Service>> =
            BTreeMap::from([(SERVICES, BTreeMap::new())]);
        crate::yaml::append_yaml(out, &none, "compose.yaml")?;
    } else {
        out.push_str(SERVICES_LINE);
        for (_, text) in services.texts {
            out.push_str(&text);
        }
    }
    if !rest.is_empty() {
        crate::yaml::append_yaml(out, rest, "compose.yaml")?;
    }
    Ok(())
}

/// What the project holds, named the way the semantic diff names Compose objects.
pub(super) fn contents(services: &Services, rest: &Rest) -> Contents {
    [
        ("compose service", services.len()),
        ("compose volume", rest.volumes.len()),
        ("compose network", rest.networks.len()),
        ("compose secret", rest.secrets.len()),
        ("compose project", 1),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(k, n)| (k.to_owned(), n))
    .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::compose::model::NetworkLabels;

    /// The project as one document, the way it was written before its services were
    /// written one by one.
    #[derive(Serialize)]
    struct Whole<'a> {
        name: &'a str,
        services: BTreeMap<String, Service>,
        #[serde(flatten)]
        rest: &'a Rest,
    }

    fn service(image: &str, env: &[(&str, &str)]) -> Service {
        Service {
            image: image.to_owned(),
            restart: "unless-stopped".to_owned(),
            environment: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..Service::default()
        }
    }

    fn whole(name: &str, services: &[(&str, Service)], rest: &Rest) -> String {
        let doc = Whole {
            name,
            services: services
                .iter()
                .map(|(n, s)| ((*n).to_owned(), s.clone()))
                .collect(),
            rest,
        };
        let mut out = String::new();
        crate::yaml::append_yaml(&mut out, &doc, "compose.yaml").unwrap();
        out
    }

    fn written(name: &str, services: &[(&str, Service)], rest: &Rest) -> String {
        let mut all = Services::default();
        for (n, s) in services {
            all.insert((*n).to_owned(), s).unwrap();
        }
        let mut out = String::new();
        append(&mut out, name, all, rest).unwrap();
        out
    }

    #[test]
    fn services_written_one_by_one_give_the_bytes_of_the_whole_project() {
        let labels = Arc::new(BTreeMap::from([(
            "nexus.dev/platform".to_owned(),
            "nexus".to_owned(),
        )]));
        let rest = Rest {
            networks: BTreeMap::from([(
                "api-to-db".to_owned(),
                Network {
                    internal: true,
                    labels: NetworkLabels::edge(&labels, "api", "db"),
                },
            )]),
            volumes: BTreeMap::from([(
                "db-data".to_owned(),
                Volume {
                    labels: BTreeMap::new(),
                },
            )]),
            secrets: BTreeMap::new(),
        };
        // Out of name order, with strings the fast emitter hands to the reference one (a
        // YAML 1.1 boolean, a leading zero, several lines, a `$$`, a long sentence).
        let services = [
            (
                "worker",
                service("ghcr.io/acme/worker:1.0.0", &[("MODE", "on")]),
            ),
            (
                "api",
                service(
                    "ghcr.io/acme/api@sha256:0123456789abcdef",
                    &[
                        ("UMASK", "0755"),
                        ("SCRIPT", "set -e\necho \"$$HOME\"\nexit 0\n"),
                        ("GREETING", "Hello: world, it's # not a comment"),
                    ],
                ),
            ),
            ("db", service("postgres:17.2", &[])),
        ];
        let mut sized = Services::default();
        for (n, s) in &services {
            sized.insert((*n).to_owned(), s).unwrap();
        }
        let bytes = sized.bytes();
        let one_by_one = written("nexus-staging", &services, &rest);
        // The services' size is exactly what they take after `services:`.
        let from = one_by_one.find("services:\n").unwrap() + "services:\n".len();
        let to = one_by_one.find("\nnetworks:").unwrap() + 1;
        assert_eq!(to - from, bytes);
        assert_eq!(one_by_one, whole("nexus-staging", &services, &rest));
        // The services are in name order, whatever order they were built in.
        let api = one_by_one.find("\n  api:\n").unwrap();
        let db = one_by_one.find("\n  db:\n").unwrap();
        let worker = one_by_one.find("\n  worker:\n").unwrap();
        assert!(api < db && db < worker, "{one_by_one}");
    }

    #[test]
    fn a_project_without_services_or_the_rest_is_written_as_before() {
        let rest = Rest {
            networks: BTreeMap::new(),
            volumes: BTreeMap::new(),
            secrets: BTreeMap::new(),
        };
        let none = written("empty", &[], &rest);
        assert_eq!(none, whole("empty", &[], &rest));
        assert!(none.contains("services: {}"), "{none}");
        let one = [("web", service("nginx:1.27", &[]))];
        assert_eq!(written("one", &one, &rest), whole("one", &one, &rest));
    }

    #[test]
    fn two_services_of_one_name_are_refused() {
        let mut all = Services::default();
        all.insert("web-migrate".to_owned(), &service("a:1", &[]))
            .unwrap();
        let bytes = all.bytes();
        assert!(bytes > 0);
        let err = all
            .insert("web-migrate".to_owned(), &service("b:1", &[]))
            .unwrap_err();
        assert!(err.to_string().contains("`web-migrate`"), "{err}");
        assert_eq!((all.len(), all.bytes()), (1, bytes));
    }
}
