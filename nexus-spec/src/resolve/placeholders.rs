//! Resolving `${...}` placeholders against a directory of the platform's workloads.

use std::collections::{BTreeMap, BTreeSet};

use super::ctx::Resolver;
use crate::codes;
use crate::span::{Span, Spanned};
use crate::suggest::list;
use crate::values::placeholder::{RawPiece, scan};
use crate::values::{Segment, Template};

/// What placeholders can name about a workload.
#[derive(Debug, Default)]
pub(crate) struct Entry {
    /// Ports by name, in declaration order (the first is the main one).
    pub ports: Vec<(String, u16)>,
    /// The user name of its credentials.
    pub user: Option<String>,
    /// Its database (or vhost, or bucket).
    pub database: Option<String>,
}

/// Every workload and secret of the platform, for placeholder resolution.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    pub workloads: BTreeMap<String, Entry>,
    pub secrets: BTreeSet<String>,
}

impl Directory {
    /// Resolves a value's placeholders. `owner` is the workload the value belongs to; hosts
    /// it names are returned in `hosts` so the caller can check they are declared
    /// dependencies.
    pub(super) fn resolve(
        &self,
        ctx: &mut Resolver,
        value: &Spanned<String>,
        hosts: &mut Vec<(String, Span)>,
    ) -> Option<Template> {
        let pieces = match scan(&value.value) {
            Ok(p) => p,
            Err((offset, len, msg)) => {
                ctx.error(
                    codes::MALFORMED_PLACEHOLDER,
                    sub_span(value, offset, len),
                    msg,
                    "malformed placeholder",
                    "placeholders look like `${secrets.NAME}`, `${postgres.host}` or `${postgres.port}`; write `$${` for a literal `${`",
                );
                return None;
            }
        };
        let mut segments = Vec::with_capacity(pieces.len());
        let mut ok = true;
        for piece in pieces {
            match piece {
                RawPiece::Text(t) => segments.push(Segment::Text(t)),
                RawPiece::Placeholder(p) => {
                    let span = sub_span(value, p.offset, p.len);
                    match self.segment(&p.parts) {
                        Ok(seg) => {
                            if let Some(target) = p.parts.first().filter(|t| *t != "secrets") {
                                hosts.push((target.clone(), span));
                            }
                            segments.push(seg);
                        }
                        Err((message, help)) => {
                            ok = false;
                            let code = if p.parts.first().is_some_and(|f| f == "secrets") {
                                codes::UNKNOWN_SECRET
                            } else {
                                codes::UNRESOLVED_PLACEHOLDER
                            };
                            ctx.error(code, span, message, "does not resolve", help);
                        }
                    }
                }
            }
        }
        ok.then(|| Template::from_segments(segments))
    }

    fn segment(&self, parts: &[String]) -> Result<Segment, (String, String)> {
        let joined = parts.join(".");
        if parts.first().is_some_and(|p| p == "secrets") {
            return match parts {
                [_, name] if self.secrets.contains(name) => Ok(Segment::Secret(name.clone())),
                [_, name] => Err((
                    format!("`${{{joined}}}` names the undeclared secret `{name}`"),
                    match crate::suggest::did_you_mean(
                        name,
                        &self.secrets.iter().map(String::as_str).collect::<Vec<_>>(),
                    ) {
                        Some(s) => format!(
                            "did you mean `${{secrets.{s}}}`? Secrets are declared under `spec.secrets`"
                        ),
                        None => "declare the secret under `spec.secrets`".into(),
                    },
                )),
                _ => Err((
                    format!("`${{{joined}}}` is not a secret reference"),
                    "write `${secrets.NAME}`".into(),
                )),
            };
        }
        let Some((workload, rest)) = parts.split_first() else {
            return Err((
                "empty placeholder".into(),
                "write `${secrets.NAME}` or `${WORKLOAD.host}`".into(),
            ));
        };
        let Some(entry) = self.workloads.get(workload) else {
            let names: Vec<&str> = self.workloads.keys().map(String::as_str).collect();
            return Err((
                format!("`${{{joined}}}` names the unknown workload `{workload}`"),
                match crate::suggest::did_you_mean(workload, &names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("workloads: {}", list(&names)),
                },
            ));
        };
        let attrs = "`host`, `port`, `PORTNAME.port`, `user` or `database`";
        match rest {
            [attr] if attr == "host" => Ok(Segment::Host(workload.clone())),
            [attr] if attr == "port" => entry
                .ports
                .first()
                .map(|(_, n)| Segment::Text(n.to_string()))
                .ok_or_else(|| {
                    (
                        format!("`{workload}` has no ports"),
                        "declare a port on it".into(),
                    )
                }),
            [port, attr] if attr == "port" => entry
                .ports
                .iter()
                .find(|(n, _)| n == port)
                .map(|(_, n)| Segment::Text(n.to_string()))
                .ok_or_else(|| {
                    let names: Vec<&str> = entry.ports.iter().map(|(n, _)| n.as_str()).collect();
                    (
                        format!("`{workload}` has no port named `{port}`"),
                        format!("its ports: {}", list(&names)),
                    )
                }),
            [attr] if attr == "user" => entry.user.clone().map(Segment::Text).ok_or_else(|| {
                (
                    format!("`{workload}` has no credentials"),
                    "declare `credentials` on it".into(),
                )
            }),
            [attr] if attr == "database" => {
                entry.database.clone().map(Segment::Text).ok_or_else(|| {
                    (
                        format!("`{workload}` declares no database"),
                        "set `database` on it".into(),
                    )
                })
            }
            _ => Err((
                format!("`${{{joined}}}` asks for something a workload does not have"),
                format!("a workload placeholder ends in {attrs}"),
            )),
        }
    }
}

/// The span of a part of a value, when the value's text can be located in the source (a
/// plain or simply quoted single-line scalar); otherwise the whole value's span.
fn sub_span(value: &Spanned<String>, offset: usize, len: usize) -> Span {
    let s = value.span;
    if s.is_detached() || value.value.contains('\n') {
        return s;
    }
    let text_len = s.len as usize;
    let quote = if text_len == value.value.len() {
        0
    } else if text_len == value.value.len() + 2 {
        1
    } else {
        return s;
    };
    let chars_before = value.value[..offset.min(value.value.len())].chars().count() as u32;
    Span::at(
        s.file,
        s.start() + quote + offset,
        len,
        s.line,
        s.column + quote as u32 + chars_before,
    )
}
