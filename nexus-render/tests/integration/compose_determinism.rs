//! Identical bytes on every run (and on every thread), and no secret value in any output
//! file even when the secrets' variables are set while rendering. Covers both generators.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::platform;
use nexus_render::OutputPlan;
use nexus_render::nginx::NginxOptions;
use nexus_spec::ir::Platform;

fn platforms() -> Vec<(String, Platform)> {
    let mut v = vec![("fixture".to_owned(), platform())];
    v.extend(compose_nginx_support::spec_platforms());
    v
}

fn render_all(p: &Platform) -> (OutputPlan, OutputPlan) {
    (
        nexus_render::compose::render(p).expect("compose renders"),
        nexus_render::nginx::render(p, &NginxOptions::default()).expect("nginx renders"),
    )
}

#[test]
fn identical_bytes_on_every_run_and_thread() {
    for (name, p) in platforms() {
        let first = render_all(&p);
        for _ in 0..3 {
            assert_eq!(render_all(&p), first, "{name}");
        }
        let from_threads: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| render_all(&p))).collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        for r in from_threads {
            assert_eq!(r, first, "{name} (thread)");
        }
    }
}

const KNOWN: &str = "KnownSecretValue-3b9f0c";
const CHILD: &str = "NEXUS_TEST_SECRETS_CHILD";

/// Runs itself again with every secret's variable set to a known value; the child renders
/// everything and looks for the values in every output file.
#[test]
fn no_secret_value_in_any_output() {
    if std::env::var_os(CHILD).is_none() {
        let mut cmd = std::process::Command::new(std::env::current_exe().expect("test binary"));
        cmd.args([
            "--exact",
            "compose_determinism::no_secret_value_in_any_output",
            "--nocapture",
        ])
        .env(CHILD, "1");
        for (_, p) in platforms() {
            for s in &p.secrets {
                cmd.env(&s.env_var, format!("{KNOWN}-{}", s.env_var));
            }
        }
        let out = cmd.output().expect("child runs");
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed"),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    for (name, p) in platforms() {
        for s in &p.secrets {
            assert!(
                std::env::var(&s.env_var).is_ok_and(|v| v.starts_with(KNOWN)),
                "{} is set",
                s.env_var
            );
        }
        let (compose, nginx) = render_all(&p);
        for (path, bytes) in compose.files().chain(nginx.files()) {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(KNOWN), "{name}: {path} holds a secret value");
        }
    }
}
