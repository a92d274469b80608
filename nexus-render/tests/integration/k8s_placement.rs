//! Placement, read back from the rendered manifests: every pod the output can create fits
//! the namespace's ResourceQuota at full scale (autoscalers at their maximum, rollout surge,
//! both blue-green slots, jobs), the LimitRange admits every container, every pod names a
//! PriorityClass the output defines, and every workload that may run more than one replica
//! spreads its own pods across nodes.
//!
//! The demand is counted here from the rendered objects, independently of
//! `nexus_spec::placement`, so a container the renderer adds without the model counting it
//! (a sidecar, an init container with larger figures) fails this test.

use crate::support::k8s as k8s_support;

use std::collections::BTreeMap;

use nexus_spec::values::Quantity;
use serde_json::Value;

/// Thousandths of a unit, as `Quantity::milli`.
fn milli(v: &Value) -> u128 {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Quantity::parse(&text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .milli()
}

/// Every object of a plan, with its file.
fn objects(plan: &nexus_render::OutputPlan) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (path, bytes) in plan.files() {
        if !path.ends_with(".yaml") || path == "kustomization.yaml" {
            continue;
        }
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        for doc in text.split("---\n") {
            let v: Value = serde_saphyr::from_str(doc).unwrap_or_else(|e| panic!("{path}: {e}"));
            out.push((path.to_owned(), v));
        }
    }
    out
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Need {
    requests_cpu: u128,
    requests_memory: u128,
    limits_cpu: u128,
    limits_memory: u128,
    pods: u128,
}

/// A container's figure after the LimitRange's defaults (a limit alone is also the request).
fn figure(c: &Value, defaults: &Value, kind: &str, what: &str) -> u128 {
    let r = &c["resources"];
    let limit = r["limits"].get(what).map(milli);
    let request = r["requests"].get(what).map(milli);
    match kind {
        "limits" => limit.unwrap_or_else(|| milli(&defaults["default"][what])),
        _ => request
            .or(limit)
            .unwrap_or_else(|| milli(&defaults["defaultRequest"][what])),
    }
}

/// What one pod reserves: the larger of its containers' sum and its largest init container.
fn pod_need(spec: &Value, defaults: &Value) -> Need {
    let list = |k: &str| spec[k].as_array().cloned().unwrap_or_default();
    let one = |kind: &str, what: &str| {
        let sum: u128 = list("containers")
            .iter()
            .map(|c| figure(c, defaults, kind, what))
            .sum();
        let init = list("initContainers")
            .iter()
            .map(|c| figure(c, defaults, kind, what))
            .max()
            .unwrap_or(0);
        sum.max(init)
    };
    Need {
        requests_cpu: one("requests", "cpu"),
        requests_memory: one("requests", "memory"),
        limits_cpu: one("limits", "cpu"),
        limits_memory: one("limits", "memory"),
        pods: 1,
    }
}

fn surge(v: &Value, replicas: u128) -> u128 {
    match v {
        Value::String(s) => {
            let p: u128 = s.trim_end_matches('%').parse().expect("a percentage");
            (replicas * p).div_ceil(100)
        }
        Value::Number(n) => u128::from(n.as_u64().expect("a count")),
        _ => 0,
    }
}

fn add(total: &mut Need, pod: Need, n: u128) {
    total.requests_cpu += pod.requests_cpu * n;
    total.requests_memory += pod.requests_memory * n;
    total.limits_cpu += pod.limits_cpu * n;
    total.limits_memory += pod.limits_memory * n;
    total.pods += n;
}

fn find<'a>(objs: &'a [(String, Value)], kind: &str) -> Vec<&'a Value> {
    objs.iter()
        .filter(|(_, o)| o["kind"] == kind)
        .map(|(_, o)| o)
        .collect()
}

