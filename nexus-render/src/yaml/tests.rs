//! The fast emitter against the reference: wherever it writes a document, it writes the
//! reference's bytes.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, PodSpec, PodTemplateSpec, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use proptest::prelude::*;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::{fast, plain, reference, to_yaml};

/// Strings that YAML 1.1 readers would retype must come out quoted.
#[test]
fn quotes_yaml11_lookalikes() {
    let words = [
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "~",
        "null",
        "0755",
        "1e3",
        "12:30",
        "true",
        "2024-01-01",
    ];
    let map: BTreeMap<&str, &str> = words.iter().map(|w| (*w, *w)).collect();
    let yaml = to_yaml(&map, "test").unwrap();
    insta::assert_snapshot!(yaml);
}

/// A document of any shape: what the property below generates.
#[derive(Debug, Clone)]
enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    Seq(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Str(v) => s.serialize_str(v),
            Value::Int(v) => s.serialize_i64(*v),
            Value::Bool(v) => s.serialize_bool(*v),
            Value::Null => s.serialize_none(),
            Value::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Strings of every kind the emitters tell apart: names, paths, URLs, keywords, numbers,
/// YAML and shell syntax, edge whitespace, line breaks, control and non-ASCII characters,
/// and strings around the 80-character folding width.
fn any_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z/][a-z0-9._/:@=+,-]{0,12}",
        2 => "[A-Za-z][A-Za-z0-9._-]{0,6}(/[a-z0-9.-]{1,6})?",
        1 => prop::sample::select(vec![
            "on", "Off", "YES", "n", "y", "null", "Null", "~", "true", "False", "nan", ".inf",
            "-inf", "inf", "<<", "=", "0755", "0x1F", "1e3", "12:30", "2024-01-01", "100m",
            "256Mi", "1", "-", "?", "- a", "---", "...", "a: b", "a:", "a #b", "a#b", "#a",
            "'q'", "\"q\"", "", " ", "a ", " a", "a\tb", "a\nb", "a\n", "\n", "a\r\nb",
            "é", "naïve", "\u{feff}x", "\u{2028}", "x\u{0}y", "\\", "{a}", "[a]", "a,b",
            "&a", "*a", "!a", "|", ">", "%a", "@a", "`a",
        ]).prop_map(str::to_owned),
        1 => "[ -~]{0,20}",
        1 => "[a-z ]{70,100}",
        1 => "[a-z/]{75,90}",
        1 => "[a-z #:\n'\"]{0,30}",
        3 => multi_line_string(),
        3 => prose_string(),
    ]
}

/// One-line strings that start with a letter, as alert expressions and descriptions do,
/// with the characters and lengths around what [`plain::plain_prose`] accepts.
fn prose_string() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[A-Za-z][ -~]{0,84}",
        2 => "[A-Za-z][a-z ]{0,6}[:#][ a-z:#]{0,4}",
        1 => "[A-Za-z][a-z(){}\"=|.,\\$\\[\\] ]{70,84}",
        1 => "[YyNnOoTtFf][a-zA-Z]{0,4}",
        1 => "[A-Za-z][ -~é\t]{0,12}",
    ]
    .boxed()
}

/// Strings of several lines: indented or not, with trailing line breaks or none, and now
/// and then a character a literal block cannot hold.
fn multi_line_string() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "( {0,3}[a-z #:'\"\t{}-]{0,12}\n){1,4}[ a-z]{0,6}\n{0,3}",
        1 => "(\n{0,2}[ -~é\u{85}\u{2028}\u{feff}\r]{0,8}){1,4}\n{0,2}",
    ]
    .boxed()
}

/// Mostly what manifests hold (names as keys, plain or singly quoted values), with any
/// string now and then: deep documents that still take the fast path.
fn manifest_string() -> BoxedStrategy<String> {
    prop_oneof![
        12 => "[a-z/][a-z0-9._/:@=+,-]{0,12}",
        3 => "[ -~]{0,12}",
        1 => any_string(),
    ]
    .boxed()
}

fn manifest_key() -> BoxedStrategy<String> {
    prop_oneof![
        30 => "[a-zA-Z][a-zA-Z0-9._/-]{0,12}",
        1 => any_string(),
    ]
    .boxed()
}

fn value(
    strings: BoxedStrategy<String>,
    keys: BoxedStrategy<String>,
) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        6 => strings.prop_map(Value::Str),
        1 => any::<i64>().prop_map(Value::Int),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Seq),
            prop::collection::vec((keys.clone(), inner), 0..5).prop_map(Value::Map),
        ]
    })
}

/// A mapping of `keys` to values built from `strings`.
fn document(
    strings: BoxedStrategy<String>,
    keys: BoxedStrategy<String>,
) -> impl Strategy<Value = Value> {
    prop::collection::vec((keys.clone(), value(strings, keys)), 0..6).prop_map(Value::Map)
}

