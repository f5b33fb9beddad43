//! The command line: one file per subcommand. Each returns an [`Outcome`];
//! [`main`] turns it into the exit code (0 ok, 1 rule or input errors,
//! 2 usage or environment errors) and prints the one top-level report.

mod accounts;
mod agents;
mod agreements;
mod automations;
mod bench;
mod check;
mod convert;
mod demo;
mod dry_run;
mod fmt;
mod gen;
mod groups;
mod ingest;
mod out;
mod outbox;
pub(crate) mod replies;
mod running;
mod serve;
mod table;
mod test;
mod tickets;
mod tokens;

use crate::rules::diagnostics::{render, Diagnostic, JsonDiagnostic, Style};
use crate::rules::Loaded;
use clap::{Parser, Subcommand, ValueEnum};
use out::errln;
use std::io::IsTerminal;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ticket-rules",
    version,
    about = "Rules as code for help desks that share tickets"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Read rule files as this, whatever their names (else by extension,
    /// then by content)
    #[arg(long, global = true, value_enum, value_name = "dsl|yaml|json")]
    rules_format: Option<crate::rules::Syntax>,
}

#[derive(Subcommand)]
enum Command {
    /// Check rule files and report every error and warning
    Check(check::Args),
    /// Rewrite `.rules` files in the canonical layout
    Fmt(fmt::Args),
    /// Turn a rule file into DSL or Zendesk-shaped YAML
    Convert(convert::Args),
    /// Run events through the rules into the ticket store
    Ingest(ingest::Args),
    /// Show what the rules would do to a ticket, and why, writing nothing
    DryRun(dry_run::Args),
    /// Run automations over the store at a time, or show what they would do
    Automations(automations::Args),
    /// Show and list stored tickets with their audit trail; share one with
    /// agents outside its group
    Tickets(tickets::Args),
    /// Sharing agreements: list, show, export, import, invite, accept,
    /// decline, deactivate
    Agreements(agreements::Args),
    /// Accounts in the store and their settings
    Accounts(accounts::Args),
    /// An account's groups (inboxes): add, list
    Groups(groups::Args),
    /// An account's agents and admins and their groups: add, list
    Agents(agents::Args),
    /// Scheduled replies: post those that are due, list them
    Replies(replies::Args),
    /// What waits for a transport to deliver
    Outbox(outbox::Args),
    /// Run the whole pipeline on built-in sample data
    Demo(demo::Args),
    /// Serve Zendesk's API for every account in the store
    Serve(serve::Args),
    /// API tokens for `serve`: add, list, revoke
    Tokens(tokens::Args),
    /// Run the cases of `*.test.yaml` files against their rules
    Test(test::Args),
    /// Write a seeded workload: rules, events and the setup they need
    Gen(gen::Args),
    /// Measure a rule set: load time, updates/s, p50/p99, costliest triggers
    Bench(bench::Args),
}

/// Human text or JSON for machines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// How a subcommand ended.
pub enum Outcome {
    Ok,
    /// Rule or input errors were found (and reported).
    Failed,
}

/// A usage or environment problem: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Load(#[from] crate::rules::LoadError),
    #[error(transparent)]
    Agreements(#[from] crate::rules::check::AgreementsError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// An agreement that could not move on (a refused accept, say).
    #[error(transparent)]
    Lifecycle(#[from] crate::sharing::agreements::AgreementError),
    #[error(transparent)]
    Remote(#[from] crate::sharing::remote::RemoteError),
    #[error(transparent)]
    Retry(#[from] crate::server::delivery::retry::RetryError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Runs the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    running::set_rules_format(cli.rules_format);
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::DryRun(args) => dry_run::run(args),
        Command::Automations(args) => automations::run(args),
        Command::Tickets(args) => tickets::run(args),
        Command::Agreements(args) => agreements::run(args),
        Command::Accounts(args) => accounts::run(args),
        Command::Groups(args) => groups::run(args),
        Command::Agents(args) => agents::run(args),
        Command::Replies(args) => replies::run(args),
        Command::Outbox(args) => outbox::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Tokens(args) => tokens::run(args),
        Command::Test(args) => test::run(args),
        Command::Gen(args) => gen::run(args),
        Command::Bench(args) => bench::run(args),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Err(e) => {
            // Escaped before painting: colour from the input would pass.
            let e = crate::escape::controls(&e.to_string(), false).into_owned();
            errln!("{}: {e}", stderr_style().paint("1;31", "error"));
            ExitCode::from(2)
        }
    }
}

/// Colour only on a terminal, and never with `NO_COLOR`.
fn use_color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn stdout_style() -> Style {
    Style {
        color: use_color(std::io::stdout().is_terminal()),
    }
}

pub fn stderr_style() -> Style {
    Style {
        color: use_color(std::io::stderr().is_terminal()),
    }
}

/// Every diagnostic of the loaded files, errors before warnings, in the
/// requested format.
pub fn report(files: &[(Loaded, Vec<Diagnostic>)], format: Format, style: Style) -> String {
    let mut ordered: Vec<(&Loaded, &Diagnostic)> = files
        .iter()
        .flat_map(|(l, ds)| ds.iter().map(move |d| (l, d)))
        .collect();
    ordered.sort_by_key(|(_, d)| d.severity);
    match format {
        Format::Json => {
            let items: Vec<JsonDiagnostic> = ordered
                .iter()
                .map(|(l, d)| JsonDiagnostic::new(d, &l.source))
                .collect();
            let mut text = serde_json::to_string_pretty(&items).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Human => ordered
            .iter()
            .map(|(l, d)| render(d, &l.source, style) + "\n")
            .collect(),
    }
}
