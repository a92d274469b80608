//! Tests of parsing: spans, scalars, structural refusals, limits and aliases.

use std::time::{Duration, Instant};

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::{FileId, Span};

use super::{Limits, Node, NodeKind, node_to_json, parse};

const FILE: FileId = FileId(7);

/// How quickly a hostile input must be refused. Refusing takes milliseconds; without the
/// limits these inputs run for minutes (a billion nodes, 2 GB of copies, a quadratic walk
/// of deep nesting). The margin is for a CI machine busy with the other tests, where a
/// thread can wait for a core.
const FAST: Duration = Duration::from_secs(5);

fn ok(text: &str) -> Node {
    match parse(text, FILE, &Limits::default()) {
        Ok(node) => node,
        Err(e) => panic!("unexpected diagnostics for {text:?}: {:#?}", e.0),
    }
}

fn err(text: &str) -> Diagnostics {
    err_with(text, &Limits::default())
}

fn err_with(text: &str, limits: &Limits) -> Diagnostics {
    match parse(text, FILE, limits) {
        Ok(node) => panic!("expected diagnostics for {text:?}, got {node:?}"),
        Err(e) => e,
    }
}

fn codes_of(d: &Diagnostics) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

/// The text a span covers.
fn text_at(text: &str, span: Span) -> &str {
    &text[span.range()]
}

/// Every diagnostic has a label in the file and a help line.
fn assert_well_formed(d: &Diagnostic) {
    let span = d.primary_span().expect("a label");
    assert_eq!(span.file, FILE, "{d:?}");
    assert!(span.line >= 1 && span.column >= 1, "{d:?}");
    assert!(d.help.as_deref().is_some_and(|h| !h.is_empty()), "{d:?}");
}

fn get<'n>(node: &'n Node, path: &[&str]) -> &'n Node {
    path.iter().fold(node, |n, k| {
        n.get(k).unwrap_or_else(|| panic!("no key {k}"))
    })
}

#[test]
fn spans_of_nested_values() {
    let text = "services:\n  api:\n    image: nginx:1.27  # pinned\n    ports: [80, 443]\n\n  # gap\n  db:\n    - postgres\n    - 'x'\n";
    let root = ok(text);
    assert_eq!(root.span.offset, 0);
    assert_eq!((root.span.line, root.span.column), (1, 1));
    assert!(text_at(text, root.span).ends_with("'x'"));

    let image = get(&root, &["services", "api", "image"]);
    assert_eq!(image.kind, NodeKind::Str("nginx:1.27".into()));
    assert_eq!(text_at(text, image.span), "nginx:1.27");
    assert_eq!((image.span.line, image.span.column), (3, 12));
    assert_eq!(image.span.file, FILE);

    let ports = get(&root, &["services", "api", "ports"]);
    assert_eq!(text_at(text, ports.span), "[80, 443]");
    let NodeKind::Seq(items) = &ports.kind else {
        panic!("{ports:?}")
    };
    assert_eq!(items[1].kind, NodeKind::Int(443));
    assert_eq!(text_at(text, items[1].span), "443");
    assert_eq!((items[1].span.line, items[1].span.column), (4, 17));

    // A block mapping runs from its first key to the end of its last value.
    let api = get(&root, &["services", "api"]);
    assert_eq!(
        text_at(text, api.span),
        "image: nginx:1.27  # pinned\n    ports: [80, 443]"
    );
    assert_eq!((api.span.line, api.span.column), (3, 5));

    let db = get(&root, &["services", "db"]);
    assert_eq!(text_at(text, db.span), "- postgres\n    - 'x'");

    // Keys carry their own spans.
    let NodeKind::Map(services) = &get(&root, &["services"]).kind else {
        panic!()
    };
    let (db_key, _) = &services[1];
    assert_eq!(db_key.value, "db");
    assert_eq!(
        (db_key.span.line, db_key.span.column, db_key.span.len),
        (7, 3, 2)
    );
}

