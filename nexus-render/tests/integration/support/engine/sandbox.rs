//! The sandboxes: the pod's namespaces (a "pause" process) and one `bwrap` per container or
//! exec, with a guard that kills exactly what it started.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::Tools;

/// A started process, killed (SIGKILL, with its process group: `nsenter` and `bwrap`) and
/// reaped when dropped. A container runs in a PID namespace of its own whose init has
/// `--die-with-parent`, so every process in it dies with its `bwrap` (a parent-death signal
/// set on the engine itself would not do: `bwrap` has dropped the right to signal another
/// uid). An exec's processes live in the pod's PID namespace, which ends with the pod.
pub struct Guard {
    pub what: String,
    child: Option<Child>,
    pub log: PathBuf,
}

impl Guard {
    /// Starts `cmd` in its own process group, output to `log`.
    pub fn spawn(what: &str, mut cmd: Command, log: &Path) -> Guard {
        let out = std::fs::File::create(log).expect("log file");
        let err = out.try_clone().expect("log file");
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
        Guard {
            what: what.to_owned(),
            child: Some(child),
            log: log.to_path_buf(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).expect("running")
    }

    /// `Some(exit code)` once the process has ended.
    pub fn exited(&mut self) -> Option<i32> {
        let child = self.child.as_mut()?;
        child
            .try_wait()
            .expect("wait")
            .map(|s| s.code().unwrap_or(-1))
    }

    /// Waits up to `limit` for the process to end; kills it if it has not.
    pub fn wait(&mut self, limit: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(code) = self.exited() {
                return Some(code);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.stop();
        None
    }

    /// The log so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Kills the process (and its process group) and reaps it, then waits (up to 10 s) until
    /// every process it had started is gone: the kernel kills a PID namespace's members
    /// after its init, not at once.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pgid = child.id();
            let tree = descendants(pgid);
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pgid}")])
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
            let start = Instant::now();
            while tree.iter().any(|p| alive(*p)) && start.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The pod's network, UTS, IPC, PID (and a mount) namespaces, held by a sleeping process as
/// Kubernetes' pause container holds them; `pid` is the process inside them. Every
/// container and exec joins all four, so whatever a probe leaves running (RabbitMQ's CLI
/// may start epmd) lives as long as the pod, as it would in the container, and ends with
/// the pause process (the PID namespace's init) at the latest.
pub struct PodNamespaces {
    pub guard: Guard,
    pub pid: u32,
}

impl PodNamespaces {
    pub fn start(tools: &Tools, hostname: &str, dir: &Path) -> PodNamespaces {
        PodNamespaces::start_in(tools, hostname, dir, None)
    }

    /// [`PodNamespaces::start`], in the network namespace of the process `net` when given
    /// (pods on one flat network, as a cluster's pods reach each other).
    pub fn start_in(tools: &Tools, hostname: &str, dir: &Path, net: Option<u32>) -> PodNamespaces {
        let mut cmd = match net {
            None => {
                let mut c = Command::new(&tools.bwrap);
                c.arg("--unshare-net");
                c
            }
            Some(pid) => {
                let mut c = Command::new(&tools.nsenter);
                c.arg(format!("--target={pid}"))
                    .args(["--net", "--"])
                    .arg(&tools.bwrap);
                c
            }
        };
        cmd.args(["--unshare-uts", "--unshare-ipc", "--unshare-pid"])
            .args(["--hostname", hostname, "--die-with-parent"])
            .args([
                "--tmpfs",
                "/",
                "--ro-bind",
                "/usr",
                "/usr",
                "--ro-bind",
                "/etc",
                "/etc",
            ])
            .args(root_links())
            .arg("--bind")
            .args([dir, dir])
            .args([
                "--proc", "/proc", "--dev", "/dev", "--", "sleep", "infinity",
            ]);
        let guard = Guard::spawn("the pod's pause process", cmd, &dir.join("pause.log"));
        // The target is the `sleep` itself: its mount namespace is complete once it runs.
        let bwrap = guard.pid();
        let start = Instant::now();
        loop {
            if let Some(pid) = children(bwrap).into_iter().flat_map(children).find(|p| {
                std::fs::read_to_string(format!("/proc/{p}/comm"))
                    .is_ok_and(|c| c.trim() == "sleep")
            }) {
                return PodNamespaces { guard, pid };
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the pause sandbox did not start: {}",
                guard.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `nsenter` into the pod's network namespace only, running `program` from the machine.
    pub fn enter_net(&self, tools: &Tools, program: &Path) -> Command {
        let mut cmd = Command::new(&tools.nsenter);
        cmd.arg(format!("--target={}", self.pid))
            .args(["--net", "--"])
            .arg(program);
        cmd
    }

    /// `nsenter` into the pod's namespaces, running `program` (a path under `/usr`). It
    /// enters the pause sandbox's mount namespace too, for its `/proc` of the pod's PIDs
    /// (`bwrap` reads its own PID there); that view has `/usr`, `/etc` and the pod's folder.
    pub fn enter(&self, tools: &Tools, program: &Path) -> Command {
        let mut cmd = Command::new(&tools.nsenter);
        cmd.arg(format!("--target={}", self.pid))
            .args([
                "--mount", "--uts", "--ipc", "--net", "--pid", "--root", "--wd",
            ])
            .arg("--")
            .arg(program);
        cmd
    }
}

/// A process's descendants.
fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = children(pid);
    while let Some(p) = todo.pop() {
        todo.extend(children(p));
        out.push(p);
    }
    out
}

/// Whether a process exists and is not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X']))
    })
}

/// A process's children.
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn root_links() -> Vec<&'static str> {
    let mut v = vec![
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/sbin",
        "/sbin",
    ];
    v.extend(["--symlink", "usr/lib", "/lib"]);
    if Path::new("/usr/lib64").is_dir() {
        v.extend(["--symlink", "usr/lib64", "/lib64"]);
    }
    v
}

