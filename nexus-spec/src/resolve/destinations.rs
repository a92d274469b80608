//! Backup destinations: the declared ones (`spec.backupDestinations`) checked and resolved,
//! and every backup's destination names checked against them (or a MinIO workload, today's
//! `destination: minio`).

use std::collections::BTreeSet;

use super::ctx::Resolver;
use super::overlaid::Overlaid;
use crate::codes;
use crate::ir::{self, WorkloadKind};
use crate::model::{BackupDestination, Engine};
use crate::span::Spanned;
use crate::values;

/// Most destinations one backup is copied to.
pub(super) const MAX_PER_BACKUP: usize = 2;

/// The resolved destinations, sorted by name: every declared one, and every MinIO workload
/// a backup names directly.
pub(crate) fn destinations(
    ctx: &mut Resolver,
    spec: &Overlaid<'_>,
    workloads: &[ir::Workload],
    secrets: &[ir::Secret],
) -> Vec<ir::Destination> {
    let minios: Vec<&str> = workloads
        .iter()
        .filter(|t| t.kind == WorkloadKind::Backing(Engine::Minio))
        .map(|t| t.name.value.as_str())
        .collect();
    let mut out = Vec::new();
    let mut owners = BTreeSet::new();
    for (name, d) in spec.backup_destinations() {
        ctx.name(name, "backup destination name", values::name::dns1123_label);
        if let Some(mut dest) = declared(ctx, name, d, &minios, secrets) {
            dest.snapshot_users = snapshot_users(ctx, d, workloads, secrets);
            if let Some(m) = d.minio.as_ref().filter(|m| !owners.insert(m.value.clone())) {
                ctx.error(
                    codes::DUPLICATE_NAME,
                    m.span,
                    format!("a second backup destination on the MinIO `{}`", m.value),
                    "already a destination",
                    "declare one destination per MinIO; its setup step owns the users and the rules",
                );
            }
            out.push(dest);
        }
    }
    for w in workloads {
        let Some(b) = &w.backup else { continue };
        check_names(ctx, b, spec, &minios);
        for n in &b.destinations {
            let declared = spec.backup_destinations().contains_key(n.value.as_str());
            if declared || out.iter().any(|d| d.name.value == n.value) {
                continue;
            }
            if let Some(m) = workloads.iter().find(|t| t.name.value == n.value)
                && let Some(c) = &m.credentials
            {
                out.push(ir::Destination {
                    name: Spanned::new(n.value.clone(), m.name.span),
                    place: ir::Place::InCluster {
                        workload: m.name.value.clone(),
                        managed: false,
                    },
                    bucket: m.database.clone().unwrap_or_else(|| "backups".to_owned()),
                    access_key: ir::AccessKey::Literal(c.user.clone()),
                    secret_key_secret: c.password_secret.value.clone(),
                    object_lock_days: None,
                    app: None,
                    snapshot_users: Vec::new(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    for w in workloads {
        needs_snapshot_user(ctx, w, &out);
    }
    out
}

/// The suffix of an Elasticsearch snapshot repository's MinIO user (`elasticsearch-snapshots`).
const SNAPSHOT_USER_SUFFIX: &str = "-snapshots";

/// The snapshot users of an in-cluster destination: each names a backed-up Elasticsearch.
fn snapshot_users(
    ctx: &mut Resolver,
    d: &BackupDestination,
    workloads: &[ir::Workload],
    secrets: &[ir::Secret],
) -> Vec<ir::SnapshotUser> {
    let mut out = Vec::new();
    for (es, u) in &d.snapshot_users {
        if d.minio.is_none() {
            outside_only(ctx, es.span, "snapshotUsers");
            continue;
        }
        let candidates = workloads
            .iter()
            .filter(|w| w.kind == WorkloadKind::Backing(Engine::Elasticsearch));
        if !candidates.clone().any(|w| w.name.value == es.value) {
            ctx.unresolved(
                codes::UNRESOLVED_REFERENCE,
                es,
                "Elasticsearch backing service",
                candidates.map(|w| w.name.value.as_str()),
            );
            continue;
        }
        let user = crate::names::derived(&es.value, SNAPSHOT_USER_SUFFIX);
        if !ctx.name(
            &Spanned::new(user.clone(), es.span),
            "snapshot user name",
            self::user,
        ) || !secret(ctx, &u.password_secret, secrets)
        {
            continue;
        }
        out.push(ir::SnapshotUser {
            workload: es.value.clone(),
            user,
            password_secret: u.password_secret.value.clone(),
        });
    }
    out
}

/// A backed-up Elasticsearch writes its snapshots with its own user on each in-cluster
/// destination nexus sets up: one must be declared there.
fn needs_snapshot_user(ctx: &mut Resolver, w: &ir::Workload, dests: &[ir::Destination]) {
    let (Some(b), WorkloadKind::Backing(Engine::Elasticsearch)) = (&w.backup, w.kind) else {
        return;
    };
    for n in &b.destinations {
        let Some(d) = dests.iter().find(|d| d.name.value == n.value) else {
            continue;
        };
        if d.managed() && d.snapshot_user(&w.name.value).is_none() {
            ctx.error(
                codes::INVALID_VALUE,
                n.span,
                format!(
                    "`{}` snapshots to `{}`, which declares no snapshot user for it",
                    w.name.value, n.value
                ),
                "no user to write the snapshot repository with",
                format!(
                    "add `snapshotUsers: {{ {}: {{ passwordSecret: <secret> }} }}` to `spec.backupDestinations.{}`",
                    w.name.value, n.value
                ),
            );
        }
    }
}

/// Checks the names of one backup's destinations.
fn check_names(ctx: &mut Resolver, b: &ir::Backup, spec: &Overlaid<'_>, minios: &[&str]) {
    let mut seen = BTreeSet::new();
    for n in &b.destinations {
        if !seen.insert(n.value.as_str()) {
            ctx.error(
                codes::DUPLICATE_NAME,
                n.span,
                format!("backup destination `{}` named twice", n.value),
                "named already",
                "name each destination once",
            );
        } else if !spec.backup_destinations().contains_key(n.value.as_str())
            && !minios.contains(&n.value.as_str())
        {
            let candidates = spec
                .backup_destinations()
                .keys()
                .map(|k| k.value.as_str())
                .chain(minios.iter().copied());
            ctx.unresolved(
                codes::UNRESOLVED_REFERENCE,
                n,
                "backup destination",
                candidates,
            );
        }
    }
    if let Some(extra) = b.destinations.get(MAX_PER_BACKUP) {
        ctx.error(
            codes::INVALID_VALUE,
            extra.span,
            format!("a backup goes to at most {MAX_PER_BACKUP} destinations"),
            "one too many",
            "keep the in-cluster MinIO and one off-site store",
        );
    }
}

fn declared(
    ctx: &mut Resolver,
    name: &Spanned<String>,
    d: &BackupDestination,
    minios: &[&str],
    secrets: &[ir::Secret],
) -> Option<ir::Destination> {
    let mut ok = true;
    let place = match (&d.minio, &d.endpoint) {
        (Some(m), None) => {
            if !minios.contains(&m.value.as_str()) {
                ctx.unresolved(
                    codes::UNRESOLVED_REFERENCE,
                    m,
                    "MinIO backing service",
                    minios.iter().copied(),
                );
                ok = false;
            }
            ir::Place::InCluster {
                workload: m.value.clone(),
                managed: true,
            }
        }
        (None, Some(e)) => {
            if !valid(ctx, e, "backup endpoint", endpoint) {
                ok = false;
            }
            ir::Place::External {
                endpoint: e.value.trim_end_matches('/').to_owned(),
                region: d.region.as_ref().map(|r| r.value.clone()),
            }
        }
        _ => {
            ctx.error(
                codes::INVALID_VALUE,
                name.span,
                format!("backup destination `{}` needs exactly one of `minio` and `endpoint`", name.value),
                "in the cluster or outside it?",
                "write `minio: <MinIO backing service>` for the in-cluster store, or `endpoint: https://...` for one outside",
            );
            return None;
        }
    };
    let in_cluster = d.minio.is_some();
    if let Some(r) = &d.region {
        ok &= valid(ctx, r, "region", region);
    }
    ok &= valid(ctx, &d.bucket, "bucket", bucket);
    let c = &d.credentials;
    let access_key = match (&c.access_key, &c.access_key_secret) {
        (Some(k), None) if in_cluster => {
            ok &= ctx.name(k, "backup user name", user);
            ir::AccessKey::Literal(k.value.clone())
        }
        (None, Some(s)) if !in_cluster => {
            ok &= secret(ctx, s, secrets);
            ir::AccessKey::Secret(s.value.clone())
        }
        _ => {
            let (has, wants) = if in_cluster {
                (
                    "the setup step creates the backup user",
                    "`accessKey: <user name>`",
                )
            } else {
                (
                    "the store's owner issues the access key",
                    "`accessKeySecret: <secret>`",
                )
            };
            ctx.error(
                codes::INVALID_VALUE,
                c.secret_key_secret.span,
                format!("backup destination `{}`: {has}", name.value),
                "access key missing or of the wrong kind",
                format!("write {wants} beside `secretKeySecret`"),
            );
            return None;
        }
    };
    ok &= secret(ctx, &c.secret_key_secret, secrets);
    let object_lock_days = match &d.object_lock_days {
        Some(v) if in_cluster => ctx.int(v, 1, 36_500, "objectLockDays").map(|v| v.value),
        Some(v) => {
            outside_only(ctx, v.span, "objectLockDays");
            None
        }
        None => None,
    };
    let app = match &d.app {
        Some(a) if in_cluster => {
            ok &= valid(ctx, &a.bucket, "bucket", bucket);
            ok &= ctx.name(&a.user, "user name", user);
            ok &= secret(ctx, &a.password_secret, secrets);
            if a.bucket.value == d.bucket.value {
                ctx.error(
                    codes::INVALID_VALUE,
                    a.bucket.span,
                    "the application's bucket is the backup bucket",
                    "the same bucket",
                    "give the application a bucket of its own",
                );
                ok = false;
            }
            Some(ir::AppBucket {
                bucket: a.bucket.value.clone(),
                user: a.user.value.clone(),
                password_secret: a.password_secret.value.clone(),
            })
        }
        Some(a) => {
            outside_only(ctx, a.bucket.span, "app");
            None
        }
        None => None,
    };
    ok.then(|| ir::Destination {
        snapshot_users: Vec::new(),
        name: name.clone(),
        place,
        bucket: d.bucket.value.clone(),
        access_key,
        secret_key_secret: c.secret_key_secret.value.clone(),
        object_lock_days,
        app,
    })
}

/// Checks `v` with `check`; records INVALID_VALUE on failure.
fn valid(
    ctx: &mut Resolver,
    v: &Spanned<String>,
    what: &str,
    check: fn(&str) -> Result<(), String>,
) -> bool {
    let Err(msg) = check(&v.value) else {
        return true;
    };
    ctx.error(
        codes::INVALID_VALUE,
        v.span,
        format!("invalid {what}: {msg}"),
        format!("not a valid {what}"),
        format!("see `spec.backupDestinations` in the schema for what a {what} looks like"),
    );
    false
}

fn outside_only(ctx: &mut Resolver, span: crate::span::Span, key: &str) {
    ctx.error(
        codes::INVALID_VALUE,
        span,
        format!("`{key}` applies to the in-cluster MinIO only"),
        "nexus does not set up a store outside the cluster",
        "set it on the off-site bucket itself (see the environment README), and remove it here",
    );
}

fn secret(ctx: &mut Resolver, s: &Spanned<String>, secrets: &[ir::Secret]) -> bool {
    if secrets.iter().any(|x| x.name.value == s.value) {
        return true;
    }
    ctx.unresolved(
        codes::UNKNOWN_SECRET,
        s,
        "secret",
        secrets.iter().map(|x| x.name.value.as_str()),
    );
    false
}

/// An `https://` endpoint: a host (and port), no user, path, query or space.
pub(super) fn endpoint(s: &str) -> Result<(), String> {
    let Some(rest) = s.strip_prefix("https://") else {
        return Err("an off-site endpoint is an `https://` URL".into());
    };
    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.contains(['*', '/', '@', '?', '#']) {
        return Err(
            "write the scheme and the host (and port) only: `https://s3.example.com`".into(),
        );
    }
    let (name, port) = host.split_once(':').unwrap_or((host, "443"));
    if port.parse::<u16>().map_or(true, |p| p == 0) {
        return Err(format!("`{port}` is not a port"));
    }
    values::name::host_name(name).map_err(|e| format!("`{name}` is not a host name: {e}"))
}

/// An S3 bucket name: 3 to 63 lowercase letters, digits, `-` and `.`, starting and ending
/// with a letter or digit.
pub(super) fn bucket(s: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(3..=63).contains(&s.len()) {
        return Err("a bucket name has 3 to 63 characters".into());
    }
    if let Some(c) = s.chars().find(|c| !ok_char(*c)) {
        return Err(format!("{} is not allowed", values::name::describe_char(c)));
    }
    if !edge(s.chars().next()) || !edge(s.chars().last()) || s.contains("..") {
        return Err("a bucket name starts and ends with a letter or digit".into());
    }
    Ok(())
}

fn region(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err("a region is lowercase letters, digits and `-` (`eu-west-1`)".into())
    }
}

/// A MinIO user name: 3 to 64 letters, digits, `-`, `_` and `.`.
fn user(s: &str) -> Result<(), String> {
    let ok = (3..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err("a user name is 3 to 64 letters, digits, `-`, `_` and `.`".into())
    }
}
