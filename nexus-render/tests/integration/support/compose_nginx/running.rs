//! A running Nginx: the host's Nginx binary serving a rendered `nginx/` tree on loopback,
//! unprivileged, in a scratch folder, stopped (by the PID it was started with) when the guard
//! drops, also when the test fails.
//!
//! The rendered files are used as rendered, except for what running them unprivileged on the
//! test machine needs, and nothing else:
//! - every `listen PORT` becomes `listen 127.0.0.1:PORT` (the ports are free ports the test
//!   rendered for through `NginxOptions`), so nothing listens beyond loopback;
//! - when the host binary is older than 1.25.1, the `http2 on;` line of a configuration
//!   rendered for 1.25.1 or later is dropped (the binary does not know the directive; HTTP/2
//!   is chosen by ALPN after the TLS version and does not change it);
//! - with [`start_with`], each upstream `server NAME:PORT;` the test maps becomes
//!   `server 127.0.0.1:STUB;`, a stub on loopback (the names are Compose service names that
//!   do not resolve on the test machine);
//! - when the host binary is older than 1.27.3, upstream re-resolution (`resolver`,
//!   `zone` and `server ... resolve` of a configuration rendered for 1.27.3 or later) is
//!   dropped: the binary does not know `resolve`, and the test maps names to stubs anyway;
//! - one file is added, `conf.d/00-harness.conf`, that moves the access log and the temporary
//!   folders into the scratch folder (the compiled-in ones are under `/var`);
//! - the command line sets `daemon off; master_process off;` (one process, the one the guard
//!   kills), the pid file and the error log, as the Compose project does for the pid file.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nexus_render::OutputPlan;
use nexus_spec::ir::NginxVersion;

use super::tools;

/// How long Nginx may take to listen, and a handshake to finish.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A started Nginx; dropping it kills and reaps exactly that process.
pub struct RunningNginx {
    child: Child,
    /// The scratch folder: `conf/` (the tree), `error.log`, `nginx.pid`, temp folders.
    pub dir: PathBuf,
}

