//! Backup blocks: schedules and retention.

use crate::codes;
use crate::ir;
use crate::model;
use crate::resolve::ctx::Resolver;
use crate::span::Spanned;
use crate::values::Cron;

/// A backup block: schedules parsed, retention defaulted.
pub(crate) fn backup(ctx: &mut Resolver, b: &model::Backup) -> Option<ir::Backup> {
    let cron = |ctx: &mut Resolver, v: &Spanned<String>| match Cron::parse(&v.value) {
        Ok(c) => Some(Spanned::new(c, v.span)),
        Err(msg) => {
            ctx.error(codes::INVALID_SCHEDULE, v.span, format!("invalid backup schedule: {msg}"), "not a cron schedule", "write five fields, minute hour day-of-month month day-of-week (`0 * * * *` is hourly), or `@daily`");
            None
        }
    };
    let incremental = b.incremental.as_ref().map(|i| cron(ctx, i));
    let full = cron(ctx, &b.full);
    let keep_incremental = ctx
        .int_or(
            b.retention.incremental.as_ref(),
            24,
            1,
            100_000,
            "retention.incremental",
        )
        .value;
    let keep_full = ctx
        .int_or(b.retention.full.as_ref(), 7, 1, 100_000, "retention.full")
        .value;
    let rpo_seconds = b.rpo.as_ref().and_then(|v| {
        ctx.duration(v, "recovery point objective")
            .map(|s| Spanned::new(s, v.span))
    });
    let rto_seconds = b.rto.as_ref().and_then(|v| {
        ctx.duration(v, "recovery time objective")
            .map(|s| Spanned::new(s, v.span))
    });
    Some(ir::Backup {
        continuous: b
            .continuous
            .unwrap_or_else(|| Spanned::new(true, b.full.span)),
        rpo_seconds,
        rto_seconds,
        incremental: match incremental {
            Some(None) => return None,
            Some(Some(c)) => Some(c),
            None => None,
        },
        full: full?,
        keep_incremental,
        keep_full,
        destination: b
            .destination
            .clone()
            .or_else(|| b.destinations.first().cloned()),
        destinations: b
            .destination
            .iter()
            .chain(&b.destinations)
            .cloned()
            .collect(),
        span: b.full.span,
    })
}
