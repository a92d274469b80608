//! Reading rendered files back as objects: Kubernetes documents by kind and name, Compose
//! services, volumes, networks and secrets by name, any other file as one text object.

use serde_json::Value;

/// One object of a rendered file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Object {
    /// `Deployment`, `compose service`, `file`.
    pub(crate) kind: String,
    /// Its name (the file's path for a text object).
    pub(crate) name: String,
    /// Its content.
    pub(crate) body: Body,
}

/// An object's content.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    /// Structured (from YAML).
    Tree(Value),
    /// Lines of text.
    Text(String),
}

/// The objects of the file at `path`. YAML that does not parse is read as text; bytes that
/// are not UTF-8 give one text object summarised as binary.
pub(crate) fn objects(path: &str, bytes: &[u8]) -> Vec<Object> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let is_yaml = path.ends_with(".yaml") || path.ends_with(".yml");
    if is_yaml && let Some(docs) = parse_yaml(&text) {
        let mut out = Vec::new();
        for (i, doc) in docs.into_iter().enumerate() {
            yaml_objects(path, i, doc, &mut out);
        }
        return out;
    }
    vec![Object {
        kind: "file".into(),
        name: path.to_owned(),
        body: Body::Text(text),
    }]
}

/// What a file holds, for a table: (kind, count), in first-seen order.
///
/// The same answer as counting [`objects`] by kind, but YAML is read into a [`Shape`]
/// (kind, name and section sizes) instead of a full tree: the README of a 1,000-service
/// platform describes some 2,300 files, and building their trees took 60% of `nexus render`.
pub fn describe(path: &str, bytes: &[u8]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut add = |kind: &str, n: usize| {
        if n == 0 {
            return;
        }
        match out.iter_mut().find(|(k, _)| k == kind) {
            Some((_, count)) => *count += n,
            None => out.push((kind.to_owned(), n)),
        }
    };
    let is_yaml = path.ends_with(".yaml") || path.ends_with(".yml");
    let shapes = if is_yaml {
        serde_saphyr::from_multiple::<Shape>(&String::from_utf8_lossy(bytes)).ok()
    } else {
        None
    };
    let Some(shapes) = shapes else {
        add(file_kind(path), 1);
        return out;
    };
    for shape in shapes {
        match shape {
            Shape::Null => {}
            Shape::Other => add("YAML document", 1),
            Shape::Mapping(m) => {
                if let (Some(kind), true) = (&m.kind, m.named) {
                    add(kind, 1);
                } else if m.sections[0].is_some() {
                    for (entries, kind) in m.sections.iter().zip(SECTION_KINDS) {
                        add(kind, entries.unwrap_or(0));
                    }
                    if m.other_keys {
                        add("compose project", 1);
                    }
                } else {
                    add("YAML document", 1);
                }
            }
        }
    }
    out
}

/// The Compose sections [`yaml_objects`] splits into objects, and their object kinds.
const SECTIONS: [&str; 5] = ["services", "volumes", "networks", "secrets", "configs"];
const SECTION_KINDS: [&str; 5] = [
    "compose service",
    "compose volume",
    "compose network",
    "compose secret",
    "compose config",
];

/// What [`yaml_objects`] looks at in one YAML document, and nothing more.
enum Shape {
    Null,
    Mapping(MappingShape),
    Other,
}

#[derive(Default)]
struct MappingShape {
    /// `kind`, when it is a string.
    kind: Option<String>,
    /// Whether `metadata.name` is a string.
    named: bool,
    /// Entries of each of [`SECTIONS`], when it is a mapping.
    sections: [Option<usize>; 5],
    /// Whether a key other than the sections is present.
    other_keys: bool,
}

