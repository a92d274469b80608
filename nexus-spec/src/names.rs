//! The name registry: every object name a generator derives from a workload, in one table,
//! so that validation can refuse a spec whose names would collide in any target before a
//! generator meets the collision.
//!
//! Each generator derives its names from this module ([`derived`], [`GATEWAY`],
//! [`SECRET_VAR_PREFIX`], ...); [`check`] claims every name each workload of a resolved
//! environment derives, per target, and reports a name claimed twice with both claimants.
//!
//! In Kubernetes the names of one namespace are treated as one space, whatever the kind:
//! a workload's ServiceAccount, NetworkPolicy and `app.kubernetes.io/name` label (its pod
//! group) share its name, and the NetworkPolicy of a pod group grants network access to the
//! pods carrying that label. A service named `db-backup` beside a backed-up `db` would carry
//! the backup jobs' label and so their egress; refusing the name keeps every label that
//! grants access on the workload it was derived for.

use std::collections::{BTreeMap, BTreeSet};

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{self, Rollout, WorkloadKind};
use crate::model::Slot;
use crate::span::Span;

/// The Compose service (and network alias) of the gateway.
pub const GATEWAY: &str = "gateway";
/// Prefix of the helper variables that carry a secret into a composite Kubernetes env value
/// (`NEXUS_SECRET_PG`); no variable of the spec may start with it.
pub const SECRET_VAR_PREFIX: &str = "NEXUS_SECRET_";
/// The namespace's NetworkPolicy that denies all traffic.
pub const DEFAULT_DENY: &str = "default-deny";
/// The namespace's NetworkPolicy that allows DNS.
pub const ALLOW_DNS: &str = "allow-dns";

/// Suffix of a workload's environment ConfigMap (`api-env`).
pub const ENV: &str = "-env";
/// Suffix of a workload's headless Service (`db-headless`).
pub const HEADLESS: &str = "-headless";
/// Suffix of a workload's migration pod group and Compose service (`api-migrate`).
pub const MIGRATE: &str = "-migrate";
/// Suffix of a workload's backup pod group (`db-backup`).
pub const BACKUP: &str = "-backup";

/// `workload` + `suffix`: the one way a derived name is spelled.
pub fn derived(workload: &str, suffix: &str) -> String {
    format!("{workload}{suffix}")
}

/// The name of a blue-green slot's Deployment, Service and Compose service (`api-blue`).
pub fn slot(workload: &str, slot: Slot) -> String {
    format!("{workload}-{}", slot.as_str())
}

/// Where a name must be unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// The objects of the environment's Kubernetes namespace.
    Kubernetes,
    /// The services of the environment's Compose project.
    Compose,
}

impl Target {
    fn as_str(self) -> &'static str {
        match self {
            Target::Kubernetes => "Kubernetes",
            Target::Compose => "Compose",
        }
    }
}

/// One row of the registry: a name a workload derives when `when` holds.
struct Rule {
    target: Target,
    suffix: &'static str,
    what: &'static str,
    when: fn(&ir::Workload) -> bool,
}

fn always(_: &ir::Workload) -> bool {
    true
}
fn migrates(w: &ir::Workload) -> bool {
    w.migration.is_some()
}
fn backs_up(w: &ir::Workload) -> bool {
    w.backup.is_some()
}
fn blue_green(w: &ir::Workload) -> bool {
    matches!(w.rollout, Rollout::BlueGreen { .. })
}
/// Backed up with a method that has an archive (PostgreSQL): its pod reads a rendered
/// client authentication file.
fn archives(w: &ir::Workload) -> bool {
    let WorkloadKind::Backing(engine) = w.kind else {
        return false;
    };
    w.backup.is_some()
        && crate::catalog::engine(engine)
            .backup
            .method()
            .is_some_and(|m| m.archive.is_some())
}
fn prometheus(w: &ir::Workload) -> bool {
    w.kind == WorkloadKind::Prometheus
}
fn grafana(w: &ir::Workload) -> bool {
    w.kind == WorkloadKind::Grafana
}

/// A row of [`RULES`] for Kubernetes.
const fn k8s(suffix: &'static str, what: &'static str, when: fn(&ir::Workload) -> bool) -> Rule {
    Rule {
        target: Target::Kubernetes,
        suffix,
        what,
        when,
    }
}

/// A row of [`RULES`] for Compose.
const fn compose(
    suffix: &'static str,
    what: &'static str,
    when: fn(&ir::Workload) -> bool,
) -> Rule {
    Rule {
        target: Target::Compose,
        suffix,
        what,
        when,
    }
}

