//! The targets of issue 20 (performance), checked against the rows measured: printed as
//! `met` or `NOT met` with the figure, never a failure (a benchmark, not a test; the
//! machine's load shows in wall times). The peer-workload targets are in
//! `scripts/bench-peer.sh`.

use super::{FLOOR, Row, ms};

/// Prints each target the rows can answer.
pub(crate) fn report(rows: &[Row]) {
    let at = |n: usize, what: &str| rows.iter().find(|r| r.n == n && r.what == what);
    let mut lines: Vec<(String, bool)> = Vec::new();
    let mb = |kb: Option<u64>| kb.map_or(f64::NAN, |k| k as f64 / 1024.0);
    if let Some(r) = at(5000, "process: nexus render (write)") {
        lines.push((
            format!("render N=5000 median {:.0} ms < 1000 ms", ms(r.median)),
            ms(r.median) < 1000.0,
        ));
        lines.push((
            format!("render N=5000 peak {:.0} MB < 200 MB", mb(r.peak_kb)),
            mb(r.peak_kb) < 200.0,
        ));
        let ratio = r.worst.as_secs_f64() / r.median.as_secs_f64().max(1e-9);
        lines.push((
            format!("render N=5000 slowest/median {ratio:.2} <= 1.5"),
            ratio <= 1.5,
        ));
        if let Some(small) = at(1000, &r.what) {
            let s = r.median.as_secs_f64() / small.median.as_secs_f64().max(1e-9);
            lines.push((format!("render t(5000)/t(1000) {s:.2} <= 5.5"), s <= 5.5));
        }
    }
    let mut notes = Vec::new();
    if let (Some(r), Some(f)) = (at(5000, "process: nexus render (write)"), at(5000, FLOOR)) {
        notes.push(format!(
            "render N=5000: writing its {:.0} MB afresh, unrendered, takes {:.0} ms median here \
             ({} ms CPU at best); the render's median less that floor is {:.0} ms",
            f.bytes as f64 / 1e6,
            ms(f.median),
            f.cpu.map_or("-".to_owned(), |c| format!("{:.0}", ms(c))),
            ms(r.median) - ms(f.median),
        ));
    }
    if let Some(r) = at(5000, "process: nexus render --check") {
        lines.push((
            format!(
                "render --check N=5000 median {:.0} ms < 800 ms",
                ms(r.median)
            ),
            ms(r.median) < 800.0,
        ));
    }
    if let Some(r) = at(5000, "load") {
        let rate = r.bytes as f64 / 1e6 / r.median.as_secs_f64().max(1e-9);
        lines.push((
            format!("load N=5000 {rate:.1} MB/s >= 50 MB/s"),
            rate >= 50.0,
        ));
        let times = mb(r.peak_kb) * 1024.0 * 1024.0 / r.bytes.max(1) as f64;
        lines.push((
            format!("load N=5000 peak {times:.1}x the spec < 15x"),
            times < 15.0,
        ));
    }
    for what in ["parse", "parse (general parser)"] {
        if let Some(r) = at(5000, what) {
            let rate = r.bytes as f64 / 1e6 / r.median.as_secs_f64().max(1e-9);
            let times = mb(r.peak_kb) * 1024.0 * 1024.0 / r.bytes.max(1) as f64;
            lines.push((
                format!("(part of load) {what} N=5000 {rate:.1} MB/s, peak {times:.1}x the spec"),
                rate >= 50.0 && times < 15.0,
            ));
        }
    }
    if let Some(r) = at(0, "process: nexus lint specs/") {
        lines.push((
            format!("nexus lint specs/ median {:.1} ms < 50 ms", ms(r.median)),
            ms(r.median) < 50.0,
        ));
    }
    if lines.is_empty() {
        return;
    }
    println!("\nissue 20 targets (medians; wall times carry the machine's load):");
    for (what, met) in lines {
        println!("  {:<8} {what}", if met { "met" } else { "NOT met" });
    }
    for note in notes {
        println!("  {:<8} {note}", "floor");
    }
}
