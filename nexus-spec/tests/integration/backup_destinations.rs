//! Backup destinations (issue 13 item 3) on the real spec and on edits of it: resolved as
//! declared, and every mistake a diagnostic at the value written.

use nexus_spec::codes;
use nexus_spec::ir::{AccessKey, Place};
use nexus_spec::{Diagnostics, Spec};

fn text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/nexus.yaml");
    std::fs::read_to_string(path).expect("specs/nexus.yaml")
}

fn resolve(text: &str) -> Result<nexus_spec::ir::Platform, Diagnostics> {
    Spec::from_str("nexus.yaml", text)?.resolve("production")
}

/// `text` with `from` replaced (it must occur).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the spec has no {from:?}");
    text.replacen(from, to, 1)
}

/// The one error of `text`: its code, the line it points at, message and help.
fn error(text: &str) -> (&'static str, u32, String) {
    let d = resolve(text).expect_err("an error");
    let e = d
        .iter()
        .find(|e| e.severity == nexus_spec::Severity::Error)
        .expect("an error");
    let line = e.labels.first().map_or(0, |l| l.span.line);
    (
        e.code,
        line,
        format!("{} / {}", e.message, e.help.clone().unwrap_or_default()),
    )
}

fn line_of(text: &str, needle: &str) -> u32 {
    let at = text.find(needle).expect("needle");
    u32::try_from(text[..at].matches('\n').count() + 1).expect("line")
}

#[test]
fn the_nexus_spec_copies_every_backup_in_the_cluster_and_off_site() {
    let p = resolve(&text()).expect("resolves");
    let names: Vec<&str> = p
        .backup_destinations
        .iter()
        .map(|d| d.name.value.as_str())
        .collect();
    assert_eq!(names, ["minio", "offsite"]);
    let minio = p.backup_destination("minio").expect("minio");
    assert!(minio.managed());
    assert_eq!(minio.access_key, AccessKey::Literal("nexus-backup".into()));
    assert_eq!(minio.object_lock_days, Some(7));
    assert_eq!(
        minio.app.as_ref().map(|a| a.bucket.as_str()),
        Some("nexus-files")
    );
    let offsite = p.backup_destination("offsite").expect("offsite");
    assert!(
        matches!(&offsite.place, Place::External { endpoint, region: Some(r) }
        if endpoint == "https://s3.eu-west-1.amazonaws.com" && r == "eu-west-1")
    );
    assert_eq!(
        offsite.access_key,
        AccessKey::Secret("offsite-backup-access-key".into())
    );
    // What lint counts as used (NX-SEC-005): both keys off-site, the user's and the
    // application's passwords in the cluster.
    assert_eq!(
        offsite.secrets(),
        ["offsite-backup-secret-key", "offsite-backup-access-key"]
    );
    assert_eq!(
        minio.secrets(),
        [
            "minio-backup-password",
            "minio-app-password",
            "minio-snapshots-password"
        ]
    );
    let es = minio
        .snapshot_user("elasticsearch")
        .expect("a snapshot user");
    assert_eq!(es.user, "elasticsearch-snapshots");
    assert!(offsite.snapshot_users.is_empty());
    for w in p.workloads.iter().filter(|w| w.backup.is_some()) {
        let b = w.backup.as_ref().expect("backup");
        let d: Vec<&str> = b.destinations.iter().map(|d| d.value.as_str()).collect();
        assert_eq!(d, ["minio", "offsite"], "{}", w.name.value);
    }
}

#[test]
fn an_unknown_destination_is_named_with_a_suggestion() {
    let t = edit(
        &text(),
        "destinations: [minio, offsite]",
        "destinations: [minio, ofsite]",
    );
    let (code, line, msg) = error(&t);
    assert_eq!(code, codes::UNRESOLVED_REFERENCE);
    assert_eq!(line, line_of(&t, "destinations: [minio, ofsite]"));
    assert!(msg.contains("did you mean `offsite`"), "{msg}");
}

