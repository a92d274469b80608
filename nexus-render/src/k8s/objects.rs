//! Small objects every pod group has: its ServiceAccount and its ConfigMaps.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, ConfigMapVolumeSource, ServiceAccount, Volume};

use super::meta::{Ctx, Labels};

/// A ServiceAccount that never gets an API token mounted.
pub(crate) fn service_account(ctx: &Ctx<'_>, name: &str, labels: Labels) -> ServiceAccount {
    ServiceAccount {
        automount_service_account_token: Some(false),
        metadata: ctx.meta(name, labels),
        ..ServiceAccount::default()
    }
}

/// A ConfigMap.
pub(crate) fn config_map(
    ctx: &Ctx<'_>,
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
