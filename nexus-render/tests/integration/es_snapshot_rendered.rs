//! Elasticsearch's snapshots as rendered from `specs/nexus.yaml` (issue 13 item 5, decision
//! 0023): the Kubernetes setup Job's steps run the **rendered** `setup.sh` with the
//! **rendered** variables against the recording fake of the REST API
//! ([`crate::es_snapshot::FakeEs`]; only `ES_URL` and the password, a secret, differ), and
//! the cluster is asked for the repository on the in-cluster MinIO under
//! `<ns>/<name>/snapshots` and one SLM policy per declared schedule with the declared
//! retention. The server's pod, its NetworkPolicies and the restore Job are checked as
//! objects; Compose's setup services ask the fake exactly what the Kubernetes Job asks.

use std::process::{Command, Stdio};

use crate::es_snapshot::{FakeEs, curl_available, finish};
use crate::support::engine as engine_support;
use crate::support::k8s::{literals, object};
use nexus_render::k8s::{ES_KEYSTORE, ES_SNAPSHOT_RESTORE, ES_SNAPSHOT_SETUP, slm_schedule};
use serde_json::{Value, json};

fn spec() -> nexus_spec::Spec {
    nexus_spec::Spec::from_path(&engine_support::repo_root().join("specs/nexus.yaml"))
        .expect("loads")
}

fn secret_of(c: &Value, var: &str) -> Option<String> {
    c["env"].as_array()?.iter().find(|e| e["name"] == var)?["valueFrom"]["secretKeyRef"]["name"]
        .as_str()
        .map(str::to_owned)
}

/// Runs `script` with `sh` and exactly `env` (plus PATH), for at most 30 seconds.
fn run(script: &str, env: &[(String, String)]) -> Result<(), String> {
    let child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("sh: {e}"))?;
    finish(child)
}

#[test]
fn the_rendered_setup_job_registers_the_repository_and_one_policy_per_schedule() {
    if !curl_available() {
        return;
    }
    let spec = spec();
    let p = spec.resolve("production").expect("resolves");
    let es = p.workload("elasticsearch").expect("elasticsearch");
    let b = es.backup.as_ref().expect("backed up");
    let docs = engine_support::render_spec(&spec, "production").k8s;
    let cm = object(&docs, "ConfigMap", "elasticsearch-backup");
    for (file, text) in [
        ("setup.sh", ES_SNAPSHOT_SETUP),
        ("restore.sh", ES_SNAPSHOT_RESTORE),
        ("keystore.sh", ES_KEYSTORE),
    ] {
        assert_eq!(cm["data"][file].as_str(), Some(text), "{file}");
    }
    let setup = cm["data"]["setup.sh"].as_str().expect("setup.sh");
    let job = object(&docs, "Job", "elasticsearch-backup-setup");
    let pod = &job["spec"]["template"]["spec"];
    let steps: Vec<&Value> = pod["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(pod["containers"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(steps.len(), 2, "one step per schedule");
    let fake = FakeEs::start();
    for step in &steps {
        assert_eq!(
            secret_of(step, "ELASTIC_PASSWORD").as_deref(),
            Some("elasticsearch-password")
        );
        let mut env: Vec<(String, String)> = literals(step)
            .into_iter()
            .filter(|(k, _)| k != "ES_URL")
            .collect();
        env.push(("ES_URL".into(), format!("http://127.0.0.1:{}", fake.port)));
        env.push(("ELASTIC_PASSWORD".into(), "secret".into()));
        run(setup, &env).unwrap_or_else(|e| panic!("{}: {e}", step["name"]));
    }
    let seen = fake.requests();
    let puts: Vec<(String, Value)> = seen
        .iter()
        .filter(|r| r.method == "PUT")
        .map(|r| (r.path.clone(), serde_json::from_str(&r.body).expect("JSON")))
        .collect();
    let repo = json!({"type": "s3", "settings": {
        "bucket": "nexus-backups",
        "base_path": "nexus-production/elasticsearch/snapshots",
        "client": "default"
    }});
    let policy = |kind: &str, cron: &nexus_spec::ir::Cron, keep: u32| {
        let name = format!("elasticsearch-{kind}");
        (
            format!("/_slm/policy/{name}"),
            json!({
                "schedule": slm_schedule(cron).expect("an SLM schedule"),
                "name": format!("<{name}-{{now/d}}>"),
                "repository": "minio",
                "config": {"indices": ["*"], "include_global_state": true},
                "retention": {"max_count": keep, "min_count": 1}
            }),
        )
    };
    let incremental = b.incremental.as_ref().expect("an incremental schedule");
    assert_eq!(
        puts,
        [
            ("/_snapshot/minio".to_owned(), repo.clone()),
            policy("full", &b.full.value, b.keep_full),
            ("/_snapshot/minio".to_owned(), repo),
            policy("incremental", &incremental.value, b.keep_incremental),
        ]
    );
}

#[test]
fn the_server_pod_gets_the_keystore_step_after_its_seed_and_the_s3_client_settings() {
    let docs = engine_support::render_spec(&spec(), "production").k8s;
    let set = object(&docs, "StatefulSet", "elasticsearch");
    let pod = &set["spec"]["template"]["spec"];
    let init = pod["initContainers"].as_array().expect("init containers");
    let names: Vec<&str> = init.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["seed-usr-share-elasticsearch-config", "keystore"]);
    let seed_volume = init[0]["volumeMounts"][0]["name"].as_str().expect("seed");
    let keystore = &init[1];
    let config = keystore["volumeMounts"]
        .as_array()
        .expect("mounts")
        .iter()
        .find(|m| m["mountPath"] == "/usr/share/elasticsearch/config")
        .expect("the config folder");
    assert_eq!(config["name"], seed_volume, "the same emptyDir as the seed");
    assert!(config["readOnly"].is_null(), "writable");
    assert_eq!(
        literals(keystore),
        [(
            "S3_ACCESS_KEY".to_owned(),
            "elasticsearch-snapshots".to_owned()
        )]
    );
    assert_eq!(
        secret_of(keystore, "S3_SECRET_KEY").as_deref(),
        Some("minio-snapshots-password")
    );
    let server = &pod["containers"][0];
    let env = literals(server);
    for (k, v) in [
        (
            "s3.client.default.endpoint",
            "minio.nexus-production.svc.cluster.local:9000",
        ),
        ("s3.client.default.protocol", "http"),
        ("s3.client.default.path_style_access", "true"),
    ] {
        assert!(env.contains(&(k.to_owned(), v.to_owned())), "{k}: {env:?}");
    }
    assert!(
        set["metadata"]["annotations"]["nexus.dev/backup"].is_null(),
        "no claim that the backups are not rendered"
    );
}

