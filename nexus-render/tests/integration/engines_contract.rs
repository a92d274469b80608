//! The engine image contracts held against what both targets render, for every component
//! of the engine catalog, including the ones this machine cannot run (Elasticsearch, Neo4j,
//! MinIO, Prometheus, Grafana, Jaeger): every path the image writes at start is on a
//! writable mount, and every program a health check runs is one the image has.
//!
//! The contract comes from `nexus_spec::catalog`; the two functions below are the only
//! places that read it, so a new catalog field is wired here in one line.

use crate::support::engine as engine_support;

use nexus_spec::catalog::{self, Component};
use nexus_spec::model::Engine;
use serde_json::Value;

use engine_support::objects::{Workload, list, string_list};
use engine_support::{compose, shell};

/// The paths a component's image writes when it starts: the data path, the empty writable
/// paths and the seeded configuration folders.
fn startup_writes(c: &Component) -> Vec<&'static str> {
    c.writable_paths
        .iter()
        .chain(c.seeded_paths)
        .copied()
        .chain(c.data_path)
        .collect()
}

/// The programs the component's image has, from its contract.
fn health_tools(c: &Component) -> Option<&'static [&'static str]> {
    Some(c.tools)
}

/// Every catalog row with the workload `specs/nexus.yaml` names for it.
fn components() -> Vec<(&'static str, &'static Component)> {
    let mut v: Vec<(&'static str, &'static Component)> = [
        ("postgres", Engine::Postgres),
        ("redis", Engine::Redis),
        ("elasticsearch", Engine::Elasticsearch),
        ("neo4j", Engine::Neo4j),
        ("rabbitmq", Engine::Rabbitmq),
        ("minio", Engine::Minio),
    ]
    .into_iter()
    .map(|(n, e)| (n, catalog::engine(e)))
    .collect();
    v.extend([
        ("prometheus", &catalog::PROMETHEUS),
        ("grafana", &catalog::GRAFANA),
        ("jaeger", &catalog::JAEGER),
    ]);
    v
}

/// Whether `path` is `target` or lies under it.
fn under(path: &str, target: &str) -> bool {
    let target = target.trim_end_matches('/');
    path == target || path.starts_with(&format!("{target}/"))
}

/// The writable mount points of a rendered pod's main container; `None` when its root is
/// writable.
fn k8s_writable(w: &Workload) -> Option<Vec<String>> {
    let c = w.main();
    if c["securityContext"]["readOnlyRootFilesystem"] != Value::Bool(true) {
        return None;
    }
    let claims = w.claims();
    Some(
        list(&c["volumeMounts"])
            .iter()
            .filter(|m| m["readOnly"] != Value::Bool(true))
            .filter(|m| {
                let name = m["name"].as_str().expect("named");
                claims.iter().any(|c| c == name)
                    || w.volume(name).is_some_and(|v| {
                        v["emptyDir"].is_object()
                            || v["persistentVolumeClaim"].is_object()
                            || v["ephemeral"].is_object()
                    })
            })
            .map(|m| m["mountPath"].as_str().expect("mountPath").to_owned())
            .collect(),
    )
}

/// The writable mount points of a Compose service; `None` when its root is writable.
fn compose_writable(s: &Value) -> Option<Vec<String>> {
    if s["read_only"] != Value::Bool(true) {
        return None;
    }
    let mut out: Vec<String> = list(&s["tmpfs"])
        .iter()
        .chain(s["tmpfs"].as_str().map(|_| &s["tmpfs"]))
        .filter_map(|t| t.as_str())
        .map(|t| t.split(':').next().expect("a path").to_owned())
        .collect();
    for v in list(&s["volumes"]) {
        if let Some(short) = v.as_str() {
            let parts: Vec<&str> = short.split(':').collect();
            if parts.len() >= 2
                && parts
                    .get(2)
                    .is_none_or(|o| !o.split(',').any(|o| o == "ro"))
            {
                out.push(parts[1].to_owned());
            }
        } else if v["read_only"] != Value::Bool(true) {
            out.push(v["target"].as_str().expect("target").to_owned());
        }
    }
    Some(out)
}

