//! `ticket-rules fmt [--check] <paths…>`: rewrite `.rules` files in the
//! canonical layout.

use super::{CliError, Outcome};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// `.rules` files or folders
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing; print a diff and exit 1 when a file is not formatted
    #[arg(long)]
    check: bool,
}

pub fn run(_args: Args) -> Result<Outcome, CliError> {
    Err(CliError::Usage("fmt is being written".into()))
}
