//! Least privilege of object storage (issue 13 item 3), read from every rendered file of
//! every environment of `specs/nexus.yaml`, both targets: nothing but MinIO itself and its
//! setup step references MinIO's root secret; the backup jobs, the WAL shipper and the
//! restores use the backup user, the backend its own user.

use crate::support::k8s as k8s_support;

use nexus_spec::ir;
use serde_json::Value;

const ROOT_SECRET: &str = "minio-password";
const ROOT_VAR: &str = "${MINIO_PASSWORD";

/// Every object of a Kubernetes plan: (path, kind/name, object).
fn k8s_objects(plan: &nexus_render::OutputPlan) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, bytes) in plan.files() {
        if !path.ends_with(".yaml") {
            continue;
        }
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        for doc in text.split("---\n") {
            let v: Value = serde_saphyr::from_str(doc).unwrap_or_else(|e| panic!("{path}: {e}"));
            let id = format!(
                "{}/{}",
                v["kind"].as_str().unwrap_or("?"),
                v["metadata"]["name"].as_str().unwrap_or("?")
            );
            out.push((path.to_owned(), id, v));
        }
    }
    out
}

fn platforms() -> Vec<ir::Platform> {
    let spec = k8s_support::load(&k8s_support::nexus_spec());
    spec.environments()
        .into_iter()
        .map(|env| spec.resolve(&env).expect("resolves"))
        .collect()
}

#[test]
fn only_minio_and_its_setup_reference_the_root_secret_in_kubernetes() {
    for p in platforms() {
        let env = &p.environment.value;
        let plan = nexus_render::k8s::render(&p).expect("renders");
        let mut users = Vec::new();
        for (path, id, v) in k8s_objects(&plan) {
            let text = serde_json::to_string(&v).expect("json");
            if text.contains(&format!("\"{ROOT_SECRET}\"")) {
                users.push(format!("{path}: {id}"));
            }
        }
        users.sort();
        assert_eq!(
            users,
            [
                "10-secrets.yaml: ExternalSecret/minio-password",
                "20-data/minio-setup.yaml: Job/minio-setup",
                "20-data/minio.yaml: StatefulSet/minio",
            ],
            "{env}: the objects that reference MinIO's root secret"
        );
    }
}

#[test]
fn only_minio_and_its_setup_reference_the_root_secret_in_compose() {
    for p in platforms() {
        let env = &p.environment.value;
        let plan = nexus_render::compose::render(&p).expect("renders");
        let mut users = Vec::new();
        for (path, bytes) in plan.files() {
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            if path == "compose.yaml" {
                let v: Value = serde_saphyr::from_str(text).expect("compose.yaml");
                for (name, svc) in v["services"].as_object().expect("services") {
                    let s = serde_json::to_string(svc).expect("json");
                    if s.contains(ROOT_VAR) || s.contains(&format!("\"{ROOT_SECRET}\"")) {
                        users.push(format!("service {name}"));
                    }
                }
            } else if text.contains(ROOT_VAR) {
                users.push(path.to_owned());
            }
        }
        users.sort();
        assert_eq!(
            users,
            ["service minio", "service minio-setup"],
            "{env}: the services that reference MinIO's root secret"
        );
    }
}

/// The other side: the steps that talk to object storage do use the users meant for them.
#[test]
fn backups_use_the_backup_user_and_the_backend_its_own() {
    for p in platforms() {
        let plan = nexus_render::k8s::render(&p).expect("renders");
        let objects = k8s_objects(&plan);
        let text = |id: &str| {
            let (_, _, v) = objects
                .iter()
                .find(|(_, i, _)| i == id)
                .unwrap_or_else(|| panic!("no {id}"));
            serde_json::to_string(v).expect("json")
        };
        for id in [
            "CronJob/postgres-backup-full",
            "CronJob/redis-backup-incremental",
            "StatefulSet/postgres",
            "Job/postgres-restore",
        ] {
            let t = text(id);
            assert!(t.contains("\"minio-backup-password\""), "{id}");
            assert!(
                t.contains("\"offsite-backup-secret-key\""),
                "{id} copies off-site"
            );
        }
        let backend = text("Deployment/backend-blue");
        assert!(backend.contains("\"minio-app-password\""), "{backend}");
    }
}