#[test]
fn spans_count_bytes_for_offsets_and_characters_for_columns() {
    let text = "名前: \"café ☕\"\nclé: [é, ü, 🦀x]\n";
    let root = ok(text);
    let NodeKind::Map(entries) = &root.kind else {
        panic!()
    };
    let (k0, v0) = &entries[0];
    assert_eq!(k0.value, "名前");
    assert_eq!((k0.span.offset, k0.span.len, k0.span.column), (0, 6, 1));
    assert_eq!(v0.kind, NodeKind::Str("café ☕".into()));
    assert_eq!(text_at(text, v0.span), "\"café ☕\"");
    // `名前: ` is 4 characters but 8 bytes.
    assert_eq!((v0.span.offset, v0.span.column, v0.span.line), (8, 5, 1));

    let (k1, v1) = &entries[1];
    assert_eq!(text_at(text, k1.span), "clé");
    assert_eq!((k1.span.line, k1.span.column), (2, 1));
    let NodeKind::Seq(items) = &v1.kind else {
        panic!()
    };
    let crab = &items[2];
    assert_eq!(crab.kind, NodeKind::Str("🦀x".into()));
    assert_eq!(text_at(text, crab.span), "🦀x");
    assert_eq!(crab.span.len, 5);
    // `clé: [é, ü, ` is 12 characters.
    assert_eq!((crab.span.line, crab.span.column), (2, 13));
    assert_eq!(text_at(text, v1.span), "[é, ü, 🦀x]");
}

#[test]
fn spans_with_bom_and_crlf() {
    let text = "\u{feff}a: 1\r\nb: 2\r\n";
    let root = ok(text);
    let a = get(&root, &["a"]);
    assert_eq!((a.span.offset, a.span.line, a.span.column), (6, 1, 4));
    let b = get(&root, &["b"]);
    assert_eq!(text_at(text, b.span), "2");
    assert_eq!((b.span.line, b.span.column), (2, 4));
}

#[test]
fn scalars_follow_the_yaml_1_2_core_schema() {
    let root = ok(concat!(
        "a: yes\nb: on\nc: \"true\"\nd: true\ne: 0x1F\nf: .inf\ng: ~\nh:\ni: 0755\n",
        "j: '12'\nk: 1.5\nl: |\n  block\nm: 12:30\nn: -7\n"
    ));
    let kind = |k: &str| get(&root, &[k]).kind.clone();
    assert_eq!(kind("a"), NodeKind::Str("yes".into()));
    assert_eq!(kind("b"), NodeKind::Str("on".into()));
    assert_eq!(kind("c"), NodeKind::Str("true".into()));
    assert_eq!(kind("d"), NodeKind::Bool(true));
    assert_eq!(kind("e"), NodeKind::Int(31));
    assert_eq!(kind("f"), NodeKind::Float(f64::INFINITY));
    assert_eq!(kind("g"), NodeKind::Null);
    assert_eq!(kind("h"), NodeKind::Null);
    assert_eq!(kind("i"), NodeKind::Int(755));
    assert_eq!(kind("j"), NodeKind::Str("12".into()));
    assert_eq!(kind("k"), NodeKind::Float(1.5));
    assert_eq!(kind("l"), NodeKind::Str("block\n".into()));
    assert_eq!(kind("m"), NodeKind::Str("12:30".into()));
    assert_eq!(kind("n"), NodeKind::Int(-7));
    // An empty value has an empty span right after its key.
    let h = get(&root, &["h"]);
    assert_eq!((h.span.len, h.span.line), (0, 8));
}

#[test]
fn duplicate_keys_label_both_occurrences_and_parsing_goes_on() {
    let text = "name: a\nimage: x\nname: b\nnested:\n  k: 1\n  k: 2\n";
    let d = err(text);
    assert_eq!(codes_of(&d), [codes::DUPLICATE_KEY, codes::DUPLICATE_KEY]);
    let first = &d.0[0];
    assert_well_formed(first);
    assert!(first.message.contains("`name`"));
    assert_eq!(first.labels.len(), 2);
    assert_eq!(
        (first.labels[0].span.line, first.labels[0].span.column),
        (3, 1)
    );
    assert_eq!(
        (first.labels[1].span.line, first.labels[1].span.column),
        (1, 1)
    );
    assert_eq!(d.0[1].labels[0].span.line, 6);
    assert_eq!(d.0[1].labels[1].span.line, 5);
}

#[test]
fn duplicate_keys_in_large_mappings() {
    let mut text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k42: again\n");
    let d = err(&text);
    assert_eq!(codes_of(&d), [codes::DUPLICATE_KEY]);
    assert_eq!(d.0[0].labels[1].span.line, 43);
    // Same spelling, different quoting: the same key.
    assert_eq!(codes_of(&err("a: 1\n'a': 2\n")), [codes::DUPLICATE_KEY]);
}

