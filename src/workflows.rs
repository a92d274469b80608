//! Linting and graphing specs, beside [`compile_all`](crate::compile_all): every environment
//! (or one, chosen by [`select::environments`]) of every spec. Nothing here touches the disk
//! or prints.

use nexus_lint::{LintOptions, Linter, Policy, Report};
use nexus_render::graph::Graph;
use nexus_spec::{Diagnostics, SourceMap, Spec};

use crate::{CompileError, select};

/// One lint run over several specs.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Linted {
    /// The findings of every valid spec, a finding several environments share once.
    pub report: Report,
    /// The source text of the specs linted, to draw the findings with.
    pub sources: SourceMap,
    /// The problems of the specs that are invalid; those are not linted, the others are.
    pub invalid: Diagnostics,
}

impl Linted {
    /// Whether the run fails at `threshold`: a spec is invalid, or an unwaived finding is at
    /// or above it.
    pub fn fails(&self, threshold: nexus_spec::Severity) -> bool {
        self.invalid.has_errors() || self.report.fails(threshold)
    }
}

/// Lints every environment (or `environment` only) of every spec with one policy.
///
/// An invalid spec is reported in [`Linted::invalid`] and the others are still linted; an
/// environment that a valid spec does not have is an error, as in [`compile_all`](crate::compile_all).
///
/// ```
/// use nexus::lint::{LintOptions, Policy};
/// let spec = nexus::Spec::from_path(std::path::Path::new("specs/nexus.yaml")).unwrap();
/// let options = LintOptions { today: "2026-06-01".parse().unwrap() };
/// let linted = nexus::lint_all(&[spec], &Policy::default(), Some("staging"), options).unwrap();
/// assert_eq!(linted.report.environments, ["staging"]);
/// assert!(linted.invalid.is_empty());
/// ```
pub fn lint_all(
    specs: &[Spec],
    policy: &Policy,
    environment: Option<&str>,
    options: LintOptions,
) -> Result<Linted, CompileError> {
    let mut out = Linted::default();
    for spec in specs {
        // Validation resolves every environment; the linter reads those resolutions.
        let platforms = match spec.validate_resolve() {
            Ok(p) => p,
            Err(problems) => {
                out.invalid.extend(problems);
                continue;
            }
        };
        let wanted = select::environments(spec, environment)?;
        let mut linter = Linter::new(policy, options);
        for p in platforms
            .iter()
            .filter(|p| wanted.contains(&p.environment.value))
        {
            linter.check(p);
        }
        out.report
            .append(linter.finish(), spec.sources(), &mut out.sources);
    }
    Ok(out)
}

/// The dependency and exposure graph of every environment (or `environment` only) of every
/// spec, in order. Every invalid spec is reported at once, as [`CompileError::Invalid`].
///
/// ```
/// let spec = nexus::Spec::from_path(std::path::Path::new("specs/nexus.yaml")).unwrap();
/// let graphs = nexus::graph_all(&[spec], Some("production")).unwrap();
/// assert!(graphs[0].mermaid().starts_with("flowchart"));
/// ```
pub fn graph_all(specs: &[Spec], environment: Option<&str>) -> Result<Vec<Graph>, CompileError> {
    let resolved = crate::compile::validate_resolve_all(specs)?;
    let mut graphs = Vec::new();
    for (spec, platforms) in specs.iter().zip(resolved) {
        let wanted = select::environments(spec, environment)?;
        graphs.extend(
            platforms
                .iter()
                .filter(|p| wanted.contains(&p.environment.value))
                .map(Graph::from_platform),
        );
    }
    Ok(graphs)
}
