//! `ticket-rules convert <file> --to dsl|yaml`.

use super::{CliError, Outcome};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The rule file to convert
    file: PathBuf,
}

pub fn run(_args: Args) -> Result<Outcome, CliError> {
    Err(CliError::Usage("convert is being written".into()))
}
