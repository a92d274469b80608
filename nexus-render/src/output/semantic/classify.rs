//! Turning changed leaves into review lines: image, replicas, resources, env keys, routes,
//! and everything else by path.

use serde_json::Value;

use super::tree::{Leaf, Seg};
use super::{Aspect, Detail};

/// Most paths listed under [`Aspect::Other`] for one object.
const MAX_OTHER: usize = 6;
/// Longest value shown.
const MAX_VALUE: usize = 72;

/// The review lines for the leaves of one changed object.
pub(crate) fn details(leaves: &[Leaf]) -> Vec<Detail> {
    let mut out = Vec::new();
    let mut other = Vec::new();
    for leaf in leaves {
        match classify(leaf) {
            Some(d) => out.push(d),
            None => other.push(leaf.path.to_string()),
        }
    }
    out.sort_by_key(|d| d.aspect);
    if !other.is_empty() {
        let more = other.len().saturating_sub(MAX_OTHER);
        let mut text = other
            .into_iter()
            .take(MAX_OTHER)
            .collect::<Vec<_>>()
            .join(", ");
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        out.push(Detail {
            aspect: Aspect::Other,
            text,
        });
    }
    out
}

fn classify(leaf: &Leaf) -> Option<Detail> {
    let p = &leaf.path;
    let last = p.last_key().unwrap_or("");
    let at_end = matches!(p.0.last(), Some(Seg::Key(_)));
    let detail = |aspect, text| Some(Detail { aspect, text });

    if let Some(i) = p.find_key("env").or_else(|| p.find_key("environment")) {
        return keyed_detail(leaf, i, Aspect::Env);
    }
    if matches!(p.0.first(), Some(Seg::Key(k)) if matches!(k.as_str(), "data" | "stringData" | "binaryData"))
    {
        return keyed_detail(leaf, 0, Aspect::Data);
    }
    if let Some(i) = p.find_key("resources") {
        let who = p.id_before(i).map(|c| format!("{c} ")).unwrap_or_default();
        return detail(
            Aspect::Resources,
            format!("{who}{}: {}", p.tail(i + 1), change(leaf)),
        );
    }
    if last == "image" && at_end {
        let who = p
            .id_before(p.0.len())
            .map(|c| format!("{c}: "))
            .unwrap_or_default();
        return detail(Aspect::Image, format!("{who}{}", change(leaf)));
    }
    if at_end && matches!(last, "replicas" | "minReplicas" | "maxReplicas") {
        return detail(Aspect::Replicas, format!("{last}: {}", change(leaf)));
    }
    if let Some(i) = p.find_key("rules").or_else(|| p.find_key("routes")) {
        return route_detail(leaf, i);
    }
    None
}

/// `+ KEY`, `- KEY`, `~ KEY` for env entries (Kubernetes lists by name, Compose maps) and
/// ConfigMap keys.
fn keyed_detail(leaf: &Leaf, at: usize, aspect: Aspect) -> Option<Detail> {
    let key = match leaf.path.0.get(at + 1) {
        Some(Seg::Id(k)) | Some(Seg::Key(k)) => Some(k.clone()),
        _ => None,
    };
    let text = match (key, &leaf.before, &leaf.after) {
        (Some(k), None, Some(_)) => format!("+ {k}"),
        (Some(k), Some(_), None) => format!("- {k}"),
        (Some(k), _, _) => format!("~ {k}"),
        // The whole env block appeared, went, or is an unnamed list.
        (None, before, after) => {
            let names = |v: &Option<Value>| env_names(v.as_ref());
            let (b, a) = (names(before), names(after));
            let mut parts: Vec<String> = a
                .iter()
                .filter(|n| !b.contains(n))
                .map(|n| format!("+ {n}"))
                .collect();
            parts.extend(
                b.iter()
                    .filter(|n| !a.contains(n))
                    .map(|n| format!("- {n}")),
            );
            if parts.is_empty() {
                format!("~ {}", leaf.path)
            } else {
                parts.join(", ")
            }
        }
    };
    Some(Detail { aspect, text })
}

fn env_names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|e| match e {
                Value::String(s) => s.split('=').next().map(str::to_owned),
                other => other.get("name").and_then(Value::as_str).map(str::to_owned),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn route_detail(leaf: &Leaf, at: usize) -> Option<Detail> {
    let ids: Vec<&str> = leaf.path.0[at..]
        .iter()
        .filter_map(|s| match s {
            Seg::Id(i) => Some(i.as_str()),
            _ => None,
        })
        .collect();
    let route = if ids.is_empty() {
        leaf.path.tail(at)
    } else {
        ids.join(" ")
    };
    let text = match (&leaf.before, &leaf.after) {
        (None, Some(v)) => format!("+ {route}{}", backend(v)),
        (Some(_), None) => format!("- {route}"),
        _ => {
            let rest = leaf
                .path
                .0
                .iter()
                .rposition(|s| matches!(s, Seg::Id(_)))
                .map(|i| leaf.path.tail(i + 1))
                .unwrap_or_default();
            format!("~ {route} {rest}: {}", change(leaf))
        }
    };
    Some(Detail {
        aspect: Aspect::Routes,
        text,
    })
}

/// ` → SERVICE:PORT` for an added Kubernetes ingress path.
fn backend(v: &Value) -> String {
    let svc = v.pointer("/backend/service/name").and_then(Value::as_str);
    let port = v
        .pointer("/backend/service/port/name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            v.pointer("/backend/service/port/number")
                .map(Value::to_string)
        });
    match (svc, port) {
        (Some(s), Some(p)) => format!(" → {s}:{p}"),
        (Some(s), None) => format!(" → {s}"),
        _ => String::new(),
    }
}

fn change(leaf: &Leaf) -> String {
    format!(
        "{} → {}",
        show(leaf.before.as_ref()),
        show(leaf.after.as_ref())
    )
}

fn show(v: Option<&Value>) -> String {
    let s = match v {
        None => "(none)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if s.chars().count() > MAX_VALUE {
        let cut: String = s.chars().take(MAX_VALUE - 1).collect();
        format!("{cut}…")
    } else {
        s
    }
}
