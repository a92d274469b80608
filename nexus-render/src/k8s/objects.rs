//! Small objects every pod group has: its ServiceAccount and its ConfigMaps.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    ServiceAccount, Volume, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::meta::{Labels, Naming};

/// A ServiceAccount that never gets an API token mounted.
pub(crate) fn service_account(ctx: &Naming<'_>, name: &str, labels: Labels) -> ServiceAccount {
    ServiceAccount {
        automount_service_account_token: Some(false),
        metadata: ctx.meta(name, labels),
        ..ServiceAccount::default()
    }
}

/// A ConfigMap.
pub(crate) fn config_map(
    ctx: &Naming<'_>,
    name: &str,
    labels: Labels,
    data: BTreeMap<String, String>,
) -> ConfigMap {
    ConfigMap {
        data: Some(data),
        metadata: ctx.meta(name, labels),
        ..ConfigMap::default()
    }
}

/// A volume of a ConfigMap's keys as files, with the given file mode.
pub(crate) fn config_map_volume(volume: &str, config_map: &str, mode: i32) -> Volume {
    Volume {
        name: volume.to_owned(),
        config_map: Some(ConfigMapVolumeSource {
            default_mode: Some(mode),
            name: config_map.to_owned(),
            ..ConfigMapVolumeSource::default()
        }),
        ..Volume::default()
    }
}

/// A ReadWriteOnce volume claim of the storage's size and class (a StatefulSet's
/// `data` template, a restore's fresh volume).
pub(crate) fn volume_claim(
    metadata: ObjectMeta,
    s: &nexus_spec::ir::Storage,
) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata,
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    Quantity(s.size.value.as_str().to_owned()),
                )])),
                ..VolumeResourceRequirements::default()
            }),
            storage_class_name: s.storage_class.clone(),
            ..PersistentVolumeClaimSpec::default()
        }),
        ..PersistentVolumeClaim::default()
    }
}
