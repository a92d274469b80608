//! Alerting, shared by every target: the Prometheus rule file nexus derives from the spec
//! (see [`rules`]) and Alertmanager's configuration (see [`alertmanager`]).
//!
//! Every alert carries `severity` (`critical`, `high`, `medium`, `low`), `workload` (the
//! workload it is about) and the annotations `summary` and `runbook` (one line that says what
//! to do). Alertmanager routes on `severity`; a route with `escalateAfter` gets a rule that
//! raises its still-firing alerts to the next severity (in the group `nexus-escalation`).

pub mod alertmanager;
pub mod rules;

/// The rule file's name, beside `prometheus.yml` (Prometheus reads it relative to that file).
pub const RULES_FILE: &str = "rules.yml";
/// Alertmanager's configuration file name.
pub const ALERTMANAGER_FILE: &str = "alertmanager.yml";

/// A duration as Prometheus and Alertmanager write it, in the largest whole unit
/// (`90s`, `5m`, `1h`, `2d`).
pub fn duration(seconds: u64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds >= size && seconds.is_multiple_of(size) {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(duration(90), "90s");
        assert_eq!(duration(300), "5m");
        assert_eq!(duration(5_400), "90m");
        assert_eq!(duration(7_200), "2h");
        assert_eq!(duration(172_800), "2d");
        assert_eq!(duration(0), "0s");
    }
}