/// The argv of every exec probe of a pod's main container.
fn k8s_checks(w: &Workload) -> Vec<Vec<String>> {
    ["startupProbe", "readinessProbe", "livenessProbe"]
        .iter()
        .filter_map(|p| string_list(&w.main()[*p]["exec"]["command"]))
        .collect()
}

/// Paths of `writes` no writable mount covers.
fn unwritable(writes: &[&str], writable: &Option<Vec<String>>) -> Vec<String> {
    let Some(mounts) = writable else {
        return Vec::new();
    };
    writes
        .iter()
        .filter(|p| !mounts.iter().any(|m| under(p, m)))
        .map(|p| p.to_string())
        .collect()
}

/// The programs of `checks` that are not in `tools`: the helper the catalog's
/// `health_tools` plugs into.
fn missing_tools(checks: &[Vec<String>], tools: &[&str]) -> Vec<String> {
    checks
        .iter()
        .flat_map(|argv| shell::executables(argv))
        .filter(|p| {
            let base = p.rsplit('/').next().unwrap_or(p);
            !tools.iter().any(|t| *t == p || *t == base)
        })
        .collect()
}

#[test]
fn every_path_the_images_write_is_writable_and_every_check_runs_what_the_image_has() {
    let spec = nexus_spec::Spec::from_path(&engine_support::repo_root().join("specs/nexus.yaml"))
        .unwrap_or_else(|d| panic!("specs/nexus.yaml does not load: {d:?}"));
    let mut problems = Vec::new();
    let mut unchecked = Vec::new();
    for env in spec.environments() {
        let r = engine_support::render_spec(&spec, &env);
        for (name, c) in components() {
            let writes = startup_writes(c);
            let w = Workload::find(&r.k8s, name);
            let s = compose::service(&r.compose, name);
            for p in unwritable(&writes, &k8s_writable(&w)) {
                problems.push(format!(
                    "{env} k8s {name}: {p} is written at start but not writable"
                ));
            }
            for p in unwritable(&writes, &compose_writable(s)) {
                problems.push(format!(
                    "{env} compose {name}: {p} is written at start but not writable"
                ));
            }
            let mut checks = k8s_checks(&w);
            checks.extend(compose::healthcheck_unresolved(s));
            match health_tools(c) {
                Some(tools) => {
                    for t in missing_tools(&checks, tools) {
                        problems.push(format!(
                            "{env} {name}: a health check runs {t}, which the image lacks"
                        ));
                    }
                }
                None => unchecked.extend(
                    checks
                        .iter()
                        .flat_map(|a| shell::executables(a))
                        .map(|t| format!("{name}:{t}")),
                ),
            }
        }
    }
    unchecked.sort();
    unchecked.dedup();
    if !unchecked.is_empty() {
        eprintln!(
            "note: the catalog lists no health tools yet; programs not checked: {}",
            unchecked.join(" ")
        );
    }
    assert!(
        problems.is_empty(),
        "the rendered output breaks the image contracts:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_contract_checks_fail_on_a_broken_render() {
    // A read-only root with the config folder not mounted: caught.
    let writable = Some(vec![
        "/usr/share/elasticsearch/data".to_owned(),
        "/tmp".to_owned(),
    ]);
    assert_eq!(
        unwritable(
            &[
                "/usr/share/elasticsearch/config",
                "/usr/share/elasticsearch/data"
            ],
            &writable
        ),
        ["/usr/share/elasticsearch/config"]
    );
    // `/data2` is not under `/data`.
    assert_eq!(
        unwritable(&["/data2"], &Some(vec!["/data".to_owned()])),
        ["/data2"]
    );
    // A check that calls curl in an image that has only wget: caught; sh and bash builtins not.
    let checks = vec![vec![
        "sh".to_owned(),
        "-c".to_owned(),
        "curl -fs http://127.0.0.1:7474/ || [ -e /x ]".to_owned(),
    ]];
    assert_eq!(missing_tools(&checks, &["sh", "wget"]), ["curl"]);
    assert!(missing_tools(&checks, &["sh", "curl"]).is_empty());
}
