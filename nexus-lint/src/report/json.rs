//! The JSON report. Its shape is a contract (documented in `README-lint.md`): fields are
//! only ever added, and `schemaVersion` changes if one changes meaning.
//!
//! ```json
//! {
//!   "schemaVersion": 1,
//!   "tool": { "name": "nexus", "version": "0.1.0" },
//!   "environments": ["production", "staging"],
//!   "summary": { "errors": 1, "warnings": 0, "infos": 0, "waived": 1 },
//!   "findings": [{
//!     "rule": "NX-POD-001", "title": "Container runs privileged", "group": "POD",
//!     "severity": "error", "message": "`api` runs privileged",
//!     "object": "api", "container": null, "environments": ["production", "staging"],
//!     "location": { "file": "specs/app.yaml", "line": 12, "column": 19, "endLine": 12,
//!                   "endColumn": 23, "offset": 301, "length": 4 },
//!     "related": [], "help": "Remove `security.privileged: true`; ...", "waiver": null
//!   }]
//! }
//! ```

use nexus_spec::SourceMap;
use serde::Serialize;

use super::{Location, Report};
use crate::rule::severity_name;

/// The version of the JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool<'a>,
    environments: &'a [String],
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    infos: usize,
    waived: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFinding<'a> {
    rule: &'a str,
    title: &'a str,
    group: &'a str,
    severity: &'a str,
    message: &'a str,
    object: &'a str,
    container: Option<&'a str>,
    environments: &'a [String],
    location: Option<Location>,
    related: Vec<Related<'a>>,
    help: &'a str,
    waiver: Option<JsonWaiver<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    location: Option<Location>,
}

#[derive(Serialize)]
struct JsonWaiver<'a> {
    reason: &'a str,
    expires: Option<String>,
    location: Option<Location>,
}

/// Renders a report as pretty-printed JSON (with a final newline).
pub fn render(report: &Report, sources: &SourceMap, tool_version: &str) -> String {
    let s = report.summary();
    let doc = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "nexus",
            version: tool_version,
        },
        environments: &report.environments,
        summary: JsonSummary {
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            waived: s.waived,
        },
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule.id,
                title: f.rule.title,
                group: f.rule.group.code(),
                severity: severity_name(f.severity),
                message: &f.message,
                object: &f.object,
                container: f.container.as_deref(),
                environments: &f.environments,
                location: Location::of(f.span, sources),
                related: f
                    .related
                    .iter()
                    .map(|l| Related {
                        message: &l.text,
                        location: Location::of(l.span, sources),
                    })
                    .collect(),
                help: f.help(),
                waiver: f.waiver.as_ref().map(|w| JsonWaiver {
                    reason: &w.reason,
                    expires: w.expires.map(|d| d.to_string()),
                    location: Location::of(w.span, sources),
                }),
            })
            .collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
