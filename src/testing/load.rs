//! Stage one: a `*.test.yaml` file read, its rules loaded and checked, and
//! every case's events parsed, or compiler-style diagnostics for what is
//! wrong (`path:line:column`, the line, carets, a help line), all of them.

use super::cases::{backquoted, CaseCx};
use super::locate::Finder;
use super::spec::Spec;
use super::{Diagnostics, TestFile, World, WorldAccount};
use crate::engine::RuleSet;
use crate::ingest::AccountRules;
use crate::model::agreement::from_api_json;
use crate::model::{Agreement, FieldType};
use crate::rules::ast::Span;
use crate::rules::check::CheckOptions;
use crate::rules::diagnostics::{Diagnostic, SourceFile};
use crate::rules::schema::did_you_mean;
use crate::rules::{check_paths, Loaded};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Reads and checks one test file.
pub fn load(path: &Path) -> Result<TestFile, Diagnostics> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Diagnostics::io(&shown, &e))?;
    let source = SourceFile::new(shown, text);
    let spec: Spec = match serde_yaml::from_str(&source.text) {
        Ok(spec) => spec,
        Err(e) => return Err(Diagnostics::of(&source, vec![yaml_error(&source, &e)])),
    };
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut diags = Vec::new();
    let (world, rules, real) = world(&source, &dir, &spec, &mut diags)?;
    let finder = Finder::new(&source.text, &spec.cases);
    let mut cases = Vec::new();
    let mut names = BTreeSet::new();
    for (i, case) in spec.cases.iter().enumerate() {
        let at = finder.case(i);
        if !names.insert(case.name.as_str()) {
            let d = Diagnostic::error(
                "test-file",
                at.name,
                format!("two cases are named `{}`", case.name),
            );
            diags.push(d.with_help("give each case its own name; `--filter` picks cases by name"));
        }
        let cx = CaseCx {
            finder: &finder,
            index: i,
            account: &world.account,
            rules: &rules,
            accounts: &world.accounts,
            diags: &mut diags,
        };
        if let Some(case) = cx.case(case) {
            cases.push(case);
        }
    }
    if spec.cases.is_empty() {
        diags.push(Diagnostic::error(
            "test-file",
            finder.key_or_start("cases"),
            "the file has no cases",
        ));
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Diagnostics::of(&source, diags));
    }
    Ok(TestFile {
        path: path.to_path_buf(),
        source,
        world,
        rules,
        real_paths: real,
        cases,
    })
}

