//! Least privilege on a real S3 server (issue 13 item 3): moto's server mode with IAM
//! enforced (`INITIAL_NO_AUTH_ACTION_COUNT`: after that many requests, every request must
//! be signed by a known access key and allowed by its user's policies). Two servers stand
//! for the in-cluster MinIO and the off-site store of `specs/nexus.yaml`'s production
//! environment. Everything MinIO's setup step makes is made from the **rendered** files of
//! the setup ConfigMap: the backup and application policies as the users' policies, the
//! lifecycle rules through `PutBucketLifecycleConfiguration`, object lock from the Job's
//! `LOCK_DAYS`. Then the **rendered** `upload.sh` (with `rclone.sh`, mounted at `/scripts`
//! in a bubblewrap sandbox as in the pod) runs with the backup users' keys and the CronJob's
//! literal variables; only the endpoints and the keys differ (moto issues its own access key
//! ids, where MinIO's access key is the user name).
//!
//! Asserted: the dump reaches both buckets; the backup user cannot delete it on either;
//! the backend user cannot list, read or write the backup bucket and can use its own;
//! Elasticsearch's snapshot user (its rendered policy) writes, reads and deletes under its
//! repository's prefix and cannot read, write or delete beside it.
//! Every process started is killed by its guard, also when the test fails.

use crate::support::engine as engine_support;
use crate::support::k8s::{literals, object};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use engine_support::sandbox::Guard;
use serde_json::Value;

const TEST: &str = "object_store_iam";

/// What MinIO's setup does, with boto3 as the root account (requests before IAM is
/// enforced), then probes with a bogus key until the server refuses it (so the count of
/// unauthenticated requests need not be exact). Prints the users' keys as JSON.
const SETUP: &str = r#"
import json, sys, boto3, botocore
a, b, backup_bucket, offsite_bucket, app_bucket, lock_days, backup_policy, app_policy, lifecycle, snapshots_policy = sys.argv[1:11]
def c(kind, url, key="root", secret="root"):
    return boto3.client(kind, endpoint_url=url, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret)
def user(url, name, policy):
    iam = c("iam", url)
    arn = iam.create_policy(PolicyName=name, PolicyDocument=policy)["Policy"]["Arn"]
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return {"id": k["AccessKeyId"], "secret": k["SecretAccessKey"]}
s3 = c("s3", a)
if lock_days:
    s3.create_bucket(Bucket=backup_bucket, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=backup_bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": int(lock_days)}}})
else:
    s3.create_bucket(Bucket=backup_bucket)
s3.put_bucket_versioning(Bucket=backup_bucket, VersioningConfiguration={"Status": "Enabled"})
rules = json.load(open(lifecycle))
s3.put_bucket_lifecycle_configuration(Bucket=backup_bucket, LifecycleConfiguration=rules)
stored = s3.get_bucket_lifecycle_configuration(Bucket=backup_bucket)["Rules"]
assert len(stored) == len(rules["Rules"]), (stored, rules)
s3.create_bucket(Bucket=app_bucket)
text = open(backup_policy).read()
keys = {"backup": user(a, "nexus-backup", text), "app": user(a, "nexus-backend", open(app_policy).read()),
    "snapshots": user(a, "elasticsearch-snapshots", open(snapshots_policy).read())}
s3b = c("s3", b)
s3b.create_bucket(Bucket=offsite_bucket)
s3b.put_bucket_versioning(Bucket=offsite_bucket, VersioningConfiguration={"Status": "Enabled"})
# The off-site writer's policy: the runbook asks for the backup user's, on that bucket.
keys["offsite"] = user(b, "offsite-writer", text.replace(f":::{backup_bucket}", f":::{offsite_bucket}"))
keys["lifecycle_rules"] = len(stored)
for url in (a, b):
    for _ in range(40):
        try:
            c("s3", url, "AKIABOGUSBOGUSBOGUS0", "bogus").list_buckets()
        except botocore.exceptions.ClientError:
            break
    else:
        sys.exit(f"{url} does not enforce IAM")
print(json.dumps(keys))
"#;

/// The backup writer's view of its bucket, printed as `operation: result` lines.
const WRITER: &str = r#"
import sys, boto3, botocore
url, key, secret, bucket, name = sys.argv[1:6]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
    aws_access_key_id=key, aws_secret_access_key=secret)
def t(label, f):
    try:
        print(f"{label}: {f()}")
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        print(f"{label}: {'denied' if code in ('AccessDenied', '403') else code}")
t("list", lambda: "ok" if any(o["Key"] == name for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) else "missing")
t("read", lambda: s3.get_object(Bucket=bucket, Key=name)["Body"].read().decode())
t("delete", lambda: s3.delete_object(Bucket=bucket, Key=name) and "ok")
version = s3.head_object(Bucket=bucket, Key=name).get("VersionId", "null")
t("delete version", lambda: s3.delete_object(Bucket=bucket, Key=name, VersionId=version) and "ok")
t("read after", lambda: s3.get_object(Bucket=bucket, Key=name)["Body"].read().decode())
"#;

