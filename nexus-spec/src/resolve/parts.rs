//! Resolving the building blocks every workload shares.

use super::ctx::Ctx;
use crate::catalog::BuiltinProbe;
use crate::codes;
use crate::ir;
use crate::model::{self, RolloutStrategy, Seccomp};
use crate::span::{Span, Spanned};
use crate::values::{self, Cron, ImageRef, Segment};

/// Ports: names, ranges and clashes checked.
pub(crate) fn ports(ctx: &mut Ctx, ports: &[model::Port]) -> Vec<ir::Port> {
    let mut out: Vec<ir::Port> = Vec::with_capacity(ports.len());
    for p in ports {
        ctx.name(&p.name, "port name", values::name::port_name);
        let Some(number) = ctx.int_code(&p.port, 1, 65535, "a port", codes::PORT_RANGE) else {
            continue;
        };
        let host_port = p
            .host_port
            .as_ref()
            .and_then(|h| ctx.int_code(h, 1, 65535, "a host port", codes::PORT_RANGE));
        if let Some(prev) = out.iter().find(|q| q.port.value as u32 == number.value) {
            ctx.push(
                crate::Diagnostic::error(
                    codes::PORT_CLASH,
                    format!("port {} is declared twice", number.value),
                )
                .with_label(p.port.span, "declared again here")
                .with_label(prev.port.span, "first declared here")
                .with_help("give each port its own number"),
            );
            continue;
        }
        if let Some(prev) = out.iter().find(|q| q.name.value == p.name.value) {
            ctx.push(
                crate::Diagnostic::error(
                    codes::PORT_CLASH,
                    format!("two ports are named `{}`", p.name.value),
                )
                .with_label(p.name.span, "named again here")
                .with_label(prev.name.span, "first named here")
                .with_help("give each port its own name"),
            );
            continue;
        }
        out.push(ir::Port {
            name: p.name.clone(),
            port: Spanned::new(number.value as u16, number.span),
            protocol: p.protocol.map(|p| p.value).unwrap_or_default(),
            host_port: host_port.map(|h| Spanned::new(h.value as u16, h.span)),
            role: ir::PortRole::Client,
        });
    }
    out
}

/// Requests and limits, parsed, with limits checked against requests.
pub(crate) fn resources(ctx: &mut Ctx, r: &model::Resources) -> ir::Resources {
    let out = ir::Resources {
        cpu_request: r
            .requests
            .cpu
            .as_ref()
            .and_then(|q| ctx.quantity(q, "CPU request")),
        memory_request: r
            .requests
            .memory
            .as_ref()
            .and_then(|q| ctx.quantity(q, "memory request")),
        cpu_limit: r
            .limits
            .cpu
            .as_ref()
            .and_then(|q| ctx.quantity(q, "CPU limit")),
        memory_limit: r
            .limits
            .memory
            .as_ref()
            .and_then(|q| ctx.quantity(q, "memory limit")),
    };
    for (what, req, lim) in [
        ("CPU", &out.cpu_request, &out.cpu_limit),
        ("memory", &out.memory_request, &out.memory_limit),
    ] {
        if let (Some(req), Some(lim)) = (req, lim)
            && lim.value < req.value
        {
            ctx.push(
                crate::Diagnostic::error(
                    codes::LIMIT_BELOW_REQUEST,
                    format!(
                        "the {what} limit `{}` is below the {what} request `{}`",
                        lim.value, req.value
                    ),
                )
                .with_label(lim.span, "limit")
                .with_label(req.span, "request")
                .with_help(format!(
                    "raise the {what} limit to at least the request, or lower the request"
                )),
            );
        }
    }
    out
}

