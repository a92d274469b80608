//! The SARIF 2.1.0 report, for GitHub code scanning and other SARIF consumers.
//!
//! One run; `tool.driver.rules` holds the whole catalog with its metadata, results refer to
//! it by `ruleId` and `ruleIndex`. Locations are the spec's file (as given, relative paths
//! stay relative), line and column; waived findings carry a `suppressions` entry (kind
//! `inSource`, status `accepted`, the waiver's reason as justification).

use nexus_spec::{Severity, SourceMap, Span};
use serde::Serialize;

use super::{Location, Report};
use crate::finding::Finding;
use crate::rule::Rule;
use crate::rules;

/// The schema URI written into `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    version: &'a str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'a str,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    environments: &'a [String],
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text<&'a str>,
    full_description: Text<&'a str>,
    help: Help,
    default_configuration: Configuration<'a>,
    properties: DescriptorProperties<'a>,
}

#[derive(Serialize)]
struct Configuration<'a> {
    enabled: bool,
    level: &'a str,
}

#[derive(Serialize)]
struct DescriptorProperties<'a> {
    tags: Vec<String>,
    precision: &'a str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'a str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'a str,
    message: Text<String>,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<&'a str>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'a str,
    status: &'a str,
    justification: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<SarifLocation<'a>>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    object: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    container: Option<&'a str>,
    environments: &'a [String],
}

/// SARIF's level for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: forward slashes, and the characters that would
/// change its meaning percent-encoded. Absolute paths become `file://` URIs.
pub fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    if out.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

fn pascal(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn descriptor(rule: &Rule) -> Descriptor<'_> {
    let mut tags = vec![rule.group.title().to_ascii_lowercase()];
    if rule.group.is_security() {
        tags.push("security".into());
    }
    let c = &rule.compliance;
    tags.extend(c.cis.iter().map(|s| format!("CIS-{s}")));
    tags.extend(c.soc2.iter().map(|s| format!("SOC2-{s}")));
    if let Some((level, _)) = c.pss {
        tags.push(format!("PSS-{}", level.as_str()));
    }
    let security_severity = rule.group.is_security().then_some(match rule.severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    });
    Descriptor {
        id: rule.id,
        name: pascal(rule.title),
        short_description: Text { text: rule.title },
        full_description: Text {
            text: rule.rationale,
        },
        help: Help {
            text: format!("{}\n\nFix: {}", rule.rationale, rule.fix),
            markdown: crate::docs::explain_markdown(rule),
        },
        default_configuration: Configuration {
            enabled: rule.enabled,
            level: level(rule.severity),
        },
        properties: DescriptorProperties {
            tags,
            precision: "very-high",
            problem_severity: match rule.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
            security_severity,
        },
    }
}

fn physical(span: Span, sources: &SourceMap) -> Option<PhysicalLocation> {
    if let Some(l) = Location::of(span, sources) {
        return Some(PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: path_to_uri(&l.file),
            },
            region: Some(Region {
                start_line: l.line.max(1),
                start_column: l.column.max(1),
                end_line: l.end_line.max(l.line.max(1)),
                end_column: l.end_column.max(1),
            }),
        });
    }
    // A finding about a value nexus filled in, with no text of its own: point at the file.
    sources.files().next().map(|(_, f)| PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: path_to_uri(&f.name),
        },
        region: None,
    })
}

fn result<'a>(f: &'a Finding, sources: &SourceMap) -> SarifResult<'a> {
    let rule_index = rules::all()
        .iter()
        .position(|r| r.id == f.rule.id)
        .unwrap_or(0);
    SarifResult {
        rule_id: f.rule.id,
        rule_index,
        level: level(f.severity),
        message: Text {
            text: format!("{}. {}", f.message, f.help()),
        },
        locations: physical(f.span, sources)
            .map(|p| SarifLocation {
                id: None,
                physical_location: p,
                message: None,
            })
            .into_iter()
            .collect(),
        related_locations: f
            .related
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                Location::of(l.span, sources)?;
                Some(SarifLocation {
                    id: Some(i + 1),
                    physical_location: physical(l.span, sources)?,
                    message: Some(Text { text: &l.text }),
                })
            })
            .collect(),
        suppressions: f
            .waiver
            .iter()
            .map(|w| Suppression {
                kind: "inSource",
                status: "accepted",
                justification: &w.reason,
                location: physical(w.span, sources).map(|p| SarifLocation {
                    id: None,
                    physical_location: p,
                    message: None,
                }),
            })
            .collect(),
        properties: ResultProperties {
            object: &f.object,
            container: f.container.as_deref(),
            environments: &f.environments,
        },
    }
}

/// Renders a report as SARIF 2.1.0 (pretty-printed JSON with a final newline).
pub fn render(report: &Report, sources: &SourceMap, tool_version: &str) -> String {
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "nexus",
                    version: tool_version,
                    semantic_version: tool_version,
                    rules: rules::all().iter().map(|r| descriptor(r)).collect(),
                },
            },
            results: report.findings.iter().map(|f| result(f, sources)).collect(),
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                environments: &report.environments,
            },
        }],
    };
    let mut text =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::{pascal, path_to_uri};

    #[test]
    fn uris_and_names() {
        assert_eq!(path_to_uri("specs/nexus.yaml"), "specs/nexus.yaml");
        assert_eq!(path_to_uri("my specs\\a#1.yaml"), "my%20specs/a%231.yaml");
        assert_eq!(path_to_uri("/abs/a.yaml"), "file:///abs/a.yaml");
        assert_eq!(
            pascal("Image tag is `latest` or missing"),
            "ImageTagIsLatestOrMissing"
        );
    }
}
