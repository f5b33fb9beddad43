//! `ticket-rules demo`: the whole pipeline on sample data built into the
//! binary. A temporary store (in memory, or `--db PATH` to keep it) holds
//! two local accounts, `support` and `acme`, each with its own rules and
//! its side of their agreement, and `support` has a remote partner,
//! `northwind`. A short event stream runs through both accounts' rules:
//! shares create Acme's copy and run Acme's triggers, updates sync both
//! ways, the remote share lands in the outbox, and bad events are
//! rejected. A day later the automations run: a solved ticket stops
//! syncing with Acme, and a pending one gets a reminder. The report shows
//! what fired and where the tickets ended up.
//!
//! With `--network` it runs [`network`] instead: two servers sharing a
//! ticket over HTTP.

use super::out::{out, outln};
use super::{CliError, Outcome};
use crate::automations::{report::Listing, Options, DEFAULT_CAP};
use crate::engine::{self, Explain, Input, RuleSet};
use crate::ingest::{incoming, AccountRules, Pipeline};
use crate::model::agreement::from_api_json;
use crate::model::FieldType;
use crate::report::event_text;
use crate::rules::check::{check, CheckOptions};
use crate::rules::{load_str, Syntax};
use crate::store::Store;
use std::path::PathBuf;

mod network;
mod wire;

/// Each local account: its rules and its side of the agreements.
const ACCOUNTS: [(&str, &str, &str, &str); 2] = [
    (
        "support",
        "demo/rules/support.rules",
        include_str!("../../demo/rules/support.rules"),
        include_str!("../../demo/agreements/support.json"),
    ),
    (
        "acme",
        "demo/rules/acme.rules",
        include_str!("../../demo/rules/acme.rules"),
        include_str!("../../demo/agreements/acme.json"),
    ),
];
const EVENTS: &str = include_str!("../../demo/events.jsonl");
/// The agents the events name: an event's role is the store's, so they
/// are on their accounts' staff before the events run.
const AGENTS: [(&str, &str, &str); 2] = [
    ("support", "bo@support.example", "Bo"),
    ("acme", "tess@acme.example", "Tess Acme"),
];

#[derive(clap::Args)]
pub struct Args {
    /// Keep the demo store in this file instead of in memory
    #[arg(long, value_name = "PATH", conflicts_with = "network")]
    db: Option<PathBuf>,
    /// Two servers on loopback, sharing a ticket over HTTP; prints what
    /// crossed the wire
    #[arg(long)]
    network: bool,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    if args.network {
        return network::run();
    }
    let store = match &args.db {
        Some(path) => Store::open(path)?,
        None => Store::in_memory()?,
    };
    out!("{}", report(&store)?);
    if let Some(path) = &args.db {
        outln!(
            "\nthe store is in `{}`; try `ticket-rules tickets show acme/1 --db {}`",
            path.display(),
            path.display()
        );
    }
    Ok(Outcome::Ok)
}

/// One account's demo rules, compiled (they are checked by the tests).
pub fn account_rules(path: &str, text: &str) -> RuleSet {
    let loaded = load_str(path, text.to_string(), Syntax::Dsl);
    debug_assert!(check(&loaded.file, &CheckOptions::default())
        .iter()
        .all(|d| !d.is_error()));
    engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }])
}

/// The hour the demo runs its automations: a day after the events.
const AUTOMATIONS_AT: &str = "2026-11-22T12:00:00Z";

/// Runs the automations a day later, as the hourly run would.
fn automations(store: &Store, rules: &AccountRules) -> Result<String, CliError> {
    let at = super::running::time_arg(Some(AUTOMATIONS_AT))?;
    let options = Options {
        at,
        cap: DEFAULT_CAP,
        dry_run: false,
        accounts: Vec::new(),
        explain: Explain::None,
    };
    let mut out = format!("automations at {AUTOMATIONS_AT}:\n");
    let summary = crate::automations::run(store, rules, &options, |seen| {
        out.push_str(&crate::automations::report::text(
            seen,
            Listing::Tickets,
            false,
        ));
    })?;
    out.push_str(&format!("summary: {summary}\n\n"));
    Ok(out)
}

/// Runs the demo on `store` and returns its report.
pub fn report(store: &Store) -> Result<String, CliError> {
    let mut rules = AccountRules::default();
    let mut out = String::from("ticket-rules demo\n");
    store.begin()?;
    for (account, path, text, agreements) in ACCOUNTS {
        let set = account_rules(path, text);
        let agreements = from_api_json(agreements).map_err(CliError::Usage)?;
        store.add_account(account)?;
        store.import_agreements(account, &agreements)?;
        // Custom fields sync only where both accounts have the field.
        store.set_field(account, "Camera model", FieldType::Text)?;
        out.push_str(&format!(
            "  account `{account}`: {} triggers, {} automations; agreements: {}\n",
            set.triggers.len(),
            set.automations.len(),
            agreements
                .iter()
                .map(|a| format!(
                    "{:?} ({} {}, {})",
                    a.name,
                    a.direction.as_str(),
                    a.partner(),
                    a.status.as_str()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        rules.own.insert(account.to_string(), set);
    }
    for (account, email, name) in AGENTS {
        store.upsert_agent(account, email, Some(name), false)?;
    }
    store.commit()?;
    out.push_str(&format!("  {} events\n\n", EVENTS.lines().count()));
    let events = incoming(EVENTS.as_bytes());
    let summary = Pipeline::new(store, &rules, Explain::None).run(events, false, |p| {
        out.push_str(&event_text(p));
        out.push('\n');
    })?;
    out.push_str(&format!("summary: {summary}\n\n"));
    out.push_str(&automations(store, &rules)?);
    for (account, id) in [
        ("support", 101),
        ("acme", 1),
        ("support", 102),
        ("support", 103),
    ] {
        if let Some(t) = store.ticket(account, id)? {
            let comments = store.comments(account, id)?;
            let audit = store.audit(account, id)?;
            out.push_str(&crate::report::ticket_text(&t, &comments, &audit));
            out.push('\n');
        }
    }
    let outbox = store.outbox()?;
    out.push_str(&format!(
        "outbox: {} row(s) waiting for a transport\n",
        outbox.len()
    ));
    for o in &outbox {
        out.push_str(&format!("  #{} {}: {}\n", o.seq, o.kind, o.payload));
    }
    Ok(out)
}
