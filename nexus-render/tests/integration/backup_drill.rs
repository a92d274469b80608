//! The restore drill (issue 13): PostgreSQL 15 and Redis from the machine's Debian packages,
//! an S3-compatible server from PyPI (moto) standing in for MinIO, and rclone from Debian
//! standing in for the rclone image, all driven by the Kubernetes target's rendered objects
//! in the pod sandboxes of `engine_support`: the server's pod with its WAL shipper, the
//! backup CronJob's pod, the restore Job's pod, and the server's pod again on the restored
//! volume. Every command that touches the data is the rendered text (the server's
//! arguments with its `archive_command`, `dump.sh`, `upload.sh`, `ship.sh`, `fetch.sh`,
//! `restore.sh`); the test only writes rows, reads them back, and sets
//! `RESTORE_TARGET_TIME` in the restore Job as the runbook says to.
//!
//! All pods share one network namespace (one address, as cluster DNS would resolve every
//! service name to a pod); the object store listens there on the MinIO port. Every process
//! started is stopped by its guard when the test ends, passing or failing.

use crate::support::engine as engine_support;

use std::time::{Duration, Instant};

use engine_support::objects::SecretValues;
use engine_support::pod::{POD_IP, Pod};
use engine_support::sandbox::Guard;
use engine_support::{Tools, probe};
use serde_json::Value;

const SPEC: &str = r#"
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: drill, version: 1.0.0 }
spec:
  secrets:
    postgres-password: { description: Password of the app role. }
    redis-password: { description: Password Redis requires. }
    store-password: { description: Secret key of the object store. }
  backingServices:
    postgres:
      engine: postgres
      version: "15"
      credentials: { user: app, passwordSecret: postgres-password }
      database: orders
      resources:
        requests: { cpu: 250m, memory: 512Mi }
        limits: { cpu: "1", memory: 512Mi }
      storage: { size: 1Gi }
      backup:
        incremental: "0 * * * *"
        full: "0 2 * * *"
        retention: { incremental: 24, full: 7 }
        destination: store
        rpo: 1h
        rto: 4h
    redis:
      engine: redis
      version: "7"
      credentials: { passwordSecret: redis-password }
      resources:
        requests: { cpu: 100m, memory: 256Mi }
        limits: { cpu: 500m, memory: 256Mi }
      storage: { size: 1Gi }
      backup:
        incremental: "*/30 * * * *"
        full: "0 2 * * *"
        destination: store
        rpo: 1h
    store:
      engine: minio
      version: RELEASE.2024-06-13T22-53-53Z
      credentials: { user: backup, passwordSecret: store-password }
      database: backups
      resources:
        requests: { cpu: 250m, memory: 512Mi }
        limits: { cpu: 500m, memory: 512Mi }
      storage: { size: 5Gi }
  environments:
    test: {}
"#;

const PASSWORD: &str = r#"p@ss "w'rd\ $(HOME) ;x"#;

fn secrets() -> SecretValues {
    ["postgres-password", "redis-password", "store-password"]
        .into_iter()
        .map(|s| ((s.to_owned(), String::new()), PASSWORD.to_owned()))
        .collect()
}

/// The drill's tools, or `None` after saying why it cannot run.
fn drill_tools(test: &str) -> Option<Tools> {
    let tools = engine_support::tools(test)?;
    if tools.s3_server.is_none() {
        engine_support::skip(
            test,
            "no S3-compatible server (moto_server, $NEXUS_S3_SERVER)",
        );
        return None;
    }
    if tools.rclone.is_none() {
        engine_support::skip(test, "no rclone under /usr ($NEXUS_RCLONE)");
        return None;
    }
    Some(tools)
}

/// A rendered container's literal env value.
fn env_value(docs: &[Value], object: &str, container: &str, var: &str) -> String {
    let w = engine_support::objects::Workload::find(docs, object);
    engine_support::objects::list(&w.container(container)["env"])
        .iter()
        .find(|e| e["name"] == var)
        .and_then(|e| e["value"].as_str())
        .unwrap_or_else(|| panic!("{object}/{container} has no literal {var}"))
        .to_owned()
}

/// Sets a literal env value of a rendered Job's containers (the runbook's edit).
fn set_env(docs: &mut [Value], object: &str, var: &str, value: &str) {
    let job = docs
        .iter_mut()
        .find(|d| d["kind"] == "Job" && d["metadata"]["name"] == object)
        .expect("the Job");
    let pod = &mut job["spec"]["template"]["spec"];
    for list in ["initContainers", "containers"] {
        for c in pod[list].as_array_mut().into_iter().flatten() {
            for e in c["env"].as_array_mut().into_iter().flatten() {
                if e["name"] == var {
                    e["value"] = Value::String(value.to_owned());
                }
            }
        }
    }
}

