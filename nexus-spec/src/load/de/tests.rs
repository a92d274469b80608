//! Tests of the deserializer: spans, collected errors, types, enums and recovery.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Limits, Node, from_node, from_node_with_source, from_str, node_to_json, parse};
use crate::span::{FileId, Span, Spanned};

const FILE: FileId = FileId(3);

fn tree(text: &str) -> Node {
    parse(text, FILE, &Limits::default()).unwrap_or_else(|e| panic!("{:#?}", e.0))
}

fn load<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Diagnostics> {
    from_str(text, FILE, &Limits::default())
}

fn fails<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> Diagnostics {
    let d = load::<T>(text).expect_err("expected diagnostics");
    for diag in d.iter() {
        assert_well_formed(diag);
    }
    d
}

fn codes_of(d: &Diagnostics) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or_default()
}

fn text_at(text: &str, span: Span) -> &str {
    &text[span.range()]
}

fn assert_well_formed(d: &Diagnostic) {
    let span = d.primary_span().expect("a label");
    assert_eq!(span.file, FILE, "{d:?}");
    assert!(span.line >= 1 && span.column >= 1, "{d:?}");
    assert!(!help(d).is_empty(), "{d:?}");
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
struct Platform {
    services: BTreeMap<Spanned<String>, Service>,
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    image: Spanned<String>,
    #[serde(default = "one")]
    replicas: u32,
    #[serde(default)]
    ports: Vec<Port>,
    #[serde(default)]
    env: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    #[allow(dead_code)]
    strategy: Option<Strategy>,
    #[serde(default)]
    health_check: Option<Spanned<String>>,
    #[serde(default)]
    #[allow(dead_code)]
    cpu: Option<f64>,
    #[serde(default)]
    #[allow(dead_code)]
    public: bool,
}

#[derive(Debug, Deserialize)]
struct Port {
    name: Spanned<String>,
    port: Spanned<u16>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum Strategy {
    Rolling,
    Recreate,
    BlueGreen { preview: u16 },
    Canary(u8),
}

#[test]
fn spans_reach_fields_keys_items_and_options() {
    let text = "services:\n  api:\n    image: nginx\n    healthCheck: /healthz\n    ports:\n      - {name: http, port: 8080}\n  wörker:\n    image: \"busybox\"\n    env: {MODE: fast}\n";
    let p: Platform = load(text).unwrap();
    let keys: Vec<_> = p.services.keys().collect();
    assert_eq!(keys[0].value, "api");
    assert_eq!((keys[0].span.line, keys[0].span.column), (2, 3));
    assert_eq!(text_at(text, keys[1].span), "wörker");
    assert_eq!(keys[1].span.file, FILE);

    let api = &p.services["api"];
    assert_eq!(api.image.value, "nginx");
    assert_eq!((api.image.span.line, api.image.span.column), (3, 12));
    assert_eq!(api.replicas, 1);
    let health = api.health_check.as_ref().unwrap();
    assert_eq!(text_at(text, health.span), "/healthz");
    let port = &api.ports[0].port;
    assert_eq!(
        (port.value, port.span.line, port.span.column),
        (8080, 6, 28)
    );
    assert_eq!(text_at(text, api.ports[0].name.span), "http");

    let worker = &p.services["wörker"];
    assert_eq!(text_at(text, worker.image.span), "\"busybox\"");
    assert_eq!(worker.image.value, "busybox");
    let (k, v) = worker.env.iter().next().unwrap();
    assert_eq!((k.value.as_str(), v.as_str()), ("MODE", "fast"));
    assert_eq!(text_at(text, k.span), "MODE");
    assert!(worker.health_check.is_none());
}

#[test]
fn spanned_collections_cover_their_text() {
    #[derive(Debug, Deserialize)]
    struct Outer {
        inner: Spanned<BTreeMap<String, u8>>,
        list: Spanned<Vec<Spanned<u8>>>,
        maybe: Option<Spanned<u8>>,
        absent: Option<Spanned<u8>>,
    }
    let text = "inner:\n  a: 1\n  b: 2\nlist: [1, 2]\nmaybe: ~\nabsent: 4\n";
    let o: Outer = load(text).unwrap();
    assert_eq!(text_at(text, o.inner.span), "a: 1\n  b: 2");
    assert_eq!(text_at(text, o.list.span), "[1, 2]");
    assert_eq!(text_at(text, o.list.value[1].span), "2");
    assert!(o.maybe.is_none());
    assert_eq!(o.absent.map(|s| (s.value, s.span.line)), Some((4, 6)));
}

#[test]
fn three_typos_give_three_unknown_keys_at_once() {
    let text =
        "services:\n  api:\n    imgae: nginx\n    replcas: 2\n    x-note: free\n    prots: []\n";
    let d = fails::<Platform>(text);
    assert_eq!(codes_of(&d), [codes::UNKNOWN_KEY; 3], "{:#?}", d.0);
    let got: Vec<_> = d
        .iter()
        .map(|d| (text_at(text, d.labels[0].span), help(d)))
        .collect();
    assert_eq!(
        got,
        [
            ("imgae", "did you mean `image`?"),
            ("replcas", "did you mean `replicas`?"),
            ("prots", "did you mean `ports`?"),
        ]
    );
    assert_eq!(d.0[0].message, "unknown key `imgae` in `api`");
}

#[test]
fn an_unknown_key_without_a_close_match_lists_the_valid_keys() {
    let d = fails::<Port>("name: http\nport: 80\nzzz: 1\n");
    assert_eq!(codes_of(&d), [codes::UNKNOWN_KEY]);
    assert_eq!(help(&d.0[0]), "valid keys here: `name`, `port`");
}

#[test]
fn extension_keys_are_allowed_in_structs_only() {
    let p: Platform =
        load("x-defaults: &d {image: nginx}\nservices:\n  api: *d\n  x-web: {image: x}\n").unwrap();
    // In a map, `x-` keys are ordinary keys.
    assert_eq!(p.services.len(), 2);
}

#[test]
fn wrong_types_are_reported_with_help() {
    let text = "services:\n  api:\n    image: 15\n    replicas: \"3\"\n    public: yes\n    cpu: fast\n    ports:\n      - {name: 80, port: http}\n";
    let d = fails::<Platform>(text);
    assert_eq!(codes_of(&d), [codes::WRONG_TYPE; 6], "{:#?}", d.0);
    let got: Vec<_> = d
        .iter()
        .map(|d| (text_at(text, d.labels[0].span), d.message.as_str(), help(d)))
        .collect();
    assert_eq!(
        got[0],
        (
            "15",
            "wrong type for `image`: expected a string, found the integer `15`",
            "quote the value to make it a string: `image: \"15\"`"
        )
    );
    assert_eq!(got[1].0, "\"3\"");
    assert_eq!(got[1].2, "remove the quotes: `replicas: 3`");
    assert_eq!(got[2].0, "yes");
    assert!(
        got[2].2.contains("YAML 1.2 reads `yes` as a string"),
        "{}",
        got[2].2
    );
    assert_eq!(
        got[3].1,
        "wrong type for `cpu`: expected a number, found the string \"fast\""
    );
    assert_eq!(got[4].0, "80");
    assert_eq!(
        got[4].2,
        "quote the value to make it a string: `name: \"80\"`"
    );
    assert_eq!(got[5].0, "http");
}

#[test]
fn numbers_convert_as_json_schema_allows() {
    #[derive(Debug, Deserialize)]
    struct Nums {
        a: f64,
        b: u32,
        c: f32,
        d: i8,
    }
    let n: Nums = load("a: 2\nb: 3.0\nc: -1\nd: -128\n").unwrap();
    assert_eq!((n.a, n.b, n.c, n.d), (2.0, 3, -1.0, -128));
    let d = fails::<Nums>("a: .inf\nb: 3.5\nc: 1\nd: 0\n");
    assert_eq!(codes_of(&d), [codes::WRONG_TYPE]);
    assert_eq!(help(&d.0[0]), "write a whole number here, without quotes");
}

#[test]
fn integers_out_of_range_are_reported_with_the_range() {
    let text = "name: http\nport: 70000\n";
    let d = fails::<Port>(text);
    assert_eq!(codes_of(&d), [codes::INVALID_VALUE]);
    assert_eq!(text_at(text, d.0[0].labels[0].span), "70000");
    assert_eq!(
        d.0[0].message,
        "value out of range for `port`: 70000 is not between 0 and 65535"
    );
    assert_eq!(help(&d.0[0]), "use a whole number from 0 to 65535");
    assert_eq!(
        codes_of(&fails::<Port>("name: x\nport: -1\n")),
        [codes::INVALID_VALUE]
    );
    let d = fails::<Port>("name: x\nport: 99999999999999999999\n");
    assert!(
        d.0[0].message.contains("99999999999999999999"),
        "{}",
        d.0[0].message
    );
    #[derive(Debug, Deserialize)]
    struct Wide {
        #[allow(dead_code)]
        n: i128,
    }
    assert_eq!(
        codes_of(&fails::<Wide>("n: 1e300\n")),
        [codes::INVALID_VALUE]
    );
    let wide = load::<Wide>("n: 1e20\n").map(|w| w.n).ok();
    assert_eq!(wide, Some(100_000_000_000_000_000_000));
}

#[test]
fn help_quotes_the_source_text_when_known() {
    #[derive(Debug, Deserialize)]
    struct Engine {
        #[allow(dead_code)]
        version: String,
    }
    let text = "version: 1.10\n";
    let node = tree(text);
    let with = from_node_with_source::<Engine>(&node, text).unwrap_err();
    assert_eq!(
        help(&with.0[0]),
        "quote the value to make it a string: `version: \"1.10\"`"
    );
    let without = from_node::<Engine>(&node).unwrap_err();
    assert_eq!(
        help(&without.0[0]),
        "quote the value to make it a string: `version: \"1.1\"`"
    );
}

#[test]
fn missing_keys_are_all_reported_on_their_mappings() {
    let text = "services:\n  a:\n    replicas: 2\n  b:\n    image: x\n    ports:\n      - {}\n      - {name: ok, port: 1}\n  c:\n    replicas: 1\n    bogus: 1\n";
    let d = fails::<Platform>(text);
    let got: Vec<_> = d
        .iter()
        .map(|d| (d.code, d.message.as_str(), text_at(text, d.labels[0].span)))
        .collect();
    assert_eq!(
        got,
        [
            (
                codes::MISSING_KEY,
                "missing required key `image` in `a`",
                "replicas: 2"
            ),
            (
                codes::MISSING_KEY,
                "missing required key `name` in an item of `ports`",
                "{}"
            ),
            (
                codes::MISSING_KEY,
                "missing required key `port` in an item of `ports`",
                "{}"
            ),
            (
                codes::MISSING_KEY,
                "missing required key `image` in `c`",
                "replicas: 1\n    bogus: 1"
            ),
            (codes::UNKNOWN_KEY, "unknown key `bogus` in `c`", "bogus"),
        ]
    );
    assert_eq!(help(&d.0[0]), "add `image: ...` to this mapping");
}

#[test]
fn missing_keys_across_many_mappings_take_few_passes() {
    let mut text = String::from("services:\n");
    for i in 0..500 {
        text.push_str(&format!("  s{i}:\n    replicas: {i}\n"));
    }
    let d = fails::<Platform>(&text);
    assert_eq!(d.len(), 500);
    assert!(d.iter().all(|d| d.code == codes::MISSING_KEY));
}

#[test]
fn a_value_of_the_wrong_shape_causes_one_diagnostic_not_a_cascade() {
    let d = fails::<Platform>("services:\n  api: 5\n  web:\n  db: [x]\n");
    assert_eq!(codes_of(&d), [codes::WRONG_TYPE; 3], "{:#?}", d.0);
    assert_eq!(
        help(&d.0[1]),
        "write the keys of `web` on the lines below it, indented"
    );

    let d = fails::<Platform>("services:\n  api:\n    image: x\n    ports: 80\n    env: [a]\n");
    assert_eq!(codes_of(&d), [codes::WRONG_TYPE; 2]);
    assert_eq!(
        help(&d.0[0]),
        "write a sequence, even for a single item: `ports: [80]`"
    );

    let d = fails::<Platform>("- a\n- b\n");
    assert_eq!(codes_of(&d), [codes::WRONG_TYPE]);
    assert_eq!(d.0[0].labels[0].span.line, 1);
}

#[test]
fn enums_unit_variants_as_strings_and_data_variants_as_single_key_maps() {
    #[derive(Debug, Deserialize)]
    struct S {
        s: Vec<Strategy>,
    }
    let s: S = load("s:\n  - rolling\n  - {recreate: null}\n  - blue-green: {preview: 8081}\n  - {canary: 10}\n").unwrap();
    assert_eq!(
        s.s,
        [
            Strategy::Rolling,
            Strategy::Recreate,
            Strategy::BlueGreen { preview: 8081 },
            Strategy::Canary(10)
        ]
    );
    let text = "s:\n  - blue-gren\n  - blue-green\n  - rolling: {x: 1}\n  - {rolling: , canary: 1}\n  - 7\n  - {canary: 300}\n  - {blue-green: {preveiw: 1}}\n  - {blue-green: {}}\n  - {deploy: {}}\n";
    let d = fails::<S>(text);
    let got: Vec<_> = d
        .iter()
        .map(|d| (d.code, text_at(text, d.labels[0].span)))
        .collect();
    assert_eq!(
        got,
        [
            (codes::UNKNOWN_VARIANT, "blue-gren"),
            (codes::WRONG_TYPE, "blue-green"),
            (codes::WRONG_TYPE, "{x: 1}"),
            (codes::WRONG_TYPE, "{rolling: , canary: 1}"),
            (codes::WRONG_TYPE, "7"),
            (codes::INVALID_VALUE, "300"),
            (codes::UNKNOWN_KEY, "preveiw"),
            (codes::MISSING_KEY, "{}"),
            (codes::UNKNOWN_VARIANT, "deploy"),
        ],
        "{:#?}",
        d.0
    );
    assert_eq!(help(&d.0[0]), "did you mean `blue-green`?");
    assert_eq!(
        help(&d.0[1]),
        "write it as a mapping with its settings: `blue-green: {...}`"
    );
    assert_eq!(
        d.0[0].message,
        "unknown value `blue-gren` for an item of `s`"
    );
    assert!(help(&d.0[8]).starts_with("expected one of `rolling`, `recreate`"));
}

#[test]
fn map_keys_can_be_spanned_numbers_or_enum_variants() {
    #[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
    #[serde(rename_all = "lowercase")]
    enum Target {
        Compose,
        Kubernetes,
    }
    #[derive(Debug, Deserialize)]
    struct Keys {
        ports: HashMap<u16, String>,
        targets: BTreeMap<Target, bool>,
        names: BTreeMap<Spanned<String>, Spanned<u8>>,
    }
    let text = "ports: {80: http, 443: https}\ntargets: {compose: true}\nnames: {b: 2, a: 1}\n";
    let k: Keys = load(text).unwrap();
    assert_eq!(k.ports[&443], "https");
    assert!(k.targets[&Target::Compose]);
    let names: Vec<_> = k
        .names
        .iter()
        .map(|(k, v)| (k.value.as_str(), v.value))
        .collect();
    assert_eq!(names, [("a", 1), ("b", 2)]);
    let (a, _) = k.names.iter().next().unwrap();
    assert_eq!(text_at(text, a.span), "a");

    let d = fails::<Keys>("ports: {http: x, 70000: y}\ntargets: {swarm: true}\nnames: {}\n");
    assert_eq!(
        codes_of(&d),
        [codes::WRONG_TYPE, codes::WRONG_TYPE, codes::UNKNOWN_VARIANT]
    );
}

#[test]
fn serde_attributes_work() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct Name(String);
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    struct Opts {
        max_surge: u8,
        name: Option<Name>,
        #[serde(alias = "pair")]
        tuple: (u8, char),
        unit: (),
    }
    impl Default for Opts {
        fn default() -> Self {
            Opts {
                max_surge: 9,
                name: None,
                tuple: (0, 'a'),
                unit: (),
            }
        }
    }
    let o: Opts = load("maxSurge: 2\nname: n\npair: [1, z]\nunit: ~\n").unwrap();
    assert_eq!(
        (o.max_surge, o.name, o.tuple, o.unit),
        (2, Some(Name("n".into())), (1, 'z'), ())
    );
    let o: Opts = load("{}").unwrap();
    assert_eq!(o.max_surge, 9);
    let d = fails::<Opts>("max_surge: 2\ntuple: [1, zz, 3]\nunit: 1\n");
    assert_eq!(
        codes_of(&d),
        [
            codes::UNKNOWN_KEY,
            codes::WRONG_TYPE,
            codes::INVALID_VALUE,
            codes::WRONG_TYPE
        ],
        "{:#?}",
        d.0
    );
    assert_eq!(help(&d.0[0]), "did you mean `maxSurge`?");
}

#[test]
fn borrowed_strings_and_serde_json_values() {
    #[derive(Debug, Deserialize)]
    struct B<'a> {
        name: &'a str,
        extra: serde_json::Value,
    }
    let node = tree("name: api\nextra: {a: [1, true, ~, x]}\n");
    let b: B<'_> = from_node(&node).unwrap();
    assert_eq!(b.name, "api");
    assert_eq!(b.extra, serde_json::json!({"a": [1, true, null, "x"]}));
}