/// Health checks: the spec's, or the component's built-in ones.
pub(crate) fn health(
    ctx: &mut Ctx,
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

fn probe(ctx: &mut Ctx, p: &model::Probe, ports: &[ir::Port]) -> Option<ir::Probe> {
    let port_of = |ctx: &mut Ctx, name: &Spanned<String>| -> Option<u16> {
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

/// Autoscaling bounds checked.
pub(crate) fn autoscaling(
    ctx: &mut Ctx,
    a: &model::Autoscaling,
    env: &[ir::EnvVar],
) -> Option<ir::Autoscaling> {
    let min = ctx.int_code(
        &a.min_replicas,
        1,
        10_000,
        "minReplicas",
        codes::AUTOSCALING_BOUNDS,
    )?;
    let max = ctx.int_code(
        &a.max_replicas,
        1,
        10_000,
        "maxReplicas",
        codes::AUTOSCALING_BOUNDS,
    )?;
    if min.value > max.value {
        ctx.push(
            crate::Diagnostic::error(
                codes::AUTOSCALING_BOUNDS,
                format!(
                    "autoscaling minReplicas ({}) is above maxReplicas ({})",
                    min.value, max.value
                ),
            )
            .with_label(min.span, "minimum")
            .with_label(max.span, "maximum")
            .with_help("make minReplicas at most maxReplicas"),
        );
        return None;
    }
    let cpu = a
        .target_cpu_utilization
        .as_ref()
        .and_then(|v| ctx.int(v, 1, 1000, "targetCpuUtilization"));
    let memory = a
        .target_memory_utilization
        .as_ref()
        .and_then(|v| ctx.int(v, 1, 1000, "targetMemoryUtilization"));
    let queue = a.queue.as_ref().and_then(|q| queue_trigger(ctx, q, env));
    if cpu.is_none()
        && memory.is_none()
        && a.target_cpu_utilization.is_none()
        && a.target_memory_utilization.is_none()
        && a.queue.is_none()
    {
        ctx.error(
            codes::MISSING_KEY,
            a.min_replicas.span,
            "autoscaling needs a target: `targetCpuUtilization`, `targetMemoryUtilization` or `queue`",
            "no target",
            "add `targetCpuUtilization: 70`",
        );
    }
    Some(ir::Autoscaling {
        min_replicas: min,
        max_replicas: max,
        target_cpu: cpu,
        target_memory: memory,
        queue,
        span: a.min_replicas.span,
    })
}

/// Queue-depth autoscaling: the queue, the target and the environment variable that holds
/// the AMQP URL of the queue's RabbitMQ (the autoscaler reads the connection from it, so the
/// credentials stay where the service has them).
fn queue_trigger(
    ctx: &mut Ctx,
    q: &model::QueueScaling,
    env: &[ir::EnvVar],
) -> Option<ir::QueueTrigger> {
    let target_length = ctx.int(&q.target_length, 1, 1_000_000, "targetLength");
    ctx.single_line(&q.queue, "queue name");
    let host_env = env.iter().find(|e| {
        let segments = e.value.value.segments();
        matches!(segments.first(), Some(Segment::Text(t)) if t.starts_with("amqp://") || t.starts_with("amqps://"))
            && segments
                .iter()
                .any(|s| matches!(s, Segment::Host(h) if *h == q.workload.value))
    });
    let Some(host_env) = host_env else {
        ctx.error(
            codes::UNRESOLVED_REFERENCE,
            q.workload.span,
            format!(
                "queue-depth autoscaling needs the AMQP URL of `{}` in the service's environment",
                q.workload.value
            ),
            "no variable holds its AMQP URL",
            format!(
                "add one, e.g. `RABBITMQ_URL: amqp://${{{w}.user}}:${{secrets.PASSWORD}}@${{{w}.host}}:${{{w}.port}}/${{{w}.database}}`: the autoscaler connects with it",
                w = q.workload.value
            ),
        );
        return None;
    };
    Some(ir::QueueTrigger {
        workload: q.workload.clone(),
        queue: q.queue.value.clone(),
        target_length: target_length?.value,
        host_env: host_env.name.value.clone(),
        span: q.workload.span,
    })
}

/// A disruption budget: exactly one of the two fields.
pub(crate) fn disruption_budget(
    ctx: &mut Ctx,
    d: &model::DisruptionBudget,
) -> Option<ir::DisruptionBudget> {
    match (&d.min_available, &d.max_unavailable) {
        (Some(m), None) => ctx
            .int(m, 0, 10_000, "minAvailable")
            .map(ir::DisruptionBudget::MinAvailable),
        (None, Some(m)) => ctx
            .int(m, 0, 10_000, "maxUnavailable")
            .map(ir::DisruptionBudget::MaxUnavailable),
        (Some(a), Some(_)) => {
            ctx.error(
                codes::INVALID_VALUE,
                a.span,
                "a disruption budget takes `minAvailable` or `maxUnavailable`, not both",
                "both given",
                "keep one of them",
            );
            None
        }
        (None, None) => None,
    }
}

/// Rollout strategy, with blue-green's preview image defaulting to the service's image.
pub(crate) fn rollout(
    ctx: &mut Ctx,
    r: Option<&model::Rollout>,
    image: &Spanned<ImageRef>,
) -> ir::Rollout {
    let r = r.cloned().unwrap_or_default();
    let strategy = r.strategy.map(|s| s.value).unwrap_or_default();
    let surge_or = |ctx: &mut Ctx, v: &Option<Spanned<String>>, default: &str| -> String {
        match v {
            Some(v) if is_int_or_percent(&v.value) => v.value.clone(),
            Some(v) => {
                ctx.error(
                    codes::INVALID_VALUE,
                    v.span,
                    format!("`{}` is not a count or a percentage", v.value),
                    "invalid",
                    "write a count (`1`) or a percentage (`25%`)",
                );
                default.to_owned()
            }
            None => default.to_owned(),
        }
    };
    match strategy {
        RolloutStrategy::Rolling => {
            for s in [&r.blue, &r.green].into_iter().flatten() {
                if let Some(i) = &s.image {
                    ctx.error(
                        codes::INVALID_VALUE,
                        i.span,
                        "slots apply to blue-green rollouts only",
                        "not a blue-green rollout",
                        "set `strategy: blue-green`, or set the service's `image`",
                    );
                }
            }
            if let Some(s) = &r.active_slot {
                ctx.error(
                    codes::INVALID_VALUE,
                    s.span,
                    "`activeSlot` applies to blue-green rollouts only",
                    "not a blue-green rollout",
                    "set `strategy: blue-green`, or remove `activeSlot`",
                );
            }
            ir::Rollout::Rolling {
                max_surge: surge_or(ctx, &r.max_surge, "25%"),
                max_unavailable: surge_or(ctx, &r.max_unavailable, "0"),
            }
        }
        RolloutStrategy::BlueGreen => {
            for v in [&r.max_surge, &r.max_unavailable].into_iter().flatten() {
                ctx.error(
                    codes::INVALID_VALUE,
                    v.span,
                    "`maxSurge` and `maxUnavailable` apply to rolling rollouts only",
                    "not a rolling rollout",
                    "remove it; blue-green switches all traffic at once",
                );
            }
            if let Some(p) = &r.preview_image {
                ctx.error(
                    codes::INVALID_VALUE,
                    p.span,
                    "`previewImage` follows whichever slot is idle, so switching `activeSlot` would swap the images of both slots",
                    "the idle slot's image",
                    "give the slot that holds the new release its own image, such as `green: { image: ... }`; switching `activeSlot` then moves only traffic",
                );
            }
            let mut slot_image = |s: &Option<model::SlotSpec>| {
                s.as_ref()
                    .and_then(|s| s.image.as_ref())
                    .and_then(|i| ctx.image(i))
                    .unwrap_or_else(|| image.clone())
            };
            let blue = slot_image(&r.blue);
            let green = slot_image(&r.green);
            ir::Rollout::BlueGreen {
                active: r
                    .active_slot
                    .unwrap_or(Spanned::detached(model::Slot::Blue)),
                blue,
                green,
            }
        }
    }
}

fn is_int_or_percent(s: &str) -> bool {
    let digits = s.strip_suffix('%').unwrap_or(s);
    !digits.is_empty() && digits.len() <= 6 && digits.chars().all(|c| c.is_ascii_digit())
}

/// A backup block: schedules parsed, retention defaulted.
pub(crate) fn backup(ctx: &mut Ctx, b: &model::Backup) -> Option<ir::Backup> {
    let cron = |ctx: &mut Ctx, v: &Spanned<String>| match Cron::parse(&v.value) {
        Ok(c) => Some(Spanned::new(c, v.span)),
        Err(msg) => {
            ctx.error(codes::INVALID_SCHEDULE, v.span, format!("invalid backup schedule: {msg}"), "not a cron schedule", "write five fields, minute hour day-of-month month day-of-week (`0 * * * *` is hourly), or `@daily`");
            None
        }
    };
    let incremental = b.incremental.as_ref().map(|i| cron(ctx, i));
    let full = cron(ctx, &b.full);
    let keep_incremental = ctx
        .int_or(
            b.retention.incremental.as_ref(),
            24,
            1,
            100_000,
            "retention.incremental",
        )
        .value;
    let keep_full = ctx
        .int_or(b.retention.full.as_ref(), 7, 1, 100_000, "retention.full")
        .value;
    let rpo_seconds = b.rpo.as_ref().and_then(|v| {
        ctx.duration(v, "recovery point objective")
            .map(|s| Spanned::new(s, v.span))
    });
    let rto_seconds = b.rto.as_ref().and_then(|v| {
        ctx.duration(v, "recovery time objective")
            .map(|s| Spanned::new(s, v.span))
    });
    Some(ir::Backup {
        continuous: b
            .continuous
            .unwrap_or_else(|| Spanned::new(true, b.full.span)),
        rpo_seconds,
        rto_seconds,
        incremental: match incremental {
            Some(None) => return None,
            Some(Some(c)) => Some(c),
            None => None,
        },
        full: full?,
        keep_incremental,
        keep_full,
        destination: b
            .destination
            .clone()
            .or_else(|| b.destinations.first().cloned()),
        destinations: b
            .destination
            .iter()
            .chain(&b.destinations)
            .cloned()
            .collect(),
        span: b.full.span,
    })
}

/// Security settings with hardened defaults.
pub(crate) fn security(
    ctx: &mut Ctx,
    s: &model::Security,
    image_user: ImageUser<'_>,
) -> ir::Security {
    let ImageUser {
        uid: default_uid,
        gid: default_gid,
        writable: extra_writable,
        seeded,
    } = image_user;
    let b = |v: &Option<Spanned<bool>>, default: bool| v.unwrap_or(Spanned::detached(default));
    let id = |ctx: &mut Ctx, v: &Option<Spanned<i64>>, default: i64, what: &str| -> Spanned<i64> {
        match v {
            Some(v) if (0..=2_147_483_647).contains(&v.value) => *v,
            Some(v) => {
                ctx.error(
                    codes::INVALID_VALUE,
                    v.span,
                    format!("{what} must be from 0 to 2147483647"),
                    "out of range",
                    "use a non-zero id such as 10001",
                );
                Spanned::new(default, v.span)
            }
            None => Spanned::detached(default),
        }
    };
    let run_as_user = id(ctx, &s.run_as_user, i64::from(default_uid), "runAsUser");
    let group_default = match (&s.run_as_user, default_gid) {
        (None, Some(gid)) => i64::from(gid),
        _ => run_as_user.value,
    };
    let run_as_group = id(ctx, &s.run_as_group, group_default, "runAsGroup");
    let fs_group = id(ctx, &s.fs_group, run_as_group.value, "fsGroup").value;
    let caps = s.capabilities.clone().unwrap_or_default();
    for c in caps.add.iter().chain(caps.drop.iter().flatten()) {
        if c.value.is_empty()
            || !c
                .value
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch == '_')
        {
            ctx.error(codes::INVALID_VALUE, c.span, format!("`{}` is not a capability name", c.value), "invalid", "write capability names in upper case without the CAP_ prefix (`NET_BIND_SERVICE`, `ALL`)");
        }
    }
    let drop_span = caps
        .drop
        .as_ref()
        .and_then(|d| d.first().map(|c| c.span))
        .unwrap_or(Span::DETACHED);
    let mut writable: Vec<String> = vec!["/tmp".to_owned()];
    writable.extend(extra_writable.iter().map(|p| (*p).to_owned()));
    for p in &s.writable_paths {
        if ctx.checked(p, "writable path", values::name::container_path) {
            writable.push(p.value.clone());
        }
    }
    writable.sort();
    writable.dedup();
    let host_paths = s
        .host_paths
        .iter()
        .filter(|h| {
            ctx.checked(&h.host_path, "host path", values::name::container_path)
                & ctx.checked(&h.mount_path, "mount path", values::name::container_path)
        })
        .map(|h| ir::HostPath {
            host_path: h.host_path.clone(),
            mount_path: h.mount_path.value.clone(),
            read_only: h.read_only.is_none_or(|r| r.value),
        })
        .collect();
    ir::Security {
        run_as_user,
        run_as_group,
        fs_group,
        run_as_non_root: b(&s.run_as_non_root, true),
        read_only_root_filesystem: b(&s.read_only_root_filesystem, true),
        allow_privilege_escalation: b(&s.allow_privilege_escalation, false),
        privileged: b(&s.privileged, false),
        capabilities_add: caps.add.clone(),
        capabilities_drop: caps
            .drop
            .clone()
            .unwrap_or_else(|| vec![Spanned::detached("ALL".to_owned())]),
        capabilities_drop_span: drop_span,
        seccomp: s
            .seccomp
            .unwrap_or(Spanned::detached(Seccomp::RuntimeDefault)),
        host_network: b(&s.host_network, false),
        host_pid: b(&s.host_pid, false),
        host_ipc: b(&s.host_ipc, false),
        host_paths,
        writable_paths: writable,
        seeded_paths: {
            let mut v: Vec<String> = seeded.iter().map(|p| (*p).to_owned()).collect();
            v.sort();
            v
        },
    }
}

/// What an image brings to a workload's security settings: its user and group (used unless
/// the spec sets `runAsUser`), the paths its entrypoint writes and the folders it edits.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ImageUser<'a> {
    /// The image's user.
    pub uid: u32,
    /// The image's group, when it differs from the user id.
    pub gid: Option<u32>,
    /// Paths written at start (emptyDir / tmpfs).
    pub writable: &'a [&'a str],
    /// Folders of the image's files edited at start (seeded).
    pub seeded: &'a [&'a str],
}

impl ImageUser<'static> {
    /// The contract of a catalog component.
    pub(crate) fn of(c: &'static crate::catalog::Component) -> Self {
        ImageUser {
            uid: c.uid,
            gid: Some(c.gid),
            writable: c.writable_paths,
            seeded: c.seeded_paths,
        }
    }
}

/// Storage, with the mount path from the component.
pub(crate) fn storage(ctx: &mut Ctx, s: &model::Storage, mount_path: &str) -> Option<ir::Storage> {
    let size = ctx.quantity(&s.size, "storage size")?;
    if let Some(c) = &s.storage_class {
        ctx.name(c, "storage class", values::name::dns1123_label);
    }
    Some(ir::Storage {
        size,
        storage_class: s.storage_class.as_ref().map(|c| c.value.clone()),
        mount_path: mount_path.to_owned(),
    })
}

/// Replicas, defaulting to `default`.
pub(crate) fn replicas(ctx: &mut Ctx, r: Option<&Spanned<i64>>, default: u32) -> Spanned<u32> {
    ctx.int_or(r, default, 0, 10_000, "replicas")
}
