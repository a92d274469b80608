//! What the engine catalog's contracts make the targets render, checked on the NEXUS spec:
//! pinned releases, seeded configuration folders, the Redis password never on a command line,
//! memory-derived settings, migrations that wait and reach only their database, pull
//! secrets, and Grafana behind the gateway. The running engines are in `engines_real.rs`.

use crate::support::k8s as k8s_support;

use k8s_support::{load, nexus_spec, render};
use nexus_spec::Spec;
use serde_json::Value;

/// The YAML documents of one rendered file.
fn docs(plan: &nexus_render::OutputPlan, path: &str) -> Vec<Value> {
    let bytes = plan
        .get(path)
        .unwrap_or_else(|| panic!("{path} is rendered"));
    let text = std::str::from_utf8(bytes).unwrap();
    serde_saphyr::from_multiple::<Value>(text).unwrap()
}

fn kind<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

fn pod(workload: &Value) -> &Value {
    &workload["spec"]["template"]["spec"]
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn every_engine_image_is_an_exact_release() {
    let plan = render(&load(&nexus_spec()), "production");
    for (path, _) in plan.files() {
        for d in docs(&plan, path) {
            let containers = pod(&d)["containers"]
                .as_array()
                .into_iter()
                .chain(pod(&d)["initContainers"].as_array())
                .chain(
                    d["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"].as_array(),
                )
                .flatten();
            for c in containers {
                let image = c["image"].as_str().unwrap();
                let tag = image.rsplit_once(':').map(|(_, t)| t).unwrap();
                let numeric: Vec<&str> = tag
                    .trim_start_matches('v')
                    .split(['-', '.'])
                    .take_while(|p| p.chars().all(|c| c.is_ascii_digit()))
                    .collect();
                assert!(
                    tag.starts_with("RELEASE.") || numeric.len() >= 2,
                    "{path}: `{image}` floats"
                );
                assert!(
                    !tag.ends_with("-management") || numeric.len() == 3,
                    "{path}: `{image}`"
                );
            }
        }
    }
    let pg = docs(&plan, "20-data/postgres.yaml");
    let set = kind(&pg, "StatefulSet")[0];
    assert_eq!(
        pod(set)["containers"][0]["image"],
        "docker.io/library/postgres:15.19"
    );
}

#[test]
fn a_series_nexus_does_not_know_is_refused() {
    let text = std::fs::read_to_string(nexus_spec())
        .unwrap()
        .replace("version: \"15\"", "version: \"9\"");
    let spec = Spec::from_str("floating.yaml", &text).unwrap();
    let err = spec.resolve("production").unwrap_err();
    let message = format!("{err:?}");
    assert!(message.contains("`9` is a floating tag"), "{message}");
    assert!(
        message.contains("14, 15, 16, 17, 18") || message.contains("18, 17"),
        "{message}"
    );
}

#[test]
fn configuration_folders_the_entrypoint_edits_are_seeded_and_writable() {
    let plan = render(&load(&nexus_spec()), "production");
    for (file, path) in [
        (
            "20-data/elasticsearch.yaml",
            "/usr/share/elasticsearch/config",
        ),
        ("20-data/neo4j.yaml", "/var/lib/neo4j/conf"),
    ] {
        let d = docs(&plan, file);
        let p = pod(kind(&d, "StatefulSet")[0]);
        let mount = p["containers"][0]["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["mountPath"] == path)
            .unwrap_or_else(|| panic!("{file}: {path} is mounted"));
        assert_ne!(mount["readOnly"], true, "{file}: {path} writable");
        let volume = mount["name"].as_str().unwrap();
        let init = &p["initContainers"][0];
        assert_eq!(
            strings(&init["command"]),
            ["cp", "-R", &format!("{path}/."), "/nexus-seed/"]
        );
        assert_eq!(init["image"], p["containers"][0]["image"], "{file}");
        assert_eq!(init["volumeMounts"][0]["name"], volume);
    }
    let rabbit = docs(&plan, "20-data/rabbitmq.yaml");
    let p = pod(kind(&rabbit, "StatefulSet")[0]);
    assert!(
        !p["containers"][0]["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["mountPath"] == "/etc/rabbitmq/conf.d"),
        "conf.d keeps the image's log.console = true"
    );
}

#[test]
fn the_redis_password_is_never_on_a_command_line() {
    let plan = render(&load(&nexus_spec()), "production");
    let d = docs(&plan, "20-data/redis.yaml");
    let p = pod(kind(&d, "StatefulSet")[0]);
    let c = &p["containers"][0];
    let args = strings(&c["args"]).join(" ");
    assert!(!args.contains("requirepass $("), "{args}");
    assert!(!args.contains("--requirepass"), "{args}");
    assert!(
        args.contains("--maxmemory 768mb --maxmemory-policy allkeys-lru"),
        "{args}"
    );
    assert!(
        !c["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "REDIS_PASSWORD"),
        "the password is a file, not a variable"
    );
    let secret_volume = p["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "secret-files")
        .unwrap();
    assert_eq!(
        secret_volume["projected"]["sources"][0]["secret"]["name"],
        "redis-password"
    );
    let readiness = strings(&c["readinessProbe"]["exec"]["command"]).join(" ");
    assert!(readiness.contains("REDISCLI_AUTH="), "{readiness}");
    assert!(!readiness.contains(" -a "), "{readiness}");

    let spec = load(&nexus_spec());
    let compose = nexus_render::compose::render(&spec.resolve("production").unwrap()).unwrap();
    let project: Value =
        serde_saphyr::from_str(std::str::from_utf8(compose.get("compose.yaml").unwrap()).unwrap())
            .unwrap();
    let redis = &project["services"]["redis"];
    let command = strings(&redis["command"]).join(" ");
    assert!(!command.contains("REDIS_PASSWORD:"), "{command}");
    assert!(redis["environment"]["REDIS_PASSWORD"].is_null());
    assert_eq!(redis["secrets"][0]["source"], "redis-password");
    assert_eq!(
        project["secrets"]["redis-password"]["environment"],
        "REDIS_PASSWORD"
    );
}

#[test]
fn memory_settings_follow_the_declared_limit() {
    let plan = render(&load(&nexus_spec()), "production");
    let es = docs(&plan, "20-data/elasticsearch.yaml");
    let cm = kind(&es, "ConfigMap")[0];
    assert_eq!(
        cm["data"]["ES_JAVA_OPTS"], "-Xms2048m -Xmx2048m",
        "half of 4Gi"
    );
    let pg = docs(&plan, "20-data/postgres.yaml");
    let p = pod(kind(&pg, "StatefulSet")[0]);
    // The backups' settings (client authentication, WAL archiving) follow.
    assert_eq!(
        strings(&p["containers"][0]["args"])[..3],
        ["postgres", "-c", "shared_buffers=1024MB"]
    );
    let shm = p["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "shm")
        .unwrap();
    assert_eq!(shm["emptyDir"]["medium"], "Memory");

    let text = std::fs::read_to_string(nexus_spec()).unwrap().replace(
        "limits: { cpu: \"2\", memory: 4Gi }\n      storage: { size: 50Gi }\n      # Snapshots (Elasticsearch's own",
        "limits: { cpu: \"2\", memory: 8Gi }\n      storage: { size: 50Gi }\n      # Snapshots (Elasticsearch's own",
    );
    let bigger = render(&Spec::from_str("bigger.yaml", &text).unwrap(), "production");
    let es = docs(&bigger, "20-data/elasticsearch.yaml");
    assert_eq!(
        kind(&es, "ConfigMap")[0]["data"]["ES_JAVA_OPTS"],
        "-Xms4096m -Xmx4096m"
    );
}

#[test]
fn the_migration_is_per_release_waits_for_its_database_and_reaches_only_it() {
    let plan = render(&load(&nexus_spec()), "production");
    let d = docs(&plan, "40-migrations/backend.yaml");
    let job = kind(&d, "Job")[0];
    let name = job["metadata"]["name"].as_str().unwrap();
    assert!(name.starts_with("backend-migrate-1-0-0-"), "{name}");
    assert_eq!(job["spec"]["ttlSecondsAfterFinished"], 604_800);
    let wait = &pod(job)["initContainers"][0];
    assert_eq!(wait["image"], "docker.io/library/postgres:15.19");
    let script = strings(&wait["command"]).join(" ");
    assert!(
        script.contains("pg_isready -q -h postgres.nexus-production.svc.cluster.local -p 5432"),
        "{script}"
    );
    let policy = kind(&d, "NetworkPolicy")[0];
    let targets: Vec<&Value> = policy["spec"]["egress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"])
        .collect();
    assert_eq!(targets, [&Value::from("postgres")]);
}

#[test]
fn pods_pulling_from_a_private_registry_get_its_pull_secret() {
    let plan = render(&load(&nexus_spec()), "production");
    let backend = docs(&plan, "50-services/backend.yaml");
    for d in kind(&backend, "Deployment") {
        assert_eq!(pod(d)["imagePullSecrets"][0]["name"], "nexus-registry");
    }
    let migration = docs(&plan, "40-migrations/backend.yaml");
    assert_eq!(
        pod(kind(&migration, "Job")[0])["imagePullSecrets"][0]["name"],
        "nexus-registry"
    );
    let pg = docs(&plan, "20-data/postgres.yaml");
    assert!(pod(kind(&pg, "StatefulSet")[0])["imagePullSecrets"].is_null());

    let text = std::fs::read_to_string(nexus_spec()).unwrap().replace(
        "    production:\n      namespace: nexus-production\n",
        "    production:\n      namespace: nexus-production\n      registries:\n        registry.nexus.example: { pullSecret: nexus-registry-production }\n",
    );
    let overridden = render(&Spec::from_str("o.yaml", &text).unwrap(), "production");
    let backend = docs(&overridden, "50-services/backend.yaml");
    assert_eq!(
        pod(kind(&backend, "Deployment")[0])["imagePullSecrets"][0]["name"],
        "nexus-registry-production"
    );
}

#[test]
fn grafana_knows_its_public_address_and_keeps_its_websocket() {
    let spec = load(&nexus_spec());
    let platform = spec.resolve("staging").unwrap();
    let grafana = platform.workload("grafana").unwrap();
    let root = grafana
        .env
        .iter()
        .find(|e| e.name.value == "GF_SERVER_ROOT_URL")
        .unwrap();
    assert_eq!(
        root.value.value.render(|_| String::new()),
        "https://staging.nexus.example.com/grafana/"
    );
    let route = platform
        .gateway
        .as_ref()
        .unwrap()
        .routes
        .iter()
        .find(|r| r.workload.value == "grafana")
        .unwrap();
    assert!(route.websocket, "Grafana Live needs upgrades");
}
