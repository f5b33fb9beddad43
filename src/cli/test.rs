//! `ticket-rules test`: runs the cases of `*.test.yaml` files against the
//! rules they name, through the pipeline `ingest` runs, and says pass or
//! fail per case (exit 1 on any failure). The runner is
//! [`crate::testing`].

use super::{CliError, Outcome};
use crate::testing::report::{coverage_text, json, junit, text};
use crate::testing::snapshot::Mode;
use crate::testing::suite::{run as run_suite, Options};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Test files, or folders searched for `*.test.yaml` (default: `.`)
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only the cases whose name contains this (ignoring case)
    #[arg(long, value_name = "NAME")]
    filter: Option<String>,
    /// Also list the rules no case fired, and conditions never seen true
    /// or never seen false
    #[arg(long)]
    coverage: bool,
    /// Show the whole diff of every snapshot that is new or changed
    #[arg(long, conflicts_with = "accept")]
    review: bool,
    /// Write every new or changed snapshot: take today's outcome
    #[arg(long)]
    accept: bool,
    #[arg(long, value_enum, default_value_t)]
    format: TestFormat,
}

/// Text, JSON, or JUnit XML for CI dashboards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    #[default]
    Human,
    Json,
    Junit,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let options = Options {
        filter: args.filter,
        snapshots: match (args.review, args.accept) {
            (true, _) => Mode::Review,
            (_, true) => Mode::Accept,
            _ => Mode::Check,
        },
    };
    let results = run_suite(&paths, &options)?;
    if results.files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(CliError::Usage(format!(
            "no test files in {}\nhelp: test files end in `.test.yaml`; docs/TESTING.md describes them",
            shown.join(", ")
        )));
    }
    let gaps = args.coverage.then(|| results.coverage.gaps());
    match args.format {
        TestFormat::Human => {
            print!("{}", text(&results, super::stdout_style()));
            if let Some(gaps) = &gaps {
                print!("{}", coverage_text(gaps));
            }
        }
        TestFormat::Json => {
            let v = json(&results, gaps.as_ref());
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        TestFormat::Junit => print!("{}", junit(&results)),
    }
    Ok(if results.ok() {
        Outcome::Ok
    } else {
        Outcome::Failed
    })
}
