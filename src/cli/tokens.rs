//! `ticket-rules tokens add | list | revoke`: API tokens for `serve`. A
//! token is printed once, when it is made; the store keeps only its hash.
//! Its user must be one of the account's agents or admins (`agents add`).

use super::accounts::unknown_account;
use super::running::{DbArg, ReadArgs};
use super::table;
use super::{CliError, Format, Outcome};
use crate::server::auth::{new_token, token_hash};
use crate::store::ApiToken;
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Make a token for an agent or admin of an account; printed once
    Add {
        account: String,
        /// The agent's email address (see `agents add`)
        email: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Tokens by id, with their user; never the tokens themselves
    List {
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Revoke a token: requests with it get 401 from then on
    Revoke {
        account: String,
        /// The token's id (see `tokens list`)
        id: i64,
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    match args.command {
        Command::Add { account, email, db } => add(&db, &account, &email),
        Command::List { read } => {
            let store = read.db.open_existing()?;
            let tokens = store.tokens(read.account.as_deref())?;
            print!("{}", list(&tokens, read.format));
            Ok(Outcome::Ok)
        }
        Command::Revoke { account, id, db } => {
            let store = db.open_existing()?;
            if !store.revoke_token(&account, id, chrono::Utc::now())? {
                return Err(CliError::Usage(format!(
                    "`{account}` has no live token {id}\nhelp: `ticket-rules tokens list --account {account}` shows its tokens"
                )));
            }
            println!("token {id} of `{account}` revoked");
            Ok(Outcome::Ok)
        }
    }
}

fn add(db: &DbArg, account: &str, email: &str) -> Result<Outcome, CliError> {
    let store = db.open_existing()?;
    if store.account_settings(account)?.is_none() {
        return Err(unknown_account(&store, account)?);
    }
    let staff = store.staff(account)?;
    let Some(agent) = staff.agent(email) else {
        return Err(CliError::Usage(format!(
            "`{email}` is not an agent or admin of `{account}`\nhelp: add them first: `ticket-rules agents add {account} {email}`"
        )));
    };
    let token = new_token().map_err(|e| CliError::Usage(format!("no random source: {e}")))?;
    let id = store.add_token(
        account,
        &agent.email,
        &token_hash(&token),
        chrono::Utc::now(),
    )?;
    let role = if agent.admin { "admin" } else { "agent" };
    eprintln!(
        "token {id} for {role} `{}` of `{account}`; it is shown once, keep it now:",
        agent.email
    );
    println!("{token}");
    Ok(Outcome::Ok)
}

fn list(tokens: &[ApiToken], format: Format) -> String {
    match format {
        Format::Json => {
            let items: Vec<_> = tokens
                .iter()
                .map(|t| {
                    json!({
                        "id": t.id, "account": t.account, "email": t.email,
                        "created_at": t.created_at, "revoked_at": t.revoked_at,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&items).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Human if tokens.is_empty() => "no tokens\n".into(),
        Format::Human => {
            let rows: Vec<Vec<String>> = tokens
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.account.clone(),
                        t.email.clone(),
                        t.created_at.to_rfc3339(),
                        t.revoked_at.map_or_else(
                            || "live".into(),
                            |r| format!("revoked {}", r.to_rfc3339()),
                        ),
                    ]
                })
                .collect();
            table::render(&["ID", "ACCOUNT", "EMAIL", "CREATED", "STATE"], &rows)
        }
    }
}
