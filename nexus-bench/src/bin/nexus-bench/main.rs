//! The nexus benchmark. Build with `--release` and run from the repository root:
//!
//! ```text
//! cargo build --release -p nexus -p nexus-bench
//! target/release/nexus-bench [--sizes 100,1000,5000] [--runs 5] [--nexus target/release/nexus]
//!                            [--markdown FILE]
//! ```
//!
//! For each size N it writes a synthetic spec (`nexus_bench::synth(N, 1)`) and measures:
//!
//! - each stage in process (load, validate, resolve, ...), best and median of `--runs`, with
//!   throughput in services per second and megabytes of spec per second;
//! - each stage's peak memory, in a child process (this binary again, `child STAGE FILE`)
//!   that runs the pipeline up to that stage and reports its `VmHWM` from `/proc/self/status`;
//! - whole `nexus` processes (the command line a user or CI runs), wall time best of
//!   `--runs`, CPU time and peak memory as `/usr/bin/time` reports them;
//! - the machine's floor for the fresh render: its files written into a new folder with
//!   nothing rendered (`floor SRC DEST`, see `floor.rs`).
//!
//! The machine's other load shows in wall time, not in CPU time: both are printed.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

mod floor;
mod stages;
mod targets;

use stages::Stage;

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    nexus: PathBuf,
    markdown: Option<PathBuf>,
    work: PathBuf,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child") {
        return child(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("floor") {
        return match floor::command(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("nexus-bench floor: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let opts = match options(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("nexus-bench: {e}");
            eprintln!(
                "usage: nexus-bench [--sizes 100,1000,5000] [--runs N] [--nexus PATH] [--markdown FILE] [--work DIR]"
            );
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nexus-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        sizes: vec![100, 1000, 5000],
        runs: 5,
        nexus: PathBuf::from("target/release/nexus"),
        markdown: None,
        work: PathBuf::from("target/bench"),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--sizes" => {
                o.sizes = value()?
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|_| format!("bad size `{s}`")))
                    .collect::<Result<_, _>>()?
            }
            "--runs" => o.runs = value()?.parse().map_err(|_| "bad --runs")?,
            "--nexus" => o.nexus = PathBuf::from(value()?),
            "--markdown" => o.markdown = Some(PathBuf::from(value()?)),
            "--work" => o.work = PathBuf::from(value()?),
            _ => return Err(format!("unexpected argument `{a}`")),
        }
    }
    o.runs = o.runs.max(1);
    Ok(o)
}

/// One measured row.
struct Row {
    n: usize,
    what: String,
    best: Duration,
    median: Duration,
    /// The slowest run (the issue-20 steadiness target compares it with the median).
    worst: Duration,
    cpu: Option<Duration>,
    peak_kb: Option<u64>,
    /// The bytes its MB/s are of: the spec's, or for the floor the files written.
    bytes: usize,
}

