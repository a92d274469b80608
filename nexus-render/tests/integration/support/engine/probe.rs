//! The rendered health checks run against a pod: Kubernetes probes as the kubelet runs them,
//! Compose healthchecks as the Docker engine runs them.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::compose;
use super::objects::{expand, string_list};
use super::pod::{Outcome, Pod};

/// How long a check may take before it counts as failed. The rendered `timeoutSeconds` is
/// reported, not enforced: two shared cores make an Erlang VM's start slow.
const LIMIT: Duration = Duration::from_secs(30);

/// Runs the main container's `kind` probe (`readinessProbe`, `livenessProbe`,
/// `startupProbe`); `None` when it has none.
pub fn k8s(pod: &Pod, kind: &str) -> Option<Outcome> {
    let c = pod.workload.main();
    let probe = &c[kind];
    if probe.is_null() {
        return None;
    }
    let env = pod.env(c);
    let outcome = if let Some(cmd) = string_list(&probe["exec"]["command"]) {
        let argv: Vec<String> = cmd.iter().map(|a| expand(a, &env)).collect();
        pod.exec_with(&env, &argv, LIMIT)
    } else if probe["tcpSocket"].is_object() {
        let port = pod.workload.port(c, &probe["tcpSocket"]["port"]);
        let script = format!("exec 3<>/dev/tcp/127.0.0.1/{port}");
        pod.in_network(Path::new("/usr/bin/bash"), &["-c".into(), script], LIMIT)
    } else if probe["httpGet"].is_object() {
        let h = &probe["httpGet"];
        let port = pod.workload.port(c, &h["port"]);
        let scheme = h["scheme"].as_str().unwrap_or("HTTP").to_lowercase();
        let path = h["path"].as_str().unwrap_or("/");
        let curl = pod.tools.curl.clone().expect("httpGet probes need curl");
        let args = ["-ksS", "-o", "/dev/null", "-f", "--max-time", "10"]
            .map(str::to_owned)
            .into_iter()
            .chain([format!("{scheme}://127.0.0.1:{port}{path}")])
            .collect::<Vec<_>>();
        pod.in_network(&curl, &args, LIMIT)
    } else {
        panic!("{kind}: a probe kind the harness does not run: {probe}");
    };
    if let Some(t) = probe["timeoutSeconds"].as_u64()
        && outcome.took > Duration::from_secs(t)
    {
        eprintln!(
            "note: {kind} took {:?}, over its timeoutSeconds {t}",
            outcome.took
        );
    }
    Some(outcome)
}

/// Runs a Compose service's healthcheck in the pod's main container sandbox, with the
/// image's environment, the service's interpolated `environment` and its `secrets` files;
/// `None` when the service has none.
pub fn compose(
    pod: &Pod,
    compose_file: &Value,
    service: &str,
    vars: &BTreeMap<String, String>,
) -> Option<Outcome> {
    let s = compose::service(compose_file, service);
    let argv = compose::healthcheck(s, vars)?;
    let mut env: Vec<(String, String)> = vec![
        ("PATH".to_owned(), pod.image.path.clone()),
        ("HOSTNAME".to_owned(), format!("{service}-0")),
        ("HOME".to_owned(), pod.image.user.3.to_owned()),
    ];
    for (k, v) in pod.image.env {
        env.retain(|(n, _)| n != k);
        env.push(((*k).to_owned(), (*v).to_owned()));
    }
    for (k, v) in compose::environment(s, vars) {
        env.retain(|(n, _)| *n != k);
        env.push((k, v));
    }
    let files = compose::secret_files(compose_file, s, vars);
    Some(pod.exec_mounted(&env, &argv, &files, LIMIT))
}

/// Every check both targets render for a workload, by name: the Kubernetes probes and the
/// Compose healthcheck.
pub fn all(
    pod: &Pod,
    compose_file: &Value,
    service: &str,
    vars: &BTreeMap<String, String>,
) -> Vec<(String, Outcome)> {
    let mut out = Vec::new();
    for kind in ["startupProbe", "readinessProbe", "livenessProbe"] {
        if let Some(o) = k8s(pod, kind) {
            out.push((format!("k8s {kind}"), o));
        }
    }
    if let Some(o) = compose(pod, compose_file, service, vars) {
        out.push(("compose healthcheck".to_owned(), o));
    }
    out
}

/// How long an engine may take to become ready in a test. `wait_ready` returns as soon as
/// it is, so a healthy run pays nothing for the margin. On an idle 2-core machine Redis is
/// ready after 2.7 s and PostgreSQL after 3.4 s, [`STEADY`] included; a loaded CI machine,
/// where engines start beside each other and beside tests that sync the file system, can
/// take several times that. RabbitMQ (5.9 s here) and the backup drills had 60 s already.
pub const ENGINE_START: Duration = Duration::from_secs(60);

/// Polls the readiness probe (or, without one, the liveness probe) until it has passed
/// without a failure for [`STEADY`], within `limit`; panics with the container's log if it
/// does not. Steady, because an entrypoint may run a temporary server first (PostgreSQL's
/// does, on the same socket), which the kubelet's `initialDelaySeconds` usually hides.
pub fn wait_ready(pod: &mut Pod, limit: Duration) -> Duration {
    let start = std::time::Instant::now();
    let mut since: Option<std::time::Instant> = None;
    loop {
        pod.assert_running();
        let o = k8s(pod, "readinessProbe")
            .or_else(|| k8s(pod, "livenessProbe"))
            .expect("the engine has a readiness or liveness probe");
        if o.ok() {
            let first = *since.get_or_insert_with(std::time::Instant::now);
            if first.elapsed() >= STEADY {
                return start.elapsed();
            }
        } else {
            since = None;
        }
        assert!(
            start.elapsed() < limit,
            "not ready after {limit:?}; last check said:\n{}\ncontainer log:\n{}",
            o.output,
            pod.log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// How long readiness must hold before the engine counts as up.
pub const STEADY: Duration = Duration::from_secs(2);
