//! Waivers: the rules about waivers themselves. They are reported by the waiver stage
//! ([`crate::waiver`]), which sees every environment, not by a check function.

use nexus_spec::Severity::{Error, Warning};

use crate::rule::{Compliance, Group, Rule};

use super::reported_by_waiver_stage;

pub(super) static RULES: &[&Rule] = &[&EXPIRED, &STALE, &INVALID];

pub(crate) static EXPIRED: Rule = Rule {
    id: "NX-WVR-001",
    group: Group::Waivers,
    title: "Waiver expired",
    severity: Warning,
    enabled: true,
    rationale: "A waiver's expiry is the date someone promised to revisit the finding; after it the waiver no longer applies and the finding counts again.",
    fix: "Fix the finding and remove the waiver, or renew `expires` with a reason that still holds.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["CC3.4"],
    },
    check: reported_by_waiver_stage,
};

pub(crate) static STALE: Rule = Rule {
    id: "NX-WVR-002",
    group: Group::Waivers,
    title: "Waiver matches no finding",
    severity: Warning,
    enabled: true,
    rationale: "A waiver that matches nothing has outlived its finding (or names the wrong object); left in place it would silently accept the next, different problem of that kind.",
    fix: "Remove the waiver, or correct its `rule`, `object` or `container`.",
    compliance: Compliance::NONE,
    check: reported_by_waiver_stage,
};

pub(crate) static INVALID: Rule = Rule {
    id: "NX-WVR-003",
    group: Group::Waivers,
    title: "Waiver is invalid",
    severity: Error,
    enabled: true,
    rationale: "A waiver with an unknown rule, an unknown object, an unreadable expiry or no reason cannot be reviewed, so it waives nothing.",
    fix: "Name an existing rule (`nexus explain --list`) and object, give a reason, and write `expires` as `YYYY-MM-DD`.",
    compliance: Compliance::NONE,
    check: reported_by_waiver_stage,
};
