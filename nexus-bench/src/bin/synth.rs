//! `synth N [--seed S] [--peer] [--out FILE]`: writes a synthetic platform spec of N
//! services (see `nexus_bench::synth`; `--peer`: the peer workload, `nexus_bench::peer`) to
//! FILE or stdout.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut n: Option<usize> = None;
    let mut seed = 1u64;
    let mut out: Option<String> = None;
    let mut peer = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => return usage("--seed needs a number"),
            },
            "--out" | "-o" => match args.next() {
                Some(f) => out = Some(f),
                None => return usage("--out needs a file"),
            },
            "--peer" => peer = true,
            "-h" | "--help" => return usage(""),
            _ => match a.parse() {
                Ok(v) if n.is_none() => n = Some(v),
                _ => return usage(&format!("unexpected argument `{a}`")),
            },
        }
    }
    let Some(n) = n else {
        return usage("N is required");
    };
    let text = if peer {
        nexus_bench::peer(n)
    } else {
        nexus_bench::synth(n, seed)
    };
    let written = match out {
        Some(f) => std::fs::write(&f, text).map_err(|e| format!("{f}: {e}")),
        None => {
            use std::io::Write;
            std::io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map_err(|e| e.to_string())
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("synth: {problem}");
    }
    eprintln!("usage: synth N [--seed S] [--peer] [--out FILE]");
    ExitCode::from(if problem.is_empty() { 0 } else { 2 })
}