/// A serde error at the line and column it names.
fn yaml_error(source: &SourceFile, e: &serde_yaml::Error) -> Diagnostic {
    let at = e.location().map_or(0, |l| l.index()).min(source.text.len());
    let full = e.to_string();
    // serde_yaml ends with ` at line L column C`; the diagnostic says where.
    let message = full.split(" at line ").next().unwrap_or(&full).to_string();
    let (message, within) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (rest.to_string(), Some(path.to_string())),
        _ => (message, None),
    };
    let first = backquoted(&message).first().map_or("", |w| *w);
    let here = source.text.get(at..).unwrap_or("");
    let span = if !first.is_empty() && here.starts_with(first) {
        Span::new(at, at + first.len())
    } else {
        crate::locate::token_at(&source.text, at)
    };
    match message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split_once("`, expected "))
    {
        Some((key, expected)) => {
            let names = backquoted(expected);
            let text = match within {
                Some(w) => format!("unknown key `{key}` in `{w}`"),
                None => format!("unknown key `{key}`"),
            };
            let d = Diagnostic::error("test-file", span, text);
            d.did_you_mean(did_you_mean(key, names))
                .or_help(format!("expected {expected}"))
        }
        None => {
            let text = lowercase_first(&message);
            let text = match within {
                Some(w) => format!("{text} (in `{w}`)"),
                None => text,
            };
            Diagnostic::error("test-file", span, text)
        }
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

/// The accounts, their agreements, fields and compiled rules.
type Loaded3 = (World, AccountRules, BTreeMap<String, String>);

fn world(
    source: &SourceFile,
    dir: &Path,
    spec: &Spec,
    diags: &mut Vec<Diagnostic>,
) -> Result<Loaded3, Diagnostics> {
    let finder = Finder::new(&source.text, &[]);
    let Some(first) = spec.accounts.keys().next() else {
        let d = Diagnostic::error(
            "test-file",
            finder.key_or_start("accounts"),
            "the file names no accounts",
        );
        return Err(Diagnostics::of(
            source,
            vec![d.with_help("add `accounts: { support: { rules: support.rules } }`")],
        ));
    };
    let account = spec.account.clone().unwrap_or_else(|| first.clone());
    if !spec.accounts.contains_key(&account) {
        let names = spec.accounts.keys().map(String::as_str);
        let d = Diagnostic::error(
            "unknown-account",
            finder.value_of("account"),
            format!("`account: {account}` is not one of the file's accounts"),
        );
        diags.push(d.did_you_mean(did_you_mean(&account, names)));
    }
    let mut world = World {
        account,
        accounts: Vec::new(),
    };
    let mut rules = AccountRules::default();
    let mut real = BTreeMap::new();
    let mut rule_failures = Diagnostics::default();
    for (name, acc) in &spec.accounts {
        let agreements = match agreements_of(dir, acc.agreements.as_ref(), name) {
            Ok(list) => list,
            Err((needle, message)) => {
                diags.push(Diagnostic::error(
                    "test-file",
                    finder.text(&needle),
                    message,
                ));
                Vec::new()
            }
        };
        let mut fields = Vec::new();
        for (title, kind) in &acc.fields {
            match FieldType::parse(kind) {
                Some(t) => fields.push((title.clone(), t)),
                None => diags.push(Diagnostic::error(
                    "test-file",
                    finder.text(kind),
                    format!("unknown field type `{kind}` for `{title}`"),
                )),
            }
        }
        world.accounts.push(WorldAccount {
            name: name.clone(),
            agreements,
            fields,
        });
        let paths: Vec<PathBuf> = acc.rules.iter().map(|p| dir.join(p)).collect();
        for (p, written) in paths.iter().zip(&acc.rules) {
            if !p.exists() {
                let d = Diagnostic::error(
                    "test-file",
                    finder.text(written),
                    format!("no rule file or folder `{written}`"),
                );
                diags.push(d.with_help(format!(
                    "rule paths are relative to the test file's folder `{}`",
                    dir.display()
                )));
            }
        }
        if paths.is_empty() || paths.iter().any(|p| !p.exists()) {
            continue;
        }
        match compile(dir, &paths, &mut real) {
            Ok(set) => {
                rules.own.insert(name.clone(), set);
            }
            Err(failed) => rule_failures.merge(failed),
        }
    }
    if rule_failures.errors > 0 {
        rule_failures.merge(Diagnostics::of(source, std::mem::take(diags)));
        return Err(rule_failures);
    }
    Ok((world, rules, real))
}

/// Loads, checks and compiles rule files, naming them relative to the
/// test file (`support.rules:3:9`) so that a snapshot reads the same from
/// any working directory.
fn compile(
    dir: &Path,
    paths: &[PathBuf],
    real: &mut BTreeMap<String, String>,
) -> Result<RuleSet, Diagnostics> {
    let mut files = check_paths(paths, &CheckOptions::default())
        .map_err(|e| Diagnostics::message(&e.to_string()))?;
    if files.iter().flat_map(|(_, d)| d).any(Diagnostic::is_error) {
        let mut out = Diagnostics::default();
        for (loaded, diags) in &files {
            let errors = diags.iter().filter(|d| d.is_error()).cloned().collect();
            out.merge(Diagnostics::of(&loaded.source, errors));
        }
        return Err(out);
    }
    for (loaded, _) in &mut files {
        relabel(dir, loaded, real);
    }
    Ok(crate::engine::compile::compile_loaded(&files))
}

fn relabel(dir: &Path, loaded: &mut Loaded, real: &mut BTreeMap<String, String>) {
    let path = PathBuf::from(&loaded.source.path);
    let short = path
        .strip_prefix(dir)
        .map_or(path.clone(), Path::to_path_buf);
    let short = short.display().to_string();
    real.insert(short.clone(), loaded.source.path.clone());
    loaded.source.path = short;
}

/// An account's agreements: files and inline objects, one or a list.
/// An error names what to point at and what is wrong.
pub(super) fn agreements_of(
    dir: &Path,
    value: Option<&Value>,
    account: &str,
) -> Result<Vec<Agreement>, (String, String)> {
    let items = match value {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
    };
    let mut out = Vec::new();
    for item in items {
        let (text, shown) = match &item {
            Value::String(file) => {
                let path = dir.join(file);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    (
                        file.clone(),
                        format!("cannot read `{}`: {e}", path.display()),
                    )
                })?;
                (text, file.clone())
            }
            other => (
                Value::Array(vec![other.clone()]).to_string(),
                "agreements".into(),
            ),
        };
        let mut list =
            from_api_json(&text).map_err(|e| (shown.clone(), format!("`{shown}`: {e}")))?;
        list.iter_mut()
            .for_each(|a| a.account = account.to_string());
        out.extend(list);
    }
    Ok(out)
}
