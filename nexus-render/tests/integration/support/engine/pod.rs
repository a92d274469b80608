//! A rendered pod brought up in sandboxes: its volumes, its init containers, its main
//! container, and commands run inside it the way `kubectl exec` and exec probes run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Tools;
use super::images::{self, Image};
use super::objects::{SecretValues, Workload, expand, string_list};
use super::sandbox::{self, Container, Guard, Mount, PodNamespaces};

/// A pod of a rendered workload, on this machine. Dropping it kills every process it
/// started and removes its folders.
pub struct Pod<'a> {
    pub tools: Tools,
    pub workload: Workload<'a>,
    pub secrets: SecretValues,
    pub image: Image,
    main: Option<Guard>,
    /// Containers started beside the main one.
    sidecars: Vec<Guard>,
    ns: Option<PodNamespaces>,
    /// Volume name → folder.
    pub(super) volumes: BTreeMap<String, PathBuf>,
    pub(super) etc: PathBuf,
    /// The image's edits of package files, as read-only binds.
    pub(super) edits: Vec<Mount>,
    dir: Option<tempfile::TempDir>,
}

/// The pod's IP, on its loopback (each pod has its own network namespace): a client that
/// connects to it is not "local", as a client in another pod is not.
pub const POD_IP: &str = "10.88.0.2";

/// The outcome of a command run in the pod.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub output: String,
    pub took: Duration,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

impl<'a> Pod<'a> {
    /// Prepares the pod of workload `name`: its folders, its volumes, its namespaces.
    pub fn new(tools: &Tools, docs: &'a [Value], name: &str, secrets: SecretValues) -> Pod<'a> {
        Pod::create(tools, docs, name, secrets, None)
    }

    /// [`Pod::new`], on the network of `other`: both pods have its address, as pods of one
    /// cluster reach each other (every cluster DNS name given to [`Pod::add_hosts`] then
    /// points at that one address).
    pub fn new_beside(
        tools: &Tools,
        docs: &'a [Value],
        name: &str,
        secrets: SecretValues,
        other: &Pod<'_>,
    ) -> Pod<'a> {
        let pid = other.ns.as_ref().expect("pod up").pid;
        Pod::create(tools, docs, name, secrets, Some(pid))
    }