fn run(o: &Options) -> Result<(), String> {
    std::fs::create_dir_all(&o.work).map_err(|e| format!("{}: {e}", o.work.display()))?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let have_time = Path::new("/usr/bin/time").exists();
    let have_nexus = o.nexus.exists();
    if !have_nexus {
        eprintln!(
            "nexus-bench: {} not found; whole-process rows skipped (cargo build --release -p nexus)",
            o.nexus.display()
        );
    }
    let mut rows = Vec::new();
    println!(
        "{:>6}  {:<28} {:>10} {:>10} {:>10} {:>12} {:>9} {:>9}",
        "N", "stage", "best ms", "median ms", "cpu ms", "services/s", "MB/s", "peak MB"
    );
    let trash = o.work.join("trash");
    let _ = std::fs::remove_dir_all(&trash);
    std::fs::create_dir_all(&trash).map_err(|e| format!("{}: {e}", trash.display()))?;
    let mut aside_count = 0;
    for &n in &o.sizes {
        let dir = o.work.join(format!("synth-{n}"));
        let specs = dir.join("specs");
        std::fs::create_dir_all(&specs).map_err(|e| e.to_string())?;
        let file = specs.join("synth.yaml");
        let text = nexus_bench::synth(n, 1);
        std::fs::write(&file, &text).map_err(|e| e.to_string())?;
        let bytes = text.len();

        // In process, stage by stage.
        for stage in Stage::ALL {
            let mut times = Vec::with_capacity(o.runs);
            let input = stage.prepare(text.clone().into_bytes(), &dir)?;
            for _ in 0..o.runs {
                let start = Instant::now();
                std::hint::black_box(stage.run(&input)?);
                times.push(start.elapsed());
            }
            let peak = child_peak(&me, stage, &file, &dir);
            let row = summarize(n, stage.name().to_owned(), times, None, peak, bytes);
            print_row(&row);
            rows.push(row);
        }

        // Whole processes.
        if have_nexus {
            for (what, args) in stages::commands(&specs, &dir) {
                let mut times = Vec::new();
                let mut cpu = Vec::new();
                let mut peak = 0;
                for _ in 0..o.runs {
                    if what.contains("(write)") {
                        // A fresh folder: every file is written, none compared. The last
                        // one is moved aside and deleted at the end: deleting 11,500 files
                        // right before creating as many makes ext4 scan for recently freed
                        // inodes, which measures the file system, not nexus.
                        let out = dir.join("out");
                        if out.exists() {
                            let aside = trash.join(format!("{n}-{}", aside_count));
                            aside_count += 1;
                            std::fs::rename(&out, &aside)
                                .map_err(|e| format!("{}: {e}", out.display()))?;
                        }
                    }
                    let m = measure_process(&o.nexus, &args, have_time)?;
                    times.push(m.wall);
                    if let Some(c) = m.cpu {
                        cpu.push(c);
                    }
                    peak = peak.max(m.peak_kb.unwrap_or(0));
                }
                cpu.sort();
                let row = summarize(
                    n,
                    what,
                    times,
                    cpu.first().copied(),
                    (peak > 0).then_some(peak),
                    bytes,
                );
                print_row(&row);
                rows.push(row);
            }
            let row = floor_row(&me, n, &dir.join("out"), &trash, o.runs)?;
            print_row(&row);
            rows.push(row);
        }
    }
    // The pre-commit case: the repository's own specs/, linted as a whole process.
    if have_nexus && Path::new("specs").is_dir() {
        let args = vec!["lint".to_owned(), "specs".to_owned()];
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut peak = 0;
        for _ in 0..o.runs.max(5) {
            let m = measure_process(&o.nexus, &args, have_time)?;
            times.push(m.wall);
            cpu.extend(m.cpu);
            peak = peak.max(m.peak_kb.unwrap_or(0));
        }
        cpu.sort();
        let row = summarize(
            0,
            "process: nexus lint specs/".to_owned(),
            times,
            cpu.first().copied(),
            (peak > 0).then_some(peak),
            0,
        );
        print_row(&row);
        rows.push(row);
    }
    let _ = std::fs::remove_dir_all(&trash);
    scaling(&rows);
    targets::report(&rows);
    if let Some(md) = &o.markdown {
        std::fs::write(md, markdown(&rows)).map_err(|e| format!("{}: {e}", md.display()))?;
        eprintln!("wrote {}", md.display());
    }
    Ok(())
}

/// The floor of the fresh render at `n`: its last output folder `out` written afresh,
/// `runs` times, in child processes (each into a new folder under `trash`).
fn floor_row(me: &Path, n: usize, out: &Path, trash: &Path, runs: usize) -> Result<Row, String> {
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut written = 0;
    for i in 0..runs {
        let dest = trash.join(format!("{n}-floor-{i}"));
        let result = Command::new(me)
            .arg("floor")
            .arg(out)
            .arg(&dest)
            .output()
            .map_err(|e| format!("{}: {e}", me.display()))?;
        let stdout = String::from_utf8_lossy(&result.stdout);
        let fields: Vec<&str> = stdout.split_whitespace().collect();
        let [wall, cpu_ms, _, bytes] = fields[..] else {
            return Err(format!(
                "floor of {}: {}",
                out.display(),
                String::from_utf8_lossy(&result.stderr)
            ));
        };
        let wall: f64 = wall
            .parse()
            .map_err(|_| format!("floor printed `{stdout}`"))?;
        times.push(Duration::from_secs_f64(wall / 1000.0));
        cpu.extend(
            cpu_ms
                .parse::<f64>()
                .ok()
                .map(|c| Duration::from_secs_f64(c / 1000.0)),
        );
        written = bytes.parse().unwrap_or(0);
    }
    cpu.sort();
    Ok(summarize(
        n,
        FLOOR.to_owned(),
        times,
        cpu.first().copied(),
        None,
        written,
    ))
}

/// The label of the floor's rows.
const FLOOR: &str = "floor: its files, unrendered";

