//! `nexus-lint`: security and resource-policy rules over the resolved platform IR.
//!
//! Rules look at [`nexus_spec::ir::Platform`], the platform as one environment resolves it,
//! so every finding points at the spec line that causes it rather than at generated files.
//! The catalog ([`rules::all`]) is data: each [`Rule`] has a stable id, a title, a default
//! severity, a rationale, a fix and compliance mappings, plus one check function.
//!
//! ```no_run
//! # fn platforms() -> Vec<nexus_spec::ir::Platform> { Vec::new() }
//! use nexus_lint::{Date, LintOptions, Linter, Policy};
//! let policy = Policy::default();
//! let mut linter = Linter::new(&policy, LintOptions { today: "2026-01-31".parse().unwrap() });
//! for platform in platforms() {
//!     linter.check(&platform); // one call per environment
//! }
//! let report = linter.finish();
//! assert!(!report.fails(nexus_spec::Severity::Error));
//! ```
//!
//! Waivers in the spec (`spec.waivers`) accept findings by rule, object and container;
//! waived findings stay in the report, marked. [`report`] renders a report for people
//! (miette), as JSON and as SARIF 2.1.0; [`docs`] renders the catalog.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]
#![warn(missing_docs)]

mod ctx;
mod date;
pub mod docs;
mod finding;
pub mod policy;
pub mod report;
mod rule;
pub mod rules;
mod waiver;

pub use ctx::LintRun;
pub use date::{Date, DateError};
pub use finding::{AppliedWaiver, Finding, Findings, Subject};
pub use policy::{Policy, RuleSetting};
pub use report::Report;
/// The former name of [`LintRun`].
#[deprecated(
    since = "0.1.1",
    note = "renamed to `LintRun`: one lint run over one environment"
)]
pub type Ctx<'a> = LintRun<'a>;
/// The former name of [`Subject`].
#[deprecated(
    since = "0.1.1",
    note = "renamed to `Subject`: what a finding is about"
)]
pub type Target = Subject;
pub use rule::{CheckFn, Compliance, Group, PssLevel, Rule, parse_severity, severity_name};

use nexus_spec::ir::Platform;

/// Settings of a lint run that are not policy.
#[derive(Debug, Clone, Copy)]
pub struct LintOptions {
    /// Today's date, for waiver expiry. Binaries pass [`Date::today_utc`]; tests pin it.
    pub today: Date,
}

/// Lints one or more environments of a platform and gathers one report.
#[derive(Debug)]
pub struct Linter<'p> {
    policy: &'p Policy,
    options: LintOptions,
    findings: Vec<Finding>,
    waivers: waiver::WaiverState,
    environments: Vec<String>,
    extra: Vec<&'static Rule>,
}

impl<'p> Linter<'p> {
    /// A linter with this policy and these options.
    pub fn new(policy: &'p Policy, options: LintOptions) -> Self {
        Linter {
            policy,
            options,
            findings: Vec::new(),
            waivers: waiver::WaiverState::default(),
            environments: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Also runs `rule`, after the catalog's: a rule a program defines itself, at its own
    /// severity. Policy files and waivers name catalog rules only (an unknown id is an error
    /// there), so they cannot turn it off or waive its findings.
    pub fn with_rule(mut self, rule: &'static Rule) -> Self {
        self.extra.push(rule);
        self
    }

    /// Runs every enabled rule over one resolved environment and applies its waivers.
    pub fn check(&mut self, platform: &Platform) {
        let environment = platform.environment.value.as_str();
        let ctx = LintRun {
            policy: self.policy,
            environment,
            today: self.options.today,
        };
        let mut found = Vec::new();
        for &rule in rules::all().iter().chain(&self.extra) {
            if let RuleSetting::On(severity) = self.policy.setting(rule) {
                let mut out = Findings::new(rule, severity, environment);
                (rule.check)(&ctx, platform, &mut out);
                found.extend(out.into_vec());
            }
        }
        waiver::apply(&ctx, platform, &mut found, &mut self.waivers);
        self.findings.extend(found);
        self.environments.push(environment.to_owned());
    }

    /// Reports waivers that matched nothing, merges findings that several environments
    /// share, and sorts.
    pub fn finish(mut self) -> Report {
        let ctx = LintRun {
            policy: self.policy,
            environment: self.environments.first().map_or("", String::as_str),
            today: self.options.today,
        };
        let mut stale = Vec::new();
        waiver::finish(&ctx, std::mem::take(&mut self.waivers), &mut stale);
        for f in &mut stale {
            f.environments = self.environments.clone();
        }
        self.findings.extend(stale);
        self.environments.sort();
        self.environments.dedup();
        Report::new(self.findings, self.environments)
    }
}

/// Lints one resolved environment.
pub fn lint(platform: &Platform, policy: &Policy, options: LintOptions) -> Report {
    let mut linter = Linter::new(policy, options);
    linter.check(platform);
    linter.finish()
}