    fn create(
        tools: &Tools,
        docs: &'a [Value],
        name: &str,
        secrets: SecretValues,
        net: Option<u32>,
    ) -> Pod<'a> {
        let workload = Workload::find(docs, name);
        let image_ref = workload.main()["image"].as_str().expect("image").to_owned();
        let image = images::for_image(&image_ref, tools);
        let dir = tempfile::Builder::new()
            .prefix(&format!("nexus-pod-{name}-"))
            .tempdir()
            .expect("temp folder");
        let hostname = format!("{name}-0");
        let etc = dir.path().join("etc");
        std::fs::create_dir_all(&etc).expect("etc");
        let ns = PodNamespaces::start_in(tools, &hostname, dir.path(), net);
        let mut pod = Pod {
            tools: tools.clone(),
            workload,
            secrets,
            image,
            main: None,
            sidecars: Vec::new(),
            ns: Some(ns),
            volumes: BTreeMap::new(),
            etc,
            edits: Vec::new(),
            dir: Some(dir),
        };
        if net.is_none() {
            pod.add_pod_ip();
        }
        pod.write_etc(&hostname);
        pod.write_edits();
        pod.make_volumes();
        pod
    }

    pub(super) fn root(&self) -> &Path {
        self.dir.as_ref().expect("open").path()
    }

    fn add_pod_ip(&self) {
        let ns = self.ns.as_ref().expect("pod up");
        let ip = Path::new("/usr/sbin/ip");
        let args = ["addr", "add", &format!("{POD_IP}/32"), "dev", "lo"].map(str::to_owned);
        let mut cmd = ns.enter(&self.tools, ip);
        cmd.args(args);
        let out = cmd.output().expect("ip runs");
        assert!(
            out.status.success(),
            "ip addr add: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A container's environment: its image's, then the pod's.
    pub fn env(&self, container: &Value) -> Vec<(String, String)> {
        let own = container["image"]
            .as_str()
            .filter(|i| !i.starts_with(self.image.repository))
            .map(|i| images::for_image(i, &self.tools));
        let image = own.as_ref().unwrap_or(&self.image);
        let mut env = vec![
            ("PATH".to_owned(), image.path.clone()),
            ("HOSTNAME".to_owned(), format!("{}-0", self.workload.name())),
            ("HOME".to_owned(), image.user.3.to_owned()),
        ];
        for (k, v) in image.env.iter().copied() {
            env.retain(|(n, _)| n != k);
            env.push((k.to_owned(), v.to_owned()));
        }
        for (k, v) in self.workload.env(container, &self.secrets) {
            env.retain(|(n, _)| *n != k);
            env.push((k, v));
        }
        env
    }

    /// The argv a container starts with: `command` replaces the entrypoint, `args` the
    /// CMD; `$(VAR)` expanded.
    pub fn argv(&self, container: &Value, env: &[(String, String)]) -> Vec<String> {
        let command = string_list(&container["command"]);
        let args = string_list(&container["args"]);
        let mut argv = match (command, args) {
            (Some(c), a) => c.into_iter().chain(a.unwrap_or_default()).collect(),
            (None, a) => {
                let cmd =
                    a.unwrap_or_else(|| self.image.cmd.iter().map(|s| s.to_string()).collect());
                ["bash", "/etc/nexus-image-entrypoint.sh"]
                    .into_iter()
                    .map(str::to_owned)
                    .chain(cmd)
                    .collect::<Vec<_>>()
            }
        };
        for a in &mut argv {
            *a = expand(a, env);
        }
        argv
    }

    /// A command for `argv` in a sandbox of `container` (same mounts, user; env `env`).
    pub fn command(
        &self,
        container: &Value,
        env: &[(String, String)],
        argv: &[String],
        own_pids: bool,
        extra: &[Mount],
    ) -> Command {
        let (uid, gid, fs_group) = self.workload.ids(container);
        let groups: Vec<u32> = fs_group.into_iter().collect();
        let mut mounts = self.edits.clone();
        mounts.extend(self.mounts(container));
        mounts.extend(extra.iter().cloned());
        let args = sandbox::bwrap_args(
            &self.tools,
            &Container {
                etc: &self.etc,
                mounts: &mounts,
                uid,
                gid,
                groups: &groups,
                env,
                workdir: container["workingDir"]
                    .as_str()
                    .unwrap_or(self.image.workdir),
                argv,
                own_pids,
            },
        );
        let mut cmd = self
            .ns
            .as_ref()
            .expect("pod up")
            .enter(&self.tools, &self.tools.bwrap);
        cmd.args(args);
        cmd
    }

    /// Runs every init container to completion, in order; each must exit 0 within `limit`.
    pub fn run_init_containers(&mut self, limit: Duration) {
        for (i, c) in self.workload.init_containers().into_iter().enumerate() {
            let env = self.env(c);
            let argv = self.argv(c, &env);
            let name = c["name"].as_str().unwrap_or("init");
            let log = self.root().join(format!("init-{i}.log"));
            let mut g = Guard::spawn(name, self.command(c, &env, &argv, true, &[]), &log);
            let code = g.wait(limit);
            assert_eq!(
                code,
                Some(0),
                "init container {name} failed ({argv:?}):\n{}",
                g.output()
            );
        }
    }

    /// Starts the main container.
    pub fn start(&mut self) {
        let c = self.workload.main();
        let env = self.env(c);
        let argv = self.argv(c, &env);
        let log = self.root().join("main.log");
        self.main = Some(Guard::spawn(
            "main container",
            self.command(c, &env, &argv, true, &[]),
            &log,
        ));
    }

    /// Maps cluster DNS names to the pod's address in its `/etc/hosts` (before its
    /// containers start).
    pub fn add_hosts(&self, names: &[String]) {
        let path = self.etc.join("hosts");
        let mut text = std::fs::read_to_string(&path).expect("hosts");
        for n in names {
            text.push_str(&format!("{POD_IP}\t{n}\n"));
        }
        std::fs::write(&path, text).expect("hosts");
    }

    /// The folder of a volume (a claim, an emptyDir...).
    pub fn volume(&self, name: &str) -> PathBuf {
        self.volumes
            .get(name)
            .unwrap_or_else(|| panic!("the pod has no volume {name}"))
            .clone()
    }

    /// Starts the container `name` beside the main one (a sidecar); it stops with the pod.
    pub fn start_container(&mut self, name: &str) {
        let c = self.workload.container(name);
        let env = self.env(c);
        let argv = self.argv(c, &env);
        let log = self.root().join(format!("{name}.log"));
        let g = Guard::spawn(name, self.command(c, &env, &argv, true, &[]), &log);
        self.sidecars.push(g);
    }

    /// The log of a container started with [`Pod::start_container`].
    pub fn container_log(&self, name: &str) -> String {
        self.sidecars
            .iter()
            .find(|g| g.what == name)
            .map(Guard::output)
            .unwrap_or_default()
    }

    /// Runs the init containers, then the main container to completion (a Job's pod):
    /// the main container's outcome; init containers must exit 0.
    pub fn run_to_completion(&mut self, limit: Duration) -> Outcome {
        self.run_init_containers(limit);
        let c = self.workload.main();
        let env = self.env(c);
        let argv = self.argv(c, &env);
        let log = self.root().join("main.log");
        let start = Instant::now();
        let mut g = Guard::spawn(
            "main container",
            self.command(c, &env, &argv, true, &[]),
            &log,
        );
        let code = g.wait(limit);
        Outcome {
            code,
            output: g.output(),
            took: start.elapsed(),
        }
    }

    /// Starts a program of the machine on the pod's network only (a server the pod talks
    /// to, such as the stand-in for an object store); it stops when the guard drops.
    /// Its environment is `env` alone (plus a `PATH` of the machine's binary folders).
    pub fn spawn_on_network(
        &self,
        what: &str,
        program: &Path,
        args: &[String],
        env: &[(String, String)],
    ) -> Guard {
        let log = self.root().join(format!("net-{}.log", unique()));
        let mut cmd = self
            .ns
            .as_ref()
            .expect("pod up")
            .enter_net(&self.tools, program);
        cmd.args(args)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .envs(env.iter().map(|(k, v)| (k, v)));
        Guard::spawn(what, cmd, &log)
    }

    /// Stops the main container (SIGKILL, as a node failure would).
    pub fn stop(&mut self) {
        if let Some(mut g) = self.main.take() {
            g.stop();
        }
    }

    /// The main container's log; panics with it if the container has exited.
    pub fn log(&self) -> String {
        self.main.as_ref().map(Guard::output).unwrap_or_default()
    }

    pub fn assert_running(&mut self) {
        if let Some(code) = self.main.as_mut().and_then(Guard::exited) {
            panic!("the main container exited with {code}:\n{}", self.log());
        }
    }

    /// Runs `argv` in a sandbox of the main container with `env`, within `limit`.
    pub fn exec_with(&self, env: &[(String, String)], argv: &[String], limit: Duration) -> Outcome {
        self.exec_mounted(env, argv, &[], limit)
    }

    /// [`Pod::exec_with`], with files of the test's bound in as well (read-only).
    pub fn exec_mounted(
        &self,
        env: &[(String, String)],
        argv: &[String],
        files: &[(String, String)],
        limit: Duration,
    ) -> Outcome {
        let c = self.workload.main();
        let n = unique();
        let log = self.root().join(format!("exec-{n}.log"));
        let mut extra = Vec::new();
        for (i, (target, text)) in files.iter().enumerate() {
            let host = self.root().join(format!("exec-{n}-file-{i}"));
            std::fs::write(&host, text).expect("write");
            extra.push(Mount {
                host,
                target: target.clone(),
                writable: false,
            });
        }
        let start = Instant::now();
        let mut g = Guard::spawn("exec", self.command(c, env, argv, false, &extra), &log);
        let code = g.wait(limit);
        Outcome {
            code,
            output: g.output(),
            took: start.elapsed(),
        }
    }

    /// Runs `argv` as `kubectl exec` into the main container would.
    pub fn exec(&self, argv: &[&str]) -> Outcome {
        let env = self.env(self.workload.main());
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        self.exec_with(&env, &argv, Duration::from_secs(30))
    }

    /// Runs a host program inside the pod's network namespace only (as the kubelet reaches
    /// a pod for tcpSocket and httpGet probes).
    pub fn in_network(&self, program: &Path, args: &[String], limit: Duration) -> Outcome {
        let log = self.root().join(format!("net-{}.log", unique()));
        let mut cmd = self
            .ns
            .as_ref()
            .expect("pod up")
            .enter(&self.tools, program);
        cmd.args(args);
        let start = Instant::now();
        let mut g = Guard::spawn("network check", cmd, &log);
        let code = g.wait(limit);
        Outcome {
            code,
            output: g.output(),
            took: start.elapsed(),
        }
    }
}

impl Drop for Pod<'_> {
    fn drop(&mut self) {
        self.main.take();
        self.sidecars.clear();
        self.ns.take();
        self.dir.take();
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