/// A value whose own `Deserialize` refuses some input (as a parsed quantity might).
#[derive(Debug)]
struct Even(#[allow(dead_code)] u32);

impl<'de> Deserialize<'de> for Even {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u32::deserialize(d)?;
        if n % 2 == 0 {
            Ok(Even(n))
        } else {
            Err(serde::de::Error::custom(format!("{n} is odd")))
        }
    }
}

/// A value that even a dummy cannot satisfy (the dummy `0` is refused too).
#[derive(Debug, Deserialize)]
#[serde(try_from = "u32")]
struct Positive(#[allow(dead_code)] u32);

impl TryFrom<u32> for Positive {
    type Error = String;
    fn try_from(n: u32) -> Result<Self, String> {
        if n > 0 {
            Ok(Positive(n))
        } else {
            Err("must be positive".into())
        }
    }
}

#[test]
fn custom_errors_are_located_and_reading_goes_on() {
    #[derive(Debug, Deserialize)]
    struct Item {
        #[allow(dead_code)]
        even: Even,
        #[allow(dead_code)]
        name: String,
    }
    let text = "- {even: 3, name: a}\n- {even: 4, name: 5}\n- {even: 5, name: c, typo: 1}\n";
    let d = fails::<Vec<Item>>(text);
    let got: Vec<_> = d
        .iter()
        .map(|d| (d.code, text_at(text, d.labels[0].span)))
        .collect();
    assert_eq!(
        got,
        [
            (codes::INVALID_VALUE, "3"),
            (codes::WRONG_TYPE, "5"),
            (codes::INVALID_VALUE, "5"),
            (codes::UNKNOWN_KEY, "typo"),
        ],
        "{:#?}",
        d.0
    );
    assert_eq!(d.0[0].message, "invalid value for `even`: 3 is odd");
}

#[test]
fn a_value_even_a_dummy_cannot_satisfy_is_replaced_with_its_container() {
    #[derive(Debug, Deserialize)]
    struct Item {
        #[allow(dead_code)]
        n: Positive,
    }
    #[derive(Debug, Deserialize)]
    struct Doc {
        #[allow(dead_code)]
        items: Vec<Item>,
        #[allow(dead_code)]
        other: Spanned<u8>,
    }
    let text = "items:\n  - {n: 0}\n  - {n: 2}\nother: 300\n";
    let d = fails::<Doc>(text);
    let got: Vec<_> = d
        .iter()
        .map(|d| (d.code, text_at(text, d.labels[0].span)))
        .collect();
    assert_eq!(
        got,
        [(codes::INVALID_VALUE, "0"), (codes::INVALID_VALUE, "300")],
        "{:#?}",
        d.0
    );
    assert_eq!(d.0[0].message, "invalid value for `n`: must be positive");
}

#[test]
fn a_required_field_given_under_a_serde_alias_is_not_filled_in_twice() {
    #[derive(Debug, Deserialize)]
    struct Svc {
        #[serde(alias = "img")]
        #[allow(dead_code)]
        image: String,
    }
    let d = fails::<BTreeMap<String, Svc>>("a: {}\nb: {img: x}\nc: {imag: y}\n");
    assert_eq!(
        codes_of(&d),
        [codes::MISSING_KEY, codes::UNKNOWN_KEY],
        "{:#?}",
        d.0
    );
    assert_eq!(help(&d.0[1]), "did you mean `image`?");
}

#[test]
fn recursive_types_read_deep_trees_and_dummies_stay_bounded() {
    #[derive(Debug, Deserialize)]
    struct Tree {
        #[serde(default)]
        children: Vec<Tree>,
    }
    // Each level is a mapping and a sequence: 32 levels are the default depth limit of 64.
    let mut text = String::new();
    for _ in 0..32 {
        text.push_str("{children: [");
    }
    text.push_str(&"]}".repeat(32));
    let t: Tree = load(&text).unwrap();
    let mut depth = 0;
    let mut node = &t;
    while let Some(child) = node.children.first() {
        depth += 1;
        node = child;
    }
    assert_eq!(depth, 31);

    /// A required recursive field: a dummy for it would never end.
    #[derive(Debug, Deserialize)]
    struct Chain {
        #[allow(dead_code)]
        next: Box<Chain>,
    }
    let d = fails::<Chain>("next: 5\n");
    assert_eq!(codes_of(&d), [codes::WRONG_TYPE]);
}

#[test]
fn every_value_type_maps_to_json_for_schema_checks() {
    let node = tree("a: {b: [1, 2.5, x]}\n");
    assert_eq!(
        node_to_json(&node),
        serde_json::json!({"a": {"b": [1, 2.5, "x"]}})
    );
}

/// The loader and the committed JSON Schema agree on the real model: what one accepts, the
/// other accepts.
#[test]
fn agrees_with_the_json_schema_of_the_model() {
    use crate::model::PlatformFile;

    let schema: serde_json::Value =
        serde_json::from_str(&crate::schema::json_schema()).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let base = include_str!("../../../../specs/nexus.yaml");

    let check = |text: &str, want_ok: bool| {
        let loaded = load::<PlatformFile>(text);
        let json = node_to_json(&tree(text));
        let schema_ok = validator.is_valid(&json);
        assert_eq!(
            loaded.is_ok(),
            want_ok,
            "loader on\n{text}\n{:#?}",
            loaded.err()
        );
        assert_eq!(schema_ok, want_ok, "schema on\n{text}");
    };
    check(base, true);

    let small = "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: {name: demo, version: VERSION}\nspec:\n  x-anchors: {a: 1}\n  services:\n    web:\n      image: nginx\n      ports: [{name: http, port: PORT}]\n  environments: {staging: {}}\n";
    let variant =
        |version: &str, port: &str| small.replace("VERSION", version).replace("PORT", port);
    check(&variant("1.0.0", "8080"), true);
    check(&variant("15", "8080"), false);
    check(&variant("\"15\"", "8080.0"), true);
    check(&variant("1.0.0", "\"8080\""), false);
    check(&variant("1.0.0", "8080.5"), false);
    check(&variant("1.0.0", "8080, bogus: 1"), false);
    check(&variant("1.0.0", "8080, x-note: 1"), true);
    check(&variant("1.0.0", "8080, protocol: TCP"), true);
    check(&variant("1.0.0", "8080, protocol: SCTP"), false);
    check(&variant("1.0.0", "8080, hostPort: ~"), true);
}
