//! `ticket-rules dry-run`: what the rules would do to a ticket, and why,
//! with nothing written. It runs the very pipeline `ingest` runs, inside a
//! transaction that is rolled back, so the store file is untouched.

use super::automations::RunArgs;
use super::ingest::ExplainArg;
use super::out::{out, outln};
use super::running::{
    account_of, account_rules, open_input, time_arg, ExistingDbArg, MaxLineArg, RulesArg,
};
use super::{CliError, Format, Outcome};
use crate::automations::DEFAULT_CAP;
use crate::engine::{Explain, RuleSet};
use crate::event::parse_ticket_json;
use crate::ingest::{incoming_up_to, Incoming, Pipeline, Processed};
use crate::model::{Changes, Time, Update, UpdateKind};
use crate::report::{event_json, event_text, events_json};
use crate::store::Store;
use crate::testing::save::Pin;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["event", "ticket", "ticket_json", "automations"])))]
pub struct Args {
    #[command(flatten)]
    db: ExistingDbArg,
    #[command(flatten)]
    max_line: MaxLineArg,
    /// Rule files or folders: `ACCOUNT=PATH` for one account's, `PATH` for
    /// every account without its own (repeat `--rules` for more)
    #[arg(long, required = true, value_name = "[ACCOUNT=]PATH")]
    rules: Vec<RulesArg>,
    /// Events (JSON Lines) to try against the store
    #[arg(long, value_name = "FILE", conflicts_with = "ticket")]
    event: Option<PathBuf>,
    /// A stored ticket to run the triggers on, as if updated with no changes
    #[arg(long, value_name = "ID")]
    ticket: Option<i64>,
    /// A ticket given inline (JSON); no store needed. With `--event`, the
    /// ticket is the one the events update
    #[arg(long, value_name = "FILE", conflicts_with = "ticket")]
    ticket_json: Option<PathBuf>,
    /// Run the automations at `--at` instead, as `automations run --dry-run`
    #[arg(long, conflicts_with_all = ["event", "ticket", "ticket_json"])]
    automations: bool,
    /// The account, when the store has several (default: its only one)
    #[arg(long)]
    account: Option<String>,
    /// With `--ticket-json`: Sharing Agreements API JSON for shares
    #[arg(long, value_name = "FILE")]
    agreements: Option<PathBuf>,
    /// The time of the update for `--ticket` / `--ticket-json` (RFC 3339; default now)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Why other rules did not fire (`failed`), or every condition (`all`)
    #[arg(long, value_enum, default_value_t = ExplainArg::Failed)]
    explain: ExplainArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// With `--event`: let creates with `received_from` import copies
    /// received from remote partners, as `ingest --import-copies`
    #[arg(long)]
    import_copies: bool,
    /// Write the (first) event and today's outcome as a case of this test
    /// file, created or added to (see docs/TESTING.md)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["ticket", "automations"])]
    save_test: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    if args.automations {
        let store = args.db.open()?;
        let sweep = RunArgs {
            db: args.db.into(),
            rules: args.rules,
            at: args.at,
            dry_run: true,
            cap: DEFAULT_CAP,
            account: args.account.into_iter().collect(),
            tickets: true,
            report: true,
            explain: args.explain,
            format: args.format,
        };
        return super::automations::sweep(&store, sweep);
    }
    let Some(rules) = account_rules(&args.rules)? else {
        return Ok(Outcome::Failed);
    };
    let at = time_arg(args.at.as_deref())?;
    let explain: Explain = args.explain.into();
    let mut results = Vec::new();
    let rules_paths = args
        .rules
        .iter()
        .map(|r| (r.account.clone(), r.path.clone()));
    let pin = RefCell::new(
        args.save_test
            .clone()
            .map(|f| Pin::new(f, rules_paths.collect())),
    );
    let collect = |p: &Processed| {
        results.push(render(p, args.format));
        pin.borrow_mut().iter_mut().for_each(|pin| pin.seen(p));
    };
    let summary = if let Some(path) = &args.ticket_json {
        let store = Store::in_memory()?;
        let account = args.account.clone().unwrap_or_else(|| "support".into());
        store.add_account(&account)?;
        import_agreements(&store, args.agreements.as_ref(), &account)?;
        let text = read(path)?;
        let ticket = parse_ticket_json(&text, &account, at)
            .map_err(|e| CliError::Usage(format!("`{}`: {e}", path.display())))?;
        if let (Some(pin), None) = (pin.borrow_mut().as_mut(), &args.event) {
            pin.ticket_json(&text, &ticket);
        }
        // A store made for this one ticket has the account it names.
        store.add_account(&ticket.account)?;
        let ticket = Incoming::made(text, ticket);
        match &args.event {
            None => Pipeline::new(&store, &rules, explain).run([ticket], true, collect)?,
            Some(events) => {
                // The ticket as it stands before the events: stored, no rules run.
                Pipeline::new(&store, &RuleSet::default(), Explain::None).run(
                    [ticket],
                    false,
                    |_| {},
                )?;
                pin_before(&pin, events, &store)?;
                let input = incoming_up_to(open_input(events)?, args.max_line.max_line);
                Pipeline::new(&store, &rules, explain).run(input, true, collect)?
            }
        }
    } else {
        let store = args.db.open()?;
        let mut pipeline =
            Pipeline::new(&store, &rules, explain).importing_copies(args.import_copies);
        match (&args.event, args.ticket) {
            (Some(events), _) => {
                pin_before(&pin, events, &store)?;
                pipeline.run(
                    incoming_up_to(open_input(events)?, args.max_line.max_line),
                    true,
                    collect,
                )?
            }
            (None, Some(id)) => {
                let account = account_of(&store, args.account.as_deref())?;
                let update = touch(&account, id, at);
                let one = Incoming::made(String::new(), update);
                pipeline.run([one], true, collect)?
            }
            (None, None) => nothing_to_try()?,
        }
    };
    match args.format {
        Format::Human => results
            .iter()
            .for_each(|r| out!("{}", r.as_str().unwrap_or(""))),
        Format::Json => {
            let out = events_json(results, &summary, true);
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    if let Some(pin) = pin.into_inner() {
        let file = args.save_test.unwrap_or_default();
        let name = pin.write().map_err(|e| CliError::Usage(e.to_string()))?;
        eprintln!("saved case `{name}` to `{}`", file.display());
    }
    Ok(if summary.rejected > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}

fn render(p: &Processed, format: Format) -> serde_json::Value {
    match format {
        Format::Human => event_text(p).into(),
        Format::Json => event_json(p),
    }
}

/// The pinned event's ticket as the store has it before the event.
fn pin_before(pin: &RefCell<Option<Pin>>, events: &Path, store: &Store) -> Result<(), CliError> {
    if let Some(pin) = pin.borrow_mut().as_mut() {
        pin.first_event_of(events)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        pin.before(store)?;
    }
    Ok(())
}

fn nothing_to_try() -> Result<crate::ingest::Summary, CliError> {
    Err(CliError::Usage(
        "say what to try: `--event FILE`, `--ticket ID` or `--ticket-json FILE`".into(),
    ))
}

/// An update with no changes: the triggers run on the ticket as it is.
fn touch(account: &str, id: i64, at: Time) -> Update {
    Update {
        event_id: format!("dry-run-ticket-{id}"),
        kind: UpdateKind::Update,
        account: account.to_string(),
        ticket_id: id,
        at,
        via: "api".into(),
        actor: None,
        changes: Changes::default(),
        automation: None,
    }
}

fn read(path: &PathBuf) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Loads `--agreements` into the in-memory store for `account`.
pub fn import_agreements(
    store: &Store,
    path: Option<&PathBuf>,
    account: &str,
) -> Result<usize, CliError> {
    let Some(path) = path else { return Ok(0) };
    let text = read(path)?;
    let list = crate::model::agreement::from_api_json(&text)
        .map_err(|e| CliError::Usage(format!("`{}`: {e}", path.display())))?;
    store.begin()?;
    let n = store.import_agreements(account, &list)?;
    store.commit()?;
    Ok(n)
}
