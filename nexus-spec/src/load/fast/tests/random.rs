//! Random documents of the fast path's subset, and random mutations of them, checked
//! against the general parser (see the parent module).

use super::check;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SCALARS: &[&str] = &[
    "x",
    "api",
    "yes",
    "no",
    "on",
    "0x1F",
    "0o17",
    "0o19",
    "0755",
    ".inf",
    "-.inf",
    ".nan",
    "~",
    "null",
    "NULL",
    "true",
    "False",
    "1e3",
    "1.5",
    "-12",
    "+3",
    "1_000",
    "12:30",
    "a:b",
    "http://x.y/z",
    "a#b",
    "a b",
    "é日本",
    "99999999999999999999",
    "-x",
    "--flag",
    "v1.2",
    "a[0]",
    "x: y",
    "it's",
    "say \"hi\"",
    "back\\slash",
    " lead",
    "trail ",
    "",
    "#",
    "- x",
    "&a",
    "*a",
    "!t",
    "|",
    ">",
    "?",
    "%",
    "@",
    "a,b",
    "[x]",
    "{y}",
    "0",
    "-",
    "---",
];
const KEYS: &[&str] = &[
    "a",
    "b",
    "name",
    "port",
    "key with space",
    "é",
    "1",
    "true",
    "~",
    "x-y",
    "a:b",
    "<<",
];

fn scalar(r: &mut Rng, s: &str, out: &mut String) {
    match r.below(4) {
        0 => {
            out.push('\'');
            out.push_str(&s.replace('\'', "''"));
            out.push('\'');
        }
        1 => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    'é' if r.below(2) == 0 => out.push_str("\\u00e9"),
                    'x' if r.below(2) == 0 => out.push_str("\\x78"),
                    ' ' if r.below(3) == 0 => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        _ => out.push_str(s),
    }
}

fn flow(r: &mut Rng, depth: usize, out: &mut String) {
    match r.below(if depth > 2 { 1 } else { 3 }) {
        0 => {
            let s = r.pick(SCALARS);
            scalar(r, s, out);
        }
        1 => {
            out.push('[');
            for i in 0..r.below(4) {
                out.push_str(if i > 0 { ", " } else { "" });
                flow(r, depth + 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push_str(r.pick(&["{", "{ "]));
            for i in 0..r.below(4) {
                out.push_str(if i > 0 { ", " } else { "" });
                let k = r.pick(KEYS);
                scalar(r, k, out);
                out.push_str(": ");
                flow(r, depth + 1, out);
            }
            out.push_str(r.pick(&["}", " }"]));
        }
    }
}

/// A value after `key:` or `-` at indentation `n`.
fn value(r: &mut Rng, n: usize, depth: usize, out: &mut String) {
    let choice = r.below(if depth > 4 { 3 } else { 7 });
    match choice {
        0 | 1 => {
            out.push(' ');
            let s = r.pick(SCALARS);
            scalar(r, s, out);
            if r.below(5) == 0 {
                out.push_str(" # note");
            }
            out.push('\n');
        }
        2 => {
            out.push(' ');
            flow(r, depth, out);
            out.push('\n');
        }
        3 => {
            out.push_str(r.pick(&[" |\n", " |-\n", " >\n", " >-\n"]));
            for _ in 0..=r.below(3) {
                out.push_str(&" ".repeat(n + 2));
                out.push_str(r.pick(&["text", "a: b # c", "é", "  more"]));
                out.push('\n');
            }
        }
        4 => {
            out.push('\n');
            map(r, n + 2, depth + 1, out);
        }
        5 => {
            out.push('\n');
            let extra = r.below(2) * 2;
            seq(r, n + extra, depth + 1, out);
        }
        _ => out.push('\n'),
    }
}

fn map(r: &mut Rng, n: usize, depth: usize, out: &mut String) {
    for _ in 0..=r.below(4) {
        if r.below(6) == 0 {
            out.push_str(r.pick(&["\n", "# c\n", "   # c\n"]));
        }
        out.push_str(&" ".repeat(n));
        let k = r.pick(KEYS);
        scalar(r, k, out);
        out.push(':');
        value(r, n, depth, out);
    }
}

fn seq(r: &mut Rng, n: usize, depth: usize, out: &mut String) {
    for _ in 0..=r.below(3) {
        out.push_str(&" ".repeat(n));
        out.push('-');
        if r.below(3) == 0 {
            // A compact mapping.
            out.push(' ');
            let mut inner = String::new();
            map(r, n + 2, depth + 1, &mut inner);
            out.push_str(inner.trim_start_matches(' '));
        } else {
            value(r, n, depth, out);
        }
    }
}

const MUTATIONS: &[&str] = &[
    ":", " ", "-", "#", "'", "\"", "\n", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "\\",
    "é", "\t", "  ", ": ", "- ", " #", "\r",
];

fn mutate(r: &mut Rng, text: &str) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..=r.below(2) {
        let at = r.below(s.len() + 1);
        match r.below(3) {
            0 if at < s.len() => {
                s.remove(at);
            }
            1 => {
                let lines: Vec<&str> = text.lines().collect();
                let line = lines
                    .get(r.below(lines.len().max(1)))
                    .copied()
                    .unwrap_or("");
                return format!("{text}{line}\n");
            }
            _ => {
                for (i, c) in r.pick(MUTATIONS).chars().enumerate() {
                    s.insert(at + i, c);
                }
            }
        }
    }
    s.into_iter().collect()
}

#[test]
fn random_documents_and_mutations() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut taken, mut total) = (0, 0);
    for _ in 0..3000 {
        let mut doc = String::new();
        if r.below(4) == 0 {
            seq(&mut r, 0, 1, &mut doc);
        } else {
            map(&mut r, 0, 1, &mut doc);
        }
        total += 1;
        if check(&doc) {
            taken += 1;
        }
        for _ in 0..4 {
            check(&mutate(&mut r, &doc));
        }
    }
    // The generator stays mostly inside the subset (else it would test little).
    assert!(
        taken * 3 > total,
        "fast path took only {taken} of {total} documents"
    );
}