/// The object store on the pod network, with the bucket made as MinIO's setup makes it
/// (versioning on), and a way to list what is stored.
struct Store {
    guard: Guard,
    env: Vec<(String, String)>,
    bucket: String,
    rclone: std::path::PathBuf,
}

impl Store {
    fn start(tools: &Tools, pod: &Pod, docs: &[Value], workload: &str) -> Store {
        let cron = format!("{workload}-backup-full");
        let endpoint = env_value(docs, &cron, "upload", "BACKUP_ENDPOINT");
        let port = endpoint.rsplit(':').next().expect("a port").to_owned();
        let server = tools.s3_server.clone().expect("checked");
        let guard = pod.spawn_on_network(
            "object store",
            &server,
            &["-H".into(), POD_IP.into(), "-p".into(), port],
            &[],
        );
        let env = vec![
            ("RCLONE_CONFIG_DEST_TYPE".to_owned(), "s3".to_owned()),
            ("RCLONE_CONFIG_DEST_PROVIDER".to_owned(), "Minio".to_owned()),
            (
                "RCLONE_CONFIG_DEST_ENDPOINT".to_owned(),
                format!("http://{POD_IP}:{}", endpoint.rsplit(':').next().unwrap()),
            ),
            (
                "RCLONE_CONFIG_DEST_ACCESS_KEY_ID".to_owned(),
                "x".to_owned(),
            ),
            (
                "RCLONE_CONFIG_DEST_SECRET_ACCESS_KEY".to_owned(),
                "x".to_owned(),
            ),
        ];
        let store = Store {
            guard,
            env,
            bucket: env_value(docs, &cron, "upload", "BACKUP_BUCKET"),
            rclone: tools.rclone.clone().expect("checked"),
        };
        let start = Instant::now();
        while store
            .rclone(pod, &["mkdir", &format!("dest:{}", store.bucket)])
            .is_err()
        {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the object store does not answer:\n{}",
                store.guard.output()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        let versioning = [
            "backend",
            "versioning",
            &format!("dest:{}", store.bucket),
            "Enabled",
        ];
        store.rclone(pod, &versioning).expect("versioning");
        store
    }

    fn rclone(&self, pod: &Pod, args: &[&str]) -> Result<String, String> {
        let mut argv: Vec<String> = vec!["--config".into(), "/dev/null".into()];
        argv.extend(args.iter().map(|a| a.to_string()));
        let mut g = pod.spawn_on_network("rclone", &self.rclone, &argv, &self.env);
        let code = g.wait(Duration::from_secs(30));
        let out = g.output();
        if code == Some(0) { Ok(out) } else { Err(out) }
    }

    /// Every object under the bucket, recursively.
    fn list(&self, pod: &Pod) -> Vec<String> {
        self.rclone(
            pod,
            &[
                "lsf",
                "-R",
                "--files-only",
                &format!("dest:{}", self.bucket),
            ],
        )
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
    }
}

/// The cluster DNS names the rendered objects use, all pointing at the pod network.
fn cluster_hosts(docs: &[Value], workload: &str) -> Vec<String> {
    let cron = format!("{workload}-backup-full");
    let endpoint = env_value(docs, &cron, "upload", "BACKUP_ENDPOINT");
    let store = endpoint
        .trim_start_matches("http://")
        .split(':')
        .next()
        .expect("a host")
        .to_owned();
    vec![env_value(docs, &cron, "dump", "BACKUP_HOST"), store]
}

fn pod_beside<'a>(
    tools: &Tools,
    docs: &'a [Value],
    name: &str,
    net: &Pod,
    hosts: &[String],
) -> Pod<'a> {
    let pod = Pod::new_beside(tools, docs, name, secrets(), net);
    pod.add_hosts(hosts);
    pod
}

/// Runs a Job's (or CronJob's) pod to completion; panics with its log unless it succeeds.
fn run_job(tools: &Tools, docs: &[Value], name: &str, net: &Pod, hosts: &[String]) -> String {
    let mut job = pod_beside(tools, docs, name, net, hosts);
    let o = job.run_to_completion(Duration::from_secs(180));
    assert!(o.ok(), "{name} fails ({:?}):\n{}", o.code, o.output);
    eprintln!("{name}: done in {:?}", o.took);
    o.output
}

