//! Rollout strategies: rolling updates and blue-green.

use crate::codes;
use crate::ir;
use crate::model::{self, RolloutStrategy};
use crate::resolve::ctx::Resolver;
use crate::span::Spanned;
use crate::values::ImageRef;

/// Rollout strategy, with blue-green's preview image defaulting to the service's image.
pub(crate) fn rollout(
    ctx: &mut Resolver,
    r: Option<&model::Rollout>,
    image: &Spanned<ImageRef>,
) -> ir::Rollout {
    let r = r.cloned().unwrap_or_default();
    let strategy = r.strategy.map(|s| s.value).unwrap_or_default();
    let surge_or = |ctx: &mut Resolver, v: &Option<Spanned<String>>, default: &str| -> String {
        match v {
            Some(v) if is_int_or_percent(&v.value) => v.value.clone(),
            Some(v) => {
                ctx.error(
                    codes::INVALID_VALUE,
                    v.span,
                    format!("`{}` is not a count or a percentage", v.value),
                    "invalid",
                    "write a count (`1`) or a percentage (`25%`)",
                );
                default.to_owned()
            }
            None => default.to_owned(),
        }
    };
    match strategy {
        RolloutStrategy::Rolling => {
            for s in [&r.blue, &r.green].into_iter().flatten() {
                if let Some(i) = &s.image {
                    ctx.error(
                        codes::INVALID_VALUE,
                        i.span,
                        "slots apply to blue-green rollouts only",
                        "not a blue-green rollout",
                        "set `strategy: blue-green`, or set the service's `image`",
                    );
                }
            }
            if let Some(s) = &r.active_slot {
                ctx.error(
                    codes::INVALID_VALUE,
                    s.span,
                    "`activeSlot` applies to blue-green rollouts only",
                    "not a blue-green rollout",
                    "set `strategy: blue-green`, or remove `activeSlot`",
                );
            }
            ir::Rollout::Rolling {
                max_surge: surge_or(ctx, &r.max_surge, "25%"),
                max_unavailable: surge_or(ctx, &r.max_unavailable, "0"),
            }
        }
        RolloutStrategy::BlueGreen => {
            for v in [&r.max_surge, &r.max_unavailable].into_iter().flatten() {
                ctx.error(
                    codes::INVALID_VALUE,
                    v.span,
                    "`maxSurge` and `maxUnavailable` apply to rolling rollouts only",
                    "not a rolling rollout",
                    "remove it; blue-green switches all traffic at once",
                );
            }
            if let Some(p) = &r.preview_image {
                ctx.error(
                    codes::INVALID_VALUE,
                    p.span,
                    "`previewImage` follows whichever slot is idle, so switching `activeSlot` would swap the images of both slots",
                    "the idle slot's image",
                    "give the slot that holds the new release its own image, such as `green: { image: ... }`; switching `activeSlot` then moves only traffic",
                );
            }
            let mut slot_image = |s: &Option<model::SlotSpec>| {
                s.as_ref()
                    .and_then(|s| s.image.as_ref())
                    .and_then(|i| ctx.image(i))
                    .unwrap_or_else(|| image.clone())
            };
            let blue = slot_image(&r.blue);
            let green = slot_image(&r.green);
            ir::Rollout::BlueGreen {
                active: r
                    .active_slot
                    .unwrap_or(Spanned::detached(model::Slot::Blue)),
                blue,
                green,
            }
        }
    }
}

fn is_int_or_percent(s: &str) -> bool {
    let digits = s.strip_suffix('%').unwrap_or(s);
    !digits.is_empty() && digits.len() <= 6 && digits.chars().all(|c| c.is_ascii_digit())
}
