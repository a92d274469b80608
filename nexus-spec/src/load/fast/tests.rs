//! The fast path against the general parser: for every document, the fast path either
//! declines or builds exactly the tree (values, keys and every span) granit-parser's path
//! builds. Documents: every YAML file of the repository, hand-picked edge cases, and random
//! documents of the subset with random mutations.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::span::{FileId, Span};

mod random;

use super::super::limits::Limits;
use super::super::node::{Node, NodeKind};
use super::super::parse::parse_general;

const FILE: FileId = FileId(3);

/// The first difference between two trees, spans included, or `None`.
fn diff(a: &Node, b: &Node, at: &str) -> Option<String> {
    let span =
        |x: &Span, y: &Span, what: &str| (x != y).then(|| format!("{at}{what}: {x:?} vs {y:?}"));
    if let Some(d) = span(&a.span, &b.span, "") {
        return Some(d);
    }
    match (&a.kind, &b.kind) {
        (NodeKind::Float(x), NodeKind::Float(y)) if x.to_bits() == y.to_bits() => None,
        (NodeKind::Seq(x), NodeKind::Seq(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| diff(p, q, &format!("{at}[{i}]"))),
        (NodeKind::Map(x), NodeKind::Map(y)) if x.len() == y.len() => {
            x.iter().zip(y).find_map(|((kp, p), (kq, q))| {
                let here = format!("{at}.{}", kp.value);
                if kp.value != kq.value {
                    return Some(format!("{here}: key {:?} vs {:?}", kp.value, kq.value));
                }
                span(&kp.span, &kq.span, " (key)").or_else(|| diff(p, q, &here))
            })
        }
        (x, y) if x == y && !matches!(x, NodeKind::Seq(_) | NodeKind::Map(_)) => None,
        (x, y) => Some(format!("{at}: {x:?} vs {y:?}")),
    }
}

/// Checks one document; `true` when the fast path took it.
fn check_with(text: &str, limits: &Limits) -> bool {
    let Some(fast) = super::parse(text, FILE, limits) else {
        return false;
    };
    match parse_general(text, FILE, limits) {
        Ok(general) => {
            if let Some(d) = diff(&fast, &general, "$") {
                panic!("fast path differs on {text:?}:\n{d}");
            }
        }
        Err(e) => panic!("fast path took a document the general parser refuses: {text:?}: {e:?}"),
    }
    true
}

fn check(text: &str) -> bool {
    check_with(text, &Limits::default())
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == ".git" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn every_yaml_file_of_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    files.sort();
    assert!(files.len() > 100, "found only {} YAML files", files.len());
    let mut taken = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if check(&text) {
            taken += 1;
        }
        // Cut off at lines, as an editor leaves a file mid-way.
        let step = 7 + text.len() / 2000;
        for (i, _) in text.match_indices('\n').step_by(step) {
            check(&text[..i]);
            check(&text[..=i]);
        }
    }
    let spec = std::fs::read_to_string(root.join("specs/nexus.yaml")).expect("specs/nexus.yaml");
    assert!(check(&spec), "the fast path declines specs/nexus.yaml");
    assert!(
        taken * 4 > files.len(),
        "fast path took only {taken} of {} files",
        files.len()
    );
}

#[test]
fn a_peer_style_spec() {
    let mut s = String::from(
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: peer\nspec:\n  services:\n",
    );
    for i in 0..300 {
        let _ = write!(
            s,
            "    svc-{i}:\n      image: registry.example/svc-{i}:1.0.{}\n      ports:\n        - {{ name: http, port: 8080 }}\n      resources:\n        limits: {{ cpu: \"1\", memory: 512Mi }}\n      replicas: 2\n      dependsOn: [svc-{}]\n",
            i % 10,
            i.max(1) - 1
        );
    }
    assert!(check(&s));
}

#[test]
fn scalar_and_layout_edge_cases() {
    let taken = [
        "a: yes\nb: no\nc: 0x1F\nd: 0o17\ne: 0755\nf: .inf\ng: -.Inf\nh: .nan\ni: ~\nj: null\nk: Null\n",
        "a: '1'\nb: \"2\"\nc: 1e3\nd: 1_000\ne: 12:30\nf: 99999999999999999999\ng: -0\nh: +1\n",
        "a: \"x\\ty\\n\\\"q\\\" \\\\ \\u00e9 \\x41 \\/\"\nb: 'it''s'\nc: \"a # b\"\nd: 'k: v'\n",
        "a: b#c\nb: c # comment\nc: d   \nd: é日本 # x\né: 日本\n",
        "a:\n  - 1\n  - two\nb:\n- x\n- y\nc:\nd: 1\n",
        "- a: 1\n  b: 2\n- - x\n  - y\n-\n  k: v\n",
        "a: [1, 'two', \"3\", {k: v}, []]\nb: {}\nc: { x: [1, 2], y: http://a.b/c }\n",
        "a: |\n  line one\n    indented\n  three\nb: >-\n  folded\n  text\nc: |-\n  x\nd: >\n  y\n",
        "# head\n\n\na: 1 # c\n\n# mid\n  # indented comment\nb: 2\n# tail\n",
        "a: 1",
        "a:",
        "a: |\n  no newline at the end",
        "key with spaces: value with spaces\n\"quoted key\": 1\n'single': 2\n",
        "a: -1\nb: -x\nc: --flag\nd: a-b\n",
    ];
    for text in taken {
        assert!(check(text), "declined: {text:?}");
    }
    let declined = [
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\na: 2\n",
        "? a\n: 1\n",
        "<<: {a: 1}\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "\u{feff}a: 1\n",
        "a: x\u{85}y\n",
        "a: x\u{2028}y\n",
        "a: x\u{9f}y\n",
        "a: x\u{7f}y\n",
        "a: x\u{fffe}y\n",
        "a: 'a long value past the first chunk of thirty-two bytes, é, then a tab:\t'\n",
        "a: multi\n  line\n",
        "a: \"multi\n  line\"\n",
        "a: [1,\n  2]\n",
        "a: |\n  x\n\n  y\n",
        "a: |+\n  x\n",
        "a: |2\n   x\n",
        "scalar\n",
        "",
        "  a: 1\n",
        "a: b: c\n",
        "a: [1, 2,]\n",
        "a: {b}\n",
        "- \n- a\n",
    ];
    for text in declined {
        assert!(!check(text), "taken: {text:?}");
    }
}

#[test]
fn limits_make_it_decline() {
    let deep = "a:\n  b:\n    c:\n      d: 1\n";
    assert!(!check_with(
        deep,
        &Limits {
            max_depth: 3,
            ..Limits::default()
        }
    ));
    let nested = format!("a: {}1{}\n", "[".repeat(60), "]".repeat(60));
    let unlimited = Limits {
        max_depth: 1000,
        ..Limits::default()
    };
    assert!(!check_with(&nested, &unlimited));
    assert!(!check_with(
        "a: [1, 2, 3]\n",
        &Limits {
            max_nodes: 4,
            ..Limits::default()
        }
    ));
    assert!(check_with(
        "a: [1, 2, 3]\n",
        &Limits {
            max_nodes: 6,
            ..Limits::default()
        }
    ));
}