/// Brings up a rendered server pod, its data volume filled from `data` when given.
fn server<'a>(
    tools: &Tools,
    docs: &'a [Value],
    name: &str,
    net: Option<&Pod>,
    hosts: &[String],
    data: Option<&std::path::Path>,
) -> Pod<'a> {
    let mut pod = match net {
        Some(n) => pod_beside(tools, docs, name, n, hosts),
        None => {
            let p = Pod::new(tools, docs, name, secrets());
            p.add_hosts(hosts);
            p
        }
    };
    if let Some(from) = data {
        let ok = std::process::Command::new("cp")
            .arg("-a")
            .arg(from.join("."))
            .arg(pod.volume("data"))
            .status()
            .expect("cp");
        assert!(ok.success(), "copying the restored volume");
    }
    pod.run_init_containers(Duration::from_secs(30));
    pod.start();
    let t = probe::wait_ready(&mut pod, probe::ENGINE_START);
    eprintln!("{name}: ready after {t:?}");
    pod
}

fn sql(pod: &Pod, statements: &str) -> String {
    let o = pod.exec(&[
        "sh",
        "-c",
        &format!(
            r#"psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -XAtq -c "{statements}""#
        ),
    ]);
    assert!(o.ok(), "psql fails on {statements}:\n{}", o.output);
    o.output.trim().to_owned()
}

fn utc_now() -> String {
    let o = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// The PostgreSQL drill on `docs`: the rows restored to a point in time between the second
/// and the third batch, as `batch|count` lines.
fn postgres_drill(tools: &Tools, docs: Vec<Value>) -> String {
    let hosts = cluster_hosts(&docs, "postgres");
    let mut db = server(tools, &docs, "postgres", None, &hosts, None);
    let store = Store::start(tools, &db, &docs, "postgres");
    db.start_container("wal-ship");

    sql(
        &db,
        "create table t(batch int, n int); insert into t select 1, g from generate_series(1, 100) g",
    );
    run_job(tools, &docs, "postgres-backup-full", &db, &hosts);
    sql(
        &db,
        "insert into t select 2, g from generate_series(1, 50) g",
    );
    std::thread::sleep(Duration::from_millis(1100));
    let target = utc_now();
    std::thread::sleep(Duration::from_millis(1100));
    sql(
        &db,
        "insert into t select 3, g from generate_series(1, 25) g",
    );
    let segment = sql(&db, "select pg_walfile_name(pg_switch_wal())");
    eprintln!("postgres: target {target}, last segment {segment}");

    // The shipper moves the segment within its interval.
    let start = Instant::now();
    while !store
        .list(&db)
        .iter()
        .any(|o| o.ends_with(&format!("wal/{segment}")))
    {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "segment {segment} not shipped; stored: {:?}\nshipper log:\n{}",
            store.list(&db),
            db.container_log("wal-ship")
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    eprintln!("postgres: stored {:?}", store.list(&db));

    // The disaster: the server is gone and so is its volume.
    db.stop();
    let data = db.volume("data");
    for entry in std::fs::read_dir(&data).expect("data") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            std::fs::remove_dir_all(&p).expect("rm");
        } else {
            std::fs::remove_file(&p).expect("rm");
        }
    }

    let mut edited = docs.clone();
    set_env(
        &mut edited,
        "postgres-restore",
        "RESTORE_TARGET_TIME",
        &target,
    );
    let mut job = pod_beside(tools, &edited, "postgres-restore", &db, &hosts);
    let o = job.run_to_completion(Duration::from_secs(180));
    assert!(o.ok(), "the restore fails ({:?}):\n{}", o.code, o.output);
    eprintln!(
        "postgres-restore: {}",
        o.output.lines().last().unwrap_or("")
    );
    let restored = server(
        tools,
        &docs,
        "postgres",
        Some(&db),
        &hosts,
        Some(&job.volume("data")),
    );
    let rows = sql(
        &restored,
        "select batch, count(*) from t group by batch order by batch",
    );
    drop(store);
    rows
}

#[test]
fn postgres_restores_to_a_point_in_time() {
    let Some(tools) = drill_tools("backup_drill/postgres") else {
        return;
    };
    let started = Instant::now();
    let r = engine_support::render("drill.yaml", SPEC, "test");
    let rows = postgres_drill(&tools, r.k8s);
    assert_eq!(
        rows, "1|100\n2|50",
        "exactly the rows written before the target time"
    );
    eprintln!("postgres drill: {:?}", started.elapsed());
}

