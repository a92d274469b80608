//! Reading `nexus-policy.yaml`: YAML with spans through nexus's loader, then every value
//! checked, all problems reported at once.

use std::path::Path;

use nexus_spec::model::QuantityText;
use nexus_spec::values::duration::parse_seconds;
use nexus_spec::values::{NginxVersion, Quantity};
use nexus_spec::{Diagnostic, Diagnostics, Limits, SourceMap, Span, Spanned, load as yaml};

use super::file::{BoundsFile, FiguresFile, PolicyFile, TierCounts};
use super::{Bounds, Budget, EnvironmentPolicy, Policy, RuleSetting, TierEdge};
use crate::rule::parse_severity;
use crate::rules;

/// The `kind` of a policy file.
pub(super) const KIND: &str = "LintPolicy";
/// Diagnostic code: the policy file could not be read.
pub(super) const IO: &str = "nexus::policy::io";
/// Diagnostic code: a value of the policy is not valid.
pub(super) const INVALID: &str = "nexus::policy::invalid_value";
/// Diagnostic code: the policy names a rule that does not exist.
pub(super) const UNKNOWN_RULE: &str = "nexus::policy::unknown_rule";
/// Diagnostic code: `apiVersion` or `kind` is not one nexus reads.
pub(super) const ENVELOPE: &str = "nexus::policy::envelope";

/// Reads a policy file. `Err` holds every problem, with the file's text attached.
pub fn load(path: &Path) -> Result<Policy, Diagnostics> {
    let max = Limits::default().max_bytes;
    let bytes = yaml::read_bounded(path, max).map_err(|e| {
        Diagnostics::from(vec![
            Diagnostic::error(
                IO,
                format!("cannot read the policy `{}`: {e}", path.display()),
            )
            .with_label(Span::DETACHED, "")
            .with_help("check the path given to --policy"),
        ])
    })?;
    let text = String::from_utf8_lossy(&bytes);
    parse(&path.display().to_string(), &text)
}

/// Parses a policy from text; `name` is what diagnostics call the file.
pub fn parse(name: &str, text: &str) -> Result<Policy, Diagnostics> {
    let mut sources = SourceMap::new();
    let id = sources.add(name, text);
    let limits = Limits::default();
    let result = yaml::decode(text.as_bytes(), id, &limits)
        .and_then(|t| yaml::parse(t, id, &limits))
        .and_then(|node| yaml::from_node::<PolicyFile>(&node))
        .and_then(|file| {
            let mut c = Checker::default();
            let policy = c.policy(&file);
            if c.diags.is_empty() {
                Ok(policy)
            } else {
                Err(c.diags)
            }
        });
    result.map_err(|mut d| {
        d.finish(&sources);
        d
    })
}

#[derive(Default)]
struct Checker {
    diags: Diagnostics,
}

impl Checker {
    fn error(&mut self, code: &'static str, span: Span, message: String, label: &str, help: &str) {
        self.diags.push(
            Diagnostic::error(code, message)
                .with_label(span, label)
                .with_help(help),
        );
    }

