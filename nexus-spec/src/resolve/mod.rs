//! Resolution: from a spec file and an environment name to the IR ([`crate::ir::Platform`]),
//! with every problem reported as a diagnostic.

mod alerting;
mod contract;
mod ctx;
mod cycles;
mod destinations;
pub mod exporters;
mod gateway;
mod graph;
mod migrations;
mod overlaid;
mod overlay;
mod parts;
mod placeholders;
mod secrets;
mod workloads;

use std::collections::BTreeSet;

use rayon::prelude::*;

use ctx::Resolver;
use overlaid::Overlaid;
use placeholders::{Directory, Entry};

use crate::catalog::{self, Component};
use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{self, WorkloadKind};
use crate::model::{self, PlatformFile};
use crate::span::{Span, Spanned};
use crate::values::{self, Template};

/// Resolves one environment of a spec file. Every problem found is returned, not the first
/// only.
pub fn resolve(file: &PlatformFile, environment: &str) -> Result<ir::Platform, Diagnostics> {
    let mut ctx = Resolver::new();
    let platform = resolve_in(&mut ctx, file, environment);
    match platform {
        Some(p) if !ctx.diags.has_errors() => Ok(p),
        _ => Err(ctx.diags),
    }
}

/// Validates a spec file: resolves every environment and returns all problems found, each
/// once (a problem in the base spec shows up in every environment but is reported once).
pub fn validate(file: &PlatformFile) -> Diagnostics {
    // Each resolved environment is dropped as soon as it is made.
    check_all(file, drop).1
}

/// Validates a spec file and resolves every environment in the same pass: the resolved
/// environments in sorted order when there is no error, else every problem (as
/// [`validate`] reports them). Costs one resolution per environment, not two.
pub fn validate_resolve(file: &PlatformFile) -> Result<Vec<ir::Platform>, Diagnostics> {
    let (platforms, diags) = check_all(file, |p| p);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(platforms)
    }
}

/// The most environments a spec may declare. Validation resolves the whole platform once
/// per environment, so without a bound a small file (thousands of one-line environments
/// over a large platform) could keep `nexus validate` busy for hours.
pub const MAX_ENVIRONMENTS: usize = 64;

/// The most workload renderings (workloads × environments) a spec may ask for. Memory and
/// time grow with that product (about 40 KB and 0.3 ms each in a release build; the 5,000
/// service, two-environment benchmark is 10,000), and a 1 MB spec of 30,000 one-line
/// services in 64 environments took 14 GB before it was bounded.
pub const MAX_WORKLOAD_ENVIRONMENTS: usize = 50_000;

/// Resolves every environment, on the rayon pool, and returns what `keep` makes of each
/// that resolves (in sorted order) and every problem found, each once (in the order of the
/// environments, as when they resolved one after the other).
fn check_all<T: Send>(
    file: &PlatformFile,
    keep: impl Fn(ir::Platform) -> T + Sync,
) -> (Vec<T>, Diagnostics) {
    if let Some((first_over, _)) = file.spec.environments.iter().nth(MAX_ENVIRONMENTS) {
        let mut ctx = Resolver::new();
        ctx.error(
            codes::TOO_MANY_ENVIRONMENTS,
            first_over.span,
            format!(
                "the spec declares {} environments; nexus validates at most {MAX_ENVIRONMENTS}",
                file.spec.environments.len()
            ),
            "one environment too many",
            "split the platform into several specs, or share settings between environments in the base spec",
        );
        return (Vec::new(), ctx.diags);
    }
    let workloads = file.spec.services.len() + file.spec.backing_services.len();
    let environments = file.spec.environments.len().max(1);
    let work = workloads.saturating_mul(environments);
    if work > MAX_WORKLOAD_ENVIRONMENTS {
        let mut ctx = Resolver::new();
        let span = file
            .spec
            .environments
            .keys()
            .next()
            .map_or(file.metadata.name.span, |k| k.span);
        ctx.error(
            codes::TOO_MUCH_WORK,
            span,
            format!(
                "the spec asks for {workloads} workloads × {environments} environments = {work} workload renderings; nexus renders at most {MAX_WORKLOAD_ENVIRONMENTS} per spec"
            ),
            "environments start here",
            "split the platform into several specs (by team or domain), or declare fewer environments in each",
        );
        return (Vec::new(), ctx.diags);
    }
    let mut all = Diagnostics::new();
    let mut seen = BTreeSet::new();
    let envs: Vec<String> = file
        .spec
        .environments
        .keys()
        .map(|k| k.value.clone())
        .collect();
    if envs.is_empty() {
        let mut ctx = Resolver::new();
        resolve_in(&mut ctx, file, "");
        return (Vec::new(), ctx.diags);
    }
    // Environments resolve independently: in parallel, collected in order, so the result
    // is the same on any number of threads. `keep` runs on the worker, so validation drops
    // each resolution there and holds at most one per thread.
    let results: Vec<Result<T, Diagnostics>> = envs
        .par_iter()
        .map(|env| resolve(file, env).map(&keep))
        .collect();
    let mut kept = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(p) => kept.push(p),
            Err(diags) => {
                for d in diags {
                    let span = d.primary_span().unwrap_or(Span::DETACHED);
                    if seen.insert((span.file, span.offset, d.code, d.message.clone())) {
                        all.push(d);
                    }
                }
            }
        }
    }
    (kept, all)
}

