//! Resolved backup destinations.

use crate::span::Spanned;

/// Where a destination is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The in-cluster MinIO backing service of this name; nexus's setup step owns the
    /// bucket, the backup user and the lifecycle rules.
    InCluster {
        /// The MinIO workload.
        workload: String,
        /// Declared: the setup step creates the bucket, the users and the rules. Not
        /// declared (a backup's `destination` naming the MinIO itself): today's root-user
        /// writes, no setup.
        managed: bool,
    },
    /// A store outside the cluster, at this `https://` endpoint.
    External {
        /// The S3 endpoint.
        endpoint: String,
        /// The region, when declared.
        region: Option<String>,
    },
}

/// Where an access key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessKey {
    /// A user name, as text.
    Literal(String),
    /// A secret of the platform.
    Secret(String),
}

/// The application's bucket on the in-cluster MinIO and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppBucket {
    /// The bucket.
    pub bucket: String,
    /// The user.
    pub user: String,
    /// The secret holding its password.
    pub password_secret: String,
}

/// The user an Elasticsearch snapshot repository writes with on the in-cluster MinIO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotUser {
    /// The Elasticsearch workload.
    pub workload: String,
    /// The user (`<workload>-snapshots`).
    pub user: String,
    /// The secret holding its password.
    pub password_secret: String,
}

/// A backup destination.
#[derive(Debug, Clone)]
pub struct Destination {
    /// Its name (a key of `backupDestinations`, or the MinIO workload's name).
    pub name: Spanned<String>,
    /// Where it is.
    pub place: Place,
    /// The bucket.
    pub bucket: String,
    /// The access key backups are written with.
    pub access_key: AccessKey,
    /// The secret holding the secret key.
    pub secret_key_secret: String,
    /// Object lock with this default retention, in days (in the cluster, declared).
    pub object_lock_days: Option<u32>,
    /// The application's bucket and user on the same MinIO.
    pub app: Option<AppBucket>,
    /// The users of Elasticsearch snapshot repositories, sorted by workload.
    pub snapshot_users: Vec<SnapshotUser>,
}

impl Destination {
    /// The in-cluster MinIO workload, when the destination is one.
    pub fn minio(&self) -> Option<&str> {
        match &self.place {
            Place::InCluster { workload, .. } => Some(workload),
            Place::External { .. } => None,
        }
    }

    /// The secrets the destination reads: its keys, and the application user's password.
    pub fn secrets(&self) -> Vec<&str> {
        let mut out = vec![self.secret_key_secret.as_str()];
        if let AccessKey::Secret(s) = &self.access_key {
            out.push(s);
        }
        if let Some(a) = &self.app {
            out.push(&a.password_secret);
        }
        out.extend(
            self.snapshot_users
                .iter()
                .map(|u| u.password_secret.as_str()),
        );
        out
    }

    /// The snapshot user of the Elasticsearch `workload`, when the destination has one.
    pub fn snapshot_user(&self, workload: &str) -> Option<&SnapshotUser> {
        self.snapshot_users.iter().find(|u| u.workload == workload)
    }

    /// Whether nexus's setup step owns the bucket (a declared in-cluster destination).
    pub fn managed(&self) -> bool {
        matches!(self.place, Place::InCluster { managed: true, .. })
    }
}
