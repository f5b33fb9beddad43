//! `ticket-rules agents add | list`: an account's agents and admins and
//! the groups agents are members of. Only these are agents to share a
//! ticket with; admins see and change every ticket.

use super::accounts::unknown_account;
use super::groups::{accounts_to_list, or_none};
use super::out::{out, outln};
use super::running::{DbArg, ReadArgs};
use super::table;
use super::{CliError, Format, Outcome};
use crate::model::Staff;
use crate::rules::schema::{did_you_mean, is_email, quote};
use crate::store::Store;
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Add an agent to an account, or change one: name, groups, admin
    Add {
        account: String,
        /// The agent's email address
        email: String,
        /// The agent's name (kept when left out)
        #[arg(long)]
        name: Option<String>,
        /// Make them a member of this group too (repeatable); the group
        /// must be the account's (`groups add`)
        #[arg(long = "group", value_name = "GROUP")]
        groups: Vec<String>,
        /// An admin, who sees and changes every ticket (left out: an agent)
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Agents and admins, one line each, with their groups
    List {
        #[command(flatten)]
        read: ReadArgs,
    },
}

/// What `agents add` is asked to record.
struct NewAgent<'a> {
    account: &'a str,
    email: &'a str,
    name: Option<&'a str>,
    groups: &'a [String],
    admin: bool,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::Add {
            account,
            email,
            name,
            groups,
            admin,
            db,
        } => {
            let agent = NewAgent {
                account: &account,
                email: &email,
                name: name.as_deref(),
                groups: &groups,
                admin,
            };
            add(&db.open_existing()?, &agent)?
        }
        Command::List { read } => list(
            &read.db.open_to_read()?,
            read.account.as_deref(),
            read.format,
        )?,
    }
    Ok(Outcome::Ok)
}

/// Records the agent and their groups in one transaction, after checking
/// the email and that every group is the account's.
fn add(store: &Store, agent: &NewAgent) -> Result<(), CliError> {
    let (account, email) = (agent.account, agent.email.to_lowercase());
    if store.account_settings(account)?.is_none() {
        return Err(unknown_account(store, account)?);
    }
    if !is_email(&email) {
        return Err(CliError::Usage(format!(
            "`{}` is not an email address\nhelp: an agent is named by email, as in `bo@support.example`",
            agent.email
        )));
    }
    let staff = store.staff(account)?;
    let groups = agent
        .groups
        .iter()
        .map(|g| known_group(&staff, g))
        .collect::<Result<Vec<_>, _>>()?;
    let was_admin = staff.agent(&email).map(|a| a.admin);
    let said = store.transaction(|| -> Result<Vec<String>, CliError> {
        let role = if agent.admin { "admin" } else { "agent" };
        store.upsert_agent(account, &email, agent.name, agent.admin)?;
        let mut said = vec![match was_admin {
            None => format!("added {role} `{email}` to `{account}`"),
            Some(admin) if admin == agent.admin => {
                format!("{role} `{email}` of `{account}` updated")
            }
            Some(_) => format!("`{email}` of `{account}` is now an {role}"),
        }];
        for group in &groups {
            if store.add_member(account, &email, group)? {
                said.push(format!("`{email}` is in group `{group}`"));
            }
        }
        Ok(said)
    })?;
    for line in said {
        outln!("{line}");
    }
    Ok(())
}

/// The account's name for a group, or an error naming the nearest one.
fn known_group(staff: &Staff, name: &str) -> Result<String, CliError> {
    if let Some(group) = staff.group(name) {
        return Ok(group.to_string());
    }
    let help = match did_you_mean(name, staff.groups.values().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "add it with `ticket-rules groups add {} {}`",
            staff.account,
            quote(name)
        ),
    };
    Err(CliError::Usage(format!(
        "no group `{name}` in `{}`\nhelp: {help}",
        staff.account
    )))
}

fn list(store: &Store, account: Option<&str>, format: Format) -> Result<(), CliError> {
    let mut all = Vec::new();
    for account in accounts_to_list(store, account)? {
        all.push(store.staff(&account)?);
    }
    let agents = all
        .iter()
        .flat_map(|s| s.agents.values().map(move |a| (s, a)));
    if format == Format::Json {
        let agents: Vec<_> = agents
            .map(|(staff, a)| {
                json!({
                    "account": staff.account,
                    "email": a.email,
                    "name": a.name,
                    "role": if a.admin { "admin" } else { "agent" },
                    "groups": group_names(staff, a),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&json!({ "agents": agents }));
        outln!("{}", text.unwrap_or_default());
        return Ok(());
    }
    let rows: Vec<Vec<String>> = agents
        .map(|(staff, a)| {
            vec![
                staff.account.clone(),
                a.email.clone(),
                a.name.clone().unwrap_or_else(|| "(none)".into()),
                if a.admin { "admin" } else { "agent" }.into(),
                or_none(group_names(staff, a).join(", ")),
            ]
        })
        .collect();
    if rows.is_empty() {
        outln!(
            "no agents\nhelp: add one with `ticket-rules agents add ACCOUNT EMAIL --group GROUP`"
        );
        return Ok(());
    }
    let header = ["account", "email", "name", "role", "groups"];
    out!("{}", table::render(&header, &rows));
    Ok(())
}

/// An agent's groups, by the names the account gives them.
fn group_names(staff: &Staff, agent: &crate::model::Agent) -> Vec<String> {
    agent
        .groups
        .iter()
        .filter_map(|key| staff.groups.get(key).cloned())
        .collect()
}
