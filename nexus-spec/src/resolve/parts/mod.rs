//! Resolving the building blocks every workload shares, one concept per file.

mod backup;
mod health;
mod ports;
mod resources;
mod rollout;
mod scaling;
mod security;
mod storage;

pub(crate) use backup::backup;
pub(crate) use health::health;
pub(crate) use ports::ports;
pub(crate) use resources::resources;
pub(crate) use rollout::rollout;
pub(crate) use scaling::{autoscaling, disruption_budget, replicas};
pub(crate) use security::{ImageUser, security};
pub(crate) use storage::storage;
