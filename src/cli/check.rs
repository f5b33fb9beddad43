//! `ticket-rules check <paths…>`: read, check and report every rule file.

use super::out::{out, outln};
use super::{report, stdout_style, CliError, Format, Outcome};
use crate::rules::check::{agreements_from_json, CheckOptions};
use crate::rules::check_paths_as;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Rule files or folders to search (.rules, .yaml, .yml, .json; a file
    /// named otherwise is read by its content, or as `--rules-format` says)
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Sharing Agreements API JSON; agreement names in rules must be in it
    #[arg(long, value_name = "FILE")]
    agreements: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// `warnings`: fail (exit 1) on any warning a rule does not allow, for CI
    #[arg(long, value_enum, value_name = "warnings")]
    deny: Option<Deny>,
}

/// What `--deny` turns into a failure.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    Warnings,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let options = CheckOptions {
        agreements: match &args.agreements {
            Some(path) => {
                let shown = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|source| {
                    crate::rules::LoadError::Io {
                        path: shown.clone(),
                        source,
                    }
                })?;
                Some(agreements_from_json(&shown, &text)?)
            }
            None => None,
        },
    };
    let files = check_paths_as(&args.paths, &options, super::running::rules_format())?;
    out!("{}", report(&files, args.format, stdout_style()));
    let errors = files
        .iter()
        .flat_map(|(_, d)| d)
        .filter(|d| d.is_error())
        .count();
    let warnings = files.iter().flat_map(|(_, d)| d).count() - errors;
    let denied = args.deny == Some(Deny::Warnings) && warnings > 0;
    if args.format == Format::Human {
        outln!("{}", summary(files.len(), errors, warnings));
        if denied {
            outln!("failed: `--deny warnings` and {warnings} warnings remain (accept one on its rule with `# ticket-rules: allow(code) reason`)");
        }
    }
    Ok(if errors > 0 || denied {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}

fn summary(files: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "checked {}: {}, {}",
        plural(files, "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