#[test]
fn tags_merge_keys_and_complex_keys_are_refused_all_at_once() {
    let text = "a: !!str 1\nb: !custom {x: 1}\nbase: &base {x: 1}\nc:\n  <<: *base\n  y: 2\n? [k]\n: v\n{z: 1}: w\nd: ok\n";
    let d = err(text);
    assert_eq!(
        codes_of(&d),
        [
            codes::UNSUPPORTED,
            codes::UNSUPPORTED,
            codes::UNSUPPORTED,
            codes::UNSUPPORTED,
            codes::UNSUPPORTED
        ]
    );
    for diag in d.iter() {
        assert_well_formed(diag);
    }
    assert_eq!(text_at(text, d.0[0].labels[0].span), "!!str");
    assert_eq!(text_at(text, d.0[1].labels[0].span), "!custom");
    assert!(d.0[2].message.contains("merge"));
    assert_eq!(text_at(text, d.0[2].labels[0].span), "<<");
    assert_eq!(text_at(text, d.0[3].labels[0].span), "[k]");
    assert_eq!(text_at(text, d.0[4].labels[0].span), "{z: 1}");
    // A quoted `<<` is an ordinary key.
    let root = ok("'<<': 1\n");
    assert_eq!(get(&root, &["<<"]).kind, NodeKind::Int(1));
}

#[test]
fn a_second_document_is_refused() {
    let text = "a: 1\n---\nb: 2\n";
    let d = err(text);
    assert_eq!(codes_of(&d), [codes::MULTIPLE_DOCUMENTS]);
    assert_well_formed(&d.0[0]);
    assert_eq!(text_at(text, d.0[0].labels[0].span), "---");
    assert_eq!(d.0[0].labels[0].span.line, 2);
    // An explicit start or end marker around one document is fine.
    ok("---\na: 1\n...\n");
    assert_eq!(
        codes_of(&err("a: 1\n...\nb: 2\n")),
        [codes::MULTIPLE_DOCUMENTS]
    );
}

#[test]
fn an_empty_stream_is_refused() {
    for text in [
        "",
        "   \n\n",
        "# just a comment\n",
        "---\n",
        "--- # nothing\n...\n",
    ] {
        let d = err(text);
        assert_eq!(codes_of(&d), [codes::EMPTY], "{text:?}");
        assert_well_formed(&d.0[0]);
    }
    // A document that says `null` is not empty (it is the wrong type, later).
    assert_eq!(ok("null\n").kind, NodeKind::Null);
}

#[test]
fn syntax_errors_carry_the_parser_message_and_position() {
    let text = "a: 1\nb: [1, 2\n";
    let d = err(text);
    assert_eq!(codes_of(&d), [codes::SYNTAX]);
    let diag = &d.0[0];
    assert_well_formed(diag);
    assert!(
        diag.message.contains("unclosed bracket"),
        "{}",
        diag.message
    );
    assert_eq!(
        (diag.labels[0].span.line, diag.labels[0].span.column),
        (2, 4)
    );
    assert!(diag.help.as_deref().unwrap().contains("`]`"));

    let d = err("a:\n\t- b\n");
    assert_eq!(codes_of(&d), [codes::SYNTAX]);
    assert!(
        d.0[0].help.as_deref().unwrap().contains("tabs"),
        "{:?}",
        d.0[0]
    );

    let d = err("a: \"open\nb: 2\n");
    assert_eq!(codes_of(&d), [codes::SYNTAX]);

    let d = err("a: *nowhere\n");
    assert_eq!(codes_of(&d), [codes::SYNTAX]);
    assert!(d.0[0].help.as_deref().unwrap().contains("anchor"));

    let d = err("kind: Plat\0form\n");
    assert_eq!(codes_of(&d), [codes::SYNTAX]);
    assert_eq!(
        d.0[0].help.as_deref(),
        Some("remove the control character U+0000: YAML text cannot contain it")
    );
    assert_eq!(d.0[0].labels[0].span.column, 11);

    // Problems found before the syntax error are kept.
    let d = err("a: 1\na: 2\nb: [\n");
    assert_eq!(codes_of(&d), [codes::DUPLICATE_KEY, codes::SYNTAX]);
}

#[test]
fn syntax_error_positions_count_characters() {
    let text = "é: ü\nb: [ü, 2\n";
    let d = err(text);
    let span = d.0[0].labels[0].span;
    assert_eq!((span.line, span.column), (2, 4));
    assert_eq!(&text[span.range()], "[");
}

