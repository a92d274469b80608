//! The catalog as text: `nexus explain RULE`, `nexus explain --list`, and `docs/rules.md`.

use std::fmt::Write as _;

use crate::rule::{Compliance, Group, Rule, severity_name};
use crate::rules;

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

fn or_dash(items: &[&str]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

fn pss(c: &Compliance) -> String {
    c.pss
        .map(|(level, control)| format!("{} ({control})", level.as_str()))
        .unwrap_or_else(|| "-".into())
}

fn default_state(rule: &Rule) -> String {
    let on = if rule.enabled {
        "on by default"
    } else {
        "off by default"
    };
    format!("{} ({on})", severity_name(rule.severity))
}

/// What the findings of a rule are about, as a waiver's `object` names it.
fn waiver_object(rule: &Rule) -> &'static str {
    match rule.id {
        "NX-NET-001" | "NX-NET-002" | "NX-NET-003" | "NX-NET-021" | "NX-NGX-002" | "NX-NGX-003"
        | "NX-CMP-006" => "gateway",
        "NX-POD-018" | "NX-RES-008" | "NX-CMP-004" => "platform",
        "NX-SEC-004" | "NX-SEC-005" => "<secret>",
        _ if rule.group == Group::Waivers => "<the waiver's object>",
        _ => "<workload>",
    }
}

/// What `nexus explain RULE` prints.
pub fn explain(rule: &Rule) -> String {
    let c = &rule.compliance;
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", rule.id, rule.title);
    let _ = writeln!(out);
    let _ = writeln!(out, "  group        {}", rule.group.title());
    let _ = writeln!(out, "  severity     {}", default_state(rule));
    let _ = writeln!(out, "  CIS K8s 1.12 {}", or_dash(c.cis));
    let _ = writeln!(out, "  NSA/CISA     {}", or_dash(c.nsa));
    let _ = writeln!(out, "  PSS          {}", pss(c));
    let _ = writeln!(out, "  SOC 2        {}", or_dash(c.soc2));
    let _ = writeln!(out);
    let _ = writeln!(out, "Why:");
    out.push_str(&wrap(rule.rationale, 88, "  "));
    let _ = writeln!(out);
    let _ = writeln!(out, "Fix:");
    out.push_str(&wrap(rule.fix, 88, "  "));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Waive (in the spec, with a reason; `expires` is optional):"
    );
    let _ = writeln!(out, "  waivers:");
    let _ = writeln!(out, "    - rule: {}", rule.id);
    let _ = writeln!(out, "      object: {}", waiver_object(rule));
    let _ = writeln!(
        out,
        "      # container: migrations   (optional: only that container's findings)"
    );
    let _ = writeln!(out, "      reason: <why the finding is accepted>");
    let _ = writeln!(out, "      expires: <YYYY-MM-DD>");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Policy (nexus-policy.yaml): `rules: {{ {}: off | info | warning | error }}`",
        rule.id
    );
    out
}

/// What `nexus explain --list` prints: one line per rule.
pub fn list() -> String {
    let mut out = String::new();
    for r in rules::all() {
        let flag = if r.enabled { "" } else { " (off by default)" };
        let _ = writeln!(
            out,
            "{}  {:<7}  {}{flag}",
            r.id,
            severity_name(r.severity),
            r.title
        );
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// One rule in Markdown (a section of `docs/rules.md`, and SARIF's help).
pub fn explain_markdown(rule: &Rule) -> String {
    let c = &rule.compliance;
    let mut out = String::new();
    let _ = writeln!(out, "**{}**: {}\n", rule.id, rule.title);
    let _ = writeln!(out, "- Severity: {}", default_state(rule));
    if !c.is_empty() {
        let _ = writeln!(
            out,
            "- Compliance: CIS Kubernetes 1.12 {}; NSA/CISA {}; PSS {}; SOC 2 {}",
            or_dash(c.cis),
            or_dash(c.nsa),
            pss(c),
            or_dash(c.soc2)
        );
    }
    let _ = writeln!(out, "\n{}\n\n**Fix:** {}", rule.rationale, rule.fix);
    out
}

/// The whole of `docs/rules.md`.
pub fn rules_markdown() -> String {
    let mut out = String::new();
    out.push_str("# nexus lint rules\n\n");
    out.push_str(
        "<!-- Generated from the rule catalog in nexus-lint/src/rules/ by \
         `NEXUS_UPDATE_DOCS=1 cargo test -p nexus-lint --test integration docs`; a test fails when this \
         file is stale. Do not edit by hand. -->\n\n",
    );
    let _ = writeln!(
        out,
        "{} rules. Each has a stable id (the key of waivers and of the policy's `rules:` map), a \
         default severity, and where one applies its place in CIS Kubernetes Benchmark v1.12, \
         the NSA/CISA Kubernetes Hardening Guidance (as Kubescape's control ids), the Pod \
         Security Standards and SOC 2. `nexus explain RULE` prints one rule.\n",
        rules::all().len()
    );
    out.push_str("| id | title | severity | CIS | NSA/CISA | PSS | SOC 2 |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for r in rules::all() {
        let c = &r.compliance;
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} | {} | {} | {} | {} |",
            r.id,
            r.id.to_ascii_lowercase(),
            md_escape(r.title),
            default_state(r),
            or_dash(c.cis),
            md_escape(&or_dash(c.nsa)),
            pss(c),
            or_dash(c.soc2)
        );
    }
    for g in Group::ALL {
        let _ = writeln!(out, "\n## {}\n", g.title());
        for r in rules::all().iter().filter(|r| r.group == g) {
            let _ = writeln!(out, "### {}\n", r.id);
            let _ = writeln!(out, "{}\n", md_escape(r.title));
            let c = &r.compliance;
            let _ = writeln!(out, "- Severity: {}", default_state(r));
            let _ = writeln!(out, "- CIS Kubernetes 1.12: {}", or_dash(c.cis));
            let _ = writeln!(out, "- NSA/CISA: {}", or_dash(c.nsa));
            let _ = writeln!(out, "- Pod Security Standards: {}", pss(c));
            let _ = writeln!(out, "- SOC 2: {}\n", or_dash(c.soc2));
            let _ = writeln!(out, "{}\n", r.rationale);
            let _ = writeln!(out, "**Fix:** {}", r.fix);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps() {
        let w = super::wrap("a bb ccc dddd", 6, "> ");
        assert_eq!(w, "> a bb\n> ccc\n> dddd\n");
    }
}
