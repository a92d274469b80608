//! Ports of a workload: names, ranges and clashes.

use crate::codes;
use crate::ir;
use crate::model;
use crate::resolve::ctx::Resolver;
use crate::span::Spanned;
use crate::values;

/// Ports: names, ranges and clashes checked.
pub(crate) fn ports(ctx: &mut Resolver, ports: &[model::Port]) -> Vec<ir::Port> {
    let mut out: Vec<ir::Port> = Vec::with_capacity(ports.len());
    for p in ports {
        ctx.name(&p.name, "port name", values::name::port_name);
        let Some(number) = ctx.int_code(&p.port, 1, 65535, "a port", codes::PORT_RANGE) else {
            continue;
        };
        let host_port = p
            .host_port
            .as_ref()
            .and_then(|h| ctx.int_code(h, 1, 65535, "a host port", codes::PORT_RANGE));
        if let Some(prev) = out.iter().find(|q| q.port.value as u32 == number.value) {
            ctx.push(
                crate::Diagnostic::error(
                    codes::PORT_CLASH,
                    format!("port {} is declared twice", number.value),
                )
                .with_label(p.port.span, "declared again here")
                .with_label(prev.port.span, "first declared here")
                .with_help("give each port its own number"),
            );
            continue;
        }
        if let Some(prev) = out.iter().find(|q| q.name.value == p.name.value) {
            ctx.push(
                crate::Diagnostic::error(
                    codes::PORT_CLASH,
                    format!("two ports are named `{}`", p.name.value),
                )
                .with_label(p.name.span, "named again here")
                .with_label(prev.name.span, "first named here")
                .with_help("give each port its own name"),
            );
            continue;
        }
        out.push(ir::Port {
            name: p.name.clone(),
            port: Spanned::new(number.value as u16, number.span),
            protocol: p.protocol.map(|p| p.value).unwrap_or_default(),
            host_port: host_port.map(|h| Spanned::new(h.value as u16, h.span)),
            role: ir::PortRole::Client,
        });
    }
    out
}
