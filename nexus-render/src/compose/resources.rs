//! CPU and memory figures: Kubernetes quantities as Compose `deploy.resources`.
//!
//! The same figures as the Kubernetes requests and limits: limits are `limits`, requests are
//! `reservations`. CPUs are written as exact decimals (`500m` → `"0.5"`); memory in bytes
//! with the largest binary unit that divides it exactly (Compose's `k`, `m`, `g` are 1024
//! based, so `1Gi` → `"1g"`, and `1G` → `"1000000000b"`).

use nexus_spec::ir::{Quantity, Resources};

use super::model::{DeployResources, ResourceFigures};

/// `deploy.resources` for the figures, when any is set.
pub(super) fn deploy_resources(r: &Resources) -> Option<DeployResources> {
    let figures = |cpu: Option<&Quantity>, mem: Option<&Quantity>| {
        (cpu.is_some() || mem.is_some()).then(|| ResourceFigures {
            cpus: cpu.map(cpus),
            memory: mem.map(memory),
        })
    };
    let limits = figures(r.cpu_limit.as_deref(), r.memory_limit.as_deref());
    let reservations = figures(r.cpu_request.as_deref(), r.memory_request.as_deref());
    (limits.is_some() || reservations.is_some()).then_some(DeployResources {
        limits,
        reservations,
    })
}

/// CPUs as an exact decimal.
pub(super) fn cpus(q: &Quantity) -> String {
    let milli = q.milli();
    let whole = milli / 1000;
    let frac = milli % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        let digits = format!("{frac:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Memory in bytes, with the largest exact binary unit.
pub(super) fn memory(q: &Quantity) -> String {
    let bytes = q.ceil_units();
    for (unit, size) in [
        ("t", 1u128 << 40),
        ("g", 1 << 30),
        ("m", 1 << 20),
        ("k", 1 << 10),
    ] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{}{unit}", bytes / size);
        }
    }
    format!("{bytes}b")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpus_are_exact_decimals() {
        use nexus_spec::ir::Quantity;
        assert_eq!(cpus(&Quantity::parse("500m").unwrap()), "0.5");
        assert_eq!(cpus(&Quantity::parse("2").unwrap()), "2");
        assert_eq!(cpus(&Quantity::parse("1250m").unwrap()), "1.25");
    }

    #[test]
    fn memory_takes_the_largest_exact_unit() {
        use nexus_spec::ir::Quantity;
        assert_eq!(memory(&Quantity::parse("2Gi").unwrap()), "2g");
        assert_eq!(memory(&Quantity::parse("512Mi").unwrap()), "512m");
        assert_eq!(memory(&Quantity::parse("1G").unwrap()), "1000000000b");
    }
}