#[test]
fn nesting_at_the_limit_is_fine_and_one_more_is_refused() {
    let limits = Limits::default();
    let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
    ok(&deep(limits.max_depth));
    let d = err(&deep(limits.max_depth + 1));
    assert_eq!(codes_of(&d), [codes::TOO_DEEP]);
    assert_well_formed(&d.0[0]);
    assert_eq!(d.0[0].labels[0].span.column, 65);

    // Mixed block and flow nesting counts as one depth.
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&" ".repeat(i * 2));
        text.push_str("k:\n");
    }
    text.push_str(&" ".repeat(80));
    text.push_str(&deep(24));
    text.push('\n');
    ok(&text);
    let text = text.replace(&deep(24), &deep(25));
    assert_eq!(codes_of(&err(&text)), [codes::TOO_DEEP]);
}

/// Deep input must be refused quickly and without recursion (a stack overflow would abort
/// the test process).
#[test]
fn very_deep_nesting_is_refused_fast_without_stack_overflow() {
    let cases = [
        "[".repeat(100_000) + &"]".repeat(100_000),
        "[".repeat(100_000),
        "{a: ".repeat(100_000) + &"}".repeat(100_000),
        "- ".repeat(100_000) + "x\n",
        "[".repeat(10_000) + &"]".repeat(10_000),
        "{a: ".repeat(10_000) + "1" + &"}".repeat(10_000),
        (0..10_000)
            .map(|i| format!("{}a:\n", " ".repeat(i % 200)))
            .collect::<String>(),
    ];
    for text in &cases {
        let start = Instant::now();
        let d = err(text);
        assert!(start.elapsed() < FAST, "{:?}", start.elapsed());
        assert!(
            d.iter().any(|d| d.code == codes::TOO_DEEP),
            "{:?}",
            codes_of(&d)
        );
    }
    // Also with a generous limit in the parser: a million-deep limit must not recurse either.
    let limits = Limits {
        max_depth: 1_000_000,
        max_nodes: 1_000,
        ..Limits::default()
    };
    let d = err_with(&("[".repeat(100_000) + &"]".repeat(100_000)), &limits);
    assert_eq!(codes_of(&d), [codes::TOO_LARGE]);
}

#[test]
fn aliases_are_expanded_by_copy() {
    let text = "x-base: &base\n  image: nginx\n  ports: [80]\nname: &n api\napi: *base\nalias-of-name: *n\n";
    let root = ok(text);
    let base = get(&root, &["x-base"]);
    let api = get(&root, &["api"]);
    assert_eq!(node_to_json(api), node_to_json(base));
    // The copy's top node points at the alias; the values inside at the original.
    assert_eq!(text_at(text, api.span), "*base");
    assert_eq!(api.span.line, 5);
    assert_eq!(get(api, &["image"]).span, get(base, &["image"]).span);
    let n = get(&root, &["alias-of-name"]);
    assert_eq!(n.kind, NodeKind::Str("api".into()));
    assert_eq!(text_at(text, n.span), "*n");
}

#[test]
fn aliases_inside_anchored_collections_are_expanded_too() {
    let text = "a: &a [1, 2]\nb: &b {list: *a, again: *a}\nc: [*b, *b]\n";
    let root = ok(text);
    let json = node_to_json(&root);
    assert_eq!(
        json["c"],
        serde_json::json!([{"list": [1, 2], "again": [1, 2]}, {"list": [1, 2], "again": [1, 2]}])
    );
}

#[test]
fn an_alias_key_can_collide() {
    let d = err("a: &k name\nm:\n  *k : 1\n  name: 2\n");
    assert_eq!(codes_of(&d), [codes::DUPLICATE_KEY]);
    let root = ok("a: &k name\nm:\n  *k : 1\n");
    assert_eq!(get(&root, &["m", "name"]).kind, NodeKind::Int(1));
    assert_eq!(
        codes_of(&err("a: &k [x]\nm:\n  *k : 1\n")),
        [codes::UNSUPPORTED]
    );
}

#[test]
fn a_recursive_alias_is_refused() {
    let d = err("a: &a [1, *a]\n");
    assert_eq!(codes_of(&d), [codes::UNSUPPORTED]);
    assert_well_formed(&d.0[0]);
}

fn lol_bomb() -> String {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        text.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    text
}

#[test]
fn the_billion_laughs_bomb_is_refused_fast() {
    let text = lol_bomb();
    let start = Instant::now();
    let d = err(&text);
    let elapsed = start.elapsed();
    assert_eq!(codes_of(&d), [codes::ALIAS_BUDGET]);
    assert_well_formed(&d.0[0]);
    assert!(elapsed < FAST, "{elapsed:?}");
    // Levels hold 10, 91, 820, 7381, 66430, 597871 nodes: the third `*f` of level `g`
    // (line 7) is the first alias that crosses 2,000,000.
    assert_eq!(d.0[0].labels[0].span.line, 7);
    assert_eq!(d.0[0].labels[0].span.column, 14);
}

