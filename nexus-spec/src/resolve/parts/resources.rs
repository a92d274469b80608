//! Requests and limits of a workload.

use crate::codes;
use crate::ir;
use crate::model;
use crate::resolve::ctx::Resolver;

/// Requests and limits, parsed, with limits checked against requests.
pub(crate) fn resources(ctx: &mut Resolver, r: &model::Resources) -> ir::Resources {
    let out = ir::Resources {
        cpu_request: r
            .requests
            .cpu
            .as_ref()
            .and_then(|q| ctx.quantity(q, "CPU request")),
        memory_request: r
            .requests
            .memory
            .as_ref()
            .and_then(|q| ctx.quantity(q, "memory request")),
        cpu_limit: r
            .limits
            .cpu
            .as_ref()
            .and_then(|q| ctx.quantity(q, "CPU limit")),
        memory_limit: r
            .limits
            .memory
            .as_ref()
            .and_then(|q| ctx.quantity(q, "memory limit")),
    };
    for (what, req, lim) in [
        ("CPU", &out.cpu_request, &out.cpu_limit),
        ("memory", &out.memory_request, &out.memory_limit),
    ] {
        if let (Some(req), Some(lim)) = (req, lim)
            && lim.value < req.value
        {
            ctx.push(
                crate::Diagnostic::error(
                    codes::LIMIT_BELOW_REQUEST,
                    format!(
                        "the {what} limit `{}` is below the {what} request `{}`",
                        lim.value, req.value
                    ),
                )
                .with_label(lim.span, "limit")
                .with_label(req.span, "request")
                .with_help(format!(
                    "raise the {what} limit to at least the request, or lower the request"
                )),
            );
        }
    }
    out
}
