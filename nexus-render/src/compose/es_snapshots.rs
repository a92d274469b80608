//! Elasticsearch's snapshots in Compose (see [`crate::es_snapshots`]), with the Kubernetes
//! target's scripts bind-mounted from `<name>/snapshots/`:
//!
//! - `<name>-keystore`, one-shot, the Elasticsearch image: `keystore.sh` puts the snapshot
//!   user's keys into the keystore in the config volume (`<name>-config`, which Docker
//!   seeds from the image), before the server starts (`service_completed_successfully`);
//!   it reaches nothing;
//! - the server gets the S3 client's settings and reaches the MinIO;
//! - `<name>-snapshots-full`, `<name>-snapshots-incremental`, one-shot on every `up`,
//!   after MinIO's setup: `setup.sh` registers the repository and one SLM policy each;
//!   Elasticsearch then takes the snapshots itself (there is no scheduler service);
//! - `<name>-restore`, under the profile `restore` (`docker compose --profile restore run
//!   --rm <name>-restore`): `restore.sh` restores the newest successful snapshot into the
//!   running cluster.

use std::collections::BTreeMap;

use nexus_spec::ir;

use super::backup::{PROFILE, RESTORE, bind, helper};
use super::interpolate::{literal, secret_ref};
use super::model::{DependsOn, Service};
use super::network::Topology;
use crate::destinations::Value;
use crate::error::RenderError;
use crate::es_snapshots::{self, SCRIPTS};

/// Suffix of the keystore step (`elasticsearch-keystore`).
const KEYSTORE: &str = "-keystore";
/// Suffix of the setup steps (`elasticsearch-snapshots-full`).
const SETUP: &str = "-snapshots-";
/// The image's config folder, where the keystore lives.
const CONFIG_DIR: &str = "/usr/share/elasticsearch/config";

/// The services the snapshots of `w` add.
pub(super) struct Rendered {
    /// (name, service).
    pub services: Vec<(String, Service)>,
    /// Files (path, text).
    pub files: Vec<(String, String)>,
    /// (secret, service using it), for `.env.example`.
    pub secrets: Vec<(String, String)>,
}

/// The connections: the server to the MinIO, the setup and restore steps to the server.
pub(super) fn edges(p: &ir::Platform, w: &ir::Workload) -> Vec<(String, String)> {
    let Some(s) = es_snapshots::plan(p, w) else {
        return Vec::new();
    };
    let name = &w.name.value;
    let mut out = vec![(name.clone(), s.minio.name.value.clone())];
    for policy in s.policies() {
        out.push((format!("{name}{SETUP}{}", policy.kind), name.clone()));
    }
    out.push((nexus_spec::names::derived(name, RESTORE), name.clone()));
    out
}

fn environment(
    p: &ir::Platform,
    vars: Vec<(String, Value)>,
    user: &str,
    secrets: &mut Vec<(String, String)>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let mut out = BTreeMap::new();
    for (k, v) in vars {
        let value = match v {
            Value::Literal(text) => literal(&text),
            Value::Secret(s) => {
                let secret = p.secret(&s).ok_or_else(|| {
                    RenderError::Unrenderable(format!("`{user}` uses the unknown secret `{s}`"))
                })?;
                secrets.push((s, user.to_owned()));
                secret_ref(secret)?
            }
        };
        out.insert(k, value);
    }
    Ok(out)
}

/// The snapshot services of `w`, when it is a snapshotted Elasticsearch; `svc` is its
/// server, which gets the client settings and waits for the keystore step.
pub(super) fn render(
    p: &ir::Platform,
    w: &ir::Workload,
    svc: &mut Service,
    topology: &Topology,
) -> Result<Option<Rendered>, RenderError> {
    let Some(s) = es_snapshots::plan(p, w) else {
        return Ok(None);
    };
    let name = &w.name.value;
    let mut out = Rendered {
        services: Vec::new(),
        files: Vec::new(),
        secrets: Vec::new(),
    };
    for (file, text) in SCRIPTS {
        out.files
            .push((format!("{name}/snapshots/{file}"), text.to_owned()));
    }
    let scripts = bind(format!("./{name}/snapshots"), "/scripts", true);
    let minio = &s.minio.name.value;
    for (k, v) in es_snapshots::client_settings(minio, s.minio) {
        svc.environment.insert(k, literal(&v));
    }

    // The keystore step, on the server's config volume.
    let keystore_name = nexus_spec::names::derived(name, KEYSTORE);
    let mut keystore = helper(w, svc, svc.image.clone(), "keystore.sh", "backup");
    keystore.restart = "no".into();
    keystore.environment = environment(p, s.keystore_vars(), &keystore_name, &mut out.secrets)?;
    let config = svc
        .volumes
        .iter()
        .find(|m| m.target == CONFIG_DIR)
        .cloned()
        .ok_or_else(|| {
            RenderError::Unrenderable(format!("`{name}` has no volume at {CONFIG_DIR}"))
        })?;
    keystore.volumes = vec![config, scripts.clone()];
    super::set_networks(&mut keystore, topology.outbound(&keystore_name));
    svc.depends_on
        .insert(keystore_name.clone(), super::minio_setup::completed());
    out.services.push((keystore_name, keystore));

    let url = format!(
        "http://{name}:{}",
        w.main_port().map_or(9200, |p| p.port.value)
    );
    // One setup step per policy, after MinIO's setup made the snapshot user.
    for policy in s.policies() {
        let step_name = format!("{name}{SETUP}{}", policy.kind);
        let mut step = helper(w, svc, svc.image.clone(), "setup.sh", "backup");
        step.restart = "no".into();
        let vars = s.vars(w, &p.namespace.value, url.clone(), Some(&policy))?;
        step.environment = environment(p, vars, &step_name, &mut out.secrets)?;
        step.volumes = vec![scripts.clone()];
        step.depends_on = BTreeMap::from([(
            name.clone(),
            DependsOn {
                condition: "service_started".into(),
            },
        )]);
        for setup in super::minio_setup::setups_of(&[s.dest]) {
            step.depends_on
                .insert(setup, super::minio_setup::completed());
        }
        super::set_networks(&mut step, topology.outbound(&step_name));
        out.services.push((step_name, step));
    }

    // The restore, on demand.
    let restore_name = nexus_spec::names::derived(name, RESTORE);
    let mut restore = helper(w, svc, svc.image.clone(), "restore.sh", "restore");
    restore.restart = "no".into();
    restore.profiles = vec![PROFILE.into()];
    let vars = s.vars(w, &p.namespace.value, url, None)?;
    restore.environment = environment(p, vars, &restore_name, &mut out.secrets)?;
    restore.volumes = vec![scripts];
    super::set_networks(&mut restore, topology.outbound(&restore_name));
    out.services.push((restore_name, restore));
    Ok(Some(out))
}