fn resolve_in(ctx: &mut Resolver, file: &PlatformFile, environment: &str) -> Option<ir::Platform> {
    envelope(ctx, file);
    let meta = &file.metadata;
    ctx.name(&meta.name, "platform name", values::name::dns1123_label);
    let version = match semver::Version::parse(&meta.version.value) {
        Ok(v) => Some(Spanned::new(v, meta.version.span)),
        Err(e) => {
            ctx.error(
                codes::INVALID_SEMVER,
                meta.version.span,
                format!(
                    "`{}` is not a semantic version: {e}",
                    values::name::shorten(&meta.version.value)
                ),
                "not MAJOR.MINOR.PATCH",
                "write the platform release as `1.4.0` (pre-releases like `1.4.0-rc.1` are fine)",
            );
            None
        }
    };
    for (k, v) in meta.labels.iter().chain(meta.annotations.iter()) {
        ctx.checked(k, "label or annotation key", label_key);
        ctx.single_line(v, "label or annotation value");
    }
    for name in file.spec.environments.keys() {
        ctx.name(name, "environment name", values::name::dns1123_label);
    }
    let env_key = file
        .spec
        .environments
        .keys()
        .find(|k| k.value == environment);
    let (env_name, env) = match env_key {
        Some(k) => (k.clone(), file.spec.environments.get(k.value.as_str())),
        None => {
            let names: Vec<&str> = file
                .spec
                .environments
                .keys()
                .map(|k| k.value.as_str())
                .collect();
            let msg = if names.is_empty() {
                "the spec defines no environments".to_owned()
            } else {
                format!("the spec has no environment `{environment}`")
            };
            ctx.push(
                Diagnostic::error(codes::UNKNOWN_ENVIRONMENT, msg)
                    .with_label(meta.name.span, "in this platform")
                    .with_help(if names.is_empty() {
                        "add `spec.environments` with at least one environment, such as `staging: {}`".to_owned()
                    } else {
                        format!("environments: {}", crate::suggest::list(&names))
                    }),
            );
            (Spanned::detached(environment.to_owned()), None)
        }
    };
    let spec = &match env {
        Some(e) => overlay::apply(ctx, &file.spec, e),
        None => Overlaid::base(&file.spec),
    };
    let namespace = match env.and_then(|e| e.namespace.clone()) {
        Some(ns) => {
            ctx.name(&ns, "namespace", values::name::dns1123_label);
            ns
        }
        None => Spanned::detached(format!("{}-{}", meta.name.value, env_name.value)),
    };
    let secrets = secrets::secrets(ctx, spec, &env_name.value, &environment_names(file));
    let dir = directory(spec, &secrets);
    let mut uses = Vec::with_capacity(spec.service_count());
    // Sized up front: a workload is kilobytes, and growing by doubling left up to half of
    // 5,000 of them unused for as long as the resolution lives. Backing services may each
    // bring an exporter, and monitoring a handful of components.
    let mut workloads =
        Vec::with_capacity(spec.service_count() + 2 * spec.backing_service_count() + 16);
    for (name, s) in spec.services() {
        ctx.name(name, "service name", values::name::dns1123_label);
        let mut hosts = Vec::new();
        if let Some(w) = workloads::service(ctx, &dir, name, s, &mut hosts) {
            workloads.push(w);
        }
        uses.push((name.value.clone(), hosts));
    }
    for (name, b) in spec.backing_services() {
        ctx.name(name, "backing service name", values::name::dns1123_label);
        if let Some(w) = workloads::backing(ctx, name, b) {
            workloads.push(w);
        }
    }
    let scrape_interval_seconds = monitoring(ctx, spec, &mut workloads);
    exporters::exporters(ctx, &mut workloads);
    let alerting = spec
        .monitoring()
        .and_then(|m| alerting::alertmanager(ctx, m, &secrets, &mut workloads));
    unique_names(ctx, &mut workloads);
    migrations::link(ctx, spec, &mut workloads);
    for d in crate::names::check(&workloads) {
        ctx.push(d);
    }
    for w in &workloads {
        if let Some(c) = &w.credentials
            && !secrets
                .iter()
                .any(|s| s.name.value == c.password_secret.value)
        {
            ctx.unresolved(
                codes::UNKNOWN_SECRET,
                &c.password_secret,
                "secret",
                secrets.iter().map(|s| s.name.value.as_str()),
            );
        }
    }
    let backup_destinations = destinations::destinations(ctx, spec, &workloads, &secrets);
    graph::check(ctx, &workloads, &uses);
    let gateway = spec
        .gateway()
        .and_then(|g| gateway::gateway(ctx, &meta.name.value, g, &workloads));
    let waivers = waivers(ctx, spec, &env_name.value);
    Some(ir::Platform {
        name: meta.name.clone(),
        version: version?,
        description: meta.description.as_ref().map(|d| d.value.clone()),
        environment: env_name,
        namespace,
        labels: meta
            .labels
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect(),
        annotations: meta
            .annotations
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect(),
        workloads,
        secrets,
        backup_destinations,
        gateway,
        scrape_interval_seconds,
        alerting,
        pull_secrets: registries(ctx, spec),
        waivers,
        quota: env
            .and_then(|e| e.quota.as_ref())
            .map_or_else(ir::Quota::default, |q| quota(ctx, q)),
        span: meta.name.span,
    })
}

