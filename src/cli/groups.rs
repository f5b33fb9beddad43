//! `ticket-rules groups add | list`: an account's groups (inboxes). A
//! ticket belongs to the group its `group` names; once the account has
//! that group, only its members, admins and agents the ticket is shared
//! with may change the ticket (`agents add … --group` makes members).

use super::accounts::unknown_account;
use super::out::{out, outln};
use super::running::{DbArg, ReadArgs};
use super::table;
use super::{CliError, Format, Outcome};
use crate::store::Store;
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Add groups to an account
    Add {
        account: String,
        /// Group names, as tickets write them (`"Tier 2"`)
        #[arg(required = true)]
        names: Vec<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Groups with their members, one line each
    List {
        #[command(flatten)]
        read: ReadArgs,
    },
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::Add { account, names, db } => add(&db.open_existing()?, &account, &names)?,
        Command::List { read } => list(
            &read.db.open_to_read()?,
            read.account.as_deref(),
            read.format,
        )?,
    }
    Ok(Outcome::Ok)
}

/// Adds every group in one transaction, after checking them all.
fn add(store: &Store, account: &str, names: &[String]) -> Result<(), CliError> {
    if store.account_settings(account)?.is_none() {
        return Err(unknown_account(store, account)?);
    }
    let names: Vec<&str> = names.iter().map(|n| n.trim()).collect();
    if names.iter().any(|n| n.is_empty()) {
        return Err(CliError::Usage(
            "a group needs a name\nhelp: quote a name with spaces: `\"Tier 2\"`".into(),
        ));
    }
    let said = store.transaction(|| -> Result<Vec<String>, CliError> {
        let mut said = Vec::new();
        for name in &names {
            said.push(if store.add_group(account, name)? {
                format!("added group `{name}` to `{account}`")
            } else {
                format!("group `{name}` is already in `{account}`")
            });
        }
        Ok(said)
    })?;
    for line in said {
        outln!("{line}");
    }
    Ok(())
}

/// The accounts a listing covers: the one named (which must exist), or all.
pub fn accounts_to_list(store: &Store, named: Option<&str>) -> Result<Vec<String>, CliError> {
    match named {
        Some(account) if store.account_settings(account)?.is_none() => {
            Err(unknown_account(store, account)?)
        }
        Some(account) => Ok(vec![account.to_string()]),
        None => Ok(store.accounts()?),
    }
}

/// One group of one account and its members' emails.
struct Row {
    account: String,
    name: String,
    members: Vec<String>,
}

fn list(store: &Store, account: Option<&str>, format: Format) -> Result<(), CliError> {
    let mut rows = Vec::new();
    for account in accounts_to_list(store, account)? {
        let staff = store.staff(&account)?;
        for (key, name) in &staff.groups {
            let members = staff.agents.values().filter(|a| a.groups.contains(key));
            rows.push(Row {
                account: account.clone(),
                name: name.clone(),
                members: members.map(|a| a.email.clone()).collect(),
            });
        }
    }
    if format == Format::Json {
        let groups: Vec<_> = rows
            .iter()
            .map(|r| json!({ "account": r.account, "name": r.name, "members": r.members }))
            .collect();
        let text = serde_json::to_string_pretty(&json!({ "groups": groups }));
        outln!("{}", text.unwrap_or_default());
        return Ok(());
    }
    if rows.is_empty() {
        outln!("no groups\nhelp: add one with `ticket-rules groups add ACCOUNT NAME`");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| vec![r.account, r.name, or_none(r.members.join(", "))])
        .collect();
    out!("{}", table::render(&["account", "group", "members"], &rows));
    Ok(())
}

/// `(none)` for an empty list.
pub fn or_none(text: String) -> String {
    if text.is_empty() {
        "(none)".into()
    } else {
        text
    }
}
