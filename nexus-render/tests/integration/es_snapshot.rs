//! Elasticsearch snapshots (issue 13 item 5): Elasticsearch cannot run here, so the
//! rendered setup and restore scripts run with curl against a small fake of its REST API on
//! loopback, which records every request; the test asserts what the cluster would be asked
//! (repository type, bucket and base path; SLM schedule and retention; the restore of the
//! newest successful snapshot), and that a broken script is caught.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nexus_render::k8s::{ES_KEYSTORE, ES_SNAPSHOT_RESTORE, ES_SNAPSHOT_SETUP, slm_schedule};
use nexus_spec::values::Cron;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) auth: String,
    pub(crate) body: String,
}

/// The fake cluster: answers every request, records it, and stops (joins its thread) when
/// dropped, also when the test fails.
pub(crate) struct FakeEs {
    pub(crate) port: u16,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Request>>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeEs {
    pub(crate) fn start() -> FakeEs {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds loopback");
        let port = listener.local_addr().expect("address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (stop.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    serve(conn, &r);
                }
            }
        });
        FakeEs {
            port,
            stop,
            seen,
            thread: Some(thread),
        }
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        self.seen.lock().expect("lock").clone()
    }
}

impl Drop for FakeEs {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(conn: TcpStream, seen: &Mutex<Vec<Request>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(conn);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let (mut length, mut auth) = (0usize, String::new());
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        let (name, value) = h.split_once(':').unwrap_or((&h, ""));
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "authorization" => auth = value.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body).into_owned();
    let reply = if path.starts_with("/_cat/snapshots/") {
        // Newest first, as `s=end_epoch:desc` asks: the newest one failed.
        "nightly-3 FAILED\nnightly-2 SUCCESS\nnightly-1 SUCCESS\n".to_owned()
    } else if path.starts_with("/_cat/indices") {
        "orders\n.security-7\nusers\n".to_owned()
    } else {
        r#"{"acknowledged":true}"#.to_owned()
    };
    seen.lock().expect("lock").push(Request {
        method,
        path,
        auth,
        body,
    });
    let mut conn = reader.into_inner();
    let _ = write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

/// Runs `script` with `sh` and the variables the setup Job sets, for at most 30 seconds;
/// kills the shell it started when it takes longer.
fn run(script: &str, port: u16) -> Result<(), String> {
    let schedule = slm_schedule(&Cron::parse("0 * * * *").expect("cron")).expect("schedule");
    let child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("ES_URL", format!("http://127.0.0.1:{port}"))
        .env("ES_USER", "elastic")
        .env("ELASTIC_PASSWORD", r#"pa"ss\word"#)
        .env("SNAPSHOT_REPOSITORY", "nexus-backups")
        .env("SNAPSHOT_BUCKET", "nexus-backups")
        .env("SNAPSHOT_BASE_PATH", "nexus-prod/elasticsearch/snapshots")
        .env("SLM_POLICY", "elasticsearch-hourly")
        .env("SLM_SCHEDULE", schedule)
        .env("SLM_MAX_COUNT", "48")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("sh: {e}"))?;
    finish(child)
}

/// Waits at most 30 seconds for a script's shell; kills the shell when it takes longer.
/// `Err` holds the script's stderr when it failed.
pub(crate) fn finish(mut child: std::process::Child) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            return if status.success() {
                Ok(())
            } else {
                Err(format!("script failed ({status}): {err}"))
            };
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err("script timed out".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub(crate) fn curl_available() -> bool {
    let found = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "curl is required under CI=true"
        );
        eprintln!("SKIPPED: es_snapshot needs curl on PATH");
    }
    found
}

