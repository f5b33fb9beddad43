//! `ticket-rules fmt [--check] <paths…>`: rewrite `.rules` files in the
//! canonical layout.

use super::out::{err, errln, out};
use super::{report, stderr_style, CliError, Format, Outcome};
use crate::rules::format::format_file;
use crate::rules::{collect_paths, load_path, Syntax};
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

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let mut skipped = 0;
    let mut broken = 0;
    let mut changed = 0;
    for path in collect_paths(&args.paths)? {
        if Syntax::of(&path) != Some(Syntax::Dsl) {
            skipped += 1;
            continue;
        }
        let mut loaded = load_path(&path)?;
        if loaded.diagnostics.iter().any(|d| d.is_error()) {
            // Never rewrite what could not be read whole.
            let diags = std::mem::take(&mut loaded.diagnostics);
            err!(
                "{}",
                report(&[(loaded, diags)], Format::Human, stderr_style())
            );
            broken += 1;
            continue;
        }
        let formatted = format_file(&loaded.file);
        let original = &loaded.source.text;
        if &formatted == original {
            continue;
        }
        changed += 1;
        let shown = &loaded.source.path;
        if args.check {
            let diff = similar::TextDiff::from_lines(original.as_str(), formatted.as_str());
            out!(
                "{}",
                diff.unified_diff()
                    .header(shown, &format!("{shown} (formatted)"))
            );
        } else {
            std::fs::write(&path, &formatted).map_err(|source| CliError::Write {
                path: shown.clone(),
                source,
            })?;
            errln!("formatted {shown}");
        }
    }
    if skipped > 0 {
        errln!(
            "note: fmt formats `.rules` files only; skipped {skipped} YAML/JSON or other file{}",
            if skipped == 1 { "" } else { "s" }
        );
    }
    if broken > 0 {
        errln!(
            "{broken} file{} with syntax errors left unchanged",
            if broken == 1 { "" } else { "s" }
        );
    }
    if args.check && changed > 0 {
        errln!(
            "{changed} file{} would be reformatted",
            if changed == 1 { "" } else { "s" }
        );
    }
    Ok(if broken > 0 || (args.check && changed > 0) {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}
