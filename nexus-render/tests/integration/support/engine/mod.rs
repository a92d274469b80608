//! Real engines from rendered pods: a harness that runs a rendered Kubernetes pod's
//! containers "as Kubernetes would", on this machine's Debian packages, in bubblewrap.
//!
//! # What the harness does
//! - **The pod**: a "pause" sandbox owns the pod's network, UTS, IPC and PID namespaces
//!   (its own loopback, plus the pod address [`pod::POD_IP`] on it; hostname `NAME-0` as a
//!   StatefulSet's first pod has, mapped to that address in `/etc/hosts` as the kubelet
//!   does). Every container and exec joins them (`nsenter`). So the engines listen on the
//!   ports the rendered objects declare, where nobody else sees them: **no port or listen
//!   address is overridden**, nothing listens on the machine's interfaces, and tests never
//!   collide (RabbitMQ's epmd on 4369 included). Needs root.
//! - **A container**: `bwrap` with a read-only root (`readOnlyRootFilesystem`): `/usr` and
//!   `/etc` from the machine, read-only (minus credentials and the Debian packages' own
//!   engine configuration); every `volumeMount` a bind of a temp folder at its `mountPath`
//!   (emptyDir and the volumeClaimTemplates empty, owned by the pod's `runAsUser` and
//!   `fsGroup`; configMap volumes filled from the rendered ConfigMap, `items` honoured;
//!   secret volumes from the test's values; both read-only; `subPath` and `readOnly`
//!   honoured); run as the pod's uid/gid with `fsGroup` as supplementary group (`setpriv`,
//!   no new privileges); environment cleared and set from the rendered `env`/`envFrom`
//!   (literals, `configMapKeyRef` from the rendered ConfigMap, `secretKeyRef` from the
//!   test's values), `$(VAR)` expanded in `command`/`args` as the kubelet does; `command`
//!   replaces the image's entrypoint, `args` its CMD. A container has a PID namespace of
//!   its own inside the pod's, so stopping it ends every process it started. Init
//!   containers run first, in order, and must exit 0.
//! - **Probes**: exec probes run in a second sandbox with the same mounts, environment and
//!   user, in the pod's PID namespace (what they start, such as RabbitMQ's epmd, stays
//!   with the pod); tcpSocket probes connect from inside the pod's network; httpGet probes
//!   GET with curl from inside it. The rendered `timeoutSeconds` is reported when exceeded,
//!   not enforced (two shared cores start an Erlang VM slowly). Compose healthchecks (`CMD`
//!   as argv, `CMD-SHELL` via `sh -c`) run the same way with the Compose service's
//!   interpolated `environment`. Ready means the readiness probe passed for 2 s without a
//!   failure: PostgreSQL's entrypoint runs a temporary server on the same socket first.
//!
//! # What stands in for the image (see [`images`])
//! The official images are not pulled; the machine's Debian packages run instead. Only what
//! the image itself contributes is stood in for, per image, and none of the rendered
//! configuration: the image's `PATH` (the Debian binary folder first, e.g.
//! `/usr/lib/postgresql/15/bin`), its `ENV` (`PGDATA`, RabbitMQ's `HOME`), `WORKDIR`
//! (Redis: `/data`), its user in `/etc/passwd`, its default `CMD`; the files it ships where a
//! pod may mount over them (RabbitMQ: `/etc/rabbitmq/conf.d/10-defaults.conf` with
//! `log.console = true`, `enabled_plugins` with the management plugin); the Dockerfile's
//! edit of a package file (PostgreSQL: `listen_addresses = '*'` in
//! `postgresql.conf.sample`); and its entrypoint script, reduced to what runs for a non-root
//! user (PostgreSQL: `initdb` with `POSTGRES_USER` and the password, the
//! `host all all all scram-sha-256` rule, a temporary socket-only server that creates
//! `POSTGRES_DB`, then exec; Redis: `umask 0077`, then exec; RabbitMQ: long names if the
//! hostname is a FQDN, then exec). One deliberate difference: `LANG=C.UTF-8` for PostgreSQL
//! (the image generates `en_US.utf8`; the machine has no such locale). Versions differ from
//! the images' (Debian 12: PostgreSQL 15.x, Redis 7.0, RabbitMQ 3.10 with Erlang 25).
#![allow(dead_code)]

pub mod compose;
pub mod files;
pub mod images;
pub mod objects;
pub mod pod;
pub mod probe;
pub mod sandbox;
pub mod shell;

use std::path::{Path, PathBuf};

use nexus_render::OutputPlan;
use serde_json::Value;

