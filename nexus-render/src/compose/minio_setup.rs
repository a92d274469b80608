//! MinIO's setup as a one-shot Compose service `<minio>-setup` (see
//! [`crate::minio_setup`]): the MinIO client image runs the same `setup.sh` with the same
//! policies and lifecycle rules, bind-mounted from `<minio>-setup/`. Every service that
//! depends on the MinIO, and every WAL shipper writing to it, waits for the setup to finish
//! (`service_completed_successfully`), so nothing starts before its user exists.

use std::collections::BTreeMap;

use nexus_spec::ir;

use super::interpolate::{literal, secret_ref};
use super::model::{DependsOn, Mount, Service};
use super::network::Topology;
use super::service;
use crate::error::RenderError;
use crate::k8s::backup_scripts::MC_IMAGE;
use crate::minio_setup::{self, Var};

/// The setup service of MinIO `minio`.
pub(crate) fn name(minio: &str) -> String {
    nexus_spec::names::derived(minio, minio_setup::SUFFIX)
}

/// What a service waiting for a setup depends on.
pub(crate) fn completed() -> DependsOn {
    DependsOn {
        condition: "service_completed_successfully".into(),
    }
}

/// The setup services `w` must wait for: those of the MinIOs it depends on.
pub(crate) fn waits_for(p: &ir::Platform, w: &ir::Workload) -> Vec<String> {
    minio_setup::managed(p)
        .into_iter()
        .filter(|(_, m)| w.depends_on.iter().any(|d| d.value == m.name.value))
        .map(|(_, m)| name(&m.name.value))
        .collect()
}

/// The setup of a step writing to `dests` must finish first: their setup services.
pub(crate) fn setups_of(dests: &[&ir::Destination]) -> Vec<String> {
    dests
        .iter()
        .filter(|d| d.managed())
        .filter_map(|d| d.minio())
        .map(name)
        .collect()
}

/// The setup: its service name, the service, its files (path, text) and the secrets it reads.
pub(crate) type Setup = (String, Service, Vec<(String, String)>, Vec<String>);

/// The setup service of `w`, when `w` is the MinIO of a declared backup destination.
pub(crate) fn render(
    p: &ir::Platform,
    w: &ir::Workload,
    minio: &Service,
    topology: &Topology,
) -> Result<Option<Setup>, RenderError> {
    let Some((d, _)) = minio_setup::managed(p)
        .into_iter()
        .find(|(_, m)| m.name.value == w.name.value)
    else {
        return Ok(None);
    };
    let svc_name = name(&w.name.value);
    let host = |m: &str| m.to_owned();
    let endpoint = crate::destinations::endpoint(p, d, &host);
    let mut environment = BTreeMap::new();
    let mut secrets = Vec::new();
    for (n, v) in minio_setup::vars(w, d, endpoint) {
        let value = match v {
            Var::Literal(text) => literal(&text),
            Var::Secret(s) => {
                let secret = p.secret(&s).ok_or_else(|| {
                    RenderError::Unrenderable(format!(
                        "the setup of `{}` uses the unknown secret `{s}`",
                        w.name.value
                    ))
                })?;
                secrets.push(s);
                secret_ref(secret)?
            }
        };
        environment.insert(n, value);
    }
    let mut svc = Service {
        image: MC_IMAGE.to_owned(),
        entrypoint: Some(vec!["/bin/sh".into(), "/setup/setup.sh".into()]),
        restart: "no".to_owned(),
        environment,
        labels: minio.labels.clone(),
        depends_on: BTreeMap::from([(
            w.name.value.clone(),
            DependsOn {
                condition: "service_started".into(),
            },
        )]),
        ..Service::default()
    };
    service::harden(&mut svc, &w.security);
    svc.tmpfs = vec!["/tmp".to_owned()];
    svc.labels.insert("nexus.dev/role".into(), "setup".into());
    let mut files = Vec::new();
    for (file, text) in minio_setup::files(p, d, &p.namespace.value) {
        let path = format!("{svc_name}/{file}");
        svc.volumes.push(Mount {
            kind: "bind".into(),
            source: format!("./{path}"),
            target: format!("/setup/{file}"),
            read_only: true,
        });
        files.push((path, text));
    }
    super::set_networks(&mut svc, topology.outbound(&svc_name));
    Ok(Some((svc_name, svc, files, secrets)))
}
