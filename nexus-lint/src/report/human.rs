//! The report for people: each finding as a miette diagnostic with the spec excerpt (secret
//! values masked), then the waived findings (one line for all, or one each with its reason),
//! then a summary line.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme};
use nexus_spec::{Severity, SourceMap};

use super::{Location, Report, mask};
use crate::rule::severity_name;

/// How to draw the report.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// ANSI colours.
    pub color: bool,
    /// Line width to wrap at.
    pub width: usize,
    /// Findings below this severity are counted but not drawn.
    pub min_severity: Severity,
    /// List every waived finding with its reason (default: one line counts them).
    pub show_waived: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
            min_severity: Severity::Info,
            show_waived: false,
        }
    }
}

/// Renders a report as text.
pub fn render(report: &Report, sources: &SourceMap, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    // Excerpts are drawn from the sources with literal credentials masked.
    let sources = &mask::masked_sources(sources, &report.findings);
    let mut out = String::new();
    let mut hidden = 0;
    for f in report.findings.iter().filter(|f| !f.is_waived()) {
        if f.severity < options.min_severity {
            hidden += 1;
            continue;
        }
        let mut d = f.to_diagnostic();
        if report.is_partial(f) {
            d.message = format!("{} (in {})", d.message, f.environments.join(", "));
        }
        d.attach_source(sources);
        // State the location plainly too (as `nexus validate` does), so editors and grep can
        // jump to it; the graphical frame shows only line and column.
        if let Some(l) = Location::of(f.span, sources) {
            let _ = writeln!(
                out,
                "{}:{}:{}: {}",
                l.file,
                l.line,
                l.column,
                severity_name(f.severity)
            );
        }
        if handler.render_report(&mut out, &d).is_err() {
            // Rendering into a String cannot fail; fall back to the plain message if it does.
            let _ = writeln!(out, "{}: {}", f.rule.id, f.message);
        }
        out.push('\n');
    }
    let waived: Vec<_> = report.findings.iter().filter(|f| f.is_waived()).collect();
    if !waived.is_empty() && !options.show_waived {
        let mut rules: Vec<&str> = waived.iter().map(|f| f.rule.id).collect();
        rules.sort_unstable();
        rules.dedup();
        let _ = writeln!(
            out,
            "waived: {} finding(s) of {} (--show-waived lists them with their reasons)\n",
            waived.len(),
            rules.join(", ")
        );
    } else if !waived.is_empty() {
        let _ = writeln!(out, "waived:");
        for f in waived {
            let at = Location::of(f.span, sources)
                .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
                .unwrap_or_default();
            let (reason, until) = f
                .waiver
                .as_ref()
                .map(|w| {
                    (
                        w.reason.as_str(),
                        w.expires
                            .map(|d| format!(" (until {d})"))
                            .unwrap_or_default(),
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {at}{} {} {}",
                severity_name(f.severity),
                f.rule.id,
                f.message
            );
            let _ = writeln!(out, "    waived: {reason}{until}");
        }
        out.push('\n');
    }
    let s = report.summary();
    let _ = writeln!(
        out,
        "nexus lint: {} error(s), {} warning(s), {} info(s), {} waived in {}{}",
        s.errors,
        s.warnings,
        s.infos,
        s.waived,
        if report.environments.is_empty() {
            "no environment".to_owned()
        } else {
            report.environments.join(", ")
        },
        if hidden > 0 {
            format!(
                " ({hidden} below {} not shown)",
                severity_name(options.min_severity)
            )
        } else {
            String::new()
        }
    );
    out
}
