//! Applying an environment's typed overlay to the base spec.
//!
//! An overlay may only change what the base has: a service, backing service, variable,
//! monitoring component or rate limit it names must exist, and a field must apply to the
//! kind of thing it is set on.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::ctx::Resolver;
use crate::codes;
use crate::model::{
    Environment, Name, PlatformSpec, ResourceFigures, Resources, Rollout, WorkloadOverlay,
};
use crate::span::Spanned;

/// The base spec with the environment's overlay applied. An environment that overrides
/// nothing (only a namespace, description or quota) gets the base itself, not a copy: a
/// copy of a 5,000-service spec per environment is a tenth of resolving it.
pub(crate) fn apply<'b>(
    ctx: &mut Resolver,
    base: &'b PlatformSpec,
    env: &Environment,
) -> Cow<'b, PlatformSpec> {
    if overrides_nothing(env) {
        return Cow::Borrowed(base);
    }
    Cow::Owned(overlaid(ctx, base, env))
}

/// Whether `env` leaves the spec as it is: it names no service, backing service,
/// registry, monitoring or gateway override (the parts [`overlaid`] reads).
fn overrides_nothing(env: &Environment) -> bool {
    let Environment {
        namespace: _,
        description: _,
        services,
        backing_services,
        monitoring,
        gateway,
        registries,
        quota: _,
    } = env;
    services.is_empty()
        && backing_services.is_empty()
        && monitoring.is_none()
        && gateway.is_none()
        && registries.is_empty()
}

fn overlaid(ctx: &mut Resolver, base: &PlatformSpec, env: &Environment) -> PlatformSpec {
    let mut spec = base.clone();
    for (name, overlay) in &env.services {
        let Some(service) = spec.services.get_mut(name.value.as_str()) else {
            ctx.unresolved(
                codes::OVERLAY_UNKNOWN_TARGET,
                name,
                "service",
                base.services.keys().map(|k| k.value.as_str()),
            );
            continue;
        };
        not_applicable(
            ctx,
            overlay,
            "a service",
            &[Field::Version, Field::Storage, Field::Backup],
        );
        if let Some(image) = &overlay.image {
            service.image = image.clone();
        }
        if let Some(r) = &overlay.replicas {
            service.replicas = Some(*r);
        }
        if let Some(r) = &overlay.resources {
            merge_resources(&mut service.resources, r);
        }
        merge_env(ctx, &mut service.env, &overlay.env);
        if let Some(a) = &overlay.autoscaling {
            service.autoscaling = Some(a.clone());
        }
        if let Some(d) = &overlay.disruption_budget {
            service.disruption_budget = Some(d.clone());
        }
        if let Some(r) = &overlay.rollout {
            merge_rollout(service.rollout.get_or_insert_with(Rollout::default), r);
        }
    }
    for (name, overlay) in &env.backing_services {
        let Some(backing) = spec.backing_services.get_mut(name.value.as_str()) else {
            ctx.unresolved(
                codes::OVERLAY_UNKNOWN_TARGET,
                name,
                "backing service",
                base.backing_services.keys().map(|k| k.value.as_str()),
            );
            continue;
        };
        not_applicable(
            ctx,
            overlay,
            "a backing service",
            &[Field::Env, Field::Autoscaling, Field::Rollout],
        );
        if let Some(image) = &overlay.image {
            backing.image = Some(image.clone());
        }
        if let Some(v) = &overlay.version {
            backing.version = v.clone();
        }
        if let Some(r) = &overlay.replicas {
            backing.replicas = Some(*r);
        }
        if let Some(r) = &overlay.resources {
            merge_resources(&mut backing.resources, r);
        }
        if let Some(s) = &overlay.storage {
            backing.storage = Some(s.clone());
        }
        if let Some(b) = &overlay.backup {
            backing.backup = Some(b.clone());
        }
        if let Some(d) = &overlay.disruption_budget {
            backing.disruption_budget = Some(d.clone());
        }
    }
    if let Some(m) = &env.monitoring {
        apply_monitoring(ctx, &mut spec, m);
    }
    for (host, registry) in &env.registries {
        match spec.registries.get_mut(host.value.as_str()) {
            Some(existing) => *existing = registry.clone(),
            None => ctx.unresolved(
                codes::OVERLAY_UNKNOWN_TARGET,
                host,
                "registry",
                base.registries.keys().map(|k| k.value.as_str()),
            ),
        }
    }
    if let Some(g) = &env.gateway {
        match spec.gateway.as_mut() {
            None => ctx.error(
                codes::OVERLAY_UNKNOWN_TARGET,
                g.hosts
                    .as_ref()
                    .and_then(|h| h.first())
                    .map_or(crate::span::Span::DETACHED, |h| h.span),
                "this environment overrides the gateway, but the spec has no gateway",
                "no gateway to override",
                "declare `spec.gateway` first, or remove the override",
            ),
            Some(gateway) => {
                if let Some(h) = &g.hosts {
                    gateway.hosts = h.clone();
                }
                if let Some(t) = &g.tls {
                    gateway.tls = Some(t.clone());
                }
                if let Some(r) = &g.replicas {
                    gateway.nginx.replicas = Some(*r);
                }
                for (name, limit) in &g.rate_limits {
                    match gateway.rate_limits.get_mut(name.value.as_str()) {
                        Some(existing) => *existing = limit.clone(),
                        None => ctx.unresolved(
                            codes::OVERLAY_UNKNOWN_TARGET,
                            name,
                            "rate limit",
                            base.gateway
                                .iter()
                                .flat_map(|g| g.rate_limits.keys().map(|k| k.value.as_str())),
                        ),
                    }
                }
            }
        }
    }
    spec
}