/// Entries of the machine's `/etc` a container does not see: credentials, and the Debian
/// packages' own engine configuration, which the official images do not have.
const HIDDEN_ETC: &[&str] = &[
    "shadow",
    "gshadow",
    "sudoers",
    "ssh",
    "subuid",
    "subgid",
    "security",
    "postgresql",
    "redis",
    "rabbitmq",
];

/// One bind into a container.
#[derive(Debug, Clone)]
pub struct Mount {
    pub host: PathBuf,
    pub target: String,
    pub writable: bool,
}

/// Everything one container (or exec) sandbox is made of.
pub struct Container<'a> {
    /// Replacements under `/etc` (the image's files, `passwd`, `group`, `hosts`): a folder
    /// whose top-level entries hide the machine's entries of the same name.
    pub etc: &'a Path,
    pub mounts: &'a [Mount],
    pub uid: u32,
    pub gid: u32,
    pub groups: &'a [u32],
    pub env: &'a [(String, String)],
    pub workdir: &'a str,
    pub argv: &'a [String],
    /// A PID namespace of its own, inside the pod's: a container's (killing its `bwrap`
    /// ends every process in it), not an exec's (what an exec starts stays with the pod).
    pub own_pids: bool,
}

/// The `bwrap` command line of a container: a read-only root of the machine's `/usr` and
/// `/etc`, a private `/usr/local` (the image's, empty here), the mounts, and the user.
pub fn bwrap_args(tools: &Tools, c: &Container) -> Vec<String> {
    let mut a: Vec<String> = ["--tmpfs", "/", "--ro-bind", "/usr", "/usr"]
        .into_iter()
        .chain(["--tmpfs", "/usr/local"])
        .chain(root_links())
        .chain(["--tmpfs", "/etc"])
        .map(str::to_owned)
        .collect();
    let mut ours: Vec<String> = std::fs::read_dir(c.etc)
        .expect("etc tree")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    ours.sort();
    let mut host: Vec<_> = std::fs::read_dir("/etc")
        .expect("/etc")
        .map(|e| e.expect("entry").path())
        .collect();
    host.sort();
    for p in host {
        let name = p.file_name().expect("named").to_string_lossy().into_owned();
        if ours.contains(&name)
            || HIDDEN_ETC.iter().any(|h| name.starts_with(h))
            || name.ends_with('-')
        {
            continue;
        }
        let target = format!("/etc/{name}");
        if let Ok(link) = std::fs::read_link(&p) {
            a.extend([
                "--symlink".into(),
                link.to_string_lossy().into_owned(),
                target,
            ]);
        } else {
            a.extend(["--ro-bind".into(), p.display().to_string(), target]);
        }
    }
    for name in ours {
        let src = c.etc.join(&name).display().to_string();
        a.extend(["--ro-bind".into(), src, format!("/etc/{name}")]);
    }
    a.extend(["--dev", "/dev", "--proc", "/proc"].map(str::to_owned));
    let mut mounts = c.mounts.to_vec();
    mounts.sort_by_key(|m| m.target.matches('/').count());
    // The folders above a mount point are the image's (mode 0755), not bwrap's (0700):
    // those on the root and `/usr/local` tmpfs (the others exist already).
    let on_tmpfs = |p: &Path| {
        let local = p.starts_with("/usr/local") && p != Path::new("/usr/local");
        p.parent().is_some()
            && (local
                || !["/etc", "/usr", "/dev", "/proc"]
                    .iter()
                    .any(|t| p.starts_with(t)))
    };
    // So is the image's WORKDIR, mounted over or not.
    let mut parents: Vec<&Path> = mounts
        .iter()
        .flat_map(|m| Path::new(&m.target).ancestors().skip(1))
        .chain(Path::new(c.workdir).ancestors())
        .filter(|p| on_tmpfs(p))
        .collect();
    parents.sort();
    parents.dedup();
    for p in parents {
        a.extend([
            "--perms".into(),
            "0755".into(),
            "--dir".into(),
            p.display().to_string(),
        ]);
    }
    for m in mounts {
        let kind = if m.writable { "--bind" } else { "--ro-bind" };
        a.extend([kind.into(), m.host.display().to_string(), m.target]);
    }
    a.extend(
        [
            "--remount-ro",
            "/etc",
            "--remount-ro",
            "/usr/local",
            "--remount-ro",
            "/",
        ]
        .map(str::to_owned),
    );
    if c.own_pids {
        a.push("--unshare-pid".into());
    }
    a.extend(["--die-with-parent", "--new-session"].map(str::to_owned));
    a.extend(["--chdir".into(), c.workdir.to_owned(), "--clearenv".into()]);
    for (k, v) in c.env {
        a.extend(["--setenv".into(), k.clone(), v.clone()]);
    }
    a.extend([
        "--".into(),
        tools.setpriv.display().to_string(),
        format!("--reuid={}", c.uid),
        format!("--regid={}", c.gid),
    ]);
    if c.groups.is_empty() {
        a.push("--clear-groups".into());
    } else {
        let g: Vec<String> = c.groups.iter().map(u32::to_string).collect();
        a.push(format!("--groups={}", g.join(",")));
    }
    a.extend(["--no-new-privs".into(), "--".into()]);
    a.extend(c.argv.iter().cloned());
    a
}