/// Every name a workload derives, by target. The workload's own name comes first.
const RULES: &[Rule] = &[
    k8s(
        "",
        "its controller, Service, ServiceAccount, NetworkPolicy and pod label",
        always,
    ),
    k8s(ENV, "its environment ConfigMap", always),
    k8s(HEADLESS, "its headless Service", always),
    k8s("-blue", "its blue slot", blue_green),
    k8s("-green", "its green slot", blue_green),
    k8s(
        MIGRATE,
        "its migration's ServiceAccount, NetworkPolicy and pod label",
        migrates,
    ),
    k8s("-migrate-env", "its migration's ConfigMap", migrates),
    k8s(
        BACKUP,
        "its backup jobs' ServiceAccount, NetworkPolicy and pod label",
        backs_up,
    ),
    k8s("-backup-full", "its full backup CronJob", backs_up),
    k8s(
        "-backup-incremental",
        "its incremental backup CronJob",
        backs_up,
    ),
    k8s("-config", "its configuration ConfigMap", prometheus),
    k8s(
        "-config",
        "its client authentication ConfigMap (base backups)",
        archives,
    ),
    k8s("-restore", "its restore Job and volume", backs_up),
    k8s("-datasources", "its data sources ConfigMap", grafana),
    compose("", "its Compose service", always),
    compose(MIGRATE, "its migration's Compose service", migrates),
    compose("-wal-ship", "its WAL shipper's Compose service", archives),
    compose("-blue", "its blue slot's Compose service", blue_green),
    compose("-green", "its green slot's Compose service", blue_green),
];

/// Names nexus itself takes in every environment.
const FIXED: &[(Target, &str, &str)] = &[
    (
        Target::Kubernetes,
        DEFAULT_DENY,
        "the namespace's default-deny NetworkPolicy",
    ),
    (
        Target::Kubernetes,
        ALLOW_DNS,
        "the namespace's DNS NetworkPolicy",
    ),
    (Target::Compose, GATEWAY, "the gateway's Compose service"),
];

/// Who claims a name.
#[derive(Debug, Clone)]
struct Claim {
    owner: Option<(String, Span)>,
    what: &'static str,
}

impl Claim {
    fn describe_owner(&self) -> String {
        self.owner
            .as_ref()
            .map_or_else(|| "nexus".to_owned(), |(n, _)| n.clone())
    }

    fn describe(&self) -> String {
        match &self.owner {
            Some((name, _)) => format!("`{name}` ({})", self.what),
            None => format!("nexus ({})", self.what),
        }
    }
}

/// Claims every derived name of `workloads` and reports each name claimed twice in a target,
/// and each environment variable of the spec that uses nexus's own prefix.
pub fn check(workloads: &[ir::Workload]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut claims: BTreeMap<(Target, String), Claim> = BTreeMap::new();
    let mut reported = BTreeSet::new();
    for (target, name, what) in FIXED {
        claims.insert((*target, (*name).to_owned()), Claim { owner: None, what });
    }
    for w in workloads {
        let name = &w.name.value;
        for rule in RULES.iter().filter(|r| (r.when)(w)) {
            let key = (rule.target, derived(name, rule.suffix));
            let claim = Claim {
                owner: Some((name.clone(), w.span)),
                what: rule.what,
            };
            match claims.get(&key) {
                Some(first) if first.owner.as_ref().is_some_and(|(n, _)| n == name) => {}
                Some(first) => {
                    // One report per pair of claimants and target: `api-migrate` beside a
                    // migrating `api` also collides on `api-migrate-env`, the same mistake.
                    let pair = (key.0, first.describe_owner(), claim.describe_owner());
                    if reported.insert(pair) {
                        diags.push(collision(&key, first, &claim));
                    }
                }
                None => {
                    claims.insert(key, claim);
                }
            }
        }
        for v in &w.env {
            if v.name.value.starts_with(SECRET_VAR_PREFIX) && !v.name.span.is_detached() {
                diags.push(
                    Diagnostic::error(
                        codes::NAME_COLLISION,
                        format!(
                            "the variable `{}` of `{name}` uses the prefix `{SECRET_VAR_PREFIX}`, which nexus reserves for the variables that carry secrets in Kubernetes",
                            v.name.value
                        ),
                    )
                    .with_label(v.name.span, "reserved prefix")
                    .with_label(w.span, format!("`{name}`"))
                    .with_help(format!(
                        "rename the variable; `{SECRET_VAR_PREFIX}DB_PASSWORD` would be taken by the helper that carries the secret `db-password`"
                    )),
                );
            }
        }
    }
    diags
}

fn collision(key: &(Target, String), first: &Claim, second: &Claim) -> Diagnostic {
    let (target, name) = key;
    let mut d = Diagnostic::error(
        codes::NAME_COLLISION,
        format!(
            "the {} name `{name}` is claimed twice: by {} and by {}",
            target.as_str(),
            second.describe(),
            first.describe()
        ),
    );
    for claim in [second, first] {
        if let Some((owner, span)) = &claim.owner {
            d = d.with_label(*span, format!("`{owner}`: {}", claim.what));
        }
    }
    d.with_help(
        "rename one of them: nexus derives `NAME-env`, `NAME-headless`, `NAME-migrate`, `NAME-backup`, `NAME-blue` and `NAME-green` from each workload, and takes `gateway`, `default-deny` and `allow-dns` itself",
    )
}