fn apply_monitoring(
    ctx: &mut Resolver,
    spec: &mut PlatformSpec,
    m: &crate::model::MonitoringOverlay,
) {
    let monitoring = spec.monitoring.get_or_insert_with(Default::default);
    let parts: [(&str, Option<&WorkloadOverlay>); 3] = [
        ("prometheus", m.prometheus.as_ref()),
        ("grafana", m.grafana.as_ref()),
        ("jaeger", m.jaeger.as_ref()),
    ];
    for (component, overlay) in parts {
        let Some(overlay) = overlay else { continue };
        not_applicable(
            ctx,
            overlay,
            "a monitoring component",
            &[
                Field::Env,
                Field::Autoscaling,
                Field::Rollout,
                Field::Backup,
                Field::Replicas,
                Field::DisruptionBudget,
            ],
        );
        let target = match component {
            "prometheus" => monitoring.prometheus.as_mut().map(|p| {
                (
                    &mut p.version,
                    &mut p.image,
                    &mut p.resources,
                    Some(&mut p.storage),
                )
            }),
            "grafana" => monitoring.grafana.as_mut().map(|g| {
                (
                    &mut g.version,
                    &mut g.image,
                    &mut g.resources,
                    Some(&mut g.storage),
                )
            }),
            _ => monitoring
                .jaeger
                .as_mut()
                .map(|j| (&mut j.version, &mut j.image, &mut j.resources, None)),
        };
        let Some((version, image, resources, storage)) = target else {
            let span = overlay_span(overlay);
            ctx.error(
                codes::OVERLAY_UNKNOWN_TARGET,
                span,
                format!("this environment overrides {component}, but the spec does not run it"),
                "nothing to override",
                format!("declare `spec.monitoring.{component}` first, or remove the override"),
            );
            continue;
        };
        if let Some(v) = &overlay.version {
            *version = v.clone();
        }
        if let Some(i) = &overlay.image {
            *image = Some(i.clone());
        }
        if let Some(r) = &overlay.resources {
            merge_resources(resources, r);
        }
        match (storage, &overlay.storage) {
            (Some(slot), Some(s)) => *slot = Some(s.clone()),
            (None, Some(s)) => ctx.error(
                codes::INVALID_VALUE,
                s.size.span,
                format!("`storage` does not apply to {component}"),
                "not applicable",
                "remove it from the environment",
            ),
            _ => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Version,
    Storage,
    Backup,
    Env,
    Autoscaling,
    Rollout,
    Replicas,
    DisruptionBudget,
}

fn not_applicable(ctx: &mut Resolver, o: &WorkloadOverlay, what: &str, fields: &[Field]) {
    for f in fields {
        let hit = match f {
            Field::Version => o.version.as_ref().map(|v| ("version", v.span)),
            Field::Storage => o.storage.as_ref().map(|s| ("storage", s.size.span)),
            Field::Backup => o.backup.as_ref().map(|b| ("backup", b.full.span)),
            Field::Env => o.env.keys().next().map(|k| ("env", k.span)),
            Field::Autoscaling => o
                .autoscaling
                .as_ref()
                .map(|a| ("autoscaling", a.min_replicas.span)),
            Field::Rollout => o
                .rollout
                .as_ref()
                .and_then(|r| r.strategy.map(|s| s.span).or(r.active_slot.map(|s| s.span)))
                .map(|s| ("rollout", s)),
            Field::Replicas => o.replicas.map(|r| ("replicas", r.span)),
            Field::DisruptionBudget => o
                .disruption_budget
                .as_ref()
                .and_then(|d| d.min_available.or(d.max_unavailable))
                .map(|v| ("disruptionBudget", v.span)),
        };
        if let Some((field, span)) = hit {
            ctx.error(
                codes::INVALID_VALUE,
                span,
                format!("`{field}` does not apply to {what}"),
                "not applicable here",
                "remove it from the environment overlay",
            );
        }
    }
}

fn overlay_span(o: &WorkloadOverlay) -> crate::span::Span {
    o.image
        .as_ref()
        .map(|i| i.span)
        .or(o.version.as_ref().map(|v| v.span))
        .or(o
            .resources
            .as_ref()
            .and_then(|r| {
                r.requests
                    .cpu
                    .as_ref()
                    .or(r.requests.memory.as_ref())
                    .or(r.limits.cpu.as_ref())
                    .or(r.limits.memory.as_ref())
            })
            .map(|q| q.span))
        .or(o.storage.as_ref().map(|s| s.size.span))
        .unwrap_or(crate::span::Span::DETACHED)
}

fn merge_env(
    ctx: &mut Resolver,
    base: &mut BTreeMap<Name, Spanned<String>>,
    overlay: &BTreeMap<Name, Spanned<String>>,
) {
    for (k, v) in overlay {
        if base.contains_key(k.value.as_str()) {
            // Replace the value but keep the overlay's key span for diagnostics.
            base.remove(k.value.as_str());
            base.insert(k.clone(), v.clone());
        } else {
            let names: Vec<&str> = base.keys().map(|k| k.value.as_str()).collect();
            ctx.unresolved(codes::OVERLAY_UNKNOWN_TARGET, k, "variable", names);
        }
    }
}

fn merge_figures(base: &mut ResourceFigures, o: &ResourceFigures) {
    if let Some(c) = &o.cpu {
        base.cpu = Some(c.clone());
    }
    if let Some(m) = &o.memory {
        base.memory = Some(m.clone());
    }
}

fn merge_resources(base: &mut Resources, o: &Resources) {
    merge_figures(&mut base.requests, &o.requests);
    merge_figures(&mut base.limits, &o.limits);
}

fn merge_rollout(base: &mut Rollout, o: &Rollout) {
    if let Some(s) = o.strategy {
        base.strategy = Some(s);
    }
    if let Some(s) = o.active_slot {
        base.active_slot = Some(s);
    }
    if let Some(i) = &o.preview_image {
        base.preview_image = Some(i.clone());
    }
    for (b, s) in [(&mut base.blue, &o.blue), (&mut base.green, &o.green)] {
        if let Some(i) = s.as_ref().and_then(|s| s.image.as_ref()) {
            b.get_or_insert_with(Default::default).image = Some(i.clone());
        }
    }
    if let Some(s) = &o.max_surge {
        base.max_surge = Some(s.clone());
    }
    if let Some(s) = &o.max_unavailable {
        base.max_unavailable = Some(s.clone());
    }
}
