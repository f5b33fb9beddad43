//! The rule language, in the order a file goes through it:
//!
//! 1. **Read.** A `.rules` file is parsed by pest ([`parse`]); a `.yaml`,
//!    `.yml` or `.json` file in the shape of Zendesk's trigger API is read by
//!    serde ([`yaml`]). Both produce the same [`ast`], with spans.
//! 2. **Check.** [`check`] finds semantic errors and warnings, all of them,
//!    using the tables in [`schema`].
//! 3. **Print.** [`format`] writes the canonical DSL (`fmt`, and `convert
//!    --to dsl`); [`convert`] writes Zendesk-shaped YAML.
//!
//! [`diagnostics`] renders what any stage finds, the same way for all.

pub mod ast;
pub mod check;
pub mod convert;
pub mod diagnostics;
pub mod format;
pub mod parse;
pub mod schema;
pub mod yaml;

use ast::RuleFile;
use check::{check, check_titles, CheckOptions};
use diagnostics::{Diagnostic, SourceFile};
use std::path::{Path, PathBuf};

/// Which front end reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Dsl,
    Yaml,
    Json,
}

impl Syntax {
    /// The front end for a path, by its extension.
    pub fn of(path: &Path) -> Option<Syntax> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "rules" => Some(Syntax::Dsl),
            "yaml" | "yml" => Some(Syntax::Yaml),
            "json" => Some(Syntax::Json),
            _ => None,
        }
    }
}

/// A rule file read by its front end: the source for diagnostics, the AST,
/// and what reading it found.
pub struct Loaded {
    pub source: SourceFile,
    pub syntax: Syntax,
    pub file: RuleFile,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads rule text with the front end `syntax` names.
pub fn load_str(path: &str, text: String, syntax: Syntax) -> Loaded {
    let (file, diagnostics) = match syntax {
        Syntax::Dsl => parse::parse_rules(&text),
        Syntax::Yaml => yaml::load(&text, false),
        Syntax::Json => yaml::load(&text, true),
    };
    Loaded {
        source: SourceFile::new(path, text),
        syntax,
        file,
        diagnostics,
    }
}

/// Why a path could not be read as rules.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("`{path}` is not a rule file")]
    NotRules { path: String },
}

/// Loads and checks every rule file under `paths`, titles across all of them.
pub fn check_paths(
    paths: &[PathBuf],
    options: &CheckOptions,
) -> Result<Vec<(Loaded, Vec<Diagnostic>)>, LoadError> {
    let loaded = collect_paths(paths)?
        .iter()
        .map(|p| load_path(p))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(check_loaded(loaded, options))
}

/// Checks files already read, titles across all of them: each file with
/// everything found in it, in source order.
pub fn check_loaded(loaded: Vec<Loaded>, options: &CheckOptions) -> Vec<(Loaded, Vec<Diagnostic>)> {
    let mut files = Vec::new();
    for mut loaded in loaded {
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
    files
}

/// Reads one rule file from disk.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    let shown = path.display().to_string();
    let syntax = Syntax::of(path).ok_or_else(|| LoadError::NotRules {
        path: shown.clone(),
    })?;
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: shown.clone(),
        source,
    })?;
    Ok(load_str(&shown, text, syntax))
}

/// The rule files named by `paths`: files as given, folders searched
/// recursively for `.rules`, `.yaml`, `.yml` and `.json`, in path order.
pub fn collect_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(LoadError::Io {
                path: path.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if Syntax::of(&path).is_some() {
            out.push(path);
        }
    }
    Ok(())
}