#[test]
fn the_alias_budget_counts_copied_text() {
    // Few nodes, much text: `a` is 10 bytes; `b` holds 4 copies (40 bytes, keys counted too:
    // `k` adds 1 byte per copy of `c`); each alias is charged what it copies.
    let text = "a: &a 0123456789\nb: &b [*a, *a, *a, *a]\nc: &c {k: *b}\nd: [*c, *c]\n";
    let limits = |max_bytes| Limits {
        max_bytes,
        ..Limits::default()
    };
    // Copied: 4 * 10 (in b) + 40 (*b in c) + 2 * 41 (*c in d) = 162 bytes.
    assert!(parse(text, FILE, &limits(text.len().max(162))).is_ok());
    let d = err_with(text, &limits(161));
    assert_eq!(codes_of(&d), [codes::ALIAS_BUDGET]);
    assert_eq!(text_at(text, d.0[0].labels[0].span), "*c");
    assert_well_formed(&d.0[0]);
    // An alias used as a key is charged too: four copies of a 50-byte key outweigh the file.
    let key = "k".repeat(50);
    let text = format!("a: &k {key}\nm: {{*k : 1}}\nn: {{*k : 1}}\no: {{*k : 1}}\np: {{*k : 1}}\n");
    assert!(text.len() < 4 * 50);
    let d = err_with(&text, &limits(text.len()));
    assert_eq!(codes_of(&d), [codes::ALIAS_BUDGET]);
}

#[test]
fn a_long_string_aliased_many_times_is_refused_fast() {
    // 1 MiB of text aliased 2,000 times: 4,000 nodes, far under the node budget, but 2 GB
    // of copies. Refused at the 17th alias (16 MiB), before the copies are made.
    let text = format!(
        "a: &a \"{}\"\nb: [{}]\n",
        "x".repeat(1 << 20),
        vec!["*a"; 2000].join(", ")
    );
    let start = Instant::now();
    let d = err(&text);
    assert_eq!(codes_of(&d), [codes::ALIAS_BUDGET]);
    assert_well_formed(&d.0[0]);
    assert!(start.elapsed() < FAST, "{:?}", start.elapsed());
}

#[test]
fn the_alias_budget_counts_expanded_nodes() {
    // `a` is 4 nodes, `b` 1 + 3 * 4 = 13; with the root and three keys the document totals
    // 1 + 3 + 4 + 13 + 13 = 34.
    let text = "a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: *b\n";
    let limits = |max_nodes| Limits {
        max_nodes,
        ..Limits::default()
    };
    assert!(parse(text, FILE, &limits(34)).is_ok());
    let d = err_with(text, &limits(33));
    assert_eq!(codes_of(&d), [codes::ALIAS_BUDGET]);
    assert_eq!(text_at(text, d.0[0].labels[0].span), "*b");
    // Without aliases, the node limit is a plain size limit.
    assert_eq!(
        codes_of(&err_with("[1, 2, 3]", &limits(3))),
        [codes::TOO_LARGE]
    );
}

#[test]
fn oversized_text_is_refused_before_parsing() {
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let d = err_with("a: [1, 2, 3, 4]\n", &limits);
    assert_eq!(codes_of(&d), [codes::TOO_LARGE]);
    // Even broken YAML: nothing is parsed.
    assert_eq!(
        codes_of(&err_with("a: [[[[[[[[[[[", &limits)),
        [codes::TOO_LARGE]
    );
}

#[test]
fn every_diagnostic_is_well_formed() {
    let texts = [
        "a: 1\na: 2\n",
        "a: !t 1\n",
        "<<: {}\n",
        "a: 1\n---\n",
        "",
        "a: [\n",
        &("[".repeat(100)),
        &lol_bomb(),
        "a: &a [*a]\n",
    ];
    for text in texts {
        for d in err(text).iter() {
            assert_well_formed(d);
        }
    }
}

#[test]
fn node_to_json_converts_everything() {
    let root = ok("a: [1, 1.5, true, null, x]\nb: {c: .nan}\n");
    assert_eq!(
        node_to_json(&root),
        serde_json::json!({"a": [1, 1.5, true, null, "x"], "b": {"c": null}})
    );
    assert_eq!(root.to_json(), node_to_json(&root));
}
