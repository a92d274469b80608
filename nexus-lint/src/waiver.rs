//! The waiver stage: applies `spec.waivers` to one environment's findings, and reports
//! waivers that are invalid, expired, or (over all environments linted) match nothing.

use std::collections::BTreeMap;

use nexus_spec::ir::Platform;
use nexus_spec::model::Waiver;
use nexus_spec::{Span, Spanned};

use crate::ctx::LintRun;
use crate::date::Date;
use crate::finding::{AppliedWaiver, Finding, Findings, Subject};
use crate::policy::RuleSetting;
use crate::rule::Rule;
use crate::rules::{self, waivers as w};

/// Identifies one waiver across environments: where it is written, and what it says.
type Key = (u32, usize, String, String, Option<String>);

fn key(waiver: &Waiver) -> Key {
    (
        waiver.rule.span.file.0,
        waiver.rule.span.start(),
        waiver.rule.value.clone(),
        waiver.object.value.clone(),
        waiver.container.as_ref().map(|c| c.value.clone()),
    )
}

/// What the stage remembers between environments.
#[derive(Debug, Default)]
pub(crate) struct WaiverState {
    /// Valid, unexpired waivers seen, and whether any finding matched them.
    seen: BTreeMap<Key, (Waiver, bool)>,
}

fn target(waiver: &Waiver) -> Subject {
    Subject {
        object: waiver.object.value.clone(),
        container: waiver.container.as_ref().map(|c| c.value.clone()),
        span: waiver.rule.span,
    }
}

fn report(
    ctx: &LintRun<'_>,
    rule: &'static Rule,
    out: &mut Vec<Finding>,
    waiver: &Waiver,
    span: Span,
    message: String,
    label: &str,
) {
    if let RuleSetting::On(severity) = ctx.policy.setting(rule) {
        let mut f = Findings::new(rule, severity, ctx.environment);
        f.add(&target(waiver), span, message).label(label);
        out.extend(f.into_vec());
    }
}

fn object_exists(p: &Platform, object: &str) -> bool {
    object == "platform"
        || (object == "gateway" && p.gateway.is_some())
        || p.workload(object).is_some()
        || p.secret(object).is_some()
}

/// Checks a waiver; returns its expiry when it is valid, or reports why it is not.
fn validate(
    ctx: &LintRun<'_>,
    p: &Platform,
    waiver: &Waiver,
    out: &mut Vec<Finding>,
) -> Result<Option<Spanned<Date>>, ()> {
    let mut ok = true;
    if rules::find(&waiver.rule.value).is_none() {
        report(
            ctx,
            &w::INVALID,
            out,
            waiver,
            waiver.rule.span,
            format!("the waiver names the unknown rule `{}`", waiver.rule.value),
            "unknown rule",
        );
        ok = false;
    }
    if !object_exists(p, &waiver.object.value) {
        report(
            ctx,
            &w::INVALID,
            out,
            waiver,
            waiver.object.span,
            format!(
                "the waiver names `{}`, which is not a workload, secret, `gateway` or `platform`",
                waiver.object.value
            ),
            "unknown object",
        );
        ok = false;
    }
    if waiver.reason.value.trim().is_empty() {
        report(
            ctx,
            &w::INVALID,
            out,
            waiver,
            waiver.reason.span,
            format!(
                "the waiver of {} for `{}` gives no reason",
                waiver.rule.value, waiver.object.value
            ),
            "empty reason",
        );
        ok = false;
    }
    let expires = match &waiver.expires {
        None => None,
        Some(e) => match e.value.parse::<Date>() {
            Ok(d) => Some(Spanned::new(d, e.span)),
            Err(err) => {
                report(
                    ctx,
                    &w::INVALID,
                    out,
                    waiver,
                    e.span,
                    format!(
                        "the waiver of {} for `{}` has an unreadable expiry: {err}",
                        waiver.rule.value, waiver.object.value
                    ),
                    "not YYYY-MM-DD",
                );
                ok = false;
                None
            }
        },
    };
    if ok { Ok(expires) } else { Err(()) }
}

fn matches(waiver: &Waiver, f: &Finding) -> bool {
    f.waiver.is_none()
        && f.rule.id == waiver.rule.value
        && f.object == waiver.object.value
        && waiver
            .container
            .as_ref()
            .is_none_or(|c| f.container.as_deref() == Some(c.value.as_str()))
}

/// Applies the environment's waivers to its findings and appends the waivers' own findings.
pub(crate) fn apply(
    ctx: &LintRun<'_>,
    p: &Platform,
    findings: &mut Vec<Finding>,
    state: &mut WaiverState,
) {
    let mut own = Vec::new();
    for waiver in &p.waivers {
        let Ok(expires) = validate(ctx, p, waiver, &mut own) else {
            continue;
        };
        if let Some(e) = &expires
            && e.value <= ctx.today
        {
            report(
                ctx,
                &w::EXPIRED,
                &mut own,
                waiver,
                e.span,
                format!(
                    "the waiver of {} for `{}` expired on {}; the finding counts again",
                    waiver.rule.value, waiver.object.value, e.value
                ),
                "expired",
            );
            continue;
        }
        let applied = AppliedWaiver {
            reason: waiver.reason.value.trim().to_owned(),
            expires: expires.map(|e| e.value),
            span: waiver.rule.span,
        };
        let mut hit = false;
        for f in findings.iter_mut().filter(|f| matches(waiver, f)) {
            f.waiver = Some(applied.clone());
            hit = true;
        }
        let entry = state
            .seen
            .entry(key(waiver))
            .or_insert_with(|| (waiver.clone(), false));
        entry.1 |= hit;
    }
    findings.extend(own);
}

/// Reports the waivers that matched nothing in any environment.
pub(crate) fn finish(ctx: &LintRun<'_>, state: WaiverState, out: &mut Vec<Finding>) {
    for (waiver, hit) in state.seen.into_values() {
        if hit {
            continue;
        }
        let off = rules::find(&waiver.rule.value)
            .is_some_and(|r| ctx.policy.setting(r) == RuleSetting::Off);
        let why = if off {
            " (the policy turns that rule off)"
        } else {
            ""
        };
        report(
            ctx,
            &w::STALE,
            out,
            &waiver,
            waiver.rule.span,
            format!(
                "the waiver of {} for `{}` matches no finding{why}",
                waiver.rule.value, waiver.object.value
            ),
            "matches nothing",
        );
    }
}