#[test]
fn every_pod_fits_the_quota_and_the_limit_range_at_full_scale() {
    let helper_pod = |n: u128| Need {
        requests_cpu: 100 * n,
        requests_memory: 256 * (1 << 20) * 1000 * n,
        limits_cpu: 1000 * n,
        limits_memory: (1 << 30) * 1000 * n,
        pods: n,
    };
    for path in k8s_support::all_specs() {
        let spec = k8s_support::load(&path);
        for env in spec.environments() {
            let platform = spec.resolve(&env).expect("resolves");
            let plan = k8s_support::render(&spec, &env);
            let objs = objects(&plan);
            let at = format!("{} ({env})", path.display());
            let quota = find(&objs, "ResourceQuota");
            assert_eq!(quota.len(), 1, "{at}: one ResourceQuota");
            let hard = &quota[0]["spec"]["hard"];
            let limit_ranges = find(&objs, "LimitRange");
            assert_eq!(limit_ranges.len(), 1, "{at}: one LimitRange");
            let lr = &limit_ranges[0]["spec"]["limits"][0];
            assert_eq!(lr["type"], "Container");
            // The most replicas an autoscaler may set: an HPA's `maxReplicas`, or a KEDA
            // ScaledObject's `maxReplicaCount` (KEDA makes the HPA in the cluster).
            let mut hpa_max: BTreeMap<String, u128> = BTreeMap::new();
            for (kind, key) in [
                ("HorizontalPodAutoscaler", "maxReplicas"),
                ("ScaledObject", "maxReplicaCount"),
            ] {
                for h in find(&objs, kind) {
                    hpa_max.insert(
                        h["spec"]["scaleTargetRef"]["name"]
                            .as_str()
                            .expect("target")
                            .to_owned(),
                        u128::from(h["spec"][key].as_u64().expect("max")),
                    );
                }
            }
            let mut total = Need::default();
            let mut claims = 0u128;
            let mut storage = 0u128;
            let mut templates = Vec::new();
            for kind in ["Deployment", "StatefulSet"] {
                for o in find(&objs, kind) {
                    let name = o["metadata"]["name"].as_str().expect("name");
                    let most = hpa_max.get(name).copied().unwrap_or_else(|| {
                        u128::from(o["spec"]["replicas"].as_u64().expect("replicas"))
                    });
                    let extra = match kind {
                        "Deployment" => {
                            surge(&o["spec"]["strategy"]["rollingUpdate"]["maxSurge"], most)
                        }
                        _ => 0,
                    };
                    let pod = &o["spec"]["template"]["spec"];
                    add(&mut total, pod_need(pod, lr), most + extra);
                    for c in o["spec"]["volumeClaimTemplates"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                    {
                        claims += most;
                        storage += milli(&c["spec"]["resources"]["requests"]["storage"]) * most;
                    }
                    templates.push((kind, o, pod.clone(), most));
                }
            }
            // A suspended Job (a restore run on demand) has no pod until it is resumed.
            for o in find(&objs, "Job")
                .into_iter()
                .filter(|j| j["spec"]["suspend"] != true)
            {
                let pod = &o["spec"]["template"]["spec"];
                add(&mut total, pod_need(pod, lr), 1);
                templates.push(("Job", o, pod.clone(), 1));
            }
            // Claims of their own (a restore's fresh volume).
            for c in find(&objs, "PersistentVolumeClaim") {
                claims += 1;
                storage += milli(&c["spec"]["resources"]["requests"]["storage"]);
            }
            for o in find(&objs, "CronJob") {
                assert_eq!(o["spec"]["concurrencyPolicy"], "Forbid", "{at}");
                let pod = &o["spec"]["jobTemplate"]["spec"]["template"]["spec"];
                add(&mut total, pod_need(pod, lr), 1);
                templates.push(("CronJob", o, pod.clone(), 1));
            }
            // The model counts a pod for every declared backup schedule and its restore; the
            // ones nexus cannot render yet (annotated on the engine) are the only slack
            // allowed (and, for claims, a restore that restores into the running engine).
            let unrendered: u128 = platform
                .workloads
                .iter()
                .filter_map(|w| w.backup.as_ref().map(|b| (w, b)))
                .filter(|(w, _)| {
                    plan.get(&format!("60-backups/{}.yaml", w.name.value))
                        .is_none()
                })
                .map(|(_, b)| 2 + u128::from(b.incremental.is_some()))
                .sum();
            // The Gateway API controller runs the gateway's proxy pods in the namespace at
            // the container defaults: they are in the quota, not in the rendered objects.
            let edge = if find(&objs, "Gateway").is_empty() {
                0
            } else {
                u128::from(nexus_spec::placement::EDGE_PROXY_PODS)
            };
            let slack = helper_pod(unrendered + edge);
            let mib = (1u128 << 20) * 1000;
            for (key, need, extra, round) in [
                ("requests.cpu", total.requests_cpu, slack.requests_cpu, 1),
                ("limits.cpu", total.limits_cpu, slack.limits_cpu, 1),
                (
                    "requests.memory",
                    total.requests_memory,
                    slack.requests_memory,
                    mib,
                ),
                (
                    "limits.memory",
                    total.limits_memory,
                    slack.limits_memory,
                    mib,
                ),
                ("pods", total.pods * 1000, slack.pods * 1000, 1),
            ] {
                let q = milli(&hard[key]);
                assert!(
                    q >= need,
                    "{at}: {key} quota {q} below the rendered pods' {need}"
                );
                assert!(
                    q < need + extra + round,
                    "{at}: {key} quota {q} holds more than the rendered pods' {need} (+{extra} for unrendered backups and the gateway's proxies)"
                );
            }
            if claims > 0 {
                // At least what is rendered; the model also counts a claim for each restore
                // that restores into the running engine (RabbitMQ) or is not rendered yet.
                assert!(
                    milli(&hard["persistentvolumeclaims"]) >= claims * 1000,
                    "{at}"
                );
                assert!(milli(&hard["requests.storage"]) >= storage, "{at}");
            }
            // The LimitRange admits every container the output runs.
            let max_cpu = milli(&lr["max"]["cpu"]);
            let max_memory = milli(&lr["max"]["memory"]);
            let classes: Vec<String> = find(&objs, "PriorityClass")
                .iter()
                .map(|c| c["metadata"]["name"].as_str().expect("name").to_owned())
                .collect();
            for (kind, o, pod, most) in &templates {
                let name = o["metadata"]["name"].as_str().unwrap_or_default();
                for key in ["containers", "initContainers"] {
                    for c in pod[key].as_array().cloned().unwrap_or_default() {
                        assert!(figure(&c, lr, "limits", "cpu") <= max_cpu, "{at}: {name}");
                        assert!(
                            figure(&c, lr, "limits", "memory") <= max_memory,
                            "{at}: {name}"
                        );
                    }
                }
                let class = pod["priorityClassName"].as_str().unwrap_or_default();
                assert!(
                    classes.iter().any(|c| c == class),
                    "{at}: {kind} {name} names PriorityClass `{class}`, not one of {classes:?}"
                );
                // Spread: a controller that may run several pods spreads its own pods.
                let constraints = pod["topologySpreadConstraints"].as_array();
                if *most > 1 && matches!(*kind, "Deployment" | "StatefulSet") {
                    let c = constraints.unwrap_or_else(|| {
                        panic!("{at}: {kind} {name} runs up to {most} pods without spread")
                    });
                    let host = c
                        .iter()
                        .find(|c| c["topologyKey"] == "kubernetes.io/hostname")
                        .unwrap_or_else(|| panic!("{at}: {name} has no spread across nodes"));
                    assert_eq!(host["whenUnsatisfiable"], "DoNotSchedule", "{at}: {name}");
                    assert_eq!(host["maxSkew"], 1);
                    assert_eq!(
                        host["labelSelector"]["matchLabels"], o["spec"]["selector"]["matchLabels"],
                        "{at}: {name} spreads the pods of its own selector"
                    );
                    assert!(
                        c.iter()
                            .any(|c| c["topologyKey"] == "topology.kubernetes.io/zone"),
                        "{at}: {name} has no spread across zones"
                    );
                } else {
                    assert!(constraints.is_none(), "{at}: {kind} {name} runs one pod");
                }
            }
        }
    }
}

/// The NEXUS backend: three replicas autoscaling to more, blue-green. Both slots spread, and
/// each rollout revision spreads on its own.
#[test]
fn both_blue_green_slots_of_the_backend_spread_by_revision() {
    let spec = k8s_support::load(&k8s_support::nexus_spec());
    let plan = k8s_support::render(&spec, "production");
    let objs = objects(&plan);
    for slot in ["blue", "green"] {
        let d = find(&objs, "Deployment")
            .into_iter()
            .find(|d| d["metadata"]["name"] == format!("backend-{slot}"))
            .expect("the slot's Deployment");
        let c = &d["spec"]["template"]["spec"]["topologySpreadConstraints"][0];
        assert_eq!(c["labelSelector"]["matchLabels"]["nexus.dev/slot"], slot);
        assert_eq!(c["matchLabelKeys"][0], "pod-template-hash");
        assert_eq!(c["nodeTaintsPolicy"], "Honor");
        assert_eq!(
            d["spec"]["template"]["spec"]["priorityClassName"],
            "nexus-production-backend"
        );
    }
}

/// A declared quota is rendered as declared, figure by figure; the rest stays derived.
#[test]
fn a_declared_quota_figure_is_rendered_as_written() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/placement/declared-quota.yaml"),
    )
    .expect("fixture");
    let spec = nexus_spec::Spec::from_str("quota.yaml", &text).expect("loads");
    let plan = k8s_support::render(&spec, "staging");
    let objs = objects(&plan);
    let hard = &find(&objs, "ResourceQuota")[0]["spec"]["hard"];
    assert_eq!(hard["requests.cpu"], "2");
    assert_eq!(hard["pods"], "10");
    // Not declared: derived (two services of 500m at 2 replicas + 1 surge, a 200m cache,
    // two gateway proxy pods at the 1-CPU default).
    assert_eq!(hard["limits.cpu"], "5200m");
}