impl Drop for RunningNginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RunningNginx {
    /// The error log so far (for failure messages).
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

/// Ports [`free_ports`] chose, still bound, until [`start_with`] lets Nginx have them.
/// Tests run in parallel and bind port 0 for their stubs and servers (and connect out from
/// ports of the same range): a port released as soon as it was chosen could be taken by one
/// of them while the plan renders and the stubs start, and Nginx would fail to listen.
static HELD: Mutex<Vec<TcpListener>> = Mutex::new(Vec::new());

/// `n` distinct free TCP ports on 127.0.0.1, kept bound until [`start`] or [`start_with`]
/// starts Nginx on them.
pub fn free_ports(n: usize) -> Vec<u16> {
    let held: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port"))
        .collect();
    let ports = held
        .iter()
        .map(|l| l.local_addr().expect("local address").port())
        .collect();
    lock_held().extend(held);
    ports
}

/// Releases the held `ports`, so that a process about to start can bind them.
fn release(ports: &[u16]) {
    lock_held().retain(|l| !ports.contains(&l.local_addr().expect("local address").port()));
}

/// [`HELD`], also after a test panicked while holding it.
fn lock_held() -> std::sync::MutexGuard<'static, Vec<TcpListener>> {
    HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The version of an Nginx binary (`nginx -v`).
pub fn binary_version(nginx: &Path) -> NginxVersion {
    let (_, out) = tools::run(Command::new(nginx).arg("-v"));
    let text = out
        .split("nginx/")
        .nth(1)
        .and_then(|v| v.split_whitespace().next())
        .unwrap_or_default();
    NginxVersion::parse(text).unwrap_or_else(|e| panic!("`nginx -v` said {out:?}: {e}"))
}

/// The changes described in the module docs, made to the rendered text of one file.
fn adapt(
    text: &str,
    ports: &[u16],
    binary: NginxVersion,
    upstreams: &[(String, String)],
) -> String {
    let mut out = text.to_owned();
    if binary < NginxVersion::new(1, 27, 3) {
        out = out
            .lines()
            .filter(|l| {
                !(l.starts_with("resolver ")
                    || l.starts_with("resolver_timeout ")
                    || l.starts_with("    zone "))
            })
            .map(|l| format!("{}\n", l.replace(" resolve;", ";")))
            .collect();
    }
    for (from, to) in upstreams {
        out = out.replace(&format!("    server {from};"), &format!("    server {to};"));
    }
    for port in ports {
        out = out.replace(
            &format!("    listen {port} "),
            &format!("    listen 127.0.0.1:{port} "),
        );
    }
    if binary < NginxVersion::new(1, 25, 1) {
        out = out.replace("    http2 on;\n", "");
    }
    out
}

/// Writes `plan` under a fresh scratch folder `name`, adapted as the module docs say, and
/// starts `nginx` on it. `ports` are the ports the plan was rendered for; returns once the
/// first one accepts connections, or panics with the error log.
pub fn start(nginx: &Path, plan: &OutputPlan, ports: &[u16], name: &str) -> RunningNginx {
    start_with(nginx, plan, ports, name, &[])
}

/// [`start`], with each upstream server `from` (`api:8000`) replaced by `to`
/// (`127.0.0.1:41234`).
pub fn start_with(
    nginx: &Path,
    plan: &OutputPlan,
    ports: &[u16],
    name: &str,
    upstreams: &[(String, String)],
) -> RunningNginx {
    let dir = tools::scratch(name);
    let conf = dir.join("conf");
    let binary = binary_version(nginx);
    let mut listens = 0;
    for (path, bytes) in plan.files() {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        let adapted = adapt(text, ports, binary, upstreams);
        listens += adapted.matches("listen 127.0.0.1:").count();
        let p = conf.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, adapted).expect("write");
    }
    let rendered_listens: usize = plan
        .files()
        .map(|(_, b)| String::from_utf8_lossy(b).matches("    listen ").count())
        .sum();
    assert_eq!(listens, rendered_listens, "every listen moves to loopback");
    let d = dir.display();
    let harness = format!(
        "# Added by the test harness: logs and temporary files in the scratch folder.\n\
         access_log {d}/access.log;\n\
         client_body_temp_path {d}/body;\n\
         proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n\
         uwsgi_temp_path {d}/uwsgi;\n\
         scgi_temp_path {d}/scgi;\n"
    );
    std::fs::write(conf.join("conf.d/00-harness.conf"), harness).expect("harness file");
    release(ports);
    let child = Command::new(nginx)
        .arg("-p")
        .arg(format!("{d}/"))
        .arg("-c")
        .arg(conf.join("nginx.conf"))
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-g")
        .arg(format!(
            "daemon off; master_process off; pid {d}/nginx.pid;"
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let mut running = RunningNginx { child, dir };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, ports[0]));
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(Some(status)) = running.child.try_wait() {
            panic!("nginx exited ({status}):\n{}", running.error_log());
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return running;
        }
        assert!(
            Instant::now() < deadline,
            "nginx did not listen on {addr} within {TIMEOUT:?}:\n{}",
            running.error_log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One TLS handshake with `openssl s_client`: `flag` picks the only version offered
/// (`-tls1_2`), `host` goes in SNI. Returns the negotiated protocol (`TLSv1.2`), or the
/// client's output when the handshake fails.
pub fn handshake(openssl: &Path, port: u16, host: &str, flag: &str) -> Result<String, String> {
    let mut child = Command::new(openssl)
        .args(["s_client", "-brief", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-servername", host, flag])
        // Lets the client offer TLS 1.0 and 1.1 at all, so their refusal is the server's.
        .args(["-cipher", "DEFAULT:@SECLEVEL=0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl runs");
    let deadline = Instant::now() + TIMEOUT;
    while child.try_wait().expect("wait for openssl").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no answer within {TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // The child has exited: this only collects its (short) output and the kept status.
    let output = child.wait_with_output().expect("openssl output");
    let mut out = String::from_utf8_lossy(&output.stdout).into_owned();
    out.push_str(&String::from_utf8_lossy(&output.stderr));
    let status = output.status;
    let protocol = out
        .lines()
        .find_map(|l| l.strip_prefix("Protocol version: "))
        .map(str::to_owned);
    match protocol {
        Some(p) if status.success() => Ok(p),
        _ => Err(out),
    }
}
