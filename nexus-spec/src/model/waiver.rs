//! Waivers: lint findings accepted on purpose.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use crate::span::Spanned;

/// A lint finding accepted on purpose, with the reason. Waived findings are still reported,
/// as waived; an expired waiver is itself a finding.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Waiver {
    /// The rule id (`NX-POD-003`).
    pub rule: Spanned<String>,
    /// The object: a workload name, `gateway`, or `platform`.
    pub object: Name,
    /// The container, where the rule is about one (a workload's `migrations` job, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<Name>,
    /// Only in these environments (default: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Name>,
    /// Why the finding is accepted. Required.
    pub reason: Spanned<String>,
    /// The day the waiver stops applying (`2027-03-31`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Spanned<String>>,
}
