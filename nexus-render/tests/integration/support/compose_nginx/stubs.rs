//! Stub upstreams and an HTTP client for the running-Nginx tests.
//!
//! A stub is a thread of the test process listening on a free loopback port. It answers every
//! request with `200` and the body `<name> <path>`, and a WebSocket handshake (`Upgrade:
//! websocket` with `Connection: upgrade`) with `101 Switching Protocols`, then closes the
//! connection. Its threads end with the test process; it starts no process.
//!
//! The client is `curl` (found like the other conformance tools), one request per call.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Starts a stub named `name`; returns its port.
pub fn stub(name: &str) -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a stub");
    let port = listener.local_addr().expect("address").port();
    let name = name.to_owned();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let name = name.clone();
            std::thread::spawn(move || {
                let _ = answer(conn, &name);
            });
        }
    });
    port
}

fn answer(conn: TcpStream, name: &str) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let mut length = 0usize;
    let mut upgrade = false;
    let mut connection_upgrade = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        upgrade |= lower.starts_with("upgrade:") && lower.contains("websocket");
        connection_upgrade |= lower.starts_with("connection:") && lower.contains("upgrade");
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let mut conn = conn;
    if upgrade && connection_upgrade {
        conn.write_all(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        )?;
        return conn.flush();
    }
    let text = format!("{name} {path}");
    write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )?;
    conn.flush()
}

/// One response: status, headers (names lower-cased) and body.
#[derive(Debug, Default)]
pub struct Response {
    /// The status code (0 when there was no response).
    pub status: u16,
    /// Headers, in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body; without a response, what curl said instead (its exit code and message),
    /// so that a failure shows why there was none.
    pub body: String,
}

impl Response {
    /// The status, and for no response at all, what curl said: for failure messages.
    pub fn outcome(&self) -> String {
        if self.status == 0 {
            format!("0 {}", self.body)
        } else {
            self.status.to_string()
        }
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// curl's exit codes for a request that got no response at all: it could not connect (7),
/// ran out of time (28), failed in the TLS handshake (35), got nothing back (52), or the
/// connection broke while receiving (56).
const NO_RESPONSE: [i32; 5] = [7, 28, 35, 52, 56];

/// How many times a request that got no response at all is made.
const ATTEMPTS: u32 = 3;

/// A request with curl to `scheme://host:port path`, `host` resolved to 127.0.0.1, the test
/// certificate accepted; `extra` are more curl arguments (`-X POST`, `-H ...`).
///
/// A request that got no response at all (a refused connection, a time-out, a failed
/// handshake) is made again, up to [`ATTEMPTS`] times a second apart: on a loaded CI
/// machine a single request can fail that way (once, the first request to a freshly started
/// Nginx), and it says nothing about the configuration. Any response, whatever its status,
/// is returned as it is; a configuration that never answers still fails, with curl's
/// message as the body.
pub fn request(
    curl: &Path,
    scheme: &str,
    host: &str,
    port: u16,
    path: &str,
    extra: &[&str],
) -> Response {
    let mut attempt = 1;
    loop {
        let out = Command::new(curl)
            .args([
                "-sSk",
                "--http1.1",
                "--max-time",
                "5",
                "-D",
                "-",
                "--resolve",
            ])
            .arg(format!("{host}:{port}:127.0.0.1"))
            .args(extra)
            .arg(format!("{scheme}://{host}:{port}{path}"))
            .output()
            .expect("curl runs");
        let mut r = parse(&String::from_utf8_lossy(&out.stdout));
        if r.status != 0 {
            return r;
        }
        let code = out.status.code().unwrap_or(-1);
        r.body = format!(
            "(no response after {attempt} attempt(s); curl exit {code}: {})",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        if attempt >= ATTEMPTS || !NO_RESPONSE.contains(&code) {
            return r;
        }
        attempt += 1;
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn parse(text: &str) -> Response {
    let mut r = Response::default();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    r.status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for l in lines {
        if let Some((n, v)) = l.split_once(':') {
            r.headers
                .push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    r.body = body.to_owned();
    r
}