#[test]
fn an_off_site_endpoint_is_an_https_host() {
    for bad in [
        "http://s3.eu-west-1.amazonaws.com",
        "https://s3.eu-west-1.amazonaws.com/nexus",
        "https://user@s3.example.com",
        "https://s3.example.com:99999",
        "s3.example.com",
    ] {
        let t = edit(
            &text(),
            "endpoint: https://s3.eu-west-1.amazonaws.com",
            &format!("endpoint: \"{bad}\""),
        );
        let (code, line, msg) = error(&t);
        assert_eq!(code, codes::INVALID_VALUE, "{bad}: {msg}");
        assert_eq!(line, line_of(&t, "endpoint: \""), "{bad}");
    }
}

#[test]
fn destination_mistakes_are_errors_where_they_are_written() {
    let cases = [
        (
            "bucket: nexus-backups-offsite",
            "bucket: Nexus_Offsite",
            "Nexus_Offsite",
        ),
        (
            "destinations: [minio, offsite]",
            "destinations: [minio, offsite, minio]",
            "offsite, minio]",
        ),
        (
            "      region: eu-west-1\n",
            "      region: eu-west-1\n      objectLockDays: 7\n",
            "objectLockDays: 7\n      bucket: nexus-backups-off",
        ),
        (
            "accessKeySecret: offsite-backup-access-key",
            "accessKeySecret: offsite-key",
            "offsite-key",
        ),
        ("      minio: minio\n", "      minio: mino\n", "mino\n"),
        (
            "app: { bucket: nexus-files",
            "app: { bucket: nexus-backups",
            "nexus-backups, user",
        ),
    ];
    for (from, to, at) in cases {
        let t = edit(&text(), from, to);
        let (code, line, msg) = error(&t);
        assert!(
            [
                codes::INVALID_VALUE,
                codes::DUPLICATE_NAME,
                codes::UNKNOWN_SECRET,
                codes::UNRESOLVED_REFERENCE
            ]
            .contains(&code),
            "{to}: {code} {msg}"
        );
        assert_eq!(line, line_of(&t, at), "{to}: {msg}");
    }
}

#[test]
fn a_backed_up_elasticsearch_needs_its_snapshot_user_on_the_in_cluster_store() {
    let line =
        "      snapshotUsers: { elasticsearch: { passwordSecret: minio-snapshots-password } }\n";
    let t = edit(&text(), line, "");
    let (code, at, msg) = error(&t);
    assert_eq!(code, codes::INVALID_VALUE);
    let es = t.find("    elasticsearch:\n").expect("elasticsearch");
    let dests = t[es..]
        .find("destinations: [minio")
        .expect("its destinations")
        + es;
    let expected = u32::try_from(t[..dests].matches('\n').count() + 1).expect("line");
    assert_eq!(at, expected, "{msg}");
    assert!(msg.contains("snapshotUsers: { elasticsearch:"), "{msg}");

    // A name that is no Elasticsearch: an unresolved reference there (and the
    // Elasticsearch still lacks its user).
    let t = edit(
        &text(),
        "snapshotUsers: { elasticsearch:",
        "snapshotUsers: { elastic:",
    );
    let d = resolve(&t).expect_err("errors");
    let e = d
        .iter()
        .find(|e| e.code == codes::UNRESOLVED_REFERENCE)
        .expect("an unresolved reference");
    let at = e.labels.first().map_or(0, |l| l.span.line);
    assert_eq!(at, line_of(&t, "elastic: {"), "{}", e.message);
    let help = e.help.clone().unwrap_or_default();
    assert!(
        format!("{} {help}", e.message).contains("elasticsearch"),
        "{} / {help}",
        e.message
    );
}

#[test]
fn naming_the_minio_itself_still_works_with_its_root_user() {
    let t = text();
    let start = t.find("  backupDestinations:").expect("block");
    let end = t[start..].find("\n\n").expect("end") + start;
    let t = format!("{}{}", &t[..start], &t[end + 2..])
        .replace("destinations: [minio, offsite]", "destination: minio");
    let p = resolve(&t).expect("resolves");
    let d = p.backup_destination("minio").expect("the MinIO itself");
    assert!(!d.managed());
    assert_eq!(d.bucket, "nexus-backups");
    assert_eq!(d.secret_key_secret, "minio-password");
}
