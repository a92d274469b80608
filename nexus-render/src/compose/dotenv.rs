//! `.env.example`: every variable the Compose project needs, without values.

use std::collections::{BTreeMap, BTreeSet};

/// A variable the project needs.
#[derive(Debug, Clone, Default)]
pub(super) struct Variable {
    /// What it is (free text; written as comment lines).
    pub description: String,
    /// Services that use it.
    pub used_by: BTreeSet<String>,
}

/// Writes the file. Descriptions are split into comment lines at every line break or
/// control character, so no text can become an assignment.
pub(super) fn render(title: &str, vars: &BTreeMap<String, Variable>) -> String {
    let mut out = String::new();
    for line in comment_lines(title) {
        out.push_str(&format!("# {line}\n"));
    }
    out.push_str("# Copy to `.env` next to compose.yaml (or export the variables) and fill in every value.\n");
    out.push_str("# `docker compose` refuses to start while one is unset or empty. Never commit the filled file.\n");
    for (name, v) in vars {
        out.push('\n');
        for line in comment_lines(&v.description) {
            out.push_str(&format!("# {line}\n"));
        }
        if !v.used_by.is_empty() {
            let users: Vec<&str> = v.used_by.iter().map(String::as_str).collect();
            out.push_str(&format!("# Used by: {}\n", users.join(", ")));
        }
        out.push_str(&format!("{name}=\n"));
    }
    out
}

fn comment_lines(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_control())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_cannot_assign() {
        let vars = BTreeMap::from([(
            "A".to_owned(),
            Variable {
                description: "line one\nB=evil\r\nC=x".into(),
                used_by: BTreeSet::from(["web".to_owned()]),
            },
        )]);
        let text = render("t", &vars);
        let assignments: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect();
        assert_eq!(assignments, ["A="]);
    }
}
