//! `ticket-rules automations run`: run the automations at a time, as the
//! hosted product does every hour, or show what they would do
//! (`--dry-run`, also `dry-run --automations`).

use super::ingest::ExplainArg;
use super::out::{out, outln};
use super::running::{account_rules, time_arg, DbArg, RulesArg};
use super::{CliError, Format, Outcome};
use crate::automations::{self, AutomationRun, Options, DEFAULT_CAP};
use crate::report::{automation_json, automation_text};
use crate::store::Store;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Run each account's active automations, in order, over its tickets
    /// that are not closed
    Run(RunArgs),
}

/// What an automation run needs; `dry-run --automations` shares them.
#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Rule files or folders: `ACCOUNT=PATH` for one account's, `PATH` for
    /// every account without its own (repeat `--rules` for more)
    #[arg(long, required = true, value_name = "[ACCOUNT=]PATH")]
    pub rules: Vec<RulesArg>,
    /// The time to run at (RFC 3339; default now): `hours since` counts to it
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Show what each automation would change, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Tickets one automation may change in a clock hour (earlier runs in the
    /// hour count); the rest wait for a later hour
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CAP)]
    pub cap: usize,
    /// Only this account's tickets (repeatable; default every account)
    #[arg(long)]
    pub account: Vec<String>,
    /// Print each update in full, as `dry-run` prints an event (implied by `--dry-run`)
    #[arg(long)]
    pub report: bool,
    /// With the full report: the conditions that held (`all`), and why the
    /// triggers that did not fire after each update did not (`failed`, `all`)
    #[arg(long, value_enum, default_value_t = ExplainArg::None)]
    pub explain: ExplainArg,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::Run(run) => {
            let store = match run.dry_run {
                true => run.db.open_for_dry_run()?,
                false => run.db.open()?,
            };
            sweep(&store, run)
        }
    }
}

/// Runs (or dry-runs) the automations on an open store and prints the result.
pub fn sweep(store: &Store, args: RunArgs) -> Result<Outcome, CliError> {
    let Some(rules) = account_rules(&args.rules)? else {
        return Ok(Outcome::Failed);
    };
    if args.cap == 0 {
        return Err(CliError::Usage(
            "`--cap 0` would let no automation change anything\nhelp: give at least 1".into(),
        ));
    }
    let known = store.accounts()?;
    if let Some(missing) = args.account.iter().find(|a| !known.contains(a)) {
        return Err(CliError::Usage(format!(
            "no account `{missing}` in the store\nhelp: the store has {}",
            known.join(", ")
        )));
    }
    let options = Options {
        at: time_arg(args.at.as_deref())?,
        cap: args.cap,
        dry_run: args.dry_run,
        accounts: args.account.clone(),
        explain: args.explain.into(),
    };
    let detail = args.report || args.dry_run;
    let mut runs = Vec::new();
    let summary = automations::run(store, &rules, &options, |run: &AutomationRun| {
        match args.format {
            Format::Human => out!("{}", automation_text(run, detail, args.dry_run)),
            Format::Json => runs.push(automation_json(run)),
        }
    })?;
    match args.format {
        Format::Human => {
            let would = if args.dry_run {
                "dry run, nothing written: "
            } else {
                ""
            };
            outln!("{would}{summary}");
        }
        Format::Json => {
            let out = serde_json::json!({
                "at": options.at.to_rfc3339(),
                "dry_run": args.dry_run,
                "automations": runs,
                "changed": summary.changed,
                "already_changed_this_hour": summary.already,
                "left_over_cap": summary.left,
                "rules_fired": summary.rules_fired,
                "shared_updates": summary.shared_updates,
                "queued": summary.queued,
            });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    Ok(Outcome::Ok)
}