/// 512 cases by default; `PROPTEST_CASES` sets another count.
fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases())]

    /// Whatever the fast emitter writes from any strings is what the reference writes.
    #[test]
    fn fast_emitter_writes_the_reference_bytes(
        doc in document(any_string().boxed(), any_string().boxed()),
    ) {
        if let Ok(fast) = fast::to_string(&doc) {
            prop_assert_eq!(fast, reference(&doc).unwrap());
        }
    }

    /// The same for one-line sentences and expressions under plain keys.
    #[test]
    fn fast_emitter_writes_the_reference_prose(
        doc in document(prose_string(), manifest_key()),
    ) {
        if let Ok(fast) = fast::to_string(&doc) {
            prop_assert_eq!(fast, reference(&doc).unwrap());
        }
    }

    /// The same for multi-line strings under plain keys, which take the fast path's
    /// literal blocks ([`super::literal`]) at every depth.
    #[test]
    fn fast_emitter_writes_the_reference_blocks(
        doc in document(multi_line_string(), manifest_key()),
    ) {
        if let Ok(fast) = fast::to_string(&doc) {
            prop_assert_eq!(fast, reference(&doc).unwrap());
        }
    }

    /// The same for deep manifest-like documents, most of which take the fast path.
    #[test]
    fn fast_emitter_writes_the_reference_layout(doc in document(manifest_string(), manifest_key())) {
        if let Ok(fast) = fast::to_string(&doc) {
            prop_assert_eq!(fast, reference(&doc).unwrap());
        }
    }
}

/// The property above is not vacuous: documents of evidently plain strings, numbers,
/// booleans, nulls and nested collections (empty ones too) are written by the fast
/// emitter, in every layout position.
#[test]
fn plain_documents_take_the_fast_path() {
    let s = |v: &str| Value::Str(v.to_owned());
    let doc = Value::Map(vec![
        ("name".into(), s("nexus-production")),
        ("port".into(), Value::Int(8080)),
        ("enabled".into(), Value::Bool(false)),
        ("gone".into(), Value::Null),
        ("empty".into(), Value::Map(vec![])),
        ("none".into(), Value::Seq(vec![])),
        (
            "items".into(),
            Value::Seq(vec![
                s("/bin/sh"),
                s("needs quotes: yes"),
                Value::Map(vec![
                    ("a".into(), Value::Map(vec![("b".into(), s("c"))])),
                    ("d".into(), Value::Seq(vec![s("e"), Value::Map(vec![])])),
                ]),
                Value::Map(vec![]),
                s("30"),
                s("#!/bin/sh\nset -eu\n\n  exec server\n"),
                Value::Map(vec![(
                    "command".into(),
                    s("wget -q -O /dev/null ".repeat(5).trim_end()),
                )]),
            ]),
        ),
        ("script".into(), s("#!/bin/sh\nexit 0")),
    ]);
    let fast = fast::to_string(&doc).expect("a plain document takes the fast path");
    assert_eq!(fast, reference(&doc).unwrap());
    insta::assert_snapshot!(fast);
}

/// The reference's answers remembered per string (`fast::styled`) give the reference's
/// bytes for repeated strings, a folded block scalar among them, also after the memory was full
/// and forgotten.
#[test]
fn remembered_styles_write_the_reference_bytes() {
    let s = |v: &str| Value::Str(v.to_owned());
    let tricky = [
        "1.0.0",
        "100m",
        "512Mi",
        "25%",
        "yes",
        "a: b",
        "Check the pods of this workload and their events and logs; a failing readiness probe takes it out.",
    ];
    let mut items = Vec::new();
    for round in 0..3 {
        for t in tricky {
            items.push(s(t));
        }
        // Enough distinct strings to fill the memory and make it start over.
        for i in 0..2_500 {
            items.push(s(&format!("{round}{i}")));
        }
    }
    let doc = Value::Map(vec![("items".into(), Value::Seq(items))]);
    let first = fast::to_string(&doc).expect("takes the fast path");
    assert_eq!(first, reference(&doc).unwrap());
    assert_eq!(fast::to_string(&doc).unwrap(), first);
}