/// The spec's environment names, sorted.
fn environment_names(file: &PlatformFile) -> Vec<String> {
    file.spec
        .environments
        .keys()
        .map(|k| k.value.clone())
        .collect()
}

/// A declared namespace quota, each figure parsed.
fn quota(ctx: &mut Resolver, q: &model::Quota) -> ir::Quota {
    let mut figure = |v: &Option<Spanned<model::QuantityText>>, what: &str| {
        v.as_ref().and_then(|v| ctx.quantity(v, what))
    };
    ir::Quota {
        requests_cpu: figure(&q.requests.cpu, "quota CPU requests"),
        requests_memory: figure(&q.requests.memory, "quota memory requests"),
        limits_cpu: figure(&q.limits.cpu, "quota CPU limits"),
        limits_memory: figure(&q.limits.memory, "quota memory limits"),
        storage: figure(&q.storage, "quota storage"),
        pods: q
            .pods
            .as_ref()
            .and_then(|p| ctx.int(p, 1, 1_000_000, "quota pods")),
    }
}

/// Pull secrets by registry host, each name checked.
fn registries(
    ctx: &mut Resolver,
    spec: &Overlaid<'_>,
) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for (host, r) in spec.registries() {
        let host_ok = ctx.checked(host, "registry host", values::name::registry_host);
        let secret_ok = ctx.name(
            &r.pull_secret,
            "pull secret name",
            values::name::dns1123_label,
        );
        if host_ok && secret_ok {
            out.insert(host.value.clone(), r.pull_secret.value.clone());
        }
    }
    out
}

