//! What a rule is: data (id, title, severity, rationale, fix, compliance mappings) plus one
//! check function over the resolved platform.

use std::fmt;

use nexus_spec::Severity;
use nexus_spec::ir::Platform;

use crate::ctx::LintRun;
use crate::finding::Findings;

/// The check of a rule: looks at one resolved environment and records findings.
pub type CheckFn = fn(&LintRun<'_>, &Platform, &mut Findings);

/// The family a rule belongs to; the middle part of its id (`NX-POD-001`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Container and pod hardening (`POD`).
    Pod,
    /// Requests, limits and budgets (`RES`).
    Resources,
    /// Replicas, disruption budgets, health checks, backups (`AVL`).
    Availability,
    /// Image references and registries (`IMG`).
    Images,
    /// Secret handling (`SEC`).
    Secrets,
    /// Exposure, routes, TLS and tier isolation (`NET`).
    Network,
    /// Spec settings Docker Compose cannot express (`CMP`).
    Compose,
    /// Spec settings the Nginx gateway cannot express (`NGX`).
    Nginx,
    /// The waivers themselves (`WVR`).
    Waivers,
}

impl Group {
    /// Every group, in catalog order.
    pub const ALL: [Group; 9] = [
        Group::Pod,
        Group::Resources,
        Group::Availability,
        Group::Images,
        Group::Secrets,
        Group::Network,
        Group::Compose,
        Group::Nginx,
        Group::Waivers,
    ];

    /// The id part (`POD`).
    pub fn code(self) -> &'static str {
        match self {
            Group::Pod => "POD",
            Group::Resources => "RES",
            Group::Availability => "AVL",
            Group::Images => "IMG",
            Group::Secrets => "SEC",
            Group::Network => "NET",
            Group::Compose => "CMP",
            Group::Nginx => "NGX",
            Group::Waivers => "WVR",
        }
    }

    /// A heading for documentation.
    pub fn title(self) -> &'static str {
        match self {
            Group::Pod => "Pod security",
            Group::Resources => "Resources",
            Group::Availability => "Availability",
            Group::Images => "Images",
            Group::Secrets => "Secrets",
            Group::Network => "Network and TLS",
            Group::Compose => "Docker Compose target",
            Group::Nginx => "Nginx target",
            Group::Waivers => "Waivers",
        }
    }

    /// Whether findings of this group are security findings (tagged so in SARIF).
    pub fn is_security(self) -> bool {
        matches!(
            self,
            Group::Pod | Group::Images | Group::Secrets | Group::Network
        )
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// A Pod Security Standards level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PssLevel {
    /// Baseline: prevents known privilege escalations.
    Baseline,
    /// Restricted: current pod hardening best practice.
    Restricted,
}

impl PssLevel {
    /// The level's name.
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

/// Where a rule sits in the compliance frameworks people audit against. Empty where no
/// framework has a matching control.
#[derive(Debug, Clone, Copy, Default)]
pub struct Compliance {
    /// CIS Kubernetes Benchmark v1.12 recommendations (`5.2.2`).
    pub cis: &'static [&'static str],
    /// NSA/CISA Kubernetes Hardening Guidance, as the Kubescape control that maps it
    /// (`C-0057 Privileged container`).
    pub nsa: &'static [&'static str],
    /// Pod Security Standards level and control (`privileged`).
    pub pss: Option<(PssLevel, &'static str)>,
    /// SOC 2 trust services criteria (`CC6.1`).
    pub soc2: &'static [&'static str],
}

impl Compliance {
    /// No mapping.
    pub const NONE: Compliance = Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &[],
    };

    /// Whether any framework maps the rule.
    pub fn is_empty(&self) -> bool {
        self.cis.is_empty() && self.nsa.is_empty() && self.pss.is_none() && self.soc2.is_empty()
    }
}

/// One lint rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id (`NX-POD-001`): the key of waivers and policy settings. Never reused.
    pub id: &'static str,
    /// The family.
    pub group: Group,
    /// One line: what is wrong when the rule fires.
    pub title: &'static str,
    /// Severity unless the policy says otherwise.
    pub severity: Severity,
    /// Whether the rule runs unless the policy turns it on or off.
    pub enabled: bool,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to fix it (the help line of each finding).
    pub fix: &'static str,
    /// Compliance mappings.
    pub compliance: Compliance,
    /// The check.
    pub check: CheckFn,
}

/// The lowercase name of a severity, as written in policies and reports.
pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Parses `error`, `warning` or `info`.
pub fn parse_severity(s: &str) -> Option<Severity> {
    match s {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}
