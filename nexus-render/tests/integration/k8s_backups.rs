//! Which engines get backup jobs is the engine catalog's decision: every engine whose row
//! has a backup method gets its CronJobs, every other gets none and a `nexus.dev/backup`
//! annotation on its StatefulSet saying why (which the lint reports as a finding). An
//! engine that takes its own snapshots gets no CronJob (`es_snapshot_rendered` tests its
//! setup on a declared destination).

use crate::support::k8s as k8s_support;

use nexus_render::k8s::BACKUP_ANNOTATION;
use nexus_spec::Spec;
use nexus_spec::catalog;
use nexus_spec::model::Engine;

/// A version each engine's image has. A match, so a new engine cannot be left out.
fn version(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "16",
        Engine::Redis => "7",
        Engine::Elasticsearch => "8.14.3",
        Engine::Neo4j => "5",
        Engine::Rabbitmq => "3",
        Engine::Minio => "RELEASE.2024-06-13T22-53-53Z",
    }
}

/// A platform with one `data` service of `engine`, backed up hourly and daily to the
/// MinIO `store`.
fn spec(engine: Engine) -> Spec {
    let text = format!(
        r#"
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: {{ name: backups, version: 1.0.0 }}
spec:
  secrets:
    data-password: {{ description: Set by hand. }}
    store-password: {{ description: Set by hand. }}
  backingServices:
    data:
      engine: {engine}
      version: "{version}"
      credentials: {{ passwordSecret: data-password }}
      storage: {{ size: 10Gi }}
      backup:
        incremental: "0 * * * *"
        full: "0 2 * * *"
        retention: {{ incremental: 48, full: 14 }}
        destination: store
    store:
      engine: minio
      version: "{store_version}"
      credentials: {{ user: backup, passwordSecret: store-password }}
      database: backups
      storage: {{ size: 50Gi }}
  environments:
    staging: {{}}
"#,
        engine = engine.as_str(),
        version = version(engine),
        store_version = version(Engine::Minio),
    );
    Spec::from_str("backups.yaml", &text)
        .unwrap_or_else(|d| panic!("{engine}: the spec does not load: {d:?}"))
}

#[test]
fn the_catalog_decides_which_engines_get_backup_jobs() {
    for engine in Engine::ALL {
        let plan = k8s_support::render(&spec(engine), "staging");
        let text = |path: &str| {
            plan.get(path)
                .map(|b| String::from_utf8(b.to_vec()).expect("UTF-8"))
        };
        let statefulset = text("20-data/data.yaml").expect("the engine's StatefulSet");
        let annotated = statefulset.contains(&format!("{BACKUP_ANNOTATION}:"));
        let jobs = text("60-backups/data.yaml");
        let cron_jobs = jobs
            .as_deref()
            .map_or(0, |t| t.matches("kind: CronJob").count());

        match catalog::engine(engine).backup {
            catalog::BackupSupport::Dump(_) => {
                assert_eq!(cron_jobs, 2, "{engine}: a full and an incremental CronJob");
                assert!(!annotated, "{engine}: backed up, so no annotation");
            }
            catalog::BackupSupport::Snapshots => {
                // The engine's own snapshots need a declared in-cluster destination with a
                // snapshot user; a MinIO named directly has none, and the annotation says so.
                assert!(jobs.is_none(), "{engine}: no backup file");
                assert_eq!(cron_jobs, 0, "{engine}: no CronJob");
                assert!(annotated, "{engine}: the StatefulSet says why");
                assert!(statefulset.contains("snapshot user"), "{engine}");
            }
            catalog::BackupSupport::Unsupported(why) => {
                assert!(jobs.is_none(), "{engine}: no backup file");
                assert!(
                    plan.files()
                        .all(|(_, b)| !String::from_utf8_lossy(b).contains("kind: CronJob")),
                    "{engine}: no CronJob anywhere"
                );
                assert!(annotated, "{engine}: the StatefulSet says why");
                assert!(
                    statefulset.contains(why),
                    "{engine}: the annotation gives the reason"
                );
            }
        }
    }
}
