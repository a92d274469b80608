//! `nexus render [PATH...] [--env NAME] [--out DIR] [--check] [--diff]`

use std::path::{Path, PathBuf};
use std::time::Duration;

use nexus::CompileOptions;
use nexus::render::output::semantic;
use nexus::render::output::{Change, Drift};

use super::failure::{Failure, Outcome, Status};
use super::{output, specs};

/// Arguments of `nexus render`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Spec files or folders of them (default: specs/). One spec renders into
    /// DIR/<env>/; several render side by side into DIR/<platform>/<env>/.
    paths: Vec<PathBuf>,
    /// Render only this environment (other environments' files are left as they are).
    #[arg(long = "env", value_name = "NAME")]
    env: Option<String>,
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
    /// Write nothing: list the files that differ (new, changed, stale) and summarise the
    /// change object by object; exit 1 if anything differs.
    #[arg(long)]
    check: bool,
    /// With --check: also print a unified diff of every file that differs.
    #[arg(long, requires = "check")]
    diff: bool,
    /// How long to wait for another nexus writing the same output folder, in seconds;
    /// after that, exit 2 naming it.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    wait: Duration,
}

/// A non-negative number of seconds (`0`, `2.5`).
fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .filter(|d| *d <= Duration::from_secs(86_400))
        .ok_or_else(|| format!("`{text}` is not a number of seconds between 0 and 86400"))
}

pub(super) fn run(args: Args) -> Outcome {
    let specs = specs::load(args.paths, Some(&args.out))?;
    let options = CompileOptions {
        environment: args.env,
        ..CompileOptions::default()
    };
    if args.check {
        // Each environment is compared as soon as it is rendered (see `nexus::check_to`).
        let drift = match nexus::check_to(specs, &options, &args.out, args.wait) {
            Ok(drift) => drift,
            Err(nexus::RenderToError::Compile(e)) => return Err(e.into()),
            Err(nexus::RenderToError::Output(e)) => return Err(e.into()),
        };
        return Ok(report_drift(&drift, &args.out, args.diff));
    }
    // Each environment is staged as soon as it is rendered (see `nexus::render_to`).
    let report = match nexus::render_to(specs, &options, &args.out, args.wait) {
        Ok(report) => report,
        Err(nexus::RenderToError::Compile(e)) => return Err(e.into()),
        Err(nexus::RenderToError::Output(e)) => {
            return Err(
                Failure::from(e).note(format!("nothing in {} was changed", args.out.display()))
            );
        }
    };
    for w in &report.warnings {
        output::warn(w);
    }
    output::errln(format_args!(
        "{}: {} file(s) written, {} removed, {} unchanged",
        args.out.display(),
        report.written.len(),
        report.removed.len(),
        report.unchanged
    ));
    Ok(Status::Clean)
}

/// The drift on stdout (file list, semantic summary, diffs), a verdict on stderr.
fn report_drift(drift: &Drift, out: &Path, diff: bool) -> Status {
    for w in &drift.warnings {
        output::warn(w);
    }
    let mut text = String::new();
    for c in &drift.changes {
        text.push_str(&format!(
            "{:<8} {}\n",
            c.change.as_str(),
            out.join(&c.path).display()
        ));
    }
    let summary = semantic::summarize(&drift.changes);
    if !summary.is_empty() {
        text.push_str("\nWhat changed, object by object:\n");
        for s in &summary {
            text.push_str(&s.to_string());
        }
    }
    if diff {
        for c in &drift.changes {
            let d = c.unified_diff();
            if !d.is_empty() {
                text.push('\n');
                text.push_str(&d);
            }
        }
    }
    output::out(text);
    if drift.is_clean() {
        output::errln(format_args!("{} is current", out.display()));
        Status::Clean
    } else {
        let count = |c| drift.paths(c).count();
        output::errln(format_args!(
            "{} is not current: {} new, {} changed, {} stale, {} leftover; run `nexus render` and commit the result",
            out.display(),
            count(Change::New),
            count(Change::Changed),
            count(Change::Stale),
            count(Change::Leftover)
        ));
        Status::Failed
    }
}