/// The start of a user's probe script: an S3 client from `url`, `key` and `secret`, and
/// `t(name, f)`, which prints `name: ok`, `name: denied` or the error's code.
macro_rules! probe {
    () => {
        r#"s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
    aws_access_key_id=key, aws_secret_access_key=secret)
def t(name, f):
    try:
        f()
        print(f"{name}: ok")
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        print(f"{name}: {'denied' if code in ('AccessDenied', '403') else code}")"#
    };
}

/// The backend user's view, printed as `operation: ok|denied` lines.
const APP: &str = concat!(
    r#"
import sys, boto3, botocore
url, key, secret, backup_bucket, app_bucket, backup_object = sys.argv[1:7]
"#,
    probe!(),
    r#"
t("list backups", lambda: s3.list_objects_v2(Bucket=backup_bucket))
t("read backup", lambda: s3.get_object(Bucket=backup_bucket, Key=backup_object)["Body"].read())
t("write backups", lambda: s3.put_object(Bucket=backup_bucket, Key="x", Body=b"x"))
t("write own", lambda: s3.put_object(Bucket=app_bucket, Key="doc", Body=b"evidence"))
t("list own", lambda: s3.list_objects_v2(Bucket=app_bucket))
t("read own", lambda: s3.get_object(Bucket=app_bucket, Key="doc")["Body"].read())
t("delete own", lambda: s3.delete_object(Bucket=app_bucket, Key="doc"))
"#
);

/// The snapshot repository user's view (Elasticsearch's S3 client), printed as
/// `operation: ok|denied` lines: its prefix, then the bucket outside it.
const SNAPSHOTS: &str = concat!(
    r#"
import sys, boto3, botocore
url, key, secret, bucket, prefix, backup_object = sys.argv[1:7]
"#,
    probe!(),
    r#"
blob = f"{prefix}/tests-verify/master.dat"
t("write own", lambda: s3.put_object(Bucket=bucket, Key=blob, Body=b"verify"))
t("read own", lambda: s3.get_object(Bucket=bucket, Key=blob)["Body"].read())
t("delete own", lambda: s3.delete_object(Bucket=bucket, Key=blob))
t("read backup", lambda: s3.get_object(Bucket=bucket, Key=backup_object)["Body"].read())
t("write beside", lambda: s3.put_object(Bucket=bucket, Key=backup_object + ".x", Body=b"x"))
t("delete backup", lambda: s3.delete_object(Bucket=bucket, Key=backup_object))
"#
);

/// What moto (werkzeug) prints once it listens; the port follows.
const LISTENING: &str = "Running on http://127.0.0.1:";

/// A moto server on loopback with IAM enforced after `count` requests. The server binds a
/// port of its own choosing (`-p 0`) and the port is read from its log: a port chosen here
/// and released before a Python server binds it seconds later could be taken meanwhile by
/// any other test of this binary. Werkzeug logs the line once its socket listens, so the
/// server accepts from then on.
fn moto(server: &Path, dir: &Path, name: &str, count: u32) -> (Guard, String) {
    let mut cmd = Command::new(server);
    cmd.args(["-H", "127.0.0.1", "-p", "0"])
        .current_dir(dir)
        .env("INITIAL_NO_AUTH_ACTION_COUNT", count.to_string());
    let mut guard = Guard::spawn(name, cmd, &dir.join(format!("{name}.log")));
    let start = Instant::now();
    loop {
        let log = guard.output();
        // The whole line: a log read while it is being written could end inside the port.
        let port = log.split_once(LISTENING).and_then(|(_, rest)| {
            let (line, _) = rest.split_once('\n')?;
            line.trim_end().parse::<u16>().ok()
        });
        if let Some(port) = port {
            return (guard, format!("http://127.0.0.1:{port}"));
        }
        assert!(
            guard.exited().is_none() && start.elapsed() < Duration::from_secs(30),
            "{name} does not listen:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn python(venv_bin: &Path, script: &str, args: &[&str]) -> (bool, String) {
    let o = Command::new(venv_bin.join("python"))
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

fn data<'a>(cm: &'a Value, key: &str) -> &'a str {
    cm["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key}"))
}

