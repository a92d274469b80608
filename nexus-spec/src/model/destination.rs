//! Backup destinations: object stores that backups are copied to, by name.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use crate::span::Spanned;

/// An object store backups are copied to. Either the in-cluster MinIO (`minio:` names the
/// backing service; nexus's setup step creates the bucket with versioning, the backup user
/// and the lifecycle rules) or a store outside the cluster (`endpoint:`; nexus writes to
/// it, its owner sets its policy and lifecycle).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackupDestination {
    /// In the cluster: the MinIO backing service that holds the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minio: Option<Name>,
    /// Outside the cluster: the store's S3 endpoint, an `https://` URL
    /// (`https://s3.eu-west-1.amazonaws.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<Spanned<String>>,
    /// The store's region, where it needs one (`eu-west-1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Spanned<String>>,
    /// The bucket (3 to 63 lowercase letters, digits, `-` and `.`).
    pub bucket: Spanned<String>,
    /// The credentials backups are written with.
    pub credentials: DestinationCredentials,
    /// In the cluster: create the bucket with object lock and this default retention in
    /// days (compliance mode: no one, the root user included, can delete a locked version
    /// before it ends). Object lock can only be set when the bucket is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_lock_days: Option<Spanned<i64>>,
    /// In the cluster: the application's own bucket and user on the same MinIO (the
    /// setup step creates both; the user can use that bucket and nothing else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<AppBucket>,
    /// In the cluster: the users Elasticsearch snapshot repositories write with, by the
    /// name of the backed-up Elasticsearch. The setup step creates `<name>-snapshots`,
    /// allowed to read, write, list and delete under `<namespace>/<name>/snapshots/` only
    /// (a repository deletes its own stale files and old snapshots; the bucket's versioning
    /// keeps what it deletes). Every Elasticsearch backed up here needs one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub snapshot_users: BTreeMap<Name, SnapshotUser>,
}

/// The user an Elasticsearch snapshot repository writes with on the in-cluster MinIO.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotUser {
    /// The secret holding its password (secret key).
    pub password_secret: Name,
}

/// The credentials of a backup destination: an access key (a user name nexus creates, in
/// the cluster; a secret, outside it) and the secret holding the secret key.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DestinationCredentials {
    /// The access key (the user name) as text: the backup user the in-cluster setup creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key: Option<Spanned<String>>,
    /// The secret holding the access key (outside the cluster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_secret: Option<Name>,
    /// The secret holding the secret key (the user's password).
    pub secret_key_secret: Name,
}

/// The application's bucket on the in-cluster MinIO, with the user limited to it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppBucket {
    /// The bucket.
    pub bucket: Spanned<String>,
    /// The user (access key) name.
    pub user: Spanned<String>,
    /// The secret holding its password (secret key).
    pub password_secret: Name,
}
