//! The pod harness on what the renders do not produce yet but a pod may hold: a ConfigMap
//! file mounted by `subPath` under `/usr/local` with `items`, an init container seeding an
//! emptyDir under `/etc`, a `medium: Memory` emptyDir at `/dev/shm`. The rendered Redis
//! pod is extended with them (the engines' tests then carry on working when the renders
//! start using them).

use crate::support::engine as engine_support;

use std::time::Duration;

use engine_support::pod::Pod;
use engine_support::probe;
use serde_json::{Value, json};

const SPEC: &str = r#"
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: harness, version: 1.0.0 }
spec:
  secrets:
    redis-password: { description: Password Redis requires. }
  backingServices:
    redis:
      engine: redis
      version: "7"
      credentials: { passwordSecret: redis-password }
      resources:
        requests: { cpu: 100m, memory: 256Mi }
        limits: { cpu: 500m, memory: 256Mi }
      storage: { size: 1Gi }
  environments:
    test: {}
"#;

/// The rendered Redis pod with a config file, a seeded folder and a memory volume added.
fn extended(mut docs: Vec<Value>) -> Vec<Value> {
    let sts = docs
        .iter_mut()
        .find(|d| d["kind"] == "StatefulSet" && d["metadata"]["name"] == "redis")
        .expect("a Redis StatefulSet");
    let pod = &mut sts["spec"]["template"]["spec"];
    let image = pod["containers"][0]["image"].clone();
    let volumes = pod["volumes"].as_array_mut().expect("volumes");
    volumes.push(json!({"name": "conf", "configMap": {"name": "redis-conf",
        "items": [{"key": "main", "path": "redis.conf"}]}}));
    volumes.push(json!({"name": "seeded", "emptyDir": {}}));
    volumes.push(json!({"name": "shm", "emptyDir": {"medium": "Memory"}}));
    pod["initContainers"] = json!([{
        "name": "seed",
        "image": image,
        "command": ["sh", "-c", "printf 'seeded by %s\\n' \"$(id -u)\" > /seed/note"],
        "volumeMounts": [{"name": "seeded", "mountPath": "/seed"}],
    }]);
    let c = &mut pod["containers"][0];
    let mounts = c["volumeMounts"].as_array_mut().expect("mounts");
    mounts.push(
        json!({"name": "conf", "mountPath": "/usr/local/etc/redis/redis.conf",
        "subPath": "redis.conf", "readOnly": true}),
    );
    mounts.push(json!({"name": "seeded", "mountPath": "/etc/redis-seeded"}));
    mounts.push(json!({"name": "shm", "mountPath": "/dev/shm"}));
    // The harness's own start (not nexus's): the mounted file as the configuration, the
    // password from the rendered secret file.
    c["args"] = json!([
        "sh",
        "-c",
        "exec redis-server /usr/local/etc/redis/redis.conf --requirepass \"$(cat \"$REDIS_PASSWORD_FILE\")\""
    ]);
    docs.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "redis-conf"}, "data": {"main": "maxmemory 100mb\n"}}));
    docs
}

#[test]
fn config_files_init_containers_and_memory_volumes() {
    let Some(tools) = engine_support::tools("engines_harness/redis") else {
        return;
    };
    let r = engine_support::render("harness.yaml", SPEC, "test");
    let docs = extended(r.k8s);
    let secrets = [(
        ("redis-password".to_owned(), String::new()),
        "pw".to_owned(),
    )]
    .into();
    let mut pod = Pod::new(&tools, &docs, "redis", secrets);
    pod.run_init_containers(Duration::from_secs(30));
    pod.start();
    probe::wait_ready(&mut pod, probe::ENGINE_START);

    let maxmemory = pod.exec(&[
        "sh",
        "-c",
        r#"REDISCLI_AUTH="$(cat "$REDIS_PASSWORD_FILE")" redis-cli config get maxmemory"#,
    ]);
    assert_eq!(
        maxmemory.output.trim(),
        "maxmemory\n104857600",
        "{}",
        maxmemory.output
    );
    let seeded = pod.exec(&["cat", "/etc/redis-seeded/note"]);
    assert_eq!(seeded.output.trim(), "seeded by 999", "{}", seeded.output);
    let shm = pod.exec(&["sh", "-c", "touch /dev/shm/x && touch /etc/redis-seeded/y"]);
    assert!(
        shm.ok(),
        "the emptyDir volumes are not writable:\n{}",
        shm.output
    );
    let conf = pod.exec(&["sh", "-c", "echo x >> /usr/local/etc/redis/redis.conf"]);
    assert!(!conf.ok(), "a ConfigMap file is writable:\n{}", conf.output);
}
