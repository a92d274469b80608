//! `nexus explain RULE` and `nexus explain --list`

use nexus::lint::{docs, rules};

use super::failure::{Failure, Outcome, Status};
use super::output;

/// Arguments of `nexus explain`.
#[derive(Debug, clap::Args)]
#[command(arg_required_else_help = true)]
pub(super) struct Args {
    /// The rule id (`NX-POD-001`; case does not matter).
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule: id, default severity, title.
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,
    /// Print Markdown instead of text.
    #[arg(long)]
    pub markdown: bool,
}

/// Runs `nexus explain`.
pub(super) fn run(args: Args) -> Outcome {
    if args.list {
        output::out(if args.markdown {
            docs::rules_markdown()
        } else {
            docs::list()
        });
        return Ok(Status::Clean);
    }
    let id = args.rule.unwrap_or_default().to_ascii_uppercase();
    match rules::find(&id) {
        Some(rule) => {
            output::out(if args.markdown {
                docs::explain_markdown(rule)
            } else {
                docs::explain(rule)
            });
            Ok(Status::Clean)
        }
        None => {
            let ids: Vec<&str> = rules::all().iter().map(|r| r.id).collect();
            let hint = nexus::spec::suggest::did_you_mean(&id, &ids)
                .map(|c| format!("; did you mean {c}?"))
                .unwrap_or_default();
            Err(Failure::usage(format!(
                "nexus explain: there is no rule `{id}`{hint} (`nexus explain --list` lists them)"
            )))
        }
    }
}
