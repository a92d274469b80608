//! The release and rollback runbook of an environment's blue-green services, a section of
//! its README. Each slot owns its image; `activeSlot` decides only where traffic goes.

use std::fmt::Write;

use nexus_spec::ir::{Platform, Rollout, Workload};
use nexus_spec::model::Slot;
use nexus_spec::names;

/// The runbook section, empty when no service is blue-green.
pub(crate) fn release_runbook(platform: &Platform) -> String {
    let mut out = String::new();
    for w in &platform.workloads {
        if let Rollout::BlueGreen { active, .. } = &w.rollout {
            section(&mut out, platform, w, active.value);
        }
    }
    out
}

fn other(slot: Slot) -> Slot {
    match slot {
        Slot::Blue => Slot::Green,
        Slot::Green => Slot::Blue,
    }
}

fn section(out: &mut String, platform: &Platform, w: &Workload, live: Slot) {
    let ns = &platform.namespace.value;
    let name = &w.name.value;
    let idle = other(live);
    let (live_d, idle_d) = (names::slot(name, live), names::slot(name, idle));
    let image = |s: Slot| {
        w.rollout
            .slot_image(s)
            .map_or_else(String::new, |i| i.value.to_string())
    };
    let (l, i) = (live.as_str(), idle.as_str());
    let _ = writeln!(out, "## Releasing and rolling back `{name}` (blue-green)\n");
    let _ = writeln!(
        out,
        "Live: slot **{l}** (`{}`). Idle: slot **{i}** (`{}`). Each slot keeps its own image;\n\
         `activeSlot` only moves traffic, so switching renders a one-line change (the selector\n\
         of the Service `{name}`) and switching back restores these files byte for byte.\n",
        image(live),
        image(idle)
    );
    let _ = writeln!(
        out,
        "1. **Put the release on the idle slot.** In the spec, set `rollout.{i}.image` to the new\n   \
         release; the service's `image` stays the release that is live. Render: only the\n   \
         Deployment `{idle_d}` changes image."
    );
    if w.migration.is_some() {
        let _ = writeln!(
            out,
            "2. **Migrate.** The migration runs in the image being promoted (the slot image that\n   \
             differs from the service's `image`), whichever slot is live, while the old release\n   \
             serves: keep the schema readable by it (expand now, contract in a later release).\n   \
             `kubectl apply -f k8s/40-migrations/ && kubectl -n {ns} wait --for=condition=complete job -l app.kubernetes.io/component=migration --timeout=15m`"
        );
    } else {
        let _ = writeln!(out, "2. **Migrate.** `{name}` declares no migration.");
    }
    let _ = writeln!(
        out,
        "3. **Start and test the idle slot.** `kubectl apply -f k8s/50-services/{name}.yaml`, then\n   \
         `kubectl -n {ns} rollout status deployment/{idle_d}`; test it through the Service `{idle_d}`."
    );
    match &w.autoscaling {
        Some(_) => {
            let _ = writeln!(
                out,
                "4. **Scale the idle slot to the live slot's capacity** before it takes traffic. Both\n   \
                 slots' autoscalers have the same bounds, so the idle one sits at its minimum while\n   \
                 the live one may have scaled up; raise the idle minimum to the live count:\n   \
                 `kubectl -n {ns} patch hpa {idle_d} --type merge -p \"{{\\\"spec\\\":{{\\\"minReplicas\\\":$(kubectl -n {ns} get deployment {live_d} -o jsonpath='{{.status.replicas}}')}}}}\"`,\n   \
                 then `kubectl -n {ns} rollout status deployment/{idle_d}`. Applying the rendered file\n   \
                 again (step 5) restores the spec's minimum; the autoscaler then follows the load."
            );
        }
        None => {
            let _ = writeln!(
                out,
                "4. **Capacity.** Both slots run `replicas` ({}), so the idle slot already matches the live one.",
                w.replicas.value
            );
        }
    }
    let _ = writeln!(
        out,
        "5. **Switch.** Set `activeSlot: {i}`, render, `kubectl apply -f k8s/50-services/{name}.yaml`.\n\
         6. **Roll back** (if needed) by setting `activeSlot: {l}` again, rendering and applying: the\n   \
         files are those of step 3, byte for byte. The schema stays migrated.\n\
         7. **Next release.** Once `{l}` is no longer needed for a rollback, set the service's\n   \
         `image` to the release now live, remove `rollout.{i}.image` (the slot keeps the same\n   \
         image, so its Deployment does not change) and put the next release on slot `{l}`.\n"
    );
}
