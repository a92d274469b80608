//! A structural diff of two JSON trees: the leaves that differ, with arrays of named things
//! (containers, env entries, ports, ingress paths) matched by name rather than position.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

/// The keys that identify an element of an array, tried in order.
const IDENTITY_KEYS: [&str; 4] = ["name", "path", "host", "mountPath"];

/// One step of a path into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A mapping key.
    Key(String),
    /// An array element by its identity (`containers[web]`).
    Id(String),
    /// An array element by position.
    Index(usize),
}

/// A path into a tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Path(pub(crate) Vec<Seg>);

impl Path {
    fn with(&self, seg: Seg) -> Path {
        let mut v = self.0.clone();
        v.push(seg);
        Path(v)
    }

    /// The last mapping key of the path.
    pub(crate) fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            _ => None,
        })
    }

    /// The position of the first `Key(key)`.
    pub(crate) fn find_key(&self, key: &str) -> Option<usize> {
        self.0
            .iter()
            .position(|s| matches!(s, Seg::Key(k) if k == key))
    }

    /// The nearest identity before position `end`.
    pub(crate) fn id_before(&self, end: usize) -> Option<&str> {
        self.0[..end.min(self.0.len())]
            .iter()
            .rev()
            .find_map(|s| match s {
                Seg::Id(i) => Some(i.as_str()),
                _ => None,
            })
    }

    /// The path from position `start` on, displayed.
    pub(crate) fn tail(&self, start: usize) -> String {
        Path(self.0[start.min(self.0.len())..].to_vec()).to_string()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Id(id) => write!(f, "[{id}]")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A leaf that differs: present on one side only, or with another value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Leaf {
    pub(crate) path: Path,
    pub(crate) before: Option<Value>,
    pub(crate) after: Option<Value>,
}

/// The leaves in which `a` and `b` differ, in document order.
pub(crate) fn diff(a: &Value, b: &Value) -> Vec<Leaf> {
    let mut out = Vec::new();
    walk(&Path::default(), a, b, &mut out);
    out
}

fn walk(path: &Path, a: &Value, b: &Value, out: &mut Vec<Leaf>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = path.with(Seg::Key(k.clone()));
                match (x.get(k), y.get(k)) {
                    (Some(va), Some(vb)) => walk(&p, va, vb, out),
                    (va, vb) => out.push(Leaf {
                        path: p,
                        before: va.cloned(),
                        after: vb.cloned(),
                    }),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => match identity_key(x, y) {
            Some(key) => by_identity(path, key, x, y, out),
            None => {
                for i in 0..x.len().max(y.len()) {
                    let p = path.with(Seg::Index(i));
                    match (x.get(i), y.get(i)) {
                        (Some(va), Some(vb)) => walk(&p, va, vb, out),
                        (va, vb) => out.push(Leaf {
                            path: p,
                            before: va.cloned(),
                            after: vb.cloned(),
                        }),
                    }
                }
            }
        },
        _ => out.push(Leaf {
            path: path.clone(),
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}

/// The key every element of both arrays has as a unique string, if any.
fn identity_key(x: &[Value], y: &[Value]) -> Option<&'static str> {
    IDENTITY_KEYS.into_iter().find(|key| {
        [x, y].iter().all(|arr| {
            let ids: Option<BTreeSet<&str>> = arr
                .iter()
                .map(|e| e.get(*key).and_then(Value::as_str))
                .collect();
            ids.is_some_and(|ids| ids.len() == arr.len())
        }) && !(x.is_empty() && y.is_empty())
    })
}

fn by_identity(path: &Path, key: &str, x: &[Value], y: &[Value], out: &mut Vec<Leaf>) {
    let id = |e: &Value| e.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    let find = |arr: &[Value], want: &str| arr.iter().find(|e| id(e) == want).cloned();
    let mut ids: Vec<String> = x.iter().map(id).collect();
    ids.extend(y.iter().map(id).filter(|i| !x.iter().any(|e| id(e) == *i)));
    for i in ids {
        let p = path.with(Seg::Id(i.clone()));
        match (find(x, &i), find(y, &i)) {
            (Some(va), Some(vb)) => walk(&p, &va, &vb, out),
            (va, vb) => out.push(Leaf {
                path: p,
                before: va,
                after: vb,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_named_elements_by_name() {
        let a =
            json!({"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:1"}]});
        let b =
            json!({"containers": [{"name": "b", "image": "y:2"}, {"name": "a", "image": "x:1"}]});
        let d = diff(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path.to_string(), "containers[b].image");
    }

    #[test]
    fn reports_one_sided_subtrees_at_their_root() {
        let a = json!({"env": [{"name": "A", "value": "1"}]});
        let b = json!({"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "x": {"y": 1}});
        let paths: Vec<String> = diff(&a, &b).iter().map(|l| l.path.to_string()).collect();
        assert_eq!(paths, ["env[B]", "x"]);
    }

    #[test]
    fn unnamed_arrays_compare_by_position() {
        let d = diff(
            &json!({"args": ["a", "b"]}),
            &json!({"args": ["a", "c", "d"]}),
        );
        let paths: Vec<String> = d.iter().map(|l| l.path.to_string()).collect();
        assert_eq!(paths, ["args[1]", "args[2]"]);
    }
}