    fn quantity(&mut self, q: &Spanned<QuantityText>, what: &str) -> Option<Quantity> {
        match Quantity::parse(&q.value.0) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    INVALID,
                    q.span,
                    format!("the {what} is not a quantity: {e}"),
                    "not a quantity",
                    "write a Kubernetes quantity such as `500m`, `2` or `4Gi`",
                );
                None
            }
        }
    }

    fn seconds(&mut self, d: &Spanned<String>, what: &str) -> Option<u64> {
        match parse_seconds(&d.value) {
            Ok(0) => {
                self.error(
                    INVALID,
                    d.span,
                    format!("the {what} cannot be zero"),
                    "zero",
                    "write a duration such as `1h` or `7d`",
                );
                None
            }
            Ok(s) => Some(s),
            Err(e) => {
                self.error(
                    INVALID,
                    d.span,
                    format!("the {what} is not a duration: {e}"),
                    "not a duration",
                    "write a duration such as `1h` or `7d`",
                );
                None
            }
        }
    }

    fn count(&mut self, n: &Spanned<i64>, what: &str) -> Option<u32> {
        match u32::try_from(n.value) {
            Ok(v) if v >= 1 => Some(v),
            _ => {
                self.error(
                    INVALID,
                    n.span,
                    format!("the {what} must be a whole number from 1"),
                    "out of range",
                    "write a positive count",
                );
                None
            }
        }
    }

    fn bounds(&mut self, b: Option<&BoundsFile>, what: &str, default: Bounds) -> Bounds {
        let Some(b) = b else { return default };
        let min = b
            .min
            .as_ref()
            .and_then(|q| self.quantity(q, &format!("minimum {what} request")));
        let max = b
            .max
            .as_ref()
            .and_then(|q| self.quantity(q, &format!("maximum {what} request")));
        if let (Some(lo), Some(hi), Some(span)) = (&min, &max, b.max.as_ref().map(|m| m.span))
            && hi < lo
        {
            self.error(
                INVALID,
                span,
                format!("the maximum {what} request is below the minimum"),
                "below the minimum",
                "swap the bounds",
            );
        }
        Bounds { min, max }
    }

    fn tiers(&mut self, counts: &TierCounts) -> Vec<(nexus_spec::model::Tier, u32)> {
        counts
            .entries()
            .into_iter()
            .filter_map(|(tier, n)| {
                Some((
                    tier,
                    self.count(n?, &format!("minimum replicas of the {tier} tier"))?,
                ))
            })
            .collect()
    }

    fn figures(
        &mut self,
        f: Option<&FiguresFile>,
        what: &str,
    ) -> (Option<Quantity>, Option<Quantity>) {
        let Some(f) = f else { return (None, None) };
        (
            f.cpu
                .as_ref()
                .and_then(|q| self.quantity(q, &format!("{what} CPU budget"))),
            f.memory
                .as_ref()
                .and_then(|q| self.quantity(q, &format!("{what} memory budget"))),
        )
    }

    fn policy(&mut self, file: &PolicyFile) -> Policy {
        let mut p = Policy::default();
        if file.api_version.value != nexus_spec::model::API_VERSION {
            self.error(
                ENVELOPE,
                file.api_version.span,
                format!("unknown apiVersion `{}`", file.api_version.value),
                "unknown apiVersion",
                "write `apiVersion: nexus.dev/v1alpha1`",
            );
        }
        if file.kind.value != KIND {
            self.error(
                ENVELOPE,
                file.kind.span,
                format!("`{}` is not a lint policy", file.kind.value),
                "not LintPolicy",
                "write `kind: LintPolicy`",
            );
        }
        for (id, setting) in &file.rules {
            if rules::find(&id.value).is_none() {
                self.error(
                    UNKNOWN_RULE,
                    id.span,
                    format!("there is no rule `{}`", id.value),
                    "unknown rule",
                    "`nexus explain --list` lists the rules",
                );
                continue;
            }
            let s = match setting.value.as_str() {
                "off" => Some(RuleSetting::Off),
                other => parse_severity(other).map(RuleSetting::On),
            };
            match s {
                Some(s) => {
                    p.rules.insert(id.value.clone(), s);
                }
                None => self.error(
                    INVALID,
                    setting.span,
                    format!("`{}` is not a rule setting", setting.value),
                    "not off, info, warning or error",
                    "write `off`, `info`, `warning` or `error`",
                ),
            }
        }
        if let Some(r) = &file.resources {
            if let Some(ratio) = &r.max_limit_request_ratio {
                for (slot, value, what) in [
                    (&mut p.resources.max_cpu_ratio, &ratio.cpu, "CPU"),
                    (&mut p.resources.max_memory_ratio, &ratio.memory, "memory"),
                ] {
                    if let Some(v) = value {
                        if v.value.is_finite() && v.value >= 1.0 {
                            *slot = Some(v.value);
                        } else {
                            self.diags.push(
                                Diagnostic::error(
                                    INVALID,
                                    format!("the {what} limit/request ratio must be 1 or more"),
                                )
                                .with_label(v.span, "below 1")
                                .with_help(
                                    "a limit is never below its request; write a ratio such as 2",
                                ),
                            );
                        }
                    }
                }
            }
            if let Some(req) = &r.requests {
                let (cpu, mem) = (
                    std::mem::take(&mut p.resources.cpu_request),
                    std::mem::take(&mut p.resources.memory_request),
                );
                p.resources.cpu_request = self.bounds(req.cpu.as_ref(), "CPU", cpu);
                p.resources.memory_request = self.bounds(req.memory.as_ref(), "memory", mem);
            }
        }
        if let Some(a) = &file.availability {
            if let Some(t) = &a.min_replicas {
                p.availability.min_replicas.extend(self.tiers(t));
            }
            if let Some(rpo) = a
                .rpo
                .as_ref()
                .and_then(|d| self.seconds(d, "recovery point objective"))
            {
                p.availability.rpo_seconds = rpo;
            }
            if let Some(keep) = a
                .min_backup_retention
                .as_ref()
                .and_then(|d| self.seconds(d, "minimum backup retention"))
            {
                p.availability.min_backup_retention_seconds = keep;
            }
        }
        if let Some(i) = &file.images {
            p.images.allowed_registries = i
                .allowed_registries
                .iter()
                .map(|r| r.value.clone())
                .collect();
        }
        if let Some(edges) = file
            .network
            .as_ref()
            .and_then(|n| n.forbidden_tier_edges.as_ref())
        {
            p.network.forbidden_tier_edges = edges
                .iter()
                .map(|e| TierEdge {
                    from: e.from.value,
                    to: e.to.value,
                })
                .collect();
        }
        if let Some(t) = &file.tls {
            if let Some(v) = &t.min_version {
                p.tls.min_version = v.value;
            }
            if let Some(age) = &t.hsts_min_age {
                match u64::try_from(age.value) {
                    Ok(a) => p.tls.hsts_min_age = a,
                    Err(_) => self.error(
                        INVALID,
                        age.span,
                        "the HSTS minimum age cannot be negative".into(),
                        "negative",
                        "write seconds, such as 31536000",
                    ),
                }
            }
        }
        if let Some(v) = file.nginx.as_ref().and_then(|n| n.min_version.as_ref()) {
            match NginxVersion::parse(&v.value) {
                Ok(v) => p.nginx.min_version = v,
                Err(e) => self.error(
                    INVALID,
                    v.span,
                    e,
                    "not a version",
                    "write a version such as `1.26`",
                ),
            }
        }
        for (name, e) in &file.environments {
            let mut env = EnvironmentPolicy::default();
            if let Some(b) = &e.budget {
                let (requests_cpu, requests_memory) = self.figures(b.requests.as_ref(), "requests");
                let (limits_cpu, limits_memory) = self.figures(b.limits.as_ref(), "limits");
                let storage = b
                    .storage
                    .as_ref()
                    .and_then(|q| self.quantity(q, "storage budget"));
                env.budget = Some(Budget {
                    requests_cpu,
                    requests_memory,
                    limits_cpu,
                    limits_memory,
                    storage,
                });
            }
            if let Some(t) = &e.min_replicas {
                env.min_replicas.extend(self.tiers(t));
            }
            env.rpo_seconds = e
                .rpo
                .as_ref()
                .and_then(|d| self.seconds(d, "recovery point objective"));
            p.environments.insert(name.value.clone(), env);
        }
        p
    }
}
