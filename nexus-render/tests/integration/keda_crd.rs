//! Queue-depth autoscaling: every KEDA `ScaledObject` nexus renders for `specs/nexus.yaml`
//! (the backend scales on its RabbitMQ queue) is valid against the ScaledObject CRD of a
//! pinned KEDA release, with unknown fields refused; and the HPA it replaces is not
//! rendered beside it.

use crate::support::keda as keda_support;

use std::path::Path;

use serde_json::Value;

fn crd() -> Value {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/crds/keda/keda.sh_scaledobjects.yaml");
    keda_support::crd_schema(&file, "v1alpha1")
}

/// Every document of every rendered Kubernetes file of every environment.
fn documents() -> Vec<(String, Value)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/nexus.yaml");
    let spec = nexus_spec::Spec::from_path(&path).expect("specs/nexus.yaml loads");
    let mut out = Vec::new();
    for env in spec.environments() {
        let p = spec.resolve(&env).expect("resolves");
        let plan = nexus_render::k8s::render(&p).expect("renders");
        for (file, bytes) in plan.files() {
            let text = std::str::from_utf8(bytes).expect("utf-8");
            for doc in text.split("\n---\n") {
                if let Ok(v) = serde_saphyr::from_str::<Value>(doc) {
                    out.push((format!("{env}/{file}"), v));
                }
            }
        }
    }
    out
}

#[test]
fn every_scaled_object_is_valid_against_the_keda_crd() {
    let schema = crd();
    let docs = documents();
    let scaled: Vec<&(String, Value)> = docs
        .iter()
        .filter(|(_, v)| v["kind"] == "ScaledObject")
        .collect();
    // The backend is blue-green: one ScaledObject per slot, in both environments.
    assert_eq!(
        scaled.len(),
        4,
        "ScaledObjects: {:?}",
        scaled.iter().map(|(f, _)| f).collect::<Vec<_>>()
    );
    for (file, so) in &scaled {
        assert_eq!(
            so["apiVersion"],
            nexus_render::k8s::SCALED_OBJECT_API_VERSION
        );
        let problems = keda_support::problems(&schema, so);
        assert!(problems.is_empty(), "{file}: {problems:#?}");
        let rabbit = so["spec"]["triggers"]
            .as_array()
            .expect("triggers")
            .iter()
            .find(|t| t["type"] == "rabbitmq")
            .expect("a rabbitmq trigger");
        assert_eq!(rabbit["metadata"]["hostFromEnv"], "RABBITMQ_URL", "{file}");
        assert_eq!(rabbit["metadata"]["queueName"], "nexus.tasks", "{file}");
    }
    // KEDA owns the HPA of a scaled controller: nexus renders none beside it.
    assert!(
        !docs
            .iter()
            .any(|(f, v)| v["kind"] == "HorizontalPodAutoscaler" && f.ends_with("backend.yaml")),
        "an HPA beside the backend's ScaledObjects"
    );
}

#[test]
fn the_closed_schema_refuses_an_unknown_field_and_a_missing_one() {
    let schema = crd();
    let docs = documents();
    let (_, so) = docs
        .iter()
        .find(|(_, v)| v["kind"] == "ScaledObject")
        .expect("a ScaledObject");
    let mut unknown = so.clone();
    unknown["spec"]["triggers"][0]["metricTyp"] = Value::String("Utilization".into());
    assert!(
        !keda_support::problems(&schema, &unknown).is_empty(),
        "an unknown trigger field passed"
    );
    let mut missing = so.clone();
    missing["spec"]
        .as_object_mut()
        .expect("spec")
        .remove("scaleTargetRef");
    assert!(
        !keda_support::problems(&schema, &missing).is_empty(),
        "a ScaledObject without a target passed"
    );
}