fn envelope(ctx: &mut Resolver, file: &PlatformFile) {
    if file.api_version.value != model::API_VERSION {
        ctx.error(
            codes::ENVELOPE,
            file.api_version.span,
            format!(
                "nexus reads `apiVersion: {}`, not `{}`",
                model::API_VERSION,
                values::name::shorten(&file.api_version.value)
            ),
            "unsupported apiVersion",
            format!("write `apiVersion: {}`", model::API_VERSION),
        );
    }
    if file.kind.value != model::KIND_PLATFORM {
        ctx.error(
            codes::ENVELOPE,
            file.kind.span,
            format!(
                "nexus reads `kind: {}`, not `{}`",
                model::KIND_PLATFORM,
                values::name::shorten(&file.kind.value)
            ),
            "unsupported kind",
            format!("write `kind: {}`", model::KIND_PLATFORM),
        );
    }
}

pub(crate) fn label_key(s: &str) -> Result<(), String> {
    let (prefix, name) = s.rsplit_once('/').map_or((None, s), |(p, n)| (Some(p), n));
    if let Some(p) = prefix {
        values::name::host_name(p)?;
    }
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a Kubernetes label key",
            values::name::shorten(s)
        ))
    }
}

fn entry(c: &Component, user: Option<String>, database: Option<String>) -> Entry {
    Entry {
        ports: c
            .ports
            .iter()
            .map(|p| (p.name.to_owned(), p.port))
            .collect(),
        user,
        database,
    }
}

fn directory(spec: &Overlaid<'_>, secrets: &[ir::Secret]) -> Directory {
    let mut dir = Directory {
        secrets: secrets.iter().map(|s| s.name.value.clone()).collect(),
        ..Directory::default()
    };
    for (name, s) in spec.services() {
        let ports = s
            .ports
            .iter()
            .filter_map(|p| {
                u16::try_from(p.port.value)
                    .ok()
                    .map(|n| (p.name.value.clone(), n))
            })
            .collect();
        dir.workloads.insert(
            name.value.clone(),
            Entry {
                ports,
                user: None,
                database: None,
            },
        );
    }
    for (name, b) in spec.backing_services() {
        let c = catalog::engine(b.engine.value);
        let user = b.credentials.as_ref().map(|cr| {
            cr.user.as_ref().map_or_else(
                || {
                    c.credentials
                        .map_or("admin", |ce| ce.default_user)
                        .to_owned()
                },
                |u| u.value.clone(),
            )
        });
        dir.workloads.insert(
            name.value.clone(),
            entry(c, user, b.database.as_ref().map(|d| d.value.clone())),
        );
    }
    if let Some(m) = spec.monitoring() {
        if m.prometheus.is_some() {
            dir.workloads
                .insert("prometheus".into(), entry(&catalog::PROMETHEUS, None, None));
        }
        if m.grafana.is_some() {
            dir.workloads.insert(
                "grafana".into(),
                entry(&catalog::GRAFANA, Some("admin".into()), None),
            );
        }
        if m.jaeger.is_some() {
            dir.workloads
                .insert("jaeger".into(), entry(&catalog::JAEGER, None, None));
        }
        if m.alertmanager.is_some() {
            dir.workloads.insert(
                "alertmanager".into(),
                entry(&catalog::ALERTMANAGER, None, None),
            );
        }
    }
    dir
}

