//! Elasticsearch's snapshots, what both targets render (decision 0023): Elasticsearch takes
//! its own snapshots into an S3 repository on the in-cluster MinIO, on the spec's schedules
//! (one snapshot lifecycle policy per schedule, each keeping the spec's count). A setup step
//! registers the repository and the policies (`setup.sh`,
//! [`crate::k8s::ES_SNAPSHOT_SETUP`], run once per policy), a keystore step on each node
//! puts the snapshot user's keys into the keystore ([`crate::k8s::ES_KEYSTORE`]), the
//! server gets the S3 client's settings ([`client_settings`]), and a restore step restores
//! the newest successful snapshot ([`crate::k8s::ES_SNAPSHOT_RESTORE`]).
//!
//! The repository is written with the destination's snapshot user (`<name>-snapshots`,
//! [`crate::minio_setup::snapshot_policy`]), on the first in-cluster destination nexus sets
//! up among the backup's destinations. Off-site stores get no repository: a repository must
//! delete, and the off-site writer cannot (the decision says why).

use nexus_spec::ir::{self, Cron, WorkloadKind};
use nexus_spec::model::Engine;

use crate::destinations::Value;
use crate::error::RenderError;
use crate::minio_setup::snapshot_prefix;

/// The files of the scripts: (name, text), sorted by name.
pub(crate) const SCRIPTS: [(&str, &str); 3] = [
    ("keystore.sh", crate::k8s::ES_KEYSTORE),
    ("restore.sh", crate::k8s::ES_SNAPSHOT_RESTORE),
    ("setup.sh", crate::k8s::ES_SNAPSHOT_SETUP),
];

/// Where Elasticsearch's snapshots of one workload go.
pub(crate) struct Snapshots<'a> {
    /// The backup block.
    pub backup: &'a ir::Backup,
    /// The in-cluster destination holding the repository.
    pub dest: &'a ir::Destination,
    /// Its MinIO.
    pub minio: &'a ir::Workload,
    /// The user the repository writes with.
    pub user: &'a ir::SnapshotUser,
}

/// The snapshots of `w`, when `w` is a backed-up Elasticsearch with an in-cluster
/// destination that declares its snapshot user.
pub(crate) fn plan<'a>(p: &'a ir::Platform, w: &'a ir::Workload) -> Option<Snapshots<'a>> {
    if w.kind != WorkloadKind::Backing(Engine::Elasticsearch) {
        return None;
    }
    let backup = w.backup.as_ref()?;
    backup.destinations.iter().find_map(|n| {
        let dest = p.backup_destination(&n.value).filter(|d| d.managed())?;
        let minio = p.workload(dest.minio()?)?;
        let user = dest.snapshot_user(&w.name.value)?;
        Some(Snapshots {
            backup,
            dest,
            minio,
            user,
        })
    })
}

/// One snapshot lifecycle policy: its name (`<name>-<kind>`), schedule and how many
/// snapshots it keeps.
pub(crate) struct Policy<'a> {
    /// `full` or `incremental`.
    pub kind: &'static str,
    /// The spec's schedule.
    pub cron: &'a Cron,
    /// How many snapshots it keeps.
    pub keep: u32,
}

impl Snapshots<'_> {
    /// The policies, one per declared schedule (full first).
    pub(crate) fn policies(&self) -> Vec<Policy<'_>> {
        let b = self.backup;
        let mut out = vec![Policy {
            kind: "full",
            cron: &b.full.value,
            keep: b.keep_full,
        }];
        if let Some(i) = &b.incremental {
            out.push(Policy {
                kind: "incremental",
                cron: &i.value,
                keep: b.keep_incremental,
            });
        }
        out
    }

    /// The variables of the setup and restore scripts, for policy `policy` (`None`: the
    /// restore), with `es_url` the cluster's `http://host:port`, sorted by name.
    pub(crate) fn vars(
        &self,
        w: &ir::Workload,
        ns: &str,
        es_url: String,
        policy: Option<&Policy<'_>>,
    ) -> Result<Vec<(String, Value)>, RenderError> {
        let text = |s: &str| Value::Literal(s.to_owned());
        let mut out = vec![
            ("ES_URL".to_owned(), Value::Literal(es_url)),
            (
                "SNAPSHOT_REPOSITORY".to_owned(),
                text(&self.dest.name.value),
            ),
        ];
        if let Some(c) = &w.credentials {
            out.push(("ES_USER".to_owned(), text(&c.user)));
            out.push((
                "ELASTIC_PASSWORD".to_owned(),
                Value::Secret(c.password_secret.value.clone()),
            ));
        }
        if let Some(policy) = policy {
            let schedule = crate::k8s::slm_schedule(policy.cron).map_err(|why| {
                RenderError::Unrenderable(format!(
                    "the {} snapshots of `{}`: {why}",
                    policy.kind, w.name.value
                ))
            })?;
            out.extend([
                ("SLM_MAX_COUNT".to_owned(), text(&policy.keep.to_string())),
                (
                    "SLM_POLICY".to_owned(),
                    text(&format!("{}-{}", w.name.value, policy.kind)),
                ),
                ("SLM_SCHEDULE".to_owned(), Value::Literal(schedule)),
                ("SNAPSHOT_BUCKET".to_owned(), text(&self.dest.bucket)),
                (
                    "SNAPSHOT_BASE_PATH".to_owned(),
                    Value::Literal(snapshot_prefix(ns, &w.name.value)),
                ),
            ]);
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// The keystore step's variables: the snapshot user's keys.
    pub(crate) fn keystore_vars(&self) -> Vec<(String, Value)> {
        vec![
            (
                "S3_ACCESS_KEY".to_owned(),
                Value::Literal(self.user.user.clone()),
            ),
            (
                "S3_SECRET_KEY".to_owned(),
                Value::Secret(self.user.password_secret.clone()),
            ),
        ]
    }
}

/// The S3 client's settings, as the server's environment (the image turns a variable with
/// a dot in its name into a setting): the MinIO's `host:port`, plain HTTP inside the
/// cluster, and path-style access (MinIO serves buckets as paths).
pub(crate) fn client_settings(minio_host: &str, minio: &ir::Workload) -> Vec<(String, String)> {
    let port = minio.main_port().map_or(9000, |p| p.port.value);
    vec![
        (
            "s3.client.default.endpoint".to_owned(),
            format!("{minio_host}:{port}"),
        ),
        (
            "s3.client.default.path_style_access".to_owned(),
            "true".to_owned(),
        ),
        ("s3.client.default.protocol".to_owned(), "http".to_owned()),
    ]
}