fn summarize(
    n: usize,
    what: String,
    mut times: Vec<Duration>,
    cpu: Option<Duration>,
    peak_kb: Option<u64>,
    bytes: usize,
) -> Row {
    times.sort();
    Row {
        n,
        what,
        best: times[0],
        median: times[times.len() / 2],
        worst: times[times.len() - 1],
        cpu,
        peak_kb,
        bytes,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_row(r: &Row) {
    let secs = r.best.as_secs_f64().max(1e-9);
    println!(
        "{:>6}  {:<28} {:>10.1} {:>10.1} {:>10} {:>12.0} {:>9.1} {:>9}",
        r.n,
        r.what,
        ms(r.best),
        ms(r.median),
        r.cpu.map_or("-".to_owned(), |c| format!("{:.0}", ms(c))),
        r.n as f64 / secs,
        r.bytes as f64 / 1e6 / secs,
        r.peak_kb
            .map_or("-".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
    );
}

/// t(5000) / t(1000) for every row measured at both sizes (linear scaling is 5).
fn scaling(rows: &[Row]) {
    let at = |n: usize, what: &str| rows.iter().find(|r| r.n == n && r.what == what);
    let mut printed = false;
    for r in rows.iter().filter(|r| r.n == 5000) {
        if let Some(small) = at(1000, &r.what) {
            if !printed {
                println!("\nscaling t(5000)/t(1000), best times (linear = 5.0, target <= 5.5):");
                printed = true;
            }
            println!(
                "  {:<28} {:>5.2}",
                r.what,
                r.best.as_secs_f64() / small.best.as_secs_f64().max(1e-9)
            );
        }
    }
}

fn markdown(rows: &[Row]) -> String {
    let mut s = String::from(
        "| N | stage | best ms | median ms | CPU ms | services/s | MB/s | peak MB |\n|---:|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let secs = r.best.as_secs_f64().max(1e-9);
        s.push_str(&format!(
            "| {} | {} | {:.1} | {:.1} | {} | {:.0} | {:.1} | {} |\n",
            r.n,
            r.what,
            ms(r.best),
            ms(r.median),
            r.cpu.map_or("-".to_owned(), |c| format!("{:.0}", ms(c))),
            r.n as f64 / secs,
            r.bytes as f64 / 1e6 / secs,
            r.peak_kb
                .map_or("-".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
        ));
    }
    s
}

/// Peak memory of running the pipeline up to `stage`, in a fresh child process.
fn child_peak(me: &Path, stage: Stage, file: &Path, dir: &Path) -> Option<u64> {
    let out = Command::new(me)
        .args(["child", stage.name()])
        .arg(file)
        .arg(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "nexus-bench: child {} failed: {}",
            stage.name(),
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// `nexus-bench child STAGE FILE DIR`: runs up to STAGE once and prints VmHWM in kB.
fn child(args: &[String]) -> ExitCode {
    let (Some(name), Some(file), Some(dir)) = (args.first(), args.get(1), args.get(2)) else {
        return ExitCode::from(2);
    };
    let Some(stage) = Stage::ALL.into_iter().find(|s| s.name() == name) else {
        return ExitCode::from(2);
    };
    let result = std::fs::read(file)
        .map_err(|e| e.to_string())
        .and_then(|bytes| stage.prepare(bytes, Path::new(dir)))
        .and_then(|input| stage.run_once(input).map(drop));
    if let Err(e) = result {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    match vm_hwm() {
        Some(kb) => {
            println!("{kb}");
            ExitCode::SUCCESS
        }
        None => ExitCode::FAILURE,
    }
}

fn vm_hwm() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

struct Measured {
    wall: Duration,
    cpu: Option<Duration>,
    peak_kb: Option<u64>,
}

/// Runs `nexus ARGS` (under `/usr/bin/time` when there is one) and measures it.
fn measure_process(nexus: &Path, args: &[String], have_time: bool) -> Result<Measured, String> {
    let mut cmd = if have_time {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "NEXUS-BENCH %e %U %S %M", "--"]).arg(nexus);
        c
    } else {
        Command::new(nexus)
    };
    cmd.args(args).env("NO_COLOR", "1");
    let start = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("{}: {e}", nexus.display()))?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    if code != 0 && code != 1 {
        return Err(format!(
            "`nexus {}` exited {code}:\n{stderr}",
            args.join(" ")
        ));
    }
    let mut m = Measured {
        wall,
        cpu: None,
        peak_kb: None,
    };
    if let Some(line) = stderr.lines().rev().find(|l| l.starts_with("NEXUS-BENCH ")) {
        let f: Vec<f64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        if f.len() == 4 {
            m.cpu = Some(Duration::from_secs_f64(f[1] + f[2]));
            m.peak_kb = Some(f[3] as u64);
        }
    }
    Ok(m)
}
