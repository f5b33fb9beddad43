//! `ticket-rules agreements import`: load sharing agreements (the Sharing
//! Agreements API JSON) into the store, so shares can be checked.

use super::running::DbArg;
use super::{CliError, Outcome};
use crate::model::agreement::from_api_json;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Import `{"sharing_agreements": [...]}` for an account
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Whose agreements these are (default: the store's only account)
        #[arg(long)]
        account: Option<String>,
    },
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let Command::Import { file, db, account } = args.command;
    let shown = file.display().to_string();
    let text = std::fs::read_to_string(&file).map_err(|source| CliError::Read {
        path: shown.clone(),
        source,
    })?;
    let list = from_api_json(&text).map_err(|e| {
        CliError::Usage(format!("`{shown}` is not Sharing Agreements API JSON: {e}"))
    })?;
    let store = db.open()?;
    let account = super::running::account_of(&store, account.as_deref())?;
    store.begin()?;
    let n = store.import_agreements(&account, &list)?;
    store.commit()?;
    println!(
        "imported {n} agreement{} for `{account}`",
        if n == 1 { "" } else { "s" }
    );
    Ok(Outcome::Ok)
}