/// Runs `/scripts/<script>.sh` (or `rclone` args) in a sandbox where `scripts` is mounted at
/// `/scripts` and `backup` at `/backup`, with exactly `env`.
fn sandboxed(
    bwrap: &Path,
    dir: &Path,
    env: &[(String, String)],
    argv: &[&str],
) -> (Option<i32>, String) {
    let mut args: Vec<String> = vec!["--tmpfs".into(), "/".into()];
    for d in ["/usr", "/etc"] {
        args.extend(["--ro-bind".into(), d.into(), d.into()]);
    }
    for l in ["bin", "lib", "lib64", "sbin"] {
        let p = PathBuf::from("/").join(l);
        match std::fs::read_link(&p) {
            Ok(target) => args.extend([
                "--symlink".into(),
                target.display().to_string(),
                p.display().to_string(),
            ]),
            Err(_) if p.exists() => args.extend([
                "--ro-bind".into(),
                p.display().to_string(),
                p.display().to_string(),
            ]),
            Err(_) => {}
        }
    }
    args.extend([
        "--proc".into(),
        "/proc".into(),
        "--dev".into(),
        "/dev".into(),
    ]);
    args.extend(["--tmpfs".into(), "/tmp".into()]);
    for (from, to) in [("scripts", "/scripts"), ("backup", "/backup")] {
        args.extend([
            "--bind".into(),
            dir.join(from).display().to_string(),
            to.into(),
        ]);
    }
    args.extend(["--die-with-parent".into(), "--clearenv".into()]);
    let mut all = env.to_vec();
    all.push(("HOME".into(), "/tmp".into()));
    all.push(("PATH".into(), "/usr/bin:/bin".into()));
    for (k, v) in all {
        args.extend(["--setenv".into(), k, v]);
    }
    args.extend(argv.iter().map(|a| (*a).to_owned()));
    let mut cmd = Command::new(bwrap);
    cmd.args(&args);
    let mut g = Guard::spawn(argv.join(" ").as_str(), cmd, &dir.join("step.log"));
    let code = g.wait(Duration::from_secs(120));
    (code, g.output())
}

