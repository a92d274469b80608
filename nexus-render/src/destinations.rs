//! Where a workload's backups go, and the variables every step that talks to object
//! storage gets (both targets): the one place the credentials of an uploader or a fetcher
//! come from. `rclone.sh` turns them into rclone remotes: `dest:` from the `BACKUP_*`
//! variables (the first destination: restores read from it first) and, for a second
//! destination, `copy:` from the `COPY_*` ones.
//!
//! A declared in-cluster destination is written with its backup user (created by the
//! MinIO setup step, it cannot delete) and keeps backups by the bucket's lifecycle rules;
//! a MinIO named directly (`destination: minio`, not declared) is written with its root
//! user, as before declared destinations, and `upload.sh` deletes beyond the retention count.

use nexus_spec::ir;

/// A variable's value: text, or a secret of the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// Text.
    Literal(String),
    /// The value of this secret.
    Secret(String),
}

/// The destinations of `w`'s backups, in order, or why there are none.
pub(crate) fn of<'a>(
    p: &'a ir::Platform,
    w: &ir::Workload,
) -> Result<Vec<&'a ir::Destination>, String> {
    let b = w.backup.as_ref().ok_or("no backup")?;
    if b.destinations.is_empty() {
        return Err("not rendered: name a backup destination in `destination`".into());
    }
    b.destinations
        .iter()
        .map(|n| {
            p.backup_destination(&n.value)
                .ok_or_else(|| format!("not rendered: no backup destination `{}`", n.value))
        })
        .collect()
}

/// The MinIO workloads among `dests` (the in-cluster ones), for network rules.
pub(crate) fn minios<'a>(p: &'a ir::Platform, dests: &[&ir::Destination]) -> Vec<&'a ir::Workload> {
    dests
        .iter()
        .filter_map(|d| d.minio())
        .filter_map(|m| p.workload(m))
        .collect()
}

/// Whether any of `dests` is outside the cluster.
pub(crate) fn off_site(dests: &[&ir::Destination]) -> bool {
    dests.iter().any(|d| d.minio().is_none())
}

/// Whether the retention of these destinations is `upload.sh`'s deletes (an unmanaged
/// MinIO written with its root user) rather than the bucket's lifecycle rules.
pub(crate) fn deletes_by_script(dests: &[&ir::Destination]) -> bool {
    dests
        .iter()
        .any(|d| matches!(d.place, ir::Place::InCluster { managed: false, .. }))
}

/// The S3 endpoint of `d`; `host` gives an in-cluster workload's host name.
pub(crate) fn endpoint(
    p: &ir::Platform,
    d: &ir::Destination,
    host: &dyn Fn(&str) -> String,
) -> String {
    match &d.place {
        ir::Place::InCluster { workload, .. } => {
            let port = p
                .workload(workload)
                .and_then(|w| w.main_port())
                .map_or(9000, |p| p.port.value);
            format!("http://{}:{port}", host(workload))
        }
        ir::Place::External { endpoint, .. } => endpoint.clone(),
    }
}

/// The variables of a step that talks to `dests`, with `prefix` (`BACKUP_PREFIX`), sorted
/// by name.
pub(crate) fn vars(
    p: &ir::Platform,
    dests: &[&ir::Destination],
    host: &dyn Fn(&str) -> String,
    prefix: String,
) -> Vec<(String, Value)> {
    let mut out = vec![("BACKUP_PREFIX".to_owned(), Value::Literal(prefix))];
    for (d, var) in dests.iter().zip(["BACKUP", "COPY"]) {
        let text = |s: &str| Value::Literal(s.to_owned());
        out.push((
            format!("{var}_ENDPOINT"),
            Value::Literal(endpoint(p, d, host)),
        ));
        out.push((format!("{var}_BUCKET"), text(&d.bucket)));
        out.push((
            format!("{var}_ACCESS_KEY"),
            match &d.access_key {
                ir::AccessKey::Literal(k) => text(k),
                ir::AccessKey::Secret(s) => Value::Secret(s.clone()),
            },
        ));
        out.push((
            format!("{var}_SECRET_KEY"),
            Value::Secret(d.secret_key_secret.clone()),
        ));
        let (provider, region) = match &d.place {
            ir::Place::InCluster { .. } => ("Minio", None),
            ir::Place::External { region, .. } => ("Other", region.as_deref()),
        };
        out.push((format!("{var}_PROVIDER"), text(provider)));
        if let Some(r) = region {
            out.push((format!("{var}_REGION"), text(r)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The secrets `vars` reads.
pub(crate) fn secrets(vars: &[(String, Value)]) -> Vec<&str> {
    vars.iter()
        .filter_map(|(_, v)| match v {
            Value::Secret(s) => Some(s.as_str()),
            Value::Literal(_) => None,
        })
        .collect()
}
