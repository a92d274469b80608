//! Health checks: Kubernetes probes as Compose `healthcheck`s.
//!
//! A Compose service has one health check, and it gates `depends_on: service_healthy`, which
//! is what readiness means; so the readiness probe is used, else liveness, else startup.
//! Compose runs the check inside the container, so it needs a program there:
//!
//! - `exec` probes run as they are (`CMD`);
//! - `http` probes run `wget`, or `curl` where the image's contract (the engine catalog) has
//!   no `wget`; for images without a contract (application services) `wget` falling back to
//!   `curl`, one of which is in nearly every base image. MinIO's image has neither on every
//!   architecture, so MinIO is checked with its own `mc ready local`;
//! - `tcp` probes open the port with bash's `/dev/tcp` where the image has bash, otherwise
//!   with `bash`, falling back to `nc -z`.
//!
//! Images without a shell (distroless, scratch) need an `exec` probe in the spec; a
//! component whose contract lists no program at all (the exporters) gets no health check.

use nexus_spec::catalog;
use nexus_spec::ir::{self, Probe, ProbeAction, WorkloadKind};
use nexus_spec::model::Engine;

use super::interpolate::literal;
use super::model::Healthcheck;

/// The health check of a workload, if it has a probe.
pub(super) fn healthcheck(w: &ir::Workload) -> Option<Healthcheck> {
    let probe = checked_probe(w)?;
    let test = if w.kind == WorkloadKind::Backing(Engine::Minio)
        && matches!(probe.action, ProbeAction::Http { .. })
    {
        vec![
            "CMD".to_owned(),
            "mc".to_owned(),
            "ready".to_owned(),
            "local".to_owned(),
        ]
    } else {
        let tools = catalog::component(w.kind).map(|c| c.tools);
        test_with(&probe.action, tools)
    };
    Some(from_probe(probe, test, w.health.startup.as_ref()))
}

/// Whether [`healthcheck`] gives the workload a health check, without building it: a
/// `depends_on` of every dependency asks this, thousands of times on a large platform.
pub(super) fn has_healthcheck(w: &ir::Workload) -> bool {
    checked_probe(w).is_some()
}

/// The probe the health check follows (readiness, else liveness, else startup), unless the
/// image has no program to run a check with.
fn checked_probe(w: &ir::Workload) -> Option<&Probe> {
    let probe = w
        .health
        .readiness
        .as_ref()
        .or(w.health.liveness.as_ref())
        .or(w.health.startup.as_ref())?;
    if catalog::component(w.kind).is_some_and(|c| c.tools.is_empty()) {
        return None;
    }
    Some(probe)
}

/// The check of `action` using only programs the image has, where its contract lists them
/// (`tools`); for images nexus has no contract for, the portable fallbacks of [`test`].
fn test_with(action: &ProbeAction, tools: Option<&[&str]>) -> Vec<String> {
    let has = |t: &str| tools.is_some_and(|tools| tools.contains(&t));
    match action {
        ProbeAction::Http { path, port, .. } if has("wget") || has("curl") => {
            let url = shell_quote(&format!("http://127.0.0.1:{port}{path}"));
            let cmd = if has("wget") {
                format!("wget -q -O /dev/null {url}")
            } else {
                format!("curl -fsS -o /dev/null {url}")
            };
            vec!["CMD-SHELL".to_owned(), literal(&cmd)]
        }
        ProbeAction::Tcp { port, .. } if has("bash") => vec![
            "CMD".to_owned(),
            "bash".to_owned(),
            "-c".to_owned(),
            format!("exec 3<>/dev/tcp/127.0.0.1/{port}"),
        ],
        _ => test(action),
    }
}

/// A health check running `test` on the schedule of `probe`; a startup probe's budget
/// (period × failures) becomes the start period when it is longer.
pub(super) fn from_probe(probe: &Probe, test: Vec<String>, startup: Option<&Probe>) -> Healthcheck {
    let startup_budget = startup.map_or(0, |s| {
        u64::from(s.initial_delay_seconds)
            + u64::from(s.period_seconds) * u64::from(s.failure_threshold)
    });
    let start = u64::from(probe.initial_delay_seconds).max(startup_budget);
    Healthcheck {
        test,
        interval: seconds(u64::from(probe.period_seconds.max(1))),
        timeout: seconds(u64::from(probe.timeout_seconds.max(1))),
        retries: probe.failure_threshold.max(1),
        start_period: seconds(start),
    }
}

/// An HTTP check of `http://127.0.0.1:port/path` with the program the image's contract
/// lists (`wget` first, then `curl`).
pub(super) fn http_test_for(tools: &[&str], port: u16, path: &str) -> Vec<String> {
    test_with(
        &ProbeAction::Http {
            path: path.to_owned(),
            port_name: String::new(),
            port,
        },
        Some(tools),
    )
}

/// An HTTP check of `http://127.0.0.1:port/path` with `wget`, else `curl`.
pub(super) fn http_test(port: u16, path: &str) -> Vec<String> {
    let url = shell_quote(&format!("http://127.0.0.1:{port}{path}"));
    vec![
        "CMD-SHELL".to_owned(),
        literal(&format!(
            "wget -q -O /dev/null {url} || curl -fsS -o /dev/null {url}"
        )),
    ]
}

fn test(action: &ProbeAction) -> Vec<String> {
    match action {
        ProbeAction::Exec { command } => std::iter::once("CMD".to_owned())
            .chain(command.iter().map(|c| literal(c)))
            .collect(),
        ProbeAction::Http { path, port, .. } => http_test(*port, path),
        ProbeAction::Tcp { port, .. } => vec![
            "CMD-SHELL".to_owned(),
            format!("bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}' || nc -z 127.0.0.1 {port}"),
        ],
    }
}

fn seconds(n: u64) -> String {
    format!("{n}s")
}

/// Quotes a word for `sh` with single quotes.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nexus_spec::Span;

    fn probe(action: ProbeAction) -> Probe {
        Probe {
            action,
            initial_delay_seconds: 15,
            period_seconds: 10,
            timeout_seconds: 1,
            failure_threshold: 3,
            span: Span::DETACHED,
        }
    }

    #[test]
    fn http_probe_uses_wget_then_curl_with_a_quoted_url() {
        let t = test(&ProbeAction::Http {
            path: "/a'$b".into(),
            port_name: "http".into(),
            port: 8000,
        });
        assert_eq!(t[0], "CMD-SHELL");
        assert_eq!(
            t[1],
            r"wget -q -O /dev/null 'http://127.0.0.1:8000/a'\''$$b' || curl -fsS -o /dev/null 'http://127.0.0.1:8000/a'\''$$b'"
        );
    }

    #[test]
    fn exec_probe_escapes_dollars() {
        let t = test(&ProbeAction::Exec {
            command: vec![
                "sh".into(),
                "-c".into(),
                "pg_isready -U \"$POSTGRES_USER\"".into(),
            ],
        });
        assert_eq!(t, ["CMD", "sh", "-c", "pg_isready -U \"$$POSTGRES_USER\""]);
    }

    #[test]
    fn startup_budget_extends_start_period() {
        let p = probe(ProbeAction::Tcp {
            port_name: "x".into(),
            port: 1,
        });
        let mut s = probe(p.action.clone());
        s.initial_delay_seconds = 0;
        s.failure_threshold = 30;
        let h = from_probe(&p, vec![], Some(&s));
        assert_eq!(
            (h.interval.as_str(), h.start_period.as_str(), h.retries),
            ("10s", "300s", 3)
        );
    }
}
