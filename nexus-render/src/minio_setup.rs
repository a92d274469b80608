//! MinIO's setup step (both targets): the one step that uses MinIO's root account. For a
//! declared in-cluster backup destination it runs `setup.sh` in the MinIO client image
//! ([`crate::k8s::backup_scripts::MC_IMAGE`]) against the MinIO, and makes:
//!
//! - the backup bucket with versioning on (and object lock with a default retention in
//!   compliance mode, where the destination declares `objectLockDays`: MinIO sets object
//!   lock only when it creates a bucket);
//! - the bucket's lifecycle rules ([`lifecycle`]): retention by age instead of deletes;
//! - the backup user, with [`backup_policy`]: list, read and write the backup bucket,
//!   never delete, change versioning, lifecycle, lock or policy;
//! - the application's bucket and user, with [`app_policy`]: that bucket and nothing else;
//! - for each backed-up Elasticsearch, its snapshot user `<name>-snapshots`, with
//!   [`snapshot_policy`]: read, write, list and delete under its repository's prefix
//!   ([`snapshot_prefix`]) and nothing else (decision 0023).
//!
//! Policies are IAM policy documents (MinIO's policy grammar is AWS IAM's), rendered as
//! JSON files beside the script so they can be read and tested. Every value reaches the
//! script as an environment variable. Each step is idempotent (`mc admin policy attach` accepts an attachment that exists): the setup runs again on every
//! deploy (Compose) or whenever its Job is re-created (Kubernetes).

use nexus_spec::ir;
use serde_json::{Value, json};

/// How long a replaced or deleted version of a backup is kept before the lifecycle rules
/// remove it, in days.
pub const NONCURRENT_DAYS: u64 = 7;

/// Suffix of the setup step (`minio-setup`).
pub const SUFFIX: &str = "-setup";

/// The actions the backup user may never take, denied explicitly on the backup bucket.
pub const DENIED_TO_BACKUPS: [&str; 12] = [
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:DeleteBucket",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutObjectRetention",
    "s3:PutObjectLegalHold",
    "s3:BypassGovernanceRetention",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutReplicationConfiguration",
];

/// `setup.sh`.
pub const SCRIPT: &str = r#"#!/bin/sh
# MinIO's setup, the only step that uses the root account: the backup bucket (versioning
# on; object lock when $LOCK_DAYS is set), its lifecycle rules, the backup user (write,
# never delete) and the application's bucket and user (its bucket only). Idempotent.
set -eu
m() { mc --config-dir /tmp/.mc --quiet "$@"; }
until m alias set root "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null; do
  echo "setup: waiting for MinIO at $MINIO_ENDPOINT" >&2
  sleep 5
done
if [ -n "${LOCK_DAYS:-}" ]; then
  m mb --ignore-existing --with-lock "root/$BACKUP_BUCKET"
  m retention set --default COMPLIANCE "${LOCK_DAYS}d" "root/$BACKUP_BUCKET"
else
  m mb --ignore-existing "root/$BACKUP_BUCKET"
fi
m version enable "root/$BACKUP_BUCKET"
m ilm rule import "root/$BACKUP_BUCKET" < /setup/lifecycle.json
m admin policy create root "$BACKUP_USER" /setup/backup-policy.json
m admin user add root "$BACKUP_USER" "$BACKUP_PASSWORD"
m admin policy attach root "$BACKUP_USER" --user "$BACKUP_USER"
if [ -n "${APP_BUCKET:-}" ]; then
  m mb --ignore-existing "root/$APP_BUCKET"
  m admin policy create root "$APP_USER" /setup/app-policy.json
  m admin user add root "$APP_USER" "$APP_PASSWORD"
  m admin policy attach root "$APP_USER" --user "$APP_USER"
fi
# Snapshot users ($SNAPSHOT_USER_1, $SNAPSHOT_PASSWORD_1, ...): an Elasticsearch repository
# each, which may delete under its own prefix only.
i=1
while eval "user=\${SNAPSHOT_USER_$i:-} password=\${SNAPSHOT_PASSWORD_$i:-}"; [ -n "$user" ]; do
  m admin policy create root "$user" "/setup/$user-policy.json"
  m admin user add root "$user" "$password"
  m admin policy attach root "$user" --user "$user"
  i=$((i + 1))
done
echo "setup: done"
"#;

fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

fn objects_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}/*")
}

/// The backup user's policy on `bucket`: list, read and write; every deletion and every
/// change of the bucket's protection denied.
pub fn backup_policy(bucket: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ListTheBackups",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                "Resource": [bucket_arn(bucket)]
            },
            {
                "Sid": "ReadAndWriteBackups",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                "Resource": [objects_arn(bucket)]
            },
            {
                "Sid": "NeverDeleteOrUnprotect",
                "Effect": "Deny",
                "Action": DENIED_TO_BACKUPS,
                "Resource": [bucket_arn(bucket), objects_arn(bucket)]
            }
        ]
    })
}

/// The application user's policy: its own bucket, nothing else.
pub fn app_policy(bucket: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ListItsBucket",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                "Resource": [bucket_arn(bucket)]
            },
            {
                "Sid": "UseItsObjects",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                "Resource": [objects_arn(bucket)]
            }
        ]
    })
}

/// Where the snapshot repository of the Elasticsearch `workload` lives in the bucket, in
/// namespace (Compose: project) `ns`: `<ns>/<workload>/snapshots`. The lifecycle rules never
/// cover it ([`lifecycle`]).
pub fn snapshot_prefix(ns: &str, workload: &str) -> String {
    format!("{ns}/{workload}/snapshots")
}

/// The snapshot user's policy: list the bucket under `prefix` only; read, write and delete
/// the objects under it (Elasticsearch deletes its verification blob, stale `index-N`
/// files and the snapshots SLM retention drops; versioning keeps what it deletes), nothing
/// else anywhere.
pub fn snapshot_policy(bucket: &str, prefix: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "LocateTheBucket",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation"],
                "Resource": [bucket_arn(bucket)]
            },
            {
                "Sid": "ListTheRepositoryOnly",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:ListBucketMultipartUploads"],
                "Resource": [bucket_arn(bucket)],
                "Condition": { "StringLike": { "s3:prefix": [prefix, format!("{prefix}/*")] } }
            },
            {
                "Sid": "UseTheRepository",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                "Resource": [format!("arn:aws:s3:::{bucket}/{prefix}/*")]
            }
        ]
    })
}

/// Days that `keep` backups on a schedule whose longest gap is `gap_minutes` span: the
/// spec's retention is a count, the rules need an age, so count × interval, rounded up to
/// whole days.
pub fn days(keep: u32, gap_minutes: u64) -> u64 {
    (u64::from(keep) * gap_minutes).div_ceil(24 * 60).max(1)
}

/// The lifecycle rules of destination `d` in namespace `ns`: for each workload backed up
/// there, its full and incremental backups expire after their retention in days
/// ([`days`]), its archived WAL a day after its oldest full backup; every noncurrent
/// version expires after [`NONCURRENT_DAYS`].
pub fn lifecycle(p: &ir::Platform, d: &ir::Destination, ns: &str) -> Value {
    let mut rules = Vec::new();
    for w in &p.workloads {
        let Some(b) = &w.backup else { continue };
        // Only the engines whose backups are files nexus writes (a snapshot repository,
        // such as Elasticsearch's, must not lose files to a rule).
        if !dumped(w) || !b.destinations.iter().any(|n| n.value == d.name.value) {
            continue;
        }
        let base = format!("{ns}/{}", w.name.value);
        let full = days(b.keep_full, b.full.value.max_gap_minutes());
        let mut expire = |kind: &str, days: u64| {
            rules.push(json!({
                "ID": format!("{}-{kind}", w.name.value),
                "Status": "Enabled",
                "Filter": { "Prefix": format!("{base}/{kind}/") },
                "Expiration": { "Days": days }
            }));
        };
        expire("full", full);
        if let Some(i) = &b.incremental {
            expire(
                "incremental",
                days(b.keep_incremental, i.value.max_gap_minutes()),
            );
        }
        if archives(w) {
            expire("wal", full + 1);
        }
    }
    rules.push(json!({
        "ID": "noncurrent-versions",
        "Status": "Enabled",
        "Filter": { "Prefix": "" },
        "NoncurrentVersionExpiration": { "NoncurrentDays": NONCURRENT_DAYS }
    }));
    json!({ "Rules": rules })
}

fn dumped(w: &ir::Workload) -> bool {
    let ir::WorkloadKind::Backing(e) = w.kind else {
        return false;
    };
    nexus_spec::catalog::engine(e).backup.method().is_some()
}

fn archives(w: &ir::Workload) -> bool {
    let ir::WorkloadKind::Backing(e) = w.kind else {
        return false;
    };
    w.backup.as_ref().is_some_and(|b| b.continuous.value)
        && nexus_spec::catalog::engine(e)
            .backup
            .method()
            .is_some_and(|m| m.archive.is_some())
}

/// The files of the setup of `d` (name, text), sorted by name.
pub fn files(p: &ir::Platform, d: &ir::Destination, ns: &str) -> Vec<(String, String)> {
    let pretty = |v: &Value| {
        let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
        s.push('\n');
        s
    };
    let mut out = vec![
        (
            "backup-policy.json".to_owned(),
            pretty(&backup_policy(&d.bucket)),
        ),
        ("lifecycle.json".to_owned(), pretty(&lifecycle(p, d, ns))),
        ("setup.sh".to_owned(), SCRIPT.to_owned()),
    ];
    if let Some(a) = &d.app {
        out.push(("app-policy.json".to_owned(), pretty(&app_policy(&a.bucket))));
    }
    for u in &d.snapshot_users {
        let policy = snapshot_policy(&d.bucket, &snapshot_prefix(ns, &u.workload));
        out.push((format!("{}-policy.json", u.user), pretty(&policy)));
    }
    out.sort();
    out
}

/// A variable's value: text, or a secret.
pub(crate) use crate::destinations::Value as Var;

/// The setup's variables (sorted by name), with `endpoint` the MinIO's S3 URL.
pub(crate) fn vars(
    minio: &ir::Workload,
    d: &ir::Destination,
    endpoint: String,
) -> Vec<(String, Var)> {
    let text = |s: &str| Var::Literal(s.to_owned());
    let mut out = vec![
        ("BACKUP_BUCKET".to_owned(), text(&d.bucket)),
        ("MINIO_ENDPOINT".to_owned(), Var::Literal(endpoint)),
    ];
    if let Some(c) = &minio.credentials {
        out.push(("MINIO_ROOT_USER".to_owned(), text(&c.user)));
        out.push((
            "MINIO_ROOT_PASSWORD".to_owned(),
            Var::Secret(c.password_secret.value.clone()),
        ));
    }
    if let ir::AccessKey::Literal(user) = &d.access_key {
        out.push(("BACKUP_USER".to_owned(), text(user)));
    }
    out.push((
        "BACKUP_PASSWORD".to_owned(),
        Var::Secret(d.secret_key_secret.clone()),
    ));
    if let Some(days) = d.object_lock_days {
        out.push(("LOCK_DAYS".to_owned(), Var::Literal(days.to_string())));
    }
    if let Some(a) = &d.app {
        out.push(("APP_BUCKET".to_owned(), text(&a.bucket)));
        out.push(("APP_USER".to_owned(), text(&a.user)));
        out.push((
            "APP_PASSWORD".to_owned(),
            Var::Secret(a.password_secret.clone()),
        ));
    }
    for (i, u) in d.snapshot_users.iter().enumerate() {
        out.push((format!("SNAPSHOT_USER_{}", i + 1), text(&u.user)));
        out.push((
            format!("SNAPSHOT_PASSWORD_{}", i + 1),
            Var::Secret(u.password_secret.clone()),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The managed destinations of `p` with their MinIO workload.
pub(crate) fn managed(p: &ir::Platform) -> Vec<(&ir::Destination, &ir::Workload)> {
    p.backup_destinations
        .iter()
        .filter(|d| d.managed())
        .filter_map(|d| Some((d, p.workload(d.minio()?)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `mc` commands and flags `setup.sh` may use, as MinIO's mc has them at the pinned
    /// release (`MC_IMAGE`, RELEASE.2024-11-21T17-21-54Z), read from its source: global
    /// flags in `cmd/flags.go` (`--config-dir`, `--quiet`); `cmd/alias-set.go`;
    /// `cmd/mb-main.go` (`--ignore-existing`, `--with-lock`); `cmd/retention-set.go`
    /// (`--default`, mode and validity arguments); `cmd/version-enable.go`;
    /// `cmd/ilm-rule-import.go` (reads the JSON configuration from stdin; the older `mc ilm
    /// import` is hidden and deprecated there); `cmd/admin-policy-create.go`;
    /// `cmd/admin-user-add.go`; `cmd/admin-policy-attach.go` (`--user`).
    const MC: [(&str, &[&str]); 8] = [
        ("alias set", &[]),
        (
            "mb",
            &[
                "--ignore-existing",
                "--with-lock",
                "--region",
                "--with-versioning",
            ],
        ),
        (
            "retention set",
            &["--default", "--recursive", "--bypass", "--versions"],
        ),
        (
            "version enable",
            &["--excluded-prefixes", "--exclude-folders"],
        ),
        ("ilm rule import", &[]),
        ("admin policy create", &[]),
        ("admin user add", &[]),
        ("admin policy attach", &["--user", "--group"]),
    ];
    const GLOBAL: [&str; 2] = ["--config-dir", "--quiet"];

    #[test]
    fn every_mc_command_and_flag_of_the_script_exists_in_the_pinned_mc() {
        let mut seen = 0;
        let wrapper = SCRIPT
            .lines()
            .find(|l| l.starts_with("m() {"))
            .expect("the mc wrapper");
        for flag in wrapper.split_whitespace().filter(|w| w.starts_with("--")) {
            assert!(GLOBAL.contains(&flag), "global flag {flag}");
        }
        for line in SCRIPT.lines().map(str::trim) {
            let line = line.strip_prefix("until ").unwrap_or(line);
            let Some(rest) = line.strip_prefix("m ") else {
                continue;
            };
            let words: Vec<&str> = rest
                .split_whitespace()
                .take_while(|w| *w != "<" && *w != ">/dev/null;")
                .collect();
            let (command, flags) = MC
                .iter()
                .filter(|(c, _)| {
                    let n = c.split(' ').count();
                    words.len() >= n && words[..n].join(" ") == *c
                })
                .max_by_key(|(c, _)| c.len())
                .unwrap_or_else(|| panic!("`mc {rest}` is not a command of the pinned mc"));
            for w in words.iter().filter(|w| w.starts_with("--")) {
                assert!(flags.contains(w), "`mc {command}` has no flag {w}");
            }
            seen += 1;
        }
        assert_eq!(seen, 16, "the script's mc calls");
    }

    #[test]
    fn the_backup_policy_never_allows_what_it_denies() {
        let p = backup_policy("b");
        let statements = p["Statement"].as_array().expect("statements");
        let allowed: Vec<&str> = statements
            .iter()
            .filter(|s| s["Effect"] == "Allow")
            .flat_map(|s| s["Action"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        for a in DENIED_TO_BACKUPS {
            assert!(!allowed.contains(&a), "{a} allowed");
        }
        assert!(
            allowed
                .iter()
                .all(|a| !a.contains('*') && !a.contains("Delete"))
        );
    }

    #[test]
    fn the_snapshot_policy_reaches_its_prefix_only() {
        let p = snapshot_policy("b", "ns/es/snapshots");
        let text = p.to_string();
        for arn in text.split('"').filter(|w| w.starts_with("arn:")) {
            assert!(
                arn == "arn:aws:s3:::b" || arn == "arn:aws:s3:::b/ns/es/snapshots/*",
                "{arn}"
            );
        }
        let statements = p["Statement"].as_array().expect("statements");
        for s in statements {
            let on_bucket = s["Resource"][0] == "arn:aws:s3:::b";
            let lists = s["Action"].to_string().contains("s3:List");
            assert!(
                !(on_bucket && lists && s["Condition"].is_null()),
                "an unconditioned listing: {s}"
            );
        }
        let actions: Vec<&str> = statements
            .iter()
            .flat_map(|s| s["Action"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        assert!(actions.contains(&"s3:DeleteObject"), "{actions:?}");
        for a in actions {
            assert!(!a.contains('*') && a != "s3:DeleteObjectVersion", "{a}");
            assert!(!DENIED_TO_BACKUPS[2..].contains(&a), "{a}");
        }
    }

    #[test]
    fn retention_days_round_up_from_count_times_interval() {
        assert_eq!(days(30, 24 * 60), 30);
        assert_eq!(days(48, 60), 2);
        assert_eq!(days(49, 60), 3);
        assert_eq!(days(96, 30), 2);
        assert_eq!(days(1, 15), 1);
    }
}
