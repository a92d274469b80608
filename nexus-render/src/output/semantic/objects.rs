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
    if is_yaml(path)
        && let Some(docs) = parse_yaml(&text)
    {
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

/// What a file holds, for a table: (kind, count), in first-seen order. Only YAML is read:
/// any other file is one object of its kind by name (`Markdown`, `JSON`), whatever its bytes.
pub fn describe(path: &str, bytes: &[u8]) -> Vec<(String, usize)> {
    if !is_yaml(path) {
        return vec![(file_kind(path).to_owned(), 1)];
    }
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

/// The kind of a YAML document that is neither a Kubernetes object nor a Compose project.
pub(crate) const YAML_DOCUMENT: &str = "YAML document";

/// Whether the file at `path` is read as YAML (by its extension).
pub(crate) fn is_yaml(path: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml")
}

/// What a file that is not read as objects is, by its name.
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
                kind: YAML_DOCUMENT.into(),
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
        kind: YAML_DOCUMENT.into(),
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

    #[test]
    fn other_files_are_text() {
        let d = describe("staging/nginx/nginx.conf", b"events {}\n");
        assert_eq!(d, [("Nginx configuration".to_string(), 1)]);
        let bad = objects("x.yaml", b"a: [unclosed\n");
        assert_eq!(bad[0].kind, "file");
    }
}