#[test]
fn backup_user_writes_both_copies_and_cannot_delete_backend_user_stays_in_its_bucket() {
    let Some(tools) = engine_support::tools(TEST) else {
        return;
    };
    let (Some(server), Some(_rclone)) = (tools.s3_server.clone(), tools.rclone.clone()) else {
        engine_support::skip(TEST, "no moto_server or rclone under /usr");
        return;
    };
    let venv_bin = server.parent().expect("moto's venv").to_path_buf();
    if !venv_bin.join("python").is_file() {
        engine_support::skip(TEST, "moto_server has no python beside it (its venv)");
        return;
    }
    let spec = nexus_spec::Spec::from_path(&engine_support::repo_root().join("specs/nexus.yaml"))
        .expect("loads");
    let r = engine_support::render_spec(&spec, "production");
    let docs = r.k8s;
    let setup_cm = object(&docs, "ConfigMap", "minio-setup");
    let setup_job = object(&docs, "Job", "minio-setup");
    let setup_env = literals(&setup_job["spec"]["template"]["spec"]["containers"][0]);
    let var = |env: &[(String, String)], k: &str| {
        env.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no literal {k}"))
    };
    let backup_bucket = var(&setup_env, "BACKUP_BUCKET");
    let app_bucket = var(&setup_env, "APP_BUCKET");
    let lock_days = setup_env
        .iter()
        .find(|(n, _)| n == "LOCK_DAYS")
        .map_or(String::new(), |(_, v)| v.clone());
    let scripts = object(&docs, "ConfigMap", "postgres-backup");
    let cron = object(&docs, "CronJob", "postgres-backup-full");
    let pod = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    let upload = pod["containers"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "upload"))
        .expect("the upload container");
    let upload_env = literals(upload);
    let offsite_bucket = var(&upload_env, "COPY_BUCKET");
    let prefix = var(&upload_env, "BACKUP_PREFIX");

    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    for sub in ["scripts", "backup", "setup"] {
        std::fs::create_dir_all(d.join(sub)).expect("mkdir");
    }
    let snapshot_user = var(&setup_env, "SNAPSHOT_USER_1");
    let snapshots_policy = format!("{snapshot_user}-policy.json");
    for f in [
        "backup-policy.json",
        "app-policy.json",
        "lifecycle.json",
        snapshots_policy.as_str(),
    ] {
        std::fs::write(d.join("setup").join(f), data(setup_cm, f)).expect("write");
    }
    for f in ["rclone.sh", "upload.sh"] {
        std::fs::write(d.join("scripts").join(f), data(scripts, f)).expect("write");
    }
    let dump = "base-20260131T020000Z.tar.gz";
    std::fs::write(d.join("backup").join(dump), b"a base backup").expect("write");

    let (_a, url_a) = moto(&server, d, "in-cluster", 24);
    let (_b, url_b) = moto(&server, d, "off-site", 16);
    let setup = |f: &str| d.join("setup").join(f).display().to_string();
    let (ok, out) = python(
        &venv_bin,
        SETUP,
        &[
            &url_a,
            &url_b,
            &backup_bucket,
            &offsite_bucket,
            &app_bucket,
            &lock_days,
            &setup("backup-policy.json"),
            &setup("app-policy.json"),
            &setup("lifecycle.json"),
            &setup(&snapshots_policy),
        ],
    );
    assert!(
        ok,
        "the setup (rendered policies and lifecycle rules) fails:\n{out}"
    );
    let keys: Value = serde_json::from_str(out.lines().last().unwrap_or("")).expect("keys");
    eprintln!(
        "{TEST}: {} lifecycle rules accepted",
        keys["lifecycle_rules"]
    );
    let key = |who: &str, what: &str| keys[who][what].as_str().expect("key").to_owned();

    // The CronJob's literal variables, with this machine's endpoints and moto's keys.
    let mut env: Vec<(String, String)> = upload_env
        .into_iter()
        .filter(|(n, _)| !n.ends_with("_ENDPOINT") && !n.ends_with("_ACCESS_KEY"))
        .collect();
    env.extend([
        ("BACKUP_ENDPOINT".into(), url_a.clone()),
        ("BACKUP_ACCESS_KEY".into(), key("backup", "id")),
        ("BACKUP_SECRET_KEY".into(), key("backup", "secret")),
        ("COPY_ENDPOINT".into(), url_b.clone()),
        ("COPY_ACCESS_KEY".into(), key("offsite", "id")),
        ("COPY_SECRET_KEY".into(), key("offsite", "secret")),
    ]);
    let (code, out) = sandboxed(&tools.bwrap, d, &env, &["/bin/sh", "/scripts/upload.sh"]);
    assert_eq!(code, Some(0), "the rendered upload.sh fails:\n{out}");

    // Both copies are there, read with the writer's own keys (it may list and read), and
    // it cannot delete them (moto checks rclone's listing signatures differently from
    // MinIO, so these checks use boto3).
    let object = format!("{prefix}/{dump}");
    for (url, bucket, who) in [
        (&url_a, &backup_bucket, "backup"),
        (&url_b, &offsite_bucket, "offsite"),
    ] {
        let (ok, out) = python(
            &venv_bin,
            WRITER,
            &[url, &key(who, "id"), &key(who, "secret"), bucket, &object],
        );
        assert!(ok, "{out}");
        let got: Vec<&str> = out.lines().filter(|l| l.contains(": ")).collect();
        assert_eq!(
            got,
            [
                "list: ok",
                "read: a base backup",
                "delete: denied",
                "delete version: denied",
                "read after: a base backup",
            ],
            "{who} on {url}:\n{out}"
        );
    }

    // The backend's user: its bucket only.
    let (ok, out) = python(
        &venv_bin,
        APP,
        &[
            &url_a,
            &key("app", "id"),
            &key("app", "secret"),
            &backup_bucket,
            &app_bucket,
            &format!("{prefix}/{dump}"),
        ],
    );
    assert!(ok, "{out}");
    let got: Vec<&str> = out.lines().filter(|l| l.contains(": ")).collect();
    assert_eq!(
        got,
        [
            "list backups: denied",
            "read backup: denied",
            "write backups: denied",
            "write own: ok",
            "list own: ok",
            "read own: ok",
            "delete own: ok",
        ],
        "{out}"
    );

    // Elasticsearch's snapshot user: everything under its repository's prefix, deletes
    // included; nothing beside it (the backup copied above stays). Listing is not probed:
    // moto ignores the policy's `s3:prefix` condition (a listing of the whole bucket is
    // allowed) and refuses the signature of a listing with a prefix holding `/`; the
    // condition is checked by `minio_setup`'s unit test.
    let ns = prefix.split('/').next().expect("the namespace");
    let repository = format!("{ns}/elasticsearch/snapshots");
    let (ok, out) = python(
        &venv_bin,
        SNAPSHOTS,
        &[
            &url_a,
            &key("snapshots", "id"),
            &key("snapshots", "secret"),
            &backup_bucket,
            &repository,
            &object,
        ],
    );
    assert!(ok, "{out}");
    let got: Vec<&str> = out.lines().filter(|l| l.contains(": ")).collect();
    assert_eq!(
        got,
        [
            "write own: ok",
            "read own: ok",
            "delete own: ok",
            "read backup: denied",
            "write beside: denied",
            "delete backup: denied",
        ],
        "{out}"
    );
    // The backup is still there, read by its writer.
    let (ok, out) = python(
        &venv_bin,
        WRITER,
        &[
            &url_a,
            &key("backup", "id"),
            &key("backup", "secret"),
            &backup_bucket,
            &object,
        ],
    );
    assert!(ok && out.contains("read: a base backup"), "{out}");
}
