//! What an image's contract adds to a pod: seeded folders (an emptyDir filled with the
//! image's own files by an init container, then mounted writable where the entrypoint edits
//! them), secrets as files (one projected volume, read-only) and a memory-backed `/dev/shm`.

use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, KeyToPath, ProjectedVolumeSource, SecretProjection, Volume,
    VolumeProjection,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use nexus_spec::catalog::SECRET_FILES_DIR;
use nexus_spec::ir;

use super::meta::SECRET_KEY;
use super::pod::{self, Mounts, path_volume_name};

/// Where a seed container mounts the folder it fills.
const SEED_TARGET: &str = "/nexus-seed";

/// Adds the contract's volumes to `mounts` and returns the init containers that seed them.
pub(crate) fn apply(w: &ir::Workload, mounts: &mut Mounts) -> Vec<Container> {
    let mut init = Vec::new();
    for path in &w.security.seeded_paths {
        let volume = path_volume_name("seed", path);
        mounts.add(pod::empty_dir(&volume), path, false);
        init.push(seed_container(w, path, &volume));
    }
    if !w.secret_files.is_empty() {
        mounts.add(secret_files(&w.secret_files), SECRET_FILES_DIR, true);
    }
    if let Some(mib) = w.shm_mib {
        mounts.add(shm(mib), "/dev/shm", false);
    }
    init
}

/// An init container that copies the image's files of `path` into `volume`.
fn seed_container(w: &ir::Workload, path: &str, volume: &str) -> Container {
    let mut m = Mounts::default();
    m.add(pod::empty_dir(volume), SEED_TARGET, false);
    Container {
        command: Some(vec![
            "cp".to_owned(),
            "-R".to_owned(),
            format!("{}/.", path.trim_end_matches('/')),
            format!("{SEED_TARGET}/"),
        ]),
        image: Some(w.image.value.to_string()),
        name: volume.to_owned(),
        resources: Some(pod::helper_resources()),
        security_context: Some(pod::container_security(&w.security)),
        volume_mounts: m.mounts(),
        ..Container::default()
    }
}

/// One read-only projected volume holding each secret as a file named after it, readable
/// by the pod's group only.
#[allow(
    clippy::needless_update,
    reason = "fields are added in newer Kubernetes versions (1.37's `defaultUser`, `mode`)"
)]
fn secret_files(files: &[ir::SecretFile]) -> Volume {
    let sources = files
        .iter()
        .map(|f| VolumeProjection {
            secret: Some(SecretProjection {
                name: f.secret.clone(),
                items: Some(vec![KeyToPath {
                    key: SECRET_KEY.to_owned(),
                    path: f.path.rsplit('/').next().unwrap_or(&f.secret).to_owned(),
                    ..KeyToPath::default()
                }]),
                ..SecretProjection::default()
            }),
            ..VolumeProjection::default()
        })
        .collect();
    Volume {
        name: "secret-files".to_owned(),
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(0o440),
            sources: Some(sources),
            ..ProjectedVolumeSource::default()
        }),
        ..Volume::default()
    }
}

/// A memory-backed `/dev/shm` of `mib` MiB (it counts against the container's memory).
#[allow(
    clippy::needless_update,
    reason = "fields are added in newer Kubernetes versions (1.37's `defaultUser`, `mode`)"
)]
pub(crate) fn shm(mib: u64) -> Volume {
    Volume {
        name: "shm".to_owned(),
        empty_dir: Some(EmptyDirVolumeSource {
            medium: Some("Memory".to_owned()),
            size_limit: Some(Quantity(format!("{mib}Mi"))),
            ..EmptyDirVolumeSource::default()
        }),
        ..Volume::default()
    }
}