/// The drill catches a restore that does not stop at the target: the rendered `restore.sh`
/// with its target line taken out replays everything, and the rows say so.
#[test]
fn a_restore_that_ignores_the_target_is_caught() {
    let Some(tools) = drill_tools("backup_drill/broken") else {
        return;
    };
    let r = engine_support::render("drill.yaml", SPEC, "test");
    let mut docs = r.k8s;
    let scripts = docs
        .iter_mut()
        .find(|d| d["kind"] == "ConfigMap" && d["metadata"]["name"] == "postgres-backup")
        .expect("the scripts ConfigMap");
    let text = scripts["data"]["restore.sh"]
        .as_str()
        .expect("restore.sh")
        .to_owned();
    let broken = text.replace(
        "recovery_target_time=$target",
        "recovery_target_inclusive=on",
    );
    assert_ne!(broken, text, "the restore script sets the target");
    scripts["data"]["restore.sh"] = Value::String(broken);
    let rows = postgres_drill(&tools, docs);
    assert_eq!(
        rows, "1|100\n2|50\n3|25",
        "the broken restore replays past the target"
    );
}

#[test]
fn redis_snapshot_round_trip() {
    let Some(tools) = drill_tools("backup_drill/redis") else {
        return;
    };
    let started = Instant::now();
    let r = engine_support::render("drill.yaml", SPEC, "test");
    redis_drill(&tools, r.k8s);
    eprintln!("redis drill: {:?}", started.elapsed());
}

/// The Redis drill on `docs`: 200 keys written, a snapshot taken, one more key written, the
/// volume lost, the restore run, and exactly the 200 keys back with the append-only file on.
fn redis_drill(tools: &Tools, docs: Vec<Value>) {
    let tools = tools.clone();
    let hosts = cluster_hosts(&docs, "redis");
    let mut cache = server(&tools, &docs, "redis", None, &hosts, None);
    let store = Store::start(&tools, &cache, &docs, "redis");
    let cli = |pod: &Pod, cmd: &str| {
        let o = pod.exec(&[
            "sh",
            "-c",
            &format!(r#"export REDISCLI_AUTH="$(cat "$REDIS_PASSWORD_FILE")"; {cmd}"#),
        ]);
        assert!(o.ok(), "redis-cli fails on {cmd}:\n{}", o.output);
        o.output.trim().to_owned()
    };
    cli(
        &cache,
        "for i in $(seq 1 200); do echo \"SET key:$i value-$i\"; done | redis-cli >/dev/null",
    );
    run_job(&tools, &docs, "redis-backup-full", &cache, &hosts);
    cli(&cache, "redis-cli set after-backup yes >/dev/null");
    eprintln!("redis: stored {:?}", store.list(&cache));

    cache.stop();
    let data = cache.volume("data");
    let _ = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "rm -rf '{}'/* '{}'/.[!.]*",
            data.display(),
            data.display()
        ))
        .status();

    let mut job = pod_beside(&tools, &docs, "redis-restore", &cache, &hosts);
    let o = job.run_to_completion(Duration::from_secs(120));
    assert!(o.ok(), "the restore fails ({:?}):\n{}", o.code, o.output);
    let restored = server(
        &tools,
        &docs,
        "redis",
        Some(&cache),
        &hosts,
        Some(&job.volume("data")),
    );
    assert_eq!(cli(&restored, "redis-cli dbsize"), "200");
    assert_eq!(cli(&restored, "redis-cli get key:137"), "value-137");
    assert_eq!(cli(&restored, "redis-cli exists after-backup"), "0");
    // The restored volume carries the append-only file, so the data survives a restart.
    assert_eq!(
        cli(&restored, "redis-cli config get appendonly | tail -n 1"),
        "yes"
    );
    drop(store);
}

// ---- The Compose restore path: the same drill with the scripts Compose renders ----

/// The Compose project's files, rendered from the drill's spec.
fn compose_files() -> std::collections::BTreeMap<String, String> {
    let spec = nexus_spec::Spec::from_str("drill.yaml", SPEC).expect("the drill spec loads");
    let platform = spec.resolve("test").expect("resolves");
    let plan = nexus_render::compose::render(&platform).expect("the Compose target renders");
    plan.files()
        .map(|(p, b)| (p.to_owned(), String::from_utf8(b.to_vec()).expect("UTF-8")))
        .collect()
}

