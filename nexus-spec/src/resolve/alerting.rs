//! Alertmanager: its workload (a monitoring component with each receiver's secret mounted as
//! a file) and the alerting IR (receivers, one route per severity).

use super::ctx::Resolver;
use super::workloads;
use crate::catalog::{self, SECRET_FILES_DIR};
use crate::codes;
use crate::ir::{self, WorkloadKind};
use crate::model::{Alertmanager, Monitoring, Severity};
use crate::span::Spanned;
use crate::values;

/// Where Alertmanager reads its configuration (its `--config.file`).
pub(super) const CONFIG_FILE: &str = "/etc/alertmanager/alertmanager.yml";

/// Intervals a route uses when the spec names none: (group wait, group interval, repeat
/// interval) in seconds. A critical alert is repeated hourly, a low one daily.
fn defaults(severity: Severity) -> (u64, u64, u64) {
    match severity {
        Severity::Critical => (30, 300, 3_600),
        Severity::High => (30, 300, 4 * 3_600),
        Severity::Medium => (60, 600, 12 * 3_600),
        Severity::Low => (300, 1_800, 24 * 3_600),
    }
}

/// Resolves Alertmanager: pushes its workload and returns the alerting IR.
pub(super) fn alertmanager(
    ctx: &mut Resolver,
    m: &Monitoring,
    secrets: &[ir::Secret],
    workloads: &mut Vec<ir::Workload>,
) -> Option<ir::Alerting> {
    let a = m.alertmanager.as_ref()?;
    if m.prometheus.is_none() {
        ctx.error(
            codes::INVALID_VALUE,
            a.version.span,
            "Alertmanager without Prometheus receives no alert",
            "nothing sends alerts here",
            "declare `monitoring.prometheus` (it evaluates the rules nexus derives), or remove `alertmanager`",
        );
    }
    let receivers = receivers(ctx, a, secrets);
    let routes = routes(ctx, a, &receivers);
    let args = vec![
        format!("--config.file={CONFIG_FILE}"),
        "--storage.path=/alertmanager".to_owned(),
        // One replica: no gossip cluster, so no cluster port.
        "--cluster.listen-address=".to_owned(),
    ];
    let mut w = workloads::monitoring(
        ctx,
        workloads::MonitoringInput {
            kind: WorkloadKind::Alertmanager,
            component: &catalog::ALERTMANAGER,
            version: &a.version,
            image: a.image.as_ref(),
            resources: &a.resources,
            storage: None,
            security: &a.security,
            exposure: None,
            args,
            env: Vec::new(),
            credentials: None,
            span: a.version.span,
        },
    )?;
    w.secret_files = receivers
        .iter()
        .map(|r| ir::SecretFile {
            secret: r.secret.value.clone(),
            path: r.secret_path.clone(),
        })
        .collect();
    w.secret_files.sort();
    w.secret_files.dedup();
    let name = w.name.value.clone();
    workloads.push(w);
    Some(ir::Alerting {
        workload: name,
        receivers,
        routes,
    })
}

fn receivers(ctx: &mut Resolver, a: &Alertmanager, secrets: &[ir::Secret]) -> Vec<ir::Receiver> {
    let mut out = Vec::new();
    for (name, r) in &a.receivers {
        ctx.name(name, "receiver name", values::name::dns1123_label);
        if !secrets.iter().any(|s| s.name.value == r.secret.value) {
            ctx.unresolved(
                codes::UNKNOWN_SECRET,
                &r.secret,
                "secret",
                secrets.iter().map(|s| s.name.value.as_str()),
            );
        }
        if let Some(c) = &r.channel {
            ctx.single_line(c, "Slack channel");
        }
        out.push(ir::Receiver {
            name: name.clone(),
            kind: r.kind.value,
            secret: r.secret.clone(),
            secret_path: format!("{SECRET_FILES_DIR}/{}", r.secret.value),
            channel: r.channel.as_ref().map(|c| c.value.clone()),
        });
    }
    out
}

fn routes(
    ctx: &mut Resolver,
    a: &Alertmanager,
    receivers: &[ir::Receiver],
) -> Vec<ir::SeverityRoute> {
    let mut out = Vec::new();
    for severity in Severity::ALL {
        let r = a.routes.get(severity);
        if !receivers.iter().any(|x| x.name.value == r.receiver.value) {
            ctx.unresolved(
                codes::UNRESOLVED_REFERENCE,
                &r.receiver,
                "receiver",
                receivers.iter().map(|x| x.name.value.as_str()),
            );
        }
        let (wait, interval, repeat) = defaults(severity);
        let mut seconds = |v: &Option<Spanned<String>>, what: &str, default: u64| {
            v.as_ref()
                .and_then(|d| ctx.duration(d, what))
                .unwrap_or(default)
        };
        let group_wait_seconds = seconds(&r.group_wait, "group wait", wait);
        let group_interval_seconds = seconds(&r.group_interval, "group interval", interval);
        let repeat_interval_seconds = seconds(&r.repeat_interval, "repeat interval", repeat);
        let escalate_after_seconds = match (&r.escalate_after, severity.raised()) {
            (Some(e), None) => {
                ctx.error(
                    codes::INVALID_VALUE,
                    e.span,
                    "critical alerts cannot escalate: there is no higher severity",
                    "on the critical route",
                    "remove `escalateAfter` here; give the critical route the receiver that must act",
                );
                None
            }
            (Some(e), Some(_)) => ctx.duration(e, "escalation delay"),
            (None, _) => None,
        };
        out.push(ir::SeverityRoute {
            severity,
            receiver: r.receiver.clone(),
            group_wait_seconds,
            group_interval_seconds,
            repeat_interval_seconds,
            escalate_after_seconds,
        });
    }
    out
}