#[test]
fn network_policies_let_the_nodes_reach_minio_and_the_jobs_reach_the_nodes() {
    let docs = engine_support::render_spec(&spec(), "production").k8s;
    let policy = |name: &str| object(&docs, "NetworkPolicy", name)["spec"].clone();
    let peer = |rule: &Value, side: &str| {
        rule[side][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let has = |spec: &Value, dir: &str, side: &str, who: &str, port: u64| {
        spec[dir].as_array().into_iter().flatten().any(|r| {
            peer(r, side) == who
                && r["ports"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["port"] == port)
        })
    };
    let es = policy("elasticsearch");
    assert!(has(&es, "egress", "to", "minio", 9000), "{es}");
    assert!(
        has(&es, "ingress", "from", "elasticsearch-backup", 9200),
        "{es}"
    );
    assert!(has(
        &policy("minio"),
        "ingress",
        "from",
        "elasticsearch",
        9000
    ));
    let jobs = policy("elasticsearch-backup");
    assert!(has(&jobs, "egress", "to", "elasticsearch", 9200), "{jobs}");
    assert_eq!(jobs["egress"].as_array().map(Vec::len), Some(1), "{jobs}");
    // The restore Job runs in the same pod group, on demand.
    let restore = object(&docs, "Job", "elasticsearch-restore");
    let labels = &restore["spec"]["template"]["metadata"]["labels"];
    assert_eq!(labels["app.kubernetes.io/name"], "elasticsearch-backup");
    let c = &restore["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["command"], json!(["/bin/sh", "/scripts/restore.sh"]));
}

#[test]
fn compose_sets_up_the_same_repository_and_restores_under_the_restore_profile() {
    let spec = spec();
    let r = engine_support::render_spec(&spec, "production");
    let services = &r.compose["services"];
    let es = &services["elasticsearch"];
    let keystore = &services["elasticsearch-keystore"];
    assert_eq!(
        es["depends_on"]["elasticsearch-keystore"]["condition"],
        "service_completed_successfully"
    );
    let config = |s: &Value| {
        s["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["target"] == "/usr/share/elasticsearch/config")
            .map(|m| m["source"].clone())
    };
    assert_eq!(config(keystore), config(es), "the server's config volume");
    assert!(config(es).is_some());
    assert_eq!(keystore["network_mode"], "none");
    assert_eq!(
        keystore["environment"]["S3_ACCESS_KEY"],
        "elasticsearch-snapshots"
    );
    assert_eq!(
        es["environment"]["s3.client.default.endpoint"],
        "minio:9000"
    );
    let networks = |s: &Value| -> Vec<String> {
        s["networks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect()
    };
    assert!(networks(es).contains(&"elasticsearch_to_minio".to_owned()));
    let restore = &services["elasticsearch-restore"];
    assert_eq!(restore["profiles"], json!(["restore"]));
    assert_eq!(
        networks(restore),
        ["elasticsearch-restore_to_elasticsearch"]
    );

    // The setup services run the same script with the same values as the Kubernetes Job.
    if !curl_available() {
        return;
    }
    let fake = FakeEs::start();
    let mut policies = Vec::new();
    for kind in ["full", "incremental"] {
        let step = &services[format!("elasticsearch-snapshots-{kind}").as_str()];
        assert_eq!(
            step["depends_on"]["minio-setup"]["condition"],
            "service_completed_successfully"
        );
        let env: Vec<(String, String)> = step["environment"]
            .as_object()
            .expect("environment")
            .iter()
            .map(|(k, v)| {
                let v = v.as_str().unwrap_or_default();
                let v = match k.as_str() {
                    "ES_URL" => format!("http://127.0.0.1:{}", fake.port),
                    _ if v.starts_with("${") => "secret".to_owned(),
                    _ => v.to_owned(),
                };
                (k.clone(), v)
            })
            .collect();
        run(ES_SNAPSHOT_SETUP, &env).unwrap_or_else(|e| panic!("{kind}: {e}"));
        policies.push(format!("/_slm/policy/elasticsearch-{kind}"));
    }
    let k8s = FakeEs::start();
    let docs = r.k8s;
    let job = object(&docs, "Job", "elasticsearch-backup-setup");
    let pod = &job["spec"]["template"]["spec"];
    for step in pod["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(pod["containers"].as_array().into_iter().flatten())
    {
        let mut env: Vec<(String, String)> = literals(step)
            .into_iter()
            .filter(|(k, _)| k != "ES_URL")
            .collect();
        env.push(("ES_URL".into(), format!("http://127.0.0.1:{}", k8s.port)));
        env.push(("ELASTIC_PASSWORD".into(), "secret".into()));
        run(ES_SNAPSHOT_SETUP, &env).expect("the Kubernetes step");
    }
    let puts = |f: &FakeEs| -> Vec<(String, String)> {
        f.requests()
            .into_iter()
            .filter(|r| r.method == "PUT")
            .map(|r| (r.path, r.body))
            .collect()
    };
    assert_eq!(puts(&fake), puts(&k8s), "Compose asks what Kubernetes asks");
    let paths: Vec<String> = puts(&fake).into_iter().map(|(p, _)| p).collect();
    for p in policies {
        assert!(paths.contains(&p), "{p}: {paths:?}");
    }
}

#[test]
fn the_readme_runbook_restores_elasticsearch_with_the_rendered_job_and_service() {
    let p = spec().resolve("production").expect("resolves");
    let readme = nexus_render::readme::environment_readme(&p, &nexus_render::OutputPlan::new());
    let start = readme
        .find("## Restoring `elasticsearch` (RPO 1h, RTO 4h)")
        .expect("a restore section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    for needle in [
        "Worst-case recovery point: 31m",
        "kubectl -n nexus-production apply -f k8s/80-restore/elasticsearch.yaml",
        "job/elasticsearch-restore --timeout=4h",
        "_cat/snapshots/minio",
        "docker compose --profile restore run --rm elasticsearch-restore",
        "`elasticsearch-full` at `30 2 * * *` (the newest 30 kept)",
    ] {
        assert!(section.contains(needle), "{needle}:\n{section}");
    }
    assert!(!readme.contains("`elasticsearch` is not backed up"));
    assert!(readme.contains("It also makes `elasticsearch-snapshots`"));
}

#[test]
fn the_rendered_restore_job_restores_the_newest_successful_snapshot_of_its_repository() {
    if !curl_available() {
        return;
    }
    let docs = engine_support::render_spec(&spec(), "production").k8s;
    let cm = object(&docs, "ConfigMap", "elasticsearch-backup");
    let job = object(&docs, "Job", "elasticsearch-restore");
    let step = &job["spec"]["template"]["spec"]["containers"][0];
    let fake = FakeEs::start();
    let mut env: Vec<(String, String)> = literals(step)
        .into_iter()
        .filter(|(k, _)| k != "ES_URL")
        .collect();
    env.push(("ES_URL".into(), format!("http://127.0.0.1:{}", fake.port)));
    env.push(("ELASTIC_PASSWORD".into(), "secret".into()));
    let restore = cm["data"]["restore.sh"].as_str().expect("restore.sh");
    run(restore, &env).expect("the restore runs");
    let posts: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .collect();
    // The fake's newest snapshot failed; the one before it is restored, from `minio`.
    assert_eq!(
        posts,
        [
            "/orders,users/_close",
            "/_snapshot/minio/nightly-2/_restore?wait_for_completion=true"
        ]
    );
}
