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
use check::{apply_allows, check, check_cycles, check_titles, CheckOptions};
use diagnostics::{Diagnostic, SourceFile};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Which front end reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Syntax {
    Dsl,
    Yaml,
    Json,
}

impl Syntax {
    /// The front end for a file whose name says nothing: JSON starts with
    /// `{`, the DSL has a line starting `trigger "` or `automation "`, and
    /// YAML has a `triggers:` or `automations:` key.
    pub fn sniff(text: &str) -> Option<Syntax> {
        let body = text.trim_start_matches('\u{feff}').trim_start();
        if body.starts_with('{') {
            return Some(Syntax::Json);
        }
        let starts = |prefixes: &[&str]| {
            body.lines().any(|l| {
                let l = l.trim_start().to_ascii_lowercase();
                prefixes.iter().any(|p| l.starts_with(p))
            })
        };
        if starts(&["trigger \"", "automation \""]) {
            Some(Syntax::Dsl)
        } else if starts(&["triggers:", "automations:", "trigger:", "automation:"]) {
            Some(Syntax::Yaml)
        } else {
            None
        }
    }

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
    #[error("`{path}` is not a rule file\nhelp: name it `.rules`, `.yaml` or `.json`, or say which with `--rules-format dsl|yaml|json`")]
    NotRules { path: String },
    #[error("`{path}` is over {} MiB, the most a rule file may be\nhelp: split it into several files in one folder", MAX_RULE_FILE >> 20)]
    TooBig { path: String },
}

/// The largest rule file read, in bytes: rules are admins' code, but a
/// runaway generator should get an error, not take the memory.
pub const MAX_RULE_FILE: u64 = 16 << 20;

/// Loads and checks every rule file under `paths`, titles across all of them.
pub fn check_paths(
    paths: &[PathBuf],
    options: &CheckOptions,
) -> Result<Vec<(Loaded, Vec<Diagnostic>)>, LoadError> {
    check_paths_as(paths, options, None)
}

/// [`check_paths`], reading every file with `syntax` when one is given
/// (`--rules-format`) instead of going by its name or content.
pub fn check_paths_as(
    paths: &[PathBuf],
    options: &CheckOptions,
    syntax: Option<Syntax>,
) -> Result<Vec<(Loaded, Vec<Diagnostic>)>, LoadError> {
    let loaded = collect_paths(paths)?
        .iter()
        .map(|p| load_path_as(p, syntax))
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
    let across = check_titles(&asts)
        .into_iter()
        .chain(check_cycles(&asts))
        .collect::<Vec<_>>();
    for (i, d) in across {
        files[i].1.push(d);
    }
    for (loaded, diags) in &mut files {
        *diags = apply_allows(&loaded.file, &loaded.source.text, std::mem::take(diags));
        diags.sort_by_key(|d| (d.severity, d.span.start));
    }
    files
}

/// Reads one rule file from disk, by its extension or, for any other
/// name, by its content.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    load_path_as(path, None)
}

/// [`load_path`] with the front end given (`--rules-format`), if it is.
pub fn load_path_as(path: &Path, syntax: Option<Syntax>) -> Result<Loaded, LoadError> {
    let shown = path.display().to_string();
    let io = |source| LoadError::Io {
        path: shown.clone(),
        source,
    };
    let mut text = String::new();
    // One byte past the limit tells a file at the limit from one over it,
    // without reading the rest.
    let file = std::fs::File::open(path).map_err(io)?;
    file.take(MAX_RULE_FILE + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_RULE_FILE {
        return Err(LoadError::TooBig { path: shown });
    }
    let syntax = syntax
        .or_else(|| Syntax::of(path))
        .or_else(|| Syntax::sniff(&text))
        .ok_or_else(|| LoadError::NotRules {
            path: shown.clone(),
        })?;
    Ok(load_str(&shown, text, syntax))
}

/// The rule files named by `paths`: files as given, folders searched
/// recursively for `.rules`, `.yaml`, `.yml` and `.json`, in path order
/// (leaving out the test files, `*.test.yaml`, that sit beside them).
pub fn collect_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    files_under(paths, |p| Syntax::of(p).is_some() && !is_test_file(p))
}

/// Is this a test file's name (`*.test.yaml`, run by `ticket-rules test`)?
/// Test files sit beside rule files, and are not rules.
pub fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".test.yaml") || n.ends_with(".test.yml"))
}

/// Files as given, and the files `keep` picks in folders searched
/// recursively, in path order.
pub fn files_under(paths: &[PathBuf], keep: fn(&Path) -> bool) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, keep, &mut found)?;
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

fn walk(dir: &Path, keep: fn(&Path) -> bool, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            walk(&path, keep, out)?;
        } else if keep(&path) {
            out.push(path);
        }
    }
    Ok(())
}