/// `docs` with the scripts of `workload`'s backup pods replaced by the text of the Compose
/// output's `<workload>/scripts/` (every script the pods run must be there), after checking
/// that the Compose services store and fetch where the Kubernetes pods do.
fn with_compose_scripts(
    mut docs: Vec<Value>,
    compose: &Value,
    files: &std::collections::BTreeMap<String, String>,
    workload: &str,
) -> Vec<Value> {
    let vars = std::collections::BTreeMap::from([
        ("MINIO_PASSWORD".to_owned(), "x".to_owned()),
        ("STORE_PASSWORD".to_owned(), "x".to_owned()),
        ("POSTGRES_PASSWORD".to_owned(), "x".to_owned()),
        ("REDIS_PASSWORD".to_owned(), "x".to_owned()),
    ]);
    let env = |service: &str| -> std::collections::BTreeMap<String, String> {
        engine_support::compose::environment(
            engine_support::compose::service(compose, service),
            &vars,
        )
        .into_iter()
        .collect()
    };
    let fetch = env(&format!("{workload}-restore-fetch"));
    let upload = env(&format!("{workload}-backup-upload"));
    let restore_job = format!("{workload}-restore");
    for var in ["BACKUP_BUCKET", "BACKUP_PREFIX", "BACKUP_WAL"] {
        let w = engine_support::objects::Workload::find(&docs, &restore_job);
        let k8s = engine_support::objects::list(&w.container("fetch")["env"])
            .iter()
            .find(|e| e["name"] == var)
            .and_then(|e| e["value"].as_str())
            .map(str::to_owned);
        assert_eq!(
            fetch.get(var),
            k8s.as_ref(),
            "{var}: the Compose fetch reads where the Kubernetes restore reads"
        );
    }
    let cron = format!("{workload}-backup-full");
    assert_eq!(
        format!("{}/full", upload["BACKUP_PREFIX"]),
        env_value(&docs, &cron, "upload", "BACKUP_PREFIX"),
        "Compose stores full backups where Kubernetes does"
    );
    let scripts = docs
        .iter_mut()
        .find(|d| d["kind"] == "ConfigMap" && d["metadata"]["name"] == format!("{workload}-backup"))
        .expect("the scripts ConfigMap");
    let data = scripts["data"].as_object_mut().expect("data");
    for (key, text) in data.iter_mut() {
        let path = format!("{workload}/scripts/{key}");
        let compose_text = files
            .get(&path)
            .unwrap_or_else(|| panic!("the Compose output has no {path}"));
        *text = Value::String(compose_text.clone());
    }
    docs
}

#[test]
fn compose_restores_postgres_to_a_point_in_time() {
    let Some(tools) = drill_tools("backup_drill/compose_postgres") else {
        return;
    };
    let started = Instant::now();
    let r = engine_support::render("drill.yaml", SPEC, "test");
    let docs = with_compose_scripts(r.k8s, &r.compose, &compose_files(), "postgres");
    let rows = postgres_drill(&tools, docs);
    assert_eq!(
        rows, "1|100\n2|50",
        "exactly the rows written before the target time, with the Compose scripts"
    );
    eprintln!("compose postgres drill: {:?}", started.elapsed());
}

/// Breaking the Compose output's `restore.sh` breaks the drill: the scripts the drill runs
/// are the Compose text, not a copy.
#[test]
fn a_broken_compose_restore_is_caught() {
    let Some(tools) = drill_tools("backup_drill/compose_broken") else {
        return;
    };
    let r = engine_support::render("drill.yaml", SPEC, "test");
    let mut files = compose_files();
    let text = files["postgres/scripts/restore.sh"].clone();
    let broken = text.replace(
        "recovery_target_time=$target",
        "recovery_target_inclusive=on",
    );
    assert_ne!(broken, text, "the Compose restore script sets the target");
    files.insert("postgres/scripts/restore.sh".into(), broken);
    let docs = with_compose_scripts(r.k8s, &r.compose, &files, "postgres");
    let rows = postgres_drill(&tools, docs);
    assert_eq!(
        rows, "1|100\n2|50\n3|25",
        "the broken Compose restore replays past the target"
    );
}

#[test]
fn compose_redis_snapshot_round_trip() {
    let Some(tools) = drill_tools("backup_drill/compose_redis") else {
        return;
    };
    let r = engine_support::render("drill.yaml", SPEC, "test");
    let docs = with_compose_scripts(r.k8s, &r.compose, &compose_files(), "redis");
    redis_drill(&tools, docs);
}