/// Multi-line strings are written as literal blocks without asking the reference, with every
/// header it would choose, under keys and dashes at any depth; strings a block cannot hold
/// still come out as the reference writes them.
#[test]
fn literal_blocks_write_the_reference_bytes() {
    let s = |v: &str| Value::Str(v.to_owned());
    let strings = [
        "#!/bin/sh\nexit 0\n",
        "no trailing break\nhere",
        "kept\n\n\n",
        "\n\nleading breaks\n",
        "  indented first line\nthen not\n",
        "\n  indented after a break",
        "  kept and indented\n\n",
        "tabs\tand: colons # and quotes '\"\n- a dash\n",
        "naïve\n",
        "carriage\r\nreturn\n",
        "byte order\u{feff}\n",
        "\n\n",
    ];
    let inner = Value::Map(
        strings
            .iter()
            .map(|t| (format!("k{}", t.len()), s(t)))
            .collect(),
    );
    let doc = Value::Map(vec![
        ("top".into(), s(strings[0])),
        (
            "items".into(),
            Value::Seq(strings.iter().map(|t| s(t)).collect()),
        ),
        (
            "nested".into(),
            Value::Seq(vec![
                inner.clone(),
                Value::Map(vec![("deeper".into(), inner)]),
            ]),
        ),
    ]);
    let fast = fast::to_string(&doc).expect("takes the fast path");
    assert_eq!(fast, reference(&doc).unwrap());
    assert!(fast.contains("top: |\n  #!/bin/sh\n  exit 0\n"), "{fast}");
    for header in ["|-", "|+", "|2", "|2-", "|2+"] {
        assert!(fast.contains(&format!(" {header}\n")), "{header} in {fast}");
    }
}

/// Shapes left to the reference: a sequence in a sequence, keys that need quotes, a
/// sequence as the document, floats.
#[test]
fn other_shapes_are_left_to_the_reference() {
    let s = |v: &str| Value::Str(v.to_owned());
    for doc in [
        Value::Map(vec![(
            "nested".into(),
            Value::Seq(vec![Value::Seq(vec![])]),
        )]),
        Value::Map(vec![("on".into(), s("x"))]),
        Value::Seq(vec![s("top-level sequence")]),
    ] {
        assert!(fast::to_string(&doc).is_err(), "{doc:?}");
        // And `to_yaml` still writes them, through the reference.
        assert_eq!(to_yaml(&doc, "test").unwrap(), reference(&doc).unwrap());
    }
    assert!(fast::to_string(&BTreeMap::from([("ratio", 0.5)])).is_err());
}

/// A Deployment as the Kubernetes generator builds it: k8s-openapi's own `Serialize`
/// (optional fields, quantities, nested lists of maps) takes the fast path, same bytes.
#[test]
fn kubernetes_objects_take_the_fast_path() {
    let labels = BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), "backend".to_owned()),
        ("app.kubernetes.io/part-of".to_owned(), "nexus".to_owned()),
    ]);
    let container = Container {
        name: "backend".into(),
        image: Some("registry.example.com/nexus/backend:1.4.2".into()),
        command: Some(vec![
            "/bin/sh".into(),
            "-c".into(),
            "exec server --port 8080".into(),
        ]),
        env: Some(vec![
            EnvVar {
                name: "WORKERS".into(),
                value: Some("4".into()),
                ..EnvVar::default()
            },
            EnvVar {
                name: "DATABASE_URL".into(),
                value: Some("postgres://postgres:5432/nexus".into()),
                ..EnvVar::default()
            },
        ]),
        ports: Some(vec![ContainerPort {
            container_port: 8080,
            name: Some("http".into()),
            ..ContainerPort::default()
        }]),
        resources: Some(ResourceRequirements {
            limits: Some(BTreeMap::from([
                ("cpu".to_owned(), Quantity("1".into())),
                ("memory".to_owned(), Quantity("1Gi".into())),
            ])),
            requests: Some(BTreeMap::from([(
                "cpu".to_owned(),
                Quantity("100m".into()),
            )])),
            ..ResourceRequirements::default()
        }),
        ..Container::default()
    };
    let deployment = Deployment {
        metadata: ObjectMeta {
            name: Some("backend".into()),
            namespace: Some("nexus-production".into()),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(3),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![container],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    };
    let fast = fast::to_string(&deployment).expect("a Deployment takes the fast path");
    assert_eq!(fast, reference(&deployment).unwrap());
}

#[test]
fn plain_strings_are_recognised_conservatively() {
    for yes in ["nexus", "app.kubernetes.io/name", "/var/run", "a_b-c.d"] {
        assert!(plain::plain(yes, true), "{yes}");
    }
    for value_only in ["http://minio:9000", "a=b", "user@host", "a,b"] {
        assert!(plain::plain(value_only, false) && !plain::plain(value_only, true));
    }
    let long = "a".repeat(81);
    for no in [
        "", "on", "NULL", "Yes", "30", "100m", "-x", "a b", "key:", ".hidden", &long,
    ] {
        assert!(!plain::plain(no, false), "{no}");
    }
}

#[test]
fn room_up_front_is_the_estimate_up_to_a_bound() {
    assert_eq!(super::room(13 << 20), 13 << 20);
    // A platform at the size bound estimates hundreds of MB for some texts; they start at
    // the bound and grow from there.
    assert_eq!(super::room(400 << 20), super::MAX_ROOM);
    let text = super::to_yaml_sized(&["a"], "example", usize::MAX).unwrap();
    assert_eq!(text, "- a\n");
    assert_eq!(text.capacity(), super::MAX_ROOM);
}
