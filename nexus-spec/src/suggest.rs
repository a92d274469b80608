//! "Did you mean" suggestions for misspelt keys, names and values: one implementation for
//! the loader and for reference checks.

/// The candidate closest to `input`, if it is close enough to be a likely typo.
///
/// ```
/// use nexus_spec::suggest::did_you_mean;
/// assert_eq!(did_you_mean("imgae", &["image", "ports"]), Some("image"));
/// assert_eq!(did_you_mean("zzz", &["image"]), None);
/// ```
///
/// Distance is the optimal-string-alignment edit distance (insertions, deletions,
/// substitutions and swaps of neighbours), ignoring case. A candidate qualifies when its
/// distance is at most a third of the input's length (at least 1); ties go to the earlier
/// candidate.
pub fn did_you_mean<'c>(input: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let input_lower: Vec<char> = input.to_lowercase().chars().collect();
    let threshold = (input_lower.len() / 3).max(1);
    let mut best: Option<(usize, &'c str)> = None;
    for &candidate in candidates {
        let cand_lower: Vec<char> = candidate.to_lowercase().chars().collect();
        let d = distance(&input_lower, &cand_lower);
        if d <= threshold && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The help line for a misspelt name: a suggestion if one is close, otherwise the full list.
pub fn help_for(input: &str, what: &str, candidates: &[&str]) -> String {
    match did_you_mean(input, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.is_empty() => format!("no {what}s are allowed here"),
        None => format!("valid {what}s here: {}", list(candidates)),
    }
}

/// `a`, `b`, `c` (deduplicated, in the order given; after 20 names, "and N more").
pub fn list(items: &[&str]) -> String {
    const SHOWN: usize = 20;
    let mut seen: Vec<&str> = Vec::with_capacity(items.len().min(64));
    for item in items {
        if !seen.contains(item) {
            seen.push(item);
        }
    }
    let mut out = seen
        .iter()
        .take(SHOWN)
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if seen.len() > SHOWN {
        out.push_str(&format!(" and {} more", seen.len() - SHOWN));
    }
    out
}

/// Optimal-string-alignment distance between two char slices.
fn distance(a: &[char], b: &[char]) -> usize {
    // Rows i-2, i-1 and i of the dynamic-programming table.
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> usize {
        distance(
            &a.chars().collect::<Vec<_>>(),
            &b.chars().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn distances() {
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("imgae", "image"), 1);
        assert_eq!(d("héllo", "hello"), 1);
    }

    #[test]
    fn suggestions() {
        let keys = ["image", "replicas", "ports", "healthCheck"];
        assert_eq!(did_you_mean("imgae", &keys), Some("image"));
        assert_eq!(did_you_mean("replica", &keys), Some("replicas"));
        assert_eq!(did_you_mean("prots", &keys), Some("ports"));
        assert_eq!(did_you_mean("healthcheck", &keys), Some("healthCheck"));
        assert_eq!(did_you_mean("health_check", &keys), Some("healthCheck"));
        assert_eq!(did_you_mean("zzz", &keys), None);
        assert_eq!(did_you_mean("x", &["y"]), Some("y"));
        assert_eq!(
            help_for("zzz", "key", &["a", "b", "a"]),
            "valid keys here: `a`, `b`"
        );
        assert_eq!(help_for("imag", "key", &keys), "did you mean `image`?");
    }
}
