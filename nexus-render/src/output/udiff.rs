//! Unified diffs of rendered files, with the `similar` crate's Myers diff
//! (docs/decisions/0003-output-writing.md says why a crate and not our own).

use similar::TextDiff;

/// A unified diff from `before` to `after` (either may be absent), headed
/// `--- a/PATH` / `+++ b/PATH` (`/dev/null` for an absent side), with three lines of
/// context. Bytes that are not UTF-8 are summarised as `Binary files differ`.
///
/// ```
/// let d = nexus_render::output::unified_diff("x.yaml", Some(b"a: 1\n"), Some(b"a: 2\n"));
/// assert_eq!(d, "--- a/x.yaml\n+++ b/x.yaml\n@@ -1 +1 @@\n-a: 1\n+a: 2\n");
/// ```
pub fn unified_diff(path: &str, before: Option<&[u8]>, after: Option<&[u8]>) -> String {
    let old_name = if before.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_owned()
    };
    let new_name = if after.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".to_owned()
    };
    let (Ok(old), Ok(new)) = (
        std::str::from_utf8(before.unwrap_or_default()),
        std::str::from_utf8(after.unwrap_or_default()),
    ) else {
        return format!("Binary files {old_name} and {new_name} differ\n");
    };
    let diff = TextDiff::from_lines(old, new);
    let mut out = String::new();
    let body = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .to_string();
    if body.is_empty() {
        return out;
    }
    out.push_str(&format!("--- {old_name}\n+++ {new_name}\n"));
    out.push_str(&body);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified_diff;

    #[test]
    fn new_and_removed_files_diff_against_dev_null() {
        let d = unified_diff("n.txt", None, Some(b"x\ny\n"));
        assert!(
            d.starts_with("--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+x\n+y\n"),
            "{d}"
        );
        let d = unified_diff("o.txt", Some(b"x\n"), None);
        assert!(d.starts_with("--- a/o.txt\n+++ /dev/null\n"), "{d}");
    }

    #[test]
    fn identical_files_have_no_diff() {
        assert_eq!(unified_diff("s", Some(b"a\n"), Some(b"a\n")), "");
    }

    #[test]
    fn context_is_three_lines() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new = old.replace("10\n", "ten\n");
        let d = unified_diff("f", Some(old.as_bytes()), Some(new.as_bytes()));
        assert!(
            d.contains("@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+ten\n 11\n"),
            "{d}"
        );
    }
}
