//! A migration's connections, once every workload is known: what it may reach (by default
//! the service's dependencies that are databases) and the waits that run before it.

use std::collections::BTreeMap;

use super::ctx::Resolver;
use super::overlaid::Overlaid;
use crate::catalog;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, WorkloadKind};
use crate::model::Engine;
use crate::values::{Segment, Template};

/// Engines a migration connects to unless the spec says otherwise: the relational ones.
const MIGRATED_ENGINES: &[Engine] = &[Engine::Postgres];

/// Fills each migration's `depends_on` and `waits`.
pub(crate) fn link(ctx: &mut Resolver, spec: &Overlaid<'_>, workloads: &mut [ir::Workload]) {
    let known: BTreeMap<String, (WorkloadKind, ir::ImageRef, Option<u16>)> = workloads
        .iter()
        .map(|w| {
            let port = w.main_port().map(|p| p.port.value);
            (w.name.value.clone(), (w.kind, w.image.value.clone(), port))
        })
        .collect();
    for w in workloads.iter_mut() {
        let Some(m) = w.migration.as_mut() else {
            continue;
        };
        let declared = spec
            .service(&w.name.value)
            .and_then(|s| s.migrations.as_ref())
            .and_then(|m| m.depends_on.as_ref());
        match declared {
            Some(list) => {
                for d in list {
                    if !w.depends_on.iter().any(|s| s.value == d.value) {
                        ctx.push(
                            Diagnostic::error(
                                codes::UNRESOLVED_REFERENCE,
                                format!(
                                    "the migration of `{}` connects to `{}`, which the service does not depend on",
                                    w.name.value, d.value
                                ),
                            )
                            .with_label(d.span, "not in the service's `dependsOn`")
                            .with_help(format!(
                                "a migration reaches a subset of what its service reaches; add `{}` to the service's `dependsOn` or remove it here",
                                d.value
                            )),
                        );
                    }
                }
            }
            None => {
                m.depends_on = w
                    .depends_on
                    .iter()
                    .filter(|d| {
                        known.get(&d.value).is_some_and(|(k, _, _)| {
                            matches!(k, WorkloadKind::Backing(e) if MIGRATED_ENGINES.contains(e))
                        })
                    })
                    .cloned()
                    .collect();
            }
        }
        m.waits = m
            .depends_on
            .iter()
            .filter_map(|d| {
                let (kind, image, port) = known.get(&d.value)?;
                let WorkloadKind::Backing(engine) = kind else {
                    return None;
                };
                let c = catalog::engine(*engine);
                let port = (*port)?.to_string();
                let command = c
                    .wait?
                    .iter()
                    .map(|part| match *part {
                        "{host}" => Template::from_segments(vec![Segment::Host(d.value.clone())]),
                        "{port}" => Template::literal(port.clone()),
                        text => Template::literal(text),
                    })
                    .collect();
                Some(ir::Wait {
                    workload: d.value.clone(),
                    image: image.clone(),
                    command,
                    uid: c.uid,
                })
            })
            .collect();
    }
}
