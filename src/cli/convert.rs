//! `ticket-rules convert <file> --to dsl|yaml|json [--output FILE]`.
//!
//! The converted text goes to stdout (or `--output`); diagnostics always go
//! to stderr, so that `convert x.yaml --to dsl > x.rules` stays clean.

use super::out::err;
use super::{report, stderr_style, CliError, Format, Outcome};
use crate::rules::check::{check, check_titles, CheckOptions};
use crate::rules::diagnostics::Diagnostic;
use crate::rules::{convert, format, load_path};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The rule file to convert (.rules, .yaml, .yml, .json)
    file: PathBuf,
    /// What to write
    #[arg(long, value_enum)]
    to: Target,
    /// Write here instead of to stdout
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The form to convert into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// The `.rules` language
    Dsl,
    /// Zendesk-shaped YAML
    Yaml,
    /// Zendesk-shaped JSON (the trigger and automation API's shape)
    Json,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let mut loaded = load_path(&args.file)?;
    let mut diags = std::mem::take(&mut loaded.diagnostics);
    diags.extend(check(&loaded.file, &CheckOptions::default()));
    diags.extend(check_titles(&[&loaded.file]).into_iter().map(|(_, d)| d));
    diags.sort_by_key(|d| (d.severity, d.span.start));
    let failed = diags.iter().any(Diagnostic::is_error);
    let output = if failed {
        None
    } else {
        match args.to {
            Target::Dsl => Some(Ok(format::format_file(&loaded.file))),
            Target::Yaml => Some(convert::to_yaml(&loaded.file)),
            Target::Json => Some(convert::to_json(&loaded.file)),
        }
    };
    let text = match output {
        Some(Ok(text)) => Some(text),
        Some(Err(mut errors)) => {
            diags.append(&mut errors);
            None
        }
        None => None,
    };
    if !diags.is_empty() {
        err!(
            "{}",
            report(&[(loaded, diags)], Format::Human, stderr_style())
        );
    }
    let Some(text) = text else {
        return Ok(Outcome::Failed);
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|source| CliError::Write {
            path: path.display().to_string(),
            source,
        })?,
        None => super::out::data(&text),
    }
    Ok(Outcome::Ok)
}
