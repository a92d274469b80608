//! What a check can see besides the platform: the policy, the environment, today's date.

use nexus_spec::model::Tier;

use crate::date::Date;
use crate::policy::{Budget, EnvironmentPolicy, Policy};

/// One lint run over one environment: what a check can see besides the platform.
#[derive(Debug, Clone, Copy)]
pub struct LintRun<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// The environment being linted.
    pub environment: &'a str,
    /// Today's date.
    pub today: Date,
}

impl<'a> LintRun<'a> {
    /// The policy's settings for this environment, if it has any.
    pub fn environment_policy(&self) -> Option<&'a EnvironmentPolicy> {
        self.policy.environments.get(self.environment)
    }

    /// Fewest replicas a workload of `tier` must run in this environment.
    pub fn min_replicas(&self, tier: Tier) -> u32 {
        self.environment_policy()
            .and_then(|e| e.min_replicas.get(&tier))
            .or_else(|| self.policy.availability.min_replicas.get(&tier))
            .copied()
            .unwrap_or(1)
    }

    /// The recovery point objective in this environment, in seconds.
    pub fn rpo_seconds(&self) -> u64 {
        self.environment_policy()
            .and_then(|e| e.rpo_seconds)
            .unwrap_or(self.policy.availability.rpo_seconds)
    }

    /// The namespace quota of this environment, if the policy sets one.
    pub fn budget(&self) -> Option<&'a Budget> {
        self.environment_policy().and_then(|e| e.budget.as_ref())
    }
}
