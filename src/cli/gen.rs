//! `ticket-rules gen`: writes a seeded workload (rules in the DSL and in
//! YAML, events, and the setup commands they need) into a folder.

use super::{CliError, Outcome};
use crate::gen::{plan, Options, Plan};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The folder to write into (created if needed)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The same seed and options give the same bytes
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Triggers to write
    #[arg(long, default_value_t = 1_000)]
    rules: usize,
    /// Events to write (creates and updates)
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// Tickets the events create
    #[arg(long, default_value_t = 1_000)]
    tickets: usize,
    #[arg(long, default_value_t = 2)]
    accounts: usize,
    /// Agents per account
    #[arg(long, default_value_t = 5)]
    agents: usize,
    /// Triggers that fire per update, per 1,000 triggers
    #[arg(long, default_value_t = 1.6)]
    match_rate: f64,
    /// Zipf exponent of the tickets' tags over 500 tags
    #[arg(long, default_value_t = 1.1)]
    tag_skew: f64,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let options = Options {
        seed: args.seed,
        accounts: args.accounts,
        agents: args.agents,
        tickets: args.tickets,
        events: args.events,
        rules: args.rules,
        match_rate: args.match_rate,
        tag_skew: args.tag_skew,
    };
    let w = plan(&options).map_err(|e| CliError::Usage(e.to_string()))?;
    let files = [
        ("dsl/triggers.rules", &w.dsl),
        ("yaml/triggers.yaml", &w.yaml),
        ("setup.sh", &w.setup),
    ];
    for (name, text) in files {
        write(&args.out.join(name), text)?;
    }
    write_events(&args.out.join("events.jsonl"), &w)?;
    println!(
        "wrote {} triggers (dsl/, yaml/), {} events on {} tickets (events.jsonl) and setup.sh for {} accounts into `{}`",
        options.rules,
        options.events,
        options.tickets,
        options.accounts,
        args.out.display()
    );
    println!("next: DB=store.db TICKET_RULES=ticket-rules sh setup.sh, then ingest --db store.db --rules dsl events.jsonl");
    Ok(Outcome::Ok)
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    let fail = |source| CliError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    std::fs::write(path, text).map_err(fail)
}

/// Writes the events a line at a time: a workload of any size takes the
/// memory of one event.
fn write_events(path: &Path, plan: &Plan) -> Result<(), CliError> {
    let fail = |source| CliError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut out = BufWriter::new(std::fs::File::create(path).map_err(fail)?);
    plan.write_events(&mut out).map_err(fail)?;
    out.flush().map_err(fail)
}