/// The machine's tools the harness needs, from `.tools/env` (scripts/install-conformance-tools.sh).
#[derive(Debug, Clone)]
pub struct Tools {
    pub bwrap: PathBuf,
    pub nsenter: PathBuf,
    pub setpriv: PathBuf,
    pub curl: Option<PathBuf>,
    /// `initdb`, `postgres`, `pg_isready`, `psql`, `pg_ctl`.
    pub pg_bindir: PathBuf,
    pub redis_server: PathBuf,
    /// `rabbitmq-server`, `rabbitmqctl`, `rabbitmq-diagnostics`.
    pub rabbitmq_bindir: PathBuf,
    /// The S3-compatible server the backup drill stores into (`moto_server`), if installed.
    pub s3_server: Option<PathBuf>,
    /// `rclone` (Debian's, under `/usr` so that the sandboxes see it), if installed.
    pub rclone: Option<PathBuf>,
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn from_env_file(var: &str) -> Option<PathBuf> {
    if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(v));
    }
    let text = std::fs::read_to_string(repo_root().join(".tools/env")).ok()?;
    let prefix = format!("export {var}=");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(|v| PathBuf::from(v.trim().trim_matches('\'')))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Says why a test cannot run: prints `SKIPPED test: why` and returns, or under `CI=true`
/// panics with it.
pub fn skip(test: &str, why: &str) {
    let msg = format!("SKIPPED {test}: {why}; run scripts/install-conformance-tools.sh");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("{msg}");
}

/// Finds the tools, or says which is missing (see [`skip`]).
pub fn tools(test: &str) -> Option<Tools> {
    let found = find_tools();
    match found {
        Ok(t) => Some(t),
        Err(why) => {
            skip(test, &why);
            None
        }
    }
}

fn find_tools() -> Result<Tools, String> {
    let file = |var: &str, name: &str| -> Result<PathBuf, String> {
        from_env_file(var)
            .filter(|p| p.is_file())
            .or_else(|| on_path(name))
            .ok_or_else(|| format!("{name} not found (${var}, .tools/env, PATH)"))
    };
    let dir = |var: &str, probe: &str| -> Result<PathBuf, String> {
        from_env_file(var)
            .filter(|p| p.join(probe).is_file())
            .ok_or_else(|| format!("${var} (.tools/env) names no folder with {probe}"))
    };
    if !is_root() {
        return Err(
            "the pod sandbox (network namespace, setpriv to the pod's uid) needs root".into(),
        );
    }
    Ok(Tools {
        bwrap: file("NEXUS_BWRAP", "bwrap")?,
        nsenter: file("NEXUS_NSENTER", "nsenter")?,
        setpriv: file("NEXUS_SETPRIV", "setpriv")?,
        curl: file("NEXUS_CURL", "curl").ok(),
        pg_bindir: dir("NEXUS_PG_BINDIR", "initdb")?,
        redis_server: file("NEXUS_REDIS_SERVER", "redis-server")?,
        rabbitmq_bindir: dir("NEXUS_RABBITMQ_BINDIR", "rabbitmq-server")?,
        s3_server: file("NEXUS_S3_SERVER", "moto_server").ok(),
        rclone: file("NEXUS_RCLONE", "rclone")
            .ok()
            .filter(|p| p.starts_with("/usr/")),
    })
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Every YAML document of a plan, parsed.
pub fn documents(plan: &OutputPlan) -> Vec<Value> {
    let mut out = Vec::new();
    for (path, bytes) in plan.files() {
        if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
            continue;
        }
        let text = std::str::from_utf8(bytes).expect("rendered files are UTF-8");
        let docs: Vec<Value> = serde_saphyr::from_multiple(text)
            .unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        out.extend(docs.into_iter().filter(|d| !d.is_null()));
    }
    out
}

/// A spec rendered for both targets.
pub struct Rendered {
    pub k8s: Vec<Value>,
    pub compose: Value,
}

/// Loads a spec text and renders one environment for Kubernetes and Compose.
pub fn render(name: &str, text: &str, env: &str) -> Rendered {
    let spec = nexus_spec::Spec::from_str(name, text)
        .unwrap_or_else(|d| panic!("{name} does not load: {d:?}"));
    render_spec(&spec, env)
}

/// Renders one environment of a loaded spec for Kubernetes and Compose.
pub fn render_spec(spec: &nexus_spec::Spec, env: &str) -> Rendered {
    let platform = spec
        .resolve(env)
        .unwrap_or_else(|d| panic!("{env} does not resolve: {d:?}"));
    let k8s = nexus_render::k8s::render(&platform).expect("the Kubernetes target renders");
    let compose = nexus_render::compose::render(&platform).expect("the Compose target renders");
    let compose_yaml = compose
        .files()
        .find(|(p, _)| p.ends_with("compose.yaml"))
        .map(|(_, b)| std::str::from_utf8(b).expect("UTF-8").to_owned())
        .expect("the Compose target renders compose.yaml");
    Rendered {
        k8s: documents(&k8s),
        compose: serde_saphyr::from_str(&compose_yaml).expect("compose.yaml parses"),
    }
}