impl<'de> serde::Deserialize<'de> for Shape {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Shape, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Shape;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a YAML document")
            }
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape::Null)
            }
            fn visit_none<E>(self) -> Result<Shape, E> {
                Ok(Shape::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Shape, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Shape::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Shape, A::Error> {
                let mut m = MappingShape::default();
                while let Some(key) = a.next_key::<String>()? {
                    if let Some(i) = SECTIONS.iter().position(|s| *s == key) {
                        m.sections[i] = a.next_value::<Entries>()?.0;
                        continue;
                    }
                    m.other_keys = true;
                    match key.as_str() {
                        "kind" => m.kind = a.next_value::<MaybeStr>()?.0,
                        "metadata" => m.named = a.next_value::<MetaName>()?.0,
                        _ => {
                            a.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(Shape::Mapping(m))
            }
        }
        d.deserialize_any(V)
    }
}

/// A value, kept when it is a string.
struct MaybeStr(Option<String>);

impl<'de> serde::Deserialize<'de> for MaybeStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<MaybeStr, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = MaybeStr;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<MaybeStr, E> {
                Ok(MaybeStr(Some(v.to_owned())))
            }
            fn visit_unit<E>(self) -> Result<MaybeStr, E> {
                Ok(MaybeStr(None))
            }
            fn visit_none<E>(self) -> Result<MaybeStr, E> {
                Ok(MaybeStr(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<MaybeStr, E> {
                Ok(MaybeStr(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<MaybeStr, E> {
                Ok(MaybeStr(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<MaybeStr, E> {
                Ok(MaybeStr(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<MaybeStr, E> {
                Ok(MaybeStr(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<MaybeStr, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(MaybeStr(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<MaybeStr, A::Error> {
                while a.next_entry::<String, serde::de::IgnoredAny>()?.is_some() {}
                Ok(MaybeStr(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Whether a `metadata` value is a mapping whose `name` is a string.
struct MetaName(bool);

impl<'de> serde::Deserialize<'de> for MetaName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<MetaName, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = MetaName;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<MetaName, A::Error> {
                let mut named = false;
                while let Some(key) = a.next_key::<String>()? {
                    if key == "name" {
                        named = a.next_value::<MaybeStr>()?.0.is_some();
                    } else {
                        a.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(MetaName(named))
            }
            fn visit_unit<E>(self) -> Result<MetaName, E> {
                Ok(MetaName(false))
            }
            fn visit_none<E>(self) -> Result<MetaName, E> {
                Ok(MetaName(false))
            }
            fn visit_bool<E>(self, _: bool) -> Result<MetaName, E> {
                Ok(MetaName(false))
            }
            fn visit_i64<E>(self, _: i64) -> Result<MetaName, E> {
                Ok(MetaName(false))
            }
            fn visit_u64<E>(self, _: u64) -> Result<MetaName, E> {
                Ok(MetaName(false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<MetaName, E> {
                Ok(MetaName(false))
            }
            fn visit_str<E>(self, _: &str) -> Result<MetaName, E> {
                Ok(MetaName(false))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<MetaName, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(MetaName(false))
            }
        }
        d.deserialize_any(V)
    }
}

/// The number of entries of a value that is a mapping (distinct keys, as a tree keeps
/// them), or `None` for any other value.
struct Entries(Option<usize>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Entries, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Entries, A::Error> {
                let mut keys = std::collections::BTreeSet::new();
                while let Some((k, _)) = a.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.insert(k);
                }
                Ok(Entries(Some(keys.len())))
            }
            fn visit_unit<E>(self) -> Result<Entries, E> {
                Ok(Entries(None))
            }
            fn visit_none<E>(self) -> Result<Entries, E> {
                Ok(Entries(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Entries, E> {
                Ok(Entries(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Entries, E> {
                Ok(Entries(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Entries, E> {
                Ok(Entries(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Entries, E> {
                Ok(Entries(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Entries, E> {
                Ok(Entries(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Entries, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Entries(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// [`describe`] as it was first written, by building every object: the reference the
/// fast one is tested against.
#[cfg(test)]
fn describe_by_objects(path: &str, bytes: &[u8]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for o in objects(path, bytes) {
        let kind = if o.kind == "file" {
            file_kind(path).to_owned()
        } else {
            o.kind
        };
        match out.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => out.push((kind, 1)),
        }
    }
    out
}

fn file_kind(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.ends_with(".conf") {
        if path.split('/').any(|s| s == "nginx") {
            "Nginx configuration"
        } else {
            "configuration"
        }
    } else if name.ends_with(".md") {
        "Markdown"
    } else if name.starts_with(".env") || name.ends_with(".env") {
        "environment file"
    } else if name.ends_with(".json") {
        "JSON"
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        "YAML"
    } else {
        "file"
    }
}

fn parse_yaml(text: &str) -> Option<Vec<Value>> {
    serde_saphyr::from_multiple::<Value>(text).ok()
}

fn yaml_objects(path: &str, index: usize, doc: Value, out: &mut Vec<Object>) {
    let Value::Object(mut map) = doc else {
        if !doc.is_null() {
            out.push(Object {
                kind: "YAML document".into(),
                name: format!("{path}#{index}"),
                body: Body::Tree(doc),
            });
        }
        return;
    };
    let kind = map.get("kind").and_then(Value::as_str).map(str::to_owned);
    let name = map
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let (Some(kind), Some(name)) = (kind, name) {
        out.push(Object {
            kind,
            name,
            body: Body::Tree(Value::Object(map)),
        });
        return;
    }
    if map.get("services").is_some_and(Value::is_object) {
        // A Compose project: one object per service, volume, network, secret and config;
        // what is left (the project name) is the project object.
        for (section, kind) in [
            ("services", "compose service"),
            ("volumes", "compose volume"),
            ("networks", "compose network"),
            ("secrets", "compose secret"),
            ("configs", "compose config"),
        ] {
            if let Some(Value::Object(entries)) = map.remove(section) {
                for (name, body) in entries {
                    out.push(Object {
                        kind: kind.into(),
                        name,
                        body: Body::Tree(body),
                    });
                }
            }
        }
        if !map.is_empty() {
            out.push(Object {
                kind: "compose project".into(),
                name: path.to_owned(),
                body: Body::Tree(Value::Object(map)),
            });
        }
        return;
    }
    out.push(Object {
        kind: "YAML document".into(),
        name: format!("{path}#{index}"),
        body: Body::Tree(Value::Object(map)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_documents_by_kind_and_name() {
        let yaml = "kind: Service\nmetadata: { name: web }\n---\nkind: Deployment\nmetadata:\n  name: web\n";
        let objs = objects("staging/k8s/web.yaml", yaml.as_bytes());
        let ids: Vec<_> = objs
            .iter()
            .map(|o| (o.kind.as_str(), o.name.as_str()))
            .collect();
        assert_eq!(ids, [("Service", "web"), ("Deployment", "web")]);
    }

    #[test]
    fn compose_services_by_name() {
        let yaml = "name: shop\nservices:\n  api: { image: a }\n  db: { image: b }\nvolumes:\n  data: {}\n";
        let d = describe("staging/compose/compose.yaml", yaml.as_bytes());
        assert_eq!(
            d,
            [
                ("compose service".to_string(), 2),
                ("compose volume".to_string(), 1),
                ("compose project".to_string(), 1)
            ]
        );
    }

    /// The shape-reading `describe` answers what counting full objects answers, for every
    /// file nexus renders (the committed rendering of `specs/`) and for odd YAML.
    #[test]
    fn describe_agrees_with_counting_objects() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
        let mut files = Vec::new();
        walk(&root, &mut files);
        assert!(files.len() > 20, "generated/ is rendered");
        for f in files {
            let path = f.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&f).unwrap();
            assert_eq!(describe(&path, &bytes), describe_by_objects(&path, &bytes), "{path}");
        }
        let odd: [&[u8]; 12] = [
            b"",
            b"~\n",
            b"- a\n- b\n",
            b"plain\n",
            b"kind: 3\nmetadata: {name: x}\n",
            b"kind: Pod\nmetadata: {name: [x]}\n",
            b"kind: Pod\nmetadata: x\n---\n---\nkind: Pod\nmetadata: {name: y}\n",
            b"services: []\nvolumes: {a: 1}\n",
            b"services: {a: 1, b: 2}\nnetworks: 3\nname: x\n",
            b"services: {a: 1}\nvolumes: {}\n",
            b"a: [unclosed\n",
            b"kind: \xff\nmetadata: {name: x}\n",
        ];
        for bytes in odd {
            assert_eq!(
                describe("x.yaml", bytes),
                describe_by_objects("x.yaml", bytes),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn other_files_are_text() {
        let d = describe("staging/nginx/nginx.conf", b"events {}\n");
        assert_eq!(d, [("Nginx configuration".to_string(), 1)]);
        let bad = objects("x.yaml", b"a: [unclosed\n");
        assert_eq!(bad[0].kind, "file");
    }
}