fn monitoring(ctx: &mut Resolver, spec: &Overlaid<'_>, workloads: &mut Vec<ir::Workload>) -> u64 {
    let Some(m) = spec.monitoring() else {
        return 30;
    };
    let mut interval = 30;
    if let Some(p) = &m.prometheus {
        interval = p
            .scrape_interval
            .as_ref()
            .and_then(|s| ctx.duration(s, "scrape interval"))
            .unwrap_or(30);
        let retention = match &p.retention {
            Some(r) => {
                ctx.duration(r, "retention");
                r.value.clone()
            }
            None => "15d".into(),
        };
        let args = vec![
            "--config.file=/etc/prometheus/prometheus.yml".to_owned(),
            "--storage.tsdb.path=/prometheus".to_owned(),
            format!("--storage.tsdb.retention.time={retention}"),
        ];
        workloads.extend(workloads::monitoring(
            ctx,
            workloads::MonitoringInput {
                kind: WorkloadKind::Prometheus,
                component: &catalog::PROMETHEUS,
                version: &p.version,
                image: p.image.as_ref(),
                resources: &p.resources,
                storage: p.storage.as_ref(),
                security: &p.security,
                exposure: None,
                args,
                env: Vec::new(),
                credentials: None,
                span: p.version.span,
            },
        ));
    }
    if let Some(g) = &m.grafana {
        let mut env = Vec::new();
        if let Some(sub) = &g.sub_path {
            ctx.checked(sub, "Grafana sub-path", values::name::url_path);
            // The address users reach Grafana at: through the gateway's first host when there
            // is one (links, redirects and OAuth callbacks are built from it), else Grafana's
            // own address.
            let origin = match spec.gateway().and_then(|g| g.hosts.first().map(|h| (g, h))) {
                Some((g, host)) => {
                    let scheme = if g.tls.is_some() { "https" } else { "http" };
                    format!("{scheme}://{}", host.value)
                }
                None => "%(protocol)s://%(domain)s:%(http_port)s".to_owned(),
            };
            for (k, v) in [
                (
                    "GF_SERVER_ROOT_URL",
                    format!("{origin}{}/", sub.value.trim_end_matches('/')),
                ),
                ("GF_SERVER_SERVE_FROM_SUB_PATH", "true".to_owned()),
            ] {
                env.push(ir::EnvVar {
                    name: Spanned::detached(k.to_owned()),
                    value: Spanned::new(Template::literal(v), sub.span),
                });
            }
        }
        workloads.extend(workloads::monitoring(
            ctx,
            workloads::MonitoringInput {
                kind: WorkloadKind::Grafana,
                component: &catalog::GRAFANA,
                version: &g.version,
                image: g.image.as_ref(),
                resources: &g.resources,
                storage: g.storage.as_ref(),
                security: &g.security,
                exposure: g.exposure,
                args: Vec::new(),
                env,
                credentials: Some(ir::Credentials {
                    user: "admin".into(),
                    password_secret: g.admin_password_secret.clone(),
                }),
                span: g.version.span,
            },
        ));
    }
    if let Some(j) = &m.jaeger {
        workloads.extend(workloads::monitoring(
            ctx,
            workloads::MonitoringInput {
                kind: WorkloadKind::Jaeger,
                component: &catalog::JAEGER,
                version: &j.version,
                image: j.image.as_ref(),
                resources: &j.resources,
                storage: None,
                security: &j.security,
                exposure: None,
                args: Vec::new(),
                env: Vec::new(),
                credentials: None,
                span: j.version.span,
            },
        ));
    }
    u64::from(u32::try_from(interval).unwrap_or(u32::MAX))
}

fn unique_names(ctx: &mut Resolver, workloads: &mut Vec<ir::Workload>) {
    workloads.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let mut i = 1;
    while i < workloads.len() {
        if workloads[i].name.value == workloads[i - 1].name.value {
            let (a, b) = (&workloads[i - 1], &workloads[i]);
            ctx.push(
                Diagnostic::error(codes::DUPLICATE_NAME, format!("two workloads are named `{}`", b.name.value))
                    .with_label(b.span, format!("a {}", b.kind.as_str()))
                    .with_label(a.span, format!("a {}", a.kind.as_str()))
                    .with_help("services, backing services and monitoring components share one namespace of names; rename one"),
            );
            workloads.remove(i);
        } else {
            i += 1;
        }
    }
}

fn waivers(ctx: &mut Resolver, spec: &Overlaid<'_>, env: &str) -> Vec<model::Waiver> {
    let mut out = Vec::new();
    for w in spec.waivers() {
        if w.reason.value.trim().is_empty() {
            ctx.error(
                codes::INVALID_WAIVER,
                w.reason.span,
                "a waiver needs a reason",
                "empty reason",
                "say why the finding is accepted, so reviewers can judge it",
            );
        }
        ctx.single_line(&w.reason, "waiver reason");
        if let Some(e) = &w.expires
            && !is_date(&e.value)
        {
            ctx.error(
                codes::INVALID_WAIVER,
                e.span,
                format!("`{}` is not a date", values::name::shorten(&e.value)),
                "not YYYY-MM-DD",
                "write the expiry as `2027-03-31`",
            );
        }
        if w.environments.is_empty() || w.environments.iter().any(|e| e.value == env) {
            out.push(w.clone());
        }
    }
    out
}

/// Whether `s` is a calendar date `YYYY-MM-DD`.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(_), Some(m), Some(d)) => (1..=12).contains(&m) && (1..=31).contains(&d),
        _ => false,
    }
}
