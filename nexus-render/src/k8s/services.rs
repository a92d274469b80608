//! Services: the stable name clients use (`<name>`), the headless Service that gives
//! StatefulSet pods and Prometheus' DNS discovery one record per pod (`<name>-headless`), and
//! for blue-green workloads one Service per slot (`<name>-blue`, `<name>-green`) so a
//! release can be smoke-tested before the switch.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use nexus_spec::ir::{self, Rollout};
use nexus_spec::model::Slot;

use super::meta::{Labels, Naming, SLOT_LABEL, checked_name};
use super::pod::protocol;
use crate::error::RenderError;

/// The slots of a blue-green workload, in a fixed order.
pub(crate) const SLOTS: [Slot; 2] = [Slot::Blue, Slot::Green];

/// The selector of one slot's pods.
pub(crate) fn slot_selector(ctx: &Naming<'_>, w: &str, slot: Slot) -> Labels {
    let mut l = ctx.selector_labels(w);
    l.insert(SLOT_LABEL.into(), slot.as_str().into());
    l
}

fn service(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    name: String,
    selector: Labels,
    headless: bool,
) -> Result<Service, RenderError> {
    let name = checked_name(name, 63, "Service")?;
    let ports = w
        .ports
        .iter()
        .map(|p| ServicePort {
            name: Some(p.name.value.clone()),
            port: i32::from(p.port.value),
            protocol: Some(protocol(p.protocol).to_owned()),
            target_port: Some(IntOrString::String(p.name.value.clone())),
            ..ServicePort::default()
        })
        .collect();
    Ok(Service {
        metadata: ctx.meta(&name, ctx.labels(&w.name.value, w.tier.as_str())),
        spec: Some(ServiceSpec {
            cluster_ip: headless.then(|| "None".to_owned()),
            ports: Some(ports),
            publish_not_ready_addresses: headless.then_some(true),
            selector: Some(selector),
            type_: Some("ClusterIP".to_owned()),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    })
}

/// The Services of a workload, in the order they are written. A workload without ports
/// has none.
pub(crate) fn for_workload(
    ctx: &Naming<'_>,
    w: &ir::Workload,
    headless: bool,
) -> Result<Vec<Service>, RenderError> {
    if w.ports.is_empty() {
        return Ok(Vec::new());
    }
    let name = &w.name.value;
    let mut out = Vec::new();
    match &w.rollout {
        Rollout::BlueGreen { active, .. } => {
            out.push(service(
                ctx,
                w,
                name.clone(),
                slot_selector(ctx, name, active.value),
                false,
            )?);
            for slot in SLOTS {
                out.push(service(
                    ctx,
                    w,
                    nexus_spec::names::slot(name, slot),
                    slot_selector(ctx, name, slot),
                    false,
                )?);
            }
        }
        Rollout::Rolling { .. } => {
            out.push(service(
                ctx,
                w,
                name.clone(),
                ctx.selector_labels(name),
                false,
            )?);
        }
    }
    if headless {
        out.push(service(
            ctx,
            w,
            nexus_spec::names::derived(name, nexus_spec::names::HEADLESS),
            ctx.selector_labels(name),
            true,
        )?);
    }
    Ok(out)
}
