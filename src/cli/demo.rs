//! `ticket-rules demo`: the whole pipeline on sample data built into the
//! binary. A temporary store (in memory, or `--db PATH` to keep it) gets
//! the `support` account's agreements, its rules run over a short event
//! stream, and the report shows what fired, what was refused or rejected,
//! and where the tickets ended up.

use super::{CliError, Outcome};
use crate::engine::{self, Explain, Input, RuleSet};
use crate::ingest::{incoming, Pipeline};
use crate::model::agreement::from_api_json;
use crate::report::event_text;
use crate::rules::check::{check, CheckOptions};
use crate::rules::{load_str, Syntax};
use crate::store::Store;
use std::path::PathBuf;

const RULES: &str = include_str!("../../demo/rules/support.rules");
const AGREEMENTS: &str = include_str!("../../demo/agreements.json");
const EVENTS: &str = include_str!("../../demo/events.jsonl");
const ACCOUNT: &str = "support";

#[derive(clap::Args)]
pub struct Args {
    /// Keep the demo store in this file instead of in memory
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let store = match &args.db {
        Some(path) => Store::open(path)?,
        None => Store::in_memory()?,
    };
    print!("{}", report(&store)?);
    if let Some(path) = &args.db {
        println!(
            "\nthe store is in `{}`; try `ticket-rules tickets show 101 --db {}`",
            path.display(),
            path.display()
        );
    }
    Ok(Outcome::Ok)
}

/// The demo's rules, compiled (they are checked by the tests).
pub fn rules() -> RuleSet {
    let loaded = load_str("demo/rules/support.rules", RULES.to_string(), Syntax::Dsl);
    debug_assert!(check(&loaded.file, &CheckOptions::default())
        .iter()
        .all(|d| !d.is_error()));
    engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }])
}

/// Runs the demo on `store` and returns its report.
pub fn report(store: &Store) -> Result<String, CliError> {
    let rules = rules();
    let agreements = from_api_json(AGREEMENTS).map_err(CliError::Usage)?;
    store.begin()?;
    store.ensure_account(ACCOUNT)?;
    store.import_agreements(ACCOUNT, &agreements)?;
    store.commit()?;
    let mut out = format!(
        "ticket-rules demo: account `{ACCOUNT}`, {} triggers, {} sharing agreements, {} events\n\n",
        rules.triggers.len(),
        agreements.len(),
        EVENTS.lines().count()
    );
    let events = incoming(EVENTS.as_bytes());
    let summary = Pipeline::new(store, &rules, Explain::None).run(events, false, |p| {
        out.push_str(&event_text(p));
        out.push('\n');
    })?;
    out.push_str(&format!("summary: {summary}\n\n"));
    for id in [101, 102] {
        if let Some(t) = store.ticket(ACCOUNT, id)? {
            let comments = store.comments(ACCOUNT, id)?;
            let audit = store.audit(ACCOUNT, id)?;
            out.push_str(&crate::report::ticket_text(&t, &comments, &audit));
            out.push('\n');
        }
    }
    let outbox = store.outbox()?;
    out.push_str(&format!(
        "outbox: {} notification(s) waiting\n",
        outbox.len()
    ));
    for o in &outbox {
        out.push_str(&format!("  {}\n", o.payload));
    }
    Ok(out)
}
