//! Finding the conformance tools (docs/conformance.md) and running them on rendered files.

use std::path::{Path, PathBuf};
use std::process::Command;

use nexus_render::OutputPlan;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Finds a tool: the variable `var`, then `<repo>/.tools/env`, then `PATH`. On failure,
/// prints the SKIPPED line and returns `None`, or panics with it under `CI=true`.
pub fn find(test: &str, var: &str, binary: &str) -> Option<PathBuf> {
    if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(v));
    }
    let env_file = repo_root().join(".tools/env");
    if let Ok(text) = std::fs::read_to_string(&env_file) {
        let prefix = format!("export {var}=");
        for line in text.lines() {
            if let Some(v) = line.strip_prefix(&prefix) {
                let p = PathBuf::from(v.trim_matches('\''));
                if p.is_file() {
                    return Some(p);
                }
            }
        }
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let p = dir.join(binary);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let msg = format!(
        "SKIPPED conformance/{test}: {binary} not found (${var}, {}, PATH); run scripts/install-conformance-tools.sh",
        env_file.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("{msg}");
    None
}

/// A fresh, empty directory under the target directory's tmp folder.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Writes a plan under `dir`.
pub fn write_plan(dir: &Path, plan: &OutputPlan) {
    for (path, bytes) in plan.files() {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write");
    }
}

/// Runs a command; returns (success, stdout + stderr).
pub fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("the tool runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The effective user id (`id -u`).
pub fn euid() -> u32 {
    let (_, out) = run(Command::new("id").arg("-u"));
    out.trim().parse().unwrap_or(u32::MAX)
}

/// Makes a throwaway self-signed certificate and key in `dir`; returns their paths.
pub fn throwaway_cert(openssl: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let cert = dir.join("tls.crt");
    let key = dir.join("tls.key");
    let (ok, out) = run(Command::new(openssl)
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=nexus.test",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert));
    assert!(ok, "openssl failed: {out}");
    (cert, key)
}

/// Runs `nginx -t` on a rendered `nginx/` tree the way docs/conformance.md describes: in a
/// private mount and network namespace, with the tree on a tmpfs over `/etc/nginx`, the
/// certificate files at their configured paths (which must be under `/etc/nginx`) and a
/// hosts file mapping every upstream name to 127.0.0.1. Returns (accepted, output).
pub fn nginx_t(
    nginx: &Path,
    openssl: &Path,
    plan: &OutputPlan,
    certs: &[&str],
    hosts: &[String],
    name: &str,
) -> (bool, String) {
    let dir = scratch(name);
    let tree = dir.join("tree");
    write_plan(&tree, plan);
    let (cert, key) = throwaway_cert(openssl, &dir);
    let hosts_file = dir.join("hosts");
    std::fs::write(
        &hosts_file,
        format!("127.0.0.1 localhost {}\n::1 localhost\n", hosts.join(" ")),
    )
    .expect("hosts");
    let mut script = String::from(
        "set -e\nmount -t tmpfs tmpfs /etc/nginx\nmount -t tmpfs tmpfs /var/log/nginx\nmount -t tmpfs tmpfs /var/lib/nginx\n",
    );
    script.push_str(&format!("cp -r '{}'/. /etc/nginx/\n", tree.display()));
    for (i, target) in certs.iter().enumerate() {
        assert!(
            target.starts_with("/etc/nginx/") && !target.contains('\''),
            "test certificates go under /etc/nginx: {target}"
        );
        let src = if i % 2 == 0 { &cert } else { &key };
        script.push_str(&format!(
            "mkdir -p \"$(dirname '{target}')\"\ncp '{}' '{target}'\n",
            src.display()
        ));
    }
    script.push_str(&format!(
        "mount --bind '{}' /etc/hosts\n",
        hosts_file.display()
    ));
    let user = if euid() == 0 { "" } else { " user root;" };
    script.push_str(&format!(
        "exec '{}' -e stderr -g 'pid /etc/nginx/nginx.pid;{user}' -t -q -c /etc/nginx/nginx.conf -p /etc/nginx/\n",
        nginx.display()
    ));
    let mut cmd = Command::new("unshare");
    cmd.args(["--mount", "--net"]);
    if euid() != 0 {
        cmd.arg("--map-root-user");
    }
    cmd.args(["sh", "-c", &script]);
    run(&mut cmd)
}

/// Runs `docker-compose config --quiet` on `compose.yaml` in `dir` with a cleared
/// environment plus `vars`. Returns (accepted, output).
pub fn compose_config(compose: &Path, dir: &Path, vars: &[(String, String)]) -> (bool, String) {
    let mut cmd = Command::new(compose);
    cmd.env_clear()
        .current_dir(dir)
        .args(["-f", "compose.yaml", "config", "--quiet"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// The variables `.env.example` lists.
pub fn env_example_vars(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.strip_suffix('='))
        .map(str::to_owned)
        .collect()
}
