//! `ticket-rules automations run`: run the automations at a time, as the
//! hosted product does every hour, or show what they would do
//! (`--dry-run`, also `dry-run --automations`).

use super::ingest::ExplainArg;
use super::out::{out, outln};
use super::running::{account_rules, time_arg, DbArg, RulesArg};
use super::{CliError, Format, Outcome};
use crate::automations::report::{self, Json, Listing};
use crate::automations::{self, Options, Seen, DEFAULT_CAP};
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
    /// Count what each automation would change, writing nothing (with
    /// `--tickets` or `--report` to list the tickets)
    #[arg(long)]
    pub dry_run: bool,
    /// Tickets one automation may change in a clock hour (earlier runs in the
    /// hour count); the rest wait for a later hour
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CAP)]
    pub cap: usize,
    /// Only this account's tickets (repeatable; default every account)
    #[arg(long)]
    pub account: Vec<String>,
    /// List each ticket an automation changed, one line each (in JSON, a
    /// `tickets` array per automation); by default only counts
    #[arg(long)]
    pub tickets: bool,
    /// List each ticket's update in full, as `dry-run` prints an event
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
    let listing = match (args.report, args.tickets) {
        (true, _) => Listing::Full,
        (false, true) => Listing::Tickets,
        (false, false) => Listing::Counts,
    };
    // Each step is printed as it comes: nothing per ticket is kept.
    let (mut json, head) = Json::open(options.at, args.dry_run, listing);
    if args.format == Format::Json {
        out!("{head}");
    }
    let summary = automations::run(store, &rules, &options, |seen: Seen| match args.format {
        Format::Human => out!("{}", report::text(seen, listing, args.dry_run)),
        Format::Json => out!("{}", json.seen(seen)),
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
        Format::Json => out!("{}", json.close(&summary)),
    }
    Ok(Outcome::Ok)
}
