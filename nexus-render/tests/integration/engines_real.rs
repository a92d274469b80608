//! Real engines from the rendered pods (issue 12, item 5): PostgreSQL 15, Redis 7 and
//! RabbitMQ 3 from the machine's Debian packages, each started from the Kubernetes target's
//! rendered pod in a sandbox that behaves as the pod would (see `engine_support`). The
//! rendered readiness and liveness probes and the Compose healthcheck must pass against the
//! running engine and fail once it is stopped; a client must see the engine work with the
//! credentials the rendered objects carry.

use crate::support::engine as engine_support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use engine_support::objects::SecretValues;
use engine_support::pod::Pod;
use engine_support::{Rendered, probe};

/// Three backing services and nothing else; small limits.
const SPEC: &str = r#"
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: engines, version: 1.0.0 }
spec:
  secrets:
    postgres-password: { description: Password of the app role. }
    redis-password: { description: Password Redis requires. }
    rabbitmq-password: { description: Password of the app user. }
  backingServices:
    postgres:
      engine: postgres
      version: "15"
      credentials: { user: app, passwordSecret: postgres-password }
      database: orders
      resources:
        requests: { cpu: 250m, memory: 512Mi }
        limits: { cpu: "1", memory: 512Mi }
      storage: { size: 1Gi }
    redis:
      engine: redis
      version: "7"
      credentials: { passwordSecret: redis-password }
      resources:
        requests: { cpu: 100m, memory: 256Mi }
        limits: { cpu: 500m, memory: 256Mi }
      storage: { size: 1Gi }
    rabbitmq:
      engine: rabbitmq
      version: "3"
      credentials: { user: app, passwordSecret: rabbitmq-password }
      database: jobs
      resources:
        requests: { cpu: 250m, memory: 512Mi }
        limits: { cpu: "1", memory: 512Mi }
      storage: { size: 1Gi }
  environments:
    test: {}
"#;

/// A password that tests every layer's quoting: shell, `$(VAR)`, Compose `$`, SQL.
const PASSWORD: &str = r#"p@ss "w'rd\ $(HOME) $HOME ;x"#;

fn rendered() -> Rendered {
    engine_support::render("engines.yaml", SPEC, "test")
}

/// Every key of each Secret holds the test password.
fn secrets() -> SecretValues {
    ["postgres-password", "redis-password", "rabbitmq-password"]
        .into_iter()
        .map(|s| ((s.to_owned(), String::new()), PASSWORD.to_owned()))
        .collect()
}

/// What `.env` would hold for Compose.
fn compose_vars() -> BTreeMap<String, String> {
    ["POSTGRES_PASSWORD", "REDIS_PASSWORD", "RABBITMQ_PASSWORD"]
        .into_iter()
        .map(|v| (v.to_owned(), PASSWORD.to_owned()))
        .collect()
}

/// Every check both targets render passes against the running engine.
fn assert_checks_pass(pod: &Pod, r: &Rendered, service: &str) -> usize {
    let checks = probe::all(pod, &r.compose, service, &compose_vars());
    for (name, o) in &checks {
        assert!(
            o.ok(),
            "{service}: {name} fails against the running engine:\n{}",
            o.output
        );
        eprintln!("{service}: {name} passes ({:?})", o.took);
    }
    checks.len()
}

/// Every check fails once the engine is stopped.
fn assert_checks_fail(pod: &Pod, r: &Rendered, service: &str) {
    for (name, o) in probe::all(pod, &r.compose, service, &compose_vars()) {
        assert!(
            !o.ok(),
            "{service}: {name} passes against a stopped engine:\n{}",
            o.output
        );
        eprintln!("{service}: {name} fails once stopped ({:?})", o.took);
    }
}

/// Brings a pod up and waits for its readiness probe.
fn up<'a>(r: &'a Rendered, tools: &engine_support::Tools, name: &str) -> Pod<'a> {
    let mut pod = Pod::new(tools, &r.k8s, name, secrets());
    pod.run_init_containers(Duration::from_secs(30));
    pod.start();
    let t = probe::wait_ready(&mut pod, probe::ENGINE_START);
    eprintln!("{name}: ready after {t:?}");
    pod
}

#[test]
fn postgres_from_the_rendered_pod() {
    let Some(tools) = engine_support::tools("engines_real/postgres") else {
        return;
    };
    let started = Instant::now();
    let r = rendered();
    let mut pod = up(&r, &tools, "postgres");
    assert!(
        assert_checks_pass(&pod, &r, "postgres") >= 3,
        "readiness, liveness and the Compose check"
    );

    // A client with the rendered credentials, over TCP to the pod's address (as from another
    // pod: password checked), in the declared database.
    let sql = pod.exec(&[
        "sh",
        "-c",
        r#"PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" psql -h postgres-0 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -XAtq -c 'select current_user, current_database()' -c 'create table t(x int)' -c 'insert into t values (42)' -c 'select x from t'"#,
    ]);
    assert!(sql.ok(), "psql fails:\n{}", sql.output);
    assert_eq!(sql.output.trim(), "app|orders\n42", "{}", sql.output);
    let wrong = pod.exec(&[
        "sh",
        "-c",
        r#"PGPASSWORD=wrong psql -h postgres-0 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -XAtc 'select 1'"#,
    ]);
    assert!(
        !wrong.ok() && wrong.output.contains("password authentication failed"),
        "a wrong password is not refused:\n{}",
        wrong.output
    );

    pod.stop();
    assert_checks_fail(&pod, &r, "postgres");
    eprintln!("postgres: {:?}", started.elapsed());
}

