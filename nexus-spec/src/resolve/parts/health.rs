//! Health checks: the spec's probes, or the component's built-in ones.

use crate::catalog::BuiltinProbe;
use crate::codes;
use crate::ir;
use crate::model;
use crate::resolve::ctx::Resolver;
use crate::span::{Span, Spanned};

/// Health checks: the spec's, or the component's built-in ones.
pub(crate) fn health(
    ctx: &mut Resolver,
    h: &model::Health,
    ports: &[ir::Port],
    builtin: Option<(BuiltinProbe, BuiltinProbe)>,
) -> ir::Health {
    let from_builtin = |b: BuiltinProbe| builtin_probe(b, ports);
    ir::Health {
        readiness: match (&h.readiness, builtin) {
            (Some(p), _) => probe(ctx, p, ports),
            (None, Some((r, _))) => from_builtin(r),
            (None, None) => None,
        },
        liveness: match (&h.liveness, builtin) {
            (Some(p), _) => probe(ctx, p, ports),
            (None, Some((_, l))) => from_builtin(l),
            (None, None) => None,
        },
        startup: h.startup.as_ref().and_then(|p| probe(ctx, p, ports)),
    }
}

fn builtin_probe(b: BuiltinProbe, ports: &[ir::Port]) -> Option<ir::Probe> {
    let port = |name: &str| {
        ports
            .iter()
            .find(|p| p.name.value == name)
            .map(|p| p.port.value)
    };
    let action = match b {
        BuiltinProbe::Http(path, name) => ir::ProbeAction::Http {
            path: path.into(),
            port_name: name.into(),
            port: port(name)?,
        },
        BuiltinProbe::Tcp(name) => ir::ProbeAction::Tcp {
            port_name: name.into(),
            port: port(name)?,
        },
        BuiltinProbe::Exec(cmd) => ir::ProbeAction::Exec {
            command: cmd.iter().map(|s| (*s).to_owned()).collect(),
        },
    };
    Some(ir::Probe {
        action,
        initial_delay_seconds: 10,
        period_seconds: 10,
        timeout_seconds: 5,
        failure_threshold: 6,
        span: Span::DETACHED,
    })
}

fn probe(ctx: &mut Resolver, p: &model::Probe, ports: &[ir::Port]) -> Option<ir::Probe> {
    let port_of = |ctx: &mut Resolver, name: &Spanned<String>| -> Option<u16> {
        match ports.iter().find(|q| q.name.value == name.value) {
            Some(q) => Some(q.port.value),
            None => {
                ctx.unresolved(
                    codes::UNRESOLVED_REFERENCE,
                    name,
                    "port",
                    ports.iter().map(|q| q.name.value.as_str()),
                );
                None
            }
        }
    };
    let mut actions = Vec::new();
    let mut span = Span::DETACHED;
    if let Some(h) = &p.http {
        span = h.path.span;
        if !h.path.value.starts_with('/') {
            ctx.error(
                codes::INVALID_VALUE,
                h.path.span,
                "a health check path must start with `/`",
                "not a path",
                "write `/health`",
            );
        }
        ctx.single_line(&h.path, "health check path");
        if let Some(port) = port_of(ctx, &h.port) {
            actions.push(ir::ProbeAction::Http {
                path: h.path.value.clone(),
                port_name: h.port.value.clone(),
                port,
            });
        }
    }
    if let Some(t) = &p.tcp {
        span = t.port.span;
        if let Some(port) = port_of(ctx, &t.port) {
            actions.push(ir::ProbeAction::Tcp {
                port_name: t.port.value.clone(),
                port,
            });
        }
    }
    if let Some(e) = &p.exec
        && let Some(first) = e.command.first()
    {
        span = first.span;
        actions.push(ir::ProbeAction::Exec {
            command: e.command.iter().map(|c| c.value.clone()).collect(),
        });
    }
    let kinds = usize::from(p.http.is_some())
        + usize::from(p.tcp.is_some())
        + usize::from(p.exec.is_some());
    if kinds != 1 {
        let at = p
            .initial_delay_seconds
            .or(p.period_seconds)
            .map_or(span, |s| s.span);
        ctx.error(
            codes::INVALID_VALUE,
            at,
            format!(
                "a health check needs exactly one of `http`, `tcp` or `exec`; this one has {kinds}"
            ),
            "ambiguous or empty health check",
            "keep one of `http`, `tcp`, `exec`",
        );
        return None;
    }
    let action = actions.pop()?;
    Some(ir::Probe {
        action,
        initial_delay_seconds: ctx
            .int_or(
                p.initial_delay_seconds.as_ref(),
                5,
                0,
                3600,
                "initialDelaySeconds",
            )
            .value,
        period_seconds: ctx
            .int_or(p.period_seconds.as_ref(), 10, 1, 3600, "periodSeconds")
            .value,
        timeout_seconds: ctx
            .int_or(p.timeout_seconds.as_ref(), 3, 1, 3600, "timeoutSeconds")
            .value,
        failure_threshold: ctx
            .int_or(p.failure_threshold.as_ref(), 3, 1, 100, "failureThreshold")
            .value,
        span,
    })
}