/// What the setup must ask for, or what it got wrong.
fn check_setup(seen: &[Request]) -> Result<(), String> {
    let writes: Vec<&Request> = seen.iter().filter(|r| r.method == "PUT").collect();
    let [repo, policy] = writes.as_slice() else {
        return Err(format!("expected two PUTs, got {seen:?}"));
    };
    let parse = |r: &Request| -> Result<Value, String> {
        serde_json::from_str(&r.body).map_err(|e| format!("{} body: {e}: {}", r.path, r.body))
    };
    if repo.path != "/_snapshot/nexus-backups" {
        return Err(format!("repository path {}", repo.path));
    }
    let want_repo = json!({
        "type": "s3",
        "settings": {
            "bucket": "nexus-backups",
            "base_path": "nexus-prod/elasticsearch/snapshots",
            "client": "default"
        }
    });
    if parse(repo)? != want_repo {
        return Err(format!("repository body {}", repo.body));
    }
    if policy.path != "/_slm/policy/elasticsearch-hourly" {
        return Err(format!("policy path {}", policy.path));
    }
    let p = parse(policy)?;
    let fields = (
        &p["schedule"],
        &p["repository"],
        &p["retention"]["max_count"],
    );
    if fields != (&json!("0 0 * * * ?"), &json!("nexus-backups"), &json!(48)) {
        return Err(format!("policy body {}", policy.body));
    }
    // Basic credentials of `elastic` with the password exactly as the secret holds it.
    let want_auth = format!("Basic {}", base64(br#"elastic:pa"ss\word"#));
    if seen.iter().any(|r| r.auth != want_auth) {
        return Err(format!("credentials: {seen:?}"));
    }
    Ok(())
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn setup_registers_the_repository_and_the_slm_policy() {
    if !curl_available() {
        return;
    }
    let es = FakeEs::start();
    run(ES_SNAPSHOT_SETUP, es.port).expect("setup runs");
    let seen = es.requests();
    assert_eq!(
        seen[0].method, "GET",
        "waits for the cluster first: {seen:?}"
    );
    assert!(seen[0].path.starts_with("/_cluster/health"), "{seen:?}");
    check_setup(&seen).expect("the setup asks for the repository and policy");
}

#[test]
fn a_broken_setup_is_caught() {
    if !curl_available() {
        return;
    }
    let broken = [
        ES_SNAPSHOT_SETUP.replace(r#""base_path":"%s""#, r#""base_path":"/%s""#),
        ES_SNAPSHOT_SETUP.replace("\"max_count\":%s", "\"max_count\":%s0"),
        ES_SNAPSHOT_SETUP.replace("_slm/policy/", "_slm/"),
    ];
    for script in broken {
        assert_ne!(script, ES_SNAPSHOT_SETUP, "the breakage applies");
        let es = FakeEs::start();
        let outcome = run(&script, es.port).and_then(|()| check_setup(&es.requests()));
        assert!(outcome.is_err(), "a broken setup passed");
    }
}

#[test]
fn setup_refuses_a_value_that_would_change_its_json() {
    if !curl_available() {
        return;
    }
    let es = FakeEs::start();
    let script = format!("SNAPSHOT_BUCKET='b\",\"x\":\"y'\n{ES_SNAPSHOT_SETUP}");
    // In a Job the variable comes from the environment; here a line before the script sets it.
    let err = run(&script, es.port).expect_err("refused");
    assert!(err.contains("quote or backslash"), "{err}");
    assert!(
        es.requests().iter().all(|r| r.method != "PUT"),
        "nothing was registered"
    );
}

#[test]
fn restore_closes_open_indices_and_restores_the_newest_successful_snapshot() {
    if !curl_available() {
        return;
    }
    let es = FakeEs::start();
    run(ES_SNAPSHOT_RESTORE, es.port).expect("restore runs");
    let calls: Vec<(String, String)> = es
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    let want = [
        (
            "GET",
            "/_cat/snapshots/nexus-backups?h=id,status&s=end_epoch:desc",
        ),
        ("GET", "/_cat/indices?h=index&expand_wildcards=open"),
        ("POST", "/orders,users/_close"),
        (
            "POST",
            "/_snapshot/nexus-backups/nightly-2/_restore?wait_for_completion=true",
        ),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(calls, want);
    let restore = es.requests().pop().expect("a restore");
    let body: Value = serde_json::from_str(&restore.body).expect("json");
    assert_eq!(body["indices"], "*,-.*");
    assert_eq!(body["include_global_state"], false);
}

#[test]
fn slm_schedules_follow_elasticsearch_cron() {
    let s = |t: &str| slm_schedule(&Cron::parse(t).expect("cron"));
    assert_eq!(s("30 2 * * *").as_deref(), Ok("0 30 2 * * ?"));
    assert_eq!(s("@daily").as_deref(), Ok("0 0 0 * * ?"));
    assert_eq!(s("0 3 * * 0").as_deref(), Ok("0 0 3 ? * SUN"));
    assert_eq!(s("0 3 * * 7").as_deref(), Ok("0 0 3 ? * SUN"));
    assert_eq!(s("15 4 1 */3 *").as_deref(), Ok("0 15 4 1 1,4,7,10 ?"));
    assert!(s("0 0 1 * 1").is_err(), "either-day schedules are refused");
}

/// MinIO's lifecycle rules must never expire a current object under an Elasticsearch
/// snapshot repository's prefix: the repository's files refer to each other, Elasticsearch
/// keeps its own retention (SLM), and a file expired under it corrupts the repository.
#[test]
fn lifecycle_rules_leave_snapshot_repositories_alone() {
    let spec = crate::support::k8s::load(&crate::support::k8s::nexus_spec());
    let mut checked = 0;
    for env in spec.environments() {
        let p = spec.resolve(&env).expect("resolves");
        let ns = format!("{}-{}", p.name.value, p.environment.value);
        let searches: Vec<&nexus_spec::ir::Workload> = p
            .workloads
            .iter()
            .filter(|w| {
                w.backup.is_some()
                    && matches!(
                        w.kind,
                        nexus_spec::ir::WorkloadKind::Backing(
                            nexus_spec::model::Engine::Elasticsearch
                        )
                    )
            })
            .collect();
        for d in &p.backup_destinations {
            let rules = nexus_render::minio_setup::lifecycle(&p, d, &ns);
            for r in rules["Rules"].as_array().expect("rules") {
                if r.get("Expiration").is_none() {
                    continue;
                }
                let prefix = r["Filter"]["Prefix"].as_str().expect("a prefix");
                for w in &searches {
                    let repo = format!("{ns}/{}/snapshots/", w.name.value);
                    assert!(
                        !repo.starts_with(prefix),
                        "{env}: rule {r} expires objects under {repo}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked > 0,
        "the spec backs up an Elasticsearch to a destination with rules"
    );
}

/// The keystore step, run against a stand-in `elasticsearch-keystore` that records its
/// arguments and what it reads on stdin: it creates the keystore only when there is none,
/// and hands both keys over stdin, never as arguments.
#[test]
fn keystore_step_adds_the_s3_keys_on_stdin() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("temp dir");
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::create_dir_all(home.path().join("config")).expect("config");
    let log = home.path().join("calls.log");
    let stub = bin.join("elasticsearch-keystore");
    std::fs::write(
        &stub,
        format!(
            "#!/bin/sh\nif [ \"$1\" = create ]; then : > \"$(dirname \"$0\")/../config/elasticsearch.keystore\"; echo create >> {log}; exit 0; fi\nprintf '%s <%s>\\n' \"$*\" \"$(cat)\" >> {log}\n",
            log = log.display()
        ),
    )
    .expect("stub");
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let run_step = |access: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(ES_KEYSTORE)
            .env("ES_HOME", home.path())
            .env("S3_ACCESS_KEY", access)
            .env("S3_SECRET_KEY", "s3cr3t key")
            .status()
            .expect("sh")
    };
    assert!(run_step("nexus-backup").success());
    // A second start (the keystore is on the pod's emptyDir) does not create it again.
    assert!(run_step("nexus-backup").success());
    let calls = std::fs::read_to_string(&log).expect("log");
    assert_eq!(
        calls,
        "create\n\
         add --stdin --force s3.client.default.access_key <nexus-backup>\n\
         add --stdin --force s3.client.default.secret_key <s3cr3t key>\n\
         add --stdin --force s3.client.default.access_key <nexus-backup>\n\
         add --stdin --force s3.client.default.secret_key <s3cr3t key>\n"
    );
    assert!(!run_step("").success(), "an empty key is refused");
}