#[test]
fn redis_from_the_rendered_pod() {
    let Some(tools) = engine_support::tools("engines_real/redis") else {
        return;
    };
    let started = Instant::now();
    let r = rendered();
    let mut pod = up(&r, &tools, "redis");
    assert!(
        assert_checks_pass(&pod, &r, "redis") >= 3,
        "readiness, liveness and the Compose check"
    );

    let set = pod.exec(&[
        "sh",
        "-c",
        r#"export REDISCLI_AUTH="$(cat "$REDIS_PASSWORD_FILE")"; redis-cli set greeting hello && redis-cli get greeting"#,
    ]);
    assert!(set.ok(), "redis-cli fails:\n{}", set.output);
    assert_eq!(set.output.trim(), "OK\nhello", "{}", set.output);
    let anonymous = pod.exec(&["redis-cli", "get", "greeting"]);
    assert!(
        anonymous.output.contains("NOAUTH"),
        "a client without the password is not refused:\n{}",
        anonymous.output
    );
    let wrong = pod.exec(&[
        "redis-cli",
        "-a",
        "wrong",
        "--no-auth-warning",
        "get",
        "greeting",
    ]);
    assert!(
        !wrong.output.contains("hello"),
        "a wrong password is accepted:\n{}",
        wrong.output
    );

    pod.stop();
    assert_checks_fail(&pod, &r, "redis");
    eprintln!("redis: {:?}", started.elapsed());
}

#[test]
fn rabbitmq_from_the_rendered_pod() {
    let Some(tools) = engine_support::tools("engines_real/rabbitmq") else {
        return;
    };
    let started = Instant::now();
    let r = rendered();
    let mut pod = up(&r, &tools, "rabbitmq");
    assert!(
        assert_checks_pass(&pod, &r, "rabbitmq") >= 3,
        "readiness, liveness and the Compose check"
    );

    let ping = pod.exec(&["rabbitmq-diagnostics", "-q", "ping"]);
    assert!(ping.ok(), "ping fails:\n{}", ping.output);
    // The image's conf.d (log.console = true) is not hidden by a mount: the broker logs to
    // the console, where `kubectl logs` and `docker compose logs` read it.
    let log = pod.log();
    assert!(
        log.contains("Server startup complete"),
        "RabbitMQ does not log to the console:\n{log}"
    );
    let users = pod.exec(&["rabbitmqctl", "-q", "list_users"]);
    assert!(
        users.ok() && users.output.lines().any(|l| l.starts_with("app\t")),
        "no user app:\n{}",
        users.output
    );
    let vhosts = pod.exec(&["rabbitmqctl", "-q", "list_vhosts"]);
    assert!(
        vhosts.output.lines().any(|l| l.trim() == "jobs"),
        "no vhost jobs:\n{}",
        vhosts.output
    );
    let auth = pod.exec(&[
        "sh",
        "-c",
        r#"rabbitmqctl -q authenticate_user "$RABBITMQ_DEFAULT_USER" "$RABBITMQ_DEFAULT_PASS""#,
    ]);
    assert!(
        auth.ok(),
        "the rendered password does not authenticate:\n{}",
        auth.output
    );
    let wrong = pod.exec(&["rabbitmqctl", "-q", "authenticate_user", "app", "wrong"]);
    assert!(
        !wrong.ok(),
        "a wrong password authenticates:\n{}",
        wrong.output
    );

    pod.stop();
    assert_checks_fail(&pod, &r, "rabbitmq");
    eprintln!("rabbitmq: {:?}", started.elapsed());
}

/// The harness itself: stopping the main container leaves no process of it in the pod, and
/// the engine ran as the pod's user with a read-only root.
#[test]
fn a_stopped_container_leaves_nothing_running() {
    let Some(tools) = engine_support::tools("engines_real/stop") else {
        return;
    };
    let r = rendered();
    let mut pod = Pod::new(&tools, &r.k8s, "redis", secrets());
    pod.start();
    probe::wait_ready(&mut pod, probe::ENGINE_START);
    let ps = |pod: &Pod| {
        let args = [
            "-eo".to_owned(),
            "user:12,args".to_owned(),
            "--no-headers".to_owned(),
        ];
        let o = pod.in_network(
            std::path::Path::new("/usr/bin/ps"),
            &args,
            Duration::from_secs(10),
        );
        assert!(o.ok(), "ps fails: {}", o.output);
        o.output
    };
    let running = ps(&pod);
    assert!(
        running
            .lines()
            .any(|l| l.starts_with("999 ") && l.contains("redis-server")),
        "redis-server does not run as uid 999:\n{running}"
    );
    let write = pod.exec(&["sh", "-c", "touch /usr/x || touch /etc/x || touch /x"]);
    assert!(
        !write.ok(),
        "the root file system is writable:\n{}",
        write.output
    );
    pod.stop();
    let left = ps(&pod);
    // Left: the pause process, ps itself, and at most a zombie the pod's init has yet to reap.
    let others: Vec<&str> = left
        .lines()
        .filter(|l| {
            ![
                "sleep infinity",
                "/usr/bin/ps",
                "--unshare-net",
                "<defunct>",
            ]
            .iter()
            .any(|known| l.contains(known))
        })
        .collect();
    assert!(
        others.is_empty(),
        "processes left after the container stopped:\n{left}"
    );
}
