//! `ticket-rules check <paths…>`: read, check and report every rule file.

use super::{report, stdout_style, CliError, Format, Outcome};
use crate::rules::check::{agreements_from_json, check, check_titles, CheckOptions};
use crate::rules::diagnostics::Diagnostic;
use crate::rules::{collect_paths, load_path, Loaded};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Rule files (.rules, .yaml, .yml, .json) or folders to search
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Sharing Agreements API JSON; agreement names in rules must be in it
    #[arg(long, value_name = "FILE")]
    agreements: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
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
    let files = check_paths(&args.paths, &options)?;
    print!("{}", report(&files, args.format, stdout_style()));
    let errors = files
        .iter()
        .flat_map(|(_, d)| d)
        .filter(|d| d.is_error())
        .count();
    let warnings = files.iter().flat_map(|(_, d)| d).count() - errors;
    if args.format == Format::Human {
        println!("{}", summary(files.len(), errors, warnings));
    }
    Ok(if errors > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}

/// Loads and checks every rule file under `paths`, titles across all of them.
pub fn check_paths(
    paths: &[PathBuf],
    options: &CheckOptions,
) -> Result<Vec<(Loaded, Vec<Diagnostic>)>, CliError> {
    let mut files = Vec::new();
    for path in collect_paths(paths)? {
        let mut loaded = load_path(&path)?;
        let mut diags = std::mem::take(&mut loaded.diagnostics);
        diags.extend(check(&loaded.file, options));
        files.push((loaded, diags));
    }
    let asts: Vec<_> = files.iter().map(|(l, _)| &l.file).collect();
    for (i, d) in check_titles(&asts) {
        files[i].1.push(d);
    }
    for (_, diags) in &mut files {
        diags.sort_by_key(|d| (d.severity, d.span.start));
    }
    Ok(files)
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
